"""Drives an interview: the loop between the state machine, the prompter and the disk."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from screen.app import storage as store
from screen.app.labels import label
from screen.app.report import answers_table, emergency_panel, render_report
from screen.errors import InputError, InterviewInterrupted, UsageError
from screen.interview.proposals import Proposal, propose
from screen.interview.protocol import Action, Prompter
from screen.interview.state import FORMAT, AnswerRejected, Interview
from screen.model import OFFENCES, Level, Rulebook, localise
from screen.results import Recommendation

if TYPE_CHECKING:
    from screen.app.notes import NoteStart


class _Quit(Exception):
    """The officer pressed q: save and leave the interview unfinished (not an interruption)."""


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
    note: str | None = None
    """Start from this incident note (a file, '-' for stdin, or an export with note_id)."""
    note_id: str | None = None
    officer: str | None = None
    """Who runs the interview, for the report (kept with the saved interview)."""
    location: str | None = None
    interpreter: str | None = None


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
    if request.note_id is not None and request.note is None:
        raise UsageError(
            "--note-id picks a record of the export given with --note: add --note FILE"
        )
    if request.note == "-" and request.answers_file is None:
        raise UsageError(
            "a note on stdin needs --answers (the keyboard is the terminal): "
            "save the note to a file and pass --note FILE"
        )


def save_path(request: InterviewRequest, data_dir: Path) -> Path:
    """Where a new interview autosaves: ``--save``, or a new file of its own in the data folder.

    The default name carries the time and a random suffix and is created exclusively,
    so two interviews started in the same second never share a file.
    """
    if request.save:
        return request.save
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    return store.new_file(data_dir, f"interview-{datetime.now().strftime('%Y%m%d-%H%M%S')}")


def offence_of(
    request: InterviewRequest, start: NoteStart | None, fallback: str | None
) -> str | None:
    """The cover offence: the option, else the note's record, else the fallback."""
    if request.offence:
        return request.offence
    if start is not None and start.note.offence in OFFENCES:
        return start.note.offence
    return fallback if fallback in OFFENCES else None


def new_interview(
    rulebook: Rulebook, request: InterviewRequest, offence: str, start: NoteStart | None = None
) -> Interview:
    """A fresh interview; from a note, with the answers the note proposes, focused."""
    interview = Interview(
        rulebook,
        offence,
        request.form,
        request.lang,
        request.jurisdiction or "",
        request.case_ref or "",
    )
    _people(interview, request)
    if start is not None:
        result = start.result
        interview.proposals, interview.seen = propose(
            interview.full_order, result.evidence, result.ages, start.note.text
        )
        interview.note_ref, interview.note_sha256 = start.ref, start.sha256
        interview.focused = True
    return interview


def _people(interview: Interview, request: InterviewRequest) -> None:
    """Officer, location and interpreter from the options.

    A resumed interview keeps its own unless an option gives a new one.
    """
    for name in ("officer", "location", "interpreter"):
        value = getattr(request, name)
        if value:
            setattr(interview, name, value.strip())


def run_interactive(
    rulebook: Rulebook,
    request: InterviewRequest,
    prompter: Prompter,
    data_dir: Path | None = None,
    start: NoteStart | None = None,
) -> tuple[Interview, Recommendation | None, Path]:
    """Run the interview at a terminal; save after every answer (default folder: the data dir).

    The save file is locked for the whole interview, so no second htscreen writes it.
    The recommendation is None when the officer saved and quit with ``q`` (the interview
    is saved unfinished, to resume later); Ctrl-C or the end of input raises
    :class:`InterviewInterrupted` after saving.
    """
    if data_dir is None:
        from screen.app.environment import current

        data_dir = current().data
    with contextlib.ExitStack() as held:
        interview, path = _start(rulebook, request, prompter, data_dir, start, held)
        try:
            _loop(interview, prompter, path, request.plain)
        except _Quit:
            store.save_json(path, interview.to_dict())
            return interview, None, path
        except (KeyboardInterrupt, EOFError):
            store.save_json(path, interview.to_dict())
            raise InterviewInterrupted(str(path)) from None
        interview.finished = True
        store.save_json(path, interview.to_dict())
    return interview, interview.recommendation(), path


