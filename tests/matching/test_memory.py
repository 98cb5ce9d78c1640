"""Compiled expressions and next-question rankings remembered between processes."""

from __future__ import annotations

import json
import re
import zlib
from pathlib import Path

import pytest

from screen.matching import expressions, memory
from screen.matching.expressions import Expressions, compile_spec, from_spec
from screen.matching.matcher import Matcher
from screen.matching.memory import Memory
from screen.screening import Note, Screener, settled_memory
from tests.conftest import store_at


class Shelf:
    """An artefact store in memory, counting writes."""

    def __init__(self) -> None:
        self.items: dict[str, bytes] = {}
        self.puts = 0

    def get(self, key: str) -> bytes | None:
        return self.items.get(key)

    def put(self, key: str, payload: bytes) -> None:
        self.items[key] = payload
        self.puts += 1


def test_a_rebuilt_pattern_equals_the_compiled_one(shipped_matcher: Matcher) -> None:
    plan = shipped_matcher.plan
    sources = [t for tests in list(plan.tests.values())[:200] for t in tests]
    sources += [p for rule in plan.rules[:200] for p in rule.parts if rule.kind.value != "regex"]
    sources += [cue.expression for cue in plan.cues] + ["(?i)" + r for r in plan.regexes]
    sources += [r"(?P<word>\w+)\s+(?P=word)", r"(?x) a b  # spaced"]
    for source in sources:
        pattern, spec = compile_spec(source)
        assert spec is not None
        assert pattern == re.compile(source)  # Pattern equality compares the compiled code
        rebuilt = from_spec(source, json.loads(json.dumps(spec)))  # as the store keeps it
        assert rebuilt == re.compile(source)
        assert rebuilt.groupindex == re.compile(source).groupindex


def test_expressions_are_rebuilt_from_the_store_not_recompiled(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    shelf = Shelf()
    first = Expressions(shelf)
    assert first.get(r"\bpassport\b").search("a passport held")
    assert first.save(force=True) and shelf.puts == 1
    monkeypatch.setattr(expressions, "compile_spec", lambda source: pytest.fail("compiled again"))
    second = Expressions(shelf)
    assert second.get(r"\bpassport\b") == re.compile(r"\bpassport\b")
    assert not second.save(force=True)  # nothing new: nothing written


def test_a_damaged_form_is_compiled_afresh() -> None:
    shelf = Shelf()
    key = Expressions(shelf).memory.key
    shelf.items[key] = json.dumps({r"\bx\b": [0, [1, 2, 3], 0, {}, []]}).encode()
    assert Expressions(shelf).get(r"\bx\b") == re.compile(r"\bx\b")
    _, spec = compile_spec(r"\by\b")
    assert spec is not None
    shelf.items[key] = json.dumps({r"\bx\b": spec}).encode()  # another expression's code
    assert Expressions(shelf).get(r"\bx\b") == re.compile(r"\bx\b")
    check = format(zlib.crc32(rb"\bx\b"), "x")
    shelf.items[key] = json.dumps({r"\bx\b": f"{check} 0 0 bm90IGNvZGU= [{{}},[]]"}).encode()
    assert Expressions(shelf).get(r"\bx\b") == re.compile(r"\bx\b")
    shelf.items[key] = b"not json"
    assert Expressions(shelf).get(r"\bx\b") == re.compile(r"\bx\b")


def test_saves_merge_what_other_processes_saved() -> None:
    shelf = Shelf()
    one, two = Memory(shelf, "k", 100), Memory(shelf, "k", 100)
    one.put("a", 1)
    two.put("b", 2)
    assert one.save(force=True) and two.save(force=True)
    assert Memory(shelf, "k", 100).known == {"a": 1, "b": 2}


def test_saves_wait_for_enough_entries_or_time(monkeypatch: pytest.MonkeyPatch) -> None:
    shelf = Shelf()
    kept = Memory(shelf, "k", 10_000)
    kept.put("a", 1)
    assert not kept.save() and shelf.puts == 0
    for n in range(memory.SAVE_AT):
        kept.put(str(n), n)
    assert kept.save() and kept.unsaved == 0
    kept.put("late", 1)
    monkeypatch.setattr(memory.time, "monotonic", lambda: 1e12)
    assert kept.save() and shelf.puts == 2


def test_the_store_keeps_the_newest_entries_up_to_the_limit() -> None:
    shelf = Shelf()
    kept = Memory(shelf, "k", 3)
    for n in range(5):
        kept.put(str(n), n)
        kept.save(force=True)
    assert list(Memory(shelf, "k", 3).known) == ["2", "3", "4"]


def test_the_store_is_bounded_in_bytes_and_keeps_the_newest() -> None:
    shelf = Shelf()
    kept = Memory(shelf, "k", 10_000, max_bytes=1_000)
    for n in range(50):
        kept.put(f"e{n:02}", "x" * 90)
    kept.save(force=True)
    assert len(shelf.items["k"]) <= 1_000
    names = list(Memory(shelf, "k", 10_000, max_bytes=1_000).known)
    assert names == [f"e{n:02}" for n in range(50 - len(names), 50)] and len(names) >= 9


def test_entries_read_by_a_run_outlive_entries_no_run_needs() -> None:
    shelf = Shelf()
    first = Memory(shelf, "k", 3)
    for name in ("stale", "used", "other"):
        first.put(name, 1)
    first.save(force=True)
    second = Memory(shelf, "k", 3)
    assert second.get("used") == 1
    second.put("new", 1)
    second.save(force=True)
    assert list(Memory(shelf, "k", 3).known) == ["other", "used", "new"]


def test_a_slow_save_spaces_out_the_next(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = iter([0.0, 100.0, 130.0, 200.0, 100_000.0, 100_000.0])
    monkeypatch.setattr(memory.time, "monotonic", lambda: next(clock))
    kept = Memory(Shelf(), "k", 10_000)  # created at 0
    kept.put("a", 1)
    assert kept.save()  # at 100, due by time; took 30 s
    kept.put("b", 1)
    assert not kept.save()  # at 200: due, but 100 s < 20 x 30 s
    assert kept.save()  # at 100,000


def test_rankings_come_back_from_the_store(
    shipped_matcher: Matcher, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = store_at(tmp_path)
    key = settled_memory(shipped_matcher, None).key
    plain = Screener(shipped_matcher)
    first = Screener(shipped_matcher, memory=Memory(store, key, 100))
    notes = [Note(str(n), text) for n, text in enumerate(_settling_notes(plain))]
    expected = [plain.screen(note) for note in notes]
    assert [first.screen(note) for note in notes] == expected
    assert first.memory is not None and first.memory.save(force=True)
    second = Screener(shipped_matcher, memory=Memory(store, key, 100))
    monkeypatch.setattr(second, "_settle", lambda *a: pytest.fail("ranked again"))
    assert [second.screen(note) for note in notes] == expected


def test_rankings_are_kept_per_rulebook_and_jurisdiction(shipped_matcher: Matcher) -> None:
    keys = {settled_memory(shipped_matcher, j).key for j in (None, "palermo", "us-federal")}
    assert len(keys) == 3
    assert all(shipped_matcher.rulebook.sha256[:40] in key for key in keys)


def _settling_notes(screener: Screener) -> list[str]:
    """Notes of the annotated corpus whose records carry next questions."""
    path = Path(__file__).parent.parent / "data" / "notes" / "corpus.jsonl"
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        text = json.loads(line)["text"]
        verdict = screener.screen(Note("n", text)).verdict
        if verdict is not None and verdict.next_questions:
            found.append(text)
        if len(found) >= 4:
            break
    assert found
    return found
