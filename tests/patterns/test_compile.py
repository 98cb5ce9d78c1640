import re

import pytest

from screen.patterns.compile import PatternSyntaxError, PhraseCompiler, normalise

LEXICON = {
    "documents": ("passport", "ppt", "id", "papers", "docs"),
    "holder": ("boss", "mgr", "the man who brought (her|him)", "patrón"),
    "loop-a": ("@loop-b",),
    "loop-b": ("x @loop-a",),
}


def matches(phrase: str, text: str) -> str | None:
    found = re.search(PhraseCompiler(LEXICON).compile(phrase), normalise(text))
    return found.group() if found else None


@pytest.mark.parametrize(
    ("phrase", "text", "expected"),
    [
        ("took @documents", "S1 took her passport", None),
        ("took (her|his)? @documents", "S1 took her passport", "took her passport"),
        ("took (her|his)? @documents", "S1 took ppt", "took ppt"),
        ("threaten*", "he threatened her", "threatened"),
        ("threaten*", "a threat", None),
        ("owes $", "V owes $3,000 for the trip", "owes $3,000"),
        ("owes $", "V owes 3000 dollars", "owes 3000 dollars"),
        ("took ~ passport", "took her passport", "took her passport"),
        ("owes ~3 trip", "owes money for the trip", "owes money for the trip"),
        ("@holder", "the man who brought her", "the man who brought her"),
        ("@holder", "el PATRON", "patron"),
        ("@holder", "el patrón", "patron"),
        ("won't let", "he wont let her", "wont let"),
        ("won't let", "he won’t let her", "won't let"),
        ("id", "she said nothing", None),
        ("crew leader", "crew-leader", "crew-leader"),
        ("y/o", "16 y/o female", "y/o"),
    ],
)
def test_phrase_language(phrase: str, text: str, expected: str | None) -> None:
    assert matches(phrase, text) == expected


@pytest.mark.parametrize(
    ("phrase", "message"),
    [
        ("(took", "never closed"),
        ("took)", "no matching"),
        ("~ passport", "cannot begin or end"),
        ("took ~11 passport", "a gap is"),
        ("took ~2 ~2 passport", "two gaps in a row"),
        ("@nothing", "no lexicon list"),
        ("@loop-a", "loop"),
        ("pass(port)", "parentheses"),
        ("a|b", "is not a word"),
        ("(a|)", "is empty"),
        ("(her)?", "at least one word"),
        ("", "empty"),
    ],
)
def test_phrase_errors(phrase: str, message: str) -> None:
    with pytest.raises(PatternSyntaxError, match=message):
        PhraseCompiler(LEXICON).compile(phrase)


def test_normalise_keeps_length() -> None:
    for text in ("ÁRBOL niño", "İstanbul", "straße", "“quoted” ‘text’", "ﬁne"):
        assert len(normalise(text)) == len(text)


def test_normalise_folds_accents_and_case() -> None:
    assert normalise("El PATRÓN tiene su Pasaporte") == "el patron tiene su pasaporte"
