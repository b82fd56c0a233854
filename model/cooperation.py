"""Realised cooperation per dyad and domain, and the reciprocity memory (trust).

Cooperation moves toward what both sides offer (the smaller side binds), fast when it
grows and slowly when it shrinks (institutional inertia), and never below the floors
that agreements set. Trust is how much of what an actor wanted its partner offered.
"""

from __future__ import annotations

import numpy as np

from .ordered import osum


def offer(want: np.ndarray, ceil: np.ndarray) -> np.ndarray:
    """What an actor offers: its wish, capped by its ceiling."""
    return np.minimum(want, ceil)


def settle(coop_rows, offers, floor_rows, params, rows=slice(None)) -> np.ndarray:
    """New cooperation of ``rows`` with every partner: (R, n_rows, N, D).

    offers is the full (R, N, N, D) array of what each actor offers each partner.
    """
    goal = np.minimum(offers[:, rows], np.swapaxes(offers, 1, 2)[:, rows])
    rate = np.where(goal > coop_rows, params.build_rate[:, None, None, None], params.decay_rate[:, None, None, None])
    return np.maximum(coop_rows + rate * (goal - coop_rows), floor_rows)


def trust_update(trust_rows, want_rows, offers, params, rows=slice(None)) -> np.ndarray:
    """U_ij <- U_ij + rho (f_ij - U_ij), f_ij = (sum_d min(o_jid, w_ijd) + eps) / (sum_d w_ijd + eps)."""
    eps = 1e-3
    got = np.minimum(np.swapaxes(offers, 1, 2)[:, rows], want_rows)
    fulfil = (osum(got, axis=3) + eps) / (osum(want_rows, axis=3) + eps)
    n = offers.shape[1]
    not_self = (np.arange(n)[rows][:, None] != np.arange(n)[None, :])[None]
    return (trust_rows + params.trust_memory[:, None, None] * (fulfil - trust_rows)) * not_self
