"""Replay an interview from an answers file, with or without a note: no terminal needed.

For scripting and tests: the same state machine as the live interview, fed from a
YAML or JSON mapping of question id to answer.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from screen.app.session import InterviewRequest, new_interview, offence_of
from screen.errors import InputError
from screen.interview.proposals import Proposal
from screen.interview.state import AnswerRejected, Interview, normalise_answer
from screen.model import Rulebook
from screen.results import Recommendation

if TYPE_CHECKING:
    from screen.app.notes import NoteStart


def replay(
    rulebook: Rulebook, request: InterviewRequest, start: NoteStart | None = None
) -> tuple[Interview, Recommendation]:
    """Run the interview from an answers file, without a terminal.

    With a note, a proposed answer is confirmed when the file gives ``confirm`` or the
    proposed value, set aside with ``reject`` or ``unknown``, and replaced by any other
    value the file gives; one the file does not mention stays unconfirmed. After the
    questions that could change the level, the file's answers to the rest are taken.
    """
    assert request.answers_file is not None
    given = load_answers(request.answers_file)
    offence = offence_of(request, start, str(given.pop("_offence", "")) or None)
    interview = new_interview(rulebook, request, offence or "other", start)
    while True:
        proposal = interview.pending()
        if proposal is not None:
            _replay_proposal(interview, proposal, given, request.answers_file)
            continue
        question = interview.current()
        if question is None:
            break
        _replay_answer(interview, question.id, given.pop(question.id, "skip"), request)
    interview.focused = False
    for question in interview.remaining():
        if question.id in given and interview.relevant(question):
            _replay_answer(interview, question.id, given.pop(question.id), request)
    interview.finished = True
    return interview, interview.recommendation()


def _replay_proposal(
    interview: Interview, proposal: Proposal, given: dict[str, Any], source: Path
) -> None:
    value = given.pop(proposal.question, None)
    if value is None:
        interview.reject(proposal, unknown=True)
        return
    text = _text(value.get("answer", "skip") if isinstance(value, dict) else value)
    if text.lower() in ("confirm", "reject", "unknown"):
        if text.lower() == "confirm":
            interview.confirm(proposal)
        else:
            interview.reject(proposal, unknown=text.lower() == "unknown")
        return
    question = next(q for q in interview.full_order if q.id == proposal.question)
    try:
        same = normalise_answer(question, text) == normalise_answer(question, proposal.value)
    except AnswerRejected as exc:
        raise InputError(f"{source}: answer to '{question.id}' is not accepted: {exc}") from None
    if same:
        interview.confirm(proposal)
    else:
        interview.resolved[proposal.question] = "rejected"
        given[proposal.question] = value


def _replay_answer(
    interview: Interview, question_id: str, value: Any, request: InterviewRequest
) -> None:
    note = ""
    if isinstance(value, dict):
        value, note = value.get("answer", "skip"), str(value.get("note", ""))
    try:
        interview.answer(_text(value), note, question_id)
    except AnswerRejected as exc:
        raise InputError(
            f"{request.answers_file}: answer to '{question_id}' is not accepted: {exc}"
        ) from None


MAX_ANSWERS_BYTES = 1024 * 1024
"""An answers file is a few kilobytes; a larger one is refused unread."""


def load_answers(path: Path) -> dict[str, Any]:
    """Read an answers file: a YAML or JSON mapping of question id to answer.

    YAML anchors and aliases are refused (a few hundred bytes of aliases expand
    to gigabytes), and so is a file over :data:`MAX_ANSWERS_BYTES`.
    """
    try:
        with path.open("rb") as handle:
            data_bytes = handle.read(MAX_ANSWERS_BYTES + 1)
    except OSError as exc:
        raise InputError(f"cannot read the answers file {path}: {exc.strerror}") from None
    if len(data_bytes) > MAX_ANSWERS_BYTES:
        raise InputError(f"{path} is over the {MAX_ANSWERS_BYTES:,}-byte limit for answers")
    import yaml  # only for --answers: the live interview starts without it

    try:
        raw = data_bytes.decode("utf-8")
        if path.suffix == ".json":
            data = json.loads(raw)
        else:
            _refuse_aliases(raw, path)
            data = yaml.safe_load(raw)
    except (ValueError, yaml.YAMLError):  # UnicodeDecodeError is a ValueError
        raise InputError(f"{path} is not valid YAML or JSON") from None
    if not isinstance(data, dict):
        raise InputError(f"{path} must map question ids to answers")
    return {str(k): v for k, v in data.items()}


def _refuse_aliases(raw: str, path: Path) -> None:
    """Raise InputError at the first YAML anchor or alias, before anything is built."""
    import yaml

    for event in yaml.parse(raw, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            line = event.start_mark.line + 1 if event.start_mark else 1
            raise InputError(
                f"{path}:{line}: YAML anchors and aliases are not allowed in an answers "
                "file: write each answer out in full"
            )


def _text(value: Any) -> str:
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return str(value)
