"""How big a job may be, checked from its arithmetic before anything is allocated.

Every command knows its size before it builds anything: a design's number of points is
``levels**P`` (grid), ``N*(P+2)`` (Sobol), ``N*(P+1)`` (Morris) or ``N`` (Latin
hypercube) (experiments.pipeline.samplers.design_size), times scenarios and replications
for a batch; trials times replications for a calibration. A job over a limit is refused
with one line (exit 2) before a design array, a table or an output folder exists.

- ``MAX_RUNS``: runs of one command (batch, sensitivity, calibrate, run). Ten million
  runs of the default world take most of a day on 2 cores even with summary outputs
  (10-14 ms of CPU per run, experiments.pipeline.estimate).
- ``MAX_POINTS``: design points held (and sent to every worker) as one array.
- memory: rows one process holds at once (all of ``alliance run``; one chunk per batch
  worker), against half of this machine's memory (experiments.pipeline.estimate).
"""

from __future__ import annotations

from model.spec.errors import InputError

MAX_RUNS = 10_000_000
MAX_POINTS = 1_000_000


def check_runs(n: int, file: str, line: int | None, field: str | None, what: str = "runs") -> int:
    """``n`` itself, or an InputError when it exceeds MAX_RUNS."""
    if n > MAX_RUNS:
        raise InputError(file, line, field, f"{n:,} {what} exceed the limit of {MAX_RUNS:,} runs per command; "
                         "make the design, samples, trials or replications smaller")
    return n


def check_points(n: int, file: str, line: int | None, field: str | None) -> int:
    """``n`` itself, or an InputError when a design of ``n`` points is too big to hold."""
    if n > MAX_POINTS:
        raise InputError(file, line, field, f"the design has {n:,} points, more than the limit of {MAX_POINTS:,}; "
                         "use fewer levels, samples or parameters")
    return n


def check_memory(needed: int, budget: int, file: str, line: int | None, field: str | None, hint: str) -> None:
    """Refuse a job whose rows held at once would need more than ``budget`` bytes."""
    if needed > budget:
        raise InputError(file, line, field, f"would hold about {needed / 2**30:,.1f} GiB of rows in memory at once, "
                         f"more than the {budget / 2**30:,.1f} GiB allowed (half this machine's memory); {hint}")
