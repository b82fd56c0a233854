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
- worker processes (:func:`cap_workers`): no more than the cores this process may run on
  (``os.sched_getaffinity``: a container's or ``taskset``'s share, not the machine's), and
  no more than the available memory holds (``MemAvailable`` of ``/proc/meminfo``, and the
  cgroup's limit less its usage), each worker taking ``WORKER_BYTES`` plus its task's rows.
  More workers than cores only queue for them (16 workers on 2 cores ran 4 times slower
  than serial), and more than memory holds are killed by the system mid-batch.
"""

from __future__ import annotations

import os
from pathlib import Path

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


WORKER_BYTES = 210 * 2**20  # one worker process: interpreter, numpy, pandas, the model (about 210 MB measured)


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity; the machine's count where that is unknown)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _meminfo_available() -> int | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def _cgroup_room() -> int | None:
    try:
        limit = Path("/sys/fs/cgroup/memory.max").read_text().strip()
        used = Path("/sys/fs/cgroup/memory.current").read_text().strip()
    except OSError:
        return None
    return int(limit) - int(used) if limit.isdigit() and used.isdigit() else None


def available_memory() -> int | None:
    """Bytes that new processes can take now: MemAvailable, or less where a cgroup limit leaves less (None: unknown,
    on systems without /proc)."""
    known = [b for b in (_meminfo_available(), _cgroup_room()) if b is not None]
    return max(0, min(known)) if known else None


def cap_workers(requested: int | None, task_bytes: float = 0.0) -> tuple[int, str]:
    """The worker processes to start for ``requested`` (None: one per usable core), each holding
    ``WORKER_BYTES`` plus ``task_bytes``: at most the usable cores and what the available memory holds, at least
    one. Returns the number and, when it is fewer than asked, a line saying why."""
    cores = usable_cores()
    n = requested or cores
    avail = available_memory()
    fit = max(1, int(avail // (WORKER_BYTES + task_bytes))) if avail is not None else n
    capped = max(1, min(n, cores, fit))
    if capped == n:
        return n, ""
    why = [f"this process may use {cores} core{'s' if cores != 1 else ''}"]
    if avail is not None:
        why.append(f"{avail / 2**30:.1f} GiB of available memory holds {fit} worker{'s' if fit != 1 else ''} of "
                   f"about {(WORKER_BYTES + task_bytes) / 2**20:,.0f} MiB")
    return capped, f"using {capped} worker process{'es' if capped != 1 else ''}, not {n}: " + " and ".join(why)
