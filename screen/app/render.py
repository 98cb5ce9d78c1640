"""Presentation of rulebook data and errors: Rich renderables and plain strings.

Functions here build values; the only printing helpers take or create a
console at call time (never at import time).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from rich.console import Console, Group
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from screen.errors import InterviewInterrupted, RulebookError
from screen.model import Indicator, Pattern, PatternKind, Rulebook, localise

_HIDDEN = (
    *range(0x00, 0x20),
    0x7F,
    *range(0x80, 0xA0),
    0x061C,
    0x200E,
    0x200F,
    *range(0x202A, 0x202F),
    *range(0x2066, 0x206A),
)
"""Control characters and bidirectional overrides: a terminal acts on them, a reader
cannot see them."""
_VISIBLE = {c: (f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}") for c in _HIDDEN}
_VISIBLE_IN_LINES = {c: v for c, v in _VISIBLE.items() if c not in (0x09, 0x0A)}


def visible(text: str, lines: bool = False) -> str:
    r"""``text`` with every control character shown as an escape (``\x1b``), never sent raw.

    With ``lines``, tabs and newlines are kept (a multi-line note or answer).
    """
    return text.translate(_VISIBLE_IN_LINES if lines else _VISIBLE)


def as_text(text: str, style: str = "", lines: bool = False) -> Text:
    """A user-supplied string as Rich text: never read as markup, controls made visible."""
    return Text(visible(text, lines), style=style)


def console(stderr: bool = False, plain: bool = False, no_color: bool = False) -> Console:
    """Return a console on stdout or stderr; colour follows the terminal and ``no_color``.

    Text on stderr is never wrapped, so each message stays on one line for tools.
    """
    no_color = plain or no_color
    extra: dict[str, Any] = {"color_system": None} if plain else {}
    return Console(
        stderr=stderr,
        no_color=no_color,
        highlight=False,
        soft_wrap=stderr,
        emoji=False,
        safe_box=True,
        **extra,
    )


def print_error(error: BaseException, no_color: bool = False) -> None:
    """Print an error for a user on stderr: what happened and what to do next."""
    err = console(stderr=True, no_color=no_color)
    if isinstance(error, RulebookError):
        for problem in error.problems:
            err.print(as_text(str(problem), "red" if problem.severity == "error" else ""))
        err.print(
            f"htscreen: {error}. Fix them and run 'htscreen rules validate' again.",
            style="bold red",
        )
    elif isinstance(error, InterviewInterrupted):
        err.print(as_text(f"htscreen: interrupted. The interview is saved in {error.save_path}."))
        err.print(as_text(f"Resume it with: htscreen interview --save {error.save_path}"))
    elif isinstance(error, KeyboardInterrupt):
        err.print("htscreen: interrupted.", style="bold")
    else:
        err.print(as_text(f"htscreen: {error}", "bold red"))


def validation_summary(rulebook: Rulebook) -> str:
    """One line saying a rulebook is valid and what it holds."""
    patterns = sum(len(ind.patterns) for ind in rulebook.indicators)
    return (
        f"{rulebook.source}: valid — rulebook {rulebook.version} (sha256 "
        f"{rulebook.short_hash}), {len(rulebook.indicators)} indicators, {patterns} "
        f"patterns, {len(rulebook.lexicon)} lexicon lists, {len(rulebook.questions)} "
        f"questions"
    )


def indicators_table(indicators: Sequence[Indicator]) -> Table:
    """A table of indicators: id, category, dimension, weight, title.

    Only titles wrap (between words): ids and the other names are never broken,
    so they can be copied (print it at :func:`needed_width` at least).
    """
    table = Table(box=None, pad_edge=False, show_edge=False, header_style="bold")
    for name in ("id", "category", "dimension", "weight"):
        table.add_column(name, no_wrap=True)
    table.add_column("title", overflow="fold", min_width=20)
    for ind in indicators:
        table.add_row(ind.id, ind.category, _dimension(ind.dimension), ind.weight, ind.title)
    return table


def needed_width(out: Console, table: Table) -> int:
    """The narrowest width at which ``table`` shows its unwrappable columns whole."""
    from rich.measure import Measurement

    return Measurement.get(out, out.options.update_width(10_000), table).minimum


def _dimension(name: str) -> str:
    return "-" if name == "none" else name


def indicators_json(rulebook: Rulebook, indicators: Sequence[Indicator]) -> str:
    """The indicators as a JSON document."""
    return json.dumps(
        {
            "rulebook": rulebook_meta(rulebook),
            "indicators": [indicator_dict(ind, rulebook) for ind in indicators],
        },
        indent=2,
        ensure_ascii=False,
    )


def rulebook_meta(rulebook: Rulebook) -> dict[str, str]:
    """The rulebook a JSON output came from: its path, version and content hash."""
    return {"path": rulebook.source, "version": rulebook.version, "sha256": rulebook.sha256}


def indicator_dict(ind: Indicator, rulebook: Rulebook) -> dict[str, Any]:
    """One indicator as plain data."""
    return {
        "id": ind.id,
        "category": ind.category,
        "title": ind.title,
        "titles": dict(ind.titles or (("en", ind.title),)),
        "description": ind.description,
        "element": ind.element,
        "dimension": ind.dimension,
        "weight": ind.weight,
        "weights": dict(ind.weights),
        "exploitation": ind.exploitation,
        "triggers": sorted(ind.triggers),
        "offences": list(ind.offences),
        "htcds": ind.htcds,
        "sources": list(ind.sources),
        "patterns": [pattern_text(p) for p in ind.patterns],
        "questions": [q.id for q in rulebook.questions_setting(ind.id)],
        "examples": {"match": list(ind.match_examples), "no_match": list(ind.no_match_examples)},
    }


def pattern_text(pattern: Pattern) -> str:
    """A pattern as the rulebook writes it."""
    if pattern.kind == "near":
        text = f"near {' + '.join(pattern.parts)} within {pattern.within} words"
    else:
        text = f"{pattern.kind} {pattern.parts[0]}"
    if pattern.unless:
        text += f" unless {' / '.join(pattern.unless)} within {pattern.unless_within} words"
    return text + (" (slang)" if pattern.slang else "")


def indicators_markdown(rulebook: Rulebook, indicators: Sequence[Indicator]) -> str:
    """A Markdown reference page for the indicators."""
    lines = [
        "# Indicator reference",
        "",
        f"Generated by `htscreen rules list --format markdown` from rulebook "
        f"{rulebook.version}. Do not edit by hand.",
        "",
        f"{len(indicators)} indicators.",
        "",
    ]
    by_category: dict[str, list[Indicator]] = {}
    for ind in indicators:
        by_category.setdefault(ind.category, []).append(ind)
    for category, members in by_category.items():
        lines += [f"## {category.replace('_', ' ').capitalize()}", ""]
        for ind in members:
            lines += _markdown_indicator(ind, rulebook)
    return "\n".join(lines).rstrip() + "\n"


def _markdown_indicator(ind: Indicator, rulebook: Rulebook) -> list[str]:
    weights = ", ".join(f"{p} {w}" for p, w in ind.weights)
    questions = ", ".join(f"`{q.id}`" for q in rulebook.questions_setting(ind.id)) or "none"
    lines = [
        f"### `{ind.id}` — {ind.title}",
        "",
        ind.description,
        "",
        *(f"- Title ({lang}): {text}" for lang, text in ind.titles if lang != "en"),
        f"- Element: {ind.element}; dimension: {_dimension(ind.dimension)}; weight: "
        f"{ind.weight}" + (f" ({weights})" if weights else ""),
        f"- Exploitation: {ind.exploitation}"
        + (f"; triggers: {', '.join(sorted(ind.triggers))}" if ind.triggers else ""),
        f"- Cover offences: {', '.join(ind.offences)}",
        f"- Set by questions: {questions}",
    ]
    if ind.htcds:
        lines.append(f"- HTCDS method of control: {ind.htcds}")
    lines.append("- Sources: " + "; ".join(ind.sources))
    lists = _lists_used(ind)
    lines.append(
        f"- Text patterns: {len(ind.patterns)}"
        + (f"; lexicon lists: {', '.join('@' + n for n in lists)}" if lists else "")
    )
    return [*lines, ""]


def _lists_used(ind: Indicator) -> list[str]:
    """The lexicon lists an indicator's patterns use, read from their syntax trees."""
    from screen.patterns.syntax import PatternSyntaxError, parse

    found: dict[str, None] = {}
    for pattern in ind.patterns:
        if pattern.kind is PatternKind.REGEX:
            continue
        for part in pattern.parts:
            try:
                found.update(dict.fromkeys(parse(part).lists()))
            except PatternSyntaxError:
                continue
    return sorted(found)


