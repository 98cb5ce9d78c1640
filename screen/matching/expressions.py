"""Python regular expressions compiled once, then rebuilt from their compiled form.

Most of the cost of ``re.compile`` for the matcher's long expressions (inlined
lexicon alternations, code tests over classes of code characters) is in the
pure-Python parser and compiler of the ``re`` module, not in the pattern object
it builds. So the compiler's output, a list of integers, is kept (packed) in a
:class:`~screen.matching.memory.Memory` (in the authenticated cache), and
the next process rebuilds the very same pattern object from it with
``_sre.compile``, as ``re`` itself does last. Entries are keyed by the Python
version, the ``_sre`` format and the byte order, so another interpreter never reads them; the
``_sre`` validator refuses malformed code, and any failure falls back to
``re.compile``. A pattern rebuilt so compares equal to ``re.compile(source)``
(``re.Pattern`` equality compares the compiled code).
"""

from __future__ import annotations

import array
import base64
import json
import re
import sys
import zlib

from screen.matching.memory import Memory
from screen.matching.scanner import Artefacts

try:  # the compiled form is CPython's; elsewhere every expression is just compiled
    import _sre  # type: ignore[import-not-found]

    if sys.version_info >= (3, 11):
        from re import _compiler, _parser  # type: ignore[attr-defined]
    else:  # pragma: no cover - Python 3.10
        import sre_compile as _compiler
        import sre_parse as _parser
    _CODE = next(t for t in "IL" if array.array(t).itemsize == _sre.CODESIZE)
    FORM = (
        f"{sys.implementation.name}-{sys.version_info[:3]}-{_sre.MAGIC}-{_sre.CODESIZE}"
        f"-{sys.byteorder}"
    )
except (ImportError, StopIteration):  # pragma: no cover
    FORM = ""

EXPRESSIONS_FORMAT = 2
LIMIT = 20_000
"""Compiled expressions remembered (a corpus meets a few thousand of a rulebook's)."""
MAX_BYTES = 16 << 20
"""The most bytes of compiled forms kept in the store (about 10,000 expressions)."""

Spec = str
"""A compiled form: ``"check flags groups code names"``, where ``check`` is the CRC-32
of the source (so a form rebuilds only the expression it was compiled from), ``code``
is the compiled code (what ``_sre.compile`` takes) packed, deflated and in base64,
and ``names`` is JSON ``[groupindex, indexgroup]``. Packed so that a store of
thousands reads in milliseconds (a JSON list of integers parses about ten times
slower)."""


def compile_spec(source: str) -> tuple[re.Pattern[str], Spec | None]:
    """``re.compile(source)``, and its compiled form (None where it cannot be had)."""
    if not FORM:  # pragma: no cover
        return re.compile(source), None
    try:
        tree = _parser.parse(source, 0)
        code = _compiler._code(tree, 0)  # type: ignore[attr-defined]
        groupindex = dict(tree.state.groupdict)
        indexgroup: list[str | None] = [None] * tree.state.groups
        for name, index in groupindex.items():
            indexgroup[index] = name
        packed = base64.b64encode(zlib.compress(array.array(_CODE, code).tobytes(), 1))
        names = json.dumps([groupindex, indexgroup], separators=(",", ":"))
        spec = (
            f"{_check(source)} {tree.state.flags} {tree.state.groups - 1} {packed.decode()} {names}"
        )
        return from_spec(source, spec), spec
    except Exception:  # noqa: BLE001 - an interpreter whose internals differ: compile plainly
        return re.compile(source), None


def from_spec(source: str, spec: Spec) -> re.Pattern[str]:
    """The pattern object ``re.compile(source)`` gives, rebuilt from its compiled form."""
    check, flags, groups, packed, names = spec.split(" ", 4)
    if check != _check(source):
        raise ValueError("a compiled form of another expression")
    code = array.array(_CODE, zlib.decompress(base64.b64decode(packed))).tolist()
    groupindex, indexgroup = json.loads(names)
    pattern: re.Pattern[str] = _sre.compile(
        source, int(flags), code, int(groups), groupindex, tuple(indexgroup)
    )
    return pattern


def _check(source: str) -> str:
    return format(zlib.crc32(source.encode("utf-8", "surrogatepass")), "x")


class Expressions:
    """Source -> compiled pattern, for one process, remembered between processes."""

    def __init__(self, artefacts: Artefacts | None) -> None:
        key = f"expressions{EXPRESSIONS_FORMAT}-{FORM}"
        self.memory = Memory(artefacts if FORM else None, key, LIMIT, MAX_BYTES)
        self._compiled: dict[str, re.Pattern[str]] = {}

    def get(self, source: str) -> re.Pattern[str]:
        """The compiled pattern of ``source``."""
        pattern = self._compiled.get(source)
        if pattern is None:
            pattern = self._compiled[source] = self._build(source)
        return pattern

    def _build(self, source: str) -> re.Pattern[str]:
        spec = self.memory.get(source)
        if spec is not None:
            try:
                return from_spec(source, spec)
            except Exception:  # noqa: BLE001 - a stale or damaged form: compile afresh
                pass
        pattern, spec = compile_spec(source)
        if spec is not None:
            self.memory.put(source, spec)
        return pattern

    def save(self, force: bool = False) -> bool:
        """Save the newly compiled forms (see :meth:`Memory.save`)."""
        return self.memory.save(force)
