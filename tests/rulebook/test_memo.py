"""Check results remembered between runs: the same verdicts, where the file says now."""

from __future__ import annotations

import pytest

from screen.errors import RulebookError
from screen.patterns.memo import Keys
from screen.rulebook import parse_rulebook
from tests.conftest import DATA, MINIMAL

BROKEN = sorted((DATA / "rulebooks" / "broken").glob("*.yaml"))


class Counting:
    """A dict memo that counts what it was asked for and told."""

    def __init__(self) -> None:
        self.kept: dict[str, object] = {}
        self.puts = 0

    def get(self, name: str) -> object:
        return self.kept.get(name)

    def put(self, name: str, value: object) -> None:
        self.puts += 1
        self.kept[name] = value


def verdict(data: bytes, memo: Counting | None) -> list[str]:
    try:
        rulebook = parse_rulebook(data, "r.yaml", memo)
    except RulebookError as exc:
        return [str(p) for p in exc.problems]
    return list(rulebook.warnings)


@pytest.mark.parametrize("path", BROKEN, ids=lambda p: p.stem)
def test_a_remembered_run_gives_the_same_messages(path) -> None:
    data = path.read_bytes()
    memo = Counting()
    first = verdict(data, memo)
    again = verdict(data, memo)
    assert first == verdict(data, None) == again


def test_a_second_run_works_out_nothing_again() -> None:
    memo = Counting()
    verdict(MINIMAL.read_bytes(), memo)
    assert memo.puts > 10
    before = memo.puts
    verdict(MINIMAL.read_bytes(), memo)
    assert memo.puts == before


def test_an_edit_is_checked_and_reported_where_it_now_stands() -> None:
    data = MINIMAL.read_bytes()
    memo = Counting()
    verdict(data, memo)
    broken = data.replace(b'"7 days a week"', b'"7 days a (week"', 1)
    shifted = b"# a comment line\n" + broken
    messages = verdict(shifted, memo)
    assert messages == verdict(shifted, None)
    assert len(messages) == 1 and messages[0].startswith("r.yaml:")
    assert int(messages[0].split(":")[1]) == int(verdict(broken, None)[0].split(":")[1]) + 1


def test_a_lexicon_edit_changes_the_key_of_every_phrase_that_reaches_it() -> None:
    lexicon = {"a": ("@b", "x"), "b": ("y",), "c": ("z",)}
    edited = {**lexicon, "b": ("y", "w")}
    before, after = Keys(lexicon), Keys(edited)
    assert before.phrases("phrase", ("@a now",)) != after.phrases("phrase", ("@a now",))
    assert before.phrases("phrase", ("@c now",)) == after.phrases("phrase", ("@c now",))
    assert before.phrases("phrase", ("plain",)) == after.phrases("phrase", ("plain",))


def test_a_cycle_in_the_lexicon_still_gives_keys() -> None:
    keys = Keys({"a": ("@b",), "b": ("@a",)})
    assert keys.lexicon_list("a") != keys.lexicon_list("b")
