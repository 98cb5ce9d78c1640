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
STAMP = re.compile(
    r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00"
    r"|\d{4}-\d\d-\d\d \d\d:\d\d (?:\S+ )?\(UTC(?:[+-]\d\d:\d\d)?\)"
)


def stable(text: str) -> str:
    return STAMP.sub("<time>", text).replace(str(DATA), "DATA")


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


def test_q_saves_the_interview_unfinished_and_returns_no_result(minimal, tmp_path: Path) -> None:
    save = tmp_path / "s.json"
    request = InterviewRequest(offence="immigration", case_ref="", save=save)
    interview, rec, path = session.run_interactive(
        minimal, request, Scripted([a("no"), Action("quit")])
    )
    assert rec is None and path == save
    saved = store.load_json(save)
    assert saved["finished"] is False and [x["value"] for x in saved["answers"]] == ["no"]


BOX_CHARACTERS = set("+|─━│┃┌┐└┘┏┓┗┛╔╗╚╝═║╭╮╰╯┡┩┠┨")


def test_plain_result_draws_no_boxes_and_ends_with_the_level() -> None:
    result = run_cli(*LABOUR_REPLAY, "--plain", *RULES)
    assert result.code == 0, result.stderr
    assert not BOX_CHARACTERS & set(result.stdout), "--plain must draw no boxes"
    assert not any(line.startswith("---") for line in result.stdout.splitlines())
    last = result.stdout.rstrip("\n").splitlines()[-1]
    assert last == "Result: L3 · REFER FOR SPECIALIST ASSESSMENT — possible trafficking"


def test_result_at_24_rows_shows_the_level() -> None:
    """The level is the last line, so it is on screen however long the panel is."""
    result = run_cli(*LABOUR_REPLAY, *RULES)
    assert result.code == 0, result.stderr
    assert "L3 · REFER" in result.stdout.splitlines()[-1]


def test_spanish_result(tmp_path: Path, golden) -> None:
    report = tmp_path / "r.md"
    result = run_cli(*LABOUR_REPLAY, "--plain", "--lang", "es", "--report", str(report), *RULES)
    assert result.code == 0, result.stderr
    golden.check("interview/labour.es.panel.txt", result.stdout.replace(str(report), "REPORT"))
    golden.check("interview/labour.es.report.markdown", stable(report.read_text()))
    for spanish in ("Razones:", "Próximas preguntas:", "Recursos:", "Resultado: L3 · DERIVAR"):
        assert spanish in result.stdout
    for english in ("Why:", "Next questions", "Resources:", "A strong sign", "Means positive"):
        assert english not in result.stdout


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_a_spanish_result_contains_no_english_indicator_title(minimal, tmp_path: Path, fmt) -> None:
    import html

    report = tmp_path / f"r.{fmt}"
    result = run_cli(
        *LABOUR_REPLAY, "--plain", "--lang", "es", "--report", str(report),
        "--report-format", fmt, *RULES,
    )  # fmt: skip
    assert result.code == 0, result.stderr
    shown = {
        "panel": " ".join(result.stdout.split()),
        "report": " ".join(html.unescape(report.read_text(encoding="utf-8")).split()),
    }
    for where, text in shown.items():
        assert "Otra persona tiene los documentos de la persona" in text, where
        assert "Línea Nacional contra la Trata de Personas" in text, where
        for ind in minimal.indicators:
            assert ind.title not in text, (where, ind.title)
        for res in minimal.decision.resources:
            if res.names:
                assert res.name not in text, (where, res.name)


def test_the_spanish_emergency_panel_names_signs_in_spanish(minimal, tmp_path: Path) -> None:
    from rich.console import Console

    prompter = Scripted([a("yes"), Action("quit")])
    request = InterviewRequest(
        offence="immigration", case_ref="", save=tmp_path / "s.json", lang="es"
    )
    session.run_interactive(minimal, request, prompter)
    console = Console(record=True, width=200)
    for shown in prompter.shown:
        console.print(shown)
    text = console.export_text()
    assert "EMERGENCIA" in text and "Señales: Peligro inmediato" in text
    assert "Immediate danger" not in text and "Emergency services" not in text
    assert "Servicios de emergencia: 911" in text


def test_reasons_name_questions_by_number_and_words_not_ids(tmp_path: Path) -> None:
    report = tmp_path / "r.md"
    result = run_cli(*LABOUR_REPLAY, "--report", str(report), *RULES)
    assert result.code == 0, result.stderr
    text = report.read_text()
    assert 'Q7 "Can you leave your work or home when you want?": answer "no"' in text
    assert 'Q6 "Who has them now?": answer "My employer"' in text
    for internal in ("to free-to-leave", "who-holds-documents", "'employer'", "adult_labour"):
        assert internal not in text and internal not in result.stdout


