"""The Dask backend: partitions screened on a cluster into ``part-NNNNN.jsonl`` files.

The client plans partitions (:mod:`screen.app.partitions`) and the workers read,
screen and write, so note text never passes through the client or the
scheduler (CSV and stdin excepted: the client reads those). Concatenated in
order, the part files equal ``htscreen batch --format jsonl`` on the same input.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from screen.app.batch import BatchRequest, Totals
from screen.app.environment import Environment
from screen.app.inputs import (
    ReadOptions,
    Source,
    Unit,
    jsonl_units,
    line_count,
    parquet_units,
    source_units,
    text_unit,
    walk,
)
from screen.app.partitions import Part, partition_bytes, plan
from screen.app.sink import Sink, Writer
from screen.app.workers import WorkerSpec, worker_for
from screen.errors import InputError, OutputError, UsageError
from screen.model import Level


@dataclass(frozen=True, slots=True)
class Job:
    """What every partition task shares."""

    out_dir: str
    threshold: Level


class LocalFiles:
    """The planner's view of the file system, on the client (and for tests)."""

    def __init__(self, read: ReadOptions) -> None:
        self.read = read

    def size(self, path: str) -> int:  # noqa: D102
        try:
            return os.path.getsize(path)
        except OSError:
            return 0

    def line_end(self, path: str, position: int) -> int:  # noqa: D102
        with open(path, "rb") as handle:
            handle.seek(position)
            while block := handle.read(1 << 16):
                found = block.find(b"\n")
                if found >= 0:
                    return position + found + 1
                position += len(block)
        return position

    def row_groups(self, path: str) -> list[int]:  # noqa: D102
        try:
            import importlib

            pq: Any = importlib.import_module("pyarrow.parquet")
        except ImportError:
            raise UsageError(
                f"reading Parquet needs pyarrow: pip install pyarrow, or convert {path} to JSONL"
            ) from None
        try:
            meta = pq.ParquetFile(path).metadata
        except (OSError, ValueError) as exc:
            raise InputError(
                f"cannot read the Parquet file {path} ({type(exc).__name__}): "
                "check it is a complete Parquet file"
            ) from None
        return [meta.row_group(g).num_rows for g in range(meta.num_row_groups)]

    def units(self, source: Source) -> Iterator[Unit]:  # noqa: D102
        return source_units(source, self.read)

    def read_range(self, path: str, start: int, end: int) -> bytes:
        """Bytes ``start`` to ``end`` of ``path``."""
        return read_range(path, start, end)


# --- worker side ---


def read_range(path: str, start: int, end: int) -> bytes:
    """Bytes ``start`` to ``end`` of ``path`` (runs on a worker)."""
    try:
        with open(path, "rb") as handle:
            handle.seek(start)
            return handle.read(end - start)
    except OSError as exc:
        raise InputError(
            f"a worker cannot read {path}: {exc.strerror}; the input must be at "
            "the same path on every worker (a shared folder)"
        ) from None


def count_lines(path: str, start: int, end: int) -> int:
    """The number of line ends in bytes ``start`` to ``end`` of ``path`` (runs on a worker)."""
    return line_count(read_range(path, start, end))


def part_units(part: Part, read: ReadOptions | None = None) -> Iterator[Unit]:
    """The raw units of one partition, named exactly as the one-machine reader names them."""
    read = read or ReadOptions()
    if part.kind == "jsonl":
        data = read_range(part.path, part.start, part.end)
        yield from jsonl_units([data], part.label, read, part.first)
    elif part.kind == "text":
        for path, label in part.paths:
            yield _text_unit(path, label, read)
    elif part.kind == "parquet":
        yield from parquet_units(part.path, [part.start], part.first)
    else:
        yield from part.units


def _text_unit(path: str, label: str, read: ReadOptions) -> Unit:
    try:
        with open(path, "rb") as handle:
            return text_unit(handle, label, read)
    except OSError as exc:
        return Unit("error", 0, label, f"cannot open the file: {exc.strerror}")


@dataclass(frozen=True, slots=True)
class PartFailure:
    """A partition a worker could not screen: its number and the kind of error only.

    Returned, never raised, so that Dask has no exception to log: a worker's
    exception (and the task arguments Dask logs with it) could hold note text.
    """

    number: int
    kind: str


def run_part(spec: WorkerSpec, part: Part, job: Job) -> Totals | PartFailure:
    """Screen one partition into ``part-NNNNN.jsonl``; return its counts (runs on a worker)."""
    try:
        return _screen_part(spec, part, job)
    except Exception as exc:  # noqa: BLE001 - reported by kind only, see PartFailure
        return PartFailure(part.number, type(exc).__name__)


