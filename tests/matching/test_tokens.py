"""The token gate's memories of words, clauses and cue tokens stay bounded, and
forgetting changes no result."""

from __future__ import annotations

from screen.matching import matcher as matcher_module
from screen.matching import tokens
from screen.matching.matcher import compile_matcher


def _notes(count: int) -> list[str]:
    return [
        f"Case {number}-{number * 7}: mgr{number} keeps her passport; V owes ${number}k "
        f"for the trip.\n\nNot allowed to leave the farm {number}, per W{number}."
        for number in range(count)
    ]


def test_memories_stay_bounded_and_forgetting_changes_nothing(shipped, monkeypatch) -> None:
    fresh = compile_matcher(shipped)
    expected = [fresh.scan(text) for text in _notes(300)]
    monkeypatch.setattr(tokens, "MAX_WORDS", 40)
    monkeypatch.setattr(tokens, "MAX_PIECES", 10)
    monkeypatch.setattr(matcher_module, "MAX_TOKENS", 15)
    bounded = compile_matcher(shipped)
    gate = bounded.gate
    for text, want in zip(_notes(300), expected, strict=True):
        assert bounded.scan(text) == want
        assert len(gate._words) <= 40 and len(gate._tokens) <= 40
        assert len(gate._satisfied) <= 10
        assert len(bounded._token_groups) <= 15
