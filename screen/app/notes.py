"""One incident note for a note-started interview: read, identified, hashed, screened.

The note is read by the same readers as batch (a plain-text file, stdin, or one
record of a JSONL, CSV or Parquet export picked by ``--note-id``), so a record
the batch screener flagged is found by the id the batch output gave it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from screen.app.inputs import ReadOptions, iter_units, parse_unit
from screen.errors import InputError, UsageError
from screen.results import ScreenResult
from screen.screening import Note, Screener


@dataclass(frozen=True, slots=True)
class NoteStart:
    """The note an interview starts from, and what screening it found."""

    ref: str
    """The file (or ``stdin``), with ``#id`` for a record of an export."""
    sha256: str
    note: Note
    result: ScreenResult


def read_note(name: str, note_id: str | None, options: ReadOptions | None = None) -> Note:
    """The note at ``name`` ('-' is stdin), or its record ``note_id`` for an export.

    A file of several records needs ``note_id``; a record that cannot be read is an
    error that names the record, never its text.
    """
    options = options or ReadOptions()
    found: list[Note] = []
    for unit in iter_units([name], options):
        note = parse_unit(unit, options)
        if note_id is None:
            found.append(note)
            if len(found) > 1:
                raise UsageError(
                    f"{_label(name)} holds more than one record: choose one with --note-id ID"
                )
        elif note.id == note_id:
            found.append(note)
            break
    if not found:
        if note_id is None:
            raise InputError(f"{_label(name)} holds no note: it is empty")
        raise InputError(f"{_label(name)} has no record with id '{note_id}'")
    note = found[0]
    if note.error:
        raise InputError(f"the note {note.id} cannot be read: {note.error}")
    if not note.text.strip():
        raise InputError(f"the note {note.id} is empty: there is nothing to start from")
    return note


def note_ref(name: str, note_id: str | None) -> str:
    """How the saved interview and the report name the note."""
    base = _label(name)
    return f"{base}#{note_id}" if note_id is not None else base


def fingerprint(text: str) -> str:
    """The SHA-256 of a note's text, to tell a resumed interview the note has changed."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def start(name: str, note_id: str | None, screener: Screener) -> NoteStart:
    """Read and screen the note an interview starts from."""
    note = read_note(name, note_id)
    result = screener.screen(note)
    return NoteStart(note_ref(name, note_id), fingerprint(note.text), note, result)


def _label(name: str) -> str:
    return "stdin" if name == "-" else name
