"""One linear-time pass over a text for many expressions at once (Hyperscan).

Three uses in the matcher: a *literal* scanner over the required words of the
proximity patterns, a *phrase* scanner that reports where each phrase's
scanner form ends, and a *probe* scanner that says which expert and age
expressions match at all. None can backtrack, so no input or rulebook can make
a scan slow. Compiled databases can be kept in an :class:`Artefacts` store that
the caller provides, keyed by their expressions.
"""

from __future__ import annotations

import codecs
import hashlib
import importlib
import re
from collections.abc import Sequence
from typing import Any, Protocol

import hyperscan

re_parser: Any = getattr(re, "_parser", None) or importlib.import_module("sre_parse")
"""Python's regular-expression parser (``re._parser``; ``sre_parse`` before 3.11)."""

REGEX_FLAGS = hyperscan.HS_FLAG_CASELESS | hyperscan.HS_FLAG_UTF8 | hyperscan.HS_FLAG_SOM_LEFTMOST
PROBE_FLAGS = hyperscan.HS_FLAG_CASELESS | hyperscan.HS_FLAG_UTF8 | hyperscan.HS_FLAG_SINGLEMATCH
"""For yes/no questions: no start offsets, one report per expression."""
Hit = tuple[int, int, int]
"""(expression index, start, end) in characters."""


