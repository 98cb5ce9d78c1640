"""A rulebook compiled into plain data: rules, their code tests, cues and ages.

:func:`build_plan` is pure (rulebook in, :class:`Plan` out) and its result is
cached, so a batch starts without recompiling the pattern language.

Each phrase and proximity rule gets two forms: its exact regular expression(s),
checked only where it may match, and a *code test* (:mod:`screen.matching.codes`)
that says where that is, from the tokens of the note. A rule's *trigger* is the
codes of its rarest required word: a note without one of them cannot match it,
so the rule is not even tried.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from screen.matching.ages import AGE_EXPRESSIONS, probe_form
from screen.matching.codes import TokenCompiler, TokenTable, Vocabulary, list_slots, slots
from screen.model import CueDirection, CueKind, PatternKind, Rulebook
from screen.patterns.anchors import Anchor, AnchorFinder, cost
from screen.patterns.compile import PhraseCompiler
from screen.patterns.memo import Forgetful, Keys, Memo, remembered
from screen.patterns.shared import compilers
from screen.patterns.syntax import parse

PLAN_FORMAT = 22
"""Bumped whenever :class:`Plan` changes shape, so stale cached plans are not used."""

Component = frozenset[Anchor]


@dataclass(frozen=True, slots=True)
class Rule:
    """One pattern ready to check: its indicator and regular expression(s)."""

    indicator: str
    kind: PatternKind
    parts: tuple[str, ...]
    within: int = 8
    slang: bool = False
    unless: str = ""
    """One expression of the rule's exclusions (empty: none)."""
    unless_within: int = 3
    number: int = 0
    """The pattern's place in its indicator's ``patterns`` list, from 1 (``indicator#number``)."""

    @property
    def pattern_id(self) -> str:
        """The pattern's id in outputs, e.g. ``documents-held-by-other#2``."""
        return f"{self.indicator}#{self.number}"


@dataclass(frozen=True, slots=True)
class CueRule:
    """A group of context cues: one expression, and the words one of which it needs."""

    kind: CueKind
    direction: CueDirection
    window: int
    expression: str
    anchors: Component | None
    """Every match holds one of these words; None when some term needs no word."""


@dataclass
class Plan:
    """Everything compiled from a rulebook, as plain data."""

    rules: list[Rule] = field(default_factory=list)
    vocabulary: Vocabulary = field(default_factory=lambda: Vocabulary((), ()))
    tests: dict[int, tuple[str, ...]] = field(default_factory=dict)
    """For each phrase and near rule, its code test: one expression over code strings per
    part; a clause passes when every part's expression is found in it."""
    components: list[str] = field(default_factory=list)
    """Codes of each distinct required word set: a match holds a token with one of them."""
    rule_components: dict[int, tuple[int, ...]] = field(default_factory=dict)
    """For each rule that requires words, its components, rarest first; others always run."""
    regexes: list[str] = field(default_factory=list)
    probes: list[str] = field(default_factory=list)
    """For each of ``regexes``, the form Hyperscan probes (no look-arounds)."""
    """Expert expressions and the built-in age expressions (probed by Hyperscan)."""
    regex_rules: dict[int, int] = field(default_factory=dict)
    ages: dict[int, str] = field(default_factory=dict)
    cues: list[CueRule] = field(default_factory=list)


def plan_digest(rulebook: Rulebook) -> str:
    """A hash of exactly what :func:`build_plan` reads.

    That is the lexicon, the cues, and each indicator's id and patterns, in order.
    Titles, descriptions, notes, examples, questions and the decision are left
    out, so editing them keeps the compiled plan (the first run after such an
    edit only validates).
    """
    read = (
        rulebook.lexicon,
        rulebook.cues,
        tuple((indicator.id, indicator.patterns) for indicator in rulebook.indicators),
    )
    return hashlib.sha256(repr(read).encode()).hexdigest()


