"""The numbers the figures draw: quantiles over runs, scenario differences, limits, sweep bins, bloc shares.

Pure pandas/numpy (no matplotlib). Uncertainty bands are across runs: the 50% band spans
the 25th–75th percentile of the runs at each date, the 90% band the 5th–95th
(``numpy.quantile``, linear interpolation). Two stated resolutions keep figures honest:
scenarios within :data:`SAME_WITHIN` of the baseline at every date are "the same as the
baseline", and differences within :data:`RESOLUTION` are "below resolution".
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from experiments.plots import select
from model.spec import pairing
from model.spec.domains import DOMAINS
from model.spec.errors import InputError

QUANTILES, QCOLS = pairing.QUANTILES, pairing.QCOLS
N_BOOT = 1000
SAME_WITHIN = 0.001  # index points: a scenario this close to the baseline everywhere is drawn as "the same"
RESOLUTION = 0.01    # index points: the smallest scenario difference the difference figures resolve


# ------------------------------------------------------------------ quantiles over runs
def wide(series: pd.DataFrame) -> pd.DataFrame:
    """dates x runs for one scenario's run series."""
    return series.pivot(index="date", columns="run", values="value").sort_index()


def quantiles(arr: np.ndarray) -> np.ndarray:
    """(5, T) quantiles over the run axis (axis 1) of a (T, R) array; NaN-safe."""
    if np.isnan(arr).any():
        out = np.full((len(QUANTILES), arr.shape[0]), np.nan)
        ok = ~np.all(np.isnan(arr), axis=1)
        out[:, ok] = np.nanquantile(arr[ok], QUANTILES, axis=1)
        return out
    return np.quantile(arr, QUANTILES, axis=1)


def quantile_table(series: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Per scenario: date, q05, q25, q50, q75, q95 over runs, and n (runs)."""
    out = {}
    for s, part in series.groupby("scenario", sort=False):
        w = wide(part)
        q = quantiles(w.to_numpy(dtype=float))
        t = pd.DataFrame({"date": w.index.to_numpy(dtype=float)} | dict(zip(QCOLS, q)))
        t["n"] = w.shape[1]
        out[str(s)] = t
    return out


def band_widths(t: pd.DataFrame) -> np.ndarray:
    """Width of the 90% band (q95 - q05) at each date; zeros for one run."""
    return (t["q95"] - t["q05"]).to_numpy(dtype=float)


# ------------------------------------------------------------------ scenarios against the baseline
def baseline_departures(tables: dict[str, pd.DataFrame], baseline: str,
                        within: float = SAME_WITHIN) -> pd.DataFrame:
    """How each scenario's quantiles differ from the baseline's, on their common dates.

    One row per scenario other than the baseline: ``max_abs`` (largest difference of any
    quantile at any date) and ``departs`` (first date where some quantile differs by
    ``within`` or more; NaN when it never does: the scenario is the same as the baseline
    within ``within``).
    """
    rows = []
    base = tables[baseline].set_index("date")[list(QCOLS)]
    for s, t in tables.items():
        if s == baseline:
            continue
        d = (t.set_index("date")[list(QCOLS)] - base).dropna(how="all")
        gap = d.abs().max(axis=1)
        off = gap[gap >= within]
        rows.append({"scenario": s, "max_abs": float(gap.max()) if len(gap) else np.nan,
                     "departs": float(off.index[0]) if len(off) else np.nan})
    return pd.DataFrame(rows, columns=["scenario", "max_abs", "departs"])


def difference_bands(series: pd.DataFrame, baseline: str, scenario: str, *, n_boot: int = N_BOOT,
                     seed: int = 0, keys: tuple | None = None) -> tuple[pd.DataFrame, str]:
    """Scenario minus baseline per date: (date, q05, q25, q50, q75, q95, n) and the method.

    ``paired``: both scenarios have the same replication ids (and samples), so run k of
    the scenario is paired with run k of the baseline (same seed: common random numbers);
    the line is the median of the paired differences and the bands hold 50%/90% of them.
    ``bootstrap``: otherwise the line is the difference of the two medians and the bands
    are 50%/90% percentile intervals of that difference over ``n_boot`` bootstrap
    resamples of each scenario's runs. ``single``: one run on either side, no band.
    ``keys``: the two sides' run keys (:func:`model.spec.pairing.run_keys`) when the caller has them already.
    The statistics are model/spec/pairing.py's (:func:`~model.spec.pairing.effect`,
    :func:`~model.spec.pairing.unpaired_bootstrap`).
    """
    a, b = series[series["scenario"] == scenario], series[series["scenario"] == baseline]
    wa, wb = wide(a), wide(b)
    dates = wa.index.intersection(wb.index)
    wa, wb = wa.loc[dates], wb.loc[dates]
    ka, kb = keys if keys is not None else (pairing.run_keys(a), pairing.run_keys(b))
    if ka is not None and kb is not None and set(ka) == set(kb) and len(ka) > 1:
        wa.columns = ka.loc[wa.columns].to_numpy()
        wb.columns = kb.loc[wb.columns].to_numpy()
        d = (wa - wb[wa.columns]).to_numpy(dtype=float)
        e = pairing.effect(d, axis=1)
        q, method, n = np.stack([e[c] for c in QCOLS]), "paired", d.shape[1]
    else:
        A, B = wa.to_numpy(dtype=float), wb.to_numpy(dtype=float)
        n = min(A.shape[1], B.shape[1])
        method = "single" if n < 2 else "bootstrap"
        mid = np.median(A, axis=1) - np.median(B, axis=1)
        q = np.vstack([mid] * len(QUANTILES)) if n < 2 else pairing.unpaired_bootstrap(A, B, n_boot, seed)
    t = pd.DataFrame({"date": np.asarray(dates, dtype=float)} | dict(zip(QCOLS, q)))
    t["n"] = n
    return t, method


@dataclass
class Differences:
    """What a difference figure draws: one band table per panel (index or domain), the method, run counts."""

    baseline: str
    scenario: str
    dyad: tuple
    outcome: str
    method: str
    panels: dict[str, pd.DataFrame]
    runs: dict[str, int]
    indices: list[str] = field(default_factory=list)
    n_boot: int = N_BOOT


def _panel_series(df, outcome, dyad, indices, domains, at) -> dict[str, pd.DataFrame]:
    """Run series per panel: each world index (for cooperation), else the dyad's mean; then each domain."""
    out = {}
    if outcome == "cooperation" and indices:
        for name in indices:
            out[name] = select.run_series(df, name, source=at)
    else:
        out["index"] = select.run_series(df, outcome, dyad, None, source=at)
    if domains:
        out |= select.run_series_by_domain(df, outcome, dyad, domains, source=at)
    return out


