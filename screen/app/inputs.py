"""Readers for incident notes: text files, folders, stdin, JSONL and CSV.

Reading is split in two so the batch can run in parallel: :func:`iter_units`
streams raw units (a JSONL line, a CSV row, a file's bytes) cheaply in the main
process, and :func:`parse_unit` turns one unit into a :class:`Note` anywhere.
Every unit yields exactly one note, which carries an error instead of text when
the unit cannot be read. Error messages never contain note text.
"""

from __future__ import annotations

import codecs
import csv
import fnmatch
import io
import json
import os
import stat
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from itertools import chain, islice
from pathlib import Path
from typing import Any, BinaryIO

from screen.app import framing
from screen.app.fields import TEXT_FIELDS, fold, known_field, normalise_offence, pick
from screen.app.framing import MAX_RECORD_BYTES, OVERSIZED
from screen.errors import InputError, UsageError
from screen.screening import Note

MAX_FIELD = 256 * 1024 * 1024
"""The largest --max-record-bytes."""
SNIFF_BYTES = 64 * 1024
MAX_DIGITS = 4300
"""Python reads integers of at most this many digits (a JSON number longer is refused)."""
SUFFIXES = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".tsv": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
}
"""The one table from file name suffixes to input formats."""
FOLDER_GLOBS = ("*.txt",)
"""The files of a folder read by default: plain-text notes only, so a README.md or an
export lying in the folder is not screened as a note by accident."""


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """How to read the inputs."""

    input_format: str = "auto"
    id_field: str | None = None
    text_field: str | None = None
    date_field: str | None = None
    offence_field: str | None = None
    encoding: str = "utf-8"
    globs: tuple[str, ...] = FOLDER_GLOBS
    """Which files of a folder are read (``--glob``): name patterns, any case."""
    max_record_bytes: int = MAX_RECORD_BYTES
    """A record (a JSONL line, a CSV record, a text note) over this is an error record."""


@dataclass(frozen=True, slots=True)
class Unit:
    """One raw input record, not yet decoded or parsed."""

    kind: str  # "jsonl" | "csv" | "text" | "error"
    ordinal: int
    source: str
    payload: Any


def check_options(options: ReadOptions) -> None:
    """Raise UsageError for options that cannot work."""
    if options.input_format not in ("auto", "text", "jsonl", "csv", "parquet"):
        raise UsageError(
            f"unknown input format '{options.input_format}': use auto, text, jsonl, csv or parquet"
        )
    try:
        codecs.lookup(options.encoding)
    except LookupError:
        raise UsageError(
            f"unknown encoding '{options.encoding}': use a Python codec name "
            "such as utf-8, latin-1 or cp1252"
        ) from None
    try:
        b"a".decode(options.encoding)
    except UnicodeError:
        pass
    except LookupError:  # base64, rot13, zlib …: codecs, but not from bytes to text
        raise UsageError(
            f"'{options.encoding}' is not a text encoding: use one such as utf-8, latin-1 or cp1252"
        ) from None
    if not 1 <= options.max_record_bytes <= MAX_FIELD:
        raise UsageError(f"--max-record-bytes takes a number of bytes from 1 to {MAX_FIELD:,}")


@dataclass(frozen=True, slots=True)
class Source:
    """One input to read: a file (with the format it is read as) or stdin."""

    label: str
    """The name as the user gave it (or as found in a folder): records are named after it."""
    fmt: str
    """jsonl, csv, text, parquet, or auto (stdin: sniffed from the first bytes)."""


def walk(paths: Sequence[str], options: ReadOptions) -> Iterator[Source]:
    """Every input of ``paths`` in reading order: the one walk of files and folders.

    A folder is read recursively in name order, hidden entries skipped, only the files
    whose names match one of ``options.globs``; each is read by its suffix (a ``.txt``
    file is one text note) unless ``--input-format`` says otherwise.
    """
    for name in paths or ["-"]:
        if name == "-":
            yield Source("-", options.input_format)
            continue
        path = Path(name)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file() and not _hidden(p, path)):
                if _chosen(child, options.globs):
                    yield Source(str(child), _format_of(child, options.input_format))
        elif path.exists():
            info = os.stat(name)
            _refuse_device(info.st_mode, name, info.st_rdev)
            yield Source(name, _format_of(path, options.input_format))
        else:
            raise InputError(f"no such file or folder: {name}")


