"""The token gate: which rules can match in which clause, read from one string of codes.

A note is read once as a *code string* (:mod:`screen.matching.codes`): one
character per token and ``|`` for each clause break. Each whitespace-separated
word is turned into its codes once per process and remembered, so a note costs
one ``split`` and one dictionary lookup per word. A rule is tried only when the
note holds one of its trigger codes; its code test then names the clauses where
it may match. The test is sound (it never drops a real match), so the exact
expressions need to run only there.

Clause breaks are found by the same expression as
:class:`~screen.matching.context.Clauses`, so clause ``k`` here is clause ``k`` there.
"""

from __future__ import annotations

import re
from functools import reduce
from operator import or_

from screen.matching.codes import BREAK, FILLER, TokenTable, Vocabulary
from screen.matching.context import CLAUSE_BREAK_SOURCE
from screen.matching.expressions import Expressions
from screen.matching.scanner import ascii_view

TOKENS = re.compile(r"[a-z0-9]+|" + CLAUSE_BREAK_SOURCE)
"""A word token, or a clause break."""
BLANK_LINE = re.compile(r"\n\s*\n")
"""The one clause break that whitespace holds (the others are inside words)."""
MAX_WORDS = 50_000
"""Distinct words remembered per process before the memory of them is cleared (ids, times
and amounts keep adding new ones, so memory stays flat only with a bound)."""
MAX_PIECES = 30_000
"""Distinct clause component strings whose rules are remembered before that is cleared."""


class TokenGate:
    """Candidate rules per clause for the notes of one compiled rulebook."""

    def __init__(
        self,
        vocab: Vocabulary,
        tests: dict[int, tuple[str, ...]],
        components: list[str],
        rule_components: dict[int, tuple[int, ...]],
        expressions: Expressions | None = None,
    ) -> None:
        self.table = TokenTable(vocab)
        self._expressions = expressions if expressions is not None else Expressions(None)
        self._tests = tests
        self._always = tuple(sorted(rule for rule in tests if rule not in rule_components))
        every = [
            *self.table.word_codes.values(),
            *self.table.prefix_codes.values(),
            vocab.number_code,
        ]
        masks = dict.fromkeys(every, 0)
        for number, codes in enumerate(components):
            for code in codes:
                masks[code] |= 1 << number
        by_code: dict[str, list[int]] = {}
        for rule, numbers in sorted(rule_components.items()):
            for code in components[numbers[0]]:
                by_code.setdefault(code, []).append(rule)
        self._masks = {**masks, BREAK: 0, FILLER: 0}
        self._need = {
            rule: sum(1 << n for n in set(numbers)) for rule, numbers in rule_components.items()
        }
        self._code_rules = {code: tuple(by_code.get(code, ())) for code in every}
        self._code_rules[BREAK] = self._code_rules[FILLER] = ()
        self._code_pairs = {
            code: tuple((rule, self._need[rule]) for rule in rules)
            for code, rules in self._code_rules.items()
        }
        """Code -> (rule, its components as bits) for each rule it triggers."""
        self._compiled: dict[int, tuple[re.Pattern[str], ...]] = {}
        self._tokens: dict[str, str] = {}
        self._words = _Words(self)
        """Word -> its codes; on a miss its mask and rules are learned too."""
        self._kept = _Kept(self._masks)
        """A word's codes -> those of them that belong to a component, and its breaks."""
        self._word_masks: dict[str, int] = {}
        self._word_rules: dict[str, tuple[int, ...]] = {}
        self._relevant: set[str] = set()
        """The words learned so far that hold a component."""
        self._satisfied: dict[str, tuple[int, ...]] = {}
        """A clause's component codes -> the rules with a code of every component there."""

    def codes(self, norm: str) -> str:
        """The code string of a normalised note."""
        return self._read(norm)[0]

    def _read(self, norm: str) -> tuple[str, str]:
        """The code string of a note, and its breaks and component codes alone.

        The second string is what chooses each clause's rules.
        """
        if "\n" in norm and BLANK_LINE.search(norm):
            read = [self._read_words(p.split()) for p in BLANK_LINE.split(norm)]
            return BREAK.join(c for c, _ in read), BREAK.join(k for _, k in read)
        return self._read_words(norm.split())

    def _read_words(self, words: list[str]) -> tuple[str, str]:
        each = list(map(self._words.__getitem__, words))  # learns the new words
        return "".join(each), "".join(map(self._kept.__getitem__, each))

    def read(self, norm: str) -> tuple[str, int, set[int]]:
        """The code string of a note, the components it holds, and the rules it triggers."""
        codes = self.codes(norm)
        relevant = self._relevant.intersection(norm.split())
        present = reduce(or_, map(self._word_masks.__getitem__, relevant), 0)
        rules = set().union(*map(self._word_rules.__getitem__, relevant))
        return codes, present, rules

    def candidates(self, norm: str) -> dict[int, list[int]]:
        """Rule number -> the clause numbers where it may match.

        A clause is reduced to the codes in it that belong to a component; from
        those (remembered per such string) follow the rules that have a word of
        every component there, since a match lies inside one clause and holds
        them all. Only those rules' code tests run, over that clause's codes.
        """
        codes, kept = self._read(norm)
        satisfied = self._satisfied
        compiled = self._compiled
        found: dict[int, list[int]] = {}
        clauses: list[str] | None = None
        for number, piece in enumerate(kept.split(BREAK)):
            if not piece:
                continue
            rules = satisfied.get(piece)
            if rules is None:
                rules = self._satisfy(piece)
            if not rules:
                continue
            if clauses is None:
                clauses = codes.split(BREAK)
            # A code test looks at no code before where its match starts, so searching
            # the clause's own string finds what searching it inside the note would.
            clause = clauses[number]
            for rule in rules:
                for regex in compiled.get(rule) or self._compile(rule):
                    if regex.search(clause) is None:
                        break
                else:
                    found.setdefault(rule, []).append(number)
        if self._always:
            self._test_everywhere(codes, found)
        return found

    def _satisfy(self, piece: str) -> tuple[int, ...]:
        """The rules with a code of every component in ``piece`` (one clause's codes)."""
        codes = set(piece)
        mask = reduce(or_, map(self._masks.__getitem__, codes), 0)
        pairs = self._code_pairs
        rules = tuple(
            sorted({rule for code in codes for rule, need in pairs[code] if need & mask == need})
        )
        if len(self._satisfied) >= MAX_PIECES:
            self._satisfied.clear()
        self._satisfied[piece] = rules
        return rules

    def _compile(self, rule: int) -> tuple[re.Pattern[str], ...]:
        get = self._expressions.get
        regexes = self._compiled[rule] = tuple(get(t) for t in self._tests[rule])
        return regexes

    def _test_everywhere(self, codes: str, found: dict[int, list[int]]) -> None:
        """Run the code tests of the rules that need no word in every clause."""
        bounds = _clause_bounds(codes)
        for rule in self._always:
            regexes = self._compiled.get(rule) or self._compile(rule)
            numbers = [
                k
                for k, (start, end) in enumerate(bounds)
                if all(r.search(codes, start, end) is not None for r in regexes)
            ]
            if numbers:
                found[rule] = numbers

    def learn(self, word: str) -> str:
        """The codes of one whitespace-separated word (with the breaks inside it).

        Its mask of components and the rules it triggers are remembered with it.
        """
        if word.isalnum() and word.isascii():  # one token, no break inside: most words
            codes = self._token_code(word)
        else:
            view = word if word.isascii() else ascii_view(word).decode("ascii")
            codes = "".join(map(self._token_code, TOKENS.findall(view + " ")))
        mask = reduce(or_, map(self._masks.__getitem__, codes), 0)
        if mask:
            self._word_masks[word] = mask
            self._word_rules[word] = tuple(
                sorted(set().union(*map(self._code_rules.__getitem__, codes)))
            )
            self._relevant.add(word)
        return codes

    def _token_code(self, token: str) -> str:
        code = self._tokens.get(token)
        if code is None:
            code = BREAK if not token[0].isalnum() else self.table.code(token)
            if len(self._tokens) >= MAX_WORDS:
                self._tokens.clear()
            self._tokens[token] = code
        return code

    def forget(self) -> None:
        """Drop what was learned about words (memory stays bounded)."""
        self._words.clear()
        self._kept.clear()
        self._word_masks.clear()
        self._word_rules.clear()
        self._relevant.clear()
        self._satisfied.clear()


