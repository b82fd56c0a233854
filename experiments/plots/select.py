"""Picking what a figure draws from the tidy table: scenarios, actors, dyads, dates, run series, events.

Pure pandas/numpy (no matplotlib), so every number a figure shows can be computed and
tested without drawing. Missing columns, scenarios, actors, domains or dates raise
:class:`model.spec.errors.InputError` naming the store (or ``<table>``) and the field.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from model.engines.tidy import VALUE_COLUMNS, index_columns
from model.spec.errors import InputError, did_you_mean
from model.spec.scenario import BASELINE
from model.spec.world import DEFAULT_DYAD

ID_COLUMNS = ("scenario", "run", "replication", "sample")
EVENT_COLUMNS = ("date", "label", "quantity", "op", "value", "own")
_SWAPPED = {"threat_ab": "threat_ba", "threat_ba": "threat_ab", "ceiling_ab": "ceiling_ba", "ceiling_ba": "ceiling_ab",
            "power_a": "power_b", "power_b": "power_a"}


# ------------------------------------------------------------------ checks
def where(df: pd.DataFrame, source=None) -> str:
    """What errors and source notes name: the given source, the table's store, or ``<table>``."""
    return str(source or df.attrs.get("source") or "<table>")


def need(df: pd.DataFrame, columns, at: str) -> None:
    """InputError naming the first missing column (or an empty table)."""
    for c in columns:
        if c not in df.columns:
            raise InputError(at, None, c, f"column '{c}' is missing from the result table"
                             f"{did_you_mean(c, df.columns)} (it has: {', '.join(map(str, df.columns))})")
    if len(df) == 0:
        raise InputError(at, None, None, "the result table has no rows")


# ------------------------------------------------------------------ text columns
def isin(col: pd.Series, values) -> np.ndarray:
    """Boolean mask ``col in values`` compared as text, fast on categorical columns."""
    values = {str(v) for v in values}
    if isinstance(col.dtype, pd.CategoricalDtype):
        codes = [i for i, c in enumerate(col.cat.categories) if str(c) in values]
        return np.isin(col.cat.codes.to_numpy(), codes)
    return col.astype(str).isin(values).to_numpy(dtype=bool)


def eq(col: pd.Series, value) -> np.ndarray:
    """Boolean mask ``col == value`` compared as text."""
    return isin(col, [value])


