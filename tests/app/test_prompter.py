"""The terminal prompter, with scripted keys and a recording console."""

from __future__ import annotations

import io
import re

from rich.console import Console

from screen.app.labels import LABELS, SECTIONS
from screen.app.prompter import TerminalPrompter
from screen.model import localise


def prompter(
    keys: list[str], lines: list[str] | None = None, lang: str = "en"
) -> tuple[TerminalPrompter, io.StringIO]:
    buffer = io.StringIO()
    console = Console(file=buffer, width=80, color_system=None)
    p = TerminalPrompter(console, plain=True, lang=lang)
    key_iter, line_iter = iter(keys), iter(lines or [])
    p._key = lambda: next(key_iter)  # type: ignore[method-assign]
    p._line = lambda prompt: next(line_iter)  # type: ignore[method-assign]
    return p, buffer


def test_spanish_question_with_spanish_controls_and_the_same_keys(minimal) -> None:
    p, out = prompter(["n"])
    action = p.ask(minimal.question("safety-now"), "es", (1, 4))
    text = out.getvalue()
    assert action.kind == "answer" and action.value == "no"
    assert "¿Está en peligro ahora mismo?" in text and "1 de 4" in text
    assert "y sí · n no" in text and "s omitir" in text and " of " not in text
    assert "SEGURIDAD · 1 de 4" in text and "SAFETY" not in text


def test_help_then_note_then_answer(minimal) -> None:
    p, out = prompter(["?", "+", "y"], ["locked gate"])
    action = p.ask(minimal.question("safety-now"), "en", (1, 4))
    assert (action.kind, action.value, action.note) == ("answer", "yes", "locked gate")
    assert "Ask first." in out.getvalue()


def test_choice_keys_and_controls(minimal) -> None:
    question = minimal.question("who-holds-documents")
    p, _ = prompter(["x", "2"])
    assert p.ask(question, "en", (4, 5)).value == "2"
    p, _ = prompter(["b"])
    assert p.ask(question, "en", (4, 5)).kind == "back"
    p, _ = prompter(["q"])
    assert p.ask(question, "en", (4, 5)).kind == "quit"


def test_number_question_reads_a_line(minimal) -> None:
    p, _ = prompter([], ["17"])
    assert p.ask(minimal.question("person-age"), "en", (2, 4)).value == "17"
    p, _ = prompter([], ["d"])
    assert p.ask(minimal.question("person-age"), "en", (2, 4)).value == "declined"


def test_offence_menu(minimal) -> None:
    p, out = prompter(["9", "4"])
    assert p.choose_offence(minimal.flows) == "labour_dispute"
    assert "Labour dispute" in out.getvalue()


def test_offence_menu_in_the_interview_language(shipped) -> None:
    p, out = prompter(["4"], lang="es")
    assert p.choose_offence(shipped.flows) == shipped.flows[3].offence
    text = out.getvalue()
    assert "¿Por qué motivo intervino con esta persona?" in text and "Pulse 1-" in text
    assert "What brought you" not in text
    for flow in shipped.flows:
        assert localise(flow.title, "es") in text
        assert localise(flow.title, "es") != localise(flow.title, "en")


def test_confirm_names_the_keys_in_spanish_and_takes_y_or_n(minimal) -> None:
    p, out = prompter(["s", "x", "y"], lang="es")  # 's' is skip elsewhere, so it is not a yes here
    assert p.confirm("¿Reanudar?") is True
    assert "[y sí / n no]" in out.getvalue()
    p, _ = prompter(["n"], lang="es")
    assert p.confirm("¿Reanudar?") is False


def test_every_label_has_both_languages() -> None:
    assert set(LABELS["en"]) == set(LABELS["es"])
    for lang, table in LABELS.items():
        for key, text in table.items():
            fields = set(re.findall(r"{(\w+)}", LABELS["en"][key]))
            assert set(re.findall(r"{(\w+)}", text)) == fields, (lang, key)


HOSTILE = "[/b] [bold]x \x1b[2J\x1b]0;owned\x07 \u202etxt"
"""A closing tag with no opening one, an escape sequence, a title change, a bidi override."""


def test_markup_and_escapes_in_answers_never_reach_the_terminal(minimal, tmp_path) -> None:
    from screen.app import session

    keys = ["n", "n", "2", "y"]  # safety-now, has-documents, who holds (employer), free?
    lines = ["+", HOSTILE, "30", "", HOSTILE, "", HOSTILE]
    p, out = prompter(keys, lines)
    request = session.InterviewRequest(
        offence="immigration", case_ref=HOSTILE, save=tmp_path / "s.json"
    )
    interview, _, _ = session.run_interactive(minimal, request, p)
    shown = out.getvalue()
    assert interview.answers["person-age"].note == HOSTILE.strip()
    assert "\x1b" not in shown and "\x07" not in shown and "\u202e" not in shown
    assert "[/b] [bold]x \\x1b[2J\\x1b]0;owned\\x07 \\u202etxt" in shown.replace("\n", "")


def test_a_non_utf8_byte_typed_at_the_prompt_is_kept_and_saved(minimal, tmp_path) -> None:
    from screen.app import session
    from screen.app import storage as store

    typed = iter(["+", "caf\udce9 gate \ud800", "30", "", ""])  # 0xE9 as stdin delivers it
    buffer = io.StringIO()
    console = Console(file=buffer, width=80, color_system=None)
    console.input = lambda prompt="", **_: next(typed)  # type: ignore[method-assign]
    p = TerminalPrompter(console, plain=True)
    keys = iter(["n", "y", "n"])
    p._key = lambda: next(keys)  # type: ignore[method-assign]
    save = tmp_path / "s.json"
    request = session.InterviewRequest(offence="immigration", case_ref="", save=save)
    interview, _, _ = session.run_interactive(minimal, request, p)
    assert interview.answers["person-age"].note == "caf\ufffd gate \ufffd"
    saved = {a["question"]: a for a in store.load_json(save)["answers"]}
    assert (
        saved["person-age"]["note"] == "caf\ufffd gate \ufffd"
        and saved["person-age"]["value"] == "30"
    )


def test_every_shipped_question_section_has_a_spanish_heading(shipped) -> None:
    sections = {question.section for question in shipped.questions}
    assert sections and sections <= set(SECTIONS["es"])
