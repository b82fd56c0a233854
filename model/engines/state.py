"""The model state: plain arrays with a leading run axis, and how a run starts."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.rules import constraints, threat
from model.spec.domains import CHANNELS
from model.spec.parameters import Params
from model.spec.world import World


@dataclass
class State:
    """Everything that changes during a run; every array starts with the run axis R."""

    threat: np.ndarray  # (R, N, N) threat of i from j, in [0, 1]
    levels: np.ndarray  # (R, K) transnational threat levels, in [0, 1]
    coop: np.ndarray  # (R, N, N, D) cooperation, symmetric, in [0, 1]
    floor: np.ndarray  # (R, N, N, D) agreement floors, symmetric
    trust: np.ndarray  # (R, N, N) reciprocity memory of i about j
    align: np.ndarray  # (R, N, N) counterbalancing alignment, symmetric
    align_floor: np.ndarray  # (R, N, N) alignment floors set by treaties, symmetric
    assertive: np.ndarray  # (R, N) assertiveness
    attrs: dict  # name -> (R, N) actor attributes that events may change
    cstate: np.ndarray  # (R, N) int constraint state index
    ceiling: np.ndarray  # (R, N, N, D) ceilings used in the last step (recorded)

    @property
    def runs(self) -> int:
        return self.threat.shape[0]


def initial(world: World, params: Params) -> State:
    """The state at the horizon's start for R runs (R = length of the parameter arrays)."""
    r = params.runs
    n = world.n
    attrs = {k: np.repeat(v[None, :], r, axis=0).astype(np.float64) for k, v in world.attributes.items()}
    cstate = np.repeat(world.state0[None, :], r, axis=0)
    align = np.repeat(world.alignment0[None], r, axis=0)
    assertive = attrs["ambition"].copy()
    target = threat.target(attrs["power"], attrs["offense"], assertive, align, attrs["engagement"],
                           world.rivalry, world.proximity, world.alliance, params)
    self_mask = 1.0 - np.eye(n)
    ceil = constraints.ceiling(cstate, attrs["dovish"], attrs["consensus"], world.ceilings, world.proximity,
                               world.alliance, params)
    return State(
        threat=target * self_mask[None],
        levels=np.repeat(params.transnational_baseline[:, None], len(CHANNELS), axis=1).copy(),
        coop=np.repeat(world.cooperation0[None], r, axis=0),
        floor=np.repeat(world.floor0[None], r, axis=0),
        trust=np.full((r, n, n), 0.5) * self_mask[None],
        align=align,
        align_floor=np.zeros_like(align),
        assertive=assertive,
        attrs=attrs,
        cstate=cstate,
        ceiling=ceil,
    )
