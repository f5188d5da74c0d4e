"""Transcript turns as note propositions (copilot.drafting.propositions) and which of
them the salience model keeps (copilot.drafting.salience)."""

from __future__ import annotations

import re

import numpy as np
import pytest

from copilot.drafting import risk
from copilot.drafting.grounded import is_documented
from copilot.drafting.propositions import (
    Proposition,
    clinician_statement,
    fuse,
    has_person,
    next_session,
    propositions,
)
from copilot.drafting.salience import (
    ALWAYS_KEPT,
    ASSESSMENT_SPAN,
    N_FEATURES,
    SalienceModel,
    chit_chat,
    documented_in_therapy,
    get_salience,
    risk_assessment,
    sports_talk,
    topic_only,
)
from copilot.drafting.templates import get_template
from copilot.drafting.text import Segment, segment, without_frame
from copilot.drafting.vectors import DIMENSIONS, embed_sentences


def of_transcript(transcript: str) -> list[Proposition]:
    """What propositions() writes of a transcript, in order."""
    _, segments = segment(transcript)
    return propositions(segments, len(transcript))


def statement_texts(transcript: str) -> list[str]:
    return [p.text for p in of_transcript(transcript)]


def risk_texts(transcript: str) -> list[str]:
    """The risk statements propositions() writes of a transcript, in order."""
    return [p.text for p in of_transcript(transcript) if p.kind == "risk"]


@pytest.mark.parametrize(
    ("question", "answer", "statement"),
    [
        ("Do you have any seasonal allergies?", "None whatsoever.", "Denies seasonal allergies."),
        (
            "How many glasses of orange juice do you drink a day?",
            "Four to six.",
            "Reports four to six glasses of orange juice a day.",
        ),
        (
            "On a scale of 0 to 10, how ready are you to cut back?",
            "Six or seven.",
            "Rates readiness to cut back 6-7 of 10.",
        ),
        ("Any trouble sleeping?", "Not really, no.", "Denies trouble sleeping."),
        (
            "Any thoughts of hurting yourself, or feeling like you don't want to be around?",
            "Nah.",
            "Denies thoughts of hurting themselves or feeling like they don't want to be around.",
        ),
        (
            "Have you had any panic attacks since last time?",
            "Yes, two.",
            "Endorses panic attacks since last time; two.",
        ),
        ("Priya, how was your week?", "Honestly awful.", "Describes week as honestly awful."),
        ("How's your mood been?", "Pretty low.", "Describes mood as pretty low."),
        ("How long has this been going on?", "About five weeks.", "Duration: about five weeks."),
        (
            "Have you thought about a way you might end your life?",
            "No.",
            "Denies thinking about a way they might end their life.",
        ),
        (
            "Anything you've done to prepare, like giving things away?",
            "No.",
            "Denies anything they have done to prepare like giving things away.",
        ),
        # a verbless check of a dose, and a count the parser reads a verb in
        (
            "And the sertraline, still 50 milligrams in the morning?",
            "Yeah, 50.",
            "Confirms sertraline, still 50 milligrams in the morning.",
        ),
        (
            "How many panic attacks since last Tuesday?",
            "Two.",
            "Reports two panic attacks since last Tuesday.",
        ),
        ("Your mom's birthday party Saturday?", "Yeah, it was fine.", None),
        # a dose in words, confirmed by saying it back; a different figure is no yes
        (
            "And the lithium, still six hundred?",
            "Still six hundred, yeah.",
            "Confirms lithium, still six hundred.",
        ),
        (
            "And sertraline, still a hundred?",
            "A hundred, yeah.",
            "Confirms sertraline, still a hundred.",
        ),
        ("At thirty minutes?", "Thirty-five.", None),
        ("Same time, two o'clock?", "Friday at two, yeah.", None),
        ("How's your intent now, zero to ten?", "Two. Maybe two.", "Rates intent about 2 of 10."),
        (
            "On a scale of zero to ten, how strong is the intention right now to act on it?",
            "Like, a four? The kids are the thing.",
            "Rates intention to act on it 4 of 10.",
        ),
        (
            "Pain this week, zero to ten, on average?",
            "Average, a 6.",
            "Rates pain this week on average 6 of 10.",
        ),
    ],
)
def test_a_question_and_its_short_answer_make_one_statement(question, answer, statement):
    assert fuse(question, answer) == statement


@pytest.mark.parametrize(
    ("said", "written", "kind"),
    [
        (
            "For homework, I'd like you to keep a thought record.",
            "Homework: keep a thought record.",
            "plan",
        ),
        (
            "Your homework this week is to fill out the worry log every evening.",
            "Homework: fill out the worry log every evening.",
            "plan",
        ),
        ("We'll meet again in two weeks.", "Next session: in two weeks.", "plan"),
        (
            "Everyone, let's practice paced breathing together.",
            "Clinician guided paced breathing together.",
            "intervention",
        ),
        ("So let's go over your diary card.", "Reviewed client's diary card.", "intervention"),
        (
            "I'd like you to try the breathing exercise when you notice the urge.",
            "Client to try the breathing exercise when client notices the urge.",
            "plan",
        ),
    ],
)
def test_a_clinician_sentence_becomes_what_the_clinician_did_or_decided(said, written, kind):
    assert clinician_statement(said) == (written, kind)


@pytest.mark.parametrize("said", ["I'm so glad to hear that.", "I see what you mean."])
def test_a_clinician_social_remark_is_no_statement(said):
    assert clinician_statement(said) is None


