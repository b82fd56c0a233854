"""How much cooperation an actor wants with each partner in each domain.

More with threats both perceive, transnational threats the domain concerns, shared
values, a reliable partner (reciprocity memory) and a common engaged ally (the US as
hub); less with the threat the partner itself poses, the domain's cost, fear of
entrapment in the partner's far-away conflicts and expected backlash from nearby
adversaries of the partner (the last two scaled by the domain's militarisation).
The net incentive y maps to a wish max(y,0)/(1+max(y,0)).
"""

from __future__ import annotations

import numpy as np

from model.rules.ordered import osum
from model.spec.domains import COST, MILITARY, RELEVANCE
from model.spec.parameters import Params


def _max_over_others(x: np.ndarray) -> np.ndarray:
    """max over k of x[..., i, j, k] excluding k == i and k == j (0 when nothing is left).

    Every caller passes x >= 0, so masking by a 0/1 factor is exact; looping over the few
    k keeps numpy's inner loops long (a reduction over a 5-long last axis is slow).
    """
    n = x.shape[-1]
    actor = np.arange(n)
    i, j = actor[:, None], actor[None, :]
    acc = np.zeros(x.shape[:3])
    for k in range(n):
        acc = np.maximum(acc, x[..., k] * ((i != k) & (j != k)))
    return acc


def shared_threat(threat: np.ndarray) -> np.ndarray:
    """S_ij = max over third parties k of min(T_ik, T_jk): (R, N, N)."""
    both = np.minimum(threat[:, :, None, :], threat[:, None, :, :])
    return _max_over_others(both)


def entrapment(threat: np.ndarray, proximity: np.ndarray) -> np.ndarray:
    """E_ij = max_k T_jk (1 - T_ik)(1 - prox_ik): the partner's conflicts I neither share nor border."""
    mine = (1.0 - threat[:, :, None, :]) * (1.0 - proximity[None, :, None, :])
    return _max_over_others(threat[:, None, :, :] * mine)


def backlash(threat: np.ndarray, proximity: np.ndarray) -> np.ndarray:
    """B_ij = max_k prox_ik T_kj: a nearby third party that fears my partner."""
    fear_of_partner = np.swapaxes(threat, 1, 2)  # [r, j, k] = T_kj
    near = proximity[None, :, None, :] * fear_of_partner[:, None, :, :]
    return _max_over_others(near)


def hub(alliance: np.ndarray, engagement: np.ndarray) -> np.ndarray:
    """H_ij = max_k min(a_ik, a_jk) e_k: a common ally, as engaged as it is. (R, N, N)."""
    common = np.minimum(alliance[:, None, :], alliance[None, :, :])[None] * engagement[:, None, None, :]
    return _max_over_others(common)


def transnational_pull(levels: np.ndarray) -> np.ndarray:
    """Per-domain transnational threat: sum_k relevance_dk X_k, (R, K) -> (R, D)."""
    return osum(RELEVANCE[None, :, :] * levels[:, None, :], axis=2)


def desired(threat, levels, trust, values, alliance, engagement, proximity, params: Params,
            shared: np.ndarray) -> np.ndarray:
    """Desired cooperation of every actor with every partner: (R, N, N, D) in [0, 1).

    The per-dyad terms are combined with the per-domain weights in a domain-first layout
    (D, R, N, N), where numpy's inner loops run over whole dyad blocks instead of the ten
    domains, then returned run-first; every element sees the same operations either way.
    """
    m = MILITARY[:, None, None, None]  # (D, 1, 1, 1)
    drive_threat = (0.3 + 0.7 * m) * (params.weight_shared_threat[:, None, None] * shared)[None]
    drive_trans = (params.weight_transnational[:, None] * transnational_pull(levels)).T[:, :, None, None]
    social = (params.weight_values[:, None, None] * values
              + params.weight_trust[:, None, None] * (trust - 0.5)
              + params.weight_hub[:, None, None] * hub(alliance, engagement))
    fear = (params.weight_entrapment[:, None, None] * entrapment(threat, proximity)
            + params.weight_backlash[:, None, None] * backlash(threat, proximity))
    rival = params.weight_partner_threat[:, None, None] * threat
    cost = (params.cost_scale[:, None] * COST[None, :]).T[:, :, None, None]  # (D, R, 1, 1)
    y = drive_threat + drive_trans + (social - rival)[None] - m * fear[None] - cost
    y = np.maximum(y, 0.0)
    return np.ascontiguousarray(np.moveaxis(y / (1.0 + y), 0, -1))
