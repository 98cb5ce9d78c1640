"""Context around a hit: clauses, cue scope, and ages written in a note (pure).

A cue (negation, hypothetical, historical, other person) modifies a hit only
inside the hit's clause, on the cue's declared side, within its window of
words, never across a terminator ("but", "and", ";"), and never from inside
the hit's own words.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from datetime import date

from screen.model import Cue, Status

_SCOPE_BREAK = re.compile(r"[,()]")
"""A comma or a parenthesis between a cue and the hit after it ends the cue's reach:
'(not related per juv), does all the cooking' is not a negation of the cooking."""
_CLAUSE_BREAK = re.compile(r"[.!?;\n](?:(?<=\.)(?=\s|$)|(?<=[!?;])|(?<=\n)\s*\n)")
r"""A full stop before a space or the end, ``! ? ;``, or a blank line. (Written to
start with a character class, which Python's ``re`` searches for twice as fast
as the plain alternation ``\.(?=\s|$)|[!?;]|\n\s*\n``.)"""
STATUS_ORDER = (
    ("other_person", Status.OTHER_PERSON),
    ("negation", Status.NEGATED),
    ("hypothetical", Status.HYPOTHETICAL),
    ("historical", Status.HISTORICAL),
)
MIN_PLAUSIBLE_AGE = 10
_SUSPECT = re.compile(r"\b(?:s\d|suspects?|susp|defendant|def|offender|arrestee)\b")
_RELATIVE = re.compile(
    r"\b(?:son|sons|daughter|daughters|child|children|kid|kids|baby|infant|toddler|brother|"
    r"sister|nephew|niece|grandson|granddaughter|hijo|hija|hijos|nino|nina|bebe)\b"
)


@dataclass(frozen=True, slots=True)
class CueHit:
    """A cue found in the text."""

    kind: str
    direction: str
    window: int
    start: int
    end: int


class Clauses:
    """Clause boundaries of one text, for fast lookup."""

    def __init__(self, text: str) -> None:
        self.length = len(text)
        self.breaks = [m.end() for m in _CLAUSE_BREAK.finditer(text)]

    def all(self) -> list[tuple[int, int]]:
        """Every clause of the text."""
        starts = [0, *self.breaks]
        ends = [*self.breaks, self.length]
        return [(s, e) for s, e in zip(starts, ends) if e > s]

    def index(self, position: int) -> int:
        """The number of the clause containing ``position``."""
        return bisect.bisect_right(self.breaks, position)

    def span(self, index: int) -> tuple[int, int]:
        """The (start, end) of clause number ``index``."""
        start = self.breaks[index - 1] if index > 0 else 0
        end = self.breaks[index] if index < len(self.breaks) else self.length
        return start, end

    def bounds(self, position: int) -> tuple[int, int]:
        """Return the (start, end) of the clause containing ``position``."""
        index = bisect.bisect_right(self.breaks, position)
        start = self.breaks[index - 1] if index > 0 else 0
        end = self.breaks[index] if index < len(self.breaks) else self.length
        return start, end


def words_between(text: str, start: int, end: int) -> int:
    """Count the words in ``text[start:end]``."""
    return len(text[start:end].split()) if end > start else 0


def classify(
    text: str,
    span: tuple[int, int],
    clauses: Clauses,
    cues: list[CueHit],
    terminators: list[tuple[int, int]],
) -> tuple[Status, Cue | None]:
    """Return the status of the hit at ``span`` and the cue that set it."""
    start, end = span
    clause_start, clause_end = clauses.bounds(start)
    found: dict[str, CueHit] = {}
    for cue in cues:
        if cue.kind in found or cue.start < clause_start or cue.end > clause_end:
            continue
        if cue.end <= start and cue.direction in ("before", "both"):
            gap = (cue.end, start)
        elif cue.start >= end and cue.direction in ("after", "both"):
            gap = (end, cue.start)
        else:
            continue
        if words_between(text, *gap) > cue.window:
            continue
        if cue.end <= start and _SCOPE_BREAK.search(text, *gap):
            continue
        if any(gap[0] <= t_start and t_end <= gap[1] for t_start, t_end in terminators):
            continue
        found[cue.kind] = cue
    for kind, status in STATUS_ORDER:
        if kind in found:
            hit = found[kind]
            return status, Cue(kind, text[hit.start:hit.end], hit.start, hit.end)
    return Status.PRESENT, None


@dataclass(frozen=True, slots=True)
class AgeMention:
    """An age read from a note."""

    age: int
    start: int
    end: int
    basis: str


_NUMBER = re.compile(r"\d{1,2}")
_DOB = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{2,4})|(\d{4})-(\d{1,2})-(\d{1,2})")
_GRADE_WORDS = {"freshman": 14, "sophomore": 15}


def read_age(norm: str, span: tuple[int, int], kind: str, report_date: date) -> AgeMention | None:
    """Turn an age hit into an age, or None when it is implausible or about someone else."""
    start, end = span
    snippet = norm[start:end]
    before = norm[max(0, start - 30):start]
    after = norm[end:end + 25]
    if _SUSPECT.search(before.split(".")[-1][-20:]) or _RELATIVE.search(before[-20:] + " " + after):
        return None
    age = _age_value(snippet, kind, report_date)
    if age is None or age < MIN_PLAUSIBLE_AGE or age > 99:
        return None
    return AgeMention(age, start, end, kind)


def _age_value(snippet: str, kind: str, report_date: date) -> int | None:
    if kind == "dob":
        return _age_from_dob(snippet, report_date)
    if kind == "grade":
        for word, age in _GRADE_WORDS.items():
            if word in snippet:
                return age
        number = _NUMBER.search(snippet)
        return int(number.group()) + 5 if number else None
    number = _NUMBER.search(snippet)
    return int(number.group()) if number else None


def _age_from_dob(snippet: str, report_date: date) -> int | None:
    match = _DOB.search(snippet)
    if match is None:
        return None
    if match.group(1):
        month, day, year = int(match.group(1)), int(match.group(2)), int(match.group(3))
        if year < 100:
            year += 2000 if year <= report_date.year % 100 else 1900
    else:
        year, month, day = int(match.group(4)), int(match.group(5)), int(match.group(6))
    try:
        born = date(year, month, day)
    except ValueError:
        return None
    if born > report_date:
        return None
    before_birthday = (report_date.month, report_date.day) < (born.month, born.day)
    return report_date.year - born.year - int(before_birthday)


AGE_EXPRESSIONS: tuple[tuple[str, str], ...] = (
    ("stated", r"\b\d{1,2}\s?-?\s?(?:y/o|y\.o\.?|yo|yoa|yrs?\.? old|years? old|year-old|"
               r"anos|ano de edad|anos de edad)\b"),
    ("stated", r"\b(?:age|aged|edad|de edad)[:\s]\s?\d{1,2}\b"),
    ("stated", r"\b(?:juv|juvenile|minor|female|male|v|v1|v2)\s?\(\d{1,2}\)"),
    ("dob", r"\b(?:dob|d\.o\.b\.|fdn|fecha de nacimiento)[:\s]\s?(?:\d{1,2}/\d{1,2}/\d{2,4}|"
            r"\d{4}-\d{1,2}-\d{1,2})\b"),
    ("grade", r"\b(?:\d{1,2}(?:st|nd|rd|th) grade|grade \d{1,2}|(?:freshman|sophomore) "
              r"(?:at|in))\b"),
)
"""Built-in age expressions over normalised text: (basis, expression)."""
