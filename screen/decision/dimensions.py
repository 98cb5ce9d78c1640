"""The ILO/EC 2009 dimension rule: when is a dimension positive, and what is missing (pure)."""

from __future__ import annotations

from functools import lru_cache

from screen.model import Dimension
from screen.results import Counts

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

DIMENSION_TITLES: dict[Dimension, str] = {
    Dimension.DECEPTIVE_RECRUITMENT: "deceptive recruitment",
    Dimension.COERCIVE_RECRUITMENT: "coercive recruitment",
    Dimension.RECRUITMENT_VULNERABILITY: "recruitment by abuse of vulnerability",
    Dimension.EXPLOITATIVE_CONDITIONS: "exploitative conditions",
    Dimension.COERCION_AT_DESTINATION: "coercion at destination",
    Dimension.VULNERABILITY_AT_DESTINATION: "abuse of vulnerability at destination",
}


@lru_cache(maxsize=4096)
def dimension_positive(counts: Counts, rule: Rule = ILO_RULE) -> bool:
    """Return whether ``counts`` meet any line of ``rule``."""
    return any(all(counts.get(key) >= need for key, need in line) for line in rule)


Needs = tuple[tuple[tuple[str, int], ...], ...]
"""The cheapest ways to make a dimension positive: each a tuple of (weight key, how many more)."""


@lru_cache(maxsize=4096)
def missing_needs(counts: Counts, rule: Rule = ILO_RULE) -> Needs:
    """The fewest additional indicators that would make the dimension positive, as data."""
    if dimension_positive(counts, rule):
        return ()
    options: list[tuple[int, tuple[tuple[str, int], ...]]] = []
    for line in rule:
        needs = tuple((key, need - counts.get(key)) for key, need in line if counts.get(key) < need)
        options.append((sum(n for _, n in needs), needs))
    fewest = min(total for total, _ in options)
    return tuple(needs for total, needs in options if total == fewest)


@lru_cache(maxsize=4096)
def what_is_missing(counts: Counts, rule: Rule = ILO_RULE) -> str:
    """Describe the fewest additional indicators that would make the dimension positive."""
    choices = sorted(
        {" and ".join(_say(key, n) for key, n in needs) for needs in missing_needs(counts, rule)}
    )
    return " or ".join(choices)


def _say(key: str, number: int) -> str:
    noun = "indicator" if number == 1 else "indicators"
    amount = "one more" if number == 1 else f"{number} more"
    if key == "supporting":
        return f"{amount} medium or weak {noun}"
    return f"{amount} {key} {noun}"