def _screen_part(spec: WorkerSpec, part: Part, job: Job) -> Totals:
    worker = worker_for(spec)
    totals = Totals()
    target = Path(job.out_dir) / f"part-{part.number:05d}.jsonl"
    with Sink(target, append=False, atomic=True) as sink:
        writer = Writer(sink, worker.formatter, first=True)
        for line, summary in worker.records(part_units(part, spec.read)):
            totals.add(summary)
            if summary.level is None or summary.level.at_least(job.threshold):
                writer.write(line)
        writer.close()
    return totals


def remove_partial_files(folder: Path) -> None:
    """Delete the temporary files of partitions that did not finish (they hold note text)."""
    for stray in folder.glob(".part-*.tmp"):
        try:
            stray.unlink()
        except OSError:
            continue


# --- the client ---


def check_request(request: BatchRequest) -> None:
    """Raise UsageError for what the Dask engine cannot do."""
    if request.fmt != "jsonl" or request.output is None:
        raise UsageError(
            "--engine dask writes JSONL part files into a folder: add --format jsonl --output DIR"
        )
    if request.jobs not in (None, 1):
        raise UsageError(
            "--jobs is for the local engine; with --engine dask size the cluster "
            "instead: drop --jobs"
        )
    if request.resume:
        raise UsageError(
            "--resume is for the local engine: rerun --engine dask into an empty folder"
        )


def prepare_output(folder: Path) -> None:
    """Create the output folder (owner-only); refuse one that already holds part files."""
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise OutputError(f"cannot create the output folder {folder}: {exc.strerror}") from None
    if not folder.is_dir():
        raise UsageError(f"--output {folder} is a file: --engine dask needs a folder")
    if any(folder.glob("part-*.jsonl")):
        raise UsageError(
            f"{folder} already holds part files from an earlier run: choose an "
            "empty folder or remove them"
        )


def run_on_dask(request: BatchRequest, spec: WorkerSpec, env: Environment) -> Totals:
    """Screen the request's inputs on a Dask cluster; return the run's counts."""
    check_request(request)
    try:
        size = partition_bytes(env.partition_mb)
    except ValueError:
        raise UsageError(
            f"HTSCREEN_PARTITION_MB must be a positive number of megabytes, not "
            f"'{env.partition_mb}'"
        ) from None
    assert request.output is not None
    prepare_output(request.output)
    job = Job(str(request.output.resolve()), request.threshold)
    sources = list(walk(request.paths, request.read))
    try:
        with connect(request.scheduler) as client:
            return execute(client, spec, sources, job, size, LocalFiles(request.read))
    finally:
        remove_partial_files(request.output)


def connect(scheduler: str | None) -> Any:
    """A Dask client: to ``scheduler``, or to a new two-worker cluster on this machine."""
    try:
        import distributed
    except ImportError:
        raise UsageError("--engine dask needs Dask: pip install 'htscreen[dask]'") from None
    client_class: Any = distributed.Client
    if scheduler is None:
        cluster_class: Any = distributed.LocalCluster
        cluster = cluster_class(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        )
        return _Owned(client_class(cluster), cluster)
    try:
        return client_class(scheduler, timeout="20s")
    except Exception as exc:  # noqa: BLE001 - any failure to connect (tls:// without a TLS setup raises TypeError)
        raise UsageError(
            f"cannot reach the Dask scheduler at {scheduler} "
            f"({type(exc).__name__}): check the address, e.g. tcp://host:8786, "
            "and that the scheduler is running"
        ) from None


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


def execute(
    client: Any, spec: WorkerSpec, sources: list[Source], job: Job, size: int, files: LocalFiles
) -> Totals:
    """Screen every partition on ``client``'s cluster; at most a few partitions in flight."""
    import distributed

    wait: Any = distributed.wait
    spec_future = client.scatter(spec, broadcast=True)
    threads = sum(client.nthreads().values()) or 1
    limit = 2 * threads + 2
    totals = Totals()
    pending: set[Any] = set()

    def count(spans: list[tuple[str, int, int]]) -> list[int]:
        futures = client.map(count_lines, *zip(*spans, strict=True), pure=False) if spans else []
        return [int(n) for n in client.gather(futures)]

    try:
        for part in plan(sources, size, files, count):
            if len(pending) >= limit:
                pending = _settle(wait(pending, return_when="FIRST_COMPLETED"), totals)
            data = client.scatter(part) if part.kind == "units" else part
            pending.add(client.submit(run_part, spec_future, data, job, pure=False))
        _settle(wait(pending), totals)
    except BaseException:
        client.cancel(list(pending))
        raise
    return totals


def _settle(state: Any, totals: Totals) -> set[Any]:
    """Add the counts of finished partitions (raising a worker's failure here)."""
    for future in state.done:
        result = future.result()
        if isinstance(result, PartFailure):
            raise OutputError(
                f"partition {result.number} could not be screened ({result.kind}); "
                "its records are not in the output. Run the same input with the local "
                "engine to find the record, and report the problem"
            )
        totals.merge(result)
    return set(state.not_done)