SESSION = """Therapist: Hi Sam, good to see you. How was the drive?
Client: Oh, not bad, traffic was fine.
Therapist: Okay. So how have things been since last week?
Client: Um, honestly, I I've been feeling pretty down. I- I didn't get out of bed on Saturday.
Therapist: Mm-hmm.
Client: Yeah.
Therapist: Any thoughts of hurting yourself?
Client: No, nothing like that.
Therapist: Hey Dragon, start recording.
Therapist: For homework, I'd like you to schedule one pleasant activity each day.
"""


def session_propositions() -> list[Proposition]:
    return propositions(segment(SESSION)[1], len(SESSION))


def test_a_session_becomes_third_person_statements_without_its_chatter():
    found = session_propositions()
    assert [(p.kind, p.text) for p in found] == [
        ("client", "Client reports feeling pretty down."),
        ("client", "Client reports that they didn't get out of bed on Saturday."),
        ("risk", "Client denies thoughts of hurting themselves."),
        ("plan", "Homework: schedule one pleasant activity each day."),
    ]
    assert not any(has_person(p.text) for p in found)


@pytest.mark.parametrize(
    ("said", "written"),
    [
        ("I'd had like four hours' sleep.", "they had had four hours' sleep"),
        ("I'd never go back to that gym.", "would never go back"),
        ("We'd been fighting all week.", "had been fighting all week"),
        ("STOP is, stop, take a step back, observe.", "STOP is"),
        ("Fergus mentioned the gardening club meets on Wednesdays.", "that Fergus mentioned"),
        ("Saturday was bad, we had a fight.", "Saturday was bad"),
    ],
)
def test_a_client_statement_keeps_its_tense_and_acronyms(said, written):
    text = f"Therapist: What happened?\nClient: {said}\n"
    texts = [p.text for p in propositions(segment(text)[1], len(text))]
    assert any(written in t for t in texts), texts


def test_every_proposition_cites_the_turns_it_came_from():
    found = session_propositions()
    denial = next(p for p in found if p.kind == "risk")
    assert [s.text for s in denial.segments] == [
        "Any thoughts of hurting yourself?",
        "No, nothing like that.",
    ]
    for p in found:
        assert all(SESSION[s.start : s.end] == s.text for s in p.segments)


def test_a_risk_denial_keeps_its_negation():
    denial = next(p for p in session_propositions() if p.kind == "risk")
    assert {(f.kind, f.negated) for f in risk.find_in_text(denial.text)} == {("self_harm", True)}


def test_an_active_risk_statement_is_quoted_in_the_clients_words():
    text = "Therapist: What's been on your mind?\nClient: I keep thinking I want to kill myself.\n"
    (found,) = propositions(segment(text)[1], len(text))
    assert found.kind == "risk"
    assert '"I keep thinking I want to kill myself."' in found.text


def vectors_of(props: list[Proposition]) -> np.ndarray:
    return embed_sentences([without_frame(p.text) for p in props])


def test_salience_drops_greetings_and_keeps_the_clinical_report():
    props = [
        Proposition("Welcome back, everyone.", (), "clinician", "clinician", 0.0),
        Proposition(
            "Client reports that their mother died 4 months ago.", (), "client", "client", 0.3
        ),
    ]
    assert get_salience().keep(props, vectors_of(props)) == [False, True]


def test_risk_plans_and_interventions_are_kept_whatever_their_score():
    never = SalienceModel(np.zeros(DIMENSIONS + N_FEATURES), bias=-50.0, threshold=0.5)
    props = [
        Proposition(f"Statement {kind}.", (), "client", kind, 0.5)
        for kind in ("risk", "plan", "intervention", "client")
    ]
    assert never.keep(props, vectors_of(props)) == [True, True, True, False]
    assert never.keep(props, vectors_of(props), ALWAYS_KEPT | {"client"}) == [True] * 4


EXCHANGES = """Therapist: Hi Ruth. That's a beautiful scarf.
Client: Oh, thank you. It was my mother's.
Therapist: Where are the pills right now?
Client: In my nightstand.
Therapist: Has anyone been pushing or threatening during these arguments?
Client: No, never.
Partner: No, nothing like that.
Therapist: What's one thing you used to enjoy?
Client: Walking my dog. And calling my brother.
Therapist: Oh, and the front desk said your insurance card needs to be rescanned.
Client: I almost didn't.
"""


def test_replies_to_small_talk_asides_and_ellipses_are_dropped_and_fragments_joined():
    found = propositions(segment(EXCHANGES)[1], len(EXCHANGES))
    assert [(p.kind, p.text, len(p.segments)) for p in found] == [
        ("answer", "Asked where are the pills right now: in their nightstand.", 2),
        ("answer", "Client denies pushing or threatening during these arguments.", 2),
        ("answer", "Partner denies pushing or threatening during these arguments.", 2),
        ("answer", "One thing client used to enjoy: walking their dog; calling their brother.", 3),
    ]


def test_a_risk_denial_documents_the_risk_assessment_item():
    item = next(i for s in get_template("dap").sections for i in s.required if "risk" in i.item)
    assert is_documented(item, ["Client denies thoughts of hurting themselves."])
    assert not is_documented(item, ["Client reports sleeping badly."])


ECHOING = """Therapist: How long has it been since you last hurt yourself?
Client: It's been five weeks now since I last hurt myself.
Therapist: Five weeks.
Client: Yeah. And my urges went from an eight to a three with the ice.
Therapist: From an eight to a three.
Therapist: For this week, I'd like you to keep the diary card every day.
Therapist: Stay warm out there.
Therapist: I'll look.
"""


