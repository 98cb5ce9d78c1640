"""The token engine agrees with a plain reference matcher on the notes we have.

The reference checks every pattern of the rulebook with Python's ``re`` in every
clause of the note: no token gate, no code tests, no Hyperscan. If the gate ever
dropped a clause where a pattern matches, the two would disagree. Notes: the
annotated corpus, an eighth of the tuning corpus, an eighth of the tuning
paraphrases, every rulebook example, and generated notes with Unicode
separators, blank lines and every kind of clause break.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from screen.matching.matcher import Found, Matcher, ScanResult, _whole
from screen.matching.plan import build_plan
from screen.patterns.syntax import normalise_note as normalise
from tests.conftest import DATA


class ReferenceMatcher(Matcher):
    """Checks every rule with Python's re on the whole note."""

    def scan(self, text: str, note_id: str = "", report_date: date | None = None) -> ScanResult:
        from screen.matching.context import Clauses

        norm = normalise(text)
        clauses = Clauses(norm)
        # A part that matches inside a clause matches in the whole note, so a rule with a
        # part found nowhere in the note cannot match: skipping it is plain re, no gate.
        every = {
            index: clauses.all()
            for index, rule in enumerate(self.plan.rules)
            if rule.kind != "regex" and all(self.regex(part).search(norm) for part in rule.parts)
        }
        found = self._verify(norm, every)
        for rule in self.plan.rules:
            if rule.kind == "regex":
                found += [
                    Found(rule, m.span())
                    for m in re.finditer(rule.parts[0], norm, re.IGNORECASE)
                    if m.end() > m.start() and _whole(norm, *m.span())
                ]
        evidence = self._evidence(text, note_id, found, _context(self, norm, clauses))
        return ScanResult(evidence, ())


def _context(matcher, norm, clauses):
    from screen.matching.matcher import _Context
    from screen.matching.scanner import ascii_view

    view = norm if norm.isascii() else ascii_view(norm).decode("ascii")
    return _Context(matcher, norm, view, clauses)


def signature(result: ScanResult) -> set[tuple[str, str, int, int]]:
    """The pattern evidence (an age read onto a pattern's hit stays; an age alone does not)."""
    return {
        (e.indicator, e.status.value, e.start, e.end)
        for e in result.evidence
        if not e.pattern.endswith("#age")
    }


@pytest.fixture(scope="module")
def reference(shipped):
    return ReferenceMatcher(shipped, build_plan(shipped), None)


_REFERENCE: list[ReferenceMatcher] = []
"""The reference a forked worker inherits (set just before the pool starts)."""


def _reference_signature(item: tuple[str, str]) -> set[tuple[str, str, int, int]]:
    note_id, text = item
    return signature(_REFERENCE[0].scan(text, note_id))


def reference_signatures(
    reference: ReferenceMatcher, items: Sequence[tuple[str, str]]
) -> list[set[tuple[str, str, int, int]]]:
    """The reference's signatures, on every core (forked workers share the compiled plan).

    The reference is slow by design (every rule's ``re`` in every clause), so the big
    suites use the second core CI has; the answers are the same as one process's.
    """
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    if cores < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return [signature(reference.scan(text, note_id)) for note_id, text in items]
    _REFERENCE[:] = [reference]
    try:
        with multiprocessing.get_context("fork").Pool(min(cores, 4)) as pool:
            return pool.map(_reference_signature, items, chunksize=8)
    finally:
        _REFERENCE.clear()


TUNING_STRIDE = 10
"""Every annotated note, and every tenth tuning note: the tuning notes grew to 932 long
ones and the reference took 166 s over all of them (session 10), most of CI's budget;
1,292 with T19-T21 (session 13)."""


def _rows(path: Path) -> list[tuple[str, str]]:
    rows = [json.loads(line) for line in path.open(encoding="utf-8")]
    return [(row["id"], row["text"]) for row in rows]


def corpus_texts() -> list[tuple[str, str]]:
    tuning = [
        item
        for path in sorted((DATA / "corpus" / "tuning").glob("*.jsonl"))
        for item in _rows(path)
    ]
    return _rows(DATA / "notes" / "corpus.jsonl") + tuning[::TUNING_STRIDE]


def paraphrase_texts() -> list[str]:
    paths = sorted((DATA / "paraphrases" / "tuning").glob("*.jsonl"))
    return [json.loads(line)["text"] for path in paths for line in path.open(encoding="utf-8")]


def test_the_reference_says_the_same_on_every_core_as_in_one_process(reference) -> None:
    items = corpus_texts()[:12]
    serial = [signature(reference.scan(text, note_id)) for note_id, text in items]
    assert reference_signatures(reference, items) == serial
    assert any(serial)  # the notes do hold evidence, so the comparison says something


def test_agree_on_the_corpus_notes(shipped_matcher, reference) -> None:
    items = corpus_texts()
    assert len(items) > 181 + 100
    slow = reference_signatures(reference, items)
    disagreements = []
    for (note_id, text), expected in zip(items, slow, strict=True):
        fast = signature(shipped_matcher.scan(text, note_id))
        if fast != expected:
            disagreements.append((note_id, sorted(fast ^ expected)))
    assert not disagreements


