"""The trained model: frozen arrays, scored a note at a time, stored as authenticated JSON."""

from __future__ import annotations

import base64
import hashlib
import json
import math
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt

from screen.learned.features import FEATURES_VERSION, STEM, sentences, words_of

Span = tuple[int, int]
FORMAT = "htscreen-learned/1"


class ModelError(ValueError):
    """A model file that cannot be used (damaged, foreign, or for other features)."""


@dataclass(frozen=True, slots=True)
class Hit:
    """An indicator the model reads in one sentence, with the model's probability."""

    indicator: str
    span: Span
    probability: float


@dataclass(frozen=True)
class LearnedModel:
    """One linear classifier per indicator over sentence features (tf-idf, L2-normalised)."""

    indicators: tuple[str, ...]
    vocabulary: dict[str, int]
    idf: npt.NDArray[np.float32]
    weights: npt.NDArray[np.float32]
    """Features by indicators."""
    bias: npt.NDArray[np.float32]
    trained_on: dict[str, Any] = field(default_factory=dict)
    """What it was trained on: suites, texts per kind, settings (for the record)."""

    @cached_property
    def _lookup(self) -> _Lookup:
        return _Lookup(self.vocabulary)

    def feature_ids(self, sentence: str) -> list[int]:
        """The model's feature numbers in one sentence (a feature may repeat)."""
        return self._lookup.ids(words_of(sentence))

    def sentence_scores(self, text: str) -> tuple[list[Span], npt.NDArray[np.float32]]:
        """The sentences of ``text`` and each one's log-odds per indicator."""
        spans = list(sentences(text))
        scores = np.empty((len(spans), len(self.bias)), dtype=np.float32)
        scores[:] = self.bias
        ids: list[int] = []
        counts: list[int] = []
        rows: list[int] = []
        firsts: list[int] = []
        for row, (start, end) in enumerate(spans):
            found = Counter(self.feature_ids(text[start:end]))
            if found:
                firsts.append(len(ids))
                ids.extend(found)
                counts.extend(found.values())
                rows.append(row)
        if not ids:
            return spans, scores
        at = np.asarray(ids)
        values = (1.0 + np.log(np.asarray(counts, dtype=np.float32))) * self.idf[at]
        starts = np.asarray(firsts)
        norms = np.sqrt(np.add.reduceat(values * values, starts))
        values /= np.repeat(norms, np.diff(starts, append=len(ids)))
        scores[rows] += np.add.reduceat(self.weights[at] * values[:, None], starts)
        return spans, scores

    def hits(self, text: str, threshold: float, skip: frozenset[str] = frozenset()) -> list[Hit]:
        """Each indicator whose best sentence reaches ``threshold``, with that sentence."""
        spans, scores = self.sentence_scores(text)
        if not spans:
            return []
        cut = math.log(threshold / (1.0 - threshold))
        best = scores.argmax(axis=0)
        found = []
        for column in np.flatnonzero(scores.max(axis=0) >= cut):
            indicator = self.indicators[column]
            if indicator in skip:
                continue
            logit = float(scores[best[column], column])
            found.append(Hit(indicator, spans[best[column]], 1.0 / (1.0 + math.exp(-logit))))
        return found


class _Lookup:
    """Feature numbers by word, stem and pair, without building feature strings.

    Every word met is remembered with its own and its stem's numbers, so a word
    costs one dictionary look-up after the first time (at most ``WORDS`` kept).
    """

    WORDS = 200_000

    def __init__(self, vocabulary: dict[str, int]) -> None:
        self.words: dict[str, int] = {}
        self.stems: dict[str, int] = {}
        self.pairs: dict[tuple[str, str], int] = {}
        self.stem_pairs: dict[tuple[str, str], int] = {}
        for feature, number in vocabulary.items():
            stemmed = feature.startswith("~")
            body = feature[1:] if stemmed else feature
            first, _, second = body.partition(" ")
            if second:
                (self.stem_pairs if stemmed else self.pairs)[(first, second)] = number
            else:
                (self.stems if stemmed else self.words)[body] = number
        self._seen: dict[str, tuple[int, int, str]] = {}

    def _word(self, word: str) -> tuple[int, int, str]:
        seen = self._seen.get(word)
        if seen is None:
            stem = word[:STEM]
            own = self.stems.get(stem, -1) if len(word) > STEM else -1
            seen = (self.words.get(word, -1), own, stem)
            if len(self._seen) >= self.WORDS:
                self._seen.clear()
            self._seen[word] = seen
        return seen

    def ids(self, words: list[str]) -> list[int]:
        info = [self._word(w) for w in words]
        out = [n for number, stem_number, _ in info for n in (number, stem_number) if n >= 0]
        pairs, stem_pairs = self.pairs, self.stem_pairs
        for k in range(len(words) - 1):
            pair = pairs.get((words[k], words[k + 1]), -1)
            if pair >= 0:
                out.append(pair)
            stems = stem_pairs.get((info[k][2], info[k + 1][2]), -1)
            if stems >= 0:
                out.append(stems)
        return out


