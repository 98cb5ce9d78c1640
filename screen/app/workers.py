"""What a process needs to screen records: one spec, built once, checked once.

The parent validates the rulebook and sends its exact bytes and their sha256 in
a :class:`WorkerSpec`; every worker (this process, a pool process or a Dask
worker) builds one :class:`Worker` from it and refuses bytes whose hash differs.
A worker never re-reads the rulebook file, so it cannot pick up an edit made
after the run started.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from screen.app.fields import recognised
from screen.app.formats import Formatter
from screen.app.inputs import ReadOptions, Unit, parse_unit
from screen.app.rulebooks import compile_checked, rulebook_from_bytes
from screen.app.storage import Store
from screen.errors import ScreenError
from screen.matching.ages import BASIS_TEXT
from screen.model import Level, Minor
from screen.results import ScreenResult
from screen.screening import Note, Screener, settled_memory
from screen.version import __version__


class WorkerError(ScreenError):
    """A worker process could not start (exit 4); the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class WorkerSpec:
    """Everything a worker needs, small and picklable (the rulebook travels as bytes)."""

    rulebook: bytes
    sha256: str
    source: str
    read: ReadOptions
    fmt: str = "jsonl"
    redact: bool = False
    jurisdiction: str | None = None
    cache: str | None = None
    """The cache folder, resolved by the parent (workers read no environment)."""
    today: date | None = None
    """The date a date of birth is counted to when a note has none (same for every worker)."""
    reference: bool = False
    """Whether ``today`` is a ``--reference-date`` rather than the date of the run."""
    suggest: bool = False
    """Whether the learned layer adds its suggestions (``--suggest``)."""


@dataclass(frozen=True, slots=True)
class Summary:
    """What the run keeps of one record once it is written: for counts and the table."""

    id: str
    level: Level | None
    error: str
    minor: Minor | None
    indicators: tuple[str, ...]
    to_ask: int = 0
    """How many questions would settle the note (L3 and L4 records)."""
    offence: str = ""
    """The record's offence value when it names no cover offence (it was screened as other)."""
    undated_age: bool = False
    """Whether an age was counted from a date of birth with no date for the record."""


UNDATED = frozenset({BASIS_TEXT["dob:today"], BASIS_TEXT["dob:reference"]})
"""Age bases that count a date of birth to a date that is not the record's own."""

Record = tuple[str, Summary]
"""A formatted output record and its summary."""


class Worker:
    """A compiled rulebook, a screener and a formatter, built from a spec."""

    def __init__(self, spec: WorkerSpec) -> None:
        if hashlib.sha256(spec.rulebook).hexdigest() != spec.sha256:
            raise WorkerError(
                f"the rulebook {spec.source} given to a worker is not the one the "
                "run was started with (sha256 differs): start the run again"
            )
        store = Store(Path(spec.cache), __version__) if spec.cache else None
        rulebook = rulebook_from_bytes(spec.rulebook, spec.source, store)
        self.spec = spec
        matcher = compile_checked(rulebook, store, spec.suggest)
        memory = settled_memory(matcher, spec.jurisdiction)
        self.screener = Screener(matcher, spec.jurisdiction, spec.today, spec.reference, memory)
        self.formatter = Formatter(spec.fmt, rulebook.version, rulebook.short_hash, spec.redact)

    def screen(self, units: Iterable[Unit]) -> list[ScreenResult]:
        """Screen raw units, in order."""
        read = self.spec.read
        return self.screener.screen_many(parse_unit(unit, read) for unit in units)

    def records(self, units: Iterable[Unit]) -> list[Record]:
        """Screen and format raw units, in order."""
        record = self.formatter.record
        notes = [parse_unit(unit, self.spec.read) for unit in units]
        done = [
            (record(result), summarise(result, note))
            for note, result in zip(notes, self.screener.screen_many(notes), strict=True)
        ]
        self.remember()
        return done

    def remember(self, force: bool = False) -> None:
        """Save what this worker learned (compiled expressions, rankings) for the next.

        Now and then while it runs; with ``force``, whatever is new (at the end of a run).
        """
        self.screener.remember(force)


def summarise(result: ScreenResult, note: Note | None = None) -> Summary:
    """The summary of one result (``note``: the note it came from, for the warnings)."""
    verdict = result.verdict
    offence = note.offence if note is not None and not recognised(note.offence) else ""
    return Summary(
        result.id,
        verdict.level if verdict else None,
        result.error,
        verdict.minor if verdict else None,
        result.present(),
        len(verdict.next_questions) if verdict else 0,
        offence,
        result.age_basis in UNDATED,
    )


_WORKERS: dict[tuple[str, int, int], Worker] = {}
_LOCK = threading.Lock()


def worker_for(spec: WorkerSpec) -> Worker:
    """This process's (and thread's) worker for ``spec``, built on first use.

    One per thread, because a Hyperscan scratch space serves one scan at a time.
    """
    key = (
        spec.sha256,
        hash((spec.read, spec.fmt, spec.redact, spec.jurisdiction)),
        threading.get_ident(),
    )
    worker = _WORKERS.get(key)
    if worker is None:
        with _LOCK:
            worker = _WORKERS.get(key) or Worker(spec)
            _WORKERS[key] = worker
    return worker


def compiled_hashes() -> list[str]:
    """The rulebook hashes this process has built workers for (for tests of a cluster)."""
    return sorted({sha for sha, _, _ in _WORKERS})
