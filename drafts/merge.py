"""Assemble drafts/header.yaml and the fragments into a rulebook (temporary tool)."""

import sys
from pathlib import Path

import yaml

HERE = Path(__file__).parent
FRAGMENTS = ["part-a.yaml", "part-b.yaml", "part-c.yaml", "questions.yaml"]


def main() -> None:
    out = HERE / (sys.argv[1] if len(sys.argv) > 1 else "merged.yaml")
    header = yaml.safe_load((HERE / "header.yaml").read_text())
    book = {k: header[k] for k in ("schema", "version", "title", "languages")}
    lexicon: dict = {}
    cues: list = []
    indicators: list = []
    questions: list = []
    interview = None
    for name in FRAGMENTS:
        path = HERE / name
        if not path.exists():
            continue
        part = yaml.safe_load(path.read_text()) or {}
        for key, entry in (part.get("lexicon") or {}).items():
            if key in lexicon:
                seen = lexicon[key]["terms"]
                seen.extend(t for t in entry.get("terms", []) if t not in seen)
            else:
                lexicon[key] = {"description": entry.get("description", key),
                                "terms": list(entry.get("terms", []))}
        cues += part.get("cues") or []
        indicators += part.get("indicators") or []
        questions += part.get("questions") or []
        interview = part.get("interview") or interview
    book.update(lexicon=lexicon, cues=cues, indicators=indicators, questions=questions)
    if interview:
        book["interview"] = interview
    book["decision"] = header["decision"]
    text = yaml.safe_dump(book, sort_keys=False, allow_unicode=True, width=100)
    out.write_text(text)
    print(f"wrote {out}: {len(indicators)} indicators, {len(questions)} questions")


if __name__ == "__main__":
    main()
