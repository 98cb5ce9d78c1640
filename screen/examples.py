"""Run each indicator's own match / no_match examples as tests (pure)."""

from __future__ import annotations

from typing import NamedTuple

from screen.matching.matcher import Matcher
from screen.model import Rulebook


class ExampleFailure(NamedTuple):
    """An example that did not behave as its indicator says."""

    indicator: str
    expected: str  # "match" or "no_match"
    example: str
    fired: str

    def describe(self) -> str:
        """One line for a rule editor."""
        want = "should fire" if self.expected == "match" else "should not fire"
        return f"FAIL {self.indicator} {want}: {self.example!r} — fired: {self.fired or 'nothing'}"


def run_examples(rulebook: Rulebook, matcher: Matcher) -> tuple[list[ExampleFailure], int]:
    """Return the failing examples and the number of examples run."""
    failures: list[ExampleFailure] = []
    total = 0
    for indicator in rulebook.indicators:
        for expected, examples in (
            ("match", indicator.match_examples),
            ("no_match", indicator.no_match_examples),
        ):
            for example in examples:
                total += 1
                evidence = matcher.scan(example).evidence
                present = any(e.indicator == indicator.id and e.counts for e in evidence)
                if present != (expected == "match"):
                    fired = ", ".join(
                        f"{e.indicator}[{e.status.value}"
                        + (f" by '{e.cue.text}'" if e.cue else "")
                        + f"] '{e.snippet}'"
                        for e in evidence
                    )
                    failures.append(ExampleFailure(indicator.id, expected, example, fired))
    return failures, total
