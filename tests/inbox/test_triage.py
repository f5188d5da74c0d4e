"""Triage of single messages: urgent cues with their negations, past and idioms; the
category model; the reasons are spans of the message text."""

from __future__ import annotations

import numpy as np
import pytest

from copilot.inbox.triage import Span, sentence_context, sentences, triage, urgent_cues


def one(text: str):
    return triage([text])[0]


def spans_hold(text: str, spans: tuple[Span, ...]) -> bool:
    return all(text[s.start : s.end] == s.text for s in spans) and bool(spans)


@pytest.mark.parametrize(
    ("text", "family"),
    [
        (
            "honestly what's the point anymore. I've started giving my things away to my sister",
            "giving things away",
        ),
        ("Can we move Tuesday to 4? also I've been thinking about ending it", "suicidal thoughts"),
        ("I have enough of my pills saved up now. just wanted someone to know", "plan or means"),
        (
            "my chest is tight and my left arm is going numb, started an hour ago",
            "medical emergency",
        ),
        ("he choked me last night and I'm scared to go home", "abuse or danger"),
        ("I can't keep myself safe tonight", "not safe now"),
        (
            "Can we do Friday instead? The urge to drive into the guardrail on the way "
            "home keeps coming, I nearly did it yesterday.",
            "plan or means",
        ),
        (
            "I have a bottle of my lithium and a bottle of vodka on the table. "
            "How many would it take?",
            "a lethal dose",
        ),
        (
            "Two weeks on lamotrigine and the rash on my back is blistering now, with a fever",
            "medical emergency",
        ),
        (
            "My dad took his lithium two times in the morning by mistake and now he walks "
            "like he's drunk",
            "medical emergency",
        ),
        (
            "I used the safety plan last night but it didn't help and I still want to die",
            "suicidal thoughts",
        ),
        (
            "Side effect question: since the new sertraline dose I get this urge to jump off "
            "the platform when the subway comes. Is that common?",
            "suicidal thoughts",
        ),
        # laughter does not make a plan a joke
        (
            "haha random but I looked up how high the overpass on 9th is. high enough. "
            "see u thursday maybe",
            "plan or means",
        ),
        (
            "Can I get my quetiapine filled early, at two different pharmacies? I'd like a "
            "good amount on hand",
            "plan or means",
        ),
        (
            "I'll do the reading. Not sure I'll be at group though, I have a date picked out",
            "plan or means",
        ),
        (
            "After the 15th I'll stop being a burden to anyone lol. Can I pay the rest now?",
            "goodbye or affairs in order",
        ),
        # serotonin syndrome's clonus; alcohol on top of someone else's opioid
        (
            "Started tramadol with my escitalopram, now sweating and my legs won't stop twitching",
            "medical emergency",
        ),
        (
            "had a few shots and then took two of my friend's oxys, everything is slow",
            "medical emergency",
        ),
        ("Spent the night looking up the easiest way to do it. Anyway, Tuesday?", "plan or means"),
        (
            "Two weeks on the new antidepressant and I can't stop thinking about the pills in "
            "the cabinet",
            "not safe now",
        ),
        ("Ya no puedo más con todo esto. Perdón.", "suicidal thoughts"),
        # a child who got into medication; a date, and records not needed after it
        (
            "our 3-year-old got into the bottle of my clonidine, some are gone and he's very "
            "drowsy",
            "medical emergency",
        ),
        (
            "Please send my chart to Dr. Yoon. Not that I'll need it after June, I set my date.",
            "goodbye or affairs in order",
        ),
        (
            "I have decided I will not be a burden to my family any longer. Thank you.",
            "suicidal thoughts",
        ),
        ("i took 40 of my tylenol about 2 hours ago. feel fine actually", "medical emergency"),
        (
            "I'm 14 weeks pregnant and bleeding a lot, soaking through pads. "
            "Should I come to group?",
            "medical emergency",
        ),
        (
            "Does my life insurance still pay out if it's ruled an accident? "
            "Also cancel my sessions.",
            "plan or means",
        ),
        (
            "Please fill my Seroquel. After this weekend I won't be bothering anyone "
            "about refills.",
            "suicidal thoughts",
        ),
        ("ok so i have the rope. i'm in the garage. idk why i'm texting", "plan or means"),
        (
            "Necesito cambiar mi cita. Estoy regalando mis cosas y ya no le veo sentido a seguir.",
            "suicidal thoughts",
        ),
        (
            "By mistake I took the whole week out of my pill organizer, lithium and quetiapine. "
            "I feel normal right now.",
            "medical emergency",
        ),
        ("Oi, não aguento mais. Comprei uma corda hoje.", "suicidal thoughts"),
        (
            "Bonjour, j'ai confié mon chat à ma voisine et je n'aurai plus besoin de nos séances.",
            "suicidal thoughts",
        ),
        ("Mi hermano lo deja encerrado en su cuarto y le da pastillas de más.", "abuse or danger"),
        (
            "does the portal get deleted when someone dies? like who gets to read my messages "
            "after",
            "goodbye or affairs in order",
        ),
        (
            "I fantasize every day about hurting the little girl I babysit. Yesterday I squeezed "
            "her arm hard enough to leave marks.",
            "harm to others",
        ),
        # Spanish, Portuguese, French and Tagalog
        ("Ya no quiero estar aquí. Pienso en quitarme la vida.", "suicidal thoughts"),
        ("Mi esposo me pegó anoche y tengo miedo de él.", "abuse or danger"),
        ("Tomé todas mis pastillas hace una hora.", "medical emergency"),
        ("Desculpa, não quero mais viver.", "suicidal thoughts"),
        ("Il me frappe quand il boit, j'ai peur de lui.", "abuse or danger"),
        ("Ayoko nang mabuhay, pagod na ako sa lahat.", "suicidal thoughts"),
    ],
)
def test_urgent_messages_are_urgent_with_the_words_that_decided(text, family):
    found = one(text)

    assert found.category == "urgent" and found.urgent
    assert family in found.families
    assert spans_hold(text, found.reasons)


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("I'm not suicidal or anything, I just need to reschedule Friday", "scheduling"),
        (
            "Years ago I used to cut, it's been behind me for a long time. "
            "Can I get a letter for school?",
            "administrative",
        ),
        ("This insurance form is killing me lol. Did my new card go through?", "billing"),
        (
            "We watched a documentary about suicide prevention in class and it got me "
            "thinking about my sleep habits. Any tips for sleep?",
            "clinical",
        ),
        ("refill on my sertraline please, CVS on Main", "medication"),
        (
            "Sunday night the old urges to hurt myself came up, but I used my safety plan "
            "and they passed within an hour. Can we go over the plan again on Monday?",
            "clinical",
        ),
        (
            "I nearly passed out after missing a dose of venlafaxine, but it passed quickly "
            "and I'm fine now. Should I take it earlier in the day?",
            "medication",
        ),
        (
            "A colleague's suicide in the spring was why I started with the EAP. Are my "
            "remaining sessions billed to my insurance?",
            "billing",
        ),
        (
            "I've been cutting-free for two years and want to ask about a letter for my "
            "new employer.",
            "administrative",
        ),  # an idiom that shares a cue's words, and "zero" as a negation
        (
            "I want to die of embarrassment, I cried in a meeting today. Can we work on that "
            "Thursday?",
            "clinical",
        ),
        (
            "zero thoughts of hurting myself before u ask lol, just need to move Monday to 3",
            "scheduling",
        ),
    ],
)
def test_traps_are_filed_by_their_real_request(text, category):
    found = one(text)

    assert found.category == category
    assert spans_hold(text, found.reasons)


