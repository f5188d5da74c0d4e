"""The Measures tab over HTTP: PHQ-9 and GAD-7 with outcomes and sources, from the
sandbox EHR; clear messages for a chart without results and an EHR that is down."""

from __future__ import annotations

import re

import pytest
from asgiref.sync import async_to_sync
from django.urls import reverse

from copilot.access.models import CaseloadAssignment
from tests.factories import ClinicianFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, ehr):
    clinician = ClinicianFactory()
    for client_id in ("bh-001", "bh-003", "bh-005"):
        CaseloadAssignment.objects.create(clinician=clinician, client_id=client_id)
    client.force_login(clinician.user)
    return client


def test_the_sidebar_has_the_measures_tab_loaded_when_first_shown(signed_in):
    body = signed_in.get(reverse("sidebar", args=["bh-001"])).content.decode()
    assert 'id="tab-measures" aria-controls="measures"' in body
    assert f'hx-get="{reverse("sidebar-measures", args=["bh-001"])}"' in body
    assert 'hx-trigger="intersect once"' in body


def test_an_improving_client_shows_response_with_its_observations(signed_in, gateway):
    response = signed_in.get(reverse("sidebar-measures", args=["bh-001"]))
    body = response.content.decode()
    chart = async_to_sync(gateway.chart)("bh-001")
    phq9 = body[body.index('id="outcomes-phq-9"') : body.index('id="outcomes-gad-7"')]
    assert "Response (≥ 50 % drop)" in phq9
    assert 'class="mark mark-response"' in phq9
    assert len(re.findall(r"<tr( class=\"meets\")?>\s*<td>\d{4}-", phq9)) == len(chart.phq9.results)
    for result in chart.phq9.results:
        assert result.source in phq9
    assert "baseline" in phq9


def test_a_worsening_client_shows_reliable_deterioration_and_no_response(signed_in):
    body = (signed_in.get(reverse("sidebar-measures", args=["bh-003"]))).content.decode()
    phq9 = body[body.index('id="outcomes-phq-9"') : body.index('id="outcomes-gad-7"')]
    assert "Reliable deterioration (≥ 5 points)" in phq9
    assert "Response (≥ 50 % drop)" not in phq9 and "Remission" not in phq9.split("<table")[0]
    assert "item 9" in phq9  # bh-003's latest PHQ-9 has item 9 > 0


def test_a_client_without_phq9_results_says_so(signed_in):
    body = (signed_in.get(reverse("sidebar-measures", args=["bh-005"]))).content.decode()
    assert "No PHQ-9 results in the chart." in body


def test_an_ehr_outage_is_a_clear_503(signed_in, settings, down_url):
    signed_in.get(reverse("sidebar-measures", args=["bh-001"]))  # the caseload is read
    settings.FHIR_BASE_URL = down_url
    response = signed_in.get(reverse("sidebar-measures", args=["bh-001"]))
    assert response.status_code == 503
    assert "Try again in a moment." in response.content.decode()
