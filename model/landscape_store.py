"""Alignment landscapes of simulated runs: the predicted bloc configuration per run at a date.

Reads a result folder's tidy table at one date, rebuilds each run's power, cooperation,
threat and alignment arrays, derives sizes and propensities (model.landscape.from_state)
and finds the global minimum of the landscape per run.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .errors import InputError
from .landscape import exact_search, from_state


def run_arrays(df: pd.DataFrame):
    """Per run of a one-date tidy table: (actors, power, coop, threat, alignment) arrays."""
    actors = list(df["actor_a"].cat.categories) if hasattr(df["actor_a"], "cat") else \
        sorted(set(df["actor_a"]) | set(df["actor_b"]))
    domains = list(df["domain"].cat.categories) if hasattr(df["domain"], "cat") else sorted(set(df["domain"]))
    n, d = len(actors), len(domains)
    pos = {a: i for i, a in enumerate(actors)}
    dom = {x: i for i, x in enumerate(domains)}
    for run, g in df.groupby("run", sort=True):
        ia = g["actor_a"].astype(str).map(pos).to_numpy()
        ib = g["actor_b"].astype(str).map(pos).to_numpy()
        kd = g["domain"].astype(str).map(dom).to_numpy()
        coop = np.zeros((n, n, d))
        coop[ia, ib, kd] = g["cooperation"].to_numpy()
        coop[ib, ia, kd] = g["cooperation"].to_numpy()
        threat = np.zeros((n, n))
        threat[ia, ib] = g["threat_ab"].to_numpy()
        threat[ib, ia] = g["threat_ba"].to_numpy()
        align = np.zeros((n, n))
        align[ia, ib] = align[ib, ia] = g["alignment"].to_numpy()
        power = np.zeros(n)
        power[ia] = g["power_a"].to_numpy()
        power[ib] = g["power_b"].to_numpy()
        yield run, actors, power, coop, threat, align


def landscape_table(df: pd.DataFrame) -> pd.DataFrame:
    """One row per run: scenario, global-minimum configuration, its energy, each actor's frustration."""
    rows = []
    scen = df.groupby("run")["scenario"].first().astype(str) if "scenario" in df else None
    for run, actors, power, coop, threat, align in run_arrays(df):
        inp = from_state(power, coop, threat, align, names=actors)
        minima = exact_search(inp.sizes, inp.prop, names=actors)
        best = minima.iloc[0]
        rows.append({"run": run, "scenario": scen[run] if scen is not None else "", "configuration":
                     best["configuration"], "energy": float(best["energy"]), "n_minima": len(minima)})
    return pd.DataFrame(rows)


def run_landscape_store(root, date: float, descent: bool = False) -> int:
    """Print, per scenario, the share of runs in each predicted configuration and the median energy."""
    from experiments.store import load
    df = load(root)
    if "power_a" not in df.columns:
        raise InputError(str(root), None, "power_a", "the store lacks power columns needed for sizes")
    dates = np.sort(df["date"].unique())
    if not np.any(np.isclose(dates, date)):
        raise InputError(str(root), None, "--date", f"no rows at {date}; the store has dates "
                         f"{dates.min():g}–{dates.max():g}" + (" (summary dates: " + ", ".join(f"{x:g}" for x in
                                                                dates) + ")" if len(dates) < 20 else ""))
    table = landscape_table(df[np.isclose(df["date"], date)])
    for scen, g in table.groupby("scenario"):
        print(f"{scen} at {date:g}: {len(g)} runs, median energy {g['energy'].median():.4f}")
        shares = g["configuration"].value_counts(normalize=True)
        for conf, share in shares.items():
            print(f"  {share:6.1%}  {conf}")
    return 0
