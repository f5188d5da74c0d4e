"""Checking the ledger's hash chain (`manage.py audit_verify`)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

from cryptography.fernet import InvalidToken

from .crypto import decrypt
from .ledger import GENESIS, chain_hash, content_hash
from .models import LedgerEntry


@dataclass(frozen=True)
class Verification:
    """`checked` entries read in `seq` order; `broken` is the seq of the first entry
    that does not verify (None when all do) and `reason` says why."""

    checked: int
    broken: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken is None


def verify_chain(*, batch: int = 2000) -> Verification:
    """Walk the whole ledger: each entry's content hash over its decrypted content, its
    link to the previous entry, and gaps in `seq`. Stops at the first failure."""
    previous, expected_seq, checked = GENESIS, 1, 0
    for entry in _entries(batch):
        reason = _problem(entry, previous, expected_seq)
        if reason:
            return Verification(checked, entry.seq, reason)
        previous, expected_seq, checked = entry.entry_hash, entry.seq + 1, checked + 1
    return Verification(checked)


def _entries(batch: int) -> Iterator[LedgerEntry]:
    return LedgerEntry.objects.order_by("seq").iterator(chunk_size=batch)


def _problem(entry: LedgerEntry, previous: str, expected_seq: int) -> str:
    if entry.seq != expected_seq:
        return f"entries {expected_seq}–{entry.seq - 1} are missing"
    try:
        content = json.loads(decrypt(entry.content))
    except InvalidToken:
        return "its content cannot be decrypted with the configured keys"
    if content_hash(entry, content) != entry.content_hash:
        return "its content or fields changed after it was written"
    if entry.previous_hash != previous:
        return "it does not link to the entry before it"
    if chain_hash(entry.previous_hash, entry.content_hash) != entry.entry_hash:
        return "its chain hash is wrong"
    return ""
