"""One quarter of the model, as two simultaneous phases over all actors of R runs.

``decide`` computes from last quarter's state what every actor perceives and wants:
threat perceptions (Walt, power transition), wishes, ceilings and hazards of domestic
change, and the world-level terms (strength shares, extended threat, encirclement)
once for everyone. Each actor then makes its own decisions from its rows: its offers
(its policy applied to its wishes and ceilings) and whether it takes a reform step, from
its hazard and its draw (:func:`act`; the Mesa agents do this
in ``Actor.decide``, the kernel for all actors at once). ``settle`` computes the new
cooperation, floors, trust, alignment and assertiveness from everyone's offers.
Because each phase reads only the old state and the full decisions, the result does
not depend on the order in which actors are visited.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.engines.state import State
from model.engines.state import initial as blank
from model.rules import (
    alliances,
    capabilities,
    constraints,
    cooperation,
    counterbalancing,
    domestic,
    institutions,
    preferences,
    threat,
)
from model.rules.ordered import off_diagonal, osum
from model.spec.parameters import Params
from model.spec.policies import Policy, standard
from model.spec.world import World


@dataclass
class Decision:
    """What the actors perceive, want and decide this quarter: arrays of shape (R, N, ...)."""

    threat: np.ndarray  # new threat perceptions
    power: np.ndarray  # new power
    want: np.ndarray  # wishes (R, N, N, D)
    ceiling: np.ndarray  # ceilings (R, N, N, D)
    consensus: np.ndarray  # out-of-area consensus (R, N)
    encircled: np.ndarray  # encirclement (R, N)
    shared: np.ndarray  # shared threat (R, N, N)
    level: np.ndarray  # threat level (R, N), extended threat included
    reform: np.ndarray  # hazard of the next loosening step (R, N)
    draws: np.ndarray  # this quarter's uniform draws (R, N, 2): reform, government turn
    offer: np.ndarray  # written by the actors: offers (R, N, N, D)
    cstate: np.ndarray  # written by the actors: next constraint state (R, N)


@dataclass
class Settlement:
    """New cooperation, floors, trust, alignment, assertiveness and government orientation."""

    coop: np.ndarray
    floor: np.ndarray
    trust: np.ndarray
    align: np.ndarray
    align_floor: np.ndarray
    assertive: np.ndarray
    dovish: np.ndarray


def _strength_share(s: State, world: World, params: Params) -> np.ndarray:
    a = s.attrs
    return capabilities.share(capabilities.side(a["power"], world.alliance, a["engagement"], s.align, params))


def _threat_goal(s: State, world: World, params: Params, strength: np.ndarray) -> np.ndarray:
    hostile = threat.intent(s.rivalry, s.assertive, s.align, params)
    return threat.target(hostile, strength, world.proximity, s.attrs["offense"], params)


def _constraints_seen(s: State, world: World, params: Params, level: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """NATO's effective consensus and every actor's ceilings, given the threat ``level`` the actors feel."""
    agreed = constraints.consensus(s.attrs["consensus"], level, params)
    return agreed, constraints.ceiling(s.cstate, s.attrs["dovish"], agreed, s.attrs["engagement"], world.ceilings,
                                       world.proximity, world.alliance, params)


def initial(world: World, params: Params) -> State:
    """The state at the horizon's start: threat perceptions at their targets, ceilings as the actors see them."""
    s = blank(world, params)
    mask = off_diagonal(world.n)
    s.threat[:] = _threat_goal(s, world, params, _strength_share(s, world, params)) * mask
    level = threat.level(threat.extended(s.threat, s.align, params, mask))
    s.consensus[:], s.ceiling[:] = _constraints_seen(s, world, params, level)
    return s


def _affinity(s: State, world: World, params: Params) -> np.ndarray:
    """What makes reasons to cooperate weigh more: shared values, trust, a common engaged ally. (R, N, N)."""
    a = s.attrs
    democracy = a["democracy"]
    values = 1.0 - np.abs(democracy[:, :, None] - democracy[:, None, :])
    return (params.weight_values[:, None, None] * values
            + params.weight_trust[:, None, None] * (s.trust - 0.5)
            + params.weight_hub[:, None, None] * preferences.hub(world.alliance, a["engagement"]))


def _pull(world: World, engagement: np.ndarray, fear: np.ndarray, params: Params) -> np.ndarray:
    """The alliance terms that are reasons by themselves: commitment to allies, hedging. (R, N, N)."""
    return (params.weight_commitment[:, None, None] * alliances.commitment(world.alliance, engagement)
            + params.weight_hedge[:, None, None] * alliances.hedging(fear, world.alliance))


