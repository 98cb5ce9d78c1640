"""Export field mapping: field names in any case, with synonyms; offence values normalised."""

from __future__ import annotations

from pathlib import Path

import pytest

from screen.app.fields import OFFENCE_SYNONYMS, normalise_offence, pick
from screen.app.inputs import ReadOptions, iter_units, parse_unit
from screen.model import OFFENCES


def notes(path: Path, **options: object) -> list:
    read = ReadOptions(**options)  # type: ignore[arg-type]
    return [parse_unit(u, read) for u in iter_units([str(path)], read)]


@pytest.mark.parametrize(
    "header",
    [
        "ID,Date,Narrative,Offence",
        "Record ID,Incident Date,Notes,Call Type",
        "CASE_NUMBER;OCCURRED;SYNOPSIS;NATURE",
        "report-number\tReport Date\tDetails\tIncident-Type",
    ],
)
def test_field_names_match_in_any_case_with_synonyms(tmp_path: Path, header: str) -> None:
    delimiter = ";" if ";" in header else "\t" if "\t" in header else ","
    row = delimiter.join(["R-7", "2024-03-05", "mgr has her ppt", "DV"])
    path = tmp_path / "export.csv"
    path.write_text(f"{header}\n{row}\n", encoding="utf-8")
    [note] = notes(path)
    assert (note.id, note.text, note.date.isoformat(), note.offence, note.error) == (
        "R-7",
        "mgr has her ppt",
        "2024-03-05",
        "domestic_abuse",
        "",
    )


def test_a_named_field_matches_in_any_case(tmp_path: Path) -> None:
    path = tmp_path / "n.jsonl"
    path.write_text('{"Ref": "X1", "Body Text": "mgr has her ppt"}\n', encoding="utf-8")
    [note] = notes(path, id_field="ref", text_field="body_text")
    assert (note.id, note.text) == ("X1", "mgr has her ppt")


def test_the_first_synonym_present_wins() -> None:
    assert pick({"case_number": "c", "ID": "i"}, None, "id") == "i"
    assert pick({"Description": "d", "NARRATIVE": "n"}, None, "text") == "n"


@pytest.mark.parametrize(
    ("value", "offence"),
    [
        ("labor_dispute", "labour_dispute"),
        ("Labour dispute", "labour_dispute"),
        ("LABOR-DISPUTE", "labour_dispute"),
        ("Wage theft", "labour_dispute"),
        ("DV", "domestic_abuse"),
        ("Domestic Violence", "domestic_abuse"),
        ("solicitation", "prostitution"),
        ("Human smuggling", "immigration"),
        ("Traffic Stop", "traffic_stop"),
        (" assault ", "assault"),
        ("", ""),
        (None, ""),
        ("Burglary", "Burglary"),
    ],
)
def test_offence_values_are_normalised(value: object, offence: str) -> None:
    assert normalise_offence(value) == offence


def test_offence_synonyms_cover_exactly_the_cover_offences() -> None:
    assert tuple(OFFENCE_SYNONYMS) == OFFENCES
