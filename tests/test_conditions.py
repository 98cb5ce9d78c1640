import pytest

from screen import conditions
from screen.errors import ConditionError

ANSWERS = {"age": "16", "works": "yes", "who": "employer", "paid": "unknown", "note": "text"}


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("age < 18", True),
        ("age >= 18", False),
        ("age == 16", True),
        ("age == 16.0", True),
        ("works == 'yes'", True),
        ("works != 'yes'", False),
        ("works == 'YES'", True),
        ("who in ('employer', 'partner')", True),
        ("who not in ('employer', 'partner')", False),
        ("works == 'yes' and (paid == 'no' or who == 'employer')", True),
        ("not works == 'yes'", False),
        ("not (age < 18 and works == 'no')", True),
        ("answered(age)", True),
        ("answered(paid)", False),  # unknown is not a real answer
        ("answered(missing)", False),
        ("paid == 'no'", False),  # comparisons with unknown are false
        ("paid != 'no'", False),
        ("missing < 3", False),
        ("who < 3", False),  # ordering a non-number is false
        ("age", True),
        ("paid", False),
        ("a or b or works == 'yes'", True),
    ],
)
def test_evaluate(source: str, expected: bool) -> None:
    assert conditions.evaluate(conditions.parse(source), ANSWERS) is expected


def test_precedence_and_binds_tighter_than_or() -> None:
    tree = conditions.parse("works == 'no' and age < 18 or who == 'employer'")
    assert isinstance(tree, conditions.BoolOp) and tree.op == "or"
    assert conditions.evaluate(tree, ANSWERS) is True


@pytest.mark.parametrize(
    ("source", "position"),
    [
        ("age <", 5),
        ("age < 18 and", 12),
        ("(age < 18", 9),
        ("age < 18)", 8),
        ("who in 'a'", 7),
        ("age ! 3", 4),
        ("", 0),
        ("answered()", 9),
        ("age < 18 18", 9),
    ],
)
def test_parse_errors_carry_positions(source: str, position: int) -> None:
    with pytest.raises(ConditionError) as caught:
        conditions.parse(source)
    assert caught.value.position == position


def test_references_list_ids_and_literals() -> None:
    tree = conditions.parse("who in ('employer', 'partner') and age < 18 and answered(x)")
    refs = {name: tuple(lit.value for lit in lits) for name, lits in conditions.references(tree)}
    assert refs == {"who": ("employer", "partner"), "age": ("18",), "x": ()}


def test_never_evaluates_python() -> None:
    with pytest.raises(ConditionError):
        conditions.parse("__import__('os').system('true')")
