"""The tidy table: its schema, and how recorded trajectories become one (a row per run, quarter, dyad, domain).

Every value a plot or an analysis needs sits in columns that load straight into
pandas: the run's id columns (and, in batches, its parameter values), the date, the
dyad and domain, the variables the registry marks ``table`` (cooperation, both sides'
ceilings, both directions of threat, alignment, both actors' power: their columns are
named by ``Variable.columns``), and the composite indices the world declares (one
column each, repeated on every row of a run-quarter). Readers ask this module which
columns are ids, keys, values and indices.
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


def index_columns(names) -> list[str]:
    """Which of a table's column names are world indices (all that are not ids, keys, values or parameters)."""
    known = set(ID_COLUMNS) | set(KEY_COLUMNS) | set(VALUE_COLUMNS) | set(REGISTRY)
    return [c for c in names if c not in known]


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
    return pd.DataFrame(cols)
