"""The interview as a state machine: current question, answer, back, change, branching.

No terminal code lives here: :mod:`screen.prompting` reads the keyboard and
:mod:`screen.session` drives the loop. The state is a plain answer log, so it
saves and resumes exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import Any

from screen.decision.engine import decide
from screen.interview import focus
from screen.interview.flow import asking_order
from screen.interview.proposals import Proposal, Seen
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
SAFETY = "safety"
"""The section whose questions are asked before anything else."""


class AnswerRejected(ValueError):
    """An answer the current question cannot take; the message says what it can."""


@dataclass(frozen=True, slots=True)
class Answer:
    """One recorded answer."""

    question: str
    value: str
    note: str = ""
    at: str = ""
    source: str = "person"
    """Where the answer came from: ``person`` (answered), ``officer`` (observed by the
    officer) or ``note`` (proposed from the incident note and confirmed)."""
    snippet: str = ""
    """For an answer from the note: the note's own words."""


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
    note_ref: str = ""
    """The incident note the interview started from (a file, or an export and record id)."""
    note_sha256: str = ""
    proposals: tuple[Proposal, ...] = ()
    seen: tuple[Seen, ...] = ()
    resolved: dict[str, str] = field(default_factory=dict)
    """Question -> what the officer did with its proposal: confirmed, rejected or unknown."""
    focused: bool = False
    """Ask only the questions that could still change the level (a note-started interview)."""
    reopened: str = ""
    """A question the officer went back to or reopened: it is asked next."""
    officer: str = ""
    """Who ran the interview (optional, for the report)."""
    location: str = ""
    """Where it took place (optional)."""
    interpreter: str = ""
    """The interpreter, if one took part (optional)."""

    def __post_init__(self) -> None:
        self.order = asking_order(self.rulebook, self.offence, self.form)
        self.full_order = asking_order(self.rulebook, self.offence, "full")
        if not self.jurisdiction:
            self.jurisdiction = self.rulebook.decision.jurisdiction
        self._ranked: tuple[tuple[tuple[str, str], ...], tuple[str, ...]] | None = None
        self._form = focus.Form(
            self.rulebook, self.full_order, self.jurisdiction or None, self.lang
        )

    def values(self) -> dict[str, str]:
        """Question id to answer value."""
        return {qid: answer.value for qid, answer in self.answers.items()}

    def relevant(self, question: Question) -> bool:
        """Whether ``question`` applies given the answers so far."""
        return self._form.applies(question, self.values())

    def current(self) -> Question | None:
        """The next question to ask, or None when every relevant question is answered.

        A focused interview asks its opening questions, then only the questions whose
        answer could still make the level more urgent, the most decisive first. Either
        way an unanswered safety question comes first (see :meth:`opening`).
        """
        first = self.opening()
        if first is not None:
            return first
        if self.focused:
            # a focused interview has no fixed order: what the officer reopened comes first
            again = self.find(self.reopened) if self.reopened else None
            if again is not None and again.id not in self.answers and self.relevant(again):
                return again
            return self._decisive()
        for question in self.order:
            if question.id not in self.answers and self.relevant(question):
                return question
        return None

    def opening(self) -> Question | None:
        """A safety question to ask before the note's proposals, or None.

        Safety comes before any screening question, in an interview started from a
        note too. A safety question the note proposes an answer for is offered as a
        proposal instead (safety proposals come first, since they are in asking order).
        """
        waiting = {p.question for p in self.proposals} - self.resolved.keys()
        for question in self.order:
            if question.section != SAFETY or question.id in self.answers:
                continue
            if question.id not in waiting and self.relevant(question):
                return question
        return None

    def is_safety(self, question_id: str) -> bool:
        """Whether the question is one of the safety questions asked first."""
        question = self.find(question_id)
        return question is not None and question.section == SAFETY

    def pending(self) -> Proposal | None:
        """The next proposed answer from the note the officer has not dealt with.

        A proposal whose question does not apply yet comes with the earlier answer it
        implies (its gate), when one answer would open it.
        """
        values = self.values()
        for proposal in self.proposals:
            question = self.find(proposal.question)
            if question is None or proposal.question in self.resolved | self.answers.keys():
                continue
            if self.relevant(question):
                return replace(proposal, gate=None)
            gate = self._form.gate_for(question, values)
            if gate is not None:
                return replace(proposal, gate=gate)
        return None

    def confirm(self, proposal: Proposal) -> tuple[str, ...]:
        """Take a proposed answer (and the gate it implies); return the emergencies it raised."""
        question = self.find(proposal.question)
        if question is None:
            raise AnswerRejected("the proposal names a question this interview does not have")
        value = normalise_answer(question, proposal.value)
        before = self._emergencies()
        if proposal.gate is not None:
            self._record(
                Answer(proposal.gate[0], proposal.gate[1], "", now(), "note", proposal.snippet)
            )
        self._record(Answer(question.id, value, "", now(), "note", proposal.snippet))
        self.resolved[question.id] = "confirmed"
        self._drop_irrelevant()
        return tuple(sorted(self._emergencies() - before))

    def _record(self, answer: Answer) -> None:
        self.answers[answer.question] = answer
        self.history = [q for q in self.history if q != answer.question] + [answer.question]

    def reject(self, proposal: Proposal, unknown: bool = False) -> None:
        """Set a proposal aside: not so, or not known.

        "Not so" to a yes/no proposal is the officer's answer the other way; any
        other proposal set aside leaves its question to be asked as usual.
        """
        self.resolved[proposal.question] = "unknown" if unknown else "rejected"
        question = self.find(proposal.question)
        if unknown or question is None or question.type is not QuestionType.YES_NO:
            return
        other = "no" if proposal.value == "yes" else "yes"
        self.answers[question.id] = Answer(
            question.id, other, "what the note seemed to say is not so", now(), "officer"
        )
        self.history = [q for q in self.history if q != question.id] + [question.id]
        self._drop_irrelevant()

    def proposal_progress(self) -> tuple[int, int]:
        """(position of the pending proposal, proposals dealt with or that apply now)."""
        values = self.values()
        live = [
            p
            for p in self.proposals
            if p.question in self.resolved
            or (
                (q := self.find(p.question)) is not None
                and (self.relevant(q) or self._form.gate_for(q, values) is not None)
            )
        ]
        done = sum(1 for p in live if p.question in self.resolved)
        return done + 1, max(len(live), done + 1)

    def seen_for(self, question_id: str) -> tuple[Seen, ...]:
        """What the note says about a question's signs without showing them present."""
        return tuple(s for s in self.seen if s.question == question_id)

    def decisive(self) -> tuple[str, ...]:
        """Open questions whose answer could still make the level more urgent, best first."""
        key = tuple(sorted((q, a.value) for q, a in self.answers.items()))
        if self._ranked is None or self._ranked[0] != key:
            ranked = self._form.decisive(self.evidence(), self.values())
            self._ranked = (key, tuple(q.id for q in ranked))
        return self._ranked[1]

    def _decisive(self) -> Question | None:
        for question in self.order:
            if (
                question.id in self.rulebook.opening
                and question.id not in self.answers
                and self.relevant(question)
            ):
                return question
        ranked = self.decisive()
        return self.find(ranked[0]) if ranked else None

    def find(self, question_id: str) -> Question | None:
        """The question of this interview's full form with ``question_id``, if any."""
        return next((q for q in self.full_order if q.id == question_id), None)

    def remaining(self) -> tuple[Question, ...]:
        """Questions of the form that apply and are not answered (asked or not)."""
        return tuple(q for q in self.order if q.id not in self.answers and self.relevant(q))

    def progress(self) -> tuple[int, int]:
        """(position of the current question, number of questions that apply now).

        In a focused interview the count is what has been answered plus what could
        still change the level, so it can shrink as answers come in.
        """
        if self.focused:
            answered = len(self.answers)
            opening = [
                q
                for q in self.order
                if q.id in self.rulebook.opening and q.id not in self.answers and self.relevant(q)
            ]
            return answered + 1, answered + max(1, len(opening) + len(self.decisive()))
        applicable = [q for q in self.order if self.relevant(q)]
        answered = sum(1 for q in applicable if q.id in self.answers)
        return min(answered + 1, len(applicable)), len(applicable)

    def answer(self, value: str, note: str = "", question_id: str = "") -> tuple[str, ...]:
        """Answer the current question (or ``question_id``); return the emergencies it raised."""
        question = self.find(question_id) if question_id else self.current()
        if question is None:
            raise AnswerRejected("the interview has no open question")
        value = normalise_answer(question, value)
        before = self._emergencies()
        source = "officer" if question.section == "observation" else "person"
        self.answers[question.id] = Answer(question.id, value, note.strip(), now(), source)
        self.history = [qid for qid in self.history if qid != question.id] + [question.id]
        self._drop_irrelevant()
        return tuple(sorted(self._emergencies() - before))

    def back(self) -> Answer | None:
        """Undo the last answer so its question is asked again; return the undone answer."""
        while self.history:
            qid = self.history.pop()
            if qid in self.answers:
                undone = self.answers.pop(qid)
                self.resolved.pop(qid, None)
                self.reopened = qid
                self._drop_irrelevant()
                return undone
        return None

    def change(self, question_id: str) -> Answer | None:
        """Reopen an earlier answer (from the review screen); later answers stay if they apply."""
        undone = self.answers.pop(question_id, None)
        self.history = [qid for qid in self.history if qid != question_id]
        self.reopened = question_id
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
                items.append(
                    Evidence(
                        indicator,
                        Status.PRESENT,
                        question.id,
                        answer.value,
                        snippet=answer.snippet,
                        source=answer.source,
                    )
                )
            if question.records == "age" and _is_number(answer.value):
                age = int(float(answer.value))
                if age < 18 and minor:
                    items.append(
                        Evidence(
                            minor,
                            Status.PRESENT,
                            question.id,
                            answer.value,
                            age=age,
                            snippet=answer.snippet,
                            source=answer.source,
                        )
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
            "officer": self.officer,
            "location": self.location,
            "interpreter": self.interpreter,
            "officer_notes": self.officer_notes,
            "started": self.started,
            "updated": now(),
            "finished": self.finished,
            "answers": [vars_of(self.answers[qid]) for qid in self.answers],
            "history": list(self.history),
            "note": {
                "ref": self.note_ref,
                "sha256": self.note_sha256,
                "proposals": [vars_of_proposal(p) for p in self.proposals],
                "seen": [
                    {
                        "question": s.question,
                        "indicator": s.indicator,
                        "status": s.status.value,
                        "snippet": s.snippet,
                    }
                    for s in self.seen
                ],
                "resolved": dict(self.resolved),
                "focused": self.focused,
            },
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
                    qid,
                    value,
                    str(item.get("note", "")),
                    str(item.get("at", "")),
                    str(item.get("source", "person")),
                    str(item.get("snippet", "")),
                )
        valid = [qid for qid in history if isinstance(qid, str) and qid in interview.answers]
        # each answered question once, at its latest position (as answer() keeps it)
        interview.history = list(reversed(dict.fromkeys(reversed(valid))))
        interview.finished = bool(data.get("finished", False))
        for name in ("officer", "location", "interpreter"):
            setattr(interview, name, str(data.get(name, "") or ""))
        _restore_note(interview, data)
        interview._drop_irrelevant()
        return interview


