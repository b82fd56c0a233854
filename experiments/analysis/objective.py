"""The calibration objective: how far the simulated indices lie from the coded record.

For parameter values, R replications (common random numbers across trials) give the
median of each index per quarter; the score is the weighted mean squared distance of
the median outside the target band over the fit window, plus a penalty per pair of
milestones crossed in the wrong order (docs/calibration.md).
"""

from __future__ import annotations

import math

import numpy as np

from experiments.analysis.calibration_config import CalibrationConfig, Target
from experiments.pipeline.outcomes import index_paths
from model.spec.runspec import parameters_for
from model.spec.timegrid import steps_in

_GRID_TOL = 1e-6


def first_crossing(median: np.ndarray, level: float, q0: int, q1: int) -> float:
    """First quarter in [q0, q1] whose median reaches ``level``; +inf when none does."""
    hit = np.flatnonzero(median[q0:q1 + 1] >= level - 1e-12)
    return float(q0 + hit[0]) if hit.size else math.inf


def count_inversions(order_times: list[tuple[float, float]]) -> tuple[int, int]:
    """Pairs (i before j by date, strictly) with crossing time t_i > t_j; and the number of pairs."""
    inv = pairs = 0
    for i, (di, ti) in enumerate(order_times):
        for dj, tj in order_times[i + 1:]:
            if dj > di:
                pairs += 1
                if ti > tj:
                    inv += 1
    return inv, pairs


def score(medians: dict[str, np.ndarray], start: float, targets: list[Target], window: tuple[float, float],
          order_weight: float) -> dict[str, float]:
    """Objective terms for median trajectories (index -> median by scenario quarter) in a window.

    ``window`` is [first date, end date) in years. Returns ``score`` and its components:
    ``mse_<index>`` (mean squared distance outside the band), ``inversions`` and ``order_pairs``.
    """
    lo, hi = window
    out: dict[str, float] = {}
    total = 0.0
    crossings: list[tuple[float, float]] = []
    for t in targets:
        med = medians[t.index]
        sel = (t.dates >= lo - _GRID_TOL) & (t.dates < hi - _GRID_TOL) & (t.quarters < len(med))
        m = med[t.quarters[sel]]
        d = np.maximum(t.lower[sel] - m, 0.0) + np.maximum(m - t.upper[sel], 0.0)
        mse = float(np.mean(d ** 2)) if d.size else 0.0
        out[f"mse_{t.index}"] = mse
        total += t.weight * mse
        if len(t.milestones):
            q0, q1 = steps_in(start, lo, hi, len(med) - 1)
            for date, level in zip(t.milestones["date"], t.milestones["code_level"]):
                if lo - _GRID_TOL <= date < hi - _GRID_TOL:
                    crossings.append((float(date), first_crossing(med, float(level), q0, q1)))
    crossings.sort(key=lambda x: x[0])
    inv, pairs = count_inversions(crossings)
    out["inversions"] = float(inv)
    out["order_pairs"] = float(pairs)
    out["score"] = total + order_weight * inv
    return out


class Objective:
    """Scores parameter values: R replications (common random numbers across trials), medians, score."""

    def __init__(self, config: CalibrationConfig):
        self.config = config
        self.last_date = config.window_dates[1] - 0.25

    def medians(self, values: dict[str, float], replications: int | None = None, seed: int | None = None,
                last_date: float | None = None) -> dict[str, np.ndarray]:
        cfg = self.config
        _, paths = index_paths(cfg.scenario, [values], replications or cfg.replications,
                               cfg.seed if seed is None else seed, last_date=last_date or self.last_date,
                               indices=[t.index for t in cfg.targets])
        return {k: np.median(v[0], axis=0) for k, v in paths.items()}

    def evaluate(self, values: dict[str, float], window: tuple[float, float] | None = None,
                 replications: int | None = None, seed: int | None = None) -> dict[str, float]:
        """The objective terms of ``values`` in ``window`` (default: the fit window)."""
        window = window or self.config.window_dates
        meds = self.medians(values, replications, seed, last_date=window[1] - 0.25)
        return score(meds, self.config.scenario.start, self.config.targets, window, self.config.order_weight)

    def __call__(self, values: dict[str, float]) -> dict[str, float]:
        return self.evaluate(values)


def start_values(config: CalibrationConfig) -> dict[str, float]:
    """The scenario's own values of the fitted parameters (clipped into the searched ranges)."""
    base = parameters_for(config.scenario)
    return {p.name: float(min(max(base[p.name], p.low), p.high)) for p in config.parameters}


