"""End to end in real Chromium: a pre-licensed clinician (Arjun Patel) approves a plan
review, which goes to Dr. Elena Rivera's co-signature queue; she opens it and co-signs;
the update is read back from the sandbox with her as legal authenticator. Takes the
README's screenshot docs/plan-cosign.png."""

from __future__ import annotations

import pytest

from tests.browser.conftest import ROOT, sign_in
from tests.browser.test_treatment_plan import draft_and_decide, open_plan_tab
from tests.conftest import SandboxControl, care_team
from tests.plans.conftest import create_plan_client, fhir_get

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def patel_client(sandbox) -> dict:
    """A plan client on Patel's CareTeam, made before the first sign-in (caseload cache)."""
    control = SandboxControl(sandbox)
    ids = create_plan_client(control, name=("Casey", "Nguyen"))
    control.create(care_team(ids["client"], "pr-patel"))
    return ids


def test_a_plan_review_is_sent_for_cosignature_and_cosigned_by_the_supervisor(
    copilot_server, browser, patel_client, sandbox
):
    ids = patel_client
    clinician = browser.new_page(viewport={"width": 400, "height": 1600})
    sign_in(clinician, copilot_server, "patel")
    clinician.goto(f"{copilot_server}/sidebar/{ids['client']}/")
    open_plan_tab(clinician)
    draft_and_decide(clinician, ids["goals"])
    approve = clinician.locator("#plan-approval button.primary:not([disabled])")
    assert approve.inner_text() == "Approve and send to Dr. Elena Rivera for co-signature"
    approve.click()
    clinician.locator("#plan-approval .waiting").wait_for(timeout=30_000)
    assert "Sent to Dr. Elena Rivera for co-signature" in (
        clinician.locator("#plan-approval").inner_text()
    )
    assert clinician.locator(f"#plan-goal-{ids['goals'][0]} button[value=accepted]").count() == 0

    supervisor = browser.new_page(viewport={"width": 900, "height": 900})
    sign_in(supervisor, copilot_server, "rivera")
    supervisor.goto(f"{copilot_server}/review/queue/")
    supervisor.locator("tr[id^=plan-queue-] a", has_text="Casey Nguyen").click()
    supervisor.locator("h1", has_text="Treatment-plan review for Casey Nguyen").wait_for()
    supervisor.screenshot(path=str(ROOT / "docs" / "plan-cosign.png"), full_page=True)
    supervisor.locator("#decision button.primary").click()
    supervisor.locator("#decision .ok").wait_for(timeout=30_000)

    provenance = fhir_get(sandbox.base_url, f"Provenance?target=CarePlan/{ids['plan']}")
    agents = provenance["entry"][0]["resource"]["agent"]
    legal = [a["who"]["reference"] for a in agents if a["type"]["coding"][0]["code"] == "legal"]
    assert provenance["total"] == 1 and legal == ["Practitioner/pr-rivera"]
