"""Ages written in a note: stated ages, dates of birth and school grades (pure)."""

from __future__ import annotations

import re
from datetime import date

from screen.results import AgeMention

MIN_PLAUSIBLE_AGE = 10
_SUSPECT = re.compile(r"\b(?:s\d|suspects?|susp|defendant|def|offender|arrestee)\b")
_RELATIVE = re.compile(
    r"\b(?:son|sons|daughter|daughters|child|children|kid|kids|baby|infant|toddler|brother|"
    r"sister|nephew|niece|grandson|granddaughter|hijo|hija|hijos|nino|nina|bebe)\b"
)


_NUMBER = re.compile(r"\d{1,2}")
_DOB = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{2,4})|(\d{4})-(\d{1,2})-(\d{1,2})")
_GRADE_WORDS = {"freshman": 14, "sophomore": 15}


def read_age(norm: str, span: tuple[int, int], kind: str, report_date: date) -> AgeMention | None:
    """Turn an age hit into an age, or None when it is implausible or about someone else."""
    start, end = span
    snippet = norm[start:end]
    before = norm[max(0, start - 30) : start]
    after = norm[end : end + 25]
    if _SUSPECT.search(before.split(".")[-1][-20:]) or _RELATIVE.search(before[-20:] + " " + after):
        return None
    age = _age_value(snippet, kind, report_date)
    if age is None or age < MIN_PLAUSIBLE_AGE or age > 99:
        return None
    return AgeMention(age, start, end, kind)


def _age_value(snippet: str, kind: str, report_date: date) -> int | None:
    if kind == "dob":
        return _age_from_dob(snippet, report_date)
    if kind == "grade":
        for word, age in _GRADE_WORDS.items():
            if word in snippet:
                return age
        number = _NUMBER.search(snippet)
        return int(number.group()) + 5 if number else None
    number = _NUMBER.search(snippet)
    return int(number.group()) if number else None


def _age_from_dob(snippet: str, report_date: date) -> int | None:
    match = _DOB.search(snippet)
    if match is None:
        return None
    if match.group(1):
        month, day, year = int(match.group(1)), int(match.group(2)), int(match.group(3))
        if year < 100:
            year += 2000 if year <= report_date.year % 100 else 1900
    else:
        year, month, day = int(match.group(4)), int(match.group(5)), int(match.group(6))
    try:
        born = date(year, month, day)
    except ValueError:
        return None
    if born > report_date:
        return None
    before_birthday = (report_date.month, report_date.day) < (born.month, born.day)
    return report_date.year - born.year - int(before_birthday)


AGE_EXPRESSIONS: tuple[tuple[str, str], ...] = (
    (
        "stated",
        r"\b\d{1,2}\s?-?\s?(?:y/o|y\.o\.?|yo|yoa|yrs?\.? old|years? old|year-old|"
        r"anos|ano de edad|anos de edad)\b",
    ),
    ("stated", r"\b(?:age|aged|edad|de edad)[:\s]\s?\d{1,2}\b"),
    ("stated", r"\b(?:juv|juvenile|minor|female|male|v|v1|v2)\s?\(\d{1,2}\)"),
    (
        "dob",
        r"\b(?:dob|d\.o\.b\.|fdn|fecha de nacimiento)[:\s]\s?(?:\d{1,2}/\d{1,2}/\d{2,4}|"
        r"\d{4}-\d{1,2}-\d{1,2})\b",
    ),
    (
        "grade",
        r"\b(?:\d{1,2}(?:st|nd|rd|th) grade|grade \d{1,2}|(?:freshman|sophomore) "
        r"(?:at|in))\b",
    ),
)
"""Built-in age expressions over normalised text: (basis, expression)."""
