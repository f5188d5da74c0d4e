"""End to end in real Chromium: a discharge summary drafted from the Summaries tab inside
the mock EHR page, its sections decided, approved and read back from FHIR as a LOINC
78263-1 DocumentReference; and the README's screenshots of a discharge and a
de-identified referral summary."""

from __future__ import annotations

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser.conftest import ROOT, provenances_of, sign_in, written_document, written_id
from tests.browser.test_group_notes import review_and_approve
from tests.summaries.conftest import named_client  # noqa: F401 (a fixture)

pytestmark = pytest.mark.browser
AFTERCARE = (
    "Discharged by mutual agreement: treatment goals reviewed. Referred back to her primary "
    "care physician. Follow-up booster session in three months. Crisis line 988 given."
)


def open_summaries(frame, template: str, text: str = "") -> None:
    frame.locator("#tab-summaries").click()
    form = frame.locator(f"#summary-{template}")
    form.wait_for(timeout=30_000)
    form.locator("textarea[name=text]").fill(text)


def draft_summary(frame, template: str) -> None:
    """Press the form's Draft button until the socket has taken it (the page was just
    opened), then wait for the draft in the Progress note tab."""
    button = frame.locator(f"#summary-{template} button[value=summarize]")
    drafted = frame.locator("#tab-drafting[aria-selected=true]")  # selected once drafted
    for _ in range(10):
        if button.is_visible():
            button.click()
        try:
            drafted.wait_for(timeout=5_000)
            break
        except PlaywrightTimeout:
            continue
    frame.locator("#draft-panel[data-status=complete]").wait_for(timeout=90_000)


def test_a_discharge_summary_is_drafted_reviewed_and_written_to_the_ehr(
    copilot_server,
    browser,
    sandbox,
    named_client,  # noqa: F811
):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in(page, copilot_server, "chen")
    page.goto(f"{copilot_server}/ehr-demo/{named_client}/")
    frame = page.frame_locator("iframe.ehr-sidebar")
    frame.locator(".client-header h1").wait_for()

    open_summaries(frame, "discharge", AFTERCARE)
    draft_summary(frame, "discharge")
    sections = frame.locator("#draft-sections").inner_text()
    assert "PHQ-9: 16 (moderately severe)" in sections and "2 therapy sessions" in sections
    assert "[clinician to complete" not in frame.locator("#section-aftercare").inner_text()

    review_and_approve(frame)
    document_id = written_id(frame.locator("#approval-status .ok"))
    document, text = written_document(sandbox, document_id)
    assert document["subject"]["reference"] == f"Patient/{named_client}"
    assert document["type"]["coding"][0]["code"] == "78263-1"
    assert "Crisis line 988 given." in text and "Measures:" in text
    assert len(provenances_of(sandbox, f"DocumentReference/{document_id}")) == 1


def test_the_summary_screenshots(copilot_server, browser):
    """docs/discharge-summary.png: bh-001's discharge summary drafted for review;
    docs/referral-summary.png: bh-008's de-identified referral with three items ticked."""
    page = browser.new_page(viewport={"width": 400, "height": 1800})
    sign_in(page, copilot_server, "rivera")
    page.goto(f"{copilot_server}/sidebar/bh-008/")
    page.locator(".client-header h1").wait_for()
    open_summaries(page, "referral", "Referred for a psychiatric medication review.")
    form = page.locator("#summary-referral")
    for item in ("diagnoses", "measures", "risk"):
        form.locator(f"input[value={item}]").check()
    form.locator("input[name=deidentify]").check()
    draft_summary(page, "referral")
    sections = page.locator("#draft-sections").inner_text()
    assert "[DATE_" in sections and "easier not to wake up" in sections
    assert [w for w in ("Daniel", "Kim", "sertraline", "Goal") if w in sections] == []
    page.locator("#drafting").screenshot(path=str(ROOT / "docs" / "referral-summary.png"))

    page = browser.new_page(viewport={"width": 400, "height": 1800})  # a new context
    sign_in(page, copilot_server, "chen")
    page.goto(f"{copilot_server}/sidebar/bh-001/")
    page.locator(".client-header h1").wait_for()
    open_summaries(page, "discharge")
    draft_summary(page, "discharge")
    assert "PHQ-9: 19 (moderately severe)" in page.locator("#draft-sections").inner_text()
    page.locator("#drafting").screenshot(path=str(ROOT / "docs" / "discharge-summary.png"))
