"""The compiled plan: every text rule has a code test, and the plan is deterministic data."""

from __future__ import annotations

from screen import codec
from screen.matching.plan import Plan, build_plan
from screen.model import PatternKind, Rulebook


def test_every_phrase_and_near_rule_has_a_code_test(shipped: Rulebook) -> None:
    plan = build_plan(shipped)
    text_rules = {i for i, rule in enumerate(plan.rules) if rule.kind is not PatternKind.REGEX}
    assert set(plan.tests) == text_rules
    for index, tests in plan.tests.items():
        parts = len(plan.rules[index].parts)
        assert 1 <= len(tests) <= parts
    assert len(plan.regex_rules) == sum(1 for r in plan.rules if r.kind is PatternKind.REGEX)


def test_rules_require_their_rarest_words_first(shipped: Rulebook) -> None:
    plan = build_plan(shipped)
    assert len(plan.rule_components) > 0.9 * len(plan.tests)
    for numbers in plan.rule_components.values():
        assert numbers and len(set(numbers)) == len(numbers)
        assert all(plan.components[n] for n in numbers)


def test_the_plan_is_the_same_every_time_and_survives_the_cache(shipped: Rulebook) -> None:
    first, second = build_plan(shipped), build_plan(shipped)
    assert codec.dumps(first) == codec.dumps(second)
    assert codec.loads(codec.dumps(first), Plan) == first