def test_the_clinicians_echoes_become_one_reflective_listening_intervention():
    found = propositions(segment(ECHOING)[1], len(ECHOING))
    texts = [p.text for p in found]
    assert "Five weeks." not in texts
    assert not any(t.startswith("From an eight") for t in texts)
    [reflecting] = [p for p in found if p.text == "Clinician used reflective listening."]
    assert reflecting.kind == "intervention"
    assert [s.text for s in reflecting.segments] == ["Five weeks.", "From an eight to a three."]


def test_an_assignment_after_a_time_phrase_is_the_plan_and_pleasantries_go():
    found = propositions(segment(ECHOING)[1], len(ECHOING))
    assert ("Client to keep the diary card every day.", "plan") in [(p.text, p.kind) for p in found]
    assert not any("warm" in p.text or "look" in p.text.lower() for p in found)


def test_in_therapy_a_therapists_remark_is_left_out_whatever_its_score():
    always = SalienceModel(np.zeros(DIMENSIONS + N_FEATURES), bias=50.0, threshold=0.5)
    said = [
        "That's a real drop.",
        "Out of sight, out of mind.",
        "Client's PHQ-9 today is 16.",
        "Starting Monday client will go for first period.",
        "Client seems tearful today.",
    ]
    props = [Proposition(text, (), "clinician", "clinician", 0.5) for text in said]
    assert always.keep(props, vectors_of(props), therapy=True) == [False, False, True, True, True]
    assert always.keep(props, vectors_of(props)) == [True] * 5  # a medical visit: findings


@pytest.mark.parametrize(
    ("question", "answer", "plan"),
    [
        (
            "Same time next Thursday, ten o'clock?",
            "Works.",
            "Next session: next Thursday, ten o'clock.",
        ),
        (
            "So, since Thursday's closed, how about Monday at one?",
            "Monday at one.",
            "Next session: Monday at one.",
        ),
        (
            "Log your SUDS. Tuesday at three-thirty next week?",
            "Yes.",
            "Next session: Tuesday at three-thirty next week.",
        ),
        ("Can you do two weeks from now?", "Sure.", "Next session: in two weeks."),
        ("Did it happen on Tuesday?", "Yes.", None),
        ("Same time next week?", "I can't, I'm away.", None),
        # the client's counter-offer is the slot written
        ("Same time next Wednesday?", "Can we do Thursday?", "Next session: Thursday."),
        ("Same time next Wednesday?", "Can we talk about my mom first?", None),
        # a date echoed, and a day that is no booking
        (
            "Next session's in two weeks, the 18th, same time?",
            "The 18th.",
            "Next session: the 18th.",
        ),
        (
            "And I'm thinking two weeks, the 3rd at 5:30?",
            "The 3rd.",
            "Next session: the 3rd at 5:30.",
        ),
        ("Did it happen on Tuesday?", "Tuesday.", None),
        # the time said back and agreed to
        ("Okay. Next week, Wednesday at five?", "Five's good.", "Next session: Wednesday at five."),
        (
            "Same time next Monday, ten o'clock?",
            "Ten o'clock works.",
            "Next session: next Monday, ten o'clock.",
        ),
        ("Did you sleep past five on Sunday?", "Five's about right.", None),
    ],
)
def test_a_time_the_clinician_offers_and_the_client_takes_is_the_next_session(
    question, answer, plan
):
    assert next_session(question, answer) == plan


@pytest.mark.parametrize(
    ("transcript", "expected"),
    [
        (  # a statement said with a rising voice is an answer, not a question
            "Therapist: Did you fill out the PHQ-9?\n"
            "Client: I did. I think it came out to fourteen?",
            "PHQ-9: client reports that they think it came out to fourteen.",
        ),
        (
            "Therapist: I have you for next Thursday at four.\nClient: Okay.",
            "Next session: next Thursday at four.",
        ),
        (
            "Therapist: And keep rating your mood before and after.\nClient: Sure.",
            "Client to keep rating client's mood before and after.",
        ),
    ],
)
def test_clinicians_and_clients_everyday_phrasings_become_note_statements(transcript, expected):
    _, segments = segment(transcript)

    assert expected in [p.text for p in propositions(segments, len(transcript))]


def test_a_question_and_a_tag_question_stay_questions():
    transcript = "Client: Is that bad? That's better, right?\nTherapist: It is."
    _, segments = segment(transcript)

    assert propositions(segments, len(transcript)) == []


def test_a_clinicians_let_us_come_back_to_it_is_not_a_plan():
    transcript = "Therapist: Let's come back to those.\nClient: Okay."
    _, segments = segment(transcript)

    assert propositions(segments, len(transcript)) == []


@pytest.mark.parametrize(
    ("text", "person"),
    [
        ("Client 52F, CBT-I session 4 of 6.", False),
        ("Client 41 year-old F, diagnosis bipolar I, session #14.", False),
        ("Bipolar disorder, and I think so.", True),
        ('Client said "I can\'t do this" twice.', False),
        ("I think so.", True),
        ("Client thanked us.", True),
    ],
)
def test_the_first_person_is_a_word_not_the_end_of_an_acronym(text, person):
    assert has_person(text) is person


@pytest.mark.parametrize(
    "transcript",
    [
        "Therapist: Any thoughts of hurting yourself this week? I check every time.\n"
        "Client: No, no, nothing like that.",
        "Therapist: Let me also ask, any thoughts of hurting yourself, anything like that?\n"
        "Client: Nah, nothing like that.",
        "Therapist: Before homework, one thing I ask each month — with the move and all, have "
        "you had any thoughts of hurting yourself, or that you'd be better off dead?\n"
        "Client: No. I get overwhelmed, sure, but no, never anything along those lines.",
    ],
)
def test_a_risk_screen_answered_no_is_a_documented_denial(transcript):
    _, segments = segment(transcript)

    found = propositions(segments, len(transcript))

    assert [p.text for p in found if p.kind == "risk"] == [
        next(p.text for p in found if p.text.startswith("Client denies thoughts of hurting"))
    ]
    assert all(f.negated for p in found for f in risk.find_in_text(p.text))


