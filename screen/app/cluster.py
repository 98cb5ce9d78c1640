"""``htscreen batch --engine dask``: screen an archive on a Dask cluster into part files.

The client plans partitions and the workers do the reading, screening and
writing, so note text never passes through the client or the scheduler:

- a JSONL file is cut into byte ranges at line ends (about
  :data:`PARTITION_BYTES` each, ``HTSCREEN_PARTITION_MB`` to change); workers
  first count the lines of each range, so that a record without an id gets
  the same ``file:line`` name as on one machine;
- a Parquet file (needs pyarrow) is one partition per row group;
- text files are grouped into partitions of about the same size;
- CSV and stdin are read by the client with the one-machine reader (a quoted
  CSV field may hold line breaks, so a CSV file cannot be cut by bytes) and sent
  to the workers in chunks; convert very large CSV exports to JSONL or Parquet.

Every partition becomes ``part-NNNNN.jsonl`` in the output folder, written by
the worker (the folder must be shared by client and workers); concatenated in
order they equal ``htscreen batch --format jsonl`` on the same input.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from itertools import islice
from pathlib import Path
from typing import Any, BinaryIO

from screen.app.batch import BatchRequest, check
from screen.app.distributed import RulebookSpec, matcher_for, screen_units
from screen.app.inputs import ReadOptions, Unit, check_options, iter_units
from screen.decision.engine import LEVEL_ORDER
from screen.errors import InputError, OutputError, UsageError
from screen.screening import ScreenOptions

PARTITION_BYTES = 64 * 1024 * 1024
SUFFIXES = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".tsv": "csv",
            ".parquet": "parquet", ".pq": "parquet"}


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


@dataclass(frozen=True, slots=True)
class Job:
    """What every partition task shares."""

    out_dir: str
    read: ReadOptions
    options: ScreenOptions
    threshold: int


@dataclass(slots=True)
class Tally:
    """Counts over the whole run (the same exit codes as one machine)."""

    records: int = 0
    errors: int = 0
    parts: int = 0
    levels: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LEVEL_ORDER, 0))

    def add(self, other: dict[str, Any]) -> None:
        """Add one partition's counts."""
        self.records += other["records"]
        self.errors += other["errors"]
        self.parts += 1
        for level, count in other["levels"].items():
            self.levels[level] += count

    @property
    def worst(self) -> str:
        """The most urgent level reached (L5 when none)."""
        return next((lv for lv in LEVEL_ORDER if self.levels[lv]), "L5")


# --- planning (client side, reads no note text except for CSV and stdin) ---


def partition_bytes() -> int:
    """The target partition size: ``HTSCREEN_PARTITION_MB`` (may be fractional), else 64 MB."""
    value = os.environ.get("HTSCREEN_PARTITION_MB")
    if not value:
        return PARTITION_BYTES
    try:
        size = float(value)
    except ValueError:
        size = 0
    if size <= 0:
        raise UsageError(f"HTSCREEN_PARTITION_MB must be a positive number of megabytes, not "
                         f"'{value}'")
    return max(1, int(size * 1024 * 1024))


def expand(paths: Sequence[str], read: ReadOptions) -> Iterator[tuple[str, str]]:
    """Yield ``(label, kind)`` for every input in order, as the one-machine reader walks them."""
    for name in paths or ["-"]:
        if name == "-":
            yield name, "units"
            continue
        path = Path(name)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()
                                and not any(s.startswith(".") for s in p.relative_to(path).parts)):
                yield str(child), _kind(child, read.input_format, "text")
        elif path.exists():
            yield name, _kind(path, read.input_format, None)
        else:
            raise InputError(f"no such file or folder: {name}")


def _kind(path: Path, fmt: str, auto: str | None) -> str:
    if fmt == "auto":
        fmt = auto or SUFFIXES.get(path.suffix.lower(), "text")
    return "units" if fmt == "csv" else fmt


Counter = Callable[[list[tuple[str, int, int]]], list[int]]


