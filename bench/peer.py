"""The peer a user would build instead: spaCy blank pipeline + entity ruler + negspacy.

    python bench/peer.py NOTES.jsonl OUT.jsonl

Runs in the benchmark's own virtual environment (bench/run.py installs spaCy
and negspacy there). ``spacy.blank("en")``, a sentencizer, an entity ruler
with a few hundred red-flag phrases (matched on lower case) and NegEx
negation; one JSONL record per note with the phrases found and whether each is
negated.
"""

from __future__ import annotations

import itertools
import json
import sys

HOLDERS = [
    "boss",
    "employer",
    "manager",
    "mgr",
    "owner",
    "crew leader",
    "jefe",
    "patron",
    "boyfriend",
    "pimp",
    "daddy",
    "he",
    "she",
    "they",
]
HOLDS = ["has", "keeps", "took", "holds", "kept", "takes"]
DOCUMENTS = ["passport", "ppt", "id", "papers", "documents", "visa", "green card"]
DEBTS = ["owes", "owe", "owed", "debt", "pay off", "paying off"]
CONTROL = [
    "not allowed to leave",
    "cannot leave",
    "can't leave",
    "locked in",
    "locks the door",
    "not free to leave",
    "no days off",
    "never paid",
    "not paid",
    "works every day",
    "sleeps at the restaurant",
    "lives at the farm",
    "threatened to call immigration",
    "threatened to deport",
    "threatened to kill",
    "beat her",
    "hit her",
    "takes all the money",
    "hands over the money",
    "gives him the money",
    "quota",
    "the track",
    "the stroll",
    "in-call",
    "out-call",
    "dates",
    "johns",
    "clients",
    "trick",
    "wife-in-law",
    "choosing fee",
    "branded",
    "tattoo of his name",
    "two phones",
    "hotel key cards",
    "does not know the address",
    "moved from city to city",
    "drove her to",
    "brought her from",
    "smuggler",
    "coyote",
    "travel debt",
    "recruitment fee",
    "fake job",
    "promised a job",
    "waitress job",
    "nanny job",
    "massage parlor",
    "cantina",
    "truck stop",
    "runaway",
    "missing from",
    "juvenile",
    "minor",
    "16 years old",
    "15 years old",
    "14 years old",
    "age 16",
    "age 15",
    "under 18",
    "foster care",
    "group home",
    "no id",
    "fake id",
    "scripted",
    "answered for her",
    "spoke for her",
    "would not make eye contact",
    "afraid of him",
    "fearful",
    "submissive",
    "cannabis grow",
    "drug running",
    "county lines",
    "forced to sell",
    "forced to steal",
    "begging",
    "sham marriage",
    "domestic servant",
    "sleeps in the laundry room",
    "not enrolled in school",
    "works off the debt",
    "deducted from her pay",
    "fined",
]


def phrases() -> list[str]:
    """A few hundred red-flag phrases, as a careful analyst would list them."""
    found = [
        f"{h} {v} her {d}" for h, v, d in itertools.product(HOLDERS[:8], HOLDS[:4], DOCUMENTS[:5])
    ]
    found += [f"{d} {v}" for d, v in itertools.product(DEBTS, ["for the trip", "the boss"])]
    return sorted(set(found + CONTROL))[:320]


def main(source: str, target: str) -> None:
    import spacy
    from negspacy.negation import Negex  # noqa: F401 - registers the "negex" factory

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"})
    ruler.add_patterns([{"label": "FLAG", "pattern": p} for p in phrases()])
    nlp.add_pipe("negex", config={"ent_types": ["FLAG"]})
    with open(source, encoding="utf-8") as handle, open(target, "w", encoding="utf-8") as out:
        records = (json.loads(line) for line in handle)
        pairs = ((r.get("text", ""), r.get("id", "")) for r in records)
        for doc, ident in nlp.pipe(pairs, as_tuples=True, batch_size=256):
            flags = [{"text": e.text, "negated": bool(e._.negex)} for e in doc.ents]
            out.write(json.dumps({"id": ident, "flags": flags}) + "\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
