"""Find a rulebook's indicators in a note: a token gate first, then exact checks.

The note is read once as tokens (:mod:`screen.matching.tokens`): each distinct
word is looked up once per process, and a rule is a candidate only in a clause
that holds a word of every one of its components. Candidates are then checked
with their exact expressions inside those clauses (phrases directly, proximity
patterns as parts within N words), so character spans are computed only where
there is a hit. Cues in each hit's clause set its status; a cue group runs only
in clauses that hold one of its words. Expert regexes and ages run in one small
Hyperscan database that says which of them match at all.
"""

from __future__ import annotations

import bisect
import dataclasses
import hashlib
import re
from dataclasses import dataclass
from datetime import date

from screen import codec
from screen.matching.ages import AGE_EXPRESSIONS, age_basis, read_age
from screen.matching.context import LIST_REACH, Clauses, CueHit, Words, classify
from screen.matching.dates import first_date
from screen.matching.expressions import Expressions
from screen.matching.learned import Learned, LearnedLoader
from screen.matching.memory import Memory
from screen.matching.plan import PLAN_FORMAT, Plan, Rule, build_plan, plan_digest
from screen.matching.scanner import PROBE_FLAGS, Artefacts, Hit, Scanner, ascii_view
from screen.matching.tokens import TokenGate, any_anchor, token_set
from screen.model import CueKind, PatternKind, Rulebook, Status, Trigger
from screen.patterns.compile import widen_spaces
from screen.patterns.syntax import normalise_note
from screen.results import AgeMention, Cue, Evidence

__all__ = [
    "Attempt",
    "Matcher",
    "Plan",
    "Rule",
    "ScanResult",
    "build_plan",
    "compile_matcher",
    "trace",
]

Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class ScanResult:
    """What one note yields: evidence for indicators, and the ages read."""

    evidence: tuple[Evidence, ...]
    ages: tuple[AgeMention, ...]
    age_basis: str = ""
    """How the youngest age was read (see :data:`screen.matching.ages.BASIS_TEXT`)."""


@dataclass(frozen=True, slots=True)
class Found:
    """A rule's exact hit, before its context is read."""

    rule: Rule
    span: Span


MAX_TOKENS = 20_000
"""Distinct tokens whose cue groups are remembered before that memory is cleared."""
AGE_PATTERN = "age"
"""The pattern part of an id for evidence read from an age (``age-under-18#age``)."""


def _with_age(
    evidence: tuple[Evidence, ...], minor: str, youngest: AgeMention, text: str, note_id: str
) -> tuple[Evidence, ...]:
    """``evidence`` with the youngest age as evidence of ``minor``.

    The age goes on the pattern hit of the same span when there is one (so the span is
    listed once), else it is an item of its own.
    """
    span = (youngest.start, youngest.end)
    for number, item in enumerate(evidence):
        if item.indicator == minor and (item.start, item.end) == span and item.counts:
            merged = dataclasses.replace(item, age=youngest.age)
            return evidence[:number] + (merged,) + evidence[number + 1 :]
    return (
        *evidence,
        Evidence(
            minor,
            note_id=note_id,
            start=youngest.start,
            end=youngest.end,
            snippet=text[youngest.start : youngest.end],
            age=youngest.age,
            pattern=f"{minor}#{AGE_PATTERN}",
        ),
    )


