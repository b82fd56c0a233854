"""Trajectories kept during a run: chosen quarters of every recorded state variable."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.engines.indices import index_values

ARRAYS = ("coop", "ceiling", "threat", "align", "assertive", "power", "levels", "cstate")  # per-run arrays


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

    @staticmethod
    def concat(parts: list[Trajectory]) -> Trajectory:
        """Stack trajectories of the same kept quarters along the run axis."""
        first = parts[0]
        return Trajectory(first.quarters, *(np.concatenate([getattr(p, f) for p in parts]) for f in ARRAYS),
                          {k: np.concatenate([p.indices[k] for p in parts]) for k in first.indices})


class Recorder:
    """Copies the state into preallocated arrays at the kept quarters."""

    def __init__(self, state, world, steps: int, keep=None, track: bool = False):
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
        self.track = track  # compute the indices every quarter, kept or not (the Mesa DataCollector reads them)
        self.latest: dict[str, np.ndarray] = {}

    def record(self, q: int, state) -> None:
        """Keep quarter ``q`` of ``state`` if it is a kept quarter; refresh ``latest`` (indices) as asked."""
        i = self.slot.get(q)
        if i is None and not self.track:
            return
        self.latest = index_values(state, self.world)
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
        for k, v in self.latest.items():
            t.indices[k][:, i] = v
