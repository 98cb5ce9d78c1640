"""The one sink of a batch run: whole records only, to stdout, a file or a part file."""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from screen.app.formats import Formatter
from screen.errors import OutputClosed, OutputError


class Writer:
    """Writes whole records only; a JSON array is closed even after an interrupt."""

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
        self.sink.write(line)
        self.count += 1

    def close(self) -> None:
        """Finish the output (close a JSON array) and flush it."""
        if not self.table:
            self.sink.write(self.formatter.footer())
        self.sink.flush()


class Sink:
    """stdout, or a file opened for writing or appending, that only ever holds whole records.

    Records are gathered in memory and written to the file in chunks of whole records
    with ``os.write``; if a chunk cannot be written completely (a full disk, a file size
    limit), the file is cut back to where the chunk began, so a failed run leaves whole
    records only and ``--resume`` can continue it. The file is synced on close.

    With ``atomic`` (part files) the records go to a temporary file beside the
    target, which replaces the target only when the sink closes without an error.
    """

    CHUNK = 256 * 1024

    def __init__(self, path: Path | None, append: bool, atomic: bool = False) -> None:
        self.path = path
        self.pending: list[bytes] = []
        self.pending_size = 0
        self.failed = False
        self.fd = -1
        self.temp: Path | None = None
        if path is None:
            return
        try:
            if atomic:
                fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
                self.fd, self.temp = fd, Path(name)
                os.fchmod(fd, 0o600)
            else:
                self.fd = os.open(
                    path, os.O_WRONLY | os.O_CREAT | (os.O_APPEND if append else os.O_TRUNC), 0o600
                )
        except OSError as exc:
            raise OutputError(
                f"cannot write {path}: {exc.strerror}; check the folder exists and is writable"
            ) from None

    def __enter__(self) -> Sink:
        return self

    def write(self, text: str) -> None:
        """Queue ``text`` (whole records, a header or a footer) for the output."""
        if self.path is None:
            _to_stdout(lambda: sys.stdout.write(text))
            return
        if self.failed:
            return
        data = text.encode("utf-8")
        self.pending.append(data)
        self.pending_size += len(data)
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
        self.pending, self.pending_size = [], 0
        if not data:
            return
        start = os.lseek(self.fd, 0, os.SEEK_END)
        view = memoryview(data)
        try:
            while view:
                view = view[os.write(self.fd, view) :]
        except BaseException as exc:  # a short write, or Ctrl-C between two writes
            self.failed = True
            with contextlib.suppress(OSError):
                os.ftruncate(self.fd, start)
            if not isinstance(exc, OSError):
                raise
            raise OutputError(
                f"cannot write {self.path}: {exc.strerror}; it holds whole "
                "records only: make room and run again with --resume"
            ) from None

    def __exit__(self, kind: object, *exc: object) -> None:
        if self.path is None:
            _to_stdout(sys.stdout.flush)
            return
        done = False
        try:
            if not self.failed and (kind is None or self.temp is None):
                self._commit()
                if stat.S_ISREG(os.fstat(self.fd).st_mode):  # /dev/null cannot be synced
                    os.fsync(self.fd)
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


def resume_point(path: Path, fmt: str) -> int:
    """Count the complete records already in the output; cut off a partial last one."""
    if not path.exists():
        return 0
    data = path.read_bytes()
    cut = data.rfind(b"\n") + 1
    if cut != len(data):
        with path.open("r+b") as handle:
            handle.truncate(cut)
        data = data[:cut]
    if fmt == "jsonl":
        return data.count(b"\n")
    import csv
    import io

    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    return max(0, len(rows) - 1)
