"""Privacy: note text and answers never reach stderr or error messages; files are owner-only;
nothing opens a network connection."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import DATA, MINIMAL, ROOT, run_cli

RULES = ("--rules", str(MINIMAL))
MARK = "QQPRIVATE7QQ"


def assert_private(result, *, code: int) -> None:
    assert result.code == code, result.stderr
    assert MARK not in result.stderr
    for line in result.stdout.splitlines():  # error records name the problem, not the text
        if line.startswith("{") and json.loads(line).get("error"):
            assert MARK not in json.loads(line)["error"]


@pytest.mark.parametrize(
    ("name", "body", "extra"),
    [
        ("bad.jsonl", '{"id": "a", "text": "' + MARK + "\n", ()),
        ("bad2.jsonl", '{"id": "a", "text": "' + MARK + '", }\n', ()),
        ("ctl.jsonl", '{"id": "a", "text": "' + MARK + '\x01"}\n', ()),
        ("notobj.jsonl", '["' + MARK + '"]\n', ()),
        (
            "field.jsonl",
            '{"id": "a", "narrative": 5, "note": "' + MARK + '"}\n',
            ("--text-field", "narrative"),
        ),
        ("nofield.jsonl", '{"id": "a", "body2": "' + MARK + '"}\n', ("--text-field", "missing")),
        ("count.csv", f"id,text\n1,{MARK},extra,cells\n", ()),
        ("deep.jsonl", '{"id": "a", "text": ' + "[" * 100_000 + '"' + MARK + '"}\n', ()),
    ],
)
def test_bad_records_never_echo_note_text(tmp_path: Path, name: str, body: str, extra) -> None:
    (tmp_path / name).write_text(body)
    for fmt in ("jsonl", "csv", "table"):
        result = run_cli("batch", str(tmp_path / name), "-f", fmt, *extra, *RULES)
        assert_private(result, code=4)
        if fmt == "csv":
            rows = result.stdout.splitlines()[1:]
            assert rows and all(MARK not in row.split(",", 7)[-1] for row in rows)


@pytest.mark.parametrize("encoding", ["utf-8", "ascii"])
def test_decode_errors_never_echo_note_text(tmp_path: Path, encoding: str) -> None:
    payload = MARK.encode() + b" \xff\xfe " + MARK.encode()
    (tmp_path / "a.txt").write_bytes(payload)
    (tmp_path / "b.jsonl").write_bytes(b'{"id": "x", "text": "' + payload + b'"}\n')
    (tmp_path / "c.csv").write_bytes(b"id,text\n1," + payload + b"\n")
    for name in ("a.txt", "b.jsonl", "c.csv"):
        result = run_cli(
            "batch", str(tmp_path / name), "-f", "jsonl", "--encoding", encoding, *RULES
        )
        assert_private(result, code=4)


@pytest.mark.parametrize(
    "content",
    [
        f"safety-now: {MARK}\n",
        f"person-age: {MARK}\n",
        f"person-age: 500 {MARK}\n",
        f"safety-now: [{MARK}\n",
        f"- {MARK}\n",
        f'{{"safety-now": "{MARK}"',
    ],
)
def test_bad_answers_file_never_echoes_answers(tmp_path: Path, content: str) -> None:
    answers = tmp_path / ("a.json" if content.startswith("{") else "a.yaml")
    answers.write_text(content)
    result = run_cli("interview", "--offence", "other", "--answers", str(answers), *RULES)
    assert result.code == 4 and MARK not in result.stderr and MARK not in result.stdout


def test_unwritable_report_never_echoes_answers(tmp_path: Path) -> None:
    answers = tmp_path / "a.yaml"
    answers.write_text(
        f"safety-now: no\nperson-age: 30\nfree-to-leave: {{answer: no, note: {MARK}}}\n"
    )
    for report in (tmp_path / "none" / "r.md", tmp_path):
        result = run_cli(
            "interview",
            "--offence",
            "domestic_abuse",
            "--answers",
            str(answers),
            "--report",
            str(report),
            *RULES,
        )
        assert result.code == 4 and MARK not in result.stderr


def test_damaged_saved_interview_message_holds_no_answers(tmp_path: Path) -> None:
    from screen.app import storage as store
    from screen.errors import InputError

    for body in ('{"answers": "' + MARK, '["' + MARK + '"]', '{"answers": 5, "x": "' + MARK + '"}'):
        (tmp_path / "s.json").write_text(body)
        with pytest.raises(InputError) as caught:
            store.load_json(tmp_path / "s.json")
        assert MARK not in str(caught.value)


def test_internal_error_message_holds_no_data(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import screen.screening

    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError(f"bad note {MARK}")

    monkeypatch.setattr(screen.screening.Screener, "screen", broken)
    monkeypatch.delenv("HTSCREEN_DEBUG", raising=False)
    (tmp_path / "n.jsonl").write_text(json.dumps({"id": "a", "text": MARK}) + "\n")
    result = run_cli("batch", str(tmp_path / "n.jsonl"), "-f", "jsonl", *RULES)
    assert result.code == 70 and "ValueError" in result.stderr and MARK not in result.stderr


# --- files at rest ----------------------------------------------------------------------------


def test_reports_saves_and_outputs_are_owner_only(tmp_path: Path) -> None:
    old = os.umask(0o022)  # a permissive umask must not widen the files
    try:
        for fmt in ("markdown", "html", "json"):
            report = tmp_path / f"r.{fmt}"
            result = run_cli(
                "interview",
                "--offence",
                "labour_dispute",
                "--form",
                "full",
                "--answers",
                str(DATA / "answers" / "labour.yaml"),
                "--report",
                str(report),
                "--report-format",
                fmt,
                *RULES,
            )
            assert result.code == 0 and stat.S_IMODE(report.stat().st_mode) == 0o600
        for fmt in ("jsonl", "csv", "json"):
            out = tmp_path / f"o.{fmt}"
            assert (
                run_cli(
                    "batch", str(DATA / "inputs" / "small.csv"), "-f", fmt, "-o", str(out), *RULES
                ).code
                == 0
            )
            assert stat.S_IMODE(out.stat().st_mode) == 0o600
        from screen.app import storage as store

        store.save_json(tmp_path / "s.json", {"answers": []})
        assert stat.S_IMODE((tmp_path / "s.json").stat().st_mode) == 0o600
    finally:
        os.umask(old)


def test_default_interview_folder_is_owner_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from screen.app import session

    monkeypatch.setenv("HTSCREEN_DATA", str(tmp_path / "deep" / "interviews"))
    from screen.app.environment import current

    path = session.save_path(session.InterviewRequest(), current().data)
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


# --- no network -------------------------------------------------------------------------------

GUARD = textwrap.dedent("""
    import os, socket, sys

    LOG = os.environ["HTSCREEN_NET_LOG"]

    def hook(event, args):
        if event == "socket.__new__" and args[1] not in (socket.AF_UNIX, -1):
            bad = f"{event} family={args[1]}"
        elif event in ("socket.connect", "socket.bind", "socket.sendto") and not isinstance(
                args[1], (str, bytes)):
            bad = f"{event} {args[1]!r}"
        elif event in ("socket.getaddrinfo", "socket.gethostbyname", "urllib.Request",
                       "http.client.connect"):
            bad = event
        else:
            return
        with open(LOG, "a") as handle:
            handle.write(bad + "\\n")
        raise RuntimeError("network use is not allowed: " + bad)

    sys.addaudithook(hook)
