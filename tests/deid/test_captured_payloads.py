"""Policy tests at the get_llm seam: whatever a draft or a chart answer sends to the
model, captured by a fake chat model, never holds a psychotherapy note (bh-004) or a
42 CFR Part 2 record (bh-006) of the sandbox EHR, even with Part 2 consent. The
labeled texts are read from the EHR over FHIR, not through the gateway's parsing."""

from __future__ import annotations

import base64
import re

import pytest
from asgiref.sync import sync_to_async

from copilot.drafting.engines import EngineError, LlmEngine
from copilot.drafting.templates import get_template
from copilot.drafting.types import DraftRequest
from copilot.qa.answering import answer_stream
from copilot.qa.types import AnswerDone
from copilot.retrieval.index import ClientIndex
from copilot.retrieval.models import IndexedSource
from copilot.retrieval.sync import sync_client

pytestmark = pytest.mark.django_db(transaction=True)

NOTE_REPLY = (
    "## subjective\nClient reported better sleep.\n## objective\nCalm, engaged.\n"
    "## assessment\nImproving.\n## plan\nContinue weekly sessions.\n"
)
LABELS = {"PSYTHPN", "42CFRPart2"}


def labeled_texts(sandbox_control, client_id: str) -> list[str]:
    """Sentences (≥ 25 characters) of the client's resources labeled PSYTHPN or
    42CFRPart2 (note texts; condition, medication and goal names) that no unlabeled
    resource of the client also holds (the seeded notes share templated sentences)."""
    labeled, unlabeled = [], []
    for kind in ("DocumentReference", "Condition", "MedicationStatement", "Goal"):
        bundle = sandbox_control._fhir("GET", f"{kind}?subject=Patient/{client_id}&_count=200")
        for entry in bundle.get("entry", []):
            resource = entry["resource"]
            codes = {s.get("code") for s in resource.get("meta", {}).get("security", [])}
            sentences = _sentences(_texts_of(resource))
            if codes & LABELS:
                labeled += sentences
            else:
                unlabeled += sentences
    elsewhere = " ".join(unlabeled).casefold()
    return [s for s in labeled if s.casefold() not in elsewhere]


def _sentences(texts: list[str]) -> list[str]:
    pieces = [p for t in texts for p in re.split(r"(?<=[.!?])\s+|\n+", t)]
    return [" ".join(p.split()) for p in pieces if len(p.strip()) >= 25]


def _texts_of(resource: dict) -> list[str]:
    if resource["resourceType"] == "DocumentReference":
        data = resource["content"][0]["attachment"]["data"]
        return [base64.b64decode(data).decode()]
    concept = resource.get("code") or resource.get("description") or {}
    concept = resource.get("medicationCodeableConcept", concept)
    return [concept.get("text", "")] + [c.get("display", "") for c in concept.get("coding", [])]


def assert_absent(texts: list[str], payload: str) -> None:
    flat = " ".join(payload.split()).casefold()
    for text in texts:
        assert " ".join(text.split()).casefold() not in flat, text


@pytest.fixture
def local_or_external(request, settings):
    """Run under an external provider (de-identified) and a local one (sent as built),
    so withheld text cannot hide behind de-identification."""
    settings.LLM_LOCAL_PROVIDERS = ["openai_compatible"]
    return request.param


@pytest.mark.parametrize("local_or_external", ["openai", "openai_compatible"], indirect=True)
@pytest.mark.parametrize("client_id", ["bh-004", "bh-006"])
async def test_a_draft_never_sends_psychotherapy_or_part2_content(
    gateway, sandbox_control, recording_llm, settings, local_or_external, client_id
):
    texts = labeled_texts(sandbox_control, client_id)
    assert texts  # the chart holds labeled content, so this test can fail
    chart = await gateway.chart(client_id)
    model = recording_llm(NOTE_REPLY)
    settings.LLM_PROVIDER = local_or_external
    engine = LlmEngine(timeout=5)
    request = DraftRequest(get_template("soap"), "Client reported better sleep.", chart)
    _ = [event async for event in engine.stream(request)]
    assert len(model.sent) == 1 and model.sent[0] == engine.outbound.payload
    assert_absent(texts, model.sent[0])
    assert engine.outbound.external is (local_or_external == "openai")
    labels = {w.label for w in engine.outbound.withheld}
    assert labels == ({"PSYTHPN"} if client_id == "bh-004" else {"42CFRPart2"})


async def test_a_pasted_psychotherapy_note_is_refused_before_the_model(
    gateway, sandbox_control, recording_llm
):
    chart = await gateway.chart("bh-004")
    psychotherapy = next(n for n in chart.notes if n.psychotherapy)
    model = recording_llm(NOTE_REPLY)
    request = DraftRequest(get_template("soap"), f"Today:\n{psychotherapy.text}", chart)
    with pytest.raises(EngineError, match="psychotherapy note"):
        _ = [event async for event in LlmEngine(timeout=5).stream(request)]
    assert model.sent == []


@pytest.mark.parametrize("local_or_external", ["openai", "openai_compatible"], indirect=True)
async def test_a_chart_answer_never_sends_part2_passages_even_with_consent(
    gateway, sandbox_control, recording_llm, chroma, settings, local_or_external
):
    settings.LLM_PROVIDER = local_or_external
    await sync_client(gateway, "bh-006")
    chart = await gateway.chart("bh-006")
    index = await sync_to_async(ClientIndex)("bh-006")
    model = recording_llm("He described cutting down on drinking [1].")
    question = "What has he said about drinking, cravings and anxiety?"
    events = [
        e async for e in answer_stream(question, chart, index, mode="llm", include_restricted=True)
    ]
    done = events[-1]
    assert isinstance(done, AnswerDone) and done.outbound is not None
    assert "42CFRPart2" in {w.label for w in done.outbound.withheld}  # consent let them be found
    assert len(model.sent) == 1
    assert_absent(labeled_texts(sandbox_control, "bh-006"), model.sent[0])


async def test_a_psychotherapy_note_is_never_indexed_nor_sent_in_an_answer(
    gateway, sandbox_control, recording_llm, chroma
):
    await sync_client(gateway, "bh-004")
    source = await IndexedSource.objects.aget(
        client_id="bh-004", reference="DocumentReference/psynote-bh-004"
    )
    assert source.chunk_count == 0
    index = await sync_to_async(ClientIndex)("bh-004")
    hits = await sync_to_async(index.search)(
        "countertransference supervision brother Vikram", 20, include_restricted=True
    )
    assert hits and all(h.chunk.source != "DocumentReference/psynote-bh-004" for h in hits)
    chart = await gateway.chart("bh-004")
    model = recording_llm("She talked about her brother [1].")
    question = "What has she said about her brother Vikram?"
    _ = [e async for e in answer_stream(question, chart, index, mode="llm")]
    assert len(model.sent) == 1
    assert_absent(labeled_texts(sandbox_control, "bh-004"), model.sent[0])
