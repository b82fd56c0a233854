"""Counterbalancing: encirclement, bloc alignment (SCO) and assertiveness (Jervis 1976, 1978).

An actor feels encircled by the military cooperation of those it fears, weighted by
how strong each of them is against it and summed over every cooperating pair (an
intensity, not an average). Balancers align toward a target that rises with both
partners' encirclement and with the threat they share, net of the cost of aligning,
which agreements (treaties, pacts) lower; sustained alignment institutionalises. Both
feed back into the others' threat perceptions (bloc power, hostile intent): the
security-dilemma spiral the seed warns of.
"""

from __future__ import annotations

import numpy as np

from model.rules.ordered import off_diagonal, osum
from model.spec.domains import MILITARY
from model.spec.parameters import Params


def encirclement(threat: np.ndarray, coop: np.ndarray, strength_share: np.ndarray) -> np.ndarray:
    """E_c = sum over pairs {i, j} (i, j != c) of g_ci g_cj mil_ij (T_ci + T_cj) / 2. (R, N).

    g_ci is i's share of strength against c, mil_ij the pair's mean military cooperation.
    By the symmetry of mil this equals (1/2) sum_i g_ci T_ci sum_j mil_ij g_cj.
    """
    n = threat.shape[1]
    mil = osum(coop * MILITARY[None, None, None, :], axis=3) / MILITARY.sum()  # (R, N, N), zero diagonal
    weight = strength_share * off_diagonal(n)  # g_ci, none toward oneself
    reach = osum(mil[:, None, :, :] * weight[:, :, None, :], axis=3)  # [r, c, i] = sum_j mil_ij g_cj
    return 0.5 * osum(weight * threat * reach, axis=2)


def alignment_goal(encircled: np.ndarray, shared: np.ndarray, balancer: np.ndarray, agreement: np.ndarray,
                   params: Params) -> np.ndarray:
    """A*_ij = min(b_i, b_j) min(1, z^+), z = w_E (E_i + E_j)/2 + w_S S_ij - c_A (1 - a_eff ag_ij). (R, N, N).

    Piecewise linear (not saturating early), so a change in encirclement moves the goal in proportion.

    ``agreement`` is the dyad's mean agreement over domains (treaties, partnerships, pacts).
    """
    z = (params.weight_encirclement[:, None, None] * ((encircled[:, :, None] + encircled[:, None, :]) / 2.0)
         + params.weight_alignment_threat[:, None, None] * shared
         - params.alignment_cost[:, None, None] * (1.0 - params.agreement_effect[:, None, None] * agreement))
    both = np.minimum(balancer[:, :, None], balancer[:, None, :])
    n = shared.shape[1]
    return both * np.clip(z, 0.0, 1.0) * off_diagonal(n)


def alignment_update(align: np.ndarray, target: np.ndarray, floor: np.ndarray, params: Params) -> np.ndarray:
    """A <- max(A + r (A* - A), F^A): alignment moves toward its goal, never below its institutional floor."""
    return np.maximum(align + params.alignment_rate[:, None, None] * (target - align), floor)


def assertiveness_update(assertive: np.ndarray, ambition: np.ndarray, encircled: np.ndarray,
                         params: Params) -> np.ndarray:
    """Z_i <- Z_i + r (min(1, ambition_i + w E_i) - Z_i). (R, N)."""
    goal = np.minimum(1.0, ambition + params.assertiveness_encirclement[:, None] * encircled)
    return assertive + params.assertiveness_rate[:, None] * (goal - assertive)
