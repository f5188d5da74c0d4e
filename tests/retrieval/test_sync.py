"""Syncing a client's index with the EHR: first open, no-change, updates, deletions, Part 2."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from django.utils import timezone

from copilot.retrieval.consent import part2_consent_record, part2_consent_revoke
from copilot.retrieval.index import ClientIndex
from copilot.retrieval.models import IndexedSource
from copilot.retrieval.search import chart_search
from copilot.retrieval.sync import SyncResult, sync_client

from .conftest import condition, note

SUBSTANCE_USE = re.compile(
    r"alcohol|drink|craving|urge surfing|mutual-support|relapse|high-risk situations|naltrexone",
    re.IGNORECASE,
)

pytestmark = pytest.mark.django_db(transaction=True)

SLEEP = "Client reported sleeping five hours a night and waking at 4 am with racing thoughts."
DOG = "Client described walking the new rescue greyhound named Pickle every morning."


@pytest.fixture
def chart(sandbox_control, new_client):
    """A fresh client with two notes, a diagnosis and a CareTeam in the sandbox EHR."""
    sandbox_control.create(note(new_client, SLEEP, day=1))
    sandbox_control.create(note(new_client, DOG, day=8))
    sandbox_control.create(condition(new_client, "Generalized anxiety disorder", "F41.1"))
    return new_client


def _top_sources(client_id: str, query: str, k: int = 1) -> list[str]:
    return [hit.chunk.source for hit in ClientIndex(client_id).search(query, k)]


async def test_the_first_sync_indexes_the_whole_chart(gateway, chart):
    result = await sync_client(gateway, chart)

    assert result == SyncResult(added=4)
    assert await IndexedSource.objects.filter(client_id=chart).acount() == 4
    hits = await sync_to_async(ClientIndex(chart).search)("What is the dog called?", 1)
    assert "Pickle" in hits[0].chunk.text
    assert hits[0].chunk.source.startswith("DocumentReference/")
    assert hits[0].chunk.text == DOG[hits[0].chunk.start : hits[0].chunk.end]
    assert hits[0].chunk.date.startswith("2025-03-08") and hits[0].chunk.author == "Mei Chen"


async def test_a_second_sync_without_changes_indexes_nothing(gateway, chart):
    await sync_client(gateway, chart)
    chunks = ClientIndex(chart).count()

    result = await sync_client(gateway, chart)

    assert (result.added, result.updated, result.removed) == (0, 0, 0)
    assert result.unchanged == 4
    assert ClientIndex(chart).count() == chunks


async def test_the_care_team_is_indexed_with_roles_and_names(gateway, sandbox_control, chart):
    team = sandbox_control.create(
        {
            "resourceType": "CareTeam",
            "status": "active",
            "name": "Outpatient care team",
            "subject": {"reference": f"Patient/{chart}"},
            "participant": [
                {
                    "role": [{"text": "Primary therapist"}],
                    "member": {"reference": "Practitioner/pr-chen", "display": "Mei Chen"},
                },
                {
                    "role": [{"text": "Clinical supervisor"}],
                    "member": {"reference": "Practitioner/pr-rivera", "display": "Elena Rivera"},
                },
            ],
        }
    )
    await sync_client(gateway, chart)

    hits = await sync_to_async(ClientIndex(chart).search)("who is the clinical supervisor", 1)

    assert hits[0].chunk.source == f"CareTeam/{team['id']}" and hits[0].chunk.kind == "care-team"
    assert hits[0].chunk.text == (
        "Care team (active): Primary therapist: Mei Chen; Clinical supervisor: Elena Rivera."
    )


async def test_an_updated_note_is_reindexed_at_its_new_version(gateway, sandbox_control, chart):
    await sync_client(gateway, chart)
    source = (await sync_to_async(_top_sources)(chart, "racing thoughts at night"))[0]
    resource = await gateway._client.execute(source, method="get")
    changed = note(chart, SLEEP.replace("five hours", "seven hours") + " Started a CPAP trial.")
    sandbox_control.update({**changed, "id": resource["id"]})

    result = await sync_client(gateway, chart)

    assert (result.added, result.updated, result.removed) == (0, 1, 0)
    hits = await sync_to_async(ClientIndex(chart).search)("hours of sleep, CPAP trial", 5)
    texts = [h.chunk.text for h in hits if h.chunk.source == source]
    assert texts and all("seven hours" in t and "five hours" not in t for t in texts)


async def test_a_note_deleted_in_the_ehr_leaves_the_index(gateway, sandbox_control, chart):
    await sync_client(gateway, chart)
    source = (await sync_to_async(_top_sources)(chart, "greyhound named Pickle"))[0]
    sandbox_control.delete(source)

    result = await sync_client(gateway, chart)

    assert result.removed == 1
    assert source not in await sync_to_async(_top_sources)(chart, "greyhound named Pickle", 5)
    assert not await IndexedSource.objects.filter(reference=source).aexists()


async def test_a_note_entered_in_error_leaves_the_index(gateway, sandbox_control, chart):
    await sync_client(gateway, chart)
    source = (await sync_to_async(_top_sources)(chart, "greyhound named Pickle"))[0]
    withdrawn = {**note(chart, DOG, day=8), "id": source.split("/")[1]}
    sandbox_control.update({**withdrawn, "status": "entered-in-error"})

    result = await sync_client(gateway, chart)

    assert result.removed == 1
    assert source not in await sync_to_async(_top_sources)(chart, "greyhound named Pickle", 5)


async def test_a_note_that_replaces_another_removes_it(gateway, sandbox_control, chart):
    await sync_client(gateway, chart)
    old = (await sync_to_async(_top_sources)(chart, "greyhound named Pickle"))[0]
    amended = note(chart, DOG.replace("Pickle", "Biscuit"), day=9)
    sandbox_control.create(
        {**amended, "relatesTo": [{"code": "replaces", "target": {"reference": old}}]}
    )

    result = await sync_client(gateway, chart)

    assert (result.added, result.removed) == (1, 1)
    hits = await sync_to_async(ClientIndex(chart).search)("the greyhound's name", 5)
    assert old not in {h.chunk.source for h in hits}
    assert "Biscuit" in hits[0].chunk.text


async def test_part2_content_is_searched_only_while_the_client_consents(gateway, clinician):
    await sync_client(gateway, "bh-006")  # seeded with 42 CFR Part 2 labels
    question = "How much does the client drink and what helps with alcohol cravings?"

    def restricted_hits() -> list:
        return [
            h
            for h in chart_search(client_id="bh-006", question=question, k=8)
            if h.chunk.restricted or SUBSTANCE_USE.search(h.chunk.text)
        ]

    assert await sync_to_async(restricted_hits)() == []  # nor unlabeled substance-use text
    assert ClientIndex("bh-006").count(restricted=True) > 0

    await sync_to_async(part2_consent_record)(actor=clinician, client_id="bh-006")
    consented = await sync_to_async(restricted_hits)()
    assert consented
    assert {h.chunk.source for h in consented} & {
        "Condition/dx-bh-006-1",
        "QuestionnaireResponse/intake-bh-006",
    }

    await sync_to_async(part2_consent_revoke)(actor=clinician, client_id="bh-006")
    assert await sync_to_async(restricted_hits)() == []


async def test_part2_labeled_entries_never_reach_the_main_collection(gateway):
    await sync_client(gateway, "bh-006")

    index = ClientIndex("bh-006")
    main = await sync_to_async(index.search_many)(["alcohol", "drinking", "naltrexone"], 20)

    assert not [h for hits in main for h in hits if h.chunk.restricted]
    restricted = await IndexedSource.objects.filter(client_id="bh-006", restricted=True).acount()
    assert restricted >= 5  # diagnosis, medication, goal, care plan, intake, labeled notes


async def test_an_index_lost_from_chroma_is_rebuilt_on_the_next_sync(gateway, chart):
    from copilot.retrieval.models import ClientIndexState
    from copilot.retrieval.sync import LOST_GRACE

    await sync_client(gateway, chart)
    await sync_to_async(ClientIndex(chart).drop)()  # Chroma restored empty; the state rows stay
    assert (await sync_client(gateway, chart)).added == 0  # a sync this recent: a race, not a loss
    synced = timezone.now() - LOST_GRACE - timedelta(seconds=1)
    await ClientIndexState.objects.filter(client_id=chart).aupdate(synced_at=synced)

    result = await sync_client(gateway, chart)

    assert result.added == 4 and result.unchanged == 0
    assert await IndexedSource.objects.filter(client_id=chart).acount() == 4
    assert (await sync_to_async(_top_sources)(chart, "What is the dog called?"))[0].startswith(
        "DocumentReference/"
    )
    again = await sync_client(gateway, chart)
    assert (again.added, again.unchanged) == (0, 4)
