"""End to end in real Chromium: Mei Chen writes a note for a new client of hers (a
video session from home; recurrent depression, PHQ-9 16 → 8), approves it, drafts its
claim (scrubbed: modifier 95, place of service 10, F33.1), approves it, then drafts a
prior-authorization request for continued weekly psychotherapy and approves it; each
is in the sandbox EHR once, as a FHIR Claim. Takes docs/claim.png and
docs/prior-authorization.png."""

from __future__ import annotations

import json
import re
import urllib.request

import pytest

from tests.browser.conftest import ROOT, keep_sections, sign_in
from tests.conftest import SandboxControl
from tests.plans.conftest import create_plan_client
from tests.retrieval.conftest import condition

pytestmark = pytest.mark.browser
NOTES = (
    "Session 10:00-10:50 by video from her home. Client reports her depression is lifting; "
    "PHQ-9 today 6. Reviewed behavioral activation log. Plan: continue weekly sessions."
)
SUBJECTIVE = "Session 10:00-10:50 by video from her home. Client reports her depression is lifting."


def fhir(sandbox, query: str) -> dict:
    with urllib.request.urlopen(f"{sandbox.base_url}/{query}", timeout=10) as response:
        return json.load(response)


def written_once(sandbox, status) -> dict:
    """The Claim a '… written to the EHR as Claim/<id>' status names, checked to be
    the only Claim with its identifier."""
    status.wait_for(timeout=30_000)
    claim_id = re.search(r"Claim/([\w-]+)", status.inner_text()).group(1)
    claim = fhir(sandbox, f"Claim/{claim_id}")
    identifier = claim["identifier"][0]["value"]
    assert len(fhir(sandbox, f"Claim?identifier={identifier}").get("entry", [])) == 1
    return claim


@pytest.fixture(scope="module")
def client_id(sandbox) -> str:
    """A client of Mei Chen's with F33.1, a treatment plan and PHQ-9 16 → 12 → 8, made
    before the first sign-in (the caseload is cached), so no shared chart is written."""
    control = SandboxControl(sandbox)
    ids = create_plan_client(control, name=("Casey", "Rowe"))
    control.create(
        condition(ids["client"], "Major depressive disorder, recurrent, moderate", "F33.1")
    )
    return ids["client"]


def test_an_approved_note_becomes_a_scrubbed_claim_and_a_prior_authorization(
    copilot_server, browser, sandbox, client_id
):
    page = browser.new_page(viewport={"width": 460, "height": 1600})
    sign_in(page, copilot_server, "chen")
    page.goto(f"{copilot_server}/sidebar/{client_id}/")
    page.locator("#composer-template").select_option("soap")
    page.locator("#composer-text").fill(NOTES)
    page.locator("#composer button[value=draft]").click()
    page.locator("#draft-panel[data-status=complete]").wait_for(timeout=90_000)
    keep_sections(page, ("objective", "assessment", "plan"), {"subjective": SUBJECTIVE})
    while page.locator("button[value=acknowledge]").count():
        page.locator("button[value=acknowledge]").first.click()
        page.wait_for_timeout(200)
    page.wait_for_function(
        "() => !document.querySelector('#approve-bar button[value=approve]')?.disabled"
    )
    page.locator("#approve-bar button[value=approve]").click()

    page.locator("#coding button", has_text="Draft claim").click(timeout=60_000)
    claim = page.locator("#coding section.claim")
    claim.wait_for(timeout=30_000)
    assert "Scrubbed: no finding." in claim.inner_text()
    first_line = claim.locator("tbody tr").first.inner_text()
    assert "90834" in first_line and "95" in first_line and "10" in first_line
    assert "F33.1" in claim.inner_text()
    claim.screenshot(path=str(ROOT / "docs" / "claim.png"))
    claim.locator("button", has_text="Approve claim").click()
    written = written_once(sandbox, claim.locator(".written"))
    assert (written["use"], written["patient"]["reference"]) == ("claim", f"Patient/{client_id}")
    item = written["item"][0]
    assert [m["coding"][0]["code"] for m in item["modifier"]] == ["95"]
    assert item["locationCodeableConcept"]["coding"][0]["code"] == "10"

    page.goto(f"{copilot_server}/sidebar/{client_id}/priorauth/")
    page.locator("#pa-sessions").fill("12")
    page.locator("button", has_text="Draft the request").click()
    request = page.locator("section.claim")
    request.wait_for(timeout=30_000)
    narrative = request.locator(".narrative").inner_text()
    assert "F33.1" in narrative and "PHQ-9" in narrative and "Observation/" in narrative
    page.screenshot(path=str(ROOT / "docs" / "prior-authorization.png"), full_page=True)
    assert "Scrubbed" not in request.inner_text()  # a request is not a claim to scrub
    request.locator("button", has_text="Approve request").click()
    preauth = written_once(sandbox, request.locator(".written"))
    assert preauth["use"] == "preauthorization" and preauth["item"][0]["quantity"]["value"] == 12
    assert "PHQ-9" in preauth["supportingInfo"][0]["valueString"]