@pytest.mark.parametrize(
    ("said", "written"),
    [
        ("I check every time.", "Clinician checks every time."),
        ("You check the stove twice.", "Client checks the stove twice."),
    ],
)
def test_a_rewritten_subject_agrees_with_its_verb(said, written):
    assert clinician_statement(said)[0] == written


CSSRS_SCREEN = """\
Therapist: Have you actually had thoughts of killing yourself this month?
Client: Yes. Most nights.
Therapist: Have you thought about how you might do it?
Client: Pills. I have my mother's old prescription.
Therapist: Any sense of when?
Client: Hmm.
Therapist: Have you had any intention of acting on these thoughts?
Client: Some days, yes.
Therapist: Have you worked out any details, like a day?
Client: After my sister's wedding.
Therapist: Have you done anything to get ready?
Client: I counted them last night.
Therapist: Have you ever tried to end your life before?
Client: No, never tried.
"""


def test_the_c_ssrs_screen_is_written_item_by_item_in_the_clients_words():
    risks = risk_texts(CSSRS_SCREEN)

    assert (
        "Suicide method considered (C-SSRS item 3): \"Pills. I have my mother's old "
        'prescription."' in risks
    )
    assert 'Intent to act on suicidal thoughts (C-SSRS item 4): "Some days, yes."' in risks
    assert 'Suicide plan (C-SSRS item 5): "After my sister\'s wedding."' in risks
    assert 'Preparation for suicide (C-SSRS item 6): "I counted them last night."' in risks
    assert "Client endorses thoughts of killing themselves this month; most nights." in risks
    assert "Client denies trying to end their life before; never tried." in risks
    for text in risks[:-1]:
        assert any(not f.negated for f in risk.find_in_text(text)), text


def test_a_c_ssrs_no_is_a_denial_and_a_mixed_answer_is_quoted_not_asserted():
    transcript = (
        "Therapist: Have you had thoughts of killing yourself?\n"
        "Client: Sometimes, when it gets bad at night.\n"
        "Therapist: Have you thought about how you might do it?\n"
        "Client: No. I haven't gone there.\n"
        "Therapist: Any intention of acting on these thoughts?\n"
        "Client: I wouldn't do that to my son. No.\n"
        "Therapist: Have you worked out any details, a day or a place?\n"
        "Client: Part of me has, part of me won't let it.\n"
    )
    risks = risk_texts(transcript)

    assert "Client denies having thought of a suicide method (C-SSRS item 3)." in risks
    assert "Client denies intent to act on suicidal thoughts (C-SSRS item 4)." in risks
    assert (
        'Asked about a suicide plan (C-SSRS item 5), client answered, "Part of me has, part '
        "of me won't let it.\"" in risks
    )
    denials = [t for t in risks if t.startswith("Client denies")]
    assert all(f.negated for t in denials for f in risk.find_in_text(t))


def test_how_often_and_what_holds_client_back_are_the_c_ssrs_intensity_of_ideation():
    transcript = (
        "Client: Lately I keep thinking everyone would be better off without me.\n"
        "Therapist: How often are those thoughts coming?\n"
        "Client: Most evenings, after work.\n"
        "Therapist: What's kept you from acting on them?\n"
        "Client: My dog, honestly. And my sister.\n"
        "Therapist: How often do you get to the gym these days?\n"
    )
    risks = risk_texts(transcript)

    assert (
        'Frequency of suicidal thoughts (C-SSRS intensity: frequency): "Most evenings, after '
        'work."' in risks
    )
    assert any(t.startswith("Deterrents to acting on suicidal thoughts") for t in risks)


def test_an_unsure_c_ssrs_answer_is_quoted_not_written_as_a_denial():
    transcript = (
        "Therapist: Have you had thoughts of killing yourself?\nClient: Most days.\n"
        "Therapist: Any intention of acting on these thoughts?\n"
        "Client: I don't know. Part of me wants it all to stop.\n"
    )
    risks = risk_texts(transcript)

    assert any(t.startswith("Asked about intent to act on suicidal thoughts") for t in risks)
    assert not any(t.startswith("Client denies intent") for t in risks)


def test_how_would_you_do_it_is_no_c_ssrs_item_without_talk_of_suicide():
    transcript = (
        "Therapist: You want to ask your boss for a raise. Have you thought about how you "
        "might do it?\nClient: An email first, then a meeting.\n"
    )
    _, segments = segment(transcript)

    found = propositions(segments, len(transcript))

    assert not any("C-SSRS" in p.text for p in found)


@pytest.mark.parametrize("said", ["It was weird.", "Will do.", "I know.", "It did."])
def test_a_report_that_says_nothing_without_its_question_is_left_out(said):
    transcript = f"Therapist: You practiced the breathing at work this week?\nClient: {said}\n"
    _, segments = segment(transcript)
    props = propositions(segments, len(transcript))

    kept = get_salience().keep(props, vectors_of(props), therapy=True)

    assert not any(k for p, k in zip(props, kept, strict=True) if p.kind in {"client", "answer"})


def test_a_score_is_written_with_the_measure_named_just_before_it():
    transcript = (
        "Therapist: Last week you filled out the AUDIT questionnaire, and I said we'd go "
        "over it. Still okay?\nClient: Sure. Go ahead.\nTherapist: You scored sixteen.\n"
    )
    texts = statement_texts(transcript)

    assert any(t.startswith("AUDIT: ") and "sixteen" in t for t in texts)


