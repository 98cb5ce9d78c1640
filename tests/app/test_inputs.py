import io
import json
import os
import subprocess
import sys
import tracemalloc
from datetime import date
from pathlib import Path

import pytest

from screen.app.inputs import ReadOptions, iter_units, parse_date, parse_unit
from screen.errors import InputError, UsageError
from tests.conftest import DATA, MINIMAL, ROOT

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


# --- one bad record never stops the reading (issue 17 item 4) ----------------------------

SECRET = "QQSECRETQQ"


def test_a_lone_surrogate_in_a_jsonl_string_is_an_error_record(tmp_path: Path) -> None:
    (tmp_path / "s.jsonl").write_text(
        '{"id": "a", "text": "one"}\n'
        '{"id": "b", "text": "' + SECRET + ' \\ud800"}\n'
        '{"id": "c\\udfff", "text": "three"}\n'
    )
    found = notes([tmp_path / "s.jsonl"])
    assert [n.id for n in found] == ["a", "b", "c\\udfff"]
    assert "surrogate" in found[1].error and SECRET not in found[1].error
    assert (found[0].text, found[2].text) == ("one", "three")
    assert all(n.id.encode("utf-8") for n in found)  # every id is valid UTF-8


def test_a_json_number_over_4300_digits_is_an_error_record(tmp_path: Path) -> None:
    (tmp_path / "n.jsonl").write_text(
        '{"id": "a", "text": "one"}\n'
        '{"id": "b", "unused": ' + "9" * 5000 + ', "text": "' + SECRET + '"}\n'
        '{"id": "c", "text": "three"}\n'
    )
    found = notes([tmp_path / "n.jsonl"])
    assert [n.id for n in found] == ["a", f"{tmp_path / 'n.jsonl'}:2", "c"]
    assert "4,300 digits" in found[1].error and SECRET not in found[1].error
    assert not found[0].error and not found[2].error


def test_a_csv_id_with_an_invalid_byte_is_shown_as_an_escape(tmp_path: Path) -> None:
    (tmp_path / "b.csv").write_bytes(b"id,text\n\xff1," + SECRET.encode() + b"\n2,fine\n")
    found = notes([tmp_path / "b.csv"])
    assert [n.id for n in found] == ["\\xff1", "2"]
    assert found[0].error.startswith("invalid utf-8") and SECRET not in found[0].error
    assert found[1].text == "fine"


def test_a_file_name_with_an_invalid_byte_names_its_record_in_utf8(tmp_path: Path) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / os.fsdecode(b"n\xff.txt")).write_text("a note")
    [note] = notes([folder])
    assert note.id.endswith("n\\xff.txt") and note.text == "a note"


def test_cr_only_jsonl_gives_one_record_per_line(tmp_path: Path) -> None:
    lines = [json.dumps({"id": f"r{i}", "text": f"note {i}"}) for i in range(3)]
    (tmp_path / "cr.jsonl").write_bytes("\r".join(lines).encode() + b"\r")
    found = notes([tmp_path / "cr.jsonl"])
    assert [(n.id, n.text, n.error) for n in found] == [
        (f"r{i}", f"note {i}", "") for i in range(3)
    ]


# --- records are bounded by --max-record-bytes (issue 17 item 14) --------------------------


def test_a_jsonl_line_over_the_limit_is_an_error_record(tmp_path: Path) -> None:
    long = json.dumps({"id": "big", "text": SECRET * 40})
    (tmp_path / "l.jsonl").write_text(
        f'{{"id": "a", "text": "one"}}\n{long}\n{{"id": "c", "text": "x"}}\n'
    )
    found = notes([tmp_path / "l.jsonl"], max_record_bytes=200)
    assert [n.id for n in found] == ["a", f"{tmp_path / 'l.jsonl'}:2", "c"]
    assert "200-byte limit" in found[1].error and "--max-record-bytes" in found[1].error
    assert SECRET not in found[1].error
    assert [n.id for n in notes([tmp_path / "l.jsonl"], max_record_bytes=len(long))] == [
        "a",
        "big",
        "c",
    ]


def test_a_csv_record_over_the_limit_is_an_error_record(tmp_path: Path) -> None:
    quoted = '"' + (SECRET + ",\n") * 20 + '"'
    (tmp_path / "l.csv").write_text(f"id,text\n1,one\n2,{quoted}\n3,three\n")
    found = notes([tmp_path / "l.csv"], max_record_bytes=100)
    assert [n.id for n in found] == ["1", f"{tmp_path / 'l.csv'}:record 3", "3"]
    assert "100-byte limit" in found[1].error and SECRET not in found[1].error
    assert found[2].text == "three"


def test_a_text_note_over_the_limit_is_an_error_record(tmp_path: Path) -> None:
    (tmp_path / "t.txt").write_text(SECRET * 100)
    [note] = notes([tmp_path / "t.txt"], max_record_bytes=999)
    assert "999-byte limit" in note.error and SECRET not in note.error
    assert notes([tmp_path / "t.txt"], max_record_bytes=1000)[0].text == SECRET * 100


def test_the_limit_must_be_positive() -> None:
    with pytest.raises(UsageError, match="--max-record-bytes"):
        notes([INPUTS / "small.csv"], max_record_bytes=0)


def test_an_oversized_record_is_read_past_without_holding_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.jsonl"
    with path.open("wb") as handle:
        handle.write(b'{"id": "big", "text": "')
        for _ in range(64):  # 64 MiB on one line
            handle.write(b"a" * (1 << 20))
        handle.write(b'"}\n{"id": "after", "text": "fine"}\n')
    tracemalloc.start()
    try:
        found = notes([path])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [n.id for n in found] == [f"{path}:1", "after"]
    assert peak < 8 * (1 << 20)


def test_devices_are_refused_and_the_null_device_is_empty() -> None:
    with pytest.raises(InputError, match="/dev/zero is a device"):
        notes(["/dev/zero"])
    assert notes(["/dev/null"]) == [] or [n.text for n in notes(["/dev/null"])] == [""]


def test_stdin_from_a_device_is_refused(tmp_path: Path) -> None:
    with open("/dev/zero", "rb") as zero:
        done = subprocess.run(
            [sys.executable, "-m", "screen", "batch", "-f", "jsonl", "--rules", str(MINIMAL), "-"],
            stdin=zero,
            capture_output=True,
            timeout=120,
            check=False,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
    assert done.returncode == 4 and b"stdin is a device" in done.stderr


@pytest.mark.parametrize("codec", ["rot13", "base64", "zlib"])
def test_codecs_that_are_not_text_encodings_are_a_usage_error(codec: str) -> None:
    with pytest.raises(UsageError, match="not a text encoding"):
        notes([INPUTS / "small.csv"], encoding=codec)


def test_the_delimiter_of_unknown_fields_is_found_without_the_sniffer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object) -> None:
        raise AssertionError("csv.Sniffer takes seconds on some samples")

    monkeypatch.setattr("csv.Sniffer", refuse)
    read = ReadOptions(input_format="csv")
    (tmp_path / "p.csv").write_text("ref|story\nR1|a, b; c\nR2|d\n")
    units = list(iter_units([str(tmp_path / "p.csv")], read))
    assert [u.payload for u in units] == [
        (["ref", "story"], ["R1", "a, b; c"]),
        (["ref", "story"], ["R2", "d"]),
    ]
    # a sample built to make the sniffer's regular expressions quadratic (20 s for 80 KB)
    (tmp_path / "q.csv").write_text("x,y\n" + ',"a' * 27000 + "\n")
    assert len(list(iter_units([str(tmp_path / "q.csv")], read))) == 1
