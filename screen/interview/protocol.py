"""What the interview needs from a front end, and what a front end hands back (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from screen.model import OffenceFlow, Question


@dataclass(frozen=True, slots=True)
class Action:
    """What the officer did at a question: answer (with a value), back, or quit."""

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
        self, question: Question, lang: str, position: tuple[int, int], previous: str = ""
    ) -> Action:
        """Ask one interview question."""

    def review(self, table: Any, count: int) -> Action:
        """Show every answer; return finish, quit or change."""
