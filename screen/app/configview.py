"""The ``config`` command: the rulebook and settings file in use, and where each setting is from."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from screen.app.environment import Environment
from screen.app.rulebooks import RulebookChoice, choose_rulebook, load_rulebook, store_of
from screen.app.settings import (
    SCALARS,
    Settings,
    check_against,
    find_settings,
    with_local_resources,
)
from screen.errors import UsageError
from screen.model import Rulebook

BUILT_IN = {"language": "en", "format": "table", "report_format": "markdown"}
"""What a setting is when neither the command line nor the settings file gives it."""


def show_config(rules: Path | None, fmt: str, env: Environment) -> None:
    """Print the rulebook and settings in use, and where each came from."""
    if fmt not in ("table", "json"):
        raise UsageError(f"unknown format '{fmt}': use table or json")
    choice = choose_rulebook(rules, env)
    rulebook = load_rulebook(choice.path, store_of(env))
    local = find_settings(env, choice)
    if local.path is not None:
        check_against(local, rulebook)
    data = config_data(choice, rulebook, local)
    if fmt == "json":
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    typer.echo("\n".join(config_lines(data)))


def config_data(choice: RulebookChoice, rulebook: Rulebook, local: Settings) -> dict[str, Any]:
    """The configuration in use as plain data."""
    values: dict[str, dict[str, str]] = {}
    for key in SCALARS:
        setting = local.setting(key)
        if setting is not None:
            values[key] = {"value": setting.value, "from": local.where(setting.line)}
        elif key == "jurisdiction":
            values[key] = {"value": rulebook.decision.jurisdiction, "from": "rulebook default"}
        else:
            values[key] = {"value": BUILT_IN[key], "from": "built-in default"}
    merged = with_local_resources(rulebook, local)
    lines = {res.id: res.line for res in local.resources}
    resources = [
        {
            "id": res.id,
            "name": res.name,
            "contact": res.contact,
            "levels": [s.id.value for s in merged.decision.levels if res.id in s.resources],
            "from": local.where(lines[res.id]) if res.id in lines else "rulebook",
        }
        for res in merged.decision.resources
    ]
    return {
        "rulebook": {
            "path": str(choice.path),
            "chosen": choice.why,
            "version": rulebook.version,
            "sha256": rulebook.sha256,
        },
        "settings": {
            "path": str(local.path) if local.path else None,
            "chosen": local.why,
        },
        "values": values,
        "resources": resources,
    }


def config_lines(data: dict[str, Any]) -> list[str]:
    """The configuration as lines that are never wrapped (paths and ids stay copyable)."""
    book, settings = data["rulebook"], data["settings"]
    lines = [
        f"rulebook: {book['path']}",
        f"  {book['chosen']}; version {book['version']}, sha256 {book['sha256'][:12]}",
        f"settings: {settings['path'] or 'none (no htscreen.toml found)'}",
        *([f"  {settings['chosen']}"] if settings["path"] else []),
        "",
    ]
    width = max(len(f"{key} = {item['value']}") for key, item in data["values"].items())
    for key, item in data["values"].items():
        setting = f"{key} = {item['value']}"
        lines.append(f"{setting:<{width}}  ({item['from']})")
    lines += ["", "resources (levels they are listed at; from):"]
    for res in data["resources"]:
        levels = " ".join(res["levels"]) or "no level"
        lines.append(f"  {res['id']}: {res['name']}: {res['contact']}")
        lines.append(f"    {levels}; {res['from']}")
    return lines