def test_a_dose_given_in_answer_is_written_with_the_medication_asked_about():
    transcript = (
        "Therapist: Are you still taking the buspirone?\n"
        "Client: Yeah, fifteen milligrams twice a day.\n"
    )
    texts = statement_texts(transcript)

    assert any(t.startswith("Buspirone: ") and "fifteen" in t.lower() for t in texts), texts


@pytest.mark.parametrize(
    ("transcript", "denial"),
    [
        (
            "Therapist: When the critic gets loud, does it ever tell you that you'd be better "
            "off gone, or push you toward hurting yourself?\n"
            "Client: No. It's harsh, but it's not that kind of harsh.\n",
            "Client denies",
        ),
        (
            "Therapist: Any times you've felt low enough to think about hurting yourself?\n"
            "Client: No, no thoughts of killing myself, nothing like that.\n",
            "suicidal ideation",
        ),
    ],
)
def test_a_clear_no_to_a_risk_question_no_rule_fuses_is_a_denial(transcript, denial):
    _, segments = segment(transcript)

    (found,) = [p for p in propositions(segments, len(transcript)) if p.kind == "risk"]

    assert found.text.startswith("Client denies") and denial in found.text
    assert all(f.negated for f in risk.find_in_text(found.text))


RISK_ASSESSMENT = """\
Therapist: Have you been having thoughts of killing yourself?
Client: Yes. Most days. I've got oxycodone left from the knee surgery.
Therapist: About how many are left?
Client: Twenty-something. Sorry, that's my sister texting. She's at the mall.
Therapist: Where are they kept?
Client: Kitchen drawer.
Therapist: Could your sister hold them for a while?
Client: She'd do it. She's been asking.
Therapist: Have you written a note or given anything away?
Client: No. Nothing like that.
Therapist: How was the drive over, by the way?
Client: Fine.
Therapist: How's the knee now?
Client: Stiff in the mornings.
Therapist: And the physical therapy?
Client: Twice a week.
Therapist: How many sessions are left?
Client: Four.
"""


def test_an_answer_whose_risk_lies_in_the_question_before_it_is_written_with_it():
    # "Twenty-something." written as "Reports twenty-something." would lose what it is
    # the number of: in a risk assessment the question goes with it, named by the risk
    # so that risk.py flags it; a no is a denial; an aside ends the answer.
    risks = risk_texts(RISK_ASSESSMENT)

    assert 'About suicidal thoughts, asked "About how many are left?": "Twenty-something."' in risks
    assert 'About suicidal thoughts, asked "Where are they kept?": "Kitchen drawer."' in risks
    assert (
        'Denies, asked about suicidal thoughts, "Have you written a note or given anything '
        'away?": "No. Nothing like that."' in risks
    )
    about = [t for t in risks if t.startswith("About suicidal thoughts")]
    assert about and all(
        any(f.kind == "suicidal_ideation" and not f.negated for f in risk.find_in_text(t))
        for t in about
    )
    assert all(f.negated for f in risk.find_in_text(next(t for t in risks if "note" in t)))
    assert not any("mall" in t for t in risks)  # the aside is not part of the answer
    # a suggestion for someone else is not a question of the risk
    assert not any("sister hold them" in t for t in risks)
    # eight turns after the last endorsement the assessment is over
    assert not any("sessions are left" in t or "Four" in t for t in risks)


FAMILY_SESSION = """\
Therapist: Kai, has anything physical happened at home?
Son: She slapped me. Two weeks ago.
Therapist: Has anything like that happened before?
Son: No, never before.
Mother: Never. I saw red. I'm not proud of it.
Therapist: Kai, any thoughts of hurting yourself?
Son: Nah.
"""


def test_each_family_member_is_a_speaker_of_their_own():
    # "Son:" and "Mother:" are two people in the room: the mother's words are not the
    # son's answer, and each denial names who denies.
    _, segments = segment(FAMILY_SESSION)

    risks = [p.text for p in propositions(segments, len(FAMILY_SESSION)) if p.kind == "risk"]

    assert [s.other for s in segments if s.text.startswith("She slapped")] == ["son"]
    assert any(t.startswith("Son denies") and "saw red" not in t for t in risks)
    assert any(t.startswith("Mother denies") and "saw red" in t for t in risks)
    assert "Son denies thoughts of hurting themselves." in risks


LATER_BACK_TO_RISK = """\
Therapist: Any thoughts of killing yourself since the hospital?
Client: Some days. I've thought about the pills again.
Therapist: What's been helping?
Client: Walks with my brother.
Therapist: How's work?
Client: Busy. Quarter end.
Therapist: And sleep?
Client: Six hours or so.
Therapist: Any headaches?
Client: Not lately.
Therapist: How are the guitar lessons going?
Client: Slowly. Chords are hard.
Therapist: How's your appetite?
Client: Better than last month.
Therapist: Where are the pills now?
Client: My brother has them.
Therapist: How safe do you feel going home today?
Client: Like a seven.
Therapist: Are you still taking the vitamins?
Client: Every morning.
"""


def test_a_question_back_to_the_means_of_a_risk_is_part_of_its_assessment():
    # Thirteen turns after the endorsement, "Where are the pills now?" still asks about the
    # pills the client spoke of; a question about something else does not.
    risks = risk_texts(LATER_BACK_TO_RISK)

    assert (
        'About suicidal thoughts, asked "Where are the pills now?": "My brother has them."' in risks
    )
    assert any("How safe do you feel" in t and "seven" in t for t in risks)
    assert not any("vitamins" in t or "appetite" in t for t in risks)