def _chosen(path: Path, globs: Sequence[str]) -> bool:
    name = path.name.lower()
    return any(fnmatch.fnmatchcase(name, pattern.lower()) for pattern in globs)


def _refuse_device(mode: int, name: str, device: int, terminal: bool = False) -> None:
    """Raise InputError for a device or socket: reading /dev/zero would never end.

    Files, folders and pipes are read; so are a terminal and the null device.
    """
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode) or stat.S_ISFIFO(mode) or terminal:
        return
    if stat.S_ISCHR(mode) and device == os.stat(os.devnull).st_rdev:
        return
    raise InputError(
        f"{name} is a device, not a file of notes: give files, folders, a pipe or stdin"
    )


def _format_of(path: Path, fmt: str) -> str:
    if fmt != "auto":
        return fmt
    return SUFFIXES.get(path.suffix.lower(), "text")


def iter_units(paths: Sequence[str], options: ReadOptions) -> Iterator[Unit]:
    """Stream raw units from ``paths`` ('-' is stdin); ordinals count from 0."""
    check_options(options)
    ordinal = 0
    for source in walk(paths, options):
        for unit in source_units(source, options):
            yield Unit(unit.kind, ordinal, unit.source, unit.payload)
            ordinal += 1


def source_units(source: Source, options: ReadOptions) -> Iterator[Unit]:
    """The raw units of one source, in order."""
    if source.label == "-":
        _refuse_device_stdin()
        yield from _stream_units(sys.stdin.buffer, "stdin", options, source.fmt)
    elif source.fmt == "parquet":
        yield from parquet_units(source.label)
    else:
        yield from _file_units(Path(source.label), options, source.fmt)


def parquet_units(
    label: str, groups: Sequence[int] | None = None, first: int = 1
) -> Iterator[Unit]:
    """The rows of a Parquet file (or of some of its row groups) as JSON record units."""
    try:
        import importlib

        pq: Any = importlib.import_module("pyarrow.parquet")
    except ImportError:
        yield Unit(
            "error",
            0,
            label,
            "reading Parquet needs pyarrow: pip install pyarrow, or convert the file to JSONL",
        )
        return
    try:
        handle = pq.ParquetFile(label)
        chosen = range(handle.metadata.num_row_groups) if groups is None else groups
        number = first
        for group in chosen:
            for row in handle.read_row_group(group).to_pylist():
                yield Unit("jsonl", 0, f"{label}:row {number}", record_line(row))
                number += 1
    except (OSError, ValueError) as exc:
        yield Unit(
            "error",
            0,
            label,
            f"cannot read the Parquet file ({type(exc).__name__}): "
            "check it is a complete Parquet file",
        )


def record_line(record: Any) -> bytes:
    """A record (a mapping) as one JSON line, absent values (None, NaN) dropped."""
    import math

    if not isinstance(record, Mapping):
        return json.dumps(record, default=str).encode()

    def missing(value: Any) -> bool:
        if value is None:
            return True
        if isinstance(value, float):
            return math.isnan(value)
        return type(value).__name__ in ("NAType", "NaTType")

    present = {str(k): v for k, v in record.items() if not missing(v)}
    return json.dumps(present, default=str).encode()


def _refuse_device_stdin() -> None:
    try:
        fd = sys.stdin.fileno()
        info = os.fstat(fd)
    except (OSError, ValueError):  # not a real file descriptor (a test's stream)
        return
    _refuse_device(info.st_mode, "stdin", info.st_rdev, os.isatty(fd))


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def _file_units(path: Path, options: ReadOptions, fmt: str) -> Iterator[Unit]:
    try:
        handle = path.open("rb")
    except OSError as exc:
        yield Unit("error", 0, str(path), f"cannot open the file: {exc.strerror}")
        return
    with handle:
        yield from _stream_units(handle, str(path), options, fmt)


