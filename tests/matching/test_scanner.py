"""The Hyperscan probe and the ASCII view: same classes, same offsets, every space."""

from __future__ import annotations

import re

import pytest

from screen.matching.scanner import PROBE_FLAGS, Scanner, ascii_view


@pytest.mark.parametrize(
    ("text", "view"),
    [
        ("plain text 12", b"plain text 12"),
        ("caf\u00e9\u00a0\u0663", b"cafx 0"),  # letter, no-break space, Arabic-Indic digit
        ("\u20ac5 \u2014 \U0001f600", b"#5 # #"),
        ("\u4e2d\u6587", b"xx"),
    ],
)
def test_ascii_view_keeps_one_byte_per_character_of_the_same_class(text: str, view: bytes) -> None:
    assert ascii_view(text) == view
    assert len(ascii_view(text)) == len(text)


@pytest.mark.parametrize("space", ["\x1c", "\u00a0", "\u2009", "\u3000", "\u2028"])
def test_widened_expert_expressions_see_every_python_space(space: str) -> None:
    from screen.patterns.compile import widen_spaces

    expression = r"\b\d+\s+(?:hrs|hours)\b"
    text = f"works 10{space}hrs a day"
    assert re.search(expression, text)
    scanner = Scanner([widen_spaces(expression, utf8=True)], literal=False, flags=[PROBE_FLAGS])
    assert scanner.matched(text) == [0]


@pytest.mark.parametrize(
    "regex",
    [
        "[^0-9]{0,30}[^0-9]{0,30}[^0-9]{0,30}[^0-9]{0,30}[0-9]",  # issue 17, item 11
        r"\w{0,40}\w+x",
        "a*a*c",
        r"(?:pay\s+[a-z ]{0,50}[a-z ]{2,60}owed)",
    ],
)
def test_repeats_that_share_characters_side_by_side_are_refused(regex: str) -> None:
    from screen.matching.scanner import RegexRejected, check_expert_regex

    with pytest.raises(RegexRejected, match="in a row"):
        check_expert_regex(regex)


@pytest.mark.parametrize(
    "regex", [r"\bage\s{0,3}\d{1,2}\b", r"[a-z]{2,5}[0-9]{0,30}", r"\d{1,2}/\d{1,2}/\d{2,4}"]
)
def test_narrow_or_disjoint_repeats_are_accepted(regex: str) -> None:
    from screen.matching.scanner import check_expert_regex

    check_expert_regex(regex)
