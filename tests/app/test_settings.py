"""The local settings file htscreen.toml: found, checked by file:line, applied, shown."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from screen.app.environment import Environment
from screen.app.rulebooks import RulebookChoice
from screen.app.settings import (
    SettingsError,
    check_against,
    find_settings,
    parse_settings,
    read_settings,
    with_local_resources,
)
from screen.model import Level, Rulebook
from tests.conftest import DATA, MINIMAL, run_cli

SETTINGS = DATA / "settings"
LOCAL = SETTINGS / "local.toml"


def project(tmp_path: Path, settings: Path = LOCAL) -> Path:
    """A force's folder: the rulebook as shipped for tests, and its own htscreen.toml."""
    root = tmp_path / "force"
    (root / "cases").mkdir(parents=True)
    (root / ".git").mkdir()
    shutil.copy(MINIMAL, root / "indicators.yaml")
    shutil.copy(settings, root / "htscreen.toml")
    return root


def problems(data: bytes) -> list[str]:
    with pytest.raises(SettingsError) as caught:
        parse_settings(data, Path("htscreen.toml"))
    return [str(p) for p in caught.value.problems]


def test_values_keep_their_lines() -> None:
    settings = read_settings(LOCAL, "found")
    assert [(k, s.value, s.line) for k, s in settings.values] == [
        ("jurisdiction", "palermo", 2),
        ("language", "es", 3),
        ("format", "jsonl", 4),
    ]
    assert [(r.id, r.line, r.levels) for r in settings.resources] == [
        ("nhth", 6, ()),
        ("county-unit", 9, ("L1", "L2", "L3")),
    ]


def test_every_problem_is_named_by_file_and_line() -> None:
    assert problems((SETTINGS / "bad.toml").read_bytes()) == [
        "htscreen.toml:2:1: unknown setting 'langauge' — did you mean 'language'?",
        "htscreen.toml:3:1: 'format' is 'xml' — choose one of table, jsonl, json, csv",
        "htscreen.toml:6:1: unknown key 'phone' in resource 'nhth' — allowed: name, contact, "
        "note, levels",
        "htscreen.toml:10:1: unknown level 'L9' — levels are L0 to L5",
    ]


def test_toml_syntax_errors_give_line_and_column() -> None:
    (message,) = problems(b'jurisdiction = "palermo"\nlanguage = es\n')
    assert message.startswith("htscreen.toml:2:12: TOML syntax: ")
    (typed,) = problems(b"\n\nlanguage = 1\n")
    assert typed.startswith("htscreen.toml:3:1: 'language' must be text in quotes")


def test_values_are_checked_against_the_rulebook(minimal: Rulebook) -> None:
    settings = parse_settings(
        b'jurisdiction = "mars"\n\n[resources.new-line]\nname = "New"\n', Path("s.toml")
    )
    with pytest.raises(SettingsError) as caught:
        check_against(settings, minimal)
    first, second = (str(p) for p in caught.value.problems)
    assert first.startswith("s.toml:1:1: jurisdiction 'mars' is not in the rulebook")
    assert "us-federal" in first
    assert second.startswith("s.toml:3:1: resource 'new-line' is not in the rulebook")


def test_local_resources_override_the_rulebook_without_editing_it(minimal: Rulebook) -> None:
    before = MINIMAL.read_bytes()
    local = with_local_resources(minimal, read_settings(LOCAL, "found"))
    assert local.decision.resource("nhth").contact == "555-0100 (local relay)"
    assert local.decision.resource("nhth").name == minimal.decision.resource("nhth").name
    assert local.decision.resource("county-unit").name == "County trafficking unit"
    assert "county-unit" in local.decision.level(Level.L1).resources
    assert "county-unit" not in local.decision.level(Level.L4).resources
    assert minimal.decision.resource("nhth").contact != "555-0100 (local relay)"
    assert MINIMAL.read_bytes() == before and local.sha256 == minimal.sha256


def test_found_like_the_rulebook(tmp_path: Path) -> None:
    root = project(tmp_path)
    home = Path("/nonexistent-home")
    assert find_settings(Environment.of({}, home, cwd=root / "cases")).path == (
        root / "htscreen.toml"
    )
    chosen = Environment.of({"HTSCREEN_CONFIG": str(LOCAL)}, home, cwd=root)
    assert find_settings(chosen).origin == "HTSCREEN_CONFIG"
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / ".git").mkdir()
    away = Environment.of({}, home, cwd=outside)
    assert find_settings(away).path is None
    beside = find_settings(away, RulebookChoice(root / "indicators.yaml", "--rules"))
    assert (beside.path, beside.origin) == (root / "htscreen.toml", "beside-rulebook")
    shipped = find_settings(away, RulebookChoice(root / "indicators.yaml", "shipped"))
    assert shipped.path is None


def test_config_shows_each_setting_and_its_source(tmp_path, monkeypatch, golden) -> None:
    root = project(tmp_path)
    monkeypatch.chdir(root / "cases")
    result = run_cli("config")
    assert result.code == 0, result.stderr
    golden.check("cli/config.txt", result.stdout.replace(str(root), "FORCE"))
    data = json.loads(run_cli("config", "--format", "json").stdout)
    assert data["values"]["language"] == {"value": "es", "from": f"{root}/htscreen.toml:3"}
    assert data["values"]["report_format"]["from"] == "built-in default"
    assert data["rulebook"]["path"] == str(root / "indicators.yaml")


def test_a_bad_settings_file_stops_with_its_lines(tmp_path, monkeypatch) -> None:
    root = project(tmp_path, SETTINGS / "bad.toml")
    monkeypatch.chdir(root)
    result = run_cli("config")
    assert result.code == 2
    assert f"{root}/htscreen.toml:2:1: unknown setting 'langauge'" in result.stderr


def test_interview_takes_language_and_resources_from_settings(tmp_path, monkeypatch) -> None:
    root = project(tmp_path)
    monkeypatch.chdir(root / "cases")
    report = tmp_path / "r.json"
    result = run_cli(
        "interview",
        "--offence",
        "labour_dispute",
        "--form",
        "full",
        "--answers",
        str(DATA / "answers" / "labour.yaml"),
        "--plain",
        "--report",
        str(report),
        "--report-format",
        "json",
    )
    assert result.code == 0, result.stderr
    assert "555-0100 (local relay)" in result.stdout and "County trafficking unit" in result.stdout
    data = json.loads(report.read_text())
    assert data["interview"]["lang"] == "es"
    assert data["rulebook"]["path"] == str(root / "indicators.yaml")
    english = run_cli(
        "interview",
        "--offence",
        "labour_dispute",
        "--answers",
        str(DATA / "answers" / "labour.yaml"),
        "--lang",
        "en",
        "--report",
        str(report),
        "--report-format",
        "json",
    )
    assert english.code == 0 and json.loads(report.read_text())["interview"]["lang"] == "en"


def test_batch_takes_its_format_from_settings(tmp_path, monkeypatch) -> None:
    root = project(tmp_path)
    monkeypatch.chdir(root)
    result = run_cli("batch", "-", stdin=b"mgr has her ppt\n")
    assert result.code == 0, result.stderr
    assert json.loads(result.stdout)["level"] == "L3"
    csv = run_cli("batch", "-", "--format", "csv", stdin=b"mgr has her ppt\n")
    assert csv.stdout.startswith("id,level")
