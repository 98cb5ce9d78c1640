"""Matcher and context on the minimal rulebook: proximity, cues, offsets, ages."""

from datetime import date

import pytest


def statuses(matcher, text: str) -> dict[str, str]:
    return {e.indicator: e.status.value for e in matcher.scan(text).evidence}


@pytest.mark.parametrize(
    "text",
    [
        "mgr has her ppt",
        "docs held by boss",
        "The man who brought her keeps all her papers.",
        "V stated: her employer kept her passport since arrival",
        "El patrón tiene su pasaporte",
    ],
)
def test_proximity_fires_in_any_order(minimal_matcher, text: str) -> None:
    assert statuses(minimal_matcher, text).get("documents-held") == "present"


@pytest.mark.parametrize(
    "text",
    [
        "V said the boss\u2014has her passport",  # em dash
        "boss has her passport\u2026",  # ellipsis
        "boss\u00a0has her ppt",  # no-break space
        "\u00abboss\u00bb has her docs",  # guillemets
    ],
)
def test_proximity_sees_words_next_to_unicode_punctuation(minimal_matcher, text: str) -> None:
    assert statuses(minimal_matcher, text).get("documents-held") == "present"


def test_proximity_needs_the_same_clause(minimal_matcher) -> None:
    assert "documents-held" not in statuses(minimal_matcher, "Boss arrived. She has a passport.")


def test_proximity_respects_the_window(minimal_matcher) -> None:
    far = "boss " + "word " * 12 + "has her passport"
    assert "documents-held" not in statuses(minimal_matcher, far)


@pytest.mark.parametrize(
    ("text", "status", "cue"),
    [
        ("V denies the boss has her ID", "negated", "denies"),
        ("Officers seized the passport the boss held", "other_person", "officers"),
        ("She is afraid the boss might keep her passport", "hypothetical", "afraid"),
        ("Years ago the boss held her passport", "historical", "years ago"),
    ],
)
def test_cues_set_status(minimal_matcher, text: str, status: str, cue: str) -> None:
    found = [e for e in minimal_matcher.scan(text).evidence if e.indicator == "documents-held"]
    assert found and found[0].status.value == status
    assert found[0].cue is not None and found[0].cue.text.lower() == cue


@pytest.mark.parametrize(
    "text",
    [
        "Q: Is it true the boss has her passport? A: No, it is in her bag.",
        "Asked: does the boss hold her ID? She said no.",
        "Is the boss holding her passport? She did not answer.",
        "¿El jefe tiene su pasaporte? — No, lo tengo yo.",
        "La agente pregunta: ¿el jefe tiene su pasaporte? Dice que no.",
    ],
)
def test_a_yes_no_question_asks_about_the_sign_and_does_not_report_it(
    minimal_matcher, text: str
) -> None:
    found = [e for e in minimal_matcher.scan(text).evidence if e.indicator == "documents-held"]
    assert found and {e.status.value for e in found} == {"hypothetical"}
    assert found[0].cue is not None and found[0].cue.text == "?"


@pytest.mark.parametrize(
    "text",
    [
        "Q: Why is it that the boss has her passport? A: For safekeeping.",
        "¿Por qué el jefe tiene su pasaporte? Ella no sabe.",
        "She said the boss has her passport, can you believe it?",
        "The boss has her passport. Is that allowed?",
    ],
)
def test_a_question_that_takes_the_sign_as_given_still_reports_it(
    minimal_matcher, text: str
) -> None:
    assert statuses(minimal_matcher, text)["documents-held"] == "present"


def test_own_words_never_negate(minimal_matcher) -> None:
    assert statuses(minimal_matcher, "V not allowed to leave the house")["not-free-to-leave"] == (
        "present"
    )


def test_terminator_ends_negation_scope(minimal_matcher) -> None:
    text = "Nobody threatened her but the boss has her passport"
    assert statuses(minimal_matcher, text)["documents-held"] == "present"


def test_negation_does_not_cross_clauses(minimal_matcher) -> None:
    text = "She did not want to talk. The boss has her passport."
    assert statuses(minimal_matcher, text)["documents-held"] == "present"


def test_pseudo_negation_is_ignored(minimal_matcher) -> None:
    text = "not only is she not allowed to leave"
    assert statuses(minimal_matcher, text)["not-free-to-leave"] == "present"


