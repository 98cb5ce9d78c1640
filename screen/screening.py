"""Screen notes in bulk: one note in, one result record out, streaming.

:func:`screen_note` is the pure core (note in, result dict out);
:func:`screen_texts` is the small library API; :class:`Pipeline` runs a whole
input through one process or a pool of worker processes, keeping input order.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from screen.app.formats import Formatter
from screen.app.inputs import Note, ReadOptions, Unit, parse_unit
from screen.decision.engine import LEVEL_ORDER, decide
from screen.matching.matcher import Matcher, compile_matcher
from screen.model import Evidence, Rulebook, Status

CHUNK = 256
MAX_FLAGGED = 1000


@dataclass(frozen=True, slots=True)
class ScreenOptions:
    """What to put in each result."""

    redact: bool = False
    jurisdiction: str | None = None


def offence_evidence(rulebook: Rulebook, offence: str) -> tuple[Evidence, ...]:
    """Context evidence implied by the cover offence (from the rulebook's interview flows)."""
    flow = next((f for f in rulebook.flows if f.offence == offence), None)
    if flow is None:
        return ()
    return tuple(Evidence(i, question="cover offence", answer=offence) for i in flow.context)


def screen_note(matcher: Matcher, note: Note, options: ScreenOptions) -> dict[str, Any]:
    """Screen one note; return its result record (plain data, JSON-ready)."""
    rulebook = matcher.rulebook
    if note.error:
        return {"id": note.id, "error": note.error, "level": None}
    found = matcher.scan(note.text, note.id, note.date)
    evidence = found.evidence + offence_evidence(rulebook, note.offence)
    present = tuple(sorted({e.indicator for e in evidence if e.counts}))
    ages = tuple(sorted({e.age for e in evidence if e.counts and e.age is not None}))
    verdict = _verdict(matcher, present, ages, options.jurisdiction)
    return {
        "id": note.id,
        **verdict,
        "indicators": [_evidence_dict(e, options.redact) for e in found.evidence],
        "ages": [a.age for a in found.ages],
        "error": None,
    }


def _verdict(matcher: Matcher, present: tuple[str, ...], ages: tuple[int, ...],
             jurisdiction: str | None) -> dict[str, Any]:
    """The parts of a recommendation a batch record carries, cached per evidence signature.

    Those parts depend only on which indicators are present and the ages read, so notes
    with the same signature share one decision.
    """
    cache = matcher.verdicts
    key = (present, ages, jurisdiction)
    verdict = cache.get(key)
    if verdict is None:
        evidence = [Evidence(i) for i in present] + [Evidence(_minor_id(matcher), age=a)
                                                      for a in ages]
        rec = decide(matcher.rulebook, evidence, jurisdiction=jurisdiction)
        verdict = {"level": rec.level, "title": rec.title, "minor": rec.minor,
                   "reasons": list(rec.reasons), "also": list(rec.also), "profile": rec.profile}
        if len(cache) > 20000:
            cache.clear()
        cache[key] = verdict
    return verdict


def _minor_id(matcher: Matcher) -> str:
    return next((i.id for i in matcher.rulebook.indicators if "minor" in i.triggers), "")


def _evidence_dict(evidence: Evidence, redact: bool) -> dict[str, Any]:
    item: dict[str, Any] = {"id": evidence.indicator, "status": evidence.status.value,
                            "start": evidence.start, "end": evidence.end}
    if evidence.cue is not None:
        item["cue"] = evidence.cue.kind if redact else f"{evidence.cue.kind}: {evidence.cue.text}"
    if not redact:
        item["snippet"] = evidence.snippet
    if evidence.slang:
        item["slang"] = True
    return item


def screen_texts(
    texts: Iterable[str | tuple[str, str]],
    rulebook: Rulebook | None = None,
    *,
    redact: bool = False,
    jurisdiction: str | None = None,
) -> Iterator[dict[str, Any]]:
    """Screen texts (or ``(id, text)`` pairs) and yield one result dict per text.

    The library entry point for scripts, Dask or Spark: the rulebook is compiled
    once per call (and cached on disk between processes).
    """
    from screen.rulebook import load_rulebook

    book = rulebook or load_rulebook()
    matcher = compile_matcher(book, _cache())
    options = ScreenOptions(redact, jurisdiction)
    for number, item in enumerate(texts):
        ident, text = item if isinstance(item, tuple) else (str(number), item)
        yield screen_note(matcher, Note(id=ident, text=text), options)


def _cache() -> Path | None:
    from screen.app.rules import cache_dir

    return cache_dir()


@dataclass(slots=True)
class Totals:
    """Counts gathered while a batch runs."""

    records: int = 0
    errors: int = 0
    levels: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LEVEL_ORDER, 0))
    worst: str = "L5"
    flagged: list[dict[str, Any]] = field(default_factory=list)
    """The first MAX_FLAGGED notes at L0-L3, for the table view (memory stays flat)."""
    flagged_count: int = 0


