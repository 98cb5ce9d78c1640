"""The phrase scanner: ASCII views, scanner forms, and that they never miss a match."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from screen.matching.matcher import Matcher
from screen.matching.plan import build_plan
from screen.matching.scanner import PROBE_FLAGS, RegexRejected, Scanner, ascii_view
from screen.model import Rulebook
from screen.patterns.compile import PhraseCompiler, normalise, scanner_form
from tests.conftest import DATA, store_at


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


def test_scanner_form_loosens_gaps_and_widens_spaces() -> None:
    compiled = PhraseCompiler({}).compile("took ~2 her passport")
    form = scanner_form(compiled)
    assert "{0,2}" not in form
    assert "[^.:;!?]*" in form
    assert r"[\s\x1c-\x1f," in form
    money = scanner_form(PhraseCompiler({}).compile("owes $"))
    assert r"\$[\s\x1c-\x1f]?" in money


def _assert_superset(
    expressions: list[str], forms: list[str], texts: list[str], cache: Path | None = None
) -> None:
    store = store_at(cache) if cache else None
    scanner = Scanner(forms, literal=False, artefacts=store, flags=[0] * len(forms))
    compiled = [re.compile(expression) for expression in expressions]
    for text in texts:
        norm = normalise(text)
        reported: dict[int, set[int]] = {}
        for ident, end in scanner.ends(ascii_view(norm)):
            reported.setdefault(ident, set()).add(end)
        for ident, pattern in enumerate(compiled):
            for match in pattern.finditer(norm):
                assert match.end() in reported.get(ident, set()), (pattern.pattern, match.span())


def test_scanner_forms_report_every_match_in_the_corpus(
    shipped: Rulebook, shared_cache: Path
) -> None:
    plan = build_plan(shipped)
    exact = [plan.rules[index].parts[0] for index in plan.phrase_rules]
    lines = (DATA / "notes" / "corpus.jsonl").read_text(encoding="utf-8").splitlines()
    texts = [json.loads(line)["text"] for line in lines]
    for indicator in shipped.indicators:
        texts += [*indicator.match_examples, *indicator.no_match_examples]
    _assert_superset(exact, plan.phrases, texts, shared_cache)


PHRASES = ["took ~2 her passport", "owes $", "forced ~ to work", "i.d. card", "threaten* (him|her)"]
WORDS = [
    "took",
    "her",
    "his",
    "passport",
    "owes",
    "$40",
    "40 dollars",
    "forced",
    "to",
    "work",
    "i.d.",
    "card",
    "threatens",
    "threatening",
    "him",
    "caf\u00e9",
    "\u0663\u0664",
]
SEPARATORS = [" ", ", ", " - ", "\u00a0", "\x1c", "\n\n", ". ", "; ", " (", ") ", "\u2003", '"']


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(SEPARATORS)), max_size=14))
def test_scanner_forms_never_miss_a_match(pieces: list[tuple[str, str]]) -> None:
    compiler = PhraseCompiler({})
    exact = [compiler.compile(phrase) for phrase in PHRASES]
    text = "".join(word + sep for word, sep in pieces)
    _assert_superset(exact, [scanner_form(e) for e in exact], [text])


def test_matcher_falls_back_to_word_gates_when_phrases_cannot_compile(
    shipped: Rulebook, shipped_matcher: Matcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    import screen.matching.matcher as matcher_module

    real = matcher_module.Scanner

    def refusing(expressions: list[str], literal: bool, **kwargs: object) -> Scanner:
        if not literal and kwargs.get("flags") == [0] * len(expressions):
            raise RegexRejected("too large")
        return real(expressions, literal, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(matcher_module, "Scanner", refusing)
    fallback = Matcher(shipped, shipped_matcher.plan, None)
    assert fallback.gate is shipped_matcher.plan.every
    lines = (DATA / "notes" / "corpus.jsonl").read_text(encoding="utf-8").splitlines()
    for line in lines:
        text = json.loads(line)["text"]
        assert fallback.scan(text) == shipped_matcher.scan(text)


@pytest.mark.parametrize("space", ["\x1c", "\u00a0", "\u2009", "\u3000", "\u2028"])
def test_widened_expert_expressions_see_every_python_space(space: str) -> None:
    from screen.patterns.compile import widen_spaces

    expression = r"\b\d+\s+(?:hrs|hours)\b"
    text = f"works 10{space}hrs a day"
    assert re.search(expression, text)
    scanner = Scanner([widen_spaces(expression, utf8=True)], literal=False, flags=[PROBE_FLAGS])
    assert scanner.matched(text) == [0]


def test_a_slow_compile_is_announced_once() -> None:
    from screen.matching.scanner import SLOW_COMPILE, on_slow_compile

    calls: list[int] = []
    on_slow_compile(lambda: calls.append(1))
    Scanner([r"\bword\b"], literal=False, flags=[0])
    assert calls == []  # small databases compile in milliseconds: nothing to say
    many = [rf"\bword{n}\b" for n in range(SLOW_COMPILE)]
    Scanner(many, literal=False, flags=[0] * len(many))
    Scanner(many, literal=False, flags=[0] * len(many))
    assert calls == [1]
