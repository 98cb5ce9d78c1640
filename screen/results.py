"""Frozen values that leave the core: evidence, ages, recommendations, screen results.

Every output (batch formats, reports, the terminal) is built from these; the
plain dicts of JSON and CSV are made only in the application layer's formatters.
"""

from __future__ import annotations

from dataclasses import dataclass

from screen.model import (
    CueKind,
    Dimension,
    Element,
    Level,
    Minor,
    Profile,
    Resource,
    Status,
    Weight,
)


@dataclass(frozen=True, slots=True)
class Cue:
    """The context cue that set a finding's status."""

    kind: CueKind
    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Evidence:
    """One indicator hit, from an interview answer or from a note, with its provenance."""

    indicator: str
    status: Status = Status.PRESENT
    question: str = ""
    answer: str = ""
    note_id: str = ""
    start: int = -1
    end: int = -1
    snippet: str = ""
    cue: Cue | None = None
    age: int | None = None
    slang: bool = False
    source: str = ""
    """For an interview answer: ``note`` (confirmed from the note), ``officer`` (observed),
    or ``person`` (answered by the person)."""
    pattern: str = ""
    """For a note: the pattern that found the span, ``indicator#n`` (n counts the
    indicator's patterns from 1), or ``indicator#age`` for an age read from the note."""

    @property
    def counts(self) -> bool:
        """Whether this evidence counts toward a recommendation."""
        return self.status is Status.PRESENT

    def provenance(self) -> str:
        """A short human-readable origin: the question answered or the span in the note."""
        if self.source == "note":
            return f"confirmed from the note: «{self.snippet}» ({self.question})"
        if self.source == "officer":
            return f"observed by the officer: '{self.answer}' to {self.question}"
        if self.question:
            return f"answer '{self.answer}' to {self.question}"
        if self.start >= 0:
            return f"note {self.note_id} chars {self.start}-{self.end}".replace("note  ", "note ")
        return "given"


@dataclass(frozen=True, slots=True)
class AgeMention:
    """An age read from a note."""

    age: int
    start: int
    end: int
    basis: str


@dataclass(frozen=True, slots=True)
class Counts:
    """How many strong, medium and weak indicators a dimension has."""

    strong: int = 0
    medium: int = 0
    weak: int = 0

    def get(self, key: str) -> int:
        """Return the count for a rule key (``supporting`` is medium plus weak)."""
        if key == "supporting":
            return self.medium + self.weak
        return int(getattr(self, key))

    def add(self, weight: Weight, number: int = 1) -> Counts:
        """Return these counts with ``number`` more indicators of ``weight``."""
        return Counts(
            self.strong + number * (weight is Weight.STRONG),
            self.medium + number * (weight is Weight.MEDIUM),
            self.weak + number * (weight is Weight.WEAK),
        )

    def describe(self) -> str:
        """Say the counts in words, e.g. '1 strong, 2 medium'."""
        parts = [
            f"{n} {w}"
            for n, w in ((self.strong, "strong"), (self.medium, "medium"), (self.weak, "weak"))
            if n
        ]
        return ", ".join(parts) if parts else "no indicators"


@dataclass(frozen=True, slots=True)
class Counted:
    """An indicator that counted, with how and why."""

    id: str
    title: str
    weight: Weight
    dimension: Dimension
    element: Element
    provenance: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DimensionResult:
    """One ILO dimension's counts, verdict and what it lacks."""

    name: Dimension
    title: str
    counts: Counts
    positive: bool
    indicators: tuple[str, ...]
    missing: str


@dataclass(frozen=True, slots=True)
class NextQuestion:
    """An unanswered question whose answer could change the level."""

    id: str
    text: str
    answer: str
    would_reach: Level


@dataclass(frozen=True, slots=True)
class Recommendation:
    """The engine's result: a level and everything that explains it."""

    level: Level
    name: str
    title: str
    action: str
    reasons: tuple[str, ...]
    minor: Minor
    profile: Profile
    jurisdiction: str
    counted: tuple[Counted, ...]
    dimensions: tuple[DimensionResult, ...]
    missing: tuple[str, ...]
    next_questions: tuple[NextQuestion, ...]
    resources: tuple[Resource, ...]
    also: tuple[str, ...]
    rulebook_version: str
    rulebook_hash: str
    safety: tuple[str, ...] = ()
    """Signs of immediate danger or urgent need (a flag, whatever the level)."""
    score: float = 0.0
    """The screening score: points of the signs that count, for ranking notes."""
    held: tuple[str, ...] = ()
    """Signs found but not counted, such as violence with no sign of control."""


@dataclass(frozen=True, slots=True)
class Verdict:
    """The parts of a recommendation that a batch record carries."""

    level: Level
    title: str
    minor: Minor
    reasons: tuple[str, ...]
    also: tuple[str, ...]
    profile: Profile
    safety: tuple[str, ...] = ()
    score: float = 0.0
    next_questions: tuple[NextQuestion, ...] = ()
    """For a note at L3 or L4: the questions that would settle it, most decisive first."""


@dataclass(frozen=True, slots=True)
class ScreenResult:
    """One note's result: its verdict and evidence, or why it could not be screened."""

    id: str
    verdict: Verdict | None = None
    evidence: tuple[Evidence, ...] = ()
    ages: tuple[AgeMention, ...] = ()
    error: str = ""
    age_basis: str = ""
    """How the youngest age was read: stated, school grade, or a date of birth counted
    to the report date, a date in the note, or today (no date known)."""

    @property
    def level(self) -> Level | None:
        """The note's level, or None for an error record."""
        return self.verdict.level if self.verdict is not None else None

    def present(self) -> tuple[str, ...]:
        """Ids of the indicators found present, sorted, each once."""
        return tuple(sorted({e.indicator for e in self.evidence if e.counts}))
