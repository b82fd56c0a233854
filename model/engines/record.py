"""Trajectories kept during a run: chosen quarters of every recorded variable (``recorded`` in the registry),
and, every quarter whether kept or not, when each actor first entered each of its constraint states."""

from __future__ import annotations

import numpy as np

from model.engines.indices import index_values
from model.engines.state import Arrays
from model.spec.variables import RECORDED


class Trajectory(Arrays):
    """Recorded arrays with axes (run, kept quarter, ...), named as the registry names them, plus
    ``quarters`` (the kept step numbers), ``indices`` (world index name -> (R, Q)) and ``entered``
    (R, N, S): the step at which each actor first was in each constraint state (0 for its initial
    state, -1 if never), kept every quarter so that legal steps are dated even in summary outputs."""

    quarters: np.ndarray
    indices: dict[str, np.ndarray]
    entered: np.ndarray
    recorded: tuple[str, ...]

    def __init__(self, quarters: np.ndarray, arrays: dict[str, np.ndarray], indices: dict[str, np.ndarray],
                 entered: np.ndarray):
        super().__init__({"quarters": quarters, "indices": indices, "entered": entered, "recorded": tuple(arrays),
                          **arrays})

    @property
    def arrays(self) -> dict[str, np.ndarray]:
        """The recorded variables by name (``quarters``, ``indices`` and ``entered`` aside)."""
        return {name: getattr(self, name) for name in self.recorded}

    def head(self, k: int) -> Trajectory:
        """A copy of the first ``k`` kept quarters."""
        last = int(self.quarters[k - 1])
        return Trajectory(self.quarters[:k].copy(), {f: a[:, :k].copy() for f, a in self.arrays.items()},
                          {n: v[:, :k].copy() for n, v in self.indices.items()},
                          np.where(self.entered <= last, self.entered, -1))

    @staticmethod
    def concat(parts: list[Trajectory]) -> Trajectory:
        """Stack trajectories of the same kept quarters along the run axis."""
        first = parts[0]
        return Trajectory(first.quarters, {f: np.concatenate([getattr(p, f) for p in parts]) for f in first.recorded},
                          {k: np.concatenate([p.indices[k] for p in parts]) for k in first.indices},
                          np.concatenate([p.entered for p in parts]))


class Recorder:
    """Copies the state into preallocated arrays at the kept quarters.

    ``variables`` (default: every variable the registry marks ``recorded``) narrows what is kept; the world
    indices and the dates of the legal steps are always kept (calibration reads nothing else)."""

    def __init__(self, state, world, steps: int, keep=None, track: bool = False,
                 variables: tuple[str, ...] = RECORDED):
        self.keep = np.arange(steps + 1) if keep is None else np.asarray(sorted(set(int(k) for k in keep)))
        self.slot = {int(q): i for i, q in enumerate(self.keep)}
        r, nq = state.runs, len(self.keep)
        self.variables = tuple(variables)
        arrays = {f: np.zeros((r, nq) + getattr(state, f).shape[1:], dtype=getattr(state, f).dtype)
                  for f in self.variables}
        self.t = Trajectory(self.keep, arrays, {k: np.zeros((r, nq)) for k in world.indices},
                            np.full((r, world.n, world.ceilings.shape[1]), -1, dtype=np.int64))
        self.world = world
        self.track = track  # compute the indices every quarter, kept or not (the Mesa DataCollector reads them)
        self.latest: dict[str, np.ndarray] = {}

    def record(self, q: int, state) -> None:
        """Keep quarter ``q`` of ``state`` if it is a kept quarter; refresh ``latest`` (indices) as asked; date the
        constraint states first entered at ``q`` (every quarter)."""
        self._date_states(q, state.constitution)
        i = self.slot.get(q)
        if i is None and not self.track:
            return
        self.latest = index_values(state, self.world)
        if i is None:
            return
        for f in self.variables:
            getattr(self.t, f)[:, i] = getattr(state, f)
        for k, v in self.latest.items():
            self.t.indices[k][:, i] = v

    def _date_states(self, q: int, constitution: np.ndarray) -> None:
        entered = self.t.entered
        for s in range(entered.shape[2]):
            new = (entered[:, :, s] < 0) & (constitution == s)
            entered[:, :, s][new] = q
