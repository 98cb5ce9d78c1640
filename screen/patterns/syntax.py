"""The rulebook's pattern language, parsed once into a syntax tree (pure).

A phrase is a sequence of units separated by spaces::

    took (her|his)? @documents ~2 away      word, optional group, list, gap, word
    threaten*  'date'  $  y/o                prefix, word in scare quotes, money, marks

Everything downstream works on the tree: :mod:`screen.patterns.compile` turns it
into a regular expression, :mod:`screen.patterns.anchors` reads the words every
match must contain, the validator reports its errors, and :func:`render` writes
it back in canonical form for ``rules show`` and the indicator reference.

Text is *normalised* first (lower case, accents folded, curly quotes
straightened) without changing its length, so offsets found in normalised text
are offsets in the original.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any

_FOLD = str.maketrans(
    {
        "á": "a", "à": "a", "â": "a", "ä": "a", "ã": "a",
        "é": "e", "è": "e", "ê": "e", "ë": "e",
        "í": "i", "ì": "i", "î": "i", "ï": "i",
        "ó": "o", "ò": "o", "ô": "o", "ö": "o", "õ": "o",
        "ú": "u", "ù": "u", "û": "u", "ü": "u",
        "ñ": "n", "ç": "c",
        "’": "'", "‘": "'", "ʼ": "'", "“": '"', "”": '"',
        "¿": "?", "¡": "!",
    }
)  # fmt: skip

WORD_CHARS = re.compile(r"[a-z0-9'/.$#&\-]+")
"""The characters a literal word may hold."""
MAX_GAP = 10
MAX_GAPS = 2


class HashedOnce:
    """Mixin for frozen tree nodes of one value field: the hash is worked out once.

    Trees are deeply nested and used as dictionary keys while a rulebook is
    compiled, so hashing them afresh at every lookup costs more than the lookups.
    A node class declares ``_hash: int = hash_slot()`` and ``__hash__ =
    HashedOnce.__hash__`` (a frozen dataclass otherwise writes its own). Nodes
    pickle by value, so the hash is worked out again where they are loaded.
    """

    __slots__ = ()
    _hash: int
    __match_args__: tuple[str, ...]

    def _value(self) -> object:
        return getattr(self, self.__match_args__[0])

    def __post_init__(self) -> None:
        object.__setattr__(self, "_hash", hash((self._value(),)))

    def __hash__(self) -> int:
        return self._hash

    def __reduce__(self) -> tuple[type, tuple[object]]:
        return (type(self), (self._value(),))


def hash_slot() -> Any:
    """The ``_hash`` field of a :class:`HashedOnce` node (not compared, not shown)."""
    return field(default=0, init=False, repr=False, compare=False)


class PatternSyntaxError(ValueError):
    """A phrase that does not follow the pattern language."""


_QUOTED = re.compile(r"(?<![a-z0-9])'((?:[^'\n]|(?<=[a-z])'(?=[a-z])){1,200}?)'(?![a-z0-9])")
"""A run of words in single quotes used as quotation marks ('my papers'), not apostrophes."""


def normalise_note(text: str) -> str:
    """:func:`normalise` a note, reading single quotation marks as double ones.

    People quote speech with either mark ("she said 'he has my papers'"); a phrase
    may cross a double quote but not a word glued to an apostrophe, so paired single
    quotes around words become ``"`` (same length: offsets are unchanged).
    Apostrophes inside or after a word (don't, the girls' room) stay.
    """
    norm = normalise(text)
    if "'" not in norm:
        return norm
    return _QUOTED.sub(lambda m: f'"{m.group(1)}"', norm)


def normalise(text: str) -> str:
    """Lower-case ``text`` and fold accents without changing its length."""
    lowered = text.lower()
    if len(lowered) != len(text):
        lowered = "".join(ch if len(ch.lower()) != 1 else ch.lower() for ch in text)
    if lowered.isascii():
        return lowered
    return lowered.translate(_FOLD)


@dataclass(frozen=True, slots=True)
class Word:
    """A literal word: ``passport``, ``threaten*`` (a prefix), ``'date'`` (scare quotes)."""

    text: str
    prefix: bool = False
    quoted: bool = False


@dataclass(frozen=True, slots=True)
class ListRef:
    """``@name``: any term of a lexicon list."""

    name: str


@dataclass(frozen=True, slots=True)
class Money:
    """``$``: an amount of money ($300, 3k, 200 dollars, 500 pesos)."""


@dataclass(frozen=True, slots=True)
class Group(HashedOnce):
    """``(a|b c)``: one of several phrases."""

    alternatives: tuple[Phrase, ...]
    _hash: int = hash_slot()
    __hash__ = HashedOnce.__hash__


@dataclass(frozen=True, slots=True)
class Gap:
    """``~`` (one word) or ``~N`` (up to N words) inside a sentence."""

    size: int | None


Item = Word | ListRef | Money | Group | Gap


@dataclass(frozen=True, slots=True)
class Unit:
    """One unit of a phrase; ``optional`` units are written ``(…)?``."""

    item: Item
    optional: bool = False


@dataclass(frozen=True, slots=True)
class Phrase(HashedOnce):
    """A parsed phrase."""

    units: tuple[Unit, ...]
    _hash: int = hash_slot()
    __hash__ = HashedOnce.__hash__

    def required(self) -> tuple[Item, ...]:
        """The items every match contains: not optional, not a gap."""
        return tuple(u.item for u in self.units if not u.optional and not isinstance(u.item, Gap))

    def lists(self) -> tuple[str, ...]:
        """The lexicon lists the phrase refers to, anywhere inside it, in order."""
        found: list[str] = []
        for unit in self.units:
            item = unit.item
            if isinstance(item, ListRef):
                found.append(item.name)
            elif isinstance(item, Group):
                for alternative in item.alternatives:
                    found.extend(alternative.lists())
        return tuple(found)


def split_top(source: str, sep: str) -> list[str]:
    """Split ``source`` on ``sep`` characters that are outside parentheses."""
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    for ch in source:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                raise PatternSyntaxError("a ')' has no matching '('")
        if ch == sep and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    if depth != 0:
        raise PatternSyntaxError("a '(' is never closed")
    parts.append("".join(current))
    return parts


@functools.lru_cache(maxsize=1 << 16)
def parse(phrase: str) -> Phrase:
    """Parse ``phrase``; raise PatternSyntaxError saying what is wrong and how to fix it.

    Parsed trees are frozen, so one parse serves the validator, the compilers and
    the anchors alike.
    """
    text = normalise(phrase).strip()
    if not text:
        raise PatternSyntaxError("the phrase is empty")
    units = tuple(_unit(token) for token in split_top(text, " ") if token)
    gaps = [isinstance(u.item, Gap) for u in units]
    if gaps[0] or gaps[-1]:
        raise PatternSyntaxError("a phrase cannot begin or end with '~'")
    if sum(gaps) > MAX_GAPS:
        raise PatternSyntaxError(
            f"more than {MAX_GAPS} gaps in one phrase: use 'near:' for looser patterns"
        )
    if any(a and b for a, b in zip(gaps, gaps[1:])):
        raise PatternSyntaxError(f"two gaps in a row: write one gap '~N' (N up to {MAX_GAP})")
    if all(u.optional for u in units):
        raise PatternSyntaxError("a phrase must have at least one word that is not optional")
    return Phrase(units)


def _unit(token: str) -> Unit:
    if token.startswith("~"):
        return Unit(_gap(token))
    optional = token.endswith(")?")
    if optional:
        token = token[:-1]
    if token.startswith("(") and token.endswith(")"):
        alternatives = [alt.strip() for alt in split_top(token[1:-1], "|")]
        if any(not alt for alt in alternatives):
            raise PatternSyntaxError("an alternative inside '( | )' is empty")
        return Unit(Group(tuple(parse(alt) for alt in alternatives)), optional)
    if "(" in token or ")" in token:
        raise PatternSyntaxError(f"'{token}': parentheses must enclose whole words")
    return Unit(_word(token), optional)


SHORTHAND = {"with": ("w/",), "without": ("w/o", "w/out")}
"""Words that notes often write in shorthand: a phrase's ``with`` also matches ``w/``.

