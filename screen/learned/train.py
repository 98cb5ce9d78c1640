"""Training: one-vs-rest logistic regression over tf-idf sentence features, in numpy.

Each indicator's classifier learns from every text: the ways of saying that
indicator are its positives; its look-alikes and every other indicator's texts
are its negatives, weighted so both sides count equally. L-BFGS on the whole
weight matrix at once (the indicators' losses are independent, so one run
solves all of them). Deterministic: no sampling, no random start.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from screen.learned.features import features
from screen.learned.model import LearnedModel

Floats = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Example:
    """One training text and the indicator it expresses (``""``: it expresses none)."""

    text: str
    indicator: str
    says: bool


@dataclass(frozen=True, slots=True)
class Settings:
    """Training settings (recorded in the model)."""

    c: float = 4.0
    """Inverse strength of the L2 penalty (larger fits the training texts more closely)."""
    min_df: int = 2
    """A feature must occur in at least this many texts."""
    iterations: int = 300
    """Most L-BFGS steps."""
    prune: float = 0.2
    """Weights smaller than this are set to zero (a twentieth of them stay; the file
    shrinks twentyfold and the held-out recall does not fall)."""


class _Design:
    """The sparse tf-idf matrix, kept twice: by row (for X·W) and by feature (for Xᵀ·G)."""

    def __init__(self, texts: Sequence[list[str]], vocabulary: dict[str, int], idf: Floats):
        rows: list[int] = []
        ids: list[int] = []
        values: list[float] = []
        for row, feats in enumerate(texts):
            counts = Counter(vocabulary[f] for f in feats if f in vocabulary)
            weighted = {i: (1.0 + math.log(n)) * idf[i] for i, n in counts.items()}
            norm = math.sqrt(sum(v * v for v in weighted.values())) or 1.0
            for i in sorted(weighted):
                rows.append(row)
                ids.append(i)
                values.append(weighted[i] / norm)
        self.n = len(texts)
        self.f = len(vocabulary)
        self.rows = np.asarray(rows, dtype=np.int64)
        self.ids = np.asarray(ids, dtype=np.int64)
        self.values = np.asarray(values)
        self.row_starts = np.searchsorted(self.rows, np.arange(self.n))
        self.empty = np.bincount(self.rows, minlength=self.n) == 0
        order = np.argsort(self.ids, kind="stable")
        self.by_feature = (self.rows[order], self.values[order])
        self.feature_starts = np.searchsorted(self.ids[order], np.arange(self.f))

    def times(self, w: Floats) -> Floats:
        """X·W."""
        if not len(self.ids):
            return np.zeros((self.n, w.shape[1]))
        out = np.add.reduceat(
            w[self.ids] * self.values[:, None], np.minimum(self.row_starts, len(self.ids) - 1)
        )
        out[self.empty] = 0.0
        return out

    def transposed_times(self, g: Floats) -> Floats:
        """Xᵀ·G (every feature occurs at least once)."""
        rows, values = self.by_feature
        return np.add.reduceat(g[rows] * values[:, None], self.feature_starts)


def _vocabulary(texts: Sequence[list[str]], min_df: int) -> tuple[dict[str, int], Floats]:
    df = Counter(f for feats in texts for f in set(feats))
    kept = sorted(f for f, n in df.items() if n >= min_df)
    idf = np.asarray([math.log((1 + len(texts)) / (1 + df[f])) + 1.0 for f in kept])
    return {f: i for i, f in enumerate(kept)}, idf


def _lbfgs(
    objective: Callable[[Floats], tuple[float, Floats]], x: Floats, iterations: int
) -> Floats:
    """Minimise a smooth convex function (L-BFGS, 10 pairs, backtracking line search)."""
    memory: list[tuple[Floats, Floats, float]] = []
    value, grad = objective(x)
    for _ in range(iterations):
        direction = -grad
        alphas = []
        for s, y, rho in reversed(memory):
            alpha = rho * float(s @ direction)
            direction = direction - alpha * y
            alphas.append(alpha)
        if memory:
            s, y, _ = memory[-1]
            direction = direction * (float(s @ y) / float(y @ y))
        for (s, y, rho), alpha in zip(memory, reversed(alphas), strict=True):
            beta = rho * float(y @ direction)
            direction = direction + s * (alpha - beta)
        slope = float(grad @ direction)
        if slope >= 0:
            direction, slope = -grad, -float(grad @ grad)
        step = 1.0 if memory else 1.0 / max(1.0, math.sqrt(float(grad @ grad)))
        while True:
            candidate = x + step * direction
            new_value, new_grad = objective(candidate)
            if new_value <= value + 1e-4 * step * slope or step < 1e-10:
                break
            step *= 0.5
        s, y = candidate - x, new_grad - grad
        if float(s @ y) > 1e-10:
            memory = [*memory[-9:], (s, y, 1.0 / float(s @ y))]
        x, grad = candidate, new_grad
        if abs(value - new_value) <= 1e-9 * max(1.0, abs(value)):
            break
        value = new_value
    return x


def train(
    examples: Sequence[Example], indicators: Sequence[str], settings: Settings = Settings()
) -> LearnedModel:
    """Train one classifier per indicator in ``indicators`` (those without a text get none)."""
    texts = [features(e.text) for e in examples]
    vocabulary, idf = _vocabulary(texts, settings.min_df)
    design = _Design(texts, vocabulary, idf)
    column = {ind: k for k, ind in enumerate(indicators)}
    y = np.zeros((len(examples), len(indicators)))
    for row, example in enumerate(examples):
        if example.says and example.indicator in column:
            y[row, column[example.indicator]] = 1.0
    positives = y.sum(axis=0)
    n = float(len(examples))
    weight = np.where(
        y > 0, n / (2 * np.maximum(positives, 1)), n / (2 * np.maximum(n - positives, 1))
    )
    weight[:, positives == 0] = 0.0
    f, k = design.f, len(indicators)

    def objective(x: Floats) -> tuple[float, Floats]:
        w, b = x[: f * k].reshape(f, k), x[f * k :]
        z = design.times(w) + b
        loss = np.logaddexp(0.0, z) - y * z
        p = 0.5 * (1.0 + np.tanh(0.5 * z))
        g = settings.c * weight * (p - y)
        value = settings.c * float((weight * loss).sum()) + 0.5 * float((w * w).sum())
        grad_w = design.transposed_times(g) + w
        return value, np.concatenate([grad_w.ravel(), g.sum(axis=0)])

    x = _lbfgs(objective, np.zeros(f * k + k), settings.iterations)
    w, b = x[: f * k].reshape(f, k), x[f * k :]
    w = np.where(np.abs(w) < settings.prune, 0.0, w)
    b = np.where(positives == 0, -30.0, b)
    trained_on: dict[str, Any] = {
        "texts": len(examples),
        "says": int(sum(e.says for e in examples)),
        "features": f,
        "c": settings.c,
        "min_df": settings.min_df,
        "prune": settings.prune,
    }
    return LearnedModel(
        tuple(indicators),
        vocabulary,
        idf.astype(np.float32),
        w.astype(np.float32),
        b.astype(np.float32),
        trained_on,
    )
