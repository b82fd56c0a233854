"""Realised cooperation per dyad and domain, and the reciprocity memory (trust).

Cooperation moves toward what both sides offer (the smaller side binds), fast when it
grows and slowly when it shrinks (institutional inertia), and never below the floors
that agreements set. Trust is how much of what an actor wanted its partner offered.
"""

from __future__ import annotations

import numpy as np

from model.rules.ordered import osum
from model.spec.parameters import Params


def offer(want: np.ndarray, ceil: np.ndarray) -> np.ndarray:
    """What an actor offers: its wish, capped by its ceiling."""
    return np.minimum(want, ceil)


def settle(coop: np.ndarray, offers: np.ndarray, floor: np.ndarray, params: Params) -> np.ndarray:
    """New cooperation of every dyad: (R, N, N, D); ``offers[r, i, j, d]`` is what i offers j."""
    goal = np.minimum(offers, np.swapaxes(offers, 1, 2))
    rate = np.where(goal > coop, params.build_rate[:, None, None, None], params.decay_rate[:, None, None, None])
    return np.maximum(coop + rate * (goal - coop), floor)


def trust_update(trust: np.ndarray, want: np.ndarray, offers: np.ndarray, params: Params) -> np.ndarray:
    """U_ij <- U_ij + rho (f_ij - U_ij), f_ij = (sum_d min(o_jid, w_ijd) + eps) / (sum_d w_ijd + eps)."""
    eps = 1e-3
    got = np.minimum(np.swapaxes(offers, 1, 2), want)
    fulfil = (osum(got, axis=3) + eps) / (osum(want, axis=3) + eps)
    n = offers.shape[1]
    not_self = (np.arange(n)[:, None] != np.arange(n)[None, :])[None]
    return (trust + params.trust_memory[:, None, None] * (fulfil - trust)) * not_self