class Matcher:
    """A rulebook compiled for text screening."""

    def __init__(
        self,
        rulebook: Rulebook,
        plan: Plan,
        artefacts: Artefacts | None,
        learned: LearnedLoader | None = None,
    ) -> None:
        self.rulebook = rulebook
        self.learned = Learned(learned, rulebook.learned) if learned and rulebook.learned else None
        """The rulebook's learned layer (None when it has none, or it was not loaded)."""
        self.plan = plan
        self.artefacts = artefacts
        self.expressions = Expressions(artefacts)
        """Every Python expression the matcher runs, compiled on first use (and remembered)."""
        self.gate = TokenGate(
            plan.vocabulary, plan.tests, plan.components, plan.rule_components, self.expressions
        )
        # No start-of-match tracking here: Hyperscan only says which expressions match
        # (some SOM scans of repeats crash it); Python's re then finds the positions,
        # which is safe because check_expert_regex refuses nested repeats.
        self._regexes = Scanner(
            [widen_spaces(expression, utf8=True) for expression in plan.probes],
            literal=False,
            artefacts=artefacts,
            flags=[PROBE_FLAGS] * len(plan.regexes),
        )
        self.cue_words = [
            (
                frozenset(w for w, prefix in cue.anchors if not prefix),
                tuple(sorted(w for w, prefix in cue.anchors if prefix)),
            )
            if cue.anchors is not None
            else None
            for cue in plan.cues
        ]
        self._minor = next((i.id for i in rulebook.indicators if Trigger.MINOR in i.triggers), "")
        self._unanchored = frozenset(n for n, words in enumerate(self.cue_words) if words is None)
        self._token_groups: dict[str, frozenset[int]] = {}
        """Token -> the cue groups that have it as one of their words (learned once)."""

    def cue_groups(self, tokens: frozenset[str]) -> list[int]:
        """The cue groups, in rulebook order, that may match where ``tokens`` are."""
        found = set(self._unanchored)
        known = self._token_groups
        for token in tokens:
            groups = known.get(token)
            if groups is None:
                groups = frozenset(
                    n
                    for n, words in enumerate(self.cue_words)
                    if words is not None and any_anchor(frozenset((token,)), *words)
                )
                if len(known) >= MAX_TOKENS:
                    known.clear()
                known[token] = groups
            found.update(groups)
        return sorted(found)

    def regex(self, source: str) -> re.Pattern[str]:
        """The compiled Python expression for ``source`` (compiled once, on first use)."""
        return self.expressions.get(source)

    def remember(self, force: bool = False) -> None:
        """Save what this process compiled, for the next (now and then, or ``force``)."""
        self.expressions.save(force)

    def scan(
        self,
        text: str,
        note_id: str = "",
        report_date: date | None = None,
        today: date | None = None,
        today_basis: str = "today",
    ) -> ScanResult:
        """Screen one note; offsets in the result refer to ``text``.

        A date of birth is counted to ``report_date``, else to the first date written
        in the note, else to ``today`` (an upper bound); with none of them it is not
        counted.
        """
        found = self._rule_scan(text, note_id, report_date, today, today_basis)
        if self.learned is None:
            return found
        extra = self.learned.evidence(text, note_id, {e.indicator for e in found.evidence})
        if not extra:
            return found
        return ScanResult((*found.evidence, *extra), found.ages, found.age_basis)

    def _rule_scan(
        self,
        text: str,
        note_id: str,
        report_date: date | None,
        today: date | None,
        today_basis: str,
    ) -> ScanResult:
        """What the rules find in one note (:meth:`scan` adds the learned layer's)."""
        norm = normalise_note(text)
        gated = self.gate.candidates(norm)
        regex_hits = self._regex_spans(norm)
        if not gated and not regex_hits:
            return ScanResult((), ())
        clauses = Clauses(norm)
        candidates = {rule: [clauses.span(k) for k in numbers] for rule, numbers in gated.items()}
        words = Words(norm)
        found = self._verify(norm, candidates, words)
        age_hits: list[tuple[str, Span]] = []
        for ident, start, end in regex_hits:
            if ident in self.plan.ages:
                age_hits.append((self.plan.ages[ident], (start, end)))
            elif _whole(norm, start, end):
                found.append(Found(self.plan.rules[self.plan.regex_rules[ident]], (start, end)))
        if not found and not age_hits:
            return ScanResult((), ())
        view = norm if norm.isascii() else ascii_view(norm).decode("ascii")
        context = _Context(self, norm, view, clauses, words)
        evidence = self._evidence(text, note_id, found, context)
        births = tuple(span for kind, span in age_hits if kind == "dob")
        reference, basis = _reference(norm, report_date, today, births, today_basis)
        ages = self._ages(norm, age_hits, context, reference, basis)
        if ages and self._minor and min(a.age for a in ages) < 18:
            evidence = _with_age(
                evidence, self._minor, min(ages, key=lambda a: a.age), text, note_id
            )
        return ScanResult(evidence, ages, age_basis(ages))

    def _regex_spans(self, norm: str) -> list[Hit]:
        """Matches of the expert and age expressions that Hyperscan says are present."""
        spans: list[Hit] = []
        for ident in self._regexes.matched(norm):
            pattern = self.regex("(?i)" + self.plan.regexes[ident])
            spans += [(ident, *m.span()) for m in pattern.finditer(norm) if m.end() > m.start()]
        return spans

    def _verify(
        self, norm: str, regions: dict[int, list[Span]], words: Words | None = None
    ) -> list[Found]:
        """Check each candidate rule with its exact expressions inside its clauses."""
        found: list[Found] = []
        for index in sorted(regions):
            rule = self.plan.rules[index]
            for start, end in sorted(set(regions[index])):
                parts = self._part_spans(norm, rule, start, end)
                if not parts:
                    continue
                if rule.kind is not PatternKind.NEAR and not rule.unless:
                    spans = parts[0]
                else:
                    words = words if words is not None else Words(norm)
                    spans = parts[0]
                    if rule.kind is PatternKind.NEAR:
                        spans = near_matches(norm, parts, rule.within, words)
                    if rule.unless:
                        spans = self._not_excluded(norm, rule, spans, (start, end), words)
                found.extend(Found(rule, span) for span in spans)
        return found

    def _not_excluded(
        self, norm: str, rule: Rule, spans: list[Span], clause: Span, words: Words
    ) -> list[Span]:
        """The hits no ``unless`` phrase cancels (one within ``unless_within`` words).

        The exclusions are in text order and do not overlap, so only the one that
        overlaps a hit, or the nearest on each side, can cancel it.
        """
        exclusions = [
            m.span()
            for m in self.regex(rule.unless).finditer(norm, *clause)
            if _whole(norm, *m.span())
        ]
        if not exclusions:
            return spans
        ends = [e for _, e in exclusions]
        kept = []
        for start, end in spans:
            after = bisect.bisect_right(ends, start)
            if after < len(exclusions) and exclusions[after][0] < end:
                continue  # an exclusion overlaps the hit
            if after > 0 and words.count(ends[after - 1], start) <= rule.unless_within:
                continue
            if (
                after < len(exclusions)
                and words.count(end, exclusions[after][0]) <= rule.unless_within
            ):
                continue
            kept.append((start, end))
        return kept

    def _part_spans(self, norm: str, rule: Rule, start: int, end: int) -> list[list[Span]]:
        """Whole-word matches of each part in ``norm[start:end]``; [] as soon as one has none.

        The cheapest expressions run first, so most clauses are dismissed quickly.
        """
        found: list[list[Span]] = []
        for part in sorted(rule.parts, key=len):
            spans = [
                m.span()
                for m in self.regex(part).finditer(norm, start, end)
                if _whole(norm, *m.span())
            ]
            if not spans:
                return []
            found.append(spans)
        return found

    def _evidence(
        self, text: str, note_id: str, found: list[Found], context: _Context
    ) -> tuple[Evidence, ...]:
        """One evidence per indicator and span.

        A hit inside another of its indicator's is dropped; of two patterns with the same
        span, the first in the rulebook is named.
        """
        result: dict[tuple[str, int], Evidence] = {}
        reach: dict[str, int] = {}  # the furthest end of any hit kept so far, per indicator
        ordered = sorted(found, key=lambda f: (f.span[0], -f.span[1], f.rule.number))
        for hit in ordered:
            indicator, (start, end) = hit.rule.indicator, hit.span
            if reach.get(indicator, -1) >= end:
                continue  # inside an earlier hit of the same indicator (hits come by start)
            reach[indicator] = end
            status, cue = context.classify((start, end))
            result[(indicator, start)] = Evidence(
                indicator,
                status,
                note_id=note_id,
                start=start,
                end=end,
                snippet=text[start:end],
                cue=cue,
                slang=hit.rule.slang,
                pattern=hit.rule.pattern_id,
            )
        return tuple(result.values())

    def _ages(
        self,
        norm: str,
        age_hits: list[tuple[str, Span]],
        context: _Context,
        reference: date | None,
        basis: str,
    ) -> tuple[AgeMention, ...]:
        ages: list[AgeMention] = []
        for kind, span in sorted(age_hits, key=lambda h: h[1]):
            status, _ = context.classify(span)
            if status not in (Status.PRESENT, Status.HISTORICAL):
                continue
            mention = read_age(norm, span, kind, reference, basis)
            if mention is None or any(
                a.start < mention.end and mention.start < a.end and a.age == mention.age
                for a in ages
            ):
                continue  # two forms of the same age in the same words count once
            ages.append(mention)
        return tuple(ages)


