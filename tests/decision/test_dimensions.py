import itertools

import pytest

from screen.decision.dimensions import ILO_RULE, dimension_positive, what_is_missing
from screen.results import Counts

# The ILO/EC 2009 rule written out as data: (strong, medium, weak) -> positive.
POSITIVE = {
    (s, m, w)
    for s, m, w in itertools.product(range(4), repeat=3)
    if s >= 2 or (s >= 1 and m + w >= 1) or m >= 3 or (m >= 2 and w >= 1)
}


@pytest.mark.parametrize("counts", list(itertools.product(range(4), repeat=3)))
def test_rule_table(counts: tuple[int, int, int]) -> None:
    assert dimension_positive(Counts(*counts), ILO_RULE) is (counts in POSITIVE)


def test_weak_alone_never_positive() -> None:
    assert not dimension_positive(Counts(0, 0, 50))


def test_one_medium_and_many_weak_is_not_positive() -> None:
    assert not dimension_positive(Counts(0, 1, 10))


@pytest.mark.parametrize(
    ("counts", "text"),
    [
        (Counts(1, 0, 0), "one more medium or weak indicator or one more strong indicator"),
        (
            Counts(0, 2, 0),
            "one more medium indicator or one more strong indicator or one more weak indicator",
        ),
        (Counts(0, 0, 3), "one more strong indicator"),
        (Counts(0, 1, 0), "one more strong indicator"),
        (Counts(2, 0, 0), ""),
    ],
)
def test_what_is_missing(counts: Counts, text: str) -> None:
    assert what_is_missing(counts) == text
