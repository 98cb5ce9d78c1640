"""What the interview needs from a front end, and what a front end hands back (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from screen.interview.proposals import Proposal
from screen.model import OffenceFlow, Question


@dataclass(frozen=True, slots=True)
class Action:
    """What the officer did: answer (with a value), confirm, reject, unknown, back or quit."""

    kind: str
    value: str = ""
    note: str = ""


class Prompter(Protocol):
    """What the session needs from a front end (see screen.app.prompter.TerminalPrompter)."""

    def show(self, renderable: Any) -> None:
        """Display something."""

    def pause(self) -> None:
        """Wait for the officer to continue."""

    def choose_offence(self, flows: tuple[OffenceFlow, ...]) -> str:
        """Let the officer pick the cover offence."""

    def text(self, prompt: str) -> str:
        """Read a line of free text."""

    def confirm(self, prompt: str) -> bool:
        """Ask the officer a yes/no question."""

    def ask(
        self,
        question: Question,
        lang: str,
        position: tuple[int, int],
        previous: str = "",
        remarks: tuple[tuple[str, str], ...] = (),
    ) -> Action:
        """Ask one interview question; ``remarks`` are (status, words) the note gave about it."""

    def propose(
        self,
        proposal: Proposal,
        question: Question,
        lang: str,
        position: tuple[int, int],
        gate: Question | None = None,
    ) -> Action:
        """Show an answer the note proposes; return confirm, reject, unknown, back or quit.

        ``gate`` is the earlier question the proposal also answers (``proposal.gate``).
        """

    def review(self, table: Any, count: int) -> Action:
        """Show every answer; return finish, quit or change."""
