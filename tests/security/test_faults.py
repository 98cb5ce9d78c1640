"""Faults: Ctrl-C at random moments, a killed interview, a full disk."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from screen.app import storage as store
from screen.errors import OutputError
from tests.conftest import MINIMAL, ROOT, default_sigint

RULES = ("--rules", str(MINIMAL))


def env_for(tmp: Path) -> dict[str, str]:
    return {**os.environ, "HTSCREEN_DATA": str(tmp / "d"), "NO_COLOR": "1", "PYTHONPATH": str(ROOT)}


def write_notes(path: Path, count: int) -> None:
    with path.open("w") as handle:
        for i in range(count):
            text = "V said the boss has her ppt. " * (i % 4 + 1) if i % 3 else f"quiet day {i}"
            handle.write(json.dumps({"id": f"n{i}", "text": text}) + "\n")


def batch_cmd(source: Path, fmt: str = "jsonl") -> list[str]:
    return [sys.executable, "-m", "screen", "batch", str(source), "-f", fmt, *RULES]


@pytest.fixture(scope="module")
def big_input(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes]]:
    folder = tmp_path_factory.mktemp("sigint")
    source = folder / "big.jsonl"
    write_notes(source, 6000)
    full = {}
    for fmt in ("jsonl", "csv"):
        out = folder / f"full.{fmt}"
        subprocess.run([*batch_cmd(source, fmt), "-o", str(out)], env=env_for(folder), check=True)
        full[fmt] = out.read_bytes()
    return source, full


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_sigint_at_a_random_moment_then_resume_equals_one_run(
    big_input, fmt: str, tmp_path: Path
) -> None:
    source, full = big_input
    seed = random.randrange(10**6)
    delay = random.Random(seed).uniform(0.4, 1.8)
    out = tmp_path / f"out.{fmt}"
    proc = subprocess.Popen(
        [*batch_cmd(source, fmt), "-o", str(out)],
        env=env_for(tmp_path),
        stderr=subprocess.PIPE,
        preexec_fn=default_sigint,
    )
    time.sleep(delay)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    # 130: interrupted and reported; 0: finished first; -2: interrupted while Python started
    assert proc.returncode in (0, 130, -signal.SIGINT), (seed, err[-300:])
    if proc.returncode == 130:
        assert b"Traceback" not in err, (seed, err[-500:])
    done = out.read_bytes() if out.exists() else b""
    assert full[fmt].startswith(done), f"seed {seed}: the output is not a prefix of a full run"
    if fmt == "jsonl":
        assert all(json.loads(line) for line in done.splitlines())
    resumed = subprocess.run(
        [*batch_cmd(source, fmt), "-o", str(out), "--resume"],
        env=env_for(tmp_path),
        capture_output=True,
        check=False,
    )
    assert resumed.returncode == 0, (seed, resumed.stderr[-300:])
    assert out.read_bytes() == full[fmt], f"seed {seed}, delay {delay:.2f}"


def test_repeated_sigints_still_converge(big_input, tmp_path: Path) -> None:
    source, full = big_input
    out = tmp_path / "out.jsonl"
    out.write_bytes(b"")
    rng = random.Random()
    for _ in range(2):
        proc = subprocess.Popen(
            [*batch_cmd(source), "-o", str(out), "--resume"],
            env=env_for(tmp_path),
            stderr=subprocess.DEVNULL,
            preexec_fn=default_sigint,
        )
        time.sleep(rng.uniform(0.6, 1.2))
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=60)
        assert full["jsonl"].startswith(out.read_bytes())
    subprocess.run(
        [*batch_cmd(source), "-o", str(out), "--resume"], env=env_for(tmp_path), check=True
    )
    assert out.read_bytes() == full["jsonl"]


# --- a killed interview -----------------------------------------------------------------

DRIVER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from screen.app import session
    from screen.interview.protocol import Action
    from screen.app.rulebooks import load_rulebook

    answers = sys.argv[3].split(",")
    stop = int(sys.argv[4])

    class Prompter:
        asked = 0
        def show(self, r): pass
        def pause(self): pass
        def choose_offence(self, flows): return "immigration"
        def text(self, prompt): return ""
        def confirm(self, prompt): return True
        def review(self, table, count): return Action("finish")
        def ask(self, question, lang, position, previous="", remarks=()):
            if self.asked == stop:
                print("TYPING", question.id, flush=True)
                time.sleep(600)  # the officer is typing; the process is killed here
            value = answers[self.asked]
            self.asked += 1
            return Action("answer", value)

    request = session.InterviewRequest(offence="immigration", case_ref="K-1",
                                       save=Path(sys.argv[2]))
    session.run_interactive(load_rulebook(Path(sys.argv[1])), request, Prompter())
    print("DONE", flush=True)
""")
SCRIPT = ["no", "30", "no", "employer", "no"]


