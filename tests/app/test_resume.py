"""The resume record: --resume continues only the output it can trust, and never parses it."""

from __future__ import annotations

import hashlib
import json
import os
import tracemalloc
from pathlib import Path

from screen.app import resume
from screen.app.inputs import ReadOptions
from screen.app.sink import Sink
from tests.app.test_batch import interrupted_run
from tests.conftest import DATA, run_cli

RULES = ("--rules", str(DATA / "rulebooks" / "valid_minimal.yaml"))


def notes(path: Path, count: int, start: int = 0, text: str = "V said mgr has her ppt") -> Path:
    with path.open("a") as handle:
        for i in range(start, start + count):
            handle.write(json.dumps({"id": f"n{i}", "text": f"{text} {i}"}) + "\n")
    return path


def batch(source: Path, out: Path, *extra: str, fmt: str = "jsonl"):
    return run_cli("batch", str(source), "-f", fmt, "-o", str(out), *extra, *RULES)


def test_csv_resume_after_a_half_record_with_an_embedded_newline(tmp_path, monkeypatch) -> None:
    source = notes(
        tmp_path / "n.jsonl", 30, text="V said the mgr has\nher ppt and\nshe cannot leave"
    )
    full, part = tmp_path / "full.csv", tmp_path / "part.csv"
    assert batch(source, full, fmt="csv").code == 0
    record = full.read_bytes().split(b"\nn12,")[1]
    assert interrupted_run(monkeypatch, source, part, "csv", after=12).code == 130
    with part.open("ab") as handle:  # killed inside the quoted field, just after its newline
        handle.write(b"n12," + record[: record.index(b"\n") + 1])
    assert batch(source, part, "--resume", fmt="csv").code == 0
    assert part.read_bytes() == full.read_bytes()


def test_resume_refuses_an_input_that_grew(tmp_path, monkeypatch) -> None:
    source = notes(tmp_path / "n.jsonl", 20)
    out = tmp_path / "out.jsonl"
    assert interrupted_run(monkeypatch, source, out, "jsonl", after=8).code == 130
    kept = out.read_bytes()
    notes(source, 5, start=20)
    result = batch(source, out, "--resume")
    assert result.code == 2 and "the input changed" in result.stderr
    assert out.read_bytes() == kept


def test_resume_refuses_another_rulebook_or_other_options(tmp_path, monkeypatch) -> None:
    source = notes(tmp_path / "n.jsonl", 20)
    out = tmp_path / "out.jsonl"
    assert interrupted_run(monkeypatch, source, out, "jsonl", after=8).code == 130
    kept = out.read_bytes()
    other = run_cli("batch", str(source), "-f", "jsonl", "-o", str(out), "--resume")
    assert other.code == 2 and "rulebook" in other.stderr
    redacted = batch(source, out, "--resume", "--redact")
    assert redacted.code == 2 and "other options" in redacted.stderr
    assert out.read_bytes() == kept


def test_resume_refuses_an_output_changed_since_or_without_a_record(tmp_path, monkeypatch) -> None:
    source = notes(tmp_path / "n.jsonl", 20)
    out = tmp_path / "out.jsonl"
    assert interrupted_run(monkeypatch, source, out, "jsonl", after=8).code == 130
    out.write_bytes(out.read_bytes().replace(b'"L3"', b'"L5"', 1))
    edited = batch(source, out, "--resume")
    assert edited.code == 2 and "was changed since" in edited.stderr
    resume.sidecar(out).unlink()
    bare = batch(source, out, "--resume")
    assert bare.code == 2 and "no resume record" in bare.stderr


def test_the_record_is_private_and_hidden_from_a_folder_read(tmp_path) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "a.txt").write_text("V said mgr has her ppt")
    out = tmp_path / "out.jsonl"
    assert batch(folder, out).code == 0
    record = resume.sidecar(out)
    assert record.name == ".out.jsonl.resume" and record.stat().st_mode & 0o777 == 0o600
    assert json.loads(record.read_text())["records"] == 1
    record.rename(folder / record.name)  # a folder read skips it
    assert len(run_cli("batch", str(folder), "-f", "jsonl", *RULES).stdout.splitlines()) == 1


def test_resume_reads_the_output_in_blocks_not_whole(tmp_path) -> None:
    out = tmp_path / "out.jsonl"
    stamp = resume.stamp(
        [str(notes(tmp_path / "n.jsonl", 1))], ReadOptions(), "jsonl", False, None, "0" * 64
    )
    line = json.dumps({"id": "x", "text": "y" * 900}) + "\n"
    with Sink(out, append=False) as sink:
        log = resume.open_log(out, sink.fd, stamp, resume=False)
        sink.checkpoint = log.checkpoint
        for _ in range(20_000):  # about 18 MB
            sink.write(line, records=1)
    size = out.stat().st_size
    tracemalloc.start()
    try:
        fd = os.open(out, os.O_WRONLY | os.O_APPEND)
        try:
            log = resume.open_log(out, fd, stamp, resume=True)
        finally:
            os.close(fd)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert (log.records, log.size) == (20_000, size)
    assert log.digest.hexdigest() == hashlib.sha256(out.read_bytes()).hexdigest()
    assert peak < size // 4, peak
