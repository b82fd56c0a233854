"""One quarter of the model, as two simultaneous phases over actor rows.

``decide`` computes, for the actors in ``rows``, everything they choose from last
quarter's state (new threat perceptions, wishes, ceilings, offers, encirclement);
``settle`` computes their new cooperation, trust, alignment and assertiveness from
everyone's decisions. The Mesa agents call both for their own row; the batch kernel
calls them for all rows at once. Because each phase reads only the old state and the
full decisions, the result does not depend on the order actors are visited.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import capabilities, constraints, cooperation, counterbalancing, preferences, threat
from .state import State
from .world import World


@dataclass
class Decision:
    """What actors ``rows`` decided this quarter: arrays of shape (R, n_rows, ...)."""

    threat: np.ndarray
    power: np.ndarray
    want: np.ndarray
    ceiling: np.ndarray
    offer: np.ndarray
    encircled: np.ndarray
    shared: np.ndarray

    @staticmethod
    def gather(parts: list[Decision]) -> Decision:
        """Stack row decisions (in actor order) into the full decision."""
        return Decision(**{k: np.concatenate([getattr(p, k) for p in parts], axis=1)
                           for k in Decision.__dataclass_fields__})


@dataclass
class Settlement:
    """New cooperation, trust, alignment and assertiveness of actors ``rows``."""

    coop: np.ndarray
    trust: np.ndarray
    align: np.ndarray
    assertive: np.ndarray


def values(democracy: np.ndarray, rows=slice(None)) -> np.ndarray:
    """Shared values V_ij = 1 - |v_i - v_j|: (R, n_rows, N)."""
    return 1.0 - np.abs(democracy[:, rows, None] - democracy[:, None, :])


def decide(s: State, world: World, params, noise: np.ndarray, rows=slice(None)) -> Decision:
    """Phase 1 for actors ``rows``; ``noise`` is this quarter's (R, N, N) standard normal shock."""
    a = s.attrs
    n = world.n
    self_mask = (np.arange(n)[rows][:, None] != np.arange(n)[None, :]).astype(np.float64)[None]
    goal = threat.target(a["power"], a["offense"], s.assertive, s.align, a["engagement"],
                         world.rivalry, world.proximity, world.alliance, params, rows)
    new_threat = threat.update(s.threat[:, rows], goal, noise[:, rows], params, self_mask)
    shared = preferences.shared_threat(s.threat, rows)
    want = preferences.desired(s.threat, s.levels, s.trust, values(a["democracy"], rows), world.alliance,
                               a["engagement"], world.proximity, params, rows, shared=shared)
    ceil = constraints.ceiling(s.cstate, a["dovish"], a["consensus"], world.ceilings, world.proximity,
                               world.alliance, params, rows)
    return Decision(
        threat=new_threat,
        power=capabilities.grow(a["power"][:, rows], a["growth"][:, rows]),
        want=want,
        ceiling=ceil,
        offer=cooperation.offer(want, ceil),
        encircled=counterbalancing.encirclement(s.threat, s.coop, rows),
        shared=shared,
    )


def settle(s: State, d: Decision, params, rows=slice(None)) -> Settlement:
    """Phase 2 for actors ``rows`` given everyone's decision ``d``."""
    a = s.attrs
    return Settlement(
        coop=cooperation.settle(s.coop[:, rows], d.offer, s.floor[:, rows], params, rows),
        trust=cooperation.trust_update(s.trust[:, rows], d.want[:, rows], d.offer, params, rows),
        align=counterbalancing.alignment_update(s.align[:, rows], d.encircled, d.shared[:, rows],
                                                a["balancer"], s.align_floor[:, rows], params, rows),
        assertive=counterbalancing.assertiveness_update(s.assertive[:, rows], a["ambition"][:, rows],
                                                        d.encircled[:, rows], params),
    )


def commit(s: State, d: Decision, st: Settlement, rows=slice(None)) -> None:
    """Write the decided and settled values of actors ``rows`` into the state."""
    s.threat[:, rows] = d.threat
    s.attrs["power"][:, rows] = d.power
    s.ceiling[:, rows] = d.ceiling
    s.coop[:, rows] = st.coop
    s.trust[:, rows] = st.trust
    s.align[:, rows] = st.align
    s.assertive[:, rows] = st.assertive


def world_update(s: State, params) -> None:
    """World-level quantities (transnational threats) after the actors have moved."""
    s.levels[:] = threat.transnational_update(s.levels, params)


def step(s: State, world: World, params, noise: np.ndarray) -> None:
    """Advance all runs one quarter in place (all actors at once)."""
    d = decide(s, world, params, noise)
    st = settle(s, d, params)
    commit(s, d, st)
    world_update(s, params)
