"""Build screen/data/wordfreq.txt: how often words occur in police narratives.

The scanner gates each pattern on its required words and prefers the rarest ones;
"rare" is measured here, on the narratives bundled with the project (the annotated
corpus and the sample notes), normalised the way the scanner sees text.

    python bench/wordfreq.py          # rewrite screen/data/wordfreq.txt
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from pathlib import Path

from screen.patterns.compile import normalise

ROOT = Path(__file__).resolve().parent.parent


def texts() -> list[str]:
    found = [json.loads(line)["text"] for line in (ROOT / "tests/data/notes/corpus.jsonl").open()]
    with (ROOT / "examples/incident-notes.csv").open(newline="") as handle:
        found += [row["narrative"] for row in csv.DictReader(handle)]
    return found


def main() -> None:
    counts: Counter[str] = Counter()
    total = 0
    for text in texts():
        words = re.findall(r"[a-z0-9]+", normalise(text))
        counts.update(words)
        total += len(words)
    lines = [f"{word} {count * 100_000 // total}" for word, count in counts.most_common()
             if count >= 3]
    out = ROOT / "screen" / "data" / "wordfreq.txt"
    out.write_text("# word, occurrences per 100,000 words of police narrative\n"
                   + "\n".join(lines) + "\n", encoding="utf-8")
    print(f"{out}: {len(lines)} words from {total} words of text")


if __name__ == "__main__":
    main()
