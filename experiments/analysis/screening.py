"""Screening: which registry parameters move the fit to the record and each expected response (Morris, SALib).

One Morris design over every registry parameter (uniform on its registry range) is evaluated
for several outputs at once: the calibration distance of the factual run (the objective of a
calibration config, experiments/analysis/objective.py) and the paired effect of every row of
data/expectations.yaml (experiments/analysis/responses.py), each averaged over R
replications. :func:`screen` returns one row per parameter and output (μ*, its bootstrap
confidence half-width, σ) and :func:`selected` the parameters whose μ* reaches a stated share
of the largest μ* of some output: those an answer or the fit rests on, which the posterior must
then fit (docs/calibration.md). The design and its runs are seeded: the same config, the same
table, on any executor.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from experiments.analysis import responses
from experiments.analysis.calibration_config import CalibrationConfig
from experiments.analysis.objective import step_medians, terms
from experiments.analysis.sensitivity import analyse, make_design
from experiments.pipeline import samplers as design
from experiments.pipeline.evaluators import evaluator
from experiments.pipeline.outcomes import point_paths
from model.engines import kernel
from model.spec import pairing
from model.spec.parameters import REGISTRY
from model.spec.scenario import load_scenario

FITS = ("fit_japan_nato", "fit_china_russia_alignment", "fit_steps")  # the calibration distance's three parts
SHARE = 0.1  # a parameter matters for an output when its mu* is at least this share of the output's largest


@dataclass(frozen=True)
class Screening:
    """What to screen: the calibration config whose distance is one output, the expectations, the design."""

    config: CalibrationConfig
    trajectories: int = 10
    levels: int = 4
    replications: int = 4
    seed: int = 7
    chunk: int = 40  # design points per task


def _fit(config: CalibrationConfig, points: list[dict], reps: int, seed: int, first: int) -> np.ndarray:
    """(points, 3): the calibration distance's parts, each screened on its own scale (their sizes differ by orders
    of magnitude): the distance of each coded series from its band, and the weighted step-date terms."""
    window = config.window_dates
    p = point_paths(config.scenario, points, reps, seed, last_date=window[1] - 0.25,
                    indices=[t.index for t in config.targets], paired=False, first=first)
    out = np.empty((len(points), len(FITS)))
    for s in range(len(points)):
        meds = {k: np.median(v[s], axis=0) for k, v in p.indices.items()}
        t = terms(config, meds, step_medians(p.entered[s], config.scenario.start, config.steps), window)
        steps = sum(v for k, v in t.items() if k.startswith("step_"))
        out[s] = [t.get("mse_japan_nato", 0.0), t.get("mse_china_russia_alignment", 0.0), steps]
    return out


def _effects(rows: list[responses.Expectation], points: list[dict], reps: int, seed: int, first: int) -> np.ndarray:
    """(points, rows): each expectation's paired effect averaged over ``reps`` replications per point."""
    names = responses.scenarios_of(rows)
    specs_per = {}
    for name in names:
        sc = load_scenario(name)
        specs_per[name] = (sc, [pairing.spec(sc, seed, p, first + s, k) for s, p in enumerate(points)
                                for k in range(reps)])
    runs = responses.Runs({n: sc for n, (sc, _) in specs_per.items()},
                          {n: kernel.run(specs) for n, (_, specs) in specs_per.items()}, [{}] * (len(points) * reps))
    return np.column_stack([runs.effect(e).reshape(len(points), reps).mean(axis=1) for e in rows])


def _task(config: CalibrationConfig, rows, names: list[str], X: np.ndarray, reps: int, seed: int,
          first: int) -> np.ndarray:
    points = [dict(zip(names, x.tolist())) for x in X]
    return np.column_stack([_fit(config, points, reps, seed, first), _effects(rows, points, reps, seed, first)])


def screen(s: Screening, executor: str = "serial", workers: int | None = None,
           progress: Callable[[int, int], None] | None = None) -> pd.DataFrame:
    """One row per parameter and output: mu_star (normalised by the output's largest), conf, sigma."""
    names = list(REGISTRY)
    problem = design.salib_problem(names, [(REGISTRY[n].low, REGISTRY[n].high) for n in names])
    X = make_design("morris", problem, s.trajectories, s.seed, s.levels)
    _, rows = responses.load_expectations()
    outputs = [*FITS] + [r.id for r in rows]
    Y = np.empty((len(X), len(outputs)))
    with evaluator(executor, workers) as ev:
        futures = {ev.submit(_task, s.config, rows, names, X[lo:lo + s.chunk], s.replications, s.seed, lo): lo
                   for lo in range(0, len(X), s.chunk)}
        done = 0
        for f in ev.as_completed(futures):
            lo = futures[f]
            part = f.result()
            Y[lo:lo + len(part)] = part
            done += len(part)
            if progress:
                progress(done, len(X))
    tables = []
    for k, out in enumerate(outputs):
        t = analyse("morris", problem, X, Y[:, k], s.seed, s.levels)[["parameter", "mu_star", "mu_star_conf", "sigma"]]
        top = t["mu_star"].max()
        t["relative"] = t["mu_star"] / top if top > 0 else 0.0
        t.insert(0, "output", out)
        tables.append(t)
    table = pd.concat(tables, ignore_index=True)
    table.attrs.update(points=len(X), trajectories=s.trajectories, replications=s.replications, seed=s.seed)
    return table


def selected(table: pd.DataFrame, share: float = SHARE) -> pd.DataFrame:
    """Per parameter: the outputs for which it matters (relative mu* >= ``share``), most influential first, and
    whether one of them is a part of the fit (``fit``: the record informs it, so the posterior fits it; the others
    move answers only, and the posterior draws them from their prior)."""
    hit = table[table["relative"] >= share]
    out = hit.groupby("parameter")["output"].agg(list).rename("matters_for").to_frame()
    out["largest"] = hit.groupby("parameter")["relative"].max()
    out["fit"] = out["matters_for"].map(lambda outs: any(o in FITS for o in outs))
    return out.sort_values(["fit", "largest"], ascending=False).reset_index()
