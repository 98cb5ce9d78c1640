"""The terminal prompter: the only module that reads the keyboard.

Single keys for yes/no and choice questions, a line for numbers and text.
Ctrl-C raises KeyboardInterrupt and end of input raises EOFError; the session
turns both into a saved, resumable interview.
"""

from __future__ import annotations

import re
from typing import Any

import typer
from rich.console import Console
from rich.text import Text

from screen.app.labels import label, section_name
from screen.app.render import as_text
from screen.interview.proposals import Proposal
from screen.interview.protocol import Action
from screen.model import OffenceFlow, Question, QuestionType, localise

_SPECIAL_KEYS = {"u": "unknown", "d": "declined", "s": "skip"}

WORDS = {
    "en": {
        "heading": "FROM THE NOTE",
        "from": "From the note",
        "suggested": "Suggested by the note's wording (no rule found it; check it)",
        "keys": "y confirm · n not so · u unknown · ? help · b back · q save & quit",
        "answer": "proposed answer",
        "mentions": "The note mentions this",
        "negated": "but negated",
        "hypothetical": "only as a possibility",
        "historical": "only in the past",
        "other_person": "about someone else",
        "confirm": "confirmed",
        "reject": "not so",
        "unknown": "unknown",
    },
    "es": {
        "heading": "DE LA NOTA",
        "from": "De la nota",
        "suggested": "Sugerido por la redacción de la nota (ninguna regla lo halló; compruébelo)",
        "keys": "y confirmar · n no es así · u se desconoce · ? ayuda · b atrás · q guardar",
        "answer": "respuesta propuesta",
        "mentions": "La nota menciona esto",
        "negated": "pero negado",
        "hypothetical": "solo como posibilidad",
        "historical": "solo en el pasado",
        "other_person": "sobre otra persona",
        "confirm": "confirmado",
        "reject": "no es así",
        "unknown": "se desconoce",
    },
}
"""The words of a note-started interview, in each language the questions are asked in."""


def words(lang: str) -> dict[str, str]:
    """The interface words for ``lang`` (English when the rulebook has a language we lack)."""
    return WORDS.get(lang, WORDS["en"])


