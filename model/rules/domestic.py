"""How domestic constraints move: government orientation and the ratchet of legal reform.

A government's dovishness drifts toward its electorate's lean, pulled hawkish by
threat; when the actor feels no threat, a dovish turn (an election) can happen at any
quarter. Each quarter an actor whose constraints are endogenous may take the next
loosening step (a law, a reinterpretation, an amendment) with a hazard that is zero until
threat and fear of abandonment (self-help) pass the step's barrier, which grows with each
step already taken, and that needs a government willing to act (Samuels 2007; Oros 2017). Steps are never undone
here: tightening happens only by events. Draws come from the run's own stream.
"""

from __future__ import annotations

import numpy as np

from model.spec.parameters import Params


def orientation(dovish: np.ndarray, lean: np.ndarray, threat_level: np.ndarray, draw: np.ndarray,
                endogenous: np.ndarray, params: Params) -> np.ndarray:
    """delta <- delta + r (clip(lean - w tau) - delta), then up by J with hazard h (1 - tau/tau_calm)^+. (R, N).

    Only actors whose constraints are endogenous have this domestic politics; for the others
    dovishness is a driver that only events change.
    """
    goal = np.clip(lean - params.orientation_threat[:, None] * threat_level, 0.0, 1.0)
    moved = dovish + params.orientation_rate[:, None] * (goal - dovish)
    calm = np.maximum(0.0, 1.0 - threat_level / params.calm_threshold[:, None])
    turn = draw < params.dovish_turn_rate[:, None] * calm
    turned = np.where(turn, np.minimum(1.0, moved + params.dovish_jump[:, None]), moved)
    return np.where(endogenous[None, :], turned, dovish)


def reform_hazard(threat_level: np.ndarray, fear: np.ndarray, dovish: np.ndarray, state_index: np.ndarray,
                  params: Params) -> np.ndarray:
    """h = rate clip(w_T tau + w_A Ab - b (s + 1), 0, 1) (1 - delta): the chance of the next loosening step. (R, N).

    A threshold model: no step is taken while threat and fear of abandonment stay below the
    step's barrier (which grows with each step already taken); above it the hazard rises
    linearly to ``reform_rate``. Clipping is exact, so the two engines agree to the last bit.
    """
    z = (params.reform_threat[:, None] * threat_level + params.reform_abandonment[:, None] * fear
         - params.reform_barrier[:, None] * (state_index + 1.0))
    return params.reform_rate[:, None] * np.clip(z, 0.0, 1.0) * (1.0 - dovish)


def reform(state_index: np.ndarray, hazard: np.ndarray, draw: np.ndarray, endogenous: np.ndarray,
           last: np.ndarray) -> np.ndarray:
    """The next constraint state: one step looser where the draw falls under the hazard (and a step is left)."""
    step = (draw < hazard) & endogenous[None, :] & (state_index < last[None, :])
    return state_index + step.astype(state_index.dtype)
