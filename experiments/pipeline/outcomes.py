"""The model as the analyses see it: world-index trajectories for points in parameter space.

Calibration, sensitivity analysis and the posterior all ask the same question of the
model: for these parameter values, R replications, what are the indices over time?
:func:`index_paths` answers it with one kernel call per point set. Replication k of
point s is replication k of sample 0 when the points are *paired* (every point sees the
same shocks: calibration trials compare like with like) and of sample s otherwise
(model/spec/pairing.py).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from model.engines import kernel
from model.spec import pairing
from model.spec.scenario import Scenario
from model.spec.timegrid import date_of


def truncated(scenario: Scenario, last_date: float) -> Scenario:
    """The scenario run only up to ``last_date`` (events after it never fire)."""
    end = min(scenario.end, max(last_date, scenario.start + 0.25))
    return replace(scenario, end=end)


@dataclass
class Paths:
    """What the analyses read of P points x R replications: the kept dates, each index (P, R, Q), and the step
    at which each actor first reached each constraint state (P, R, N, S; -1 never)."""

    dates: np.ndarray
    indices: dict[str, np.ndarray]
    entered: np.ndarray


def point_paths(scenario: Scenario, points: list[dict[str, float]], replications: int, seed: int, *,
                last_date: float | None = None, keep: list[int] | None = None, indices=None,
                paired: bool = True, first: int = 0) -> Paths:
    """Index paths and legal-step quarters for P parameter points, R replications each (one kernel call).

    ``points`` override the scenario's parameters; ``keep`` restricts the recorded steps;
    ``first`` numbers the points from ``first`` (a slice of a larger design keeps its identities).
    """
    sc = truncated(scenario, scenario.end if last_date is None else last_date)
    specs = [pairing.spec(sc, seed, p, 0 if paired else first + s, k)
             for s, p in enumerate(points) for k in range(replications)]
    traj = kernel.run(specs, keep, variables=())  # the indices and the steps' dates are all the analyses read
    names = list(indices) if indices is not None else list(traj.indices)
    shape = (len(points), replications)
    return Paths(date_of(sc.start, traj.quarters), {k: traj.indices[k].reshape(*shape, -1) for k in names},
                 traj.entered.reshape(*shape, *traj.entered.shape[1:]))


def index_paths(scenario: Scenario, points: list[dict[str, float]], replications: int, seed: int, *,
                last_date: float | None = None, keep: list[int] | None = None, indices=None,
                paired: bool = True, first: int = 0) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Dates and, per index, an array (P, R, Q) of index values for P parameter points (see :func:`point_paths`)."""
    p = point_paths(scenario, points, replications, seed, last_date=last_date, keep=keep, indices=indices,
                    paired=paired, first=first)
    return p.dates, p.indices
