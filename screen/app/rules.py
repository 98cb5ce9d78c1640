"""What the rule commands do, between parsing options (cli.py) and rendering (render.py).

Each function is handed the environment and returns what the command line needs
for its exit code; none of them exits.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.markup import escape

from screen.app import render
from screen.app.environment import Environment
from screen.app.rulebooks import compile_checked, load_checked, load_rulebook, store_of
from screen.errors import UsageError
from screen.model import CATEGORIES, OFFENCES

if TYPE_CHECKING:
    from screen.examples import ExampleFailure, Paraphrase


def validate(path: Path, env: Environment) -> None:
    """Validate ``path`` afresh (never from the cache); print warnings and a summary."""
    rulebook = load_rulebook(path, None)
    learned = compile_checked(rulebook, None).learned
    if learned is not None:
        learned.model  # noqa: B018  read the whole model now: damaged, or naming unknown indicators
    err = render.console(stderr=True, no_color=env.no_color)
    for warning in rulebook.warnings:
        err.print(escape(warning), style="yellow")
    out = render.console(no_color=env.no_color)
    out.print(escape(render.validation_summary(rulebook)), soft_wrap=True)


def list_indicators(
    path: Path, offence: str | None, category: str | None, fmt: str, env: Environment
) -> None:
    """Print the indicators, filtered, as a table, JSON or Markdown."""
    if offence and offence not in OFFENCES:
        raise UsageError(f"unknown offence '{offence}': choose one of {', '.join(OFFENCES)}")
    if category and category not in CATEGORIES:
        raise UsageError(f"unknown category '{category}': choose one of {', '.join(CATEGORIES)}")
    if fmt not in ("table", "json", "markdown"):
        raise UsageError(f"unknown format '{fmt}': choose table, json or markdown")
    rulebook = load_rulebook(path, store_of(env))
    chosen = [
        ind
        for ind in rulebook.indicators
        if (not offence or offence in ind.offences) and (not category or ind.category == category)
    ]
    out = render.console(no_color=env.no_color)
    if fmt == "json":
        typer.echo(render.indicators_json(rulebook, chosen))
    elif fmt == "markdown":
        typer.echo(render.indicators_markdown(rulebook, chosen), nl=False)
    else:
        table = render.indicators_table(chosen)
        out.width = max(out.width, render.needed_width(out, table))
        out.print(table)
        out.print(f"{len(chosen)} of {len(rulebook.indicators)} indicators")


def show_indicator(path: Path, indicator_id: str, env: Environment) -> None:
    """Print everything about one indicator."""
    rulebook = load_rulebook(path, store_of(env))
    if not rulebook.has_indicator(indicator_id):
        hint = suggest_ids(indicator_id, [ind.id for ind in rulebook.indicators])
        raise UsageError(f"no indicator '{indicator_id}' in the rulebook — {hint}")
    panel = render.indicator_panel(rulebook.indicator(indicator_id), rulebook)
    render.console(no_color=env.no_color).print(panel, soft_wrap=True)


def suggest_ids(word: str, ids: list[str], most: int = 5) -> str:
    """A hint for an unknown id: ids that start with it, then contain it, then look like it."""
    import difflib

    starting = [i for i in ids if i.startswith(word)]
    containing = [i for i in ids if word in i and i not in starting]
    close = [
        i
        for i in difflib.get_close_matches(word, ids, n=most, cutoff=0.6)
        if i not in starting and i not in containing
    ]
    found = (starting + containing + close)[:most]
    if not found:
        return "see 'htscreen rules list' for the ids"
    named = [f"'{i}'" for i in found]
    listed = named[0] if len(named) == 1 else ", ".join(named[:-1]) + " or " + named[-1]
    return f"did you mean {listed}?"


def test_examples(
    path: Path, fmt: str, env: Environment, paraphrases: tuple[Path, ...] = (), sealed: bool = False
) -> int:
    """Run the rulebook's examples (and paraphrase suites); return how many examples failed."""
    from screen.examples import run_examples, score_paraphrases

    store = store_of(env)
    rulebook = load_checked(path, store)
    matcher = compile_checked(rulebook, store)
    failures, total = run_examples(rulebook, matcher)
    lines = example_lines(path, rulebook.source) if failures else {}
    scores = score_paraphrases(matcher, read_paraphrases(paraphrases)) if paraphrases else []
    if fmt == "json":
        report: dict[str, object] = {
            "rulebook": render.rulebook_meta(rulebook),
            "examples": total,
            "failures": []
            if sealed
            else [{**f._asdict(), "line": lines.get(_key(f))} for f in failures],
        }
        if paraphrases:
            report["paraphrases"] = [
                {
                    **s._asdict(),
                    "recall": s.recall,
                    "false_fire_rate": s.false_fire_rate,
                    "suggested_recall": s.suggested_recall,
                    "suggested_false_fire_rate": s.suggested_false_fire_rate,
                }
                for s in scores
            ]
        typer.echo(json.dumps(report, indent=2, ensure_ascii=False))
    elif paraphrases:
        out = render.console(no_color=env.no_color)
        out.print(render.paraphrase_table(scores))
        out.print(f"{total - len(failures)} of {total} built-in examples pass")
    else:
        out = render.console(no_color=env.no_color)
        for failure in failures:
            where = f"{rulebook.source}:{lines[_key(failure)]}: " if _key(failure) in lines else ""
            out.print(escape(where + failure.describe()), soft_wrap=True)
        out.print(
            f"{total - len(failures)} passed, {len(failures)} failed "
            f"({total} examples in {len(rulebook.indicators)} indicators)"
        )
    return len(failures)


