"""The tidy table: its schema, and how recorded trajectories become one (a row per run, quarter, dyad, domain).

Every value a plot or an analysis needs sits in columns that load straight into
pandas: the run's id columns (and, in batches, its parameter values), the date, the
dyad and domain, cooperation and both sides' ceilings, both directions of threat,
alignment, both actors' power, and the composite indices the world declares (one
column each, repeated on every row of a run-quarter). This module is the one place
that names the columns; readers ask it which columns are indices.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from model.engines.record import Trajectory
from model.spec.domains import DOMAINS
from model.spec.parameters import REGISTRY
from model.spec.timegrid import date_of
from model.spec.world import World

ID_COLUMNS = ("run", "scenario", "sample", "replication")  # ``sample`` in batches only
KEY_COLUMNS = ("date", "quarter", "actor_a", "actor_b", "domain")
VALUE_COLUMNS = ("cooperation", "ceiling_ab", "ceiling_ba", "threat_ab", "threat_ba", "alignment", "power_a",
                 "power_b")
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
    r, q = t.coop.shape[:2]
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
    cols["cooperation"] = t.coop[:, :, ia, ib, :].reshape(-1)
    cols["ceiling_ab"] = t.ceiling[:, :, ia, ib, :].reshape(-1)
    cols["ceiling_ba"] = t.ceiling[:, :, ib, ia, :].reshape(-1)
    cols["threat_ab"] = grid(t.threat[:, :, ia, ib])
    cols["threat_ba"] = grid(t.threat[:, :, ib, ia])
    cols["alignment"] = grid(t.align[:, :, ia, ib])
    cols["power_a"] = grid(t.power[:, :, ia])
    cols["power_b"] = grid(t.power[:, :, ib])
    for name, v in t.indices.items():
        cols[name] = np.broadcast_to(v[:, :, None, None], shape).reshape(-1)
    return pd.DataFrame(cols)
