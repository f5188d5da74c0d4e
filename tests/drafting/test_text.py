"""Segmenting the clinician's input and rewriting its sentences for a note."""

from __future__ import annotations

import pytest

from copilot.drafting.text import (
    expand_shorthand,
    is_filler,
    polish,
    segment,
    statements,
    tidy,
    to_reported_speech,
)

ACI_STYLE = """[doctor] hi , brian . how are you ?
[patient] i , i just feel out of sorts lately . i do n't sleep well .
[doctor] okay . any thoughts of hurting yourself ?
[patient] no .
[patient_guest] he has been very tired .
"""


def spans_are_exact(text: str, segments) -> bool:
    return all(text[s.start : s.end] == s.text for s in segments)


@pytest.mark.parametrize(
    "transcript",
    [
        ACI_STYLE,
        "Therapist: How was your week?\nClient: I slept badly.\nTherapist: I see.",
        "Counselor: Welcome back.\nPatient: Thanks. Work was hard.",
        "T: Let's begin.\nC: I'm nervous.\nT: That makes sense.",
        "Dr. Lee: How is your mood?\nClient: Low, mostly.",
    ],
)
def test_a_transcript_is_recognised_by_speaker_tags_at_line_starts(transcript):
    kind, segments = segment(transcript)
    assert kind == "transcript"
    assert {s.speaker for s in segments} >= {"clinician", "client"}
    assert spans_are_exact(transcript, segments)


def test_notes_with_a_single_client_field_are_still_notes():
    text = "Client: Maya T.\nReports poor sleep. Appeared tired.\nPlan to continue CBT."
    kind, segments = segment(text)
    assert kind == "notes"
    assert all(s.speaker is None for s in segments)


def test_doctor_and_patient_tags_become_clinician_and_client_and_guests_have_no_speaker():
    _, segments = segment(ACI_STYLE)
    by_text = {s.text: s.speaker for s in segments}
    assert by_text["hi , brian ."] == "clinician"
    assert by_text["i do n't sleep well ."] == "client"
    assert by_text["he has been very tired ."] is None


def test_every_segment_is_the_exact_span_of_the_original_text():
    text = "  Pt. reports low mood.\n\n- Sleep 5 hrs/night\n* Appetite fair  \nWill f/u."
    _, segments = segment(text)
    assert spans_are_exact(text, segments)
    assert [s.text for s in segments] == [
        "Pt. reports low mood.",
        "Sleep 5 hrs/night",
        "Appetite fair",
        "Will f/u.",
    ]


def test_abbreviations_decimals_and_shorthand_do_not_end_a_sentence():
    text = "Pt. saw Dr. Lee re: meds, e.g. sertraline 2.5 mg vs. 50 mg. Will f/u in 2 wks. Ok."
    _, segments = segment(text)
    assert [s.text for s in segments] == [
        "Pt. saw Dr. Lee re: meds, e.g. sertraline 2.5 mg vs. 50 mg.",
        "Will f/u in 2 wks.",
        "Ok.",
    ]


def test_a_line_that_goes_on_in_lower_case_continues_the_sentence():
    text = "Client reported waking at 3 a.m. and\nnot falling back asleep.\nMood low."
    _, segments = segment(text)
    assert [s.text for s in segments] == [
        "Client reported waking at 3 a.m. and\nnot falling back asleep.",
        "Mood low.",
    ]


def labelled(text: str) -> list[tuple[str, str | None]]:
    """Each sentence of notes with the label its heading gives it."""
    return [(s.text, s.label) for s in segment(text)[1]]


def test_a_line_marked_aside_is_left_out_and_int_labels_interventions():
    text = (
        "S: 2 lapses. Meds: naltrexone 50 mg qd, adherent exc. missed 2 doses.\n"
        "Aside: pt showed pics of new puppy. Chatted re: Hawks.\n"
        "Int: MI re: lapses; taught urge surfing.\n"
        "Misc: recommends taco place."
    )
    assert labelled(text) == [
        ("2 lapses.", "subjective"),
        ("Meds: naltrexone 50 mg qd, adherent exc. missed 2 doses.", "subjective"),
        ("MI re: lapses; taught urge surfing.", "intervention"),
    ]


