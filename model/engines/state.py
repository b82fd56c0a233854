"""The model state: plain arrays with a leading run axis, and how a run starts."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.rules.ordered import off_diagonal
from model.spec.domains import CHANNELS
from model.spec.parameters import Params
from model.spec.world import World


@dataclass
class State:
    """Everything that changes during a run; every array starts with the run axis R."""

    threat: np.ndarray  # (R, N, N) threat of i from j, in [0, 1]
    levels: np.ndarray  # (R, K) transnational threat levels, in [0, 1]
    coop: np.ndarray  # (R, N, N, D) cooperation, symmetric, in [0, 1]
    floor: np.ndarray  # (R, N, N, D) institutional floors of cooperation, symmetric
    agreement: np.ndarray  # (R, N, N, D) agreements (drivers: lower the cost of cooperating or aligning)
    rivalry: np.ndarray  # (R, N, N) rivalry (a driver), symmetric
    trust: np.ndarray  # (R, N, N) reciprocity memory of i about j
    align: np.ndarray  # (R, N, N) counterbalancing alignment, symmetric
    align_floor: np.ndarray  # (R, N, N) institutional floor of alignment, symmetric
    assertive: np.ndarray  # (R, N) assertiveness
    attrs: dict  # name -> (R, N) actor attributes (drivers; ``power`` grows and ``dovish`` moves)
    cstate: np.ndarray  # (R, N) int constraint state index
    ceiling: np.ndarray  # (R, N, N, D) ceilings used in the last step (recorded)
    consensus: np.ndarray  # (R, N) out-of-area consensus used in the last step (recorded)

    @property
    def runs(self) -> int:
        return self.threat.shape[0]


def initial(world: World, params: Params) -> State:
    """The state at the horizon's start for R runs (R = length of the parameter arrays).

    Threat perceptions and ceilings start at zero and are set by the first quarter's
    decisions; every level that has an initial value in the world file starts there.
    """
    r = params.runs
    n = world.n

    def runs_of(a: np.ndarray) -> np.ndarray:
        return np.repeat(a[None], r, axis=0).astype(a.dtype, copy=True)

    attrs = {k: runs_of(v.astype(np.float64)) for k, v in world.attributes.items()}
    align = runs_of(world.alignment0)
    return State(
        threat=np.zeros((r, n, n)),
        levels=np.repeat(params.transnational_baseline[:, None], len(CHANNELS), axis=1).copy(),
        coop=runs_of(world.cooperation0),
        floor=runs_of(world.floor0),
        agreement=runs_of(world.agreement0),
        rivalry=runs_of(world.rivalry),
        trust=np.full((r, n, n), 0.5) * off_diagonal(n),
        align=align,
        align_floor=np.zeros_like(align),
        assertive=attrs["ambition"].copy(),
        attrs=attrs,
        cstate=runs_of(world.state0),
        ceiling=np.zeros_like(runs_of(world.cooperation0)),
        consensus=attrs["consensus"].copy(),
    )
