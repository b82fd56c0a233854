"""Applying a scenario's dated events and conditional events to the runs it governs.

Both engines call these: the Mesa model from its scheduled events (one run), the
kernel for every run of a chunk, masked by which scenario each run belongs to.
"""

from __future__ import annotations

import numpy as np

from model.engines.indices import index_values
from model.rules.ordered import osum
from model.spec import quantities as Q
from model.spec.world import World


def apply_events(state, events, runs: np.ndarray) -> None:
    """Apply events in order to the runs selected by the boolean mask ``runs``."""
    for ev in events:
        apply(state, ev.quantity, ev.op, ev.value, runs)


def check_conditions(state, world, conditions, fired: np.ndarray, runs: np.ndarray) -> None:
    """Fire each condition in the runs where its watched quantity is past the threshold.

    ``fired`` is an (R, C) boolean array kept by the caller; a ``once`` condition fires
    at most once per run, the others every quarter the condition holds.
    """
    for c, cond in enumerate(conditions):
        value = read(state, world, cond.watch)
        past = value > cond.threshold if cond.above else value < cond.threshold
        go = runs & past
        if cond.once:
            go &= ~fired[:, c]
        if go.any():
            apply(state, cond.quantity, cond.op, cond.value, go)
            fired[:, c] |= go


def read(state, world: World, q: Q.Quantity) -> np.ndarray:
    """Current value of a quantity for every run: shape (R,)."""
    if q.kind == "attribute":
        return state.attrs[q.field][:, q.a]
    if q.kind == "assertiveness":
        return state.assertive[:, q.a]
    if q.kind == "constitution":
        return state.cstate[:, q.a].astype(np.float64)
    if q.kind == "world":
        return state.levels[:, q.a]
    if q.kind == "index":
        return index_values(state, world)[q.field]
    if q.kind == "threat":
        return state.threat[:, q.a, q.b]
    if q.kind == "rivalry":
        return state.rivalry[:, q.a, q.b]
    if q.kind == "alignment":
        return state.align[:, q.a, q.b]
    if q.kind == "alignment_floor":
        return state.align_floor[:, q.a, q.b]
    arr = _per_domain(state, q.kind)
    if q.domain >= 0:
        return arr[:, q.a, q.b, q.domain]
    return osum(arr[:, q.a, q.b, :], axis=1) / arr.shape[-1]


def _per_domain(state, kind: str) -> np.ndarray:
    return {"floor": state.floor, "cooperation": state.coop, "agreement": state.agreement}[kind]


def apply(state, q: Q.Quantity, op: str, value: float, runs: np.ndarray) -> None:
    """Set, add to or scale a quantity in the runs selected by the boolean mask ``runs``.

    Results of add/scale stay inside the quantity's range (a bound is a bound of the
    model, e.g. cooperation cannot exceed 1); switches only take ``set``.
    """
    if not runs.any():
        return

    def combine(old):
        if op == "set":
            new = np.full_like(old, value)
        elif op == "add":
            new = old + value
        else:
            new = old * value
        return np.clip(new, q.low, q.high)

    if q.kind == "constitution":
        state.cstate[runs, q.a] = int(value)
        return
    if q.kind == "attribute":
        col = state.attrs[q.field]
        col[runs, q.a] = combine(col[runs, q.a])
    elif q.kind == "assertiveness":
        state.assertive[runs, q.a] = combine(state.assertive[runs, q.a])
    elif q.kind == "world":
        state.levels[runs, q.a] = combine(state.levels[runs, q.a])
    elif q.kind == "threat":
        state.threat[runs, q.a, q.b] = combine(state.threat[runs, q.a, q.b])
    elif q.kind == "rivalry":
        new = combine(state.rivalry[runs, q.a, q.b])
        state.rivalry[runs, q.a, q.b] = state.rivalry[runs, q.b, q.a] = new
    elif q.kind == "alignment":
        new = combine(state.align[runs, q.a, q.b])
        state.align[runs, q.a, q.b] = new
        state.align[runs, q.b, q.a] = new
    elif q.kind == "alignment_floor":
        new = combine(state.align_floor[runs, q.a, q.b])
        state.align_floor[runs, q.a, q.b] = state.align_floor[runs, q.b, q.a] = new
        raised = np.maximum(state.align[runs, q.a, q.b], new)
        state.align[runs, q.a, q.b] = state.align[runs, q.b, q.a] = raised
    else:  # floor / cooperation / agreement: symmetric per domain
        arr = _per_domain(state, q.kind)
        doms = slice(None) if q.domain < 0 else slice(q.domain, q.domain + 1)
        new = combine(arr[runs, q.a, q.b, doms])
        arr[runs, q.a, q.b, doms] = new
        arr[runs, q.b, q.a, doms] = new
        if q.kind == "floor":
            state.coop[runs, q.a, q.b, doms] = np.maximum(state.coop[runs, q.a, q.b, doms], new)
            state.coop[runs, q.b, q.a, doms] = state.coop[runs, q.a, q.b, doms]
