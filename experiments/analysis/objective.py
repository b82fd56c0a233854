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
from experiments.analysis.history import StepDate
from experiments.pipeline.outcomes import point_paths
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


NEVER = 5.0  # years after the window's end at which a step the median run never takes is counted


def step_medians(entered: np.ndarray, start: float, steps: list[StepDate]) -> dict[str, float]:
    """Per step: the median over replications of the date it was first reached (+inf where never). ``entered``:
    (R, N, S) quarters of one point (-1 never)."""
    out = {}
    for st in steps:
        q = entered[:, st.actor, st.state].astype(float)
        out[st.name] = float(np.median(np.where(q >= 0, start + q / 4.0, np.inf)))
    return out


def step_terms(dates: dict[str, float], steps: list[StepDate], window: tuple[float, float], tolerance: float
               ) -> dict[str, float]:
    """Per step: squared years outside the tolerance (taken too late or too early; see the config's docs)."""
    lo, hi = window
    out = {}
    for st in steps:
        sim = dates[st.name]
        if st.date is not None and lo - _GRID_TOL <= st.date < hi - _GRID_TOL:
            miss = abs(min(sim, hi + NEVER) - st.date)
        elif st.date is None or st.date >= hi - _GRID_TOL:
            miss = max(hi - sim, 0.0)  # never taken by the window's end: each year before it is a miss
        else:
            continue  # dated before the window: not this window's business
        out[st.name] = max(miss - tolerance, 0.0) ** 2
    return out


def score(medians: dict[str, np.ndarray], start: float, targets: list[Target], window: tuple[float, float],
          order_weight: float, steps: dict[str, float] | None = None, step_weight: float = 0.0) -> dict[str, float]:
    """Objective terms for median trajectories (index -> median by scenario quarter) in a window.

    ``window`` is [first date, end date) in years. Returns ``score`` and its components:
    ``mse_<index>`` (mean squared distance outside the band), ``inversions`` and ``order_pairs``, and, given
    ``steps`` (step name -> squared years off, :func:`step_terms`), ``step_<name>`` each.
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
    for name, off in (steps or {}).items():
        out[f"step_{name}"] = off
        total += step_weight * off
    out["score"] = total + order_weight * inv
    return out


class Objective:
    """Scores parameter values: R replications (common random numbers across trials), medians, score."""

    def __init__(self, config: CalibrationConfig):
        self.config = config
        self.last_date = config.window_dates[1] - 0.25

    def medians(self, values: dict[str, float], replications: int | None = None, seed: int | None = None,
                last_date: float | None = None) -> tuple[dict[str, np.ndarray], dict[str, float]]:
        """The median of each target index per quarter, and each legal step's median date."""
        cfg = self.config
        p = point_paths(cfg.scenario, [values], replications or cfg.replications, cfg.seed if seed is None else seed,
                        last_date=last_date or self.last_date, indices=[t.index for t in cfg.targets])
        return ({k: np.median(v[0], axis=0) for k, v in p.indices.items()},
                step_medians(p.entered[0], cfg.scenario.start, cfg.steps))

    def evaluate(self, values: dict[str, float], window: tuple[float, float] | None = None,
                 replications: int | None = None, seed: int | None = None) -> dict[str, float]:
        """The objective terms of ``values`` in ``window`` (default: the fit window)."""
        window = window or self.config.window_dates
        return terms(self.config, *self.medians(values, replications, seed, last_date=window[1] - 0.25), window)

    def __call__(self, values: dict[str, float]) -> dict[str, float]:
        return self.evaluate(values)


def start_values(config: CalibrationConfig) -> dict[str, float]:
    """The scenario's own values of the fitted parameters (clipped into the searched ranges)."""
    base = parameters_for(config.scenario)
    return {p.name: float(min(max(base[p.name], p.low), p.high)) for p in config.parameters}




def terms(config: CalibrationConfig, medians: dict[str, np.ndarray], steps: dict[str, float],
          window: tuple[float, float]) -> dict[str, float]:
    """The objective of a config for one point's median paths and step dates, in ``window``."""
    off = step_terms(steps, config.steps, window, config.step_tolerance) if config.steps else None
    return score(medians, config.scenario.start, config.targets, window, config.order_weight, off,
                 config.step_weight)
