"""Scenario summaries of a result folder: where each scenario ends up, and how far it differs from the baseline.

:func:`summarise` gives, per scenario (and per parameter sample when the store holds a
design) at chosen dates, the median and the 5–95 % range of each world index over the
runs, and the *paired difference* from the baseline scenario: the mean over pairs of
``scenario - baseline``, where a pair is two runs with the same (sample, replication),
which share their random numbers (common random numbers), with a 95 % interval.

Why a t-interval of the paired mean: batches pair runs across scenarios, so the
per-pair differences are independent draws (one per random stream) and the quantity of
interest is their mean. The Student t interval ``mean ± t(0.975, n-1) · sd / √n`` is
exact for normal differences and, by the central limit theorem, close for the 10–20+
replications batches use; it is deterministic (no resampling seed, the same numbers on
every machine) and costs nothing on stores of millions of rows. A percentile bootstrap
would need no normality but undercovers at small n and adds Monte Carlo noise. With one
pair the interval is undefined (NaN); when every pair differs by the same amount (no
noise in the model) its width is zero, which is what the runs show.

Only the columns and dates needed are read (pyarrow filters), so a full store of
millions of rows is summarised in about a second.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from experiments.analysis.history import STEPS
from experiments.store.reader import columns, load, metadata, runs
from model.engines.tidy import STEP_PREFIX, index_columns, step_columns
from model.spec import pairing
from model.spec.domains import DOMAINS
from model.spec.errors import InputError, did_you_mean
from model.spec.paths import DATA_DIR
from model.spec.scenario import BASELINE
from model.spec.world import DEFAULT_DYAD

DEFAULT_DATES = (2025.0, 2040.0)  # when the experiment kept no summary dates
LEVEL = 0.95                      # interval of the paired mean difference
QUANTILES = (0.05, 0.95)          # the range of the runs' values
BY = (None, "domain")
STATS = ["n", "median", "q05", "q95", "pairs", "diff_mean", "diff_low", "diff_high"]


# ------------------------------------------------------------------ what the store holds
def design_parameters(meta: dict) -> list[str]:
    """The parameters a batch varied by design, summarised sample by sample.

    Empty for a single run, a batch without a design, and a posterior design: posterior
    draws are the uncertainty itself, so they are pooled (still paired across scenarios).
    """
    params = meta.get("parameters")
    if meta.get("design", "none") in ("none", "posterior") or not isinstance(params, list):
        return []
    return [str(p) for p in params]


def _dates_held(root, among=None) -> set[float]:
    """The dates the store holds (of ``among``, when given); one column of one domain is read."""
    filters = [("domain", "==", DOMAINS[0])] + ([("date", "in", list(among))] if among is not None else [])
    return {float(d) for d in load(root, columns=["date", "domain"], filters=filters)["date"].unique()}


def available_dates(root) -> list[float]:
    """Every date the store holds."""
    return sorted(_dates_held(root))


def _dates_text(dates: list[float]) -> str:
    if len(dates) > 6:
        gaps = set(np.round(np.diff(dates), 6).tolist())  # the spacing, said only when the dates have one
        gap = gaps.pop() if len(gaps) == 1 else None
        spacing = "" if gap is None else {0.25: "quarterly, ", 1.0: "yearly, "}.get(gap, f"every {gap:g} years, ")
        return f"{dates[0]:g}–{dates[-1]:g} ({spacing}{len(dates)} dates)"
    return ", ".join(f"{d:g}" for d in dates) or "no dates"


def _run_ids(have: list[str]) -> list[str]:
    """The run identifiers among a store's columns."""
    return [c for c in ("run", "scenario", "sample", "replication") if c in have]


def choose_dates(root, dates=None, meta: dict | None = None) -> list[float]:
    """The dates to summarise: the given ones (each must be in the store), else the experiment's summary dates,
    else 2025 and 2040 where the store holds them, else its last date."""
    if dates:
        wanted = sorted({float(d) for d in dates})
        have = _dates_held(root, wanted)
        missing = [d for d in wanted if d not in have]
        if missing:
            raise InputError(str(root), None, "--dates", f"{_dates_text(missing)} not in the store; it holds "
                             f"{_dates_text(available_dates(root))}")
        return wanted
    outputs = (metadata(root) if meta is None else meta).get("outputs")
    if isinstance(outputs, dict) and outputs.get("summary"):
        return sorted(float(d) for d in outputs["summary"])
    have = _dates_held(root, DEFAULT_DATES)
    return [d for d in DEFAULT_DATES if d in have] or available_dates(root)[-1:]