def _stream_units(handle: BinaryIO, source: str, options: ReadOptions, fmt: str) -> Iterator[Unit]:
    if fmt in ("auto", "parquet"):
        fmt, handle = _sniff_format(handle)
    if fmt == "jsonl":
        yield from jsonl_units(framing.blocks(handle), source, options)
    elif fmt == "csv":
        yield from _csv_units(handle, source, options)
    else:
        unit = text_unit(handle, source, options)
        if unit.kind == "error" or unit.payload.removeprefix(b"\xef\xbb\xbf").strip():
            yield unit  # an empty input holds no note


def jsonl_units(
    chunks: Iterable[bytes], source: str, options: ReadOptions, first: int = 1
) -> Iterator[Unit]:
    """One unit per non-blank line of a JSONL stream, named ``source:line``."""
    for number, line in enumerate(framing.lines(chunks, options.max_record_bytes), start=first):
        if line is OVERSIZED:
            yield Unit("error", 0, f"{source}:{number}", _oversized(options))
        elif line.strip():
            yield Unit("jsonl", 0, f"{source}:{number}", line)


def line_count(data: bytes) -> int:
    r"""The line ends in ``data`` as :func:`jsonl_units` counts them (``\n``, ``\r\n``, ``\r``)."""
    return data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")


def text_unit(handle: BinaryIO, source: str, options: ReadOptions) -> Unit:
    """A whole file (or stream) as one text note; one over the limit is not read further."""
    data = handle.read(options.max_record_bytes + 1)
    if len(data) > options.max_record_bytes:
        return Unit("error", 0, source, _oversized(options))
    return Unit("text", 0, source, data)


def _oversized(options: ReadOptions) -> str:
    return (
        f"the record is over the {options.max_record_bytes:,}-byte limit: "
        "raise --max-record-bytes to read it"
    )


