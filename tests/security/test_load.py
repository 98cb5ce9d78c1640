"""Load: a million short notes stream through batch in flat memory.

Slow (about a minute or more): runs only with ``-m slow`` or ``HTSCREEN_SLOW=1``.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import MINIMAL, ROOT

pytestmark = pytest.mark.slow
NOTES = 1_000_000
LIMIT_MB = 150


@pytest.fixture(autouse=True)
def _only_when_asked(request: pytest.FixtureRequest) -> None:
    asked = "slow" in (request.config.getoption("-m") or "")
    if not asked and os.environ.get("HTSCREEN_SLOW") != "1":
        pytest.skip("slow: run with -m slow or HTSCREEN_SLOW=1")


def peak_rss_mb(args: list[str], env: dict[str, str]) -> tuple[int, float, float]:
    """Run ``args`` in a child of a fresh process; return (exit code, peak RSS in MB, seconds).

    The extra process level makes RUSAGE_CHILDREN cover this run only (and its workers).
    """
    probe = textwrap.dedent(f"""
        import json, resource, subprocess, sys, time
        start = time.perf_counter()
        code = subprocess.run({args!r}, stdout=subprocess.DEVNULL).returncode
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        print(json.dumps([code, peak / 1024, time.perf_counter() - start]))
    """)
    out = subprocess.run(
        [sys.executable, "-c", probe],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=3600,
    )
    code, peak, seconds = json.loads(out.stdout)
    return code, peak, seconds


@pytest.fixture(scope="module")
def million(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("load") / "million.jsonl"
    texts = (
        "quiet night, no issues",
        "V said mgr has her ppt",
        "works 14 hrs a day",
        "not allowed to leave the house",
        "RP reports noise",
    )
    with path.open("w") as handle:
        for i in range(NOTES):
            handle.write(json.dumps({"id": f"n{i}", "text": texts[i % 5]}) + "\n")
    return path


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_million_notes_in_flat_memory(million: Path, tmp_path: Path, jobs: str) -> None:
    out = tmp_path / "out.jsonl"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    args = [
        sys.executable,
        "-m",
        "screen",
        "batch",
        str(million),
        "-f",
        "jsonl",
        "--redact",
        "--jobs",
        jobs,
        "-o",
        str(out),
        "--rules",
        str(MINIMAL),
    ]
    code, peak, seconds = peak_rss_mb(args, env)
    assert code == 0
    count = 0
    with out.open("rb") as handle:
        for count, line in enumerate(handle, start=1):  # noqa: B007
            pass
    assert count == NOTES
    with out.open("rb") as handle:
        first = json.loads(handle.readline())
    assert first["id"] == "n0"
    print(f"\n{NOTES:,} notes, --jobs {jobs}: {seconds:.0f} s, peak RSS {peak:.0f} MB")
    assert peak < LIMIT_MB, f"peak RSS {peak:.0f} MB"


EXPORT_MB = 100
PAGE = 4096


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, int]:
    """A 100 MB CSV export and the same records as JSONL; a record straddles every 4 KiB.

    Quoted fields hold commas, quotes, ``\n`` and ``\r\n``; records end in ``\r\n``. A
    record that would end exactly on a 4 KiB boundary gets one more character.
    """
    folder = tmp_path_factory.mktemp("export")
    csv_path, jsonl_path = folder / "export.csv", folder / "export.jsonl"
    texts = (
        'V said "mgr has her ppt", she cannot leave the farm',
        "quiet night, no issues;\r\nRP reports noise",
        "works 14 hrs a day\nnot allowed to leave the house, says boss",
        "caf\u00e9 owner pays her nothing \u2014 sleeps on site",
    )
    count = 0
    with csv_path.open("wb") as out_csv, jsonl_path.open("wb") as out_jsonl:
        position = out_csv.write(_csv_line(("id", "offence", "text")))
        while position < EXPORT_MB * 1024 * 1024:
            row = (f"N{count}", "other", texts[count % 4] + " x" * (count % 53))
            line = _csv_line(row)
            if (position + len(line)) % PAGE == 0:
                row = (row[0], row[1], row[2] + ".")
                line = _csv_line(row)
            assert (position + len(line)) % PAGE != 0
            position += out_csv.write(line)
            record = {"id": row[0], "offence": row[1], "text": row[2]}
            out_jsonl.write(json.dumps(record).encode() + b"\n")
            count += 1
    return csv_path, jsonl_path, count


def _csv_line(row: tuple[str, ...]) -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerow(row)
    return buffer.getvalue().encode("utf-8")


def test_a_100_mb_csv_export_gives_the_same_results_as_jsonl(
    export: tuple[Path, Path, int], tmp_path: Path
) -> None:
    csv_path, jsonl_path, count = export
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    outputs = []
    for source in (csv_path, jsonl_path):
        out = tmp_path / f"{source.suffix[1:]}.jsonl"
        args = [sys.executable, "-m", "screen", "batch", str(source), "-f", "jsonl", "--redact"]
        args += ["-o", str(out), "--rules", str(MINIMAL)]
        subprocess.run(args, env=env, check=True, timeout=3600)
        outputs.append(out.read_bytes())
    assert outputs[0].count(b"\n") == count
    assert outputs[0] == outputs[1]
