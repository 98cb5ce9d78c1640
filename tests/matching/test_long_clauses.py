"""Long notes without punctuation: proximity and cue scope stay linear (issue 17, item 10).

A transcript pasted as one clause used to cost the square of its hits: every
proximity anchor looked at every hit of the other parts, and every gap was
sliced and split to count its words. These tests pin the results to the old,
plain definitions and count the work, never the time.
"""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from screen.matching import matcher as matcher_module
from screen.matching.context import Words, words_between
from screen.matching.matcher import near_matches

Span = tuple[int, int]


def reference_near(norm: str, parts: list[list[Span]], within: int) -> list[Span]:
    """The plain definition: for each anchor the nearest free hit of every other part."""
    matches: list[Span] = []
    for anchor in parts[0]:
        chosen = [anchor]
        for spans in parts[1:]:
            free = [s for s in spans if not any(s[0] < c[1] and c[0] < s[1] for c in chosen)]
            if not free:
                break
            chosen.append(min(free, key=lambda s: abs(s[0] - anchor[0])))
        else:
            span = (min(s for s, _ in chosen), max(e for _, e in chosen))
            own = sum(len(norm[s:e].split()) for s, e in chosen)
            between = len(norm[span[0] : span[1]].split()) - own
            if between <= within and not any(m[0] <= span[0] < m[1] for m in matches):
                matches.append(span)
    return sorted(matches)


def word_spans(norm: str, word: str) -> list[Span]:
    spans, at = [], norm.find(word)
    while at >= 0:
        spans.append((at, at + len(word)))
        at = norm.find(word, at + len(word))
    return spans


VOCABULARY = ["boss", "has", "her", "papers", "she", "work", "money", "the"]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=60),
    st.sampled_from([" ", "  ", " \u00a0", "\t"]),
    st.integers(min_value=0, max_value=6),
)
def test_near_matches_agree_with_the_plain_definition(words, space, within) -> None:
    norm = space.join(words)
    parts = [word_spans(norm, "boss"), word_spans(norm, "papers"), word_spans(norm, "her")]
    if any(not p for p in parts):
        assert near_matches(norm, parts, within) == []
        return
    assert near_matches(norm, parts, within) == reference_near(norm, parts, within)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab \n\t\u00a0\u2003.", max_size=40), st.data())
def test_word_index_counts_like_split(text, data) -> None:
    words = Words(text)
    start = data.draw(st.integers(min_value=0, max_value=len(text)))
    end = data.draw(st.integers(min_value=0, max_value=len(text)))
    assert words.count(start, end) == words_between(text, start, end)


class CountingWords(Words):
    calls = 0

    def count(self, start: int, end: int) -> int:
        CountingWords.calls += 1
        return super().count(start, end)


def work_for(repeats: int) -> int:
    norm = " ".join(["she boss has papers work money"] * repeats)
    parts = [word_spans(norm, "boss"), word_spans(norm, "papers"), word_spans(norm, "money")]
    CountingWords.calls = 0
    near_matches(norm, parts, 4, CountingWords(norm))
    return CountingWords.calls


def test_proximity_work_grows_linearly_with_the_clause() -> None:
    small, large = work_for(200), work_for(3200)
    assert large <= 20 * small  # 16× the text: linear work, not 256×


def test_a_long_unpunctuated_transcript_is_screened_with_every_hit(shipped_matcher) -> None:
    rng = random.Random(7)
    pool = ["she", "he", "boss", "has", "papers", "work", "money", "passport", "they"]
    pool += ["took", "her", "his", "cannot", "leave"]
    text = " ".join(rng.choice(pool) for _ in range(20_000))
    result = shipped_matcher.scan(text)
    held = [e for e in result.evidence if e.indicator == "documents-held-by-other"]
    assert held, "the documents held by someone else are found in the long clause"
    assert all(text[e.start : e.end] == e.snippet for e in held)


def test_the_matcher_never_slices_gaps_to_count_words(shipped_matcher, monkeypatch) -> None:
    def refuse(*_: object) -> int:
        raise AssertionError("words counted by slicing: quadratic in a long clause")

    monkeypatch.setattr(matcher_module, "words_between", refuse, raising=False)
    monkeypatch.setattr("screen.matching.context.words_between", refuse)
    text = "boss has her papers but she is not free to leave, she works without pay " * 50
    assert shipped_matcher.scan(text).evidence