def plan(paths: Sequence[str], read: ReadOptions, size: int, count: Counter) -> Iterator[Part]:
    """Yield the partitions of ``paths`` in input order, numbered from 0.

    ``count`` returns the number of line ends in each ``(path, start, end)`` byte
    range (on the cluster, so the client reads no note text).
    """
    number = 0
    text: list[tuple[str, str]] = []
    text_bytes = 0
    for label, kind in expand(paths, read):
        if kind == "text":
            text.append((os.path.abspath(label), label))
            text_bytes += _size(label)
            if text_bytes < size:
                continue
        if text:
            yield Part(number, "text", paths=tuple(text))
            number, text, text_bytes = number + 1, [], 0
        if kind == "text":
            continue
        for part in _parts_of(label, kind, read, size, count):
            yield replace(part, number=number)
            number += 1
    if text:
        yield Part(number, "text", paths=tuple(text))


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def _parts_of(label: str, kind: str, read: ReadOptions, size: int,
              count: Counter) -> Iterator[Part]:
    if kind == "jsonl" and label != "-":
        ranges = _ranges(label, size)
        if ranges is not None:
            yield from _jsonl_parts(label, ranges, count)
            return
    if kind == "parquet":
        yield from _parquet_parts(label)
        return
    yield from _unit_parts(label, read, size)


def _ranges(label: str, size: int) -> list[tuple[int, int]] | None:
    """Byte ranges of about ``size`` that end at line ends; None if the file cannot be read."""
    try:
        with open(label, "rb") as handle:
            total = os.fstat(handle.fileno()).st_size
            cuts = [0]
            while cuts[-1] + size < total:
                cut = _line_end(handle, cuts[-1] + size)
                if cut >= total:
                    break
                cuts.append(cut)
    except OSError:
        return None  # the one-machine reader reports it as an error record
    if total == 0:
        return []
    return list(zip(cuts, [*cuts[1:], total], strict=True))


def _line_end(handle: BinaryIO, position: int) -> int:
    """The offset just past the first line end at or after ``position`` (EOF if none)."""
    handle.seek(position)
    while block := handle.read(1 << 16):
        found = block.find(b"\n")
        if found >= 0:
            return position + found + 1
        position += len(block)
    return position


def _jsonl_parts(label: str, ranges: list[tuple[int, int]], count: Counter) -> Iterator[Part]:
    path = os.path.abspath(label)
    counts = count([(path, start, end) for start, end in ranges])
    first = 1
    for (start, end), lines in zip(ranges, counts, strict=True):
        yield Part(0, "jsonl", path, label, start, end, first)
        first += lines


def _parquet_parts(label: str) -> Iterator[Part]:
    try:
        pq = _parquet()
    except ImportError:
        raise UsageError("reading Parquet needs pyarrow: pip install pyarrow, or convert "
                         f"{label} to JSONL") from None
    try:
        meta = pq.ParquetFile(label).metadata
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read the Parquet file {label} ({type(exc).__name__}): check "
                         "it is a complete Parquet file") from None
    first = 1
    for group in range(meta.num_row_groups):
        yield Part(0, "parquet", os.path.abspath(label), label, group, 0, first)
        first += meta.row_group(group).num_rows


def _parquet() -> Any:
    """pyarrow.parquet (optional, and untyped)."""
    import importlib

    return importlib.import_module("pyarrow.parquet")


def _unit_parts(label: str, read: ReadOptions, size: int) -> Iterator[Part]:
    """Read with the one-machine reader here and ship the units in chunks of about ``size``."""
    units = iter_units([label], read)
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
        yield Part(0, "units", label=label, units=tuple(chunk))


def _weight(unit: Unit) -> int:
    if unit.kind == "csv":
        return sum(len(cell) for cell in unit.payload[1]) + 16
    return len(unit.payload) if isinstance(unit.payload, (bytes, str)) else 64


# --- worker side ---


def count_lines(path: str, start: int, end: int) -> int:
    """The number of line ends in bytes ``start`` to ``end`` of ``path`` (runs on a worker)."""
    return _read_range(path, start, end).count(b"\n")


