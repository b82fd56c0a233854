"""The model state: one array per registry variable with a leading run axis, and how a run starts.

:class:`Arrays` holds named arrays that are changed in place only (the Mesa agents hold
views of their rows), so ``s.cooperation[:] = new`` works and ``s.cooperation = new`` is an
error. The names, shapes and first values come from ``model/spec/variables.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from model.rules.ordered import off_diagonal
from model.spec.parameters import Params
from model.spec.variables import VARIABLES, Variable
from model.spec.world import World


class Arrays:
    """Named arrays (the state, or a recorded trajectory), read as attributes and written in place."""

    def __init__(self, arrays: dict[str, Any]):
        self.__dict__.update(arrays)

    def __setattr__(self, name: str, value) -> None:
        raise AttributeError(f"write state arrays in place ({name}[...] = value), never rebind them")

    def names(self) -> tuple[str, ...]:
        return tuple(self.__dict__)

    def items(self):
        return self.__dict__.items()

    if TYPE_CHECKING:
        def __getattr__(self, name: str) -> np.ndarray: ...


class State(Arrays):
    """Everything that changes during a run: one (R, ...) array per variable of the registry."""

    @property
    def runs(self) -> int:
        return self.threat.shape[0]


def _start(v: Variable, world: World, params: Params, done: dict[str, np.ndarray]) -> np.ndarray:
    """The first value of ``v`` for R runs (R = length of the parameter arrays), as its registry row says."""
    r, n = params.runs, world.n
    how, _, arg = v.start.partition(":")
    if how == "world":
        one = world.initial(v.name)
        return np.repeat(one[None], r, axis=0).astype(v.dtype, copy=True)
    if how == "copy":
        return done[arg].copy()
    if how == "param":
        return np.repeat(getattr(params, arg)[:, None], v.shape(n)[0], axis=1).copy()
    base = np.zeros((r,) + v.shape(n), dtype=v.dtype) if how == "zero" else np.full((r,) + v.shape(n), float(arg))
    return base * off_diagonal(n) if v.dyad and how == "value" else base


def initial(world: World, params: Params) -> State:
    """The state at the horizon's start: world-file values, zero threat and ceilings (the first decisions set them)."""
    done: dict[str, np.ndarray] = {}
    for v in sorted(VARIABLES.values(), key=lambda v: v.start.startswith("copy:")):  # copies after what they copy
        done[v.name] = _start(v, world, params, done)
    return State({name: done[name] for name in VARIABLES})
