"""The batch command end to end (in-process), with golden files for each format."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from screen import screen_texts
from screen.app.rulebooks import load_rulebook
from tests.conftest import DATA, MINIMAL, default_sigint, run_cli

INPUTS = DATA / "inputs"
RULES = ("--rules", str(MINIMAL))


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "json", "table"])
def test_golden_output_per_format(fmt: str, golden) -> None:
    result = run_cli(
        "batch", str(INPUTS / "small.csv"), str(INPUTS / "mixed.jsonl"), "--format", fmt, *RULES
    )
    assert result.code == 4  # three records of mixed.jsonl cannot be read
    golden.check(f"batch/mixed.{fmt}", result.stdout.replace(str(DATA), "DATA"))


def test_every_record_in_yields_one_record_out() -> None:
    result = run_cli("batch", str(INPUTS / "mixed.jsonl"), "--format", "jsonl", *RULES)
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 6
    assert [r["level"] is None for r in rows] == [False, False, True, True, True, False]
    assert all(r["error"] for r in rows if r["level"] is None)
    assert result.stderr == ""


def test_evidence_spans_point_into_the_note() -> None:
    text = "V stated: mgr has her ppt and she is not allowed to leave."
    [row] = list(screen_texts([("n1", text)], load_rulebook(MINIMAL)))
    for item in row["indicators"]:
        assert text[item["start"] : item["end"]] == item["snippet"]
    assert row["level"] == "L3"


def test_redact_leaves_no_note_text(tmp_path: Path) -> None:
    marker = "mgr has her ppt QQMARKERQQ"
    (tmp_path / "n.jsonl").write_text(json.dumps({"id": "r1", "text": marker}) + "\n")
    for fmt in ("jsonl", "csv", "json"):
        result = run_cli("batch", str(tmp_path / "n.jsonl"), "--format", fmt, "--redact", *RULES)
        assert result.code == 0
        assert "QQMARKERQQ" not in result.stdout and "ppt" not in result.stdout
        assert "documents-held" in result.stdout


def test_fail_on_and_min_level(tmp_path: Path) -> None:
    (tmp_path / "n.jsonl").write_text(
        '{"id": "a", "text": "mgr has her ppt"}\n{"id": "b", "text": "all quiet"}\n'
    )
    args = ("batch", str(tmp_path / "n.jsonl"), "--format", "jsonl", *RULES)
    assert run_cli(*args).code == 0
    assert run_cli(*args, "--fail-on", "L3").code == 1
    assert run_cli(*args, "--fail-on", "L2").code == 0
    kept = run_cli(*args, "--min-level", "L3").stdout.splitlines()
    assert [json.loads(line)["id"] for line in kept] == ["a"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--format", "xml"), "unknown format"),
        (("--min-level", "L9"), "level from L0 to L5"),
        (("--jobs", "0"), "--jobs"),
        (("--resume",), "--resume needs --output"),
        (("--jurisdiction", "mars"), "unknown jurisdiction"),
    ],
)
def test_usage_errors_exit_2(args, message: str) -> None:
    result = run_cli("batch", str(INPUTS / "small.csv"), *args, *RULES)
    assert result.code == 2 and message in result.stderr


def test_missing_input_exits_4() -> None:
    result = run_cli("batch", "/nonexistent.csv", *RULES)
    assert result.code == 4 and "no such file" in result.stderr


def test_output_file_is_owner_only(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    assert (
        run_cli("batch", str(INPUTS / "small.csv"), "-f", "jsonl", "-o", str(out), *RULES).code == 0
    )
    assert out.stat().st_mode & 0o777 == 0o600
    assert len(out.read_text().splitlines()) == 2


def test_output_into_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    result = run_cli(
        "batch",
        str(INPUTS / "small.csv"),
        "-f",
        "jsonl",
        "-o",
        str(tmp_path / "no" / "out.jsonl"),
        *RULES,
    )
    assert result.code == 4 and "folder exists" in result.stderr


def test_resume_after_partial_output_equals_one_run(tmp_path: Path) -> None:
    source = tmp_path / "n.jsonl"
    source.write_text(
        "".join(
            json.dumps(
                {"id": f"n{i}", "text": f"note {i} mgr has her ppt" if i % 3 else f"note {i}"}
            )
            + "\n"
            for i in range(50)
        )
    )
    full, part = tmp_path / "full.jsonl", tmp_path / "part.jsonl"
    assert run_cli("batch", str(source), "-f", "jsonl", "-o", str(full), *RULES).code == 0
    lines = full.read_bytes().splitlines(keepends=True)
    part.write_bytes(b"".join(lines[:17]) + lines[17][:25])  # a killed run: one half record
    assert (
        run_cli("batch", str(source), "-f", "jsonl", "-o", str(part), "--resume", *RULES).code == 0
    )
    assert part.read_bytes() == full.read_bytes()


def test_jobs_2_gives_the_same_output_in_order(tmp_path: Path) -> None:
    source = tmp_path / "n.jsonl"
    source.write_text(
        "".join(
            json.dumps(
                {
                    "id": f"n{i}",
                    "text": ("boss has her ppt " if i % 7 == 0 else "quiet ") * (i % 5 + 1),
                }
            )
            + "\n"
            for i in range(700)
        )
    )
    one = run_cli("batch", str(source), "-f", "jsonl", *RULES)
    two = run_cli("batch", str(source), "-f", "jsonl", "--jobs", "2", *RULES)
    assert one.code == two.code == 0 and one.stdout == two.stdout


def test_sigint_leaves_whole_records_and_resume_completes(tmp_path: Path) -> None:
    source = tmp_path / "big.jsonl"
    with source.open("w") as handle:
        for i in range(20000):
            handle.write(
                json.dumps({"id": f"n{i}", "text": "V said the boss has her ppt. " * 8}) + "\n"
            )
    out, full = tmp_path / "out.jsonl", tmp_path / "full.jsonl"
    base = [sys.executable, "-m", "screen", "batch", str(source), "-f", "jsonl", *RULES]
    env = {**os.environ}
    proc = subprocess.Popen(
        [*base, "-o", str(out)], env=env, stderr=subprocess.PIPE, preexec_fn=default_sigint
    )
    deadline = time.time() + 30
    while (not out.exists() or out.stat().st_size < 20000) and time.time() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    text = out.read_text()
    assert text.endswith("\n")
    done = [json.loads(line) for line in text.splitlines()]
    assert 0 < len(done) < 20000
    subprocess.run([*base, "-o", str(out), "--resume"], env=env, check=True)
    subprocess.run([*base, "-o", str(full)], env=env, check=True)
    assert out.read_bytes() == full.read_bytes()


def test_output_naming_the_input_is_refused_and_the_input_kept(tmp_path: Path) -> None:
    notes = tmp_path / "notes.jsonl"
    notes.write_text('{"id": "A", "text": "mgr has her ppt"}\n', encoding="utf-8")
    result = run_cli("batch", str(notes), "-f", "jsonl", "-o", str(notes), *RULES)
    assert result.code == 2 and "names the input file" in result.stderr
    assert notes.read_text(encoding="utf-8") == '{"id": "A", "text": "mgr has her ppt"}\n'


def test_output_with_the_table_format_is_refused_and_nothing_truncated(tmp_path: Path) -> None:
    kept = tmp_path / "kept.txt"
    kept.write_text("earlier results\n", encoding="utf-8")
    result = run_cli("batch", str(INPUTS / "small.csv"), "-o", str(kept), *RULES)
    assert result.code == 2 and "--format jsonl, json or csv" in result.stderr
    assert kept.read_text(encoding="utf-8") == "earlier results\n"


def test_output_inside_the_input_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "notes"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text("mgr has her ppt", encoding="utf-8")
    for output in (folder / "results.jsonl", folder / "sub" / "r.jsonl"):
        result = run_cli("batch", str(folder), "-f", "jsonl", "-o", str(output), *RULES)
        assert result.code == 2 and "inside the input folder" in result.stderr
        assert not output.exists()
    beside = tmp_path / "results.jsonl"
    assert run_cli("batch", str(folder), "-f", "jsonl", "-o", str(beside), *RULES).code == 0


def test_bad_records_never_stop_the_batch_and_the_output_stays_utf8(tmp_path: Path) -> None:
    (tmp_path / "n.jsonl").write_text(
        '{"id": "a", "text": "mgr has her ppt"}\n'
        '{"id": "b", "text": "x \\ud800"}\n'
        '{"id": "c", "n": ' + "9" * 5000 + ', "text": "x"}\n'
        '{"id": "d\\ud800", "text": "mgr has her ppt"}\n'
    )
    (tmp_path / "n.csv").write_bytes(b"id,text\n\xff1,hello\n2,mgr has her ppt\n")
    for fmt in ("jsonl", "csv", "json"):
        out = tmp_path / f"out.{fmt}"
        args = (str(tmp_path / "n.jsonl"), str(tmp_path / "n.csv"), "-f", fmt, "-o", str(out))
        result = run_cli("batch", *args, *RULES)
        assert result.code == 4 and "internal error" not in result.stderr
        text = out.read_bytes().decode("utf-8")  # strict: the output is valid UTF-8
        for ident in ("a", "b", "d\\\\ud800" if fmt != "csv" else "d\\ud800", "2"):
            assert ident in text
    rows = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert [r["id"] for r in rows] == [
        "a",
        "b",
        f"{tmp_path / 'n.jsonl'}:3",
        "d\\ud800",
        "\\xff1",
        "2",
    ]
    assert [r["level"] is None for r in rows] == [False, True, True, False, True, False]
