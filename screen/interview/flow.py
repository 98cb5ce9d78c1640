"""The order questions are asked in, for a cover offence and a form (pure)."""

from __future__ import annotations

from screen.model import Question, Rulebook

SHORT_FORM_LIMIT = 16


def asking_order(rulebook: Rulebook, offence: str, form: str) -> tuple[Question, ...]:
    """Return the questions of ``offence`` in asking order; ``form`` is short or full.

    Opening questions first, then the offence's focus questions, then every other
    question of that offence in file order. The short form keeps short questions.
    """
    ids: list[str] = list(rulebook.opening)
    focus = next((flow.focus for flow in rulebook.flows if flow.offence == offence), ())
    ids += [qid for qid in focus if qid not in ids]
    ids += [q.id for q in rulebook.questions if q.asked_for(offence) and q.id not in ids]
    known = {q.id for q in rulebook.questions}
    ordered = (rulebook.question(qid) for qid in ids if qid in known)
    return tuple(q for q in ordered if form == "full" or q.form == "short")
