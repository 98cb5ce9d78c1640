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
def test_golden_output_per_format(fmt: str, golden, monkeypatch) -> None:
    # relative paths, so that record names (and the table's widths) do not depend on
    # where the checkout lives
    monkeypatch.chdir(DATA)
    result = run_cli(
        "batch",
        "inputs/small.csv",
        "inputs/mixed.jsonl",
        "--format",
        fmt,
        *("--rules", "rulebooks/valid_minimal.yaml"),
    )
    assert result.code == 4  # three records of mixed.jsonl cannot be read
    golden.check(f"batch/mixed.{fmt}", result.stdout)


def test_every_record_in_yields_one_record_out() -> None:
    result = run_cli("batch", str(INPUTS / "mixed.jsonl"), "--format", "jsonl", *RULES)
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 6
    assert [r["level"] is None for r in rows] == [False, False, True, True, True, False]
    assert all(r["error"] for r in rows if r["level"] is None)
    # piped: no summary, but each failed record is named on stderr with its reason
    assert result.stderr.splitlines() == [
        "errors (3 records could not be screened):",
        *(f"  {r['id']}: {r['error']}" for r in rows if r["level"] is None),
    ]


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


def test_resume_after_partial_output_equals_one_run(tmp_path: Path, monkeypatch) -> None:
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
    assert interrupted_run(monkeypatch, source, part, "jsonl", after=17).code == 130
    with part.open("ab") as handle:  # a killed run: one half record after the last chunk
        handle.write(lines[17][:25])
    assert (
        run_cli("batch", str(source), "-f", "jsonl", "-o", str(part), "--resume", *RULES).code == 0
    )
    assert part.read_bytes() == full.read_bytes()


def interrupted_run(monkeypatch, source: Path, out: Path, fmt: str, after: int):
    """A run writing every record at once (chunk of one byte), stopped after ``after`` records."""
    from screen.app import batch
    from screen.app.sink import Sink

    real = batch.records

    def some(*args, **kwargs):
        for count, record in enumerate(real(*args, **kwargs)):
            if count == after:
                raise KeyboardInterrupt
            yield record

    with monkeypatch.context() as patch:
        patch.setattr(batch, "records", some)
        patch.setattr(Sink, "CHUNK", 1)
        return run_cli("batch", str(source), "-f", fmt, "-o", str(out), *RULES)


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
    deadline = time.time() + 120  # a loaded machine may first compile the rulebook (10 s+)
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


