"""The command line: exit codes, stream split, golden listings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from hashlib import sha256
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
    assert good.code == 0 and "valid" in good.stdout
    assert good.stderr == (
        f"htscreen: rulebook {MINIMAL} (given on the command line; sha256 "
        f"{sha256(MINIMAL.read_bytes()).hexdigest()[:12]})\n"
    )
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


def edited_project(tmp_path, monkeypatch):
    """A trainer's project with an edited rulebook, worked on from a subfolder."""
    root = tmp_path / "project"
    (root / "notes").mkdir(parents=True)
    (root / ".git").mkdir()
    rulebook = root / "indicators.yaml"
    rulebook.write_text(MINIMAL.read_text().replace('version: "test-1"', 'version: "edited-2"'))
    monkeypatch.chdir(root / "notes")
    return rulebook


def test_rules_commands_use_the_rulebook_found_upwards(tmp_path, monkeypatch) -> None:
    rulebook = edited_project(tmp_path, monkeypatch)
    result = run_cli("rules", "validate")
    assert result.code == 0 and f"{rulebook}: valid — rulebook edited-2" in result.stdout
    assert f"rulebook {rulebook} (found in the current folder or a parent" in result.stderr
    listed = json.loads(run_cli("rules", "list", "--format", "json").stdout)
    assert listed["rulebook"]["path"] == str(rulebook)
    rulebook.write_text(rulebook.read_text().replace("weight: strong", "weigth: strong", 1))
    broken = run_cli("rules", "validate")
    assert broken.code == 3 and f"{rulebook}:" in broken.stderr and "weigth" in broken.stderr


def test_every_rules_subcommand_takes_rules() -> None:
    for command in (
        ("validate",),
        ("test",),
        ("list",),
        ("show", "documents-held"),
        ("export",),
    ):
        result = run_cli("rules", *command, *RULES)
        assert result.code == 0, (command, result.stderr)
        assert f"htscreen: rulebook {MINIMAL} (given on the command line" in result.stderr


def test_rulebook_named_twice_differently_is_a_usage_error(tmp_path) -> None:
    other = tmp_path / "other.yaml"
    other.write_bytes(MINIMAL.read_bytes())
    assert run_cli("rules", "validate", str(other), *RULES).code == 2
    assert run_cli("rules", "test", str(MINIMAL), *RULES).code == 0


def test_json_outputs_name_the_rulebook_path() -> None:
    tested = json.loads(run_cli("rules", "test", "--format", "json", *RULES).stdout)
    assert tested["rulebook"]["path"] == str(MINIMAL)
    assert tested["rulebook"]["sha256"] == sha256(MINIMAL.read_bytes()).hexdigest()


def test_rules_test_failure_gives_file_and_line(tmp_path) -> None:
    broken = tmp_path / "r.yaml"
    text = MINIMAL.read_text().replace('"works 8 hours a day"', '"works 14 hrs a day"')
    broken.write_text(text)
    line = next(n for n, t in enumerate(text.splitlines(), 1) if 'no_match: ["works 14' in t)
    result = run_cli("rules", "test", str(broken))
    assert f"{broken}:{line}: FAIL excessive-hours should not fire" in result.stdout
    data = json.loads(run_cli("rules", "test", str(broken), "--format", "json").stdout)
    assert data["failures"][0]["line"] == line


def test_rules_list_and_show_never_break_ids_or_patterns(monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "40")
    listed = run_cli("rules", "list", *RULES).stdout.splitlines()
    for ident in ("commercial-sex-act", "not-free-to-leave", "coercion_at_destination"):
        assert any(ident in line for line in listed), ident
    shown = run_cli("rules", "show", "documents-held", *RULES).stdout
    assert "  • near @holder + @keeps + @documents within 8 words\n" in shown


def test_unknown_id_suggests_ids_starting_with_it_first(shipped) -> None:
    from screen.app.rules import suggest_ids

    ids = [ind.id for ind in shipped.indicators]
    assert suggest_ids("documents-held", ids).startswith("did you mean 'documents-held-by-other'")
    assert suggest_ids("held-by", ids) == "did you mean 'documents-held-by-other'?"
    assert suggest_ids("zzzz", ids) == "see 'htscreen rules list' for the ids"
    result = run_cli("rules", "show", "documents-held")
    assert result.code == 2 and "did you mean 'documents-held-by-other'" in result.stderr


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
        said = child.stderr.read().splitlines()  # at most the line naming the rulebook
        assert all(line.startswith(b"htscreen: rulebook ") for line in said), said


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