def _default_domains(df, dyad) -> list[str]:
    """The table's domains in model order, or none when the dyad is not in the world."""
    if "domain" not in df.columns or not {str(a) for a in dyad} <= set(select.actors(df)):
        return []
    present = set(select.text(df["domain"]))
    return [d for d in DOMAINS if d in present]


def difference_panels(df: pd.DataFrame, baseline: str, scenario: str, dyad=select.DEFAULT_DYAD, *,
                      outcome: str = "cooperation", indices=None, domains=None, n_boot: int = N_BOOT,
                      seed: int = 0, source=None) -> Differences:
    """Scenario minus baseline for the figure's panels (see :func:`difference_bands`).

    Panels: for ``cooperation``, each world index (``indices``, default the table's), then
    the dyad's cooperation in each domain (``domains``, default all, when the dyad is in the
    world). For another outcome the dyad's mean over domains (key ``index``) comes first.
    """
    at = select.where(df, source)
    select.need(df, ["scenario"], at)
    select.pick_scenarios(df, [baseline, scenario], at)
    sub = df[select.isin(df["scenario"], [baseline, scenario])]
    indices = select.index_names(df) if indices is None else list(indices)
    domains = _default_domains(df, dyad) if domains is None else list(domains)
    panels, method = {}, "single"
    keys = tuple(pairing.run_keys(sub[select.eq(sub["scenario"], s)]) for s in (scenario, baseline))  # once
    for key, series in _panel_series(sub, outcome, dyad, indices, domains, at).items():
        t, method = difference_bands(series, baseline, scenario, n_boot=n_boot, seed=seed, keys=keys)
        if t.empty:
            raise InputError(at, None, "date", f"'{scenario}' and '{baseline}' share no dates")
        panels[key] = t
    runs = {s: int(sub.loc[select.eq(sub["scenario"], s), "run"].nunique()) for s in (scenario, baseline)}
    return Differences(baseline, scenario, tuple(dyad), outcome, method, panels, runs,
                       [k for k in panels if k in indices], n_boot)


def nice_ceil(x: float) -> float:
    """The smallest round number (1, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 x 10^k) that is >= x (x > 0)."""
    k = math.floor(math.log10(x))
    for m in (1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0):
        v = float(f"{m}e{k}")  # the decimal number itself (0.3, not 0.30000000000000004)
        if v >= x * (1 - 1e-12):
            return v
    return float(f"1e{k + 1}")


def largest_effect(t: pd.DataFrame) -> float:
    """The largest |difference| of the line and its 90% band at any date."""
    v = np.abs(t[list(QCOLS)].to_numpy(dtype=float))
    return float(np.nanmax(v)) if v.size and not np.all(np.isnan(v)) else 0.0


def symmetric_limit(tables, resolution: float = RESOLUTION, headroom: float = 1.05) -> float:
    """One y limit ±L for difference panels: a round number above every |difference| drawn, at least ``resolution``."""
    top = max([largest_effect(t) for t in tables] + [0.0])
    return nice_ceil(max(resolution, top * headroom))


