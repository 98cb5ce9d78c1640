"""Fuzzing the record framing: wherever a block ends, the records are those of one reader.

Every test cuts the stream at arbitrary points (down to one byte per block), so
each record straddles block boundaries in every possible way.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from screen.app import framing, inputs
from screen.app.framing import OVERSIZED, csv_records, lines
from screen.app.inputs import ReadOptions, iter_units, parse_unit

# the characters that matter to the framing, and a few that do not
TEXT = st.text(alphabet='ab ,;|\t"\r\né\x00', max_size=80)
BYTES = st.binary(max_size=200).map(lambda b: b.translate(bytes.maketrans(b"\x0b\x0c", b"ab")))
CUTS = st.lists(st.integers(min_value=0, max_value=400), max_size=40)


def cut(data, points: list[int]) -> list:
    """``data`` cut at ``points`` (sorted, deduplicated): the blocks a reader might get."""
    edges = sorted({p for p in points if 0 < p < len(data)})
    return [data[a:b] for a, b in zip([0, *edges], [*edges, len(data)], strict=True)]


@given(data=BYTES, points=CUTS)
def test_lines_are_the_same_wherever_the_blocks_end(data: bytes, points: list[int]) -> None:
    expected = list(io.StringIO(data.decode("latin-1"), newline=""))
    found = [line.decode("latin-1") for line in lines(cut(data, points), 10**6) if line]
    assert found == expected


@given(data=BYTES, points=CUTS, limit=st.integers(min_value=0, max_value=30))
def test_only_lines_over_the_limit_are_oversized(
    data: bytes, points: list[int], limit: int
) -> None:
    whole = list(io.StringIO(data.decode("latin-1"), newline=""))
    found = list(lines(cut(data, points), limit))
    assert len(found) == len(whole)
    for line, reference in zip(found, whole, strict=True):
        content = len(reference.rstrip("\r\n"))
        assert (line is OVERSIZED) == (content > limit)
        assert line is OVERSIZED or line.decode("latin-1") == reference


@given(text=TEXT, points=CUTS, delimiter=st.sampled_from(",;\t|"))
def test_csv_records_parse_as_one_reader_over_the_stream(
    text: str, points: list[int], delimiter: str
) -> None:
    expected = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    found = []
    for record in csv_records(cut(text, points), delimiter, 10**6):
        assert record is not OVERSIZED
        found += list(csv.reader(io.StringIO(record, newline=""), delimiter=delimiter))
    assert found == expected


@given(text=TEXT, points=CUTS, limit=st.integers(min_value=0, max_value=40))
def test_oversized_csv_records_keep_the_record_count(
    text: str, points: list[int], limit: int
) -> None:
    whole = list(csv_records([text], ",", 10**6))
    found = list(csv_records(cut(text, points), ",", limit))
    assert len(found) == len(whole)
    for record, reference in zip(found, whole, strict=True):
        assert record is OVERSIZED or record == reference


NOTE = st.text(alphabet='ab ,;"\r\né', min_size=1, max_size=60).filter(lambda t: t.strip())


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    texts=st.lists(NOTE, min_size=1, max_size=30),
    block=st.integers(min_value=1, max_value=97),
    end=st.sampled_from(["\n", "\r\n"]),
)
def test_csv_and_jsonl_exports_give_the_same_notes_whatever_the_block_size(
    texts: list[str], block: int, end: str, tmp_path: Path
) -> None:
    rows = [(f"r{i}", text) for i, text in enumerate(texts)]
    buffer = io.StringIO(newline="")
    # Python 3.11's writer leaves a bare \r unquoted when the line end is \n
    quoting = csv.QUOTE_ALL if any("\r" in t for t in texts) else csv.QUOTE_MINIMAL
    writer = csv.writer(buffer, lineterminator=end, quoting=quoting)
    writer.writerows([("id", "text"), *rows])
    (tmp_path / "n.csv").write_text(buffer.getvalue(), encoding="utf-8", newline="")
    jsonl = "".join(json.dumps({"id": i, "text": t}) + end for i, t in rows)
    (tmp_path / "n.jsonl").write_text(jsonl, encoding="utf-8", newline="")
    read = ReadOptions()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(framing, "BLOCK", block)
        patch.setattr(inputs, "SNIFF_BYTES", block)
        for name in ("n.csv", "n.jsonl"):
            found = [parse_unit(u, read) for u in iter_units([str(tmp_path / name)], read)]
            assert [(n.id, n.text, n.error) for n in found] == [(i, t, "") for i, t in rows]