def _ascii_class(error: UnicodeError) -> tuple[str, int]:
    """Replace each non-ASCII character by an ASCII one of the same regex class."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    chunk = error.object[error.start : error.end]
    return "".join(_class_char(ch) for ch in chunk), error.end


def _class_char(ch: str) -> str:
    if ch.isspace():
        return " "
    if ch.isdecimal():
        return "0"
    return "x" if ch.isalnum() else "#"


codecs.register_error("htscreen-ascii", _ascii_class)


def ascii_view(text: str) -> bytes:
    r"""``text`` as ASCII bytes, one byte per character, for the phrase scanner.

    Each non-ASCII character becomes an ASCII one that Python's ``\s``, ``\d``,
    ``\w`` and ``\b`` treat alike (space, digit, letter or other), and the
    rulebook's phrases are ASCII; so a phrase that matches ``text`` matches the view
    at the same offsets, and offsets in the view are character offsets.
    """
    return text.encode("ascii", "htscreen-ascii")


class Artefacts(Protocol):
    """Where compiled artefacts are kept between runs (the application's cache)."""

    def get(self, key: str) -> bytes | None:
        """The artefact stored as ``key``, or None."""

    def put(self, key: str, payload: bytes) -> None:
        """Keep ``payload`` as ``key``."""


class RegexRejected(ValueError):
    """An expression the scanner cannot run (bad syntax, empty match, too large)."""


def expert_regex_problems(expressions: tuple[str, ...]) -> dict[int, RegexRejected]:
    """What :func:`check_expert_regex` says of each expression, by position (none: all fine).

    Hyperscan compiles them together first: one database instead of one per
    expression. Only when that fails is each compiled on its own to find which.
    """
    together = all(e.strip() for e in expressions)
    if together and expressions:
        try:
            _compile(expressions, literal=False, flags=(PROBE_FLAGS,) * len(expressions))
        except RegexRejected:
            together = False
    problems = {}
    for number, expression in enumerate(expressions):
        try:
            check_expert_regex(expression, compiled=together)
        except RegexRejected as exc:
            problems[number] = exc
    return problems


def check_expert_regex(expression: str, compiled: bool = False) -> None:
    """Raise RegexRejected unless ``expression`` is safe for both engines.

    Hyperscan must compile it (so it has no back-references or look-around), and it
    must not repeat a group more than a few times when that group itself repeats or
    has alternatives, such as ``(a+)+`` or ``(a|aa)*``: those shapes make a
    backtracking engine (Python's ``re``, used for match positions) take
    exponential time.
    """
    if not expression.strip():
        raise RegexRejected("it is empty")
    try:
        if not compiled:  # ``compiled``: Hyperscan already took it with others
            _compile((expression,), literal=False, flags=(PROBE_FLAGS,))
    except RegexRejected as exc:
        raise RegexRejected(str(exc).split(" (expression:")[0]) from None
    try:
        tree = re_parser.parse(expression)
    except re.error as exc:
        raise RegexRejected(f"Python cannot read it ({exc})") from None
    if _overlapping_repeats(tree):
        raise RegexRejected(
            "two repeats of varying length in a row can match the same characters "
            "(like a*a* or [^0-9]{0,30}[^0-9]{0,30}), which can make matching slow; "
            "merge them into one repeat"
        )
    if _nested_repeat(tree, inside=False):
        raise RegexRejected(
            "it repeats a group that itself repeats or has alternatives, "
            "which can take exponential time; repeat a single character "
            "class instead"
        )


_ASCII = range(128)
_CATEGORIES: dict[str, Any] = {
    "CATEGORY_DIGIT": lambda c: chr(c).isdigit(),
    "CATEGORY_NOT_DIGIT": lambda c: not chr(c).isdigit(),
    "CATEGORY_SPACE": lambda c: chr(c).isspace(),
    "CATEGORY_NOT_SPACE": lambda c: not chr(c).isspace(),
    "CATEGORY_WORD": lambda c: chr(c).isalnum() or c == 95,
    "CATEGORY_NOT_WORD": lambda c: not (chr(c).isalnum() or c == 95),
}


def _chars(op: str, value: Any) -> set[int] | None:
    """The ASCII characters one simple item can match (either case), or None if not simple."""
    found: set[int] = set()
    if op == "LITERAL":
        found = {value}
    elif op == "NOT_LITERAL":
        found = {c for c in _ASCII if c != value}
    elif op == "ANY":
        found = set(_ASCII)
    elif op == "IN":
        negate = False
        for item_op, item in value:
            name = str(item_op)
            if name == "NEGATE":
                negate = True
            elif name == "LITERAL":
                found.add(item)
            elif name == "RANGE":
                found.update(range(item[0], item[1] + 1))
            elif name == "CATEGORY" and str(item) in _CATEGORIES:
                found.update(c for c in _ASCII if _CATEGORIES[str(item)](c))
            else:
                return None
        if negate:
            found = set(_ASCII) - found
    else:
        return None
    ascii_found = [c for c in found if c < 128]
    return (
        found
        | {ord(chr(c).lower()) for c in ascii_found}
        | {ord(chr(c).upper()) for c in ascii_found}
    )


def _open_simple(op: Any, value: Any) -> set[int] | None:
    r"""The characters of a repeat of one simple item whose length can vary widely.

    Open-ended repeats (``a*``, ``\w+``) and wide bounded ones (``[^0-9]{0,30}``)
    both count: two of them in a row over the same characters let a backtracking
    engine try every way of sharing a run between them (polynomial time, with a
    degree of the number of repeats).
    """
    if str(op) not in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
        return None
    low, high = value[0], value[1]
    if high is not re_parser.MAXREPEAT and high - low <= SMALL_REPEAT:
        return None
    body = list(value[2])
    return _chars(str(body[0][0]), body[0][1]) if len(body) == 1 else None


def _overlapping_repeats(tree: Any) -> bool:
    """Whether two open-ended repeats in a row share characters, at any depth."""
    items = list(tree)
    for (op_a, val_a), (op_b, val_b) in zip(items, items[1:]):
        first, second = _open_simple(op_a, val_a), _open_simple(op_b, val_b)
        if first is not None and second is not None and first & second:
            return True
    for op, value in items:
        name = str(op)
        if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            if _overlapping_repeats(value[2]):
                return True
        elif name == "BRANCH":
            if any(_overlapping_repeats(branch) for branch in value[1]):
                return True
        elif name in ("SUBPATTERN", "ATOMIC_GROUP") and _overlapping_repeats(value[-1]):
            return True
    return False


SMALL_REPEAT = 6
"""A group repeated at most this many times cannot blow up, whatever it holds."""


def _nested_repeat(tree: Any, inside: bool) -> bool:
    """Whether a repeat (of more than one) contains another repeat or an alternation."""
    for op, value in tree:
        name = str(op)
        if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, high, body = value
            repeats = high is re_parser.MAXREPEAT or high > SMALL_REPEAT
            if repeats and inside:
                return True
            if _nested_repeat(body, inside or repeats):
                return True
        elif name == "BRANCH":
            if inside:
                return True
            if any(_nested_repeat(branch, inside) for branch in value[1]):
                return True
        elif name in ("SUBPATTERN", "ATOMIC_GROUP"):
            body = value[-1]
            if _nested_repeat(body, inside):
                return True
    return False


class Scanner:
    """A compiled multi-expression scanner over normalised text."""

    def __init__(
        self,
        expressions: Sequence[str],
        literal: bool,
        artefacts: Artefacts | None = None,
        flags: Sequence[int] | None = None,
    ) -> None:
        self.expressions = tuple(expressions)
        self.literal = literal
        self.flags = tuple(flags) if flags is not None else None
        self._lengths = tuple(len(e.encode("utf-8")) for e in self.expressions)
        self._database = _load_or_compile(self.expressions, literal, artefacts, self.flags)

    def matched(self, text: str) -> list[int]:  # noqa: D102
        """Ids of the expressions that report a match anywhere in ``text`` (ASCII-safe)."""
        if not self.expressions:
            return []
        found: set[int] = set()
        self._database.scan(
            text.encode("utf-8"), match_event_handler=lambda ident, *_: found.add(ident)
        )
        return list(found)

    def ends(self, data: bytes) -> list[tuple[int, int]]:
        """(expression index, end offset) of every match in ``data``, start unknown."""
        found: list[tuple[int, int]] = []
        if self.expressions:
            self._database.scan(
                data, match_event_handler=lambda ident, _start, end, *_: found.append((ident, end))
            )
        return found

    def literal_hits(self, data: bytes) -> list[Hit]:
        """(word index, start, end) of every literal word in ASCII ``data``."""
        lengths = self._lengths
        return [(ident, end - lengths[ident], end) for ident, end in self.ends(data)]


def _load_or_compile(
    expressions: tuple[str, ...],
    literal: bool,
    artefacts: Artefacts | None,
    flags: tuple[int, ...] | None = None,
) -> Any:
    if not expressions:
        return None
    digest = hashlib.sha256(
        ("L" if literal else "R").encode()
        + repr(flags).encode()
        + "\x00".join(expressions).encode("utf-8")
    ).hexdigest()[:32]
    key = f"hyperscan-{getattr(hyperscan, '__version__', '0')}-{digest}"
    stored = artefacts.get(key) if artefacts is not None else None
    if stored is not None:
        try:
            database = hyperscan.loadb(stored, hyperscan.HS_MODE_BLOCK)
            database.scratch = hyperscan.Scratch(database)
            return database
        except (hyperscan.error, ValueError, TypeError):
            pass
    database = _compile(expressions, literal, flags)
    if artefacts is not None:
        artefacts.put(key, hyperscan.dumpb(database))
    return database


def _compile(
    expressions: tuple[str, ...], literal: bool, flags: tuple[int, ...] | None = None
) -> Any:
    database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    encoded = [expression.encode("utf-8") for expression in expressions]
    default = 0 if literal else REGEX_FLAGS
    try:
        database.compile(
            expressions=encoded,
            ids=list(range(len(encoded))),
            elements=len(encoded),
            flags=list(flags or [default] * len(encoded)),
            literal=literal,
        )
    except hyperscan.error as exc:
        culprit = _find_culprit(expressions) if len(expressions) > 1 else expressions[0]
        raise RegexRejected(f"{str(exc).rstrip('.')} (expression: {culprit[:120]})") from None
    return database


def _find_culprit(expressions: tuple[str, ...]) -> str:
    for expression in expressions:
        try:
            _compile((expression,), literal=False)
        except RegexRejected:
            return expression
    return "(the expressions together are too large)"