FEW_CUES = 16
"""Up to this many cues in a clause are all checked against a hit; more are first
bounded by position (which needs the note's word index)."""


class _Context:
    """Cue hits of one note, found clause by clause as needed."""

    def __init__(
        self, matcher: Matcher, norm: str, view: str, clauses: Clauses, words: Words | None = None
    ) -> None:
        self.matcher = matcher
        self.norm = norm
        self.view = view
        self.clauses = clauses
        self.words = words if words is not None else Words(norm)
        widest = max((cue.window for cue in matcher.plan.cues), default=0)
        self.reach = max(widest, LIST_REACH) + 1  # a negation reaches into a list
        self._cache: dict[Span, _ClauseCues] = {}

    def classify(self, span: Span) -> tuple[Status, Cue | None]:
        bounds = self.clauses.bounds(span[0])
        found = self._cache.get(bounds)
        if found is None:
            found = self._cache[bounds] = _ClauseCues(*self._cues(bounds))
        window = found.cues
        if len(window) > FEW_CUES:
            # Only cues within the widest window can reach the hit: bound them by
            # position, so a long clause costs the hits near each cue, not all of them.
            begins, ends = self.words.begins, self.words.ends
            first = bisect.bisect_right(ends, span[0]) - self.reach
            last = bisect.bisect_left(begins, span[1]) + self.reach
            low = begins[first] - found.longest if first >= 0 else 0
            high = ends[last] if last < len(ends) else len(self.norm)
            window = window[
                bisect.bisect_left(found.starts, low) : bisect.bisect_right(found.starts, high)
            ]
        own = [c for c in window if c.end <= span[0] or c.start >= span[1]]
        return classify(self.norm, span, self.clauses, own, found.terminators, self.words)

    def _cues(self, bounds: Span) -> tuple[list[CueHit], list[Span]]:
        cues: list[CueHit] = []
        pseudo: list[Span] = []
        terminators: list[Span] = []
        plan_cues = self.matcher.plan.cues
        # Only the groups one of whose words is in the clause can match there.
        for number in self.matcher.cue_groups(token_set(self.view, *bounds)):
            cue = plan_cues[number]
            regex = self.matcher.regex(cue.expression)
            spans = [m.span() for m in regex.finditer(self.norm, *bounds)]
            if cue.kind is CueKind.PSEUDO:
                pseudo += spans
            elif cue.kind is CueKind.TERMINATOR:
                terminators += spans
            else:
                cues += [CueHit(cue.kind, cue.direction, cue.window, s, e) for s, e in spans]
        cues = [c for c in cues if not any(p[0] <= c.start and c.end <= p[1] for p in pseudo)]
        return sorted(cues, key=lambda c: c.start), terminators