def choose_baseline(scenarios, baseline: str | None) -> str | None:
    """The baseline scenario: the one named (which must be in the store), else BASELINE when present."""
    if baseline is None:
        return BASELINE if BASELINE in scenarios else None
    if baseline not in scenarios:
        raise InputError("--baseline", None, "baseline", f"scenario '{baseline}' is not in the store "
                         f"(it holds {', '.join(sorted(scenarios))}){did_you_mean(baseline, scenarios)}")
    return baseline


# ------------------------------------------------------------------ the values to summarise
def index_values(root, dates: list[float]) -> pd.DataFrame:
    """One row per run, date and world index: ids, ``outcome`` (the index name) and ``value``."""
    have = columns(root)
    names = index_columns(have)
    if not names:
        raise InputError(str(root), None, None, "the store holds no world-index columns")
    ids = _run_ids(have)
    df = load(root, columns=ids + ["date", "domain"] + names, filters=[("date", "in", dates),
                                                                       ("domain", "==", DOMAINS[0])])
    df = df.drop(columns="domain").drop_duplicates(["run", "date"])  # indices repeat on every dyad row
    return df.melt(id_vars=ids + ["date"], value_vars=names, var_name="outcome", value_name="value")


def dyad_values(root, dates: list[float], dyad=DEFAULT_DYAD) -> pd.DataFrame:
    """One row per run, date and domain: ids, ``domain``, ``outcome`` ("cooperation") and ``value`` of the dyad."""
    a, b = (str(x) for x in dyad)
    if a == b:
        raise InputError("--dyad", None, "dyad", f"give two different actors, got {a} twice")
    ids = _run_ids(columns(root))
    cols = ids + ["date", "actor_a", "actor_b", "domain", "cooperation"]
    df = load(root, columns=cols, filters=[[("date", "in", dates), ("actor_a", "==", x), ("actor_b", "==", y)]
                                           for x, y in ((a, b), (b, a))])
    if df.empty:
        actors = load(root, columns=["actor_a", "actor_b", "date", "domain"],
                      filters=[("date", "in", dates[:1]), ("domain", "==", DOMAINS[0])])
        names = sorted(set(actors["actor_a"].astype(str)) | set(actors["actor_b"].astype(str)))
        bad = a if a not in names else b
        raise InputError("--dyad", None, "dyad", f"no rows for the dyad {a}–{b}: actor '{bad}' is not in the store "
                         f"(actors: {', '.join(names)}){did_you_mean(bad, names)}")
    df = df.drop(columns=["actor_a", "actor_b"]).rename(columns={"cooperation": "value"})
    df["domain"] = df["domain"].astype(str)
    df["outcome"] = "cooperation"
    return df


