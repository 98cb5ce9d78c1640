"""The rulebook's pattern language, compiled to regular expressions.

Phrases (``took @documents``, ``threaten*``, ``(her|his)? passport``, ``~2``,
``$``) become regular expressions over *normalised* text: lower case, accents
folded, curly quotes straightened. Normalisation never changes the length of
a string, so offsets found in the normalised text are offsets in the original.
The same expression serves the fast scanner (Hyperscan) and the plain
reference matcher (Python ``re``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
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

SEP = r"""[\s,"()\-]+"""
"""What may stand between two words of a phrase."""

_WORD_ANY = r"""[^\s.,;:!?"()\-]+"""
_WORD_CHARS = re.compile(r"[a-z0-9'/.$#&\-]+")
_MONEY = r"(?:\$\s?\d[\d,.]*k?\b|\b\d[\d,.]*k?\s?(?:dollars|dlls|dls|bucks|usd|pesos)\b)"
MAX_GAP = 10
MAX_GAPS = 2
MAX_SUFFIX = 10


class PatternSyntaxError(ValueError):
    """A phrase that does not follow the pattern language."""


def normalise(text: str) -> str:
    """Lower-case ``text`` and fold accents without changing its length."""
    lowered = text.lower()
    if len(lowered) != len(text):
        lowered = "".join(ch if len(ch.lower()) != 1 else ch.lower() for ch in text)
    if lowered.isascii():
        return lowered
    return lowered.translate(_FOLD)


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


class PhraseCompiler:
    """Compiles phrases against a lexicon, caching each list's expression."""

    def __init__(self, lexicon: Mapping[str, tuple[str, ...]]) -> None:
        self._lexicon = lexicon
        self._cache: dict[str, str] = {}
        self._active: list[str] = []

    def compile(self, phrase: str) -> str:
        """Return the regular expression for ``phrase`` (without outer boundaries)."""
        text = normalise(phrase).strip()
        if not text:
            raise PatternSyntaxError("the phrase is empty")
        tokens = [tok for tok in split_top(text, " ") if tok]
        units = [self._unit(tok) for tok in tokens]
        if units[0][1] == "gap" or units[-1][1] == "gap":
            raise PatternSyntaxError("a phrase cannot begin or end with '~'")
        if sum(kind == "gap" for _, kind in units) > MAX_GAPS:
            raise PatternSyntaxError(
                f"more than {MAX_GAPS} gaps in one phrase: use 'near:' for looser patterns"
            )
        if any(a[1] == b[1] == "gap" for a, b in zip(units, units[1:])):
            raise PatternSyntaxError(f"two gaps in a row: write one gap '~N' (N up to {MAX_GAP})")
        if all(kind == "optional" for _, kind in units):
            raise PatternSyntaxError("a phrase must have at least one word that is not optional")
        return _join(units)

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
        alternatives = sorted(other, key=len, reverse=True)
        if plain:
            alternatives.append(r"\b" + _trie(plain))
        expression = "(?:" + "|".join(alternatives) + ")"
        self._cache[name] = expression
        return expression

    def _unit(self, token: str) -> tuple[str, str]:
        if token.startswith("~"):
            return _gap(token), "gap"
        optional = token.endswith(")?")
        if optional:
            token = token[:-1]
        if token.startswith("(") and token.endswith(")"):
            inner = token[1:-1]
            alternatives = [alt.strip() for alt in split_top(inner, "|")]
            if any(not alt for alt in alternatives):
                raise PatternSyntaxError("an alternative inside '( | )' is empty")
            expression = "(?:" + "|".join(self.compile(alt) for alt in alternatives) + ")"
        elif "(" in token or ")" in token:
            raise PatternSyntaxError(f"'{token}': parentheses must enclose whole words")
        else:
            expression = self._word(token)
        return expression, "optional" if optional else "word"

    def _word(self, token: str) -> str:
        if token.startswith("@"):
            return self.lexicon_expression(token[1:])
        if token == "$":
            return _MONEY
        prefix = token.endswith("*")
        stem = token[:-1] if prefix else token
        quoted = len(stem) > 2 and stem.startswith("'") and stem.endswith("'")
        if quoted:  # 'date' in scare quotes: the quotes are optional, the word is whole
            inner = self._word(stem[1:-1] + ("*" if prefix else ""))
            return f"'?{inner}'?"
        if not stem or not _WORD_CHARS.fullmatch(stem):
            raise PatternSyntaxError(
                f"'{token}' is not a word: use letters, digits and ' / . $ # & - only"
            )
        expression = "".join("'?" if ch == "'" else re.escape(ch) for ch in stem)
        if prefix:
            expression += "[a-z0-9]{0,%d}" % MAX_SUFFIX  # noqa: UP031
        start = r"\b" if stem[0].isalnum() else ""
        end = r"\b" if prefix or stem[-1].isalnum() else ""
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


def _gap(token: str) -> str:
    count_text = token[1:]
    if not count_text:
        return f"(?:{_WORD_ANY}{SEP})"
    if not count_text.isdigit() or not 1 <= int(count_text) <= MAX_GAP:
        raise PatternSyntaxError(f"'{token}': a gap is '~' or '~N' with N from 1 to {MAX_GAP}")
    return f"(?:{_WORD_ANY}{SEP}){{0,{count_text}}}"


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


SCAN_GAP = "[^.:;!?]*"
"""A gap as the fast scanner sees it: any run of characters inside one sentence."""
_GAP_SOURCE = re.compile(re.escape(f"(?:{_WORD_ANY}{SEP})") + r"(?:\{0,\d+\})?")
_ASCII_SPACE = r"\s\x1c-\x1f"
r"""What Python counts as ASCII white space and Hyperscan's ``\s`` does not cover."""
_UNICODE_SPACE = (
    _ASCII_SPACE + r"\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}"
)
r"""Every character Python's ``\s`` matches (``str.isspace``), in Hyperscan's UTF-8 syntax."""


def scanner_form(expression: str) -> str:
    r"""A looser expression for Hyperscan that matches wherever ``expression`` matches.

    Every gap becomes :data:`SCAN_GAP`: the words and separators a gap allows
    never include ``. : ; ! ?``, so any match of the phrase is a match of its
    scanner form, which compiles in a fraction of the time. ``\s`` is widened to
    Python's ASCII white space. Run it over :func:`screen.scanner.ascii_view` text,
    where Python's Unicode classes and Hyperscan's ASCII ones agree.
    """
    return widen_spaces(_GAP_SOURCE.sub(lambda _: SCAN_GAP, expression))


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
