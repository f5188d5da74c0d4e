"""Chart Q&A in the sidebar: asking over the websocket, streamed and cited answers,
opening a cited note, history, bad input and an unavailable EHR. The EHR is the
sandbox over HTTP; the index is a fresh embedded Chroma folder per test."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from asgiref.sync import sync_to_async
from django.urls import reverse

from copilot.qa.models import ChatTurn
from copilot.retrieval.models import IndexedSource
from tests.factories import ClinicianFactory
from tests.web.test_consumer import connect, receive_until

pytestmark = pytest.mark.django_db(transaction=True)

FINISHED = r'<article id="turn-[0-9a-f]{12}" class="turn kind-[a-z_]+" hx-swap-oob="true">'
FAILED = r'class="turn failed"'


async def ask(communicator, question: str, until: str = FINISHED) -> list[str]:
    await communicator.send_json_to({"action": "ask", "question": question})
    return await receive_until(communicator, until)


def note_links(message: str) -> list[str]:
    return [html.unescape(href) for href in re.findall(r'<a class="cite" href="([^"]+)"', message)]


async def test_a_structured_question_is_answered_exactly_with_a_citation(ehr, clinician, chroma):
    communicator = await connect(clinician)
    messages = await ask(communicator, "What was the latest PHQ-9 score?")
    await communicator.disconnect()

    assert 'class="turn pending"' in messages[1] or any("pending" in m for m in messages)
    final = messages[-1]
    assert "PHQ-9" in final and "kind-structured" in final
    assert re.search(r"\b6\b", final)  # bh-001's PHQ-9 falls 19 → 6 (sandbox seed)
    assert 'class="cite" title="Observation/' in final
    turn = await sync_to_async(ChatTurn.objects.get)(clinician=clinician, client_id="bh-001")
    assert turn.kind == "structured" and turn.found


async def test_a_note_question_quotes_the_note_and_the_citation_opens_it(
    ehr, clinician, chroma, client
):
    communicator = await connect(clinician)
    messages = await ask(communicator, "Has she talked about her sister?")
    await communicator.disconnect()

    final = messages[-1]
    assert "kind-extractive" in final
    assert "Dana" in final
    links = note_links(final)
    assert links, final
    query = parse_qs(urlsplit(links[0]).query)
    assert query["ref"][0].startswith("DocumentReference/")
    indexed = await sync_to_async(IndexedSource.objects.filter(client_id="bh-001").count)()
    assert indexed > 0  # the first question indexed the chart

    await sync_to_async(client.force_login)(clinician)
    opened = await sync_to_async(client.get)(links[0], HTTP_HX_REQUEST="true")
    assert opened.status_code == 200
    cited = re.search(r'<mark id="cited-excerpt">(.*?)</mark>', opened.content.decode(), re.S)
    assert cited and "Dana" in html.unescape(cited.group(1))


async def test_a_question_the_chart_cannot_answer_says_so(ehr, clinician, chroma):
    communicator = await connect(clinician)
    messages = await ask(communicator, "What is the name of her landlord's parrot?")
    await communicator.disconnect()
    assert "I could not find this in the chart." in messages[-1]
    assert "kind-not_found" in messages[-1]


@pytest.mark.parametrize(
    ("question", "message"),
    [("   ", "Type a question"), ("x" * 1001, "up to 1,000 characters")],
)
async def test_a_bad_question_gets_a_message_and_is_kept(ehr, clinician, chroma, question, message):
    communicator = await connect(clinician)
    await communicator.send_json_to({"action": "ask", "question": question})
    form = await communicator.receive_from(timeout=10)
    await communicator.disconnect()
    assert 'id="chat-form"' in form and message in form
    assert f">{question}</textarea>" in form
    assert not await sync_to_async(ChatTurn.objects.exists)()


async def test_an_unavailable_ehr_fails_the_turn_and_returns_the_question(
    ehr, clinician, chroma, settings, down_url
):
    communicator = await connect(clinician)
    settings.FHIR_BASE_URL = down_url  # the EHR goes down while the sidebar is open
    question = "Has she talked about her sister?"
    messages = await ask(communicator, question, until=re.escape(f">{question}</textarea>"))
    failed = [m for m in messages if re.search(FAILED, m)]
    await communicator.disconnect()
    assert failed and "unavailable" in failed[0].lower()
    assert 'id="chat-form"' in messages[-1]


async def test_the_history_shows_on_the_next_open_for_this_clinician_only(
    ehr, clinician, chroma, client
):
    communicator = await connect(clinician)
    await ask(communicator, "When did we start sertraline?")
    await communicator.disconnect()

    await sync_to_async(client.force_login)(clinician)
    page = await sync_to_async(client.get)(reverse("sidebar", args=["bh-001"]))
    asked = '<p class="question">When did we start sertraline?</p>'
    assert asked in page.content.decode()
    other = await sync_to_async(client.get)(reverse("sidebar", args=["bh-002"]))
    assert asked not in other.content.decode()
    colleague = await sync_to_async(lambda: ClinicianFactory().user)()
    await sync_to_async(client.force_login)(colleague)
    theirs = await sync_to_async(client.get)(reverse("sidebar", args=["bh-001"]))
    assert asked not in theirs.content.decode()


def test_a_note_of_another_client_or_a_bad_reference_is_not_found(ehr, clinician, client, sandbox):
    from tests.conftest import SandboxControl

    client.force_login(clinician)
    notes = SandboxControl(sandbox)._fhir("GET", "DocumentReference?subject=Patient/bh-002")
    foreign = notes["entry"][0]["resource"]["id"]
    url = reverse("sidebar-source", args=["bh-001"])
    for ref in (f"DocumentReference/{foreign}", "Observation/x", "DocumentReference/../../x"):
        response = client.get(url, {"ref": ref, "start": 0, "end": 10})
        assert response.status_code == 404, ref
        assert "bh-002" not in response.content.decode()
    mine = SandboxControl(sandbox)._fhir("GET", "DocumentReference?subject=Patient/bh-001")
    own = client.get(
        url, {"ref": f"DocumentReference/{mine['entry'][0]['resource']['id']}", "start": "x"}
    )
    assert own.status_code == 200 and '<mark id="cited-excerpt"></mark>' in own.content.decode()
    theirs = reverse("sidebar-source", args=["bh-002"])  # not on this clinician's caseload
    assert client.get(theirs, {"ref": f"DocumentReference/{foreign}"}).status_code == 404
