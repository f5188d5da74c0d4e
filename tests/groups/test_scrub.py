"""One member's view of a group session: shared content kept, other members removed."""

from __future__ import annotations

import re

import pytest

from copilot.ehr.groups import GroupMember
from copilot.groups.scrub import ANOTHER, member_view

from .conftest import FORMS, OWN, SHARED, TRANSCRIPT, foreign_forms

ROSTER = [
    GroupMember("bh-001", "Maya Thompson", ("Maya Thompson",), ("BH100237",)),
    GroupMember("bh-004", "Priya Nair", ("Priya Nair", "Priya Menon"), ("BH100348",)),
    GroupMember("bh-007", "Sofia Alvarez", ("Sofia Alvarez",), ("BH100459",)),
]


def view(text: str, client_id: str):
    member = next(m for m in ROSTER if m.client_id == client_id)
    return member_view(text, member, ROSTER, facilitator="Mei Chen")


def named(form: str, text: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(form)}(?![\w-])", text, re.IGNORECASE) is not None


@pytest.mark.parametrize("client_id", sorted(FORMS))
def test_each_view_keeps_the_shared_content_and_only_its_members_participation(client_id):
    text = view(TRANSCRIPT, client_id).text
    assert all(sentence in text for sentence in SHARED)
    assert OWN[client_id] in text
    assert [o for member, o in OWN.items() if member != client_id and o in text] == []
    assert [f for f in foreign_forms(client_id) if named(f, text)] == []


def test_the_members_turns_become_client_turns_and_the_facilitators_therapist_turns():
    lines = view(TRANSCRIPT, "bh-001").text.splitlines()
    assert lines[2].startswith("Client: I tried cold water")
    assert all(line.startswith(("Therapist: ", "Client: ")) for line in lines)


def test_in_a_members_own_turn_another_member_is_replaced_not_dropped():
    text = view(TRANSCRIPT, "bh-001").text
    assert f"Client: {ANOTHER} is right, the breathing was hard at first." in text
    assert f"I agree with {ANOTHER}" in view(TRANSCRIPT, "bh-007").text


def test_what_the_facilitator_says_to_another_member_goes_with_them():
    text = view(TRANSCRIPT, "bh-001").text
    assert "how was your week" not in text
    assert "That sounds really hard for you." not in text  # said to Priya after her turn
    assert "Everyone, let's practice paced breathing together." in text
    assert "That sounds really hard for you." in view(TRANSCRIPT, "bh-004").text


def test_notes_drop_sentences_about_others_and_what_goes_on_about_them():
    notes = (
        "Group topic: the TIPP skill. Maya Thompson reported using cold water at work. "
        "Priya was tearful about her divorce. She left early. "
        "Sofia (BH100459) practiced paced breathing with Maya. "
        "Homework for everyone: log one TIPP practice a day."
    )
    text = view(notes, "bh-001").text
    assert text == (
        "Group topic: the TIPP skill. Maya Thompson reported using cold water at work. "
        f"{ANOTHER} ({ANOTHER}) practiced paced breathing with Maya. "
        "Homework for everyone: log one TIPP practice a day."
    )
    priya = view(notes, "bh-004")
    assert "She left early." in priya.text and "Maya" not in priya.text
    assert priya.dropped == 2 and priya.replaced == 0


def test_every_recorded_name_and_a_title_count_as_the_member():
    text = view(
        "Ms. Menon shared a poem. Mrs. priya nair cried. The group ended on time.", "bh-001"
    )
    assert text.text == "The group ended on time."


def test_a_speaker_not_on_the_roster_is_left_out():
    transcript = (
        "Therapist: We practiced breathing.\nJordan: My brother is in prison.\nMaya: I liked it."
    )
    text = view(transcript, "bh-001").text
    assert "prison" not in text
    assert text == "Therapist: We practiced breathing.\nClient: I liked it."


def test_a_name_two_members_share_is_always_replaced():
    roster = [*ROSTER, GroupMember("bh-009", "Maya Lopez", ("Maya Lopez",), ())]
    member = ROSTER[0]
    text = member_view("Maya Thompson practiced TIPP.", member, roster).text
    assert "Maya" not in text and "Thompson practiced TIPP." in text