def test_a_shorthand_notes_short_lower_case_lines_are_lines_of_their_own():
    text = (
        "pt c/o 3 PAs this wk (2 on bus), SUDS 8/10\n"
        "meds: sertraline 50 mg qd per PCP, no SE reported\n"
        "aside: pt's dog at groomer, running late\n"
        "interoceptive exposure in sess: spinning in chair 60s x3 (SUDS 6\u21923)\n"
        "cog restructuring re passing out\n"
        "HW: straw breathing daily\n"
        "worried about the bus and\nthe mall"
    )
    assert labelled(text) == [
        ("pt c/o 3 PAs this wk (2 on bus), SUDS 8/10", None),
        ("meds: sertraline 50 mg qd per PCP, no SE reported", None),
        ("interoceptive exposure in sess: spinning in chair 60s x3 (SUDS 6\u21923)", None),
        ("cog restructuring re passing out", None),
        ("HW: straw breathing daily", "plan"),  # "HW:" says what the line is: kept
        ("worried about the bus and\nthe mall", "plan"),
    ]


def test_headings_label_the_sentences_under_them_and_are_not_sentences():
    text = "S: Client said work is hard. Plan: f/u next wk.\nObjective\nAppeared tired."
    _, segments = segment(text)
    assert [(s.text, s.label) for s in segments] == [
        ("Client said work is hard.", "subjective"),
        ("f/u next wk.", "plan"),
        ("Appeared tired.", "objective"),
    ]
    assert spans_are_exact(text, segments)


@pytest.mark.parametrize(
    ("written", "expanded"),
    [
        ("Pt. denies SI/HI.", "Client denies suicidal or homicidal ideation."),
        ("Denies SI, endorses HI.", "Denies suicidal ideation, endorses homicidal ideation."),
        ("hi there", "hi there"),
        ("GAD-7 was 12.", "GAD-7 was 12."),
        ("Referred to PT for back pain.", "Referred to PT for back pain."),
        (
            "Pt's hx of MDD, f/u w/ PCP.",
            "Client's history of major depressive disorder (MDD), follow-up with primary care "
            "provider (PCP).",
        ),
        ("Discussed w/pt b/c of sx.", "Discussed with client because of symptoms."),
        ("Anxiety 2/2 work stress.", "Anxiety secondary to work stress."),
        ("Seen on 2/2 for intake.", "Seen on 2/2 for intake."),
        (
            "Reviewed HW and meds; next appt Tues.",
            "Reviewed homework and medications; next appointment Tues.",
        ),
    ],
)
def test_shorthand_is_written_out_in_whole_words_and_exact_case(written, expanded):
    assert expand_shorthand(written) == expanded


def test_an_acronym_is_written_out_once_per_note_with_the_acronym_kept():
    seen: set[str] = set()
    first = expand_shorthand("Used CBT and MI.", seen)
    second = expand_shorthand("Continue CBT.", seen)
    assert first == "Used cognitive behavioral therapy (CBT) and motivational interviewing (MI)."
    assert second == "Continue CBT."


def test_an_expansion_at_the_start_of_a_sentence_is_capitalised():
    assert expand_shorthand("CBT helped.") == "Cognitive behavioral therapy (CBT) helped."
    assert expand_shorthand("Spoke w/ pt.") == "Spoke with client."


@pytest.mark.parametrize(
    ("said", "reported"),
    [
        ("I've been sleeping badly.", "Client reported sleeping badly."),
        ("I feel anxious at work.", "Client reported feeling anxious at work."),
        ("My sister called me.", "Client reported that their sister called them."),
        ("I'm exhausted.", "Client reported being exhausted."),
        ("I have a headache most days.", "Client reported having a headache most days."),
        ("I'm not sure it helps.", "Client reported that they are not sure it helps."),
        ("It's been a struggle.", "Client reported that it's been a struggle."),
        ("I was afraid to drive.", "Client reported that they were afraid to drive."),
    ],
)
def test_a_clients_first_person_sentence_becomes_third_person_reported_speech(said, reported):
    assert to_reported_speech(said, "client") == reported


