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
from screen.matching.scanner import ascii_view

TOKENS = re.compile(r"[a-z0-9]+|" + CLAUSE_BREAK_SOURCE)
"""A word token, or a clause break."""
BLANK_LINE = re.compile(r"\n\s*\n")
"""The one clause break that whitespace holds (the others are inside words)."""
MAX_WORDS = 200_000
"""Distinct words remembered per process before the memory of them is cleared."""


class TokenGate:
    """Candidate rules per clause for the notes of one compiled rulebook."""

    def __init__(
        self,
        vocab: Vocabulary,
        tests: dict[int, tuple[str, ...]],
        components: list[str],
        rule_components: dict[int, tuple[int, ...]],
    ) -> None:
        self.table = TokenTable(vocab)
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
        self._compiled: dict[int, tuple[re.Pattern[str], ...]] = {}
        self._tokens: dict[str, str] = {}
        self._words = _Words(self)
        """Word -> its codes; on a miss its mask and rules are learned too."""
        self._word_masks: dict[str, int] = {}
        self._word_rules: dict[str, tuple[int, ...]] = {}
        self._relevant: set[str] = set()
        """The words learned so far that hold a component."""

    def codes(self, norm: str) -> str:
        """The code string of a normalised note."""
        return self.read(norm)[0]

    def read(self, norm: str) -> tuple[str, int, set[int]]:
        """The code string of a note, the components it holds, and the rules it triggers."""
        if "\n" in norm and BLANK_LINE.search(norm):
            paragraphs = [p.split() for p in BLANK_LINE.split(norm)]
            codes = BREAK.join("".join(map(self._words.__getitem__, p)) for p in paragraphs)
            words = [w for p in paragraphs for w in p]
        else:
            words = norm.split()
            codes = "".join(map(self._words.__getitem__, words))
        relevant = self._relevant.intersection(words)
        present = reduce(or_, map(self._word_masks.__getitem__, relevant), 0)
        rules = set().union(*map(self._word_rules.__getitem__, relevant))
        return codes, present, rules

    def candidates(self, norm: str) -> dict[int, list[int]]:
        """Rule number -> the clause numbers where it may match."""
        codes, present, rules = self.read(norm)
        rules.update(self._always)
        need = self._need
        found: dict[int, list[int]] = {}
        for rule in rules:
            wanted = need.get(rule, 0)
            if present & wanted != wanted:
                continue
            regexes = self._compiled.get(rule)
            if regexes is None:
                regexes = self._compiled[rule] = tuple(re.compile(t) for t in self._tests[rule])
            first = regexes[0].search(codes)
            if first is None:
                continue
            numbers = _clauses_matching(regexes[0], codes, first)
            for regex in regexes[1:]:
                numbers = _in_clauses(regex, codes, numbers)
                if not numbers:
                    break
            if numbers:
                found[rule] = numbers
        return found

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
        self._word_masks.clear()
        self._word_rules.clear()
        self._relevant.clear()


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


def _clauses_matching(regex: re.Pattern[str], codes: str, match: re.Match[str]) -> list[int]:
    """The clauses where ``regex`` matches (each once), from its first ``match`` on."""
    numbers = []
    number = codes.count(BREAK, 0, match.start())
    while True:
        numbers.append(number)
        position = codes.find(BREAK, match.end()) + 1
        if not position:
            return numbers
        found = regex.search(codes, position)
        if found is None:
            return numbers
        number += 1 + codes.count(BREAK, position, found.start())
        match = found


def _in_clauses(regex: re.Pattern[str], codes: str, numbers: list[int]) -> list[int]:
    """Those of the (ascending) clause ``numbers`` where ``regex`` matches."""
    kept = []
    start, at = 0, 0
    for number in numbers:
        while at < number:
            start = codes.index(BREAK, start) + 1
            at += 1
        end = codes.find(BREAK, start)
        if regex.search(codes, start, len(codes) if end < 0 else end) is not None:
            kept.append(number)
    return kept


def token_set(view: str, start: int, end: int) -> frozenset[str]:
    """The word tokens of ``view[start:end]`` (a clause), for gating cue expressions."""
    return frozenset(t for t in TOKENS.findall(view, start, end) if t[0].isalnum())


def any_anchor(tokens: frozenset[str], words: frozenset[str], prefixes: tuple[str, ...]) -> bool:
    """Whether a token is one of ``words`` or starts with one of ``prefixes``."""
    if not tokens.isdisjoint(words):
        return True
    return bool(prefixes) and any(token.startswith(prefixes) for token in tokens)
