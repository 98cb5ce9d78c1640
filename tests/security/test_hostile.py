"""Hostile inputs: each gives a clear error or a correct result, never a hang or a crash."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from screen.errors import RulebookError
from screen.rulebook import parse_rulebook
from tests.conftest import MINIMAL, ROOT, run_cli

from .test_properties import BASE, dump

RULES = ("--rules", str(MINIMAL))
SLOW = os.environ.get("HTSCREEN_SLOW") == "1"


def slow_enabled(config: pytest.Config) -> bool:
    return SLOW or "slow" in (config.getoption("-m") or "")


@pytest.fixture
def slow_only(request: pytest.FixtureRequest) -> None:
    if not slow_enabled(request.config):
        pytest.skip("slow: run with -m slow or HTSCREEN_SLOW=1")


def cli(
    *args: str, tmp: Path, timeout: float = 120, stdin: bytes = b""
) -> subprocess.CompletedProcess[bytes]:
    """Run htscreen in a fresh process (a crash there cannot take the test run down)."""
    env = {**os.environ, "HTSCREEN_DATA": str(tmp / "d"), "NO_COLOR": "1", "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "screen", *args],
        env=env,
        input=stdin,
        capture_output=True,
        timeout=timeout,
        check=False,
    )


def rulebook_with(tmp_path: Path, pattern: dict) -> Path:
    doc = copy.deepcopy(BASE)
    doc["indicators"][2]["patterns"] = [pattern]
    doc["indicators"][2]["examples"] = {"match": ["aaab", "x aab"], "no_match": ["b", "c"]}
    path = tmp_path / "hostile.yaml"
    path.write_bytes(dump(doc))
    return path


# --- hostile rulebooks --------------------------------------------------------------------


@pytest.mark.parametrize(
    "bomb",
    [
        b'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
        + b"".join(
            b"%c: &%c [%s]\n" % (98 + i, 98 + i, b",".join([b"*%c" % (97 + i)] * 9))
            for i in range(8)
        ),
        b"base: &b {x: 1}\nother:\n  <<: *b\n  y: 2\n",
        b"schema: &s 1\nversion: *s\n",
    ],
)
def test_yaml_alias_bomb_is_refused_at_once(bomb: bytes, tmp_path: Path) -> None:
    (tmp_path / "bomb.yaml").write_bytes(bomb)
    start = time.perf_counter()
    result = run_cli("rules", "validate", str(tmp_path / "bomb.yaml"))
    assert time.perf_counter() - start < 5
    assert result.code == 3 and "aliases are not allowed" in result.stderr


def test_100_mb_rulebook_is_refused_by_size_quickly(tmp_path: Path) -> None:
    huge = tmp_path / "huge.yaml"
    with huge.open("wb") as handle:  # a sparse file: 100 MB without using the disk
        handle.write(b"schema: 1\n")
        handle.truncate(100 * 1024 * 1024)
    start = time.perf_counter()
    result = run_cli("rules", "validate", str(huge))
    elapsed = time.perf_counter() - start
    assert result.code == 3 and "over the" in result.stderr and "byte limit" in result.stderr
    assert elapsed < 5, f"took {elapsed:.1f} s"


def test_deeply_nested_rulebook_is_refused() -> None:
    data = b"schema: " + b"[" * 500 + b"]" * 500 + b"\n"
    with pytest.raises(RulebookError) as caught:
        parse_rulebook(data, "deep.yaml")
    assert "nested too deeply" in str(caught.value.problems[0])


def test_rulebook_with_a_huge_when_condition_is_checked_in_linear_time() -> None:
    doc = copy.deepcopy(BASE)
    doc["questions"][3]["when"] = " or ".join(["has-documents == 'no'"] * 20000)
    start = time.perf_counter()
    parse_rulebook(dump(doc), "wide.yaml")
    assert time.perf_counter() - start < 10


@pytest.mark.parametrize(
    "pattern",
    [
        {"regex": "(a+)+$"},
        {"regex": "(x|x)*y"},
        {"phrase": " ".join(["(a|a)"] * 16) + " b"},
        {"phrase": "a ~6 ~6 ~6 ~6 ~6 ~6 b"},
        {"near": ["a", "b"], "within": 30},
    ],
)
def test_catastrophic_backtracking_patterns_are_refused_or_linear(
    pattern: dict, tmp_path: Path
) -> None:
    rules = rulebook_with(tmp_path, pattern)
    try:
        parse_rulebook(rules.read_bytes(), "hostile.yaml")
    except RulebookError:
        return  # refused by the validator: fine
    notes = tmp_path / "n.jsonl"
    notes.write_text(
        "".join(
            json.dumps({"id": f"n{i}", "text": text}) + "\n"
            for i, text in enumerate(["a" * 50_000, "a " * 25_000 + "x", "x" * 50_000])
        )
    )
    start = time.perf_counter()
    result = cli(
        "batch", str(notes), "-f", "jsonl", "--rules", str(rules), tmp=tmp_path, timeout=60
    )
    elapsed = time.perf_counter() - start
    assert result.returncode in (0, 3), result.stderr.decode()[-500:]
    if result.returncode == 0:
        assert len(result.stdout.splitlines()) == 3
    assert elapsed < 20, f"scan took {elapsed:.1f} s"


@pytest.mark.parametrize("regex", ["a+b", "(a|aa)*c"])
def test_expert_regex_that_crashes_hyperscan_is_refused_or_survived(
    regex: str, tmp_path: Path
) -> None:
    rules = rulebook_with(tmp_path, {"regex": regex})
    notes = tmp_path / "n.jsonl"
    notes.write_text(json.dumps({"id": "n1", "text": "a" * 5000}) + "\n")
    result = cli("batch", str(notes), "-f", "jsonl", "--rules", str(rules), tmp=tmp_path)
    # -11 was a segfault: Hyperscan's start-of-match mode crashed on 'a+b' over 300+ 'a'
    assert result.returncode in (0, 3), f"exit {result.returncode}"


def refused_or_fast(tmp_path: Path, pattern: dict[str, str], text: str) -> None:
    """A rulebook with ``pattern`` is refused (exit 3) or screens ``text`` within 20 s."""
    rules = rulebook_with(tmp_path, pattern)
    notes = tmp_path / "n.jsonl"
    notes.write_text(json.dumps({"id": "n1", "text": text}) + "\n")
    try:
        result = cli(
            "batch", str(notes), "-f", "jsonl", "--rules", str(rules), tmp=tmp_path, timeout=20
        )
    except subprocess.TimeoutExpired:
        pytest.fail("a 50 KB note took over 20 s")
    assert result.returncode in (0, 3)


@pytest.mark.slow
def test_polynomial_expert_regex_is_refused_or_fast(tmp_path: Path, slow_only: None) -> None:
    refused_or_fast(tmp_path, {"regex": "a*a*a*a*a*a*c"}, "a" * 50_000 + " ac")


@pytest.mark.slow
def test_interleaved_gaps_do_not_make_a_scan_slow(tmp_path: Path, slow_only: None) -> None:
    refused_or_fast(tmp_path, {"phrase": "a ~6 a ~6 a ~6 a ~6 a ~6 b"}, "a " * 25_000 + "x b")


# --- hostile notes --------------------------------------------------------------------------


def test_a_million_empty_lines_keep_the_record_count(tmp_path: Path) -> None:
    notes = tmp_path / "n.jsonl"
    with notes.open("wb") as handle:
        handle.write(b"\n" * 500_000)
        handle.write(b'{"id": "a", "text": "mgr has her ppt"}\n')
        handle.write(b"\r\n" * 500_000)
        handle.write(b'{"id": "b", "text": "quiet"}\n')
    result = run_cli("batch", str(notes), "-f", "jsonl", *RULES)
    assert result.code == 0
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["a", "b"]
    csv_notes = tmp_path / "n.csv"
    csv_notes.write_bytes(b"id,text\n" + b"\n" * 1_000_000 + b"c,hello\n")
    result = run_cli("batch", str(csv_notes), "-f", "jsonl", *RULES)
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["c"]


def test_invalid_utf8_gives_error_records_and_exit_4(tmp_path: Path) -> None:
    (tmp_path / "n.jsonl").write_bytes(
        b'{"id": "a", "text": "ok"}\n{"id": "b", "text": "\xff"}\n{"id": "c", "text": "ok"}\n'
    )
    (tmp_path / "n.txt").write_bytes(b"caf\xe9 \x00 mgr has her ppt")
    (tmp_path / "n.csv").write_bytes(b"id,text\n1,\xff\xfe\n2,fine\n")
    for name, expected in (("n.jsonl", 3), ("n.txt", 1), ("n.csv", 2)):
        result = run_cli("batch", str(tmp_path / name), "-f", "jsonl", *RULES)
        rows = [json.loads(line) for line in result.stdout.splitlines()]
        assert result.code == 4 and len(rows) == expected
        assert any("invalid utf-8" in (row["error"] or "") for row in rows)


def test_nul_bytes_and_control_characters_are_screened(tmp_path: Path) -> None:
    text = "mgr\x00 has her\x0b ppt\x1b[31m and \u202e not allowed to leave"
    (tmp_path / "n.jsonl").write_text(json.dumps({"id": "a", "text": text}) + "\n")
    result = run_cli("batch", str(tmp_path / "n.jsonl"), "-f", "jsonl", *RULES)
    assert result.code == 0 and json.loads(result.stdout)["level"] in ("L3", "L2")


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_csv_with_embedded_newlines_in_either_dialect(delimiter: str, tmp_path: Path) -> None:
    d = delimiter
    body = (
        f"id{d}text{d}offence\r\n"
        f'A1{d}"line one\nline two{d} mgr has her ppt"{d}labour_dispute\r\n'
        f'A2{d}"he said ""no""{d}\r\nthen left"{d}other\r\n'
        f"A3{d}plain{d}other\r\n"
    )
    (tmp_path / "n.csv").write_text(body)
    result = run_cli("batch", str(tmp_path / "n.csv"), "-f", "jsonl", *RULES)
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.code == 0 and [r["id"] for r in rows] == ["A1", "A2", "A3"]
    assert rows[0]["level"] == "L3"
    assert rows[1]["indicators"] == []


def test_broken_csv_quoting_is_one_error_record_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "n.csv").write_text('id,text\n1,"never closed\n2,fine\n')
    result = run_cli("batch", str(tmp_path / "n.csv"), "-f", "jsonl", *RULES)
    assert result.code in (0, 4) and result.stdout.count("\n") >= 1
    assert "Traceback" not in result.stderr


def test_a_50_mb_note_completes(tmp_path: Path, slow_only: None) -> None:
    note = tmp_path / "big.txt"
    chunk = "V1 went to work at the farm and came back late. " * 20 + "\n"
    with note.open("w") as handle:
        while handle.tell() < 50 * 1024 * 1024:
            handle.write(chunk)
        handle.write("mgr has her ppt.\n")
    start = time.perf_counter()
    result = cli(
        "batch",
        str(note),
        "-f",
        "jsonl",
        "--redact",
        "--max-record-bytes",
        str(64 * 1024 * 1024),
        "--rules",
        str(MINIMAL),
        tmp=tmp_path,
        timeout=600,
    )
    elapsed = time.perf_counter() - start
    assert result.returncode == 0, result.stderr.decode()[-300:]
    row = json.loads(result.stdout)
    assert "documents-held" in [i["id"] for i in row["indicators"]]
    print(f"50 MB note screened in {elapsed:.1f} s")


def test_a_5_mb_single_line_note_completes_fast(tmp_path: Path) -> None:
    text = "the boss took everything. " * 200_000 + "mgr has her ppt"
    (tmp_path / "n.jsonl").write_text(json.dumps({"id": "big", "text": text}) + "\n")
    start = time.perf_counter()
    result = run_cli(
        "batch",
        str(tmp_path / "n.jsonl"),
        "-f",
        "jsonl",
        "--redact",
        "--max-record-bytes",
        "6000000",
        *RULES,
    )
    assert result.code == 0 and json.loads(result.stdout)["id"] == "big"
    assert time.perf_counter() - start < 20


# --- outputs into places that cannot take them -------------------------------------------------


@pytest.fixture
def readonly_dir(tmp_path: Path):
    """A folder this process cannot write to, holding 'r.md' (a read-only tmpfs as root)."""
    folder = tmp_path / "ro"
    folder.mkdir()
    (folder / "r.md").write_text("previous report")
    folder.chmod(0o500)
    if not os.access(folder, os.W_OK):
        yield folder
        folder.chmod(0o700)
        return
    folder.chmod(0o700)
    (folder / "r.md").unlink()
    if (
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder)],
            capture_output=True,
            check=False,
        ).returncode
        != 0
    ):
        pytest.skip("cannot make a read-only folder (not root, no mount)")
    try:
        (folder / "r.md").write_text("previous report")
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=False)


def test_batch_output_into_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    notes = tmp_path / "n.jsonl"
    notes.write_text('{"id": "a", "text": "x"}\n')
    result = run_cli(
        "batch", str(notes), "-f", "jsonl", "-o", str(tmp_path / "no" / "o.jsonl"), *RULES
    )
    assert result.code == 4 and "cannot write" in result.stderr
    assert not (tmp_path / "no").exists()


def test_batch_output_into_read_only_folder_is_a_clear_error(
    tmp_path: Path, readonly_dir: Path
) -> None:
    notes = tmp_path / "n.jsonl"
    notes.write_text('{"id": "a", "text": "x"}\n')
    result = run_cli(
        "batch", str(notes), "-f", "jsonl", "-o", str(readonly_dir / "out.jsonl"), *RULES
    )
    assert result.code == 4 and "cannot write" in result.stderr
    assert sorted(p.name for p in readonly_dir.iterdir()) == ["r.md"]


def test_report_into_read_only_folder_is_a_clear_error(readonly_dir: Path) -> None:
    answers = ROOT / "tests" / "data" / "answers" / "minor.json"
    result = run_cli(
        "interview",
        "--offence",
        "other",
        "--answers",
        str(answers),
        "--report",
        str(readonly_dir / "r.md"),
        *RULES,
    )
    assert result.code == 4 and "choose a writable folder" in result.stderr
    assert (readonly_dir / "r.md").read_text() == "previous report"
    assert sorted(p.name for p in readonly_dir.iterdir()) == ["r.md"]


def test_report_over_a_folder_or_into_a_file_path_is_a_clear_error(tmp_path: Path) -> None:
    answers = ROOT / "tests" / "data" / "answers" / "minor.json"
    (tmp_path / "dir.md").mkdir()
    (tmp_path / "file").write_text("x")
    for report in (tmp_path / "dir.md", tmp_path / "file" / "r.md"):
        result = run_cli(
            "interview",
            "--offence",
            "other",
            "--answers",
            str(answers),
            "--report",
            str(report),
            *RULES,
        )
        assert result.code == 4, result.stderr
        assert "cannot write" in result.stderr
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


class _Prompter:
    """Answers every question 'unknown'; never reached when the save fails first."""

    def show(self, renderable: object) -> None: ...
    def pause(self) -> None: ...
    def choose_offence(self, flows: object) -> str:
        return "other"

    def text(self, prompt: str) -> str:
        return ""

    def confirm(self, prompt: str) -> bool:
        return False

    def ask(self, *args: object, **kwargs: object) -> object:
        from screen.interview.protocol import Action

        return Action("answer", "unknown")

    def review(self, *args: object) -> object:
        from screen.interview.protocol import Action

        return Action("finish")


@pytest.mark.parametrize("where", ["missing", "readonly"])
def test_interview_save_into_bad_folder_is_a_clear_error(
    where: str, tmp_path: Path, request: pytest.FixtureRequest, minimal
) -> None:
    from screen.app import session
    from screen.app.cli import ExitCode, exit_code_for
    from screen.errors import OutputError

    folder = tmp_path / "missing" if where == "missing" else request.getfixturevalue("readonly_dir")
    save = folder / "s.json"
    with pytest.raises(OutputError) as caught:
        session.run_interactive(
            minimal, session.InterviewRequest(offence="other", case_ref="", save=save), _Prompter()
        )
    assert exit_code_for(caught.value) == ExitCode.INPUT_ERROR
    assert not save.exists()
    if where == "readonly":
        assert sorted(p.name for p in folder.iterdir()) == ["r.md"]
