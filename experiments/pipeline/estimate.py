"""What a batch will cost before it runs: time, disk and memory, from its arithmetic.

Time. A chunk runs its runs in one kernel call per (world, horizon); a call costs a
fixed amount per quarter (the rules' numpy overhead, whatever the number of runs) plus
an amount per run, quarter and actor², and every row kept costs its tidying and Parquet
writing. Disk: rows times Parquet bytes per row. Memory: the peak bytes per row while a
tidy table is built and written.

The constants were measured on the 2-core reference machine (Python 3.12, numpy 2,
pyarrow) as CPU time (``resource.getrusage``), the best of 3 repeats, which a busy
machine does not inflate the way it inflates wall time:

- ``kernel.run`` of B runs of historical_baseline (5 actors, 201 quarters, 3 kept
  dates): 2.07 ms per quarter at B = 1, 6.05 ms at B = 100 and 14.0 ms at B = 300,
  i.e. about 1.6-2 ms per call and quarter plus 1.6 µs per run, quarter and actor²;
- ``tidy``: 1.7 µs per row (5 actors) and 2.4 µs (7 actors); ``DataFrame.to_parquet``:
  0.5 and 1.5 µs per row, 12.3 and 12.0 bytes per row on disk for one big table; a
  batch's parts (smaller tables, plus each chunk's runs part) take 15.7 bytes per row
  (sweep_build_rate: 848 kB for 54,000 rows; 13.5 MB for 864,000);
- peak memory of ``simulate`` at 100 and 400 runs: 353 and 340 bytes per tidy row (the
  finished table holds 138);
- whole batches of experiments/sweep_build_rate.yaml (``run_batch`` serial, in process):
  180 runs (3 chunks) 2.58 s, 720 runs (12 chunks) 9.59 s, 2,880 runs (48 chunks) 37.4 s
  of CPU; the model below gives 2.5, 9.9 and 39 s;
- a worker process's start: a fresh interpreter importing what a spawned worker imports
  (the ``alliance`` CLI, its ``__main__``): 5.1 s of CPU (3.9 s for the chunk code alone).

The model moves with the model's code (its rules are being extended), so an estimate is
a guide to the order of magnitude, printed as such.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from model.spec.domains import DOMAINS

STEP_SECONDS = 1.6e-3  # per kernel call and quarter, whatever the number of runs in the call
KERNEL_SECONDS = 1.5e-6  # per run, quarter and actor²
ROW_SECONDS = 2.7e-6  # per tidy row kept: tidying plus Parquet writing
CHUNK_SECONDS = 0.02  # per chunk: hashing its two parts, rewriting the manifest
WORKER_START_SECONDS = 5.0  # one spawned worker process, imports included (workers start in parallel)
DISK_BYTES_PER_ROW = 15.5  # Parquet (snappy) per tidy row kept, the chunk's runs part included
MEMORY_BYTES_PER_ROW = 350  # peak while a tidy table is built and written
LARGE_SECONDS = 60.0  # batches estimated longer than this print their estimate
LARGE_BYTES = 1 << 30  # ... or bigger on disk than this


@dataclass(frozen=True)
class Estimate:
    """A batch's size: runs, serial seconds, bytes on disk and bytes one chunk holds in memory."""

    runs: int
    serial_seconds: float
    disk_bytes: float
    chunk_bytes: float
    chunks: int

    def seconds(self, executor: str, workers: int) -> float:
        """Wall-clock seconds on an executor with ``workers`` processes."""
        if executor == "serial" or workers <= 1:
            return self.serial_seconds
        return WORKER_START_SECONDS + self.serial_seconds / workers

    @property
    def large(self) -> bool:
        return self.serial_seconds > LARGE_SECONDS or self.disk_bytes > LARGE_BYTES

    def text(self, executor: str, workers: int) -> str:
        n = 1 if executor == "serial" else workers
        kind = "worker processes" if executor == "processes" else f"{executor} workers"
        where = "in this process" if n == 1 else f"on {n} {kind}"
        return (f"estimate: {self.runs:,} runs, about {_duration(self.seconds(executor, n))} {where}, "
                f"about {_size(self.disk_bytes)} on disk (measured on a 2-core machine; yours may differ)")


def _duration(s: float) -> str:
    if s < 90:
        return f"{s:.0f} s"
    if s < 5400:
        return f"{s / 60:.0f} min"
    return f"{s / 3600:.1f} h"


def _size(b: float) -> str:
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if b < 1000 or unit == "TB":
            return f"{b:.0f} {unit}" if unit == "B" else f"{b:.1f} {unit}"
        b /= 1000
    return ""


def rows_per_run(scenario, keep_dates: list[float] | None) -> int:
    """Tidy rows one run keeps: quarters kept x dyads x domains."""
    n = scenario.world.n
    quarters = len(keep_dates) if keep_dates is not None else (scenario.steps + 1)
    return quarters * n * (n - 1) // 2 * len(DOMAINS)


def run_seconds(scenario, keep_dates: list[float] | None) -> float:
    """Serial seconds of one run inside a kernel call: its share of the kernel and the rows it keeps."""
    return KERNEL_SECONDS * (scenario.steps + 1) * scenario.world.n ** 2 + ROW_SECONDS * rows_per_run(scenario,
                                                                                                   keep_dates)


def batch_estimate(exp) -> Estimate:
    """The estimate of an experiment (experiments.pipeline.experiment.Experiment)."""
    per_scenario = exp.n_samples * exp.replications
    chunks = -(-exp.n_runs // exp.chunk_size)
    seconds = rows = 0.0
    widest = 0
    for sc in exp.scenarios:
        calls = -(-per_scenario // exp.chunk_size)  # about one kernel call per chunk of this scenario's runs
        seconds += per_scenario * run_seconds(sc, exp.keep_dates) + calls * STEP_SECONDS * (sc.steps + 1)
        r = rows_per_run(sc, exp.keep_dates)
        rows += per_scenario * r
        widest = max(widest, r)
    return Estimate(exp.n_runs, seconds + CHUNK_SECONDS * chunks, rows * DISK_BYTES_PER_ROW,
                    min(exp.chunk_size, exp.n_runs) * widest * MEMORY_BYTES_PER_ROW, chunks)


def choose_executor(est: Estimate, workers: int) -> str:
    """``serial`` where starting worker processes costs more than they save, else ``processes``."""
    if workers <= 1 or est.chunks <= 1:
        return "serial"
    return "processes" if est.seconds("processes", workers) < est.serial_seconds else "serial"


def memory_budget() -> int:
    """Bytes a job may hold in rows at once: half of this machine's (or this cgroup's) memory."""
    total = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    try:
        limit = Path("/sys/fs/cgroup/memory.max").read_text().strip()
        if limit.isdigit():
            total = min(total, int(limit))
    except OSError:
        pass
    return total // 2
