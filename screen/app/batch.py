"""A batch run's request, checks and counts, and the two local backends.

- **inline**: this process screens chunks of records;
- **pool**: ``--jobs N`` worker processes screen chunks, results come back in order.

The Dask backend is :mod:`screen.app.cluster`; :func:`screen.app.batchrun.drive`
is the one driver that picks a backend. Every backend builds its workers from
the same :class:`~screen.app.workers.WorkerSpec` (validated rulebook bytes plus
their sha256).
"""

from __future__ import annotations

import hashlib
import itertools
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from pathlib import Path
from typing import Any

from screen.app import resume
from screen.app.environment import Environment
from screen.app.fields import fold
from screen.app.formats import FORMATS, Formatter
from screen.app.inputs import ReadOptions, Unit, iter_units
from screen.app.rulebooks import load_checked, read_rulebook_bytes, store_of
from screen.app.sink import Sink, Writer
from screen.app.workers import Record, Summary, Worker, WorkerError, WorkerSpec, worker_for
from screen.errors import UsageError
from screen.model import LEVELS, Level, Rulebook

CHUNK = 256
"""Records per chunk handed to a worker."""
SMALL_INPUT = 8
"""Chunks below which the default (all cores) screens in this process alone."""
MAX_ROWS = 200
"""Flagged notes kept for the table view (the rest are only counted)."""
MAX_ERRORS = 50
"""Failed records kept with their reason for the summary (the rest are only counted)."""
MAX_OFFENCES = 20
"""Distinct unrecognised offence values counted by name (the rest together)."""
OTHER_VALUES = "(other values)"
MAX_JOBS = 64


@dataclass(frozen=True, slots=True)
class BatchRequest:
    """Everything the batch command was asked to do."""

    paths: tuple[str, ...]
    rules_path: Path
    read: ReadOptions
    fmt: str = "table"
    output: Path | None = None
    min_level: str | None = None
    """None: every record is written, and the table lists L0-L3."""
    fail_on: str | None = None
    jobs: int | None = None
    """Worker processes; None: as many as there are cores (and none for a small input)."""
    redact: bool = False
    resume: bool = False
    jurisdiction: str | None = None
    engine: str = "local"
    scheduler: str | None = None
    reference_date: date | None = None
    """The date a date of birth is counted to when a record has no date (default: today)."""
    summary: bool = False
    """Print the run's summary on stderr even when it is not a terminal."""
    quiet: bool = False
    """Print no summary, not even at a terminal."""
    suggest: bool = False
    """Add the learned layer's suggestions (never counted) to each record."""

    @property
    def threshold(self) -> Level:
        """The least urgent level written out."""
        return Level(self.min_level or "L5")

    @property
    def listed(self) -> Level:
        """The least urgent level the table lists (--min-level, else L3)."""
        return Level(self.min_level) if self.min_level else Level.L3