def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(tmp_path: Path) -> None:
    notes = tmp_path / "n.jsonl"
    rows = [
        {"id": "=HYPERLINK(1)", "text": "mgr has her ppt"},
        {"id": "+1", "text": "quiet"},
        {"id": "-2", "text": "quiet"},
        {"id": "@SUM(A1)", "text": "quiet"},
        {"id": "\tx", "text": "quiet"},
        {"id": "r6", "text": "=cmd| mgr has her ppt"},
    ]
    notes.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    result = run_cli("batch", str(notes), "-f", "csv", *RULES)
    import csv as csvlib
    import io

    cells = [c for row in csvlib.reader(io.StringIO(result.stdout)) for c in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    ids = [row[0] for row in csvlib.reader(io.StringIO(result.stdout))][1:]
    assert ids == ["'=HYPERLINK(1)", "'+1", "'-2", "'@SUM(A1)", "'\tx", "r6"]


def test_records_name_the_pattern_of_each_span(tmp_path: Path) -> None:
    (tmp_path / "n.jsonl").write_text('{"id": "a", "text": "mgr has her ppt"}\n')
    result = run_cli("batch", str(tmp_path / "n.jsonl"), "-f", "jsonl", *RULES)
    [item] = json.loads(result.stdout)["indicators"]
    assert item["pattern"] == "documents-held#1"


SUMMARY_INPUT = INPUTS / "summary.jsonl"


def _masked(text: str) -> str:
    import re

    return re.sub(r" in \d+\.\d s$", " in N s", text.replace(str(DATA), "DATA"), flags=re.M)


def test_summary_golden(tmp_path: Path, golden) -> None:
    out = tmp_path / "out.jsonl"
    result = run_cli(
        "batch",
        str(SUMMARY_INPUT),
        *("-f", "jsonl", "-o", str(out), "--summary", "--reference-date", "2025-06-01"),
        *RULES,
    )
    assert result.code == 4
    golden.check("batch/summary.txt", _masked(result.stderr.replace(str(out), "OUT")))


def test_summary_at_a_terminal_without_asking_and_quiet_turns_it_off(monkeypatch) -> None:
    from screen.app import environment

    monkeypatch.setattr(
        environment,
        "current",
        lambda: environment.Environment.of(os.environ, Path.home(), (False, False, True)),
    )
    args = ("batch", str(INPUTS / "small.csv"), "-f", "jsonl", *RULES)
    shown = run_cli(*args).stderr
    assert "htscreen batch: 2 records screened in" in shown and "output: stdout" in shown
    assert "  L3     1  REFER FOR SPECIALIST ASSESSMENT" in shown
    assert run_cli(*args, "--quiet").stderr == ""


def test_unrecognised_offences_warn_once_with_counts_and_no_note_text() -> None:
    result = run_cli("batch", str(SUMMARY_INPUT), "-f", "jsonl", *RULES)
    warnings = [line for line in result.stderr.splitlines() if "cover offence" in line]
    assert len(warnings) == 1
    assert "3 records" in warnings[0] and "'burglary' (2), 'welfare_check' (1)" in warnings[0]
    assert "ppt" not in result.stderr and "quiet" not in result.stderr
    assert "DV" not in result.stderr  # a recognised value is no warning


def test_reference_date_counts_ages_and_the_record_says_how() -> None:
    args = ("batch", str(SUMMARY_INPUT), "-f", "jsonl", *RULES)
    result = run_cli(*args, "--reference-date", "2025-06-01")
    s3 = next(json.loads(line) for line in result.stdout.splitlines() if '"S3"' in line)
    assert s3["ages"] == [16] and "reference date" in s3["age_basis"]
    assert "to --reference-date 2025-06-01" in result.stderr
    later = run_cli(*args, "--reference-date", "2030-06-01").stdout
    assert json.loads(later.splitlines()[2])["ages"] == [21]
    bad = run_cli(*args, "--reference-date", "June 1")
    assert bad.code == 2 and "YYYY-MM-DD" in bad.stderr


def test_min_level_filters_the_table_too(tmp_path: Path) -> None:
    (tmp_path / "n.jsonl").write_text(
        '{"id": "a", "text": "mgr has her ppt"}\n{"id": "b", "text": "V is 14yo"}\n'
    )
    table = run_cli("batch", str(tmp_path / "n.jsonl"), *RULES).stdout
    assert "Notes to review (L0–L3)" in table and "\n a " in table
    narrowed = run_cli("batch", str(tmp_path / "n.jsonl"), "--min-level", "L2", *RULES).stdout
    assert "Notes to review" not in narrowed and "\n a " not in narrowed
    wider = run_cli("batch", str(tmp_path / "n.jsonl"), "--min-level", "L4", *RULES).stdout
    assert "Notes to review (L0–L4)" in wider and "\n b " in wider


def test_empty_input_gives_no_record() -> None:
    for stdin in (b"", b"\n  \n"):
        result = run_cli("batch", "-", "-f", "jsonl", *RULES, stdin=stdin)
        assert (result.code, result.stdout) == (0, "")
    table = run_cli("batch", "-", *RULES, stdin=b"").stdout
    assert "0 notes screened" in table


def test_bare_batch_at_a_terminal_prints_usage_and_exits_2(monkeypatch) -> None:
    from screen.app import environment

    monkeypatch.setattr(
        environment,
        "current",
        lambda: environment.Environment.of(os.environ, Path.home(), (True, True, True)),
    )
    result = run_cli("batch", *RULES)
    assert result.code == 2
    assert "Usage: htscreen batch" in result.stderr and "- to read stdin" in result.stderr


def test_folders_read_only_the_chosen_files(tmp_path: Path) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "a.txt").write_text("mgr has her ppt")
    (folder / "B.TXT").write_text("all quiet")
    (folder / "README.md").write_text("# how to export: mgr has her ppt")
    (folder / "x.jsonl").write_text('{"id": "x1", "text": "docs held by boss"}\n')
    ids = [
        json.loads(line)["id"].replace(str(folder), "F")
        for line in run_cli("batch", str(folder), "-f", "jsonl", *RULES).stdout.splitlines()
    ]
    assert ids == ["F/B.TXT", "F/a.txt"]
    chosen = run_cli("batch", str(folder), "-f", "jsonl", "--glob", "*.jsonl", *RULES)
    assert [json.loads(line)["id"] for line in chosen.stdout.splitlines()] == ["x1"]


def test_markup_and_escapes_in_ids_and_file_names_are_shown_as_text(tmp_path: Path) -> None:
    hostile = "[/x] \x1b[2J\x1b]0;owned\x07"
    notes = tmp_path / "n.jsonl"
    notes.write_text(json.dumps({"id": hostile, "text": "mgr has her ppt"}) + "\n")
    result = run_cli("batch", str(notes), *RULES)
    assert result.code == 0, result.stderr
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "[/x] \\x1b[2J\\x1b]0;owned\\x07" in result.stdout
    missing = run_cli("batch", str(tmp_path / f"{hostile}.csv"), *RULES)
    assert missing.code == 4 and "no such file" in missing.stderr
    assert "\x1b" not in missing.stderr and "[/x] \\x1b[2J" in missing.stderr


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
