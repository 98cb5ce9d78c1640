"""What one process learned that the next can reuse: a JSON dict kept in the artefact store.

Work done once per process (compiling the expressions a corpus meets, ranking the
questions for each new set of indicators) is remembered here and saved through
the same authenticated cache as the compiled plan, so the next run, and every
worker of a ``--jobs`` pool, starts with it. Saving merges with what other
processes saved meanwhile (one whose save races with another's may lose its
newest entries; they are learned again). A damaged or foreign entry reads as
empty: a memory is only ever a shortcut to a value that would be computed anyway.

A memory is bounded twice, in entries and in bytes, and keeps the entries used
most recently: each save moves what this process read or learned to the newest
end, and drops the oldest beyond either bound. So entries that no run needs any
more (expressions of rules since edited, rankings of an older rulebook) leave
on their own, and every run reads a store of bounded size. Saves are spaced so
that they never take more than about a twentieth of a run's time.
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
SAVE_SHARE = 20
"""A save waits at least this many times as long as the last one took."""


class Memory:
    """Name -> JSON value, loaded from ``artefacts`` and saved back with :meth:`save`."""

    def __init__(
        self, artefacts: Artefacts | None, key: str, limit: int, max_bytes: int = 1 << 24
    ) -> None:
        self._artefacts = artefacts
        self.key = key
        self.limit = limit
        """The most entries kept."""
        self.max_bytes = max_bytes
        """The most bytes of names and JSON values kept in the store."""
        self.known: dict[str, Any] = self._stored()
        self._new: dict[str, Any] = {}
        self._used: set[str] = set()
        self._last = time.monotonic()
        self._cost = 0.0

    def get(self, name: str) -> Any:
        """The value remembered as ``name``, or None."""
        value = self.known.get(name)
        if value is not None:
            self._used.add(name)
        return value

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
        started = time.monotonic()
        waited = started - self._last
        due = len(self._new) >= SAVE_AT or waited >= SAVE_EVERY
        if not force and (not due or waited < SAVE_SHARE * self._cost):
            return False
        merged = self._stored()
        for name in self._used - self._new.keys():
            value = merged.pop(name, None)
            if value is not None:
                merged[name] = value
        for name, value in self._new.items():
            merged.pop(name, None)
            merged[name] = value
        kept = newest(merged, self.limit, self.max_bytes)
        self._artefacts.put(self.key, json.dumps(kept, separators=(",", ":")).encode())
        self._new.clear()
        self._used.clear()
        self._last = time.monotonic()
        self._cost = self._last - started
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


def newest(entries: dict[str, Any], limit: int, max_bytes: int) -> dict[str, Any]:
    """The last entries of ``entries`` (in order) that fit ``limit`` entries and ``max_bytes``."""
    size = 2
    first = len(entries)
    for name, value in reversed(entries.items()):
        size += len(name) + _size(value) + 6
        if size > max_bytes or len(entries) - first >= limit:
            break
        first -= 1
    if first == 0:
        return entries
    return dict(list(entries.items())[first:])


def _size(value: Any) -> int:
    """About how many bytes ``value`` takes as JSON (exactly, for plain ASCII strings)."""
    if isinstance(value, str):
        return len(value)
    return len(json.dumps(value, separators=(",", ":")))
