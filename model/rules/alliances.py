"""The alliance security dilemma (Snyder 1984, 1997; Cha 1999): commitment, abandonment, entrapment.

An engaged ally wants to cooperate with its allies (commitment; an informal alignment
commits as a treaty does), so a retrenching patron offers less. An actor fears
abandonment when it is threatened and its allies are disengaged; two actors who share
a patron and both fear abandonment by it hedge by cooperating with each other (Cha's
quasi-alliance). An engaged partner's far-away conflicts carry a fear of entrapment.
"""

from __future__ import annotations

import numpy as np

from model.rules.ordered import max_over_others, osum
from model.spec.parameters import Params


def commitment(alliance: np.ndarray, engagement: np.ndarray) -> np.ndarray:
    """K_ij = alliance_ij e_i: how much i's alliance with j commits it to cooperate. ``alliance`` (N, N) or, with
    alignment counted in, (R, N, N). (R, N, N)."""
    return alliance * engagement[:, :, None]


def abandonment(threat_level: np.ndarray, alliance: np.ndarray, engagement: np.ndarray) -> np.ndarray:
    """Ab_i = tau_i sum_a alliance_ia (1 - e_a) / sum_a alliance_ia (0 without allies). (R, N)."""
    ties = alliance.sum(axis=1)
    loose = osum(alliance[None, :, :] * (1.0 - engagement)[:, None, :], axis=2)
    return threat_level * loose / np.where(ties > 0, ties, 1.0)[None, :]


def hedging(fear: np.ndarray, alliance: np.ndarray) -> np.ndarray:
    """H_ij = min(Ab_i, Ab_j) max_{a != i, j} min(alliance_ia, alliance_ja): a shared patron feared lost. (R, N, N)."""
    common = np.minimum(alliance[:, None, :], alliance[None, :, :])  # (N, N, N): i, j, a
    return np.minimum(fear[:, :, None], fear[:, None, :]) * max_over_others(common[None])


def entrapment(threat: np.ndarray, proximity: np.ndarray, engagement: np.ndarray) -> np.ndarray:
    """E_ij = e_j max_k T_jk (1 - T_ik)(1 - prox_ik): an engaged partner's conflicts I neither share nor border."""
    mine = (1.0 - threat[:, :, None, :]) * (1.0 - proximity[None, :, None, :])
    return engagement[:, None, :] * max_over_others(threat[:, None, :, :] * mine)


def pull(alliance: np.ndarray, alignment: np.ndarray, engagement: np.ndarray, fear: np.ndarray,
         params: Params) -> np.ndarray:
    """P_ij = w_K K_ij + w_H H_ij: the alliance reasons to cooperate by themselves, commitment and hedging.

    Commitment counts a treaty alliance or a counterbalancing alignment, whichever is closer (max(a_ij, A_ij)):
    an alignment is an expectation of support without a treaty (Snyder 1997), and partners who expect to
    stand together practise it (China and Russia's joint exercises and patrols). Hedging needs a treaty patron."""
    return (params.weight_commitment[:, None, None] * commitment(np.maximum(alliance[None], alignment), engagement)
            + params.weight_hedge[:, None, None] * hedging(fear, alliance))