def indicator_panel(ind: Indicator, rulebook: Rulebook, lang: str = "en") -> Group:
    """Everything about one indicator, for ``rules show``."""
    head = Text.assemble((ind.id, "bold"), " — ", ind.title)
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold")
    facts.add_column(overflow="fold")
    weights = ", ".join(f"{p}: {w}" for p, w in ind.weights)
    rows = [
        *((f"title ({code})", text) for code, text in ind.titles if code != "en"),
        ("category", ind.category),
        ("element", ind.element),
        ("dimension", _dimension(ind.dimension)),
        ("weight", ind.weight + (f" ({weights})" if weights else "")),
        ("exploitation", ind.exploitation),
        ("triggers", ", ".join(sorted(ind.triggers)) or "-"),
        ("offences", ", ".join(ind.offences)),
        ("htcds", ind.htcds or "-"),
    ]
    for key, value in rows:
        facts.add_row(key, escape(value))
    parts: list[Any] = [head, Text(ind.description), facts]
    parts += _section("patterns", [pattern_text(p) for p in ind.patterns])
    parts += _section("examples that must match", list(ind.match_examples))
    parts += _section("examples that must not match", list(ind.no_match_examples))
    questions = [f"{q.id}: {localise(q.text, lang)}" for q in rulebook.questions_setting(ind.id)]
    parts += _section("questions that set it", questions)
    parts += _section("sources", list(ind.sources))
    return Group(*parts)