@pytest.mark.parametrize(
    ("text", "chatter"),
    [
        ("Client reports that they lost to a team of retired dentists; the Molar Rollers.", True),
        ("Client reports that their cousin Dante got a pit bull puppy, Tank.", True),
        ("Partner reports that they would probably take Pretzel.", True),
        # what a note records of a named person: a precipitant, a symptom, a medication
        ("Client reports that then Dev moved out on Sunday.", False),
        (
            "Client reports that someone honked in the Kroger lot and they jumped out of their "
            "skin.",
            False,
        ),
        ("Client reports that their tummy hurts when they think about Mommy in a car.", False),
        ("Client reports that Zoloft helps with the worry.", False),
        ("Client reports that their husband has Parkinson's.", False),
        ("Client reports asking not to close on Thursdays.", False),
        ("Client reports that Maybe if they didn't have the pen in their room.", False),
    ],
)
def test_a_report_about_someone_named_that_states_nothing_clinical_is_chit_chat(text, chatter):
    # Its salience score no longer keeps it in a therapy note: a rule that keeps it for
    # what it states (a number, a symptom, a risk) still does.
    assert chit_chat(Proposition(text, (), "client", "client", 0.5)) is chatter


def test_a_score_said_alone_carries_the_measure_named_just_before_it():
    transcript = (
        "Therapist: You filled out the Edinburgh questionnaire with your OB?\n"
        "Client: Yeah. I got a nine.\n"
        "Therapist: And the GAD-7 today?\n"
        "Client: That one I scored eleven.\n"
        "Therapist: Did you get a dog?\n"
        "Client: We got a puppy last week.\n"
    )
    texts = statement_texts(transcript)

    assert any(t.startswith("Edinburgh questionnaire: ") and "nine" in t for t in texts), texts
    assert any(t.startswith("GAD-7: ") and ("eleven" in t or "11" in t) for t in texts), texts
    assert not any(t.startswith(("Edinburgh", "GAD-7")) and "puppy" in t for t in texts), texts


def test_answers_to_small_talk_questions_are_left_out_but_a_screening_answer_is_kept():
    transcript = (
        "Therapist: Sorry, is it cold in here? You're shivering.\n"
        "Client: A bit. I didn't bring a coat.\n"
        "Therapist: Did you see the match on Sunday, by the way?\n"
        "Client: Didn't watch it. Heard they lost again.\n"
        "Therapist: Do you want a tea?\n"
        "Client: Yeah. Milk, two sugars.\n"
        "Therapist: By the way, any thoughts of hurting yourself this week?\n"
        "Client: No.\n"
        "Therapist: How much coffee are you drinking?\n"
        "Client: Four cups a day.\n"
        "Therapist: How was the drive?\n"
        "Client: Fine. But I had a panic attack in the car park.\n"
    )
    texts = statement_texts(transcript)
    assert any("panic attack in the car park" in t for t in texts), texts
    assert not any(re.search(r"bit|coat|lost|watch|sugars|tea\b", t) for t in texts), texts
    assert any(t.startswith("Client denies") and "hurting themselves" in t for t in texts), texts
    assert any("four cups a day" in t.lower() or "4 cups a day" in t for t in texts), texts


def test_an_aside_after_risk_talk_is_not_a_risk_answer():
    transcript = (
        "Therapist: Any urge to cut today?\n"
        "Client: Yeah. Urge is like a four today.\n"
        "Therapist: Oh, sorry, is that a cat hair situation on your jumper?\n"
        "Client: Ugh, yes. Ash's cat. She sleeps on my clothes pile. I've given up.\n"
        "Therapist: And where are the blades now?\n"
        "Client: In the drawer.\n"
    )
    risks = risk_texts(transcript)
    assert not any("jumper" in t for t in risks), risks
    assert any("blades" in t and "drawer" in t.lower() for t in risks), risks


def test_the_risk_assessment_after_a_risk_statement_ends_when_the_session_moves_on():
    def said(text, kind="client"):
        return Proposition(text, (), "client", kind, 0.5)

    props = [
        said('Client stated, "I keep thinking they would be better off without me."', "risk"),
        said("Client reports that they have a rope in the garage."),
        said("Client reports that it is, yeah."),  # says nothing: not kept for the risk
        *[said(f"Client reports that the allotment took {n} hours.") for n in range(12)],
    ]
    assessed = risk_assessment(props)
    assert assessed[1] and not assessed[2]
    assert assessed[ASSESSMENT_SPAN] and not any(assessed[ASSESSMENT_SPAN + 1 :])


def test_no_risk_assessment_follows_a_relatives_suicide_or_the_clinicians_words():
    def said(text, kind="client", speaker="client", by_context=False):
        seg = Segment(0, len(text), text, speaker)
        return Proposition(text, (seg,), "client", kind, 0.5, by_context=by_context)

    after = [said("Client reports that Owen scored on a header.")]
    grieved = said('Client stated, "Since Danny... since he killed himself."', "risk")
    taught = said(
        "That's something a lot of people who lose someone to suicide describe.",
        "risk",
        speaker="clinician",
    )
    by_question = said(
        'About suicidal thoughts, asked "How often?": "Daily."', "risk", by_context=True
    )
    own = said('Client stated, "I keep thinking they would be better off without me."', "risk")
    for start in (grieved, taught, by_question):
        assert risk_assessment([start, *after]) == [False, False]
    assert risk_assessment([own, *after]) == [False, True]


