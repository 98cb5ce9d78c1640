"""The compiled plan: which rules run as phrases, which behind word gates."""

from __future__ import annotations

from screen.matching.plan import build_plan
from screen.model import Rulebook
from screen.patterns.compile import SCAN_GAP


def test_phrases_get_scanner_forms_and_near_rules_get_word_gates(shipped: Rulebook) -> None:
    plan = build_plan(shipped)
    phrases = {i for i, rule in enumerate(plan.rules) if rule.kind == "phrase"}
    near = {i for i, rule in enumerate(plan.rules) if rule.kind == "near"}
    assert set(plan.phrase_rules) == phrases
    assert len(plan.phrases) == len(plan.phrase_rules)
    gated = set(plan.near.rule_sets) | set(plan.near.unanchored)
    assert gated == near
    every = set(plan.every.rule_sets) | set(plan.every.unanchored)
    assert every == phrases | near
    assert any(SCAN_GAP in form for form in plan.phrases)
    assert not any("{0," in form and "[^\\s" in form for form in plan.phrases)


def test_common_word_checks_hold_only_whole_ascii_words(shipped: Rulebook) -> None:
    plan = build_plan(shipped)
    assert plan.near.common, "the shipped rulebook has near rules with common required words"
    for rule, checks in plan.near.common.items():
        assert rule in plan.near.rule_sets
        for words in checks:
            assert words and all(word.isalnum() and word.isascii() for word in words)


def test_the_plan_is_the_same_every_time(shipped: Rulebook) -> None:
    first, second = build_plan(shipped), build_plan(shipped)
    assert first.phrases == second.phrases
    assert first.near.words == second.near.words
    assert first.near.common == second.near.common
