"""The batch kernel: R runs advanced together with the same rule functions as the Mesa model.

Runs in one call share a world and a horizon but may differ in parameters, seeds and
scenario (each scenario's events apply to its own runs); actors with custom policies
(``agent_class`` in the world file) apply them here as in the Mesa model. Run r's random numbers come
from its own generator in the same order as the Mesa model draws them, so run r here
equals the Mesa model with the same seed, bit for bit.
"""

from __future__ import annotations

import numpy as np

from model.engines import dynamics, schedule
from model.engines.record import Recorder, Trajectory
from model.spec.parameters import Params
from model.spec.policies import resolve
from model.spec.runspec import RunSpec
from model.spec.seeding import draw_generator, noise_generator
from model.spec.variables import RECORDED

BLOCK = 20  # quarters of shocks and draws per generator call (the same streams as one call per quarter)


def _check_compatible(specs: list[RunSpec]) -> None:
    first = specs[0].scenario
    for s in specs[1:]:
        sc = s.scenario
        if (sc.world.digest, sc.start, sc.end) != (first.world.digest, first.start, first.end):
            raise ValueError("runs in one kernel call must share world and horizon; group them first")


def run(specs: list[RunSpec], keep=None, block: int = BLOCK, variables: tuple[str, ...] = RECORDED) -> Trajectory:
    """Run every spec to the end of its horizon; return the recorded trajectories (of ``variables``, by default
    every recorded one; the indices and the legal steps' dates always)."""
    _check_compatible(specs)
    sc0 = specs[0].scenario
    world, steps = sc0.world, sc0.steps
    n = world.n
    params = Params.stack([s.parameters for s in specs])
    state = dynamics.initial(world, params)
    policies = resolve(world.agent_classes)
    gens = [noise_generator(s.master, s.identity) for s in specs]
    dgens = [draw_generator(s.master, s.identity) for s in specs]
    groups: dict[int, tuple] = {}
    for r, s in enumerate(specs):
        key = id(s.scenario)
        if key not in groups:
            groups[key] = (s.scenario, np.zeros(len(specs), dtype=bool))
        groups[key][1][r] = True
    scheduled = []
    for sc, mask in groups.values():
        by_step: dict[int, list] = {}
        for ev in sc.events:
            by_step.setdefault(ev.step, []).append(ev)
        scheduled.append((sc, mask, by_step, np.zeros((len(specs), len(sc.conditions)), dtype=bool)))
    rec = Recorder(state, world, steps, keep, variables=variables)
    rec.record(0, state)
    for _sc, mask, by_step, _ in scheduled:
        schedule.apply_events(state, by_step.get(0, ()), mask)
    noise = draws = np.empty((0,))
    for q in range(1, steps + 1):
        b = (q - 1) % block
        if b == 0:
            size = min(block, steps - q + 1)
            noise = np.stack([g.standard_normal((size, n, n)) for g in gens])
            draws = np.stack([g.random((size, n, 1)) for g in dgens])
        dynamics.step(state, world, params, noise[:, b], draws[:, b], policies)
        rec.record(q, state)
        for sc, mask, by_step, fired in scheduled:
            schedule.check_conditions(state, world, sc.conditions, fired, mask)
            schedule.apply_events(state, by_step.get(q, ()), mask)
    return rec.t
