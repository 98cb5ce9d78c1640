"""Upper bounds for batch throughput on this machine, rulebook and corpus.

    python bench/bound.py CORPUS.jsonl

Measures, on one core and without any of htscreen's own work:

* the Python I/O floor: read the JSONL, parse each line, write one small JSON
  record per note (what any Python batch tool pays before matching);
* the least per-word Python work of reading a note as tokens (split, one
  dictionary lookup per word), and Hyperscan alone reporting the rulebook's
  words in each note.

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
from screen.patterns.compile import normalise


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
    """MB/s of the least per-word work the token engine must do, and of Hyperscan alone.

    ``split_lookup``: split each normalised note on white space and look every word
    up in a dictionary once (what reading a note as codes costs at the very
    least). ``hyperscan_vocabulary``: Hyperscan in literal mode, reporting each
    slot word of the rulebook once per note.
    """
    texts = []
    size = 0
    with path.open(encoding="utf-8") as source:
        for line in source:
            texts.append(normalise(json.loads(line)["text"]))
            size += len(texts[-1])
            if size >= limit_mb * 1e6:
                break
    plan = build_plan(load_rulebook())
    words = {w: "x" for w in plan.vocabulary.words}
    start = time.perf_counter()
    for text in texts:
        "".join(map(words.get, text.split(), text.split()))
    result = {"split_lookup_mb_s": round(size / (time.perf_counter() - start) / 1e6, 1)}
    padded = [f" {w} ".encode() for w in plan.vocabulary.words]
    database, compile_seconds = _database(
        [b.decode() for b in padded], hyperscan.HS_FLAG_SINGLEMATCH
    )
    reports: list[int] = []
    on_match = _collector(reports)
    views = [b" " + ascii_view(t) + b" " for t in texts]
    start = time.perf_counter()
    for view in views:
        database.scan(view, match_event_handler=on_match)  # type: ignore[attr-defined]
    seconds = time.perf_counter() - start
    result["hyperscan_vocabulary_mb_s"] = round(size / seconds / 1e6, 1)
    result["hyperscan_vocabulary_compile_s"] = round(compile_seconds, 1)
    result["hyperscan_vocabulary_reports_per_note"] = round(len(reports) / len(views), 2)
    return result


def main() -> None:
    path = Path(sys.argv[1])
    print(json.dumps({"io_floor_mb_s": round(io_floor(path), 1), **engine_bounds(path)}, indent=2))


if __name__ == "__main__":
    main()