def test_agree_on_every_rulebook_example(shipped, shipped_matcher, reference) -> None:
    items = [
        (indicator.id, text)
        for indicator in shipped.indicators
        for text in indicator.match_examples + indicator.no_match_examples
    ]
    slow = reference_signatures(reference, [("", text) for _, text in items])
    disagreements = [
        (indicator, text)
        for (indicator, text), expected in zip(items, slow, strict=True)
        if signature(shipped_matcher.scan(text)) != expected
    ]
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
    annotated = corpus_texts()[:181:2]  # every second annotated note
    items = [(note_id, change(text)) for note_id, text in annotated]
    slow = reference_signatures(reference, items)
    disagreements = [
        note_id
        for (note_id, text), expected in zip(items, slow, strict=True)
        if signature(shipped_matcher.scan(text, note_id)) != expected
    ]
    assert not disagreements


PARAPHRASE_STRIDE = 12
"""Every twelfth tuning paraphrase (all writers, all indicators): the reference takes
about 40 ms a text, and the suites grew to 14,760 lines with P14 (session 13)."""


def test_agree_on_a_twelfth_of_the_tuning_paraphrases(shipped_matcher, reference) -> None:
    texts = paraphrase_texts()[::PARAPHRASE_STRIDE]
    assert len(texts) > 1200
    slow = reference_signatures(reference, [("", text) for text in texts])
    disagreements = [
        text[:40]
        for text, expected in zip(texts, slow, strict=True)
        if signature(shipped_matcher.scan(text)) != expected
    ]
    assert not disagreements


BREAKS = ["; ", ";", "! ", "!", "? ", "?", ".\n\n", "\n\n", "\n \n", ". ", "\n"]


@pytest.mark.parametrize("mark", BREAKS)
def test_a_word_right_after_a_clause_break_starts_the_next_clause(
    shipped_matcher, reference, mark: str
) -> None:
    """Regression: the previous word gate put such a word in the clause before the break."""
    sentence = "Juv F traveling with two unrelated adult males, says one is her 'uncle'"
    alone = {e.indicator for e in shipped_matcher.scan(sentence).evidence}
    assert "unaccompanied-minor" in alone
    note = f"V arrived at the station{mark}{sentence}"
    found = {e.indicator for e in shipped_matcher.scan(note).evidence}
    assert "unaccompanied-minor" in found  # the previous build missed it after ; ! ? or \n\n
    assert signature(shipped_matcher.scan(note)) == signature(reference.scan(note))


PIECES = [
    "mgr",
    "keeps",
    "her",
    "passport",
    "boss",
    "holds",
    "the",
    "ppt",
    "owes",
    "$3k",
    "cannot",
    "leave",
    "juv",
    "16",
    "y/o",
    "not",
    "V",
    "said",
    "won't",
    "let",
    "go",
    "trip",
    "debt",
    "docs",
    "held",
    "by",
    "threatened",
    "deport",
    "ICE",
    "jefe",
    "pasaporte",
    "patrón",
    "le",
    "quitó",
    "dates",
    "pimp",
    "money",
    "all",
    "takes",
]
SEPARATORS = [
    " ",
    "  ",
    ", ",
    " (",
    ") ",
    " - ",
    "\u00a0",
    "\u3000",
    "\u2014",
    "\n",
    "\n\n",
    "; ",
    ";",
    "! ",
    "?",
    ". ",
    "…",
    "\t",
    "\x1c",
    "\u2028",
    "'",
    "/",
]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(PIECES), st.sampled_from(SEPARATORS)), min_size=1, max_size=40
    )
)
def test_agree_on_generated_notes(shipped_matcher, reference, pairs) -> None:
    text = "".join(word + sep for word, sep in pairs)
    assert signature(shipped_matcher.scan(text)) == signature(reference.scan(text))


CLAUSE_BREAKS = [";", "; ", "!", "! ", "?", "? ", "\n\n", "\n \n", "\n\t\n", ".\n\n", ". ", ".\n"]
"""Every way a clause can end, with no space after it and with one."""


@pytest.fixture(scope="module")
def leading_hits(shipped, shipped_matcher) -> list[tuple[str, str]]:
    """Rulebook examples whose first word starts a hit (so that word is required)."""
    found = []
    for indicator in shipped.indicators:
        for text in indicator.match_examples:
            hits = shipped_matcher.scan(text).evidence
            if any(e.start == 0 and e.indicator == indicator.id and e.age is None for e in hits):
                found.append((indicator.id, text))
    return found


@settings(max_examples=200, deadline=None)
@given(
    lead=st.lists(st.sampled_from(PIECES), min_size=1, max_size=8),
    mark=st.sampled_from(CLAUSE_BREAKS),
    data=st.data(),
)
def test_a_required_word_right_after_any_clause_break_is_in_the_next_clause(
    shipped_matcher, reference, leading_hits, lead, mark, data
) -> None:
    """Regression (issue 14): a word right after a blank line, ``;``, ``!`` or ``?``
    belonged to the clause before it, so rules needing it in its own clause were missed."""
    indicator, example = data.draw(st.sampled_from(leading_hits))
    prefix = " ".join(lead) + mark
    note = prefix + example
    alone = {
        (e.indicator, e.status.value, e.start + len(prefix), e.end + len(prefix))
        for e in shipped_matcher.scan(example).evidence
        if not e.pattern.endswith("#age")
    }
    fast = signature(shipped_matcher.scan(note))
    assert any(hit[0] == indicator and hit[2] == len(prefix) for hit in fast)
    assert alone <= fast
    assert fast == signature(reference.scan(note))
