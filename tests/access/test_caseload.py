"""Caseloads from the sandbox EHR's CareTeams and admin assignments, and the
permission-checked fetches built on them."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model
from django.core.cache import cache

from copilot.access.caseload import caseload_for
from copilot.access.fetch import NotFound, client_for_user, document_for_user, draft_for_user
from copilot.access.models import CaseloadAssignment
from copilot.accounts.models import Clinician
from copilot.ehr import EhrUnavailable
from copilot.ehr.fhir_r4 import FhirR4Gateway
from tests.conftest import care_team, synthea
from tests.factories import ClinicianFactory, soap_draft

pytestmark = pytest.mark.django_db(transaction=True)

SYNTHEA_PATIENT = "79a66c97-6131-3213-f3c9-4606946ab056"


@sync_to_async
def make(**kwargs) -> Clinician:
    return ClinicianFactory(**kwargs)


@sync_to_async
def assign(clinician: Clinician, client_id: str) -> CaseloadAssignment:
    return CaseloadAssignment.objects.create(clinician=clinician, client_id=client_id)


async def test_a_clinicians_caseload_is_the_clients_of_their_active_care_teams(ehr):
    okafor = await make(practitioner_id="pr-okafor")
    assert await caseload_for(okafor.user) == {"bh-002", "bh-005", "bh-007"}


async def test_admin_assignments_add_clients_without_a_care_team(ehr):
    okafor = await make(practitioner_id="pr-okafor")
    with pytest.raises(NotFound):
        await client_for_user(okafor.user, SYNTHEA_PATIENT)
    await assign(okafor, SYNTHEA_PATIENT)
    assert await client_for_user(okafor.user, SYNTHEA_PATIENT) == SYNTHEA_PATIENT


async def test_a_supervisor_sees_their_supervisees_clients_and_assignments(ehr):
    rivera = await make(practitioner_id="pr-rivera", role=Clinician.Role.SUPERVISOR)
    okafor = await make(practitioner_id="pr-okafor", supervisor=rivera)
    await assign(okafor, SYNTHEA_PATIENT)
    caseload = await caseload_for(rivera.user)
    # Rivera's own CareTeams (bh-008, and bh-003/bh-006 as Patel's supervisor), plus
    # Okafor's CareTeams and assignment because she supervises him.
    assert {"bh-008", "bh-003", "bh-006", "bh-002", "bh-005", "bh-007"} <= caseload
    assert SYNTHEA_PATIENT in caseload
    assert "bh-001" not in caseload  # Chen is not her supervisee
    assert not {"bh-002", SYNTHEA_PATIENT} & await caseload_for(
        (await make(practitioner_id="pr-chen")).user
    )


async def test_admins_and_users_without_a_clinician_record_see_no_client(ehr):
    admin = await make(practitioner_id="pr-okafor", role=Clinician.Role.ADMIN)
    await assign(admin, SYNTHEA_PATIENT)
    plain = await sync_to_async(get_user_model().objects.create_user)("plain", password="pw")
    for user in (admin.user, plain, None):
        assert await caseload_for(user) == frozenset()
        with pytest.raises(NotFound):
            await client_for_user(user, "bh-002")


async def test_the_care_team_caseload_is_cached_for_the_configured_time(
    ehr, settings, sandbox_control
):
    okafor = await make(practitioner_id="pr-okafor")
    patient = await sync_to_async(sandbox_control.create)({"resourceType": "Patient"})
    assert patient["id"] not in await caseload_for(okafor.user)
    await sync_to_async(sandbox_control.create)(care_team(patient["id"], "pr-okafor"))
    assert patient["id"] not in await caseload_for(okafor.user)  # still the cached read
    settings.CASELOAD_CACHE_SECONDS = 0
    await cache.aclear()
    assert patient["id"] in await caseload_for(okafor.user)


async def test_while_the_ehr_is_down_the_last_caseload_read_stands_in(ehr, settings, down_url):
    settings.CASELOAD_CACHE_SECONDS = 0  # nothing fresh: every check asks the EHR
    okafor = await make(practitioner_id="pr-okafor")
    chen = await make(practitioner_id="pr-chen")
    assert await client_for_user(okafor.user, "bh-002") == "bh-002"
    settings.FHIR_BASE_URL = down_url
    assert await client_for_user(okafor.user, "bh-002") == "bh-002"
    with pytest.raises(NotFound):
        await client_for_user(okafor.user, "bh-001")
    with pytest.raises(EhrUnavailable):  # never read before: no answer, no guess
        await client_for_user(chen.user, "bh-001")


async def test_a_draft_is_fetched_only_by_its_author_while_the_client_is_on_their_caseload(ehr):
    okafor = await make(practitioner_id="pr-okafor")
    draft = await sync_to_async(soap_draft)(author=okafor.user, client_id="bh-002")
    assert (await draft_for_user(okafor.user, str(draft.id))).pk == draft.pk
    colleague = await make(practitioner_id="pr-okafor")  # same caseload, not the author
    for user, draft_id in ((colleague.user, str(draft.id)), (okafor.user, "not-a-uuid")):
        with pytest.raises(NotFound):
            await draft_for_user(user, draft_id)
    moved = await sync_to_async(soap_draft)(author=okafor.user, client_id="bh-001")
    with pytest.raises(NotFound):  # bh-001 is not (or no longer) on his caseload
        await draft_for_user(okafor.user, str(moved.id))


async def test_a_chart_entry_is_fetched_only_within_the_client_it_belongs_to(ehr, sandbox_control):
    okafor = await make(practitioner_id="pr-okafor")
    notes = await sync_to_async(sandbox_control._fhir)(
        "GET", "DocumentReference?subject=Patient/bh-002&_count=1"
    )
    reference = f"DocumentReference/{notes['entry'][0]['resource']['id']}"
    assert (await document_for_user(okafor.user, "bh-002", reference)).client_id == "bh-002"
    with pytest.raises(NotFound):
        await document_for_user(okafor.user, "bh-005", reference)  # his, but not its client
    chen = await make(practitioner_id="pr-chen")
    with pytest.raises(NotFound):
        await document_for_user(chen.user, "bh-002", reference)


async def test_the_gateway_reads_every_page_of_active_care_teams(sandbox, sandbox_control):
    patients = [
        (await sync_to_async(sandbox_control.create)({"resourceType": "Patient"}))["id"]
        for _ in range(7)
    ]
    for patient in patients:
        await sync_to_async(sandbox_control.create)(care_team(patient, "pr-paging"))
    ended = {**care_team("bh-001", "pr-paging"), "status": "inactive"}
    await sync_to_async(sandbox_control.create)(ended)
    gateway = FhirR4Gateway(sandbox.base_url, page_size=3)
    assert await gateway.care_team_clients("pr-paging") == set(patients)


async def test_the_gateway_lists_only_the_clients_asked_for(gateway):
    wanted = ["bh-001", SYNTHEA_PATIENT, "nobody-here"]
    assert {client.id for client in await gateway.clients(ids=wanted)} == {
        "bh-001",
        SYNTHEA_PATIENT,
    }
    assert await gateway.clients(ids=[]) == []
    assert len(await gateway.clients()) >= len(synthea("Patient")) + 8
