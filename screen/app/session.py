"""Drives an interview: the loop between the state machine, the prompter and the disk."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from screen.app import storage as store
from screen.app.report import answers_table, emergency_panel, render_report
from screen.errors import InputError, InterviewInterrupted, UsageError
from screen.interview.protocol import Action, Prompter
from screen.interview.state import AnswerRejected, Interview
from screen.model import OFFENCES, Level, Rulebook, localise
from screen.results import Recommendation


@dataclass(frozen=True, slots=True)
class InterviewRequest:
    """Options of the interview command."""

    offence: str | None = None
    form: str = "short"
    lang: str = "en"
    jurisdiction: str | None = None
    case_ref: str | None = None
    answers_file: Path | None = None
    save: Path | None = None
    report: Path | None = None
    report_format: str = "markdown"
    plain: bool = False


def check(request: InterviewRequest, rulebook: Rulebook) -> None:
    """Raise UsageError for options that cannot work."""
    if request.offence and request.offence not in OFFENCES:
        raise UsageError(f"unknown offence '{request.offence}': use one of {', '.join(OFFENCES)}")
    if request.form not in ("short", "full"):
        raise UsageError("--form takes short or full")
    if request.lang not in rulebook.languages:
        raise UsageError(f"--lang takes one of {', '.join(rulebook.languages)}")
    if request.report_format not in ("markdown", "html", "json"):
        raise UsageError("--report-format takes markdown, html or json")
    names = [j.name for j in rulebook.decision.jurisdictions]
    if request.jurisdiction and request.jurisdiction not in names:
        raise UsageError(f"unknown jurisdiction '{request.jurisdiction}': use {' or '.join(names)}")


def save_path(request: InterviewRequest, data_dir: Path) -> Path:
    """Where this interview autosaves."""
    if request.save:
        return request.save
    folder = data_dir
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder / f"interview-{datetime.now().strftime('%Y%m%d-%H%M%S')}.json"


def replay(rulebook: Rulebook, request: InterviewRequest) -> tuple[Interview, Recommendation]:
    """Run the interview from an answers file, without a terminal."""
    assert request.answers_file is not None
    given = load_answers(request.answers_file)
    interview = _new(rulebook, request, request.offence or str(given.pop("_offence", "other")))
    while (question := interview.current()) is not None:
        value, note = given.get(question.id, "skip"), ""
        if isinstance(value, dict):
            value, note = value.get("answer", "skip"), str(value.get("note", ""))
        try:
            interview.answer(_text(value), note)
        except AnswerRejected as exc:
            raise InputError(
                f"{request.answers_file}: answer to '{question.id}' is not accepted: {exc}"
            ) from None
    interview.finished = True
    return interview, interview.recommendation()


def _text(value: Any) -> str:
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return str(value)


def load_answers(path: Path) -> dict[str, Any]:
    """Read an answers file: a YAML or JSON mapping of question id to answer."""
    try:
        raw = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read the answers file {path}: {exc.strerror}") from None
    import yaml  # only for --answers: the live interview starts without it

    try:
        data = json.loads(raw) if path.suffix == ".json" else yaml.safe_load(raw)
    except (ValueError, yaml.YAMLError):
        raise InputError(f"{path} is not valid YAML or JSON") from None
    if not isinstance(data, dict):
        raise InputError(f"{path} must map question ids to answers")
    return {str(k): v for k, v in data.items()}


def _new(rulebook: Rulebook, request: InterviewRequest, offence: str) -> Interview:
    return Interview(
        rulebook,
        offence,
        request.form,
        request.lang,
        request.jurisdiction or "",
        request.case_ref or "",
    )


def run_interactive(
    rulebook: Rulebook,
    request: InterviewRequest,
    prompter: Prompter,
    data_dir: Path | None = None,
) -> tuple[Interview, Recommendation, Path]:
    """Run the interview at a terminal; save after every answer (default folder: the data dir)."""
    if data_dir is None:
        from screen.app.environment import current

        data_dir = current().data
    path = save_path(request, data_dir)
    interview = _start(rulebook, request, prompter, path, data_dir)
    try:
        _loop(interview, prompter, path, request.plain)
    except (KeyboardInterrupt, EOFError):
        store.save_json(path, interview.to_dict())
        raise InterviewInterrupted(str(path)) from None
    interview.finished = True
    store.save_json(path, interview.to_dict())
    return interview, interview.recommendation(), path


def _start(
    rulebook: Rulebook, request: InterviewRequest, prompter: Prompter, path: Path, data_dir: Path
) -> Interview:
    resumable = [path] if path.exists() else ([] if request.save else store.unfinished(data_dir))
    for candidate in resumable[:1]:
        data = store.load_json(candidate)
        if not data.get("finished") and prompter.confirm(
            f"Resume the unfinished interview saved {data.get('updated', '')} "
            f"({len(data.get('answers', []))} answers)?"
        ):
            try:
                return Interview.from_dict(rulebook, data)
            except (KeyError, ValueError):
                raise InputError(f"the saved interview {candidate} cannot be resumed") from None
    offence = request.offence or prompter.choose_offence(rulebook.flows)
    interview = _new(rulebook, request, offence)
    if request.case_ref is None:
        interview.case_ref = prompter.text("Case reference (optional, Enter to skip): ")
    store.save_json(path, interview.to_dict())
    return interview


def _loop(interview: Interview, prompter: Prompter, path: Path, plain: bool) -> None:
    while True:
        question = interview.current()
        if question is None:
            action = _review(interview, prompter)
            if action.kind == "finish":
                interview.officer_notes = prompter.text(
                    "Officer's notes for the report (optional, Enter to skip): "
                )
                return
            if action.kind == "quit":
                raise KeyboardInterrupt
            continue
        action = prompter.ask(question, interview.lang, interview.progress())
        if action.kind == "quit":
            raise KeyboardInterrupt
        if action.kind == "back":
            interview.back()
        else:
            _answer(interview, prompter, action, plain)
        store.save_json(path, interview.to_dict())


def _answer(interview: Interview, prompter: Prompter, action: Action, plain: bool) -> None:
    try:
        urgent = interview.answer(action.value, action.note)
    except AnswerRejected as exc:
        prompter.show(f"Not accepted: {exc}")
        return
    if urgent:
        rulebook = interview.rulebook
        level = rulebook.decision.level(Level.L0)
        titles = [rulebook.indicator(i).title for i in urgent]
        contacts = [
            f"{rulebook.decision.resource(r).name}: {rulebook.decision.resource(r).contact}"
            for r in level.resources
        ]
        prompter.show(emergency_panel(titles, localise(level.action, "en"), contacts, plain))
        prompter.pause()


def _review(interview: Interview, prompter: Prompter) -> Action:
    asked = [q for q in interview.full_order if q.id in interview.answers]
    action = prompter.review(answers_table(interview), len(asked))
    if action.kind == "change":
        interview.change(asked[int(action.value) - 1].id)
    return action


def write_report(interview: Interview, rec: Recommendation, request: InterviewRequest) -> None:
    """Write the referral report if one was asked for."""
    if request.report is None:
        return
    store.write_private(request.report, render_report(interview, rec, request.report_format))


def require_terminal(request: InterviewRequest, terminal: bool) -> None:
    """Exit 2 with a clear message when there is no terminal and no answers file."""
    if request.answers_file is None and not terminal:
        raise UsageError(
            "the interview needs a terminal: run it in one, or replay answers with --answers FILE"
        )
