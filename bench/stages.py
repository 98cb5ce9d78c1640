"""Where one note's time goes: the batch path split into stages, in µs per note.

    python bench/stages.py CORPUS.jsonl [NOTES]

Runs the same steps as ``Matcher.scan`` and ``screen_note`` one by one with a
timer around each, on the first NOTES notes (default 5,000) of a corpus from
``bench/generate.py``; warm caches, one core. Figures in docs/performance.md.
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from pathlib import Path

from screen.app.formats import Formatter
from screen.app.inputs import Note
from screen.app.rulebooks import load_rulebook
from screen.app.storage import cache_dir
from screen.matching.context import Clauses
from screen.matching.matcher import _PAD, compile_matcher
from screen.matching.scanner import ascii_view
from screen.patterns.compile import normalise
from screen.screening import ScreenOptions, screen_note


def profile(path: Path, limit: int) -> dict[str, float]:
    """Mean µs per note of each stage, and counts per note."""
    matcher = compile_matcher(load_rulebook(), cache_dir())
    phrases = matcher._phrases  # noqa: SLF001 - a profile looks inside
    lines = [line for line, _ in zip(path.open(encoding="utf-8"), range(limit), strict=False)]
    spent: Counter[str] = Counter()
    formatter = Formatter("jsonl", "", "x")

    def stage(name: str, began: float) -> float:
        now = time.perf_counter()
        spent[name] += now - began
        return now

    for line in lines:
        t = time.perf_counter()
        record = json.loads(line)
        t = stage("1 parse JSON", t)
        norm = normalise(record["text"])
        t = stage("2 normalise", t)
        view = ascii_view(norm)
        padded = b" " + view.translate(_PAD) + b" "
        hits = matcher._words.literal_hits(padded)  # noqa: SLF001
        t = stage("3 word gate scan (near rules)", t)
        ends = phrases.ends(view) if phrases else []
        t = stage("4 phrase scan", t)
        matcher._regex_spans(norm)  # noqa: SLF001
        t = stage("5 ages and expert regexes", t)
        clauses = Clauses(norm)
        candidates = matcher._candidates(hits, clauses, padded)  # noqa: SLF001
        for ident, end in ends:
            rule = matcher.plan.phrase_rules[ident]
            candidates[rule].append(clauses.span(clauses.index(end - 1)))
        t = stage("6 clauses and candidates", t)
        matcher._verify(norm, candidates, clauses)  # noqa: SLF001
        t = stage("7 exact checks (Python re)", t)
        result = screen_note(matcher, Note(record["id"], record["text"]), ScreenOptions())
        t = stage("8 whole screen_note again (cues, decision)", t)
        formatter.record(result)
        stage("9 format output", t)
        spent["n word reports"] += len(hits)
        spent["n phrase reports"] += len(ends)
        spent["n candidate clauses"] += sum(len(v) for v in candidates.values())
    return {
        name: round(value / len(lines) * (1 if name.startswith("n ") else 1e6), 1)
        for name, value in sorted(spent.items())
    }


def main() -> None:
    limit = int(sys.argv[2]) if len(sys.argv) > 2 else 5000
    print(json.dumps(profile(Path(sys.argv[1]), limit), indent=2))


if __name__ == "__main__":
    main()
