"""Readers for the question, interview and decision sections of a rulebook."""

from __future__ import annotations

from screen.model import (
    CATEGORIES,
    LEVELS,
    OFFENCES,
    Choice,
    DecisionSettings,
    Form,
    Jurisdiction,
    Level,
    LevelSpec,
    OffenceFlow,
    PartnerControl,
    Question,
    QuestionType,
    Resource,
    Screening,
    localise,
)
from screen.rulebook.fields import Reader
from screen.rulebook.yaml_nodes import Node

QUESTION_REQUIRED = ("id", "section", "type", "form", "offences", "text", "help")
QUESTION_OPTIONAL = ("when", "choices", "min", "max", "records", "sets")
RULE_KEYS = ("strong", "medium", "weak", "supporting")


def read_questions(
    reader: Reader, node: Node | None, languages: tuple[str, ...]
) -> tuple[Question, ...]:
    """Read the ``questions`` list."""
    questions: list[Question] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(reader.sequence(node, "questions")):
        question = _question(reader, item, index + 1, languages)
        if question is None:
            continue
        if question.id in seen:
            reader.error(
                item.value["id"],
                f"duplicate question id '{question.id}' (first at line {seen[question.id]})",
                "give each question its own id",
            )
            continue
        seen[question.id] = item.line
        questions.append(question)
    return tuple(questions)


def _question(
    reader: Reader, item: Node, number: int, languages: tuple[str, ...]
) -> Question | None:
    from screen.rulebook.indicators import label

    where = label(item, "question", number)
    fields = reader.mapping(item, where, QUESTION_REQUIRED, QUESTION_OPTIONAL)
    if fields is None:
        return None
    ident = reader.ident(fields.get("id"), f"{where} id")
    get = fields.get
    qtype = reader.member(get("type"), f"{where} type", QuestionType)
    form = reader.member(get("form"), f"{where} form", Form)
    section = reader.string(get("section"), f"{where} section")
    offences = tuple(reader.choices(get("offences"), f"{where} offences", ("all", *OFFENCES)))
    text = reader.text(get("text"), f"{where} text", languages, all_languages=True)
    help_text = reader.text(get("help"), f"{where} help", languages, all_languages=False)
    when = reader.string(get("when"), f"{where} when") or ""
    choices = _choices(reader, get("choices"), where, languages)
    if qtype == "choice" and len(choices) < 2:
        reader.error(
            item,
            f"{where} is a choice question with fewer than two choices",
            "add 'choices:' with at least two entries",
        )
    if qtype != "choice" and "choices" in fields:
        reader.error(
            fields["choices"],
            f"{where}: only choice questions take 'choices'",
            "remove it or set 'type: choice'",
        )
    records = ""
    if "records" in fields:
        records = reader.choice(get("records"), f"{where} records", ("age",)) or ""
        if qtype != "number":
            reader.error(
                fields["records"],
                f"{where}: 'records: age' needs a number question",
                "set 'type: number'",
            )
    sets = _sets(reader, get("sets"), where)
    if ident is None or qtype is None or form is None or section is None or not text:
        return None
    return Question(
        id=str(ident),
        section=str(section),
        type=qtype,
        form=form,
        offences=offences,
        text=text,
        help=help_text,
        when=when,
        choices=choices,
        minimum=reader.number(get("min"), f"{where} min"),
        maximum=reader.number(get("max"), f"{where} max"),
        records=records,
        sets=sets,
    )


def _choices(
    reader: Reader, node: Node | None, where: str, languages: tuple[str, ...]
) -> tuple[Choice, ...]:
    result = []
    for index, item in enumerate(reader.sequence(node, f"{where} choices")):
        fields = reader.mapping(item, f"{where} choice {index + 1}", ("value", "text"))
        if fields is None:
            continue
        value = reader.ident(fields.get("value"), f"{where} choice {index + 1} value")
        text = reader.text(
            fields.get("text"), f"{where} choice {index + 1} text", languages, all_languages=True
        )
        if value and text:
            result.append(Choice(value, text))
    return tuple(result)


