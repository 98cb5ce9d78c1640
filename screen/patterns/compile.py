"""Parsed phrases compiled to regular expressions over normalised text (pure).

Phrases (``took @documents``, ``threaten*``, ``(her|his)? passport``, ``~2``,
``$``) are parsed by :mod:`screen.patterns.syntax`; this module writes each tree
as a regular expression. The same expression serves the matcher's exact checks
and the plain reference matcher (Python ``re``), and ``rules export``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from screen.patterns.syntax import (
    Gap,
    Group,
    Item,
    ListRef,
    Money,
    PatternSyntaxError,
    Phrase,
    Unit,
    Word,
    normalise,
    parse,
    split_top,
)

__all__ = [
    "PatternSyntaxError",
    "PhraseCompiler",
    "normalise",
    "parse",
    "split_top",
    "widen_spaces",
]

SEP = r"""[\s,"()\-]+"""
"""What may stand between two words of a phrase."""

_WORD_ANY = r"""[^\s.,;:!?"()\-]+"""
_MONEY = r"(?:\$\s?\d[\d,.]*k?\b|\b\d[\d,.]*k?\s?(?:dollars|dlls|dls|bucks|usd|pesos)\b)"
MAX_SUFFIX = 10


class PhraseCompiler:
    """Compiles phrases against a lexicon, caching each list's expression."""

    def __init__(self, lexicon: Mapping[str, tuple[str, ...]]) -> None:
        self._lexicon = lexicon
        self._cache: dict[str, str] = {}
        self._active: list[str] = []
        self._phrases: dict[str, str] = {}

    def compile(self, phrase: str) -> str:
        """Return the regular expression for ``phrase`` (without outer boundaries)."""
        found = self._phrases.get(phrase)
        if found is None:
            found = self._phrases[phrase] = self.emit(parse(phrase))
        return found

    def emit(self, phrase: Phrase) -> str:
        """Return the regular expression for a parsed phrase."""
        return _join([self._unit(unit) for unit in phrase.units])

    def lexicon_expression(self, name: str) -> str:
        """Return the alternation of every term of list ``name``."""
        if name in self._cache:
            return self._cache[name]
        if name not in self._lexicon:
            raise PatternSyntaxError(f"there is no lexicon list named '@{name}'")
        if name in self._active:
            chain = " -> ".join([*self._active, name])
            raise PatternSyntaxError(f"lexicon lists refer to each other in a loop: @{chain}")
        self._active.append(name)
        try:
            plain = sorted({normalise(t).strip() for t in self._lexicon[name] if _PLAIN.match(t)})
            other = {self.compile(t) for t in self._lexicon[name] if not _PLAIN.match(t)}
        finally:
            self._active.pop()
        # Longest first, then by text: the same expression whatever the hash seed.
        alternatives = sorted(other, key=lambda e: (-len(e), e))
        if plain:
            alternatives.append(r"\b" + _trie(plain))
        expression = "(?:" + "|".join(alternatives) + ")"
        self._cache[name] = expression
        return expression

    def _unit(self, unit: Unit) -> tuple[str, str]:
        item = unit.item
        if isinstance(item, Gap):
            return _gap(item), "gap"
        if isinstance(item, Group):
            expression = "(?:" + "|".join(self.emit(alt) for alt in item.alternatives) + ")"
        else:
            expression = self._item(item)
        return expression, "optional" if unit.optional else "word"

    def _item(self, item: Item) -> str:
        if isinstance(item, ListRef):
            return self.lexicon_expression(item.name)
        if isinstance(item, Money):
            return _MONEY
        assert isinstance(item, Word)
        if item.quoted:  # 'date' in scare quotes: the quotes are optional, the word is whole
            return f"'?{self._item(Word(item.text, item.prefix))}'?"
        stem = item.text
        expression = "".join("'?" if ch == "'" else re.escape(ch) for ch in stem)
        if item.prefix:
            expression += "[a-z0-9]{0,%d}" % MAX_SUFFIX  # noqa: UP031
        start = r"\b" if stem[0].isalnum() else ""
        end = r"\b" if item.prefix or stem[-1].isalnum() else ""
        return f"{start}{expression}{end}"


_PLAIN = re.compile(r"[a-z0-9]+(?: [a-z0-9]+)*\Z", re.IGNORECASE)
"""Terms made only of plain words: these share one prefix tree in a list's expression."""


def _trie(terms: list[str]) -> str:
    r"""One expression for many plain terms, sharing their prefixes (fast for Python's re).

    Equivalent to the alternation of ``term\\b`` over the terms, longest first.
    """
    tree: dict[str, Any] = {}
    for term in terms:
        node = tree
        for char in term:
            node = node.setdefault(char, {})
        node[""] = {}
    return _emit(tree)


def _emit(node: dict[str, Any]) -> str:
    parts = []
    for char in sorted(c for c in node if c):
        edge = SEP if char == " " else re.escape(char)
        parts.append(edge + _emit(node[char]))
    if "" in node:
        parts.append(r"\b")
    if len(parts) == 1:
        return parts[0]
    return "(?:" + "|".join(parts) + ")"


def _gap(gap: Gap) -> str:
    if gap.size is None:
        return f"(?:{_WORD_ANY}{SEP})"
    return f"(?:{_WORD_ANY}{SEP}){{0,{gap.size}}}"


def _join(units: list[tuple[str, str]]) -> str:
    """Join units with separators; optional units and gaps carry their own."""
    out: list[str] = []
    pending_sep = False
    for index, (expression, kind) in enumerate(units):
        last = index == len(units) - 1
        if kind == "gap":
            if pending_sep:
                out.append(SEP)
            out.append(expression)
            pending_sep = False
            continue
        if pending_sep:
            out.append(SEP)
        if kind == "optional" and not last:
            out.append(f"(?:{expression}{SEP})?")
            pending_sep = False
        elif kind == "optional":
            if out and out[-1] == SEP:
                out.pop()
                out.append(f"(?:{SEP}{expression})?")
            else:
                out.append(f"(?:{expression})?")
            pending_sep = False
        else:
            out.append(expression)
            pending_sep = True
    return "".join(out)


_ASCII_SPACE = r"\s\x1c-\x1f"
r"""What Python counts as ASCII white space and Hyperscan's ``\s`` does not cover."""
_UNICODE_SPACE = (
    _ASCII_SPACE + r"\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}"
)
r"""Every character Python's ``\s`` matches (``str.isspace``), in Hyperscan's UTF-8 syntax."""


def widen_spaces(expression: str, utf8: bool = False) -> str:
    r"""``expression`` with ``\s`` matching all that Python's ``\s`` matches.

    Hyperscan's ``\s`` leaves out the ASCII separators \x1c-\x1f and, with
    ``utf8`` (text scanned as UTF-8, not as an ASCII view), every non-ASCII space.
    """
    space = _UNICODE_SPACE if utf8 else _ASCII_SPACE
    out: list[str] = []
    in_class = escaped = False
    for ch in expression:
        if escaped:
            escaped = False
            if ch == "s":
                out[-1] = space if in_class else f"[{space}]"
                continue
        elif ch == "\\":
            escaped = True
        elif ch == "[" and not in_class:
            in_class = True
        elif ch == "]" and in_class and out and out[-1] not in ("[", "^"):
            in_class = False
        out.append(ch)
    return "".join(out)
