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


def variants(text: str) -> list[str]:
    out = []
    if _FOUND.search(text):
        out += [_FOUND.sub(swap, text) for swap in SWAPS]
    out += [p.format(swap) + " " + text for p in PREFIXES for swap in SWAPS]
    out += [line + " " + text for line in LANGUAGE]
    out += [text.replace("[NAME]", name) for name in NAMES if "[NAME]" in text]
    return out


def test_no_level_or_indicator_changes_under_swaps(shipped_matcher) -> None:
    changed = []
    for row in rows():
        base = outcome(shipped_matcher, row, row["text"])
        for text in variants(row["text"]):
            if outcome(shipped_matcher, row, text) != base:
                changed.append((row["id"], text[:60]))
    assert not changed


def test_shipped_rulebook_names_no_protected_descriptor(shipped) -> None:
    assert not [w for w in shipped.warnings if "names '" in w]


@pytest.mark.parametrize("word", ["Mexican", "Hispanic", "Muslim", "speaks no English"])
def test_descriptor_alone_finds_nothing(shipped_matcher, word: str) -> None:
    assert shipped_matcher.scan(f"V1 is {word}. Works at a restaurant.").evidence == ()
