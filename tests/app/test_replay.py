"""A note-started interview replayed from an answers file, and what batch tells an analyst."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from screen.app import session
from screen.app import storage as store
from screen.app.notes import NoteStart, fingerprint
from screen.app.session import InterviewRequest
from screen.interview.protocol import Action
from screen.results import ScreenResult
from screen.screening import Note
from tests.conftest import DATA, MINIMAL, run_cli

RULES = ("--rules", str(MINIMAL))
FOLLOWUP = DATA / "inputs" / "followup.jsonl"
ANSWERS = DATA / "answers" / "followup.yaml"
NOTE_REPLAY = (
    "interview",
    "--note",
    str(FOLLOWUP),
    "--note-id",
    "F-1",
    "--answers",
    str(ANSWERS),
    "--case-ref",
    "F-1",
    *RULES,
)
STAMP = re.compile(
    r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00"
    r"|\d{4}-\d\d-\d\d \d\d:\d\d (?:\S+ )?\(UTC(?:[+-]\d\d:\d\d)?\)"
)


def stable(text: str) -> str:
    return STAMP.sub("<time>", text).replace(str(DATA), "DATA")


def test_note_replay_panel_and_report(tmp_path: Path, golden) -> None:
    report = tmp_path / "r.md"
    result = run_cli(*NOTE_REPLAY, "--plain", "--report", str(report))
    assert result.code == 0, result.stderr
    golden.check("interview/followup.panel.txt", result.stdout.replace(str(report), "REPORT"))
    text = report.read_text()
    golden.check("interview/followup.report.markdown", stable(text))
    assert "| answered by the person |" in text and "| observed by the officer |" in text
    assert "confirmed from the note: «" in text and "free-to-leave = no: not so" in text


def test_note_replay_json_report_keeps_the_note_reference(tmp_path: Path) -> None:
    report = tmp_path / "r.json"
    result = run_cli(*NOTE_REPLAY, "--report", str(report), "--report-format", "json")
    assert result.code == 0, result.stderr
    data = json.loads(report.read_text())
    note = data["interview"]["note"]
    assert note["ref"].endswith("followup.jsonl#F-1")
    assert note["resolved"] == {
        "person-age": "confirmed",
        "paid": "confirmed",
        "who-holds-documents": "confirmed",
        "free-to-leave": "rejected",
    }
    sources = {a["question"]: a["source"] for a in data["interview"]["answers"]}
    assert sources["who-holds-documents"] == "note" and sources["safety-now"] == "person"
    assert data["recommendation"]["level"] == "L3"


def test_the_note_on_stdin_with_answers(tmp_path: Path) -> None:
    text = (DATA / "inputs" / "followup.txt").read_bytes()
    result = run_cli(
        "interview",
        "--offence",
        "labour_dispute",
        "--note",
        "-",
        "--answers",
        str(ANSWERS),
        "--plain",
        *RULES,
        stdin=text,
    )
    assert result.code == 0, result.stderr
    assert "L3 · REFER FOR SPECIALIST ASSESSMENT" in result.stdout


def test_spanish_proposals_keep_the_snippet_as_written(tmp_path: Path) -> None:
    report = tmp_path / "r.json"
    result = run_cli(
        *NOTE_REPLAY, "--lang", "es", "--report", str(report), "--report-format", "json"
    )
    assert result.code == 0, result.stderr
    data = json.loads(report.read_text())
    assert data["interview"]["lang"] == "es"
    assert "mgr has her ppt" in data["interview"]["note"]["proposals"][2]["snippet"]


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (("--note-id", "F-1"), 2, "--note"),
        (("--note", str(FOLLOWUP)), 2, "--note-id"),
        (("--note", str(FOLLOWUP), "--note-id", "nope"), 4, "no record with id 'nope'"),
    ],
)
def test_note_options_that_cannot_work(args, code: int, words: str) -> None:
    result = run_cli("interview", *args, "--answers", str(ANSWERS), *RULES)
    assert result.code == code and words in result.stderr
    assert "farm" not in result.stderr  # never the note's text


class Following:
    """A prompter that confirms, rejects or leaves proposals and answers questions by script."""

    def __init__(self, proposals: dict[str, str], answers: dict[str, str], rest: bool) -> None:
        self.proposals, self.answers, self.rest = proposals, answers, rest
        self.asked: list[str] = []
        self.proposed: list[str] = []
        self.shown: list[str] = []

    def show(self, renderable: object) -> None:
        self.shown.append(str(renderable))

    def pause(self) -> None:
        pass

    def choose_offence(self, flows) -> str:
        raise AssertionError("the offence comes from the note's record")

    def text(self, prompt: str) -> str:
        return ""

    def confirm(self, prompt: str) -> bool:
        return prompt.startswith("Resume") or self.rest

    def ask(self, question, lang, position, previous="", remarks=()):
        self.asked.append(question.id)
        return Action("answer", self.answers.get(question.id, "skip"))

    def propose(self, proposal, question, lang, position, gate=None):
        self.proposed.append(question.id)
        return Action(self.proposals.get(question.id, "unknown"))

    def review(self, table, count):
        return Action("finish")


def start_for(rulebook, text: str) -> NoteStart:
    from screen.app.rulebooks import compile_checked
    from screen.screening import Screener

    note = Note("F-1", text, None, "labour_dispute")
    result: ScreenResult = Screener(compile_checked(rulebook, None)).screen(note)
    return NoteStart("notes.jsonl#F-1", fingerprint(text), note, result)


TEXT = (DATA / "inputs" / "followup.txt").read_text()


def test_a_note_started_interview_asks_fewer_questions(minimal, tmp_path: Path) -> None:
    request = InterviewRequest(case_ref="", save=tmp_path / "s.json", form="full")
    prompter = Following({}, {"safety-now": "no"}, rest=False)
    prompter.proposals = {q: "confirm" for q in ("person-age", "who-holds-documents", "paid")}
    prompter.proposals["free-to-leave"] = "reject"
    interview, rec, _ = session.run_interactive(
        minimal, request, prompter, tmp_path, start_for(minimal, TEXT)
    )
    assert prompter.proposed == ["person-age", "paid", "who-holds-documents", "free-to-leave"]
    assert prompter.asked == ["safety-now"]
    assert rec.level == "L3" and interview.finished


def test_going_on_to_the_rest_of_the_form(minimal, tmp_path: Path) -> None:
    request = InterviewRequest(case_ref="", save=tmp_path / "s.json", form="full")
    prompter = Following({"person-age": "confirm"}, {"safety-now": "no"}, rest=True)
    interview, _, _ = session.run_interactive(
        minimal, request, prompter, tmp_path, start_for(minimal, TEXT)
    )
    assert "hours-per-day" in prompter.asked  # sets nothing, so only asked on request


def test_resuming_against_a_changed_note_says_so(minimal, tmp_path: Path) -> None:
    save = tmp_path / "s.json"
    first = start_for(minimal, TEXT)
    interview = session.new_interview(minimal, InterviewRequest(), "labour_dispute", first)
    store.save_json(save, interview.to_dict())
    prompter = Following({}, {}, rest=False)
    changed = start_for(minimal, TEXT + " Edited later.")
    session.run_interactive(
        minimal, InterviewRequest(case_ref="", save=save), prompter, tmp_path, changed
    )
    assert any("has changed since this interview was saved" in s for s in prompter.shown)


def test_batch_records_at_l3_and_l4_carry_the_questions_that_would_settle_them() -> None:
    notes = b'{"id": "W", "offence": "labour_dispute", "text": "V was never paid"}\n'
    result = run_cli("batch", "-f", "jsonl", "-", *RULES, stdin=notes)
    record = json.loads(result.stdout)
    assert record["level"] == "L4"
    asked = [q["id"] for q in record["next_questions"]]
    assert asked == ["person-age", "has-documents", "free-to-leave"]
    # a minor in unpaid work settles it alone, so the age comes first
    assert record["next_questions"][0]["would_reach"] == "L1"
    assert record["next_questions"][0]["answer"] == "under 18"
    assert record["next_questions"][1]["text"] == "Do you have your passport or ID with you?"
    table = run_cli("batch", "-f", "csv", "-", *RULES, stdin=notes)
    row = next(csv.DictReader(io.StringIO(table.stdout)))
    assert row["next_questions"].startswith("person-age: How old are you?")


def test_records_that_need_nothing_more_carry_no_questions() -> None:
    notes = b'{"id": "N", "text": "Noise complaint, music turned down."}\n'
    record = json.loads(run_cli("batch", "-f", "jsonl", "-", *RULES, stdin=notes).stdout)
    assert record["level"] == "L5" and record["next_questions"] == []


def test_an_alias_bomb_in_the_answers_is_refused_at_once(tmp_path: Path) -> None:
    levels = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    levels += [f"{c}: &{c} [{', '.join(['*' + p] * 10)}]" for p, c in zip("abcde", "bcdef")]
    (tmp_path / "bomb.yaml").write_text("\n".join(levels) + "\n")  # 10^6 strings
    result = run_cli("interview", "--answers", str(tmp_path / "bomb.yaml"), *RULES)
    assert result.code == 4
    assert "anchors and aliases are not allowed" in result.stderr and "bomb.yaml:1" in result.stderr


def test_an_answers_file_over_the_limit_is_refused(tmp_path: Path) -> None:
    (tmp_path / "big.yaml").write_text("q: " + "x" * (1024 * 1024) + "\n")
    result = run_cli("interview", "--answers", str(tmp_path / "big.yaml"), *RULES)
    assert result.code == 4 and "byte limit for answers" in result.stderr