PEOPLE = (
    "--officer",
    "PC 4411 <Ruiz>",
    "--location",
    "Farm gate & Rd 9",
    "--interpreter",
    "J. Ortega (Spanish)",
)


@pytest.mark.parametrize("fmt", ["markdown", "html", "json"])
def test_officer_location_interpreter_in_every_report(tmp_path: Path, fmt: str) -> None:
    report, save = tmp_path / f"r.{fmt}", tmp_path / "s.json"
    args = (*LABOUR_REPLAY, *PEOPLE, "--report", str(report), "--report-format", fmt, *RULES)
    result = run_cli(*args)
    assert result.code == 0, result.stderr
    text = report.read_text()
    if fmt == "json":
        data = json.loads(text)["interview"]
        assert data["officer"] == "PC 4411 <Ruiz>" and data["location"] == "Farm gate & Rd 9"
        assert data["interpreter"] == "J. Ortega (Spanish)"
        return
    if fmt == "html":
        assert "<dt>Officer</dt><dd>PC 4411 &lt;Ruiz&gt;</dd>" in text
        assert "<dd>Farm gate &amp; Rd 9</dd>" in text and "<Ruiz>" not in text
    else:
        # what the officer typed is escaped: it renders as typed and cannot inject HTML
        assert "- Officer: PC 4411 &lt;Ruiz&gt;" in text and "<Ruiz>" not in text
        assert "- Location: Farm gate &amp; Rd 9" in text
    assert "J. Ortega" in text and "Spanish" in text
    assert str(MINIMAL) in text  # the rulebook's path
    del save


def test_officer_fields_are_saved_and_kept_on_resume(minimal, tmp_path: Path) -> None:
    save = tmp_path / "s.json"
    request = InterviewRequest(
        offence="immigration", case_ref="", save=save, officer="PC 1", location="Depot"
    )
    with pytest.raises(InterviewInterrupted):
        session.run_interactive(minimal, request, Scripted([a("no")]))
    assert store.load_json(save)["officer"] == "PC 1"
    resumed = InterviewRequest(offence="immigration", case_ref="", save=save, interpreter="JO")
    interview, _, _ = session.run_interactive(minimal, resumed, Scripted([a("30"), Action("quit")]))
    assert (interview.officer, interview.location, interview.interpreter) == ("PC 1", "Depot", "JO")


@pytest.fixture
def berlin(monkeypatch: pytest.MonkeyPatch):
    import time

    monkeypatch.setenv("TZ", "CET-1CEST,M3.5.0,M10.5.0/3")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_report_times_are_local_with_the_zone(berlin) -> None:
    from screen.app.report import local_time

    assert local_time("2026-12-02T08:14:05+00:00") == "2026-12-02 09:14 CET (UTC+01:00)"
    assert local_time("2026-07-02T08:14:05+00:00") == "2026-07-02 10:14 CEST (UTC+02:00)"
    assert local_time("not a time") == "not a time"


def test_json_report_times_keep_iso_8601_with_offset(tmp_path: Path, berlin) -> None:
    from datetime import datetime

    report = tmp_path / "r.json"
    result = run_cli(*LABOUR_REPLAY, "--report", str(report), "--report-format", "json", *RULES)
    assert result.code == 0, result.stderr
    data = json.loads(report.read_text())
    for stamp in (data["generated"], data["interview"]["started"]):
        assert datetime.fromisoformat(stamp).utcoffset() is not None
    assert data["generated"].endswith("+01:00") or data["generated"].endswith("+02:00")


def test_markdown_report_shows_local_times(tmp_path: Path, berlin) -> None:
    report = tmp_path / "r.md"
    result = run_cli(*LABOUR_REPLAY, "--report", str(report), *RULES)
    assert result.code == 0, result.stderr
    text = report.read_text()
    assert re.search(
        r"- Interview started: \d{4}-\d\d-\d\d \d\d:\d\d CES?T \(UTC\+0[12]:00\)", text
    )
    assert "+00:00" not in text


def test_missing_spanish_text_falls_back_to_english() -> None:
    from screen.app.labels import label
    from screen.decision.wording import Say

    assert label("fr", "why") == "Why" and label("es", "why") == "Razones"
    assert Say("fr")("consent") == Say("en")("consent")
    assert "fuerte" in Say("es")("strong")
