"""Machine-readable batch outputs: a :class:`ScreenResult` as a JSONL, JSON or CSV record.

This is the one place where a result becomes plain data (:meth:`Formatter.as_dict`).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any

from screen.model import Status
from screen.results import Evidence, ScreenResult

CSV_COLUMNS = (
    "id",
    "level",
    "title",
    "minor",
    "indicators",
    "evidence",
    "reasons",
    "next_questions",
    "error",
)
FORMATS = ("table", "jsonl", "json", "csv")


@dataclass(frozen=True, slots=True)
class Formatter:
    """Turns results into output text for one format (jsonl, json, csv or table)."""

    fmt: str
    rulebook_version: str = ""
    rulebook_hash: str = ""
    redact: bool = False
    rulebook_path: str = ""

    def header(self) -> str:
        """Text written before the first record."""
        if self.fmt == "csv":
            return _csv_line(CSV_COLUMNS)
        if self.fmt == "json":
            meta = json.dumps(
                {
                    "path": self.rulebook_path,
                    "version": self.rulebook_version,
                    "sha256": self.rulebook_hash,
                },
                ensure_ascii=False,
            )
            return f'{{"rulebook": {meta},\n "results": [\n'
        return ""

    def separator(self) -> str:
        """Text between two records."""
        return ",\n" if self.fmt == "json" else ""

    def footer(self) -> str:
        """Text written after the last record."""
        return "\n]}\n" if self.fmt == "json" else ""

    def record(self, result: ScreenResult) -> str:
        """One result as text (a whole line for jsonl and csv)."""
        data = self.as_dict(result)
        if self.fmt == "csv":
            return _csv_line(_csv_row(data))
        if self.fmt == "jsonl":
            data["rulebook"] = self.rulebook_hash
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        return text + "\n" if self.fmt in ("jsonl", "table") else text

    def as_dict(self, result: ScreenResult) -> dict[str, Any]:
        """One result as plain, JSON-ready data."""
        verdict = result.verdict
        if verdict is None:
            return {"id": result.id, "error": result.error, "level": None}
        return {
            "id": result.id,
            "level": verdict.level.value,
            "title": verdict.title,
            "minor": verdict.minor.value,
            "safety": list(verdict.safety),
            "score": verdict.score,
            "reasons": list(verdict.reasons),
            "also": list(verdict.also),
            "profile": verdict.profile.value,
            "indicators": [self._evidence(e) for e in result.evidence],
            "ages": [a.age for a in result.ages],
            "age_basis": result.age_basis,
            "next_questions": [
                {"id": q.id, "text": q.text, "answer": q.answer, "would_reach": q.would_reach.value}
                for q in verdict.next_questions
            ],
            "error": None,
        }

    def _evidence(self, evidence: Evidence) -> dict[str, Any]:
        item: dict[str, Any] = {
            "id": evidence.indicator,
            "pattern": evidence.pattern,
            "status": evidence.status.value,
            "start": evidence.start,
            "end": evidence.end,
        }
        cue = evidence.cue
        if cue is not None:
            item["cue"] = cue.kind.value if self.redact else f"{cue.kind.value}: {cue.text}"
        if not self.redact:
            item["snippet"] = evidence.snippet
        if evidence.slang:
            item["slang"] = True
        return item


def _csv_row(data: dict[str, Any]) -> tuple[str, ...]:
    if data.get("error"):
        return (data["id"], "", "", "", "", "", "", "", data["error"])
    present = sorted({i["id"] for i in data["indicators"] if i["status"] == Status.PRESENT})
    evidence = " | ".join(
        f"{i['id']}[{i['status']}]" + (f": {i['snippet']}" if "snippet" in i else "")
        for i in data["indicators"]
    )
    return (
        data["id"],
        data["level"],
        data["title"],
        data["minor"],
        ";".join(present),
        evidence,
        " | ".join(data["reasons"]),
        " | ".join(f"{q['id']}: {q['text']}" for q in data["next_questions"]),
        "",
    )


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""A cell starting with one of these is read as a formula by spreadsheets."""


def formula_safe(cell: str) -> str:
    """``cell`` with a leading apostrophe when a spreadsheet would run it as a formula."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def _csv_line(cells: tuple[str, ...]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow([formula_safe(str(c)) for c in cells])
    return buffer.getvalue()
