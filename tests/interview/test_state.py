"""The interview state machine, driven without a terminal."""

from __future__ import annotations

import pytest

from screen.interview.state import AnswerRejected, Interview


def start(rulebook, offence="immigration", form="short") -> Interview:
    return Interview(rulebook, offence, form)


def documents_with_employer(**extra: str) -> dict[str, str]:
    """Answers of an adult whose employer holds the documents, plus ``extra`` (dashed ids)."""
    answers = {
        "safety-now": "no",
        "person-age": "30",
        "has-documents": "no",
        "who-holds-documents": "employer",
    }
    answers.update({key.replace("_", "-"): value for key, value in extra.items()})
    return answers


def answer_all(iv: Interview, answers: dict[str, str]) -> None:
    while (q := iv.current()) is not None:
        iv.answer(answers.get(q.id, "skip"))


def test_order_opening_then_focus_then_rest(minimal) -> None:
    iv = start(minimal, "labour_dispute", "full")
    assert [q.id for q in iv.order][:4] == ["safety-now", "person-age", "paid", "hours-per-day"]


def test_short_form_keeps_short_questions(minimal) -> None:
    assert all(q.form == "short" for q in start(minimal, "labour_dispute").order)


def test_branching_follow_up_only_when_condition_holds(minimal) -> None:
    iv = start(minimal)
    for value in ("no", "30", "yes"):
        iv.answer(value)
    assert iv.current().id == "free-to-leave"  # has-documents yes: no follow-up
    iv.back()
    assert iv.current().id == "has-documents"
    iv.answer("no")
    assert iv.current().id == "who-holds-documents"


def test_changing_an_answer_drops_answers_that_no_longer_apply(minimal) -> None:
    iv = start(minimal)
    answer_all(iv, documents_with_employer(free_to_leave="yes"))
    assert "who-holds-documents" in iv.answers
    iv.change("has-documents")
    assert iv.current().id == "has-documents"
    iv.answer("yes")
    assert "who-holds-documents" not in iv.answers
    assert iv.answers["free-to-leave"].value == "yes"  # still applies, kept
    assert iv.current() is None


def test_back_over_a_branch(minimal) -> None:
    iv = start(minimal)
    answer_all(iv, documents_with_employer(free_to_leave="no"))
    assert iv.back().question == "free-to-leave"
    assert iv.back().question == "who-holds-documents"
    assert iv.back().question == "has-documents"
    assert iv.current().id == "has-documents"
    assert list(iv.answers) == ["safety-now", "person-age"]


def test_special_answers_are_recorded_not_no(minimal) -> None:
    iv = start(minimal)
    iv.answer("declined")
    iv.answer("unknown")
    assert iv.answers["safety-now"].value == "declined"
    assert iv.answers["person-age"].value == "unknown"
    assert iv.evidence() == ()


def test_invalid_answers_are_rejected_with_what_is_allowed(minimal) -> None:
    iv = start(minimal)
    with pytest.raises(AnswerRejected, match="yes or no"):
        iv.answer("maybe")
    iv.answer("n")
    with pytest.raises(AnswerRejected, match="from 0 to 120"):
        iv.answer("200")
    iv.answer("16")
    assert iv.answers["person-age"].value == "16"


def test_choice_by_number_or_value(minimal) -> None:
    iv = start(minimal)
    answer_all(iv, documents_with_employer(who_holds_documents="2"))
    assert iv.answers["who-holds-documents"].value == "employer"


def test_danger_is_reported_at_once_and_is_l0_only_with_a_sign_of_trafficking(minimal) -> None:
    iv = start(minimal, "domestic_abuse")
    assert iv.answer("yes") == ("immediate-danger",)
    assert iv.answer("30") == ()  # only newly present emergencies are reported
    rec = iv.recommendation()
    assert rec.safety == ("immediate-danger",)
    assert rec.level != "L0"  # danger alone is a safety flag, not a trafficking referral
    assert iv.current().id == "free-to-leave"
    iv.answer("no")
    rec = iv.recommendation()
    assert rec.level == "L0" and rec.safety == ("immediate-danger",)


def test_minor_age_feeds_the_minor_gate(minimal) -> None:
    iv = start(minimal, "prostitution")
    answer_all(iv, {"safety-now": "no", "person-age": "15", "traded-sex": "yes"})
    rec = iv.recommendation()
    assert rec.level == "L1" and rec.minor == "yes"


def test_progress_counts_applicable_questions(minimal) -> None:
    iv = start(minimal)
    assert iv.progress() == (1, 4)
    iv.answer("no")
    iv.answer("30")
    iv.answer("no")
    assert iv.progress() == (4, 5)  # the follow-up now applies


def test_save_and_resume_round_trip(minimal) -> None:
    iv = start(minimal)
    for value in ("no", "30", "no", "employer"):
        iv.answer(value)
    iv.case_ref = "24-1"
    again = Interview.from_dict(minimal, iv.to_dict())
    assert again.answers == iv.answers and again.history == iv.history
    assert again.case_ref == "24-1"
    assert again.current().id == iv.current().id == "free-to-leave"
    assert again.recommendation() == iv.recommendation()


