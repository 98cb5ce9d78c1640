"""Readers for the lexicon, cue and indicator sections of a rulebook."""

from __future__ import annotations

from screen.model import (
    CATEGORIES,
    HTCDS,
    OFFENCES,
    PROFILES,
    CueDirection,
    CueGroup,
    CueKind,
    Dimension,
    Element,
    Exploitation,
    Indicator,
    LexiconList,
    Pattern,
    PatternKind,
    Profile,
    Trigger,
    Weight,
    localise,
)
from screen.rulebook.fields import KEBAB, Reader
from screen.rulebook.yaml_nodes import Node

INDICATOR_REQUIRED = (
    "id",
    "category",
    "title",
    "description",
    "element",
    "dimension",
    "weight",
    "offences",
    "sources",
)
INDICATOR_OPTIONAL = (
    "weights",
    "exploitation",
    "triggers",
    "htcds",
    "patterns",
    "examples",
    "counts_with",
)
PATTERN_KINDS = ("phrase", "near", "regex")
PATTERN_OPTIONS = ("within", "lang", "slang", "note", "unless", "unless_within")
MIN_EXAMPLES = 2


def read_lexicon(reader: Reader, node: Node | None) -> tuple[LexiconList, ...]:
    """Read the ``lexicon`` mapping of named term lists."""
    if node is None:
        return ()
    fields = reader.mapping(
        node, "lexicon", (), tuple(node.value) if isinstance(node.value, dict) else ()
    )
    if fields is None:
        return ()
    lists = []
    for name, item in fields.items():
        where = f"lexicon list '{name}'"
        if not KEBAB.fullmatch(name):
            reader.error(
                node.keys[name],
                f"{where}: the name is not lower-case kebab-case",
                "rename it, e.g. 'holder' or 'travel-cost'",
            )
        entry = reader.mapping(item, where, ("terms",), ("description",))
        if entry is None:
            continue
        terms = tuple(v.strip() for v, _ in reader.strings(entry.get("terms"), f"{where} terms"))
        if not terms and "terms" in entry:
            reader.error(entry["terms"], f"{where} has no terms", "add at least one term")
        description = reader.string(entry.get("description"), f"{where} description") or ""
        lists.append(LexiconList(name, description, terms))
    return tuple(lists)


def read_cues(reader: Reader, node: Node | None) -> tuple[CueGroup, ...]:
    """Read the ``cues`` list of context cue groups."""
    groups = []
    for index, item in enumerate(reader.sequence(node, "cues")):
        where = f"cue group {index + 1}"
        fields = reader.mapping(item, where, ("kind", "direction", "lang", "terms"), ("window",))
        if fields is None:
            continue
        kind = reader.member(fields.get("kind"), f"{where} kind", CueKind)
        direction = reader.member(fields.get("direction"), f"{where} direction", CueDirection)
        lang = reader.string(fields.get("lang"), f"{where} lang") or ""
        window = reader.integer(fields.get("window"), f"{where} window", 1, 30) or 8
        terms = tuple(v.strip() for v, _ in reader.strings(fields.get("terms"), f"{where} terms"))
        if kind and direction:
            groups.append(CueGroup(kind, direction, lang, window, terms))
    return tuple(groups)


def read_indicators(
    reader: Reader, node: Node | None, languages: tuple[str, ...] = ("en",)
) -> tuple[Indicator, ...]:
    """Read the ``indicators`` list; titles and descriptions may be given in ``languages``."""
    seen: dict[str, Node] = {}
    indicators = []
    for index, item in enumerate(reader.sequence(node, "indicators")):
        indicator = _indicator(reader, item, index + 1, languages)
        if indicator is None:
            continue
        id_node = item.value["id"]
        if indicator.id in seen:
            first = seen[indicator.id]
            reader.error(
                id_node,
                f"duplicate indicator id '{indicator.id}' (first at line {first.line})",
                "give each indicator its own id",
            )
            continue
        seen[indicator.id] = id_node
        indicators.append(indicator)
    return tuple(indicators)


def label(item: Node, kind: str, number: int) -> str:
    """Name an entry by its id when it has a readable one, else by its position."""
    raw = item.value.get("id") if isinstance(item.value, dict) else None
    if raw is not None and isinstance(raw.value, str) and raw.value.strip():
        return f"{kind} '{raw.value.strip()}'"
    return f"{kind} {number}"


