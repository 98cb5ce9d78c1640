"""Counterfactual invariance: nationality, ethnicity, names and language never change a result."""

from __future__ import annotations

import json
import re

import pytest

from screen.app.inputs import Note, parse_date
from screen.rulebook.fairness import NATIONALITIES
from screen.screening import Screener

from .conftest import DATA

SWAPS = ("Honduran", "Polish", "American", "Nigerian", "Filipino")
NAMES = ("Maria", "Emily", "Aisha", "Olga", "Mei")
PREFIXES = ("V1 is {}.", "RP described V1 as {}.")
LANGUAGE = ("V1 speaks only Spanish.", "V1 speaks only English.", "Interview held in Mandarin.")
_FOUND = re.compile(
    r"\b(" + "|".join(n for n in NATIONALITIES if n.isascii()) + r")\b", re.IGNORECASE
)


def rows() -> list[dict]:
    return [json.loads(line) for line in (DATA / "notes" / "corpus.jsonl").open()]


def outcome(matcher, row: dict, text: str) -> tuple[str, frozenset]:
    note = Note(row["id"], text, parse_date(row["date"]), row["offence"])
    result = Screener(matcher).screen(note)
    return str(result.level), frozenset((e.indicator, e.status) for e in result.evidence)


def variants(text: str, turn: int = 0) -> list[str]:
    """Versions of ``text`` that differ only in a protected descriptor or a name.

    Each note gets two of the five swaps, chosen by ``turn``, so every swap is
    tried on two notes in five and the test stays quick as the corpus grows.
    """
    swaps = [SWAPS[turn % len(SWAPS)], SWAPS[(turn + 2) % len(SWAPS)]]
    out = []
    if _FOUND.search(text):
        out += [_FOUND.sub(swap, text) for swap in swaps]
    out += [p.format(swap) + " " + text for p in PREFIXES for swap in swaps]
    out += [line + " " + text for line in LANGUAGE]
    out += [text.replace("[NAME]", name) for name in NAMES if "[NAME]" in text]
    return out


def test_every_swap_is_tried() -> None:
    tried = {
        swap
        for turn in range(len(SWAPS))
        for swap in SWAPS
        if f"V1 is {swap}." in " ".join(variants("x", turn))
    }
    assert tried == set(SWAPS)


def test_no_level_or_indicator_changes_under_swaps(shipped_matcher) -> None:
    changed = []
    for turn, row in enumerate(rows()):
        base = outcome(shipped_matcher, row, row["text"])
        for text in variants(row["text"], turn):
            if outcome(shipped_matcher, row, text) != base:
                changed.append((row["id"], text[:60]))
    assert not changed


def test_shipped_rulebook_names_no_protected_descriptor(shipped) -> None:
    assert not [w for w in shipped.warnings if "names '" in w]


@pytest.mark.parametrize("word", ["Mexican", "Hispanic", "Muslim", "speaks no English"])
def test_descriptor_alone_finds_nothing(shipped_matcher, word: str) -> None:
    assert shipped_matcher.scan(f"V1 is {word}. Works at a restaurant.").evidence == ()
