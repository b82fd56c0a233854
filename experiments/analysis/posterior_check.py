"""Posterior check: how well a fitted posterior reproduces the record, inside and outside its fit window.

    alliance check data/posterior_1990_2014 [--split 2015] [--draws 200] [--replications 40] [--seed 99]

For each index with a target band, in two eras (the record before ``--split`` and from it
on; by default the split is the year after the fit window, so the second era is held out):

- the share of band quarters in which the median of R runs lies inside the band, at the
  posterior's weighted median and at the scenario's own (default) values;
- the share of quarters in which the posterior predictive 90 % band (one run for each of
  ``--draws`` posterior draws) covers the coded target (the band's centre line), the share
  in which it overlaps the coded band at all, and its mean width.

A well-calibrated posterior covers a held-out target about 90 % of the time; much less
means the fit window does not constrain what happens later. :func:`steps` does the same for
the legal steps (data/legal_steps.csv): the predictive 5–95 % range of each step's date over
the draws, and whether it contains the historical date. Nothing here prints; ``alliance check``
writes ``check.csv``, ``steps.csv`` and ``check.json``.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from experiments.analysis.calibration_config import CalibrationConfig
from experiments.analysis.history import StepDate, read_steps
from experiments.pipeline.outcomes import index_paths, point_paths
from experiments.pipeline.posterior_file import Posterior
from model.spec.paths import DATA_DIR


def in_band(values: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
    """True where a value lies inside its band (edges included, to rounding)."""
    return (values >= lower - 1e-9) & (values <= upper + 1e-9)


def eras(config: CalibrationConfig, split: float | None) -> dict[str, tuple[float, float]]:
    """Two date ranges [from, to): the record before the split and from it on."""
    first = min(float(t.dates.min()) for t in config.targets)
    after, last = config.held_out_dates
    cut = float(split) if split is not None else after
    if cut >= last:
        cut = after if after < last else 2015.0
    return {f"{math.floor(first)}-{int(cut) - 1}": (first, cut), f"{int(cut)}-{int(last) - 1}": (cut, last)}


def check(config: CalibrationConfig, post: Posterior, split: float | None = None, draws: int = 200,
          replications: int = 40, seed: int = 99) -> pd.DataFrame:
    """One row per index and era: median-in-band shares and posterior predictive coverage (see module doc)."""
    last = max(float(t.dates.max()) for t in config.targets)
    names = [t.index for t in config.targets]
    dates, points = index_paths(config.scenario, [post.median(), {}], replications, seed, last_date=last,
                                indices=names)
    _, predictive = index_paths(config.scenario, post.draw(draws, seed), 1, seed, last_date=last, indices=names,
                                paired=False)
    rows = []
    fit_from, fit_to = config.window_dates
    periods = eras(config, split)
    for t in config.targets:
        at = np.searchsorted(dates, t.dates)
        median_of = {label: np.median(points[t.index][p], axis=0)[at] for p, label in ((0, "posterior median"),
                                                                                      (1, "scenario values"))}
        lo, hi = np.quantile(predictive[t.index][:, 0, :], [0.05, 0.95], axis=0)
        for era, (a, b) in periods.items():
            w = (t.dates >= a) & (t.dates < b)
            rows.append({
                "index": t.index, "era": era, "quarters": int(w.sum()),
                "held_out": bool(a >= fit_to or b <= fit_from),
                "median_in_band": float(in_band(median_of["posterior median"], t.lower, t.upper)[w].mean()),
                "defaults_in_band": float(in_band(median_of["scenario values"], t.lower, t.upper)[w].mean()),
                "predictive_covers_target": float(in_band(t.target, lo[at], hi[at])[w].mean()),
                "predictive_meets_band": float(((lo[at] <= t.upper + 1e-9) & (hi[at] >= t.lower - 1e-9))[w].mean()),
                "predictive_band_width": float((hi[at] - lo[at])[w].mean()),
            })
    return pd.DataFrame(rows)


def steps(config: CalibrationConfig, post: Posterior, draws: int = 200, seed: int = 99,
          until: float | None = None) -> pd.DataFrame:
    """One row per legal step: its historical date (data/legal_steps.csv), the share of the draws that take it by
    ``until`` (default: the last target year's end), the median and 5–95 % range of its date over those that do,
    and whether that range contains the historical date (the fit window's own steps, and the held-out ones)."""
    last = until or max(float(t.dates.max()) for t in config.targets) + 0.25
    sc = config.scenario
    table = read_steps(DATA_DIR / "legal_steps.csv", sc.world, last)
    p = point_paths(sc, post.draw(draws, seed), 1, seed, last_date=last - 0.25, indices=[], paired=False)
    fit_to = config.window_dates[1]
    rows = []
    for st in table:
        q = p.entered[:, 0, st.actor, st.state].astype(float)
        taken = q >= 0
        when = sc.start + q[taken] / 4.0
        lo, med, hi = np.quantile(when, [0.05, 0.5, 0.95]) if taken.any() else (np.nan,) * 3
        rows.append({"step": st.name, "historical": st.date,
                     "held_out": _held_out(st, fit_to) or st.name in config.held_out_steps,
                     "taken": float(taken.mean()), "median": float(med), "q05": float(lo), "q95": float(hi),
                     "covers": _covers(st, taken.mean(), lo, hi)})
    return pd.DataFrame(rows)


def _held_out(st: StepDate, fit_to: float) -> bool:
    return st.date is not None and st.date >= fit_to


def _covers(st: StepDate, taken: float, lo: float, hi: float) -> bool:
    """A dated step: its date lies in the predicted 5–95 % range; an untaken one: at most 10 % of draws take it."""
    if st.date is None:
        return bool(taken <= 0.1)
    return bool(taken >= 0.5 and lo - 1e-9 <= st.date <= hi + 1e-9)
