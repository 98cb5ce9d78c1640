"""Machine-readable batch outputs: JSONL, JSON and CSV records (pure formatting)."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any

CSV_COLUMNS = ("id", "level", "title", "minor", "indicators", "evidence", "reasons", "error")


@dataclass(frozen=True, slots=True)
class Formatter:
    """Turns result dicts into output text for one format (jsonl, json, csv or table)."""

    fmt: str
    rulebook_version: str = ""
    rulebook_hash: str = ""

    def header(self) -> str:
        """Text written before the first record."""
        if self.fmt == "csv":
            return _csv_line(CSV_COLUMNS)
        if self.fmt == "json":
            meta = json.dumps({"version": self.rulebook_version, "sha256": self.rulebook_hash})
            return f'{{"rulebook": {meta},\n "results": [\n'
        return ""

    def separator(self) -> str:
        """Text between two records."""
        return ",\n" if self.fmt == "json" else ""

    def footer(self) -> str:
        """Text written after the last record."""
        return "\n]}\n" if self.fmt == "json" else ""

    def record(self, result: dict[str, Any]) -> str:
        """One result as text (a whole line for jsonl and csv)."""
        if self.fmt == "csv":
            return _csv_line(_csv_row(result))
        stamped = {**result, "rulebook": self.rulebook_hash} if self.fmt == "jsonl" else result
        text = json.dumps(stamped, ensure_ascii=False, separators=(",", ":"))
        return text + "\n" if self.fmt in ("jsonl", "table") else text


def _csv_row(result: dict[str, Any]) -> tuple[str, ...]:
    if result.get("error"):
        return (result["id"], "", "", "", "", "", "", result["error"])
    present = sorted({i["id"] for i in result["indicators"] if i["status"] == "present"})
    evidence = " | ".join(
        f"{i['id']}[{i['status']}]" + (f": {i['snippet']}" if "snippet" in i else "")
        for i in result["indicators"]
    )
    return (result["id"], result["level"], result["title"], result["minor"], ";".join(present),
            evidence, " | ".join(result["reasons"]), "")


def _csv_line(cells: tuple[str, ...]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(cells)
    return buffer.getvalue()
