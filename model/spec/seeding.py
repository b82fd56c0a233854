"""Per-run randomness: a run's generator depends only on the master seed and its identity.

A run is identified by a tuple of integers (e.g. scenario, sample, replication); its
stream is ``SeedSequence(master, spawn_key=identity)``, so the numbers do not depend on
which worker runs it, in which order, or with how many other runs it is stacked.
"""

from __future__ import annotations

import numpy as np


def run_seed_sequence(master: int, identity: tuple[int, ...]) -> np.random.SeedSequence:
    return np.random.SeedSequence(int(master), spawn_key=tuple(int(k) for k in identity))


def noise_generator(master: int, identity: tuple[int, ...]) -> np.random.Generator:
    """The generator that draws the run's dynamic shocks (same in the Mesa model and the kernel)."""
    return np.random.Generator(np.random.PCG64(run_seed_sequence(master, identity)))


def mesa_seed(master: int, identity: tuple[int, ...]) -> int:
    """An integer seed for Mesa's own generators (agent shuffling), derived from the same identity."""
    return int(run_seed_sequence(master, identity).generate_state(1, np.uint32)[0])
