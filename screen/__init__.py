"""htscreen: screen for human trafficking hidden behind other offences.

The small public API: :func:`load_rulebook`, :func:`screen_texts`, :func:`decide`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from screen.version import __version__

__all__ = ["__version__", "decide", "load_rulebook", "screen_texts"]

if TYPE_CHECKING:
    from screen.app.distributed import screen_texts
    from screen.app.rulebooks import load_rulebook
    from screen.decision.engine import decide


def __getattr__(name: str) -> Any:
    """Import the public API lazily, so the command line starts fast."""
    if name == "screen_texts":
        from screen.app.distributed import screen_texts

        return screen_texts
    if name == "decide":
        from screen.decision.engine import decide

        return decide
    if name == "load_rulebook":
        from screen.app.rulebooks import load_rulebook

        return load_rulebook
    raise AttributeError(name)
