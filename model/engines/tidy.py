"""Tidy tables from recorded trajectories: one row per run, quarter, dyad and domain.

Every value a plot or an analysis needs sits in columns that load straight into
pandas: cooperation and both sides' ceilings, both directions of threat, alignment,
both actors' power, and the composite indices of the run at that quarter.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from model.engines.record import Trajectory
from model.spec.domains import DOMAINS
from model.spec.timegrid import date_of


def tidy(t: Trajectory, world, start: float, runs: pd.DataFrame) -> pd.DataFrame:
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
