"""Named interventions read from what the clinician says, and the opening and closing
small talk of a therapy session left out of its note."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from copilot.chart import ChartContext, Client
from copilot.drafting.grounded import compose
from copilot.drafting.interventions import catalogue, named_interventions, statement
from copilot.drafting.salience import asides, opening_end
from copilot.drafting.templates import get_template
from copilot.drafting.text import segment
from copilot.drafting.types import DraftRequest

DBT_SESSION = """Therapist: Hi Sam. Did you see the snow?
Client: I did. My dog Biscuit loved it, he ran around the yard for an hour.
Therapist: Ha. Okay, let's check in. How was the week?
Client: I had urges to cut on Saturday, like a seven out of ten. I didn't act on them.
Therapist: Let's do a chain analysis of Saturday, link by link. What was the prompting event?
Client: My roommate yelled at me about the dishes.
Therapist: And what did you do with the urge?
Client: I used the TIPP skills, cold water on my face, and it came down to a three.
Therapist: That's great. Keep practicing the TIPP skills this week, and fill in the diary card.
Client: I read that DEAR MAN could help with my roommate too.
Therapist: See you next Tuesday at four."""


def draft(text: str, template: str = "birp") -> dict:
    chart = ChartContext(
        client=Client("t", "Example client", None, None, None, None, None),
        read_at=datetime.now(tz=UTC),
    )
    return {s.key: s for s in compose(DraftRequest(get_template(template), text, chart))}


def test_every_intervention_has_a_name_a_source_and_a_pattern():
    entries = catalogue()

    assert len(entries) >= 20
    assert all(e.name and e.source and e.terms.pattern for e in entries)
    assert len({e.name for e in entries}) == len(entries)


def test_the_clinicians_words_name_the_intervention_and_are_cited():
    _, segments = segment(DBT_SESSION)

    named = {n.name: n for n in named_interventions(segments)}

    assert set(named) == {"DBT chain analysis", "DBT distress tolerance skills"}
    chain = named["DBT chain analysis"]
    assert chain.terms == ("chain analysis", "link by link", "prompting event")
    assert all(s.speaker == "clinician" for s in chain.segments)
    assert [s.text for s in chain.segments] == [
        "Let's do a chain analysis of Saturday, link by link.",
        "What was the prompting event?",
    ]


def test_what_the_client_read_about_is_not_an_intervention_they_received():
    _, segments = segment(DBT_SESSION)

    assert "DBT interpersonal effectiveness" not in {n.name for n in named_interventions(segments)}


@pytest.mark.parametrize(
    ("said", "names"),
    [
        (
            "Therapist: We'll keep working on ERP.\nClient: Okay.",
            {"exposure and response prevention"},
        ),
        ("Therapist: Any tips for erp season?\nClient: No.", set()),
        ("Therapist: Here's a tip for the drive.\nClient: Thanks.", set()),
        (
            "Therapist: Rate your SUDS, and then we do ERP.\nClient: Forty.",
            {"exposure and response prevention"},  # exposure folds into ERP
        ),
    ],
)
def test_acronyms_match_only_as_written(said, names):
    _, segments = segment(said)

    assert {n.name for n in named_interventions(segments)} == names


def test_the_statement_names_each_intervention_with_the_terms_that_showed_it():
    _, segments = segment(DBT_SESSION)

    assert statement(named_interventions(segments)) == (
        "Interventions: DBT chain analysis (link by link, prompting event); "
        "DBT distress tolerance skills (TIPP skills)."
    )
    assert statement([]) == ""


def test_a_birp_draft_documents_the_interventions_in_its_intervention_section():
    sections = draft(DBT_SESSION)

    line = next(
        s for s in sections["intervention"].sentences if s.text.startswith("Interventions:")
    )
    assert "DBT chain analysis" in line.text
    assert all(DBT_SESSION[s.start : s.end] in DBT_SESSION for s in line.sources)
    assert {DBT_SESSION[s.start : s.end] for s in line.sources} >= {
        "Let's do a chain analysis of Saturday, link by link."
    }


def test_the_opening_small_talk_ends_where_the_clinician_turns_to_the_session():
    _, segments = segment(DBT_SESSION)

    opening = opening_end(segments, len(DBT_SESSION))

    assert DBT_SESSION[int(opening * len(DBT_SESSION)) :].startswith("Okay, let's check in.")


def test_opening_small_talk_stays_out_of_the_note_and_the_session_stays_in():
    note = " ".join(s.text for section in draft(DBT_SESSION).values() for s in section.sentences)

    assert "Biscuit" not in note and "snow" not in note
    assert "seven" in note or "7" in note
    assert "cut" in note


def test_a_transcript_that_never_turns_to_business_has_no_opening():
    text = "Therapist: Nice weather.\nClient: It is.\n" * 3 + "Therapist: Homework?\nClient: Done."

    assert opening_end(segment(text)[1], len(text)) == 0.0


CLOSING = """Therapist: Okay, let's check in. How were the exposures?
Client: I touched the door handle five of seven days and my SUDS went from sixty to thirty.
Therapist: What did you notice about the urge to wash afterwards?
Client: It peaked at the start and faded after about twenty minutes every time.
Therapist: That's habituation. Did the showers stay at ten minutes?
Client: Mostly, except Sunday when I went to fifteen minutes after the gym.
Therapist: Good. This week, add the bus pole once a day.
Client: Okay, I can do that.
Therapist: So Thursday at four still works?
Client: Thursday at four, yes. Oh, my cousin Ottoline is visiting from Lyon that week.
Therapist: How fun. And how's your cat Waffles?
Client: Waffles knocked my plant off the shelf again. I'll bring pictures.
Therapist: Please do. Stay warm out there."""


def test_closing_small_talk_after_the_next_session_is_booked_stays_out_of_the_note():
    note = " ".join(s.text for section in draft(CLOSING).values() for s in section.sentences)

    assert "Next session: Thursday at four." in note
    assert "Ottoline" not in note and "Lyon" not in note and "Waffles" not in note
    assert "sixty" in note and "bus pole" in note


ASIDE = """Therapist: Okay, let's check in. How many panic attacks this week?
Client: Three, all on the train, each about ten minutes.
Therapist: And what did you do when one started?
Client: I did the paced breathing and stayed on until my stop.
Client: Sorry, that's my phone. Our neighbour Bartholomew is feeding Kiwi, our parrot.
Client: We are away next week.
Therapist: No problem. Is Kiwi a talker?
Client: He whistles the theme from a cooking show, all day long.
Therapist: Ha. Okay, back to the train. What did you notice about the panic when you stayed on?
Client: It peaked and then came down on its own after a few minutes.
Therapist: That's what we hoped. This week, ride two stops further each day."""


