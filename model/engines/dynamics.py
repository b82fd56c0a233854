"""One quarter of the model, as two simultaneous phases over all actors of R runs: the rules wired together.

``decide`` computes from last quarter's state what every actor perceives and wants:
threat perceptions, wishes, ceilings and hazards of domestic change, and the
world-level terms (strength shares, extended threat, encirclement) once for everyone.
Each actor then makes its own decisions from its rows: its offers (its policy applied
to its wishes and ceilings) and whether it takes a reform step, from its hazard and its
draw (:func:`act`; the Mesa agents do this in ``Actor.decide``, the kernel for all
actors at once). ``settle`` computes the new cooperation, floors, trust, alignment,
assertiveness and orientation from everyone's offers. Because each phase reads only the
old state and the full decisions, the result does not depend on the order in which
actors are visited. Every equation is in ``model/rules/`` (docs/ODD.md, Section 7); this
module only says which rule reads what.
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
    """What the actors perceive, want and decide this quarter (arrays of shape (R, N, ...)).

    ``new`` holds the next value of the state variables decided in this phase (threat, power,
    ceiling, effective_consensus; constitution, written by the actors' reform steps)."""

    new: dict[str, np.ndarray]
    want: np.ndarray  # wishes (R, N, N, D)
    encircled: np.ndarray  # encirclement (R, N)
    help: np.ndarray  # what each partner offers against each actor's threats (R, N, N)
    share: np.ndarray  # strength shares g_ij (R, N, N)
    standing: np.ndarray  # strength against one's rivals (R, N)
    level: np.ndarray  # threat level (R, N), extended threat included
    reform: np.ndarray  # hazard of the next loosening step (R, N)
    draws: np.ndarray  # this quarter's uniform draws (R, N, 1): the reform step
    offer: np.ndarray  # written by the actors: offers (R, N, N, D)
    cap: np.ndarray  # the loosest state each actor's reform hazard may reach (R, N)


def _strength(s: State, world: World, params: Params) -> np.ndarray:
    return capabilities.side(s.power, world.alliance, s.engagement, s.alignment, params)


def _threat_goal(s: State, world: World, params: Params, strength: np.ndarray) -> np.ndarray:
    hostile = threat.intent(s.rivalry, s.assertiveness, s.alignment, params)
    offense = threat.seen_offense(s.offense, constraints.latitude(s.constitution, world.ceilings), params)
    return threat.target(hostile, strength, world.proximity, offense, params)


def _constraints_seen(s: State, world: World, params: Params, level: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """NATO's effective consensus and every actor's ceilings, given the threat ``level`` the actors feel."""
    agreed = constraints.consensus(s.consensus, level, params)
    return agreed, constraints.ceiling(s.constitution, s.dovish, agreed, s.engagement, world.ceilings, world.allies,
                                       world.proximity, world.alliance, params)


def initial(world: World, params: Params) -> State:
    """The state at the horizon's start: threat perceptions at their targets, ceilings as the actors see them."""
    s = blank(world, params)
    mask = off_diagonal(world.n)
    s.threat[:] = _threat_goal(s, world, params, _strength(s, world, params)) * mask
    level = threat.level(threat.extended(s.threat, s.alignment, params, mask))
    s.effective_consensus[:], s.ceiling[:] = _constraints_seen(s, world, params, level)
    return s


def decide(s: State, world: World, params: Params, noise: np.ndarray, draws: np.ndarray) -> Decision:
    """Phase 1 for every actor; ``noise``: this quarter's (R, N, N) standard normal shocks; ``draws``: (R, N, 1)."""
    mask = off_diagonal(world.n)
    strength = _strength(s, world, params)
    share = capabilities.share(strength)
    wide = threat.extended(s.threat, s.alignment, params, mask)
    level = threat.level(wide)
    fear = alliances.abandonment(level, world.alliance, s.engagement)
    help_any, help_reach = preferences.help_against(wide, share, world.proximity)
    want = preferences.desired(help_any, help_reach, s.transnational,
                               preferences.affinity(s.democracy, s.trust, world.alliance, s.engagement, params),
                               alliances.pull(world.alliance, s.alignment, s.engagement, fear, params), s.threat,
                               preferences.dread(s.threat, world.proximity, s.rivalry, s.engagement, params),
                               s.agreement, params)
    agreed, ceiling = _constraints_seen(s, world, params, level)
    return Decision(
        new={"threat": threat.update(s.threat, _threat_goal(s, world, params, strength), noise, params, mask),
             "power": capabilities.grow(s.power, s.growth),
             "ceiling": ceiling,
             "effective_consensus": agreed,
             "constitution": s.constitution.copy()},
        want=want,
        encircled=counterbalancing.encirclement(s.rivalry, s.cooperation, s.power),
        help=help_any,
        share=share,
        standing=capabilities.standing(share, s.rivalry),
        level=level,
        reform=domestic.reform_hazard(level, fear, domestic.legal_pressure(want, ceiling, s.cooperation),
                                      domestic.exposure(want, ceiling, s.cooperation, s.transnational, params),
                                      s.dovish, agreed, s.constitution, params),
        draws=draws,
        offer=np.empty_like(want),
        cap=s.constitution_cap,
    )


def _reform(d: Decision, world: World, rows: slice) -> None:
    """Whether the actors in ``rows`` take a reform step (elementwise: a row at a time or all at once, the same)."""
    state = d.new["constitution"]
    state[:, rows] = domestic.reform(state[:, rows], d.reform[:, rows], d.draws[:, rows, 0],
                                     world.endogenous[rows], world.last_state[rows], d.cap[:, rows])


def act(d: Decision, actor: int, policy: Policy, world: World) -> None:
    """One actor's decisions from its own rows: its offers to every partner, and whether it takes a reform step."""
    d.offer[:, actor] = policy(d.want[:, actor], d.new["ceiling"][:, actor])
    _reform(d, world, slice(actor, actor + 1))


def act_all(d: Decision, policies: tuple[Policy, ...], world: World) -> None:
    """Every actor's decisions (the batch kernel's way; the Mesa agents call :func:`act` one by one)."""
    ceiling = d.new["ceiling"]
    if all(p is standard for p in policies):  # the same numbers as policy by policy, in one call
        d.offer[:] = standard(d.want, ceiling)
    else:
        for i, p in enumerate(policies):
            d.offer[:, i] = p(d.want[:, i], ceiling[:, i])
    _reform(d, world, slice(None))  # the reform step does not depend on the policy


def settle(s: State, world: World, d: Decision, params: Params) -> dict[str, np.ndarray]:
    """Phase 2: the next cooperation, floors, trust, alignment, assertiveness and orientation, by variable name."""
    target = cooperation.goal(d.offer)
    agree = osum(s.agreement, axis=3) / s.agreement.shape[3]
    aim = counterbalancing.alignment_goal(d.encircled, d.help, d.share, s.rivalry, s.balancer, agree, params)
    floor = institutions.institutionalise(s.floor, s.cooperation, target, params)  # from last quarter's level
    alignment_floor = institutions.institutionalise(s.alignment_floor, s.alignment, aim, params)
    return {
        "cooperation": cooperation.settle(s.cooperation, target, floor, params),  # never below the new floor
        "floor": floor,
        "trust": cooperation.trust_update(s.trust, d.want, d.offer, params),
        "alignment": counterbalancing.alignment_update(s.alignment, aim, alignment_floor, params),
        "alignment_floor": alignment_floor,
        "assertiveness": counterbalancing.assertiveness_update(s.assertiveness, s.ambition, d.encircled,
                                                               s.revisionism, d.standing, params),
        "dovish": domestic.orientation(s.dovish, s.lean, d.level, world.elections, params),
    }


def commit(s: State, d: Decision, settled: dict[str, np.ndarray]) -> None:
    """Write the decided and settled values into the state, in place (agents hold views of it)."""
    for name, value in (d.new | settled).items():
        getattr(s, name)[:] = value


def world_update(s: State, params: Params) -> None:
    """World-level quantities (transnational threats) after the actors have moved."""
    s.transnational[:] = threat.transnational_update(s.transnational, params)


def step(s: State, world: World, params: Params, noise: np.ndarray, draws: np.ndarray,
         policies: tuple[Policy, ...]) -> None:
    """Advance all runs one quarter in place."""
    d = decide(s, world, params, noise, draws)
    act_all(d, policies, world)
    commit(s, d, settle(s, world, d, params))
    world_update(s, params)
