"""Audit ledger: append rate and hash-chain verification time per 100,000 entries.

Writes --entries entries through `copilot.audit.ledger.record` (the path every
service uses: chain lock, previous hash, Fernet encryption, insert) into a throw-away
SQLite database, then times `verify_chain` (decrypt, re-hash, link check of every
entry) and prints both, scaled to 100,000 entries.

Usage: python bench/audit.py [--entries 100000]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402
from django.test.utils import setup_databases  # noqa: E402

from copilot.audit.ledger import Event, record  # noqa: E402
from copilot.audit.models import LedgerEntry  # noqa: E402
from copilot.audit.verify import verify_chain  # noqa: E402

PAYLOAD = "Client reported sleeping 5 hours; practiced grounding; denies SI/HI. " * 12


def append(count: int) -> float:
    start = time.perf_counter()
    for first in range(0, count, 1000):
        with transaction.atomic():
            for i in range(first, min(first + 1000, count)):
                record(
                    Event(
                        kind=LedgerEntry.Kind.AI_DRAFT,
                        client_id=f"bh-{i % 8:03d}",
                        meta={"engine": "grounded", "references": [f"DocumentReference/{i}"]},
                        content={"payload": PAYLOAD, "output": PAYLOAD},
                    )
                )
    return time.perf_counter() - start


def main(count: int) -> None:
    written = append(count)
    start = time.perf_counter()
    result = verify_chain()
    verified = time.perf_counter() - start
    assert result.ok and result.checked == count, result
    scale = 100_000 / count
    print(f"Audit ledger, SQLite, {os.cpu_count()}-core CPU, {count:,} entries of ~1.7 kB content")
    print(
        f"append: {written:.1f} s ({count / written:,.0f} entries/s; "
        f"{written * scale:.0f} s per 100,000)"
    )
    print(
        f"verify: {verified:.1f} s ({count / verified:,.0f} entries/s; "
        f"{verified * scale:.1f} s per 100,000)"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    args = parser.parse_args()
    setup_databases(verbosity=0, interactive=False)  # a throw-away in-memory database
    main(args.entries)
