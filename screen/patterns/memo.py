"""Checks the validator worked out before, keyed by what they depend on (pure).

A trainer edits one pattern, or a note or an example, and runs the rulebook
again. Most of validating is compiling every phrase, checking every lexicon
list and asking Hyperscan about the expert expressions, and none of that
changed. Each result is remembered under a key made from exactly what it read:
a phrase's text and the lexicon lists it names (with the lists those name, and
so on), or the expert expressions themselves. An edit then pays only for what
it touched. Positions in the file are never remembered: a problem found again
is reported where its pattern stands now.

The memo is any object with ``get`` and ``put`` of JSON values (the application
keeps one in its authenticated cache); :class:`Forgetful` keeps nothing.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Protocol, TypeVar

FORMAT = 1
"""Part of every key: raise it when a check's result changes meaning."""
_REFERENCE = re.compile(r"@([a-z0-9][a-z0-9-]*)")
T = TypeVar("T")


class Memo(Protocol):
    """Where check results are kept between runs."""

    def get(self, name: str) -> Any:
        """The value kept as ``name``, or None."""

    def put(self, name: str, value: Any) -> None:
        """Keep ``value`` (JSON) as ``name``."""


class Forgetful:
    """A memo that keeps nothing: every check runs."""

    def get(self, name: str) -> Any:
        """Nothing is ever kept."""
        return None

    def put(self, name: str, value: Any) -> None:
        """Forget ``value`` at once."""
        return None


def remembered(memo: Memo, key: str, shape: type[T], work: Callable[[], T]) -> T:
    """The value kept as ``key`` when it has the expected ``shape``, else ``work()``, kept.

    A value of another shape (damaged, or from an older format) is worked out again.
    """
    known = memo.get(key)
    if isinstance(known, shape):
        return known
    found = work()
    memo.put(key, found)
    return found


def _digest(*parts: object) -> str:
    return hashlib.sha256(repr((FORMAT, *parts)).encode()).hexdigest()[:32]


def references(texts: Iterable[str]) -> list[str]:
    """The lexicon lists named (``@name``) in ``texts``, sorted, each once."""
    return sorted({name for text in texts for name in _REFERENCE.findall(text)})


class Keys:
    """Keys for the checks of one rulebook's lexicon."""

    def __init__(self, lexicon: Mapping[str, tuple[str, ...]]) -> None:
        self._lexicon = lexicon
        self._lists: dict[str, str] = {}

    def lexicon_list(self, name: str) -> str:
        """What a list's check depends on: its terms and every list they reach."""
        return self._list(name, frozenset())

    def _list(self, name: str, open_lists: frozenset[str]) -> str:
        known = self._lists.get(name)
        if known is not None:
            return known
        terms = self._lexicon.get(name)
        if terms is None or name in open_lists:
            return f"?{name}"  # missing, or a cycle: the check itself reports it
        inner = open_lists | {name}
        reached = [self._list(other, inner) for other in references(terms)]
        key = self._lists[name] = _digest("list", name, terms, reached)
        return key

    def phrases(self, kind: str, texts: tuple[str, ...]) -> str:
        """What a check of ``texts`` (one phrase, or a pattern's parts) depends on."""
        reached = [self.lexicon_list(name) for name in references(texts)]
        return f"{kind}-{_digest(kind, texts, reached)}"


def experts_key(expressions: tuple[str, ...]) -> str:
    """What the check of the expert expressions depends on: the expressions."""
    return f"experts-{_digest('experts', expressions)}"
