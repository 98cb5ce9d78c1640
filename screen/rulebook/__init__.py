"""Validate a rulebook: the only code that reads rulebook YAML (pure: bytes in).

:func:`parse_rulebook` returns a frozen :class:`~screen.model.Rulebook` or
raises :class:`~screen.errors.RulebookError` carrying every problem found,
each located as ``file:line:column``. Reading the file, finding it and caching
the result are the application layer's job (:mod:`screen.app.rulebooks`).
"""

from __future__ import annotations

import dataclasses
import hashlib
from typing import TYPE_CHECKING

from screen.errors import Problem, RulebookError
from screen.model import Rulebook

if TYPE_CHECKING:
    from screen.patterns.memo import Memo
    from screen.rulebook.fields import Reader
    from screen.rulebook.yaml_nodes import Node

# The validator (YAML, schema, cross-references) is imported only when a rulebook
# is actually parsed: a cached rulebook loads without it, which keeps start-up fast.

TOP_KEYS = (
    "schema",
    "version",
    "title",
    "languages",
    "lexicon",
    "cues",
    "indicators",
    "questions",
    "interview",
    "decision",
)
OPTIONAL_KEYS = ("learned",)


def parse_rulebook(data: bytes, source: str, memo: Memo | None = None) -> Rulebook:
    """Validate rulebook bytes; ``source`` names the file in messages.

    ``memo`` keeps check results between runs (see :mod:`screen.patterns.memo`).
    """
    from screen.rulebook.fields import Reader
    from screen.rulebook.references import check_references
    from screen.rulebook.yaml_nodes import YamlReadError, read_yaml

    try:
        root = read_yaml(data, source)
    except YamlReadError as exc:
        raise RulebookError((exc.problem,)) from None
    reader = Reader(source)
    rulebook = _build(reader, root, hashlib.sha256(data).hexdigest())
    if rulebook is not None:
        check_references(reader, root, rulebook, memo)
    if reader.problems or rulebook is None:
        raise RulebookError(_sorted(reader.problems))
    warnings = tuple(str(w) for w in _sorted(reader.warnings))
    return dataclasses.replace(rulebook, warnings=warnings)


def _build(reader: Reader, root: Node, sha256: str) -> Rulebook | None:
    from screen.rulebook import indicators as sections
    from screen.rulebook import interview as flowschema
    from screen.rulebook.learned import read_learned

    top = reader.mapping(root, "the rulebook", TOP_KEYS, OPTIONAL_KEYS)
    if top is None:
        return None
    reader.integer(top.get("schema"), "schema", 1, 1)
    version = reader.string(top.get("version"), "version") or ""
    title = reader.string(top.get("title"), "title") or ""
    languages = tuple(v for v, _ in reader.strings(top.get("languages"), "languages"))
    if languages and "en" not in languages:
        reader.error(top["languages"], "languages must include 'en'", "add en to the list")
    languages = languages or ("en",)
    lexicon = sections.read_lexicon(reader, top.get("lexicon"))
    cues = sections.read_cues(reader, top.get("cues"))
    indicators = sections.read_indicators(reader, top.get("indicators"), languages)
    questions = flowschema.read_questions(reader, top.get("questions"), languages)
    opening, flows = flowschema.read_interview(reader, top.get("interview"), languages)
    decision = flowschema.read_decision(reader, top.get("decision"), languages)
    learned = read_learned(reader, top.get("learned"))
    if decision is None:
        return None
    return Rulebook(
        source=reader.source,
        sha256=sha256,
        version=version,
        title=title,
        languages=languages,
        lexicon=lexicon,
        cues=cues,
        indicators=indicators,
        questions=questions,
        opening=opening,
        flows=flows,
        decision=decision,
        learned=learned,
    )


def _sorted(problems: list[Problem]) -> tuple[Problem, ...]:
    return tuple(sorted(problems, key=lambda p: (p.line, p.column, p.message)))