def decide(s: State, world: World, params: Params, noise: np.ndarray, draws: np.ndarray) -> Decision:
    """Phase 1 for every actor; ``noise``: this quarter's (R, N, N) standard normal shocks; ``draws``: (R, N, 2)."""
    a = s.attrs
    mask = off_diagonal(world.n)
    strength = _strength_share(s, world, params)
    wide = threat.extended(s.threat, s.align, params, mask)
    level = threat.level(wide)
    fear = alliances.abandonment(level, world.alliance, a["engagement"])
    help_any, help_reach = preferences.help_against(wide, np.swapaxes(strength, 1, 2), world.proximity)
    dread = (params.weight_entrapment[:, None, None] * alliances.entrapment(s.threat, world.proximity,
                                                                            a["engagement"])
             + params.weight_backlash[:, None, None] * preferences.backlash(s.threat, world.proximity))
    want = preferences.desired(help_any, help_reach, s.levels, _affinity(s, world, params),
                               _pull(world, a["engagement"], fear, params),
                               params.weight_partner_threat[:, None, None] * s.threat, dread, s.agreement, params)
    agreed, ceiling = _constraints_seen(s, world, params, level)
    return Decision(
        threat=threat.update(s.threat, _threat_goal(s, world, params, strength), noise, params, mask),
        power=capabilities.grow(a["power"], a["growth"]),
        want=want,
        ceiling=ceiling,
        consensus=agreed,
        encircled=counterbalancing.encirclement(s.threat, s.coop, strength),
        shared=preferences.shared_threat(s.threat),
        level=level,
        reform=domestic.reform_hazard(level, fear, a["dovish"], s.cstate, params),
        draws=draws,
        offer=np.empty_like(want),
        cstate=s.cstate.copy(),
    )


def _reform(d: Decision, world: World, rows: slice) -> None:
    """Whether the actors in ``rows`` take a reform step (elementwise: a row at a time or all at once, the same)."""
    d.cstate[:, rows] = domestic.reform(d.cstate[:, rows], d.reform[:, rows], d.draws[:, rows, 0],
                                        world.endogenous[rows], world.last_state[rows])


def act(d: Decision, actor: int, policy: Policy, world: World) -> None:
    """One actor's decisions from its own rows: its offers to every partner, and whether it takes a reform step."""
    d.offer[:, actor] = policy(d.want[:, actor], d.ceiling[:, actor])
    _reform(d, world, slice(actor, actor + 1))


def act_all(d: Decision, policies: tuple[Policy, ...], world: World) -> None:
    """Every actor's decisions (the batch kernel's way; the Mesa agents call :func:`act` one by one)."""
    if all(p is standard for p in policies):  # the same numbers as policy by policy, in one call
        d.offer[:] = standard(d.want, d.ceiling)
    else:
        for i, p in enumerate(policies):
            d.offer[:, i] = p(d.want[:, i], d.ceiling[:, i])
    _reform(d, world, slice(None))  # the reform step does not depend on the policy


def settle(s: State, world: World, d: Decision, params: Params) -> Settlement:
    """Phase 2: new cooperation, floors, trust, alignment, assertiveness and orientation from everyone's decisions."""
    a = s.attrs
    target = cooperation.goal(d.offer)
    agree = osum(s.agreement, axis=3) / s.agreement.shape[3]
    aim = counterbalancing.alignment_goal(d.encircled, d.shared, a["balancer"], agree, params)
    floor = institutions.institutionalise(s.floor, s.coop, target, params)  # from last quarter's level
    align_floor = institutions.institutionalise(s.align_floor, s.align, aim, params)
    return Settlement(
        coop=cooperation.settle(s.coop, target, floor, params),  # never below the new floor
        floor=floor,
        trust=cooperation.trust_update(s.trust, d.want, d.offer, params),
        align=counterbalancing.alignment_update(s.align, aim, align_floor, params),
        align_floor=align_floor,
        assertive=counterbalancing.assertiveness_update(s.assertive, a["ambition"], d.encircled, params),
        dovish=domestic.orientation(a["dovish"], a["lean"], d.level, d.draws[:, :, 1], world.endogenous, params),
    )


def commit(s: State, d: Decision, st: Settlement) -> None:
    """Write the decided and settled values into the state, in place (agents hold views of it)."""
    s.threat[:] = d.threat
    s.attrs["power"][:] = d.power
    s.ceiling[:] = d.ceiling
    s.consensus[:] = d.consensus
    s.cstate[:] = d.cstate
    s.coop[:] = st.coop
    s.floor[:] = st.floor
    s.trust[:] = st.trust
    s.align[:] = st.align
    s.align_floor[:] = st.align_floor
    s.assertive[:] = st.assertive
    s.attrs["dovish"][:] = st.dovish


def world_update(s: State, params: Params) -> None:
    """World-level quantities (transnational threats) after the actors have moved."""
    s.levels[:] = threat.transnational_update(s.levels, params)


def step(s: State, world: World, params: Params, noise: np.ndarray, draws: np.ndarray,
         policies: tuple[Policy, ...]) -> None:
    """Advance all runs one quarter in place."""
    d = decide(s, world, params, noise, draws)
    act_all(d, policies, world)
    commit(s, d, settle(s, world, d, params))
    world_update(s, params)