def example_lines(path: Path, source: str) -> dict[tuple[str, str, str], int]:
    """The line of every example in the rulebook at ``path``, by (indicator, kind, text).

    Read again only when an example fails (the validated rulebook keeps no lines).
    """
    from screen.app.rulebooks import read_rulebook_bytes
    from screen.rulebook.yaml_nodes import YamlReadError, read_yaml

    try:
        root = read_yaml(read_rulebook_bytes(path), source)
    except YamlReadError:
        return {}
    found: dict[tuple[str, str, str], int] = {}
    indicators = root.value.get("indicators") if isinstance(root.value, dict) else None
    for entry in indicators.value if indicators and isinstance(indicators.value, list) else []:
        fields = entry.value if isinstance(entry.value, dict) else {}
        ident, examples = fields.get("id"), fields.get("examples")
        if ident is None or examples is None or not isinstance(examples.value, dict):
            continue
        for kind in ("match", "no_match"):
            listed = examples.value.get(kind)
            for item in listed.value if listed and isinstance(listed.value, list) else []:
                found.setdefault((str(ident.value), kind, str(item.value)), item.line)
    return found


def _key(failure: ExampleFailure) -> tuple[str, str, str]:
    return (failure.indicator, failure.expected, failure.example)


def evaluate_labelled(
    path: Path,
    labelled: tuple[str, ...],
    fmt: str,
    text_field: str | None,
    jurisdiction: str | None,
    env: Environment,
    sealed: bool = False,
) -> None:
    """Screen labelled notes and print how the rulebook did."""
    from screen.app.evaluate import render_tables
    from screen.app.inputs import ReadOptions, iter_units, parse_unit, unit_fields
    from screen.evaluation import evaluate
    from screen.screening import Screener

    if fmt not in ("table", "json"):
        raise UsageError(f"unknown format '{fmt}': use table or json")
    store = store_of(env)
    rulebook = load_checked(path, store)
    read = ReadOptions(text_field=text_field)
    labelled_notes = (
        (parse_unit(unit, read), unit_fields(unit))
        for unit in iter_units(_labelled_files(labelled), read)
    )
    screener = Screener(compile_checked(rulebook, store, suggest=False), jurisdiction, date.today())
    result = evaluate(labelled_notes, screener)
    if fmt == "json":
        data = {"rulebook": render.rulebook_meta(rulebook), **result.as_dict(sealed)}
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    out = render.console(no_color=env.no_color)
    for table in render_tables(result, sealed):
        out.print(table)
        out.print()


