"""Ages written in a note: stated ages, dates of birth and school grades (pure)."""

from __future__ import annotations

import re
from datetime import date

from screen.matching.dates import DATE, to_date
from screen.results import AgeMention

MIN_PLAUSIBLE_AGE = 5
"""Younger "ages" are dropped: children that small are with someone, not screened alone,
and small numbers are more often counts or durations. Children of 5 to 9 are used in
theft and begging rings, so they are read."""
_SUSPECT = re.compile(r"\b(?:s\d|suspects?|susp|defendant|def|offender|arrestee)\b")
_RELATIVE = re.compile(
    r"\b(?:son|sons|daughter|daughters|children|kids|baby|infant|toddler|brother|"
    r"sister|nephew|niece|grandson|granddaughter|hijo|hija|hijos|hijas|ninos|ninas|bebe)\b"
)
# "child", "kid", "niña" name the person screened ("the child, 10, was crying") unless owned
_OWNED_CHILD = re.compile(
    r"(?:\b(?:her|his|their|my|your|our|su|sus|mi|mis|tu|tus)|'s)\s(?:[\w/-]+\s){0,2}"
    r"(?:child|kid|nino|nina)\b"
)
# a number of years that is how long, not how old: "lleva 15 años viviendo aquí"
_DURATION_BEFORE = re.compile(
    r"\b(?:hace|desde hace|durante|por|lleva|llevo|llevaba|llevan|llevamos|trabajado|trabajo|"
    r"trabajó|trabajo por|vivido|casada|casado|juntos|juntas)\s(?:unos\s|mas de\s|casi\s)?$"
)
_DURATION_AFTER = re.compile(
    r"^\s?(?:trabajando|viviendo|laborando|aqui|alla|de casad|de experiencia|"
    r"con (?:el|la|su|ellos)|"
    r"en (?:el|la|los|las|este|esta|ese|esa|estados|eeuu|ee\.uu|usa|mexico|el pais|la finca|"
    r"el rancho|la empresa|el trabajo))"
)


_NUMBER = re.compile(r"\d{1,2}")
NUMBER_WORDS = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "diez": 10, "once": 11, "doce": 12, "trece": 13, "catorce": 14, "quince": 15,
    "dieciseis": 16, "diecisiete": 17, "dieciocho": 18, "diecinueve": 19,
}  # fmt: skip
_WORD = re.compile(r"\b(?:" + "|".join(NUMBER_WORDS) + r")\b")
_GRADE_WORDS = {"freshman": 14, "sophomore": 15, "junior": 16}
_UK_YEAR = re.compile(r"\byear (\d{1,2})\b")

BASIS_TEXT = {
    "stated": "stated in the note",
    "grade": "school grade",
    "dob:report": "date of birth and the report date",
    "dob:note": "date of birth and a date written in the note",
    "dob:today": "date of birth and today (no date known: the age then was at most this)",
    "dob:reference": "date of birth and the reference date (no date in the record or the note)",
}
"""How an age was read, in words, for ``age_basis``."""


def read_age(
    norm: str, span: tuple[int, int], kind: str, reference: date | None, basis: str = "report"
) -> AgeMention | None:
    """Turn an age hit into an age, or None when it is implausible or about someone else.

    ``reference`` is the date a date of birth is counted to (None: not counted);
    ``basis`` says where it came from (report, note or today).
    """
    start, end = span
    snippet = norm[start:end]
    before = norm[max(0, start - 30) : start]
    after = norm[end : end + 25]
    if _SUSPECT.search(before.split(".")[-1][-20:]) or _RELATIVE.search(before[-20:] + " " + after):
        return None
    if _OWNED_CHILD.search(before[-30:] + snippet) or _is_duration(snippet, before, after):
        return None
    if kind == "dob":
        if reference is None:
            return None
        age = _age_from_dob(snippet, reference)
        kind = f"dob:{basis}"
    else:
        age = _age_value(snippet, kind)
    if age is None or age < MIN_PLAUSIBLE_AGE or age > 99:
        return None
    return AgeMention(age, start, end, kind)


def _is_duration(snippet: str, before: str, after: str) -> bool:
    """Whether "15 años" here says how long something has lasted, not how old someone is."""
    if not snippet.rstrip().endswith(("anos", "ano")):
        return False
    return bool(_DURATION_BEFORE.search(before) or _DURATION_AFTER.search(after))


