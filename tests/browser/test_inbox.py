"""End to end in real Chromium: Mei Chen opens her inbox; Priya Nair's urgent message
is on top in red with the words that decided; she drafts the reply to a scheduling
message from Maya Thompson, accepts and approves it, and the reply is in the sandbox
EHR once, as a Communication in response to Maya's. Takes docs/inbox.png."""

from __future__ import annotations

import json
import urllib.request
from datetime import UTC, datetime

import pytest

from tests.browser.conftest import ROOT, sign_in
from tests.conftest import SandboxControl

pytestmark = pytest.mark.browser
ASKED = "Hi Mei, the school concert moved to Wednesday night. Could I come Tuesday instead? Maya"


@pytest.fixture(scope="module")
def asked(sandbox):
    """Maya's new scheduling message to Mei Chen (bh-001 is on Chen's CareTeam), deleted
    afterwards with the reply, so the seeded inboxes other tests read are as seeded."""
    control = SandboxControl(sandbox)
    created = control.create(
        {
            "resourceType": "Communication",
            "status": "in-progress",
            "sender": {"reference": "Patient/bh-001"},
            "recipient": [{"reference": "Practitioner/pr-chen"}],
            "subject": {"reference": "Patient/bh-001"},
            "sent": datetime.now(tz=UTC).isoformat(timespec="seconds"),
            "payload": [{"contentString": ASKED}],
        }
    )
    yield created["id"]
    for reply in replies_to(sandbox, created["id"]):
        control.delete(f"Communication/{reply['id']}")
    control.delete(f"Communication/{created['id']}")


def replies_to(sandbox, communication_id: str) -> list[dict]:
    query = "Communication?subject=Patient/bh-001&sender=Practitioner/pr-chen&_count=100"
    with urllib.request.urlopen(f"{sandbox.base_url}/{query}") as response:
        found = [e["resource"] for e in json.load(response).get("entry", [])]
    wanted = f"Communication/{communication_id}"
    return [c for c in found if any(r["reference"] == wanted for r in c.get("inResponseTo", []))]


def test_the_inbox_puts_the_urgent_message_on_top_and_sends_an_approved_reply_once(
    copilot_server, browser, asked, sandbox
):
    page = browser.new_page(viewport={"width": 900, "height": 1400})
    sign_in(page, copilot_server, "chen")
    page.goto(f"{copilot_server}/inbox/")

    first = page.locator("article.message").first
    assert first.get_attribute("data-category") == "urgent"
    assert "risk-message" in first.get_attribute("class")
    assert "Priya Nair" in first.inner_text()
    assert first.locator("mark").count() >= 1  # the words that decided
    assert first.locator("button", has_text="Draft reply").count() == 0  # never templated

    message = page.locator(f"#message-{asked}")
    assert message.get_attribute("data-category") == "scheduling"
    message.locator("button", has_text="Draft reply").click()
    text = message.locator("textarea")
    text.wait_for()
    assert text.input_value().startswith("Hi Maya,")
    page.screenshot(path=str(ROOT / "docs" / "inbox.png"), full_page=False)
    message.locator("button[value=accepted]").click()
    message.locator("button", has_text="Approve and send").click()
    message.locator(".written").wait_for(timeout=30_000)
    assert "Communication/" in message.locator(".written").inner_text()

    written = replies_to(sandbox, asked)
    assert len(written) == 1
    assert written[0]["payload"][0]["contentString"].startswith("Hi Maya,")
    assert written[0]["recipient"] == [{"reference": "Patient/bh-001"}]

    page.reload()  # the reply stays sent; nothing more is written
    page.locator(f"#message-{asked} .written").wait_for()
    assert len(replies_to(sandbox, asked)) == 1
