"""The human view of a batch run: counts per level and the notes worth a look."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from screen.app.batch import MAX_ROWS, Totals
from screen.app.render import as_text
from screen.model import LEVELS, Rulebook, localise


def print_summary(out: Console, totals: Totals, rulebook: Rulebook) -> None:
    """Print the level counts and the notes at L3 or above."""
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
    if not totals.flagged:
        return
    flagged = Table(title="Notes to review (L0–L3)", box=None, header_style="bold")
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