def build_plan(rulebook: Rulebook, memo: Memo | None = None) -> Plan:
    """Compile every pattern and cue of ``rulebook`` into a plan.

    Pure but for ``memo``, which keeps each phrase's compiled pieces between runs
    under keys made of what they depend on (see :class:`_Pieces`), so the first run
    after an edit compiles only what the edit touched.
    """
    lexicon = {entry.name: entry.terms for entry in rulebook.lexicon}
    compiler, finder = compilers(lexicon)
    pieces = _Pieces(memo if memo is not None else Forgetful(), Keys(lexicon), lexicon)
    plan = Plan()
    text_rules: list[tuple[int, tuple[str, ...]]] = []
    for indicator in rulebook.indicators:
        for number, pattern in enumerate(indicator.patterns, start=1):
            index = len(plan.rules)
            if pattern.kind is PatternKind.REGEX:
                plan.rules.append(
                    Rule(
                        indicator.id,
                        PatternKind.REGEX,
                        pattern.parts,
                        slang=pattern.slang,
                        number=number,
                    )
                )
                plan.regex_rules[len(plan.regexes)] = index
                plan.regexes.append(pattern.parts[0])
                plan.probes.append(pattern.parts[0])
                continue
            parts = tuple(pieces.regex(part, compiler) for part in pattern.parts)
            unless = "|".join(pieces.regex(phrase, compiler) for phrase in pattern.unless)
            plan.rules.append(
                Rule(
                    indicator.id,
                    pattern.kind,
                    parts,
                    pattern.within,
                    pattern.slang,
                    unless,
                    pattern.unless_within,
                    number,
                )
            )
            text_rules.append((index, pattern.parts))
    plan.vocabulary = pieces.vocabulary([text for _, texts in text_rules for text in texts])
    table = TokenTable(plan.vocabulary)
    tokens = TokenCompiler(table, lexicon)
    ids: dict[str, int] = {}
    for index, texts in text_rules:
        components = {text: pieces.components(text, finder) for text in texts}
        # The part with the rarest required word is searched first; the others only in
        # the clauses it was found in.
        ranked = sorted(texts, key=lambda t: min((cost(c) for c in components[t]), default=10**9))
        plan.tests[index] = tuple(dict.fromkeys(pieces.test(text, tokens) for text in ranked))
        found = sorted(
            {c for text in texts for c in components[text]},
            key=lambda c: (cost(c), sorted(c)),
        )
        numbers = []
        for component in found:
            codes = "".join(
                sorted(
                    {code for word, prefix in component for code in table.slot_codes(word, prefix)}
                )
            )
            if codes not in ids:
                ids[codes] = len(plan.components)
                plan.components.append(codes)
            numbers.append(ids[codes])
        if numbers:
            plan.rule_components[index] = tuple(dict.fromkeys(numbers))
    for group in rulebook.cues:
        source = "|".join(compiler.compile(term) for term in group.terms)
        if source:
            needed: Component | None = frozenset()
            for anchors in (finder.anchors(term) for term in group.terms):
                needed = None if anchors is None or needed is None else needed | anchors
            plan.cues.append(CueRule(group.kind, group.direction, group.window, source, needed))
    for kind, expression in AGE_EXPRESSIONS:
        plan.ages[len(plan.regexes)] = kind
        plan.regexes.append(expression)
        plan.probes.append(probe_form(expression))
    return plan


class _Pieces:
    """A phrase's compiled pieces, each worked out once and kept in a memo.

    A piece's key holds the phrase, the lexicon lists it reaches and, for a code
    test, the vocabulary (codes are numbered in it): an edit that adds no word
    keeps every other phrase's test, and one that does rebuilds the tests only.
    """

    def __init__(self, memo: Memo, keys: Keys, lexicon: dict[str, tuple[str, ...]]) -> None:
        self.memo = memo
        self.keys = keys
        self.lexicon = lexicon
        self._vocabulary = ""

    def regex(self, text: str, compiler: PhraseCompiler) -> str:
        """The phrase's regular expression."""
        key = self.keys.phrases("plan-regex", (text,))
        return remembered(self.memo, key, str, partial(compiler.compile, text))

    def components(self, text: str, finder: AnchorFinder) -> list[frozenset[Anchor]]:
        """The phrase's required word sets."""

        def find() -> list[list[list[object]]]:
            return [sorted([w, p] for w, p in c) for c in finder.components(text)]

        kept = remembered(self.memo, self.keys.phrases("plan-components", (text,)), list, find)
        return [frozenset((str(w), bool(p)) for w, p in c) for c in kept]

    def vocabulary(self, texts: list[str]) -> Vocabulary:
        """Every slot word and prefix of ``texts`` and the lexicon (each phrase's own kept)."""
        words: set[str] = set()
        prefixes: set[str] = set()
        for text in dict.fromkeys(texts):
            self._slots(
                self.keys.phrases("plan-slots", (text,)),
                words,
                prefixes,
                partial(_phrase_slots, text),
            )
        for name, terms in self.lexicon.items():
            self._slots(
                f"plan-list-slots-{self.keys.lexicon_list(name)}",
                words,
                prefixes,
                partial(list_slots, terms),
            )
        found = Vocabulary(tuple(sorted(words)), tuple(sorted(prefixes)))
        self._vocabulary = hashlib.sha256(repr(found).encode()).hexdigest()[:24]
        return found

    def _slots(
        self,
        key: str,
        words: set[str],
        prefixes: set[str],
        work: Callable[[set[str], set[str]], None],
    ) -> None:
        def find() -> list[list[str]]:
            own_words: set[str] = set()
            own_prefixes: set[str] = set()
            work(own_words, own_prefixes)
            return [sorted(own_words), sorted(own_prefixes)]

        kept = remembered(self.memo, key, list, find)
        words.update(map(str, kept[0]))
        prefixes.update(map(str, kept[1]))

    def test(self, text: str, tokens: TokenCompiler) -> str:
        """The phrase's code test (after :meth:`vocabulary`)."""
        key = self.keys.phrases("plan-test", (text, self._vocabulary))
        return remembered(self.memo, key, str, lambda: tokens.test(parse(text)))


def _phrase_slots(text: str, words: set[str], prefixes: set[str]) -> None:
    slots(parse(text), words, prefixes)
