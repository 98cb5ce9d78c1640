"""The resume record: what ``--resume`` checks before it continues a batch output.

Beside a jsonl or csv output ``out.jsonl`` a run keeps ``.out.jsonl.resume``
(owner-only, and hidden, so reading the folder as input skips it), rewritten after
every chunk of whole records the sink writes. It holds

- what the output depends on: the rulebook's sha256, the output format and options,
  and a digest of the inputs' identity (each file's path, size, modification time
  and the sha256 of its first 64 KiB);
- how far the output is known to be whole: the records and bytes written so far,
  and the sha256 of those bytes.

``--resume`` refuses (exit 2) when the rulebook, options or inputs differ, when the
output has no record, or when the output was changed since; otherwise it cuts the
output back to the recorded bytes and skips the recorded number of records. It
never parses the output, so a half-written CSV record with an embedded newline
cannot merge two rows, and it reads the output in blocks, never whole.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from screen.app import storage
from screen.app.inputs import ReadOptions, walk
from screen.errors import UsageError

RECORD_FORMAT = 1
HEAD_BYTES = 64 * 1024
"""Bytes of each input file whose hash goes into its identity."""
BLOCK = 1024 * 1024
MAX_RECORD_FILE = 64 * 1024


def sidecar(output: Path) -> Path:
    """Where the resume record of ``output`` is kept."""
    return output.with_name(f".{output.name}.resume")


def stamp(
    paths: Sequence[str],
    read: ReadOptions,
    fmt: str,
    redact: bool,
    jurisdiction: str | None,
    rulebook_sha256: str,
) -> dict[str, Any]:
    """What an output depends on: rulebook, format, options and the inputs' identity."""
    inputs = hashlib.sha256()
    stdin = False
    for source in walk(paths, read):
        if source.label == "-":
            stdin = True
            continue
        inputs.update(json.dumps(_identity(Path(source.label))).encode() + b"\n")
    return {
        "rulebook": rulebook_sha256,
        "options": {
            "format": fmt,
            "redact": redact,
            "jurisdiction": jurisdiction,
            "read": json.loads(json.dumps(asdict(read))),  # tuples as the record keeps them
        },
        "inputs": inputs.hexdigest(),
        "stdin": stdin,
    }


def _identity(path: Path) -> list[Any]:
    try:
        with path.open("rb") as handle:
            info = os.fstat(handle.fileno())
            head = handle.read(HEAD_BYTES)
    except OSError:
        return [str(path), None]
    return [str(path), info.st_size, info.st_mtime_ns, hashlib.sha256(head).hexdigest()]


class ResumeLog:
    """The resume record of one output, kept up to date as chunks are written."""

    def __init__(
        self, path: Path, stamp: dict[str, Any], records: int, size: int, digest: Any
    ) -> None:
        self.path = path
        self.stamp = stamp
        self.records = records
        self.size = size
        self.digest = digest

    def checkpoint(self, records: int, data: bytes) -> None:
        """Count a chunk the sink has written in full, and save the record."""
        self.records += records
        self.size += len(data)
        self.digest.update(data)
        self.save()

    def save(self) -> None:
        """Write the record (atomically, owner-only; not synced: the output is, on close)."""
        data = {
            "htscreen_resume": RECORD_FORMAT,
            **self.stamp,
            "records": self.records,
            "bytes": self.size,
            "sha256": self.digest.hexdigest(),
        }
        storage.write_private(self.path, json.dumps(data, indent=1) + "\n", sync=False)


def open_log(output: Path, fd: int, current: dict[str, Any], resume: bool) -> ResumeLog:
    """The resume record for a run writing ``output`` (open as ``fd``, already locked).

    A new run starts an empty record. ``--resume`` checks the saved one against
    ``current`` and the output, cuts the output back to where it is known whole,
    and carries on from there; UsageError when it cannot be trusted.
    """
    side = sidecar(output)
    if not resume or os.fstat(fd).st_size == 0:
        log = ResumeLog(side, current, 0, 0, hashlib.sha256())
        log.save()
        return log
    saved = _load(side)
    if saved is None:
        raise UsageError(
            f"--resume: {output} has no resume record beside it ({side.name}), so which "
            "records are done cannot be checked; run without --resume"
        )
    _compare(saved, current, output)
    records, size = saved["records"], saved["bytes"]
    digest = _prefix_digest(output, size)
    if digest is None or digest.hexdigest() != saved["sha256"]:
        raise UsageError(
            f"--resume: {output} was changed since htscreen wrote it (it is shorter, or "
            "its records differ from the resume record); run without --resume"
        )
    os.ftruncate(fd, size)
    log = ResumeLog(side, current, records, size, digest)
    log.save()
    return log


def _load(path: Path) -> dict[str, Any] | None:
    data = storage.read_private(path, MAX_RECORD_FILE)
    if data is None:
        return None
    try:
        saved = json.loads(data)
    except ValueError:
        return None
    if (
        not isinstance(saved, dict)
        or saved.get("htscreen_resume") != RECORD_FORMAT
        or not all(
            isinstance(saved.get(name), int) and saved[name] >= 0 for name in ("records", "bytes")
        )
        or not isinstance(saved.get("sha256"), str)
    ):
        return None
    return saved


def _compare(saved: dict[str, Any], current: dict[str, Any], output: Path) -> None:
    if saved.get("rulebook") != current["rulebook"]:
        raise UsageError(
            f"--resume: {output} was written with rulebook {str(saved.get('rulebook'))[:12]}, "
            f"this run uses {current['rulebook'][:12]}; one output would mix two rulebooks: "
            "run without --resume"
        )
    if saved.get("options") != current["options"]:
        raise UsageError(
            f"--resume: {output} was written with other options (format, --redact, "
            "--jurisdiction or how the input is read); use the same options, or run "
            "without --resume"
        )
    if current["stdin"] and saved["records"]:
        raise UsageError(
            "--resume cannot check notes read from stdin against the records done: "
            "save them to a file, name it, and run without --resume"
        )
    if saved.get("inputs") != current["inputs"] or saved.get("stdin") != current["stdin"]:
        raise UsageError(
            f"--resume: the input changed since {output} was written (a file was added, "
            "removed, resized or edited), so the records done no longer line up: run "
            "without --resume"
        )


def _prefix_digest(output: Path, size: int) -> Any:
    """The sha256 of the first ``size`` bytes of ``output``, read in blocks; None if shorter."""
    digest = hashlib.sha256()
    try:
        fd = os.open(output, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        done = 0
        while done < size:
            block = os.pread(fd, min(BLOCK, size - done), done)
            if not block:
                return None
            digest.update(block)
            done += len(block)
    finally:
        os.close(fd)
    return digest