class _Words(dict[str, str]):
    """Word -> its codes, learned on first sight and kept (up to MAX_WORDS per process)."""

    def __init__(self, gate: TokenGate) -> None:
        super().__init__()
        self.gate = gate

    def __missing__(self, word: str) -> str:
        if len(self) >= MAX_WORDS:
            self.gate.forget()
        codes = self[word] = self.gate.learn(word)
        return codes


class _Kept(dict[str, str]):
    """A word's codes -> its breaks and the codes that belong to a component (learned once)."""

    def __init__(self, masks: dict[str, int]) -> None:
        super().__init__()
        self.masks = masks

    def __missing__(self, codes: str) -> str:
        if len(self) >= MAX_WORDS:
            self.clear()
        masks = self.masks
        kept = self[codes] = "".join(c for c in codes if c == BREAK or masks[c])
        return kept


def _clause_bounds(codes: str) -> list[tuple[int, int]]:
    """The (start, end) in ``codes`` of each clause, in order."""
    bounds = []
    start = 0
    end = codes.find(BREAK)
    while end >= 0:
        bounds.append((start, end))
        start = end + 1
        end = codes.find(BREAK, start)
    bounds.append((start, len(codes)))
    return bounds


def token_set(view: str, start: int, end: int) -> frozenset[str]:
    """The word tokens of ``view[start:end]`` (a clause), for gating cue expressions."""
    return frozenset(t for t in TOKENS.findall(view, start, end) if t[0].isalnum())


def any_anchor(tokens: frozenset[str], words: frozenset[str], prefixes: tuple[str, ...]) -> bool:
    """Whether a token is one of ``words`` or starts with one of ``prefixes``."""
    if not tokens.isdisjoint(words):
        return True
    return bool(prefixes) and any(token.startswith(prefixes) for token in tokens)
