"""Run each indicator's own match / no_match examples as tests (pure)."""

from __future__ import annotations

from typing import NamedTuple

from screen.matching.matcher import Matcher
from screen.model import Rulebook, Status


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


class Paraphrase(NamedTuple):
    """One way of saying an indicator (``says``) or a look-alike that must not fire it."""

    indicator: str
    kind: str  # "says" | "lookalike"
    lang: str
    text: str


class ParaphraseScore(NamedTuple):
    """How one indicator did on its paraphrases."""

    indicator: str
    says: int
    found: int
    lookalikes: int
    false_fires: int
    spanish_says: int
    spanish_found: int
    suggested: int = 0
    """Ways of saying it found by a rule or suggested by the learned layer."""
    suggested_false_fires: int = 0
    """Look-alikes a rule fires or the learned layer suggests."""

    @property
    def recall(self) -> float | None:
        """Share of the ways of saying it that fire it (None without any)."""
        return self.found / self.says if self.says else None

    @property
    def suggested_recall(self) -> float | None:
        """Share of the ways of saying it found or suggested (None without any)."""
        return self.suggested / self.says if self.says else None

    @property
    def suggested_false_fire_rate(self) -> float | None:
        """Share of the look-alikes found or suggested (None without any)."""
        return self.suggested_false_fires / self.lookalikes if self.lookalikes else None

    @property
    def false_fire_rate(self) -> float | None:
        """Share of the look-alikes that fire it (None without any)."""
        return self.false_fires / self.lookalikes if self.lookalikes else None


def score_paraphrases(matcher: Matcher, paraphrases: list[Paraphrase]) -> list[ParaphraseScore]:
    """Recall and false fires per indicator, in rulebook order (CheckList-style tests)."""
    counts: dict[str, list[int]] = {}
    for item in paraphrases:
        own = [e for e in matcher.scan(item.text).evidence if e.indicator == item.indicator]
        present = any(e.counts for e in own)
        shown = present or any(e.status is Status.SUGGESTED for e in own)
        row = counts.setdefault(item.indicator, [0, 0, 0, 0, 0, 0, 0, 0])
        if item.kind == "says":
            row[0] += 1
            row[1] += present
            row[6] += shown
            if item.lang != "en":
                row[4] += 1
                row[5] += present
        else:
            row[2] += 1
            row[3] += present
            row[7] += shown
    order = [ind.id for ind in matcher.rulebook.indicators]
    known = [i for i in order if i in counts] + sorted(set(counts) - set(order))
    return [ParaphraseScore(i, *counts[i]) for i in known]
