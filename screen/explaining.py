"""Why a note got its level: every pattern that fired or nearly fired, and the decision (pure).

:func:`explain` screens one note the way batch does and keeps what batch throws
away: each pattern's hits before they are merged, the hits an ``unless`` phrase
cancelled, the patterns whose rarest word is in the note but that did not
complete, the cue that set each hit's status and how far that cue reaches, and
the ILO dimensions and rule behind the level. ``htscreen explain`` renders it.
"""

from __future__ import annotations

from dataclasses import dataclass

from screen.decision.engine import decide
from screen.matching.learned import LEARNED_PATTERN
from screen.matching.matcher import AGE_PATTERN, Attempt, trace
from screen.matching.plan import CueRule
from screen.model import CueDirection, PatternKind, Rulebook, Status, Trigger
from screen.results import Cue, Evidence, Recommendation, ScreenResult
from screen.screening import Note, Screener, offence_evidence


@dataclass(frozen=True, slots=True)
class Step:
    """One pattern's result on one span of the note (or on none, when it did not fire)."""

    indicator: str
    title: str
    pattern: str
    """``indicator#n`` (``indicator#age`` for an age read from the note)."""
    written: str
    """The pattern as the rulebook writes it."""
    outcome: str
    """A status (present, negated, hypothetical, historical, other_person) when it fired;
    ``merged`` (inside a longer hit of its indicator), ``excluded``, ``apart`` or
    ``incomplete`` when it nearly did."""
    start: int = -1
    end: int = -1
    snippet: str = ""
    cue: Cue | None = None
    scope: str = ""
    """How far the cue reaches, in words."""
    detail: str = ""
    """Why a near miss did not fire, or what a merged hit was merged into."""

    @property
    def fired(self) -> bool:
        """Whether the pattern found the span (whatever its status)."""
        return self.outcome in {s.value for s in Status}

    @property
    def counts(self) -> bool:
        """Whether this hit counts toward the level (found, and its status is present)."""
        return self.outcome == Status.PRESENT.value


@dataclass(frozen=True, slots=True)
class Explanation:
    """One note's screening, pattern by pattern, and the decision it led to."""

    note: Note
    result: ScreenResult
    steps: tuple[Step, ...]
    context: tuple[str, ...]
    """Indicators the cover offence adds as context."""
    recommendation: Recommendation


def explain(screener: Screener, note: Note) -> Explanation:
    """Screen ``note`` and say why, pattern by pattern (``note`` must be readable)."""
    rulebook = screener.rulebook
    result = screener.screen(note)
    matcher = screener.matcher
    steps: list[Step] = []
    for attempt in trace(matcher, note.text):
        steps += _steps(rulebook, matcher.plan.cues, attempt, result, note.text)
    steps += [
        _step(rulebook, e, e.pattern, "", note.text)
        for e in result.evidence
        if e.pattern.endswith("#" + AGE_PATTERN)
    ]
    steps += _learned_steps(screener, result, note.text)
    context = offence_evidence(rulebook, note.offence)
    return Explanation(
        note,
        result,
        tuple(steps),
        tuple(e.indicator for e in context),
        _decide(screener, result.evidence + context),
    )


def _learned_steps(screener: Screener, result: ScreenResult, text: str) -> list[Step]:
    """Evidence the learned layer added, with the probability it gave each sentence."""
    learned = [e for e in result.evidence if e.pattern.endswith("#" + LEARNED_PATTERN)]
    layer = screener.matcher.learned
    if not learned or layer is None:
        return []
    settings = layer.settings
    odds = {h.indicator: h.probability for h in layer.model.hits(text, settings.threshold)}
    written = f"the learned layer read this sentence (threshold {settings.threshold:.2f})"
    return [
        _replace(
            _step(screener.rulebook, e, e.pattern, written, text),
            e.status.value,
            e.start,
            e.end,
            text,
            detail=f"no rule found it; probability {odds.get(e.indicator, 0.0):.2f}; "
            "not counted unless confirmed",
        )
        for e in learned
    ]


def _decide(screener: Screener, evidence: tuple[Evidence, ...]) -> Recommendation:
    """The recommendation batch gives for ``evidence`` (same inputs as the screener's)."""
    rulebook = screener.rulebook
    minor = next((i.id for i in rulebook.indicators if Trigger.MINOR in i.triggers), "")
    present = sorted({e.indicator for e in evidence if e.counts})
    ages = sorted({e.age for e in evidence if e.counts and e.age is not None})
    given = [Evidence(i) for i in present] + [Evidence(minor, age=age) for age in ages]
    return decide(rulebook, given, jurisdiction=screener.jurisdiction)


