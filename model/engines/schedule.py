"""Applying a scenario's dated events and conditional events to the runs it governs.

Both engines call these: the Mesa model from its scheduled events (one run), the
kernel for every run of a chunk, masked by which scenario each run belongs to. A
quantity names one element of a registry variable (model/spec/quantities.py); how it
is read and written follows from the variable's axes, symmetry and floor.
"""

from __future__ import annotations

import numpy as np

from model.engines.indices import index_values
from model.rules.ordered import osum
from model.spec import quantities
from model.spec.variables import VARIABLES
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


def _cells(q: quantities.Quantity) -> tuple:
    """The element(s) a quantity names, after the run axis: (a,), (a, b) or (a, b, domains)."""
    v = VARIABLES[q.variable]
    if not v.dyad:
        return (q.a,)
    if not v.per_domain:
        return (q.a, q.b)
    return (q.a, q.b, slice(None) if q.domain < 0 else slice(q.domain, q.domain + 1))


def _mirror(cells: tuple) -> tuple:
    return (cells[1], cells[0]) + cells[2:]


def read(state, world: World, q: quantities.Quantity) -> np.ndarray:
    """Current value of a quantity for every run: shape (R,); a per-domain quantity over all domains is their mean."""
    if q.variable == quantities.INDEX:
        return index_values(state, world)[q.field]
    arr = getattr(state, q.variable)
    value = arr[(slice(None), *_cells(q))]
    if VARIABLES[q.variable].per_domain:
        return value[:, 0] if q.domain >= 0 else osum(value, axis=1) / arr.shape[-1]
    return value.astype(np.float64) if VARIABLES[q.variable].integer else value


def apply(state, q: quantities.Quantity, op: str, value: float, runs: np.ndarray) -> None:
    """Set, add to or scale a quantity in the runs selected by the boolean mask ``runs``.

    Results of add/scale stay inside the quantity's range (a bound is a bound of the
    model, e.g. cooperation cannot exceed 1); switches only take ``set``. A symmetric
    variable is written on both sides of the pair; writing a floor lifts its level to it.
    """
    if not runs.any():
        return
    v = VARIABLES[q.variable]
    arr = getattr(state, v.name)
    cells = _cells(q)
    if v.integer:
        arr[(runs, *cells)] = int(value)
        return
    old = arr[(runs, *cells)]
    new = np.full_like(old, value) if op == "set" else old + value if op == "add" else old * value
    new = np.clip(new, q.low, q.high)
    arr[(runs, *cells)] = new
    if v.symmetric:
        arr[(runs, *_mirror(cells))] = new
    if v.floor_of:
        level = getattr(state, v.floor_of)
        level[(runs, *cells)] = np.maximum(level[(runs, *cells)], new)
        level[(runs, *_mirror(cells))] = level[(runs, *cells)]
