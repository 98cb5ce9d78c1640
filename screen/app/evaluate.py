"""The ``evaluate`` command's edge: the figures of an evaluation as terminal tables."""

from __future__ import annotations

from typing import Any

from rich.markup import escape
from rich.table import Table

from screen.evaluation import LEVEL_ORDER, Evaluation, Tally

RATES = ("sensitivity", "specificity", "ppv")


def render_tables(result: Evaluation, sealed: bool = False) -> list[Any]:
    """Rich tables for the terminal; ``sealed`` shows figures only (no ids, no evidence)."""
    tables: list[Any] = [_rates("Refer (L0-L3) against the labels", [("all", result.tally())])]
    for title, key in (
        ("By cover offence", "offence"),
        ("By language", "lang"),
        ("By kind of exploitation (refer: sensitivity)", "kind"),
        ("By kind of look-alike (no referral: specificity)", "lookalike"),
    ):
        tables.append(_rates(title, list(result.groups(key).items())))
    minors, harmless = result.minors(), result.harmless_referred()
    tables.append(
        f"Minors in commercial sex at L1 or L0: {minors['at_l1_or_l0']} of {minors['labelled']}"
        f". Ordinary DV and bar fights referred (L0-L3): {harmless['referred']} of "
        f"{harmless['labelled']}."
    )
    tables.append(_cuts(result))
    tables.append(_thresholds(result))
    tables.append(_matrix(result))
    tables.append(_indicators(result))
    if not sealed:
        for title, rows in (
            (
                "Missed (labelled refer, got L4/L5)",
                [o for o in result.outcomes if o.refer and o.predicted >= "L4"],
            ),
            (
                "False alarms (labelled no referral, got L0-L3)",
                [o for o in result.outcomes if not o.refer and o.predicted <= "L3"],
            ),
        ):
            if rows:
                table = Table(title=title, box=None, header_style="bold")
                for name in ("id", "expected", "got", "score", "evidence"):
                    table.add_column(name, overflow="fold")
                for o in rows:
                    table.add_row(
                        escape(o.id),
                        o.level or "refer" if o.refer else "no",
                        o.predicted,
                        f"{o.score:g}",
                        escape(", ".join(o.evidence)),
                    )
                tables.append(table)
    return tables


def _rates(title: str, rows: list[tuple[str, Tally]]) -> Table:
    table = Table(title=title, box=None, header_style="bold")
    for name in ("scope", "notes", "TP", "FP", "TN", "FN", "sensitivity", "specificity", "PPV"):
        table.add_column(name, justify="left" if name == "scope" else "right")
    for scope, tally in rows:
        rates = tally.rates()
        table.add_row(
            scope,
            str(tally.total),
            str(tally.tp),
            str(tally.fp),
            str(tally.tn),
            str(tally.fn),
            *(_pct(rates[k]) for k in RATES),
        )
    return table


def _rate_table(title: str, first: str) -> Table:
    """An empty table of sensitivity, specificity and PPV by ``first``."""
    table = Table(title=title, box=None, header_style="bold")
    for name in (first, "sensitivity", "specificity", "PPV"):
        table.add_column(name, justify="right")
    return table


def _cuts(result: Evaluation) -> Table:
    table = _rate_table("If every level up to the cut were a referral", "refer at")
    for row in result.cuts():
        table.add_row(f"L0-{row['refer_at_or_above']}", *(_pct(row[k]) for k in RATES))
    return table


def _thresholds(result: Evaluation) -> Table:
    table = _rate_table("If notes were referred by screening score alone", "score at least")
    rows = result.thresholds()
    step = max(1, len(rows) // 12)
    for row in rows[::step]:
        table.add_row(f"{row['score_at_least']:g}", *(_pct(row[k]) for k in RATES))
    return table


def _matrix(result: Evaluation) -> Table:
    exact, with_level = result.exact()
    table = Table(
        title=f"Expected level (rows) against the level given (columns): {exact} of "
        f"{with_level} exact",
        box=None,
        header_style="bold",
    )
    table.add_column("expected")
    for level in LEVEL_ORDER:
        table.add_column(level, justify="right")
    for level, row in result.matrix().items():
        table.add_row(level, *(str(row[c]) for c in LEVEL_ORDER))
    return table


def _indicators(result: Evaluation) -> Table:
    table = Table(
        title="Per indicator: notes it fired on, and the share labelled refer",
        box=None,
        header_style="bold",
    )
    for name in ("indicator", "notes", "refer", "precision"):
        table.add_column(
            name, justify="left" if name == "indicator" else "right", no_wrap=name == "indicator"
        )
    for row in result.per_indicator():
        table.add_row(
            row["indicator"], str(row["notes"]), str(row["to_refer"]), _pct(row["precision"])
        )
    return table


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.1f}%"