@pytest.mark.parametrize(
    ("said", "done"),
    [
        ("I'd like to start with the GAD-7.", "Clinician started with the GAD-7."),
        (
            "Let's go back to the hotspot, the gun against the glass.",
            "Returned to the hotspot, the gun against the glass.",
        ),
        (
            "I'm going to try something called dreams within conflict.",
            "Clinician introduced dreams within conflict.",
        ),
        ("Let me write the safety plan.", "Clinician wrote the safety plan."),
    ],
)
def test_a_clinicians_move_in_the_session_is_what_was_done(said, done):
    assert clinician_statement(said) == (done, "intervention")


def test_a_clinicians_move_that_says_nothing_is_left_out_and_a_plan_stays_a_plan():
    nothing = ("Let me ask you something.", "I'll come back to that.", "Let's take a look.")
    for said in (*nothing, "I want to understand it properly.", "I'll write that down."):
        assert clinician_statement(said) is None
    # plans for after the session stay plans
    assert clinician_statement("I'll check in on your mood again next time.")[1] == "plan"
    assert clinician_statement("I want to ask your mom to come in.")[1] == "plan"
    assert clinician_statement("I'll check in with your dietitian about snacks.")[1] == "plan"


def test_a_therapists_spoken_heading_is_no_statement_of_the_note():
    def clinician(text, speaker="clinician"):
        seg = Segment(0, len(text), text, speaker)
        return Proposition(text, (seg,), "clinician", "clinician", 0.5)

    assert topic_only(clinician("Warning signs."))
    assert topic_only(clinician("The TIPP skill."))
    assert not topic_only(clinician("Twenty-nine at intake."))  # a figure
    assert not topic_only(clinician("Clinician plans to call the crisis team today."))
    assert not topic_only(clinician("No SIB.", speaker=None))  # the clinician's own note


def test_a_rating_in_the_clients_words_and_a_referral_are_documented():
    rated = Proposition(
        "Client reports that average, they would say a six.", (), "client", "client", 0.5
    )
    kept = get_salience().keep([rated], vectors_of([rated]), therapy=True)
    assert kept == [True]
    assert documented_in_therapy(
        "Clinician would like her pediatrician or the school nurse to check the deeper one."
    )
    assert documented_in_therapy("Clinician will refer client to a psychiatrist.")
    assert not documented_in_therapy("Client reports that the school nurse is new this year.")


def test_a_suds_rating_and_the_numbers_asked_after_it_are_ratings():
    transcript = (
        "Therapist: Close your eyes and start at the car park. SUDS?\n"
        "Client: Seventy.\n"
        "Therapist: Keep going. What happens next?\n"
        "Client: I drop the keys and he grabs my arm.\n"
        "Therapist: Open your eyes when you're ready. And now?\n"
        "Client: Fifty. Maybe fifty-five.\n"
        "Therapist: How many hours did you sleep?\n"
        "Client: Five.\n"
        "Therapist: Anxiety before the meal, zero to a hundred?\n"
        "Client: Sixty.\n"
    )
    texts = statement_texts(transcript)
    assert "Client rates SUDS 70 of 100." in texts, texts
    assert "Client rates SUDS about 50-55 of 100." in texts, texts
    assert "Client reports five hours." in texts, texts  # not a rating: no "number?" asked
    assert "Client rates anxiety before the meal 60 of 100." in texts, texts


def test_a_total_said_of_that_is_the_named_measures_score():
    transcript = (
        "Therapist: Can I do the questionnaire with you quickly, the PHQ-9?\n"
        "Client: Sure.\n"
        "Therapist: So that comes out at twenty-three. And the last item, you said nearly "
        "every day.\n"
    )
    assert "PHQ-9 score: twenty-three." in statement_texts(transcript)


def test_a_total_said_as_thats_after_a_measure_is_its_score_but_an_item_is_not():
    transcript = (
        "Therapist: Let's do the questionnaire. The Health Anxiety Inventory, the short one.\n"
        "Client: Okay.\n"
        "Therapist: Thanks. That's thirty-one. Four weeks ago it was thirty-eight.\n"
        "Therapist: And the PHQ-9, item three, sleep?\n"
        "Client: Nearly every day.\n"
        "Therapist: That's three.\n"
    )
    texts = statement_texts(transcript)
    assert "Health Anxiety Inventory score: thirty-one." in texts, texts
    assert any(t.startswith("Health Anxiety Inventory: ") and "thirty-eight" in t for t in texts)
    assert not any("score: three" in t for t in texts), texts


def test_a_yes_that_tidying_drops_still_answers_the_question():
    transcript = (
        "Therapist: Mm-hmm. And did you take the lorazepam for either one?\n"
        "Client: Yeah, the second one. Not the car one.\n"
        "Therapist: Urges to self-harm?\n"
        "Client: Yeah, a tiny bit Thursday.\n"
    )
    texts = statement_texts(transcript)

    assert any("lorazepam" in t and "second one" in t for t in texts)
    # the client's own "Yeah" stays in the quote of a risk answer
    assert any('"Yeah, a tiny bit Thursday."' in t for t in texts)


def test_a_question_of_what_is_done_to_the_client_asks_of_abuse():
    texts = risk_texts(
        "Therapist: And these days, has anyone at home ever gotten physical with you? "
        "Hit you, hurt you?\n"
        "Son: No. She yells, but no.\n"
        "Therapist: Any thoughts of hurting anyone else?\n"
        "Son: No.\n"
    )

    assert texts[0].startswith("Son denies abuse")
    assert texts[1] == "Son denies thoughts of hurting anyone else."


