"""Safe YAML reading that keeps every value's line and column.

Aliases and anchors are refused (they allow exponential "billion laughs"
documents), documents over a size limit are refused, and every value comes
back wrapped in a :class:`Node` that remembers where it was written, so
problems can be reported as ``file:line:column``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import yaml

from screen.errors import Problem
from screen.model import MAX_RULEBOOK_BYTES as MAX_BYTES

__all__ = ["MAX_BYTES", "Node", "YamlReadError", "read_yaml"]
MAX_DEPTH = 40


@dataclass(slots=True)
class Node:
    """A YAML value with its position (1-based line and column)."""

    value: Any
    line: int
    column: int
    keys: dict[str, tuple[int, int]] = field(default_factory=dict)


_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_CONSTRUCTOR = yaml.constructor.SafeConstructor()


def _refuse_aliases(text: str) -> None:
    """Raise MarkedYAMLError at the first anchor or alias in ``text``."""
    for event in yaml.parse(text, Loader=_LOADER):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise yaml.MarkedYAMLError(
                problem="YAML anchors and aliases are not allowed in a rulebook",
                problem_mark=event.start_mark,  # type: ignore[arg-type]
            )


class YamlReadError(Exception):
    """The text is not a YAML document the rulebook loader accepts."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(str(problem))


def read_yaml(data: bytes, source: str) -> Node:
    """Parse ``data`` into a tree of :class:`Node`; raise YamlReadError if it is unusable."""
    if len(data) > MAX_BYTES:
        raise YamlReadError(
            Problem(
                source,
                1,
                1,
                f"the file is {len(data):,} bytes, over the "
                f"{MAX_BYTES:,}-byte limit for a rulebook",
                "split it or remove unused entries",
            )
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise YamlReadError(
            Problem(source, 1, 1, f"the file is not UTF-8 (byte {exc.start})", "save it as UTF-8")
        ) from None
    try:
        _refuse_aliases(text)
        root = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = exc.problem or "invalid YAML"
        opened = _unclosed_quote(text, line)
        if opened is not None:
            raise YamlReadError(
                Problem(
                    source,
                    opened[0],
                    opened[1],
                    f"YAML syntax: this quote is not closed on its line, so the quoted text "
                    f"runs on to line {line}, where the YAML stops making sense ({what})",
                    "close the quote on this line",
                )
            ) from None
        if "anchors and aliases" in what:
            raise YamlReadError(
                Problem(
                    source,
                    line,
                    col,
                    what,
                    "write the value out in full instead of '&name' / '*name'",
                )
            ) from None
        raise YamlReadError(
            Problem(source, line, col, f"YAML syntax: {what}", "fix the YAML at this position")
        ) from None
    except yaml.YAMLError as exc:
        raise YamlReadError(Problem(source, 1, 1, f"YAML error: {exc}", "fix the YAML")) from None
    if root is None:
        raise YamlReadError(Problem(source, 1, 1, "the file is empty", "write a rulebook"))
    return _convert(root, 0, source)


_STRUCTURE = re.compile(r"^\s*(- |-$|[A-Za-z_][\w-]*:(\s|$))")
"""A line that looks like YAML structure (a list item or a key), not like prose."""


def _unclosed_quote(text: str, error_line: int) -> tuple[int, int] | None:
    """Where a quote opens that swallowed YAML structure before ``error_line``, if one did.

    An unclosed quote runs on to the next quote character, often hundreds of lines
    later, and the YAML reader complains only there. A quoted value that spans
    lines, at least one of which reads like a key or a list item, is that quote.
    """
    suspect: tuple[int, int] | None = None
    try:
        for token in yaml.scan(text, Loader=_LOADER):
            start = token.start_mark
            if start.line + 1 > error_line:
                break
            if not isinstance(token, yaml.ScalarToken) or token.style not in ("'", '"'):
                continue
            end = token.end_mark
            if end.line > start.line:
                body = text[start.index : end.index].splitlines()[1:]
                if any(_STRUCTURE.match(line) for line in body):
                    suspect = (start.line + 1, start.column + 1)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "context_mark", None)
        if "quoted scalar" in str(getattr(exc, "context", "")) and mark is not None:
            return (mark.line + 1, mark.column + 1)
    return suspect


def _convert(node: yaml.Node, depth: int, source: str) -> Node:
    line, col = node.start_mark.line + 1, node.start_mark.column + 1
    if depth > MAX_DEPTH:
        raise YamlReadError(
            Problem(
                source,
                line,
                col,
                "the document is nested too deeply",
                f"keep nesting under {MAX_DEPTH} levels",
            )
        )
    if isinstance(node, yaml.MappingNode):
        result = Node({}, line, col)
        for key_node, value_node in node.value:
            key = _scalar(key_node)
            key_text = str(key)
            kpos = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            if key_text in result.value:
                raise YamlReadError(
                    Problem(
                        source,
                        kpos[0],
                        kpos[1],
                        f"the key '{key_text}' appears twice in one mapping",
                        "remove or rename one of them",
                    )
                )
            result.value[key_text] = _convert(value_node, depth + 1, source)
            result.keys[key_text] = kpos
        return result
    if isinstance(node, yaml.SequenceNode):
        return Node([_convert(item, depth + 1, source) for item in node.value], line, col)
    return Node(_scalar(node), line, col)


def _scalar(node: yaml.Node) -> Any:
    if not isinstance(node, yaml.ScalarNode):
        return str(node.value)
    if node.tag.endswith(":bool") and str(node.value).lower() not in ("true", "false"):
        return node.value  # YAML 1.2 semantics: yes/no/on/off stay text
    constructor = _CONSTRUCTOR.yaml_constructors.get(node.tag)
    if constructor is None:
        return node.value
    return constructor(_CONSTRUCTOR, node)


def suggest(word: str, options: Iterable[str]) -> str:
    """Return a 'did you mean' hint for ``word`` among ``options``, or a list of options."""
    options = list(options)
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    return "allowed: " + ", ".join(options)