def _sets(reader: Reader, node: Node | None, where: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if node is None:
        return ()
    if not isinstance(node.value, dict):
        reader.error(
            node,
            f"{where} sets must map answers to lists of indicator ids",
            "write e.g. 'yes: [documents-held-by-other]'",
        )
        return ()
    pairs = []
    for answer, value in node.value.items():
        ids = tuple(v for v, _ in reader.strings(value, f"{where} sets {answer}"))
        pairs.append((str(answer), ids))
    return tuple(pairs)


def read_interview(
    reader: Reader, node: Node | None, languages: tuple[str, ...]
) -> tuple[tuple[str, ...], tuple[OffenceFlow, ...]]:
    """Read the ``interview`` mapping: opening questions and one flow per offence."""
    if node is None:
        return (), ()
    fields = reader.mapping(node, "interview", ("opening", "offences"))
    if fields is None:
        return (), ()
    opening = tuple(v for v, _ in reader.strings(fields.get("opening"), "interview opening"))
    flows = []
    offences_node = fields.get("offences")
    offences = (
        reader.mapping(offences_node, "interview offences", OFFENCES) if offences_node else None
    )
    for offence, item in (offences or {}).items():
        entry = reader.mapping(
            item, f"interview offence '{offence}'", ("title", "focus"), ("context",)
        )
        if entry is None:
            continue
        title = reader.text(
            entry.get("title"),
            f"interview offence '{offence}' title",
            languages,
            all_languages=True,
        )
        focus = tuple(v for v, _ in reader.strings(entry.get("focus"), f"{offence} focus"))
        context = tuple(v for v, _ in reader.strings(entry.get("context"), f"{offence} context"))
        flows.append(OffenceFlow(offence, title, focus, context))
    return opening, tuple(flows)


def read_decision(
    reader: Reader, node: Node | None, languages: tuple[str, ...]
) -> DecisionSettings | None:
    """Read the ``decision`` mapping."""
    if node is None:
        return None
    fields = reader.mapping(
        node,
        "decision",
        ("jurisdiction", "dimension_rule", "jurisdictions", "levels", "resources"),
        ("screening", "partner_control"),
    )
    if fields is None:
        return None
    jurisdiction = reader.string(fields.get("jurisdiction"), "decision jurisdiction") or ""
    rule = _rule(reader, fields.get("dimension_rule"))
    jurisdictions = _jurisdictions(reader, fields.get("jurisdictions"))
    levels = _levels(reader, fields.get("levels"), languages)
    resources = _resources(reader, fields.get("resources"), languages)
    screening = _screening(reader, fields.get("screening"))
    partner = _partner_control(reader, fields.get("partner_control"))
    return DecisionSettings(
        jurisdiction, rule, jurisdictions, levels, resources, screening, partner
    )


def _partner_control(reader: Reader, node: Node | None) -> PartnerControl:
    """``partner_control``: categories of means, and ``except`` indicators (checked later)."""
    if node is None:
        return PartnerControl()
    fields = reader.mapping(node, "decision partner_control", ("categories",), ("except",))
    if fields is None:
        return PartnerControl()
    where = "decision partner_control"
    categories = reader.choices(fields.get("categories"), f"{where} categories", CATEGORIES)
    excluded = [v for v, _ in reader.strings(fields.get("except"), f"{where} except")]
    return PartnerControl(tuple(categories), tuple(excluded))


SCREENING_KEYS = ("strong", "medium", "weak", "vulnerability", "context", "refer_at")


def _screening(reader: Reader, node: Node | None) -> Screening:
    if node is None:
        return Screening()
    fields = reader.mapping(node, "decision screening", (), SCREENING_KEYS)
    if fields is None:
        return Screening()
    values: dict[str, float] = {}
    for key in SCREENING_KEYS:
        if key in fields:
            number = reader.number(fields[key], f"decision screening {key}")
            if number is not None and number < 0:
                reader.error(
                    fields[key], f"decision screening {key} cannot be negative", "use 0 or more"
                )
            elif number is not None:
                values[key] = float(number)
    return Screening(**values)


def _rule(reader: Reader, node: Node | None) -> tuple[tuple[tuple[str, int], ...], ...]:
    lines = []
    for index, item in enumerate(reader.sequence(node, "dimension_rule")):
        fields = reader.mapping(item, f"dimension_rule line {index + 1}", (), RULE_KEYS)
        if not fields:
            if fields is not None:
                reader.error(
                    item,
                    f"dimension_rule line {index + 1} is empty",
                    "give minimum counts such as '{strong: 2}'",
                )
            continue
        counts = tuple(
            (key, reader.integer(value, f"dimension_rule {key}", 1, 20) or 1)
            for key, value in fields.items()
        )
        lines.append(counts)
    return tuple(lines)


def _jurisdictions(reader: Reader, node: Node | None) -> tuple[Jurisdiction, ...]:
    if node is None or not isinstance(node.value, dict):
        if node is not None:
            reader.error(node, "jurisdictions must be a mapping", "see docs/rulebook.md")
        return ()
    result = []
    for name, item in node.value.items():
        where = f"jurisdiction '{name}'"
        fields = reader.mapping(
            item, where, ("title", "vulnerability_is_means", "child_labour_needs_means")
        )
        if fields is None:
            continue
        title = reader.string(fields.get("title"), f"{where} title") or name
        vuln = reader.boolean(
            fields.get("vulnerability_is_means"), f"{where} vulnerability_is_means"
        )
        child = reader.boolean(
            fields.get("child_labour_needs_means"), f"{where} child_labour_needs_means"
        )
        result.append(Jurisdiction(name, title, bool(vuln), bool(child)))
    return tuple(result)


def _levels(reader: Reader, node: Node | None, languages: tuple[str, ...]) -> tuple[LevelSpec, ...]:
    levels = []
    for index, item in enumerate(reader.sequence(node, "levels")):
        where = f"level {index + 1}"
        fields = reader.mapping(item, where, ("id", "name", "title", "action", "resources"))
        if fields is None:
            continue
        level_id = reader.member(fields.get("id"), f"{where} id", Level)
        name = reader.ident(fields.get("name"), f"{where} name")
        title = reader.text(fields.get("title"), f"{where} title", languages, all_languages=False)
        action = reader.text(
            fields.get("action"), f"{where} action", languages, all_languages=False
        )
        res = tuple(v for v, _ in reader.strings(fields.get("resources"), f"{where} resources"))
        if level_id and name:
            levels.append(LevelSpec(level_id, name, title, action, res))
    found = tuple(level.id for level in levels)
    if node is not None and found != LEVELS:
        reader.error(
            node,
            "decision levels must be L0, L1, L2, L3, L4 and L5, in order",
            "list all six levels",
        )
    return tuple(levels)


def _resources(
    reader: Reader, node: Node | None, languages: tuple[str, ...]
) -> tuple[Resource, ...]:
    result = []
    for index, item in enumerate(reader.sequence(node, "resources")):
        where = f"resource {index + 1}"
        fields = reader.mapping(item, where, ("id", "name", "contact"), ("note", "verified"))
        if fields is None:
            continue
        ident = reader.ident(fields.get("id"), f"{where} id")
        names = reader.localised(fields.get("name"), f"{where} name", languages)
        contacts = reader.localised(fields.get("contact"), f"{where} contact", languages)
        notes = reader.localised(fields.get("note"), f"{where} note", languages) or ()
        verified = reader.string(fields.get("verified"), f"{where} verified") or ""
        if ident and names and contacts:
            result.append(
                Resource(
                    ident,
                    localise(names, "en"),
                    localise(contacts, "en"),
                    localise(notes, "en"),
                    verified,
                    names if len(names) > 1 else (),
                    notes if len(notes) > 1 else (),
                    contacts if len(contacts) > 1 else (),
                )
            )
    return tuple(result)
