"""What a question says about which chart entries can answer it."""

from __future__ import annotations

from datetime import date

from copilot.qa.filters import scope_of

TODAY = date(2026, 11, 8)


def test_a_day_and_a_visit_limit_the_search_to_that_days_notes():
    scope = scope_of("What happened at the visit on March 3, 2019?", TODAY)
    assert (scope.where.first_day, scope.where.last_day) == (date(2019, 3, 3), date(2019, 3, 3))
    assert scope.where.kinds == ("note",) and scope.newest_first is False


def test_a_window_up_to_today_and_newest_first():
    scope = scope_of("What was the latest note about sleep in the past 6 weeks?", TODAY)
    assert scope.where.last_day == TODAY and scope.where.first_day == date(2026, 9, 27)
    assert scope.newest_first is True


def test_an_open_question_has_no_filter():
    scope = scope_of("Has she mentioned her sister?", TODAY)
    assert not scope.where and scope.newest_first is False


def test_note_types_and_authors_are_recognized_only_when_the_index_holds_them():
    titles, authors = {"Intake assessment", "Progress note"}, {"Mei Chen", "Samuel Okafor"}
    scope = scope_of(
        "What did Okafor write in the intake assessment?", TODAY, titles=titles, authors=authors
    )
    assert scope.where.title == "Intake assessment" and scope.where.author == "Samuel Okafor"
    assert scope.where.kinds == ()  # the title already says which notes
    unknown = scope_of("What did Dr. Rivera write?", TODAY, titles=titles, authors=authors)
    assert unknown.where.author is None


def test_diagnoses_medications_and_goals_name_their_kinds():
    assert scope_of("what medication changes were made?", TODAY).where.kinds == ("medication",)
    assert scope_of("which diagnoses came first?", TODAY).where.kinds == ("diagnosis",)
    assert scope_of("what goals were set?", TODAY).where.kinds == ("goal", "care-plan")


def test_abbreviations_are_spelled_out_for_search_only_where_they_stand_alone():
    from copilot.qa.filters import spelled_out

    assert spelled_out("has he reported SI?") == "has he reported SI (suicidal ideation)?"
    assert spelled_out("docs for a PA request") == "docs for a PA (prior authorization) request"
    assert spelled_out("his sister visited") == "his sister visited"  # "si" inside a word
    assert spelled_out("f/u in 2 weeks") == "f/u (follow-up) in 2 weeks"


def test_the_clients_name_is_said_as_the_client_for_comparing_with_the_chart():
    from copilot.qa.filters import as_the_client

    assert as_the_client("what brought Maya in?", "Maya Thompson") == "what brought the client in?"
    assert as_the_client("did Maya Thompson's mood lift", "Maya Thompson") == (
        "did the client's mood lift"
    )
    assert as_the_client("any Mayan art?", "Maya Thompson") == "any Mayan art?"


def test_questions_for_the_presenting_problem_are_recognized():
    from copilot.qa.filters import asks_presenting_problem, spelled_out

    for question in ("what brought her in", "why is he in therapy", "chief complaint?"):
        assert asks_presenting_problem(question)
    assert not asks_presenting_problem("why did she stop therapy")
    assert "presenting problem" in spelled_out("what brought her in")
