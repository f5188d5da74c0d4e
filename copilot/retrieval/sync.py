"""Keep each client's index in step with the EHR.

The first sync of a client reads and indexes the whole chart; later syncs read
only entries whose `meta.lastUpdated` is at or after the last one seen (less a
minute's overlap against races with writes in flight) and re-index only versions
the index does not hold. Entries the EHR deleted are found by comparing its
per-type totals with what the index knows, and removed; so are entries entered in
error and notes another note replaces (DocumentReference.relatesTo "replaces").
A client whose index holds no chunk at all while the state says chunks were
written (a Chroma restored empty, or a new Chroma server) is indexed again from
the start - unless its last sync is under LOST_GRACE old: concurrent first syncs
of one client replace its chunks, and one may find the index empty for a moment.

EHR reads are async; embedding and Chroma writes run in a worker thread; the
state (which version of which entry is indexed) is kept in `IndexedSource`.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from asgiref.sync import sync_to_async
from django.db import transaction
from django.utils import timezone

from copilot.chart import SourceBatch, SourceDocument
from copilot.ehr import ChartGateway
from copilot.ehr.webhook import NOTE_EVENTS, WebhookEvent

from .chunking import chunks_of
from .index import ClientIndex
from .models import ClientIndexState, IndexedSource

logger = logging.getLogger(__name__)
RESYNC_OVERLAP = timedelta(seconds=60)
LOST_GRACE = timedelta(minutes=2)


@dataclass(frozen=True)
class SyncResult:
    """Counts of one sync, in chart entries: newly indexed, re-indexed at a new
    version, removed from the index, and read again at a version already indexed."""

    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0


@dataclass
class _Known:
    """What the index holds for one client: reference → (version, replaced_by)."""

    high_water: datetime | None
    versions: dict[str, str] = field(default_factory=dict)
    replaced: dict[str, str] = field(default_factory=dict)
    synced_at: datetime | None = None
    chunks: int = 0  # chunks the state says were written

    def of_type(self, resource_type: str) -> set[str]:
        return {r for r in self.versions if r.split("/", 1)[0] == resource_type}


@dataclass
class _Plan:
    write: list[SourceDocument] = field(default_factory=list)
    deleted: set[str] = field(default_factory=set)
    replaced: dict[str, str] = field(default_factory=dict)
    unchanged: int = 0


async def sync_client(gateway: ChartGateway, client_id: str) -> SyncResult:
    """Bring one client's index up to date with the EHR; returns what changed.

    Raises EhrError (nothing changed then) when the EHR cannot be read.
    """
    known = await sync_to_async(_known)(client_id)
    if _may_be_lost(known) and await sync_to_async(_index_empty, thread_sensitive=False)(client_id):
        logger.warning(
            "The index of client %s is empty but %d entries are recorded: indexing again",
            client_id,
            len(known.versions),
        )
        await sync_to_async(_forget)(client_id)
        known = _Known(high_water=None)
    since = known.high_water - RESYNC_OVERLAP if known.high_water else None
    batch = await gateway.index_sources(client_id, since=since)
    documents, deleted = list(batch.documents), set()
    if since is None:
        deleted = set(known.versions) - {d.reference for d in documents}
    elif stale := _types_with_deletions(known, batch):
        full = await gateway.index_sources(client_id, types=stale)
        documents = [d for d in documents if d.resource_type not in stale] + list(full.documents)
        present = {d.reference for d in full.documents}
        deleted = {r for t in stale for r in known.of_type(t)} - present
    plan = _plan(known, documents, deleted)
    high_water = _newest(documents, known.high_water)
    return await _apply(client_id, known, plan, synced=True, high_water=high_water)


async def reindex_document(gateway: ChartGateway, reference: str) -> SyncResult:
    """Re-read one entry ("DocumentReference/abc") and update its client's index.

    The client comes from the entry's own subject in the EHR. An entry the EHR no
    longer has is removed from whichever client's index held it. The client's
    incremental-sync mark is left alone, so changes this did not read are still
    found by the next `sync_client`.
    """
    document = await gateway.document(reference)
    if document is None:
        client_id = await sync_to_async(_client_holding)(reference)
        if client_id is None:
            return SyncResult()
        known = await sync_to_async(_known)(client_id)
        return await _apply(client_id, known, _Plan(deleted={reference}))
    known = await sync_to_async(_known)(document.client_id)
    return await _apply(document.client_id, known, _plan(known, [document], set()))


async def apply_ehr_event(gateway: ChartGateway, event: WebhookEvent) -> SyncResult:
    """What an authentic EHR webhook event does to the index.

    note.created / note.updated re-index that DocumentReference; appointment.completed
    syncs the client's whole index so the session's note is drafted on a fresh one.
    """
    if event.name in NOTE_EVENTS:
        return await reindex_document(gateway, event.reference)
    return await sync_client(gateway, event.client_id)


def _types_with_deletions(known: _Known, batch: SourceBatch) -> tuple[str, ...]:
    """Resource types of which the EHR now holds fewer entries than the index knows
    plus the new ones just read: some were deleted (or are malformed)."""
    stale = []
    for resource_type, total in batch.totals.items():
        incoming = {d.reference for d in batch.documents if d.resource_type == resource_type}
        if len(known.of_type(resource_type) | incoming) != total:
            stale.append(resource_type)
    return tuple(stale)


def _plan(known: _Known, documents: list[SourceDocument], deleted: set[str]) -> _Plan:
    plan = _Plan(deleted=deleted)
    latest = {d.reference: d for d in sorted(documents, key=_updated_key)}
    for document in latest.values():
        for target in document.replaces:
            if known.replaced.get(target) != document.reference:
                plan.replaced[target] = document.reference
    for reference, document in latest.items():
        if known.versions.get(reference) == document.version_id and reference not in plan.replaced:
            plan.unchanged += 1
        else:
            plan.write.append(document)
    return plan


def _updated_key(document: SourceDocument) -> datetime:
    return document.last_updated or datetime.min.replace(tzinfo=UTC)


def _newest(documents: list[SourceDocument], previous: datetime | None) -> datetime | None:
    stamps = [d.last_updated for d in documents if d.last_updated]
    return max([*stamps, previous] if previous else stamps, default=None)


async def _apply(
    client_id: str,
    known: _Known,
    plan: _Plan,
    *,
    synced: bool = False,
    high_water: datetime | None = None,
) -> SyncResult:
    """Write the index, then record it (a crash between the two only repeats work)."""
    counts = await asyncio.to_thread(_write_index, client_id, known, plan)
    await sync_to_async(_save)(client_id, plan, counts, synced=synced, high_water=high_water)
    return _result(known, plan, counts)


def _write_index(client_id: str, known: _Known, plan: _Plan) -> dict[str, int]:
    """Embed and store the planned chunks; returns chunk count by reference."""
    skip = set(plan.replaced) | set(known.replaced)
    chunks = {d.reference: [] if d.reference in skip else chunks_of(d) for d in plan.write}
    references = set(chunks) | plan.deleted | set(plan.replaced)
    ClientIndex(client_id).replace(references, [c for part in chunks.values() for c in part])
    return {reference: len(part) for reference, part in chunks.items()}


@transaction.atomic
def _save(
    client_id: str,
    plan: _Plan,
    counts: dict[str, int],
    *,
    synced: bool,
    high_water: datetime | None,
) -> None:
    IndexedSource.objects.filter(client_id=client_id, reference__in=plan.deleted).delete()
    written = [
        IndexedSource(
            client_id=client_id,
            reference=document.reference,
            version_id=document.version_id,
            last_updated=document.last_updated,
            restricted=document.restricted,
            chunk_count=counts[document.reference],
            indexed_at=timezone.now(),
        )
        for document in plan.write
    ]
    IndexedSource.objects.bulk_create(  # one INSERT … ON CONFLICT DO UPDATE per batch
        written,
        batch_size=500,
        update_conflicts=True,
        unique_fields=["client_id", "reference"],
        update_fields=["version_id", "last_updated", "restricted", "chunk_count", "indexed_at"],
    )
    for target, by in plan.replaced.items():
        IndexedSource.objects.update_or_create(
            client_id=client_id, reference=target, defaults={"replaced_by": by, "chunk_count": 0}
        )
    if synced:
        ClientIndexState.objects.update_or_create(
            client_id=client_id, defaults={"synced_at": timezone.now(), "high_water": high_water}
        )


def _result(known: _Known, plan: _Plan, counts: dict[str, int]) -> SyncResult:
    dropped = plan.deleted | set(plan.replaced) | {r for r, n in counts.items() if n == 0}
    removed = dropped & set(known.versions)
    written = [r for r, n in counts.items() if n > 0]
    return SyncResult(
        added=sum(1 for r in written if r not in known.versions),
        updated=sum(1 for r in written if r in known.versions),
        removed=len(removed),
        unchanged=plan.unchanged,
    )


def _known(client_id: str) -> _Known:
    state = ClientIndexState.objects.filter(client_id=client_id).first()
    known = _Known(
        high_water=state.high_water if state else None,
        synced_at=state.synced_at if state else None,
    )
    rows = IndexedSource.objects.filter(client_id=client_id).values_list(
        "reference", "version_id", "replaced_by", "chunk_count"
    )
    for reference, version, by, chunks in rows:
        known.versions[reference] = version
        known.chunks += chunks
        if by:
            known.replaced[reference] = by
    return known


def _may_be_lost(known: _Known) -> bool:
    """The state says chunks were written, by a sync over LOST_GRACE ago."""
    recent = known.synced_at is not None and timezone.now() - known.synced_at < LOST_GRACE
    return known.chunks > 0 and not recent


def _index_empty(client_id: str) -> bool:
    index = ClientIndex(client_id)
    return index.count() == 0 and index.count(restricted=True) == 0


def _forget(client_id: str) -> None:
    """Drop what the state says is indexed for the client, so the next read is whole."""
    with transaction.atomic():
        IndexedSource.objects.filter(client_id=client_id).delete()
        ClientIndexState.objects.filter(client_id=client_id).delete()


def _client_holding(reference: str) -> str | None:
    row = IndexedSource.objects.filter(reference=reference).first()
    return row.client_id if row else None