def _indicator(
    reader: Reader, item: Node, number: int, languages: tuple[str, ...]
) -> Indicator | None:
    where = label(item, "indicator", number)
    fields = reader.mapping(item, where, INDICATOR_REQUIRED, INDICATOR_OPTIONAL)
    if fields is None:
        return None
    ident = reader.ident(fields.get("id"), f"{where} id")
    get = fields.get
    category = reader.choice(get("category"), f"{where} category", CATEGORIES)
    titles = reader.localised(get("title"), f"{where} title", languages)
    descriptions = reader.localised(get("description"), f"{where} description", languages)
    element = reader.member(get("element"), f"{where} element", Element)
    dimension = reader.member(get("dimension"), f"{where} dimension", Dimension)
    weight = reader.member(get("weight"), f"{where} weight", Weight)
    weights = _weights(reader, get("weights"), where)
    exploitation = Exploitation.ANY
    if "exploitation" in fields:
        exploitation = (
            reader.member(get("exploitation"), f"{where} exploitation", Exploitation)
            or Exploitation.ANY
        )
    triggers = frozenset(reader.members(get("triggers"), f"{where} triggers", Trigger))
    offences = tuple(reader.choices(get("offences"), f"{where} offences", OFFENCES))
    htcds = reader.choice(get("htcds"), f"{where} htcds", HTCDS) if "htcds" in fields else ""
    sources = tuple(v for v, _ in reader.strings(get("sources"), f"{where} sources"))
    if "sources" in fields and not sources:
        reader.error(
            fields["sources"], f"{where} names no source", "cite an instrument and section"
        )
    patterns = tuple(_patterns(reader, get("patterns"), where))
    counts_with = tuple(v for v, _ in reader.strings(get("counts_with"), f"{where} counts_with"))
    matches, no_matches = _examples(reader, item, get("examples"), where, bool(patterns))
    if ident is None or category is None or titles is None or descriptions is None:
        return None
    if element is None or dimension is None or weight is None:
        return None
    descriptions = tuple((lang, " ".join(text.split())) for lang, text in descriptions)
    return Indicator(
        id=ident,
        category=category,
        title=localise(titles, "en"),
        description=localise(descriptions, "en"),
        element=element,
        dimension=dimension,
        weight=weight,
        weights=weights,
        exploitation=exploitation,
        triggers=triggers,
        offences=offences,
        htcds=htcds or "",
        sources=sources,
        patterns=patterns,
        match_examples=matches,
        no_match_examples=no_matches,
        counts_with=counts_with,
        titles=titles if len(titles) > 1 else (),
        descriptions=descriptions if len(descriptions) > 1 else (),
    )


def _weights(reader: Reader, node: Node | None, where: str) -> tuple[tuple[Profile, Weight], ...]:
    if node is None:
        return ()
    fields = reader.mapping(node, f"{where} weights", (), PROFILES)
    if fields is None:
        return ()
    pairs = []
    for profile, value in fields.items():
        weight = reader.member(value, f"{where} weights {profile}", Weight)
        if weight:
            pairs.append((Profile(profile), weight))
    return tuple(pairs)


def _patterns(reader: Reader, node: Node | None, where: str) -> list[Pattern]:
    patterns = []
    for index, item in enumerate(reader.sequence(node, f"{where} patterns")):
        pattern = _pattern(reader, item, f"{where} pattern {index + 1}")
        if pattern is not None:
            patterns.append(pattern)
    return patterns


def _pattern(reader: Reader, item: Node, where: str) -> Pattern | None:
    fields = reader.mapping(item, where, (), (*PATTERN_KINDS, *PATTERN_OPTIONS))
    if fields is None:
        return None
    kinds = [kind for kind in PATTERN_KINDS if kind in fields]
    if len(kinds) != 1:
        reader.error(
            item,
            f"{where} must have exactly one of phrase, near or regex",
            "split it into separate patterns" if kinds else "add 'phrase:'",
        )
        return None
    kind = kinds[0]
    if kind == "near":
        parts = tuple(v for v, _ in reader.strings(fields["near"], f"{where} near"))
        if len(parts) < 2:
            reader.error(
                fields["near"],
                f"{where}: 'near' needs at least two phrases",
                "use 'phrase:' for a single phrase",
            )
            return None
    else:
        text = reader.string(fields[kind], f"{where} {kind}")
        if text is None:
            return None
        parts = (text,)
    if "within" in fields and kind != "near":
        reader.error(
            fields["within"], f"{where}: 'within' only applies to 'near' patterns", "remove it"
        )
    within = reader.integer(fields.get("within"), f"{where} within", 1, 30) or 8
    slang = bool(reader.boolean(fields.get("slang"), f"{where} slang"))
    lang = reader.string(fields.get("lang"), f"{where} lang") or ""
    reader.string(fields.get("note"), f"{where} note")
    unless = tuple(v for v, _ in reader.strings(fields.get("unless"), f"{where} unless"))
    if "unless" in fields and kind == "regex":
        reader.error(
            fields["unless"],
            f"{where}: 'unless' applies to phrase and near patterns",
            "write the exclusion into the regex, or use a phrase",
        )
    if "unless_within" in fields and "unless" not in fields:
        reader.error(
            fields["unless_within"],
            f"{where}: 'unless_within' needs 'unless'",
            "add 'unless:' phrases or remove it",
        )
    unless_within = reader.integer(fields.get("unless_within"), f"{where} unless_within", 0, 30)
    return Pattern(
        PatternKind(kind),
        parts,
        within,
        slang,
        lang,
        unless,
        3 if unless_within is None else unless_within,
    )


def _examples(
    reader: Reader, item: Node, node: Node | None, where: str, needed: bool
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if node is None:
        if needed:
            reader.error(
                item,
                f"{where} has patterns but no examples",
                "add 'examples:' with 'match:' and 'no_match:' sentences",
            )
        return (), ()
    fields = reader.mapping(node, f"{where} examples", ("match", "no_match"))
    if fields is None:
        return (), ()
    result = []
    for key in ("match", "no_match"):
        values = tuple(v for v, _ in reader.strings(fields.get(key), f"{where} examples {key}"))
        if key in fields and len(values) < MIN_EXAMPLES:
            reader.error(
                fields[key],
                f"{where} has {len(values)} '{key}' example(s)",
                f"give at least {MIN_EXAMPLES}",
            )
        result.append(values)
    return result[0], result[1]
