"""The ``interview`` command's edge: pick replay or terminal, print the result, write the report."""

from __future__ import annotations

from pathlib import Path

from screen.app import render, session
from screen.app.prompter import TerminalPrompter
from screen.rulebook import load_rulebook


def run(request: session.InterviewRequest, rules_path: Path) -> None:
    """Run one interview to its recommendation and report."""
    session.require_terminal(request)
    rulebook = load_rulebook(rules_path)
    session.check(request, rulebook)
    out = render.console(plain=request.plain)
    if request.answers_file is not None:
        interview, rec = session.replay(rulebook, request)
    else:
        prompter = TerminalPrompter(out, request.plain)
        interview, rec, path = session.run_interactive(rulebook, request, prompter)
        out.print(f"Interview saved to {path}")
    out.print(session.result_panel(rec, request.plain))
    session.write_report(interview, rec, request)
    if request.report is not None:
        out.print(f"Report written to {request.report}")