def _read_range(path: str, start: int, end: int) -> bytes:
    try:
        with open(path, "rb") as handle:
            handle.seek(start)
            return handle.read(end - start)
    except OSError as exc:
        raise InputError(f"a worker cannot read {path}: {exc.strerror}; the input must be at "
                         "the same path on every worker (a shared folder)") from None


def part_units(part: Part) -> Iterator[Unit]:
    """The raw units of one partition, named exactly as the one-machine reader names them."""
    if part.kind == "jsonl":
        data = _read_range(part.path, part.start, part.end)
        for number, line in enumerate(io.BytesIO(data), start=part.first):
            if line.strip():
                yield Unit("jsonl", 0, f"{part.label}:{number}", line)
    elif part.kind == "text":
        for path, label in part.paths:
            yield _text_unit(path, label)
    elif part.kind == "parquet":
        yield from _parquet_units(part)
    else:
        yield from part.units


def _text_unit(path: str, label: str) -> Unit:
    try:
        return Unit("text", 0, label, Path(path).read_bytes())
    except OSError as exc:
        return Unit("error", 0, label, f"cannot open the file: {exc.strerror}")


def _parquet_units(part: Part) -> Iterator[Unit]:
    from screen.app.distributed import record_line

    rows = _parquet().ParquetFile(part.path).read_row_group(part.start).to_pylist()
    for number, row in enumerate(rows, start=part.first):
        yield Unit("jsonl", 0, f"{part.label}:row {number}", record_line(row))


def run_part(spec: RulebookSpec, part: Part, job: Job) -> dict[str, Any]:
    """Screen one partition into ``part-NNNNN.jsonl``; return its counts (runs on a worker)."""
    formatter = matcher_for(spec).formatter
    levels = dict.fromkeys(LEVEL_ORDER, 0)
    records = errors = 0
    target = Path(job.out_dir) / f"part-{part.number:05d}.jsonl"
    temp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as sink:
            for result in screen_units(part_units(part), spec, job.read, job.options):
                records += 1
                if result["error"]:
                    errors += 1
                else:
                    levels[result["level"]] += 1
                if result["error"] or LEVEL_ORDER.index(result["level"]) <= job.threshold:
                    sink.write(formatter.record(result))
            sink.flush()
            os.fsync(sink.fileno())
        os.replace(temp, target)
    except OSError as exc:
        raise OutputError(f"a worker cannot write {target}: {exc.strerror}; the output folder "
                          "must be writable at the same path on every worker") from None
    return {"records": records, "errors": errors, "levels": levels}


# --- the command ---


def check_request(request: BatchRequest, engine: str) -> None:
    """Raise UsageError for what the Dask engine cannot do."""
    if engine == "spark":
        raise UsageError("htscreen has no Spark launcher: run the mapInPandas recipe in "
                         "docs/distributed.md from your Spark job")
    if engine not in ("local", "dask"):
        raise UsageError(f"unknown engine '{engine}': use local or dask")
    if engine == "local":
        raise UsageError("--scheduler needs --engine dask")
    check(request)
    if request.fmt != "jsonl" or request.output is None:
        raise UsageError("--engine dask writes JSONL part files into a folder: add "
                         "--format jsonl --output DIR")
    if request.jobs != 1:
        raise UsageError("--jobs is for the local engine; with --engine dask size the cluster "
                         "instead: drop --jobs")
    if request.resume:
        raise UsageError("--resume is for the local engine: rerun --engine dask into an empty "
                         "folder")
    if request.read.input_format != "parquet":
        check_options(request.read)


def prepare_output(folder: Path) -> None:
    """Create the output folder (owner-only); refuse one that already holds part files."""
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise OutputError(f"cannot create the output folder {folder}: {exc.strerror}") from None
    if not folder.is_dir():
        raise UsageError(f"--output {folder} is a file: --engine dask needs a folder")
    if any(folder.glob("part-*.jsonl")):
        raise UsageError(f"{folder} already holds part files from an earlier run: choose an "
                         "empty folder or remove them")