def _age_value(snippet: str, kind: str) -> int | None:
    if kind == "grade":
        for word, age in _GRADE_WORDS.items():
            if word in snippet:
                return age
        year = _UK_YEAR.search(snippet)
        if year:
            return int(year.group(1)) + 5
        number = _NUMBER.search(snippet)
        return int(number.group()) + 5 if number else None
    number = _NUMBER.search(snippet)
    if number:
        return int(number.group())
    spelled = _WORD.search(snippet)
    return NUMBER_WORDS[spelled.group()] if spelled else None


def _age_from_dob(snippet: str, reference: date) -> int | None:
    match = DATE.search(snippet)
    born = to_date(match, reference.year % 100) if match else None
    if born is None or born > reference:
        return None
    before_birthday = (reference.month, reference.day) < (born.month, born.day)
    return reference.year - born.year - int(before_birthday)


def age_basis(ages: tuple[AgeMention, ...]) -> str:
    """How the youngest age was read, in words ("" when no age was read)."""
    if not ages:
        return ""
    youngest = min(ages, key=lambda a: (a.age, a.start))
    return BASIS_TEXT.get(youngest.basis, youngest.basis)


_WORDS = "(?:" + "|".join(NUMBER_WORDS) + ")"
_WORDS_ES = "(?:" + "|".join(list(NUMBER_WORDS)[10:]) + ")"
_PERSON = (
    r"(?:she|he|v|v1|v2|victim|girl|boy|juv|juvenile|child|minor|teen|the female|the male|"
    r"ella|el|la menor|el menor|la joven|el joven|la nina|el nino|la victima)"
)
_NOT_AN_AGE = r"(?!\s?(?:%|am|pm|a\.m|p\.m|hrs|hours|mins?|minutes|days|weeks|months|dollars|"
_NOT_AN_AGE += r"bucks|usd|pesos|x|:|/|\.\d|,\d|ft|feet|inches|lbs|kg|miles|times|of))"
_NOT_AN_AGE_ES = (
    r"(?!\s?(?:horas|hrs|dias|meses|semanas|minutos|dolares|pesos|euros|personas|hijos|"
)
_NOT_AN_AGE_ES += (
    r"hijas|trabajadores|hermanos|hermanas|veces|cuadras|millas|kilos|anos (?:trabajando|viviendo|"
)
_NOT_AN_AGE_ES += r"aqui|en|de casad|de experiencia|laborando|con)))"
_YOUNG_ES = (
    r"nina|nino|ninas|ninos|chica|chico|chicas|chicos|chaval|chavala|chavalin|cria|crio|"
    r"muchacha|muchacho|muchachas|muchachos|adolescente|adolescentes|menor|menores|jovencita|"
    r"jovencito|chamaca|chamaco|morra|morrita|morro|piba|pibe|pelada|pelado|cipota|cipote|"
    r"gurisa|guriza|gurisito|nena|nene|patojo|patoja|chavo|chava|chamo|chama"
)
"""Spanish words for a young person that are followed by "de" and the age ("niña de 15")."""
_APPROX = (
    r"(?:approx\.?\s?|approximately\s|about\s|around\s|roughly\s|maybe\s|perhaps\s|"
    r"aprox\.?\s?|aproximadamente\s|unos\s|unas\s|como\s|alrededor de\s|cerca de\s|"
    r"est\.?\s?|~\s?)?"
)

