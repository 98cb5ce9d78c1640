"""The learned layer as the matcher sees it: suggestions where no rule spoke.

Its evidence has the status ``suggested``: it is shown (batch records, explain)
and proposed to the officer in an interview started from the note, but never
counts toward a level. On the sealed blind notes, counting it found no more
victims and referred four more look-alikes (docs/learned-layer.md).

The model is read on first use (numpy and the model file cost about a tenth of a
second, which an interview without a note never pays).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from screen.model import LearnedSettings, Status
from screen.results import Evidence

if TYPE_CHECKING:
    from screen.learned.model import LearnedModel

LearnedLoader = Callable[[], "LearnedModel"]
LEARNED_PATTERN = "learned"
"""The pattern part of an id for evidence the learned layer found (``isolated#learned``)."""
SNIPPET_CHARS = 240
"""The longest sentence quoted as evidence; longer ones are cut at a word."""


class Learned:
    """A rulebook's learned layer: the model (loaded once) and its settings."""

    def __init__(self, loader: LearnedLoader, settings: LearnedSettings) -> None:
        self._loader = loader
        self._model: LearnedModel | None = None
        self.settings = settings
        self._skip = frozenset(settings.skip)

    @property
    def model(self) -> LearnedModel:
        """The model, read on first use."""
        if self._model is None:
            self._model = self._loader()
        return self._model

    def evidence(self, text: str, note_id: str, spoken: set[str]) -> tuple[Evidence, ...]:
        """Evidence for each indicator the model reads that no rule found or set aside.

        A rule's verdict wins: where a rule found an indicator, or found it negated or
        about someone else, the model is not asked.
        """
        skip = self._skip | spoken
        found = []
        for hit in self.model.hits(text, self.settings.threshold, skip):
            start, end = hit.span
            found.append(
                Evidence(
                    hit.indicator,
                    note_id=note_id,
                    start=start,
                    end=end,
                    status=Status.SUGGESTED,
                    snippet=_quoted(text[start:end]),
                    pattern=f"{hit.indicator}#{LEARNED_PATTERN}",
                )
            )
        return tuple(sorted(found, key=lambda e: (e.start, e.indicator)))


def _quoted(sentence: str) -> str:
    if len(sentence) <= SNIPPET_CHARS:
        return sentence
    cut = sentence.rfind(" ", 0, SNIPPET_CHARS)
    return sentence[: cut if cut > 0 else SNIPPET_CHARS] + " …"
