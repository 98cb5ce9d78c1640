"""Everything htscreen keeps on disk: the cache, saved interviews, reports, part files.

Two rules hold for all of it:

- :func:`write_private` is the one way a file is written: a temporary file in
  the same folder, mode 0600, synced, then renamed over the target. It never
  follows a symlink and never replaces anything but a regular file.
- :class:`Store` is the one cache. Its folder must belong to this user and be
  writable by nobody else, checked on the open folder (``fstat``), not on its
  path; entries are opened relative to that folder without following links,
  must be owner-only regular files, and carry an HMAC under a per-user key, so
  a swapped or damaged entry is a cache miss, never a result. Entries are data
  (JSON, or Hyperscan's own serialisation), never pickles, and the folder is
  kept under a size limit.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import hmac
import json
import os
import secrets
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from screen.errors import InputError, OutputError

MAGIC = b"htscreen-cache/2\n"
KEY_NAME = "key"
KEY_BYTES = 32
CACHE_LIMIT = 256 * 1024 * 1024
"""Bytes of entries a cache folder may hold; the oldest go first beyond it."""
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)


def _owned_private(info: os.stat_result) -> bool:
    owner = not hasattr(os, "getuid") or info.st_uid == os.getuid()
    return owner and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


# --- writing files ---


def write_private(path: Path, data: bytes | str, sync: bool = True) -> None:
    """Write ``data`` to ``path`` atomically (temp file, fsync, rename), mode 0600.

    Refuses (OutputError) a target that is a symlink, a device, a folder or anything
    but a regular file, so a report can never turn ``/dev/full`` into a file.
    Without ``sync`` the file is not forced to disk (a record rewritten often).
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    folder = path.parent
    _refuse_special(path)
    if not folder.is_dir():
        raise OutputError(
            f"cannot write {path}: the folder {folder} does not exist; create "
            "it or choose another path"
        )
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise OutputError(
            f"cannot write in {folder}: {exc.strerror}; choose a writable folder"
        ) from None
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            if sync:
                os.fsync(handle.fileno())
        os.replace(temp, path)
    except OSError as exc:
        _remove(temp)
        raise OutputError(
            f"cannot write {path}: {exc.strerror}; the previous copy, if any, is unchanged"
        ) from None
    except BaseException:
        _remove(temp)
        raise


def _refuse_special(path: Path) -> None:
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror}") from None
    if not stat.S_ISREG(info.st_mode):
        raise OutputError(
            f"cannot write {path}: it is not a regular file (a link, device or "
            "folder), and htscreen never replaces one; choose a file path"
        )


def _remove(temp: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(temp)


def read_private(path: Path, limit: int) -> bytes | None:
    """The bytes of ``path`` if it is an owner-only regular file under ``limit`` bytes.

    Never follows a symlink; None when the file is absent, foreign, special or too big.
    """
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode) or not _owned_private(info) or info.st_size > limit:
            return None
        return handle.read(limit + 1)[:limit]


# --- saved interviews ---


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


def saved_interviews(folder: Path) -> list[tuple[Path, dict[str, Any] | None]]:
    """The ``*.json`` files in ``folder``, newest first, each with its data (None if unreadable)."""
    if not folder.is_dir():
        return []
    found = []
    for path in folder.glob("*.json"):
        try:
            mtime = path.stat().st_mtime
        except OSError:
            continue
        try:
            data: dict[str, Any] | None = load_json(path)
        except InputError:
            data = None
        found.append((mtime, path, data))
    return [(path, data) for _, path, data in sorted(found, key=lambda f: f[0], reverse=True)]


def new_file(folder: Path, stem: str) -> Path:
    """Create ``folder/stem-<random>.json`` (0600, exclusively): no two runs get the same one."""
    for _ in range(16):
        path = folder / f"{stem}-{secrets.token_hex(3)}.json"
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o600)
        except FileExistsError:
            continue
        except OSError as exc:
            raise OutputError(
                f"cannot create a file in {folder}: {exc.strerror}; choose a writable folder"
            ) from None
        os.close(fd)
        return path
    raise OutputError(f"cannot create a new file in {folder}: every name tried is taken")