def test_a_client_sentence_about_we_or_you_is_quoted_rather_than_rewritten():
    assert to_reported_speech("We argued all weekend.", "client") == (
        'Client stated, "We argued all weekend."'
    )


@pytest.mark.parametrize(
    ("said", "written"),
    [
        ("Let's practice a breathing exercise.", "Clinician guided a breathing exercise."),
        ("I want you to keep a sleep diary.", "Clinician asked the client to keep a sleep diary."),
        ("Let's review your thought record.", "Clinician reviewed the client's thought record."),
        ("I encourage you to rest.", "Clinician encouraged the client to rest."),
        ("Your scores are lower.", "The client's scores are lower."),
        ("I'll see you next week.", "I'll see the client next week."),
        (
            "When you sleep less, you worry more.",
            "When the client sleeps less, the client worries more.",
        ),
    ],
)
def test_a_clinicians_sentence_is_kept_with_you_turned_into_the_client(said, written):
    assert to_reported_speech(said, "clinician") == written


def test_notes_are_left_as_the_clinician_wrote_them():
    assert to_reported_speech("I think she is improving.", None) == "I think she is improving."


def test_tidy_joins_transcription_spacing_and_drops_stutters_and_uh():
    assert tidy("i , i just feel , uh , out of it . i do n't know") == (
        "I just feel, out of it. I don't know."
    )


@pytest.mark.parametrize(
    ("said", "written"),
    [
        ("(laughs) That sounds like a spa.", "That sounds like a spa."),
        ("[laughs a little] Third time was a 3.", "Third time was a 3."),
        ("It's boring [sighs] almost.", "It's boring almost."),
        ("I thought I was going crazy (crying, long pause).", "I thought I was going crazy."),
        ("My SUDS were at (SUDS 40) forty.", "My SUDS were at (SUDS 40) forty."),
    ],
)
def test_tidy_drops_a_transcribers_stage_directions(said, written):
    assert tidy(said) == written


@pytest.mark.parametrize(
    "said",
    [
        "okay .",
        "mm-hmm .",
        "yeah , yeah .",
        "Thank you.",
        "All right.",
        "no problem bye .",
        "Take care.",
    ],
)
def test_filler_is_recognised(said):
    assert is_filler(said)


def test_filler_and_questions_are_dropped_but_a_short_answer_keeps_its_question():
    text = ACI_STYLE
    kind, found = statements(text)
    texts = [s.text for s in found]
    assert kind == "transcript"
    assert "Client reported just feeling out of sorts lately." in texts
    assert "Client reported that they don't sleep well." in texts
    answer = next(s for s in found if s.text.startswith("When asked"))
    assert answer.text == 'When asked, "Any thoughts of hurting yourself?", client answered, "No."'
    assert [seg.text for seg in answer.segments] == ["any thoughts of hurting yourself ?", "no ."]
    assert 'Another participant stated, "He has been very tired."' in texts
    assert not any("how are you" in t.lower() or t.lower().startswith("okay") for t in texts)


def test_note_statements_expand_shorthand_and_end_in_a_period():
    _, found = statements("Pt. c/o poor sleep\nCBT for insomnia")
    assert [s.text for s in found] == [
        "Client complains of poor sleep.",
        "Cognitive behavioral therapy (CBT) for insomnia.",
    ]


def test_the_numeral_i_of_a_diagnosis_is_not_turned_into_they():
    assert to_reported_speech("I have bipolar I disorder.", "client") == (
        "Client reported having bipolar I disorder."
    )


def test_thanks_for_sharing_is_filler_but_thanks_with_content_is_not():
    assert is_filler("Thank you for sharing that.")
    assert not is_filler("Thank you, I will take my meds.")


