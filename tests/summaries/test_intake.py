"""Intake assessments drafted from the sandbox's demo intakes: what each draft must hold
(its client's own answers and scores, risk first) and must not (invented impressions,
42 CFR Part 2 details, anything of another client)."""

from __future__ import annotations

import re

import pytest
from asgiref.sync import sync_to_async

from copilot.audit.models import LedgerEntry
from copilot.drafting.engines import EngineError
from copilot.retrieval.consent import part2_consent_record
from copilot.review import services
from copilot.review.models import Draft

from .intake_support import PAST_THOUGHTS, POSITIVE_SAFETY, PRESENTING, SCORES, draft_intake

pytestmark = pytest.mark.django_db(transaction=True)
DEMO = sorted(PRESENTING)
SECTIONS = ["risk", "presenting", "history", "scores", "impressions"]
IMPRESSIONS = (
    "[clinician to complete: diagnostic impression] "
    "[clinician to complete: treatment recommendations]"
)
# What bh-006's Part 2 intake and chart say about substance use, in any form.
PART2_WORDS = ("drink", "beer", "alcohol", "naltrexone", "craving", "mutual-support", "abstinen")


def texts(draft: Draft) -> dict[str, str]:
    return {s.key: s.ai_text for s in draft.sections.all()}


def everything(draft: Draft) -> str:
    return "\n".join([*texts(draft).values(), *(f.quote for f in draft.risk_flags.all())])


@pytest.mark.parametrize("client_id", DEMO)
async def test_each_demo_intake_gives_the_clients_own_presenting_problem_and_scores(
    ehr, clinician, client_id
):
    draft = await draft_intake(clinician, client_id)

    assert (draft.status, draft.template_key) == (Draft.Status.COMPLETE, "intake")
    sections = texts(draft)
    assert list(sections) == SECTIONS
    if client_id != "bh-006":  # Part 2: see below
        assert PRESENTING[client_id] in sections["presenting"]
    for score in SCORES[client_id]:
        assert f"{score} at intake" in sections["scores"]
    scored = re.findall(r"(PHQ-9|GAD-7) total \d+", sections["scores"])
    assert len(scored) == len(SCORES[client_id])  # nothing scored that the chart lacks
    if not SCORES[client_id]:
        assert (
            sections["scores"]
            == "[clinician to complete: PHQ-9 / GAD-7 at intake, if administered]"
        )


@pytest.mark.parametrize("client_id", DEMO)
async def test_no_draft_holds_another_clients_answers(ehr, clinician, client_id):
    held = everything(await draft_intake(clinician, client_id))

    others = [text for other, text in PRESENTING.items() if other != client_id]
    assert [text for text in others if text in held] == []
    assert not re.search(r"intake-bh-0\d\d", held.replace(f"intake-{client_id}", ""))


@pytest.mark.parametrize("client_id", DEMO)
async def test_initial_impressions_are_placeholders_and_no_diagnosis_is_invented(
    ehr, clinician, client_id
):
    draft = await draft_intake(clinician, client_id)

    assert texts(draft)["impressions"] == IMPRESSIONS
    drafted = " ".join(texts(draft).values())
    assert not re.search(r"\bF\d\d(?:\.\d+)?\b", drafted)  # no ICD-10-CM code
    for word in ("disorder", "diagnosis:", "impression:", "meets criteria"):
        assert word not in drafted.lower()


@pytest.mark.parametrize("client_id", sorted(POSITIVE_SAFETY))
async def test_a_positive_risk_answer_comes_first_quoted_with_its_link_id_and_is_flagged(
    ehr, clinician, client_id
):
    draft = await draft_intake(clinician, client_id)

    sections = list(draft.sections.all())
    assert sections[0].key == "risk"
    first = sections[0].sentences[0]
    assert first["text"] == (
        "Positive risk item (thoughts of suicide): Have you ever had thoughts of ending your "
        f"life? — {PAST_THOUGHTS} (linkId safety-ever)."
    )
    assert first["sources"] == [{"reference": f"QuestionnaireResponse/intake-{client_id}"}]
    assert "[clinician to complete: suicide and violence risk assessment" in sections[0].ai_text
    assert "Documented denial (thoughts of suicide): Are you having thoughts" in sections[0].ai_text
    flags = [f for f in draft.risk_flags.all() if not f.negated]
    assert flags[0].quote.endswith(f"{PAST_THOUGHTS} (linkId safety-ever)")
    assert flags[0].source == {"reference": f"QuestionnaireResponse/intake-{client_id}"}
    blockers = await sync_to_async(lambda: " ".join(services.selectors.approval_blockers(draft)))()
    assert "Acknowledge the risk flag" in blockers


