"""Where one note's time goes: the batch path split into stages, in µs per note.

    python bench/stages.py CORPUS.jsonl [NOTES]

Runs the steps of ``Screener.screen`` and the JSONL formatter one by one on the
first NOTES notes (default 5,000) of a corpus from ``bench/generate.py``, after
one warm-up pass (words learned, expressions compiled); one core. Figures in
docs/performance.md.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from screen.app.environment import current
from screen.app.formats import Formatter
from screen.app.rulebooks import load_rulebook, store_of
from screen.matching.context import Clauses
from screen.matching.matcher import compile_matcher
from screen.patterns.compile import normalise
from screen.screening import Note, Screener


def profile(path: Path, limit: int) -> dict[str, float]:
    """Mean µs per note of each stage (the best of three passes)."""
    store = store_of(current())
    matcher = compile_matcher(load_rulebook(store=store), store)
    gate = matcher.gate
    lines = [line for line, _ in zip(path.open(encoding="utf-8"), range(limit), strict=False)]
    texts = [json.loads(line)["text"] for line in lines]
    norms = [normalise(text) for text in texts]
    screener = Screener(matcher)
    formatter = Formatter("jsonl", "", "x")
    stages = {
        "1 parse JSON": lambda: [json.loads(line) for line in lines],
        "2 normalise": lambda: [normalise(text) for text in texts],
        "3 read as codes": lambda: [gate.read(norm) for norm in norms],
        "4 token gate (read + code tests)": lambda: [gate.candidates(norm) for norm in norms],
        "5 ages and expert regexes (Hyperscan)": lambda: [
            matcher._regex_spans(norm)
            for norm in norms  # noqa: SLF001
        ],
        "6 clauses": lambda: [Clauses(norm) for norm in norms],
        "7 whole scan": lambda: [matcher.scan(text) for text in texts],
        "8 whole screen (scan, context, decision)": lambda: [
            screener.screen(Note("n", text)) for text in texts
        ],
        "9 screen and format": lambda: [
            formatter.record(screener.screen(Note("n", text))) for text in texts
        ],
    }
    stages["9 screen and format"]()  # warm up: learn the words, compile the tests
    result = {}
    for name, run in stages.items():
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            run()
            best = min(best, time.perf_counter() - start)
        result[name] = round(best / len(lines) * 1e6, 1)
    found = [gate.candidates(norm) for norm in norms]
    result["n rules tried, per note"] = round(sum(len(f) for f in found) / len(lines), 2)
    return result


if __name__ == "__main__":
    corpus = Path(sys.argv[1])
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 5000
    print(json.dumps(profile(corpus, count), indent=2))
