"""Throughput of ``htscreen batch`` on one process and on local Dask clusters of 1 and 2 workers.

    python bench/generate.py /tmp/bench --mb 50
    python bench/dask_throughput.py /tmp/bench/notes-50mb.jsonl --partition-mb 4

Prints one line per run: engine, workers, seconds, MB/s, notes/s. The rulebook is
compiled once before timing (the compile cache is warm), as in a long run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

from screen.app.cli import main as htscreen


def timed(args: list[str]) -> float:
    start = time.perf_counter()
    code = htscreen(args)
    if code not in (0, 4):
        raise SystemExit(f"htscreen exited {code}")
    return time.perf_counter() - start


def report(label: str, workers: int, seconds: float, size: int, notes: int) -> None:
    print(
        f"{label:12} workers={workers}  {seconds:7.1f} s  {size / seconds / 1e6:6.2f} MB/s  "
        f"{notes / seconds:8.0f} notes/s",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--partition-mb", type=float, default=4)
    parser.add_argument("--workers", type=int, nargs="*", default=[1, 2])
    parser.add_argument("--skip-local", action="store_true")
    args = parser.parse_args()
    import distributed

    size = args.corpus.stat().st_size
    notes = sum(1 for _ in args.corpus.open("rb"))
    os.environ["HTSCREEN_PARTITION_MB"] = str(args.partition_mb)
    work = Path(tempfile.mkdtemp(prefix="htscreen-bench-"))
    warm = work / "warm.jsonl"
    warm.write_text('{"id": "w", "text": "warm up"}\n')
    htscreen(["batch", str(warm), "--format", "jsonl", "-o", str(work / "warm.out")])
    if not args.skip_local:
        seconds = timed(
            ["batch", str(args.corpus), "--format", "jsonl", "-o", str(work / "single.jsonl")]
        )
        report("local", 1, seconds, size, notes)
    for workers in args.workers:
        with distributed.LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster:
            address = cluster.scheduler_address
            htscreen(
                [
                    "batch",
                    str(warm),
                    "--format",
                    "jsonl",
                    "-o",
                    str(work / f"w{workers}"),
                    "--engine",
                    "dask",
                    "--scheduler",
                    address,
                ]
            )
            seconds = timed(
                [
                    "batch",
                    str(args.corpus),
                    "--format",
                    "jsonl",
                    "-o",
                    str(work / f"dask{workers}"),
                    "--engine",
                    "dask",
                    "--scheduler",
                    address,
                ]
            )
        report("dask", workers, seconds, size, notes)
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
