"""The `llm` intake variant with a LangChain fake chat model at the get_llm seam: the
model writes Presenting problem and History from de-identified intake facts; risk,
scores and impressions stay the offline engine's; generated sentences cite the facts."""

from __future__ import annotations

import pytest

from copilot.audit.models import LedgerEntry
from tests.deid.conftest import RecordingChatModel

from .intake_support import PAST_THOUGHTS, draft_intake

pytestmark = pytest.mark.django_db(transaction=True)
REPLY = (
    "## presenting\nClient reported nightmares, flashbacks and avoidance since a serious car "
    "accident two years ago.\n"
    "## history\nSymptoms began with nightmares and intrusive memories of the car accident, "
    "followed by avoidance of driving. Client has a long history of bipolar disorder. "
    "[clinician to complete: medical history]\n"
)


@pytest.fixture
def model(settings, monkeypatch) -> RecordingChatModel:
    settings.DRAFT_ENGINE, settings.LLM_PROVIDER = "llm", "openai"
    recording = RecordingChatModel(responses=[REPLY])
    monkeypatch.setattr("copilot.drafting.engines.get_llm", lambda: recording)
    return recording


async def test_the_model_writes_the_narrative_sections_and_the_rest_stays_exact(
    ehr, clinician, model
):
    draft = await draft_intake(clinician, "bh-003", text="Alex Morgan came with a friend.")

    assert (draft.engine_name, draft.engine_version, draft.status) == (
        "llm",
        "intake_v1",
        "complete",
    )
    sections = {s.key: s for s in draft.sections.all()}
    assert list(sections) == ["risk", "presenting", "history", "scores", "impressions"]
    assert sections["risk"].ai_text.startswith(
        "Positive risk item (thoughts of suicide): Have you ever had thoughts of ending your "
        f"life? — {PAST_THOUGHTS} (linkId safety-ever)."
    )
    assert sections["scores"].ai_text.startswith("PHQ-9 total 8 (mild) at intake")
    assert sections["impressions"].ai_text == (
        "[clinician to complete: diagnostic impression] "
        "[clinician to complete: treatment recommendations]"
    )
    presenting = sections["presenting"].sentences[0]
    assert presenting["supported"]
    assert presenting["sources"] == [{"reference": "QuestionnaireResponse/intake-bh-003"}]
    invented = [s for s in sections["history"].sentences if "bipolar" in s["text"]]
    assert [s["supported"] for s in invented] == [False]
    [sent] = model.sent
    assert "Nightmares, flashbacks and avoidance since a serious car accident" in sent
    assert "Morgan" not in sent and "Alex" not in sent  # de-identified
    assert "Risk and safety" not in sent and "PHQ-9" not in sent  # not the model's sections
    entry = await LedgerEntry.objects.filter(kind="ai.draft", meta__draft=str(draft.id)).aget()
    assert entry.meta["engine"] == "llm"


async def test_a_part2_intake_never_reaches_the_model(ehr, clinician, model):
    draft = await draft_intake(clinician, "bh-006")

    assert (draft.status, draft.status_detail) == ("complete", "")
    [sent] = model.sent
    for word in ("drink", "beer", "alcohol", "naltrexone", "craving"):
        assert word not in sent.lower()
