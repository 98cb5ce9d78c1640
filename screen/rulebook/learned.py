"""The rulebook's optional ``learned`` section: which model file, and how to read it."""

from __future__ import annotations

import re

from screen.model import LearnedSettings
from screen.rulebook.fields import Reader
from screen.rulebook.yaml_nodes import Node


def read_learned(reader: Reader, node: Node | None) -> LearnedSettings | None:
    """Read the optional ``learned`` mapping (its ``skip`` ids are checked later)."""
    if node is None:
        return None
    fields = reader.mapping(node, "learned", ("model", "sha256"), ("threshold", "skip"))
    if fields is None:
        return None
    model = reader.string(fields.get("model"), "learned model") or ""
    if model and (model.startswith(("/", "~")) or ".." in model.replace("\\", "/").split("/")):
        reader.error(
            fields["model"],
            "learned model must be a file name beside the rulebook",
            "write a path relative to the rulebook's folder, without '..'",
        )
    digest = reader.string(fields.get("sha256"), "learned sha256") or ""
    if digest and not re.fullmatch(r"[0-9a-f]{64}", digest):
        reader.error(
            fields["sha256"],
            "learned sha256 must be 64 lower-case hex digits",
            "copy the line `htscreen rules train` printed",
        )
    threshold = 0.7
    if "threshold" in fields:
        value = reader.number(fields["threshold"], "learned threshold")
        if value is not None and not 0.1 <= value < 1.0:
            reader.error(
                fields["threshold"],
                "learned threshold must be at least 0.1 and below 1",
                "a probability such as 0.7; higher reports fewer, surer signs",
            )
        threshold = value if value is not None else threshold
    skip = tuple(name for name, _ in reader.strings(fields.get("skip"), "learned skip"))
    return LearnedSettings(model, digest, threshold, skip)
