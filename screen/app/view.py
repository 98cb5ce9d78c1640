"""The human view of a batch run: counts per level and the notes worth a look."""

from __future__ import annotations

from datetime import date

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from screen.app.batch import MAX_ROWS, OTHER_VALUES, Totals
from screen.app.render import as_text
from screen.model import LEVELS, Rulebook, localise


def print_summary(out: Console, totals: Totals, rulebook: Rulebook) -> None:
    """Print the level counts, the records that failed, and the notes to review.

    The notes listed are those at --min-level or above, else at L3 or above.
    """
    counts = Table(title=f"{totals.records:,} notes screened", box=None, header_style="bold")
    counts.add_column("level")
    counts.add_column("meaning")
    counts.add_column("notes", justify="right")
    for level in LEVELS:
        counts.add_row(
            level.value,
            localise(rulebook.decision.level(level).title, "en"),
            f"{totals.levels[level]:,}",
        )
    if totals.errors:
        counts.add_row("error", "could not be read", f"{totals.errors:,}")
    out.print(counts)
    if totals.failures:
        failed = Table(title="Records that could not be read", box=None, header_style="bold")
        failed.add_column("record", overflow="fold")
        failed.add_column("reason", overflow="fold")
        for ident, reason in totals.failures:
            failed.add_row(escape(ident), escape(reason))
        out.print()
        out.print(failed)
        if totals.errors > len(totals.failures):
            out.print(f"… and {totals.errors - len(totals.failures):,} more: use --format jsonl")
    if not totals.flagged:
        return
    span = "L0" if totals.listed is LEVELS[0] else f"L0–{totals.listed.value}"
    flagged = Table(title=f"Notes to review ({span})", box=None, header_style="bold")
    for name in ("id", "level", "minor", "indicators", "to ask"):
        flagged.add_column(name, overflow="fold")
    for summary in totals.flagged[:MAX_ROWS]:
        flagged.add_row(
            as_text(summary.id),
            str(summary.level),
            str(summary.minor),
            ", ".join(summary.indicators),
            str(summary.to_ask) if summary.to_ask else "",
        )
    out.print()
    out.print(flagged)
    if totals.flagged_count > MAX_ROWS:
        more = totals.flagged_count - MAX_ROWS
        out.print(f"… and {more:,} more: use --format jsonl or csv")


SHOWN_VALUE = 40
"""Longest offence value quoted in a warning (a longer one may be text, not a label)."""


def summary_lines(
    totals: Totals,
    rulebook: Rulebook,
    output: str,
    elapsed: float | None,
    today: date | None,
    reference: bool = False,
) -> list[str]:
    """The batch summary for stderr: counts per level, errors, warnings, output and time."""
    took = f" in {elapsed:.1f} s" if elapsed is not None else ""
    lines = [f"htscreen batch: {totals.records:,} records screened{took}"]
    width = max(len(f"{n:,}") for n in (*totals.levels.values(), totals.errors))
    for level in LEVELS:
        title = localise(rulebook.decision.level(level).title, "en")
        lines.append(f"  {level.value}     {totals.levels[level]:>{width},}  {title}")
    lines.append(f"  error  {totals.errors:>{width},}  could not be read")
    lines += problem_lines(totals, today, reference=reference)
    lines.append(f"output: {output}")
    return lines


def problem_lines(
    totals: Totals, today: date | None, errors: bool = True, reference: bool = False
) -> list[str]:
    """The failed records (id and reason, never note text) and the run's warnings.

    Each warning is one line per run, with its count.
    """
    lines: list[str] = []
    if errors and totals.errors:
        lines.append(f"errors ({_records(totals.errors)} could not be screened):")
        lines += [f"  {ident}: {reason}" for ident, reason in totals.failures]
        if totals.errors > len(totals.failures):
            lines.append(f"  … and {totals.errors - len(totals.failures):,} more in the output")
    if totals.offences:
        ranked = sorted(totals.offences.items(), key=lambda item: (-item[1], item[0]))
        values = ", ".join(f"{_quoted(value)} ({count:,})" for value, count in ranked)
        lines.append(
            f"warning: {_records(sum(totals.offences.values()))} with an offence that is not a "
            f"cover offence, screened as 'other': {values}; the values htscreen maps are in "
            "batch --help"
        )
    if totals.undated_ages:
        day = today.isoformat() if today else "today"
        to = f"--reference-date {day}" if reference else f"today ({day})"
        advice = (
            "" if reference else ": name the date field with --date-field or set --reference-date"
        )
        lines.append(
            f"warning: {_records(totals.undated_ages)} with an age counted from a date of birth "
            f"to {to}, as the record has no date{advice} (see age_basis in the output)"
        )
    return lines


def _records(count: int) -> str:
    return f"{count:,} record{'s' * (count != 1)}"


def _quoted(value: str) -> str:
    if value == OTHER_VALUES:
        return "values beyond the first 20"
    if len(value) > SHOWN_VALUE or not value.isprintable():
        return "(a long or unprintable value)"
    return f"'{value}'"