AGE_EXPRESSIONS: tuple[tuple[str, str], ...] = (
    (
        "stated",
        r"\b\d{1,2}\s?-?\s?(?:y/o|y\.o\.?|yo|yoa|yrs?\.? old|years? old|year-old|years-old|"
        r"yr-old|yrs-old|years of age|yrs of age|anos|ano de edad|anos de edad)\b",
    ),
    ("stated", r"\b(?:age|aged|edad|de edad)[:\s]\s?\d{1,2}\b"),
    ("stated", r"\b(?:juv|juvenile|minor|female|male|v|v1|v2|girl|boy|teen)\s?\(\d{1,2}\)"),
    (
        "stated",
        r"\b(?:juv|juvenile|juveniles|minor|minors|female|male|v|v1|v2|v3|girl|girls|boy|boys|teen|"
        r"teens)\s?\(" + _APPROX + r"(?:ages?\s)?\d{1,2}(?:\s?(?:and|y|&|,)\s?\d{1,2})?\)",
    ),
    ("stated", r"\b(?:juv|juvenile)\.?\s(?:f|m|female|male)[\s,]\s?\d{1,2}\b"),
    ("stated", r"(?:\(|\b)(?:f|m|female|male)\s?,\s?" + _APPROX + r"\d{1,2}\b" + _NOT_AN_AGE),
    ("stated", r"\]\s?,\s?" + _APPROX + r"\d{1,2}\s?,"),
    (
        "stated",
        r"\b(?:tengo|tiene|tenia|cumple|cumplo|cumplio|cumplira|cumplire|va a cumplir|"
        r"voy a cumplir|"
        r"acaba de cumplir|acabo de cumplir)\s(?:solo\s|apenas\s|los\s)?(?:\d{1,2}|"
        + _WORDS_ES
        + r")\b"
        + _NOT_AN_AGE
        + _NOT_AN_AGE_ES,
    ),
    (
        "stated",
        r"\b(?:she's|he's|she'll be|he'll be|she will be|he will be|just turned|"
        r"recently turned)\s(?:only\s|just\s|barely\s)?(?:\d{1,2}|" + _WORDS + r")\b" + _NOT_AN_AGE,
    ),
    ("stated", r"(?:\(|\b)(?:f|m)\s?/\s?\d{1,2}\b|\b\d{1,2}\s?/\s?(?:f|m)\b"),
    (
        "stated",
        r"\b(?:girl|boy|child|kid|teen|teenager|juvenile|minor|female|male|youth)\sof\s"
        + _APPROX
        + r"\d{1,2}\b"
        + _NOT_AN_AGE,
    ),
    (
        "stated",
        r"\b(?:girl|boy|juvenile|juv|minor|teen|teenager|female|male|child|kid|nino|nina|menor|"
        r"joven|chica|chico|lad|lass|youngster|youth|adolescent|pupil|student|adolescente|"
        r"muchacha|muchacho),\s" + _APPROX + r"\d{1,2},",
    ),
    (
        "stated",
        r"\b" + _PERSON + r"\s(?:is|was|turned|turns|es|era|tiene|tenia|cumplio)\s"
        r"(?:only\s|just\s|apenas\s|solo\s)?\d{1,2}\b" + _NOT_AN_AGE + _NOT_AN_AGE_ES,
    ),
    (
        "stated",
        r"\b" + _PERSON + r"\s(?:is|was|turned|turns|es|tiene|tenia)\s"
        r"(?:only\s|just\s|apenas\s|solo\s)?" + _WORDS + r"\b" + _NOT_AN_AGE + _NOT_AN_AGE_ES,
    ),
    ("stated", r"\b(?:aged|age|edad de|de)\s" + _WORDS + r"\b"),
    (
        "stated",
        r"\b(?:"
        + _YOUNG_ES
        + r")\s(?:de\s)"
        + _APPROX
        + r"\d{1,2}\b"
        + _NOT_AN_AGE
        + _NOT_AN_AGE_ES,
    ),
    (
        "stated",
        r"\b(?:aged|ages|age range|edades de|de edades|con edades de|con edades entre)\s"
        r"(?:between\s|from\s|entre\s)?\d{1,2}\s?(?:and|to|-|y|a)\s?\d{1,2}\b",
    ),
    ("stated", r"\b" + _WORDS + r"[\s-](?:years?[\s-]old|year-old|y/o|anos)\b"),
    (
        "dob",
        r"\b(?:dob|d\.o\.b\.?|fdn|fecha de nacimiento|nacid[ao] el|born(?: on)?)[:\s]\s?"
        r"(?:\d{1,2}[/.]\d{1,2}[/.]\d{2,4}|\d{4}-\d{1,2}-\d{1,2}|\d{1,2}(?:st|nd|rd|th)?"
        r"[\s-](?:de\s)?[a-z]{3,10}\.?[\s,-]+(?:de\s|del\s)?\d{2,4}|[a-z]{3,10}\.?\s"
        r"\d{1,2}(?:st|nd|rd|th)?,?\s\d{4})\b",
    ),
    (
        "grade",
        r"\b(?:\d{1,2}(?:st|nd|rd|th) grade|grade \d{1,2}|(?:freshman|sophomore|junior) "
        r"(?:at|in)|year (?:[7-9]|1[0-3]) (?:pupil|student)|in year (?:[7-9]|1[0-3]))\b",
    ),
)
"""Built-in age expressions over normalised text: (basis, expression)."""


def probe_form(expression: str) -> str:
    """The expression without its look-aheads: Hyperscan's looser test that it may match."""
    return expression.replace(_NOT_AN_AGE_ES, "").replace(_NOT_AN_AGE, "")
