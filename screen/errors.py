"""The error hierarchy: every failure a user can meet, with what to do next.

Exceptions never print. ``cli.py`` holds the one table that maps these
classes to exit codes. Messages never contain incident text or answers.
"""

from __future__ import annotations

from dataclasses import dataclass


class ScreenError(Exception):
    """Base class for errors that are shown to the user."""


class UsageError(ScreenError):
    """The command was called in a way that cannot work (exit 2)."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One located problem in a rulebook."""

    source: str
    line: int
    column: int
    message: str
    hint: str = ""
    severity: str = "error"

    def __str__(self) -> str:
        text = f"{self.source}:{self.line}:{self.column}: {self.message}"
        return f"{text} — {self.hint}" if self.hint else text


class RulebookError(ScreenError):
    """The rulebook is invalid; carries every problem found (exit 3)."""

    def __init__(self, problems: tuple[Problem, ...]) -> None:
        self.problems = problems
        count = len(problems)
        super().__init__(f"the rulebook has {count} problem{'s' if count != 1 else ''}")


class InputError(ScreenError):
    """Input could not be read (exit 4)."""


class ConditionError(ScreenError):
    """A ``when:`` condition could not be parsed."""

    def __init__(self, message: str, position: int) -> None:
        self.position = position
        super().__init__(message)


class InterviewInterrupted(ScreenError):
    """The officer interrupted the interview; the answers so far are saved (exit 130)."""

    def __init__(self, save_path: str) -> None:
        self.save_path = save_path
        super().__init__(f"interview saved to {save_path}")


class OutputError(ScreenError):
    """Output could not be written (exit 4)."""


class OutputClosed(OutputError):
    """Whoever read the output stopped reading (``| head``): exit 0 quietly, like Unix tools."""