async def test_an_intake_that_denies_every_risk_item_raises_no_flag_of_its_own(ehr, clinician):
    draft = await draft_intake(clinician, "bh-001")

    risk = texts(draft)["risk"]
    assert risk.startswith("Documented denial (thoughts of suicide): Have you ever had thoughts")
    assert "Positive risk item" not in risk
    intake_flags = [f for f in draft.risk_flags.all() if "linkId" in f.quote]
    assert len(intake_flags) == 2 and all(f.negated for f in intake_flags)


async def test_history_is_given_as_answered_with_a_placeholder_for_what_was_not_asked(
    ehr, clinician
):
    draft = await draft_intake(clinician, "bh-001")

    history = next(s for s in draft.sections.all() if s.key == "history")
    assert history.ai_text == (
        "Psychiatric and treatment history: Symptoms began with low mood and withdrawal from "
        "friends; poor sleep and early waking followed. Psychiatric and treatment history: Yes; "
        "currently or previously taking sertraline 50 MG Oral Tablet. "
        "[clinician to complete: medical history] "
        "Substance use: Social drinking, 1-2 drinks a week; no drug use. "
        "Family and social history: Lives locally; has a supportive friend network."
    )
    cited = {s["sources"][0]["reference"] for s in history.sentences if s["sources"]}
    assert cited == {"QuestionnaireResponse/intake-bh-001"}


@pytest.mark.parametrize("consented", [False, True])
async def test_a_part2_intake_is_left_out_whole_with_or_without_chat_consent(
    ehr, clinician, consented
):
    if consented:  # Part2Consent unlocks chart Q&A, not drafts (as for progress notes)
        await sync_to_async(part2_consent_record)(actor=clinician, client_id="bh-006")

    draft = await draft_intake(clinician, "bh-006")

    held = everything(draft).lower()
    assert [word for word in PART2_WORDS if word in held] == []
    assert PRESENTING["bh-006"].lower() not in held
    sections = texts(draft)
    assert sections["risk"].startswith(
        "[clinician to complete: intake answers — the intake questionnaire of "
    )
    assert "is restricted under 42 CFR Part 2 and left out of this draft" in sections["risk"]
    assert sections["presenting"] == "[clinician to complete: presenting problem]"
    assert "[clinician to complete: substance use]" in sections["history"]
    cited = {
        s["reference"] for sec in draft.sections.all() for x in sec.sentences for s in x["sources"]
    }
    assert "QuestionnaireResponse/intake-bh-006" not in cited
    assert cited == {"Observation/obs-bh-006-phq9-01", "Observation/obs-bh-006-gad7-01"}


async def test_the_clinicians_own_notes_join_the_draft_with_their_spans(ehr, clinician):
    notes = "Client appeared tense with good eye contact. Recommend weekly CBT for panic."
    draft = await draft_intake(clinician, "bh-007", text=notes)

    sections = {s.key: s for s in draft.sections.all()}
    own = [s for s in sections["presenting"].sentences if "start" in (s["sources"] or [{}])[0]]
    assert [notes[s["sources"][0]["start"] : s["sources"][0]["end"]] for s in own] == [
        "Client appeared tense with good eye contact."
    ]
    impressions = sections["impressions"].ai_text
    assert impressions.startswith("Recommend weekly cognitive behavioral therapy (CBT) for panic.")
    assert impressions.endswith("[clinician to complete: diagnostic impression]")
    assert draft.input_text == notes


async def test_every_intake_draft_is_in_the_ai_ledger(ehr, clinician):
    draft = await draft_intake(clinician, "bh-002")

    entry = await LedgerEntry.objects.filter(kind="ai.draft", meta__draft=str(draft.id)).aget()
    assert (entry.outcome, entry.meta["engine"]) == ("ok", "grounded")


async def test_a_chart_without_an_intake_fails_with_a_clear_message(ehr, clinician, new_client):
    with pytest.raises(EngineError, match="No intake questionnaire is on this chart."):
        await draft_intake(clinician, new_client)
    assert not await Draft.objects.filter(client_id=new_client).aexists()


def test_an_intake_needs_no_text_but_keeps_the_length_limit(settings):
    template, text = services.draft_input_validate(template_key="intake", text="  ")
    assert (template.key, text) == ("intake", "")
    settings.DRAFT_INPUT_MAX_CHARS = 10
    with pytest.raises(services.DraftInputError, match="the limit is 10"):
        services.draft_input_validate(template_key="intake", text="x" * 11)
    with pytest.raises(services.DraftInputError, match="Type or paste"):
        services.draft_input_validate(template_key="soap", text="  ")
