"""The batch driver, and the ``batch`` command's edge (progress, notices, the summary)."""

from __future__ import annotations

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
    return batch.Outcome(totals, rulebook, failed)


def run(request: batch.BatchRequest, env: Environment) -> batch.Outcome:
    """Run the batch command, showing progress on stderr when it is a terminal."""
    with _Progress(env) as tick:
        outcome = drive(request, env, tick)
    if request.fmt == "table":
        from screen.app.render import console
        from screen.app.view import print_summary

        print_summary(console(no_color=env.no_color), outcome.totals, outcome.rulebook)
    return outcome


class _Progress:
    """A progress counter on stderr, only when stderr is a terminal."""

    def __init__(self, env: Environment) -> None:
        self.env = env
        self.bar: Any = None

    def __enter__(self) -> Callable[[int], None] | None:
        if not self.env.stderr_tty:
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
