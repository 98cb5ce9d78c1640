"""Export field mapping: which field of a record is its id, text, date and offence.

Records systems name their fields in many ways (``ID``, ``Case Number``,
``Narrative``, ``call_type``). A field name matches when it is the same after
folding (case, spaces and hyphens: ``Incident Date`` is ``incident_date``), and
each role has a list of synonyms, tried in order. Offence values are folded the
same way and mapped onto the rulebook's cover offences (``DV`` is
``domestic_abuse``, ``Labor dispute`` is ``labour_dispute``); a value that is not
recognised is kept as it is, screened as ``other`` and counted for a warning.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

ID_FIELDS = (
    "id",
    "record_id",
    "note_id",
    "incident_id",
    "incident_number",
    "case_id",
    "case_number",
    "report_id",
    "report_number",
)
TEXT_FIELDS = (
    "text",
    "narrative",
    "note",
    "notes",
    "description",
    "synopsis",
    "details",
    "body",
    "report",
)
DATE_FIELDS = (
    "date",
    "incident_date",
    "report_date",
    "reported",
    "date_reported",
    "occurred",
    "occurred_date",
)
OFFENCE_FIELDS = (
    "offence",
    "offense",
    "call_type",
    "incident_type",
    "offence_type",
    "offense_type",
    "nature",
    "nature_of_call",
)
FIELD_ROLES: dict[str, tuple[str, ...]] = {
    "id": ID_FIELDS,
    "text": TEXT_FIELDS,
    "date": DATE_FIELDS,
    "offence": OFFENCE_FIELDS,
}
"""Each role's field names, tried in this order (the first present wins)."""

OFFENCE_SYNONYMS: dict[str, tuple[str, ...]] = {
    "prostitution": (
        "prostitution",
        "solicitation",
        "soliciting",
        "solicit",
        "commercial_sex",
        "sex_work",
        "vice",
        "pandering",
        "pimping",
        "loitering_for_prostitution",
    ),
    "domestic_abuse": (
        "domestic_abuse",
        "domestic_violence",
        "domestic",
        "domestic_disturbance",
        "domestic_assault",
        "dv",
        "family_violence",
        "intimate_partner_violence",
        "ipv",
    ),
    "assault": (
        "assault",
        "battery",
        "assault_and_battery",
        "simple_assault",
        "aggravated_assault",
        "fight",
        "affray",
    ),
    "labour_dispute": (
        "labour_dispute",
        "labour",
        "labour_complaint",
        "labour_inspection",
        "wage_dispute",
        "wage_theft",
        "wage_claim",
        "employment_dispute",
        "workplace_dispute",
    ),
    "immigration": (
        "immigration",
        "immigration_check",
        "immigration_encounter",
        "human_smuggling",
        "smuggling",
        "people_smuggling",
        "illegal_entry",
        "visa_overstay",
    ),
    "traffic_stop": (
        "traffic_stop",
        "traffic",
        "traffic_violation",
        "vehicle_stop",
        "motor_vehicle_stop",
        "car_stop",
    ),
    "other": ("other",),
}
"""Folded offence values and the cover offence each one means (the keys are
:data:`screen.model.OFFENCES`, not imported so that ``--help`` stays fast)."""

_OFFENCE_OF = {alias: offence for offence, names in OFFENCE_SYNONYMS.items() for alias in names}
_NOT_WORD = re.compile(r"[^0-9a-z]+")
_LABOR = re.compile(r"(?:^|(?<=_))labor(?=_|$)")


def fold(name: str) -> str:
    """A field name or value folded for comparison (``Labor-Dispute``: ``labour_dispute``).

    Lower case, ``_`` for any run of spaces, hyphens or punctuation, US ``labor`` as
    ``labour``.
    """
    folded = _NOT_WORD.sub("_", name.strip().lower().lstrip("\ufeff")).strip("_")
    return _LABOR.sub("labour", folded)


def pick(fields: Mapping[str, Any], chosen: str | None, role: str) -> Any:
    """The value of the field playing ``role`` (``id``, ``text``, ``date``, ``offence``).

    ``chosen`` is the name the user gave (``--text-field``); it matches exactly, or
    else after folding. Without it the role's synonyms are tried in order.
    """
    if chosen and chosen in fields:
        return fields[chosen]
    folded: dict[str, Any] = {}
    for name, value in fields.items():
        folded.setdefault(fold(str(name)), value)
    if chosen:
        return folded.get(fold(chosen))
    for name in FIELD_ROLES[role]:
        if name in folded:
            return folded[name]
    return None


def known_field(name: str) -> bool:
    """Whether ``name`` is one of the synonyms of some role (after folding)."""
    folded = fold(name)
    return any(folded in names for names in FIELD_ROLES.values())


def normalise_offence(value: Any) -> str:
    """The cover offence ``value`` names ("" for none).

    An unrecognised value comes back stripped but otherwise as given, so it can be
    counted (it is screened as ``other``).
    """
    if value is None:
        return ""
    text = str(value).strip()
    if not text:
        return ""
    return _OFFENCE_OF.get(fold(text), text)


def recognised(offence: str) -> bool:
    """Whether ``offence`` (after :func:`normalise_offence`) is a cover offence, or empty."""
    return not offence or offence in OFFENCE_SYNONYMS


def help_text() -> str:
    """The field synonyms and offence values, for ``batch --help``."""
    roles = "; ".join(f"{role}: {', '.join(names)}" for role, names in FIELD_ROLES.items())
    offences = "; ".join(
        f"{offence}: {', '.join(n for n in names if n != offence)}"
        for offence, names in OFFENCE_SYNONYMS.items()
        if len(names) > 1
    )
    return (
        f"Field names match in any case, with spaces or hyphens for '_' ({roles}). "
        f"Offence values match the same way, 'labor' as 'labour' ({offences}); "
        "any other value is screened as 'other' and counted in a warning."
    )
