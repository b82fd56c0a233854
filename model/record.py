"""Trajectories kept during a run: chosen quarters of every recorded state variable."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .indices import index_values

FIELDS = ("coop", "ceiling", "threat", "align", "assertive", "levels", "cstate")


@dataclass
class Trajectory:
    """Recorded arrays with axes (run, kept quarter, ...), plus the kept quarter numbers."""

    quarters: np.ndarray  # (Q,) step numbers kept
    coop: np.ndarray
    ceiling: np.ndarray
    threat: np.ndarray
    align: np.ndarray
    assertive: np.ndarray
    power: np.ndarray
    levels: np.ndarray
    cstate: np.ndarray
    indices: dict

    def take(self, runs) -> Trajectory:
        return Trajectory(self.quarters, *(getattr(self, f)[runs] for f in
                                           ("coop", "ceiling", "threat", "align", "assertive", "power", "levels",
                                            "cstate")),
                          {k: v[runs] for k, v in self.indices.items()})


class Recorder:
    """Copies the state into preallocated arrays at the kept quarters."""

    def __init__(self, state, world, steps: int, keep: np.ndarray | None = None):
        self.keep = np.arange(steps + 1) if keep is None else np.asarray(sorted(set(int(k) for k in keep)))
        self.slot = {int(q): i for i, q in enumerate(self.keep)}
        r, nq = state.runs, len(self.keep)

        def alloc(a, dtype=np.float64):
            return np.zeros((r, nq) + a.shape[1:], dtype=dtype)

        self.t = Trajectory(self.keep, alloc(state.coop), alloc(state.ceiling), alloc(state.threat),
                            alloc(state.align), alloc(state.assertive), alloc(state.attrs["power"]),
                            alloc(state.levels), alloc(state.cstate, np.int64),
                            {k: np.zeros((r, nq)) for k in world.indices})
        self.world = world

    def record(self, q: int, state) -> None:
        i = self.slot.get(q)
        if i is None:
            return
        t = self.t
        t.coop[:, i] = state.coop
        t.ceiling[:, i] = state.ceiling
        t.threat[:, i] = state.threat
        t.align[:, i] = state.align
        t.assertive[:, i] = state.assertive
        t.power[:, i] = state.attrs["power"]
        t.levels[:, i] = state.levels
        t.cstate[:, i] = state.cstate
        for k, v in index_values(state, self.world).items():
            t.indices[k][:, i] = v
