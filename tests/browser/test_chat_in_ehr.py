"""End to end in real Chromium: ask the chart two questions inside an EHR page and
follow a citation to the note it quotes."""

from __future__ import annotations

import pytest

from tests.browser.conftest import ROOT, sign_in

pytestmark = pytest.mark.browser


def test_two_questions_are_answered_with_citations_and_a_citation_opens_its_note(
    copilot_server, browser
):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in(page, copilot_server, "chen")
    page.goto(f"{copilot_server}/ehr-demo/bh-001/")
    frame = page.frame_locator("iframe.ehr-sidebar")
    frame.locator(".client-header h1").wait_for()
    assert frame.locator("#chat").is_hidden()  # the note tab is open first

    frame.locator("#tab-chat").click()
    frame.locator("#chat-question").fill("What was the latest PHQ-9 score?")
    frame.locator("#chat-form button[type=submit]").click()
    structured = frame.locator("#chat-log article.kind-structured")
    structured.wait_for(timeout=60_000)
    assert "PHQ-9" in structured.inner_text()
    assert frame.locator("#chat-question").input_value() == ""

    frame.locator("#chat-question").fill("Has she talked about her sister?")
    frame.locator("#chat-form button[type=submit]").click()
    quoted = frame.locator("#chat-log article.kind-extractive")
    quoted.wait_for(timeout=120_000)  # the first note question waits for the index
    assert "Dana" in quoted.inner_text()
    assert frame.locator("#chat-log article.turn").count() == 2

    citation = quoted.locator("a.cite").first
    citation.click()
    excerpt = frame.locator("#source-view mark#cited-excerpt")
    excerpt.wait_for(timeout=15_000)
    assert "Dana" in excerpt.inner_text()
    page.screenshot(path=str(ROOT / "docs" / "chat-citation-in-ehr.png"))


def test_the_measures_tab_charts_phq9_and_gad7_with_their_outcomes(copilot_server, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 2400})
    sign_in(page, copilot_server, "chen")
    page.goto(f"{copilot_server}/ehr-demo/bh-001/")
    frame = page.frame_locator("iframe.ehr-sidebar")
    frame.locator(".client-header h1").wait_for()
    assert frame.locator("#measures").is_hidden()

    frame.locator("#tab-measures").click()
    phq9 = frame.locator("#outcomes-phq-9")
    phq9.wait_for(timeout=30_000)  # fetched when the tab is first shown
    assert "Response (≥ 50 % drop)" in phq9.inner_text()
    assert phq9.locator("svg circle.mark-response").count() == 1
    assert frame.locator("#outcomes-gad-7 table tbody tr").count() >= 2
    frame.locator("#measures").screenshot(path=str(ROOT / "docs" / "measures-tab.png"))
    page.close()