def export_patterns(path: Path, fmt: str, env: Environment) -> None:
    """Print every pattern's expression(s): POSIX ERE lines for grep, or JSON."""
    from screen.matching.plan import build_plan

    if fmt not in ("grep", "json"):
        raise UsageError(f"unknown format '{fmt}': use grep or json")
    plan = build_plan(load_rulebook(path, store_of(env)))
    if fmt == "json":
        typer.echo(
            json.dumps(
                [
                    {"indicator": r.indicator, "kind": r.kind, "expressions": list(r.parts)}
                    for r in plan.rules
                ],
                indent=2,
            )
        )
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


def read_paraphrases(paths: tuple[Path, ...]) -> list[Paraphrase]:
    """Read paraphrase suites: JSONL files, or folders of them, one snippet per line."""
    from screen.errors import InputError
    from screen.examples import Paraphrase

    files: list[Path] = []
    for path in paths:
        files += sorted(path.rglob("*.jsonl")) if path.is_dir() else [path]
    found = []
    for file in files:
        try:
            lines = file.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(
                f"cannot read the paraphrase file {file} ({type(exc).__name__})"
            ) from None
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                found.append(
                    Paraphrase(
                        str(row["indicator"]),
                        str(row["kind"]),
                        str(row.get("lang", "en")),
                        str(row["text"]),
                    )
                )
            except (ValueError, KeyError, TypeError):
                raise InputError(
                    f"{file}:{number}: not a paraphrase record (needs indicator, kind and text)"
                ) from None
    return found


def _labelled_files(paths: tuple[str, ...]) -> list[str]:
    """Files of labelled notes: each path, or the JSONL and CSV files in a folder."""
    found: list[str] = []
    for name in paths:
        folder = Path(name)
        if folder.is_dir():
            found += [
                str(p)
                for p in sorted(folder.rglob("*"))
                if p.suffix.lower() in (".jsonl", ".csv") and p.is_file()
            ]
        else:
            found.append(name)
    return found


def train_model(
    path: Path, paraphrases: tuple[Path, ...], output: Path | None, c: float, env: Environment
) -> None:
    """Train the learned layer on paraphrase suites and the rulebook's examples; save it."""
    from screen.errors import InputError
    from screen.learned.model import digest, dumps
    from screen.learned.train import Example, Settings, train

    rulebook = load_rulebook(path, store_of(env))
    known = [ind.id for ind in rulebook.indicators]
    examples = [
        Example(item.text, item.indicator, item.kind == "says")
        for item in read_paraphrases(paraphrases)
        if item.indicator in set(known)
    ]
    for ind in rulebook.indicators:
        examples += [Example(text, ind.id, True) for text in ind.match_examples]
        examples += [Example(text, ind.id, False) for text in ind.no_match_examples]
    if not any(e.says for e in examples):
        raise InputError(
            "no text to learn from: the paraphrase suites name none of the rulebook's "
            "indicators and it has no examples"
        )
    model = train(examples, known, Settings(c=c))
    data = dumps(model)
    target = output or path.parent / (
        rulebook.learned.model if rulebook.learned else f"{path.stem}.learned.json"
    )
    try:
        target.write_bytes(data)
    except OSError as exc:
        raise InputError(
            f"cannot write the model to {target} ({exc.strerror or type(exc).__name__})"
        ) from None
    out = render.console(no_color=env.no_color)
    out.print(
        f"trained on {len(examples)} texts ({sum(e.says for e in examples)} ways of saying "
        f"an indicator), {len(model.vocabulary)} features; wrote {target}"
    )
    out.print("the rulebook's learned section:", markup=False)
    name = target.name if target.parent.resolve() == path.parent.resolve() else str(target)
    out.print(f"learned:\n  model: {name}\n  sha256: {digest(data)}", markup=False)
