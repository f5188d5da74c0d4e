"""End to end in real Chromium: the Treatment plan tab inside the mock EHR page — overdue
flag, draft, accept / edit / reject per goal, Approve — and the update read back from the
sandbox over FHIR; and the README's screenshot docs/treatment-plan.png."""

from __future__ import annotations

import pytest

from tests.browser.conftest import ROOT, sign_in
from tests.conftest import SandboxControl
from tests.plans.conftest import create_plan_client, fhir_get

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def clients(sandbox) -> dict:
    """Both tests' clients, made before the first sign-in: the copilot caches a caseload
    for CASELOAD_CACHE_SECONDS, so a client added later would not be on it yet."""
    control = SandboxControl(sandbox)
    return {
        "e2e": create_plan_client(control, name=("Robin", "Ellis")),
        "screenshot": create_plan_client(control, name=("Jordan", "Lee")),
    }


def open_plan_tab(frame) -> None:
    frame.locator(".client-header h1").wait_for()
    frame.locator("#tab-plan").click()
    frame.locator("#plan-panel.plan-panel").wait_for(timeout=30_000)


def draft_and_decide(frame, goals: list[str], choir_decision: str = "rejected") -> None:
    """Draft; accept the PHQ-9 goal, edit the sleep goal's summary, reject (or accept) the
    choir goal nobody mentioned."""
    frame.locator("#plan-panel form.plan-draft button").click()
    frame.locator("#plan-review").wait_for(timeout=60_000)
    phq9, sleep, choir = (frame.locator(f"#plan-goal-{g}") for g in goals)
    phq9.locator("button[value=accepted]").click()
    frame.locator(f"#plan-goal-{goals[0]}.decision-accepted").wait_for()
    sleep.locator("details.edit summary").click()
    sleep.locator("textarea[name=summary]").fill("Sleeping 7 hours on 5 nights a week.")
    sleep.locator("button", has_text="Save edit").click()
    frame.locator(f"#plan-goal-{goals[1]}.decision-edited").wait_for()
    choir.locator(f"button[value={choir_decision}]").click()
    frame.locator(f"#plan-goal-{goals[2]}.decision-{choir_decision}").wait_for()


def test_a_plan_review_is_drafted_decided_approved_and_read_back_from_fhir(
    copilot_server, browser, sandbox, clients
):
    ids = clients["e2e"]
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in(page, copilot_server, "chen")
    page.goto(f"{copilot_server}/ehr-demo/{ids['client']}/")
    frame = page.frame_locator("iframe.ehr-sidebar")
    open_plan_tab(frame)
    assert "Plan review overdue: last reviewed" in frame.locator(".overdue").inner_text()

    draft_and_decide(frame, ids["goals"])
    review = frame.locator("#plan-review").inner_text()
    assert "PHQ-9 went from 16 on" in review and "Target PHQ-9 < 10: met." in review
    frame.locator("#plan-approval button.primary:not([disabled])").click()
    written = frame.locator("#plan-approval .ok")
    written.wait_for(timeout=30_000)
    assert "Approved and written to the EHR" in written.inner_text()
    assert "last reviewed" in frame.locator("#plan-panel").inner_text()
    assert frame.locator(".overdue").count() == 0

    base = sandbox.base_url
    phq9, sleep, choir = (fhir_get(base, f"Goal/{g}") for g in ids["goals"])
    assert phq9["achievementStatus"]["coding"][0]["code"] == "achieved"
    assert sleep["note"][-1]["text"] == "Sleeping 7 hours on 5 nights a week."
    assert "note" not in choir and choir["lifecycleStatus"] == "active"  # rejected: untouched
    plan = fhir_get(base, f"CarePlan/{ids['plan']}")
    assert plan["note"][-1]["text"].startswith("Treatment-plan review ")
    provenance = fhir_get(base, f"Provenance?target=CarePlan/{ids['plan']}")
    assert provenance["total"] == 1
    assert provenance["entry"][0]["resource"]["id"] in written.inner_text()


def test_the_treatment_plan_screenshot(copilot_server, browser, clients):
    """docs/treatment-plan.png: a review in the 400 px sidebar, decided and approved."""
    ids = clients["screenshot"]
    page = browser.new_page(viewport={"width": 400, "height": 2000})
    sign_in(page, copilot_server, "chen")
    page.goto(f"{copilot_server}/sidebar/{ids['client']}/")
    open_plan_tab(page)
    draft_and_decide(page, ids["goals"], choir_decision="accepted")
    page.locator("#plan-approval button.primary:not([disabled])").click()
    page.locator("#plan-approval .ok").wait_for(timeout=30_000)
    assert "Plan review overdue" not in page.locator("#plan").inner_text()  # just reviewed
    page.locator("#plan").screenshot(path=str(ROOT / "docs" / "treatment-plan.png"))