def _start(
    rulebook: Rulebook,
    request: InterviewRequest,
    prompter: Prompter,
    data_dir: Path,
    start: NoteStart | None,
    held: contextlib.ExitStack,
) -> tuple[Interview, Path]:
    """The interview to run and the file it saves to, locked in ``held``."""
    if request.save:
        path = request.save
        _lock(path, held)
        resumed = (
            _resume_named(rulebook, prompter, path, start, request.lang) if path.exists() else None
        )
    else:
        resumed, found = _resume_default(rulebook, prompter, data_dir, start, held, request.lang)
        path = found or save_path(request, data_dir)
        if resumed is None:
            _lock(path, held)
    if resumed is not None:
        _people(resumed, request)
        return resumed, path
    offence = offence_of(request, start, None) or prompter.choose_offence(rulebook.flows)
    interview = new_interview(rulebook, request, offence, start)
    if request.case_ref is None:
        interview.case_ref = prompter.text(label(interview.lang, "case_prompt"))
    store.save_json(path, interview.to_dict())
    return interview, path


def _lock(path: Path, held: contextlib.ExitStack) -> None:
    try:
        held.enter_context(store.locked(path))
    except store.Busy:
        raise UsageError(
            f"the interview {path} is open in another htscreen: finish it there, or "
            "choose another --save file"
        ) from None


def _resume_named(
    rulebook: Rulebook, prompter: Prompter, path: Path, start: NoteStart | None, lang: str
) -> Interview | None:
    """The interview saved in ``--save`` FILE, if unfinished and the officer wants it."""
    data = store.load_json(path)
    if data.get("finished") or not _offer(prompter, data, lang):
        return None
    try:
        interview = Interview.from_dict(rulebook, data)
    except (KeyError, ValueError):
        raise InputError(f"the saved interview {path} cannot be resumed") from None
    if not _keeps_answers(interview, data, path, prompter):
        raise InputError(
            f"the saved interview {path} is kept unchanged: resume it with the rulebook "
            "it was saved with (--rules FILE), or choose another --save file"
        )
    _warn_changed(interview, start, prompter)
    return interview


def _resume_default(
    rulebook: Rulebook,
    prompter: Prompter,
    data_dir: Path,
    start: NoteStart | None,
    held: contextlib.ExitStack,
    lang: str,
) -> tuple[Interview | None, Path | None]:
    """The newest unfinished interview of the data folder, if the officer wants it.

    Same note only; one open in another htscreen is passed over, and a file that is
    not a saved interview is skipped with a warning that names it. A resumed
    interview goes on saving to its own file (returned, and locked in ``held``).
    """
    for path, data in store.saved_interviews(data_dir):
        if data is None or data.get("format") != FORMAT:
            prompter.show(label(lang, "skipped_not_saved", name=path.name, folder=str(data_dir)))
            continue
        if data.get("finished"):
            continue
        saved_note = data.get("note")
        ref = saved_note.get("ref") if isinstance(saved_note, dict) else None
        if start is not None and ref != start.ref:
            return None, None
        try:
            held.enter_context(store.locked(path))
        except store.Busy:
            continue
        try:
            interview = Interview.from_dict(rulebook, data)
        except (KeyError, ValueError):
            held.close()
            prompter.show(label(lang, "skipped_cannot", name=path.name, folder=str(data_dir)))
            continue
        if not _offer(prompter, data, lang) or not _keeps_answers(interview, data, path, prompter):
            held.close()
            return None, None
        _warn_changed(interview, start, prompter)
        return interview, path
    return None, None


def _offer(prompter: Prompter, data: dict[str, Any], lang: str) -> bool:
    count = str(len(data.get("answers", [])))
    return prompter.confirm(
        label(lang, "resume", updated=str(data.get("updated", "")), count=count)
    )


def _keeps_answers(
    interview: Interview, data: dict[str, Any], path: Path, prompter: Prompter
) -> bool:
    """True unless the rulebook drops saved answers and the officer would rather keep them.

    Only question ids are shown, never the answers.
    """
    saved = [
        str(item.get("question")) for item in data.get("answers", []) if isinstance(item, dict)
    ]
    dropped = [qid for qid in dict.fromkeys(saved) if qid not in interview.answers]
    if not dropped:
        return True
    was = (
        data.get("rulebook", {}).get("sha256", "") if isinstance(data.get("rulebook"), dict) else ""
    )
    prompter.show(
        label(
            interview.lang,
            "rulebook_changed",
            name=path.name,
            was=str(was)[:12],
            now=interview.rulebook.sha256[:12],
            dropped=", ".join(dropped),
        )
    )
    return prompter.confirm(label(interview.lang, "resume_without"))


