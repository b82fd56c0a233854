"""Threat perception after Walt's balance of threat, with power transition, memory and noise.

Actor i's target threat from j is j's hostile intent toward i (rivalry, read through
j's assertiveness and that of j's aligned partners) times j's capability against i:
j's strength relative to i's (a ratio with no cap, so a challenger that approaches and
passes i keeps becoming more threatening: power transition), j's reach to i (proximity
or a border) and j's offensive capability as others see it (a legally restrained
actor's capability is discounted; loosening the restraint removes the discount: the
security dilemma). Perceptions move a share of the way to the target each quarter,
plus a shock that is mean-zero on the logit scale (so no threat arises from noise).
The threat from k extends to k's aligned partners ("indivisible security").
Transnational threats are world-level levels that shocks raise and that fade back to a
baseline.
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


def seen_offense(offense: np.ndarray, latitude: np.ndarray, params: Params) -> np.ndarray:
    """o~_j = o_j (1 - w_L (1 - lambda_j)): offense as others read it; lambda_j is the military latitude j's
    legal state allows (1 for an unconstrained actor). (R, N)."""
    return offense * (1.0 - params.legal_reassurance[:, None] * (1.0 - latitude))


def target(hostile: np.ndarray, strength: np.ndarray, proximity: np.ndarray, offense: np.ndarray,
           params: Params) -> np.ndarray:
    """T*_ij = min(1, I_ij (w~_p S_j/S_i + w~_x reach_ij + w~_o o~_j)), w~ = w / (w_p + w_x + w_o). (R, N, N).

    ``strength`` is every actor's side S (R, N); the ratio S_j / S_i has no cap (power transition)."""
    wp, wx, wo = params.weight_power, params.weight_proximity, params.weight_offense
    total = wp + wx + wo
    capability = ((wp / total)[:, None, None] * (strength[:, None, :] / strength[:, :, None])
                  + (wx / total)[:, None, None] * proximity[None, :, :]
                  + (wo / total)[:, None, None] * offense[:, None, :])
    return np.minimum(1.0, hostile * capability)


def update(threat: np.ndarray, goal: np.ndarray, noise: np.ndarray, params: Params,
           self_mask: np.ndarray) -> np.ndarray:
    """T <- clip(T' + sigma eps T'(1 - T')), T' = T + mu (T* - T); zero toward oneself. (R, N, N).

    The shock is mean-zero and scaled by T'(1 - T'), the slope of the logistic: noise on the logit
    scale to first order, so it neither creates a threat where there is none nor pushes one past 1
    (the clip guards only against shocks beyond 1/sigma standard deviations)."""
    moved = threat + params.threat_memory[:, None, None] * (goal - threat)
    shocked = moved + params.threat_noise[:, None, None] * noise * (moved * (1.0 - moved))
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
