"""What the rule commands do, between parsing options (cli.py) and rendering (render.py)."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.markup import escape

from screen.app import render
from screen.errors import RulebookError, UsageError
from screen.model import CATEGORIES, OFFENCES, Rulebook
from screen.rulebook import load_rulebook


def load_checked(path: Path, cache: bool = True) -> Rulebook:
    """Load a rulebook and make sure its patterns compile into the scanners.

    The phrase database is left out: every phrase compiles on its own, and a
    rulebook too large for one database is screened by word gates instead.
    """
    from screen.matching.matcher import compile_matcher
    from screen.matching.scanner import RegexRejected

    rulebook = load_rulebook(path, use_cache=cache)
    try:
        compile_matcher(rulebook, cache_dir() if cache else None, phrases=False)
    except RegexRejected as exc:
        from screen.errors import Problem

        raise RulebookError((Problem(str(path), 1, 1, f"the patterns do not compile: {exc}",
                                     "fix or remove the expression named"),)) from None
    return rulebook


def cache_dir() -> Path | None:
    """Where compiled scanners are cached (see :mod:`screen.cache`)."""
    from screen.app.storage import cache_dir as where

    return where()


def validate(path: Path) -> None:
    """Validate ``path`` afresh (never from the cache); print warnings and a summary."""
    rulebook = load_checked(path, cache=False)
    err = render.console(stderr=True)
    for warning in rulebook.warnings:
        err.print(escape(warning), style="yellow")
    render.console().print(escape(render.validation_summary(rulebook)))


def list_indicators(path: Path, offence: str | None, category: str | None, fmt: str) -> None:
    """Print the indicators, filtered, as a table, JSON or Markdown."""
    if offence and offence not in OFFENCES:
        raise UsageError(f"unknown offence '{offence}': choose one of {', '.join(OFFENCES)}")
    if category and category not in CATEGORIES:
        raise UsageError(f"unknown category '{category}': choose one of {', '.join(CATEGORIES)}")
    if fmt not in ("table", "json", "markdown"):
        raise UsageError(f"unknown format '{fmt}': choose table, json or markdown")
    rulebook = load_rulebook(path)
    chosen = [ind for ind in rulebook.indicators
              if (not offence or offence in ind.offences)
              and (not category or ind.category == category)]
    out = render.console()
    if fmt == "json":
        typer.echo(render.indicators_json(rulebook, chosen))
    elif fmt == "markdown":
        typer.echo(render.indicators_markdown(rulebook, chosen), nl=False)
    else:
        out.print(render.indicators_table(chosen))
        out.print(f"{len(chosen)} of {len(rulebook.indicators)} indicators")


def show_indicator(path: Path, indicator_id: str) -> None:
    """Print everything about one indicator."""
    rulebook = load_rulebook(path)
    if not rulebook.has_indicator(indicator_id):
        from screen.rulebook.yaml_nodes import suggest

        hint = suggest(indicator_id, [ind.id for ind in rulebook.indicators])
        raise UsageError(f"no indicator '{indicator_id}' in the rulebook — {hint}")
    render.console().print(render.indicator_panel(rulebook.indicator(indicator_id), rulebook))


def test_examples(path: Path, fmt: str) -> None:
    """Run the rulebook's examples; exit 1 if any fails."""
    from screen.examples import run_examples

    rulebook = load_checked(path)
    from screen.matching.matcher import compile_matcher

    failures, total = run_examples(rulebook, compile_matcher(rulebook, cache_dir()))
    if fmt == "json":
        typer.echo(json.dumps({"examples": total, "failures": [f._asdict() for f in failures]},
                              indent=2, ensure_ascii=False))
    else:
        out = render.console()
        for failure in failures:
            out.print(escape(failure.describe()))
        out.print(f"{total - len(failures)} passed, {len(failures)} failed "
                  f"({total} examples in {len(rulebook.indicators)} indicators)")
    if failures:
        raise typer.Exit(1)


def evaluate_labelled(path: Path, labelled: str, fmt: str, text_field: str | None,
                      jurisdiction: str | None) -> None:
    """Screen labelled notes and print how the rulebook did."""
    from screen.app.evaluate import evaluate, render_tables
    from screen.app.inputs import ReadOptions, iter_units
    from screen.matching.matcher import compile_matcher

    if fmt not in ("table", "json"):
        raise UsageError(f"unknown format '{fmt}': use table or json")
    rulebook = load_checked(path)
    read = ReadOptions(text_field=text_field)
    result = evaluate(iter_units([labelled], read), compile_matcher(rulebook, cache_dir()), read,
                      jurisdiction)
    if fmt == "json":
        typer.echo(json.dumps(result.as_dict(), indent=2, ensure_ascii=False))
        return
    out = render.console()
    for table in render_tables(result):
        out.print(table)
        out.print()


def export_patterns(path: Path, fmt: str) -> None:
    """Print every pattern's expression(s): POSIX ERE lines for grep, or JSON."""
    from screen.patterns.plan import build_plan

    if fmt not in ("grep", "json"):
        raise UsageError(f"unknown format '{fmt}': use grep or json")
    plan = build_plan(load_rulebook(path))
    if fmt == "json":
        typer.echo(json.dumps([{"indicator": r.indicator, "kind": r.kind, "expressions":
                                list(r.parts)} for r in plan.rules], indent=2))
        return
    lines = sorted({to_posix(part) for rule in plan.rules for part in rule.parts})
    typer.echo("\n".join(lines))


def to_posix(expression: str) -> str:
    """Translate a generated expression to GNU grep's POSIX ERE dialect."""
    classes = {
        SEP_CLASS: '[[:space:],"()-]',
        WORD_CLASS: '[^[:space:].,;:!?"()-]',
        r"[\d,.]": "[0-9,.]",
    }
    for source, target in classes.items():
        expression = expression.replace(source, target)
    expression = expression.replace("(?:", "(").replace(r"\d", "[0-9]")
    return expression.replace(r"\s", "[[:space:]]").replace(r"\-", "-")


SEP_CLASS = r'[\s,"()\-]'
WORD_CLASS = r'[^\s.,;:!?"()\-]'
