"""Measure a rulebook on labelled notes: confusion matrix, sensitivity, specificity, PPV (pure)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from screen.model import Level
from screen.screening import Note, Screener

REFER_LEVELS = ("L0", "L1", "L2", "L3")
LEVEL_ORDER = Level.names()
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

        return {
            "sensitivity": ratio(self.tp, self.tp + self.fn),
            "specificity": ratio(self.tn, self.tn + self.fp),
            "ppv": ratio(self.tp, self.tp + self.fp),
        }

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
            "level_matrix": self.matrix,
            "exact_level": self.exact,
            "notes_with_level": self.with_level,
            "misses": self.misses,
            "false_alarms": self.false_alarms,
            "unlabelled": self.unlabelled,
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


def evaluate(labelled: Iterable[tuple[Note, dict[str, Any]]], screener: Screener) -> Evaluation:
    """Screen every labelled note and compare with its label (the note's raw fields)."""
    result = Evaluation()
    for note, fields in labelled:
        if note.error:
            result.errors.append(f"{note.id}: {note.error}")
            continue
        refer, level = expected_of(fields)
        if refer is None:
            result.unlabelled.append(note.id)
            continue
        screened = screener.screen(note)
        predicted = str(screened.level)
        _count(result, note.offence or "unknown", refer, level, predicted)
        if refer and predicted not in REFER_LEVELS or (not refer and predicted in REFER_LEVELS):
            row = {
                "id": note.id,
                "expected": level or ("refer" if refer else "no referral"),
                "got": predicted,
                "evidence": [f"{e.indicator}[{e.status}]" for e in screened.evidence],
            }
            (result.misses if refer else result.false_alarms).append(row)
    return result


def _count(
    result: Evaluation, offence: str, refer: bool, level: str | None, predicted: str
) -> None:
    hit = predicted in REFER_LEVELS
    result.overall.add(refer, hit)
    result.by_offence.setdefault(offence, Tally()).add(refer, hit)
    if level is not None:
        result.with_level += 1
        result.exact += int(level == predicted)
        row = result.matrix.setdefault(level, dict.fromkeys(LEVEL_ORDER, 0))
        row[predicted] += 1