def text(col: pd.Series) -> np.ndarray:
    """Column values as an array of str (fast on categorical columns)."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        cats = np.array([str(c) for c in col.cat.categories] + [""], dtype=object)
        return cats[col.cat.codes.to_numpy()]
    return np.array([str(v) for v in col.to_numpy()], dtype=object)


# ------------------------------------------------------------------ scenarios
def scenarios_in(df: pd.DataFrame) -> list[str]:
    """Scenario names in store order (category order, else order of appearance)."""
    col = df["scenario"]
    if isinstance(col.dtype, pd.CategoricalDtype):
        present = set(col.unique().astype(str))
        return [str(c) for c in col.cat.categories if str(c) in present]
    return [str(s) for s in pd.unique(col)]


def pick_scenarios(df: pd.DataFrame, scenarios, at: str, baseline: str = BASELINE) -> list[str]:
    """The named scenarios (checked), or all with the baseline first."""
    have = scenarios_in(df)
    if scenarios is None:
        return sorted(have, key=lambda s: s != baseline)
    if isinstance(scenarios, str):
        scenarios = [scenarios]
    for s in scenarios:
        if s not in have:
            raise InputError(at, None, "scenario", f"no scenario '{s}' in the results"
                             f"{did_you_mean(s, have)} (they have: {', '.join(have)})")
    return list(scenarios)


def one_scenario(df: pd.DataFrame, scenario, at: str) -> str:
    """The named scenario, else the historical baseline when present, else the first."""
    have = scenarios_in(df)
    if scenario is None:
        return BASELINE if BASELINE in have else have[0]
    return pick_scenarios(df, [scenario], at)[0]


def rows_of(df: pd.DataFrame, scenario: str) -> pd.DataFrame:
    """The rows of one scenario."""
    return df[eq(df["scenario"], scenario)]


# ------------------------------------------------------------------ indices, dates, actors
def index_names(df, meta: dict | None = None) -> list[str]:
    """The world indices of a table (or a list of its column names): as the store's metadata declares
    them (in order), else every column :func:`model.engines.tidy.index_columns` counts as an index."""
    declared = (meta or {}).get("indices")
    if isinstance(declared, dict):  # a batch: scenario -> names
        declared = [n for names in declared.values() for n in names]
    have = index_columns(list(getattr(df, "columns", df)))
    if declared:
        return [n for n in dict.fromkeys(declared) if n in have]
    return have


def nearest_date(df: pd.DataFrame, date: float, at: str) -> float:
    """The simulated date within a quarter of ``date``."""
    dates = np.unique(df["date"].to_numpy(dtype=float))
    i = int(np.argmin(np.abs(dates - date)))
    if abs(dates[i] - date) > 0.25 + 1e-9:
        have = (", ".join(f"{d:g}" for d in dates) if len(dates) <= 12
                else f"quarters from {dates.min():g} to {dates.max():g}")
        raise InputError(at, None, "date", f"no simulated date within a quarter of {date:g} "
                         f"(the results have {have})")
    return float(dates[i])


def default_dates(df: pd.DataFrame) -> list[float]:
    """1990, 2001 Q4, 2014 Q3 and 2025 where the table covers them, snapped to its dates."""
    dates = np.unique(df["date"].to_numpy(dtype=float))
    lo, hi = dates.min(), dates.max()
    picks = [float(dates[np.argmin(np.abs(dates - d))]) for d in (1990.0, 2001.75, 2014.5, 2025.0) if lo <= d <= hi]
    picks = list(dict.fromkeys(picks))
    return picks or list(dict.fromkeys([float(lo), float(hi)]))


def actors(df: pd.DataFrame) -> list[str]:
    """Actors in world order. The tidy table stores each dyad once as (a, b) with a before b
    in the world's order, so the k-th actor is actor_a of n-1-k distinct partners; this holds
    whatever order the category labels are in (batch stores sort them alphabetically)."""
    a, b = df["actor_a"], df["actor_b"]
    if isinstance(a.dtype, pd.CategoricalDtype) and isinstance(b.dtype, pd.CategoricalDtype):
        pairs = pd.DataFrame({"a": a.cat.codes.to_numpy(), "b": b.cat.codes.to_numpy()}).drop_duplicates()
        pairs = pd.DataFrame({"a": np.asarray(a.cat.categories, dtype=object)[pairs["a"].to_numpy()],
                              "b": np.asarray(b.cat.categories, dtype=object)[pairs["b"].to_numpy()]})
    else:
        pairs = pd.DataFrame({"a": text(a), "b": text(b)}).drop_duplicates()
    pairs = pairs.astype(str)
    names = list(dict.fromkeys(list(pairs["a"]) + list(pairs["b"])))
    later = pairs.groupby("a")["b"].nunique().reindex(names, fill_value=0)
    first_seen = {n: i for i, n in enumerate(names)}
    return sorted(names, key=lambda n: (-int(later[n]), first_seen[n]))


def check_actors(df: pd.DataFrame, names, at: str, field: str = "actor") -> None:
    """InputError naming ``field`` when one of ``names`` is not an actor of the table."""
    have = actors(df)
    for name in names:
        if name not in have:
            raise InputError(at, None, field, f"no actor '{name}' in the results{did_you_mean(name, have)} "
                             f"(they have: {', '.join(have)})")


def dyad_rows(df: pd.DataFrame, dyad, at: str) -> tuple[pd.DataFrame, bool]:
    """Rows of one dyad in either order, and whether the table stores it as (b, a)."""
    need(df, ["actor_a", "actor_b"], at)
    a, b = (str(x) for x in dyad)
    check_actors(df, (a, b), at)
    fwd = eq(df["actor_a"], a) & eq(df["actor_b"], b)
    if fwd.any():
        return df[fwd], False
    rev = eq(df["actor_a"], b) & eq(df["actor_b"], a)
    if rev.any():
        return df[rev], True
    raise InputError(at, None, "actor_a/actor_b", f"no rows for the dyad {a}–{b}")


# ------------------------------------------------------------------ run series
def _one_domain(sub: pd.DataFrame, domain, at: str) -> pd.DataFrame:
    """The rows of one domain (checked)."""
    need(sub, ["domain"], at)
    have = [str(d) for d in pd.unique(text(sub["domain"]))]
    if str(domain) not in have:
        raise InputError(at, None, "domain", f"no domain '{domain}' in the results{did_you_mean(domain, have)}")
    return sub[eq(sub["domain"], domain)]


def run_series(df: pd.DataFrame, outcome: str = "cooperation", dyad=DEFAULT_DYAD, domain=None,
               source=None) -> pd.DataFrame:
    """One value per run and date: columns scenario, run, [replication, sample], date, value.

    A dyad column (``cooperation``, ``threat_ab`` ...) is taken for ``dyad`` (either order)
    and averaged over the domains, or read for one ``domain``; any other column (a world
    index) is one value per run and date and is read as it is.
    """
    at = where(df, source)
    need(df, ["scenario", "run", "date", outcome], at)
    keys = [c for c in ID_COLUMNS if c in df.columns]
    col = outcome
    if outcome not in VALUE_COLUMNS:
        sub = df[keys + ["date", outcome]].drop_duplicates(["scenario", "run", "date"])
    else:
        sub, flipped = dyad_rows(df, dyad, at)
        col = _SWAPPED.get(outcome, outcome) if flipped else outcome
        if domain is not None:
            sub = _one_domain(sub, domain, at)
        sub = sub.groupby(keys + ["date"], observed=True, sort=False)[col].mean().reset_index()
    out = sub.rename(columns={col: "value"})
    out["scenario"] = text(out["scenario"])
    return out.sort_values(["scenario", "run", "date"], kind="stable").reset_index(drop=True)


def run_series_by_domain(df: pd.DataFrame, outcome: str, dyad, domains, source=None) -> dict[str, pd.DataFrame]:
    """:func:`run_series` of one dyad for each of ``domains`` (one pass over the rows)."""
    at = where(df, source)
    need(df, ["scenario", "run", "date", "domain", outcome], at)
    sub, flipped = dyad_rows(df, dyad, at)
    col = _SWAPPED.get(outcome, outcome) if flipped else outcome
    keys = [c for c in ID_COLUMNS if c in df.columns]
    have = set(pd.unique(text(sub["domain"])))
    missing = [d for d in domains if str(d) not in have]
    if missing:
        raise InputError(at, None, "domain", f"no domain '{missing[0]}' in the results"
                         f"{did_you_mean(missing[0], have)}")
    sub = sub[isin(sub["domain"], domains)]
    flat = pd.DataFrame({k: sub[k].to_numpy() for k in keys} | {"date": sub["date"].to_numpy(),
                        "domain": text(sub["domain"]), "value": sub[col].to_numpy()})
    flat["scenario"] = text(flat["scenario"])
    flat = flat.sort_values(["scenario", "run", "date"], kind="stable")
    return {str(d): part.drop(columns="domain").reset_index(drop=True)
            for d, part in flat.groupby("domain", sort=False)}


# ------------------------------------------------------------------ events (from the store's metadata)
def _event_frame(events) -> pd.DataFrame:
    """Event dicts as a table in date order (events without a date are left out)."""
    rows = [{c: e.get(c) for c in EVENT_COLUMNS[:-1]} for e in (events or []) if isinstance(e, dict)]
    out = pd.DataFrame(rows, columns=list(EVENT_COLUMNS[:-1]))
    out["date"] = pd.to_numeric(out["date"], errors="coerce")
    return out.dropna(subset=["date"]).sort_values("date", kind="stable").reset_index(drop=True)


def event_keys(t: pd.DataFrame) -> list[tuple]:
    """What identifies an event when comparing a scenario's events with the baseline's."""
    return list(zip(t["date"].round(6), t["quantity"].astype(str), t["op"].astype(str), t["value"].astype(str)))


def scenario_events(meta: dict | None, baseline: str = BASELINE) -> dict[str, pd.DataFrame]:
    """Each scenario's events from a store's metadata: scenario -> (date, label, quantity, op, value, own).

    A batch's metadata maps scenario -> events; a single run's has ``scenario`` and a list.
    ``own`` marks the events the baseline does not have (what makes the scenario differ
    from it); with no baseline in the metadata, ``own`` is False throughout. Metadata
    without events (older stores) gives an empty mapping.
    """
    ev = (meta or {}).get("events")
    if isinstance(ev, list):
        name = (meta or {}).get("scenario")
        ev = {str(name): ev} if isinstance(name, str) else {}
    if not isinstance(ev, dict):
        return {}
    tables = {str(s): _event_frame(e) for s, e in ev.items()}
    base = set(event_keys(tables[baseline])) if baseline in tables else None
    for s, t in tables.items():
        t["own"] = [base is not None and s != baseline and k not in base for k in event_keys(t)]
    return tables


def events_of(events, scenario: str) -> pd.DataFrame:
    """One scenario's events: from a :func:`scenario_events` mapping, a list of event dicts, or None."""
    if isinstance(events, dict):
        t = events.get(scenario)
        return t if isinstance(t, pd.DataFrame) else _with_own(_event_frame(t))
    if isinstance(events, pd.DataFrame):
        return events if "own" in events.columns else events.assign(own=False)
    return _with_own(_event_frame(events))


