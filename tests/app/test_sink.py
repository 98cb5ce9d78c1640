"""The batch sink: owner-only, never through a symlink, one writer at a time, honest JSON."""

from __future__ import annotations

import fcntl
import json
import os
from pathlib import Path

from tests.app.test_batch import interrupted_run
from tests.conftest import DATA, MINIMAL, run_cli

RULES = ("--rules", str(MINIMAL))
SMALL = str(DATA / "inputs" / "small.csv")


def test_an_existing_output_becomes_owner_only(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text("old results\n")
    out.chmod(0o644)
    assert run_cli("batch", SMALL, "-f", "jsonl", "-o", str(out), *RULES).code == 0
    assert out.stat().st_mode & 0o777 == 0o600
    assert "old results" not in out.read_text()


def test_an_output_symlink_is_refused_and_its_target_kept(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n")
    link = tmp_path / "out.jsonl"
    link.symlink_to(victim)
    result = run_cli("batch", SMALL, "-f", "jsonl", "-o", str(link), *RULES)
    assert result.code == 4 and "symbolic link" in result.stderr
    assert victim.read_text() == "keep me\n" and link.is_symlink()


def test_a_second_run_on_the_same_output_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text("")
    with out.open("rb") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)  # another run is writing it
        result = run_cli("batch", SMALL, "-f", "jsonl", "-o", str(out), *RULES)
    assert result.code == 2 and "another htscreen run is writing" in result.stderr
    assert out.read_text() == ""


def test_output_to_a_device_writes_into_it_and_never_replaces_it() -> None:
    before = os.stat("/dev/null")
    result = run_cli("batch", SMALL, "-f", "jsonl", "-o", "/dev/null", *RULES)
    assert result.code == 0, result.stderr
    after = os.stat("/dev/null")
    assert (after.st_ino, after.st_mode, after.st_rdev) == (
        before.st_ino,
        before.st_mode,
        before.st_rdev,
    )


def test_an_interrupted_json_output_is_left_open_not_closed_as_valid(
    tmp_path: Path, monkeypatch
) -> None:
    source = tmp_path / "n.jsonl"
    source.write_text("".join(json.dumps({"id": f"n{i}", "text": "x"}) + "\n" for i in range(9)))
    out = tmp_path / "out.json"
    assert interrupted_run(monkeypatch, source, out, "json", after=4).code == 130
    text = out.read_text()
    assert text.count('"id"') == 4 and not text.rstrip().endswith("]}")
    try:
        json.loads(text)
    except ValueError:
        pass
    else:
        raise AssertionError("an interrupted JSON output parses as a whole one")
    whole = tmp_path / "whole.json"
    assert run_cli("batch", str(source), "-f", "json", "-o", str(whole), *RULES).code == 0
    assert len(json.loads(whole.read_text())["results"]) == 9
