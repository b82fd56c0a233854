"""Trajectories kept during a run: chosen quarters of every recorded state variable."""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from model.engines.indices import index_values

# state name -> how to read it from the State (per-run arrays, run axis first)
_READ = {
    "coop": lambda s: s.coop, "floor": lambda s: s.floor, "ceiling": lambda s: s.ceiling,
    "threat": lambda s: s.threat, "align": lambda s: s.align, "assertive": lambda s: s.assertive,
    "power": lambda s: s.attrs["power"], "dovish": lambda s: s.attrs["dovish"], "consensus": lambda s: s.consensus,
    "levels": lambda s: s.levels, "cstate": lambda s: s.cstate,
}
ARRAYS = tuple(_READ)


@dataclass
class Trajectory:
    """Recorded arrays with axes (run, kept quarter, ...), plus the kept quarter numbers."""

    quarters: np.ndarray  # (Q,) step numbers kept
    coop: np.ndarray  # (R, Q, N, N, D)
    floor: np.ndarray  # (R, Q, N, N, D) institutional floors
    ceiling: np.ndarray  # (R, Q, N, N, D)
    threat: np.ndarray  # (R, Q, N, N)
    align: np.ndarray  # (R, Q, N, N)
    assertive: np.ndarray  # (R, Q, N)
    power: np.ndarray  # (R, Q, N)
    dovish: np.ndarray  # (R, Q, N) government orientation
    consensus: np.ndarray  # (R, Q, N) out-of-area consensus
    levels: np.ndarray  # (R, Q, K)
    cstate: np.ndarray  # (R, Q, N) constraint state index
    indices: dict

    @staticmethod
    def concat(parts: list[Trajectory]) -> Trajectory:
        """Stack trajectories of the same kept quarters along the run axis."""
        first = parts[0]
        arrays = {f: np.concatenate([getattr(p, f) for p in parts]) for f in ARRAYS}
        return Trajectory(first.quarters, **arrays,
                          indices={k: np.concatenate([p.indices[k] for p in parts]) for k in first.indices})


if tuple(f.name for f in fields(Trajectory))[1:-1] != ARRAYS:
    raise RuntimeError("model.engines.record: Trajectory's fields and ARRAYS disagree")


class Recorder:
    """Copies the state into preallocated arrays at the kept quarters."""

    def __init__(self, state, world, steps: int, keep=None, track: bool = False):
        self.keep = np.arange(steps + 1) if keep is None else np.asarray(sorted(set(int(k) for k in keep)))
        self.slot = {int(q): i for i, q in enumerate(self.keep)}
        r, nq = state.runs, len(self.keep)
        arrays = {f: np.zeros((r, nq) + read(state).shape[1:], dtype=read(state).dtype) for f, read in _READ.items()}
        self.t = Trajectory(self.keep, **arrays, indices={k: np.zeros((r, nq)) for k in world.indices})
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
        for f, read in _READ.items():
            getattr(self.t, f)[:, i] = read(state)
        for k, v in self.latest.items():
            self.t.indices[k][:, i] = v
