"""The ``explain`` command: one note, every pattern that fired or nearly fired, and why.

The note is the command's argument, or stdin with ``-``. Its text is shown only
on stdout, where the user asked for it; nothing about it goes to stderr.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from screen.app.environment import Environment
from screen.app.fields import normalise_offence, recognised
from screen.app.rulebooks import compile_checked, load_checked, store_of
from screen.errors import InputError, UsageError
from screen.explaining import Explanation, Step, explain
from screen.model import Status
from screen.screening import Note, Screener

FORMATS = ("table", "json")
NOTE_ID = "note"


@dataclass(frozen=True, slots=True)
class ExplainRequest:
    """What ``htscreen explain`` was asked."""

    text: str
    """The note, or ``-`` to read it from stdin."""
    rules_path: Path
    offence: str | None = None
    when: date | None = None
    fmt: str = "table"
    jurisdiction: str | None = None


def run(request: ExplainRequest, env: Environment) -> None:
    """Explain one note on stdout."""
    if request.fmt not in FORMATS:
        raise UsageError(f"unknown format '{request.fmt}': use table or json")
    offence = normalise_offence(request.offence)
    if not recognised(offence):
        raise UsageError(
            f"unknown offence '{request.offence}': use a cover offence (see htscreen batch --help)"
        )
    text = _read(request.text)
    store = store_of(env)
    rulebook = load_checked(request.rules_path, store)
    names = [j.name for j in rulebook.decision.jurisdictions]
    if request.jurisdiction and request.jurisdiction not in names:
        raise UsageError(
            f"unknown jurisdiction '{request.jurisdiction}': use " + " or ".join(names)
        )
    screener = Screener(compile_checked(rulebook, store), request.jurisdiction, date.today())
    found = explain(screener, Note(NOTE_ID, text, request.when, offence))
    source = f"{request.rules_path} ({rulebook.version}, {rulebook.short_hash})"
    if request.fmt == "json":
        sys.stdout.write(json.dumps(as_dict(found, source), ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write("\n".join(lines(found, source)) + "\n")


def _read(text: str) -> str:
    if text == "-":
        data = sys.stdin.buffer.read()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError(f"stdin is not utf-8 text (byte {exc.start})") from None
    if not text.strip():
        raise InputError("the note is empty: give its text, or - to read it from stdin")
    return text


def lines(found: Explanation, source: str) -> list[str]:
    """The explanation as plain text lines (no colour, no boxes: screen readers, diffs)."""
    note, rec = found.note, found.recommendation
    out = [
        f"rulebook: {source}",
        f"note: {len(note.text):,} characters; offence: {note.offence or 'none'}; "
        f"date: {note.date.isoformat() if note.date else 'none'}",
        "",
        "fired (counts toward the level):",
    ]
    fired = [s for s in found.steps if s.counts]
    out += [line for step in fired for line in _step_lines(step)] or ["  nothing"]
    suggested = [s for s in found.steps if s.outcome == Status.SUGGESTED.value]
    if suggested:
        out += ["", "suggested by the learned layer (shown for review; does not count):"]
        out += [line for step in suggested for line in _step_lines(step)]
    out += ["", "nearly fired (found but not counted, or not complete):"]
    near = [s for s in found.steps if not s.counts and s.outcome != Status.SUGGESTED.value]
    out += [line for step in near for line in _step_lines(step)] or ["  nothing"]
    if found.context:
        out += ["", f"from the cover offence: {', '.join(found.context)}"]
    out += ["", "decision:"]
    for dim in rec.dimensions:
        verdict = "positive" if dim.positive else "not positive"
        signs = f" [{', '.join(dim.indicators)}]" if dim.indicators else ""
        lacks = f"; needs {dim.missing}" if dim.indicators and not dim.positive else ""
        out.append(f"  {dim.name.value}: {verdict} ({dim.counts.describe()}){signs}{lacks}")
    out.append(f"  minor: {rec.minor.value}; profile: {rec.profile.value}")
    out.append(f"  level {rec.level.value} by the rule '{rec.name}': {rec.title}")
    out += [f"    because: {reason}" for reason in rec.reasons]
    out += [f"    also: {also}" for also in rec.also]
    return out


def _step_lines(step: Step) -> list[str]:
    head = f"  {step.pattern}  {step.outcome}"
    lines = [head, f"    pattern: {step.written}"]
    if step.start >= 0:
        lines.append(f"    span: {step.start}-{step.end} «{step.snippet}»")
    if step.cue is not None:
        cue = step.cue
        lines.append(f"    cue: «{cue.text}» at {cue.start}-{cue.end}: {step.scope}")
    if step.detail:
        lines.append(f"    {step.detail}")
    return lines


def as_dict(found: Explanation, source: str) -> dict[str, Any]:
    """The explanation as JSON-ready data."""
    note, rec = found.note, found.recommendation
    return {
        "rulebook": source,
        "note": {
            "characters": len(note.text),
            "offence": note.offence or None,
            "date": note.date.isoformat() if note.date else None,
        },
        "steps": [_step_dict(step) for step in found.steps],
        "context": list(found.context),
        "decision": {
            "level": rec.level.value,
            "rule": rec.name,
            "title": rec.title,
            "reasons": list(rec.reasons),
            "also": list(rec.also),
            "minor": rec.minor.value,
            "profile": rec.profile.value,
            "dimensions": [
                {
                    "name": dim.name.value,
                    "positive": dim.positive,
                    "counts": dim.counts.describe(),
                    "indicators": list(dim.indicators),
                    "missing": dim.missing,
                }
                for dim in rec.dimensions
            ],
        },
    }


def _step_dict(step: Step) -> dict[str, Any]:
    item: dict[str, Any] = {
        "indicator": step.indicator,
        "pattern": step.pattern,
        "written": step.written,
        "outcome": step.outcome,
        "fired": step.fired,
        "counts": step.counts,
    }
    if step.start >= 0:
        item.update(start=step.start, end=step.end, snippet=step.snippet)
    if step.cue is not None:
        item["cue"] = {
            "kind": step.cue.kind.value,
            "text": step.cue.text,
            "start": step.cue.start,
            "end": step.cue.end,
            "scope": step.scope,
        }
    if step.detail:
        item["detail"] = step.detail
    return item
