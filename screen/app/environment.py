"""The process environment, read in one place: variables, folders and terminals.

Every other module is handed an :class:`Environment` (or what it needs from one);
nothing else reads ``os.environ``. Tests build one with :meth:`Environment.of`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Environment:
    """What htscreen takes from its surroundings."""

    rules: Path | None
    """``$HTSCREEN_RULES``: the rulebook to use when ``--rules`` is not given."""
    cache: Path | None
    """The cache folder, or None when caching is off (``$HTSCREEN_NO_CACHE``)."""
    data: Path
    """Where interviews autosave (``$HTSCREEN_DATA``, else the XDG data folder)."""
    no_color: bool = False
    debug: bool = False
    partition_mb: str = ""
    """``$HTSCREEN_PARTITION_MB``: the Dask partition size, unparsed."""
    stdin_tty: bool = False
    stdout_tty: bool = False
    stderr_tty: bool = False
    cwd: Path | None = None
    """The current folder, where the search for ``indicators.yaml`` and ``htscreen.toml``
    starts (None: no search, as in tests that build an environment)."""
    config: Path | None = None
    """``$HTSCREEN_CONFIG``: the settings file to use instead of searching for one."""

    @classmethod
    def of(
        cls,
        variables: Mapping[str, str],
        home: Path,
        ttys: tuple[bool, bool, bool] = (False, False, False),
        cwd: Path | None = None,
    ) -> Environment:
        """Build the environment from ``variables`` (like ``os.environ``) and a home folder."""
        get = variables.get
        cache: Path | None = None
        if not get("HTSCREEN_NO_CACHE"):
            base = get("HTSCREEN_CACHE") or get("XDG_CACHE_HOME")
            cache = Path(base) / "htscreen" if base else home / ".cache" / "htscreen"
        data = get("HTSCREEN_DATA")
        if data:
            data_dir = Path(data)
        else:
            xdg = get("XDG_DATA_HOME")
            data_dir = (Path(xdg) if xdg else home / ".local" / "share") / "htscreen" / "interviews"
        rules = get("HTSCREEN_RULES")
        config = get("HTSCREEN_CONFIG")
        return cls(
            rules=Path(rules) if rules else None,
            cache=cache,
            data=data_dir,
            no_color=bool(get("NO_COLOR")),
            debug=bool(get("HTSCREEN_DEBUG")),
            partition_mb=get("HTSCREEN_PARTITION_MB", ""),
            stdin_tty=ttys[0],
            stdout_tty=ttys[1],
            stderr_tty=ttys[2],
            cwd=cwd,
            config=Path(config) if config else None,
        )


def current() -> Environment:
    """The environment of this process, read now."""
    return Environment.of(
        os.environ,
        Path.home(),
        (_tty(sys.stdin), _tty(sys.stdout), _tty(sys.stderr)),
        _cwd(),
    )


def _cwd() -> Path | None:
    try:
        return Path.cwd()
    except OSError:  # the current folder was removed
        return None


def _tty(stream: object) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty()) if callable(isatty) else False
    except (OSError, ValueError):
        return False
