"""Screen partitions of notes on Dask or Spark workers, with the same results as one machine.

The pieces a cluster job needs, and nothing that talks to a cluster:

- :class:`RulebookSpec` is the small, picklable description of a rulebook (its
  path or its YAML bytes, and its sha256). Tasks carry the spec, never the
  compiled matcher: Hyperscan databases cannot be pickled, and compiling once
  per worker is far cheaper than shipping a matcher with every task.
- :func:`matcher_for` builds the matcher from a spec once per worker process
  (and thread) and keeps it in a module-level dict keyed by sha256.
- :func:`screen_partition` screens one partition (an iterable of records, or a
  pandas DataFrame) and returns one result dict per record, exactly as
  ``htscreen batch`` computes them; :func:`screen_frame` returns a DataFrame
  with the JSONL record text, for ``map_partitions`` and Spark ``mapInPandas``.

Recipes are in ``docs/distributed.md``. The ``htscreen batch --engine dask``
command is in :mod:`screen.distbatch`.
"""

from __future__ import annotations

import hashlib
import json
import math
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from screen.app.formats import Formatter
from screen.app.inputs import ReadOptions, Unit, parse_unit
from screen.errors import InputError, UsageError
from screen.matching.matcher import Matcher, compile_matcher
from screen.screening import ScreenOptions, screen_note

RESULT_COLUMNS = ("id", "level", "error", "record")
"""Columns of :func:`screen_frame`'s result; ``record`` is the JSONL line without its newline."""

SPARK_SCHEMA = "id string, level string, error string, record string"
"""The same columns as a Spark DDL schema, for ``mapInPandas``."""


@dataclass(frozen=True, slots=True)
class RulebookSpec:
    """What a worker needs to build the matcher: a rulebook path or its bytes, and its sha256.

    With ``data`` the spec is self-contained (about 300 KB for the shipped
    rulebook); without it every worker reads ``path`` and checks the hash.
    """

    sha256: str
    path: str
    data: bytes | None = None

    @classmethod
    def from_path(cls, path: str | Path, embed: bool = True) -> RulebookSpec:
        """Describe the rulebook at ``path``; ``embed`` carries its bytes in the spec."""
        data = _read_rulebook(Path(path))
        return cls(hashlib.sha256(data).hexdigest(), str(path), data if embed else None)


@dataclass(frozen=True, slots=True)
class Compiled:
    """A rulebook compiled on this worker, with the JSONL formatter that stamps its hash."""

    matcher: Matcher
    formatter: Formatter


_COMPILED: dict[tuple[str, int], Compiled] = {}
_LOCK = threading.Lock()


def matcher_for(spec: RulebookSpec) -> Compiled:
    """Return the compiled rulebook for ``spec``, building it once per process and thread.

    Each thread gets its own matcher because a Hyperscan scratch space serves one
    scan at a time; with one thread per worker (the recommended set-up) that is one
    matcher per worker process.
    """
    key = (spec.sha256, threading.get_ident())
    compiled = _COMPILED.get(key)
    if compiled is None:
        with _LOCK:
            compiled = _COMPILED.get(key) or _compile(spec)
            _COMPILED[key] = compiled
    return compiled


def _compile(spec: RulebookSpec) -> Compiled:
    from screen.app.storage import cache_dir
    from screen.rulebook import parse_rulebook

    data = spec.data if spec.data is not None else _read_rulebook(Path(spec.path))
    if hashlib.sha256(data).hexdigest() != spec.sha256:
        raise UsageError(f"the rulebook {spec.path} on this worker is not the one the job was "
                         "started with (sha256 differs): put the same file on every worker, "
                         "or embed the rulebook in the spec (RulebookSpec.from_path(path))")
    rulebook = parse_rulebook(data, spec.path)
    matcher = compile_matcher(rulebook, cache_dir())
    return Compiled(matcher, Formatter("jsonl", rulebook.version, rulebook.short_hash))


def _read_rulebook(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the rulebook {path}: {exc.strerror}; check the path "
                         "exists on this machine") from None


def screen_units(units: Iterable[Unit], spec: RulebookSpec, read: ReadOptions,
                 options: ScreenOptions) -> Iterator[dict[str, Any]]:
    """Screen raw input units (JSONL lines, CSV rows, text files) on a worker."""
    matcher = matcher_for(spec).matcher
    for unit in units:
        yield screen_note(matcher, parse_unit(unit, read), options)


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
    units = (Unit("jsonl", 0, f"{source}:{start + number}", record_line(record))
             for number, record in enumerate(_records(part), start=1))
    return list(screen_units(units, spec, read, options))


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

    formatter = matcher_for(spec).formatter
    results = screen_partition(frame, spec, read, options, source=source, start=start)
    rows = [(r["id"], r["level"], r["error"], formatter.record(r).rstrip("\n")) for r in results]
    return pd.DataFrame(rows, columns=list(RESULT_COLUMNS), dtype=object)


def _records(part: Any) -> Iterator[Mapping[str, Any]]:
    if hasattr(part, "to_dict") and hasattr(part, "columns"):
        yield from part.to_dict(orient="records")
    else:
        yield from part


def record_line(record: Mapping[str, Any]) -> bytes:
    """A record as one JSONL line (absent values dropped), to parse like ``batch`` does."""
    if not isinstance(record, Mapping):
        return json.dumps(record, default=str).encode()
    present = {str(k): v for k, v in record.items() if not _missing(v)}
    return json.dumps(present, default=str).encode()


def _missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    return type(value).__name__ in ("NAType", "NaTType")


__all__ = ["RESULT_COLUMNS", "SPARK_SCHEMA", "Compiled", "RulebookSpec", "matcher_for",
           "screen_frame", "screen_partition", "screen_units"]
