"""The local settings file, ``htscreen.toml``: found, read, checked and applied.

It holds what differs from one force to another without editing the rulebook:
the jurisdiction, the interview language, the default output formats, and local
referral resources (names and phone numbers), which override the rulebook's or
add to them. It is found the way the rulebook is (:func:`find_settings`).
Command-line options always win over it.
"""

from __future__ import annotations

import dataclasses
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from screen.app.completion import BATCH_FORMATS, REPORT_FORMATS
from screen.app.environment import Environment
from screen.app.rulebooks import RulebookChoice, find_upwards
from screen.errors import InputError, Problem, UsageError
from screen.model import LEVELS, LevelSpec, Resource, Rulebook

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

SETTINGS_NAME = "htscreen.toml"
MAX_SETTINGS_BYTES = 256 * 1024
SCALARS = ("jurisdiction", "language", "format", "report_format")
"""The settings that hold one value, in the order ``htscreen config`` shows them."""
RESOURCE_KEYS = ("name", "contact", "note", "levels")
ORIGINS = {
    "HTSCREEN_CONFIG": "from $HTSCREEN_CONFIG",
    "found": "found in the current folder or a parent",
    "beside-rulebook": "next to the rulebook in use",
}


@dataclass(frozen=True, slots=True)
class Setting:
    """One value of the settings file and the line it is written on."""

    value: str
    line: int


@dataclass(frozen=True, slots=True)
class LocalResource:
    """A referral resource from the settings file: changes to one, or a new one."""

    id: str
    line: int
    name: str | None = None
    contact: str | None = None
    note: str | None = None
    levels: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Settings:
    """What the settings file says (empty when there is none)."""

    path: Path | None = None
    origin: str = ""
    values: tuple[tuple[str, Setting], ...] = ()
    resources: tuple[LocalResource, ...] = ()

    def get(self, key: str) -> str | None:
        """The value of ``key``, or None when the file does not set it."""
        setting = self.setting(key)
        return setting.value if setting else None

    def setting(self, key: str) -> Setting | None:
        """The setting ``key`` with its line, or None."""
        return dict(self.values).get(key)

    def where(self, line: int) -> str:
        """``file:line`` of a line of the settings file."""
        return f"{self.path}:{line}"

    @property
    def why(self) -> str:
        """How the file was found, in words."""
        return ORIGINS.get(self.origin, "no settings file")


class SettingsError(UsageError):
    """The settings file cannot be used; carries every problem found (exit 2)."""

    def __init__(self, problems: tuple[Problem, ...]) -> None:
        self.problems = problems
        lines = "\n".join(str(p) for p in problems)
        super().__init__(f"the settings file has problems:\n{lines}")


def find_settings(env: Environment, rulebook: RulebookChoice | None = None) -> Settings:
    """Find and read the settings file.

    $HTSCREEN_CONFIG first; else ``htscreen.toml`` in the current folder or a parent
    (up to the top of the repository or the filesystem root); else one next to the
    rulebook in use when that is not the shipped one; else no settings.
    """
    if env.config is not None:
        return read_settings(env.config, "HTSCREEN_CONFIG")
    found = find_upwards(env.cwd, SETTINGS_NAME) if env.cwd is not None else None
    if found is not None:
        return read_settings(found, "found")
    if rulebook is not None and rulebook.origin != "shipped":
        beside = rulebook.path.parent / SETTINGS_NAME
        if beside.is_file():
            return read_settings(beside, "beside-rulebook")
    return Settings()