_WORKER: dict[str, Any] = {}


def _init_worker(rules_path: str, cache: str | None, read: ReadOptions, options: ScreenOptions,
                 formatter: Formatter) -> None:
    from screen.rulebook import load_rulebook

    rulebook = load_rulebook(Path(rules_path))
    _WORKER.update(matcher=compile_matcher(rulebook, Path(cache) if cache else None),
                   read=read, options=options, formatter=formatter)


def _work(units: list[Unit]) -> list[tuple[str, dict[str, Any]]]:
    return _process(units, _WORKER["matcher"], _WORKER["read"], _WORKER["options"],
                    _WORKER["formatter"])


def _process(units: list[Unit], matcher: Matcher, read: ReadOptions, options: ScreenOptions,
             formatter: Formatter) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for unit in units:
        result = screen_note(matcher, parse_unit(unit, read), options)
        out.append((formatter.record(result), _summary(result)))
    return out


def _summary(result: dict[str, Any]) -> dict[str, Any]:
    keep = ("id", "level", "error", "minor")
    summary = {k: result.get(k) for k in keep}
    summary["indicators"] = sorted({i["id"] for i in result.get("indicators", ())
                                    if i["status"] == Status.PRESENT.value})
    return summary


def _chunks(units: Iterable[Unit], size: int) -> Iterator[list[Unit]]:
    iterator = iter(units)
    while chunk := list(islice(iterator, size)):
        yield chunk


@dataclass
class Pipeline:
    """Runs a batch: units in, formatted records out, in input order."""

    rulebook: Rulebook
    rules_path: Path
    read: ReadOptions
    options: ScreenOptions
    formatter: Formatter
    jobs: int = 1
    cache: Path | None = None

    def run(self, units: Iterable[Unit], write: Callable[[str], None],
            keep: Callable[[dict[str, Any]], bool], totals: Totals,
            progress: Callable[[int], None] | None = None) -> None:
        """Screen every unit and hand each formatted record to ``write``."""
        for line, summary in self._results(units):
            totals.records += 1
            if summary["error"]:
                totals.errors += 1
            else:
                level = summary["level"]
                totals.levels[level] += 1
                if LEVEL_ORDER.index(level) < LEVEL_ORDER.index(totals.worst):
                    totals.worst = level
                if LEVEL_ORDER.index(level) <= 3:
                    totals.flagged_count += 1
                    if len(totals.flagged) < MAX_FLAGGED:
                        totals.flagged.append(summary)
            if summary["error"] or keep(summary):
                write(line)
            if progress:
                progress(1)

    def _results(self, units: Iterable[Unit]) -> Iterator[tuple[str, dict[str, Any]]]:
        if self.jobs <= 1:
            matcher = compile_matcher(self.rulebook, self.cache)
            for chunk in _chunks(units, CHUNK):
                yield from _process(chunk, matcher, self.read, self.options, self.formatter)
            return
        if self.cache is not None:  # compile once here, so the workers load it from the cache
            compile_matcher(self.rulebook, self.cache)
        context = multiprocessing.get_context("spawn")
        args = (str(self.rules_path), str(self.cache) if self.cache else None, self.read,
                self.options, self.formatter)
        with context.Pool(self.jobs, initializer=_init_worker, initargs=args) as pool:
            for results in pool.imap(_work, _chunks(units, CHUNK), chunksize=1):
                yield from results
