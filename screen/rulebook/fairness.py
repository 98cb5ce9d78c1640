"""The fairness check: a police tool must not profile.

Nationality, ethnicity, race, religion and the language a person speaks are
never indicators. :func:`check` warns when a lexicon term or a pattern names
such a descriptor, and :data:`DESCRIPTORS` is also what the counterfactual
tests swap in and out of notes.
"""

from __future__ import annotations

import re

from screen.model import Rulebook
from screen.rulebook.fields import Reader, by_id
from screen.rulebook.yaml_nodes import Node

NATIONALITIES = (
    "american", "mexican", "guatemalan", "honduran", "salvadoran", "nicaraguan", "cuban",
    "dominican", "haitian", "venezuelan", "colombian", "ecuadorian", "peruvian", "brazilian",
    "chinese", "korean", "thai", "vietnamese", "filipino", "filipina", "indian", "pakistani",
    "nigerian", "ghanaian", "ethiopian", "eritrean", "somali", "russian", "ukrainian",
    "romanian", "bulgarian", "albanian", "polish", "moldovan", "canadian", "jamaican",
    "mexicana", "guatemalteca", "hondureña", "salvadoreña", "china", "coreana",
)  # fmt: skip
ETHNICITIES = (
    "hispanic", "latino", "latina", "latinx", "asian", "black", "white", "caucasian",
    "african american", "native american", "indigenous", "arab", "roma", "gypsy",
)  # fmt: skip
RELIGIONS = ("muslim", "christian", "catholic", "jewish", "hindu", "sikh", "buddhist")
LANGUAGES = (
    "spanish speaking", "spanish-speaking", "speaks spanish", "speaks no english",
    "no english", "limited english", "mandarin", "cantonese", "korean speaking", "tagalog",
    "creole", "k'iche'", "mam", "portuguese",
)  # fmt: skip
DESCRIPTORS = NATIONALITIES + ETHNICITIES + RELIGIONS + LANGUAGES
DESCRIPTOR_PATTERN = re.compile(
    r"\b(" + "|".join(re.escape(d) for d in sorted(DESCRIPTORS, key=len, reverse=True)) + r")\b"
)


def descriptors_in(text: str) -> list[str]:
    """Return the protected descriptors named in ``text``."""
    return DESCRIPTOR_PATTERN.findall(text.lower())


def check(reader: Reader, top: dict[str, Node], rulebook: Rulebook) -> None:
    """Warn for every lexicon term or pattern that names a protected descriptor."""
    lexicon_node = top.get("lexicon")
    for entry in rulebook.lexicon:
        for term in entry.terms:
            for word in descriptors_in(term):
                assert lexicon_node is not None
                reader.warn(
                    lexicon_node.value[entry.name],
                    f"lexicon list '{entry.name}' term '{term}' names '{word}'",
                    "nationality, ethnicity, race, religion and language are never "
                    "indicators: remove the term",
                )

    nodes = by_id(top["indicators"])
    for indicator in rulebook.indicators:
        item = nodes[indicator.id]
        for position, pattern in enumerate(indicator.patterns):
            for word in descriptors_in(" ".join(pattern.parts)):
                node = item.value["patterns"].value[position]
                reader.warn(
                    node,
                    f"indicator '{indicator.id}' pattern names '{word}'",
                    "nationality, ethnicity, race, religion and language are never "
                    "indicators: remove it",
                )