class _ClauseCues:
    """The cue hits of one clause in order of start, and its terminators."""

    __slots__ = ("cues", "longest", "starts", "terminators")

    def __init__(self, cues: list[CueHit], terminators: list[Span]) -> None:
        self.cues = cues
        self.terminators = sorted(terminators)
        self.starts = [c.start for c in cues]
        self.longest = max((c.end - c.start for c in cues), default=0)


@dataclass(frozen=True, slots=True)
class Attempt:
    """How one pattern fared on a note, for ``htscreen explain``.

    ``outcome`` is ``matched`` (``spans`` are its hits; context is read later; hits
    an ``unless`` phrase at ``exclusions`` cancelled are in ``cancelled``),
    ``excluded`` (every hit was cancelled: ``cancelled``), ``apart`` (every part is
    in one clause, not within ``within`` words), or ``incomplete`` (``found`` and
    ``missing`` say which parts, by number): either
    every word it needs is in one clause but the exact pattern is not (``gated``), or
    its rarest word is in the note and all its parts but one are.
    """

    rule: Rule
    outcome: str
    spans: tuple[Span, ...] = ()
    exclusions: tuple[Span, ...] = ()
    found: tuple[int, ...] = ()
    missing: tuple[int, ...] = ()
    cancelled: tuple[Span, ...] = ()
    gated: bool = True
    """Whether every word the pattern needs is in one clause of the note."""


