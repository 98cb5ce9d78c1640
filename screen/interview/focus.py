"""Which questions could still change the level, and which answer opens a follow-up (pure).

A focused interview asks only the questions whose answer could make the level
more urgent. Some questions set nothing themselves but open follow-ups that do
("Do you have your passport?" opens "Who has it?"): such a gate counts as
decisive when one of the follow-ups it opens would be.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from screen import conditions
from screen.conditions import Literal, Node
from screen.decision.engine import level_of, rank_questions
from screen.model import Level, Question, Rulebook, Trigger, localise
from screen.results import Evidence, NextQuestion

TOGETHER = 2
"""The most open questions that may count as settling a case together."""
LEVEL_CACHE = 50_000
"""Levels remembered per form, by the indicators and ages of the evidence."""


@dataclass(frozen=True)
class Form:
    """The questions one interview can ask, with their conditions, for one jurisdiction."""

    rulebook: Rulebook
    questions: tuple[Question, ...]
    """In asking order."""
    jurisdiction: str | None = None
    lang: str = "en"
    _trees: dict[str, Node] = field(init=False, repr=False, compare=False)
    _by_id: dict[str, Question] = field(init=False, repr=False, compare=False)
    _minor: str = field(init=False, repr=False, compare=False)
    _dependents: dict[str, tuple[Question, ...]] = field(init=False, repr=False, compare=False)
    _levels: dict[frozenset[tuple[str, int | None]], Level] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        trees = {q.id: conditions.parse(q.when) for q in self.questions if q.when}
        object.__setattr__(self, "_trees", trees)
        object.__setattr__(self, "_by_id", {q.id: q for q in self.questions})
        minor = next((i.id for i in self.rulebook.indicators if Trigger.MINOR in i.triggers), "")
        object.__setattr__(self, "_minor", minor)
        dependents: dict[str, list[Question]] = {}
        for question in self.questions:
            tree = trees.get(question.id)
            for name, _ in conditions.references(tree) if tree is not None else ():
                dependents.setdefault(name, []).append(question)
        object.__setattr__(self, "_dependents", {k: tuple(v) for k, v in dependents.items()})
        object.__setattr__(self, "_levels", {})

    def applies(self, question: Question, values: Mapping[str, str]) -> bool:
        """Whether ``question`` applies given the answer values."""
        tree = self._trees.get(question.id)
        return tree is None or conditions.evaluate(tree, values)

    def gate_for(self, question: Question, values: Mapping[str, str]) -> tuple[str, str] | None:
        """An unanswered question and the answer to it that would make ``question`` apply.

        None when the question applies already or no single answer opens it.
        """
        tree = self._trees.get(question.id)
        if tree is None or conditions.evaluate(tree, values):
            return None
        for name, literals in conditions.references(tree):
            gate = self._by_id.get(name)
            if gate is None or name in values or not self.applies(gate, values):
                continue
            for value in _values_to_try(gate, literals):
                if conditions.evaluate(tree, {**values, name: value}):
                    return name, value
        return None

    def decisive(
        self, evidence: tuple[Evidence, ...], values: Mapping[str, str]
    ) -> tuple[NextQuestion, ...]:
        """Open questions whose answer could make the level more urgent, most decisive first.

        One answer alone rarely settles a case: two supporting signs together may make
        a dimension positive when neither does alone. So the questions first in line
        are a smallest set whose answers together would reach the most urgent level
        still reachable, ordered by what each could reach alone; after them come the
        others that could change the level by themselves. Empty when no answers to
        the open questions could make the level more urgent. A gate comes with the
        answer that opens its follow-ups.
        """
        open_now = [q for q in self.questions if q.id not in values and self.applies(q, values)]
        order = {q.id: n for n, q in enumerate(self.questions)}
        alone = {q.id: q for q in self._rank(evidence, open_now)}
        for gate in open_now:
            if gate.id not in alone:
                opened = self._through(evidence, gate, values)
                if opened is not None:
                    alone[gate.id] = opened
        offers = {q.id: self._offer(q, values) for q in open_now}
        together = self._smallest(evidence, {k: v for k, v in offers.items() if v}, alone, order)
        first = [self._as_next(qid, alone, offers, together[1]) for qid in together[0]]
        first.sort(key=lambda q: (q.would_reach.rank, order[q.id]))
        rest = sorted(
            (q for q in alone.values() if q.id not in together[0]),
            key=lambda q: (q.would_reach.rank, order[q.id]),
        )
        return (*first, *rest)

    def _smallest(
        self,
        evidence: tuple[Evidence, ...],
        offers: dict[str, tuple[Evidence, ...]],
        alone: dict[str, NextQuestion],
        order: dict[str, int],
    ) -> tuple[list[str], Level]:
        """A smallest set of open questions that together reach the most urgent level.

        Only sets of at most ``TOGETHER`` questions count: a level that needs many more
        signs than that is not what the next few questions can settle.
        """
        now = self._level(evidence)
        top = self._level(evidence + tuple(e for offer in offers.values() for e in offer))
        # drop the least promising first: nothing alone, then late in the form
        weakest = sorted(
            offers,
            key=lambda q: (alone[q].would_reach.rank if q in alone else 9, order[q]),
            reverse=True,
        )
        for rank in range(top.rank, now.rank):
            single = [q for q in weakest[::-1] if q in alone and alone[q].would_reach.rank <= rank]
            if single:  # one question alone can do it: no set is smaller
                return single[:1], alone[single[0]].would_reach
            kept = list(offers)
            for qid in weakest:
                trial = [k for k in kept if k != qid]
                if self._level(evidence + tuple(e for k in trial for e in offers[k])).rank <= rank:
                    kept = trial
            if len(kept) <= TOGETHER:
                return kept, self._level(evidence + tuple(e for k in kept for e in offers[k]))
        return [], now

    def _offer(
        self, question: Question, values: Mapping[str, str], depth: int = 3
    ) -> tuple[Evidence, ...]:
        """What answers to ``question`` (or the follow-ups it opens) could add, at most."""
        found = [
            Evidence(i, question=question.id, answer=value)
            for value, ids in question.sets
            for i in ids
        ]
        if question.records == "age" and self._minor:
            found.append(Evidence(self._minor, question=question.id, answer="under 18", age=17))
        for value in question.allowed_values() if depth else ():
            after = {**values, question.id: value}
            for follow in self._opened(question, values, after):
                found += self._offer(follow, after, depth - 1)
        return tuple(found)

    def _opened(
        self, question: Question, before: Mapping[str, str], after: Mapping[str, str]
    ) -> list[Question]:
        """The follow-ups an answer to ``question`` opens."""
        return [
            q
            for q in self._dependents.get(question.id, ())
            if q.id not in before
            and q.id != question.id
            and not self.applies(q, before)
            and self.applies(q, after)
        ]

    def _as_next(
        self,
        qid: str,
        alone: dict[str, NextQuestion],
        offers: dict[str, tuple[Evidence, ...]],
        top: Level,
    ) -> NextQuestion:
        if qid in alone:
            return alone[qid]
        question = self._by_id[qid]
        answer = offers[qid][0].answer if offers[qid] else ""
        return NextQuestion(qid, localise(question.text, self.lang), answer, top)

    def _level(self, evidence: tuple[Evidence, ...]) -> Level:
        key = frozenset((e.indicator, e.age) for e in evidence if e.counts)
        level = self._levels.get(key)
        if level is None:
            if len(self._levels) >= LEVEL_CACHE:
                self._levels.clear()
            # the level reads only which indicators count and the ages: one of each will do
            unique = tuple(Evidence(indicator, age=age) for indicator, age in key)
            level = level_of(self.rulebook, unique, self.jurisdiction)
            self._levels[key] = level
        return level

    def _rank(
        self, evidence: tuple[Evidence, ...], candidates: Sequence[Question]
    ) -> tuple[NextQuestion, ...]:
        return rank_questions(self.rulebook, evidence, candidates, self.jurisdiction, self.lang)

    def _through(
        self, evidence: tuple[Evidence, ...], gate: Question, values: Mapping[str, str]
    ) -> NextQuestion | None:
        """The gate as a next question, if an answer to it opens a decisive follow-up."""
        best: NextQuestion | None = None
        for value in gate.allowed_values():
            after = {**values, gate.id: value}
            opened = self._opened(gate, values, after)
            if not opened:
                continue
            sets = gate.indicators_set_by(value)
            extra = tuple(Evidence(i, question=gate.id, answer=value) for i in sets)
            ranked = self._rank(evidence + extra, opened)
            if ranked and (best is None or ranked[0].would_reach.rank < best.would_reach.rank):
                text = localise(gate.text, self.lang)
                best = NextQuestion(gate.id, text, value, ranked[0].would_reach)
        return best


def _values_to_try(gate: Question, literals: tuple[Literal, ...]) -> list[str]:
    named = [str(lit.value) for lit in literals]
    return list(dict.fromkeys([*named, *gate.allowed_values()]))
