"""``htscreen explain``: every pattern that fired or nearly fired on one note, and the decision."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import MINIMAL, run_cli

NOTE = (
    "V denies the boss has her ID. mgr has her ppt; boss has her own passport in a drawer. "
    "The crew boss has her keys. V was never paid. V is 14yo"
)


@pytest.fixture
def unless_rules(tmp_path: Path) -> Path:
    """The minimal rulebook, its documents pattern with an ``unless`` phrase."""
    source = MINIMAL.read_text(encoding="utf-8").replace(
        '      - near: ["@holder", "@keeps", "@documents"]\n        within: 8\n',
        '      - near: ["@holder", "@keeps", "@documents"]\n        within: 8\n'
        '        unless: ["her own"]\n        unless_within: 2\n',
    )
    path = tmp_path / "unless.yaml"
    path.write_text(source, encoding="utf-8")
    return path


def test_explain_golden(unless_rules: Path, golden) -> None:
    result = run_cli("explain", NOTE, "--offence", "Labor dispute", "--rules", str(unless_rules))
    assert result.code == 0 and result.stderr == ""
    golden.check("explain/note.txt", result.stdout.replace(str(unless_rules), "RULES"))


def test_explain_json_names_each_pattern_and_its_cue(unless_rules: Path) -> None:
    result = run_cli(
        "explain", "-", "-f", "json", "--rules", str(unless_rules), stdin=NOTE.encode()
    )
    data = json.loads(result.stdout)
    outcomes = {(s["pattern"], s["outcome"]) for s in data["steps"]}
    assert ("documents-held#1", "negated") in outcomes
    assert ("documents-held#1", "present") in outcomes
    assert ("documents-held#1", "excluded") in outcomes
    assert ("wages-withheld#1", "present") in outcomes
    negated = next(s for s in data["steps"] if s["outcome"] == "negated")
    assert negated["cue"]["text"] == "denies" and "within" in negated["cue"]["scope"]
    assert NOTE[negated["start"] : negated["end"]] == negated["snippet"]
    assert data["decision"]["level"] == "L1" and data["decision"]["rule"]


def test_a_pattern_missing_a_part_is_a_near_miss() -> None:
    result = run_cli("explain", "the boss has her keys", "-f", "json", "--rules", str(MINIMAL))
    [step] = json.loads(result.stdout)["steps"]
    assert (step["pattern"], step["outcome"], step["fired"]) == (
        "documents-held#1",
        "incomplete",
        False,
    )
    assert "missing: @documents" in step["detail"]
    assert json.loads(result.stdout)["decision"]["level"] == "L5"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("",), "empty"),
        (("x", "--offence", "burglary"), "unknown offence"),
        (("x", "--date", "1 June"), "YYYY-MM-DD"),
        (("x", "-f", "xml"), "unknown format"),
    ],
)
def test_explain_usage_errors(args: tuple[str, ...], message: str) -> None:
    result = run_cli("explain", *args, "--rules", str(MINIMAL))
    assert result.code in (2, 4) and message in result.stderr