@dataclass(slots=True)
class Totals:
    """Counts over a run (or a part of one); parts merge."""

    records: int = 0
    errors: int = 0
    levels: dict[Level, int] = field(default_factory=lambda: dict.fromkeys(LEVELS, 0))
    flagged: list[Summary] = field(default_factory=list)
    """The first MAX_ROWS notes at ``listed`` or above, for the table (memory stays flat)."""
    flagged_count: int = 0
    listed: Level = Level.L3
    """The least urgent level of the notes the table lists."""
    failures: list[tuple[str, str]] = field(default_factory=list)
    """The first MAX_ERRORS failed records: (record id, reason; never note text)."""
    offences: dict[str, int] = field(default_factory=dict)
    """Records per unrecognised offence value (screened as other)."""
    undated_ages: int = 0
    """Records whose age was counted from a date of birth to today or --reference-date."""

    def add(self, summary: Summary) -> None:
        """Count one record."""
        self.records += 1
        if summary.offence:
            self._offence(fold(summary.offence) or summary.offence, 1)
        if summary.level is None:
            self.errors += 1
            if len(self.failures) < MAX_ERRORS:
                self.failures.append((summary.id, summary.error))
            return
        self.levels[summary.level] += 1
        self.undated_ages += summary.undated_age
        if summary.level.at_least(self.listed):
            self.flagged_count += 1
            if len(self.flagged) < MAX_ROWS:
                self.flagged.append(summary)

    def _offence(self, value: str, count: int) -> None:
        key = value if value in self.offences or len(self.offences) < MAX_OFFENCES else OTHER_VALUES
        self.offences[key] = self.offences.get(key, 0) + count

    def merge(self, other: Totals) -> None:
        """Add the counts of another part of the run."""
        self.records += other.records
        self.errors += other.errors
        for level, count in other.levels.items():
            self.levels[level] += count
        self.flagged_count += other.flagged_count
        room = MAX_ROWS - len(self.flagged)
        self.flagged.extend(other.flagged[: max(0, room)])
        self.failures.extend(other.failures[: max(0, MAX_ERRORS - len(self.failures))])
        for value, count in other.offences.items():
            self._offence(value, count)
        self.undated_ages += other.undated_ages

    @property
    def worst(self) -> Level:
        """The most urgent level reached (L5 when none)."""
        return next((level for level in LEVELS if self.levels[level]), Level.L5)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a run did, for the summary and the exit code."""

    totals: Totals
    rulebook: Rulebook
    failed_on: bool
    """Whether ``--fail-on`` was given and a record reached that level."""
    today: date | None = None
    """The date ages from a date of birth were counted to when a record had no date."""
    reference: bool = False
    """Whether ``today`` was given with ``--reference-date``."""


def check(request: BatchRequest) -> None:
    """Raise UsageError for option combinations that cannot work."""
    if request.fmt not in FORMATS:
        raise UsageError(f"unknown format '{request.fmt}': use table, jsonl, json or csv")
    for name, level in (("--min-level", request.min_level), ("--fail-on", request.fail_on)):
        if level is not None and level not in Level.names():
            raise UsageError(f"{name} takes a level from L0 to L5, not '{level}'")
    if request.jobs is not None and not 1 <= request.jobs <= MAX_JOBS:
        raise UsageError(f"--jobs takes a number from 1 to {MAX_JOBS}")
    if request.resume and (request.output is None or request.fmt not in ("jsonl", "csv")):
        raise UsageError("--resume needs --output FILE with --format jsonl or csv")
    if request.resume and request.min_level not in (None, "L5"):
        raise UsageError("--resume needs every record in the output: drop --min-level")
    if request.engine not in ("local", "dask"):
        if request.engine == "spark":
            raise UsageError(
                "htscreen has no Spark launcher: run the mapInPandas recipe in "
                "docs/distributed.md from your Spark job"
            )
        raise UsageError(f"unknown engine '{request.engine}': use local or dask")
    if request.scheduler and request.engine != "dask":
        raise UsageError("--scheduler needs --engine dask")
    if request.output is not None:
        _check_output(request, request.output)


def _check_output(request: BatchRequest, output: Path) -> None:
    """Refuse an output that would destroy an input, or a table nobody would see."""
    if request.fmt == "table" and request.engine == "local":
        raise UsageError(
            "--output needs --format jsonl, json or csv: the table is for the terminal"
        )
    for name in request.paths:
        if name == "-":
            continue
        try:
            same = output.exists() and Path(name).is_file() and output.samefile(name)
            inside = Path(name).is_dir() and output.resolve().is_relative_to(Path(name).resolve())
        except (OSError, RuntimeError):  # RuntimeError: a symlink loop
            continue
        if same:
            raise UsageError(
                f"--output names the input file '{name}': the run would overwrite the notes "
                "it reads; write the results to another file"
            )
        if inside:
            raise UsageError(
                f"--output {output} is inside the input folder '{name}': the run would read "
                "its own results back as notes; write them outside the folder"
            )


def prepare(request: BatchRequest, env: Environment) -> tuple[Rulebook, WorkerSpec]:
    """Validate the request and the rulebook; build the spec every worker starts from."""
    check(request)
    data = read_rulebook_bytes(request.rules_path)
    store = store_of(env)
    rulebook = load_checked(request.rules_path, store)
    sha = hashlib.sha256(data).hexdigest()
    if sha != rulebook.sha256:
        raise UsageError(
            f"the rulebook {request.rules_path} changed while the run started: run again"
        )
    names = [j.name for j in rulebook.decision.jurisdictions]
    if request.jurisdiction and request.jurisdiction not in names:
        raise UsageError(
            f"unknown jurisdiction '{request.jurisdiction}': use " + " or ".join(names)
        )
    spec = WorkerSpec(
        data,
        sha,
        str(request.rules_path),
        request.read,
        request.fmt,
        request.redact,
        request.jurisdiction,
        str(env.cache) if env.cache else None,
        request.reference_date or date.today(),
        request.reference_date is not None,
        request.suggest,
    )
    return rulebook, spec


def formatter_for(spec: WorkerSpec, rulebook: Rulebook) -> Formatter:
    """The formatter the workers of ``spec`` use (for headers and footers)."""
    return Formatter(spec.fmt, rulebook.version, rulebook.short_hash, spec.redact, rulebook.source)


def run_local(
    request: BatchRequest,
    spec: WorkerSpec,
    rulebook: Rulebook,
    progress: Callable[[int], None] | None,
) -> Totals:
    """Screen the request's inputs here or in a worker pool, writing the one output."""
    units: Iterator[Unit] = iter_units(request.paths, request.read)
    current = _stamp(request, spec)
    totals = Totals(listed=request.listed)
    threshold = request.threshold
    with Sink(request.output, append=request.resume) as sink:
        done, written = 0, 0
        if current is not None and request.output is not None and sink.regular:
            log = resume.open_log(request.output, sink.fd, current, request.resume)
            sink.checkpoint = log.checkpoint
            done, written = log.records, log.size
        writer = Writer(sink, formatter_for(spec, rulebook), first=written == 0)
        complete = False
        try:
            for line, summary in records(islice(units, done, None), spec, request.jobs):
                totals.add(summary)
                if summary.level is None or summary.level.at_least(threshold):
                    writer.write(line)
                if progress:
                    progress(1)
            complete = True
        finally:
            writer.close(complete)
    return totals