def trace(matcher: Matcher, text: str) -> tuple[Attempt, ...]:
    """Every pattern that matched or nearly matched ``text``, in rulebook order (pure).

    The same checks as :meth:`Matcher.scan`, kept per pattern instead of merged.
    """
    norm = normalise_note(text)
    _, _, triggered = matcher.gate.read(norm)
    gated = matcher.gate.candidates(norm)
    clauses = Clauses(norm)
    attempts: dict[int, Attempt] = {}
    for index, numbers in gated.items():
        rule = matcher.plan.rules[index]
        attempts[index] = _attempt(matcher, norm, rule, [clauses.span(k) for k in numbers])
    for index in triggered - set(gated):
        attempt = _partial(matcher, norm, matcher.plan.rules[index], gated=False)
        if attempt.found and len(attempt.missing) <= 1:  # nearly: all parts but one
            attempts[index] = attempt
    for ident, start, end in matcher._regex_spans(norm):
        if ident in matcher.plan.regex_rules and _whole(norm, start, end):
            index = matcher.plan.regex_rules[ident]
            earlier = attempts.get(index)
            spans = (earlier.spans if earlier else ()) + ((start, end),)
            attempts[index] = Attempt(matcher.plan.rules[index], "matched", spans)
    return tuple(attempts[index] for index in sorted(attempts))


def _attempt(matcher: Matcher, norm: str, rule: Rule, regions: list[Span]) -> Attempt:
    matched: list[Span] = []
    cancelled: list[Span] = []
    exclusions: list[Span] = []
    apart = False
    for start, end in sorted(set(regions)):
        parts = matcher._part_spans(norm, rule, start, end)
        if not parts:
            continue
        spans = (
            parts[0]
            if rule.kind is not PatternKind.NEAR
            else near_matches(norm, parts, rule.within)
        )
        apart = apart or not spans
        kept = (
            matcher._not_excluded(norm, rule, spans, (start, end), Words(norm))
            if rule.unless
            else spans
        )
        matched += kept
        cancelled += [span for span in spans if span not in kept]
        if len(kept) < len(spans):
            exclusions += [m.span() for m in matcher.regex(rule.unless).finditer(norm, start, end)]
    if matched or cancelled:
        outcome = "matched" if matched else "excluded"
        return Attempt(rule, outcome, tuple(matched), tuple(exclusions), cancelled=tuple(cancelled))
    return _partial(matcher, norm, rule, "apart" if apart else "incomplete")


def _partial(
    matcher: Matcher, norm: str, rule: Rule, outcome: str = "incomplete", gated: bool = True
) -> Attempt:
    found = tuple(
        number
        for number, part in enumerate(rule.parts)
        if any(_whole(norm, *m.span()) for m in matcher.regex(part).finditer(norm))
    )
    missing = tuple(n for n in range(len(rule.parts)) if n not in found)
    return Attempt(rule, outcome, found=found, missing=missing, gated=gated)


def _reference(
    norm: str, report: date | None, today: date | None, births: tuple[Span, ...], today_basis: str
) -> tuple[date | None, str]:
    """The date ages from a date of birth are counted to, and where it came from."""
    if report is not None:
        return report, "report"
    written = first_date(norm, births) if births else None
    if written is not None:
        return written, "note"
    return today, today_basis


def _whole(norm: str, start: int, end: int) -> bool:
    if start > 0 and norm[start - 1].isalnum() and norm[start].isalnum():
        return False
    return not (end < len(norm) and norm[end].isalnum() and norm[end - 1].isalnum())


