"""Which runs pair, and what a paired difference says: run identities and effect statistics, in one place.

**Identity.** A run is ``(sample, replication)`` under a master seed: ``sample`` numbers the
parameter set (a design point, a posterior draw; 0 at fixed parameters) and
``replication`` the random stream drawn for it. Its shocks and hazard draws are
``SeedSequence(seed, spawn_key=(sample, replication))`` (model/spec/seeding.py), whatever
command made it: replication r of ``alliance run --seed s`` is replication r of sample 0
of a batch with seed s, and ``alliance run --posterior -r N`` is samples 0..N-1 (one draw
each) of a posterior batch with N samples. Runs of different scenarios with the same
identity share their random numbers (common random numbers), so their difference is
*paired*: only the scenario differs.

**Effects.** Every consumer (``alliance results``, the figures, the response table,
``alliance whatif``, the page) summarises paired differences d = scenario − reference
with :func:`effect`: the number of pairs, the mean and its Student t interval, the median
and the 5/25/75/95 % quantiles of d (the spread of the effect over runs or draws), and the
shares of pairs with d > 0 and d < 0. Runs that cannot be paired (different identities)
get :func:`unpaired_bootstrap`, a percentile bootstrap of the difference of medians.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from model.spec.runspec import RunSpec, parameters_for
from model.spec.scenario import Scenario

KEY = ("sample", "replication")  # the table's columns that identify a run within a scenario
QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
QCOLS = ("q05", "q25", "q50", "q75", "q95")
STATS = ("pairs", "mean", "low", "high", "median", *QCOLS, "positive", "negative")


def identity(sample: int = 0, replication: int = 0) -> tuple[int, int]:
    """The identity that seeds a run's random streams (with the master seed)."""
    return (int(sample), int(replication))


def spec(scenario: Scenario, seed: int, overrides: dict | None = None, sample: int = 0,
         replication: int = 0) -> RunSpec:
    """One run: the scenario with its parameters (registry, scenario, ``overrides``), seed and identity."""
    return RunSpec(scenario, parameters_for(scenario, overrides), int(seed), identity(sample, replication))


def runs(scenario: Scenario, seed: int, n: int, overrides: dict | None = None, draws: list[dict] | None = None,
         first: int = 0) -> list[RunSpec]:
    """``n`` runs of one scenario: replications first..first+n-1 of sample 0 at fixed parameters; with
    ``draws`` (one parameter mapping per run, e.g. a posterior's), run r is sample first+r (replication 0)
    with draw r, and ``overrides`` on top (a value the user fixes wins over the draw: ``--set``)."""
    if draws is None:
        return [spec(scenario, seed, overrides, 0, first + r) for r in range(n)]
    return [spec(scenario, seed, {**draws[r], **(overrides or {})}, first + r, 0) for r in range(n)]


# ------------------------------------------------------------------ statistics of paired differences
def t_interval(mean, sd, n, level: float):
    """Student t interval of a mean from its sample sd and size (NaN where n < 2)."""
    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        half = stats.t.ppf(0.5 + level / 2, np.where(n > 1, n - 1, np.nan)) * np.asarray(sd) / np.sqrt(n)
    return mean - half, mean + half


def effect(d: np.ndarray, level: float = 0.95, axis: int = -1) -> dict[str, np.ndarray]:
    """The statistics of paired differences ``d`` along ``axis`` (the pairs), by name (see :data:`STATS`).

    ``low``/``high``: the ``level`` t interval of the mean; ``q05``…``q95``: quantiles of d (linear
    interpolation); ``positive``/``negative``: shares of pairs with d > 0 and d < 0 (the rest are 0).
    NaN differences (a run missing on one side) are left out.
    """
    d = np.moveaxis(np.asarray(d, dtype=float), axis, -1)
    ok = ~np.isnan(d)
    n = ok.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.nanmean(d, axis=-1) if d.shape[-1] else np.full(d.shape[:-1], np.nan)
        sd = np.nanstd(d, axis=-1, ddof=1) if d.shape[-1] > 1 else np.full(d.shape[:-1], np.nan)
    low, high = t_interval(mean, sd, n, level)
    q = _quantiles(d, ok)
    with np.errstate(invalid="ignore", divide="ignore"):
        positive, negative = (np.where(ok, d > 0, False).sum(-1) / n, np.where(ok, d < 0, False).sum(-1) / n)
    return {"pairs": n, "mean": mean, "low": low, "high": high, "median": q[2], **dict(zip(QCOLS, q)),
            "positive": positive, "negative": negative}


