"""The interview as a state machine: current question, answer, back, change, branching.

No terminal code lives here: :mod:`screen.prompting` reads the keyboard and
:mod:`screen.session` drives the loop. The state is a plain answer log, so it
saves and resumes exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from screen import conditions
from screen.decision.engine import decide
from screen.interview.flow import asking_order
from screen.model import (
    OFFENCES,
    SPECIAL_ANSWERS,
    Question,
    QuestionType,
    Rulebook,
    Status,
    Trigger,
)
from screen.results import Evidence, Recommendation

FORMAT = "htscreen-interview/1"


class AnswerRejected(ValueError):
    """An answer the current question cannot take; the message says what it can."""


@dataclass(frozen=True, slots=True)
class Answer:
    """One recorded answer."""

    question: str
    value: str
    note: str = ""
    at: str = ""


def now() -> str:
    """The current time as an ISO 8601 string (UTC, seconds)."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


@dataclass
class Interview:
    """The state of one interview."""

    rulebook: Rulebook
    offence: str
    form: str = "short"
    lang: str = "en"
    jurisdiction: str = ""
    case_ref: str = ""
    officer_notes: str = ""
    started: str = field(default_factory=now)
    answers: dict[str, Answer] = field(default_factory=dict)
    history: list[str] = field(default_factory=list)
    finished: bool = False

    def __post_init__(self) -> None:
        self.order = asking_order(self.rulebook, self.offence, self.form)
        self.full_order = asking_order(self.rulebook, self.offence, "full")
        self._trees = {q.id: conditions.parse(q.when) for q in self.full_order if q.when}
        if not self.jurisdiction:
            self.jurisdiction = self.rulebook.decision.jurisdiction

    def values(self) -> dict[str, str]:
        """Question id to answer value."""
        return {qid: answer.value for qid, answer in self.answers.items()}

    def relevant(self, question: Question) -> bool:
        """Whether ``question`` applies given the answers so far."""
        tree = self._trees.get(question.id)
        return tree is None or conditions.evaluate(tree, self.values())

    def current(self) -> Question | None:
        """The next question to ask, or None when every relevant question is answered."""
        for question in self.order:
            if question.id not in self.answers and self.relevant(question):
                return question
        return None

    def progress(self) -> tuple[int, int]:
        """(position of the current question, number of questions that apply now)."""
        applicable = [q for q in self.order if self.relevant(q)]
        answered = sum(1 for q in applicable if q.id in self.answers)
        return min(answered + 1, len(applicable)), len(applicable)

    def answer(self, value: str, note: str = "") -> tuple[str, ...]:
        """Answer the current question; return ids of emergency indicators it made present."""
        question = self.current()
        if question is None:
            raise AnswerRejected("the interview has no open question")
        value = normalise_answer(question, value)
        before = self._emergencies()
        self.answers[question.id] = Answer(question.id, value, note.strip(), now())
        self.history = [qid for qid in self.history if qid != question.id] + [question.id]
        self._drop_irrelevant()
        return tuple(sorted(self._emergencies() - before))

    def back(self) -> Answer | None:
        """Undo the last answer so its question is asked again; return the undone answer."""
        while self.history:
            qid = self.history.pop()
            if qid in self.answers:
                undone = self.answers.pop(qid)
                self._drop_irrelevant()
                return undone
        return None

    def change(self, question_id: str) -> Answer | None:
        """Reopen an earlier answer (from the review screen); later answers stay if they apply."""
        undone = self.answers.pop(question_id, None)
        self.history = [qid for qid in self.history if qid != question_id]
        self._drop_irrelevant()
        return undone

    def _drop_irrelevant(self) -> None:
        changed = True
        while changed:
            changed = False
            for question in self.full_order:
                if question.id in self.answers and not self.relevant(question):
                    del self.answers[question.id]
                    self.history = [qid for qid in self.history if qid != question.id]
                    changed = True

    def _emergencies(self) -> set[str]:
        return {
            e.indicator
            for e in self.evidence()
            if Trigger.EMERGENCY in self.rulebook.indicator(e.indicator).triggers
        }

    def evidence(self) -> tuple[Evidence, ...]:
        """Evidence from the answers (present indicators, and the age if under 18)."""
        items: list[Evidence] = []
        minor = next((i.id for i in self.rulebook.indicators if Trigger.MINOR in i.triggers), "")
        for question in self.full_order:
            answer = self.answers.get(question.id)
            if answer is None:
                continue
            for indicator in question.indicators_set_by(answer.value):
                items.append(Evidence(indicator, Status.PRESENT, question.id, answer.value))
            if question.records == "age" and _is_number(answer.value):
                age = int(float(answer.value))
                if age < 18 and minor:
                    items.append(
                        Evidence(minor, Status.PRESENT, question.id, answer.value, age=age)
                    )
        flow = next((f for f in self.rulebook.flows if f.offence == self.offence), None)
        for indicator in flow.context if flow else ():
            items.append(Evidence(indicator, Status.PRESENT, "cover offence", self.offence))
        return tuple(items)

    def open_questions(self) -> tuple[Question, ...]:
        """Questions of the full form not answered with a real value that apply now."""
        return tuple(
            q
            for q in self.full_order
            if self.relevant(q)
            and (q.id not in self.answers or self.answers[q.id].value in SPECIAL_ANSWERS)
        )

    def recommendation(self) -> Recommendation:
        """The engine's recommendation for the answers so far."""
        return decide(
            self.rulebook,
            self.evidence(),
            jurisdiction=self.jurisdiction,
            candidates=self.open_questions(),
            lang=self.lang,
        )

    def to_dict(self) -> dict[str, Any]:
        """The saved form of the interview."""
        return {
            "format": FORMAT,
            "rulebook": {"version": self.rulebook.version, "sha256": self.rulebook.sha256},
            "offence": self.offence,
            "form": self.form,
            "lang": self.lang,
            "jurisdiction": self.jurisdiction,
            "case_ref": self.case_ref,
            "officer_notes": self.officer_notes,
            "started": self.started,
            "updated": now(),
            "finished": self.finished,
            "answers": [vars_of(self.answers[qid]) for qid in self.answers],
            "history": list(self.history),
        }

    @classmethod
    def from_dict(cls, rulebook: Rulebook, data: dict[str, Any]) -> Interview:
        """Rebuild an interview from its saved form; unknown questions are dropped."""
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError("not a saved htscreen interview")
        offence, form = data.get("offence"), data.get("form", "short")
        lang = data.get("lang", rulebook.languages[0] if rulebook.languages else "en")
        answers, history = data.get("answers", []), data.get("history", [])
        jurisdiction = data.get("jurisdiction", "")
        if (
            offence not in OFFENCES
            or form not in ("short", "full")
            or lang not in rulebook.languages
            or not isinstance(jurisdiction, str)
            or (
                jurisdiction
                and jurisdiction not in [j.name for j in rulebook.decision.jurisdictions]
            )
        ):
            raise ValueError(
                "the saved interview names an unknown offence, form, language or jurisdiction"
            )
        if (
            not isinstance(answers, list)
            or not isinstance(history, list)
            or not all(isinstance(item, dict) for item in answers)
        ):
            raise ValueError("the saved interview's answers are damaged")
        interview = cls(
            rulebook,
            str(offence),
            str(form),
            str(lang),
            jurisdiction,
            str(data.get("case_ref", "")),
            str(data.get("officer_notes", "")),
            str(data.get("started", now())),
        )
        known = {q.id: q for q in interview.full_order}
        for item in answers:
            qid = item.get("question")
            if isinstance(qid, str) and qid in known and "value" in item:
                try:
                    value = normalise_answer(known[qid], str(item["value"]))
                except AnswerRejected:
                    continue
                interview.answers[qid] = Answer(
                    qid, value, str(item.get("note", "")), str(item.get("at", ""))
                )
        valid = [qid for qid in history if isinstance(qid, str) and qid in interview.answers]
        # each answered question once, at its latest position (as answer() keeps it)
        interview.history = list(reversed(dict.fromkeys(reversed(valid))))
        interview.finished = bool(data.get("finished", False))
        interview._drop_irrelevant()
        return interview


