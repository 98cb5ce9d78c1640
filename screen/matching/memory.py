"""What one process learned that the next can reuse: a JSON dict kept in the artefact store.

Work done once per process (compiling the expressions a corpus meets, ranking the
questions for each new set of indicators) is remembered here and saved through
the same authenticated cache as the compiled plan, so the next run, and every
worker of a ``--jobs`` pool, starts with it. Saving merges with what other
processes saved meanwhile (one whose save races with another's may lose its
newest entries; they are learned again). A damaged or foreign entry reads as
empty: a memory is only ever a shortcut to a value that would be computed anyway.
"""

from __future__ import annotations

import json
import time
from typing import Any

from screen.matching.scanner import Artefacts

SAVE_EVERY = 5.0
"""Seconds between two saves of new entries (the first save may come sooner: SAVE_AT)."""
SAVE_AT = 200
"""New entries that are saved at once, however recent the last save."""


class Memory:
    """Name -> JSON value, loaded from ``artefacts`` and saved back with :meth:`save`."""

    def __init__(self, artefacts: Artefacts | None, key: str, limit: int) -> None:
        self._artefacts = artefacts
        self.key = key
        self.limit = limit
        """The most entries kept; the oldest go first beyond it."""
        self.known: dict[str, Any] = self._stored()
        self._new: dict[str, Any] = {}
        self._last = time.monotonic()

    def get(self, name: str) -> Any:
        """The value remembered as ``name``, or None."""
        return self.known.get(name)

    def put(self, name: str, value: Any) -> None:
        """Remember ``value`` (JSON data) as ``name``, to be saved by the next :meth:`save`."""
        if len(self.known) >= self.limit:
            self.known.clear()
        self.known[name] = value
        self._new[name] = value

    @property
    def unsaved(self) -> int:
        """How many entries were learned since the last save."""
        return len(self._new)

    def save(self, force: bool = False) -> bool:
        """Save the new entries if there are enough of them, or it is time (or ``force``).

        Returns whether anything was written.
        """
        if not self._new or self._artefacts is None:
            return False
        now = time.monotonic()
        if not force and len(self._new) < SAVE_AT and now - self._last < SAVE_EVERY:
            return False
        merged = self._stored()
        merged.update(self._new)
        if len(merged) > self.limit:
            merged = dict(list(merged.items())[-self.limit :])
        self._artefacts.put(self.key, json.dumps(merged, separators=(",", ":")).encode())
        self._new.clear()
        self._last = now
        return True

    def _stored(self) -> dict[str, Any]:
        payload = self._artefacts.get(self.key) if self._artefacts is not None else None
        if payload is None:
            return {}
        try:
            found = json.loads(payload)
        except ValueError:
            return {}
        return found if isinstance(found, dict) else {}
