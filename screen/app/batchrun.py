"""The batch driver, and the ``batch`` command's edge (progress, notices, the summary)."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any

from screen.app import batch
from screen.app.environment import Environment
from screen.model import Level


def drive(
    request: batch.BatchRequest, env: Environment, progress: Callable[[int], None] | None = None
) -> batch.Outcome:
    """Run a batch on the backend the request names: inline, pool or Dask."""
    rulebook, spec = batch.prepare(request, env)
    if request.engine == "dask":
        from screen.app.cluster import run_on_dask

        totals = run_on_dask(request, spec, env)
    else:
        totals = batch.run_local(request, spec, rulebook, progress)
    failed = request.fail_on is not None and totals.worst.at_least(Level(request.fail_on))
    return batch.Outcome(totals, rulebook, failed, spec.today, spec.reference)


def run(request: batch.BatchRequest, env: Environment) -> batch.Outcome:
    """Run the batch command, showing progress on stderr when it is a terminal.

    The summary goes to stderr at a terminal (or with ``--summary``); without it the
    failed records and the warnings still do. ``--quiet`` prints none of it.
    """
    started = time.monotonic()
    with _Progress(env, enabled=not request.quiet) as tick:
        outcome = drive(request, env, tick)
    if request.fmt == "table":
        from screen.app.render import console
        from screen.app.view import print_summary

        print_summary(console(no_color=env.no_color), outcome.totals, outcome.rulebook)
    if not request.quiet:
        _report(request, env, outcome, time.monotonic() - started)
    return outcome


def _report(
    request: batch.BatchRequest, env: Environment, outcome: batch.Outcome, elapsed: float
) -> None:
    from screen.app.view import problem_lines, summary_lines

    table = request.fmt == "table"
    if request.summary or (env.stderr_tty and not table):
        output = str(request.output) if request.output else "stdout"
        lines = summary_lines(
            outcome.totals, outcome.rulebook, output, elapsed, outcome.today, outcome.reference
        )
    else:  # the table already lists the failed records
        lines = problem_lines(
            outcome.totals, outcome.today, errors=not table, reference=outcome.reference
        )
    if lines:
        sys.stderr.write("\n".join(lines) + "\n")
        sys.stderr.flush()


class _Progress:
    """A progress counter on stderr, only when stderr is a terminal."""

    def __init__(self, env: Environment, enabled: bool = True) -> None:
        self.env = env
        self.enabled = enabled
        self.bar: Any = None

    def __enter__(self) -> Callable[[int], None] | None:
        if not self.env.stderr_tty or not self.enabled:
            return None
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        from screen.app.render import console

        self.bar = Progress(
            SpinnerColumn(),
            TextColumn("{task.completed:,} notes screened"),
            TimeElapsedColumn(),
            transient=True,
            console=console(True, no_color=self.env.no_color),
        )
        self.bar.start()
        task = self.bar.add_task("batch", total=None)
        bar = self.bar
        return lambda n: bar.advance(task, n)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()
