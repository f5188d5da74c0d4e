"""Helpers of the intake tests (a module, not conftest.py, so it sits beside the other
summaries' fixtures): intake drafting as the sidebar runs it, the seed's intake
answers, and fresh clients with an intake of the test's own for EHR writes."""

from __future__ import annotations

from asgiref.sync import sync_to_async

from copilot.drafting.text import segment
from copilot.drafting.types import DraftRequest
from copilot.ehr import get_gateway
from copilot.review import generation, services
from copilot.review.models import Draft
from copilot.summaries import engine_for
from tests.conftest import care_team

INTAKE_URL = "http://example.org/fhir/Questionnaire/bh-intake"
# sandbox/seed/behavioral-health.mjs: each client's `presenting` answer and first PHQ-9 /
# GAD-7 totals (the intake's phq9-total / gad7-total; bh-006's from its Observations).
PRESENTING = {
    "bh-001": "Depressed mood, loss of interest and poor sleep for three months after a job "
    "change.",
    "bh-002": "Persistent, hard-to-control worry and tension for many years, worse since a "
    "layoff scare.",
    "bh-003": "Nightmares, flashbacks and avoidance since a serious car accident two years ago.",
    "bh-004": "Low mood, worry and tearfulness since her divorce was finalized four months ago.",
    "bh-005": "Falling grades and missed assignments; referred by his school counselor.",
    "bh-006": "Daily drinking for years with two failed attempts to stop; anxiety worsening as "
    "he cuts down.",
    "bh-007": "Worry, panic-like surges and avoidance of work presentations for three years.",
    "bh-008": "Recurrence of depression over the past two months with fatigue and withdrawal.",
}
SCORES = {
    "bh-001": ("PHQ-9 total 19 (moderately severe)", "GAD-7 total 12 (moderate)"),
    "bh-002": ("PHQ-9 total 11 (moderate)", "GAD-7 total 14 (moderate)"),
    "bh-003": ("PHQ-9 total 8 (mild)", "GAD-7 total 11 (moderate)"),
    "bh-004": ("PHQ-9 total 14 (moderate)", "GAD-7 total 13 (moderate)"),
    "bh-005": (),
    "bh-006": ("PHQ-9 total 10 (moderate)", "GAD-7 total 15 (severe)"),
    "bh-007": ("GAD-7 total 16 (severe)",),
    "bh-008": ("PHQ-9 total 10 (moderate)", "GAD-7 total 7 (mild)"),
}
# The seed's clients whose intake answers "Have you ever had thoughts of ending your
# life?" with "Yes, passive thoughts in the past, never a plan." (linkId safety-ever).
POSITIVE_SAFETY = {"bh-003", "bh-008"}
PAST_THOUGHTS = "Yes, passive thoughts in the past, never a plan."


async def draft_intake(user, client_id: str, text: str = "") -> Draft:
    """Draft an intake assessment as the sidebar's socket does (copilot.web.consumers.
    drafting.on_draft): validate, pick the engine, prepare, create, flag risks, run."""
    template, text = services.draft_input_validate(template_key="intake", text=text)
    engine = engine_for(template)
    chart = await get_gateway().chart(client_id)
    request = DraftRequest(template, text, chart, segment(text)[0], clinician="Mei Chen")
    await engine.prepare(request)
    draft = await sync_to_async(services.draft_create)(
        actor=user,
        client_id=client_id,
        template=template,
        text=text,
        kind=request.kind,
        engine=engine.info,
    )
    await generation.draft_flag_risks(draft=draft, request=request, engine=engine)

    async def ignore(event) -> None:
        return None

    await generation.draft_run(draft=draft, request=request, engine=engine, emit=ignore)
    return await Draft.objects.prefetch_related("sections", "risk_flags").aget(pk=draft.pk)


def answer(link_id: str, text: str, value: str | int | bool) -> dict:
    """One QuestionnaireResponse item with a string, integer or boolean answer."""
    kind = {bool: "valueBoolean", int: "valueInteger", str: "valueString"}[type(value)]
    return {"linkId": link_id, "text": text, "answer": [{kind: value}]}


def intake_response(client_id: str, items: list[dict], **fields) -> dict:
    """A completed intake QuestionnaireResponse for `client_id` (fields override)."""
    return {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": INTAKE_URL,
        "status": "completed",
        "subject": {"reference": f"Patient/{client_id}"},
        "authored": "2026-01-05T15:00:00Z",
        "item": items,
        **fields,
    }


FRESH_ITEMS = [
    answer("presenting-problem", "What brings you in today?", "Panic attacks on the train."),
    answer("safety-now", "Are you having thoughts of ending your life now?", "No."),
    {
        "linkId": "phq9",
        "text": "PHQ-9",
        "item": [
            answer("44260-8", "Thoughts that you would be better off dead", 1),
            answer("phq9-total", "PHQ-9 total score", 16),
        ],
    },
    answer("gad7-total", "GAD-7 total score", 12),
    answer("self-harm", "Have you ever hurt yourself on purpose?", False),
]


def fresh_intake_client(sandbox_control) -> dict:
    """A fresh Patient on Mei Chen's caseload with one intake whose PHQ-9 item 9 is 1
    (linkId 44260-8, nested in a group), so tests that write notes touch no demo chart.
    Returns {"client": id, "intake": QuestionnaireResponse id}."""
    patient = sandbox_control.create(
        {"resourceType": "Patient", "name": [{"given": ["Jordan"], "family": "Reyes"}]}
    )
    sandbox_control.create(care_team(patient["id"], "pr-chen"))
    response = sandbox_control.create(intake_response(patient["id"], FRESH_ITEMS))
    return {"client": patient["id"], "intake": response["id"]}