def test_offsets_refer_to_the_original_text(minimal_matcher) -> None:
    text = "Señora Ñúñez: “el PATRÓN tiene su pasaporte” — dijo"
    evidence = [e for e in minimal_matcher.scan(text).evidence if e.indicator == "documents-held"]
    assert evidence
    e = evidence[0]
    assert text[e.start : e.end] == e.snippet
    assert e.snippet.lower().startswith("patrón")


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("V1 16 y/o female", 16),
        ("juv (15) located in rm 12", 15),
        ("V is 14yo", 14),
        ("age: 13, located", 13),
        ("V DOB 03/14/2009 per school ID", 16),
        ("in 10th grade at [SCHOOL]", 15),
        ("V (19 y/o) and V2 (16 y/o)", 16),
    ],
)
def test_ages(minimal_matcher, text: str, age: int) -> None:
    result = minimal_matcher.scan(text, "n", date(2025, 6, 1))
    assert min(a.age for a in result.ages) == age
    minors = [e for e in result.evidence if e.indicator == "age-under-18"]
    assert minors and minors[0].age == age


@pytest.mark.parametrize(
    "text",
    [
        "S1 17 y/o was arrested",
        "V has a 3 y/o son",
        "her daughter 15 y/o was at school",
        "V denies being 16 y/o",
        "V is 34 y/o",
    ],
)
def test_ages_that_do_not_make_a_minor(minimal_matcher, text: str) -> None:
    result = minimal_matcher.scan(text, "n", date(2025, 6, 1))
    assert not [e for e in result.evidence if e.indicator == "age-under-18"]


def test_empty_and_plain_notes_yield_nothing(minimal_matcher) -> None:
    assert minimal_matcher.scan("").evidence == ()
    assert minimal_matcher.scan("Vehicle stopped for speeding. Warning issued.").evidence == ()


def test_hit_inside_a_word_is_ignored(minimal_matcher) -> None:
    assert statuses(minimal_matcher, "The bossanova band held idols") == {}


def test_unless_phrases_cancel_a_hit_close_by_but_not_far_away() -> None:
    from screen.matching.matcher import compile_matcher
    from screen.rulebook import parse_rulebook
    from tests.conftest import MINIMAL

    source = MINIMAL.read_text(encoding="utf-8").replace(
        '      - near: ["@holder", "@keeps", "@documents"]\n        within: 8\n',
        '      - near: ["@holder", "@keeps", "@documents"]\n        within: 8\n'
        '        unless: ["her own", "in evidence"]\n        unless_within: 2\n',
    )
    matcher = compile_matcher(parse_rulebook(source.encode(), "unless.yaml"))

    def fired(text: str) -> bool:
        return any(e.indicator == "documents-held" for e in matcher.scan(text).evidence)

    assert fired("mgr has her ppt")
    assert not fired("mgr has her own ppt")
    assert not fired("boss has her ppt in evidence")
    assert fired("boss has her ppt and V says she will buy her own lunch today")
    assert fired("her own phone is gone. boss has her ppt")


def test_unless_is_checked_by_the_validator() -> None:
    import pytest

    from screen.errors import RulebookError
    from screen.rulebook import parse_rulebook
    from tests.conftest import MINIMAL

    source = MINIMAL.read_text(encoding="utf-8").replace(
        '      - near: ["@holder", "@keeps", "@documents"]\n        within: 8\n',
        '      - near: ["@holder", "@keeps", "@documents"]\n        within: 8\n'
        '        unless: ["@nowhere"]\n',
    )
    with pytest.raises(RulebookError) as caught:
        parse_rulebook(source.encode(), "bad.yaml")
    assert "nowhere" in str(caught.value.problems[0])


AGES = [
    ("She is 16 and works at the bar", 16, "stated"),
    ("V is 14.", 14, "stated"),
    ("Girl, 15, found at the motel", 15, "stated"),
    ("Juv F 15 located at the truck stop", 15, "stated"),
    ("aged fifteen, per her aunt", 15, "stated"),
    ("a fifteen-year-old girl", 15, "stated"),
    ("la menor tiene 15 años", 15, "stated"),
    ("(F/15) with S1 in the car", 15, "stated"),
    ("she is in year 10 at school", 15, "grade"),
    ("DOB 06/01/2008 seen on 03/14/2021 at 2100", 12, "dob:note"),
    ("nacida el 3 de marzo de 2008. El 5 de mayo de 2022 se presentó", 14, "dob:note"),
    ("La menor cumple 17 en mayo", 17, "stated"),
    ("dijo 'tengo quince' al agente", 15, "stated"),
    ("[NAME], 14, reported missing by her father", 14, "stated"),
    ("Child: F, approx. 15, no school record", 15, "stated"),
    ("Pt F, 16, walked into the ED alone", 16, "stated"),
    ("Case note, UC S.M. (M, 16), sponsor call", 16, "stated"),
    ("Two girls (13 and 15) adopted last year", 13, "stated"),
    ("her mom says she's 15 and stopped going to school", 15, "stated"),
    ("she just turned 17 last week", 17, "stated"),
    ("V (approx 15) said nothing", 15, "stated"),
    ("una niña de quince años en el crucero", 15, "stated"),
    ("Juv. F, 15, at the truck stop", 15, "stated"),
    ("the child, 10, was crying at the door", 10, "stated"),
    ("a girl of about 14 was with the two men", 14, "stated"),
    ("a boy roughly 16 years of age was selling", 16, "stated"),
    ("un chico de unos 15 años vendía en la esquina", 15, "stated"),
    ("entran con una niña de aproximadamente 6 años", 6, "stated"),
    ("dice la niña de 15 que le pagaban", 15, "stated"),
    ("una chavala de 14 vivía con ellos", 14, "stated"),
    ("The lad, 14, was holding the bag", 14, "stated"),
    ("two girls aged between 14 and 17 were found", 14, "stated"),
    ("adolescentes con edades de 14 a 17", 14, "stated"),
]


