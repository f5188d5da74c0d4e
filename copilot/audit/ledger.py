"""Writing to the audit ledger.

`record()` appends one entry inside the caller's transaction, so the entry and the
change it records commit or roll back together (call it from the write service,
within its `transaction.atomic`). Entries form a SHA-256 hash chain in `seq` order;
appends are serialized (PostgreSQL: a transaction-scoped advisory lock; SQLite:
its single writer), and UNIQUE(seq) makes a forked chain impossible either way.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from .crypto import encrypt
from .models import LedgerEntry

GENESIS = "0" * 64
_LOCK_ID = 0x6C6564676572  # "ledger": the advisory lock taken while appending


@dataclass(frozen=True)
class Event:
    """What one entry records. `meta` must hold no PHI (it is stored in clear: engine,
    model, prompt version, FHIR references, latency_ms, ids); `content` may (payload
    sent after de-identification, output, diffs) and is encrypted at rest."""

    kind: str
    client_id: str = ""
    outcome: str = LedgerEntry.Outcome.OK
    meta: dict[str, Any] = field(default_factory=dict)
    content: dict[str, Any] = field(default_factory=dict)


def canonical(value: Any) -> bytes:
    """The canonical JSON bytes hashed for an entry (sorted keys, no spaces, UTF-8)."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    ).encode()


def content_hash(entry: LedgerEntry, content: dict[str, Any]) -> str:
    """SHA-256 hex over every field of `entry` but its hashes, with `content` in clear."""
    header = {
        "seq": entry.seq,
        "recorded_at": entry.recorded_at.isoformat(),
        "kind": entry.kind,
        "actor_id": entry.actor_id,
        "actor_label": entry.actor_label,
        "client_id": entry.client_id,
        "outcome": entry.outcome,
        "meta": entry.meta,
        "content": content,
    }
    return hashlib.sha256(canonical(header)).hexdigest()


def chain_hash(previous_hash: str, content_digest: str) -> str:
    return hashlib.sha256(f"{previous_hash}{content_digest}".encode()).hexdigest()


def record(event: Event, *, actor=None, at: datetime | None = None) -> LedgerEntry:
    """Append `event` by `actor` (a user, or None for the system) and return the entry.

    Runs in the caller's transaction (opens one when there is none). Raises
    django.db.Error when the database refuses the write; the caller's change then
    rolls back with it, so nothing happens unaudited.
    """
    with transaction.atomic():
        _lock_chain()
        last = LedgerEntry.objects.order_by("-seq").values("seq", "entry_hash").first()
        entry = LedgerEntry(
            seq=(last["seq"] + 1) if last else 1,
            recorded_at=at or timezone.now(),
            kind=event.kind,
            actor_id=getattr(actor, "pk", None),
            actor_label=_label(actor),
            client_id=event.client_id,
            outcome=event.outcome,
            meta=json.loads(canonical(event.meta)),
        )
        content = json.loads(canonical(event.content))
        entry.content = encrypt(canonical(content))
        entry.content_hash = content_hash(entry, content)
        entry.previous_hash = last["entry_hash"] if last else GENESIS
        entry.entry_hash = chain_hash(entry.previous_hash, entry.content_hash)
        entry.save(force_insert=True)
        return entry


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_ID])


def _label(actor) -> str:
    if actor is None:
        return "system"
    clinician = getattr(actor, "clinician", None)
    return clinician.display_name if clinician else actor.get_username()
