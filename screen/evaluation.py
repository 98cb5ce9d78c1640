"""Measure a rulebook on labelled notes (pure).

"Refer" means L0–L3. Every figure is kept as counts: sensitivity, specificity
and PPV overall and per cover offence, language, kind of exploitation and kind
of look-alike; the level matrix; the figures at every level cut and screening
score threshold; minors in commercial sex and where they landed; ordinary DV
and bar fights that were referred; and, per indicator, how often a note it
fired on was a case to refer. Misses and false alarms name note ids and the
indicators found, never note text; a sealed evaluation drops them too.
"""

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
HARMLESS = ("ordinary_dv", "bar_fight")
"""Look-alike kinds that must never be referred."""


@dataclass
class Tally:
    """Binary counts for 'refer' against the label."""

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

    @property
    def total(self) -> int:
        """Notes counted."""
        return self.tp + self.fp + self.tn + self.fn

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


@dataclass(frozen=True, slots=True)
class Outcome:
    """One labelled note's label and result (no text)."""

    id: str
    refer: bool
    level: str | None
    predicted: str
    score: float
    offence: str
    lang: str
    kind: str
    lookalike: str
    minor_commercial_sex: bool
    present: tuple[str, ...]
    evidence: tuple[str, ...]


@dataclass
class Evaluation:
    """Everything ``evaluate`` reports."""

    outcomes: list[Outcome] = field(default_factory=list)
    unlabelled: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def tally(self, keep: Any = None, cut: str = "L3") -> Tally:
        """Counts over the outcomes ``keep`` accepts, referring at ``cut`` or more urgent."""
        result = Tally()
        for o in self.outcomes:
            if keep is None or keep(o):
                result.add(o.refer, o.predicted <= cut)
        return result

    def groups(self, key: str) -> dict[str, Tally]:
        """Tallies per value of an outcome attribute (offence, lang, kind, lookalike)."""
        found: dict[str, Tally] = {}
        for o in self.outcomes:
            found.setdefault(str(getattr(o, key)) or "-", Tally()).add(
                o.refer, o.predicted in REFER_LEVELS
            )
        return dict(sorted(found.items()))

    def matrix(self) -> dict[str, dict[str, int]]:
        """Expected level -> level given -> notes."""
        rows: dict[str, dict[str, int]] = {}
        for o in self.outcomes:
            if o.level is not None:
                rows.setdefault(o.level, dict.fromkeys(LEVEL_ORDER, 0))[o.predicted] += 1
        return {lvl: rows[lvl] for lvl in LEVEL_ORDER if lvl in rows}

    def cuts(self) -> list[dict[str, Any]]:
        """The figures if every level up to each cut were a referral."""
        return [
            {"refer_at_or_above": cut, **self.tally(cut=cut).as_dict()} for cut in LEVEL_ORDER[:-1]
        ]

    def thresholds(self) -> list[dict[str, Any]]:
        """The figures if a note were referred at each screening-score threshold."""
        values = sorted({o.score for o in self.outcomes} | {0.0})
        rows = []
        for value in values:
            tally = Tally()
            for o in self.outcomes:
                tally.add(o.refer, o.score >= value and o.score > 0)
            rows.append({"score_at_least": value, **tally.as_dict()})
        return rows

    def minors(self) -> dict[str, int]:
        """Minors in commercial sex (as labelled) and how many reached L1 or L0."""
        chosen = [o for o in self.outcomes if o.minor_commercial_sex]
        return {
            "labelled": len(chosen),
            "at_l1_or_l0": sum(o.predicted in ("L0", "L1") for o in chosen),
        }

    def harmless_referred(self) -> dict[str, int]:
        """Ordinary DV and bar fights (as labelled) and how many were referred (L0–L3)."""
        chosen = [o for o in self.outcomes if o.lookalike in HARMLESS]
        return {
            "labelled": len(chosen),
            "referred": sum(o.predicted in REFER_LEVELS for o in chosen),
        }

    def per_indicator(self) -> list[dict[str, Any]]:
        """For each indicator found: notes, notes to refer among them, and that share."""
        counts: dict[str, list[int]] = {}
        for o in self.outcomes:
            for indicator in o.present:
                row = counts.setdefault(indicator, [0, 0])
                row[0] += 1
                row[1] += o.refer
        return [
            {"indicator": i, "notes": n, "to_refer": r, "precision": round(r / n, 4)}
            for i, (n, r) in sorted(counts.items())
        ]

    def exact(self) -> tuple[int, int]:
        """(notes given exactly their expected level, notes with an expected level)."""
        with_level = [o for o in self.outcomes if o.level is not None]
        return sum(o.level == o.predicted for o in with_level), len(with_level)

    def as_dict(self, sealed: bool = False) -> dict[str, Any]:
        """Plain data for JSON output; ``sealed`` leaves out note ids and evidence."""
        exact, with_level = self.exact()
        data: dict[str, Any] = {
            "notes": len(self.outcomes),
            "overall": self.tally().as_dict(),
            "by_offence": {k: v.as_dict() for k, v in self.groups("offence").items()},
            "by_language": {k: v.as_dict() for k, v in self.groups("lang").items()},
            "by_kind": {k: v.as_dict() for k, v in self.groups("kind").items()},
            "by_lookalike": {k: v.as_dict() for k, v in self.groups("lookalike").items()},
            "minors_in_commercial_sex": self.minors(),
            "ordinary_dv_and_bar_fights": self.harmless_referred(),
            "level_matrix": self.matrix(),
            "exact_level": exact,
            "notes_with_level": with_level,
            "level_cuts": self.cuts(),
            "score_thresholds": self.thresholds(),
            "per_indicator": self.per_indicator(),
            "unlabelled": len(self.unlabelled) if sealed else self.unlabelled,
            "errors": len(self.errors) if sealed else self.errors,
        }
        if not sealed:
            data["misses"] = [
                _row(o) for o in self.outcomes if o.refer and o.predicted not in REFER_LEVELS
            ]
            data["false_alarms"] = [
                _row(o) for o in self.outcomes if not o.refer and o.predicted in REFER_LEVELS
            ]
        return data


def _row(o: Outcome) -> dict[str, Any]:
    return {
        "id": o.id,
        "expected": o.level or ("refer" if o.refer else "no referral"),
        "got": o.predicted,
        "score": o.score,
        "evidence": list(o.evidence),
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
        verdict = screened.verdict
        result.outcomes.append(
            Outcome(
                id=note.id,
                refer=refer,
                level=level,
                predicted=str(screened.level),
                score=verdict.score if verdict else 0.0,
                offence=note.offence or "unknown",
                lang=_lang(fields),
                kind=str(fields.get("exploitation") or ("-" if refer else "none")),
                lookalike=str(fields.get("lookalike") or ("" if refer else "-")),
                minor_commercial_sex=bool(fields.get("minor_commercial_sex")),
                present=screened.present(),
                evidence=tuple(f"{e.indicator}[{e.status}]" for e in screened.evidence),
            )
        )
    return result


def _lang(fields: dict[str, Any]) -> str:
    lang = str(fields.get("lang") or "en").lower()
    return "en" if lang == "en" else "es/mixed"
