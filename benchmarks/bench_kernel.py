"""Kernel vs Mesa model: ms per run, ratio, agent-steps/s, runs/s by chunk size, scaling with actors.

Run: python benchmarks/bench_kernel.py [--quick]. Every ratio printed is measured in this run.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import yaml

from model.engines import kernel
from model.engines.mesa_model import AllianceModel
from model.spec.runspec import RunSpec, parameters_for
from model.spec.scenario import load_scenario


def specs(sc, n, offset=0):
    p = parameters_for(sc)
    return [RunSpec(sc, p, 1, (offset + r,)) for r in range(n)]


def timed(fn):
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


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
    a = ap.parse_args()
    sc = load_scenario("historical_baseline")
    steps, n_act = sc.steps, sc.world.n
    mesa_runs = 3 if a.quick else 5
    t_mesa = timed(lambda: [AllianceModel.from_spec(s).run() for s in specs(sc, mesa_runs)]) / mesa_runs
    k_runs = 1000
    t_kernel = timed(lambda: kernel.run(specs(sc, k_runs))) / k_runs
    print(f"baseline scenario, default world ({n_act} actors, {steps} quarters)")
    print(f"  Mesa model : {t_mesa * 1e3:8.2f} ms/run   {n_act * steps / t_mesa:12,.0f} agent-steps/s")
    print(f"  kernel     : {t_kernel * 1e3:8.2f} ms/run   {n_act * steps / t_kernel:12,.0f} agent-steps/s "
          f"(chunk {k_runs})")
    print(f"  ratio Mesa/kernel: {t_mesa / t_kernel:.1f}x")
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
