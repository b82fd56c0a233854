"""Composite indices named in the world file (e.g. the Japan–NATO cooperation index).

A ``cooperation`` index is the unweighted mean over the ten domains of a dyad's
cooperation; an ``alignment`` index is a dyad's counterbalancing alignment.
"""

from __future__ import annotations

import numpy as np

from model.rules.ordered import osum


def index_values(state, world) -> dict[str, np.ndarray]:
    """Each index of the world for every run: name -> (R,)."""
    out = {}
    for name, spec in world.indices.items():
        a, b = spec["pair"]
        if spec["kind"] == "cooperation":
            out[name] = osum(state.cooperation[:, a, b, :], axis=1) / state.cooperation.shape[-1]
        else:
            out[name] = state.alignment[:, a, b].copy()
    return out