def _quantiles(d: np.ndarray, ok: np.ndarray) -> np.ndarray:
    """(5, ...) quantiles of d over its last axis, NaN where a group has no value."""
    if ok.all():
        return np.quantile(d, QUANTILES, axis=-1) if d.shape[-1] else np.full((5,) + d.shape[:-1], np.nan)
    out = np.full((len(QUANTILES),) + d.shape[:-1], np.nan)
    some = ok.any(axis=-1)
    out[:, some] = np.nanquantile(d[some], QUANTILES, axis=-1)
    return out


def unpaired_bootstrap(a: np.ndarray, b: np.ndarray, n_boot: int, seed: int) -> np.ndarray:
    """(5, T) percentile intervals of median(a) − median(b) over bootstrap resamples of the runs (axis 1),
    for runs that cannot be paired; row 2 is the difference of the medians itself."""
    rng = np.random.default_rng(seed)
    boots = np.empty((n_boot, a.shape[0]))
    chunk = max(1, int(2e7 // max(1, a.shape[0] * (a.shape[1] + b.shape[1]))))
    for s0 in range(0, n_boot, chunk):
        k = min(chunk, n_boot - s0)
        ia = rng.integers(0, a.shape[1], (k, a.shape[1]))
        ib = rng.integers(0, b.shape[1], (k, b.shape[1]))
        boots[s0:s0 + k] = np.median(a.T[ia], axis=1) - np.median(b.T[ib], axis=1)
    q = np.quantile(boots, QUANTILES, axis=0)
    q[2] = np.median(a, axis=1) - np.median(b, axis=1)
    return q


# ------------------------------------------------------------------ pairing rows of a tidy table
def run_keys(df: pd.DataFrame) -> pd.Series | None:
    """run -> "sample/replication" of one scenario's rows, or None when the identities do not tell runs apart."""
    keys = [c for c in KEY if c in df.columns]
    if "replication" not in keys:
        return None
    per_run = df.drop_duplicates("run")[["run"] + keys]
    k = per_run[keys].astype(str).agg("/".join, axis=1)
    if k.duplicated().any():
        return None
    return pd.Series(k.to_numpy(), index=per_run["run"].to_numpy())


def differences(df: pd.DataFrame, on: list[str], reference: str) -> pd.DataFrame:
    """The rows of every other scenario with ``diff`` = value − the reference scenario's value of the same
    run identity (sample, replication) and the same ``on`` columns (date, outcome, domain ...)."""
    pair = [c for c in KEY if c in df.columns]
    on = pair + [k for k in on if k not in ("scenario", *KEY)]
    base = df[df["scenario"].astype(str) == reference][on + ["value"]].rename(columns={"value": "reference"})
    other = df[df["scenario"].astype(str) != reference]
    m = other.merge(base, on=on, how="inner")
    m["diff"] = m["value"] - m["reference"]
    return m


def effect_table(m: pd.DataFrame, keys: list[str], level: float = 0.95) -> pd.DataFrame:
    """:func:`effect` of ``m["diff"]`` per group of ``keys`` (one row per group, the :data:`STATS` columns)."""
    rows = []
    for key, g in m.groupby(keys, observed=True, sort=True)["diff"]:
        e = effect(g.to_numpy(dtype=float), level)
        rows.append(dict(zip(keys, key if isinstance(key, tuple) else (key,))) | {s: e[s].item() for s in STATS})
    return pd.DataFrame(rows, columns=[*keys, *STATS])
