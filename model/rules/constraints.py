"""What an actor may offer: its per-domain legal limit (the ceiling), and the latitude others read from it.

The ceiling comes from the actor's constraint state (Japan's Article 9 interpretation:
strict, 1992 PKO law, post-2001 special measures, 2014/15 limited collective
self-defence, amendment; NATO's partnership policy), partly lifted toward treaty
allies (the world's ``allies`` share), lowered in military domains by a dovish
government, for an actor whose members must agree (NATO) lowered toward far-away
partners that are not its allies by weak out-of-area consensus, and toward allies
limited by the actor's engagement (a retrenching patron offers less). The consensus
rises with the actor's threat (including threat extended by an adversary's alignment:
NATO's 2022 Strategic Concept). The limit is not a wall: an offer is a soft minimum of
wish and limit (model/spec/policies.py), so demand still moves cooperation below it and
strong demand presses against it. How the states themselves move is
model/rules/domestic.py.
"""

from __future__ import annotations

import numpy as np

from model.rules.ordered import off_diagonal, osum
from model.spec.domains import MILITARY
from model.spec.parameters import Params


def consensus(baseline: np.ndarray, threat_level: np.ndarray, params: Params) -> np.ndarray:
    """chi_i = chi0_i + (1 - chi0_i) x/(1 + x), x = w_chi tau_i: out-of-area consensus, raised by threat. (R, N).

    The share of the members who still hold back shrinks with threat but never reaches zero, so
    the consensus keeps answering to threat (it does not pin at 1)."""
    x = params.consensus_threat[:, None] * threat_level
    return baseline + (1.0 - baseline) * (x / (1.0 + x))


def table_row(state_index: np.ndarray, tables: np.ndarray) -> np.ndarray:
    """Theta_{i, s_i, d}: each actor's legal table row in its current state. (R, N) -> (R, N, D)."""
    return tables[np.arange(tables.shape[0])[None, :], state_index]


def latitude(state_index: np.ndarray, tables: np.ndarray) -> np.ndarray:
    """lambda_i = sum_d m_d Theta_{i, s_i, d} / sum_d m_d: the military latitude the legal state allows
    (1 for an unconstrained actor). (R, N)."""
    return osum(table_row(state_index, tables) * MILITARY[None, None, :], axis=2) / MILITARY.sum()


def ceiling(state_index: np.ndarray, dovish: np.ndarray, agreed: np.ndarray, engagement: np.ndarray,
            tables: np.ndarray, allies: np.ndarray, proximity: np.ndarray, alliance: np.ndarray,
            params: Params) -> np.ndarray:
    """Ceiling of every actor toward every partner per domain: (R, N, N, D) in [0, 1]; 0 toward oneself.

    state_index, dovish, agreed (consensus), engagement: (R, N); tables: (N, S, D); allies: (N,) the
    share of the legal limit lifted toward a treaty ally; proximity, alliance: (N, N). Toward its allies
    an actor offers at most its engagement: a retrenching patron offers less in every domain (Snyder 1984).
    """
    n = tables.shape[0]
    row = table_row(state_index, tables)  # (R, N, D)
    lifted = (alliance * allies[:, None])[None, :, :, None]  # (1, N, N, 1): alpha_ij x_i
    legal = row[:, :, None, :] + lifted * (1.0 - row[:, :, None, :])  # (R, N, N, D)
    domestic = 1.0 - params.dovish_penalty[:, None, None] * dovish[:, :, None] * MILITARY[None, None, :]
    far = (1.0 - proximity[None, :, :]) * (1.0 - alliance[None, :, :])  # far and not an ally
    out_of_area = 1.0 - (1.0 - agreed[:, :, None]) * far  # (R, N, N)
    committed = 1.0 - alliance[None, :, :] * (1.0 - engagement[:, :, None])  # (R, N, N)
    out_of_area = out_of_area * committed * off_diagonal(n)  # nothing toward oneself
    return (legal * domestic[:, :, None, :]) * out_of_area[:, :, :, None]
