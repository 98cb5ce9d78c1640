"""The ILO/EC 2009 dimension rule: when is a dimension positive, and what is missing (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

Rule = tuple[tuple[tuple[str, int], ...], ...]

ILO_RULE: Rule = (
    (("strong", 2),),
    (("strong", 1), ("supporting", 1)),
    (("medium", 3),),
    (("medium", 2), ("weak", 1)),
)
"""The published rule.

Two strong; or one strong and one medium or weak; or three medium; or two medium and one weak.
"""

DIMENSION_TITLES = {
    "deceptive_recruitment": "deceptive recruitment",
    "coercive_recruitment": "coercive recruitment",
    "recruitment_vulnerability": "recruitment by abuse of vulnerability",
    "exploitative_conditions": "exploitative conditions",
    "coercion_at_destination": "coercion at destination",
    "vulnerability_at_destination": "abuse of vulnerability at destination",
}


@dataclass(frozen=True, slots=True)
class Counts:
    """How many strong, medium and weak indicators a dimension has."""

    strong: int = 0
    medium: int = 0
    weak: int = 0

    def get(self, key: str) -> int:
        """Return the count for a rule key (``supporting`` is medium plus weak)."""
        if key == "supporting":
            return self.medium + self.weak
        return int(getattr(self, key))

    def add(self, weight: str, number: int = 1) -> Counts:
        """Return these counts with ``number`` more indicators of ``weight``."""
        return Counts(
            self.strong + number * (weight == "strong"),
            self.medium + number * (weight == "medium"),
            self.weak + number * (weight == "weak"),
        )

    def describe(self) -> str:
        """Say the counts in words, e.g. '1 strong, 2 medium'."""
        parts = [
            f"{n} {w}"
            for n, w in ((self.strong, "strong"), (self.medium, "medium"), (self.weak, "weak"))
            if n
        ]
        return ", ".join(parts) if parts else "no indicators"


@lru_cache(maxsize=4096)
def dimension_positive(counts: Counts, rule: Rule = ILO_RULE) -> bool:
    """Return whether ``counts`` meet any line of ``rule``."""
    return any(all(counts.get(key) >= need for key, need in line) for line in rule)


@lru_cache(maxsize=4096)
def what_is_missing(counts: Counts, rule: Rule = ILO_RULE) -> str:
    """Describe the fewest additional indicators that would make the dimension positive."""
    if dimension_positive(counts, rule):
        return ""
    options: list[tuple[int, str]] = []
    for line in rule:
        needs = [(key, need - counts.get(key)) for key, need in line if counts.get(key) < need]
        total = sum(n for _, n in needs)
        options.append((total, " and ".join(_say(key, n) for key, n in needs)))
    fewest = min(total for total, _ in options)
    choices = sorted({text for total, text in options if total == fewest})
    return " or ".join(choices)


def _say(key: str, number: int) -> str:
    noun = "indicator" if number == 1 else "indicators"
    amount = "one more" if number == 1 else f"{number} more"
    if key == "supporting":
        return f"{amount} medium or weak {noun}"
    return f"{amount} {key} {noun}"