# ------------------------------------------------------------------ the statistics
def describe_values(df: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Runs, median and the 5–95 % range of ``value`` per group."""
    g = df.groupby(keys, observed=True, sort=True)["value"]
    out = g.agg(n="count", median="median")
    out["q05"] = g.quantile(QUANTILES[0])
    out["q95"] = g.quantile(QUANTILES[1])
    return out.reset_index()


def paired_differences(df: pd.DataFrame, keys: list[str], baseline: str, level: float = LEVEL) -> pd.DataFrame:
    """Mean of the paired differences ``scenario - baseline`` per group, with its t-interval
    (:func:`model.spec.pairing.effect`).

    Runs pair on (sample, replication) at the same date, outcome (and domain); the baseline's own
    rows get no difference.
    """
    m = pairing.differences(df, keys, baseline)
    out = pairing.effect_table(m, keys, level)[keys + ["pairs", "mean", "low", "high"]]
    return out.rename(columns={"mean": "diff_mean", "low": "diff_low", "high": "diff_high"})


# ------------------------------------------------------------------ the table
def _ranks(values) -> dict:
    """Each distinct value's position of first appearance (to sort in a given order, not alphabetically)."""
    return {v: i for i, v in enumerate(dict.fromkeys(values))}


def summarise(root, dates=None, baseline: str | None = None, by: str | None = None, dyad=DEFAULT_DYAD,
              level: float = LEVEL) -> pd.DataFrame:
    """Per scenario (and sample, for designs), date and outcome: runs, median, 5–95 % range, paired difference.

    ``by=None`` summarises every world index; ``by="domain"`` the cooperation of ``dyad`` in each
    domain. ``baseline`` defaults to ``historical_baseline`` when the store holds it (no
    differences otherwise). Columns: scenario, [sample and the varied parameters], date, outcome,
    [domain], n, median, q05, q95, pairs, diff_mean, diff_low, diff_high. ``df.attrs`` records the
    baseline, dates, level and interval.
    """
    if by not in BY:
        raise InputError("--by", None, "by", f"unknown '{by}'; choose domain{did_you_mean(str(by), ['domain'])}")
    meta, table = metadata(root), runs(root)
    dates = choose_dates(root, dates, meta)
    df = dyad_values(root, dates, dyad) if by == "domain" else index_values(root, dates)
    df["scenario"] = df["scenario"].astype(str)
    base = choose_baseline(set(df["scenario"]), baseline)
    params = design_parameters(meta) if "sample" in df.columns else []
    keys = ["scenario"] + (["sample"] if params else []) + ["date", "outcome"] + (["domain"] if by else [])
    out = describe_values(df, keys)
    if base is not None:
        out = out.merge(paired_differences(df, keys, base, level), on=keys, how="left")
    else:
        out[["pairs", "diff_mean", "diff_low", "diff_high"]] = np.nan
    out["pairs"] = out["pairs"].fillna(0).astype(int)
    if params:
        out = out.merge(table.drop_duplicates("sample").set_index("sample")[params], left_on="sample",
                        right_index=True, how="left")
    order = {"scenario": _ranks(table["scenario"].astype(str)), "outcome": _ranks(df["outcome"]),
             "domain": _ranks(DOMAINS)}  # the experiment's, the store's and the model's order
    out = out.sort_values(keys, key=lambda c: c.map(order[c.name]) if c.name in order else c, ignore_index=True)
    out = out[["scenario"] + (["sample"] + params if params else []) + keys[keys.index("date"):] + STATS]
    out.attrs.update(source=str(root), baseline=base, dates=dates, level=level, by=by,
                     dyad=list(dyad) if by == "domain" else None,
                     interval=f"{level:.0%} t-interval of the mean paired difference")
    return out


# ------------------------------------------------------------------ the legal steps
def legal_steps(root) -> pd.DataFrame:
    """Per scenario and legal step (``entered.ACTOR.STATE`` columns): the runs, the share that took the step
    within the horizon, the median date and 5–95 % range over those that did, and the historical date
    (data/legal_steps.csv; empty where the record has none). Empty when the store dates no steps."""
    have = columns(root)
    names = step_columns(have)
    if not names:
        return pd.DataFrame()
    df = load(root, columns=["run", "scenario", "domain", *names], filters=[("domain", "==", DOMAINS[0])])
    df = df.drop(columns="domain").drop_duplicates("run")
    hist = pd.read_csv(DATA_DIR / STEPS)
    known = {f"{STEP_PREFIX}{a}.{s}": float(d) for a, s, d in zip(hist["actor"], hist["state"], hist["date"])}
    rows = []
    order = _ranks(df["scenario"].astype(str))
    for scenario, part in df.groupby(df["scenario"].astype(str), sort=False):
        for col in names:
            dates = part[col].to_numpy(dtype=float)
            taken = dates[np.isfinite(dates)]
            q = np.quantile(taken, [0.05, 0.5, 0.95]) if taken.size else [np.nan] * 3
            rows.append({"scenario": scenario, "step": col.removeprefix(STEP_PREFIX).replace(".", ":", 1),
                         "runs": len(dates), "taken": taken.size / len(dates) if len(dates) else np.nan,
                         "median": q[1], "q05": q[0], "q95": q[2], "historical": known.get(col, np.nan)})
    out = pd.DataFrame(rows)
    return out.sort_values("scenario", kind="stable", key=lambda c: c.map(order)).reset_index(drop=True)
