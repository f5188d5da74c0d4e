"""The sidebar pages over HTTP, with the chart read from the running sandbox EHR."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from copilot.access.models import CaseloadAssignment
from tests.conftest import synthea
from tests.factories import ClinicianFactory

pytestmark = pytest.mark.django_db

# On Mei Chen's caseload through the sandbox's CareTeams: bh-001 and bh-004. The
# signed-in clinician is also assigned every Synthea patient, bh-003 and bh-006.
ASSIGNED = ["bh-003", "bh-006"]


@pytest.fixture(autouse=True)
def signed_in(client):
    clinician = ClinicianFactory()
    for client_id in [p["id"] for p in synthea("Patient")] + ASSIGNED:
        CaseloadAssignment.objects.create(clinician=clinician, client_id=client_id)
    client.force_login(clinician.user)
    return clinician


def test_anonymous_users_are_sent_to_sign_in(ehr):
    from django.test import Client

    for url in (reverse("client-picker"), reverse("sidebar", args=["bh-001"])):
        response = Client().get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_the_picker_lists_the_care_team_and_assigned_clients_only(client, ehr):
    response = client.get(reverse("client-picker"))
    assert response.status_code == 200
    linked = set(re.findall(r'href="/sidebar/([^/]+)/"', response.content.decode()))
    synthea_ids = {p["id"] for p in synthea("Patient")}
    assert synthea_ids | {"bh-001", "bh-004", "bh-003", "bh-006"} <= linked
    assert linked & {"bh-002", "bh-005", "bh-007", "bh-008"} == set()  # other caseloads


def test_the_picker_says_so_when_the_ehr_is_down(client, settings, down_url):
    settings.FHIR_BASE_URL = down_url
    response = client.get(reverse("client-picker"))
    assert response.status_code == 503
    assert "The EHR is unavailable right now." in response.content.decode()


def test_the_sidebar_shell_shows_a_loading_state_that_fetches_the_chart(client, ehr):
    response = client.get(reverse("sidebar", args=["bh-001"]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Loading chart from the EHR" in body
    assert f'hx-get="{reverse("sidebar-chart", args=["bh-001"])}"' in body
    assert 'hx-trigger="load"' in body


def test_htmx_gets_only_the_chart_partial(client, ehr):
    response = client.get(reverse("sidebar-chart", args=["bh-001"]), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert 'class="client-header"' in body


def test_without_htmx_the_chart_url_renders_the_whole_page(client, ehr):
    response = client.get(reverse("sidebar-chart", args=["bh-001"]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" in body and 'class="client-header"' in body
    assert "Loading chart" not in body


def test_a_synthea_patient_renders_with_diagnoses_and_medications(client, ehr):
    patient_id = "79a66c97-6131-3213-f3c9-4606946ab056"
    response = client.get(reverse("sidebar-chart", args=[patient_id]), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Marine542 Ai120 Upton904" in body
    assert "deceased Nov 11, 1994" in body
    assert "No results recorded." in body  # Synthea has no PHQ-9 / GAD-7


def test_an_assigned_client_the_ehr_does_not_hold_gets_a_clear_404(client, ehr, signed_in):
    CaseloadAssignment.objects.create(clinician=signed_in, client_id="nobody-here")
    response = client.get(reverse("sidebar-chart", args=["nobody-here"]), HTTP_HX_REQUEST="true")
    assert response.status_code == 404
    assert "The EHR has no client with id" in response.content.decode()
    assert "Traceback" not in response.content.decode()


def test_an_unreachable_ehr_gets_a_message_and_a_retry_link(client, settings, down_url):
    settings.FHIR_BASE_URL = down_url
    response = client.get(reverse("sidebar-chart", args=["bh-001"]), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 503
    assert "The EHR is unavailable right now." in body
    assert "Try again" in body


def test_an_id_that_is_not_a_fhir_id_is_not_routed(client, ehr):
    assert client.get("/sidebar/not%20an%20id/").status_code == 404


def test_the_vendored_assets_are_found_by_staticfiles():
    from django.contrib.staticfiles import finders

    assert finders.find("copilot/vendor/htmx-2.0.11.min.js")
    assert finders.find("copilot/sidebar.css")


def test_a_behavioral_health_chart_shows_diagnoses_scores_change_goals_and_trend(client, ehr):
    response = client.get(reverse("sidebar-chart", args=["bh-001"]), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "Maya Thompson" in body
    assert "she/her/her" in body
    assert "<code>F33.1</code> Major depressive disorder, recurrent, moderate" in body
    assert "sertraline 50 MG Oral Tablet" in body
    assert "Reduce PHQ-9 total below 10 within 12 weeks" in body
    assert "<strong>6</strong>" in body and "mild" in body  # latest PHQ-9
    assert "-13 since baseline (19)" in body
    assert body.count('<svg class="trend"') == 2
    assert "Last note:" in body and "Next:" in body
    assert "item 9" not in body


def test_a_positive_phq9_item9_shows_a_risk_alert_and_a_flagged_point(client, ehr):
    response = client.get(reverse("sidebar-chart", args=["bh-003"]), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "PHQ-9 item 9 (thoughts of death or self-harm) scored 1" in body
    assert 'class="dot flagged"' in body


def test_part2_diagnoses_medications_and_goals_carry_a_label(client, ehr):
    response = client.get(reverse("sidebar-chart", args=["bh-006"]), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    labeled = re.findall(r"<li[^>]*>((?:(?!</li>).)*?>Part 2</span>)", body, re.DOTALL)
    assert any("F10.20" in item for item in labeled)
    assert any("naltrexone" in item for item in labeled)
    assert any("abstinence from alcohol" in item for item in labeled)
    assert not any("F41.1" in item for item in labeled)


def test_every_client_in_the_picker_gets_a_rendered_sidebar(client, ehr):
    picker = client.get(reverse("client-picker")).content.decode()
    ids = re.findall(r'href="/sidebar/([^/]+)/"', picker)
    assert len(ids) >= 17
    for client_id in ids:
        response = client.get(reverse("sidebar-chart", args=[client_id]), HTTP_HX_REQUEST="true")
        assert response.status_code == 200, client_id
        assert 'class="client-header"' in response.content.decode(), client_id
