"""Sentences and the features the learned layer reads (pure functions)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from screen.rulebook.fairness import DESCRIPTOR_PATTERN

FEATURES_VERSION = 1
"""Changes whenever :func:`features` changes; a model names the version it was trained with."""

STEM = 5
"""Words longer than this also count by their first ``STEM`` letters (a crude stem that
serves English and Spanish: *threatened* and *threatening*, *amenazó* and *amenazaba*)."""

_WORD = re.compile(r"[a-z0-9ñ$][a-z0-9ñ$'/]*")
_SENTENCE_END = re.compile(r"(?<=[.;!?])\s+|\n\s*")


def _unaccented(text: str) -> str:
    """``text`` without combining marks (ñ kept)."""
    marked = text.replace("ñ", "\0")
    plain = "".join(
        c for c in unicodedata.normalize("NFKD", marked) if not unicodedata.combining(c)
    )
    return plain.replace("\0", "ñ")


def _fold_table() -> dict[int, str]:
    """Latin letters with one-letter unaccented forms (é → e, º → o); ñ stays."""
    table = {}
    for code in range(0xA0, 0x250):
        plain = _unaccented(chr(code))
        if len(plain) == 1 and plain != chr(code) and plain.isascii():
            table[code] = plain
    return table


_FOLD = str.maketrans(_fold_table())


def fold(text: str) -> str:
    """Lower case without accents (ñ kept); protected descriptors blanked out.

    The descriptors (nationality, ethnicity, race, religion, language) are removed
    before any feature is made, so no model can learn them. Most text is ASCII or
    Latin letters, which a translation table folds; anything else is decomposed.
    """
    lowered = text.lower()
    if not lowered.isascii():
        lowered = lowered.translate(_FOLD)
        if not lowered.replace("ñ", "n").isascii():
            lowered = _unaccented(lowered)
    return DESCRIPTOR_PATTERN.sub(" ", lowered)


def words_of(text: str) -> list[str]:
    """The words of one sentence, folded."""
    return _WORD.findall(fold(text))


def features(text: str) -> list[str]:
    """The features of one sentence: words, stems and pairs of neighbouring words."""
    words = _WORD.findall(fold(text))
    stems = [w[:STEM] for w in words]
    out = list(words)
    out += ["~" + s for w, s in zip(words, stems, strict=True) if len(w) > STEM]
    out += [a + " " + b for a, b in zip(words, words[1:])]
    out += ["~" + a + " " + b for a, b in zip(stems, stems[1:])]
    return out


def sentences(text: str) -> Iterator[tuple[int, int]]:
    """The spans of the sentences of ``text`` (split after ``. ; ! ?`` and at line breaks)."""
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if text[start : match.start()].strip():
            yield start, match.start()
        start = match.end()
    if text[start:].strip():
        yield start, len(text.rstrip())
