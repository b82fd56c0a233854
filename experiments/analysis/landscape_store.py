"""Alignment landscapes of simulated runs: the predicted bloc configuration per run and date.

Rebuilds each (run, date)'s power, cooperation, threat and alignment arrays from a
result folder's tidy table, derives sizes and propensities (experiments.analysis.landscape.from_state)
and finds the global minimum of the landscape: the configuration the world is
drifting toward, its energy and each actor's frustration. Exact search enumerates
``2**(N-1)`` configurations, so worlds of more than ``MAX_EXACT_ACTORS`` actors need
``descent=True`` (multi-start steepest descent: the lowest minimum found, not proven global).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from experiments.analysis.landscape import MAX_EXACT_ACTORS, descent_search, exact_search, from_state, frustration
from model.spec.domains import DOMAINS
from model.spec.errors import InputError

NEEDED = ["scenario", "run", "date", "actor_a", "actor_b", "domain", "cooperation", "threat_ab", "threat_ba",
          "alignment", "power_a", "power_b"]


def _codes(col: pd.Series, order: list[str]):
    """Integer codes of a column's values in the given order."""
    cat = pd.Categorical(col.astype(str), categories=order)
    return np.asarray(cat.codes), list(cat.categories)


def state_arrays(df: pd.DataFrame):
    """Arrays per (scenario, run, date) of a tidy table.

    Returns (keys, actors, power (K,N), coop (K,N,N,D), threat (K,N,N), alignment (K,N,N)),
    ``keys`` being a DataFrame with the scenario, run and date of each of the K states.
    """
    missing = [c for c in NEEDED if c not in df.columns]
    if missing:
        raise InputError("<table>", None, missing[0], "the results lack this column, needed for landscapes")
    # dyads are stored (a, b) with a before b in world order: a-values in order, then b-values
    actors = list(dict.fromkeys(list(pd.unique(df["actor_a"].astype(str)))
                                + list(pd.unique(df["actor_b"].astype(str)))))
    ia, _ = _codes(df["actor_a"], actors)
    ib, _ = _codes(df["actor_b"], actors)
    present = set(pd.unique(df["domain"].astype(str)))
    kd, domains = _codes(df["domain"], [d for d in DOMAINS if d in present] + sorted(present - set(DOMAINS)))
    keys = df[["scenario", "run", "date"]].astype({"scenario": str}).drop_duplicates().sort_values(
        ["scenario", "run", "date"]).reset_index(drop=True)
    index = pd.MultiIndex.from_frame(keys)
    k = index.get_indexer(pd.MultiIndex.from_frame(df[["scenario", "run", "date"]].astype({"scenario": str})))
    n, d, m = len(actors), len(domains), len(keys)
    coop = np.zeros((m, n, n, d))
    coop[k, ia, ib, kd] = coop[k, ib, ia, kd] = df["cooperation"].to_numpy()
    threat = np.zeros((m, n, n))
    threat[k, ia, ib] = df["threat_ab"].to_numpy()
    threat[k, ib, ia] = df["threat_ba"].to_numpy()
    align = np.zeros((m, n, n))
    align[k, ia, ib] = align[k, ib, ia] = df["alignment"].to_numpy()
    power = np.zeros((m, n))
    power[k, ia] = df["power_a"].to_numpy()
    power[k, ib] = df["power_b"].to_numpy()
    return keys, actors, power, coop, threat, align


def _check_size(n: int, max_actors: int, descent: bool) -> None:
    if n > max_actors and not descent:
        raise InputError("--store", None, "--descent", f"the world has {n} actors; exact search enumerates "
                         f"2**(N-1) configurations and is limited to {max_actors}: add --descent "
                         "(multi-start steepest descent)")


def landscape_table(df: pd.DataFrame, max_actors: int = MAX_EXACT_ACTORS, descent: bool = False) -> pd.DataFrame:
    """One row per (scenario, run, date): the global-minimum configuration, its energy, the
    number of local minima, and each actor's frustration (``frustration_<actor>`` columns).

    ``descent`` searches by multi-start steepest descent (any number of actors; the lowest
    minimum found); without it a world of more than ``max_actors`` actors is refused."""
    keys, actors, power, coop, threat, align = state_arrays(df)
    _check_size(len(actors), max_actors, descent)
    rows = []
    for i in range(len(keys)):
        inp = from_state(power[i], coop[i], threat[i], align[i], names=actors)
        if descent:
            minima = descent_search(inp.sizes, inp.prop, names=actors)
        else:
            minima = exact_search(inp.sizes, inp.prop, names=actors, max_actors=max_actors)
        best = minima.iloc[0]
        fr = frustration(inp.sizes, inp.prop, np.asarray(best["assignment"]))
        rows.append({"configuration": best["configuration"], "energy": float(best["energy"]),
                     "n_minima": len(minima)} | {f"frustration_{a}": float(v) for a, v in zip(actors, fr)})
    return pd.concat([keys, pd.DataFrame(rows)], axis=1)


def run_landscape_store(root, date: float, descent: bool = False) -> int:
    """Print, per scenario, the share of runs in each predicted configuration and the median energy."""
    from experiments.store.reader import load, require_rows
    require_rows(root, "no landscape to compute")
    probe = load(root, columns=["date"])
    dates = np.sort(probe["date"].unique())
    if not np.any(np.isclose(dates, date)):
        shown = ", ".join(f"{x:g}" for x in dates) if len(dates) < 20 else f"{dates.min():g}–{dates.max():g}"
        raise InputError(str(root), None, "--date", f"no rows at {date:g}; the results have dates {shown}")
    df = load(root, filters=[("date", "==", float(dates[np.isclose(dates, date)][0]))])
    missing = [c for c in NEEDED if c not in df.columns]
    if missing:
        raise InputError(str(root), None, missing[0], "the results lack this column, needed for landscapes")
    table = landscape_table(df, descent=descent)
    how = "multi-start steepest descent: lowest minimum found" if descent else "exact search"
    for scen, g in table.groupby("scenario"):
        print(f"{scen} at {date:g}: {len(g)} runs, median energy {g['energy'].median():.4f} ({how})")
        for conf, share in g["configuration"].value_counts(normalize=True).items():
            print(f"  {share:6.1%}  {conf}")
        fcols = [c for c in g.columns if c.startswith("frustration_")]
        med = g[fcols].median()
        print("  median frustration: " + ", ".join(f"{c[len('frustration_'):]} {v:.4f}" for c, v in med.items()))
    return 0