class _Prefixed(io.RawIOBase):
    """A raw binary stream that first replays bytes already read from another."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        self.head = head
        self.rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self.head:
            size = min(len(buffer), len(self.head))
            buffer[:size] = self.head[:size]
            self.head = self.head[size:]
            return size
        data = self.rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _sniff_format(handle: BinaryIO) -> tuple[str, BinaryIO]:
    """Guess jsonl, csv or text from the first bytes; return a stream that still has them."""
    head = handle.read(SNIFF_BYTES)
    stream: BinaryIO = io.BufferedReader(_Prefixed(head, handle))
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"{"):
        return "jsonl", stream
    first = text.split(b"\n", 1)[0].decode("utf-8", "replace").lower()
    cells = first.replace(";", ",").replace("\t", ",").split(",")
    if any(fold(cell.strip().strip('"')) in TEXT_FIELDS for cell in cells):
        return "csv", stream
    return "text", stream


def _csv_units(handle: BinaryIO, source: str, options: ReadOptions) -> Iterator[Unit]:
    """One unit per CSV record after the header, streamed: no record depends on a block end."""
    csv.field_size_limit(MAX_FIELD)
    encoding = (
        "utf-8-sig" if options.encoding.lower().replace("_", "-") == "utf-8" else options.encoding
    )
    decoder = codecs.getincrementaldecoder(encoding)("surrogateescape")
    text = _decoded(framing.blocks(handle), decoder)
    try:
        sample = "".join(_sample(text))
    except UnicodeError as exc:  # codecs such as utf-16 fail whole, not byte by byte
        yield Unit("error", 0, f"{source}:1", _undecodable(options, exc))
        return
    delimiter = _delimiter(sample, options)
    records = framing.csv_records(chain([sample], text), delimiter, options.max_record_bytes)
    header: list[str] | None = None
    number = 0
    while True:
        try:
            record = next(records)
        except StopIteration:
            return
        except UnicodeError as exc:  # the rest of the stream cannot be decoded
            yield Unit("error", 0, f"{source}:record {number + 1}", _undecodable(options, exc))
            return
        number += 1
        if record is OVERSIZED:
            yield Unit("error", 0, f"{source}:record {number}", _oversized(options))
            if header is None:
                return
            continue
        try:
            # Only the delimiter is sniffed: exports quote the standard way (RFC 4180).
            row = next(
                csv.reader(io.StringIO(record, newline=""), csv.excel, delimiter=delimiter), []
            )
        except csv.Error as exc:
            what = "the CSV header cannot be read" if header is None else "broken CSV quoting"
            yield Unit("error", 0, f"{source}:record {number}", f"{what} ({exc})")
            if header is None:
                return
            continue
        if header is None:
            header = [name.strip() for name in row]
        elif any(cell.strip() for cell in row):
            yield Unit("csv", 0, f"{source}:record {number}", (header, row))


def _decoded(chunks: Iterable[bytes], decoder: codecs.IncrementalDecoder) -> Iterator[str]:
    for chunk in chunks:
        yield decoder.decode(chunk)
    yield decoder.decode(b"", final=True)


def _sample(text: Iterator[str]) -> Iterator[str]:
    """The first blocks of ``text``, about :data:`SNIFF_BYTES` characters, for the dialect."""
    size = 0
    while size < SNIFF_BYTES:
        piece = next(text, None)
        if piece is None:
            return
        size += len(piece)
        yield piece


DELIMITERS = ",;\t|"


def _delimiter(sample: str, options: ReadOptions) -> str:
    """The delimiter of a CSV export: the one that splits its header into known field names.

    The header names the fields, so it settles the dialect even when the records quote
    the other candidates (``1;"a;b"``), which can fool a statistical sniffer. Only
    without a recognisable header is the sniffer asked, and ',' is the last resort.
    """
    chosen = {
        fold(name)
        for name in (
            options.id_field,
            options.text_field,
            options.date_field,
            options.offence_field,
        )
        if name
    }
    best, best_hits = "", 0
    for candidate in DELIMITERS:
        try:
            header = next(csv.reader(io.StringIO(sample, newline=""), delimiter=candidate), [])
        except csv.Error:
            continue
        hits = sum(1 for name in header if known_field(name) or fold(name) in chosen)
        if len(header) > 1 and hits > best_hits:
            best, best_hits = candidate, hits
    return best or _consistent_delimiter(sample)


SNIFF_ROWS = 20
"""Rows of the sample that settle the delimiter of an export with unknown field names."""


def _consistent_delimiter(sample: str) -> str:
    """The delimiter that splits the first rows into the same number of fields, ',' by default.

    A cheap check in place of ``csv.Sniffer``, whose regular expressions take seconds
    on some samples: it parses at most :data:`SNIFF_ROWS` rows per candidate.
    """
    best, best_score = ",", (0, 0)
    for candidate in DELIMITERS:
        try:
            rows = list(
                islice(csv.reader(io.StringIO(sample, newline=""), delimiter=candidate), SNIFF_ROWS)
            )
        except csv.Error:
            continue
        if not rows or len(rows[0]) < 2:
            continue
        score = (sum(1 for row in rows if len(row) == len(rows[0])), len(rows[0]))
        if score > best_score:
            best, best_score = candidate, score
    return best


def _undecodable(options: ReadOptions, exc: UnicodeError) -> str:
    """An error message for text that cannot be decoded (names the codec, never the bytes)."""
    del exc  # its position counts from a buffer, not from the file, so it would mislead
    return f"invalid {options.encoding} text: pass --encoding"


def parse_unit(unit: Unit, options: ReadOptions) -> Note:
    """Turn one raw unit into a note (or an error note); never raises for bad data.

    The note's id is valid UTF-8 whatever the input held (see :func:`printable`).
    """
    note = _parse(unit, options)
    if _has_surrogates(note.id) or _has_surrogates(note.offence):
        return replace(note, id=printable(note.id), offence=printable(note.offence))
    return note


def printable(text: str) -> str:
    r"""``text`` as valid UTF-8: undecodable bytes as ``\xff``, lone surrogates as ``\ud800``."""
    if not _has_surrogates(text):
        return text
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate that is no escaped byte (JSON's "\ud800")
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _parse(unit: Unit, options: ReadOptions) -> Note:
    if unit.kind == "error":
        return Note(id=unit.source, error=str(unit.payload))
    if unit.kind == "text":
        return _text_note(unit, options)
    if unit.kind == "jsonl":
        return _json_note(unit, options)
    header, row = unit.payload
    if len(row) != len(header):
        return Note(
            id=unit.source,
            error=f"the record has {len(row)} fields but the header "
            f"has {len(header)}: check the CSV quoting",
        )
    fields = dict(zip(header, row))
    if any(_has_surrogates(value) for value in row):
        ident = pick(fields, options.id_field, "id") or unit.source
        return Note(id=str(ident), error=f"invalid {options.encoding} text: pass --encoding")
    return _note_from_fields(fields, unit.source, options)


def _text_note(unit: Unit, options: ReadOptions) -> Note:
    data: bytes = unit.payload
    encoding = (
        "utf-8-sig" if options.encoding.lower().replace("_", "-") == "utf-8" else options.encoding
    )
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        return Note(
            id=unit.source, error=f"invalid {options.encoding} at byte {exc.start}: pass --encoding"
        )
    return Note(id=unit.source, text=text)


def _json_note(unit: Unit, options: ReadOptions) -> Note:
    line: bytes = unit.payload
    try:
        text = line.decode(
            "utf-8-sig" if options.encoding.lower() in ("utf-8", "utf8") else options.encoding
        )
        value = json.loads(text)
    except UnicodeDecodeError as exc:
        return Note(
            id=unit.source, error=f"invalid {options.encoding} at byte {exc.start}: pass --encoding"
        )
    except json.JSONDecodeError as exc:
        return Note(id=unit.source, error=f"not valid JSON (column {exc.colno}: {exc.msg})")
    except ValueError:  # Python refuses to read an integer of over 4,300 digits
        return Note(
            id=unit.source, error=f"a JSON number has over {MAX_DIGITS:,} digits: it cannot be read"
        )
    except RecursionError:
        return Note(id=unit.source, error="JSON nested too deeply")
    if not isinstance(value, dict):
        return Note(id=unit.source, error="each JSONL line must be a JSON object")
    return _note_from_fields(value, unit.source, options)


def _note_from_fields(fields: dict[str, Any], source: str, options: ReadOptions) -> Note:
    ident = pick(fields, options.id_field, "id")
    ident_text = source if ident is None or ident == "" else str(ident)
    text = pick(fields, options.text_field, "text")
    if text is None:
        wanted = options.text_field or "/".join(TEXT_FIELDS[:3])
        return Note(
            id=ident_text, error=f"no '{wanted}' field: name the text field with --text-field"
        )
    if not isinstance(text, str):
        return Note(id=ident_text, error="the text field is not a string")
    if _has_surrogates(text):  # JSON's "\ud800": no character, and no UTF-8 for it
        return Note(id=ident_text, error="the text holds a lone surrogate (an invalid \\u escape)")
    when = pick(fields, options.date_field, "date")
    offence = pick(fields, options.offence_field, "offence")
    return Note(id=ident_text, text=text, date=parse_date(when), offence=normalise_offence(offence))


def _has_surrogates(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def parse_date(value: Any) -> date | None:
    """Read a report date (ISO, US, or written out: "June 1 2021"); None when unreadable."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        pass
    for fmt in ("%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y", "%Y/%m/%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(text[:10] if fmt == "%Y-%m-%d" else text, fmt).date()
        except ValueError:
            continue
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        pass
    from screen.matching.dates import parse_date as written_date

    return written_date(text.lower())


def unit_fields(unit: Unit) -> dict[str, Any]:
    """The raw fields of a JSONL or CSV unit ({} when it has none or cannot be read)."""
    if unit.kind == "csv":
        header, row = unit.payload
        return dict(zip(header, row))
    if unit.kind == "jsonl":
        try:
            value = json.loads(unit.payload.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            return {}
        return value if isinstance(value, dict) else {}
    return {}
