"""Screening from Python: ``screen_texts``, and partitions on Dask or Spark workers.

- :func:`screen_texts` screens strings (or ``(id, text)`` pairs) and yields one
  result dict per text.
- :class:`RulebookSpec` is the small, picklable description of a rulebook (its
  bytes, or its path, and its sha256). Tasks carry the spec, never a compiled
  matcher: each worker process builds its matcher once (see
  :func:`screen.app.workers.worker_for`) and checks the hash.
- :func:`screen_partition` screens one partition (an iterable of records, or a
  pandas DataFrame) and returns one result dict per record, exactly as
  ``htscreen batch`` computes them; :func:`screen_frame` returns a DataFrame with
  the JSONL record text, for ``map_partitions`` and Spark ``mapInPandas``.

Recipes are in ``docs/distributed.md``; ``htscreen batch --engine dask`` is in
:mod:`screen.app.cluster`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from screen.app import environment
from screen.app.inputs import ReadOptions, Unit, record_line
from screen.app.rulebooks import load_rulebook, read_rulebook_bytes, store_of
from screen.app.workers import Worker, WorkerSpec, worker_for
from screen.model import Rulebook
from screen.results import ScreenResult
from screen.screening import Note, Screener

RESULT_COLUMNS = ("id", "level", "error", "record")
"""Columns of :func:`screen_frame`'s result; ``record`` is the JSONL line without its newline."""

SPARK_SCHEMA = "id string, level string, error string, record string"
"""The same columns as a Spark DDL schema, for ``mapInPandas``."""


@dataclass(frozen=True, slots=True)
class ScreenOptions:
    """What to put in each result: leave note text out, and which jurisdiction's law."""

    redact: bool = False
    jurisdiction: str | None = None


@dataclass(frozen=True, slots=True)
class RulebookSpec:
    """A rulebook path or its bytes, and its sha256: all a worker needs to rebuild it.

    With ``data`` the spec is self-contained (about 360 KB for the shipped
    rulebook); without it every worker reads ``path`` and checks the hash.
    """

    sha256: str
    path: str
    data: bytes | None = None

    @classmethod
    def from_path(cls, path: str | Path, embed: bool = True) -> RulebookSpec:
        """Describe the rulebook at ``path``; ``embed`` carries its bytes in the spec."""
        data = read_rulebook_bytes(Path(path))
        return cls(hashlib.sha256(data).hexdigest(), str(path), data if embed else None)

    def worker_spec(self, read: ReadOptions, options: ScreenOptions) -> WorkerSpec:
        """The spec a worker is built from (reads the file here when the bytes are not embedded)."""
        data = self.data if self.data is not None else read_rulebook_bytes(Path(self.path))
        env = environment.current()
        return WorkerSpec(
            data,
            self.sha256,
            self.path,
            read,
            "jsonl",
            options.redact,
            options.jurisdiction,
            str(env.cache) if env.cache else None,
            date.today(),
        )


def screen_texts(
    texts: Iterable[str | tuple[str, str]],
    rulebook: Rulebook | None = None,
    *,
    redact: bool = False,
    jurisdiction: str | None = None,
) -> Iterator[dict[str, Any]]:
    """Screen texts (or ``(id, text)`` pairs) and yield one result dict per text.

    The rulebook is compiled once per call (and cached on disk between processes).
    """
    from screen.app.formats import Formatter
    from screen.app.rulebooks import compile_checked

    store = store_of(environment.current())
    book = rulebook or load_rulebook(store=store)
    screener = Screener(compile_checked(book, store, suggest=False), jurisdiction, date.today())
    formatter = Formatter("json", book.version, book.short_hash, redact)
    for number, item in enumerate(texts):
        ident, text = item if isinstance(item, tuple) else (str(number), item)
        yield formatter.as_dict(screener.screen(Note(id=ident, text=text)))


def screen_units(
    units: Iterable[Unit], spec: RulebookSpec, read: ReadOptions, options: ScreenOptions
) -> list[ScreenResult]:
    """Screen raw input units (JSONL lines, CSV rows, text files) on a worker."""
    return _worker(spec, read, options).screen(units)


def _worker(spec: RulebookSpec, read: ReadOptions, options: ScreenOptions) -> Worker:
    return worker_for(spec.worker_spec(read, options))


def screen_partition(
    part: Iterable[Mapping[str, Any]] | Any,
    spec: RulebookSpec,
    read: ReadOptions | None = None,
    options: ScreenOptions | None = None,
    *,
    source: str = "record",
    start: int = 0,
) -> list[dict[str, Any]]:
    """Screen one partition of records and return one result dict per record, in order.

    ``part`` is an iterable of dicts (a Dask bag partition) or a pandas DataFrame.
    Fields are found as ``htscreen batch`` finds them (``id``, ``text`` or
    ``narrative``, ``date``, ``offence``) or named in ``read``. A record without an
    id is called ``{source}:{n}``, counting from ``start + 1``; missing values
    (None, NaN) count as absent fields.
    """
    read = read or ReadOptions()
    options = options or ScreenOptions()
    worker = _worker(spec, read, options)
    units = [
        Unit("jsonl", 0, f"{source}:{start + number}", record_line(record))
        for number, record in enumerate(_records(part), start=1)
    ]
    return [worker.formatter.as_dict(result) for result in worker.screen(units)]


def screen_frame(
    frame: Any,
    spec: RulebookSpec,
    read: ReadOptions | None = None,
    options: ScreenOptions | None = None,
    *,
    source: str = "record",
    start: int = 0,
) -> Any:
    """Screen a pandas DataFrame partition; return a DataFrame with :data:`RESULT_COLUMNS`.

    ``record`` holds the result exactly as ``htscreen batch --format jsonl`` writes
    it (without the newline), so writing the column out line by line gives the
    same file as one machine would.
    """
    import pandas as pd

    read = read or ReadOptions()
    options = options or ScreenOptions()
    worker = _worker(spec, read, options)
    units = [
        Unit("jsonl", 0, f"{source}:{start + number}", record_line(record))
        for number, record in enumerate(_records(frame), start=1)
    ]
    rows = [
        (
            r.id,
            r.level.value if r.level else None,
            r.error or None,
            worker.formatter.record(r).rstrip("\n"),
        )
        for r in worker.screen(units)
    ]
    return pd.DataFrame(rows, columns=list(RESULT_COLUMNS), dtype=object)


def _records(part: Any) -> Iterator[Mapping[str, Any]]:
    if hasattr(part, "to_dict") and hasattr(part, "columns"):
        yield from part.to_dict(orient="records")
    else:
        yield from part


__all__ = [
    "RESULT_COLUMNS",
    "SPARK_SCHEMA",
    "RulebookSpec",
    "ScreenOptions",
    "screen_frame",
    "screen_partition",
    "screen_texts",
    "screen_units",
]