@pytest.mark.parametrize(("text", "age", "basis"), AGES)
def test_ages_in_the_forms_people_write_them(shipped_matcher, text, age, basis) -> None:
    found = shipped_matcher.scan(text).ages
    assert [(a.age, a.basis) for a in found] == [(age, basis)]


@pytest.mark.parametrize(
    "text",
    [
        "the fee is 40 dollars",
        "room is 12",
        "she is 16 minutes away",
        "S1 (34) fled the scene",
        "her son, 5, was asleep",
        "her son, 12, was asleep",
        "her child, 12, was asleep on the couch",
        "the children, 12 and 14, were asleep",
        "Ha trabajado 15 años en la finca",
        "Lleva 15 años viviendo aquí con su esposo",
        "V tiene 15 años trabajando en el rancho",
        "V tiene 12 hijos en México",
        "she's 16 minutes away",
        "a girl of 30 minutes ago said",
        "the 3 males left in a van",
        "una chica de 15 minutos de aquí",
        "el chico de 15 kilos de mercancía",
        "la menor de 5 hermanos",
    ],
)
def test_numbers_that_are_not_the_persons_age(shipped_matcher, text) -> None:
    assert not [a for a in shipped_matcher.scan(text).ages if a.age < 18]


def test_a_date_of_birth_without_any_date_is_counted_to_today_and_says_so(shipped_matcher):
    from datetime import date

    result = shipped_matcher.scan("DOB 2009-02-02, no other date", today=date(2026, 12, 1))
    assert [(a.age, a.basis) for a in result.ages] == [(17, "dob:today")]
    assert "no date known" in result.age_basis
    assert not shipped_matcher.scan("DOB 2009-02-02, no other date").ages


def test_each_indicator_is_listed_once_per_span(shipped_matcher) -> None:
    """An age that a pattern of the minor indicator also found is one item, not two."""
    text = "Juv (15 y/o) located at the motel with an older male. Juv reported missing."
    evidence = shipped_matcher.scan(text, "n", date(2025, 6, 1)).evidence
    spans = [(e.indicator, e.start, e.end) for e in evidence]
    assert len(spans) == len(set(spans))
    aged = [e for e in evidence if e.age is not None]
    assert [(e.snippet, e.age) for e in aged] == [("15 y/o", 15)]


def test_evidence_names_the_pattern_that_found_it(minimal_matcher, minimal) -> None:
    [hit] = minimal_matcher.scan("mgr has her ppt", "n").evidence
    indicator = minimal.indicator(hit.indicator)
    name, _, number = hit.pattern.partition("#")
    assert name == hit.indicator and 1 <= int(number) <= len(indicator.patterns)
    [aged] = minimal_matcher.scan("V is 14yo", "n").evidence
    assert aged.pattern == "age-under-18#age"


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("No bruises, debts or docs held by boss.", "negated"),
        ("Denies bruises, debts, threats or docs held by boss.", "negated"),
        ("No bruises, debts and docs held by boss.", "present"),  # "and" ends the scope
        ("No bruises, docs held by boss.", "present"),  # a comma alone ends it
        (
            "No sign of the injuries she described last week at the clinic, or docs held by boss.",
            "present",
        ),
        ("No bruises (old ones), debts or docs held by boss.", "present"),
    ],
)
def test_a_negation_covers_the_last_item_of_a_list_joined_by_or(
    minimal_matcher, text: str, status: str
) -> None:
    assert statuses(minimal_matcher, text)["documents-held"] == status
