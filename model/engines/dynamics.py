"""One quarter of the model, as two simultaneous phases over all actors of R runs.

``decide`` computes from last quarter's state what every actor perceives and wants:
new threat perceptions, wishes, ceilings, and the world-level terms (shared threat,
encirclement) once for everyone. Each actor's policy then turns its own rows of
wishes and ceilings into offers (:func:`choose_offers`; in the Mesa model each agent
does this in ``Actor.decide``). ``settle`` computes the new cooperation, trust,
alignment and assertiveness from everyone's offers. Because each phase reads only the
old state and the full decisions, the result does not depend on the order in which
actors are visited.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.engines.state import State
from model.rules import capabilities, constraints, cooperation, counterbalancing, preferences, threat
from model.spec.parameters import Params
from model.spec.policies import Policy, standard
from model.spec.world import World


@dataclass
class Decision:
    """What the actors decided this quarter: arrays of shape (R, N, ...)."""

    threat: np.ndarray
    power: np.ndarray
    want: np.ndarray
    ceiling: np.ndarray
    offer: np.ndarray  # written by the actors' policies
    encircled: np.ndarray
    shared: np.ndarray


@dataclass
class Settlement:
    """New cooperation, trust, alignment and assertiveness."""

    coop: np.ndarray
    trust: np.ndarray
    align: np.ndarray
    assertive: np.ndarray


def values(democracy: np.ndarray) -> np.ndarray:
    """Shared values V_ij = 1 - |v_i - v_j|: (R, N, N)."""
    return 1.0 - np.abs(democracy[:, :, None] - democracy[:, None, :])


def decide(s: State, world: World, params: Params, noise: np.ndarray) -> Decision:
    """Phase 1 for every actor; ``noise`` is this quarter's (R, N, N) standard normal shock."""
    a = s.attrs
    n = world.n
    self_mask = (np.arange(n)[:, None] != np.arange(n)[None, :]).astype(np.float64)[None]
    goal = threat.target(a["power"], a["offense"], s.assertive, s.align, a["engagement"],
                         world.rivalry, world.proximity, world.alliance, params)
    shared = preferences.shared_threat(s.threat)
    want = preferences.desired(s.threat, s.levels, s.trust, values(a["democracy"]), world.alliance,
                               a["engagement"], world.proximity, params, shared)
    return Decision(
        threat=threat.update(s.threat, goal, noise, params, self_mask),
        power=capabilities.grow(a["power"], a["growth"]),
        want=want,
        ceiling=constraints.ceiling(s.cstate, a["dovish"], a["consensus"], world.ceilings, world.proximity,
                                    world.alliance, params),
        offer=np.empty_like(want),
        encircled=counterbalancing.encirclement(s.threat, s.coop),
        shared=shared,
    )


def offer_of(d: Decision, actor: int, policy: Policy) -> None:
    """One actor's decision: its offers to every partner, from its own rows of wishes and ceilings."""
    d.offer[:, actor] = policy(d.want[:, actor], d.ceiling[:, actor])


def choose_offers(d: Decision, policies: tuple[Policy, ...]) -> None:
    """Every actor's offers (the batch kernel's way; the Mesa agents call :func:`offer_of` one by one)."""
    if all(p is standard for p in policies):
        d.offer[:] = standard(d.want, d.ceiling)  # the same numbers as row by row, in one call
        return
    for i, p in enumerate(policies):
        offer_of(d, i, p)


def settle(s: State, d: Decision, params: Params) -> Settlement:
    """Phase 2: new cooperation, trust, alignment and assertiveness given everyone's decision ``d``."""
    a = s.attrs
    return Settlement(
        coop=cooperation.settle(s.coop, d.offer, s.floor, params),
        trust=cooperation.trust_update(s.trust, d.want, d.offer, params),
        align=counterbalancing.alignment_update(s.align, d.encircled, d.shared, a["balancer"], s.align_floor,
                                                params),
        assertive=counterbalancing.assertiveness_update(s.assertive, a["ambition"], d.encircled, params),
    )


def commit(s: State, d: Decision, st: Settlement) -> None:
    """Write the decided and settled values into the state, in place (agents hold views of it)."""
    s.threat[:] = d.threat
    s.attrs["power"][:] = d.power
    s.ceiling[:] = d.ceiling
    s.coop[:] = st.coop
    s.trust[:] = st.trust
    s.align[:] = st.align
    s.assertive[:] = st.assertive


def world_update(s: State, params: Params) -> None:
    """World-level quantities (transnational threats) after the actors have moved."""
    s.levels[:] = threat.transnational_update(s.levels, params)


def step(s: State, world: World, params: Params, noise: np.ndarray, policies: tuple[Policy, ...]) -> None:
    """Advance all runs one quarter in place."""
    d = decide(s, world, params, noise)
    choose_offers(d, policies)
    commit(s, d, settle(s, d, params))
    world_update(s, params)
