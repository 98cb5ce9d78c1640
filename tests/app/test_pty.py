"""Drive the installed command in a real pseudo-terminal: answer, back, Ctrl-C, resume, finish."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from tests.conftest import MINIMAL, default_sigint

pexpect = pytest.importorskip("pexpect")


def command() -> list[str]:
    found = shutil.which("htscreen", path=str(Path(sys.executable).parent))
    return [found] if found else [sys.executable, "-m", "screen"]


def spawn(args: list[str], tmp_path: Path):
    cmd = command() + args
    env = {
        **os.environ,
        "HTSCREEN_DATA": str(tmp_path / "data"),
        "TERM": "xterm",
        "COLUMNS": "80",
    }
    return pexpect.spawn(
        cmd[0],
        cmd[1:],
        env=env,
        encoding="utf-8",
        timeout=20,
        dimensions=(40, 80),
        preexec_fn=default_sigint,
    )


def test_interview_in_a_terminal(tmp_path: Path) -> None:
    save, report = tmp_path / "s.json", tmp_path / "r.md"
    args = [
        "interview",
        "--rules",
        str(MINIMAL),
        "--offence",
        "immigration",
        "--save",
        str(save),
        "--case-ref",
        "PTY-1",
        "--report",
        str(report),
        "--plain",
    ]
    child = spawn(args, tmp_path)
    child.expect("1 of 4")
    child.expect("in danger right now")
    child.send("n")
    child.expect("How old are you")
    child.sendline("30")
    child.expect("passport or ID")
    child.send("b")
    child.expect("How old are you")
    child.expect(r"previous answer|>")
    child.sendline("31")
    child.expect("passport or ID")
    child.send("n")
    child.expect("Who has them now")
    child.send("?")
    child.expect("sign of control")
    child.send("2")
    child.expect("leave your work")
    child.sendcontrol("c")
    child.expect("Resume it with")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert save.stat().st_mode & 0o777 == 0o600

    child = spawn(args, tmp_path)
    child.expect("Resume the unfinished interview")
    child.send("y")
    child.expect("leave your work")
    child.send("n")
    child.expect("REVIEW")
    child.sendline("")
    child.expect("Officer's notes")
    child.sendline("seen at the farm gate")
    child.expect("Report written")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    text = report.read_text()
    assert "PTY-1" in text and "| 31 |" in text and "My employer" in text
    assert "seen at the farm gate" in text and "L3" in text


def test_a_note_started_interview_in_a_terminal(tmp_path: Path) -> None:
    """Confirm two proposals, reject one, leave one unknown, answer the rest, read the report."""
    from tests.conftest import DATA

    save, report = tmp_path / "s.json", tmp_path / "r.md"
    args = [
        "interview",
        "--rules",
        str(MINIMAL),
        "--form",
        "full",
        "--note",
        str(DATA / "inputs" / "followup.jsonl"),
        "--note-id",
        "F-1",
        "--save",
        str(save),
        "--case-ref",
        "PTY-2",
        "--report",
        str(report),
        "--plain",
    ]
    child = spawn(args, tmp_path)
    # safety comes first, before the note's proposals
    child.expect("Are you in danger right now")
    child.send("n")
    child.expect("FROM THE NOTE · 1 of 4")
    child.expect("How old are you")
    child.expect("34 y/o")
    child.send("y")
    child.expect("Are you paid")
    child.expect("never paid")
    child.send("u")
    child.expect(r"Do you have your passport or ID with you\? → no")
    child.expect("Who has them now")
    child.expect("proposed answer: My employer")
    child.send("y")
    child.expect("Can you leave your work")
    child.send("n")
    # nothing left could change the level; the officer goes on to the rest anyway
    child.expect(r"Go on to the other 2\s+questions of the form")
    child.send("y")
    child.expect("Are you paid")  # set aside as unknown, so asked with the rest
    child.send("n")
    child.expect("How many hours a day")
    child.sendline("14")
    child.expect("REVIEW")
    child.sendline("")
    child.expect("Officer's notes")
    child.sendline("")
    child.expect("L3 · REFER FOR SPECIALIST ASSESSMENT")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    text = report.read_text()
    assert "Started from the note:" in text
    assert "| How old are you? | 34 |  | confirmed from the note: «" in text
    assert "| Are you paid for your work? | no |  | answered by the person |" in text
    assert "| yes | what the note seemed to say is not so | observed by the officer |" in text
    assert "- paid = no: not known — «" in text


def test_q_saves_and_exits_0_and_ctrl_c_exits_130(tmp_path: Path) -> None:
    save = tmp_path / "s.json"
    args = ["interview", "--rules", str(MINIMAL), "--offence", "immigration"]
    args += ["--save", str(save), "--case-ref", "PTY-Q", "--plain"]
    child = spawn(args, tmp_path)
    child.expect("in danger right now")
    child.send("n")
    child.expect("How old are you")
    child.sendline("q")
    child.expect_exact(f"Interview saved to {save} (not finished).")
    child.expect_exact(f"Resume it with: htscreen interview --save {save}")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert save.stat().st_mode & 0o777 == 0o600

    child = spawn(args, tmp_path)
    child.expect("Resume the unfinished interview")
    child.send("y")
    child.expect("How old are you")
    child.sendcontrol("c")
    child.expect("interrupted")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
