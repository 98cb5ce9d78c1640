"""The trained model: frozen arrays, scored a note at a time, stored as authenticated JSON."""

from __future__ import annotations

import base64
import hashlib
import json
import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from screen.learned.features import FEATURES_VERSION, features, sentences

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

    def sentence_scores(self, text: str) -> tuple[list[Span], npt.NDArray[np.float32]]:
        """The sentences of ``text`` and each one's log-odds per indicator."""
        spans = list(sentences(text))
        scores = np.tile(self.bias, (len(spans), 1))
        ids: list[int] = []
        values: list[float] = []
        rows: list[int] = []
        for row, (start, end) in enumerate(spans):
            counts = Counter(
                self.vocabulary[f] for f in features(text[start:end]) if f in self.vocabulary
            )
            if not counts:
                continue
            weighted = [(1.0 + math.log(n)) * float(self.idf[i]) for i, n in counts.items()]
            norm = math.sqrt(sum(v * v for v in weighted))
            ids.extend(counts)
            values.extend(v / norm for v in weighted)
            rows.extend([row] * len(counts))
        if ids:
            contributions = self.weights[ids] * np.asarray(values, dtype=np.float32)[:, None]
            np.add.at(scores, np.asarray(rows), contributions)
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