def test_a_clients_aside_mid_session_stays_out_of_the_note():
    _, segments = segment(ASIDE)
    (start, end), *_ = asides(segments, len(ASIDE))
    note = " ".join(s.text for section in draft(ASIDE).values() for s in section.sentences)

    assert ASIDE[int(start * len(ASIDE)) :].startswith("Sorry, that's my phone.")
    assert ASIDE[int(end * len(ASIDE)) :].startswith("Okay, back to the train.")
    assert "Bartholomew" not in note and "Kiwi" not in note and "cooking" not in note
    assert "paced breathing" in note and "came down on its own" in note


def test_a_sorry_the_clinician_does_not_close_is_no_aside():
    text = (
        "Therapist: How was the week?\nClient: Sorry, I'm late. The week was rough, I "
        "skipped two classes.\nTherapist: Which classes?\nClient: Chemistry both times.\n"
    )

    assert asides(segment(text)[1], len(text)) == []


def test_a_medical_visit_is_not_read_for_psychotherapy_interventions():
    visit = DBT_SESSION.replace("Therapist:", "Doctor:").replace("Client:", "Patient:")

    note = " ".join(s.text for section in draft(visit, "soap").values() for s in section.sentences)

    assert "Interventions:" not in note


CLIENT_CLOSED_ASIDE = """Therapist: Okay, let's check in. How was the exposure practice?
Client: I did the elevator four times, anxiety about a five at the peak.
Therapist: Good. Sorry, is that your phone?
Client: Oh, it's my cousin Ottavio. He's selling his kayak again.
Therapist: Oh yeah?
Client: Third time this year. Nobody wants a purple kayak.
Therapist: Fair.
Client: So, um, what were we doing? The elevator. It came down faster each time.
Therapist: That's habituation. This week, add the stairwell."""


