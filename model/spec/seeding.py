"""Per-run randomness: a run's generators depend only on the master seed and its identity.

A run is identified by a tuple of integers (e.g. sample, replication); its streams are
the children of ``SeedSequence(master, spawn_key=identity)``: one for the quarterly
shocks to threat perceptions, one for the uniform draws of the reform hazard. The
numbers do not depend on which worker runs the run, in which order, or with how many
other runs it is stacked, and each stream is consumed in the same order by the Mesa
model (quarter by quarter) and the kernel (in blocks).
"""

from __future__ import annotations

import numpy as np


def run_seed_sequence(master: int, identity: tuple[int, ...]) -> np.random.SeedSequence:
    return np.random.SeedSequence(int(master), spawn_key=tuple(int(k) for k in identity))


def _child(master: int, identity: tuple[int, ...], k: int) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(run_seed_sequence(master, identity).spawn(2)[k]))


def noise_generator(master: int, identity: tuple[int, ...]) -> np.random.Generator:
    """The stream of the run's quarterly shocks to threat perceptions (standard normal, (N, N) a quarter)."""
    return _child(master, identity, 0)


def draw_generator(master: int, identity: tuple[int, ...]) -> np.random.Generator:
    """The stream of the run's hazard draws (uniform, (N, 1) a quarter: the reform step)."""
    return _child(master, identity, 1)


def mesa_seed(master: int, identity: tuple[int, ...]) -> int:
    """An integer seed for Mesa's own generators (agent shuffling), derived from the same identity."""
    return int(run_seed_sequence(master, identity).generate_state(1, np.uint32)[0])
