"""What an actor may offer: its per-domain ceiling.

The ceiling comes from the actor's constraint state (Japan's Article 9 interpretation:
strict, 1992 PKO law, post-2001 special measures, 2014/15 limited collective
self-defence, amendment; NATO's partnership policy), lowered in military domains by
a dovish government, for an actor whose members must agree (NATO), lowered
toward far-away partners that are not its allies by weak out-of-area consensus, and
toward allies limited by the actor's engagement (a retrenching patron offers less). The
consensus rises with the actor's threat (including threat extended by an
adversary's alignment: NATO's 2022 Strategic Concept). How the states themselves move
is model/rules/domestic.py.
"""

from __future__ import annotations

import numpy as np

from model.rules.ordered import off_diagonal
from model.spec.domains import MILITARY
from model.spec.parameters import Params


def consensus(baseline: np.ndarray, threat_level: np.ndarray, params: Params) -> np.ndarray:
    """chi_i = chi0_i + (1 - chi0_i) x/(1 + x), x = w_chi tau_i: out-of-area consensus, raised by threat. (R, N).

    The share of the members who still hold back shrinks with threat but never reaches zero, so
    the consensus keeps answering to threat (it does not pin at 1)."""
    x = params.consensus_threat[:, None] * threat_level
    return baseline + (1.0 - baseline) * (x / (1.0 + x))


def ceiling(state_index: np.ndarray, dovish: np.ndarray, agreed: np.ndarray, engagement: np.ndarray,
            tables: np.ndarray, proximity: np.ndarray, alliance: np.ndarray, params: Params) -> np.ndarray:
    """Ceiling of every actor toward every partner per domain: (R, N, N, D) in [0, 1]; 0 toward oneself.

    state_index, dovish, agreed (consensus), engagement: (R, N); tables: (N, S, D); proximity,
    alliance: (N, N). Toward its allies an actor offers at most its engagement: a retrenching
    patron offers less in every domain (Snyder 1984).
    """
    n = tables.shape[0]
    actor = np.arange(n)
    table = tables[actor[None, :], state_index]  # (R, N, D)
    domestic = 1.0 - params.dovish_penalty[:, None, None] * dovish[:, :, None] * MILITARY[None, None, :]
    far = (1.0 - proximity[None, :, :]) * (1.0 - alliance[None, :, :])  # far and not an ally
    out_of_area = 1.0 - (1.0 - agreed[:, :, None]) * far  # (R, N, N)
    committed = 1.0 - alliance[None, :, :] * (1.0 - engagement[:, :, None])  # (R, N, N)
    out_of_area = out_of_area * committed * off_diagonal(n)  # nothing toward oneself
    return (table * domestic)[:, :, None, :] * out_of_area[:, :, :, None]