def read_settings(path: Path, origin: str) -> Settings:
    """Read and check the settings file at ``path``."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_SETTINGS_BYTES + 1)
    except FileNotFoundError:
        raise InputError(f"no settings file at {path}: check $HTSCREEN_CONFIG") from None
    except OSError as exc:
        raise InputError(f"cannot read the settings file {path}: {exc.strerror}") from None
    if len(data) > MAX_SETTINGS_BYTES:
        raise SettingsError((Problem(str(path), 1, 1, "the file is too large for settings"),))
    return parse_settings(data, path, origin)


def parse_settings(data: bytes, path: Path, origin: str = "found") -> Settings:
    """Parse settings bytes; raise SettingsError naming every problem by file:line."""
    source = str(path)
    try:
        text = data.decode("utf-8-sig")
        table = tomllib.loads(text)
    except UnicodeDecodeError:
        not_utf8 = Problem(source, 1, 1, "the file is not UTF-8", "save it as UTF-8")
        raise SettingsError((not_utf8,)) from None
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError((_toml_problem(source, str(exc)),)) from None
    lines = key_lines(text)
    problems: list[Problem] = []

    def problem(keys: tuple[str, ...], message: str, hint: str = "") -> None:
        problems.append(Problem(source, lines.get(keys, 1), 1, message, hint))

    values: list[tuple[str, Setting]] = []
    resources: list[LocalResource] = []
    for key, value in table.items():
        if key == "resources":
            resources += _resources(value, lines, problem)
        elif key not in SCALARS:
            problem((key,), f"unknown setting '{key}'", _hint(key, (*SCALARS, "resources")))
        elif not isinstance(value, str):
            problem((key,), f"'{key}' must be text in quotes", f'write {key} = "..."')
        else:
            choices = {"format": BATCH_FORMATS, "report_format": REPORT_FORMATS}.get(key)
            if choices and value not in choices:
                problem((key,), f"'{key}' is '{value}'", "choose one of " + ", ".join(choices))
            else:
                values.append((key, Setting(value, lines.get((key,), 1))))
    if problems:
        raise SettingsError(tuple(problems))
    return Settings(path, origin, tuple(values), tuple(resources))


def _resources(value: Any, lines: dict[tuple[str, ...], int], problem: Any) -> list[LocalResource]:
    if not isinstance(value, dict):
        problem(("resources",), "'resources' must be tables", "write [resources.<id>] sections")
        return []
    found = []
    for rid, entry in value.items():
        here = ("resources", rid)
        if not isinstance(entry, dict):
            problem(here, f"resource '{rid}' must be a table", f"write [resources.{rid}]")
            continue
        fields: dict[str, Any] = {}
        for key, item in entry.items():
            if key not in RESOURCE_KEYS:
                message = f"unknown key '{key}' in resource '{rid}'"
                problem((*here, key), message, _hint(key, RESOURCE_KEYS))
            elif key == "levels":
                if not isinstance(item, list) or not all(isinstance(x, str) for x in item):
                    problem((*here, key), "'levels' must be a list of levels", 'e.g. ["L1", "L2"]')
                elif bad := [x for x in item if x not in {lvl.value for lvl in LEVELS}]:
                    problem((*here, key), f"unknown level '{bad[0]}'", "levels are L0 to L5")
                else:
                    fields[key] = tuple(item)
            elif not isinstance(item, str):
                problem((*here, key), f"'{key}' of resource '{rid}' must be text in quotes")
            else:
                fields[key] = item
        found.append(LocalResource(rid, lines.get(here, 1), **fields))
    return found


def _hint(word: str, options: tuple[str, ...]) -> str:
    from screen.rulebook.yaml_nodes import suggest

    return suggest(word, options)


def _toml_problem(source: str, message: str) -> Problem:
    """A TOML syntax error as file:line:column."""
    where = re.search(r"\(at line (\d+), column (\d+)\)", message)
    text = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", message)
    if where is None:
        return Problem(source, 1, 1, f"TOML syntax: {text}", "fix the TOML")
    return Problem(
        source, int(where[1]), int(where[2]), f"TOML syntax: {text}", "fix the TOML here"
    )


_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_PART = r"""(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')"""
_KEY = re.compile(rf"^\s*({_PART}(?:\s*\.\s*{_PART})*)\s*=")


def key_lines(text: str) -> dict[tuple[str, ...], int]:
    """The line each table and key is first written on (tomllib keeps no positions)."""
    found: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] = ()
    for number, line in enumerate(text.splitlines(), 1):
        header = _HEADER.match(line)
        if header:
            table = _dotted(header[1])
            found.setdefault(table, number)
            continue
        key = _KEY.match(line)
        if key:
            path = (*table, *_dotted(key[1]))
            for end in range(len(table) + 1, len(path) + 1):
                found.setdefault(path[:end], number)
    return found


def _dotted(text: str) -> tuple[str, ...]:
    parts = re.findall(r""""([^"]*)"|'([^']*)'|([^.\s]+)""", text)
    return tuple(a or b or c for a, b, c in parts)


def check_against(settings: Settings, rulebook: Rulebook) -> None:
    """Check the settings against the rulebook in use (jurisdiction, language, resources)."""
    problems: list[Problem] = []
    source = str(settings.path)
    allowed = {
        "jurisdiction": [j.name for j in rulebook.decision.jurisdictions],
        "language": list(rulebook.languages),
    }
    for key, options in allowed.items():
        setting = settings.setting(key)
        if setting is not None and setting.value not in options:
            problems.append(
                Problem(
                    source,
                    setting.line,
                    1,
                    f"{key} '{setting.value}' is not in the rulebook {rulebook.source}",
                    "choose one of " + ", ".join(options),
                )
            )
    known = {res.id for res in rulebook.decision.resources}
    for local in settings.resources:
        if local.id not in known and not (local.name and local.contact and local.levels):
            problems.append(
                Problem(
                    source,
                    local.line,
                    1,
                    f"resource '{local.id}' is not in the rulebook, so it needs name, "
                    "contact and levels",
                    _hint(local.id, tuple(sorted(known))) + " (to change that one instead)",
                )
            )
    if problems:
        raise SettingsError(tuple(problems))


def with_local_resources(rulebook: Rulebook, settings: Settings) -> Rulebook:
    """The rulebook with the settings' resources laid over its own (the file is untouched)."""
    if not settings.resources:
        return rulebook
    check_against(settings, rulebook)
    by_id = {res.id: res for res in rulebook.decision.resources}
    for local in settings.resources:
        base = by_id.get(local.id, Resource(local.id, "", ""))
        changes: dict[str, Any] = {
            key: getattr(local, key)
            for key in ("name", "contact", "note")
            if getattr(local, key) is not None
        }
        # A local name, contact or note is the one text shown, whatever the language.
        changes.update({f"{key}s": () for key in ("name", "contact", "note") if key in changes})
        by_id[local.id] = dataclasses.replace(
            base, **changes, verified=f"local settings {settings.where(local.line)}"
        )
    levels = tuple(_with_added(spec, settings.resources) for spec in rulebook.decision.levels)
    decision = dataclasses.replace(
        rulebook.decision, resources=tuple(by_id.values()), levels=levels
    )
    return dataclasses.replace(rulebook, decision=decision)


def _with_added(spec: LevelSpec, resources: tuple[LocalResource, ...]) -> LevelSpec:
    added = tuple(
        r.id for r in resources if spec.id.value in r.levels and r.id not in spec.resources
    )
    return dataclasses.replace(spec, resources=spec.resources + added) if added else spec
