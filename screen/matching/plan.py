"""A rulebook compiled into plain data: rules, phrase scanner forms, word gates.

:func:`build_plan` is pure (rulebook in, :class:`Plan` out) and its result is
cached on disk, so a batch starts without recompiling the pattern language.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from screen.matching.ages import AGE_EXPRESSIONS
from screen.model import CueDirection, CueKind, PatternKind, Rulebook
from screen.patterns.anchors import AnchorFinder
from screen.patterns.compile import PhraseCompiler, scanner_form

PLAN_FORMAT = 15
"""Bumped whenever :class:`Plan` changes shape, so stale cached plans are not used."""


@dataclass(frozen=True, slots=True)
class Rule:
    """One pattern ready to check: its indicator and regular expression(s)."""

    indicator: str
    kind: PatternKind
    parts: tuple[str, ...]
    within: int = 8
    slang: bool = False


@dataclass
class Gate:
    """Required word sets of some rules, and the literal words that report them."""

    word_sets: list[frozenset[tuple[str, bool]]] = field(default_factory=list)
    """Required word sets: a pattern needs one word of each of its sets."""
    words: list[str] = field(default_factory=list)
    """Padded literal words of all word sets (' word ' whole, ' stem' prefix)."""
    word_members: list[tuple[int, ...]] = field(default_factory=list)
    """For each literal word, the word sets it belongs to."""
    rule_sets: dict[int, tuple[int, ...]] = field(default_factory=dict)
    """For each gated rule, its word sets, rarest first."""
    by_rarest: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    """Rules indexed by their rarest word set."""
    unanchored: list[int] = field(default_factory=list)
    """Rules that require no word at all: checked in every clause."""
    common: dict[int, tuple[frozenset[bytes], ...]] = field(default_factory=dict)
    """For each gated rule, its required sets of common whole words (too common to
    scan for): a clause is dropped, before any exact check, if it lacks one."""

    def word_set(self, anchors: frozenset[tuple[str, bool]]) -> int:
        """The id of a word set, added once with its padded literal words."""
        ids: dict[frozenset[tuple[str, bool]], int] = self.__dict__.setdefault("_ids", {})
        if anchors not in ids:
            ids[anchors] = len(self.word_sets)
            self.word_sets.append(anchors)
            word_ids: dict[str, int] = self.__dict__.setdefault("_word_ids", {})
            for literal in _literals(anchors):
                if literal not in word_ids:
                    word_ids[literal] = len(self.words)
                    self.words.append(literal)
                    self.word_members.append(())
                index = word_ids[literal]
                self.word_members[index] = (*self.word_members[index], ids[anchors])
        return ids[anchors]


@dataclass
class Plan:
    """Everything compiled from a rulebook, as plain data."""

    rules: list[Rule] = field(default_factory=list)
    phrases: list[str] = field(default_factory=list)
    """Scanner forms of the phrase rules."""
    phrase_rules: list[int] = field(default_factory=list)
    """For each scanner form, its rule."""
    near: Gate = field(default_factory=Gate)
    """The word gate of the near rules."""
    every: Gate = field(default_factory=Gate)
    """The word gate of every phrase and near rule, used if the phrases cannot compile."""
    regexes: list[str] = field(default_factory=list)
    regex_rules: dict[int, int] = field(default_factory=dict)
    ages: dict[int, str] = field(default_factory=dict)
    cues: list[tuple[CueKind, CueDirection, int, str]] = field(default_factory=list)


def build_plan(rulebook: Rulebook) -> Plan:
    """Compile every pattern and cue of ``rulebook`` into a plan (pure)."""
    lexicon = {entry.name: entry.terms for entry in rulebook.lexicon}
    compiler, finder = PhraseCompiler(lexicon), AnchorFinder(lexicon)
    plan = Plan()
    for indicator in rulebook.indicators:
        for pattern in indicator.patterns:
            index = len(plan.rules)
            if pattern.kind is PatternKind.REGEX:
                plan.rules.append(
                    Rule(indicator.id, PatternKind.REGEX, pattern.parts, slang=pattern.slang)
                )
                plan.regex_rules[len(plan.regexes)] = index
                plan.regexes.append(pattern.parts[0])
                continue
            parts = tuple(compiler.compile(part) for part in pattern.parts)
            plan.rules.append(
                Rule(indicator.id, pattern.kind, parts, pattern.within, pattern.slang)
            )
            _anchor(plan.every, finder, pattern.parts, index)
            if pattern.kind is PatternKind.PHRASE:
                plan.phrase_rules.append(index)
                plan.phrases.append(scanner_form(parts[0]))
            else:
                _anchor(plan.near, finder, pattern.parts, index)
    for group in rulebook.cues:
        source = "|".join(compiler.compile(term) for term in group.terms)
        if source:
            plan.cues.append((group.kind, group.direction, group.window, source))
    for kind, expression in AGE_EXPRESSIONS:
        plan.ages[len(plan.regexes)] = kind
        plan.regexes.append(expression)
    return plan


SELECTIVE = 80
"""Word sets costing more than this are too common to help gate a rule (see patterns.cost)."""


def _anchor(gate: Gate, finder: AnchorFinder, parts: tuple[str, ...], index: int) -> None:
    """Gate the rule on every one of its required word sets being present in the note."""
    from screen.patterns.anchors import cost

    sets = sorted(
        {anchors for part in parts for anchors in finder.components(part)},
        key=lambda a: (cost(a), sorted(a)),
    )
    if not sets:
        gate.unanchored.append(index)
        return
    common = [a for a in sets[1:] if cost(a) > SELECTIVE]
    sets = sets[:1] + [a for a in sets[1:] if cost(a) <= SELECTIVE]
    ids = tuple(gate.word_set(a) for a in sets)
    gate.rule_sets[index] = ids
    gate.by_rarest[ids[0]].append(index)
    checks = tuple(
        frozenset(word.encode() for word, _ in anchors)
        for anchors in common
        if all(not prefix and word.isascii() and word.isalnum() for word, prefix in anchors)
    )
    if checks:
        gate.common[index] = checks


def _literals(anchors: frozenset[tuple[str, bool]]) -> list[str]:
    return sorted(f" {w}" if prefix else f" {w} " for w, prefix in anchors)
