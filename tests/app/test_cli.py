"""The command line: exit codes, stream split, golden listings."""

from __future__ import annotations

import json
import subprocess
import sys

from screen.version import __version__
from tests.conftest import DATA, MINIMAL, run_cli

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
