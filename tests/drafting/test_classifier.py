"""Sorting sentences into note sections: the trained model and the therapy rules."""

from __future__ import annotations

import numpy as np
import pytest

from copilot.drafting.classifier import (
    ACI_LABELS,
    MODEL_FILE,
    aci_sentences,
    get_classifier,
    goal_mentions,
    split_assessment_and_plan,
)
from copilot.drafting.vectors import DIMENSIONS
from copilot.drafting.vectors import embed_sentences as embed
from tests.conftest import SHARED_DATA

ACI = SHARED_DATA / "aci-bench"
needs_aci = pytest.mark.skipif(not ACI.is_dir(), reason="ACI-Bench is not in ../shared/data")
MAYA_GOALS = [
    "Reduce PHQ-9 total below 10 within 12 weeks",
    "Schedule and complete at least 3 pleasant activities per week",
    "Sleep at least 6 hours on 5 of 7 nights",
]


def roles(sentences, speakers=None, **options) -> list[str]:
    return [c.role for c in get_classifier().classify(sentences, speakers, **options)]


def test_the_trained_weights_ship_as_a_small_fixture_with_their_scores():
    assert MODEL_FILE.stat().st_size < 100_000
    with np.load(MODEL_FILE) as data:
        assert data["weights"].shape == (3, DIMENSIONS)
        assert tuple(str(x) for x in data["labels"]) == ACI_LABELS
        assert float(data["valid_accuracy"]) > 0.75


def test_the_classifier_is_loaded_once_per_process():
    assert get_classifier() is get_classifier()


def test_plain_note_sentences_go_to_their_soap_sections():
    assert roles(
        [
            "Client reported poor appetite and low energy this week.",
            "Exam shows tenderness over the lumbar spine.",
            "Symptoms are consistent with major depressive disorder.",
            "Will follow up in two weeks.",
        ]
    ) == ["subjective", "objective", "assessment", "plan"]


def test_a_clinician_using_a_technique_is_an_intervention():
    assert (
        roles(
            [
                "Practiced a grounding exercise with the client.",
                "Clinician guided a breathing exercise.",
                "Used cognitive behavioral therapy (CBT) to challenge catastrophic thoughts.",
            ],
            ["clinician", "clinician", None],
        )
        == ["intervention"] * 3
    )


def test_the_clients_reaction_to_an_intervention_is_a_response():
    assert roles(["Client found the exercise helpful.", "Client agreed to try it daily."]) == [
        "response",
        "response",
    ]


def test_risk_statements_go_to_the_assessment_whoever_said_them():
    assert roles(
        ["Client denies suicidal ideation.", "Client reported no thoughts of hurting themselves."],
        [None, "client"],
    ) == ["assessment", "assessment"]


def test_mental_status_observations_are_objective_unless_the_client_said_them():
    assert roles(
        [
            "Client appeared tired, mood flat, affect congruent.",
            "Client reported that my mood is low.",
        ],
        [None, "client"],
    ) == ["objective", "subjective"]


def test_homework_and_referrals_are_plan():
    assert roles(["Homework: keep a sleep diary.", "Referred to a psychiatrist."]) == [
        "plan",
        "plan",
    ]


def test_a_heading_the_clinician_wrote_decides_the_role():
    found = get_classifier().classify(["Sleep was poor."], labels=["assessment"])[0]
    assert (found.role, found.rule) == ("assessment", "heading")


def test_a_client_utterance_leans_subjective():
    classifier = get_classifier()
    vectors = embed(["The pain gets worse when walking."])
    plain = classifier.logits(vectors)[0]
    client = classifier.logits(vectors, ["client"])[0]
    subjective = ACI_LABELS.index("subjective")
    assert client[subjective] - plain[subjective] == pytest.approx(1.5)
    assert (client - plain)[[i for i in range(3) if i != subjective]].tolist() == [0, 0]


def test_a_sentence_about_a_treatment_goal_is_a_goals_sentence_naming_the_goal():
    found = get_classifier().classify(
        ["Client reported sleeping about five hours most nights."], ["client"], goals=MAYA_GOALS
    )[0]
    assert found.role == "goals"
    assert found.goals == (2,)
    assert found.model_role == "subjective"  # the fallback where a template has no goals


def test_unrelated_sentences_mention_no_goal():
    texts = [
        "Will schedule next session.",
        "Their sister called them.",
        "Feeling anxious at work.",
        "Went to a concert with friends.",
    ]
    assert not goal_mentions(texts, embed(texts), MAYA_GOALS).any()


def test_related_sentences_mention_their_goal():
    texts = [
        "Sleeping badly.",
        "Reviewed the PHQ-9 with the client.",
        "Planned 3 pleasant activities.",
    ]
    mentions = goal_mentions(texts, embed(texts), MAYA_GOALS)
    assert [np.flatnonzero(row).tolist() for row in mentions] == [[2], [0], [1]]


@pytest.mark.parametrize(
    ("sentence", "part"),
    [
        ("We will order a repeat echocardiogram.", "plan"),
        ("Continue lisinopril 20 mg daily.", "plan"),
        ("Return in 4 weeks.", "plan"),
        ("Her hypertension is well controlled.", "assessment"),
    ],
)
def test_assessment_and_plan_are_told_apart_by_plan_cues(sentence, part):
    assert split_assessment_and_plan(sentence) == part


@needs_aci
def test_aci_bench_notes_become_labeled_sentences_without_headings_or_field_names():
    rows = aci_sentences(ACI, "valid")
    texts = [text for text, _, _ in rows]
    assert {label for _, label, _ in rows} == set(ACI_LABELS)
    assert len({encounter for _, _, encounter in rows}) == 20
    assert "PHYSICAL EXAMINATION" not in texts and "RESULTS" not in texts
    assert "JVD 8 cm." in texts  # was "• Neck: JVD 8 cm."


def test_what_the_client_did_with_a_skill_is_a_response_not_an_intervention():
    assert roles(["Client used coping skills between sessions."]) == ["response"]


def test_affect_the_verb_is_no_mental_status_finding():
    found = get_classifier().classify(["Stress can affect sleep."])[0]
    assert found.rule != "objective"


def test_passive_suicidal_ideation_found_by_the_risk_rules_goes_to_the_assessment():
    sentence = (
        "Client reported that sometimes they think everyone would be better off without them."
    )
    assert roles([sentence], ["client"]) == ["assessment"]
