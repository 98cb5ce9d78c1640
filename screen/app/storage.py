"""The per-user cache of validated rulebooks and compiled scanners.

A rulebook that validated once is stored, with its compiled plan, under a key
made of its content hash and the tool version, so later runs skip parsing and
checking. The cache is owner-only; it is ignored, never trusted, when its folder
is writable by anyone else. Failing to read or write it never fails a run.
"""

from __future__ import annotations

import os
import pickle
import stat
from pathlib import Path
from typing import Any

from screen import __version__


def cache_dir() -> Path | None:
    """Where to cache ($HTSCREEN_CACHE, else the user cache folder); None if disabled."""
    if os.environ.get("HTSCREEN_NO_CACHE"):
        return None
    base = os.environ.get("HTSCREEN_CACHE") or os.environ.get("XDG_CACHE_HOME")
    return Path(base) / "htscreen" if base else Path.home() / ".cache" / "htscreen"


def _private(folder: Path) -> bool:
    try:
        info = folder.stat()
    except OSError:
        return False
    owned = not hasattr(os, "getuid") or info.st_uid == os.getuid()
    return owned and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def load(name: str) -> Any:
    """Return the cached object called ``name``, or None."""
    folder = cache_dir()
    if folder is None or not _private(folder):
        return None
    path = folder / f"{name}-{__version__}.pickle"
    try:
        with path.open("rb") as handle:
            return pickle.load(handle)  # noqa: S301 - owner-only folder written by this tool
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
        return None


def store(name: str, value: Any) -> None:
    """Cache ``value`` as ``name`` (atomically; errors are ignored)."""
    folder = cache_dir()
    if folder is None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not _private(folder):
            return
        path = folder / f"{name}-{__version__}.pickle"
        temp = path.with_suffix(f".{os.getpid()}.tmp")
        with temp.open("wb") as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temp, path)
    except (OSError, pickle.PicklingError):
        pass
