"""The ``evaluate`` command's edge: read labelled notes, print the figures."""

from __future__ import annotations

from typing import Any

from screen.evaluation import LEVEL_ORDER, Evaluation


def render_tables(result: Evaluation) -> list[Any]:
    """Rich tables for the terminal."""
    from rich.markup import escape
    from rich.table import Table

    metrics = Table(title="Refer (L0-L3) against the labels", box=None, header_style="bold")
    for name in ("scope", "notes", "TP", "FP", "TN", "FN", "sensitivity", "specificity", "PPV"):
        metrics.add_column(name, justify="left" if name == "scope" else "right")
    rows = [("all", result.overall)] + sorted(result.by_offence.items())
    for scope, tally in rows:
        rates = tally.rates()
        total = tally.tp + tally.fp + tally.tn + tally.fn
        metrics.add_row(
            scope,
            str(total),
            str(tally.tp),
            str(tally.fp),
            str(tally.tn),
            str(tally.fn),
            *(_pct(rates[k]) for k in ("sensitivity", "specificity", "ppv")),
        )
    tables: list[Any] = [metrics]
    if result.matrix:
        matrix = Table(
            title=f"Expected level (rows) against the level given (columns): "
            f"{result.exact} of {result.with_level} exact",
            box=None,
            header_style="bold",
        )
        matrix.add_column("expected")
        for level in LEVEL_ORDER:
            matrix.add_column(level, justify="right")
        for level in LEVEL_ORDER:
            if level in result.matrix:
                matrix.add_row(level, *(str(result.matrix[level][c]) for c in LEVEL_ORDER))
        tables.append(matrix)
    for title, rows_ in (
        ("Missed (labelled refer, got L4/L5)", result.misses),
        ("False alarms (labelled no referral, got L0-L3)", result.false_alarms),
    ):
        if rows_:
            table = Table(title=title, box=None, header_style="bold")
            for name in ("id", "expected", "got", "evidence"):
                table.add_column(name, overflow="fold")
            for row in rows_:
                table.add_row(
                    escape(row["id"]),
                    row["expected"],
                    row["got"],
                    escape(", ".join(row["evidence"])),
                )
            tables.append(table)
    return tables


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.1f}%"
