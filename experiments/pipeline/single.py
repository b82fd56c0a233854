"""``alliance run``'s job: one scenario for R replications, in blocks, with its size checked first.

The result is exactly :func:`model.engines.simulate.simulate`'s (run r has the same identity
whichever block computes it; a test checks the tables are identical), computed
``BLOCK`` replications per kernel call so that a progress bar can follow it and the
kernel's working arrays stay one block. The whole table is still held in memory (it
becomes one file), so :func:`check_size` refuses, before anything runs, a run whose rows
would not fit; ``alliance batch`` writes chunk by chunk instead.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from experiments.pipeline.estimate import MEMORY_BYTES_PER_ROW, memory_budget, rows_per_run
from experiments.pipeline.limits import check_memory, check_runs
from model.engines.simulate import simulate
from model.spec.scenario import Scenario

BLOCK = 50  # replications per kernel call


def check_size(scenario: Scenario, replications: int) -> None:
    """Refuse (InputError) a run over the runs limit or too big to hold in memory."""
    check_runs(replications, "--replications", None, "replications")
    needed = replications * rows_per_run(scenario, None) * MEMORY_BYTES_PER_ROW
    check_memory(needed, memory_budget(), "--replications", None, "replications",
                 "alliance run holds every row; for many replications write an experiment file "
                 "(replications: N) and use alliance batch, which writes chunk by chunk")


def simulate_in_blocks(scenario: Scenario, seed: int, replications: int, engine: str | None = None,
                       progress: Callable[[int], None] | None = None,
                       per_run: list[dict] | None = None) -> tuple[pd.DataFrame, dict]:
    """``simulate(scenario, seed, replications, engine=engine, per_run=per_run)``, BLOCK replications at a time."""
    step = progress or (lambda n: None)
    frames, meta, parts = [], {}, []
    for lo in range(0, replications, BLOCK):
        n = min(BLOCK, replications - lo)
        table, part = simulate(scenario, seed, n, engine=engine, first=lo,
                               per_run=per_run[lo:lo + n] if per_run else None)
        if not meta:
            meta = part
        parts.append(part["seed"]["identities"])
        frames.append(table)
        step(n)
    meta["replications"] = replications
    meta["seed"]["identities"] = [i for f in parts for i in f]
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0], meta
