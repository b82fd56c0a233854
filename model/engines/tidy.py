"""The tidy table: its schema, and how recorded trajectories become one (a row per run, quarter, dyad, domain).

Every value a plot or an analysis needs sits in columns that load straight into
pandas: the run's id columns (and, in batches, its parameter values), the date, the
dyad and domain, the variables the registry marks ``table`` (cooperation, both sides'
ceilings, both directions of threat, alignment, both actors' power: their columns are
named by ``Variable.columns``), and the composite indices the world declares (one
column each, repeated on every row of a run-quarter), and the dates of the legal steps:
``entered.ACTOR.STATE`` is the date an actor with more than one constraint state first
reached that state (NaN if it never did; repeated on every row of a run), whatever the
kept dates. Readers ask this module which columns are ids, keys, values, indices and steps.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from model.engines.record import Trajectory
from model.spec.domains import DOMAINS
from model.spec.parameters import REGISTRY
from model.spec.timegrid import date_of
from model.spec.variables import VALUE_COLUMNS, VARIABLES
from model.spec.world import World

ID_COLUMNS = ("run", "scenario", "sample", "replication")  # ``sample`` in batches only
KEY_COLUMNS = ("date", "quarter", "actor_a", "actor_b", "domain")
CATEGORIES = ("scenario", "actor_a", "actor_b", "domain")  # text columns held as pandas categories


def columns(world: World, ids=ID_COLUMNS) -> list[str]:
    """The columns of a tidy table of ``world`` with id columns ``ids`` (parameter columns aside)."""
    return list(ids) + list(KEY_COLUMNS) + list(VALUE_COLUMNS) + list(world.indices)


STEP_PREFIX = "entered."


def step_column(actor: str, state: str) -> str:
    """The column holding the date ``actor`` first reached ``state``."""
    return f"{STEP_PREFIX}{actor}.{state}"


def step_columns(names) -> list[str]:
    """Which of a table's column names date legal steps (``entered.ACTOR.STATE``)."""
    return [c for c in names if str(c).startswith(STEP_PREFIX)]


def index_columns(names) -> list[str]:
    """Which of a table's column names are world indices (all that are not ids, keys, values, steps or parameters)."""
    known = set(ID_COLUMNS) | set(KEY_COLUMNS) | set(VALUE_COLUMNS) | set(REGISTRY)
    return [c for c in names if c not in known and not str(c).startswith(STEP_PREFIX)]


def step_dates(t: Trajectory, world: World, start: float) -> dict[str, np.ndarray]:
    """Per actor with more than one constraint state and per state after its first: the date each run first
    reached it (NaN if never), by column name (:func:`step_column`)."""
    out = {}
    for i, actor in enumerate(world.actors):
        for s, state in enumerate(world.states[i][1:], start=1):
            q = t.entered[:, i, s]
            out[step_column(actor, state)] = np.where(q >= 0, date_of(start, q.astype(float)), np.nan)
    return out


def transitions(t: Trajectory, world: World, start: float) -> pd.DataFrame:
    """Every legal step of every run: run (position), date, actor, from and to state (the states reached in order)."""
    rows = []
    for i, actor in enumerate(world.actors):
        states = world.states[i]
        for r in range(t.entered.shape[0]):
            reached = sorted((int(q), s) for s, q in enumerate(t.entered[r, i, : len(states)]) if q >= 0)
            for (_, a), (q, b) in zip(reached, reached[1:]):
                rows.append((r, float(date_of(start, q)), actor, states[a], states[b]))
    return pd.DataFrame(rows, columns=["run", "date", "actor", "from", "to"])


def tidy(t: Trajectory, world: World, start: float, runs: pd.DataFrame) -> pd.DataFrame:
    """Long table of ``t``; ``runs`` has one row per run (in order) with its id columns."""
    r, q = t.cooperation.shape[:2]
    n, d = world.n, len(DOMAINS)
    ia, ib = np.triu_indices(n, k=1)
    p = len(ia)
    shape = (r, q, p, d)

    def grid(arr):  # (r, q, p) -> (r, q, p, d) flattened
        return np.broadcast_to(arr[..., None], shape).reshape(-1)

    cols = {}
    for c in runs.columns:
        cols[c] = np.repeat(runs[c].to_numpy(), q * p * d)
    quarters = t.quarters
    cols["date"] = np.broadcast_to(date_of(start, quarters)[None, :, None, None], shape).reshape(-1)
    cols["quarter"] = np.broadcast_to(quarters[None, :, None, None], shape).reshape(-1).astype(np.int32)
    actors = np.array(world.actors, dtype=object)
    cols["actor_a"] = pd.Categorical(np.broadcast_to(actors[ia][None, None, :, None], shape).reshape(-1),
                                     categories=list(world.actors))
    cols["actor_b"] = pd.Categorical(np.broadcast_to(actors[ib][None, None, :, None], shape).reshape(-1),
                                     categories=list(world.actors))
    cols["domain"] = pd.Categorical(np.broadcast_to(np.array(DOMAINS, dtype=object)[None, None, None, :],
                                                    shape).reshape(-1), categories=list(DOMAINS))
    for v in VARIABLES.values():
        if not v.table:
            continue
        arr = getattr(t, v.name)
        if v.dyad:
            pairs = [(ia, ib)] if v.symmetric else [(ia, ib), (ib, ia)]
            values = [arr[:, :, a, b] for a, b in pairs]
        else:
            values = [arr[:, :, ia], arr[:, :, ib]]
        for col, x in zip(v.columns(), values):
            cols[col] = x.reshape(-1) if v.per_domain else grid(x)
    for name, values_of in t.indices.items():
        cols[name] = np.broadcast_to(values_of[:, :, None, None], shape).reshape(-1)
    for name, dates_of in step_dates(t, world, start).items():
        cols[name] = np.repeat(dates_of, q * p * d)
    return pd.DataFrame(cols)
