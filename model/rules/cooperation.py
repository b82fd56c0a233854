"""Realised cooperation per dyad and domain, and the reciprocity memory (trust).

Cooperation moves toward what both sides offer (the smaller side binds), fast when it
grows and slowly when it shrinks (institutional inertia), and never below the dyad's
institutional floor (model/rules/institutions.py). Trust is how much of what an actor
wanted its partner offered.
"""

from __future__ import annotations

import numpy as np

from model.rules.ordered import off_diagonal, osum
from model.spec.parameters import Params


def goal(offers: np.ndarray) -> np.ndarray:
    """G_ijd = min(O_ijd, O_jid): what both sides offer. (R, N, N, D)."""
    return np.minimum(offers, np.swapaxes(offers, 1, 2))


def settle(coop: np.ndarray, target: np.ndarray, floor: np.ndarray, params: Params) -> np.ndarray:
    """C <- max(C + r (G - C), F), r = build rate when growing, decay rate when shrinking. (R, N, N, D).

    Computed on a (R, N*N*D) view, so numpy's inner loops run over whole runs.
    """
    shape, flat = coop.shape, (coop.shape[0], -1)
    c, g = coop.reshape(flat), target.reshape(flat)
    gap = g - c
    rate = np.where(gap > 0.0, params.build_rate[:, None], params.decay_rate[:, None])
    gap *= rate
    gap += c
    return np.maximum(gap, floor.reshape(flat)).reshape(shape)


def trust_update(trust: np.ndarray, want: np.ndarray, offers: np.ndarray, params: Params) -> np.ndarray:
    """U_ij <- U_ij + rho (f_ij - U_ij), f_ij = (sum_d min(o_jid, w_ijd) + eps) / (sum_d w_ijd + eps)."""
    eps = 1e-3
    got = np.minimum(np.swapaxes(offers, 1, 2), want)
    fulfil = (osum(got, axis=3) + eps) / (osum(want, axis=3) + eps)
    n = offers.shape[1]
    return (trust + params.trust_memory[:, None, None] * (fulfil - trust)) * off_diagonal(n)
