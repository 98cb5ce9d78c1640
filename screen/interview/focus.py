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
from screen.decision.engine import rank_questions
from screen.model import Question, Rulebook, localise
from screen.results import Evidence, NextQuestion


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

    def __post_init__(self) -> None:
        trees = {q.id: conditions.parse(q.when) for q in self.questions if q.when}
        object.__setattr__(self, "_trees", trees)
        object.__setattr__(self, "_by_id", {q.id: q for q in self.questions})

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

        A gate comes with the answer that opens its decisive follow-up and the level
        that follow-up could reach.
        """
        open_now = [q for q in self.questions if q.id not in values and self.applies(q, values)]
        order = {q.id: n for n, q in enumerate(self.questions)}
        found = {q.id: q for q in self._rank(evidence, open_now)}
        for gate in open_now:
            if gate.id not in found:
                opened = self._through(evidence, gate, values)
                if opened is not None:
                    found[gate.id] = opened
        return tuple(sorted(found.values(), key=lambda q: (q.would_reach.rank, order[q.id])))

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
            opened = [
                q
                for q in self.questions
                if q.id not in values
                and q.id != gate.id
                and not self.applies(q, values)
                and self.applies(q, after)
            ]
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