def vars_of(answer: Answer) -> dict[str, str]:
    """An answer as plain data."""
    return {
        "question": answer.question,
        "value": answer.value,
        "note": answer.note,
        "at": answer.at,
        "source": answer.source,
        "snippet": answer.snippet,
    }


def vars_of_proposal(proposal: Proposal) -> dict[str, object]:
    """A proposal as plain data."""
    return {
        "question": proposal.question,
        "value": proposal.value,
        "indicator": proposal.indicator,
        "snippet": proposal.snippet,
        "start": proposal.start,
        "end": proposal.end,
        "suggested": proposal.suggested,
    }


def _restore_note(interview: Interview, data: dict[str, Any]) -> None:
    """The note part of a saved interview (ignored when damaged)."""
    note = data.get("note")
    if not isinstance(note, dict):
        return
    interview.note_ref = str(note.get("ref", ""))
    interview.note_sha256 = str(note.get("sha256", ""))
    try:
        interview.proposals = tuple(
            Proposal(
                str(p["question"]),
                str(p["value"]),
                str(p.get("indicator", "")),
                str(p.get("snippet", "")),
                int(p.get("start", -1)),
                int(p.get("end", -1)),
                suggested=p.get("suggested") is True,
            )
            for p in note.get("proposals", [])
        )
        interview.seen = tuple(
            Seen(
                str(s["question"]),
                str(s["indicator"]),
                Status(s["status"]),
                str(s.get("snippet", "")),
            )
            for s in note.get("seen", [])
        )
    except (KeyError, TypeError, ValueError):
        interview.proposals, interview.seen = (), ()
    resolved = note.get("resolved", {})
    if isinstance(resolved, dict):
        interview.resolved = {str(k): str(v) for k, v in resolved.items()}
    interview.focused = bool(note.get("focused", False))


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
