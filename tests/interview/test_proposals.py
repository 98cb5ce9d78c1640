"""From a screened note to proposed answers: which answer, which words, which age."""

from __future__ import annotations

from screen.interview.flow import asking_order
from screen.interview.proposals import propose
from screen.model import Status
from screen.results import AgeMention, Evidence

NOTE = "W1 (34 y/o) says the mgr has her ppt. Her son, 9, is at school. She can't leave."


def span(text: str) -> tuple[int, int]:
    start = NOTE.index(text)
    return start, start + len(text)


def evidence(indicator: str, text: str, status: Status = Status.PRESENT, age=None) -> Evidence:
    start, end = span(text)
    return Evidence(indicator, status, snippet=text, start=start, end=end, age=age)


def test_a_present_sign_proposes_the_answer_that_sets_it(minimal) -> None:
    questions = asking_order(minimal, "immigration", "full")
    found = [evidence("documents-held", "mgr has her ppt")]
    proposals, seen = propose(questions, found, (), NOTE)
    assert [(p.question, p.value, p.indicator) for p in proposals] == [
        ("who-holds-documents", "employer", "documents-held")
    ]
    assert "mgr has her ppt" in proposals[0].snippet and seen == ()


def test_a_yes_no_question_set_by_no_is_proposed_as_no(minimal) -> None:
    questions = asking_order(minimal, "domestic_abuse", "full")
    proposals, _ = propose(questions, [evidence("not-free-to-leave", "can't leave")], (), NOTE)
    assert [(p.question, p.value) for p in proposals] == [("free-to-leave", "no")]


def test_a_negated_sign_is_shown_beside_its_question_not_proposed(minimal) -> None:
    questions = asking_order(minimal, "immigration", "full")
    found = [evidence("documents-held", "mgr has her ppt", Status.NEGATED)]
    proposals, seen = propose(questions, found, (), NOTE)
    assert proposals == ()
    assert [(s.question, s.status) for s in seen] == [("who-holds-documents", Status.NEGATED)]


def test_the_first_age_is_proposed_when_no_minor_counted(minimal) -> None:
    questions = asking_order(minimal, "immigration", "short")
    ages = (AgeMention(9, *span("9"), "stated"), AgeMention(34, *span("34 y/o"), "stated"))
    proposals, _ = propose(questions, (), ages, NOTE)
    assert [(p.question, p.value) for p in proposals] == [("person-age", "34")]
    assert "34 y/o" in proposals[0].snippet


def test_a_minor_age_that_counted_wins_over_the_first_age(minimal) -> None:
    questions = asking_order(minimal, "immigration", "short")
    ages = (AgeMention(34, *span("34 y/o"), "stated"), AgeMention(9, *span("9"), "stated"))
    minor = evidence("age-under-18", "9", age=9)
    proposals, _ = propose(questions, [minor], ages, NOTE)
    assert [(p.question, p.value) for p in proposals] == [("person-age", "9")]


def test_snippets_are_cut_at_word_boundaries(minimal) -> None:
    questions = asking_order(minimal, "immigration", "full")
    proposals, _ = propose(questions, [evidence("documents-held", "mgr has her ppt")], (), NOTE)
    words = proposals[0].snippet.split()
    assert all(word in NOTE.split() for word in words)


def test_a_suggestion_is_proposed_and_marked_for_the_officer(minimal) -> None:
    questions = asking_order(minimal, "domestic_abuse", "full")
    found = [evidence("not-free-to-leave", "She can't leave.", Status.SUGGESTED)]
    proposals, seen = propose(questions, found, (), NOTE)
    assert [(p.question, p.value, p.suggested) for p in proposals] == [
        ("free-to-leave", "no", True)
    ]
    assert seen == ()
    ruled, _ = propose(questions, [evidence("not-free-to-leave", "can't leave")], (), NOTE)
    assert [p.suggested for p in ruled] == [False]


DEBT_NOTE = "V1, 15, says older men visit her and she owes him for the trip."


def debt_evidence(indicator: str, text: str) -> Evidence:
    start = DEBT_NOTE.index(text)
    return Evidence(indicator, Status.PRESENT, snippet=text, start=start, end=start + len(text))


def test_an_answer_that_would_add_an_unshown_sign_is_not_proposed(shipped) -> None:
    questions = asking_order(shipped, "prostitution", "full")
    sex = debt_evidence("commercial-sex-act", "older men visit her")
    proposals, _ = propose(questions, [sex], (), DEBT_NOTE)
    # "I have to do sexual things to pay it" also sets debt bondage, which the note lacks.
    assert "debt-how" not in [p.question for p in proposals]
    debt = debt_evidence("debt-bondage", "she owes him for the trip")
    proposals, _ = propose(questions, [sex, debt], (), DEBT_NOTE)
    assert ("debt-how", "sexual-acts") in [(p.question, p.value) for p in proposals]
