"""Counterbalancing: perceived encirclement, bloc alignment (SCO) and assertiveness.

An actor feels encircled when the actors it fears cooperate with each other in
military domains. Balancers align with partners that share their encirclement and
threats, and grow assertive; both feed back into the others' threat perceptions
(bloc power, hostile intent): the security-dilemma spiral the seed warns of.
"""

from __future__ import annotations

import numpy as np

from .domains import MILITARY
from .ordered import osum


def encirclement(threat: np.ndarray, coop: np.ndarray, rows=slice(None)) -> np.ndarray:
    """E_i = max_j T_ij * (weighted mean over pairs j != k of military cooperation C_jk,
    weights T_ij T_ik). (R, n_rows) in [0, 1]."""
    n = threat.shape[1]
    mil = osum(coop * MILITARY[None, None, None, :], axis=3) / MILITARY.sum()  # (R, N, N)
    t = threat[:, rows, :]  # (R, n_rows, N)
    actor = np.arange(n)
    off_diag = (actor[:, None] != actor[None, :])[None, None]
    w = t[:, :, :, None] * t[:, :, None, :] * off_diag  # (R, n_rows, N, N)
    num = osum(osum(w * mil[:, None, :, :], axis=3), axis=2)
    den = osum(osum(w, axis=3), axis=2)
    return (num / (den + 1e-9)) * np.max(t, axis=2)


def alignment_update(align_rows, encircled, shared_rows, balancer, floor_rows, params,
                     rows=slice(None)) -> np.ndarray:
    """A_ij <- max(A_ij + r (A*_ij - A_ij), F^A_ij), A* = min(b_i, b_j) z/(1+z),
    z = w_E (E_i + E_j)/2 + w_S S_ij; treaties set the floors F^A. (R, n_rows, N), zero diagonal."""
    n = align_rows.shape[2]
    z = (params.weight_encirclement[:, None, None] * ((encircled[:, rows, None] + encircled[:, None, :]) / 2.0)
         + params.weight_alignment_threat[:, None, None] * shared_rows)
    both = np.minimum(balancer[:, rows, None], balancer[:, None, :])
    goal = both * (z / (1.0 + z))
    not_self = (np.arange(n)[rows][:, None] != np.arange(n)[None, :])[None]
    moved = align_rows + params.alignment_rate[:, None, None] * (goal - align_rows)
    return np.maximum(moved, floor_rows) * not_self


def assertiveness_update(assertive_rows, ambition_rows, encircled_rows, params) -> np.ndarray:
    """Z_i <- Z_i + r (min(1, ambition_i + w E_i) - Z_i). (R, n_rows)."""
    goal = np.minimum(1.0, ambition_rows + params.assertiveness_encirclement[:, None] * encircled_rows)
    return assertive_rows + params.assertiveness_rate[:, None] * (goal - assertive_rows)
