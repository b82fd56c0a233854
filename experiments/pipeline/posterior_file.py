"""Posterior files: weighted parameter draws, and drawing from them as a design.

ABC-SMC (experiments/analysis/posterior.py) writes ``posterior.parquet``: one row per
particle, a column per registry parameter and a ``weight`` column. Experiments
(``parameters: {posterior: FILE}``), ``alliance run --posterior FILE`` and the page draw
parameter sets from it with the posterior weights, seeded, so the same seed gives the
same draws wherever they are made.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from model.spec.errors import InputError
from model.spec.parameters import REGISTRY


def weighted_quantile(x: np.ndarray, w: np.ndarray, q: float) -> float:
    """The q-quantile of values x with weights w (the smallest x whose cumulative weight reaches q)."""
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    order = np.argsort(x, kind="stable")
    cum = np.cumsum(w[order])
    return float(x[order][min(len(x) - 1, int(np.searchsorted(cum, q * cum[-1])))])


def weighted_median(x: np.ndarray, w: np.ndarray) -> float:
    return weighted_quantile(x, w, 0.5)


@dataclass(frozen=True)
class Posterior:
    """Weighted parameter draws read from a posterior file."""

    path: str
    names: tuple[str, ...]
    theta: np.ndarray
    weights: np.ndarray

    def draw(self, n: int, seed: int) -> list[dict[str, float]]:
        """n parameter mappings drawn with the posterior weights (seeded; the same seed, the same draws)."""
        rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(0xAB,))))
        pick = rng.choice(len(self.theta), size=n, p=self.weights)
        return [dict(zip(self.names, self.theta[i].tolist())) for i in pick]

    def bounds(self) -> list[tuple[float, float]]:
        """The smallest and largest draw of each parameter."""
        return [(float(self.theta[:, k].min()), float(self.theta[:, k].max())) for k in range(len(self.names))]

    def effective_size(self) -> float:
        """Kish's effective sample size, 1 / sum(w^2): how many equally weighted draws the population is worth."""
        return float(1.0 / np.sum(self.weights ** 2))

    def median(self) -> dict[str, float]:
        return {n: weighted_median(self.theta[:, k], self.weights) for k, n in enumerate(self.names)}


def read_posterior(path: str | Path, file: str | None = None, line: int | None = None,
                   field: str = "posterior") -> Posterior:
    """A posterior file (``posterior.parquet`` written by ABC-SMC, or its folder); errors name file, line, field."""
    p = Path(path)
    if p.is_dir():
        p = p / "posterior.parquet"
    if not p.exists():
        raise InputError(file or str(p), line, field, f"no such posterior file '{p}'")
    try:
        df = pd.read_parquet(p)
    except (OSError, ValueError) as exc:
        raise InputError(str(p), None, None, f"cannot read the posterior: {exc}") from None
    names = tuple(c for c in df.columns if c in REGISTRY)
    if "weight" not in df.columns or not names or df.empty:
        raise InputError(str(p), None, "weight", "not a posterior (needs a weight column and registry parameters)")
    w = df["weight"].to_numpy(dtype=float)
    theta = df[list(names)].to_numpy(dtype=float)
    if not (np.all(np.isfinite(w)) and np.all(w >= 0) and w.sum() > 0 and np.all(np.isfinite(theta))):
        raise InputError(str(p), None, "weight", "weights must be finite, non-negative and not all zero")
    for k, n in enumerate(names):
        reg = REGISTRY[n]
        if theta[:, k].min() < reg.low or theta[:, k].max() > reg.high:
            raise InputError(str(p), None, n, f"draws outside the registry range [{reg.low}, {reg.high}]")
    return Posterior(str(p), names, theta, w / w.sum())
