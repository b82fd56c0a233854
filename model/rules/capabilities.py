"""Aggregate power, and how strong each actor's side is against another's.

Power grows at each actor's own yearly rate with no cap: only relative power enters
the rules. An actor's side is its own power plus the engaged share of its allies'
power and a share of its aligned partners' power, so a disengaging ally leaves it
exposed and an alignment makes a bloc (Walt 1987; power transition, Organski 1958).
"""

from __future__ import annotations

import numpy as np

from model.rules.ordered import osum
from model.spec.parameters import Params


def grow(power: np.ndarray, growth: np.ndarray) -> np.ndarray:
    """One quarter of growth: P <- P (1 + g/4); arrays of shape (R, N)."""
    return power * (1.0 + growth / 4.0)


def side(power: np.ndarray, alliance: np.ndarray, engagement: np.ndarray, align: np.ndarray,
         params: Params) -> np.ndarray:
    """S_i = P_i + w_x sum_a alliance_ia e_a P_a + w_b sum_k A_ik P_k: the power an actor can count on. (R, N)."""
    allies = osum(alliance[None, :, :] * (engagement * power)[:, None, :], axis=2)
    partners = osum(align * power[:, None, :], axis=2)
    return power + params.exposure_weight[:, None] * allies + params.bloc_power_weight[:, None] * partners


def share(strength: np.ndarray) -> np.ndarray:
    """g_ij = S_j / (S_i + S_j): j's share of the pair's strength, 1/2 at parity. (R, N) -> (R, N, N)."""
    return strength[:, None, :] / (strength[:, :, None] + strength[:, None, :])


def standing(strength_share: np.ndarray, rivalry: np.ndarray) -> np.ndarray:
    """Pi_i = sum_j r_ij g_ji / sum_j r_ij: an actor's share of strength against its rivals, weighted by
    rivalry (0 without rivals); what power-transition theory says a challenger's ambition follows. (R, N)."""
    mine = np.swapaxes(strength_share, 1, 2)  # [r, i, j] = g_ji = S_i / (S_i + S_j)
    weight = osum(rivalry, axis=2)
    return osum(rivalry * mine, axis=2) / np.where(weight > 0.0, weight, 1.0)
