"""Counterbalancing: perceived encirclement, bloc alignment (SCO) and assertiveness.

An actor feels encircled when the actors it fears cooperate with each other in
military domains. Balancers align with partners that share their encirclement and
threats, and grow assertive; both feed back into the others' threat perceptions
(bloc power, hostile intent): the security-dilemma spiral the seed warns of.
"""

from __future__ import annotations

import numpy as np

from model.rules.ordered import osum
from model.spec.domains import MILITARY
from model.spec.parameters import Params


def encirclement(threat: np.ndarray, coop: np.ndarray) -> np.ndarray:
    """E_i = max_j T_ij * (weighted mean over pairs j != k of military cooperation C_jk,
    weights T_ij T_ik). (R, N) in [0, 1]."""
    n = threat.shape[1]
    mil = osum(coop * MILITARY[None, None, None, :], axis=3) / MILITARY.sum()  # (R, N, N)
    actor = np.arange(n)
    off_diag = (actor[:, None] != actor[None, :])[None, None]
    w = threat[:, :, :, None] * threat[:, :, None, :] * off_diag  # (R, N, N, N)
    num = osum(osum(w * mil[:, None, :, :], axis=3), axis=2)
    den = osum(osum(w, axis=3), axis=2)
    return (num / (den + 1e-9)) * np.max(threat, axis=2)


def alignment_update(align: np.ndarray, encircled: np.ndarray, shared: np.ndarray, balancer: np.ndarray,
                     floor: np.ndarray, params: Params) -> np.ndarray:
    """A_ij <- max(A_ij + r (A*_ij - A_ij), F^A_ij), A* = min(b_i, b_j) z/(1+z),
    z = w_E (E_i + E_j)/2 + w_S S_ij; treaties set the floors F^A. (R, N, N), zero diagonal."""
    n = align.shape[2]
    z = (params.weight_encirclement[:, None, None] * ((encircled[:, :, None] + encircled[:, None, :]) / 2.0)
         + params.weight_alignment_threat[:, None, None] * shared)
    both = np.minimum(balancer[:, :, None], balancer[:, None, :])
    goal = both * (z / (1.0 + z))
    not_self = (np.arange(n)[:, None] != np.arange(n)[None, :])[None]
    moved = align + params.alignment_rate[:, None, None] * (goal - align)
    return np.maximum(moved, floor) * not_self


def assertiveness_update(assertive: np.ndarray, ambition: np.ndarray, encircled: np.ndarray,
                         params: Params) -> np.ndarray:
    """Z_i <- Z_i + r (min(1, ambition_i + w E_i) - Z_i). (R, N)."""
    goal = np.minimum(1.0, ambition + params.assertiveness_encirclement[:, None] * encircled)
    return assertive + params.assertiveness_rate[:, None] * (goal - assertive)
