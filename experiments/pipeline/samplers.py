"""Experimental designs over registry parameters: grid, Latin hypercube, Sobol, Morris.

Each design returns an (S, P) array of parameter points; the same arrays feed batches
and sensitivity analysis (SALib analyses them in the order SALib generated them).
:func:`design_size` gives S from the arithmetic alone, so a caller can refuse a design
that is too big before building it.
"""

from __future__ import annotations

import numpy as np
from SALib.sample import morris as morris_sample
from SALib.sample import sobol as sobol_sample

DESIGNS = ("grid", "lhs", "sobol", "morris")


def salib_problem(names: list[str], bounds: list[tuple[float, float]]) -> dict:
    """The SALib problem dict for these parameters."""
    return {"num_vars": len(names), "names": list(names), "bounds": [list(b) for b in bounds]}


def design_size(design: str, n_params: int, samples: int, levels: int = 3) -> int:
    """Number of points a design has (``none``: one point, the scenario's own values)."""
    sizes = {"none": 1, "grid": levels ** n_params, "lhs": samples, "sobol": samples * (n_params + 2),
             "morris": samples * (n_params + 1)}
    if design not in sizes:
        raise ValueError(f"unknown design {design!r}")
    return sizes[design]


def grid(bounds, levels: int) -> np.ndarray:
    """Full factorial grid with ``levels`` evenly spaced values per parameter (the last varies fastest)."""
    axes = [np.linspace(lo, hi, levels) for lo, hi in bounds]
    if not axes:
        return np.zeros((1, 0))
    return np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1).reshape(-1, len(axes)).astype(np.float64)


def latin_hypercube(bounds, samples: int, seed: int) -> np.ndarray:
    """Latin hypercube: one point per stratum of every parameter, strata paired at random."""
    rng = np.random.default_rng(seed)
    p = len(bounds)
    u = (rng.permuted(np.tile(np.arange(samples), (p, 1)), axis=1).T + rng.random((samples, p))) / samples
    lo = np.array([b[0] for b in bounds])
    hi = np.array([b[1] for b in bounds])
    return lo + u * (hi - lo)


def sobol(names, bounds, samples: int, seed: int, second_order: bool = False) -> np.ndarray:
    """Saltelli/Sobol sample (SALib): samples * (P + 2) points (P*2+2 with second order)."""
    return sobol_sample.sample(salib_problem(names, bounds), samples, calc_second_order=second_order, seed=seed)


def morris(names, bounds, trajectories: int, seed: int, levels: int = 4) -> np.ndarray:
    """Morris elementary-effects trajectories (SALib): trajectories * (P + 1) points."""
    return morris_sample.sample(salib_problem(names, bounds), trajectories, num_levels=levels, seed=seed)


def make(design: str, names, bounds, samples: int, seed: int, levels: int = 3) -> np.ndarray:
    """Dispatch on the design name."""
    if design == "grid":
        return grid(bounds, levels)
    if design == "lhs":
        return latin_hypercube(bounds, samples, seed)
    if design == "sobol":
        return sobol(names, bounds, samples, seed)
    if design == "morris":
        return morris(names, bounds, samples, seed)
    raise ValueError(f"unknown design {design!r}")
