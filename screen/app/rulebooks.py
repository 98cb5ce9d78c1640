"""Finding, reading and caching rulebooks, and compiling them for a run.

The core validates bytes (:func:`screen.rulebook.parse_rulebook`); this module
decides which file (:func:`choose_rulebook`, the way linters find their
configuration), reads it within the size limit, and keeps the validated result
in the owner-only cache so later runs skip the validator.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from screen import codec
from screen.app.environment import Environment
from screen.app.storage import Store
from screen.errors import InputError, Problem, RulebookError
from screen.model import MAX_RULEBOOK_BYTES, Rulebook
from screen.version import __version__

if TYPE_CHECKING:
    from screen.learned.model import LearnedModel
    from screen.matching.matcher import Matcher

RULEBOOK_FORMAT = 5
"""Bumped whenever the cached form of a rulebook changes shape."""


def shipped_rules_path() -> Path:
    """The rulebook installed with htscreen (or the checkout's, when run from one)."""
    packaged = resources.files("screen").joinpath("data").joinpath("indicators.yaml")
    if packaged.is_file():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / "indicators.yaml"


RULEBOOK_NAME = "indicators.yaml"
"""The file name looked for in the current folder and its parents."""

ORIGINS = {
    "--rules": "given on the command line",
    "HTSCREEN_RULES": "from $HTSCREEN_RULES",
    "found": "found in the current folder or a parent",
    "shipped": "the rulebook shipped with htscreen",
}
"""How a rulebook came to be chosen, as said to the user."""


@dataclass(frozen=True, slots=True)
class RulebookChoice:
    """The rulebook a command uses, and how it was chosen (a key of :data:`ORIGINS`)."""

    path: Path
    origin: str

    @property
    def why(self) -> str:
        """How the rulebook was chosen, in words."""
        return ORIGINS[self.origin]


def find_upwards(start: Path, name: str) -> Path | None:
    """The file ``name`` in ``start`` or the nearest parent holding one, or None.

    The search stops at the top of a repository (a folder holding ``.git``, which
    is searched) or at the filesystem root, as ruff and yamllint do.
    """
    for folder in (start, *start.parents):
        candidate = folder / name
        if candidate.is_file():
            return candidate
        if (folder / ".git").exists():
            return None
    return None


def choose_rulebook(given: Path | None, env: Environment) -> RulebookChoice:
    """The rulebook to use: ``--rules``, else $HTSCREEN_RULES, else one found, else shipped."""
    if given is not None:
        return RulebookChoice(given, "--rules")
    if env.rules is not None:
        return RulebookChoice(env.rules, "HTSCREEN_RULES")
    found = find_upwards(env.cwd, RULEBOOK_NAME) if env.cwd is not None else None
    if found is not None:
        return RulebookChoice(found, "found")
    return RulebookChoice(shipped_rules_path(), "shipped")


def default_rules_path(env: Environment) -> Path:
    """The rulebook to use when none is named (see :func:`choose_rulebook`)."""
    return choose_rulebook(None, env).path


def rulebook_notice(choice: RulebookChoice, sha256: str) -> str:
    """One line naming the rulebook in use, for stderr."""
    return f"htscreen: rulebook {choice.path} ({choice.why}; sha256 {sha256[:12]})"


def file_sha256(path: Path) -> str:
    """The content hash of the rulebook at ``path`` (read within the size limit)."""
    return hashlib.sha256(read_rulebook_bytes(path)).hexdigest()


def store_of(env: Environment) -> Store | None:
    """The cache for this environment, or None when caching is off."""
    return Store(env.cache, __version__) if env.cache is not None else None


def read_rulebook_bytes(path: Path) -> bytes:
    """The bytes of the rulebook at ``path``, refused unread above the size limit.

    Only a regular file is read (a pipe would hang, a device never end), and at
    most one byte past the limit is read whatever the file's size claims.
    """
    try:
        data = _read_regular(path, MAX_RULEBOOK_BYTES + 1)
    except FileNotFoundError:
        raise InputError(
            f"no rulebook at {path}: check the path given with --rules or "
            "$HTSCREEN_RULES ('htscreen config' shows which rulebook is chosen and why)"
        ) from None
    except OSError as exc:
        raise InputError(f"cannot read the rulebook {path}: {exc.strerror}") from None
    if len(data) > MAX_RULEBOOK_BYTES:
        raise RulebookError(
            (
                Problem(
                    str(path),
                    1,
                    1,
                    f"the file is over the {MAX_RULEBOOK_BYTES:,}-byte limit for a rulebook",
                    "split it or remove unused entries",
                ),
            )
        )
    return data


def _read_regular(path: Path, most: int) -> bytes:
    """At most ``most`` bytes of the regular file ``path``; InputError for anything else."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)  # a FIFO opens at once
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise InputError(
                f"the rulebook {path} is not a regular file (a folder, pipe or device): "
                "save it to a file and pass that"
            )
        os.set_blocking(fd, True)
        parts: list[bytes] = []
        size = 0
        while size < most and (part := os.read(fd, min(most - size, 1 << 20))):
            parts.append(part)
            size += len(part)
        return b"".join(parts)
    finally:
        os.close(fd)


def load_rulebook(path: Path | None = None, store: Store | None = None) -> Rulebook:
    """Read and validate the rulebook at ``path`` (default: the shipped one).

    A rulebook whose exact bytes validated before is taken from ``store``.
    """
    path = path or shipped_rules_path()
    return rulebook_from_bytes(read_rulebook_bytes(path), str(path), store)


def rulebook_from_bytes(data: bytes, source: str, store: Store | None = None) -> Rulebook:
    """Validate rulebook bytes, or take them from ``store`` if they validated before."""
    from screen.rulebook import parse_rulebook

    if store is None:
        return parse_rulebook(data, source)
    key = f"rulebook{RULEBOOK_FORMAT}-{hashlib.sha256(data).hexdigest()}"
    cached = store.get(key)
    if cached is not None:
        try:
            rulebook = codec.loads(cached, Rulebook)
        except codec.CodecError:
            rulebook = None
        if isinstance(rulebook, Rulebook) and rulebook.source == source:
            return rulebook
    from screen.matching.memory import Memory

    memo = Memory(store, CHECKS_KEY, CHECKS_LIMIT, CHECKS_BYTES)
    try:
        rulebook = parse_rulebook(data, source, memo)
    finally:
        memo.save(force=True)
    store.put(key, codec.dumps(rulebook))
    return rulebook


CHECKS_KEY = "rulebook-checks"
"""Where the validator's per-phrase results are kept (screen.patterns.memo)."""
CHECKS_LIMIT = 60_000
"""About four rulebooks' worth of phrases, lists and patterns."""
CHECKS_BYTES = 1 << 23


def load_checked(path: Path, store: Store | None) -> Rulebook:
    """Load a rulebook and make sure its patterns compile into the scanners."""
    rulebook = load_rulebook(path, store)
    compile_checked(rulebook, store)
    return rulebook


def compile_checked(rulebook: Rulebook, store: Store | None, suggest: bool = True) -> Matcher:
    """Compile ``rulebook`` for screening; a pattern the scanner refuses is a rulebook error.

    ``suggest`` turns on the rulebook's learned layer, if it has one (batch runs ask
    for it with ``--suggest``: it about doubles the time per note).
    """
    from screen.matching.matcher import compile_matcher
    from screen.matching.scanner import RegexRejected

    try:
        return compile_matcher(rulebook, store, learned_loader(rulebook) if suggest else None)
    except RegexRejected as exc:
        raise RulebookError(
            (
                Problem(
                    rulebook.source,
                    1,
                    1,
                    f"the patterns do not compile: {exc}",
                    "fix or remove the expression named",
                ),
            )
        ) from None


def learned_loader(rulebook: Rulebook) -> Callable[[], LearnedModel] | None:
    """A reader for the model a rulebook's ``learned`` section names (None without one).

    The file is checked now (it must exist and match the sha256 the rulebook names);
    it is parsed, and numpy imported, only when a note is first screened.
    """
    settings = rulebook.learned
    if settings is None:
        return None
    path = Path(rulebook.source).parent / settings.model
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _learned_problem(
            rulebook,
            f"cannot read the learned model {path} ({exc.strerror or type(exc).__name__})",
            "train it with `htscreen rules train`, or remove the rulebook's learned section",
        ) from None
    if hashlib.sha256(data).hexdigest() != settings.sha256:
        raise _learned_problem(
            rulebook,
            f"the learned model {path} is not the one the rulebook names (sha256 differs)",
            "put the sha256 `htscreen rules train` printed into the rulebook's learned section",
        )

    def load() -> LearnedModel:
        from screen.learned.model import ModelError, loads

        known = _MODELS.get(settings.sha256)
        if known is not None and known[0] == rulebook.sha256:
            return known[1]
        try:
            model = loads(data)
        except ModelError as exc:
            raise _learned_problem(
                rulebook, f"the learned model {path}: {exc}", "train it again"
            ) from None
        unknown = [i for i in model.indicators if not rulebook.has_indicator(i)]
        if unknown:
            raise _learned_problem(
                rulebook,
                f"the learned model {path} names indicators the rulebook lacks: "
                + ", ".join(unknown[:5]),
                "train it again with this rulebook (`htscreen rules train`)",
            )
        _MODELS.clear()  # one model kept: a process rarely uses two rulebooks
        _MODELS[settings.sha256] = (rulebook.sha256, model)
        return model

    return load


_MODELS: dict[str, tuple[str, LearnedModel]] = {}
"""The last model read, by its sha256 (with the rulebook it was checked against)."""


def _learned_problem(rulebook: Rulebook, message: str, hint: str) -> RulebookError:
    return RulebookError((Problem(rulebook.source, 1, 1, message, hint),))