def test_an_aside_the_client_closes_or_the_clinician_opens_stays_out_of_the_note():
    _, segments = segment(CLIENT_CLOSED_ASIDE)
    (start, end), *_ = asides(segments, len(CLIENT_CLOSED_ASIDE))
    note = " ".join(
        s.text for section in draft(CLIENT_CLOSED_ASIDE).values() for s in section.sentences
    )

    assert CLIENT_CLOSED_ASIDE[int(start * len(CLIENT_CLOSED_ASIDE)) :].startswith("Sorry, is")
    assert CLIENT_CLOSED_ASIDE[int(end * len(CLIENT_CLOSED_ASIDE)) :].startswith("So, um, what")
    assert "Ottavio" not in note and "kayak" not in note
    assert "elevator" in note and "faster each time" in note


COUPLE = """Therapist: Okay, let's check in. How did the break signal go this week?
Wife: We used it twice. He came back after twenty minutes both times.
Therapist: Great. Oh, is that your phone or mine?
Wife: Mine, sorry. It's the dog walker. Waffles got out of the yard again.
Therapist: Oh no! Is he okay?
Husband: He's a beagle. He's a stomach with legs.
Therapist: Okay. So let's try a soft startup about the December visit.
Wife: I feel hurt about the visit getting decided without me, and I need us to decide together.
Therapist: That's it. This week, the stress-reducing conversation every day after dinner.
Therapist: Next session in two weeks, the 18th?
Husband: Works. Oh, hey, what happened to the big plant in the corner?
Therapist: It finally gave up.
Wife: She's killed two, you know."""


def test_a_couples_aside_and_the_talk_after_a_partners_booking_stay_out_of_the_note():
    note = " ".join(s.text for section in draft(COUPLE).values() for s in section.sentences)

    assert "Waffles" not in note and "beagle" not in note and "plant" not in note
    assert "soft startup" in note and "decide together" in note
    assert "next session" in note.lower()


CRISIS_CALL = """Therapist: Have you been having thoughts of killing yourself?
Client: Yes. Every day since the layoff. I have a handgun in the closet.
Therapist: I want us to put together a safety plan right now. Is that okay?
Client: Okay. [phone buzzes] Sorry, it's Carla. She's asking who's picking Emma up from soccer.
Therapist: Do you need to answer?
Client: No. Later.
Therapist: Okay. Let's start with warning signs. What tells you it's getting bad?
Client: When I stop answering texts.
Therapist: Would you be willing to go to the ER to be evaluated today?
Client: No. I don't want to go to a hospital."""


def test_a_phone_call_in_a_crisis_session_is_an_aside_and_a_no_to_it_denies_nothing():
    note = " ".join(s.text for section in draft(CRISIS_CALL).values() for s in section.sentences)

    assert "soccer" not in note and "Do you need to answer" not in note
    assert "thinking about killing" in note or "thoughts of killing" in note
    assert "stop answering texts" in note
    # a no to going to the ER is not a denial of suicidal thoughts
    assert "Denies, asked about suicidal thoughts" not in note
    assert "don't want to go to a hospital" in note
