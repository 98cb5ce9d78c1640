"""Anchor words: the words every match of a phrase must contain, and how common they are.

The matcher gates proximity patterns on these words (see ``screen/plan.py``) and
prefers the rarest; "rare" is measured on police narratives
(:mod:`screen.patterns.wordfreq`, built by ``bench/wordfreq.py``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

from screen.patterns.syntax import Group, Item, ListRef, PatternSyntaxError, Phrase, Word, parse

Anchor = tuple[str, bool]
"""A word every match must contain: (word, prefix?) — prefix anchors match word starts."""

STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "to",
        "of",
        "in",
        "on",
        "at",
        "for",
        "from",
        "by",
        "with",
        "and",
        "or",
        "but",
        "not",
        "no",
        "nor",
        "is",
        "was",
        "were",
        "be",
        "been",
        "are",
        "am",
        "has",
        "have",
        "had",
        "do",
        "does",
        "did",
        "he",
        "she",
        "him",
        "her",
        "his",
        "hers",
        "they",
        "them",
        "their",
        "it",
        "its",
        "i",
        "me",
        "my",
        "we",
        "us",
        "our",
        "you",
        "your",
        "v",
        "v1",
        "v2",
        "rp",
        "s",
        "s1",
        "s2",
        "that",
        "this",
        "these",
        "those",
        "there",
        "here",
        "as",
        "if",
        "so",
        "up",
        "out",
        "all",
        "any",
        "some",
        "one",
        "de",
        "la",
        "el",
        "los",
        "las",
        "en",
        "y",
        "o",
        "que",
        "se",
        "lo",
        "le",
        "les",
        "un",
        "una",
        "su",
        "sus",
        "me",
        "mi",
        "por",
        "con",
        "para",
        "del",
        "al",
        "es",
        "no",
        "ni",
    ]
)


class AnchorFinder:
    """Chooses, for a phrase, the cheapest set of words one of which every match contains."""

    def __init__(self, lexicon: Mapping[str, tuple[str, ...]]) -> None:
        self._lexicon = lexicon
        self._lists: dict[str, frozenset[Anchor] | None] = {}
        self._components: dict[str | Phrase, list[frozenset[Anchor]]] = {}

    def anchors(self, phrase: str | Phrase) -> frozenset[Anchor] | None:
        """The best anchor set for ``phrase``, or None when no word is required."""
        components = self.components(phrase)
        return min(components, key=cost) if components else None

    def components(self, phrase: str | Phrase) -> list[frozenset[Anchor]]:
        """An anchor set for every required word of ``phrase`` that has one.

        Every match of the phrase contains a word from each of these sets.
        """
        found = self._components.get(phrase)
        if found is None:
            tree = parse(phrase) if isinstance(phrase, str) else phrase
            found = [a for a in map(self._item, tree.required()) if a is not None]
            self._components[phrase] = found
        return list(found)

    def item_anchors(self, item: Item) -> frozenset[Anchor] | None:
        """The anchor set of one unit's item (None when it requires no word)."""
        return self._item(item)

    def _item(self, item: Item) -> frozenset[Anchor] | None:
        if isinstance(item, Group):
            return self._union(item.alternatives)
        if isinstance(item, ListRef):
            name = item.name
            if name not in self._lists:
                self._lists[name] = None  # guards against loops; validated elsewhere
                self._lists[name] = self._terms(self._lexicon.get(name, ()))
            return self._lists[name]
        if not isinstance(item, Word):
            return None
        stem = item.text.strip("'")
        if "'" in stem:  # the apostrophe is optional: "won't" is also "wont"
            head = re.split(r"[^a-z0-9]+", stem.split("'")[0])
            return frozenset({(head[-1], True)}) if head and head[-1] else None
        pieces = [piece for piece in re.split(r"[^a-z0-9]+", stem) if piece]
        if not pieces:
            return None
        # Other marks become spaces in the scanned text, so each piece is a whole word
        # there; the last piece of a prefix token is only a word start.
        options = [
            (piece, item.prefix and number == len(pieces) - 1 and stem[-1].isalnum())
            for number, piece in enumerate(pieces)
        ]
        return frozenset({min(options, key=lambda o: word_cost(*o))})

    def _terms(self, terms: tuple[str, ...]) -> frozenset[Anchor] | None:
        try:
            return self._union(tuple(parse(term) for term in terms))
        except PatternSyntaxError:
            return None  # reported by the validator

    def _union(self, alternatives: tuple[Phrase, ...]) -> frozenset[Anchor] | None:
        found: set[Anchor] = set()
        for alternative in alternatives:
            anchors = self.anchors(alternative)
            if anchors is None:
                return None
            found |= anchors
        return frozenset(found) if found else None


COMMON = frozenset(
    [
        "said",
        "stated",
        "states",
        "stating",
        "told",
        "tells",
        "reported",
        "report",
        "reports",
        "name",
        "scene",
        "time",
        "hrs",
        "hours",
        "officer",
        "officers",
        "ofc",
        "police",
        "provided",
        "advised",
        "contacted",
        "located",
        "arrived",
        "approx",
        "approximately",
        "vehicle",
        "veh",
        "car",
        "home",
        "house",
        "apt",
        "address",
        "phone",
        "work",
        "works",
        "working",
        "worked",
        "job",
        "day",
        "days",
        "night",
        "went",
        "go",
        "going",
        "come",
        "came",
        "back",
        "also",
        "again",
        "then",
        "when",
        "after",
        "before",
        "while",
        "during",
        "about",
        "would",
        "could",
        "should",
        "will",
        "can",
        "get",
        "got",
        "take",
        "took",
        "make",
        "made",
        "left",
        "right",
        "know",
        "knew",
        "new",
        "old",
        "man",
        "woman",
        "female",
        "male",
        "people",
        "person",
        "one",
        "two",
        "three",
        "money",
        "pay",
        "paid",
        "home",
        "family",
        "said",
        "dijo",
        "estaba",
        "fue",
    ]
)


def frequencies() -> dict[str, int]:
    """Occurrences per 100,000 words of police narrative (:mod:`screen.patterns.wordfreq`)."""
    from screen.patterns.wordfreq import FREQUENCIES

    return FREQUENCIES


@lru_cache(maxsize=65536)
def word_cost(word: str, prefix: bool) -> int:
    """Expected frequency of one anchor word in police notes, as a cost."""
    measured = frequencies()
    if prefix:
        shape = {1: 500, 2: 200, 3: 30, 4: 8}.get(len(word), 2)
        seen = sum(count for other, count in measured.items() if other.startswith(word))
        return shape + seen // 20
    shape = (
        60
        if word in STOPWORDS
        else 25
        if word in COMMON
        else {1: 80, 2: 12, 3: 3}.get(len(word), 1)
    )
    return shape + measured.get(word, 0) // 20


@lru_cache(maxsize=65536)
def cost(anchors: frozenset[Anchor]) -> int:
    """How often an anchor set is expected to fire: the sum of its words' costs."""
    return sum(word_cost(word, prefix) for word, prefix in anchors)