def _warn_changed(interview: Interview, start: NoteStart | None, prompter: Prompter) -> None:
    if not interview.note_ref:
        return
    if start is None:
        prompter.show(label(interview.lang, "note_again", ref=interview.note_ref))
    elif start.sha256 != interview.note_sha256:
        prompter.show(label(interview.lang, "note_changed", ref=start.ref))


def _loop(interview: Interview, prompter: Prompter, path: Path, plain: bool) -> None:
    rest_offered = False
    while True:
        opening = interview.opening()
        proposal = interview.pending()
        if proposal is not None and (opening is None or interview.is_safety(proposal.question)):
            _proposal(interview, prompter, proposal, plain)
            store.save_json(path, interview.to_dict())
            continue
        question = interview.current()
        if question is None:
            if interview.focused and not rest_offered and interview.remaining():
                rest_offered = True
                interview.focused = not prompter.confirm(_rest_prompt(interview))
                continue
            action = _review(interview, prompter, plain)
            if action.kind == "finish":
                interview.officer_notes = prompter.text(label(interview.lang, "notes_prompt"))
                return
            if action.kind == "quit":
                raise _Quit
            continue
        action = prompter.ask(
            question, interview.lang, interview.progress(), remarks=_remarks(interview, question.id)
        )
        if action.kind == "quit":
            raise _Quit
        if action.kind == "back":
            interview.back()
        else:
            _answer(interview, prompter, action, plain)
        store.save_json(path, interview.to_dict())


def _rest_prompt(interview: Interview) -> str:
    level = interview.recommendation().level
    count = len(interview.remaining())
    key = "rest_one" if count == 1 else "rest"
    return label(interview.lang, key, level=str(level), count=str(count))


def _remarks(interview: Interview, question_id: str) -> tuple[tuple[str, str], ...]:
    """What the note says about this question without showing it: (status, words)."""
    return tuple((s.status.value, s.snippet) for s in interview.seen_for(question_id))


def _proposal(interview: Interview, prompter: Prompter, proposal: Proposal, plain: bool) -> None:
    question = next(q for q in interview.full_order if q.id == proposal.question)
    gate = next(
        (q for q in interview.full_order if proposal.gate and q.id == proposal.gate[0]), None
    )
    action = prompter.propose(
        proposal, question, interview.lang, interview.proposal_progress(), gate
    )
    if action.kind == "quit":
        raise _Quit
    if action.kind == "back":
        interview.back()
    elif action.kind == "confirm":
        _alert(interview, prompter, interview.confirm(proposal), plain)
    else:
        interview.reject(proposal, unknown=action.kind == "unknown")


def _answer(interview: Interview, prompter: Prompter, action: Action, plain: bool) -> None:
    try:
        urgent = interview.answer(action.value, action.note)
    except AnswerRejected as exc:
        prompter.show(label(interview.lang, "not_accepted", reason=str(exc)))
        return
    _alert(interview, prompter, urgent, plain)


def _alert(interview: Interview, prompter: Prompter, urgent: tuple[str, ...], plain: bool) -> None:
    """The emergency panel, the moment an answer shows danger."""
    if not urgent:
        return
    rulebook = interview.rulebook
    level = rulebook.decision.level(Level.L0)
    lang = interview.lang
    titles = [rulebook.indicator(i).title_in(lang) for i in urgent]
    resources = [rulebook.decision.resource(r) for r in level.resources]
    contacts = [f"{res.name_in(lang)}: {res.contact_in(lang)}" for res in resources]
    prompter.show(
        emergency_panel(
            titles, localise(level.action, interview.lang), contacts, plain, interview.lang
        )
    )
    prompter.pause()


def _review(interview: Interview, prompter: Prompter, plain: bool = False) -> Action:
    asked = [q for q in interview.full_order if q.id in interview.answers]
    action = prompter.review(answers_table(interview, plain), len(asked))
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
