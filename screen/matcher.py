"""Find a rulebook's indicators in a note: one scan, then context on the hits.

:func:`compile_matcher` turns every phrase, proximity part, regex, cue and the
built-in age expressions into one :class:`~screen.scanner.Scanner`. For each
note, :meth:`Matcher.scan` runs that one linear pass, assembles proximity
matches from the hit positions, and classifies each hit by its clause's cues.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from screen.context import AGE_EXPRESSIONS, AgeMention, Clauses, CueHit, classify, read_age
from screen.model import Evidence, Pattern, Rulebook
from screen.patterns import PhraseCompiler, normalise
from screen.scanner import Hit, Scanner

Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class NearRule:
    """A proximity pattern: expression indexes of its parts, and its word window."""

    indicator: str
    parts: tuple[int, ...]
    within: int
    slang: bool


@dataclass(frozen=True, slots=True)
class ScanResult:
    """What one note yields: evidence for indicators, and the ages read."""

    evidence: tuple[Evidence, ...]
    ages: tuple[AgeMention, ...]


class _Plan:
    """Collects unique expressions and who consumes each."""

    def __init__(self) -> None:
        self.expressions: list[str] = []
        self.index: dict[str, int] = {}
        self.direct: dict[int, list[tuple[str, bool]]] = defaultdict(list)
        self.cues: dict[int, list[tuple[str, str, int]]] = defaultdict(list)
        self.ages: dict[int, str] = {}
        self.near: list[NearRule] = []

    def add(self, expression: str) -> int:
        if expression not in self.index:
            self.index[expression] = len(self.expressions)
            self.expressions.append(expression)
        return self.index[expression]


class Matcher:
    """A rulebook compiled for text screening."""

    def __init__(self, rulebook: Rulebook, plan: _Plan, scanner: Scanner) -> None:
        self.rulebook = rulebook
        self._plan = plan
        self._scanner = scanner
        self._near_parts = frozenset(i for rule in plan.near for i in rule.parts)
        self.verdicts: dict[Any, dict[str, Any]] = {}
        """Batch decisions cached by evidence signature (see screen.batch)."""
        self._minor_indicator = next(
            (ind.id for ind in rulebook.indicators if "minor" in ind.triggers), ""
        )

    @property
    def expressions(self) -> tuple[str, ...]:
        """Every expression the scanner runs (for export to other tools)."""
        return self._scanner.expressions

    def scan(self, text: str, note_id: str = "", report_date: date | None = None) -> ScanResult:
        """Screen one note; offsets in the result refer to ``text``."""
        norm = normalise(text)
        hits = [hit for hit in self._scanner.scan(norm) if _whole_words(norm, hit)]
        if not hits:
            return ScanResult((), ())
        by_expr: dict[int, list[Span]] = defaultdict(list)
        for ident, start, end in hits:
            by_expr[ident].append((start, end))
        clauses = Clauses(norm)
        candidates = self._candidates(norm, by_expr, clauses)
        age_hits = [(kind, span) for ident, kind in self._plan.ages.items()
                    for span in by_expr.get(ident, ())]
        if not candidates and not age_hits:
            return ScanResult((), ())
        cues, terminators = self._cues(by_expr)
        evidence = self._evidence(text, norm, note_id, candidates, clauses, cues, terminators)
        ages = self._ages(norm, age_hits, clauses, cues, terminators, report_date or date.today())
        if ages and self._minor_indicator and min(a.age for a in ages) < 18:
            youngest = min(ages, key=lambda a: a.age)
            evidence += (Evidence(self._minor_indicator, note_id=note_id, start=youngest.start,
                                  end=youngest.end, snippet=text[youngest.start:youngest.end],
                                  age=youngest.age),)
        return ScanResult(evidence, ages)

    def _candidates(
        self, norm: str, by_expr: dict[int, list[Span]], clauses: Clauses
    ) -> list[tuple[str, Span, bool]]:
        found: list[tuple[str, Span, bool]] = []
        for ident, spans in by_expr.items():
            for indicator, slang in self._plan.direct.get(ident, ()):
                found.extend((indicator, span, slang) for span in spans)
        if self._near_parts.intersection(by_expr):
            for rule in self._plan.near:
                found.extend((rule.indicator, span, rule.slang)
                             for span in _near_matches(norm, rule, by_expr, clauses))
        return found

    def _cues(self, by_expr: dict[int, list[Span]]) -> tuple[list[CueHit], list[Span]]:
        cues: list[CueHit] = []
        pseudo: list[Span] = []
        terminators: list[Span] = []
        for ident, spans in by_expr.items():
            for kind, direction, window in self._plan.cues.get(ident, ()):
                if kind == "pseudo":
                    pseudo.extend(spans)
                elif kind == "terminator":
                    terminators.extend(spans)
                else:
                    cues.extend(CueHit(kind, direction, window, s, e) for s, e in spans)
        cues = [c for c in cues if not any(p[0] <= c.start and c.end <= p[1] for p in pseudo)]
        cues.sort(key=lambda c: c.start)
        return cues, terminators

    def _evidence(
        self, text: str, norm: str, note_id: str, candidates: list[tuple[str, Span, bool]],
        clauses: Clauses, cues: list[CueHit], terminators: list[Span],
    ) -> tuple[Evidence, ...]:
        result: dict[tuple[str, int], Evidence] = {}
        for indicator, (start, end), slang in sorted(candidates, key=lambda c: (c[1][0], -c[1][1])):
            if any(key[0] == indicator and ev.start <= start and end <= ev.end
                   for key, ev in result.items()):
                continue
            own = [c for c in cues if c.end <= start or c.start >= end]
            status, cue = classify(norm, (start, end), clauses, own, terminators)
            result[(indicator, start)] = Evidence(
                indicator, status, note_id=note_id, start=start, end=end,
                snippet=text[start:end], cue=cue, slang=slang,
            )
        return tuple(result.values())

    def _ages(
        self, norm: str, age_hits: list[tuple[str, Span]], clauses: Clauses,
        cues: list[CueHit], terminators: list[Span], report_date: date,
    ) -> tuple[AgeMention, ...]:
        ages = []
        for kind, span in sorted(age_hits, key=lambda h: h[1]):
            status, _ = classify(norm, span, clauses, cues, terminators)
            if status.value not in ("present", "historical"):
                continue
            mention = read_age(norm, span, kind, report_date)
            if mention is not None:
                ages.append(mention)
        return tuple(ages)


def _whole_words(norm: str, hit: Hit) -> bool:
    _, start, end = hit
    if start > 0 and norm[start - 1].isalnum() and norm[start].isalnum():
        return False
    return not (end < len(norm) and norm[end].isalnum() and norm[end - 1].isalnum())


def _near_matches(
    norm: str, rule: NearRule, by_expr: dict[int, list[Span]], clauses: Clauses
) -> list[Span]:
    lists = [by_expr.get(part, []) for part in rule.parts]
    if any(not spans for spans in lists):
        return []
    matches: list[Span] = []
    for anchor in lists[0]:
        bounds = clauses.bounds(anchor[0])
        chosen = [anchor]
        for spans in lists[1:]:
            pick = _nearest(anchor, spans, chosen, bounds)
            if pick is None:
                break
            chosen.append(pick)
        else:
            span = (min(s for s, _ in chosen), max(e for _, e in chosen))
            own = sum(len(norm[s:e].split()) for s, e in chosen)
            between = len(norm[span[0]:span[1]].split()) - own
            if between <= rule.within and not any(m[0] <= span[0] < m[1] for m in matches):
                matches.append(span)
    return matches


def _nearest(anchor: Span, spans: list[Span], chosen: list[Span], bounds: Span) -> Span | None:
    best: Span | None = None
    best_distance = 0
    for span in spans:
        if span[0] < bounds[0] or span[1] > bounds[1]:
            continue
        if any(span[0] < c[1] and c[0] < span[1] for c in chosen):
            continue
        distance = abs(span[0] - anchor[0])
        if best is None or distance < best_distance:
            best, best_distance = span, distance
    return best


def compile_matcher(rulebook: Rulebook, cache_dir: Path | None = None) -> Matcher:
    """Compile every pattern of ``rulebook`` into one scanner."""
    compiler = PhraseCompiler({entry.name: entry.terms for entry in rulebook.lexicon})
    plan = _Plan()
    for indicator in rulebook.indicators:
        for pattern in indicator.patterns:
            _plan_pattern(plan, compiler, indicator.id, pattern)
    for group in rulebook.cues:
        expression = "|".join(compiler.compile(term) for term in group.terms)
        if expression:
            plan.cues[plan.add(f"(?:{expression})")].append((group.kind, group.direction,
                                                              group.window))
    for kind, expression in AGE_EXPRESSIONS:
        plan.ages[plan.add(expression)] = kind
    return Matcher(rulebook, plan, Scanner(plan.expressions, cache_dir))


def _plan_pattern(plan: _Plan, compiler: PhraseCompiler, indicator: str, pattern: Pattern) -> None:
    if pattern.kind == "near":
        parts = tuple(plan.add(compiler.compile(part)) for part in pattern.parts)
        plan.near.append(NearRule(indicator, parts, pattern.within, pattern.slang))
    elif pattern.kind == "regex":
        plan.direct[plan.add(pattern.parts[0])].append((indicator, pattern.slang))
    else:
        plan.direct[plan.add(compiler.compile(pattern.parts[0]))].append(
            (indicator, pattern.slang)
        )
