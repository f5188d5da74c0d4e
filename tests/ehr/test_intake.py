"""Reading an intake: the latest completed intake QuestionnaireResponse of the client,
parsed into answers with their linkIds and topics."""

from __future__ import annotations

import pytest

from copilot.ehr.intake import build_intake, topic_of
from tests.summaries.intake_support import FRESH_ITEMS, INTAKE_URL, answer, intake_response


def test_answers_keep_link_id_question_value_and_topic_nested_items_included():
    intake = build_intake({**intake_response("p1", FRESH_ITEMS), "id": "qr1"})

    assert intake.source == "QuestionnaireResponse/qr1"
    assert [(a.link_id, a.topic, a.text, a.number, a.boolean) for a in intake.answers] == [
        ("presenting-problem", "presenting", "Panic attacks on the train.", None, None),
        ("safety-now", "risk", "No.", None, None),
        ("44260-8", "phq9_item9", "1", 1, None),
        ("phq9-total", "phq9_total", "16", 16, None),
        ("gad7-total", "gad7_total", "12", 12, None),
        ("self-harm", "risk", "No", None, False),
    ]
    assert not intake.restricted


@pytest.mark.parametrize(
    ("link_id", "question", "topic"),
    [
        ("q1", "Have you had thoughts of hurting someone else?", "risk"),
        ("q2", "Chief complaint", "presenting"),
        ("q3", "How much alcohol do you drink in a week?", "history_substance"),
        ("q4", "Any medical conditions or allergies?", "history_medical"),
        ("q5", "Who lives with you at home?", "history_family_social"),
        ("q6", "Have you been hospitalized for psychiatric reasons?", "history_psychiatric"),
        ("44261-6", "Total", "phq9_total"),
        ("70274-6", "Total", "gad7_total"),
        ("q7", "Favourite colour", "other"),
    ],
)
def test_topics_come_from_the_link_id_or_the_question(link_id, question, topic):
    assert topic_of(link_id, question) == topic


def test_an_unfinished_response_is_no_intake_and_a_part2_label_is_kept():
    assert build_intake(intake_response("p1", [], status="in-progress")) is None
    labeled = intake_response(
        "p1",
        [answer("substance-use", "Alcohol use", "Daily.")],
        meta={
            "security": [
                {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "42CFRPart2"}
            ]
        },
    )
    assert build_intake(labeled).restricted


async def test_the_gateway_returns_the_latest_completed_intake_only(
    gateway, sandbox_control, new_client
):
    from copilot.ehr.fhir_r4 import FhirR4Gateway

    def create(authored: str, **fields) -> str:
        items = [answer("presenting-problem", "What brings you in?", authored)]
        resource = intake_response(new_client, items, authored=authored, **fields)
        return sandbox_control.create(resource)["id"]

    create("2025-01-01T10:00:00Z")
    latest = create("2025-06-01T10:00:00Z")
    create("2025-07-01T10:00:00Z", status="in-progress")
    create("2025-08-01T10:00:00Z", questionnaire="http://example.org/Questionnaire/phq9")
    reader = FhirR4Gateway(gateway.base_url, intake_questionnaires=(INTAKE_URL,))

    found = await reader.intake(new_client)

    assert found.id == latest
    assert found.answers[0].text == "2025-06-01T10:00:00Z"
    assert await reader.intake("no-such-client") is None
