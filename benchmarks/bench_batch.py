"""Batch throughput (serial vs processes) and peak memory vs number of runs (summary outputs).

Run: python benchmarks/bench_batch.py [--sizes 1000 10000 100000] [--quick]. Each batch runs in a
fresh subprocess so its peak resident memory (ru_maxrss) is its own; the 100,000-run batch
takes several minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

TEMPLATE = """\
name: bench
scenarios: [historical_baseline]
replications: {runs}
seed: 1
chunk_size: {chunk}
outputs:
  trajectories: summary
  dates: [2000.0, 2025.0, 2040.0]
"""

CHILD = """
import json, resource, sys, time
from experiments.pipeline.batch import run_batch
from experiments.pipeline.experiment import load_experiment
exp = load_experiment(sys.argv[1])
t = time.perf_counter()
s = run_batch(exp, sys.argv[2], sys.argv[3], workers=int(sys.argv[4]), progress=False)
dt = time.perf_counter() - t
print(json.dumps({"runs": s.runs, "seconds": dt,
                  "self_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "children_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


def batch(runs: int, chunk: int, executor: str, workers: int, tmp: Path) -> dict:
    """Run one batch in a fresh subprocess, into a fresh folder; return its timing and memory."""
    tag = f"{runs}-{executor}-{len(list(tmp.iterdir()))}"
    exp = tmp / f"bench-{tag}.yaml"
    exp.write_text(TEMPLATE.format(runs=runs, chunk=chunk))
    out = tmp / f"out-{tag}"
    res = subprocess.run([sys.executable, "-c", CHILD, str(exp), str(out), executor, str(workers)],
                         capture_output=True, text=True, check=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs-speed", type=int, default=2000)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000],
                    help="batch sizes (runs) whose peak memory is compared")
    ap.add_argument("--quick", action="store_true", help="sizes 1000 and 10000 only")
    ap.add_argument("--chunk", type=int, default=500)
    a = ap.parse_args()
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        s = batch(a.runs_speed, a.chunk, "serial", 1, tmp)
        p = batch(a.runs_speed, a.chunk, "processes", cores, tmp)
        rs, rp = s["runs"] / s["seconds"], p["runs"] / p["seconds"]
        print(f"throughput, {a.runs_speed} runs of historical_baseline, summary outputs, chunk {a.chunk}")
        print(f"  serial            : {rs:8.1f} runs/s")
        print(f"  processes ({cores} cores): {rp:8.1f} runs/s  speed-up {rp / rs:.2f}x, "
              f"parallel efficiency {rp / rs / cores:.0%}")
        sizes = [n for n in a.sizes if not (a.quick and n > 10000)]
        print(f"peak resident memory of a serial batch (summary outputs, chunk {a.chunk})")
        first = None
        for n in sizes:
            r = batch(n, a.chunk, "serial", 1, tmp)
            first = first or r
            print(f"  {n:8,d} runs: {r['self_mb']:8.1f} MB  ({r['runs'] / r['seconds']:6.1f} runs/s; "
                  f"{r['self_mb'] / first['self_mb']:.2f}x the memory of {sizes[0]:,} runs)")

if __name__ == "__main__":
    main()
