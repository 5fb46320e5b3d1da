"""Small linear models: a logistic classifier and a conditional-logit ranker.

The recogniser decides whether a span names a place with a logistic model;
the resolver ranks a mention's candidate places with a conditional logit (a
softmax over the mention's candidates). Both are linear in named features,
fitted with L2-regularised Newton steps (numpy), and stored as JSON in
``data/models/`` with what they were fitted on, so a reader can see every
weight. Fitting lives in ``benchmarks/fit_models.py``; only the dev half of
the gold corpora is used (see ``benchmarks/corpora.py``).

Examples
--------
>>> import numpy as np
>>> X = np.array([[0.0], [1.0], [2.0], [3.0]]); y = np.array([0, 0, 1, 1])
>>> m = LinearModel.fit_logistic(["x"], X, y, l2=0.1)
>>> m.probability({"x": 3.0}) > 0.5 > m.probability({"x": 0.0})
True
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

from geo.errors import ModelError

__all__ = ["MODEL_DIR", "LinearModel"]

#: Fitted models shipped with the project.
MODEL_DIR = Path(__file__).resolve().parent.parent / "data" / "models"


@dataclass
class LinearModel:
    """Weights over named features, a bias, a decision threshold and provenance."""

    features: list[str]
    weights: list[float]
    bias: float = 0.0
    threshold: float = 0.5
    about: dict = field(default_factory=dict)

    @cached_property
    def _weight_of(self) -> dict[str, float]:
        return dict(zip(self.features, self.weights, strict=True))

    def score(self, values: Mapping[str, float]) -> float:
        """The linear score: bias plus the weighted sum of the known features."""
        weight = self._weight_of
        return self.bias + sum(weight.get(name, 0.0) * v for name, v in values.items())

    def probability(self, values: Mapping[str, float]) -> float:
        """The logistic of :meth:`score`."""
        s = self.score(values)
        return 1.0 / (1.0 + math.exp(-s)) if s > -500 else 0.0

    def softmax(self, rows: Sequence[Mapping[str, float]]) -> list[float]:
        """Probabilities over alternatives (one mention's candidates) under the ranker."""
        scores = [self.score(r) for r in rows]
        top = max(scores, default=0.0)
        exps = [math.exp(s - top) for s in scores]
        total = sum(exps)
        return [e / total for e in exps]

    # -- storage -----------------------------------------------------------------------

    @classmethod
    def load(cls, name: str, folder: Path | None = None) -> LinearModel:
        """Load ``data/models/<name>.json``."""
        path = (folder or MODEL_DIR) / f"{name}.json"
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            model = cls(
                features=list(raw["features"]),
                weights=[float(w) for w in raw["weights"]],
                bias=float(raw.get("bias", 0.0)),
                threshold=float(raw.get("threshold", 0.5)),
                about=dict(raw.get("about", {})),
            )
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ModelError(f"{path}: not a usable model file ({exc})") from exc
        if len(model.features) != len(model.weights):
            raise ModelError(
                f"{path}: {len(model.features)} features but {len(model.weights)} weights"
            )
        return model

    def save(self, name: str, folder: Path | None = None) -> Path:
        """Write ``data/models/<name>.json``, weights rounded to 6 decimals."""
        path = (folder or MODEL_DIR) / f"{name}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        body = {
            "about": self.about,
            "bias": round(self.bias, 6),
            "threshold": round(self.threshold, 4),
            "features": self.features,
            "weights": [round(w, 6) for w in self.weights],
        }
        path.write_text(json.dumps(body, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        return path

    # -- fitting -----------------------------------------------------------------------

    @classmethod
    def fit_logistic(
        cls, features: list[str], X: np.ndarray, y: np.ndarray, *, l2: float = 1.0
    ) -> LinearModel:
        """Fit a logistic classifier by Newton's method (bias unpenalised)."""
        A = np.hstack([np.ones((X.shape[0], 1)), X])
        w = np.zeros(A.shape[1])
        penalty = np.full(A.shape[1], l2)
        penalty[0] = 0.0
        for _ in range(50):
            p = 1.0 / (1.0 + np.exp(-(A @ w)))
            grad = A.T @ (p - y) + penalty * w
            hess = (A * (p * (1 - p))[:, None]).T @ A + np.diag(penalty + 1e-9)
            step = np.linalg.solve(hess, grad)
            w -= step
            if np.abs(step).max() < 1e-8:
                break
        return cls(features=list(features), weights=w[1:].tolist(), bias=float(w[0]))

    @classmethod
    def fit_ranker(
        cls,
        features: list[str],
        groups: list[np.ndarray],
        chosen: list[int],
        *,
        l2: float = 1.0,
        weights: np.ndarray | None = None,
    ) -> LinearModel:
        """Fit a conditional logit: in each group (rows = alternatives) ``chosen`` is right.

        ``weights`` (one per group, default 1) say how much each group counts.

        Examples
        --------
        >>> g = [np.array([[1.0], [0.0]]), np.array([[0.0], [2.0]])]
        >>> m = LinearModel.fit_ranker(["x"], g, [0, 1], l2=0.01)
        >>> m.weights[0] > 0
        True
        """
        rows = np.vstack(groups)
        sizes = np.array([len(g) for g in groups])
        firsts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        right_rows = rows[firsts + np.asarray(chosen)]
        group_of = np.repeat(np.arange(len(groups)), sizes)
        weight = np.ones(len(groups)) if weights is None else np.asarray(weights, dtype=float)

        def softmax(w: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
            """Per group the top score and the sum of exp(score - top); per row exp(...)."""
            s = rows @ w
            top = np.maximum.reduceat(s, firsts)
            e = np.exp(s - top[group_of])
            return top, e, np.add.reduceat(e, firsts)

        def loss_at(w: np.ndarray) -> float:
            """The penalised negative log-likelihood of the right rows."""
            top, _, totals = softmax(w)
            nll = weight @ (np.log(totals) + top - right_rows @ w)
            return float(nll + l2 / 2 * w @ w)

        w = np.zeros(len(features))
        loss = loss_at(w)
        for _ in range(100):
            _, e, totals = softmax(w)
            p = e / totals[group_of]
            mean = np.add.reduceat(rows * p[:, None], firsts)
            grad = weight @ (mean - right_rows) + l2 * w
            centred = rows - mean[group_of]
            hess = (centred * (p * weight[group_of])[:, None]).T @ centred + np.diag(
                np.full(len(w), l2 + 1e-9)
            )
            step = np.linalg.solve(hess, grad)
            # Newton's step, halved until the loss falls: far from the optimum a
            # full step can overshoot and never come back (it did on all 14,000
            # mentions of WikToR's fit half).
            size = 1.0
            while (new := loss_at(w - size * step)) > loss and size > 1e-6:
                size /= 2
            if new > loss:
                break
            w, loss = w - size * step, new
            if np.abs(size * step).max() < 1e-8:
                break
        return cls(features=list(features), weights=w.tolist())
