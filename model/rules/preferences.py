"""How much cooperation an actor wants with each partner in each domain.

More against the third parties it fears, the more the partner can help against them
(its share of the pair's joint strength; in military domains also its reach to them),
and with the transnational threats the domain concerns; these reasons weigh more
between partners with shared values, a reliable record (reciprocity memory) and a
common engaged ally (the US as hub). More with an alliance commitment and when
hedging against abandonment (model/rules/alliances.py). Less with the threat the
partner itself poses, the domain's cost (lowered by agreements), fear of entrapment
in an engaged partner's far-away conflicts and expected backlash from nearby
adversaries of the partner who are not the actor's own rivals (the last two scaled by
the domain's militarisation).
The net incentive y maps to a wish max(y,0)/(1+max(y,0)).
"""

from __future__ import annotations

import numpy as np

from model.rules import alliances
from model.rules.ordered import max_over_others, osum, sum_over_others
from model.spec.domains import COST, MILITARY, RELEVANCE
from model.spec.parameters import Params


def help_against(threat: np.ndarray, share: np.ndarray, proximity: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """What partner j offers against i's threats: (M_ij, M^reach_ij) = g_ij times the sums over third parties k
    of T^_ik and of T^_ik reach_jk. ``share[r, i, j]`` = g_ij = S_j / (S_i + S_j) is what j adds to i's side
    (its share of their joint strength): a strong partner is useful however strong the threat, a powerless
    one is not, and more threat means more demand for partners (balancing, Walt 1987). (R, N, N) each."""
    against = np.broadcast_to(threat[:, :, None, :], threat.shape[:2] + threat.shape[1:])  # [r, i, j, k] = T^_ik
    return (share * sum_over_others(against),
            share * sum_over_others(against * proximity[None, None, :, :]))


def backlash(threat: np.ndarray, proximity: np.ndarray, rivalry: np.ndarray) -> np.ndarray:
    """B_ij = max_k prox_ik (1 - r_ik) T_kj: a nearby third party that fears my partner and whose goodwill I
    still have to lose. Provoking a rival costs little (Snyder 1984's adversary game: what one risks with an
    adversary is already at stake), so a rival's fear of my partner deters me less than a friend's."""
    fear_of_partner = np.swapaxes(threat, 1, 2)  # [r, j, k] = T_kj
    near = proximity[None, :, :] * (1.0 - rivalry)  # [r, i, k] = prox_ik (1 - r_ik)
    return max_over_others(near[:, :, None, :] * fear_of_partner[:, None, :, :])


def hub(alliance: np.ndarray, engagement: np.ndarray) -> np.ndarray:
    """H_ij = max_k min(a_ik, a_jk) e_k: a common ally, as engaged as it is. (R, N, N)."""
    return max_over_others(np.minimum(alliance[:, None, :], alliance[None, :, :])[None] * engagement[:, None, None, :])


def shared_values(democracy: np.ndarray) -> np.ndarray:
    """V_ij = v_i v_j: shared *democratic* values, high only when both are democracies (two autocracies are
    alike but share no democratic values). (R, N) -> (R, N, N)."""
    return democracy[:, :, None] * democracy[:, None, :]


def affinity(democracy: np.ndarray, trust: np.ndarray, alliance: np.ndarray, engagement: np.ndarray,
             params: Params) -> np.ndarray:
    """Af_ij = w_V V_ij + w_U (U_ij - 1/2) + w_H H_ij: what makes reasons to cooperate weigh more. (R, N, N)."""
    return (params.weight_values[:, None, None] * shared_values(democracy)
            + params.weight_trust[:, None, None] * (trust - 0.5)
            + params.weight_hub[:, None, None] * hub(alliance, engagement))


def dread(threat: np.ndarray, proximity: np.ndarray, rivalry: np.ndarray, engagement: np.ndarray,
          params: Params) -> np.ndarray:
    """Dr_ij = w_E E_ij + w_B B_ij: fear of entrapment and of backlash, scaled later by militarisation. (R, N, N)."""
    return (params.weight_entrapment[:, None, None] * alliances.entrapment(threat, proximity, engagement)
            + params.weight_backlash[:, None, None] * backlash(threat, proximity, rivalry))


_M = MILITARY[:, None]  # (D, 1) militarisation
_URGE = 0.3 + 0.7 * _M  # how hard a reason pulls in each domain
_NEAR = _URGE * (1.0 - _M)  # the weight of a partner's help without reach
_REACH = _URGE * _M  # the weight of its help with reach (military domains)


def transnational_pull(levels: np.ndarray) -> np.ndarray:
    """Per-domain transnational threat: sum_k relevance_dk X_k, (R, K) -> (R, D)."""
    return osum(RELEVANCE[None, :, :] * levels[:, None, :], axis=2)


def desired(help_any: np.ndarray, help_reach: np.ndarray, levels: np.ndarray, affinity: np.ndarray,
            pull: np.ndarray, partner_threat: np.ndarray, fear: np.ndarray, agreement: np.ndarray,
            params: Params) -> np.ndarray:
    """Desired cooperation of every actor with every partner: (R, N, N, D) in [0, 1).

    y = (threat drive + transnational drive) (1 + Af)^+ + u_d pull - w_R T_ij - m_d Dr - cost_d (1 - a_eff ag),
    u_d = 0.3 + 0.7 m_d. The threat drive is u_d w_T ((1 - m_d) M + m_d M^reach): military domains need reach;
    the alliance pull (commitment, hedging) is an alliance's reason, so it too weighs most where m_d is high.
    ``affinity`` (values, trust, hub) amplifies a reason to cooperate but is none by itself (the
    multiplier 1 + affinity is kept at or above 0); ``pull``
    (alliance commitment, hedging) and ``fear`` (entrapment, backlash: :func:`dread`) are weighted (R, N, N)
    terms; ``partner_threat`` is T_ij, the threat the partner poses, weighted here. The sum is formed
    domain-first on a flat (D, R*N*N) layout, so numpy's inner loops run over every dyad of every run
    at once; every element sees the same operations in any layout.
    """
    r, n = help_any.shape[:2]
    d = len(MILITARY)
    flat = (1, r * n * n)
    w = params.weight_threat[:, None, None]
    y = _NEAR * (w * help_any).reshape(flat)  # (D, R*N*N); every step below works in place
    tmp = _REACH * (w * help_reach).reshape(flat)
    y += tmp
    y.reshape(d, r, n * n)[...] += (params.weight_transnational[:, None] * transnational_pull(levels)).T[:, :, None]
    y *= np.maximum(0.0, 1.0 + affinity).reshape(flat)
    np.multiply(_URGE, pull.reshape(flat), out=tmp)  # alliance reasons weigh as threats do: most where m_d is high
    y += tmp
    y -= (params.weight_partner_threat[:, None, None] * partner_threat).reshape(flat)  # one does not arm a rival
    np.multiply(_M, fear.reshape(flat), out=tmp)
    y -= tmp
    relief = np.moveaxis(agreement, -1, 0).reshape(d, -1) * np.repeat(params.agreement_effect, n * n)[None, :]
    np.subtract(1.0, relief, out=relief)
    relief.reshape(d, r, n * n)[...] *= (params.cost_scale[:, None] * COST[None, :]).T[:, :, None]  # c_d (1 - a ag)
    y -= relief
    np.maximum(y, 0.0, out=y)
    np.add(y, 1.0, out=tmp)
    y /= tmp
    return np.ascontiguousarray(np.moveaxis(y.reshape(d, r, n, n), 0, -1))
