"""Shell completion of option values: offences, formats, languages, indicator ids.

Typer calls these with the word typed so far (and the click context, for the
``--rules`` already on the line). They never raise: a rulebook that cannot be
read completes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from screen.model import OFFENCES

BATCH_FORMATS = ("table", "jsonl", "json", "csv")
LIST_FORMATS = ("table", "json", "markdown")
TEST_FORMATS = ("table", "json")
EXPORT_FORMATS = ("grep", "json")
REPORT_FORMATS = ("markdown", "html", "json")


def _starting(options: tuple[str, ...] | list[str], incomplete: str) -> list[str]:
    return [option for option in options if option.startswith(incomplete)]


def offences(incomplete: str) -> list[str]:
    """Cover offences starting with what was typed."""
    return _starting(OFFENCES, incomplete)


def choices(options: tuple[str, ...]) -> Callable[[str], list[str]]:
    """A completion callback for a fixed set of values (e.g. one command's --format)."""

    def complete(incomplete: str) -> list[str]:
        return _starting(options, incomplete)

    return complete


def languages(ctx: Any, incomplete: str) -> list[str]:
    """The languages of the rulebook in use (``--rules`` on the line, or the one found)."""
    rulebook = _rulebook(ctx)
    return _starting(list(rulebook.languages), incomplete) if rulebook else []


def indicator_ids(ctx: Any, incomplete: str) -> list[str]:
    """Indicator ids of the rulebook in use: those starting with the text, then containing it."""
    rulebook = _rulebook(ctx)
    if rulebook is None:
        return []
    ids = [ind.id for ind in rulebook.indicators]
    first = _starting(ids, incomplete)
    return first + [i for i in ids if incomplete in i and i not in first]


def _rulebook(ctx: Any) -> Any:
    from screen.app import environment
    from screen.app.rulebooks import choose_rulebook, load_rulebook, store_of
    from screen.errors import ScreenError

    params = getattr(ctx, "params", None) or {}
    given = params.get("rules")
    env = environment.current()
    try:
        choice = choose_rulebook(Path(given) if given else None, env)
        return load_rulebook(choice.path, store_of(env))
    except (ScreenError, OSError):
        return None