class Busy(Exception):
    """The file is locked by another htscreen process."""


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold the lock of ``path`` (``.NAME.lock`` beside it, ``flock``) while the block runs.

    Raises :class:`Busy` at once when another process holds it, OutputError when the
    lock file cannot be made. The lock file is removed on the way out.
    """
    lock = path.with_name(f".{path.name}.lock")
    while True:
        try:
            fd = os.open(lock, os.O_WRONLY | os.O_CREAT | _NOFOLLOW | os.O_CLOEXEC, 0o600)
        except OSError as exc:
            reason = "the folder does not exist" if isinstance(exc, FileNotFoundError) else ""
            raise OutputError(
                f"cannot write {path}: {reason or exc.strerror}; choose a writable folder"
            ) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise Busy(str(path)) from None
        try:
            same = os.stat(lock, follow_symlinks=False).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:  # not a lock file its last holder removed while we waited for it
            break
        os.close(fd)
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            os.unlink(lock)
        os.close(fd)


# --- the cache ---


class Store:
    """An owner-only cache folder of authenticated entries (see the module docstring)."""

    def __init__(self, folder: Path, namespace: str, limit: int = CACHE_LIMIT) -> None:
        self.folder = folder
        self.namespace = namespace
        self.limit = limit
        self._key: bytes | None = None

    def get(self, key: str) -> bytes | None:
        """The entry called ``key``, or None when absent, foreign, damaged or forged."""
        try:
            with self._open_folder(create=False) as dir_fd:
                secret = self._secret(dir_fd, create=False)
                if secret is None:
                    return None
                data = _read_private(self._name(key), dir_fd)
        except OSError:
            return None
        if data is None or not data.startswith(MAGIC):
            return None
        mac, payload = data[len(MAGIC) : len(MAGIC) + 32], data[len(MAGIC) + 32 :]
        if not hmac.compare_digest(mac, self._mac(secret, key, payload)):
            return None
        return payload

    def put(self, key: str, payload: bytes) -> None:
        """Store ``payload`` as ``key``; failing to cache never fails a run."""
        try:
            with self._open_folder(create=True) as dir_fd:
                secret = self._secret(dir_fd, create=True)
                if secret is None:
                    return
                data = MAGIC + self._mac(secret, key, payload) + payload
                _write_at(dir_fd, self._name(key), data)
                self._trim(dir_fd)
        except OSError:
            return

    def _name(self, key: str) -> str:
        digest = hashlib.sha256(f"{self.namespace}\0{key}".encode()).hexdigest()[:40]
        return f"{digest}.entry"

    @staticmethod
    def _mac(secret: bytes, key: str, payload: bytes) -> bytes:
        return hmac.new(secret, key.encode() + b"\0" + payload, hashlib.sha256).digest()

    @contextlib.contextmanager
    def _open_folder(self, create: bool) -> Any:
        if create:
            self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(self.folder, os.O_RDONLY | _DIRECTORY | _NOFOLLOW)
        try:
            if not _owned_private(os.fstat(fd)):
                raise PermissionError("the cache folder is not private")
            yield fd
        finally:
            os.close(fd)

    def _secret(self, dir_fd: int, create: bool) -> bytes | None:
        if self._key is not None:
            return self._key
        key = _read_private(KEY_NAME, dir_fd)
        if key is None and create:
            with contextlib.suppress(FileExistsError):
                _write_at(dir_fd, KEY_NAME, secrets.token_bytes(KEY_BYTES), exclusive=True)
            key = _read_private(KEY_NAME, dir_fd)
        if key is None or len(key) != KEY_BYTES:
            return None
        self._key = key
        return key

    def _trim(self, dir_fd: int) -> None:
        entries = []
        for name in os.listdir(dir_fd):
            if name.endswith(".entry"):
                info = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
                entries.append((info.st_mtime, info.st_size, name))
        total = sum(size for _, size, _ in entries)
        for _, size, name in sorted(entries):
            if total <= self.limit:
                break
            with contextlib.suppress(OSError):
                os.unlink(name, dir_fd=dir_fd)
            total -= size


def _read_private(name: str, dir_fd: int) -> bytes | None:
    """Read ``name`` in the folder if it is an owner-only regular file (no links)."""
    try:
        fd = os.open(name, os.O_RDONLY | _NOFOLLOW, dir_fd=dir_fd)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode) or not _owned_private(info) or info.st_mode & 0o077:
            return None
        return handle.read()


def _write_at(dir_fd: int, name: str, data: bytes, exclusive: bool = False) -> None:
    """Write ``name`` in the folder atomically, owner-only; or create it once (exclusive)."""
    if exclusive:
        fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o600, dir_fd=dir_fd)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        return
    temp = f".{name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o600, dir_fd=dir_fd)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temp, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp, dir_fd=dir_fd)
        raise