def near_matches(
    norm: str, parts: list[list[Span]], within: int, words: Words | None = None
) -> list[Span]:
    """Spans where a hit of every part lies within ``within`` words of the others.

    Each part's hits are in text order (as ``finditer`` gives them), so the hit
    nearest an anchor is found by bisection: the work grows with the number of
    hits, not with its square, in a long clause.
    """
    if any(not spans for spans in parts):
        return []
    index = words if words is not None else Words(norm)
    starts = [[s for s, _ in spans] for spans in parts]
    matches: list[Span] = []
    match_starts: list[int] = []
    longest = 0
    for anchor in parts[0]:
        chosen = [anchor]
        for spans, part_starts in zip(parts[1:], starts[1:], strict=True):
            pick = _nearest(anchor, spans, part_starts, chosen)
            if pick is None:
                break
            chosen.append(pick)
        else:
            span = (min(s for s, _ in chosen), max(e for _, e in chosen))
            own = sum(index.count(s, e) for s, e in chosen)
            between = index.count(*span) - own
            if between <= within and not _inside(span[0], matches, match_starts, longest):
                at = bisect.bisect_right(match_starts, span[0])
                match_starts.insert(at, span[0])
                matches.insert(at, span)
                longest = max(longest, span[1] - span[0])
    return sorted(matches, key=lambda m: (m[0], m[1]))


def _inside(position: int, matches: list[Span], starts: list[int], longest: int) -> bool:
    """Whether ``position`` lies in one of ``matches``.

    ``matches`` are sorted by start, and none is longer than ``longest``.
    """
    first = bisect.bisect_left(starts, position - longest)
    last = bisect.bisect_right(starts, position)
    return any(matches[k][0] <= position < matches[k][1] for k in range(first, last))


def _nearest(anchor: Span, spans: list[Span], starts: list[int], chosen: list[Span]) -> Span | None:
    """The hit whose start is nearest the anchor's and that overlaps none chosen.

    On a tie, the earlier one.
    """
    right = bisect.bisect_left(starts, anchor[0])
    left = right - 1
    while left >= 0 or right < len(spans):
        if right >= len(spans) or (
            left >= 0 and anchor[0] - starts[left] <= starts[right] - anchor[0]
        ):
            candidate, left = spans[left], left - 1
        else:
            candidate, right = spans[right], right + 1
        if not any(candidate[0] < c[1] and c[0] < candidate[1] for c in chosen):
            return candidate
    return None


AGES_DIGEST = hashlib.sha256(repr(AGE_EXPRESSIONS).encode()).hexdigest()[:12]
"""The built-in age expressions are compiled into every plan, so a change to them is a new key."""


PIECES_KEY = "plan-pieces"
"""Where each phrase's compiled pieces are kept between plans (plan._Pieces)."""
PIECES_LIMIT = 120_000
"""About three rulebooks' worth of regexes, code tests and required word sets."""
PIECES_BYTES = 1 << 25


def compile_matcher(
    rulebook: Rulebook, artefacts: Artefacts | None = None, learned: LearnedLoader | None = None
) -> Matcher:
    """Compile ``rulebook`` for text screening (the plan is kept in ``artefacts``).

    ``learned`` reads the model the rulebook's ``learned`` section names (on first use);
    without it the learned layer is off.
    """
    plan: Plan | None = None
    key = f"plan{PLAN_FORMAT}-{AGES_DIGEST}-{plan_digest(rulebook)[:40]}"
    if artefacts is not None:
        stored = artefacts.get(key)
        if stored is not None:
            try:
                plan = codec.loads(stored, Plan)
            except codec.CodecError:
                plan = None
    if plan is None:
        pieces = Memory(artefacts, PIECES_KEY, PIECES_LIMIT, PIECES_BYTES) if artefacts else None
        plan = build_plan(rulebook, pieces)
        if artefacts is not None:
            artefacts.put(key, codec.dumps(plan))
        if pieces is not None:
            pieces.save(force=True)
    return Matcher(rulebook, plan, artefacts, learned)
