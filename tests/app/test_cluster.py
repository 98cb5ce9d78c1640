"""The Dask partition task keeps note text out of errors, and leaves no partial files.

(issue 17, item 6)

These run the task function in this process; the cluster itself is tested in
test_distributed.py.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from screen.app import cluster
from screen.app.cluster import Job, PartFailure, remove_partial_files, run_part
from screen.app.partitions import Part
from screen.errors import OutputError
from screen.model import Level

SECRET = "V said the boss keeps her passport in the safe"


def failing_worker(_spec: object) -> object:
    raise ValueError(f"cannot screen {SECRET!r}")


def test_a_failing_partition_is_returned_by_kind_without_its_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cluster, "worker_for", failing_worker)
    result = run_part(SimpleNamespace(), Part(7, "units"), Job(str(tmp_path), Level.L5))  # type: ignore[arg-type]
    assert result == PartFailure(7, "ValueError")
    assert SECRET not in repr(result)


def test_the_client_reports_a_failed_partition_without_note_text() -> None:
    done = SimpleNamespace(result=lambda: PartFailure(3, "ValueError"))
    state = SimpleNamespace(done=[done], not_done=[])
    with pytest.raises(OutputError) as caught:
        cluster._settle(state, cluster.Totals())
    assert "partition 3" in str(caught.value) and "ValueError" in str(caught.value)
    assert SECRET not in str(caught.value)


def test_partial_part_files_are_removed(tmp_path: Path) -> None:
    (tmp_path / ".part-00001.jsonl.abc123.tmp").write_text(SECRET)
    (tmp_path / "part-00000.jsonl").write_text("{}\n")
    remove_partial_files(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["part-00000.jsonl"]
