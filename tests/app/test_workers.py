"""Workers start from the parent's validated bytes, never from the rulebook file (issue 17, item 8).

A pool that re-read ``--rules`` respawned forever when the file was a pipe or was
deleted during start-up, and used an edited rulebook under the old hash.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from screen.app import batch
from screen.app.inputs import ReadOptions, Unit
from screen.app.workers import Worker, WorkerError, WorkerSpec
from tests.conftest import MINIMAL


def spec_for(data: bytes, source: str, sha256: str | None = None) -> WorkerSpec:
    return WorkerSpec(data, sha256 or hashlib.sha256(data).hexdigest(), source, ReadOptions())


def units(count: int) -> list[Unit]:
    line = b'{"id": "n%d", "text": "mgr has her ppt"}'
    return [Unit("jsonl", 0, f"in:{i}", line % i) for i in range(count)]


def test_workers_screen_from_the_bytes_when_the_file_is_gone(tmp_path: Path) -> None:
    gone = tmp_path / "deleted-after-start.yaml"
    spec = spec_for(MINIMAL.read_bytes(), str(gone))  # the path no longer exists
    one = [line for line, _ in batch.records(units(600), spec, jobs=1)]
    two = [line for line, _ in batch.records(units(600), spec, jobs=2)]
    assert two == one and len(one) == 600
    assert all('"documents-held"' in line for line in one)


def test_bytes_that_do_not_match_their_hash_are_refused() -> None:
    data = MINIMAL.read_bytes()
    edited = spec_for(
        data.replace(b"test-1", b"test-2"), str(MINIMAL), hashlib.sha256(data).hexdigest()
    )
    with pytest.raises(WorkerError, match="sha256 differs"):
        Worker(edited)


def test_a_pool_whose_workers_cannot_start_fails_once_with_a_clear_error() -> None:
    data = MINIMAL.read_bytes()
    broken = spec_for(
        data.replace(b"test-1", b"test-2"), str(MINIMAL), hashlib.sha256(data).hexdigest()
    )
    with pytest.raises(WorkerError, match="could not start|sha256 differs"):
        list(batch.records(units(600), broken, jobs=2))
