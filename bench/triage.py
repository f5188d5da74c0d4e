"""Secure-message triage on messages the model never saw.

Sorts every message of a held-out set with copilot.inbox.triage exactly as the inbox
does. The sets (bench/triage_*.json) were written for the project by separate authors
from a brief, each message labelled by the practice's rule (urgent beats everything,
else medication > clinical > billing > scheduling > administrative); none is trained
on. Prints per-category precision / recall / F1, macro-F1, urgent recall (target
1.00), how many urgent messages are at least marked "possible risk", the confusion
matrix, and the time to sort one message (p50 / p95, model warm) and the whole set.
--misses lists the messages filed wrongly (reading them spends the set: a set whose
misses were read and acted on no longer measures unseen wording).

Usage: python bench/triage.py [--misses] [--data bench/triage_heldout10.json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT / "bench" / "triage_heldout10.json")
    parser.add_argument("--misses", action="store_true", help="print every wrong category")
    args = parser.parse_args()

    import django

    django.setup()
    from copilot.inbox.triage import CATEGORIES, get_model, triage

    messages = json.loads(args.data.read_text())
    texts = [m["text"] for m in messages]
    truth = [m["category"] for m in messages]
    get_model()
    triage(["warm up the embedding model"])

    started = time.perf_counter()
    sorted_ = triage(texts)
    found = [t.category for t in sorted_]
    batch_ms = (time.perf_counter() - started) * 1000
    singles = []
    for text in texts:
        started = time.perf_counter()
        triage([text])
        singles.append((time.perf_counter() - started) * 1000)

    print(f"{len(messages)} messages: " + ", ".join(f"{c} {truth.count(c)}" for c in CATEGORIES))
    print(f"{'category':<16}{'precision':>10}{'recall':>8}{'F1':>7}")
    f1s = []
    for category in CATEGORIES:
        tp = sum(1 for t, f in zip(truth, found, strict=True) if t == f == category)
        precision = tp / max(1, found.count(category))
        recall = tp / max(1, truth.count(category))
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        f1s.append(f1)
        print(f"{category:<16}{precision:>10.3f}{recall:>8.3f}{f1:>7.3f}")
    accuracy = sum(1 for t, f in zip(truth, found, strict=True) if t == f) / len(truth)
    urgent_recall = sum(
        1 for t, f in zip(truth, found, strict=True) if t == f == "urgent"
    ) / truth.count("urgent")
    print(f"macro-F1 {statistics.mean(f1s):.3f} (target >= 0.90); accuracy {accuracy:.3f}")
    print(f"urgent recall {urgent_recall:.3f} (target 1.00)")
    flagged = [t.urgent or t.review is not None for t in sorted_]
    seen = sum(1 for t, f in zip(truth, flagged, strict=True) if t == "urgent" and f)
    extra = sum(1 for t, s in zip(truth, sorted_, strict=True) if t != "urgent" and s.review)
    routine = len(truth) - truth.count("urgent")
    print(
        f"urgent or marked 'possible risk': recall {seen / truth.count('urgent'):.3f}; "
        f"non-urgent messages marked 'possible risk': {extra} of {routine}"
    )
    print("confusion (rows: true, columns: found): " + " ".join(c[:5] for c in CATEGORIES))
    for category in CATEGORIES:
        row = [
            sum(1 for t, f in zip(truth, found, strict=True) if t == category and f == other)
            for other in CATEGORIES
        ]
        print(f"  {category:<15}" + " ".join(f"{n:>5}" for n in row))
    singles.sort()
    p95 = singles[int(0.95 * (len(singles) - 1))]
    print(
        f"time to sort one message p50 {statistics.median(singles):.1f} ms, p95 {p95:.1f} ms; "
        f"all {len(texts)} at once {batch_ms:.0f} ms"
    )
    for message, category in zip(messages, found, strict=True):
        if args.misses and category != message["category"]:
            print(f"  {message['id']} {message['category']} -> {category}: {message['text'][:150]}")


if __name__ == "__main__":
    main()