def vars_of(answer: Answer) -> dict[str, str]:
    """An answer as plain data."""
    return {
        "question": answer.question,
        "value": answer.value,
        "note": answer.note,
        "at": answer.at,
    }


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def normalise_answer(question: Question, value: str) -> str:
    """Check ``value`` against ``question`` and return its canonical form."""
    value = str(value).strip()
    lowered = value.lower()
    if lowered in SPECIAL_ANSWERS:
        return lowered
    if question.type is QuestionType.YES_NO:
        mapped = {
            "y": "yes",
            "yes": "yes",
            "true": "yes",
            "si": "yes",
            "sí": "yes",
            "n": "no",
            "no": "no",
            "false": "no",
        }.get(lowered)
        if mapped is None:
            raise AnswerRejected("answer yes or no (or unknown, declined, skip)")
        return mapped
    if question.type is QuestionType.CHOICE:
        values = [c.value for c in question.choices]
        if lowered in values:
            return lowered
        if lowered.isdigit() and 1 <= int(lowered) <= len(values):
            return values[int(lowered) - 1]
        raise AnswerRejected("choose one of: " + ", ".join(values))
    if question.type is QuestionType.NUMBER:
        return _number(question, value)
    if not value:
        raise AnswerRejected("type an answer, or skip")
    return value


def _number(question: Question, value: str) -> str:
    try:
        number = float(value)
    except ValueError:
        raise AnswerRejected("type a number (or unknown, declined, skip)") from None
    low = question.minimum if question.minimum is not None else float("-inf")
    high = question.maximum if question.maximum is not None else float("inf")
    if not low <= number <= high:
        raise AnswerRejected(
            f"type a number from {question.minimum:g} to {question.maximum:g}"
            if question.minimum is not None and question.maximum is not None
            else "the number is out of range"
        )
    return f"{number:g}"