@pytest.mark.parametrize(
    "text",
    [
        "My legs jerk just as I'm falling asleep, is that the new med?",
        "My eye keeps twitching since the dose went up",
        "I want to start journaling, what's the best way to do it?",
        "I researched the best ways to ask my boss for a raise.",
        "Had a glass of wine with dinner and took my lamictal after. Is that ok?",
        "My mom's valium is in the cabinet, should I lock it up while my teen is home?",
        "I can't stop thinking about the train trip to Spain next month!",
        "Puedo cambiar mi cita del jueves? Ya no puedo ir por la mañana.",
        "My dog got into my bag and ate two of my buspirone, the vet says he's fine.",
        "My mom has been hoarding newspapers for years, how do I help her?",
        "Nobody is actually threatening me, I just check the locks a lot. Is that OCD?",
        "A coworker asked if I was self-harming because of the cat scratches. I'm not.",
        "Does the practice run a grief group for suicide-loss survivors?",
        "I will not be a burden on the front desk, I'll fill the form in myself.",
        "It took 40 minutes to get through on the phone line.",
        "I took 20 mg of the Lexapro this morning like you said.",
        "Took all day to find parking, sorry I was late.",
        "I accidentally took my sertraline twice this morning. I feel fine.",
        "My new ramp van is tall, will it fit in the garage?",
        "I signed up for a knife skills cooking class for behavioral activation.",
        "I could strangle the pharmacy, third prior auth this month.",
        "Looks like an accident on 95, I'll be 10 minutes late.",
        "My life insurance application asks about past suicide attempts; can you send records?",
        "I won't be bothering you for a while, I'm traveling until June.",
        "My nose was bleeding for a few minutes this morning, is that the fluoxetine?",
        "Hypothetical question, nothing has happened: would taking my buspirone twice be an "
        "overdose?",
        "I read that lithium overdose is dangerous. I'm not having any symptoms at all.",
        "FMLA paperwork to care for my mom after her overdose last spring. She's fully recovered.",
        "My best friend lost her mom to suicide last month. How can I support her?",
        "Please cancel all my appointments in August, I'll be abroad.",
        "I could strangle whoever designed this payment page.",
        "Per my safety plan, my brother keeps his hunting rifles locked at our uncle's house.",
        "Back in January I took extra pills one night, but I've been in a really good place since.",
        "Merci pour tout, à la semaine prochaine !",
        "Je veux en finir avec ce formulaire, il est trop long.",
    ],
)
def test_false_friends_of_the_cues_count_no_urgent_cue(text):
    assert [c for c in urgent_cues(text) if not c.discounted] == []


