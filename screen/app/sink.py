"""The one sink of a batch run: whole records only, to stdout, a file or a part file."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import stat
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from screen.app.formats import Formatter
from screen.errors import OutputClosed, OutputError, UsageError

Checkpoint = Callable[[int, bytes], None]
"""Told, after each chunk is safely in the file, how many records and which bytes it held."""
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


class Writer:
    """Writes whole records only; a JSON array is closed only when the run completed."""

    def __init__(self, sink: Sink, formatter: Formatter, first: bool) -> None:
        self.sink = sink
        self.formatter = formatter
        self.count = 0
        self.table = formatter.fmt == "table"
        if first and not self.table:
            sink.write(formatter.header())

    def write(self, line: str) -> None:
        """Write one formatted record (nothing for the table view)."""
        if self.table:
            return
        if self.count:
            line = self.formatter.separator() + line
        self.sink.write(line, records=1)
        self.count += 1

    def close(self, complete: bool = True) -> None:
        """Finish the output and flush it.

        An interrupted run leaves a JSON array open, so a partial ``-f json`` output
        never looks like a whole one.
        """
        if not self.table and complete:
            self.sink.write(self.formatter.footer())
        self.sink.flush()


class Sink:
    """stdout, or a file opened for writing or appending, that only ever holds whole records.

    Records are gathered in memory and written to the file in chunks of whole records
    with ``os.write``; if a chunk cannot be written completely (a full disk, a file size
    limit), the file is cut back to where the chunk began, so a failed run leaves whole
    records only and ``--resume`` can continue it. The file is synced on close, and
    after each chunk ``checkpoint`` (the resume record) is told what it held.

    The file is opened without following a symlink, locked against a second run
    writing it at the same time, and made owner-only (0600) whatever its mode was. A
    device such as ``/dev/null`` is written to, never replaced, truncated or locked.

    With ``atomic`` (part files) the records go to a temporary file beside the
    target, which replaces the target only when the sink closes without an error.
    """

    CHUNK = 256 * 1024

    def __init__(
        self,
        path: Path | None,
        append: bool,
        atomic: bool = False,
        checkpoint: Checkpoint | None = None,
    ) -> None:
        self.path = path
        self.pending: list[bytes] = []
        self.pending_size = 0
        self.pending_records = 0
        self.failed = False
        self.fd = -1
        self.regular = True
        self.temp: Path | None = None
        self.checkpoint = checkpoint
        if path is None:
            return
        try:
            if atomic:
                fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
                self.fd, self.temp = fd, Path(name)
                os.fchmod(fd, 0o600)
            else:
                self.fd = _open_output(path)
                self.regular = stat.S_ISREG(os.fstat(self.fd).st_mode)
                if self.regular:
                    _claim(self.fd, path)
                    if not append:
                        os.ftruncate(self.fd, 0)
        except OSError as exc:
            if self.fd >= 0:
                os.close(self.fd)
            raise OutputError(
                f"cannot write {path}: {exc.strerror}; check the folder exists and is writable"
            ) from None
        except BaseException:
            if self.fd >= 0:
                os.close(self.fd)
            raise

    def __enter__(self) -> Sink:
        return self

    def write(self, text: str, records: int = 0) -> None:
        """Queue ``text`` (``records`` whole records, a header or a footer) for the output."""
        if self.path is None:
            _to_stdout(lambda: sys.stdout.write(text))
            return
        if self.failed:
            return
        data = text.encode("utf-8")
        self.pending.append(data)
        self.pending_size += len(data)
        self.pending_records += records
        if self.pending_size >= self.CHUNK:
            self._commit()

    def flush(self) -> None:
        """Write out everything queued so far."""
        if self.path is None:
            _to_stdout(sys.stdout.flush)
        elif not self.failed:
            self._commit()

    def _commit(self) -> None:
        data = b"".join(self.pending)
        records = self.pending_records
        self.pending, self.pending_size, self.pending_records = [], 0, 0
        if not data:
            return
        start = os.lseek(self.fd, 0, os.SEEK_END) if self.regular else 0
        view = memoryview(data)
        try:
            while view:
                view = view[os.write(self.fd, view) :]
        except BaseException as exc:  # a short write, or Ctrl-C between two writes
            self.failed = True
            if self.regular:
                with contextlib.suppress(OSError):
                    os.ftruncate(self.fd, start)
            if not isinstance(exc, OSError):
                raise
            raise OutputError(
                f"cannot write {self.path}: {exc.strerror}; it holds whole "
                "records only: make room and run again with --resume"
            ) from None
        if self.checkpoint is not None:
            self.checkpoint(records, data)

    def __exit__(self, kind: object, *exc: object) -> None:
        if self.path is None:
            _to_stdout(sys.stdout.flush)
            return
        done = False
        try:
            if not self.failed and (kind is None or self.temp is None):
                self._commit()
                _sync(self.fd, self.regular)
                done = True
        except OSError as error:
            raise OutputError(f"cannot finish writing {self.path}: {error.strerror}") from None
        finally:
            os.close(self.fd)
            if self.temp is not None:
                self._settle(done)

    def _settle(self, done: bool) -> None:
        assert self.temp is not None and self.path is not None
        if done:
            os.replace(self.temp, self.path)
        else:
            with contextlib.suppress(OSError):
                os.unlink(self.temp)


def _open_output(path: Path) -> int:
    """Open (or create, 0600) the output for appending, never through a symlink."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC | _NOFOLLOW
    try:
        return os.open(path, flags, 0o600)
    except OSError as exc:
        if exc.errno == errno.ELOOP or (exc.errno == errno.EMLINK and path.is_symlink()):
            raise OutputError(
                f"cannot write {path}: it is a symbolic link, and htscreen never writes "
                "through one; name the file itself"
            ) from None
        raise


def _to_stdout(write: Callable[[], object]) -> None:
    """Write to stdout; a closed pipe ends the run quietly, any other failure clearly."""
    try:
        write()
    except BrokenPipeError:
        raise OutputClosed("stdout was closed") from None
    except OSError as exc:
        raise OutputError(
            f"cannot write to stdout: {exc.strerror}; write to a file with --output instead"
        ) from None


def _claim(fd: int, path: Path) -> None:
    """Lock a regular output against a second run, and make it owner-only."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise UsageError(
            f"another htscreen run is writing {path}: wait for it to finish, "
            "or write to another file"
        ) from None
    try:
        os.fchmod(fd, 0o600)
    except PermissionError:
        raise OutputError(
            f"cannot write {path}: it belongs to another user, so htscreen cannot make "
            "it owner-only; write to a file of your own"
        ) from None


def _sync(fd: int, regular: bool) -> None:
    try:
        os.fsync(fd)
    except OSError as exc:
        if regular or exc.errno not in (errno.EINVAL, errno.EROFS, errno.ENOTSUP):
            raise
