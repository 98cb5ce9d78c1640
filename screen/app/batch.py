"""The ``batch`` command's edge: output files, resume, progress and the summary."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

from screen.app.formats import Formatter
from screen.app.inputs import ReadOptions, iter_units
from screen.decision.engine import LEVEL_ORDER
from screen.errors import OutputError, UsageError
from screen.screening import Pipeline, ScreenOptions, Totals


@dataclass(frozen=True, slots=True)
class BatchRequest:
    """Everything the batch command was asked to do."""

    paths: tuple[str, ...]
    rules_path: Path
    read: ReadOptions
    fmt: str = "table"
    output: Path | None = None
    min_level: str = "L5"
    fail_on: str | None = None
    jobs: int = 1
    redact: bool = False
    resume: bool = False
    jurisdiction: str | None = None


def check(request: BatchRequest) -> None:
    """Raise UsageError for option combinations that cannot work."""
    if request.fmt not in ("table", "jsonl", "json", "csv"):
        raise UsageError(f"unknown format '{request.fmt}': use table, jsonl, json or csv")
    for name, level in (("--min-level", request.min_level), ("--fail-on", request.fail_on)):
        if level is not None and level not in LEVEL_ORDER:
            raise UsageError(f"{name} takes a level from L0 to L5, not '{level}'")
    if request.jobs < 1 or request.jobs > 64:
        raise UsageError("--jobs takes a number from 1 to 64")
    if request.resume and (request.output is None or request.fmt not in ("jsonl", "csv")):
        raise UsageError("--resume needs --output FILE with --format jsonl or csv")
    if request.resume and request.min_level != "L5":
        raise UsageError("--resume needs every record in the output: drop --min-level")


def run(request: BatchRequest, cache: Path | None) -> int:
    """Run the batch; return the exit code (0, 1 for --fail-on, 4 if any record failed)."""
    from screen.app.rules import load_checked

    check(request)
    if sys.stderr.isatty():
        from screen.matching.scanner import on_slow_compile

        on_slow_compile(_compile_notice)
    rulebook = load_checked(request.rules_path)
    if request.jurisdiction:
        names = [j.name for j in rulebook.decision.jurisdictions]
        if request.jurisdiction not in names:
            raise UsageError(f"unknown jurisdiction '{request.jurisdiction}': use "
                             + " or ".join(names))
    formatter = Formatter(request.fmt, rulebook.version, rulebook.short_hash)
    pipeline = Pipeline(rulebook, request.rules_path, request.read,
                        ScreenOptions(request.redact, request.jurisdiction), formatter,
                        request.jobs, cache)
    totals = Totals(flagged=_FirstFlagged())
    units: Iterator[Any] = iter_units(request.paths, request.read)
    done = _resume_point(request) if request.resume else 0
    units = islice(units, done, None)
    threshold = LEVEL_ORDER.index(request.min_level)

    def keep(summary: dict[str, Any]) -> bool:
        return LEVEL_ORDER.index(summary["level"]) <= threshold

    with _open_output(request, done) as sink:
        writer = _Writer(sink, formatter, first=done == 0)
        try:
            with _progress() as tick:
                pipeline.run(units, writer.write, keep, totals, tick)
        finally:
            writer.close(interrupted=sys.exc_info()[0] is not None)
    if request.fmt == "table":
        from screen.app.view import print_summary

        print_summary(totals, rulebook)
    return _exit_code(request, totals)


def _compile_notice() -> None:
    print("htscreen: compiling the rulebook's phrase scanner (first run after an install or "
          "an edit, a few seconds); later runs load it from the cache", file=sys.stderr)


class _FirstFlagged(list[dict[str, Any]]):
    """The flagged-notes list of a run's totals, kept to the rows the summary table shows.

    ``Pipeline.run`` appends a summary for every note at L3 or above, which for a
    large export is most of it; only the first ``MAX_ROWS`` are ever shown, so only
    those are kept (memory stays flat) while ``len()`` still counts them all.
    """

    def __init__(self) -> None:
        super().__init__()
        self.total = 0

    def append(self, summary: dict[str, Any]) -> None:
        from screen.app.view import MAX_ROWS

        self.total += 1
        if super().__len__() < MAX_ROWS:
            super().append(summary)

    def __len__(self) -> int:
        return self.total


def _exit_code(request: BatchRequest, totals: Totals) -> int:
    if totals.errors:
        return 4
    if request.fail_on and LEVEL_ORDER.index(totals.worst) <= LEVEL_ORDER.index(request.fail_on):
        return 1
    return 0


class _Writer:
    """Writes whole records only; a JSON array is closed even after an interrupt."""

    def __init__(self, sink: _Sink, formatter: Formatter, first: bool) -> None:
        self.sink = sink
        self.formatter = formatter
        self.count = 0
        self.table = formatter.fmt == "table"
        if first and not self.table:
            sink.write(formatter.header())

    def write(self, line: str) -> None:
        if self.table:
            return
        if self.count:
            line = self.formatter.separator() + line
        self.sink.write(line)
        self.count += 1

    def close(self, interrupted: bool) -> None:
        if not self.table:
            self.sink.write(self.formatter.footer())
        self.sink.flush()


class _Sink:
    """stdout, or a file opened for writing or appending, that only ever holds whole records.

    Records are gathered in memory and written to the file in chunks of whole records
    with ``os.write``; if a chunk cannot be written completely (a full disk, a file size
    limit), the file is cut back to where the chunk began, so a failed run leaves whole
    records only and ``--resume`` can continue it. The file is synced on close.
    """

    CHUNK = 256 * 1024

    def __init__(self, path: Path | None, append: bool) -> None:
        self.path = path
        self.pending: list[bytes] = []
        self.pending_size = 0
        self.failed = False
        self.fd = -1
        if path is None:
            return
        try:
            self.fd = os.open(path, os.O_WRONLY | os.O_CREAT | (os.O_APPEND if append
                                                                  else os.O_TRUNC), 0o600)
        except OSError as exc:
            raise OutputError(f"cannot write {path}: {exc.strerror}; check the folder exists "
                              "and is writable") from None

    def __enter__(self) -> _Sink:
        return self

    def write(self, text: str) -> None:
        """Queue ``text`` (whole records, a header or a footer) for the output."""
        if self.path is None:
            sys.stdout.write(text)
            return
        if self.failed:
            return
        data = text.encode("utf-8")
        self.pending.append(data)
        self.pending_size += len(data)
        if self.pending_size >= self.CHUNK:
            self._commit()

    def flush(self) -> None:
        """Write out everything queued so far."""
        if self.path is None:
            sys.stdout.flush()
        elif not self.failed:
            self._commit()

    def _commit(self) -> None:
        data = b"".join(self.pending)
        self.pending, self.pending_size = [], 0
        if not data:
            return
        start = os.lseek(self.fd, 0, os.SEEK_END)
        view = memoryview(data)
        try:
            while view:
                view = view[os.write(self.fd, view):]
        except BaseException as exc:  # a short write, or Ctrl-C between two writes
            self.failed = True
            with contextlib.suppress(OSError):
                os.ftruncate(self.fd, start)
            if not isinstance(exc, OSError):
                raise
            raise OutputError(f"cannot write {self.path}: {exc.strerror}; it holds whole "
                              "records only: make room and run again with --resume") from None

    def __exit__(self, *exc: object) -> None:
        if self.path is None:
            sys.stdout.flush()
            return
        try:
            if not self.failed:
                self._commit()
                os.fsync(self.fd)
        except OSError as error:
            raise OutputError(f"cannot finish writing {self.path}: {error.strerror}") from None
        finally:
            os.close(self.fd)


def _open_output(request: BatchRequest, done: int) -> _Sink:
    return _Sink(request.output, append=done > 0)


def _resume_point(request: BatchRequest) -> int:
    """Count the complete records already in the output; cut off a partial last one."""
    path = request.output
    assert path is not None
    if not path.exists():
        return 0
    data = path.read_bytes()
    cut = data.rfind(b"\n") + 1
    if cut != len(data):
        with path.open("r+b") as handle:
            handle.truncate(cut)
        data = data[:cut]
    if request.fmt == "jsonl":
        return data.count(b"\n")
    import csv
    import io

    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    return max(0, len(rows) - 1)


class _progress:
    """A progress counter on stderr, only when stderr is a terminal."""

    def __enter__(self) -> Callable[[int], None] | None:
        if not sys.stderr.isatty():
            self.bar = None
            return None
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        from screen.app.render import console

        self.bar = Progress(SpinnerColumn(), TextColumn("{task.completed:,} notes screened"),
                            TimeElapsedColumn(), transient=True, console=console(True))
        self.bar.start()
        task = self.bar.add_task("batch", total=None)
        bar = self.bar
        return lambda n: bar.advance(task, n)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()
