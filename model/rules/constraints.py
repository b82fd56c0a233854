"""What an actor may offer: its per-domain ceiling.

The ceiling comes from the actor's constraint state (Japan's Article 9 interpretation:
strict, 1992 PKO law, post-2001 special measures, 2014/15 limited collective
self-defence, amendment), lowered in military domains by a dovish domestic orientation,
and, for an actor whose members must agree (NATO), lowered toward far-away partners
that are not its allies by weak out-of-area consensus.
"""

from __future__ import annotations

import numpy as np

from model.spec.domains import MILITARY
from model.spec.parameters import Params


def ceiling(state_index: np.ndarray, dovish: np.ndarray, consensus: np.ndarray, tables: np.ndarray,
            proximity: np.ndarray, alliance: np.ndarray, params: Params) -> np.ndarray:
    """Ceiling of every actor toward every partner per domain: (R, N, N, D) in [0, 1]; 0 toward oneself.

    state_index, dovish, consensus: (R, N); tables: (N, S, D); proximity, alliance: (N, N).
    """
    n = tables.shape[0]
    actor = np.arange(n)
    table = tables[actor[None, :], state_index]  # (R, N, D)
    domestic = 1.0 - params.dovish_penalty[:, None, None] * dovish[:, :, None] * MILITARY[None, None, :]
    far = (1.0 - proximity[None, :, :]) * (1.0 - alliance[None, :, :])  # far and not an ally
    out_of_area = 1.0 - (1.0 - consensus[:, :, None]) * far  # (R, N, N)
    out_of_area = out_of_area * (actor[:, None] != actor[None, :])[None]  # nothing toward oneself
    return (table * domestic)[:, :, None, :] * out_of_area[:, :, :, None]