def test_a_measures_score_is_documented_and_a_just_answer_is_kept():
    assert documented_in_therapy("Client's GAD-7 was 12.")
    assert documented_in_therapy("CUDIT: client came out at 17.")
    assert not documented_in_therapy("The GAD-7 is on the clipboard.")
    transcript = (
        "Therapist: Anything you take for sleep?\n"
        "Client: Just melatonin, the 3 milligram. It doesn't really do anything, though.\n"
    )
    texts = statement_texts(transcript)
    assert any("melatonin, the 3 milligram" in t for t in texts)


def test_a_slot_offered_before_another_question_is_booked_when_the_client_repeats_it():
    transcript = (
        "Therapist: Next Thursday, 1 o'clock? And can I send Dr. Okafor a note, is that okay?\n"
        "Client: Yes, please. Thursday at 1.\n"
        "Therapist: Good. Group's still Thursday evening, and I'll see you next Monday at 2.\n"
    )
    texts = statement_texts(transcript)

    assert "Next session: Thursday at 1." in texts
    assert any("next Monday at 2" in t for t in texts)


def test_quoted_words_inside_a_quote_keep_the_quote_closed():
    texts = risk_texts(
        'Therapist: How often do the "if I didn\'t wake up" thoughts come?\n'
        "Client: A couple times a week. At night mostly.\n"
        "Client: It's like, \"it'd be fine if I didn't wake up.\" Not doing anything.\n"
    )

    assert texts and all(not has_person(t) for t in texts)
    assert any("'it'd be fine if I didn't wake up.'" in t for t in texts)


def test_a_short_follow_on_question_leaves_the_answer_to_the_risk_asked_before_it():
    texts = risk_texts(
        "Therapist: Any thoughts of hurting anyone else? Lisa, anyone?\n"
        "Client: No. No, I'm not angry at anybody like that.\n"
    )

    assert len(texts) == 1
    findings = risk.find_in_text(texts[0])
    assert [(f.kind, f.negated) for f in findings] == [("homicidal_ideation", True)]
    assert "suicid" not in texts[0]


def test_the_thing_a_what_about_question_names_stands_for_it_in_the_answer():
    texts = statement_texts(
        "Therapist: Good. What about the zolpidem?\n"
        "Client: I took it once. The 5 milligrams.\n"
        "Therapist: And how was the weekend?\n"
        "Client: I took it easy, mostly.\n"
    )

    assert any("took the zolpidem once" in t for t in texts)
    assert not any("easy" in t and "zolpidem" in t for t in texts)


def test_word_from_another_provider_lethal_means_and_a_safety_agreement_are_documented():
    assert documented_in_therapy("Clinician got a note from Dr. Lin's office.")
    assert documented_in_therapy("Last time client told clinician about the pistol.")
    assert documented_in_therapy("First, a no-violence agreement, no physical contact at all.")
    assert not documented_in_therapy("Client reports that the nerf gun broke.")
    assert not documented_in_therapy("Client reports that Dr. Lin's office has new carpet.")
    assert documented_in_therapy("Client's SCARED was 41.")


def test_a_fragment_said_again_more_fully_or_a_yeah_after_it_is_written_once():
    texts = statement_texts(
        "Therapist: How much do you believe it now?\n"
        "Client: Forty. Forty percent.\n"
        "Therapist: And how many nights did you sleep through?\n"
        "Client: Three. Yeah.\n"
        "Therapist: How many jars do you make a year?\n"
        "Client: Twenty. Twenty-five.\n"
    )

    assert any(re.search(r"\bforty percent\b", t) and "forty;" not in t for t in texts)
    assert not any(re.search(r"(?i)\byeah\b", t) for t in texts)
    assert any(re.search(r"(?i)twenty; twenty-five", t) for t in texts)


def test_a_weekday_or_month_keeps_its_capital_after_the_reporting_frame():
    texts = statement_texts(
        "Therapist: Which days did you walk?\n"
        "Client: Monday, Wednesday, and Saturday. Twenty minutes after work.\n"
        "Therapist: And the nap?\n"
        "Client: Sunday, I fell asleep on the couch.\n"
    )

    assert any("Monday, Wednesday, and Saturday" in t for t in texts), texts
    assert any("Sunday, they fell asleep" in t for t in texts), texts


def test_small_talk_or_a_named_pet_after_risk_talk_is_no_risk_answer():
    opening = "Therapist: Any thoughts of suicide this week?\nClient: Some, yeah. Passing ones.\n"
    for question, answer in [
        ("How's Biscuit doing with the new leash?", "She still pulls like a freight train."),
        ("Anything fun this weekend?", "My friend and I are going to the farmers market."),
        ("Is Maya still on the soccer team?", "Yeah, she made captain."),
    ]:
        texts = risk_texts(f"{opening}Therapist: {question}\nClient: {answer}\n")
        assert not any(question in t for t in texts), texts
    # a question of the means, naming who will hold them, still follows the risk up
    texts = risk_texts(
        "Therapist: Any thoughts of suicide this week?\n"
        "Client: Yeah. I've been saving my pills.\n"
        "Therapist: Would you be willing to give them to Ruth tonight?\n"
        "Client: Yeah. I can do that.\n"
    )
    assert any("give them to Ruth" in t for t in texts), texts


def test_how_a_game_went_is_small_talk_but_a_fight_at_it_is_not():
    def said(text):
        return Proposition(text, (), "client", "client", 0.5)

    assert sports_talk(said("Client reports the Hornets won; twelve and under."))
    assert sports_talk(said("Client reports that she pitched the last two innings."))
    assert not sports_talk(said("Client reports that they yelled at the ref in overtime."))
    assert not sports_talk(said("Client reports feeling anxious at the playoffs."))
    assert not sports_talk(said("Client reports that they went to their son's game."))