@pytest.mark.parametrize("stop", sorted(random.sample(range(len(SCRIPT)), 2)))
def test_sigkill_during_interview_loses_only_the_answer_being_typed(
    stop: int, tmp_path: Path
) -> None:
    save = tmp_path / "s.json"
    proc = subprocess.Popen(
        [sys.executable, "-c", DRIVER, str(MINIMAL), str(save), ",".join(SCRIPT), str(stop)],
        env=env_for(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.startswith("TYPING"), line + proc.stderr.read() if proc.stderr else line
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    saved = store.load_json(save)  # whole, valid JSON: the last atomic save
    assert [a["value"] for a in saved["answers"]] == SCRIPT[:stop]
    assert saved["finished"] is False and saved["case_ref"] == "K-1"
    assert save.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_interrupt_inside_the_atomic_write_keeps_the_old_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "s.json"
    store.save_json(path, {"answers": [{"question": "a", "value": "old"}]})
    before = path.read_bytes()

    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        store.save_json(path, {"answers": [{"question": "a", "value": "new"}]})
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.json"]


# --- a full disk ------------------------------------------------------------------------------


@pytest.fixture
def tiny_disk(tmp_path: Path):
    """A 64 KiB tmpfs (we are root in CI); skipped where mounting is not allowed."""
    folder = tmp_path / "tiny"
    folder.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=False)


def fill(folder: Path) -> None:
    fd = os.open(folder / "filler", os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        while os.write(fd, b"x" * 4096):
            pass
    except OSError:
        pass
    finally:
        os.close(fd)


def test_full_disk_never_corrupts_a_saved_interview(tiny_disk: Path) -> None:
    path = tiny_disk / "interview.json"
    store.save_json(path, {"answers": [{"question": "safety-now", "value": "no"}]})
    before = path.read_bytes()
    fill(tiny_disk)
    with pytest.raises(OutputError) as caught:
        store.save_json(path, {"answers": [{"question": "q", "value": "x" * 200_000}]})
    assert "previous copy" in str(caught.value) and "x" * 20 not in str(caught.value)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tiny_disk.iterdir()) == ["filler", "interview.json"]


def test_full_disk_during_batch_leaves_whole_records_and_resume_completes(
    tiny_disk: Path, tmp_path: Path
) -> None:
    source = tmp_path / "n.jsonl"
    write_notes(source, 3000)
    full = tmp_path / "full.jsonl"
    subprocess.run([*batch_cmd(source), "-o", str(full)], env=env_for(tmp_path), check=True)
    out = tiny_disk / "out.jsonl"
    result = subprocess.run(
        [*batch_cmd(source), "-o", str(out)],
        env=env_for(tmp_path),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 4, result.stderr
    assert "No space left" in result.stderr and "--resume" in result.stderr
    assert "Traceback" not in result.stderr and "ppt" not in result.stderr
    partial = out.read_bytes()
    assert full.read_bytes().startswith(partial)
    assert partial == b"" or partial.endswith(b"\n")
    subprocess.run(["mount", "-o", "remount,size=8m", str(tiny_disk)], check=True)
    subprocess.run(
        [*batch_cmd(source), "-o", str(out), "--resume"], env=env_for(tmp_path), check=True
    )
    assert out.read_bytes() == full.read_bytes()


def test_file_size_limit_during_batch_is_a_clear_error(tmp_path: Path) -> None:
    source = tmp_path / "n.jsonl"
    write_notes(source, 3000)
    out = tmp_path / "out.jsonl"
    limit = textwrap.dedent(f"""
        import resource, runpy, sys
        resource.setrlimit(resource.RLIMIT_FSIZE, (300_000, 300_000))
        sys.argv = ["htscreen", "batch", {str(source)!r}, "-f", "jsonl", "-o", {str(out)!r},
                    "--rules", {str(MINIMAL)!r}]
        from screen.app.cli import main
        sys.exit(main(sys.argv[1:]))
    """)
    result = subprocess.run(
        [sys.executable, "-c", limit],
        env=env_for(tmp_path),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 4, result.stderr
    assert "cannot write" in result.stderr and "Traceback" not in result.stderr
    data = out.read_bytes()
    assert len(data) <= 300_000 and (data == b"" or data.endswith(b"\n"))
    assert all(json.loads(line) for line in data.splitlines())
