"""The interview command: replay, reports, saving, and the scripted terminal loop."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from screen.app import session
from screen.app import storage as store
from screen.app.session import InterviewRequest
from screen.errors import InputError, InterviewInterrupted
from screen.interview.protocol import Action
from tests.conftest import DATA, MINIMAL, run_cli

ANSWERS = DATA / "answers"
RULES = ("--rules", str(MINIMAL))
LABOUR_REPLAY = (
    "interview",
    "--offence",
    "labour_dispute",
    "--form",
    "full",
    "--answers",
    str(ANSWERS / "labour.yaml"),
)
STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00")


def stable(text: str) -> str:
    return STAMP.sub("<time>", text)


def test_replay_prints_the_result_panel(golden) -> None:
    result = run_cli(
        *LABOUR_REPLAY,
        "--plain",
        *RULES,
    )
    assert result.code == 0, result.stderr
    golden.check("interview/labour.panel.txt", result.stdout)
    assert "L3 · REFER FOR SPECIALIST ASSESSMENT" in result.stdout


@pytest.mark.parametrize("fmt", ["markdown", "html", "json"])
def test_reports(tmp_path: Path, fmt: str, golden) -> None:
    report = tmp_path / f"r.{fmt}"
    result = run_cli(
        *LABOUR_REPLAY,
        "--case-ref",
        "24-118833",
        "--report",
        str(report),
        "--report-format",
        fmt,
        *RULES,
    )
    assert result.code == 0, result.stderr
    assert report.stat().st_mode & 0o777 == 0o600
    text = report.read_text()
    assert "24-118833" in text and "says the gate is locked at night" in text
    if fmt == "json":
        data = json.loads(text)
        assert data["recommendation"]["level"] == "L3"
        assert data["interview"]["case_ref"] == "24-118833"
        return
    golden.check(f"interview/labour.report.{fmt}", stable(text))


def test_minor_replay_from_json_is_l1() -> None:
    result = run_cli(
        "interview",
        "--offence",
        "prostitution",
        "--answers",
        str(ANSWERS / "minor.json"),
        "--plain",
        *RULES,
    )
    assert result.code == 0 and "L1" in result.stdout


def test_no_terminal_and_no_answers_exits_2() -> None:
    result = run_cli("interview", *RULES)
    assert result.code == 2 and "needs a terminal" in result.stderr


def test_report_into_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    result = run_cli(
        "interview",
        "--offence",
        "other",
        "--answers",
        str(ANSWERS / "minor.json"),
        "--report",
        str(tmp_path / "no" / "r.md"),
        *RULES,
    )
    assert result.code == 4 and "does not exist" in result.stderr


def test_bad_answer_in_file_names_the_question(tmp_path: Path) -> None:
    bad = tmp_path / "a.yaml"
    bad.write_text("safety-now: perhaps\n")
    result = run_cli("interview", "--offence", "other", "--answers", str(bad), *RULES)
    assert result.code == 4 and "safety-now" in result.stderr and "perhaps" not in result.stderr


class Scripted:
    """A prompter that plays a script of actions and records what it was shown."""

    def __init__(self, actions: list[Action], confirm: bool = True) -> None:
        self.actions = actions
        self.asked: list[str] = []
        self.shown: list[object] = []
        self.confirm_answer = confirm

    def show(self, renderable: object) -> None:
        self.shown.append(renderable)

    def pause(self) -> None:
        pass

    def choose_offence(self, flows) -> str:
        return "immigration"

    def text(self, prompt: str) -> str:
        return ""

    def confirm(self, prompt: str) -> bool:
        return self.confirm_answer

    def ask(self, question, lang, position, previous="", remarks=()):
        self.asked.append(question.id)
        if not self.actions:
            raise KeyboardInterrupt
        return self.actions.pop(0)

    def review(self, table, count):
        return self.actions.pop(0) if self.actions else Action("finish")


def a(value: str) -> Action:
    return Action("answer", value)


def test_scripted_loop_with_back_and_emergency(minimal, tmp_path: Path) -> None:
    save = tmp_path / "s.json"
    prompter = Scripted(
        [a("yes"), a("30"), Action("back"), a("31"), a("no"), a("employer"), a("yes")]
    )
    interview, rec, path = session.run_interactive(
        minimal, InterviewRequest(offence="immigration", case_ref="", save=save), prompter
    )
    assert path == save and rec.level == "L0"
    assert prompter.asked[:4] == ["safety-now", "person-age", "has-documents", "person-age"]
    assert any(
        "EMERGENCY" in str(getattr(r, "renderable", "")) or "Panel" in type(r).__name__
        for r in prompter.shown
    )
    assert interview.answers["person-age"].value == "31"
    saved = store.load_json(save)
    assert saved["finished"] is True
    assert save.stat().st_mode & 0o777 == 0o600


def test_interrupt_saves_and_resume_continues(minimal, tmp_path: Path) -> None:
    save = tmp_path / "s.json"
    request = InterviewRequest(offence="immigration", case_ref="", save=save)
    with pytest.raises(InterviewInterrupted) as caught:
        session.run_interactive(minimal, request, Scripted([a("no"), a("30")]))
    assert caught.value.save_path == str(save)
    assert [x["value"] for x in store.load_json(save)["answers"]] == ["no", "30"]
    prompter = Scripted([a("yes"), a("no")])
    interview, rec, _ = session.run_interactive(minimal, request, prompter)
    assert prompter.asked[0] == "has-documents"  # resumed after the saved answers
    assert interview.answers["safety-now"].value == "no"


def test_review_can_change_an_answer(minimal, tmp_path: Path) -> None:
    prompter = Scripted(
        [
            a("no"),
            a("30"),
            a("no"),
            a("employer"),
            a("yes"),
            Action("change", "3"),
            a("yes"),
            Action("finish"),
        ]
    )
    interview, rec, _ = session.run_interactive(
        minimal,
        InterviewRequest(offence="immigration", case_ref="", save=tmp_path / "s.json"),
        prompter,
    )
    assert interview.answers["has-documents"].value == "yes"
    assert "who-holds-documents" not in interview.answers


class Answering(Scripted):
    """A scripted prompter whose yes/no answers to the officer come from a list."""

    def __init__(self, actions: list[Action], confirms: list[bool]) -> None:
        super().__init__(actions)
        self.confirms = confirms

    def confirm(self, prompt: str) -> bool:
        self.shown.append(prompt)
        return self.confirms.pop(0)


def test_interviews_started_in_the_same_second_never_share_a_save(
    minimal, tmp_path: Path, monkeypatch
) -> None:
    from datetime import datetime

    class Frozen(datetime):
        @classmethod
        def now(cls, tz=None):  # type: ignore[override]
            return datetime(2025, 1, 2, 3, 4, 5)

    monkeypatch.setattr(session, "datetime", Frozen)
    request = InterviewRequest(offence="immigration", case_ref="")
    paths = []
    for answer in ("yes", "no"):
        with pytest.raises(InterviewInterrupted) as caught:
            session.run_interactive(minimal, request, Answering([a(answer)], [False]), tmp_path)
        paths.append(Path(caught.value.save_path))
    assert paths[0] != paths[1] and all(
        p.name.startswith("interview-20250102-030405-") for p in paths
    )
    assert [store.load_json(p)["answers"][0]["value"] for p in paths] == ["yes", "no"]
    assert all(p.stat().st_mode & 0o777 == 0o600 for p in paths)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in paths)  # no locks


def test_a_save_open_in_another_run_is_refused_and_not_offered(minimal, tmp_path: Path) -> None:
    from screen.errors import UsageError

    save = tmp_path / "s.json"
    request = InterviewRequest(offence="immigration", case_ref="", save=save)
    with pytest.raises(InterviewInterrupted):
        session.run_interactive(minimal, request, Scripted([a("no")]))
    kept = save.read_bytes()
    with store.locked(save):  # another htscreen is in this interview
        with pytest.raises(UsageError, match="open in another htscreen"):
            session.run_interactive(minimal, request, Scripted([a("yes")]))
        prompter = Answering([a("yes")], [])
        default = InterviewRequest(offence="immigration", case_ref="")
        with pytest.raises(InterviewInterrupted) as caught:
            session.run_interactive(minimal, default, prompter, tmp_path)
    assert Path(caught.value.save_path) != save and save.read_bytes() == kept


@pytest.mark.parametrize(
    "stray", ['{"finished": false, "answers": 5}', "[1, 2]", '{"answers": []}', "\xff{", ""]
)
def test_a_stray_json_file_never_blocks_a_new_interview(minimal, tmp_path: Path, stray) -> None:
    (tmp_path / "stray.json").write_text(stray, encoding="latin-1")
    prompter = Answering([a("no")], [True, True])
    request = InterviewRequest(offence="immigration", case_ref="")
    with pytest.raises(InterviewInterrupted) as caught:
        session.run_interactive(minimal, request, prompter, tmp_path)
    assert Path(caught.value.save_path).name.startswith("interview-")
    assert any("Skipped stray.json" in str(s) for s in prompter.shown)


def test_resuming_with_an_edited_rulebook_never_drops_answers_silently(
    minimal, tmp_path: Path
) -> None:
    save = tmp_path / "s.json"
    saved = session.new_interview(minimal, InterviewRequest(), "immigration").to_dict()
    saved["rulebook"]["sha256"] = "e" * 64  # saved under an earlier rulebook
    saved["answers"] = [
        {"question": "safety-now", "value": "no"},
        {"question": "asked-before-the-edit", "value": "SECRET-ANSWER"},
    ]
    store.save_json(save, saved)
    kept = save.read_bytes()
    request = InterviewRequest(offence="immigration", case_ref="", save=save)
    prompter = Answering([], [True, False])
    with pytest.raises(InputError, match="kept unchanged"):
        session.run_interactive(minimal, request, prompter)
    assert save.read_bytes() == kept
    warning = next(str(s) for s in prompter.shown if "no longer takes" in str(s))
    assert "asked-before-the-edit" in warning and "SECRET" not in warning
    again = Answering([a("30")], [True, True])
    with pytest.raises(InterviewInterrupted):
        session.run_interactive(minimal, request, again)
    assert [x["question"] for x in store.load_json(save)["answers"]] == ["safety-now", "person-age"]
