import io
from datetime import date
from pathlib import Path

import pytest

from screen.app.inputs import ReadOptions, iter_units, parse_date, parse_unit
from screen.errors import InputError, UsageError
from tests.conftest import DATA

INPUTS = DATA / "inputs"


def notes(paths, **options):
    read = ReadOptions(**options)
    return [parse_unit(u, read) for u in iter_units([str(p) for p in paths], read)]


def test_csv_with_quotes_and_embedded_newline() -> None:
    found = notes([INPUTS / "small.csv"])
    assert [n.id for n in found] == ["A1", "A2"]
    assert found[0].text == 'mgr has her ppt, she said "no pay"\nfor 3 weeks'
    assert found[0].date == date(2025, 1, 2) and found[0].offence == "labour_dispute"


@pytest.mark.parametrize("end", ["\n", "\r\n", "\r"])
def test_a_csv_larger_than_the_sniffed_sample_loses_no_record(tmp_path: Path, end: str) -> None:
    # 2,873 rows put a record across character 65,536, where the sniffed sample ends
    text = "V said the boss has her ppt and she cannot leave the farm"
    rows = ["id,offence,text", *(f"N{i},other,{text}" for i in range(2873))]
    path = tmp_path / "long.csv"
    path.write_bytes(end.join(rows).encode() + end.encode())
    found = notes([path])
    assert len(found) == 2873
    assert not [n for n in found if n.error or n.text != text]
    assert found[-1].id == "N2872"


def test_jsonl_every_line_yields_one_record() -> None:
    found = notes([INPUTS / "mixed.jsonl"])
    assert len(found) == 6  # the blank line is not a record
    assert [bool(n.error) for n in found] == [False, False, True, True, True, False]
    assert "not valid JSON" in found[2].error
    assert "--text-field" in found[3].error and found[3].id == "J4"
    assert "JSON object" in found[4].error


def test_error_messages_never_contain_note_text(tmp_path: Path) -> None:
    marker = "ZZSECRETZZ"
    (tmp_path / "a.jsonl").write_text('{"id": "x", "narrative": 5, "note": "' + marker + '"\n')
    (tmp_path / "b.csv").write_bytes(b"id,text\n1,\xff" + marker.encode() + b"\n")
    for note in notes([tmp_path / "a.jsonl", tmp_path / "b.csv"]):
        assert note.error and marker not in note.error and marker not in note.id


def test_invalid_utf8_in_text_file_is_an_error_record(tmp_path: Path) -> None:
    (tmp_path / "bad.txt").write_bytes(b"caf\xe9 owner has her passport")
    found = notes([tmp_path / "bad.txt"])
    assert found[0].error.startswith("invalid utf-8") and "--encoding" in found[0].error
    assert notes([tmp_path / "bad.txt"], encoding="latin-1")[0].text.startswith("café")


def test_folder_is_read_recursively_skipping_hidden(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "n1.txt").write_text("one")
    (tmp_path / "n2.txt").write_text("\ufefftwo")
    (tmp_path / ".hidden").write_text("no")
    found = notes([tmp_path])
    assert sorted(n.text for n in found) == ["one", "two"]


def test_stdin_jsonl_is_sniffed(monkeypatch) -> None:
    stream = io.TextIOWrapper(io.BytesIO(b'{"id": "s1", "text": "hello"}\n'), encoding="utf-8")
    monkeypatch.setattr("sys.stdin", stream)
    found = notes(["-"])
    assert [(n.id, n.text) for n in found] == [("s1", "hello")]


def test_stdin_csv_and_plain_text_are_sniffed(monkeypatch) -> None:
    for data, expected in (
        (b"id,narrative\nc1,hi there\n", ("c1", "hi there")),
        (b"Just a note.", ("stdin", "Just a note.")),
    ):
        monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
        assert [(n.id, n.text) for n in notes(["-"])] == [expected]


def test_csv_semicolon_dialect_is_sniffed(tmp_path: Path) -> None:
    (tmp_path / "s.csv").write_text("id;text\n1;a, b and c\n2;d\n")
    assert [n.text for n in notes([tmp_path / "s.csv"])] == ["a, b and c", "d"]


def test_chosen_fields(tmp_path: Path) -> None:
    (tmp_path / "f.jsonl").write_text('{"ref": "R9", "body2": "x", "when": "03/04/2024"}\n')
    found = notes([tmp_path / "f.jsonl"], id_field="ref", text_field="body2", date_field="when")
    assert (found[0].id, found[0].text, found[0].date) == ("R9", "x", date(2024, 3, 4))


def test_missing_path_and_bad_options() -> None:
    with pytest.raises(InputError, match="no such file"):
        notes(["/nonexistent/notes.csv"])
    with pytest.raises(UsageError, match="encoding"):
        notes([INPUTS / "small.csv"], encoding="nope")
    with pytest.raises(UsageError, match="input format"):
        notes([INPUTS / "small.csv"], input_format="xml")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-02-29", date(2024, 2, 29)),
        ("2024-02-29T10:00:00", date(2024, 2, 29)),
        ("02/29/2024", date(2024, 2, 29)),
        ("nonsense", None),
        ("", None),
    ],
)
def test_parse_date(text: str, expected) -> None:
    assert parse_date(text) == expected
