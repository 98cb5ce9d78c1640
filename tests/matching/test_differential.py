"""The fast scanner agrees with a plain reference matcher on every corpus note and example.

The reference checks every pattern of the rulebook with Python's ``re`` in every
clause of the note: no gating scan, no Hyperscan. If the gate ever required a word
that a match does not contain, the two would disagree.
"""

from __future__ import annotations

import json
import re
from datetime import date

import pytest

from screen.matching.matcher import Matcher, ScanResult
from screen.matching.plan import build_plan
from screen.patterns.compile import normalise
from tests.conftest import DATA


class ReferenceMatcher(Matcher):
    """Checks every rule with Python's re on the whole note."""

    def scan(self, text: str, note_id: str = "", report_date: date | None = None) -> ScanResult:
        from screen.matching.context import Clauses

        norm = normalise(text)
        clauses = Clauses(norm)
        every = {
            index: clauses.all()
            for index, rule in enumerate(self.plan.rules)
            if rule.kind != "regex"
        }
        found = self._verify(norm, every, clauses)
        for rule in self.plan.rules:
            if rule.kind == "regex":
                found += [
                    (rule.indicator, m.span(), rule.slang)
                    for m in re.finditer(rule.parts[0], norm, re.IGNORECASE)
                    if m.end() > m.start()
                ]
        evidence = self._evidence(text, note_id, found, _context(self, norm, clauses))
        return ScanResult(evidence, ())


def _context(matcher, norm, clauses):
    from screen.matching.matcher import _Context

    return _Context(matcher, norm, clauses)


def signature(result: ScanResult) -> set[tuple[str, str, int, int]]:
    return {(e.indicator, e.status.value, e.start, e.end) for e in result.evidence if e.age is None}


@pytest.fixture(scope="module")
def reference(shipped):
    return ReferenceMatcher(shipped, build_plan(shipped), None, phrases=False)


def corpus_texts() -> list[tuple[str, str]]:
    rows = [json.loads(line) for line in (DATA / "notes" / "corpus.jsonl").open()]
    return [(row["id"], row["text"]) for row in rows]


def test_agree_on_every_corpus_note(shipped_matcher, reference) -> None:
    disagreements = []
    for note_id, text in corpus_texts():
        fast = signature(shipped_matcher.scan(text, note_id))
        slow = signature(reference.scan(text, note_id))
        if fast != slow:
            disagreements.append((note_id, sorted(fast ^ slow)))
    assert not disagreements


def test_agree_on_every_rulebook_example(shipped, shipped_matcher, reference) -> None:
    disagreements = []
    for indicator in shipped.indicators:
        for text in indicator.match_examples + indicator.no_match_examples:
            if signature(shipped_matcher.scan(text)) != signature(reference.scan(text)):
                disagreements.append((indicator.id, text))
    assert not disagreements


UNICODE_SEPARATORS = {
    "no-break spaces": lambda text: text.replace(" ", "\u00a0"),
    "em dashes for commas": lambda text: text.replace(", ", "\u2014"),
    "ellipses for full stops": lambda text: text.replace(". ", "\u2026 "),
    "ideographic spaces": lambda text: text.replace(" ", "\u3000", 5),
}


@pytest.mark.parametrize("variant", sorted(UNICODE_SEPARATORS))
def test_agree_when_notes_use_unicode_separators(shipped_matcher, reference, variant) -> None:
    change = UNICODE_SEPARATORS[variant]
    disagreements = []
    for note_id, text in corpus_texts():
        changed = change(text)
        fast = signature(shipped_matcher.scan(changed, note_id))
        if fast != signature(reference.scan(changed, note_id)):
            disagreements.append(note_id)
    assert not disagreements
