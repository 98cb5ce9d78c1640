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


def test_the_plan_key_ignores_what_the_plan_does_not_read(minimal) -> None:
    from screen.matching.plan import plan_digest
    from screen.rulebook import parse_rulebook
    from tests.conftest import MINIMAL

    data = MINIMAL.read_bytes()
    worded = parse_rulebook(data.replace(b'version: "test-1"', b'version: "test-2"'), "m.yaml")
    assert worded.sha256 != minimal.sha256
    assert plan_digest(worded) == plan_digest(minimal)
    edited = parse_rulebook(data.replace(b'"7 days a week"', b'"7 days per week"', 1), "m.yaml")
    assert plan_digest(edited) != plan_digest(minimal)


def test_a_plan_built_from_remembered_pieces_is_the_same(minimal) -> None:
    from screen import codec
    from screen.matching.plan import build_plan

    class Kept(dict):
        def put(self, name, value):
            self[name] = value

    memo = Kept()
    fresh = codec.dumps(build_plan(minimal))
    assert codec.dumps(build_plan(minimal, memo)) == fresh
    assert memo
    assert codec.dumps(build_plan(minimal, memo)) == fresh
