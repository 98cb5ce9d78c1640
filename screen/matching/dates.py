"""Dates as police notes and exports write them (pure).

``06/01/2021``, ``6/1/21``, ``2021-06-01``, ``1 June 2021``, ``June 1 2021``,
``June 1, 2021``, ``01-JUN-21``, ``1.6.2021``, ``el 3 de marzo de 2022``. A
slashed date is read month first (US) unless its first number cannot be a month.
"""

from __future__ import annotations

import re
from datetime import date

MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4,
    "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11,
    "november": 11, "dec": 12, "december": 12,
    "enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7,
    "agosto": 8, "septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11,
    "diciembre": 12,
}  # fmt: skip
_MONTH = "(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
DATE = re.compile(
    r"\b(?:"
    r"(?P<y1>\d{4})-(?P<m1>\d{1,2})-(?P<d1>\d{1,2})"
    r"|(?P<a2>\d{1,2})[/.](?P<b2>\d{1,2})[/.](?P<y2>\d{4}|\d{2})"
    r"|(?P<d3>\d{1,2})(?:st|nd|rd|th)?[\s-](?:de\s)?(?P<m3>" + _MONTH + r")[\s,-]+(?:de\s|del\s)?"
    r"(?P<y3>\d{4}|\d{2})"
    r"|(?P<m4>" + _MONTH + r")\s(?P<d4>\d{1,2})(?:st|nd|rd|th)?,?\s(?P<y4>\d{4})"
    r")\b",
    re.IGNORECASE,
)
"""Every date form above (over normalised, lower-case text or raw field values)."""


def to_date(match: re.Match[str], century_pivot: int = 30) -> date | None:
    """The date a :data:`DATE` match names, or None when it is not a real date."""
    groups = match.groupdict()
    try:
        if groups["y1"]:
            return date(int(groups["y1"]), int(groups["m1"]), int(groups["d1"]))
        if groups["a2"]:
            first, second = int(groups["a2"]), int(groups["b2"])
            month, day = (first, second) if first <= 12 else (second, first)
            return date(_year(groups["y2"], century_pivot), month, day)
        if groups["d3"]:
            month = MONTHS[groups["m3"].lower().rstrip(".")]
            return date(_year(groups["y3"], century_pivot), month, int(groups["d3"]))
        month = MONTHS[groups["m4"].lower().rstrip(".")]
        return date(int(groups["y4"]), month, int(groups["d4"]))
    except (ValueError, KeyError):
        return None


def _year(text: str, pivot: int) -> int:
    year = int(text)
    if len(text) == 2:
        year += 2000 if year <= pivot else 1900
    return year


def parse_date(text: str) -> date | None:
    """A date written on its own (an export's date field), or None."""
    value = text.strip()
    if not value:
        return None
    match = DATE.search(value)
    if match is not None and match.start() == 0:
        return to_date(match)
    return None


def first_date(text: str, skip: tuple[tuple[int, int], ...] = ()) -> date | None:
    """The first real date written in a note, outside the ``skip`` spans (dates of birth)."""
    for match in DATE.finditer(text):
        if any(start <= match.start() < end for start, end in skip):
            continue
        found = to_date(match)
        if found is not None and 1900 < found.year < 2200:
            return found
    return None
