"""The grounded answer quotes the chart's own sentences and cites where each one is."""

from __future__ import annotations

import base64
from datetime import date, datetime

from copilot.qa.extractive import answer_extractive
from copilot.qa.types import NOT_FOUND, Passage


def note_passages(fhir, client_id: str) -> list[Passage]:
    """Every note of the client as one whole-note passage, the way the index cites them."""
    passages = []
    for note in fhir.search("DocumentReference", subject=f"Patient/{client_id}"):
        attachment = note["content"][0]["attachment"]
        text = base64.b64decode(attachment["data"]).decode()
        when = datetime.fromisoformat(note["date"].replace("Z", "+00:00")).date()
        source = f"DocumentReference/{note['id']}"
        passages.append(Passage(text, source, attachment["title"], when, "note", 0, len(text)))
    return passages


def test_it_quotes_both_notes_that_mention_the_sister_oldest_first(fhir):
    passages = note_passages(fhir, "bh-001")
    by_source = {p.source: p for p in passages}

    answer = answer_extractive("Has she mentioned her sister before?", passages)

    assert answer.kind == "extractive" and answer.found
    cited = [s.citations[0] for s in answer.sentences]
    # The seed's events: session 5 (Dana helps with childcare), session 9 (an argument).
    assert [c.source for c in cited[:2]] == [
        "DocumentReference/note-bh-001-05",
        "DocumentReference/note-bh-001-09",
    ]
    assert cited[0].excerpt.startswith("Client talked about her sister Dana")
    assert cited[1].excerpt.startswith("Client described an argument with her sister Dana")
    for citation in cited:
        assert by_source[citation.source].text[citation.start : citation.end] == citation.excerpt
        assert f'"{citation.excerpt}"' in answer.text


def test_each_quote_says_the_day_and_title_of_its_note(fhir):
    passages = note_passages(fhir, "bh-001")
    answer = answer_extractive("Any side effects from sertraline?", passages)
    first = answer.sentences[0]
    note = next(p for p in passages if p.source == "DocumentReference/note-bh-001-03")
    assert first.citations[0].source == note.source
    day = note.date
    assert first.text.startswith(f'{day:%b} {day.day}, {day.year}, {note.title}: "Client reported')


def test_an_unanswerable_question_says_it_is_not_in_the_chart(fhir):
    passages = note_passages(fhir, "bh-001")
    for question in ("Does he own a dog?", "Has she ever been hospitalized?"):
        answer = answer_extractive(question, passages)
        assert answer.kind == "not_found" and not answer.found
        assert answer.text == NOT_FOUND == "I could not find this in the chart."


def test_no_passages_is_not_found():
    assert answer_extractive("How is her sleep?", []).kind == "not_found"


def test_a_chunk_inside_a_note_is_cited_at_its_offset_in_the_note():
    note = "P: Homework: keep a sleep diary. Client reported nightmares twice a week."
    chunk_start = note.index("Client")
    passage = Passage(
        note[chunk_start:], "DocumentReference/x", "Progress note", date(2026, 1, 5), "note",
        chunk_start, len(note),
    )  # fmt: skip

    answer = answer_extractive("How often are the nightmares?", [passage])

    citation = answer.sentences[0].citations[0]
    assert note[citation.start : citation.end] == "Client reported nightmares twice a week."


def test_boilerplate_repeated_across_notes_is_quoted_once():
    passages = [
        Passage("Client reported poor sleep.", f"DocumentReference/n{i}", "Note", date(2026, 1, i))
        for i in range(1, 4)
    ]
    answer = answer_extractive("How is the client sleeping?", passages)
    assert len(answer.sentences) == 1
    assert answer.sentences[0].citations[0].source == "DocumentReference/n1"


def test_asked_when_last_the_newest_of_a_repeated_sentence_is_quoted():
    passages = [
        Passage("Client reported worry about his health.", f"DocumentReference/n{i}", "Note", d)
        for i, d in enumerate([date(2026, 1, 5), date(2026, 3, 2), date(2026, 2, 9)])
    ]
    question = "when did he last talk about worrying about his health?"

    newest = answer_extractive(question, passages, newest_first=True)
    oldest_listed = answer_extractive(question, passages)

    assert [s.citations[0].source for s in newest.sentences] == ["DocumentReference/n1"]
    assert [s.citations[0].source for s in oldest_listed.sentences] == ["DocumentReference/n0"]


def test_the_clients_name_and_abbreviations_do_not_hide_the_sentence_that_answers():
    passages = [
        Passage("Client endorsed passive suicidal ideation and denied plan or intent.", "A/1"),
        Passage("Client reported isolation from friends since the last session.", "A/2"),
        Passage(
            "Intake assessment. Presenting problem: Depressed mood and poor sleep after a job "
            "change.",
            "A/3",
        ),
    ]

    si = answer_extractive("has Alex ever reported SI?", passages, common="Alex Morgan")
    why = answer_extractive("what brought Alex in originally", passages, common="Alex Morgan")

    assert [s.citations[0].source for s in si.sentences] == ["A/1"]
    assert [s.citations[0].source for s in why.sentences] == ["A/3"]
    assert why.sentences[0].citations[0].excerpt.startswith("Presenting problem:")