def _section(title: str, items: list[str]) -> list[Any]:
    if not items:
        return [Text(f"\n{title}: none", style="bold")]
    return [Text(f"\n{title}:", style="bold"), *(Text(f"  • {item}") for item in items)]


def paraphrase_table(scores: Sequence[Any]) -> Table:
    """Recall and false fires per indicator, with totals (figures only, never the text)."""
    table = Table(
        box=None,
        pad_edge=False,
        header_style="bold",
        title="Paraphrases: ways of saying it that fire it, look-alikes that do",
    )
    table.add_column("indicator", no_wrap=True)
    learned = any(s.suggested or s.suggested_false_fires for s in scores)
    names = ["says", "recall", "Spanish", "look-alikes", "false fires"]
    names += ["with suggestions", "their false fires"] if learned else []
    for name in names:
        table.add_column(name, justify="right", no_wrap=True)
    totals = [0] * 8
    for s in scores:
        extra = [_rate(s.suggested, s.says), _rate(s.suggested_false_fires, s.lookalikes)]
        table.add_row(
            s.indicator,
            str(s.says),
            _rate(s.found, s.says),
            _rate(s.spanish_found, s.spanish_says),
            str(s.lookalikes),
            _rate(s.false_fires, s.lookalikes),
            *(extra if learned else []),
        )
        for i, v in enumerate(
            (s.says, s.found, s.lookalikes, s.false_fires, s.spanish_says, s.spanish_found)
            + (s.suggested, s.suggested_false_fires)
        ):
            totals[i] += v
    extra = [_rate(totals[6], totals[0]), _rate(totals[7], totals[2])]
    table.add_row(
        "all",
        str(totals[0]),
        _rate(totals[1], totals[0]),
        _rate(totals[5], totals[4]),
        str(totals[2]),
        _rate(totals[3], totals[2]),
        *(extra if learned else []),
        style="bold",
    )
    return table


def _rate(part: int, whole: int) -> str:
    return f"{part / whole:.2f} ({part}/{whole})" if whole else "-"
