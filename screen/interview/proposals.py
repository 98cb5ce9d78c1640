"""From a screened note to proposed answers: what the note already shows (pure).

Each indicator the note shows *present* becomes a proposed answer to the
question that would set it, with the words of the note as evidence; the officer
confirms or rejects it. An indicator the note shows only negated, hypothetical,
historical or about someone else is not proposed: it is shown beside its
question, which is asked as usual. An age read from the note is proposed for the
age question.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from screen.model import Question, Status
from screen.results import AgeMention, Evidence


@dataclass(frozen=True, slots=True)
class Proposal:
    """An answer the note suggests, waiting for the officer to confirm or reject it."""

    question: str
    value: str
    indicator: str
    snippet: str
    start: int
    end: int
    gate: tuple[str, str] | None = None
    """An earlier question and answer the proposal implies, to open its question
    ("someone else holds the passport" answers "Do you have your passport?" no)."""
    suggested: bool = False
    """Read by the learned layer from the sentence's wording, not by a rule."""


@dataclass(frozen=True, slots=True)
class Seen:
    """An indicator the note mentions but not as present (shown when its question is asked)."""

    question: str
    indicator: str
    status: Status
    snippet: str


def propose(
    questions: Iterable[Question],
    evidence: Iterable[Evidence],
    ages: Iterable[AgeMention],
    text: str,
) -> tuple[tuple[Proposal, ...], tuple[Seen, ...]]:
    """Proposed answers and seen-but-not-present signs, in asking order."""
    evidence = tuple(evidence)
    present = {e.indicator: e for e in evidence if _proposable(e) and e.age is None}
    other = {e.indicator: e for e in evidence if not _proposable(e)}
    age = _subject_age(evidence, tuple(ages))
    proposals: list[Proposal] = []
    seen: list[Seen] = []
    for question in questions:
        if question.records == "age":
            if age is not None:
                years, start, end = age
                words = _around(text, start, end)
                proposals.append(Proposal(question.id, str(years), "", words, start, end))
            continue
        best = _best_value(question, present)
        if best is not None:
            value, hit = best
            words = _around(text, hit.start, hit.end) if hit.start >= 0 else hit.snippet
            proposals.append(
                Proposal(
                    question.id,
                    value,
                    hit.indicator,
                    words,
                    hit.start,
                    hit.end,
                    suggested=hit.status is Status.SUGGESTED,
                )
            )
            continue
        for _, ids in question.sets:
            for indicator in ids:
                if indicator in other:
                    e = other[indicator]
                    seen.append(Seen(question.id, indicator, e.status, e.snippet))
    return tuple(proposals), tuple(seen)


def _proposable(evidence: Evidence) -> bool:
    """Found in the note, or suggested by the learned layer: the officer confirms either."""
    return evidence.counts or evidence.status is Status.SUGGESTED


def _best_value(question: Question, present: dict[str, Evidence]) -> tuple[str, Evidence] | None:
    """The answer whose indicators the note shows all of (the most of them on a tie).

    An answer that would also set an indicator the note does not show is never
    proposed: confirming "I have to do sexual things to pay the debt" would add
    debt bondage to a note that shows only the sex.
    """
    scored = []
    for order, (value, ids) in enumerate(question.sets):
        shown = [present[i] for i in ids if i in present]
        if shown and len(shown) == len(ids):
            scored.append((-len(shown), order, value, shown[0]))
    if not scored:
        return None
    *_, value, hit = min(scored, key=lambda row: row[:2])
    return value, hit


def _subject_age(
    evidence: tuple[Evidence, ...], ages: tuple[AgeMention, ...]
) -> tuple[int, int, int] | None:
    """The age to propose: the youngest that counted as a minor, else the first one read.

    A minor's age counts only where the note gives it as the person's own; the first
    age in a note is usually the person's description ("S1 (F, 34)").
    """
    minors = [e for e in evidence if e.counts and e.age is not None and e.start >= 0]
    if minors:
        young = min(minors, key=lambda e: (e.age or 0, e.start))
        return young.age or 0, young.start, young.end
    first = min(ages, key=lambda a: a.start, default=None)
    return (first.age, first.start, first.end) if first is not None else None


def _around(text: str, start: int, end: int, reach: int = 30) -> str:
    """The words of ``text`` around a span, cut at word boundaries."""
    left = max(0, start - reach)
    right = min(len(text), end + reach)
    if left > 0:
        space = text.find(" ", left, start)
        left = space + 1 if space >= 0 else left
    if right < len(text):
        space = text.rfind(" ", end, right)
        right = space if space >= 0 else right
    return " ".join(text[left:right].split())