def _array(data: npt.NDArray[np.float32]) -> dict[str, Any]:
    return {"shape": list(data.shape), "float32": base64.b64encode(data.tobytes()).decode()}


def _unarray(item: dict[str, Any]) -> npt.NDArray[np.float32]:
    raw = base64.b64decode(item["float32"], validate=True)
    array = np.frombuffer(raw, dtype="<f4").reshape(tuple(int(n) for n in item["shape"]))
    return array.astype(np.float32)


def _sparse(weights: npt.NDArray[np.float32]) -> dict[str, Any]:
    rows, cols = np.nonzero(weights)
    return {
        "shape": list(weights.shape),
        "rows": base64.b64encode(rows.astype("<i4").tobytes()).decode(),
        "cols": base64.b64encode(cols.astype("<u2").tobytes()).decode(),
        "float32": base64.b64encode(weights[rows, cols].astype("<f4").tobytes()).decode(),
    }


def _unsparse(item: dict[str, Any]) -> npt.NDArray[np.float32]:
    shape = tuple(int(n) for n in item["shape"])
    rows = np.frombuffer(base64.b64decode(item["rows"], validate=True), dtype="<i4")
    cols = np.frombuffer(base64.b64decode(item["cols"], validate=True), dtype="<u2")
    values = np.frombuffer(base64.b64decode(item["float32"], validate=True), dtype="<f4")
    if len(shape) != 2 or not len(rows) == len(cols) == len(values):
        raise ValueError("sparse arrays of different lengths")
    if len(rows) and (rows.max() >= shape[0] or cols.max() >= shape[1] or rows.min() < 0):
        raise ValueError("sparse index out of range")
    weights = np.zeros(shape, dtype=np.float32)
    weights[rows, cols] = values
    return weights


def dumps(model: LearnedModel) -> bytes:
    """The model as JSON bytes (arrays as base64 little-endian float32)."""
    vocabulary = sorted(model.vocabulary, key=model.vocabulary.__getitem__)
    body = {
        "format": FORMAT,
        "features": FEATURES_VERSION,
        "indicators": list(model.indicators),
        "vocabulary": vocabulary,
        "idf": _array(model.idf),
        "weights": _sparse(model.weights),
        "bias": _array(model.bias),
        "trained_on": model.trained_on,
    }
    return (
        json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"
    ).encode()


def loads(data: bytes) -> LearnedModel:
    """Read model bytes; :class:`ModelError` says what is wrong with them."""
    try:
        body = json.loads(data)
        if body.get("format") != FORMAT:
            raise ModelError(f"not an htscreen learned model (format {body.get('format')!r})")
        if body.get("features") != FEATURES_VERSION:
            raise ModelError(
                f"trained with features version {body.get('features')}, this htscreen reads "
                f"version {FEATURES_VERSION}: train it again with `htscreen rules train`"
            )
        indicators = tuple(str(i) for i in body["indicators"])
        vocabulary = {str(f): n for n, f in enumerate(body["vocabulary"])}
        idf, bias = _unarray(body["idf"]), _unarray(body["bias"])
        weights = _unsparse(body["weights"])
        trained_on = dict(body.get("trained_on") or {})
    except ModelError:
        raise
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ModelError(f"the model file is damaged ({type(exc).__name__})") from None
    if weights.shape != (len(vocabulary), len(indicators)) or idf.shape != (len(vocabulary),):
        raise ModelError("the model file is damaged (array shapes do not agree)")
    if bias.shape != (len(indicators),):
        raise ModelError("the model file is damaged (array shapes do not agree)")
    return LearnedModel(indicators, vocabulary, idf, weights, bias, trained_on)


def digest(data: bytes) -> str:
    """The sha256 a rulebook names for these model bytes."""
    return hashlib.sha256(data).hexdigest()
