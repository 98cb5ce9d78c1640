"""The human view of a batch run: counts per level and the notes worth a look."""

from __future__ import annotations

from rich.table import Table

from screen.app.render import console
from screen.decision.engine import LEVEL_ORDER
from screen.model import Rulebook, localise
from screen.screening import Totals

MAX_ROWS = 200


def print_summary(totals: Totals, rulebook: Rulebook) -> None:
    """Print the level counts and the notes at L3 or above to stdout."""
    out = console()
    counts = Table(title=f"{totals.records:,} notes screened", box=None, header_style="bold")
    counts.add_column("level")
    counts.add_column("meaning")
    counts.add_column("notes", justify="right")
    for level in LEVEL_ORDER:
        counts.add_row(level, localise(rulebook.decision.level(level).title, "en"),
                       f"{totals.levels[level]:,}")
    if totals.errors:
        counts.add_row("error", "could not be read", f"{totals.errors:,}")
    out.print(counts)
    if not totals.flagged:
        return
    flagged = Table(title="Notes to review (L0–L3)", box=None, header_style="bold")
    for name in ("id", "level", "minor", "indicators"):
        flagged.add_column(name, overflow="fold")
    for summary in totals.flagged[:MAX_ROWS]:
        flagged.add_row(str(summary["id"]), summary["level"], summary["minor"],
                        ", ".join(summary["indicators"]))
    out.print()
    out.print(flagged)
    if totals.flagged_count > MAX_ROWS:
        more = totals.flagged_count - MAX_ROWS
        out.print(f"… and {more:,} more: use --format jsonl or csv")
