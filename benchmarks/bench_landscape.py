"""Benchmark the exact landscape search (experiments.analysis.landscape.exact_search).

Run from the repository root::

    python benchmarks/bench_landscape.py            # 20 and 25 actors
    python benchmarks/bench_landscape.py 16 20 25   # any sizes (<= 25)

Each world is a random instance with a fixed seed (sizes uniform in [0.1, 1],
symmetric propensities uniform in [-1, 1]).  Prints wall time, canonical
configurations per second (2**(N-1) / time), number of local minima and the peak
resident memory of the process.
"""

from __future__ import annotations

import os
import resource
import sys
import time

import numpy as np

try:
    from experiments.analysis.landscape import exact_search
except ImportError:  # not installed: run from a checkout
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from experiments.analysis.landscape import exact_search


def instance(n: int, seed: int = 2024) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    sizes = rng.uniform(0.1, 1.0, size=n)
    p = np.triu(rng.uniform(-1.0, 1.0, size=(n, n)), 1)
    return sizes, p + p.T


def bench(n: int, repeats: int = 1) -> float:
    sizes, prop = instance(n)
    exact_search(sizes, prop)  # warm-up (imports, BLAS threads, page faults)
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        df = exact_search(sizes, prop)
        best = min(best, time.perf_counter() - t0)
    configs = 1 << (n - 1)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"N={n:>2}  configurations={configs:>10,}  time={best:8.3f} s  "
        f"rate={configs / best / 1e6:7.2f} M configs/s  minima={len(df):>4}  "
        f"global={df['configuration'].iloc[0]}  peak RSS={peak_mb:,.0f} MB"
    )
    return best


def main(argv: list[str]) -> None:
    sizes = [int(a) for a in argv] or [20, 25]
    print(f"exact_search benchmark, {os.cpu_count()} CPU cores, numpy {np.__version__}")
    for n in sizes:
        bench(n, repeats=3 if n <= 20 else 1)


if __name__ == "__main__":
    main(sys.argv[1:])
