"""How many questions a note-started interview saves, and whether it reaches the same level.

Over the annotated corpus (tests/data/notes/corpus.jsonl: each note lists the
indicators it really shows), a simulated officer interviews a person whose true
answers are those indicators:

- without the note: the default (short) interview, and the full form, every
  question that applies answered truthfully;
- with the note: the note is screened, each proposed answer is confirmed when it
  is true and set aside when it is not, then the focused questions are answered
  truthfully.

It prints, for the notes whose full-form level is L0 to L3, the mean number of
questions asked each way, and over all notes how often the note-started level
equals the full-form level for the same facts.

    python bench/followup.py [--rules indicators.yaml] [--corpus FILE]
"""

from __future__ import annotations

import argparse
import json
import statistics
from datetime import date
from pathlib import Path
from typing import Any

from screen.app.notes import NoteStart, fingerprint
from screen.app.rulebooks import compile_checked, load_rulebook
from screen.app.session import InterviewRequest, new_interview
from screen.interview.proposals import Proposal
from screen.interview.state import Interview
from screen.model import OFFENCES, Question, QuestionType, Rulebook, Trigger
from screen.screening import Note, Screener

ROOT = Path(__file__).resolve().parents[1]


def truth(question: Question, facts: frozenset[str], minor: bool) -> str:
    """The person's true answer to ``question`` given the indicators they really show."""
    if question.records == "age":
        return "16" if minor else "30"
    best = max(
        ((len(set(ids) & facts), -len(ids), value) for value, ids in question.sets),
        default=(0, 0, ""),
    )
    if best[0] > 0:
        return best[2]
    if question.type is QuestionType.YES_NO:
        setting = {value for value, ids in question.sets if ids}
        return "no" if "yes" in setting else "yes"
    if question.type is QuestionType.CHOICE:
        plain = [c.value for c in question.choices if not question.indicators_set_by(c.value)]
        return plain[0] if plain else "skip"
    if question.type is QuestionType.NUMBER:
        return "skip"
    return "skip"


def answer_rest(interview: Interview, facts: frozenset[str], minor: bool) -> int:
    """Answer every question the interview asks; return how many it asked."""
    asked = 0
    while (question := interview.current()) is not None:
        interview.answer(truth(question, facts, minor))
        asked += 1
    return asked


def full_form(rulebook: Rulebook, offence: str, form: str, facts: frozenset[str], minor: bool):
    interview = Interview(rulebook, offence, form)
    asked = answer_rest(interview, facts, minor)
    return asked, interview.recommendation().level


def with_note(
    rulebook: Rulebook, start: NoteStart, offence: str, facts, minor: bool, form: str = "full"
):
    interview = new_interview(rulebook, InterviewRequest(form=form), offence, start)
    confirmations = 0
    while (proposal := interview.pending()) is not None:
        confirmations += 1
        _settle(interview, proposal, facts, minor)
    asked = answer_rest(interview, facts, minor)
    return asked, confirmations, interview.recommendation().level


def _settle(interview: Interview, proposal: Proposal, facts, minor: bool) -> None:
    question = interview.find(proposal.question)
    assert question is not None
    true = truth(question, facts, minor)
    if question.records == "age":
        agrees = (float(proposal.value) < 18) == minor
    else:
        agrees = true == proposal.value
    if agrees:
        interview.confirm(proposal)
    else:
        interview.reject(proposal)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rules", type=Path, default=ROOT / "indicators.yaml")
    parser.add_argument("--corpus", type=Path, default=ROOT / "tests/data/notes/corpus.jsonl")
    args = parser.parse_args()
    rulebook = load_rulebook(args.rules, None)
    screener = Screener(compile_checked(rulebook, None), None, date(2024, 1, 1))
    minor_ids = {i.id for i in rulebook.indicators if Trigger.MINOR in i.triggers}
    rows = []
    for line in args.corpus.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if "expected_indicators" not in record:
            continue
        offence = record.get("offence") if record.get("offence") in OFFENCES else "other"
        facts = frozenset(record["expected_indicators"])
        minor = bool(facts & minor_ids)
        note = Note(record["id"], record["text"], None, offence)
        start = NoteStart(record["id"], fingerprint(note.text), note, screener.screen(note))
        short_asked, short_level = full_form(rulebook, offence, "short", facts, minor)
        full_asked, full_level = full_form(rulebook, offence, "full", facts, minor)
        note_asked, confirmed, note_level = with_note(rulebook, start, offence, facts, minor)
        note_short = with_note(rulebook, start, offence, facts, minor, "short")
        rows.append(
            (full_level, short_asked, full_asked, note_asked, confirmed, note_level)
            + (short_level, note_short[0], note_short[2])
        )
    report(rows)


def report(rows: list[tuple[Any, ...]]) -> None:
    urgent = [r for r in rows if r[0].rank <= 3]

    def mean(k: int) -> float:
        return statistics.mean(r[k] for r in urgent)

    print(f"annotated notes: {len(rows)}; at L0-L3 with the full form: {len(urgent)}")
    print("questions asked, notes at L0-L3 (mean):")
    print(f"  short form, no note        {mean(1):6.1f}")
    print(f"  full form, no note         {mean(2):6.1f}")
    print(f"  from the note              {mean(3):6.1f}", end="")
    print(f"  (+{mean(4):.1f} proposals confirmed or set aside)")
    print(f"  ratio note / short form    {mean(3) / mean(1):6.2f}")
    same = sum(1 for r in rows if r[5] == r[0])
    share = f"{same} of {len(rows)} ({same / len(rows):.0%})"
    print(f"level from the note equals the full-form level: {share}")
    urgent_same = sum(1 for r in urgent if r[5] == r[0])
    print(f"  of the L0-L3 notes: {urgent_same} of {len(urgent)} ({urgent_same / len(urgent):.0%})")
    lower = sum(1 for r in rows if r[5].rank > r[0].rank)
    print(f"  note-started level less urgent than the full form: {lower}")
    print("for comparison, the short form (asked in full, and focused from the note):")
    for label, k in (("short form, no note", 6), ("short form, from the note", 8)):
        agree = sum(1 for r in urgent if r[k] == r[0])
        print(f"  {label:26} L0-L3 level equals the full form: {agree} of {len(urgent)}")
    print(f"  short form from the note asks {mean(7):.1f} (mean, L0-L3)")


if __name__ == "__main__":
    main()