class TerminalPrompter:
    """Asks questions in a terminal with Rich."""

    def __init__(self, console: Console, plain: bool = False, lang: str = "en") -> None:
        self.console = console
        self.plain = plain
        self.lang = lang
        """The language of the officer's prompts (the interview's; English if we lack it)."""

    def _key(self) -> str:
        return typer.getchar().lower()

    def _line(self, prompt: str) -> str:
        return readable(self.console.input(prompt))

    def show(self, renderable: Any) -> None:
        """Print anything renderable; a string is printed as text, never as markup."""
        self.console.print(as_text(renderable) if isinstance(renderable, str) else renderable)

    def pause(self) -> None:
        """Wait for any key."""
        self._key()

    def choose_offence(self, flows: tuple[OffenceFlow, ...]) -> str:
        """Menu of cover offences; return the chosen one."""
        self.console.print()
        self.console.print(Text(label(self.lang, "what_brought"), style="bold"))
        for number, flow in enumerate(flows, start=1):
            self.console.print(as_text(f"  {number}  {localise(flow.title, self.lang)}"))
        while True:
            self.console.print(label(self.lang, "press_range", count=str(len(flows))), end="")
            key = self._key()
            self.console.print(key)
            if key.isdigit() and 1 <= int(key) <= len(flows):
                return flows[int(key) - 1].offence

    def text(self, prompt: str) -> str:
        """Read a line of free text."""
        return self._line(prompt).strip()

    def confirm(self, prompt: str) -> bool:
        """Ask a yes/no question of the officer."""
        self.console.print(as_text(f"{prompt} {label(self.lang, 'yes_no')} "), end="")
        while True:
            key = self._key()
            if key in ("y", "n"):
                self.console.print(key)
                return key == "y"

    def ask(
        self,
        question: Question,
        lang: str,
        position: tuple[int, int],
        previous: str = "",
        remarks: tuple[tuple[str, str], ...] = (),
    ) -> Action:
        """Ask one question until the officer answers, goes back or quits."""
        note = ""
        while True:
            self._header(question, lang, position, previous, note)
            for status, snippet in remarks:
                said = words(lang)
                self.console.print(
                    as_text(
                        f"{said['mentions']}, {said.get(status, status)}: «{snippet}»", "italic"
                    )
                )
            action = self._read(question, lang)
            if action.kind == "help":
                self.console.print(as_text(localise(question.help, lang), "italic", lines=True))
                continue
            if action.kind == "note":
                note = self.text(label(lang, "note_prompt"))
                continue
            return Action(action.kind, action.value, note)

    def propose(
        self,
        proposal: Proposal,
        question: Question,
        lang: str,
        position: tuple[int, int],
        gate: Question | None = None,
    ) -> Action:
        """Show an answer the note proposes until the officer confirms, rejects or leaves it."""
        said = words(lang)
        while True:
            self.console.print()
            self.console.print(_position(lang, said["heading"], position))
            if gate is not None and proposal.gate is not None:
                shown = _shown(gate, proposal.gate[1], lang)
                self.console.print(as_text(f"{localise(gate.text, lang)} → {shown}", "bold"))
            self.console.print(as_text(localise(question.text, lang), "bold"))
            source = said["suggested"] if proposal.suggested else said["from"]
            self.console.print(as_text(f"{source}: «{proposal.snippet}»"))
            self.console.print(
                as_text(f"{said['answer']}: {_shown(question, proposal.value, lang)}")
            )
            self.console.print(Text(said["keys"], style="dim"))
            key = self._key()
            if key == "?":
                self.console.print(as_text(localise(question.help, lang), "italic", lines=True))
                continue
            kind = {"y": "confirm", "n": "reject", "u": "unknown", "b": "back", "q": "quit"}
            if key in kind:
                if kind[key] in said:
                    self.console.print(said[kind[key]])
                return Action(kind[key])

    def _header(
        self, question: Question, lang: str, position: tuple[int, int], previous: str, note: str
    ) -> None:
        section = section_name(lang, question.section)
        self.console.print()
        self.console.print(_position(lang, section, position))
        self.console.print(as_text(localise(question.text, lang), "bold"))
        for number, choice in enumerate(question.choices, start=1):
            self.console.print(as_text(f"  {number}  {localise(choice.text, lang)}"))
        if previous:
            self.console.print(as_text(label(lang, "previous", answer=previous), "dim"))
        if note:
            self.console.print(as_text(label(lang, "note_shown", note=note), "dim"))
        keys = {
            "yes_no": label(lang, "keys_yes_no"),
            "choice": label(lang, "keys_choice", count=str(len(question.choices))),
        }
        shown = keys.get(question.type, label(lang, "keys_text")) + label(lang, "controls")
        self.console.print(Text(shown, style="dim"))

    def _read(self, question: Question, lang: str) -> Action:
        if question.type in (QuestionType.YES_NO, QuestionType.CHOICE):
            return self._read_key(question, lang)
        line = self._line("> ").strip()
        if line.lower() in ("b", "q", "?", "+"):
            return _control(line.lower())
        if line.lower() in _SPECIAL_KEYS:
            return Action("answer", _SPECIAL_KEYS[line.lower()])
        return Action("answer", line if line else "skip")

    def _read_key(self, question: Question, lang: str) -> Action:
        while True:
            key = self._key()
            if key in ("b", "q", "?", "+"):
                return _control(key)
            if key in _SPECIAL_KEYS:
                self.console.print(_SPECIAL_KEYS[key])
                return Action("answer", _SPECIAL_KEYS[key])
            if question.type is QuestionType.YES_NO and key in ("y", "n"):
                self.console.print("yes" if key == "y" else "no")
                return Action("answer", "yes" if key == "y" else "no")
            if (
                question.type is QuestionType.CHOICE
                and key.isdigit()
                and 1 <= int(key) <= len(question.choices)
            ):
                choice = question.choices[int(key) - 1]
                self.console.print(as_text(localise(choice.text, lang)))
                return Action("answer", key)

    def review(self, table: Any, count: int) -> Action:
        """Show every answer; return finish, quit, or change with a number."""
        self.console.print()
        self.console.print(Text(label(self.lang, "review_title"), style="bold"))
        self.console.print(table)
        while True:
            line = self._line(label(self.lang, "review_prompt")).strip().lower()
            if line in ("", "f"):
                return Action("finish")
            if line == "q":
                return Action("quit")
            if line.isdigit() and 1 <= int(line) <= count:
                return Action("change", line)


def readable(line: str) -> str:
    """A typed line as valid text: bytes that were not UTF-8 become U+FFFD, never a crash.

    Python hands undecodable input bytes over as lone surrogates, which cannot be
    saved; the rest of the line is kept as typed.
    """
    line = _LONE_SURROGATE.sub("\ufffd", line)
    return line.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


_LONE_SURROGATE = re.compile("[\ud800-\udc7f\udd00-\udfff]")
"""Surrogates that do not stand for an input byte (those are U+DC80 to U+DCFF)."""


def _shown(question: Question, value: str, lang: str) -> str:
    """An answer value as the officer reads it (a choice by its words)."""
    for choice in question.choices:
        if choice.value == value:
            return localise(choice.text, lang)
    return "sí" if lang == "es" and value == "yes" else value


def _control(key: str) -> Action:
    return Action({"b": "back", "q": "quit", "?": "help", "+": "note"}[key])


def _position(lang: str, section: str, position: tuple[int, int]) -> Text:
    """The dim heading over a question: its section and where it is in the form."""
    at, total = str(position[0]), str(position[1])
    return Text(label(lang, "position", section=section, at=at, total=total), style="dim")
