"""Threat perception after Walt's balance of threat, with power transition, memory and noise.

Actor i's target threat from j is j's hostile intent toward i (rivalry, read through
j's assertiveness and that of j's aligned partners) times j's capability against i:
j's share of the pair's strength (rising as a challenger approaches and passes i),
j's reach to i (proximity or a border) and j's offensive capability. Perceptions move
a share of the way to the target each quarter, plus a shock. The threat from k
extends to k's aligned partners ("indivisible security"). Transnational threats are
world-level levels that shocks raise and that fade back to a baseline.
"""

from __future__ import annotations

import numpy as np

from model.rules.ordered import osum
from model.spec.parameters import Params


def intent(rivalry: np.ndarray, assertive: np.ndarray, align: np.ndarray, params: Params) -> np.ndarray:
    """I_ij = r_ij (f + (1 - f) Z~_j), Z~_j = min(1, Z_j + w_demo sum_k A_jk Z_k). (R, N, N)."""
    seen = np.minimum(1.0, assertive + params.demonstration[:, None] * osum(align * assertive[:, None, :], axis=2))
    floor = params.intent_floor[:, None, None]
    return rivalry * (floor + (1.0 - floor) * seen[:, None, :])


def target(hostile: np.ndarray, strength_share: np.ndarray, proximity: np.ndarray, offense: np.ndarray,
           params: Params) -> np.ndarray:
    """T*_ij = min(1, I_ij (w_p g_ij + w_x reach_ij + w_o o_j) / (w_p + w_x + w_o)). (R, N, N)."""
    wp, wx, wo = params.weight_power, params.weight_proximity, params.weight_offense
    total = wp + wx + wo
    capability = ((wp / total)[:, None, None] * strength_share
                  + (wx / total)[:, None, None] * proximity[None, :, :]
                  + (wo / total)[:, None, None] * offense[:, None, :])
    return np.minimum(1.0, hostile * capability)


def update(threat: np.ndarray, goal: np.ndarray, noise: np.ndarray, params: Params,
           self_mask: np.ndarray) -> np.ndarray:
    """T <- clip(T + mu (T* - T) + sigma eps, 0, 1), zero toward oneself. (R, N, N)."""
    moved = threat + params.threat_memory[:, None, None] * (goal - threat)
    shocked = moved + params.threat_noise[:, None, None] * noise
    return np.clip(shocked, 0.0, 1.0) * self_mask


def extended(threat: np.ndarray, align: np.ndarray, params: Params, self_mask: np.ndarray) -> np.ndarray:
    """T^_il = min(1, T_il + w_link sum_k T_ik A_kl): a threat extends to the threatening actor's partners."""
    spill = osum(threat[:, :, :, None] * align[:, None, :, :], axis=2)
    return np.minimum(1.0, threat + params.linkage[:, None, None] * spill) * self_mask


def level(extended_threat: np.ndarray) -> np.ndarray:
    """tau_i = 1 - prod_j (1 - T^_ij): how threatened an actor feels overall. (R, N).

    Every threat counts (a union, not the largest alone), so a new threat raises the level
    even when another one is larger; products are taken in actor order (exact in both engines).
    """
    safe = 1.0 - extended_threat[:, :, 0]
    for j in range(1, extended_threat.shape[2]):
        safe = safe * (1.0 - extended_threat[:, :, j])
    return 1.0 - safe


def transnational_update(levels: np.ndarray, params: Params) -> np.ndarray:
    """X <- X0 + (1 - delta)(X - X0): shocks fade back to the baseline. (R, K)."""
    base = params.transnational_baseline[:, None]
    return base + (1.0 - params.transnational_decay[:, None]) * (levels - base)
