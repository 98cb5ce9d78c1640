"""Reading notes: normalisation before matching."""

import re

import pytest

from screen.patterns.shared import compilers
from screen.patterns.syntax import normalise, parse, render


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("he keeps 'my' passport", 'he keeps "my" passport'),
        ("she said 'I don't know' and left", 'she said "i don\'t know" and left'),
        ("they call them 'clientes' there", 'they call them "clientes" there'),
        ("the girls' room and the boys' room", "the girls' room and the boys' room"),
        ("'cause he said so", "'cause he said so"),
        ("won't, can't, o'brien", "won't, can't, o'brien"),
    ],
)
def test_single_quotation_marks_read_as_quotes_and_apostrophes_stay(text, expected) -> None:
    from screen.patterns.syntax import normalise_note

    assert normalise_note(text) == expected
    assert len(normalise_note(text)) == len(text)


@pytest.mark.parametrize(
    ("phrase", "text", "found"),
    [
        ("sleeping with (the)? landlord", "told to pay rent by sleeping w/ landlord", True),
        ("sleeping with (the)? landlord", "sleeping with the landlord", True),
        ("sent home without pay", "sent home w/o pay", True),
        ("sent home without pay", "sent home w/out pay", True),
        ("with pay", "sent home w/o pay", False),
        ("'with' him", "she went w/ him", False),
    ],
)
def test_with_and_without_read_their_shorthand(phrase: str, text: str, found: bool) -> None:
    compiler, _ = compilers({})
    assert (re.search(compiler.compile(phrase), normalise(text)) is not None) is found


def test_shorthand_is_written_back_as_the_word() -> None:
    assert render(parse("sleeping with (the)? landlord")) == "sleeping with (the)? landlord"
    assert render(parse("sent home (without)? pay")) == "sent home (without)? pay"
