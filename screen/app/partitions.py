"""Cutting a batch's inputs into partitions for a cluster (pure: the I/O is handed in).

The planner walks the inputs as the one-machine reader does and yields
:class:`Part` values in input order:

- a JSONL file becomes byte ranges that end at line ends, about ``size`` bytes
  each; the lines of each range are counted (on the cluster) so a record without
  an id gets the same ``file:line`` name as on one machine;
- a Parquet file becomes one part per row group;
- text files are grouped into parts of about ``size`` bytes;
- CSV and stdin are read here with the one-machine reader (a quoted CSV field may
  hold line breaks, so a CSV file cannot be cut by bytes) and shipped in chunks.

Everything the planner needs from files comes through :class:`Files`, so it is
tested without Dask and without touching the disk.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from screen.app.inputs import Source, Unit

PARTITION_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Part:
    """One partition of the input, as a worker needs it to find its records."""

    number: int
    kind: str  # "jsonl" | "parquet" | "text" | "units"
    path: str = ""  # absolute, for reading on a worker
    label: str = ""  # as the user named it, for record names
    start: int = 0  # jsonl: first byte; parquet: row group
    end: int = 0  # jsonl: byte after the last
    first: int = 1  # jsonl: first line number; parquet: first row number
    paths: tuple[tuple[str, str], ...] = ()  # text: (path, label) pairs
    units: tuple[Unit, ...] = ()  # units: records read by the client


class Files(Protocol):
    """What the planner asks of the file system."""

    def size(self, path: str) -> int:
        """The size of ``path`` in bytes (0 if it cannot be read)."""

    def line_end(self, path: str, position: int) -> int:
        """The offset just past the first line end at or after ``position`` (EOF if none)."""

    def row_groups(self, path: str) -> list[int]:
        """The number of rows in each row group of a Parquet file."""

    def units(self, source: Source) -> Iterator[Unit]:
        """The records of a source, read with the one-machine reader."""


Counter = Callable[[list[tuple[str, int, int]]], list[int]]
"""Counts the line ends in each ``(path, start, end)`` byte range (on the cluster)."""


def plan(sources: Iterable[Source], size: int, files: Files, count: Counter) -> Iterator[Part]:
    """Yield the partitions of ``sources`` in input order, numbered from 0."""
    number = 0
    text: list[tuple[str, str]] = []
    text_bytes = 0
    for source in sources:
        if source.fmt == "text" and source.label != "-":
            text.append((os.path.abspath(source.label), source.label))
            text_bytes += files.size(source.label)
            if text_bytes < size:
                continue
        if text:
            yield Part(number, "text", paths=tuple(text))
            number, text, text_bytes = number + 1, [], 0
        if source.fmt == "text" and source.label != "-":
            continue
        for part in _parts_of(source, size, files, count):
            yield replace(part, number=number)
            number += 1
    if text:
        yield Part(number, "text", paths=tuple(text))


def _parts_of(source: Source, size: int, files: Files, count: Counter) -> Iterator[Part]:
    if source.fmt == "jsonl" and source.label != "-":
        yield from _jsonl_parts(source.label, ranges(source.label, size, files), count)
    elif source.fmt == "parquet":
        yield from _parquet_parts(source.label, files)
    else:
        yield from _unit_parts(source, size, files)


def ranges(label: str, size: int, files: Files) -> list[tuple[int, int]]:
    """Byte ranges of about ``size`` that end at line ends."""
    total = files.size(label)
    if total == 0:
        return []
    cuts = [0]
    while cuts[-1] + size < total:
        cut = files.line_end(label, cuts[-1] + size)
        if cut >= total:
            break
        cuts.append(cut)
    return list(zip(cuts, [*cuts[1:], total], strict=True))


def _jsonl_parts(label: str, spans: list[tuple[int, int]], count: Counter) -> Iterator[Part]:
    path = os.path.abspath(label)
    counts = count([(path, start, end) for start, end in spans])
    first = 1
    for (start, end), lines in zip(spans, counts, strict=True):
        yield Part(0, "jsonl", path, label, start, end, first)
        first += lines


def _parquet_parts(label: str, files: Files) -> Iterator[Part]:
    first = 1
    for group, rows in enumerate(files.row_groups(label)):
        yield Part(0, "parquet", os.path.abspath(label), label, group, 0, first)
        first += rows


def _unit_parts(source: Source, size: int, files: Files) -> Iterator[Part]:
    """Read with the one-machine reader and ship the units in chunks of about ``size``."""
    units = files.units(source)
    while True:
        chunk: list[Unit] = []
        weight = 0
        for unit in units:
            chunk.append(unit)
            weight += _weight(unit)
            if weight >= size:
                break
        if not chunk:
            return
        yield Part(0, "units", label=source.label, units=tuple(chunk))


def _weight(unit: Unit) -> int:
    if unit.kind == "csv":
        return sum(len(cell) for cell in unit.payload[1]) + 16
    return len(unit.payload) if isinstance(unit.payload, (bytes, str)) else 64


def partition_bytes(value: str) -> int:
    """The partition size from ``$HTSCREEN_PARTITION_MB`` (may be fractional), else 64 MB.

    Raises ValueError for anything but a positive, finite number.
    """
    if not value:
        return PARTITION_BYTES
    size = float(value)
    if not size > 0 or size == float("inf"):
        raise ValueError(value)
    return max(1, int(size * 1024 * 1024))


def first_parts(sources: Sequence[Source], size: int, files: Files, n: int) -> list[Part]:
    """The first ``n`` partitions, counting lines here (for tests and dry runs)."""
    from itertools import islice

    def count(spans: list[tuple[str, int, int]]) -> list[int]:
        return [files_count(files, *span) for span in spans]

    return list(islice(plan(sources, size, files, count), n))


def files_count(files: Files, path: str, start: int, end: int) -> int:
    """Line ends in a byte range, if ``files`` can read ranges (the local file system can)."""
    reader = getattr(files, "read_range", None)
    return reader(path, start, end).count(b"\n") if callable(reader) else 0