def test_lines_before_the_first_speaker_tag_are_kept_without_a_speaker():
    text = "Session 4, telehealth.\nTherapist: How was the week?\nClient: Hard."
    kind, segments = segment(text)
    assert kind == "transcript"
    assert (segments[0].text, segments[0].speaker) == ("Session 4, telehealth.", None)


def test_curly_apostrophes_are_read_like_straight_ones():
    assert (
        to_reported_speech(tidy("I\u2019m exhausted."), "client")
        == "Client reported being exhausted."
    )


def test_a_header_before_the_transcript_is_kept_as_written():
    _, found = statements("Session 4, telehealth.\nTherapist: How was the week?\nClient: Hard.")
    assert found[0].text == "Session 4, telehealth."


def test_a_short_reply_to_a_request_is_the_clients_response_citing_the_request():
    text = "Therapist: I'd like you to write down your nightmares.\nClient: I can do that."
    _, found = statements(text)
    reply = found[-1]
    assert reply.text == 'Client responded, "I can do that."'
    assert [s.text for s in reply.segments] == [
        "I'd like you to write down your nightmares.",
        "I can do that.",
    ]


def test_a_clinicians_validation_is_filler():
    _, found = statements("Therapist: That sounds exhausting.\nClient: It was.")
    assert [s.text for s in found] == ["Client reported that it was."]


@pytest.mark.parametrize(
    ("written", "polished"),
    [
        (
            "Patient reports being tired, and they feel kinda... they feel lightheaded at times.",
            "Patient reports being tired, and they feel lightheaded at times.",
        ),
        (
            "Patient reports that ... it's tough to sleep at night.",
            "Patient reports that it's tough to sleep at night.",
        ),
        (
            "There is some jugular venous distention to-.",
            "There is some jugular venous distention.",
        ),
        ("Patient is doing well-.", "Patient is doing well."),
        ("Will call if it gets worse or...", "Will call if it gets worse."),
        (
            "Patient reports that yeah... they-they love peanut butter cups.",
            "Patient reports that they love peanut butter cups.",
        ),
        (
            'Client reports that they want to sort it out; tomorrow after work.".',
            "Client reports that they want to sort it out; tomorrow after work.",
        ),
        (
            'Client reports that "I hear you are annoyed.',
            "Client reports that I hear you are annoyed.",
        ),
        (
            "Client reports that ...She's coming at half two.",
            "Client reports that she's coming at half two.",
        ),
        (
            "Patient denies waking up with it; it it comes randomly.",
            "Patient denies waking up with it; it comes randomly.",
        ),
    ],
)
def test_polish_removes_what_speech_leaves_in_a_written_statement(written, polished):
    assert polish(written) == polished


@pytest.mark.parametrize(
    "kept",
    [
        "Client reports it is what it is.",
        "Client reports that no, it does not hurt.",
        "Client reports thirty, thirty-five minutes of walking.",
        "Client reports that that is fine.",
        "Client reports a follow-up with the psychiatrist.",
        "Clinician named the crisis line, nine-eight-eight.",
        "Clinician named the crisis line, nine eight eight.",
        "Client reports moving in twenty twenty.",
    ],
)
def test_polish_keeps_meaning_negation_and_numbers(kept):
    assert polish(kept) == kept


@pytest.mark.parametrize(
    "said", ["Call nine-eight-eight.", "Call nine eight eight.", "Since twenty twenty."]
)
def test_tidy_keeps_a_number_said_twice(said):
    assert tidy(said) == said


@pytest.mark.parametrize(
    ("said", "written"),
    [
        ("She'd- she'd be messed up by it.", "She'd be messed up by it."),
        ("I can't- I can't get the seatbelt off.", "I can't get the seatbelt off."),
        ("It'- it's her money too.", "It's her money too."),
        ("We're- we're fine.", "We're fine."),
        ("It was l- like awful.", "It was like awful."),
    ],
)
def test_a_word_cut_off_and_said_again_is_written_once_with_its_apostrophe(said, written):
    assert tidy(said) == written
