"""One phrase compiler and anchor finder per lexicon, shared by the validator and the plan.

The first run after a rulebook edit validates the rulebook and then compiles it
in the same process; both compile every phrase and find its required words.
Each compiler remembers what it worked out per phrase, so sharing them does that
work once. Only the last lexicon is kept, per thread (the compilers are not safe
to share between threads).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping

from screen.patterns.anchors import AnchorFinder
from screen.patterns.compile import PhraseCompiler

_LOCAL = threading.local()


def compilers(lexicon: Mapping[str, tuple[str, ...]]) -> tuple[PhraseCompiler, AnchorFinder]:
    """The phrase compiler and anchor finder for ``lexicon`` (the same ones while it is)."""
    key = tuple(sorted(lexicon.items()))
    last: tuple[tuple[object, ...], PhraseCompiler, AnchorFinder] | None = getattr(
        _LOCAL, "last", None
    )
    if last is None or last[0] != key:
        frozen = dict(lexicon)
        last = (key, PhraseCompiler(frozen), AnchorFinder(frozen))
        _LOCAL.last = last
    return last[1], last[2]
