"""The audit ledger: hash chain, encryption at rest, append-only triggers, audit_verify."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from copilot.audit import triggers
from copilot.audit.crypto import decrypt
from copilot.audit.ledger import GENESIS, Event, record
from copilot.audit.models import LedgerEntry
from copilot.audit.verify import verify_chain

pytestmark = pytest.mark.django_db

SECRET = "Client said her sister Dana lives at 12 Elm Street."


def write(n: int = 3, **overrides) -> list[LedgerEntry]:
    return [
        record(
            Event(
                kind=overrides.get("kind", LedgerEntry.Kind.AI_CHAT),
                client_id="bh-001",
                meta={"engine": "grounded", "references": ["DocumentReference/n1"], "i": i},
                content={"payload": SECRET, "output": f"answer {i}"},
            )
        )
        for i in range(n)
    ]


def test_entries_form_a_hash_chain_that_verifies(clinician):
    before = LedgerEntry.objects.count()
    first, second = write(2)
    assert second.seq == first.seq + 1
    assert second.previous_hash == first.entry_hash
    assert (first.previous_hash == GENESIS) == (before == 0)
    result = verify_chain()
    assert result.ok and result.checked == before + 2


def test_content_is_encrypted_at_rest_and_meta_is_not():
    (entry,) = write(1)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT content, meta FROM {triggers.TABLE} WHERE seq = %s", [entry.seq])
        content, meta = cursor.fetchone()
    assert b"Dana" not in bytes(content)
    assert "DocumentReference/n1" in str(meta)


def test_the_actor_is_named(clinician):
    entry = record(Event(kind=LedgerEntry.Kind.APPROVAL, client_id="bh-001"), actor=clinician)
    assert entry.actor_id == clinician.pk
    assert entry.actor_label == clinician.clinician.display_name
    assert record(Event(kind=LedgerEntry.Kind.EHR_WRITE)).actor_label == "system"


@pytest.mark.parametrize(
    "change",
    [
        lambda e: LedgerEntry.objects.filter(pk=e.pk).update(outcome="error"),
        lambda e: LedgerEntry.objects.filter(pk=e.pk).delete(),
        lambda e: connection.cursor().execute(
            f"UPDATE {triggers.TABLE} SET client_id = 'bh-002' WHERE seq = %s",
            [e.seq],
        ),
        lambda e: connection.cursor().execute(
            f"DELETE FROM {triggers.TABLE} WHERE seq = %s",
            [e.seq],
        ),
    ],
    ids=["orm-update", "orm-delete", "sql-update", "sql-delete"],
)
def test_updates_and_deletes_are_refused_by_the_database(change):
    (entry,) = write(1)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        change(entry)
    assert LedgerEntry.objects.get(pk=entry.pk).outcome == "ok"


def behind_the_triggers_back(sql: str, params: list) -> None:
    triggers.drop(connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    triggers.create(connection)


def test_a_row_changed_behind_the_triggers_back_is_named_by_audit_verify():
    entries = write(3)
    call_command("audit_verify")
    tampered = entries[1]
    behind_the_triggers_back(
        f"UPDATE {triggers.TABLE} SET outcome = 'error' WHERE seq = %s",
        [tampered.seq],
    )
    with pytest.raises(CommandError, match=rf"#{tampered.seq} does not verify: its content"):
        call_command("audit_verify")


def test_a_deleted_row_is_named_by_audit_verify():
    entries = write(3)
    behind_the_triggers_back(
        f"DELETE FROM {triggers.TABLE} WHERE seq = %s",
        [entries[1].seq],
    )
    result = verify_chain()
    assert result.broken == entries[2].seq and "missing" in result.reason


def test_a_rewritten_entry_with_a_fresh_hash_still_breaks_the_next_link():
    entries = write(3)
    forged = LedgerEntry.objects.get(pk=entries[1].pk)
    forged.client_id = "bh-002"
    from copilot.audit.ledger import chain_hash, content_hash

    forged.content_hash = content_hash(forged, {"payload": SECRET, "output": "answer 1"})
    forged.entry_hash = chain_hash(forged.previous_hash, forged.content_hash)
    behind_the_triggers_back(
        f"UPDATE {triggers.TABLE} SET client_id = %s, content_hash = %s, entry_hash = %s "
        "WHERE seq = %s",
        [forged.client_id, forged.content_hash, forged.entry_hash, forged.seq],
    )
    result = verify_chain()
    assert result.broken == entries[2].seq and "link" in result.reason


def test_keys_rotate_and_a_missing_key_is_reported(settings):
    old = Fernet.generate_key().decode()
    settings.AUDIT_ENCRYPTION_KEYS = [old]
    written = write(2)
    settings.AUDIT_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), old]
    written += write(1)
    assert all(b"Dana" in decrypt(LedgerEntry.objects.get(pk=e.pk).content) for e in written)
    with pytest.raises(InvalidToken):  # the newest entry is under the new, first key
        Fernet(old.encode()).decrypt(bytes(written[-1].content))
    settings.AUDIT_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    result = verify_chain()
    assert not result.ok and "decrypted" in result.reason


def test_a_date_range_exports_as_a_valid_fhir_bundle_of_audit_events(clinician):
    from datetime import timedelta

    from django.utils import timezone
    from fhir.resources.R4B.bundle import Bundle

    from copilot.audit.export import audit_bundle

    start = timezone.now() - timedelta(seconds=1)
    record(
        Event(
            kind=LedgerEntry.Kind.EHR_WRITE,
            client_id="bh-001",
            meta={"references": ["DocumentReference/d1", "Provenance/p1"]},
            content={"text": SECRET},
        ),
        actor=clinician,
    )
    write(1)
    bundle = audit_bundle(start, timezone.now() + timedelta(seconds=1))
    Bundle.model_validate(bundle)  # FHIR R4 structure
    events = [e["resource"] for e in bundle["entry"]]
    assert [e["action"] for e in events] == ["C", "E"]
    write_event = events[0]
    assert write_event["outcome"] == "0"
    assert write_event["agent"][0]["who"]["display"] == clinician.clinician.display_name
    whats = [entity["what"].get("reference") for entity in write_event["entity"]]
    assert whats[:3] == ["Patient/bh-001", "DocumentReference/d1", "Provenance/p1"]
    assert "Dana" not in str(bundle)  # encrypted content never leaves in the export


def test_the_admin_lists_filters_and_exports_but_never_edits(admin_client):
    write(2)
    listing = admin_client.get("/admin/copilot/ledgerentry/", {"client_id": "bh-001"})
    assert listing.status_code == 200 and "ai.chat" in listing.content.decode()
    entry = LedgerEntry.objects.order_by("-seq").first()
    assert admin_client.post(f"/admin/copilot/ledgerentry/{entry.pk}/delete/").status_code == 403
    assert admin_client.get("/admin/copilot/ledgerentry/add/").status_code == 403
    today = entry.recorded_at.date().isoformat()
    export = admin_client.get("/admin/copilot/ledgerentry/export/", {"start": today, "end": today})
    assert export["Content-Type"] == "application/fhir+json"
    assert f'"ledger-{entry.seq}"' in export.content.decode()
    url = "/admin/copilot/ledgerentry/export/"
    bad = admin_client.get(url, {"start": today, "end": "2000-01-01"})
    assert "before the start date" in bad.content.decode()


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_parallel_writers_extend_one_chain_without_forking():
    """Eight threads, each its own PostgreSQL connection, append 25 entries each at once:
    the chain verifies, seq has no gap and no entry shares a predecessor (the advisory
    lock serializes appends). Services suite only: the embedded suite's in-memory
    SQLite refuses a second concurrent writer outright ("table is locked")."""
    assert connection.vendor == "postgresql"
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    from django.db import connections

    writers, each = 8, 25
    start = Barrier(writers)
    before = LedgerEntry.objects.count()

    def append(worker: int) -> int:
        start.wait()
        try:
            for i in range(each):
                record(Event(kind=LedgerEntry.Kind.AI_CHAT, meta={"worker": worker, "i": i}))
            return each
        finally:
            connections.close_all()

    with ThreadPoolExecutor(writers) as pool:
        written = sum(pool.map(append, range(writers)))

    entries = list(LedgerEntry.objects.order_by("seq").values("seq", "previous_hash"))
    assert written == len(entries) - before == writers * each
    assert [e["seq"] for e in entries] == list(range(1, len(entries) + 1))
    assert len({e["previous_hash"] for e in entries}) == len(entries)  # no fork
    result = verify_chain()
    assert result.ok and result.checked == len(entries)