""")


@pytest.fixture
def no_network(tmp_path: Path) -> tuple[dict[str, str], Path]:
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(GUARD)
    log = tmp_path / "net.log"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(site), str(ROOT)]),
        "HTSCREEN_NET_LOG": str(log),
        "HTSCREEN_DATA": str(tmp_path / "d"),
        "NO_COLOR": "1",
    }
    return env, log


def test_the_guard_catches_a_connection(no_network) -> None:
    env, log = no_network
    probe = "import socket; socket.create_connection(('127.0.0.1', 9))"
    result = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, check=False
    )
    assert result.returncode != 0 and log.exists()


def test_interview_replay_and_batch_open_no_network(no_network, tmp_path: Path) -> None:
    env, log = no_network
    runs = [
        [
            "interview",
            "--offence",
            "labour_dispute",
            "--form",
            "full",
            "--answers",
            str(DATA / "answers" / "labour.yaml"),
            "--report",
            str(tmp_path / "r.html"),
            "--report-format",
            "html",
            *RULES,
        ],
        [
            "batch",
            str(ROOT / "examples" / "incident-notes.csv"),
            "-f",
            "jsonl",
            "-o",
            str(tmp_path / "o.jsonl"),
        ],
        ["batch", str(DATA / "inputs" / "small.csv"), "-f", "csv", "--jobs", "2", *RULES],
        ["rules", "validate"],
    ]
    for args in runs:
        result = subprocess.run(
            [sys.executable, "-m", "screen", *args],
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        assert result.returncode == 0, (args, result.stderr[-500:])
    assert not log.exists(), log.read_text()
