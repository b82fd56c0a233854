"""Kernel vs Mesa model, the kernel against an earlier commit, runs/s by chunk size, scaling with actors.

Run: python benchmarks/bench_kernel.py [--quick] [--vs REV]. Every ratio printed is measured in
this run. ``--vs REV`` checks REV out into a temporary git worktree and times its kernel on its
own baseline scenario in a child process, alternating with this tree's kernel (pair by pair).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import yaml

from model.engines import kernel
from model.engines.mesa_model import AllianceModel
from model.spec.runspec import RunSpec, parameters_for
from model.spec.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent

# Times one kernel call of N runs of the baseline in whichever layout the checked-out tree has.
_PROBE = """
import sys, time
sys.path.insert(0, sys.argv[1])
try:
    from model.engines import kernel
    from model.spec.runspec import RunSpec, parameters_for
    from model.spec.scenario import load_scenario
except ImportError:
    from model import kernel
    from model.runspec import RunSpec, parameters_for
    from model.scenario import load_scenario
sc = load_scenario("historical_baseline")
p = parameters_for(sc)
n = int(sys.argv[2])
kernel.run([RunSpec(sc, p, 1, (r,)) for r in range(8)])
t = time.perf_counter()
kernel.run([RunSpec(sc, p, 1, (r,)) for r in range(n)], keep=[0, 140, 200])
print((time.perf_counter() - t) / n)
"""


def specs(sc, n, offset=0):
    p = parameters_for(sc)
    return [RunSpec(sc, p, 1, (offset + r,)) for r in range(n)]


def timed(fn):
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def probe(tree: Path, n: int) -> float:
    out = subprocess.run([sys.executable, "-c", _PROBE, str(tree), str(n)], capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def versus(rev: str, n: int, pairs: int) -> None:
    """This tree's kernel against REV's, pair by pair (each timing in a fresh process)."""
    with tempfile.TemporaryDirectory() as tmp:
        old = Path(tmp) / "old"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(old), rev], check=True,
                       capture_output=True)
        try:
            ratios, new_t, old_t = [], [], []
            for _ in range(pairs):
                a, b = probe(ROOT, n), probe(old, n)
                new_t.append(a)
                old_t.append(b)
                ratios.append(a / b)
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(old)], check=True)
    print(f"kernel vs {rev} (baseline scenario, chunk {n}, {pairs} pairs, each in a fresh process)")
    print(f"  this tree: {statistics.median(new_t) * 1e3:7.2f} ms/run   {rev}: {statistics.median(old_t) * 1e3:7.2f} "
          f"ms/run   ratio (median of pairs) {statistics.median(ratios):.2f}x  [min {min(ratios):.2f}, "
          f"max {max(ratios):.2f}]")


def generated_world(n: int, folder: Path) -> Path:
    """A world of n actors on a ring of positions with random rivalries and alliances (seeded)."""
    rng = np.random.default_rng(n)
    actors = [{"name": f"A{i}", "lat": float(rng.uniform(-60, 60)), "lon": float(rng.uniform(-180, 180)),
               "power": float(rng.uniform(0.1, 1)), "offense": float(rng.uniform(0.1, 1)),
               "balancer": float(rng.uniform(0, 1)), "democracy": float(rng.uniform(0, 1))} for i in range(n)]
    rel = []
    for i in range(n):
        for j in range(i + 1, n):
            if rng.random() < 0.3:
                rel.append({"between": [f"A{i}", f"A{j}"], "rivalry": float(rng.uniform(0, 1))})
            elif rng.random() < 0.2:
                rel.append({"between": [f"A{i}", f"A{j}"], "alliance": 1.0, "cooperation": 0.3})
    w = folder / f"world{n}.yaml"
    w.write_text(yaml.safe_dump({"name": f"generated{n}", "actors": actors, "relations": rel}))
    s = folder / f"scen{n}.yaml"
    s.write_text(yaml.safe_dump({"name": f"generated{n}", "world": str(w)}))
    return s


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="smaller samples")
    ap.add_argument("--vs", metavar="REV", help="also time the kernel of git revision REV, pair by pair")
    a = ap.parse_args()
    sc = load_scenario("historical_baseline")
    steps, n_act = sc.steps, sc.world.n
    reps = 3 if a.quick else 7
    one = [(timed(lambda r=r: AllianceModel.from_spec(specs(sc, 1, r)[0]).run()),
            timed(lambda r=r: kernel.run(specs(sc, 1, r)))) for r in range(reps)]
    t_mesa = statistics.median(m for m, _ in one)
    t_one = statistics.median(k for _, k in one)
    print(f"baseline scenario, default world ({n_act} actors, {steps} quarters), one run each (median of {reps})")
    print(f"  Mesa model : {t_mesa * 1e3:8.2f} ms/run   {n_act * steps / t_mesa:12,.0f} agent-steps/s")
    ratio = statistics.median(m / k for m, k in one)
    print(f"  kernel R=1 : {t_one * 1e3:8.2f} ms/run   ratio Mesa/kernel {ratio:.2f}x (median of pairs)")
    k_runs = 1000
    t_kernel = timed(lambda: kernel.run(specs(sc, k_runs))) / k_runs
    print(f"  kernel     : {t_kernel * 1e3:8.2f} ms/run   {n_act * steps / t_kernel:12,.0f} agent-steps/s "
          f"(chunk {k_runs}, full trajectories)")
    if a.vs:
        versus(a.vs, 1000, 3 if a.quick else 5)
    print("kernel runs/s by chunk size")
    for chunk in ([100, 1000] if a.quick else [100, 1000, 10000]):
        t = timed(lambda c=chunk: kernel.run(specs(sc, c), keep=[0, 140, 200]))
        print(f"  chunk {chunk:6d}: {chunk / t:8.1f} runs/s")
    print("cost per run-quarter vs number of actors (kernel, chunk 200)")
    with tempfile.TemporaryDirectory() as tmp:
        base = None
        for n in ([5, 10, 20] if a.quick else [5, 10, 20, 40]):
            g = load_scenario(generated_world(n, Path(tmp)))
            r = 200 if n <= 20 else 50
            t = timed(lambda g=g, r=r: kernel.run(specs(g, r), keep=[g.steps]))
            per = t / (r * g.steps) * 1e6
            base = base or per
            print(f"  {n:3d} actors: {per:9.2f} µs per run-quarter  ({per / base:6.1f}x the 5-actor cost)")


if __name__ == "__main__":
    main()
