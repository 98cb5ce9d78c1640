"""Measure a rulebook on labelled notes: confusion matrix, sensitivity, specificity, PPV."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from screen.app.inputs import ReadOptions, Unit, parse_unit, unit_fields
from screen.decision.engine import LEVEL_ORDER
from screen.matching.matcher import Matcher
from screen.screening import ScreenOptions, screen_note

REFER_LEVELS = ("L0", "L1", "L2", "L3")
_TRUE = {"1", "true", "yes", "refer", "referral", "trafficking", "y"}
_FALSE = {"0", "false", "no", "no-referral", "no_referral", "none", "n", "not-trafficking"}


@dataclass
class Tally:
    """Binary counts for 'refer' (L0-L3) against the label."""

    tp: int = 0
    fp: int = 0
    tn: int = 0
    fn: int = 0

    def add(self, expected: bool, predicted: bool) -> None:
        """Count one note."""
        if expected and predicted:
            self.tp += 1
        elif expected:
            self.fn += 1
        elif predicted:
            self.fp += 1
        else:
            self.tn += 1

    def rates(self) -> dict[str, float | None]:
        """Sensitivity, specificity and PPV (None when undefined)."""
        def ratio(a: int, b: int) -> float | None:
            return round(a / b, 4) if b else None
        return {"sensitivity": ratio(self.tp, self.tp + self.fn),
                "specificity": ratio(self.tn, self.tn + self.fp),
                "ppv": ratio(self.tp, self.tp + self.fp)}

    def as_dict(self) -> dict[str, Any]:
        """Counts and rates."""
        return {"tp": self.tp, "fp": self.fp, "tn": self.tn, "fn": self.fn, **self.rates()}


@dataclass
class Evaluation:
    """Everything `evaluate` reports."""

    overall: Tally = field(default_factory=Tally)
    by_offence: dict[str, Tally] = field(default_factory=dict)
    matrix: dict[str, dict[str, int]] = field(default_factory=dict)
    exact: int = 0
    with_level: int = 0
    misses: list[dict[str, Any]] = field(default_factory=list)
    false_alarms: list[dict[str, Any]] = field(default_factory=list)
    unlabelled: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """Plain data for JSON output."""
        return {
            "overall": self.overall.as_dict(),
            "by_offence": {k: v.as_dict() for k, v in sorted(self.by_offence.items())},
            "level_matrix": self.matrix, "exact_level": self.exact,
            "notes_with_level": self.with_level, "misses": self.misses,
            "false_alarms": self.false_alarms, "unlabelled": self.unlabelled,
            "errors": self.errors,
        }


def expected_of(fields: dict[str, Any]) -> tuple[bool | None, str | None]:
    """Read the label: (refer?, expected level or None)."""
    level = str(fields.get("expected_level", "") or "").strip().upper()
    if level in LEVEL_ORDER:
        return level in REFER_LEVELS, level
    for key in ("label", "refer", "trafficking", "expected"):
        value = str(fields.get(key, "")).strip().lower()
        if value in _TRUE:
            return True, None
        if value in _FALSE:
            return False, None
    return None, None


def evaluate(units: Iterable[Unit], matcher: Matcher, read: ReadOptions,
             jurisdiction: str | None = None) -> Evaluation:
    """Screen every labelled note and compare with its label."""
    result = Evaluation()
    options = ScreenOptions(False, jurisdiction)
    for unit in units:
        note = parse_unit(unit, read)
        if note.error:
            result.errors.append(f"{note.id}: {note.error}")
            continue
        refer, level = expected_of(unit_fields(unit))
        if refer is None:
            result.unlabelled.append(note.id)
            continue
        screened = screen_note(matcher, note, options)
        predicted = screened["level"]
        _count(result, note.offence or "unknown", refer, level, predicted)
        if refer and predicted not in REFER_LEVELS or (not refer and predicted in REFER_LEVELS):
            row = {"id": note.id, "expected": level or ("refer" if refer else "no referral"),
                   "got": predicted,
                   "evidence": [f"{i['id']}[{i['status']}]" for i in screened["indicators"]]}
            (result.misses if refer else result.false_alarms).append(row)
    return result


def _count(result: Evaluation, offence: str, refer: bool, level: str | None,
           predicted: str) -> None:
    hit = predicted in REFER_LEVELS
    result.overall.add(refer, hit)
    result.by_offence.setdefault(offence, Tally()).add(refer, hit)
    if level is not None:
        result.with_level += 1
        result.exact += int(level == predicted)
        row = result.matrix.setdefault(level, dict.fromkeys(LEVEL_ORDER, 0))
        row[predicted] += 1


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
        metrics.add_row(scope, str(total), str(tally.tp), str(tally.fp), str(tally.tn),
                        str(tally.fn), *(_pct(rates[k]) for k in ("sensitivity", "specificity",
                                                                   "ppv")))
    tables: list[Any] = [metrics]
    if result.matrix:
        matrix = Table(title=f"Expected level (rows) against the level given (columns): "
                       f"{result.exact} of {result.with_level} exact", box=None,
                       header_style="bold")
        matrix.add_column("expected")
        for level in LEVEL_ORDER:
            matrix.add_column(level, justify="right")
        for level in LEVEL_ORDER:
            if level in result.matrix:
                matrix.add_row(level, *(str(result.matrix[level][c]) for c in LEVEL_ORDER))
        tables.append(matrix)
    for title, rows_ in (("Missed (labelled refer, got L4/L5)", result.misses),
                         ("False alarms (labelled no referral, got L0-L3)", result.false_alarms)):
        if rows_:
            table = Table(title=title, box=None, header_style="bold")
            for name in ("id", "expected", "got", "evidence"):
                table.add_column(name, overflow="fold")
            for row in rows_:
                table.add_row(escape(row["id"]), row["expected"], row["got"],
                              escape(", ".join(row["evidence"])))
            tables.append(table)
    return tables


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.1f}%"
