"""Typed field readers over located YAML nodes that collect every problem.

A :class:`Reader` never raises for a bad field: it records a located
:class:`~screen.errors.Problem` and returns ``None`` (or a safe default), so a
single run reports every problem in the file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, TypeVar

from screen.errors import Problem
from screen.model import Named, Text
from screen.rulebook.yaml_nodes import Node, suggest

KEBAB = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
C = TypeVar("C", bound=Named)


class Reader:
    """Reads fields from nodes and collects problems with their positions."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []

    def error(self, node: Node | tuple[int, int], message: str, hint: str = "") -> None:
        """Record a problem at ``node`` (or at a (line, column) pair)."""
        line, col = (node.line, node.column) if isinstance(node, Node) else node
        self.problems.append(Problem(self.source, line, col, message, hint))

    def warn(self, node: Node, message: str, hint: str = "") -> None:
        """Record a warning at ``node``; warnings do not make a rulebook invalid."""
        self.warnings.append(
            Problem(self.source, node.line, node.column, message, hint, severity="warning")
        )

    def mapping(
        self, node: Node, where: str, required: Iterable[str], optional: Iterable[str] = ()
    ) -> dict[str, Node] | None:
        """Check that ``node`` is a mapping with the required keys and no unknown ones."""
        if not isinstance(node.value, dict):
            self.error(
                node,
                f"{where} must be a mapping of keys to values",
                "write it as 'key: value' lines",
            )
            return None
        required = tuple(required)
        allowed = (*required, *optional)
        fields: dict[str, Node] = node.value
        explained: set[str] = set()
        for key in fields:
            if key not in allowed:
                hint = suggest(key, allowed)
                self.error(node.keys[key], f"unknown key '{key}' in {where}", hint)
                explained.update(name for name in required if f"'{name}'" in hint)
        for key in required:
            if key not in fields and key not in explained:
                self.error(node, f"{where} is missing the required key '{key}'", f"add '{key}:'")
        return fields

    def sequence(self, node: Node | None, where: str) -> list[Node]:
        """Return the items of a list node (an empty list, with a problem, if not a list)."""
        if node is None:
            return []
        if not isinstance(node.value, list):
            self.error(node, f"{where} must be a list", "write it as '- item' lines or [a, b]")
            return []
        items: list[Node] = node.value
        return items

    def string(self, node: Node | None, where: str, *, allow_empty: bool = False) -> str | None:
        """Return a string field, or record a problem."""
        if node is None:
            return None
        value = node.value
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.error(node, f"{where} must be text, not {_kind(value)}", "quote the value")
            return None
        text = str(value)
        if not text.strip() and not allow_empty:
            self.error(node, f"{where} is empty", "write a value")
            return None
        return text

    def choice(self, node: Node | None, where: str, options: Iterable[str]) -> str | None:
        """Return a string field that must be one of ``options``."""
        value = self.string(node, where)
        options = tuple(options)
        if value is not None and node is not None and value not in options:
            self.error(node, f"{where} is '{value}', which is not allowed", suggest(value, options))
            return None
        return value

    def member(self, node: Node | None, where: str, kind: type[C]) -> C | None:
        """Return a field that must name a member of the closed set ``kind``."""
        value = self.choice(node, where, kind.names())
        return kind(value) if value is not None else None

    def members(self, node: Node | None, where: str, kind: type[C]) -> list[C]:
        """Return a list whose items must each name a member of ``kind``."""
        return [kind(value) for value in self.choices(node, where, kind.names())]

    def ident(self, node: Node | None, where: str) -> str | None:
        """Return a kebab-case identifier."""
        value = self.string(node, where)
        if value is not None and node is not None and not KEBAB.fullmatch(value):
            self.error(
                node,
                f"{where} '{value}' is not lower-case kebab-case",
                "use letters, digits and single hyphens, e.g. 'documents-held'",
            )
            return None
        return value

    def integer(self, node: Node | None, where: str, low: int, high: int) -> int | None:
        """Return an integer in [low, high]."""
        if node is None:
            return None
        value = node.value
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(
                node,
                f"{where} must be a whole number, not {_kind(value)}",
                f"write a number from {low} to {high}",
            )
            return None
        if not low <= value <= high:
            self.error(
                node,
                f"{where} is {value}, outside {low}..{high}",
                f"use a number from {low} to {high}",
            )
            return None
        return value

    def number(self, node: Node | None, where: str) -> float | None:
        """Return a number."""
        if node is None:
            return None
        value = node.value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.error(node, f"{where} must be a number, not {_kind(value)}", "write a number")
            return None
        return float(value)

    def boolean(self, node: Node | None, where: str) -> bool | None:
        """Return true or false."""
        if node is None:
            return None
        if not isinstance(node.value, bool):
            self.error(node, f"{where} must be true or false", "write true or false")
            return None
        return bool(node.value)

    def strings(self, node: Node | None, where: str) -> list[tuple[str, Node]]:
        """Return a list of strings with their nodes."""
        result: list[tuple[str, Node]] = []
        for index, item in enumerate(self.sequence(node, where)):
            value = self.string(item, f"{where}[{index + 1}]")
            if value is not None:
                result.append((value, item))
        return result

    def choices(self, node: Node | None, where: str, options: Iterable[str]) -> list[str]:
        """Return a list whose items must each be one of ``options``."""
        options = tuple(options)
        return [
            value
            for index, item in enumerate(self.sequence(node, where))
            if (value := self.choice(item, f"{where}[{index + 1}]", options)) is not None
        ]

    def text(
        self, node: Node | None, where: str, languages: tuple[str, ...], *, all_languages: bool
    ) -> Text:
        """Return a localised text; require every language or only the first."""
        if node is None:
            return ()
        needed = languages if all_languages else languages[:1]
        fields = self.mapping(
            node, where, needed, [lang for lang in languages if lang not in needed]
        )
        if fields is None:
            return ()
        pairs = []
        for lang in languages:
            if lang in fields:
                value = self.string(fields[lang], f"{where} ({lang})")
                if value is not None:
                    pairs.append((lang, value.strip()))
        return tuple(pairs)

    def localised(self, node: Node | None, where: str, languages: tuple[str, ...]) -> Text | None:
        """Return a text that is either a plain string (English) or a mapping by language.

        A plain string is the English text, shown in every language (as in rulebooks
        written before texts were localised). A mapping must give the rulebook's first
        language and may give any other of its ``languages``; what is usable of a bad
        mapping is returned (with its problems recorded) so one mistake is one message.
        """
        if node is None:
            return None
        if isinstance(node.value, list):
            self.error(
                node,
                f"{where} must be text or a mapping by language, not a list",
                "write one text, or one per language: {"
                + ", ".join(f"{lang}: ..." for lang in languages)
                + "}",
            )
            return None
        if not isinstance(node.value, dict):
            value = self.string(node, where)
            return None if value is None else (("en", value.strip()),)
        pairs = []
        for lang, item in node.value.items():
            if lang not in languages:
                self.error(
                    node.keys[lang],
                    f"{where}: '{lang}' is not one of the rulebook's languages "
                    f"({', '.join(languages)})",
                    f"{suggest(lang.lower(), languages)}; or add '{lang}' to 'languages:'",
                )
                continue
            value = self.string(item, f"{where} ({lang})")
            if value is not None:
                pairs.append((lang, value.strip()))
        if languages[0] not in node.value:
            self.error(
                node,
                f"{where} has no '{languages[0]}' text",
                f"add '{languages[0]}:', the rulebook's first language",
            )
        pairs.sort(key=lambda pair: languages.index(pair[0]))
        return tuple(pairs) or None


def _kind(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    return type(value).__name__


def by_id(node: Node | None) -> dict[str, Node]:
    """Map each entry of a list node to its id (entries without a text id are left out)."""
    if node is None or not isinstance(node.value, list):
        return {}
    found: dict[str, Node] = {}
    for item in node.value:
        if isinstance(item.value, dict) and "id" in item.value:
            found.setdefault(str(item.value["id"].value), item)
    return found
