"""Which rulebook a command uses (--rules, $HTSCREEN_RULES, found upwards, shipped), and reading it:
only a regular file, never more than the limit."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from screen.app.environment import Environment
from screen.app.rulebooks import (
    RulebookChoice,
    choose_rulebook,
    find_upwards,
    read_rulebook_bytes,
    rulebook_notice,
    shipped_rules_path,
)
from screen.errors import InputError, RulebookError
from screen.model import MAX_RULEBOOK_BYTES
from tests.conftest import MINIMAL, ROOT


def env_in(cwd: Path | None, **variables: str) -> Environment:
    return Environment.of(variables, Path("/nonexistent-home"), cwd=cwd)


def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "notes" / "2026").mkdir(parents=True)
    (root / "indicators.yaml").write_bytes(MINIMAL.read_bytes())
    return root


def test_found_in_the_current_folder_or_a_parent(tmp_path: Path) -> None:
    root = project(tmp_path)
    for cwd in (root, root / "notes", root / "notes" / "2026"):
        choice = choose_rulebook(None, env_in(cwd))
        assert (choice.path, choice.origin) == (root / "indicators.yaml", "found")


def test_order_is_flag_then_variable_then_found_then_shipped(tmp_path: Path) -> None:
    root = project(tmp_path)
    other = tmp_path / "other.yaml"
    inside = env_in(root / "notes", HTSCREEN_RULES=str(other))
    assert choose_rulebook(MINIMAL, inside).origin == "--rules"
    assert choose_rulebook(None, inside) == RulebookChoice(other, "HTSCREEN_RULES")
    assert choose_rulebook(None, env_in(root / "notes")).origin == "found"
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / ".git").mkdir()
    shipped = choose_rulebook(None, env_in(outside))
    assert (shipped.path, shipped.origin) == (shipped_rules_path(), "shipped")
    assert choose_rulebook(None, env_in(None)).origin == "shipped"


def test_search_stops_at_the_top_of_a_repository(tmp_path: Path) -> None:
    root = project(tmp_path)
    repo = root / "notes"
    (repo / ".git").write_text("gitdir: elsewhere\n")  # a worktree's .git is a file
    assert find_upwards(repo / "2026", "indicators.yaml") is None
    (repo / "indicators.yaml").write_bytes(MINIMAL.read_bytes())
    assert find_upwards(repo / "2026", "indicators.yaml") == repo / "indicators.yaml"


def test_a_folder_named_like_the_rulebook_is_not_a_rulebook(tmp_path: Path) -> None:
    (tmp_path / "a" / "indicators.yaml").mkdir(parents=True)
    (tmp_path / "a" / ".git").mkdir()
    assert find_upwards(tmp_path / "a", "indicators.yaml") is None


def test_notice_names_path_origin_and_hash(tmp_path: Path) -> None:
    root = project(tmp_path)
    choice = choose_rulebook(None, env_in(root))
    assert rulebook_notice(choice, "ab" * 32) == (
        f"htscreen: rulebook {root / 'indicators.yaml'} (found in the current folder or a "
        "parent; sha256 abababababab)"
    )


def test_a_regular_rulebook_is_read_whole() -> None:
    assert read_rulebook_bytes(MINIMAL) == MINIMAL.read_bytes()


def test_a_device_rulebook_is_refused_unread() -> None:
    with pytest.raises(InputError, match="not a regular file"):
        read_rulebook_bytes(Path("/dev/zero"))


def test_a_folder_rulebook_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a regular file"):
        read_rulebook_bytes(tmp_path)


def test_a_fifo_rulebook_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "rules.fifo"
    os.mkfifo(fifo)
    done = subprocess.run(  # in a child: a hang must not hang the test run
        [sys.executable, "-m", "screen", "rules", "validate", str(fifo)],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 4 and b"not a regular file" in done.stderr


def test_a_rulebook_over_the_limit_is_refused_past_the_limit(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    with big.open("wb") as handle:
        handle.truncate(MAX_RULEBOOK_BYTES + 10)  # sparse
    with pytest.raises(RulebookError, match="1 problem"):
        read_rulebook_bytes(big)
