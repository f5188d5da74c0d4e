"""Risk flags with negation, in the clinician's text and in sandbox charts."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from copilot.chart import ChartContext, Client, Note
from copilot.drafting import risk
from copilot.drafting.risk import RiskFinding, find_in_chart, find_in_text, find_risk
from copilot.drafting.types import Source
from copilot.measures import PHQ9, MeasureResult, MeasureSeries

SI, HI, SH, PLAN = "suicidal_ideation", "homicidal_ideation", "self_harm", "intent_or_plan"
ABUSE = "abuse"
DENIED, POSITIVE = True, False

# sentence -> the (kind, negated) findings a clinician would read in it
SENTENCES: list[tuple[str, list[tuple[str, bool]]]] = [
    # documented denials
    ("Client denies SI/HI.", [(SI, DENIED), (HI, DENIED)]),
    ("No SI/HI.", [(SI, DENIED), (HI, DENIED)]),
    ("Negative for suicidal ideation.", [(SI, DENIED)]),
    ("Client denied thoughts of self-harm.", [(SH, DENIED)]),
    ("Presents without homicidal ideation.", [(HI, DENIED)]),
    ("Client is free of suicidal thoughts.", [(SI, DENIED)]),
    ("Absence of homicidal ideation was noted.", [(HI, DENIED)]),
    ("Client has never had thoughts of self-harm.", [(SH, DENIED)]),
    # a screening item answered "never" (EPDS item 10)
    (
        'On the last question, about thoughts of harming themselves, client marked "never."',
        [(SH, DENIED)],
    ),
    ("Thoughts of killing myself, I answered no.", [(SI, DENIED)]),
    ("I marked never on the sleep one, but I have thoughts of killing myself.", [(SI, POSITIVE)]),
    ("Like, what if I drop her down the stairs.", [(HI, POSITIVE)]),
    # someone else hurting the client
    ("Nobody's hurting me at home.", [(ABUSE, DENIED)]),
    ("Has anyone at home ever gotten physical with me?", [(ABUSE, POSITIVE)]),
    ("It hurt me when she said that.", []),
    ("They'd kick me out of the group if they knew.", []),
    # neglect in everyday words
    ("There wasn't always food in the house.", [(ABUSE, POSITIVE)]),
    ("Like, left alone for days. Me and my little sister.", [(ABUSE, POSITIVE)]),
    ("There was always food in the house.", []),
    ("I left the dog alone for days, my neighbor fed him.", []),
    ("I never went hungry.", [(ABUSE, DENIED)]),
    ("No actions. I didn't cut.", [(SH, DENIED)]),
    ("I didn't cut the grass this week.", []),
    ("I feel like they'd all be better off.", [(SI, POSITIVE)]),
    ("They'd be better off with a new coach.", []),
    ("When he was drinking he'd, like, grab me or smack me around.", [(ABUSE, POSITIVE)]),
    ("Has either of you ever gotten physical — pushing, grabbing?", [(ABUSE, POSITIVE)]),
    ("I've never felt unsafe.", [(ABUSE, DENIED)]),
    ("I get physical therapy on Mondays.", []),
    # violence toward another person wanted or pictured, and its false friends
    ("Like, honestly, some days I want to smash his face in.", [(HI, POSITIVE)]),
    ("I- I wanted to throw him through the wall.", [(HI, POSITIVE)]),
    ("I picture just decking him in the parking lot.", [(HI, POSITIVE)]),
    ("I don't want to smash his face in.", [(HI, DENIED)]),
    ("I wanted to hit him up about the game.", []),
    ("I want to beat her at chess.", []),
    ("We want to throw him a party.", []),
    ("I picture hugging her at the airport.", []),
    # letters for after a death (C-SSRS preparatory behavior)
    ("I wrote letters to the kids. Goodbye letters, I guess.", [(PLAN, POSITIVE)]),
    ("I wrote a letter to the kids, for after.", [(PLAN, POSITIVE)]),
    ("I wrote a letter to my daughter's teacher.", []),
    ("I wrote a letter to my son for his birthday.", []),
    ("I felt unsafe walking home from the bus.", []),
    ("Denies DV / physical altercations w/ wife.", [(ABUSE, DENIED)]),
    ("He's never touched me. Never the kids.", [(ABUSE, DENIED)]),
    ("I cut a couple times in high school, but nothing like this.", [(SH, POSITIVE)]),
    ("The acetaminophen. Like the whole bottle, like twenty-five of them.", [(SH, POSITIVE)]),
    ("I drank the whole bottle of water before the run.", []),
    ("It wasn't loaded, but the bullets were right there.", [(PLAN, POSITIVE)]),
    ("My back hurts me in the morning.", []),
    ("No evidence of self-injurious behavior.", [(SH, DENIED)]),
    ("Client is not suicidal.", [(SI, DENIED)]),
    ("Client did not endorse suicidal ideation.", [(SI, DENIED)]),
    ("Client no longer endorses SI.", [(SI, DENIED)]),
    ("Client has not endorsed SI since April.", [(SI, DENIED)]),
    ("Denies SI, HI, and self-harm.", [(SI, DENIED), (HI, DENIED), (SH, DENIED)]),
    ("Denies SI, plan, or intent.", [(SI, DENIED), (PLAN, DENIED)]),
    ("Denies thoughts of harm to self or others.", [(SH, DENIED), (HI, DENIED)]),
    ("Client denies access to firearms.", [(PLAN, DENIED)]),
    ("Client denies family history of suicide.", [(SI, DENIED)]),
    # post-negations
    ("Suicidal ideation was denied.", [(SI, DENIED)]),
    ("SI/HI: denied.", [(SI, DENIED), (HI, DENIED)]),
    ("SI and HI denied.", [(SI, DENIED), (HI, DENIED)]),
    ("SI not present at this visit.", [(SI, DENIED)]),
    ("S/I denied.", [(SI, DENIED)]),
    # pseudo-negations are not denials
    ("Client no longer denies SI.", [(SI, POSITIVE)]),
    ("Cannot rule out SI given recent losses.", [(SI, POSITIVE)]),
    ("No change in passive SI since last session.", [(SI, POSITIVE)]),
    ("Not only SI but also HI was reported.", [(SI, POSITIVE), (HI, POSITIVE)]),
    ("Client reports negative thoughts about suicide.", [(SI, POSITIVE)]),
    # termination terms split mixed sentences
    (
        "Denies SI but endorses passive thoughts of not wanting to wake up.",
        [(SI, DENIED), (SI, POSITIVE)],
    ),
    (
        "Client endorsed passive suicidal ideation and denied plan or intent.",
        [(SI, POSITIVE), (PLAN, DENIED)],
    ),
    ("Denies SI; however, reports urges to cut.", [(SI, DENIED), (SH, POSITIVE)]),
    ("Denies SI, though endorses thoughts of hurting herself.", [(SI, DENIED), (SH, POSITIVE)]),
    ("Although she denies SI, she endorses self-harm urges.", [(SI, DENIED), (SH, POSITIVE)]),
    ("Denies all risk symptoms except passive SI.", [(SI, POSITIVE)]),
    ("Denies SI, endorses HI.", [(SI, DENIED), (HI, POSITIVE)]),
    ("SI denied, HI endorsed.", [(SI, DENIED), (HI, POSITIVE)]),
    ("Client reports passive SI; no plan or intent.", [(SI, POSITIVE), (PLAN, DENIED)]),
    ("Passive SI: no plan or intent.", [(SI, POSITIVE), (PLAN, DENIED)]),
    ("Client endorses SI without plan or intent.", [(SI, POSITIVE), (PLAN, DENIED)]),
    ("Client reports increased hopelessness, no SI.", [(SI, DENIED)]),
    (
        'Client reported passive thoughts that "it would be easier not to wake up" during a '
        "bad week, denied plan or intent.",
        [(SI, POSITIVE), (PLAN, DENIED)],
    ),
    ("Client endorsed HI toward her ex-husband but denied plan.", [(HI, POSITIVE), (PLAN, DENIED)]),
    # positive statements
    (
        "Client reports SI with a plan to overdose on her medication.",
        [(SI, POSITIVE), (PLAN, POSITIVE), (SH, POSITIVE)],
    ),
    ("Client states she has access to firearms at home.", [(PLAN, POSITIVE)]),
    ("Passive death wish endorsed.", [(SI, POSITIVE)]),
    ("Client reports thoughts of hurting someone at work.", [(HI, POSITIVE)]),
    ("Client wants to kill his boss.", [(HI, POSITIVE)]),
    ("History of overdose in 2019.", [(SH, POSITIVE)]),
    ("Client reports NSSI (burning herself with cigarettes) last month.", [(SH, POSITIVE)]),
    ("Client reports non-suicidal self-injury (cutting) twice this week.", [(SH, POSITIVE)]),
    ("Her brother attempted suicide last year.", [(SI, POSITIVE)]),
    # first-person speech in transcripts
    ("I've thought about ending it.", [(SI, POSITIVE)]),
    ("Sometimes I think everyone would be better off without me.", [(SI, POSITIVE)]),
    ("I wish I could just go to sleep and not wake up.", [(SI, POSITIVE)]),
    ("I don't want to be here anymore.", [(SI, POSITIVE)]),
    ("Life is not worth living, she said.", [(SI, POSITIVE)]),
    ("I don't know, sometimes I want to die.", [(SI, POSITIVE)]),
    ("No, I think about killing myself every day.", [(SI, POSITIVE)]),
    ("I've been cutting again.", [(SH, POSITIVE)]),
    ("I could kill him when he yells at me.", [(HI, POSITIVE)]),
    ("I would never hurt myself.", [(SH, DENIED)]),
    ("I don't want to kill myself, I just want the pain to stop.", [(SI, DENIED)]),
    # not risk statements at all
    ("Reports SIGNIFICANT stress; this is hard.", []),
    ("SI joint pain limits her walking.", []),
    ("Client is cutting back on caffeine.", []),
    ("Safety plan reviewed and updated together.", []),
    ("Client has a plan to return to work.", []),
    ("Denies intent.", []),
    ("Client called the 988 Suicide & Crisis Lifeline.", []),
    ("Treatment plan reviewed; client denies SI.", [(SI, DENIED)]),
    ("Client plans to attend group and denies SI.", [(SI, DENIED)]),
    # wish to be dead and perceived burdensomeness, said as clients say them
    ("It'd be easier for everybody if I just wasn't here.", [(SI, POSITIVE)]),
    ("I feel like a burden to my family.", [(SI, POSITIVE)]),
    ("I wish I wasn't here anymore.", [(SI, POSITIVE)]),
    ("I've been thinking it'd be easier to just not be here anymore.", [(SI, POSITIVE)]),
    ("Some days I just want to not be here.", [(SI, POSITIVE)]),
    ("Lying there thinking the kids would manage fine without me.", [(SI, POSITIVE)]),
    ("They'd be fine without me for the weekend.", []),
    ("No hx attempts.", [(SI, DENIED)]),
    ("Hx of attempts to quit smoking.", []),
    ("Last time I cut was four months ago.", [(SH, POSITIVE)]),
    ("The last time I cut my hair was June.", []),
    ("He's never been violent, not even at the worst point.", [(HI, DENIED)]),
    ("We watched a violent film.", []),
    ("He put me in the cupboard under the stairs and he held the door.", [(ABUSE, POSITIVE)]),
    ("He pushed her into the wall and she had a bruise on her arm.", [(ABUSE, POSITIVE)]),
    ("I put her in the closet with her toys.", []),
    ("She used to lock me in the basement when she drank.", [(ABUSE, POSITIVE)]),
    ("She pushed me into signing up for the class.", []),
    ("I'd like to not be here when he moves out.", []),
    ("I want to not be here for the holidays, so we're going to my sister's.", []),
    ("It's easier if I just take the bus.", []),
    ("Things would be better for us if we moved.", []),
    # harm to others, denied in a client's words
    ("I've never put hands on anybody, and I'm not going to.", [(HI, DENIED)]),
    ("No, I would never hurt the baby.", [(HI, DENIED)]),
    ("I hurt my back lifting boxes.", []),
    ("No, I would never hurt her.", [(HI, DENIED)]),
    ("I want to hurt him.", [(HI, POSITIVE)]),
    ("It really hurt her when I left.", []),
    ("She hurt her back at work.", []),
    ("I hurt her feelings.", []),
    # "no one" / "nobody" negate only what they do to the client
    ("No one cares if I kill myself.", [(SI, POSITIVE)]),
    ("Nobody knows I have been thinking about killing myself.", [(SI, POSITIVE)]),
    # abuse suffered, disclosed or denied; substance abuse is not it
    ("He hits me when he drinks.", [(ABUSE, POSITIVE)]),
    ("I'm scared to go home to my husband.", [(ABUSE, POSITIVE)]),
    ("Nobody's ever abused me.", [(ABUSE, DENIED)]),
    ("Denies history of abuse or domestic violence.", [(ABUSE, DENIED)]),
    ("History of alcohol abuse, in remission.", []),
    ("Client reports abusing alcohol on weekends.", []),
    ("Screening for domestic abuse (procedure).", []),
    ("Victim of intimate partner abuse (finding).", [(ABUSE, POSITIVE)]),
    # hopelessness said as a whole clause; the negation is the statement, not a denial
    ("I just, I don't see the point.", [(SI, POSITIVE)]),
    ("I can't see the point in anything anymore.", [(SI, POSITIVE)]),
    ("I don't see the point of the worksheet.", []),
    ("I would never do anything to myself.", [(SI, DENIED)]),
    # means at hand, preparatory acts and intent (C-SSRS)
    ("I've got a bunch of my old pain pills in the bathroom cabinet.", [(PLAN, POSITIVE)]),
    ("Sunday night I took them out and counted them.", [(PLAN, POSITIVE)]),
    ("Part of me wants to go through with it.", [(PLAN, POSITIVE)]),
    ("We want to go through with it, the adoption I mean.", []),
    # self-harm: clean time told as a date, a blade taken up, the SIB abbreviation
    ("I haven't cut since March, so that's eight months.", [(SH, DENIED)]),
    ("I went into the bathroom and looked at the razor.", [(SH, POSITIVE)]),
    ("Denies SI/HI. No SIB.", [(HI, DENIED), (SH, DENIED), (SI, DENIED)]),
    ("Not cutting sleep, just not lying there.", []),
    ("I haven't cut in eleven weeks.", [(SH, DENIED)]),
    ("I cut in line at the store.", []),
    # violence the client does to others
    ("I shoved her into the doorframe.", [(HI, POSITIVE)]),
    ("I've never laid a hand on him.", [(HI, DENIED)]),
    ("I've never gotten physical with her or anybody.", [(HI, DENIED)]),
    ("The ball hit him.", []),
    ("I'm cutting caffeine after noon.", []),
    # a passive death wish as a condition, or in grief as joining the dead
    ("If I didn't wake up tomorrow, honestly that'd be fine.", [(SI, POSITIVE)]),
    ("Some nights I'd like to go be with her.", [(SI, POSITIVE)]),
    ("If I didn't wake up at six I'd miss the train.", []),
    ("I'd like to be with him on his birthday.", []),
    # intrusive images of harm coming to an infant: flagged for the assessment
    ("When I bathe him I picture him under the water.", [(HI, POSITIVE)]),
    ("What if I just dropped him over the railing.", [(HI, POSITIVE)]),
    ("I can see her falling asleep on my chest.", []),
    # abuse disclosed in plain words; violence the client denies doing
    ("He's the coach who assaulted me.", [(ABUSE, POSITIVE)]),
    ("As a kid, she'd lock me out on the balcony when I cried.", [(ABUSE, POSITIVE)]),
    ("The wind slammed the door and locked me in the shed.", []),
    ("I've never hit her, not once.", [(HI, DENIED)]),
    ("I've hit a wall with the thesis.", []),
    # violence against the client said plainly, and a push to do something
    ("He pushed me. Shoved me.", [(ABUSE, POSITIVE), (ABUSE, POSITIVE)]),
    ("She grabbed my arm, hard, when I tried to leave.", [(ABUSE, POSITIVE)]),
    ("He pushed me into the wall.", [(ABUSE, POSITIVE)]),
    ("No, he's never shoved me.", [(ABUSE, DENIED)]),
    ("My sister pushed me to apply for the job.", []),
    ("She pushed me away when I tried to talk.", []),
    ("My coach pushed me into running.", []),
    # cutting said without an object, and other cuts
    ("I cut. On Saturday night.", [(SH, POSITIVE)]),
    ("I cut again last week.", [(SH, POSITIVE)]),
    ("I cut back on coffee.", []),
    ("I cut the grass on Saturday.", []),
    ("I cut class on Friday.", []),
    # a passive death wish said as not minding, and not minding a lie-in
    ("Sometimes. I wouldn't mind if I just didn't wake up.", [(SI, POSITIVE)]),
    ("I wouldn't mind if I slept in.", []),
    ("And then in the bath, I see her going under the water.", [(HI, POSITIVE)]),
    ("I see her going under anesthesia tomorrow.", []),
    # an overdose told as what was taken, and medication taken as prescribed
    ("Saturday night, I took a bunch of pills.", [(SH, POSITIVE)]),
    ("I took all my pills this week like you said.", []),
    ("I took a bunch of vitamins.", []),
    # a wish not to be here, and not being somewhere
    ("Sometimes it'd be easier not to be here.", [(SI, POSITIVE)]),
    ("It's easier not to be here when he's yelling.", []),
    ("No, there isn't anyone else I've had thoughts of hurting.", [(HI, DENIED)]),
]


def kinds(findings: list[RiskFinding]) -> list[tuple[str, bool]]:
    return sorted((finding.kind, finding.negated) for finding in findings)


def quotes(findings: list[RiskFinding]) -> list[tuple[str, bool, str]]:
    return [(finding.kind, finding.negated, finding.quote) for finding in findings]


def test_the_sentence_table_is_large_enough_to_mean_something():
    assert len(SENTENCES) >= 40


@pytest.mark.parametrize(("sentence", "expected"), SENTENCES)
def test_it_reads_each_sentence_as_a_clinician_would(sentence, expected):
    assert kinds(find_in_text(sentence)) == sorted(expected)


@pytest.mark.parametrize(("sentence", "expected"), SENTENCES)
def test_every_quote_is_the_exact_text_at_its_span(sentence, expected):
    text = f"S: Client arrived on time.\n{sentence} Next session in one week."
    for finding in find_in_text(text):
        assert finding.source.reference is None
        assert text[finding.source.start : finding.source.end] == finding.quote
        assert finding.quote in sentence


def test_a_mixed_sentence_quotes_the_denial_and_the_endorsement_separately():
    findings = find_in_text("Denies SI but endorses passive thoughts of not wanting to wake up.")
    assert quotes(findings) == [
        (SI, True, "Denies SI"),
        (SI, False, "endorses passive thoughts of not wanting to wake up."),
    ]


def test_a_denied_plan_after_endorsed_ideation_is_its_own_clause():
    text = "Client endorsed passive suicidal ideation and denied plan or intent."
    assert quotes(find_in_text(text)) == [
        (SI, False, "Client endorsed passive suicidal ideation"),
        (PLAN, True, "denied plan or intent."),
    ]


def test_spans_index_into_the_whole_text_not_the_sentence():
    text = "S: Client reported a hard week.\nO: Calm, tearful at times. Client denies SI/HI."
    findings = find_in_text(text)
    start = text.index("Client denies")
    assert [(f.kind, f.source) for f in findings] == [
        (SI, Source.span(start, len(text))),
        (HI, Source.span(start, len(text))),
    ]


def test_shorthand_matches_only_as_whole_uppercase_words():
    assert find_in_text("This is significant; SIGNIFICANT, HIV negative, hi there.") == []
    assert kinds(find_in_text("(SI) and HI-related worries")) == [(HI, False), (SI, False)]


def test_a_denial_is_not_positive_and_an_endorsement_is():
    denial, endorsement = find_in_text("Denies SI, endorses HI.")
    assert (denial.positive, endorsement.positive) == (False, True)


def test_a_mention_of_another_persons_suicide_stays_positive_and_is_marked_about_other():
    (finding,) = find_in_text("Her brother attempted suicide last year.")
    assert finding.positive and finding.about_other


def test_the_clients_own_statement_beside_a_relatives_history_is_not_about_other():
    text = "Her brother attempted suicide last year and she has thought about ending it too."
    assert [(f.quote, f.positive, f.about_other) for f in find_in_text(text)] == [
        ("Her brother attempted suicide last year", True, True),
        ("she has thought about ending it too.", True, False),
    ]


def test_a_denied_family_history_is_a_denial_about_another_person():
    (finding,) = find_in_text("Client denies family history of suicide.")
    assert finding.negated and finding.about_other


def test_a_finding_serialises_with_its_source():
    (finding,) = find_in_text("Passive death wish endorsed.")
    assert finding.as_dict() == {
        "kind": SI,
        "negated": False,
        "positive": True,
        "about_other": False,
        "quote": "Passive death wish endorsed.",
        "source": {"start": 0, "end": 28},
    }


# --- Charts built by hand -------------------------------------------------------------


def phq9(day: int, item9: int, source: str) -> MeasureResult:
    items = (2, 2, 1, 1, 1, 1, 1, 1, item9)
    effective = datetime(2026, 11, day, 15, 50, tzinfo=UTC)
    return MeasureResult(PHQ9, total=sum(items), effective=effective, source=source, items=items)


def chart_of(*results: MeasureResult, notes: tuple[Note, ...] = ()) -> ChartContext:
    client = Client("c-1", "Test Client", None, None, None, None, None)
    return ChartContext(
        client=client,
        read_at=datetime(2026, 11, 20, tzinfo=UTC),
        notes=notes,
        phq9=MeasureSeries.of(PHQ9, list(results)),
    )


def note(text: str, source: str, doc_status: str = "final") -> Note:
    date = datetime(2026, 11, 15, 15, 45, tzinfo=UTC)
    return Note("Progress note", date, "Mei Chen", doc_status, text, source)


def test_a_positive_item9_on_the_latest_phq9_cites_its_observation():
    chart = chart_of(phq9(1, 0, "Observation/a"), phq9(8, 2, "Observation/b"))
    assert find_in_chart(chart) == [
        RiskFinding(SI, False, "PHQ-9 item 9 scored 2 on 2026-11-08", Source.chart("Observation/b"))
    ]


def test_an_earlier_positive_item9_is_history_not_a_flag():
    chart = chart_of(phq9(1, 3, "Observation/a"), phq9(8, 0, "Observation/b"))
    assert find_in_chart(chart) == []


def test_note_findings_cite_the_note_and_skip_notes_entered_in_error():
    chart = chart_of(
        notes=(
            note("Client denies SI.", "DocumentReference/n2"),
            note("Client endorses SI.", "DocumentReference/n1", doc_status="entered-in-error"),
        )
    )
    assert find_in_chart(chart) == [
        RiskFinding(SI, True, "Client denies SI.", Source.chart("DocumentReference/n2"))
    ]


def test_find_risk_puts_the_input_first_and_drops_repeated_statements():
    chart = chart_of(
        phq9(8, 1, "Observation/b"),
        notes=(
            note("Client denies SI.", "DocumentReference/n2"),
            note("Client denies  SI", "DocumentReference/n1"),
        ),
    )
    findings = find_risk("Client endorses HI. Client denies SI.", chart)
    assert [(f.kind, f.negated, f.source) for f in findings] == [
        (HI, False, Source.span(0, 19)),
        (SI, True, Source.span(20, 37)),
        (SI, False, Source.chart("Observation/b")),
    ]


# --- Sandbox charts over HTTP ---------------------------------------------------------


async def test_bh003_is_flagged_by_its_latest_phq9_and_its_passive_si_note(gateway):
    chart = await gateway.chart("bh-003")
    findings = find_in_chart(chart)

    latest = chart.phq9.latest
    item9 = f"PHQ-9 item 9 scored 1 on {latest.effective:%Y-%m-%d}"
    assert RiskFinding(SI, False, item9, Source.chart(latest.source)) in findings

    (passive,) = [n for n in chart.notes if "endorsed passive suicidal ideation" in n.text]
    cited = [(f.kind, f.negated, f.quote) for f in findings if f.source.reference == passive.source]
    assert cited == [
        (
            SI,
            False,
            'Client endorsed passive suicidal ideation ("sometimes I think everyone would be '
            'better off without me")',
        ),
        (PLAN, True, "denied plan or intent."),
    ]
    assert all(f.quote in passive.text for f in findings if f.source.reference == passive.source)


async def test_bh003_safety_planning_is_not_read_as_a_plan(gateway):
    chart = await gateway.chart("bh-003")
    assert "Safety plan reviewed" in "".join(n.text for n in chart.notes)
    assert not [f for f in find_in_chart(chart) if f.kind == PLAN and f.positive]


async def test_bh001_has_only_documented_denials(gateway):
    chart = await gateway.chart("bh-001")
    findings = find_in_chart(chart)

    assert findings and not [f for f in findings if f.positive]
    assert {(f.kind, f.quote) for f in findings} == {
        (SI, "Client denies SI/HI."),
        (HI, "Client denies SI/HI."),
    }
    assert {f.source.reference for f in findings} == {n.source for n in chart.notes}


async def test_bh001_denials_repeated_across_notes_are_reported_once(gateway):
    chart = await gateway.chart("bh-001")
    findings = find_risk("", chart)
    latest_note = Source.chart(chart.notes[0].source)
    assert [(f.kind, f.negated, f.source) for f in findings] == [
        (SI, True, latest_note),
        (HI, True, latest_note),
    ]


async def test_bh008_passive_thoughts_of_not_waking_up_are_positive(gateway):
    chart = await gateway.chart("bh-008")
    positive = [f for f in find_in_chart(chart) if f.positive]
    assert [(f.kind, f.quote) for f in positive] == [
        (
            SI,
            'Client reported passive thoughts that "it would be easier not to wake up" '
            "during a bad week",
        )
    ]


def test_abuse_is_flagged_where_it_is_disclosed_not_from_a_charts_condition_list():
    listed = note("Conditions: Victim of intimate partner abuse (finding).", "DocumentReference/x")
    chart = chart_of(notes=(listed,))
    assert find_in_chart(chart) == []
    assert kinds(find_risk("He hits me when he drinks.", chart)) == [(ABUSE, POSITIVE)]


def _session_lines() -> list[str]:
    folder = Path(__file__).parent
    return [
        line.split(": ", 1)[-1]
        for path in sorted(folder.glob("*/*.txt"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def test_the_quick_trigger_check_agrees_with_every_trigger_read_one_by_one():
    # The check skips sentences before the negation reading; it reads case-blind
    # triggers lowered, on lower-cased text. A sentence it wrongly skipped would lose
    # its flag, so it is compared with the triggers themselves on every sentence of the
    # test sessions and of the table above, in their own case and in capitals.
    texts = [s for s, _ in SENTENCES] + _session_lines()
    texts += [t.upper() for t in texts]
    triggered = [t for t in texts if any(p.search(t) for _, p, _ in risk._TRIGGER_RES)]
    assert len(triggered) > 300  # the comparison covers many sentences with a trigger
    assert [t for t in texts if risk._any_trigger(t)] == triggered
