"""The FHIR R4 gateway against the running sandbox EHR, over HTTP."""

from __future__ import annotations

import logging
from datetime import datetime

import pytest

from copilot.ehr import ClientNotFound, EhrUnavailable
from copilot.ehr.fhir_r4 import FhirR4Gateway
from tests.conftest import synthea

LARGEST = "79a66c97-6131-3213-f3c9-4606946ab056"  # Synthea patient with 708 notes


def _of_patient(resources: list[dict], patient_id: str) -> list[dict]:
    return [r for r in resources if r["subject"]["reference"] == f"Patient/{patient_id}"]


async def test_it_assembles_the_chart_of_the_largest_synthea_patient(gateway):
    chart = await gateway.chart(LARGEST)

    patient = next(p for p in synthea("Patient") if p["id"] == LARGEST)
    official = next(n for n in patient["name"] if n["use"] == "official")
    assert chart.client.name == " ".join([*official["given"], official["family"]])
    assert chart.client.deceased == datetime.fromisoformat(patient["deceasedDateTime"]).date()
    born = datetime.fromisoformat(patient["birthDate"]).date()
    assert chart.client.age == chart.client.deceased.year - born.year - (
        (chart.client.deceased.month, chart.client.deceased.day) < (born.month, born.day)
    )

    active = [
        c
        for c in _of_patient(synthea("Condition"), LARGEST)
        if c["clinicalStatus"]["coding"][0]["code"] == "active"
    ]
    assert sorted(d.source for d in chart.diagnoses) == sorted(
        f"Condition/{c['id']}" for c in active
    )
    resolved = [
        c
        for c in _of_patient(synthea("Condition"), LARGEST)
        if c["clinicalStatus"]["coding"][0]["code"] == "resolved"
    ]
    assert len(resolved) > gateway.page_size  # the chart carries the newest page of them
    assert len(chart.past_diagnoses) == gateway.page_size
    assert {d.clinical_status for d in chart.past_diagnoses} == {"resolved"}
    ended = [d.abatement for d in chart.past_diagnoses]
    assert ended == sorted(ended, reverse=True)

    active_meds = [
        m for m in _of_patient(synthea("MedicationRequest"), LARGEST) if m["status"] == "active"
    ]
    assert sorted(m.source for m in chart.medications) == sorted(
        f"MedicationRequest/{m['id']}" for m in active_meds
    )

    notes = sorted(
        _of_patient(synthea("DocumentReference"), LARGEST),
        key=lambda d: datetime.fromisoformat(d["date"]),
        reverse=True,
    )
    assert [n.source for n in chart.notes] == [f"DocumentReference/{d['id']}" for d in notes[:5]]
    assert chart.notes[0].text  # decoded from base64 text/plain
    assert chart.last_note_date == datetime.fromisoformat(notes[0]["date"])

    encounters = _of_patient(synthea("Encounter"), LARGEST)
    latest = max(encounters, key=lambda e: datetime.fromisoformat(e["period"]["start"]))
    assert chart.last_visit.source == f"Encounter/{latest['id']}"
    assert chart.next_visit is None
    assert chart.phq9.latest is None and chart.gad7.latest is None
    assert chart.skipped == 0


async def test_it_follows_next_links_to_read_every_page(sandbox):
    small_pages = FhirR4Gateway(sandbox.base_url, page_size=7)
    chart = await small_pages.chart(LARGEST)
    active = [
        c
        for c in _of_patient(synthea("Condition"), LARGEST)
        if c["clinicalStatus"]["coding"][0]["code"] == "active"
    ]
    assert len(active) > 7
    assert len(chart.diagnoses) == len(active)


async def test_it_runs_the_independent_reads_of_a_chart_concurrently(gateway, sandbox_control):
    sandbox_control.configure(delayMs=150)
    sandbox_control.reset_stats()

    await gateway.chart(LARGEST)

    stats = sandbox_control.stats()
    assert stats["requests"] == 12  # Patient + 11 searches, one page each
    assert stats["maxInFlight"] == 12  # all of them held open by the EHR at the same time


async def test_unknown_client_is_not_found_and_not_retryable(gateway):
    with pytest.raises(ClientNotFound) as caught:
        await gateway.chart("no-such-client")
    assert caught.value.retryable is False
    assert "no-such-client" in caught.value.message


async def test_unreachable_ehr_is_unavailable_and_retryable(down_url):
    with pytest.raises(EhrUnavailable) as caught:
        await FhirR4Gateway(down_url, timeout=2).chart(LARGEST)
    assert caught.value.retryable is True


@pytest.mark.parametrize("status", [500, 502, 503])
async def test_server_errors_are_unavailable_and_retryable(gateway, sandbox_control, status):
    sandbox_control.configure(failStatus=status)
    with pytest.raises(EhrUnavailable) as caught:
        await gateway.chart(LARGEST)
    assert caught.value.retryable is True


async def test_a_slow_ehr_times_out_as_unavailable(sandbox, sandbox_control):
    sandbox_control.configure(delayMs=1500)
    with pytest.raises(EhrUnavailable):
        await FhirR4Gateway(sandbox.base_url, timeout=0.5).chart(LARGEST)


async def test_a_malformed_resource_is_skipped_and_logged_without_its_content(
    gateway, sandbox_control, caplog
):
    patient = sandbox_control.create(
        {"resourceType": "Patient", "name": [{"given": ["Malformed"], "family": "Case"}]}
    )
    subject = {"reference": f"Patient/{patient['id']}"}
    active = {
        "coding": [
            {"system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active"}
        ]
    }
    good = sandbox_control.create(
        {
            "resourceType": "Condition",
            "subject": subject,
            "clinicalStatus": active,
            "code": {
                "coding": [
                    {
                        "system": "http://hl7.org/fhir/sid/icd-10-cm",
                        "code": "F41.1",
                        "display": "Generalized anxiety disorder",
                    }
                ]
            },
        }
    )
    bad = sandbox_control.create(
        {
            "resourceType": "Condition",
            "subject": subject,
            "clinicalStatus": active,
            "code": {"text": "Secret diagnosis text"},
            "onsetDateTime": "sometime last spring",
        }
    )
    out_of_range = sandbox_control.create(
        {
            "resourceType": "Observation",
            "status": "final",
            "subject": subject,
            "code": {"coding": [{"system": "http://loinc.org", "code": "44261-6"}]},
            "effectiveDateTime": "2026-01-05",
            "valueQuantity": {"value": 35},
        }
    )

    with caplog.at_level(logging.WARNING, logger="copilot.ehr"):
        chart = await gateway.chart(patient["id"])

    assert [d.source for d in chart.diagnoses] == [f"Condition/{good['id']}"]
    assert chart.diagnoses[0].icd10 == "F41.1"
    assert chart.phq9.latest is None
    assert chart.skipped == 2
    assert f"Condition/{bad['id']}" in caplog.text
    assert f"Observation/{out_of_range['id']}" in caplog.text
    assert "Secret diagnosis text" not in caplog.text
    assert "sometime last spring" not in caplog.text


async def test_clients_lists_every_patient_sorted_by_family_name(gateway):
    clients = await gateway.clients()
    ids = {c.id for c in clients}
    assert {p["id"] for p in synthea("Patient")} <= ids
    assert {f"bh-00{n}" for n in range(1, 7)} <= ids
    families = [c.name.split()[-1].lower() for c in clients]
    assert families == sorted(families)


async def test_clients_reports_an_unreachable_ehr(down_url):
    with pytest.raises(EhrUnavailable):
        await FhirR4Gateway(down_url, timeout=2).clients()
