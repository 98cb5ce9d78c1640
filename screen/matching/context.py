"""Context around a hit: clauses and cue scope (pure).

A cue (negation, hypothetical, historical, other person) modifies a hit only
inside the hit's clause, on the cue's declared side, within its window of
words, never across a terminator ("but", "and", ";"), and never from inside
the hit's own words.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass

from screen.model import CueDirection, CueKind, Status
from screen.results import Cue

_SCOPE_BREAK = re.compile(r"[,()]")
"""A comma or a parenthesis between a cue and the hit after it ends the cue's reach:
'(not related per juv), does all the cooking' is not a negation of the cooking."""
CLAUSE_BREAK_SOURCE = (
    r"[.!?;\n](?:(?<=\.)(?=[\"'\u201d\u2019\u00bb)\]]*(?:\s|$))|(?<=[!?;])|(?<=\n)\s*\n)"
)
_CLAUSE_BREAK = re.compile(CLAUSE_BREAK_SOURCE)
r"""A full stop before a space or the end (closing quotes or brackets may come
between: ``hid them." On arrival``), ``! ? ;``, or a blank line. (Written to
start with a character class, which Python's ``re`` searches for twice as fast
as the plain alternation ``\.(?=\s|$)|[!?;]|\n\s*\n``.)"""
STATUS_ORDER = (
    (CueKind.OTHER_PERSON, Status.OTHER_PERSON),
    (CueKind.NEGATION, Status.NEGATED),
    (CueKind.HYPOTHETICAL, Status.HYPOTHETICAL),
    (CueKind.HISTORICAL, Status.HISTORICAL),
)


@dataclass(frozen=True, slots=True)
class CueHit:
    """A cue found in the text."""

    kind: CueKind
    direction: CueDirection
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


_WORD = re.compile(r"\S+")
SHORT_SPAN = 400
"""Spans up to this many characters are counted by splitting them; longer ones by bisection."""


class Words:
    """Counts the words in a span of one text, in log time however long the text.

    A word is a run of non-space characters, as ``str.split`` sees it, so
    ``count(start, end)`` equals ``len(text[start:end].split())`` (a word cut by
    the span counts once). A short span is split directly; a long one is counted
    by bisection over where the words start and end (an index built on first
    need), which keeps proximity and cue scope linear in the length of a long
    unpunctuated note, where slicing and splitting every gap made them quadratic.
    """

    __slots__ = ("_begins", "_ends", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._begins: list[int] | None = None
        self._ends: list[int] = []

    @property
    def begins(self) -> list[int]:
        """Where each word starts, in order."""
        if self._begins is None:
            self._index()
        assert self._begins is not None
        return self._begins

    @property
    def ends(self) -> list[int]:
        """Where each word ends, in order."""
        if self._begins is None:
            self._index()
        return self._ends

    def _index(self) -> None:
        spans = [m.span() for m in _WORD.finditer(self.text)]
        self._begins = [start for start, _ in spans]
        self._ends = [end for _, end in spans]

    def count(self, start: int, end: int) -> int:
        """The number of words that ``text[start:end]`` holds or cuts."""
        if end <= start:
            return 0
        if end - start <= SHORT_SPAN:
            return len(self.text[start:end].split())
        return bisect.bisect_left(self.begins, end) - bisect.bisect_right(self.ends, start)


def words_between(text: str, start: int, end: int) -> int:
    """Count the words in ``text[start:end]``."""
    return len(text[start:end].split()) if end > start else 0


def _holds(terminators: list[tuple[int, int]], gap: tuple[int, int]) -> bool:
    """Whether one of ``terminators`` (sorted by start) lies wholly inside ``gap``."""
    first = bisect.bisect_left(terminators, (gap[0], -1))
    for t_start, t_end in terminators[first:]:
        if t_start > gap[1]:
            return False
        if t_end <= gap[1]:
            return True
    return False


LIST_REACH = 24
"""How far a negation reaches into a list whose last item is the hit (in words)."""
LIST_ITEM = 6
"""The longest item (in words) of such a list."""
_LIST_TAIL = re.compile(r"(?:^|[\s,])(?:or|nor|ni|o|and/or)\s*$")


def _listed(text: str, gap: tuple[int, int], count: Callable[[int, int], int]) -> bool:
    """Whether the hit after ``gap`` is the last item of a list a negation opens.

    "None report owing money, jobs arranged, threats or anyone holding documents":
    short items separated by commas, the last joined by "or" (or "nor", "ni", "o"),
    so the negation before the list covers every item. A list joined by "and" is
    not one: "and" is a terminator.
    """
    if count(*gap) > LIST_REACH:
        return False
    piece = text[gap[0] : gap[1]]
    if "(" in piece or ")" in piece or not _LIST_TAIL.search(piece):
        return False
    return all(len(item.split()) <= LIST_ITEM for item in piece.split(","))


def classify(
    text: str,
    span: tuple[int, int],
    clauses: Clauses,
    cues: list[CueHit],
    terminators: list[tuple[int, int]],
    words: Words | None = None,
) -> tuple[Status, Cue | None]:
    """Return the status of the hit at ``span`` and the cue that set it.

    ``terminators`` are sorted by start; ``words`` is the text's word index, when
    the caller keeps one.
    """
    count = words.count if words is not None else lambda s, e: words_between(text, s, e)
    start, end = span
    clause_start, clause_end = clauses.bounds(start)
    found: dict[CueKind, CueHit] = {}
    for cue in cues:
        if cue.kind in found or cue.start < clause_start or cue.end > clause_end:
            continue
        if cue.end <= start and cue.direction is not CueDirection.AFTER:
            gap = (cue.end, start)
        elif cue.start >= end and cue.direction is not CueDirection.BEFORE:
            gap = (end, cue.start)
        else:
            continue
        before = cue.end <= start
        listed = False
        if count(*gap) > cue.window:
            listed = cue.kind is CueKind.NEGATION and before and _listed(text, gap, count)
            if not listed:
                continue
        if before and _SCOPE_BREAK.search(text, *gap):
            listed = listed or (cue.kind is CueKind.NEGATION and _listed(text, gap, count))
            if not listed:
                continue
        if _holds(terminators, gap):
            continue
        found[cue.kind] = cue
    if CueKind.HYPOTHETICAL not in found:
        mark = yes_no_question(text, span, (clause_start, clause_end))
        if mark is not None:
            found[CueKind.HYPOTHETICAL] = CueHit(
                CueKind.HYPOTHETICAL, CueDirection.BOTH, 0, mark, mark + 1
            )
    for kind, status in STATUS_ORDER:
        if kind in found:
            hit = found[kind]
            return status, Cue(kind, text[hit.start : hit.end], hit.start, hit.end)
    return Status.PRESENT, None


_QUESTION_WORDS = frozenset(
    """who whom whose what where when why how which quién quien quiénes quienes qué que
    dónde donde adónde adonde cuándo cuando cuánto cuanto cuánta cuanta cuántos cuantos
    cuántas cuantas cómo como cuál cual cuáles cuales""".split()  # noqa: SIM905
)
"""Words that open a question about something taken as given ("who keeps her
passport?"), which, unlike a yes/no question, still reports the sign."""
_AUXILIARIES = frozenset(
    """do does did are is was were am has have had can could will would should may
    might must shall""".split()  # noqa: SIM905
)
"""How an English yes/no question opens when nothing else marks it."""
_ASKED = frozenset("q p pregunta question asked preguntado preguntada preguntados".split())  # noqa: SIM905
"""The label before a ':' that makes what follows a question ("Q: you live here?")."""
_LEAD_WORDS = frozenset("y e and but so pero entonces o or well bueno".split())  # noqa: SIM905
_OPENERS = ':"\u2014'
_LETTERS = re.compile(r"[^\W\d_]+")


def yes_no_question(text: str, span: tuple[int, int], clause: tuple[int, int]) -> int | None:
    """Where the '?' is, when the hit at ``span`` is asked in a yes/no question.

    "Q: Do you owe money for the journey?" or "¿Le quitaron el pasaporte?" asks
    about the sign and does not report it; the answer, in the next clause, says
    whether it is there. A question that opens with a question word ("who holds
    your passport?", "¿y a dónde me voy, si debo?") takes the sign as given and is
    left alone, and so is a statement with a question tagged on after the hit
    ("the boss keeps her passport, can you believe it?").
    """
    clause_start, clause_end = clause
    piece = text[clause_start:clause_end].rstrip()
    if not piece.endswith("?"):
        return None
    opened = max(text.rfind(c, clause_start, span[0]) for c in _OPENERS)
    begin = opened + 1 if opened >= 0 else clause_start
    words = [w for w in _LETTERS.findall(text, begin, span[1]) if w not in _LEAD_WORDS]
    if not words or words[0] in _QUESTION_WORDS or words[:2] in (["por", "qué"], ["por", "que"]):
        return None
    marked = _inverted(text, clause_start) or (
        opened >= 0 and text[opened] == ":" and _before(text, clause_start, opened) in _ASKED
    )
    if not marked and words[0] not in _AUXILIARIES:
        return None
    return clause_start + len(piece) - 1


def _inverted(text: str, clause_start: int) -> bool:
    """Whether the clause opens with a Spanish '¿'.

    Folding makes '¿' a '?', which ends the clause before it; one glued to the
    next word opened a question rather than closed one.
    """
    return (
        clause_start > 0
        and text[clause_start - 1] == "?"
        and clause_start < len(text)
        and not text[clause_start].isspace()
    )


def _before(text: str, start: int, end: int) -> str:
    """The last word of ``text[start:end]``, or ''."""
    found = _LETTERS.findall(text, start, end)
    return found[-1] if found else ""