def test_next_questions_come_from_the_full_form(minimal) -> None:
    iv = start(minimal, "labour_dispute")
    answer_all(iv, documents_with_employer(free_to_leave="no"))
    assert iv.recommendation().level == "L3"
    assert "paid" in {q.id for q in iv.open_questions()}


# --- an interview started from a note -----------------------------------------------

from screen.interview.proposals import Proposal  # noqa: E402


def from_note(rulebook, *proposals: Proposal, offence: str = "labour_dispute") -> Interview:
    iv = Interview(rulebook, offence, "short")
    iv.proposals = proposals
    iv.note_ref, iv.note_sha256, iv.focused = "notes.jsonl#F-1", "ab" * 32, True
    return iv


DOCS = Proposal("who-holds-documents", "employer", "documents-held", "mgr has her ppt", 10, 25)
LEAVE = Proposal("free-to-leave", "no", "not-free-to-leave", "not allowed to leave", 30, 50)
AGE = Proposal("person-age", "34", "", "W1 (34 y/o)", 0, 10)


def test_a_follow_up_proposal_comes_with_its_gate_and_confirming_answers_both(minimal) -> None:
    iv = from_note(minimal, DOCS)
    pending = iv.pending()
    assert pending is not None and pending.gate == ("has-documents", "no")
    iv.confirm(pending)
    assert iv.answers["has-documents"].value == "no"
    assert iv.answers["who-holds-documents"].source == "note"
    assert iv.pending() is None
    counted = [e for e in iv.evidence() if e.indicator == "documents-held"]
    assert counted[0].provenance().startswith("confirmed from the note: «mgr has her ppt»")


def test_safety_is_asked_before_the_notes_proposals_unless_the_note_proposes_it(minimal) -> None:
    iv = from_note(minimal, DOCS, LEAVE)
    assert iv.opening() is not None and iv.current() == iv.opening()
    assert iv.current().id == "safety-now"
    iv.answer("no")
    assert iv.answers["safety-now"].value == "no"
    assert iv.opening() is None and iv.pending() is not None
    danger = Proposal("safety-now", "yes", "immediate-danger", "he has a knife", 0, 14)
    proposed = from_note(minimal, danger, DOCS)
    assert proposed.opening() is None  # offered as a proposal instead
    assert proposed.is_safety(proposed.pending().question)
    proposed.reject(proposed.pending(), unknown=True)
    assert proposed.opening().id == "safety-now"  # set aside, so asked at once


def test_not_so_to_a_yes_no_proposal_is_the_officers_answer_the_other_way(minimal) -> None:
    iv = from_note(minimal, LEAVE)
    iv.reject(iv.pending())
    answer = iv.answers["free-to-leave"]
    assert (answer.value, answer.source) == ("yes", "officer")
    assert iv.resolved == {"free-to-leave": "rejected"}


def test_unknown_leaves_the_question_to_be_asked(minimal) -> None:
    iv = from_note(minimal, LEAVE)
    iv.reject(iv.pending(), unknown=True)
    assert "free-to-leave" not in iv.answers and iv.pending() is None
    answer_all(iv, {"safety-now": "no", "person-age": "30"})
    assert "free-to-leave" in iv.answers  # still decisive, so asked


def test_a_focused_interview_asks_the_opening_then_only_what_could_change_the_level(
    minimal,
) -> None:
    iv = from_note(minimal, DOCS, LEAVE, AGE)
    while (p := iv.pending()) is not None:
        iv.confirm(p)
    asked = []
    while (q := iv.current()) is not None:
        asked.append(q.id)
        iv.answer("no")
    # the note answered the rest; the danger question is always asked
    assert asked == ["safety-now"]
    full = Interview(minimal, "labour_dispute", "short")
    answer_all(full, {})
    assert len(full.answers) == 4
    assert iv.remaining() == tuple(q for q in iv.order if q.id not in iv.answers and iv.relevant(q))


def test_back_over_a_confirmed_proposal_offers_it_again(minimal) -> None:
    iv = from_note(minimal, AGE)
    iv.confirm(iv.pending())
    assert iv.back() is not None
    assert iv.pending() == AGE


def test_the_note_part_survives_save_and_restore(minimal) -> None:
    iv = from_note(minimal, DOCS, LEAVE)
    iv.confirm(iv.pending())
    iv.reject(iv.pending())
    again = Interview.from_dict(minimal, iv.to_dict())
    assert (again.note_ref, again.note_sha256, again.focused) == (
        iv.note_ref,
        iv.note_sha256,
        True,
    )
    assert again.proposals == (DOCS, LEAVE) and again.resolved == iv.resolved
    assert again.answers["who-holds-documents"].snippet == "mgr has her ppt"
    assert again.pending() is None


def test_a_damaged_note_part_is_dropped_not_fatal(minimal) -> None:
    data = from_note(minimal, DOCS).to_dict()
    data["note"]["proposals"] = [{"value": "no question"}]
    again = Interview.from_dict(minimal, data)
    assert again.proposals == () and again.note_ref == "notes.jsonl#F-1"
