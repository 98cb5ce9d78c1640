"""Saved interviews and reports on disk: atomic, owner-only writes."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from screen.errors import InputError, OutputError


def data_dir() -> Path:
    """The per-user folder for saved interviews ($HTSCREEN_DATA, else XDG data home)."""
    base = os.environ.get("HTSCREEN_DATA")
    if base:
        return Path(base)
    xdg = os.environ.get("XDG_DATA_HOME")
    root = Path(xdg) if xdg else Path.home() / ".local" / "share"
    return root / "htscreen" / "interviews"


def write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically (temp file, fsync, rename), mode 0600."""
    folder = path.parent
    if not folder.is_dir():
        raise OutputError(f"cannot write {path}: the folder {folder} does not exist; create "
                          "it or choose another path")
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise OutputError(f"cannot write in {folder}: {exc.strerror}; choose a writable "
                          "folder") from None
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except OSError as exc:
        _remove(temp)
        raise OutputError(f"cannot write {path}: {exc.strerror}; the previous copy, if any, "
                          "is unchanged") from None
    except BaseException:
        _remove(temp)
        raise


def _remove(temp: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(temp)


def save_json(path: Path, data: dict[str, Any]) -> None:
    """Save ``data`` as JSON, privately and atomically."""
    write_private(path, json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def load_json(path: Path) -> dict[str, Any]:
    """Load a saved interview; InputError if it cannot be read."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"no saved interview at {path}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        raise InputError(f"the saved interview {path} cannot be read; it may be damaged") from None
    if not isinstance(data, dict) or not isinstance(data.get("answers", []), list):
        raise InputError(f"{path} is not a saved interview")
    return data


def unfinished(folder: Path) -> list[Path]:
    """Saved interviews in ``folder`` that are not finished, newest first."""
    if not folder.is_dir():
        return []
    found = []
    for path in folder.glob("*.json"):
        try:
            if not json.loads(path.read_text(encoding="utf-8")).get("finished", False):
                found.append(path)
        except (OSError, ValueError, AttributeError):
            continue
    return sorted(found, key=lambda p: p.stat().st_mtime, reverse=True)