def _with_own(t: pd.DataFrame) -> pd.DataFrame:
    """An event table with ``own`` False throughout (no baseline to compare with)."""
    t["own"] = False
    return t


# ------------------------------------------------------------------ threat, network, sweeps
def threat_matrix(df: pd.DataFrame, date: float, scenario: str, source=None) -> tuple[pd.DataFrame, int]:
    """Median over runs of the threat each actor (rows) perceives from each other actor (columns)."""
    at = where(df, source)
    need(df, ["scenario", "run", "date", "actor_a", "actor_b", "threat_ab", "threat_ba"], at)
    sub = rows_of(df, scenario)
    d = nearest_date(sub, date, at)
    sub = sub[sub["date"] == d]
    if "domain" in sub.columns:  # threat is the same on every domain row
        sub = sub[eq(sub["domain"], sub["domain"].iloc[0])]
    a, b = text(sub["actor_a"]), text(sub["actor_b"])
    long = pd.concat([pd.DataFrame({"observer": a, "source": b, "threat": sub["threat_ab"].to_numpy()}),
                      pd.DataFrame({"observer": b, "source": a, "threat": sub["threat_ba"].to_numpy()})])
    names = actors(df)
    m = long.groupby(["observer", "source"])["threat"].median().unstack()
    return m.reindex(index=names, columns=names).astype(float), int(sub["run"].nunique())


