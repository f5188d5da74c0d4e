"""End to end in real Chromium: an intake assessment drafted from the chart's intake
questionnaire inside the EHR page, reviewed, its risk flag acknowledged, approved, and
found in FHIR as a LOINC 78306-8 DocumentReference."""

from __future__ import annotations

import pytest

from tests.browser.conftest import ROOT, keep_sections, sign_in, written_document, written_id
from tests.conftest import SandboxControl, care_team
from tests.summaries.intake_support import FRESH_ITEMS, answer, intake_response

pytestmark = pytest.mark.browser
IMPRESSION = "Panic attacks with agoraphobic avoidance; assess for panic disorder next session."
HISTORY = [
    answer("prior-treatment", "Have you had counseling before?", "No prior treatment."),
    answer("substance-use", "Alcohol, drug or tobacco use", "No alcohol or drug use."),
    answer("family-social", "Family and social history", "Lives with a partner; works nights."),
]


@pytest.fixture
def intake_client(sandbox) -> str:
    """A fresh client of Mei Chen's with an intake whose PHQ-9 item 9 is 1, so the
    written note touches no demo chart."""
    control = SandboxControl(sandbox)
    patient = control.create(
        {
            "resourceType": "Patient",
            "name": [{"given": ["Jordan"], "family": "Reyes"}],
            "gender": "other",
            "birthDate": "1994-03-02",
        }
    )
    control.create(care_team(patient["id"], "pr-chen"))
    control.create(intake_response(patient["id"], [*FRESH_ITEMS, *HISTORY]))
    return patient["id"]


def test_an_intake_assessment_is_drafted_reviewed_approved_and_found_in_fhir(
    copilot_server, browser, sandbox, intake_client
):
    page = browser.new_page(viewport={"width": 1280, "height": 1100})
    sign_in(page, copilot_server, "chen")
    page.goto(f"{copilot_server}/ehr-demo/{intake_client}/")
    frame = page.frame_locator("iframe.ehr-sidebar")

    frame.locator("#composer-template").select_option("intake")
    frame.locator("#composer button[value=draft]").click()  # no notes: drafted from the chart
    frame.locator("#draft-panel[data-status=complete]").wait_for(timeout=60_000)
    ids = frame.locator("#draft-sections article").evaluate_all("els => els.map(e => e.id)")
    assert ids == [
        "section-risk",
        "section-presenting",
        "section-history",
        "section-scores",
        "section-impressions",
    ]
    risk = frame.locator("#section-risk").inner_text()
    assert "Positive risk item (thoughts of suicide): Thoughts that you would be better off" in risk
    assert "(linkId 44260-8)" in risk
    assert "PHQ-9 total 16 (moderately severe)" in frame.locator("#section-scores").inner_text()

    frame.locator("#section-scores button[value=accept]").click()
    frame.locator("#section-scores.decision-accepted").wait_for()
    keep_sections(frame, ("risk", "presenting", "history"), {"impressions": IMPRESSION})

    flags = frame.locator("button[value=acknowledge]")
    assert flags.count() >= 1  # PHQ-9 item 9 scored 1 on the intake
    while flags.count():
        flags.first.click()
        frame.locator("#approve-bar").wait_for()
        page.wait_for_timeout(200)
    approve = frame.locator("#approve-bar button[value=approve]")
    page.wait_for_function(
        "() => !document.querySelector('iframe').contentDocument"
        ".querySelector('#approve-bar button[value=approve]')?.disabled"
    )
    approve.click()
    document_id = written_id(frame.locator("#approval-status .ok"))
    sidebar = browser.new_page(viewport={"width": 380, "height": 900})  # same session
    sidebar.context.add_cookies(page.context.cookies())
    sidebar.goto(f"{copilot_server}/sidebar/{intake_client}/")
    sidebar.locator("#approval-status .ok").wait_for(timeout=30_000)
    sidebar.locator("#draft-panel").screenshot(path=str(ROOT / "docs" / "intake-summary.png"))

    document, text = written_document(sandbox, document_id)
    assert document["subject"]["reference"] == f"Patient/{intake_client}"
    assert document["type"]["coding"][0]["code"] == "78306-8"
    assert document["meta"]["security"][0]["code"] == "AIAST"
    assert text.startswith("Risk and safety:\nPositive risk item (thoughts of suicide)")
    assert f"Initial impressions:\n{IMPRESSION}" in text
    assert "Family and social history: Lives with a partner; works nights." in text
    assert "[clinician to complete" not in text
