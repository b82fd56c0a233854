"""Threat perception after Walt's balance of threat, with memory and noise.

Actor i's target threat from j grows with j's (bloc) aggregate power, proximity,
j's offensive capability and j's perceived hostile intent toward i (rivalry times
assertiveness); an actor whose allies are disengaged feels more exposed. Perceptions
move a share of the way to the target each quarter, plus a shock. Transnational
threats are world-level levels that shocks raise and that fade back to a baseline.
"""

from __future__ import annotations

import numpy as np

from model.rules.ordered import osum
from model.spec.parameters import Params


def bloc_power(power: np.ndarray, alignment: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Power as others see it: own power plus a share of aligned partners' power, capped at 1.

    power (R, N), alignment (R, N, N), weight (R,) -> (R, N).
    """
    partners = osum(alignment * power[:, None, :], axis=2)
    return np.minimum(1.0, power + weight[:, None] * partners)


def protection(alliance: np.ndarray, engagement: np.ndarray) -> np.ndarray:
    """How protected each actor feels: its allies' engagement, capped at 1. -> (R, N)."""
    return np.minimum(1.0, osum(alliance[None, :, :] * engagement[:, None, :], axis=2))


def target(power, offense, assertiveness, alignment, engagement, rivalry, proximity, alliance,
           params: Params) -> np.ndarray:
    """Target threat of every actor from every actor: (R, N, N) in [0, 1]."""
    wp, wx, wo = params.weight_power, params.weight_proximity, params.weight_offense
    total = wp + wx + wo
    bp = bloc_power(power, alignment, params.bloc_power_weight)
    capability = ((wp / total)[:, None, None] * bp[:, None, :]
                  + (wx / total)[:, None, None] * proximity[None, :, :]
                  + (wo / total)[:, None, None] * offense[:, None, :])
    floor = params.intent_floor[:, None, None]
    intent = rivalry[None, :, :] * (floor + (1.0 - floor) * assertiveness[:, None, :])
    exposed = 1.0 + params.exposure_weight[:, None, None] * (1.0 - protection(alliance, engagement))[:, :, None]
    return np.minimum(1.0, intent * capability * exposed)


def update(threat: np.ndarray, goal: np.ndarray, noise: np.ndarray, params: Params,
           self_mask: np.ndarray) -> np.ndarray:
    """T <- clip(T + mu (T* - T) + sigma eps, 0, 1), zero toward oneself. (R, N, N)."""
    moved = threat + params.threat_memory[:, None, None] * (goal - threat)
    shocked = moved + params.threat_noise[:, None, None] * noise
    return np.clip(shocked, 0.0, 1.0) * self_mask


def transnational_update(levels: np.ndarray, params: Params) -> np.ndarray:
    """X <- X0 + (1 - delta)(X - X0): shocks fade back to the baseline. (R, K)."""
    base = params.transnational_baseline[:, None]
    return base + (1.0 - params.transnational_decay[:, None]) * (levels - base)