def below_resolution(t: pd.DataFrame, resolution: float = RESOLUTION) -> bool:
    """Whether the line and its 90% band stay within ±``resolution`` at every date."""
    return largest_effect(t) < resolution


# ------------------------------------------------------------------ parameter sweeps
def _binned(x: pd.Series, bins: int, discrete_max: int = 12) -> tuple[pd.Series, np.ndarray | None]:
    """Group key per run: the value itself for a grid (few distinct values, repeated or no more
    than ``bins``), else a quantile bin (with its edges)."""
    k = x.nunique()
    if k <= discrete_max and (len(x) > k or k <= bins):
        return x, None
    cats, edges = pd.qcut(x, bins, retbins=True, duplicates="drop")
    return cats.cat.codes, edges


def sweep_table(values: pd.DataFrame, param: str, bins: int) -> tuple[pd.DataFrame, bool]:
    """Quantiles of ``value`` per parameter value (a grid) or per quantile bin (a sampled design).

    Returns (x, q05..q95, n) sorted by x, x being the bin's median parameter value, and
    whether the design was binned.
    """
    v = values.dropna(subset=[param, "value"])
    key, edges = _binned(v[param], min(bins, max(3, len(v) // 5)))
    g = v.groupby(key)
    q = np.vstack([g["value"].quantile(qq).to_numpy() for qq in QUANTILES])
    t = pd.DataFrame({"x": g[param].median().to_numpy(dtype=float)} | dict(zip(QCOLS, q))
                     | {"n": g.size().to_numpy()})
    return t.sort_values("x").reset_index(drop=True), edges is not None


def cell_edges(x: pd.Series, bins: int) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """Cell index per run, cell edges and cell centres along one parameter (grid values or quantile bins)."""
    u = np.sort(x.unique())
    if len(u) <= 12:
        mids = (u[1:] + u[:-1]) / 2 if len(u) > 1 else np.array([])
        step = (u[1] - u[0]) if len(u) > 1 else 1.0
        last = (u[-1] - u[-2]) if len(u) > 1 else 1.0
        edges = np.concatenate([[u[0] - step / 2], mids, [u[-1] + last / 2]])
        return pd.Series(np.searchsorted(u, x.to_numpy()), index=x.index), edges, u
    edges = np.unique(np.quantile(x.to_numpy(), np.linspace(0, 1, bins + 1)))
    idx = np.clip(np.searchsorted(edges, x.to_numpy(), side="right") - 1, 0, len(edges) - 2)
    return pd.Series(idx, index=x.index), edges, (edges[1:] + edges[:-1]) / 2


def heatmap_cells(values: pd.DataFrame, param_x: str, param_y: str, bins: int) -> dict:
    """Median ``value`` and run count per cell of two parameters: {values, counts, x_edges, y_edges}.

    ``bins`` is lowered so that cells hold about three runs or more on average.
    """
    v = values.dropna(subset=[param_x, param_y, "value"])
    bins = max(2, min(bins, int(math.sqrt(len(v) / 3))))
    ix, ex, _ = cell_edges(v[param_x], bins)
    iy, ey, _ = cell_edges(v[param_y], bins)
    grid = np.full((len(ey) - 1, len(ex) - 1), np.nan)
    counts = np.zeros_like(grid, dtype=int)
    g = v.assign(_ix=ix.to_numpy(), _iy=iy.to_numpy()).groupby(["_iy", "_ix"])["value"]
    for (yy, xx), m in g.median().items():
        grid[int(yy), int(xx)] = m
    for (yy, xx), c in g.size().items():
        counts[int(yy), int(xx)] = c
    return {"values": grid, "counts": counts, "x_edges": ex, "y_edges": ey, "runs": len(v)}


# ------------------------------------------------------------------ blocs (landscape minima)
def bloc_summary(table: pd.DataFrame, scenario: str) -> dict:
    """Per date: share of runs per configuration, energy quartiles, median frustration per actor.

    ``single`` is the configuration when every run has the same one at every date, else None.
    """
    sub = table[select.eq(table["scenario"], scenario)]
    shares = sub.groupby(["date", "configuration"]).size().unstack(fill_value=0)
    shares = shares.div(shares.sum(axis=1), axis=0)
    shares = shares[shares.max().sort_values(ascending=False).index]
    energy = sub.groupby("date")["energy"].quantile([0.25, 0.5, 0.75]).unstack()
    fcols = [c for c in sub.columns if str(c).startswith("frustration_")]
    frustration = sub.groupby("date")[fcols].median().rename(columns=lambda c: c[len("frustration_"):])
    return {"shares": shares, "energy": energy, "frustration": frustration, "runs": int(sub["run"].nunique()),
            "single": str(shares.columns[0]) if shares.shape[1] == 1 else None}
