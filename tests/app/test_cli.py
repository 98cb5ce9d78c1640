"""The command line: exit codes, stream split, golden listings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from screen.version import __version__
from tests.conftest import DATA, MINIMAL, ROOT, run_cli

RULES = ("--rules", str(MINIMAL))


def test_version() -> None:
    result = run_cli("--version")
    assert (result.code, result.stdout.strip()) == (0, f"htscreen {__version__}")


def test_python_dash_m_works() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "screen", "--help"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0 and "interview" in done.stdout and "batch" in done.stdout


def test_no_arguments_is_a_usage_error() -> None:
    assert run_cli().code == 2


def test_validate_exit_codes_and_streams() -> None:
    good = run_cli("rules", "validate", str(MINIMAL))
    assert good.code == 0 and "valid" in good.stdout and good.stderr == ""
    bad = run_cli("rules", "validate", str(DATA / "rulebooks" / "broken" / "five_defects.yaml"))
    assert bad.code == 3 and bad.stdout == ""
    assert len([line for line in bad.stderr.splitlines() if "five_defects.yaml:" in line]) == 5


def test_rules_list_golden(golden) -> None:
    result = run_cli("rules", "list", *RULES)
    assert result.code == 0
    golden.check("cli/rules-list.txt", result.stdout)


def test_rules_list_filters_and_json() -> None:
    result = run_cli("rules", "list", "--offence", "labour_dispute", "--format", "json", *RULES)
    ids = [i["id"] for i in json.loads(result.stdout)["indicators"]]
    assert ids == ["documents-held", "not-free-to-leave", "excessive-hours", "wages-withheld"]
    assert run_cli("rules", "list", "--category", "nope", *RULES).code == 2


def test_rules_show(golden) -> None:
    result = run_cli("rules", "show", "documents-held", *RULES)
    assert result.code == 0
    golden.check("cli/rules-show.txt", result.stdout)
    missing = run_cli("rules", "show", "documents-hold", *RULES)
    assert missing.code == 2 and "did you mean 'documents-held'" in missing.stderr


def test_rules_test_reports_failures(tmp_path) -> None:
    broken = tmp_path / "r.yaml"
    broken.write_text(
        MINIMAL.read_text().replace(
            'no_match: ["works 8 hours a day"', 'no_match: ["works 14 hrs a day"'
        )
    )
    result = run_cli("rules", "test", str(broken))
    assert result.code == 1
    assert "FAIL excessive-hours should not fire: 'works 14 hrs a day'" in result.stdout


def test_rules_export_for_grep() -> None:
    result = run_cli("rules", "export", *RULES)
    assert result.code == 0 and "(?:" not in result.stdout and "[[:space:]" in result.stdout


# --- exit codes of failing outputs and odd options (issue 17, low) ---------------------------


def many_notes(tmp_path: Path, count: int = 3000) -> Path:
    path = tmp_path / "many.jsonl"
    rows = (json.dumps({"id": f"n{i}", "text": "the boss has her passport"}) for i in range(count))
    path.write_text("\n".join(rows) + "\n")
    return path


def htscreen(*args: str, **streams: Any) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    return subprocess.Popen([sys.executable, "-m", "screen", *args], env=env, **streams)


def test_a_pipe_closed_by_its_reader_ends_the_run_quietly_with_exit_0(tmp_path: Path) -> None:
    for args in (("batch", str(many_notes(tmp_path)), "-f", "jsonl", *RULES), ("rules", "export")):
        child = htscreen(*args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert child.stdout is not None and child.stderr is not None
        assert child.stdout.readline()  # like `| head -1`
        child.stdout.close()
        assert child.wait(timeout=120) == 0
        assert child.stderr.read() == b""


@pytest.mark.parametrize("fmt", ["jsonl", "table"])
def test_stdout_on_a_full_device_is_an_output_error(tmp_path: Path, fmt: str) -> None:
    with open("/dev/full", "wb") as full:
        child = htscreen(
            "batch",
            str(many_notes(tmp_path)),
            "-f",
            fmt,
            *RULES,
            stdout=full,
            stderr=subprocess.PIPE,
        )
        _, err = child.communicate(timeout=120)
    assert child.returncode == 4
    assert b"No space left on device" in err and b"internal error" not in err


def test_output_to_the_null_device_succeeds(tmp_path: Path) -> None:
    result = run_cli("batch", str(many_notes(tmp_path, 3)), "-f", "jsonl", "-o", os.devnull, *RULES)
    assert (result.code, result.stderr) == (0, "")


@pytest.mark.parametrize("codec", ["rot13", "base64"])
def test_a_codec_that_is_no_text_encoding_is_a_usage_error(tmp_path: Path, codec: str) -> None:
    result = run_cli("batch", str(many_notes(tmp_path, 3)), "--encoding", codec, *RULES)
    assert result.code == 2 and "not a text encoding" in result.stderr
