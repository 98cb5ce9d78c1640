"""Reading the one note an interview starts from: a file, stdin, or a record of an export."""

from __future__ import annotations

from pathlib import Path

import pytest

from screen.app.notes import fingerprint, note_ref, read_note
from screen.errors import InputError, UsageError
from tests.conftest import DATA

FOLLOWUP = DATA / "inputs" / "followup.jsonl"
EXAMPLES = Path(__file__).parents[2] / "examples"


def test_a_plain_text_file_is_the_note() -> None:
    note = read_note(str(DATA / "inputs" / "followup.txt"), None)
    assert note.text.startswith("Wage complaint at the farm.")


def test_a_record_of_an_export_is_found_by_its_id() -> None:
    note = read_note(str(FOLLOWUP), "F-2")
    assert note.id == "F-2" and note.offence == "domestic_abuse"
    assert note.date is not None and note.date.isoformat() == "2024-03-05"


def test_a_csv_export_is_read_by_the_batch_readers() -> None:
    note = read_note(str(EXAMPLES / "incident-notes.csv"), "EX003")
    assert note.offence == "prostitution" and "15 y/o" in note.text


def test_an_export_of_several_records_needs_an_id() -> None:
    with pytest.raises(UsageError, match="--note-id"):
        read_note(str(FOLLOWUP), None)


def test_an_unknown_id_is_named_without_any_note_text() -> None:
    with pytest.raises(InputError) as caught:
        read_note(str(FOLLOWUP), "F-9")
    assert "F-9" in str(caught.value) and "farm" not in str(caught.value)


def test_an_unreadable_record_says_why(tmp_path: Path) -> None:
    export = tmp_path / "x.jsonl"
    export.write_text('{"id": "Q", "text": 5}\n')
    with pytest.raises(InputError, match="the note Q cannot be read: the text field"):
        read_note(str(export), "Q")


def test_an_empty_note_is_refused(tmp_path: Path) -> None:
    empty = tmp_path / "n.txt"
    empty.write_text("  \n")
    with pytest.raises(InputError, match="empty"):
        read_note(str(empty), None)


def test_references_and_hashes() -> None:
    assert note_ref("a.jsonl", "7") == "a.jsonl#7" and note_ref("-", None) == "stdin"
    assert fingerprint("x") != fingerprint("x ") and len(fingerprint("x")) == 64
