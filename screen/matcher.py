"""Find a rulebook's indicators in a note: one scan for anchors, then exact checks.

Every phrase and proximity pattern has *anchor words*, one of which any match
must contain (chosen by :class:`~screen.patterns.AnchorFinder`). All anchors go
into one literal Hyperscan scanner; a note whose scan finds no anchor, which is
most notes, costs one linear pass and nothing more. Where anchors are found,
only the patterns they belong to are checked, with their exact regular
expression, inside the clause around the anchor; then cues in that clause set
each hit's status. Expert regexes and ages run in a second, small scanner.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from screen.context import AGE_EXPRESSIONS, AgeMention, Clauses, CueHit, classify, read_age
from screen.model import Evidence, Rulebook
from screen.patterns import AnchorFinder, PhraseCompiler, normalise
from screen.scanner import Scanner

Span = tuple[int, int]
_PAD = str.maketrans({chr(c): " " for c in range(128) if not chr(c).isalnum()})


@dataclass(frozen=True, slots=True)
class Rule:
    """One pattern ready to check: its indicator and regular expression(s)."""

    indicator: str
    kind: str  # "phrase" | "near" | "regex"
    parts: tuple[str, ...]
    within: int = 8
    slang: bool = False


@dataclass(frozen=True, slots=True)
class ScanResult:
    """What one note yields: evidence for indicators, and the ages read."""

    evidence: tuple[Evidence, ...]
    ages: tuple[AgeMention, ...]


@dataclass
class Plan:
    """Everything compiled from a rulebook, as plain data."""

    rules: list[Rule] = field(default_factory=list)
    anchors: list[str] = field(default_factory=list)
    anchor_rules: dict[int, list[tuple[int, int]]] = field(
        default_factory=lambda: defaultdict(list))
    components: list[int] = field(default_factory=list)
    unanchored: list[int] = field(default_factory=list)
    regexes: list[str] = field(default_factory=list)
    regex_rules: dict[int, int] = field(default_factory=dict)
    ages: dict[int, str] = field(default_factory=dict)
    cues: list[tuple[str, str, int, str]] = field(default_factory=list)

    def anchor(self, literal: str, rule: int, component: int) -> None:
        """Register ``literal`` (padded with spaces) as an anchor of one component of ``rule``."""
        if literal not in self._anchor_ids:
            self._anchor_ids[literal] = len(self.anchors)
            self.anchors.append(literal)
        self.anchor_rules[self._anchor_ids[literal]].append((rule, component))

    @property
    def _anchor_ids(self) -> dict[str, int]:
        ids: dict[str, int] = self.__dict__.setdefault("_ids", {})
        return ids


class Matcher:
    """A rulebook compiled for text screening."""

    def __init__(self, rulebook: Rulebook, plan: Plan, cache_dir: Path | None) -> None:
        self.rulebook = rulebook
        self.plan = plan
        self._anchors = Scanner(plan.anchors, literal=True, cache_dir=cache_dir)
        self._regexes = Scanner(plan.regexes, literal=False, cache_dir=cache_dir)
        self._compiled: dict[str, re.Pattern[str]] = {}
        self.verdicts: dict[Any, dict[str, Any]] = {}
        """Batch decisions cached by evidence signature (see screen.batch)."""
        self._minor = next((i.id for i in rulebook.indicators if "minor" in i.triggers), "")

    def regex(self, source: str) -> re.Pattern[str]:
        """The compiled Python expression for ``source`` (compiled once, on first use)."""
        compiled = self._compiled.get(source)
        if compiled is None:
            compiled = self._compiled[source] = re.compile(source)
        return compiled

    def scan(self, text: str, note_id: str = "", report_date: date | None = None) -> ScanResult:
        """Screen one note; offsets in the result refer to ``text``."""
        norm = normalise(text)
        anchor_hits = self._anchors.scan(" " + norm.translate(_PAD) + " ")
        regex_hits = self._regexes.scan(norm)
        if not anchor_hits and not regex_hits and not self.plan.unanchored:
            return ScanResult((), ())
        clauses = Clauses(norm)
        seen: dict[tuple[int, Span], set[int]] = defaultdict(set)
        for ident, start, _ in anchor_hits:
            bounds = clauses.bounds(max(0, min(start, len(norm) - 1)))
            for rule, component in self.plan.anchor_rules[ident]:
                seen[(rule, bounds)].add(component)
        regions: dict[int, set[Span]] = defaultdict(set)
        needed = self.plan.components
        for (rule, bounds), components in seen.items():
            if len(components) == needed[rule]:
                regions[rule].add(bounds)
        if self.plan.unanchored and norm.strip():
            for rule in self.plan.unanchored:
                regions[rule].update(clauses.all())
        found = self._verify(norm, regions, clauses)
        age_hits: list[tuple[str, Span]] = []
        for ident, start, end in regex_hits:
            if ident in self.plan.ages:
                age_hits.append((self.plan.ages[ident], (start, end)))
            elif _whole(norm, start, end):
                rule = self.plan.rules[self.plan.regex_rules[ident]]
                found.append((rule.indicator, (start, end), rule.slang))
        if not found and not age_hits:
            return ScanResult((), ())
        context = _Context(self, norm, clauses)
        evidence = self._evidence(text, note_id, found, context)
        ages = self._ages(norm, age_hits, context, report_date or date.today())
        if ages and self._minor and min(a.age for a in ages) < 18:
            youngest = min(ages, key=lambda a: a.age)
            evidence += (Evidence(self._minor, note_id=note_id, start=youngest.start,
                                  end=youngest.end, snippet=text[youngest.start:youngest.end],
                                  age=youngest.age),)
        return ScanResult(evidence, ages)

    def _verify(self, norm: str, regions: dict[int, set[Span]],
                clauses: Clauses) -> list[tuple[str, Span, bool]]:
        found: list[tuple[str, Span, bool]] = []
        for index, bounds in regions.items():
            rule = self.plan.rules[index]
            for start, end in sorted(bounds):
                if rule.kind == "near":
                    spans = [[m.span() for m in self.regex(p).finditer(norm, start, end)]
                             for p in rule.parts]
                    found.extend((rule.indicator, span, rule.slang)
                                 for span in near_matches(norm, spans, rule.within))
                else:
                    found.extend((rule.indicator, m.span(), rule.slang)
                                 for m in self.regex(rule.parts[0]).finditer(norm, start, end))
        return found

    def _evidence(self, text: str, note_id: str, found: list[tuple[str, Span, bool]],
                  context: _Context) -> tuple[Evidence, ...]:
        result: dict[tuple[str, int], Evidence] = {}
        for indicator, (start, end), slang in sorted(found, key=lambda f: (f[1][0], -f[1][1])):
            if any(key[0] == indicator and ev.start <= start and end <= ev.end
                   for key, ev in result.items()):
                continue
            status, cue = context.classify((start, end))
            result[(indicator, start)] = Evidence(
                indicator, status, note_id=note_id, start=start, end=end,
                snippet=text[start:end], cue=cue, slang=slang,
            )
        return tuple(result.values())

    def _ages(self, norm: str, age_hits: list[tuple[str, Span]], context: _Context,
              report_date: date) -> tuple[AgeMention, ...]:
        ages = []
        for kind, span in sorted(age_hits, key=lambda h: h[1]):
            status, _ = context.classify(span)
            if status.value not in ("present", "historical"):
                continue
            mention = read_age(norm, span, kind, report_date)
            if mention is not None:
                ages.append(mention)
        return tuple(ages)


class _Context:
    """Cue hits of one note, found clause by clause as needed."""

    def __init__(self, matcher: Matcher, norm: str, clauses: Clauses) -> None:
        self.matcher = matcher
        self.norm = norm
        self.clauses = clauses
        self._cache: dict[Span, tuple[list[CueHit], list[Span]]] = {}

    def classify(self, span: Span) -> tuple[Any, Any]:
        bounds = self.clauses.bounds(span[0])
        if bounds not in self._cache:
            self._cache[bounds] = self._cues(bounds)
        cues, terminators = self._cache[bounds]
        own = [c for c in cues if c.end <= span[0] or c.start >= span[1]]
        return classify(self.norm, span, self.clauses, own, terminators)

    def _cues(self, bounds: Span) -> tuple[list[CueHit], list[Span]]:
        cues: list[CueHit] = []
        pseudo: list[Span] = []
        terminators: list[Span] = []
        for kind, direction, window, source in self.matcher.plan.cues:
            spans = [m.span() for m in self.matcher.regex(source).finditer(self.norm, *bounds)]
            if kind == "pseudo":
                pseudo += spans
            elif kind == "terminator":
                terminators += spans
            else:
                cues += [CueHit(kind, direction, window, s, e) for s, e in spans]
        cues = [c for c in cues if not any(p[0] <= c.start and c.end <= p[1] for p in pseudo)]
        return sorted(cues, key=lambda c: c.start), terminators


def _whole(norm: str, start: int, end: int) -> bool:
    if start > 0 and norm[start - 1].isalnum() and norm[start].isalnum():
        return False
    return not (end < len(norm) and norm[end].isalnum() and norm[end - 1].isalnum())


def near_matches(norm: str, parts: list[list[Span]], within: int) -> list[Span]:
    """Spans where a hit of every part lies within ``within`` words of the others."""
    if any(not spans for spans in parts):
        return []
    matches: list[Span] = []
    for anchor in parts[0]:
        chosen = [anchor]
        for spans in parts[1:]:
            pick = _nearest(anchor, spans, chosen)
            if pick is None:
                break
            chosen.append(pick)
        else:
            span = (min(s for s, _ in chosen), max(e for _, e in chosen))
            own = sum(len(norm[s:e].split()) for s, e in chosen)
            between = len(norm[span[0]:span[1]].split()) - own
            if between <= within and not any(m[0] <= span[0] < m[1] for m in matches):
                matches.append(span)
    return matches


def _nearest(anchor: Span, spans: list[Span], chosen: list[Span]) -> Span | None:
    best: Span | None = None
    best_distance = 0
    for span in spans:
        if any(span[0] < c[1] and c[0] < span[1] for c in chosen):
            continue
        distance = abs(span[0] - anchor[0])
        if best is None or distance < best_distance:
            best, best_distance = span, distance
    return best


def build_plan(rulebook: Rulebook) -> Plan:
    """Compile every pattern and cue of ``rulebook`` into a plan (pure)."""
    lexicon = {entry.name: entry.terms for entry in rulebook.lexicon}
    compiler, finder = PhraseCompiler(lexicon), AnchorFinder(lexicon)
    plan = Plan()
    for indicator in rulebook.indicators:
        for pattern in indicator.patterns:
            index = len(plan.rules)
            if pattern.kind == "regex":
                plan.rules.append(Rule(indicator.id, "regex", pattern.parts, slang=pattern.slang))
                plan.components.append(0)
                plan.regex_rules[len(plan.regexes)] = index
                plan.regexes.append(pattern.parts[0])
                continue
            parts = tuple(compiler.compile(part) for part in pattern.parts)
            plan.rules.append(Rule(indicator.id, pattern.kind, parts, pattern.within,
                                   pattern.slang))
            _anchor(plan, finder, pattern.parts, index)
    for group in rulebook.cues:
        source = "|".join(compiler.compile(term) for term in group.terms)
        if source:
            plan.cues.append((group.kind, group.direction, group.window, source))
    for kind, expression in AGE_EXPRESSIONS:
        plan.ages[len(plan.regexes)] = kind
        plan.regexes.append(expression)
    return plan


SELECTIVE = 40
"""Anchor sets costing more than this (common words) are used only when nothing better exists."""


def _anchor(plan: Plan, finder: AnchorFinder, parts: tuple[str, ...], index: int) -> None:
    """Register anchors for the rule: one set per required word that is selective enough.

    A match needs every required word, so a clause is checked only when it holds an
    anchor of every registered set.
    """
    from screen.patterns import cost

    options = [sets for part in parts for sets in finder.components(part)]
    if not options:
        plan.unanchored.append(index)
        plan.components.append(0)
        return
    chosen = [a for a in set(options) if cost(a) <= SELECTIVE] or [min(options, key=cost)]
    for component, anchors in enumerate(sorted(chosen, key=sorted)):
        for word, prefix in sorted(anchors):
            plan.anchor(f" {word}" if prefix else f" {word} ", index, component)
    plan.components.append(len(chosen))


def compile_matcher(rulebook: Rulebook, cache_dir: Path | None = None) -> Matcher:
    """Compile ``rulebook`` for text screening (the plan is cached with the scanners)."""
    plan = None
    if cache_dir is not None:
        from screen import cache

        key = f"plan-{rulebook.sha256[:40]}"
        plan = cache.load(key)
        if not isinstance(plan, Plan):
            plan = build_plan(rulebook)
            cache.store(key, plan)
    return Matcher(rulebook, plan or build_plan(rulebook), cache_dir)
