"""Screen one note: matcher evidence, cover-offence context and a cached decision (pure).

:class:`Screener` turns a :class:`Note` into a :class:`~screen.results.ScreenResult`.
It reads nothing and writes nothing; the application layer feeds it notes and
formats its results.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from screen.decision.engine import decide
from screen.interview import focus
from screen.interview.flow import asking_order
from screen.matching.matcher import Matcher
from screen.matching.memory import Memory
from screen.model import OFFENCES, Level, Rulebook, Trigger
from screen.results import Evidence, NextQuestion, ScreenResult, Verdict

VERDICT_CACHE = 20000
"""Decisions kept per screener (by evidence signature) before the cache is cleared."""

SETTLE_AT = (Level.L3, Level.L4)
"""Levels whose records carry the questions that would settle them."""

SETTLE_COUNT = 3
SETTLED_FORMAT = 1
"""Bumped whenever what :func:`settled_memory` keeps, or how it is ranked, changes."""
SETTLED_LIMIT = 50_000
"""Rankings remembered between runs (one per evidence signature at L3 or L4)."""


def settled_memory(matcher: Matcher, jurisdiction: str | None) -> Memory:
    """The questions that settle each signature, as ranked by earlier runs of this rulebook.

    Kept in the matcher's artefact store; the rulebook's hash and the jurisdiction
    are in the key, so an edit or another jurisdiction never reads them.
    """
    key = f"settled{SETTLED_FORMAT}-{matcher.rulebook.sha256[:40]}-{jurisdiction or ''}"
    return Memory(matcher.artefacts, key, SETTLED_LIMIT)


@dataclass(frozen=True, slots=True)
class Note:
    """One incident note, or the reason it could not be read."""

    id: str
    text: str = ""
    date: date | None = None
    offence: str = ""
    error: str = ""


def offence_evidence(rulebook: Rulebook, offence: str) -> tuple[Evidence, ...]:
    """Context evidence implied by the cover offence (from the rulebook's interview flows)."""
    flow = next((f for f in rulebook.flows if f.offence == offence), None)
    if flow is None:
        return ()
    return tuple(Evidence(i, question="cover offence", answer=offence) for i in flow.context)


class Screener:
    """Screens notes with one compiled rulebook; decisions are cached by evidence signature."""

    def __init__(
        self,
        matcher: Matcher,
        jurisdiction: str | None = None,
        today: date | None = None,
        reference: bool = False,
        memory: Memory | None = None,
    ) -> None:
        self.matcher = matcher
        self.memory = memory
        """Rankings of next questions from earlier runs (see :func:`settled_memory`)."""
        self.today = today
        """Counts a date of birth when a note has no date (the application passes it)."""
        self.today_basis = "reference" if reference else "today"
        """Whether ``today`` is the date of the run or a reference date the user chose."""
        self.rulebook = matcher.rulebook
        self.jurisdiction = jurisdiction
        self._verdicts: dict[tuple[tuple[str, ...], tuple[int, ...], str], Verdict] = {}
        self._forms: dict[str, focus.Form] = {}
        self._minor = next(
            (i.id for i in self.rulebook.indicators if Trigger.MINOR in i.triggers), ""
        )

    def screen(self, note: Note) -> ScreenResult:
        """Screen one note; an unreadable note gives an error result."""
        if note.error:
            return ScreenResult(note.id, error=note.error)
        found = self.matcher.scan(note.text, note.id, note.date, self.today, self.today_basis)
        evidence = found.evidence + offence_evidence(self.rulebook, note.offence)
        present = tuple(sorted({e.indicator for e in evidence if e.counts}))
        ages = tuple(sorted({e.age for e in evidence if e.counts and e.age is not None}))
        return ScreenResult(
            note.id,
            self._verdict(present, ages, note.offence if note.offence in OFFENCES else "other"),
            found.evidence,
            found.ages,
            age_basis=found.age_basis,
        )

    def screen_many(self, notes: Iterable[Note]) -> list[ScreenResult]:
        """Screen a chunk of notes, in order."""
        return [self.screen(note) for note in notes]

    def _verdict(self, present: tuple[str, ...], ages: tuple[int, ...], offence: str) -> Verdict:
        """The recommendation parts a result carries, shared by notes with the same signature.

        They depend only on which indicators are present, the ages read and, for the
        questions that would settle a note at L3 or L4, the cover offence.
        """
        key = (present, ages, offence)
        verdict = self._verdicts.get(key)
        if verdict is None:
            evidence = [Evidence(i) for i in present]
            evidence += [Evidence(self._minor, age=age) for age in ages]
            rec = decide(self.rulebook, evidence, jurisdiction=self.jurisdiction)
            settle: tuple[NextQuestion, ...] = ()
            if rec.level in SETTLE_AT:
                settle = self._remembered(key, tuple(evidence))
            verdict = Verdict(
                rec.level,
                rec.title,
                rec.minor,
                rec.reasons,
                rec.also,
                rec.profile,
                rec.safety,
                rec.score,
                settle,
            )
            if len(self._verdicts) >= VERDICT_CACHE:
                self._verdicts.clear()
            self._verdicts[key] = verdict
        return verdict

    def _remembered(
        self, key: tuple[tuple[str, ...], tuple[int, ...], str], evidence: tuple[Evidence, ...]
    ) -> tuple[NextQuestion, ...]:
        """:meth:`_settle`, looked up first in what earlier runs ranked."""
        if self.memory is None:
            return self._settle(evidence, key[2])
        name = json.dumps(key, separators=(",", ":"))
        known = self.memory.get(name)
        if isinstance(known, list):
            try:
                return tuple(NextQuestion(i, t, a, Level(r)) for i, t, a, r in known)
            except (TypeError, ValueError):
                pass  # not what this format keeps: rank afresh
        settle = self._settle(evidence, key[2])
        self.memory.put(name, [[q.id, q.text, q.answer, q.would_reach.value] for q in settle])
        return settle

    def remember(self, force: bool = False) -> None:
        """Save the compiled expressions and the rankings learned (now and then, or ``force``)."""
        self.matcher.remember(force)
        if self.memory is not None:
            self.memory.save(force)

    def _settle(self, evidence: tuple[Evidence, ...], offence: str) -> tuple[NextQuestion, ...]:
        """The questions of the offence's full form that would best settle the note.

        The safety questions are left out: every interview opens with them, so they
        cannot be what an analyst sends an officer to find out.
        """
        form = self._forms.get(offence)
        if form is None:
            questions = asking_order(self.rulebook, offence, "full")
            asked = tuple(q for q in questions if q.section != "safety")
            form = focus.Form(self.rulebook, asked, self.jurisdiction)
            self._forms[offence] = form
        return form.decisive(evidence, {})[:SETTLE_COUNT]
