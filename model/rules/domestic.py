"""How domestic constraints move: government orientation and the ratchet of legal reform.

A government's dovishness drifts toward its electorate's lean, pulled hawkish by threat
(actors with ``elections`` in the world file); the elections that change the government are
events. Each quarter an actor whose constraints are endogenous may take the next loosening
step (a law, a reinterpretation, an amendment, a partnership policy) with a hazard that is
zero until the pressure for it passes the step's barrier, which grows with each step already
taken. The pressure comes from what the literature names (Samuels 2007; Oros 2017; Hughes
2015): threat, fear of abandonment (self-help), a partner's demand that presses against the
legal limit where practice has already reached it (an ally's demand for burden-sharing;
partners' contributions to NATO's operations; the actor's own demand enters through its
threat), and crises that expose the constraint (transnational threats above their baseline,
counted only in the domains where a partner asks for what the limit forbids: the Gulf War,
9/11). The step needs
a government willing to act (hawkish) and members who agree (consensus). Steps are never
undone here, and never go past the actor's ``constitution_cap`` (a counterfactual holds a
step back by lowering it): tightening happens only by events. Draws come from the run's own
stream.
"""

from __future__ import annotations

import numpy as np

from model.rules.ordered import max_partner, osum
from model.rules.preferences import transnational_pull
from model.spec.parameters import Params


def orientation(dovish: np.ndarray, lean: np.ndarray, threat_level: np.ndarray, elections: np.ndarray,
                params: Params) -> np.ndarray:
    """delta <- delta + r (clip(lean - w tau) - delta): the government drifts toward its electorate's lean, pulled
    hawkish by threat. (R, N). Elections that change the government (the DPJ's in 2009) are events.

    Only actors with an electorate (``elections``) have this domestic politics; for the others
    dovishness is a driver that only events change.
    """
    goal = np.clip(lean - params.orientation_threat[:, None] * threat_level, 0.0, 1.0)
    moved = dovish + params.orientation_rate[:, None] * (goal - dovish)
    return np.where(elections[None, :], moved, dovish)


def legal_pressure(want: np.ndarray, ceiling: np.ndarray, coop: np.ndarray,
                   weight: np.ndarray | None = None) -> np.ndarray:
    """P_i = max_j (1/D) sum_d w_d (W_jid - K_ijd)^+ min(1, C_ijd / K_ijd): what the most pressing partner wants
    from the actor beyond what its legal limit allows (an ally's demand for burden-sharing; partners who would
    contribute to NATO's operations), counted as far as practice has reached the limit (a limit of zero is
    reached). Demand presses on a constraint that cooperation already touches: reform follows practice
    (Oros 2017; NATO's partnership policy followed partners' years in ISAF). Each domain is weighted by
    ``weight`` (R, D) if given (1 otherwise). The actor's own demand enters through its threat.
    (R, N, N, D) -> (R, N)."""
    beyond = np.maximum(np.swapaxes(want, 1, 2) - ceiling, 0.0)
    safe = np.where(ceiling > 0.0, ceiling, 1.0)
    beyond *= np.where(ceiling > 0.0, np.minimum(1.0, coop / safe), 1.0)
    if weight is not None:
        beyond *= weight[:, None, None, :]
    return max_partner(osum(beyond, axis=3) / want.shape[3])


def crisis(levels: np.ndarray, params: Params) -> np.ndarray:
    """c_d = sum_k rel_dk (X_k - X0_k)^+: how far the transnational threats a domain concerns stand above their
    baseline (a crisis such as the Gulf War or 9/11). (R, K) -> (R, D)."""
    return transnational_pull(np.maximum(levels - params.transnational_baseline[:, None], 0.0))


def exposure(want: np.ndarray, ceiling: np.ndarray, coop: np.ndarray, levels: np.ndarray,
             params: Params) -> np.ndarray:
    """E_i = max_j sum_d c_d (W_jid - K_ijd)^+ min(1, C_ijd / K_ijd): a crisis exposes a constraint only where
    a partner wants what the constraint forbids in the domains the crisis concerns (the Gulf War's 'checkbook
    diplomacy': allies asked for a contribution Japan could not legally give). A crisis in domains where the
    limit does not bind, or with no partner asking, exposes nothing. Summed over domains, not averaged: a crisis
    concerns a few. (R, N)."""
    return legal_pressure(want, ceiling, coop, crisis(levels, params)) * want.shape[3]


def reform_hazard(threat_level: np.ndarray, fear: np.ndarray, pressure: np.ndarray, exposed: np.ndarray,
                  dovish: np.ndarray, consensus: np.ndarray, state_index: np.ndarray, params: Params) -> np.ndarray:
    """h = rate clip(chi (b_T tau + b_A Ab + b_P P + b_C E) - b (s + 1), 0, 1) (1 - delta): the chance of the
    next loosening step. (R, N).

    A threshold model: no step is taken while the pressure, counted as far as the members agree (chi, the
    effective consensus: 1 for a state, NATO's out-of-area consensus for NATO), stays below the step's
    barrier (which grows with each step already taken); above it the hazard rises linearly to
    ``reform_rate``, damped by a dovish government. Clipping is exact, so the engines agree to the bit.
    """
    drive = (params.reform_threat[:, None] * threat_level + params.reform_abandonment[:, None] * fear
             + params.reform_pressure[:, None] * pressure + params.reform_crisis[:, None] * exposed)
    z = consensus * drive - params.reform_barrier[:, None] * (state_index + 1.0)
    return params.reform_rate[:, None] * np.clip(z, 0.0, 1.0) * (1.0 - dovish)


def reform(state_index: np.ndarray, hazard: np.ndarray, draw: np.ndarray, endogenous: np.ndarray,
           last: np.ndarray, cap: np.ndarray) -> np.ndarray:
    """The next constraint state: one step looser where the draw falls under the hazard (and a step is left
    below both the loosest state and the actor's cap)."""
    step = (draw < hazard) & endogenous[None, :] & (state_index < np.minimum(last[None, :], cap))
    return state_index + step.astype(state_index.dtype)
