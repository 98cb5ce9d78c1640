"""Reading a rulebook file: only a regular file, never more than the limit."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from screen.app.rulebooks import read_rulebook_bytes
from screen.errors import InputError, RulebookError
from screen.model import MAX_RULEBOOK_BYTES
from tests.conftest import MINIMAL, ROOT


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