def _steps(
    rulebook: Rulebook,
    cues: list[CueRule],
    attempt: Attempt,
    result: ScreenResult,
    text: str,
) -> list[Step]:
    rule = attempt.rule
    pattern = rulebook.indicator(rule.indicator).patterns[rule.number - 1]
    written = describe(pattern.kind, pattern.parts, pattern.within, pattern.unless)
    base = Step(rule.indicator, _title(rulebook, rule.indicator), rule.pattern_id, written, "")
    if attempt.outcome in ("matched", "excluded"):
        where = ", ".join(f"«{text[s:e]}» at {s}-{e}" for s, e in attempt.exclusions)
        hits = [_hit(rulebook, cues, base, span, result, text) for span in attempt.spans]
        return hits + [
            _replace(base, "excluded", s, e, text, detail=f"cancelled by the unless phrase {where}")
            for s, e in attempt.cancelled
        ]
    found = ", ".join(pattern.parts[n] for n in attempt.found) or "none"
    missing = ", ".join(pattern.parts[n] for n in attempt.missing) or "none"
    if attempt.outcome == "apart":
        detail = f"every part is in one clause, but not within {pattern.within} words"
    elif attempt.gated and (len(pattern.parts) == 1 or not attempt.missing):
        detail = "every word it needs is in one clause, but not in the order or form it needs"
    elif attempt.gated:
        detail = f"every word it needs is in one clause; parts found: {found}; not: {missing}"
    elif not attempt.missing:
        detail = "every part is in the note, but not in one clause"
    else:
        detail = f"all parts but one are in the note; found: {found}; missing: {missing}"
    return [_replace(base, attempt.outcome, detail=detail)]


def _hit(
    rulebook: Rulebook,
    cues: list[CueRule],
    base: Step,
    span: tuple[int, int],
    result: ScreenResult,
    text: str,
) -> Step:
    start, end = span
    same = [e for e in result.evidence if e.indicator == base.indicator]
    exact = next((e for e in same if (e.start, e.end) == span), None)
    if exact is not None and exact.pattern == base.pattern:
        return _step(rulebook, exact, base.pattern, base.written, text, cues)
    cover = exact or next((e for e in same if e.start <= start and end <= e.end), None)
    into = f"{cover.pattern} at {cover.start}-{cover.end}" if cover else "another hit"
    return _replace(base, "merged", start, end, text, detail=f"listed once, as {into}")


def _step(
    rulebook: Rulebook,
    evidence: Evidence,
    pattern: str,
    written: str,
    text: str,
    cues: list[CueRule] | None = None,
) -> Step:
    detail = f"age {evidence.age}" if evidence.age is not None else ""
    if pattern.endswith("#" + AGE_PATTERN):
        written = "an age read from the note"
    return Step(
        evidence.indicator,
        _title(rulebook, evidence.indicator),
        pattern,
        written,
        evidence.status.value,
        evidence.start,
        evidence.end,
        text[evidence.start : evidence.end],
        evidence.cue,
        scope_of(evidence.cue, cues or []),
        detail,
    )


def _replace(
    base: Step,
    outcome: str,
    start: int = -1,
    end: int = -1,
    text: str = "",
    detail: str = "",
) -> Step:
    snippet = text[start:end] if start >= 0 else ""
    return Step(
        base.indicator,
        base.title,
        base.pattern,
        base.written,
        outcome,
        start,
        end,
        snippet,
        detail=detail,
    )


def _title(rulebook: Rulebook, indicator: str) -> str:
    return rulebook.indicator(indicator).title if rulebook.has_indicator(indicator) else indicator


def scope_of(cue: Cue | None, cues: list[CueRule]) -> str:
    """How far ``cue`` reaches: its side of the hit and its window of words, in its clause."""
    if cue is None:
        return ""
    import re

    group = next(
        (
            c
            for c in cues
            if c.kind is cue.kind and re.fullmatch(c.expression, cue.text.lower()) is not None
        ),
        None,
    )
    if group is None:
        return f"{cue.kind.value} cue in the same clause"
    side = {
        CueDirection.BEFORE: "before the hit",
        CueDirection.AFTER: "after the hit",
        CueDirection.BOTH: "either side of the hit",
    }[group.direction]
    return (
        f"{cue.kind.value} cue {side}, within {group.window} words, in the same clause "
        "(not across a comma or a terminator)"
    )


def describe(
    kind: PatternKind, parts: tuple[str, ...], within: int, unless: tuple[str, ...]
) -> str:
    """A pattern as the rulebook writes it, on one line."""
    if kind is PatternKind.NEAR:
        text = f"near {' + '.join(parts)} within {within} words"
    else:
        text = f"{kind.value} {parts[0]}"
    if unless:
        text += " unless " + " | ".join(unless)
    return text
