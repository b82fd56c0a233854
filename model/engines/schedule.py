"""Applying a scenario's dated events and conditional events to the runs it governs.

Both engines call these: the Mesa model from its scheduled events (one run), the
kernel for every run of a chunk, masked by which scenario each run belongs to.
"""

from __future__ import annotations

import numpy as np

from model.spec import quantities as Q


def apply_events(state, events, runs: np.ndarray) -> None:
    """Apply events in order to the runs selected by the boolean mask ``runs``."""
    for ev in events:
        Q.apply(state, ev.quantity, ev.op, ev.value, runs)


def check_conditions(state, world, conditions, fired: np.ndarray, runs: np.ndarray) -> None:
    """Fire each condition in the runs where its watched quantity is past the threshold.

    ``fired`` is an (R, C) boolean array kept by the caller; a ``once`` condition fires
    at most once per run, the others every quarter the condition holds.
    """
    for c, cond in enumerate(conditions):
        value = Q.read(state, world, cond.watch)
        past = value > cond.threshold if cond.above else value < cond.threshold
        go = runs & past
        if cond.once:
            go &= ~fired[:, c]
        if go.any():
            Q.apply(state, cond.quantity, cond.op, cond.value, go)
            fired[:, c] |= go