def run(request: BatchRequest, engine: str, scheduler: str | None) -> int:
    """Run ``htscreen batch --engine dask``; return the exit code (as one machine would)."""
    from screen.app.rules import load_checked

    check_request(request, engine)
    rulebook = load_checked(request.rules_path)
    _check_jurisdiction(request, [j.name for j in rulebook.decision.jurisdictions])
    spec = RulebookSpec.from_path(request.rules_path)
    if spec.sha256 != rulebook.sha256:
        raise UsageError(f"the rulebook {request.rules_path} changed while the run started: "
                         "run again")
    assert request.output is not None
    prepare_output(request.output)
    job = Job(str(request.output.resolve()), request.read,
              ScreenOptions(request.redact, request.jurisdiction),
              LEVEL_ORDER.index(request.min_level))
    with connect(scheduler) as client:
        tally = execute(client, spec, request.paths, job, partition_bytes())
    if tally.errors:
        return 4
    fail_on = request.fail_on
    if fail_on and LEVEL_ORDER.index(tally.worst) <= LEVEL_ORDER.index(fail_on):
        return 1
    return 0


def _check_jurisdiction(request: BatchRequest, names: list[str]) -> None:
    if request.jurisdiction and request.jurisdiction not in names:
        raise UsageError(f"unknown jurisdiction '{request.jurisdiction}': use "
                         + " or ".join(names))


def connect(scheduler: str | None) -> Any:
    """A Dask client: to ``scheduler``, or to a new two-worker cluster on this machine."""
    try:
        import distributed
    except ImportError:
        raise UsageError("--engine dask needs Dask: pip install 'htscreen[dask]'") from None
    client_class: Any = distributed.Client
    if scheduler is None:
        cluster_class: Any = distributed.LocalCluster
        cluster = cluster_class(n_workers=2, threads_per_worker=1, processes=True,
                               host="127.0.0.1", dashboard_address=None)
        return _Owned(client_class(cluster), cluster)
    try:
        return client_class(scheduler, timeout="20s")
    except (OSError, TimeoutError, ValueError) as exc:
        raise UsageError(f"cannot reach the Dask scheduler at {scheduler} "
                         f"({type(exc).__name__}): check the address, e.g. tcp://host:8786, "
                         "and that the scheduler is running") from None


class _Owned:
    """A client and the local cluster it owns; closing one closes both."""

    def __init__(self, client: Any, cluster: Any) -> None:
        self.client = client
        self.cluster = cluster

    def __enter__(self) -> Any:
        return self.client

    def __exit__(self, *exc: object) -> None:
        self.client.close()
        self.cluster.close()


def execute(client: Any, spec: RulebookSpec, paths: Iterable[str], job: Job,
            size: int) -> Tally:
    """Screen every partition on ``client``'s cluster; at most a few partitions in flight."""
    import distributed

    wait: Any = distributed.wait
    spec_future = client.scatter(spec, broadcast=True)
    threads = sum(client.nthreads().values()) or 1
    limit = 2 * threads + 2
    tally = Tally()
    pending: set[Any] = set()

    def count(ranges: list[tuple[str, int, int]]) -> list[int]:
        futures = client.map(count_lines, *zip(*ranges, strict=True), pure=False) if ranges else []
        return [int(n) for n in client.gather(futures)]

    try:
        for part in plan(list(paths), job.read, size, count):
            if len(pending) >= limit:
                done, pending = _settle(wait(pending, return_when="FIRST_COMPLETED"), tally)
            data = client.scatter(part) if part.kind == "units" else part
            pending.add(client.submit(run_part, spec_future, data, job, pure=False))
        _settle(wait(pending), tally)
    except BaseException:
        client.cancel(list(pending))
        raise
    return tally


def _settle(state: Any, tally: Tally) -> tuple[set[Any], set[Any]]:
    """Add the counts of finished partitions (raising a worker's error here)."""
    for future in state.done:
        tally.add(future.result())
    return set(state.done), set(state.not_done)


def first_parts(paths: Sequence[str], read: ReadOptions, size: int, n: int) -> list[Part]:
    """The first ``n`` partitions planned here without a cluster (for tests and dry runs)."""
    def count(ranges: list[tuple[str, int, int]]) -> list[int]:
        return [count_lines(*r) for r in ranges]

    return list(islice(plan(paths, read, size, count), n))
