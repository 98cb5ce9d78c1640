"""Upper bounds for batch throughput on this machine, rulebook and corpus.

    python bench/bound.py CORPUS.jsonl

Measures, on one core and without any of htscreen's own work:

* the Python I/O floor: read the JSONL, parse each line, write one small JSON
  record per note (what any Python batch tool pays before matching);
* Hyperscan alone over the note texts (already parsed and normalised, in
  memory), with the expressions htscreen scans: its phrase database, and every
  part of every phrase and proximity pattern in one single-match database (the
  least an exact Hyperscan evaluation of the rulebook must find).

Used by ``bench/run.py``; figures in docs/performance.md.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

import hyperscan

from screen.app.rulebooks import load_rulebook
from screen.matching.plan import build_plan
from screen.matching.scanner import ascii_view
from screen.patterns.compile import normalise, scanner_form


def io_floor(path: Path) -> float:
    """MB/s of read + json.loads + json.dumps of a small record per note."""
    size = path.stat().st_size
    start = time.perf_counter()
    with path.open(encoding="utf-8") as source, open("/dev/null", "w") as sink:
        for line in source:
            note = json.loads(line)
            sink.write(json.dumps({"id": note["id"], "level": "L5", "indicators": []}) + "\n")
    return size / (time.perf_counter() - start) / 1e6


def _database(expressions: list[str], flag: int) -> tuple[object, float]:
    start = time.perf_counter()
    database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    database.compile(
        expressions=[e.encode() for e in expressions],
        ids=list(range(len(expressions))),
        elements=len(expressions),
        flags=[flag] * len(expressions),
    )
    return database, time.perf_counter() - start


def _collector(reports: list[int]) -> Callable[..., None]:
    def on_match(ident: int, *_: object) -> None:
        reports.append(ident)

    return on_match


def engine_bounds(path: Path, limit_mb: float = 10) -> dict[str, float]:
    """MB/s of Hyperscan alone over the first ``limit_mb`` of note text."""
    views = []
    size = 0
    with path.open(encoding="utf-8") as source:
        for line in source:
            views.append(ascii_view(normalise(json.loads(line)["text"])))
            size += len(views[-1])
            if size >= limit_mb * 1e6:
                break
    plan = build_plan(load_rulebook())
    parts = sorted(
        {scanner_form(part) for rule in plan.rules if rule.kind != "regex" for part in rule.parts}
    )
    result: dict[str, float] = {}
    for name, expressions, flag in (
        ("phrases", plan.phrases, 0),
        ("all_parts_single_match", parts, hyperscan.HS_FLAG_SINGLEMATCH),
    ):
        database, compile_seconds = _database(expressions, flag)
        reports: list[int] = []
        on_match = _collector(reports)
        start = time.perf_counter()
        for view in views:
            database.scan(view, match_event_handler=on_match)  # type: ignore[attr-defined]
        seconds = time.perf_counter() - start
        count = [len(reports)]
        result[f"hyperscan_{name}_mb_s"] = round(size / seconds / 1e6, 1)
        result[f"hyperscan_{name}_expressions"] = len(expressions)
        result[f"hyperscan_{name}_compile_s"] = round(compile_seconds, 1)
        result[f"hyperscan_{name}_reports_per_note"] = round(count[0] / len(views), 2)
    return result


def main() -> None:
    path = Path(sys.argv[1])
    print(json.dumps({"io_floor_mb_s": round(io_floor(path), 1), **engine_bounds(path)}, indent=2))


if __name__ == "__main__":
    main()