def test_a_negated_cue_is_kept_but_does_not_count():
    cues = urgent_cues("No thoughts of hurting myself, the new dose just makes me dizzy.")

    assert cues and all(c.discounted == "negated" for c in cues)


def test_a_hedge_is_not_a_negation():
    cues = urgent_cues("tbh I'm not sure I want to be alive anymore")

    assert [c.discounted for c in cues if c.family == "suicidal thoughts"][0] == ""


def test_the_reasons_of_a_routine_message_are_its_category_cues():
    text = "Hi, could we reschedule Thursday's appointment to next week? Thanks"
    found = one(text)

    assert found.category == "scheduling"
    assert {s.text.lower() for s in found.reasons} >= {"reschedule", "appointment"}


def test_sentences_are_spans_of_the_text():
    text = "First one.  Second one!\nThird"
    assert [s.text for s in sentences(text)] == ["First one.", "Second one!", "Third"]
    assert all(text[s.start : s.end] == s.text for s in sentences(text))


def test_a_negation_that_is_itself_the_risk_does_not_hedge_the_wording():
    found = one("I don't think I will be here much longer. Please tell my sister I am sorry.")

    assert found.urgent
    assert found.reasons[0].text == "I don't think I will be here much longer."


@pytest.mark.parametrize(
    ("text", "category"),
    [
        (
            "No thoughts of hurting myself, but the new dose makes me dizzy every morning.",
            "medication",
        ),
        ("I'm not going to hurt myself. I just need to move Thursday to Friday.", "scheduling"),
    ],
)
def test_a_denial_is_filed_by_its_request(text, category):
    assert one(text).category == category


def test_the_sentence_model_reads_each_sentence_beside_its_neighbours_and_message():
    sentences_ = np.eye(3, 4, dtype=np.float32)
    message = np.full(4, 0.5, dtype=np.float32)

    context = sentence_context(sentences_, message)

    assert context.shape == (3, 12)
    assert context[1, 4:8].tolist() == [0.5, 0.0, 0.5, 0.0]  # rows 0 and 2, averaged
    assert context[0, 4:8].tolist() == [0.0, 0.5, 0.0, 0.0]  # no sentence before the first
    assert (context[:, 8:] == message).all()


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Quisiera cambiar mi cita del jueves al viernes, por favor.", "scheduling"),
        ("¿Me pueden mandar la factura de octubre? Mi seguro la pide.", "billing"),
        ("Necesito una recarga de mi receta de sertralina.", "medication"),
        ("Tengo mucha ansiedad por las noches y pesadillas, ¿es normal?", "clinical"),
        ("Preciso remarcar minha consulta de segunda.", "scheduling"),
        ("Je voudrais annuler mon rendez-vous de lundi.", "scheduling"),
    ],
)
def test_a_routine_message_in_spanish_portuguese_or_french_finds_its_category(text, category):
    found = one(text)

    assert found.category == category
    assert spans_hold(text, found.reasons)