def _stamp(request: BatchRequest, spec: WorkerSpec) -> dict[str, Any] | None:
    """What a resumable output (a jsonl or csv file) depends on; None for any other."""
    if request.output is None or request.fmt not in ("jsonl", "csv"):
        return None
    return resume.stamp(
        request.paths, request.read, request.fmt, request.redact, request.jurisdiction, spec.sha256
    )


def records(units: Iterable[Unit], spec: WorkerSpec, jobs: int | None) -> Iterator[Record]:
    """Screen ``units`` in chunks, here or in worker processes, in input order.

    ``jobs=None`` uses every core, but screens a small input (under
    :data:`SMALL_INPUT` chunks) here: starting workers would take longer.
    """
    pending = chunks(units, CHUNK)
    head = list(islice(pending, SMALL_INPUT)) if jobs is None else []
    count = (default_jobs() if len(head) >= SMALL_INPUT else 1) if jobs is None else jobs
    work = itertools.chain(head, pending)
    worker = Worker(spec)  # with a pool: compiled once here, the workers load the cache
    if count <= 1:
        for chunk in work:
            yield from worker.records(chunk)
        worker.remember(force=True)
        return
    context = multiprocessing.get_context("spawn")
    with _sigint_held():
        pool = context.Pool(count, initializer=_start_worker, initargs=(spec,))
    with pool:
        for results in pool.imap(_pool_work, work, chunksize=1):
            yield from results


@contextmanager
def _sigint_held() -> Iterator[None]:
    """Hold SIGINT while the worker processes start.

    A Ctrl-C that arrived while a worker was being spawned cut its start-up data
    short, and the half-started process printed a traceback. Held, it arrives
    once the pool is up and stops the run as usual. The workers inherit the held
    signal and ignore it (:func:`_start_worker`): the parent alone stops the run.
    """
    if not hasattr(signal, "pthread_sigmask") or (
        threading.current_thread() is not threading.main_thread()
    ):
        yield
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def chunks(units: Iterable[Unit], size: int) -> Iterator[list[Unit]]:
    """``units`` in lists of ``size`` (the last may be shorter)."""
    iterator = iter(units)
    while chunk := list(islice(iterator, size)):
        yield chunk


_POOL: dict[str, Any] = {}


def _start_worker(spec: WorkerSpec) -> None:
    """Build this pool process's worker; a failure is kept and reported once, not retried.

    Ctrl-C is the parent's to handle (it ends the pool), so the worker ignores it.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    try:
        _POOL["worker"] = worker_for(spec)
    except Exception as exc:  # noqa: BLE001 - handed back to the parent as one clear error
        _POOL["error"] = (
            f"{type(exc).__name__}: {exc}" if isinstance(exc, WorkerError) else type(exc).__name__
        )


def _pool_work(units: list[Unit]) -> list[Record]:
    worker = _POOL.get("worker")
    if worker is None:
        raise WorkerError(
            f"the worker processes could not start ({_POOL.get('error')}); "
            "run with --jobs 1 to see the problem"
        )
    return list(worker.records(units))


def default_jobs() -> int:
    """Worker processes by default: the cores this process may run on."""
    try:
        return max(1, min(MAX_JOBS, len(os.sched_getaffinity(0))))
    except (AttributeError, OSError):
        return max(1, min(MAX_JOBS, os.cpu_count() or 1))
