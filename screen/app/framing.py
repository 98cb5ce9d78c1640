r"""Cutting an input stream into records of bounded size, without holding an oversized one.

The readers (:mod:`screen.app.inputs`) read blocks and hand them here; a record
never depends on where a block ends. A line ends at ``\n``, ``\r\n`` or a lone
``\r``, as Python's universal newlines read it. A record over the limit is read
past (its pieces are counted and dropped) and comes out as :data:`OVERSIZED`, so
memory stays bounded by the limit plus one block, whatever the input holds.

- :func:`lines` cuts bytes into JSONL lines;
- :func:`csv_records` cuts decoded text into CSV records, which may span lines
  inside quotes; where a record ends is found with the state machine of Python's
  ``csv`` module for the RFC 4180 (``excel``) dialect, so each record parses on
  its own exactly as it would in one reader over the whole stream.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import AnyStr, BinaryIO, Final

BLOCK = 64 * 1024
"""Bytes read at a time."""
MAX_RECORD_BYTES: Final = 1024 * 1024
"""The default ``--max-record-bytes``: no incident note comes near 1 MiB."""
OVERSIZED: Final = None
"""What :func:`lines` and :func:`csv_records` yield for a record over the limit."""

_BYTE_ENDS: Final = re.compile(rb"\r\n|\r|\n")
_TEXT_ENDS: Final = re.compile(r"\r\n|\r|\n")


def blocks(handle: BinaryIO, size: int | None = None) -> Iterator[bytes]:
    """The bytes of ``handle`` in blocks of at most ``size`` (:data:`BLOCK`), as they arrive."""
    read = getattr(handle, "read1", handle.read)
    while block := read(size or BLOCK):
        yield block


def pieces(chunks: Iterable[AnyStr], ends: re.Pattern[AnyStr]) -> Iterator[tuple[AnyStr, int]]:
    r"""The stream cut at line ends and at chunk ends: ``(piece, length of its line end)``.

    A piece with a line end of length 0 continues on the next piece. A ``\r`` that
    ends a chunk is held back until the next chunk shows whether ``\n`` follows.
    """
    held: AnyStr | None = None
    for chunk in chunks:
        if not chunk:
            continue
        if held is not None:
            chunk, held = held + chunk, None
        if chunk[-1:] in (b"\r", "\r"):
            chunk, held = chunk[:-1], chunk[-1:]
        start = 0
        for found in ends.finditer(chunk):
            yield chunk[start : found.end()], found.end() - found.start()
            start = found.end()
        if start < len(chunk):
            yield chunk[start:], 0
    if held is not None:
        yield held, 1


def lines(chunks: Iterable[bytes], limit: int) -> Iterator[bytes | None]:
    """Every line of the stream (with its line end), or ``OVERSIZED`` for one over ``limit``.

    The last line may lack a line end. Line ``n`` of the stream is the ``n``-th item.
    """
    parts: list[bytes] = []
    size = 0
    for piece, end in pieces(chunks, _BYTE_ENDS):
        size += len(piece)
        if size - end <= limit:
            parts.append(piece)
        elif parts:
            parts = []  # over the limit: count the rest of the line, keep none of it
        if end:
            yield b"".join(parts) if size - end <= limit else OVERSIZED
            parts, size = [], 0
    if size:
        yield b"".join(parts) if size <= limit else OVERSIZED


# The states of the csv module's reader that decide where a record ends.
_START, _FIELD, _QUOTED, _QUOTE = range(4)


class _Quotes:
    """Tracks whether the text read so far of a CSV record is inside a quoted field."""

    def __init__(self, delimiter: str, quote: str = '"') -> None:
        self.delimiter = delimiter
        self.quote = quote
        self.state = _START

    def feed(self, text: str) -> None:
        """Advance over ``text`` (which holds no line end outside quotes)."""
        state, at, size = self.state, 0, len(text)
        delimiter, quote = self.delimiter, self.quote
        while at < size:
            if state == _QUOTED:
                found = text.find(quote, at)
                if found < 0:
                    break
                state, at = _QUOTE, found + 1
            elif state == _QUOTE:  # a doubled quote stays quoted; anything else ends it
                char = text[at]
                state = _QUOTED if char == quote else _START if char == delimiter else _FIELD
                at += 1
            elif text.find(quote, at) < 0:  # no quote ahead: only the last field matters
                state = _START if text[-1] == delimiter else _FIELD
                break
            elif state == _START:
                char = text[at]
                state = _QUOTED if char == quote else _START if char == delimiter else _FIELD
                at += 1
            else:  # an unquoted field: a quote in it is text; it ends at a delimiter
                found = text.find(delimiter, at)
                if found < 0:
                    break
                state, at = _START, found + 1
        self.state = state

    @property
    def open(self) -> bool:
        """Whether a line end here is part of a quoted field (so the record goes on)."""
        return self.state == _QUOTED


def csv_records(chunks: Iterable[str], delimiter: str, limit: int) -> Iterator[str | None]:
    """Every CSV record's text (its lines, with their line ends), or ``OVERSIZED``.

    A record ends at a line end outside quotes. Its size is counted in UTF-8 bytes.
    A quote left open at the end of the stream ends the last record there, as the
    ``csv`` module does.
    """
    quotes = _Quotes(delimiter)
    parts: list[str] = []
    size = 0
    for piece, end in pieces(chunks, _TEXT_ENDS):
        quotes.feed(piece[: len(piece) - end] if end else piece)
        size += len(piece.encode("utf-8", "surrogatepass")) if not piece.isascii() else len(piece)
        if size - end <= limit:
            parts.append(piece)
        elif parts:
            parts = []
        if end and not quotes.open:
            yield "".join(parts) if size - end <= limit else OVERSIZED
            parts, size, quotes.state = [], 0, _START
    if size:
        yield "".join(parts) if size <= limit else OVERSIZED
