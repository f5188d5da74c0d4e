"""End to end in real Chromium: draft inside an EHR page, review, approve, the supervisor
returns it, revise, approve, the supervisor co-signs, find it in FHIR."""

from __future__ import annotations

import csv
import re

import pytest

from tests.browser.conftest import ROOT, keep_sections, provenances_of, sign_in, written_document
from tests.conftest import SHARED_DATA

pytestmark = pytest.mark.browser


def valid_transcript() -> str:
    with (SHARED_DATA / "aci-bench" / "csv" / "valid.csv").open(newline="") as handle:
        return next(csv.DictReader(handle))["dialogue"]


def test_a_soap_note_drafted_inside_the_ehr_is_reviewed_approved_and_found_in_fhir(
    copilot_server, browser, sandbox
):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in(page, copilot_server, "patel")
    page.goto(f"{copilot_server}/ehr-demo/bh-003/")
    frame = page.frame_locator("iframe.ehr-sidebar")

    frame.locator(".client-header h1").wait_for()
    assert frame.locator(".client-header h1").inner_text() == "Alex Morgan"
    frame.locator("#composer-template").select_option("soap")
    frame.locator("#composer-text").fill(valid_transcript())
    frame.locator("#composer button[value=draft]").click()
    frame.locator("#draft-panel[data-status=complete]").wait_for(timeout=90_000)
    ids = frame.locator("#draft-sections article").evaluate_all("els => els.map(e => e.id)")
    assert ids == ["section-subjective", "section-objective", "section-assessment", "section-plan"]

    frame.locator("#section-assessment button[value=reject]").click()
    frame.locator("#section-assessment.decision-rejected").wait_for()
    edited = {
        "objective": "Client appeared well groomed, mood anxious, affect congruent; "
        "thought process linear and goal-directed.",
    }
    keep_sections(frame, ("subjective", "plan"), edited)

    flags = frame.locator("button[value=acknowledge]")
    assert flags.count() >= 1  # bh-003's latest PHQ-9 item 9 is positive
    while flags.count():
        flags.first.click()
        frame.locator("#approve-bar").wait_for()
        page.wait_for_timeout(200)
    approve = frame.locator("#approve-bar button[value=approve]")
    approve.wait_for()
    page.wait_for_function(
        "() => !document.querySelector('iframe').contentDocument"
        ".querySelector('#approve-bar button[value=approve]')?.disabled"
    )
    approve.click()
    sent = frame.locator("#cosign-status")  # Patel is pre-licensed: Rivera co-signs
    sent.wait_for(timeout=15_000)
    assert "sent to Dr. Elena Rivera for co-signature" in sent.inner_text()

    supervisor = browser.new_page(viewport={"width": 1100, "height": 900})
    sign_in(supervisor, copilot_server, "rivera")
    supervisor.click("nav.account a:has-text('Co-signature queue')")
    supervisor.locator("a", has_text="Alex Morgan").first.click()
    supervisor.fill("#return-comment", "Add the homework you agreed on to the Plan.")
    supervisor.click("#decision button:has-text('Return for revision')")
    supervisor.locator("#decision", has_text="Returned to Arjun Patel").wait_for()

    returned = frame.locator("#cosign-returned")
    returned.wait_for(timeout=30_000)  # the sidebar polls while the note waits
    assert "Add the homework you agreed on to the Plan." in returned.inner_text()
    frame.locator("#section-plan details.edit").evaluate("details => { details.open = true; }")
    plan = f"{frame.locator('#edit-plan').input_value()} Homework: thought record daily."
    frame.locator("#approve-bar").evaluate("bar => { bar.dataset.stale = 'yes'; }")
    frame.locator("#edit-plan").fill(plan)
    frame.locator("#approve-bar:not([data-stale])").wait_for()  # the edit is saved
    frame.locator("#approve-bar button[value=approve]").click()
    sent.wait_for(timeout=15_000)

    supervisor.reload()
    assert "Homework: thought record daily." in " ".join(
        supervisor.locator(".diff ins").all_inner_texts()
    )
    supervisor.screenshot(path=str(ROOT / "docs" / "cosign-review.png"), full_page=True)
    supervisor.click("#decision button:has-text('Co-sign')")
    cosigned = supervisor.locator("#decision .ok")
    cosigned.wait_for(timeout=30_000)
    document_id = re.search(r"DocumentReference/([\w-]+)", cosigned.inner_text()).group(1)

    status = frame.locator("#approval-status .ok")
    status.wait_for(timeout=30_000)  # the sidebar's poll picks up the co-signature
    assert f"DocumentReference/{document_id}" in status.inner_text()
    status.scroll_into_view_if_needed()
    page.screenshot(path=str(ROOT / "docs" / "draft-approved-in-ehr.png"))

    codes = frame.locator("#coding .coding-suggestions")  # loaded once the note is written
    codes.wait_for(timeout=30_000)
    assert "nothing is submitted" in codes.inner_text()
    assert codes.locator("li.code").count() >= 1  # at least the chart's ICD-10-CM codes
    codes.screenshot(path=str(ROOT / "docs" / "coding-suggestions.png"))

    document, text = written_document(sandbox, document_id)
    assert document["subject"]["reference"] == "Patient/bh-003"
    assert document["author"][0]["reference"] == "Practitioner/pr-patel"
    assert edited["objective"] in text
    assert "Assessment:" not in text  # rejected
    assert "[clinician to complete" not in text
    assert "Homework: thought record daily." in text
    assert document["authenticator"]["reference"] == "Practitioner/pr-rivera"
    [provenance] = provenances_of(sandbox, f"DocumentReference/{document_id}")
    who = {a["who"]["reference"] for a in provenance["agent"]}
    assert {"Practitioner/pr-patel", "Practitioner/pr-rivera"} <= who

    # Sign out ends the copilot's session and, at the provider's confirmation, its own.
    supervisor.click("nav.account button:has-text('Sign out')")
    supervisor.wait_for_url(f"{sandbox.issuer}/**")
    supervisor.click("button[name=logout][value=yes]")
    supervisor.goto(f"{copilot_server}/review/queue/")
    supervisor.wait_for_url(f"{sandbox.issuer}/**")
    assert supervisor.locator("#username").is_visible()  # asked to sign in again


def test_before_htmx_has_processed_the_page_a_draft_request_neither_reloads_nor_loses_text(
    copilot_server, browser
):
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    sign_in(page, copilot_server, "chen")
    held = []  # htmx held back: the page as it is between parsing and htmx's start

    def hold(route):
        held.append(route)

    page.route("**/htmx-2.0.11.min.js", hold)
    page.goto(f"{copilot_server}/sidebar/bh-001/", wait_until="commit")
    page.locator("#composer button[value=draft]").wait_for()
    page.locator("#composer-text").fill("Client reported better sleep.")
    button = page.locator("#composer button[value=draft]")
    assert button.evaluate("b => getComputedStyle(b).pointerEvents") == "none"
    url = page.url
    page.locator("#composer").evaluate("form => form.requestSubmit()")
    page.wait_for_timeout(500)
    assert page.url == url
    assert page.locator("#composer-text").input_value() == "Client reported better sleep."

    held[0].continue_()
    page.wait_for_function("() => document.documentElement.dataset.htmx === 'ready'")
    assert button.evaluate("b => getComputedStyle(b).pointerEvents") == "auto"
    page.close()