def network_at(df: pd.DataFrame, date: float, scenario: str, source=None):
    """Edges (a, b, mean cooperation over domains and runs), power per actor (mean over runs),
    the date used and the number of runs, at the simulated date nearest ``date``."""
    at = where(df, source)
    need(df, ["scenario", "run", "date", "actor_a", "actor_b", "cooperation", "power_a", "power_b"], at)
    sub = rows_of(df, scenario)
    d = nearest_date(sub, float(date), at)
    sub = sub[sub["date"] == d]
    a, b = text(sub["actor_a"]), text(sub["actor_b"])
    edges = (pd.DataFrame({"a": a, "b": b, "cooperation": sub["cooperation"].to_numpy()})
             .groupby(["a", "b"], sort=False)["cooperation"].mean().reset_index())
    pw = pd.concat([pd.DataFrame({"actor": a, "run": sub["run"].to_numpy(), "power": sub["power_a"].to_numpy()}),
                    pd.DataFrame({"actor": b, "run": sub["run"].to_numpy(), "power": sub["power_b"].to_numpy()})])
    power = pw.drop_duplicates(["actor", "run"]).groupby("actor")["power"].mean().reindex(actors(df))
    return edges, power, d, int(sub["run"].nunique())


def varying_parameters(runs_df: pd.DataFrame) -> list[str]:
    """Numeric parameter columns of a runs table that take more than one value."""
    skip = set(ID_COLUMNS) | {"status", "error", "seed", "chunk", "index", "point"}
    return [str(c) for c in runs_df.columns if c not in skip and pd.api.types.is_numeric_dtype(runs_df[c])
            and runs_df[c].nunique(dropna=True) > 1]


def _check_params(runs_df, params, at: str) -> None:
    """InputError when the runs table lacks ``run`` or a parameter column."""
    if runs_df is None or "run" not in getattr(runs_df, "columns", []):
        raise InputError(at, None, "run", "the runs table needs a 'run' column")
    for p in params:
        if p not in runs_df.columns:
            raise InputError(at, None, p, f"parameter column '{p}' is missing from the runs table"
                             f"{did_you_mean(p, runs_df.columns)}")


def sweep_values(df: pd.DataFrame, runs_df: pd.DataFrame, params, outcome: str, date: float, scenario=None,
                 dyad=DEFAULT_DYAD, source=None) -> pd.DataFrame:
    """One row per run: scenario, run, ``value`` (the outcome at ``date``) and the parameter values.

    ``attrs["date"]`` is the simulated date used. Runs whose ``status`` is not ``ok`` are left out.
    """
    at = where(df, source)
    _check_params(runs_df, params, at)
    need(df, ["scenario", "run", "date", outcome], at)
    names = pick_scenarios(df, scenario, at) if scenario is not None else scenarios_in(df)
    sub = df[isin(df["scenario"], names)]
    d = nearest_date(sub, float(date), at)
    s = run_series(sub[sub["date"] == d], outcome, dyad, None, source=at)
    r = runs_df
    if "status" in r.columns:
        r = r[r["status"].astype(str) == "ok"]
    r = r[["run"] + [p for p in params if p != "run"]].drop_duplicates("run")
    out = s.merge(r, on="run", how="inner")
    if out.empty:
        raise InputError(at, None, "run", "no run of the results appears in the runs table")
    out.attrs["date"] = d
    return out