The shorthand is added when the phrase is parsed, so every reader of the tree (the
expressions, the code tests, the anchors) sees the same alternatives; :func:`render`
writes the word back alone."""


_SHORTHAND_GROUPS = {
    text: Group(tuple(Phrase((Unit(Word(form)),)) for form in (text, *forms)))
    for text, forms in SHORTHAND.items()
}
_SHORTHAND_WORDS = {group: text for text, group in _SHORTHAND_GROUPS.items()}


def _word(token: str) -> Item:
    word = _plain_word(token)
    if not isinstance(word, Word) or word.prefix or word.quoted:
        return word
    return _SHORTHAND_GROUPS.get(word.text, word)


def _plain_word(token: str) -> Item:
    if token.startswith("@"):
        return ListRef(token[1:])
    if token == "$":
        return Money()
    prefix = token.endswith("*")
    stem = token[:-1] if prefix else token
    if len(stem) > 2 and stem.startswith("'") and stem.endswith("'"):
        inner = _plain_word(stem[1:-1] + ("*" if prefix else ""))
        if not isinstance(inner, Word):
            raise PatternSyntaxError(f"'{token}': only a word can stand in scare quotes")
        return Word(inner.text, inner.prefix, quoted=True)
    if not stem or not WORD_CHARS.fullmatch(stem):
        raise PatternSyntaxError(
            f"'{token}' is not a word: use letters, digits and ' / . $ # & - only"
        )
    return Word(stem, prefix)


def _gap(token: str) -> Gap:
    count = token[1:]
    if not count:
        return Gap(None)
    if not count.isdigit() or not 1 <= int(count) <= MAX_GAP:
        raise PatternSyntaxError(f"'{token}': a gap is '~' or '~N' with N from 1 to {MAX_GAP}")
    return Gap(int(count))


def render(phrase: Phrase) -> str:
    """The phrase written back in canonical form (normalised, single spaces)."""
    return " ".join(_render_unit(unit) for unit in phrase.units)


def _render_unit(unit: Unit) -> str:
    item = unit.item
    short = _SHORTHAND_WORDS.get(item) if isinstance(item, Group) else None
    if short is not None:
        return f"({short})?" if unit.optional else short
    if isinstance(item, Group):
        text = "(" + "|".join(render(alt) for alt in item.alternatives) + ")"
        return text + "?" if unit.optional else text
    text = _render_item(item)
    return f"({text})?" if unit.optional else text


def _render_item(item: Item) -> str:
    if isinstance(item, Word):
        text = item.text + ("*" if item.prefix else "")
        return f"'{item.text}'" + ("*" if item.prefix else "") if item.quoted else text
    if isinstance(item, ListRef):
        return f"@{item.name}"
    if isinstance(item, Money):
        return "$"
    if isinstance(item, Gap):
        return "~" if item.size is None else f"~{item.size}"
    raise TypeError(item)
