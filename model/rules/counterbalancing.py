"""Counterbalancing: encirclement, bloc alignment (SCO) and assertiveness (Jervis 1976, 1978; Walt 1987).

An actor feels encircled by the military cooperation of its rivals: every cooperating
pair counts, weighted by the two partners' power relative to the others (an intensity,
not an average, and not weighted by the encircled actor's own weakness or fear).
Balancers align when both gain: each gains from a partner in proportion to its own
threats and the partner's usefulness against them, and to the encirclement it feels
times the partner's share of their joint strength; rivals do not ally (the drive falls
with their mutual rivalry); the cost of aligning falls with agreements (treaties,
pacts); sustained alignment institutionalises. Assertiveness rises with encirclement
and, for a revisionist, with its strength against its rivals (power transition). Both
feed back into the others' threat perceptions (bloc power, hostile intent): the
security-dilemma spiral Or-Rashid 2024 warns of.
"""

from __future__ import annotations

import numpy as np

from model.rules.ordered import off_diagonal, osum
from model.spec.domains import MILITARY
from model.spec.parameters import Params


def encirclement(rivalry: np.ndarray, coop: np.ndarray, power: np.ndarray) -> np.ndarray:
    """E_c = sum over pairs {i, j} (i, j != c) of p^c_i p^c_j mil_ij (r_ci + r_cj) / 2. (R, N).

    The military cooperation of c's rivals, weighted by their power: a pressure on c, not c's fear of it.
    p^c_i = (N - 1) P_i / sum_{k != c} P_k is i's power relative to the average of the others, so c's own
    strength or weakness does not enter its encirclement (a weak actor is not more encircled than a strong one
    by the same ring); mil_ij is the pair's mean military cooperation. By the symmetry of mil this equals
    (1/2) sum_i p^c_i r_ci sum_j mil_ij p^c_j (i, j != c).
    """
    n = rivalry.shape[1]
    mil = osum(coop * MILITARY[None, None, None, :], axis=3) / MILITARY.sum()  # (R, N, N), zero diagonal
    others = osum(power, axis=1)[:, None] - power  # (R, N): sum of everyone else's power, per c
    p = (power[:, None, :] * ((n - 1) / others)[:, :, None]) * off_diagonal(n)  # [r, c, i] = p^c_i, 0 for i = c
    reach = osum(mil[:, None, :, :] * p[:, :, None, :], axis=3)  # [r, c, i] = sum_j mil_ij p_j
    return 0.5 * osum(p * rivalry * reach, axis=2)


def alignment_goal(encircled: np.ndarray, help_against: np.ndarray, strength_share: np.ndarray,
                   rivalry: np.ndarray, balancer: np.ndarray, agreement: np.ndarray, params: Params) -> np.ndarray:
    """A*_ij = min(b_i, b_j) z+/(1 + z+), z = (1 - r_ij) min(G_ij, G_ji) - c_A (1 - a_eff ag_ij). (R, N, N).

    G_ij = w_S M_ij + w_E E_i g_ij is what i gains from aligning with j: M_ij = g_ij sum_k T^_ik, i's threats
    times j's share of their joint strength (the demand rule's help, preferences.help_against), and the
    encirclement i feels times that share. Both must gain, and rivals do not ally. The goal approaches 1
    without reaching it, so a stronger reason to align always shows (a clip at 1 left alignment deaf to every
    shock where the gains were large). ``agreement`` is the dyad's mean agreement over domains.
    """
    gain = (params.weight_alignment_threat[:, None, None] * help_against
            + params.weight_encirclement[:, None, None] * (encircled[:, :, None] * strength_share))
    z = ((1.0 - rivalry) * np.minimum(gain, np.swapaxes(gain, 1, 2))
         - params.alignment_cost[:, None, None] * (1.0 - params.agreement_effect[:, None, None] * agreement))
    both = np.minimum(balancer[:, :, None], balancer[:, None, :])
    n = rivalry.shape[1]
    pos = np.maximum(z, 0.0)
    return both * (pos / (1.0 + pos)) * off_diagonal(n)


def alignment_update(align: np.ndarray, target: np.ndarray, floor: np.ndarray, params: Params) -> np.ndarray:
    """A <- max(A + r (A* - A), F^A): alignment moves toward its goal, never below its institutional floor."""
    return np.maximum(align + params.alignment_rate[:, None, None] * (target - align), floor)


def assertiveness_update(assertive: np.ndarray, ambition: np.ndarray, encircled: np.ndarray, revisionism: np.ndarray,
                         standing: np.ndarray, params: Params) -> np.ndarray:
    """Z_i <- Z_i + r (Z*_i - Z_i), Z*_i = a_i + (1 - a_i) x/(1 + x), x = w_E E_i + w_PT v_i Pi_i. (R, N).

    Encirclement and, for a revisionist (v_i), its strength against its rivals (Pi_i, capabilities.standing)
    raise the goal above the actor's ambition toward 1 without reaching it, so a further push always
    shows: a dissatisfied challenger grows more assertive as it approaches and passes parity (Organski &
    Kugler)."""
    x = (params.assertiveness_encirclement[:, None] * encircled
         + params.transition_assertiveness[:, None] * (revisionism * standing))
    goal = ambition + (1.0 - ambition) * (x / (1.0 + x))
    return assertive + params.assertiveness_rate[:, None] * (goal - assertive)
