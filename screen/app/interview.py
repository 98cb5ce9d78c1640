"""The ``interview`` command's edge: pick replay or terminal, print the result, write the report."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text

from screen.app import render, session
from screen.app.environment import Environment
from screen.app.labels import label
from screen.app.prompter import TerminalPrompter
from screen.app.report import level_line, recommendation_panel
from screen.app.rulebooks import load_rulebook, store_of
from screen.model import Rulebook

if TYPE_CHECKING:
    from screen.app.notes import NoteStart
    from screen.app.settings import Settings


def run(
    request: session.InterviewRequest,
    rules_path: Path,
    env: Environment,
    local: Settings | None = None,
) -> None:
    """Run one interview to its recommendation and report.

    ``local`` settings (``htscreen.toml``) are checked against the rulebook, and
    their resources laid over the rulebook's.
    """
    session.require_terminal(request, env.stdin_tty and env.stdout_tty)
    rulebook = load_rulebook(rules_path, store_of(env))
    if local is not None and local.path is not None:
        from screen.app.settings import check_against, with_local_resources

        check_against(local, rulebook)
        rulebook = with_local_resources(rulebook, local)
    session.check(request, rulebook)
    start = _screen_note(request, rulebook, env)
    out = render.console(plain=request.plain, no_color=env.no_color)
    saved: Path | None = None
    if request.answers_file is not None:
        from screen.app.replay import replay

        interview, rec = replay(rulebook, request, start)
    else:
        prompter = TerminalPrompter(out, request.plain, request.lang)
        interview, maybe, saved = session.run_interactive(
            rulebook, request, prompter, env.data, start
        )
        if maybe is None:
            lang, command = interview.lang, f"htscreen interview --save {saved}"
            out.print(Text(label(lang, "saved_unfinished", path=str(saved))), soft_wrap=True)
            out.print(Text(label(lang, "resume_with", command=command)), soft_wrap=True)
            return
        rec = maybe
    out.print(recommendation_panel(rec, request.plain, interview))
    if saved is not None:
        out.print(Text(label(interview.lang, "saved_to", path=str(saved))), soft_wrap=True)
    session.write_report(interview, rec, request)
    if request.report is not None:
        out.print(
            Text(label(interview.lang, "report_to", path=str(request.report))), soft_wrap=True
        )
    out.print(level_line(rec, interview.lang, request.plain))


def _screen_note(
    request: session.InterviewRequest, rulebook: Rulebook, env: Environment
) -> NoteStart | None:
    """Read and screen the note the interview starts from, if there is one."""
    if request.note is None:
        return None
    from screen.app import notes
    from screen.app.rulebooks import compile_checked
    from screen.screening import Screener

    screener = Screener(
        compile_checked(rulebook, store_of(env)), request.jurisdiction, date.today()
    )
    return notes.start(request.note, request.note_id, screener)
