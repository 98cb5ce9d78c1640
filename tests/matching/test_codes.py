"""Code strings and code tests: tokens get the right codes, and a test never misses a match."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from screen.matching.codes import FILLER, TokenCompiler, TokenTable, vocabulary
from screen.matching.context import Clauses
from screen.matching.tokens import TokenGate
from screen.patterns.compile import PhraseCompiler, normalise
from screen.patterns.syntax import parse

LEXICON = {
    "holder": ("boss", "mgr", "crew leader", "the man who brought her", "jefe"),
    "documents": ("passport", "ppt", "id", "i.d.", "papers", "green card"),
}
PHRASES = [
    "@holder (has|keeps|took) (her|his)? @documents",
    "owes $ ~3 trip",
    "threaten* to call (ice|immigration)",
    "won't let (her|him) leave",
    "y/o",
    "'date' ~2 money",
    "(can't|cannot) leave ~ until ~2 pays",
]


def table() -> TokenTable:
    return TokenTable(vocabulary([parse(p) for p in PHRASES], LEXICON))


def test_tokens_get_word_prefix_number_or_filler_codes() -> None:
    codes = table()
    assert codes.code("passport") == codes.word_codes["passport"]
    assert codes.code("threatened") == codes.prefix_codes["threaten"]
    assert codes.code("3000") == codes.vocab.number_code
    assert codes.code("zebra") == FILLER
    assert codes.prefix_codes["threaten"] in codes.slot_codes("threat", True)


def test_a_word_with_an_apostrophe_is_both_spellings() -> None:
    tests = TokenCompiler(table(), LEXICON)
    expression = re.compile(tests.test(parse("won't let (her|him) leave")))
    gate_codes = table()
    for text in ("won't let her leave", "wont let him leave"):
        codes = "".join(gate_codes.code(t) for t in re.findall(r"[a-z0-9]+", text))
        assert expression.search(codes), text


def test_search_tests_start_with_one_class_when_the_phrase_starts_with_a_choice() -> None:
    tests = TokenCompiler(table(), LEXICON)
    expression = tests.test(parse("@holder (has|keeps|took) (her|his)? @documents"))
    assert expression.startswith("[")
    assert "(?<=" in expression


def test_loose_ends_are_left_out_of_a_search() -> None:
    tests = TokenCompiler(table(), LEXICON)
    assert not tests.test(parse("owes $ ~3 trip")).endswith("[^|]*")
    assert not tests.test(parse("(her)? passport ~2 $")).startswith("(?:")


WORDS = [
    "boss",
    "mgr",
    "crew",
    "leader",
    "the",
    "man",
    "who",
    "brought",
    "her",
    "has",
    "keeps",
    "took",
    "his",
    "passport",
    "ppt",
    "i.d.",
    "id",
    "papers",
    "green",
    "card",
    "owes",
    "$300",
    "3k",
    "500",
    "dollars",
    "trip",
    "threatens",
    "threatened",
    "to",
    "call",
    "ice",
    "immigration",
    "won't",
    "wont",
    "let",
    "him",
    "leave",
    "16",
    "y/o",
    "'date'",
    "date",
    "money",
    "can't",
    "cannot",
    "until",
    "she",
    "pays",
    "jefe",
    "x",
    "zebra",
]
SEPS = [
    " ",
    ", ",
    " (",
    ") ",
    " - ",
    "\u00a0",
    "\n\n",
    ". ",
    "; ",
    "!",
    "?",
    "\u3000",
    '"',
    "/",
    "'",
]


def gate_for(phrases: list[str]) -> tuple[TokenGate, list[str]]:
    trees = [parse(p) for p in phrases]
    vocab = vocabulary(trees, LEXICON)
    compiler = TokenCompiler(TokenTable(vocab), LEXICON)
    tests = {i: (compiler.test(t),) for i, t in enumerate(trees)}
    exact = [PhraseCompiler(LEXICON).compile(p) for p in phrases]
    return TokenGate(vocab, tests, [], {}), exact


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(SEPS)), max_size=16))
def test_a_code_test_finds_every_clause_where_the_phrase_matches(pairs) -> None:
    gate, exact = gate_for(PHRASES)
    text = "".join(word + sep for word, sep in pairs)
    norm = normalise(text)
    clauses = Clauses(norm)
    found = gate.candidates(norm)
    for rule, expression in enumerate(exact):
        for number in range(len(clauses.breaks) + 1):
            start, end = clauses.span(number)
            if re.compile(expression).search(norm, start, end):
                assert number in found.get(rule, []), (PHRASES[rule], text)


@pytest.mark.parametrize(
    "text",
    [
        "boss keeps her passport",
        "BOSS KEEPS HER PASSPORT",
        "boss—keeps her passport",
        "boss\u00a0keeps her passport",
    ],
)
def test_case_and_unicode_separators_do_not_hide_a_phrase(text: str) -> None:
    gate, _ = gate_for(PHRASES[:1])
    assert gate.candidates(normalise(text)) == {0: [0]}
