"""What htscreen keeps on disk: reports and saves never replace a link or a device, and the
cache is data under an HMAC, owner-only, bounded and keyed the same way every run."""

from __future__ import annotations

import ast
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from screen.app import storage
from screen.app.storage import MAGIC, Store
from screen.errors import OutputError
from tests.conftest import DATA, MINIMAL, ROOT, run_cli

RULES = ("--rules", str(MINIMAL))
NOTES = str(DATA / "inputs" / "mixed.jsonl")
REPLAY = ("interview", "--offence", "labour_dispute", "--form", "full", "--answers")
ANSWERS = str(DATA / "answers" / "labour.yaml")


# --- reports and saves -------------------------------------------------------------------


def test_report_and_save_never_replace_a_link_or_a_fifo(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n")
    link, fifo = tmp_path / "r.md", tmp_path / "pipe"
    link.symlink_to(victim)
    os.mkfifo(fifo)
    for target in (link, fifo):
        result = run_cli(*REPLAY, ANSWERS, *RULES, "--report", str(target))
        assert result.code == 4 and "not a regular file" in result.stderr
    assert link.is_symlink() and stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert victim.read_text() == "keep me\n"
    with pytest.raises(OutputError, match="not a regular file"):
        storage.save_json(link, {"answers": []})
    assert victim.read_text() == "keep me\n" and sorted(p.name for p in tmp_path.iterdir()) == [
        "pipe",
        "r.md",
        "victim.txt",
    ]


# --- the cache ---------------------------------------------------------------------------


def batch(cache: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("HTSCREEN_CACHE", str(cache))
    result = run_cli("batch", NOTES, "-f", "jsonl", *RULES)
    assert result.code == 4 and "Traceback" not in result.stderr  # mixed.jsonl has bad records
    return result.stdout


def entries(cache: Path) -> dict[str, bytes]:
    folder = cache / "htscreen"
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.entry"))}


def test_damaged_cache_entries_are_rebuilt_never_trusted(tmp_path: Path, monkeypatch) -> None:
    cache = tmp_path / "c"
    expected = batch(cache, monkeypatch)
    good = entries(cache)
    assert len(good) >= 3  # the rulebook, the plan and the scanner databases
    for name, data in good.items():
        for where in (0, len(MAGIC) + 3, len(MAGIC) + 40, len(data) // 2, len(data) - 1):
            damaged = bytearray(data)
            damaged[where] ^= 0x41
            path = cache / "htscreen" / name
            path.write_bytes(bytes(damaged))
            assert batch(cache, monkeypatch) == expected, (name, where)
            if _is_check_memo(data):
                # Read only when the rulebook must be validated or compiled again: a
                # damaged one is rewritten then, from the checks it had to redo.
                _forget_all_but(cache, name)
                assert batch(cache, monkeypatch) == expected, (name, where)
                assert path.read_bytes() != bytes(damaged), "the damaged memo was not rebuilt"
                batch(cache, monkeypatch)
                for other, payload in good.items():
                    (cache / "htscreen" / other).write_bytes(payload)
                continue
            assert path.read_bytes() == data, "the damaged entry was not rebuilt"
        (cache / "htscreen" / name).write_bytes(data[: len(data) // 3])  # cut short
        assert batch(cache, monkeypatch) == expected
        (cache / "htscreen" / name).write_bytes(data)


def _is_check_memo(data: bytes) -> bool:
    """Whether a cache entry is a memo of validator or plan pieces (screen.patterns.memo)."""
    return b'"phrase-' in data or b'"plan-regex-' in data


def _forget_all_but(cache: Path, keep: str) -> None:
    for path in (cache / "htscreen").glob("*.entry"):
        if path.name != keep:
            path.unlink()


def test_a_swapped_linked_or_shared_cache_entry_is_ignored(tmp_path: Path, monkeypatch) -> None:
    mine, theirs = tmp_path / "mine", tmp_path / "theirs"
    expected = batch(mine, monkeypatch)
    batch(theirs, monkeypatch)  # another user's cache: the same entries under another key
    folder = mine / "htscreen"
    name = max(entries(mine), key=lambda n: len(entries(mine)[n]))
    genuine = (folder / name).read_bytes()
    (folder / name).write_bytes((theirs / "htscreen" / name).read_bytes())
    assert batch(mine, monkeypatch) == expected and (folder / name).read_bytes() == genuine
    (folder / name).unlink()
    (folder / name).symlink_to(theirs / "htscreen" / name)
    assert batch(mine, monkeypatch) == expected
    assert not (folder / name).is_symlink()  # replaced by a rebuilt entry of our own
    (folder / name).chmod(0o620)  # an entry others can write is never read
    assert batch(mine, monkeypatch) == expected
    folder.chmod(0o777)  # a folder others can write is never read
    assert batch(mine, monkeypatch) == expected
    folder.chmod(0o700)
    for path in folder.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_cache_entries_are_data_never_pickles(tmp_path: Path, monkeypatch) -> None:
    cache = tmp_path / "c"
    batch(cache, monkeypatch)
    assert all(data.startswith(MAGIC) for data in entries(cache).values())
    for source in (ROOT / "screen").rglob("*.py"):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            assert not {"pickle", "marshal", "shelve", "dill"} & set(names), source


def test_the_cache_is_keyed_the_same_whatever_the_hash_seed(tmp_path: Path) -> None:
    cache = tmp_path / "c"
    command = [sys.executable, "-m", "screen", "batch", NOTES, "-f", "jsonl", *RULES]
    seen = []
    for seed in ("1", "2", "3"):
        env = {**os.environ, "HTSCREEN_CACHE": str(cache), "PYTHONHASHSEED": seed}
        subprocess.run(command, env=env, capture_output=True, check=False)
        seen.append(entries(cache))
    assert seen[0] == seen[1] == seen[2]


def test_the_cache_stays_under_its_size_limit(tmp_path: Path) -> None:
    store = Store(tmp_path / "c", "ns", limit=2000)
    for n in range(8):
        store.put(f"entry-{n}", bytes([n]) * 600)
    sizes = [p.stat().st_size for p in (tmp_path / "c").glob("*.entry")]
    assert sum(sizes) <= 2000 and store.get("entry-7") == bytes([7]) * 600
