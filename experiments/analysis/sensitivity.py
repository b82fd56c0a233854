"""Global sensitivity analysis (SALib Morris or Sobol) of one model outcome at one date.

A sensitivity config is a YAML file (see ``experiments/sensitivity_morris.yaml``)::

    scenario: historical_baseline         # shipped name or path; default as shown
    parameters: all                       # or a list of names, or name: {low, high}; default all
    method: morris                        # morris | sobol
    samples: 10                           # Morris trajectories, or Sobol base sample N
    levels: 4                             # Morris grid levels (Morris only)
    outcome: japan_nato                   # a world index
    date: 2025.0                          # on the scenario's quarterly grid
    replications: 2                       # runs per design point (outcome averaged over them)
    seed: 1                               # design seed and master seed of the runs
    chunk: 1000                           # runs per kernel call

The pipeline is ``design -> evaluate -> analyse -> table``; :func:`run_design` takes the
evaluation as a function of the design matrix, so the same code analyses the model
(:func:`model_evaluator`) or an analytic test function (:func:`ishigami`). The chart of the
table is drawn in experiments.plots.sensitivity; :func:`write_outputs` writes it with the rest.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from SALib.analyze import morris as morris_analyze
from SALib.analyze import sobol as sobol_analyze

from experiments.pipeline import samplers as design
from experiments.pipeline.config import scenario_field
from experiments.pipeline.evaluators import evaluator
from experiments.pipeline.limits import check_points, check_runs
from experiments.pipeline.outcomes import index_paths, truncated
from experiments.store.atomic import Staged, json_writer, remove_stale_temporaries, table_path, table_writer
from model.spec import fields as F
from model.spec.errors import InputError, did_you_mean
from model.spec.ranges import ParameterRange, parse_parameters
from model.spec.scenario import Scenario
from model.spec.timegrid import step_of
from model.spec.yamlio import load_mapping

METHODS = ("morris", "sobol")
CONF_LEVEL = 0.95
RESAMPLES = 1000
_TOP = {"scenario", "description", "parameters", "method", "samples", "levels", "outcome", "date", "replications",
        "seed", "chunk"}

Evaluate = Callable[[np.ndarray], np.ndarray]


# ----------------------------------------------------------------------------- the generic pipeline
@dataclass
class Analysis:
    """Result of one analysis: the design, the outputs and the index table."""

    method: str
    problem: dict
    X: np.ndarray
    Y: np.ndarray
    table: pd.DataFrame


def make_design(method: str, problem: dict, samples: int, seed: int, levels: int = 4) -> np.ndarray:
    """SALib design points for ``problem`` (Morris trajectories or Saltelli/Sobol sample)."""
    names, bounds = problem["names"], [tuple(b) for b in problem["bounds"]]
    if method == "morris":
        return design.morris(names, bounds, samples, seed, levels=levels)
    if method == "sobol":
        return design.sobol(names, bounds, samples, seed)
    raise ValueError(f"unknown method {method!r}")


def analyse(method: str, problem: dict, X: np.ndarray, Y: np.ndarray, seed: int, levels: int = 4,
            conf_level: float = CONF_LEVEL, resamples: int = RESAMPLES) -> pd.DataFrame:
    """SALib indices with bootstrap confidence half-widths, one row per parameter."""
    Y = np.asarray(Y, dtype=np.float64)
    if method == "morris":
        r = morris_analyze.analyze(problem, X, Y, num_resamples=resamples, conf_level=conf_level,
                                   num_levels=levels, seed=seed)
        df = pd.DataFrame({"parameter": problem["names"], "mu_star": r["mu_star"], "mu_star_conf": r["mu_star_conf"],
                           "mu": r["mu"], "sigma": r["sigma"]})
        key = "mu_star"
    elif method == "sobol":
        r = sobol_analyze.analyze(problem, Y, calc_second_order=False, num_resamples=resamples,
                                  conf_level=conf_level, seed=seed)
        df = pd.DataFrame({"parameter": problem["names"], "S1": r["S1"], "S1_conf": r["S1_conf"],
                           "ST": r["ST"], "ST_conf": r["ST_conf"]})
        key = "ST"
    else:
        raise ValueError(f"unknown method {method!r}")
    df.insert(1, "method", method)
    df["conf_level"] = conf_level
    df = df.sort_values(key, ascending=False, kind="stable").reset_index(drop=True)
    df.insert(0, "rank", np.arange(1, len(df) + 1))
    return df


def run_design(problem: dict, method: str, samples: int, seed: int, evaluate: Evaluate, levels: int = 4,
               conf_level: float = CONF_LEVEL, resamples: int = RESAMPLES) -> Analysis:
    """design -> evaluate -> analyse: the one code path for the model and for test functions."""
    X = make_design(method, problem, samples, seed, levels)
    Y = np.asarray(evaluate(X), dtype=np.float64).reshape(-1)
    if Y.shape != (len(X),):
        raise ValueError(f"evaluate returned {Y.shape}, expected ({len(X)},)")
    if not np.all(np.isfinite(Y)):
        raise ValueError(f"{int(np.sum(~np.isfinite(Y)))} outputs are not finite")
    return Analysis(method, problem, X, Y, analyse(method, problem, X, Y, seed, levels, conf_level, resamples))


# ----------------------------------------------------------------------------- test function
ISHIGAMI_PROBLEM = design.salib_problem(["x1", "x2", "x3"], [(-math.pi, math.pi)] * 3)


def ishigami(X: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    """Ishigami function sin x1 + a sin^2 x2 + b x3^4 sin x1 (rows of X)."""
    X = np.asarray(X)
    return np.sin(X[:, 0]) + a * np.sin(X[:, 1]) ** 2 + b * X[:, 2] ** 4 * np.sin(X[:, 0])


def ishigami_indices(a: float = 7.0, b: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    """Analytic first-order and total Sobol indices of the Ishigami function."""
    pi = math.pi
    v1 = 0.5 * (1 + b * pi ** 4 / 5) ** 2
    v2 = a ** 2 / 8
    v13 = b ** 2 * pi ** 8 * (1 / 18 - 1 / 50)
    v = v1 + v2 + v13
    return np.array([v1, v2, 0.0]) / v, np.array([v1 + v13, v2, v13]) / v


# ----------------------------------------------------------------------------- the model
@dataclass
class SensitivityConfig:
    path: str
    scenario: Scenario
    parameters: list[ParameterRange]
    method: str
    samples: int
    levels: int
    outcome: str
    date: float
    replications: int
    seed: int
    chunk: int

    @property
    def problem(self) -> dict:
        return design.salib_problem([p.name for p in self.parameters], [(p.low, p.high) for p in self.parameters])

    @property
    def runs(self) -> int:
        p = len(self.parameters)
        points = self.samples * (p + 1) if self.method == "morris" else self.samples * (p + 2)
        return points * self.replications


def load_config(path: str | Path, samples: int | None = None) -> SensitivityConfig:
    """Read and validate a sensitivity config; InputError (file, line, field) on any mistake.

    ``samples`` (``--samples``) overrides the file's; the design's size is checked against
    the limits (experiments.pipeline.limits) before any design is built.
    """
    file = str(path)
    doc = load_mapping(path, "sensitivity config")
    F.check_keys(doc, file, _TOP)
    scenario, _ = scenario_field(doc, file, "historical_baseline")
    params = parse_parameters(doc, file, default_all=True)
    if any(p.log for p in params):
        raise InputError(file, doc.line_of("parameters"), "parameters", "log scales are not supported here")
    method = F.text(doc, "method", file, default="morris", choices=METHODS)
    samples = int(F.number(doc, "samples", file, "", 1, 1_000_000, default=10 if method == "morris" else 256,
                           integer=True)) if samples is None else samples
    if method == "sobol" and samples < 2:
        raise InputError(file, doc.line_of("samples"), "samples", "Sobol needs at least 2 base samples")
    levels = int(F.number(doc, "levels", file, "", 2, 100, default=4, integer=True))
    if method == "morris" and len(params) < 1:
        raise InputError(file, doc.line_of("parameters"), "parameters", "give at least one parameter")
    outcome = F.text(doc, "outcome", file, default="japan_nato")
    if outcome not in scenario.world.indices:
        raise InputError(file, doc.line_of("outcome"), "outcome",
                         f"the world has no index '{outcome}'{did_you_mean(outcome, scenario.world.indices)}; "
                         f"indices: {', '.join(scenario.world.indices)}")
    date = F.number(doc, "date", file, "", scenario.start, scenario.end, default=min(2025.0, scenario.end))
    if step_of(scenario.start, date) is None:
        raise InputError(file, doc.line_of("date"), "date", f"{date} is not on the quarterly grid")
    reps = int(F.number(doc, "replications", file, "", 1, 10_000, default=1, integer=True))
    seed = int(F.number(doc, "seed", file, "", 0, 2**63 - 1, default=0, integer=True))
    chunk = int(F.number(doc, "chunk", file, "", 1, 100_000, default=1000, integer=True))
    points = check_points(design.design_size(method, len(params), samples), file, doc.line_of("samples"), "samples")
    check_runs(points * reps, file, doc.line_of("samples"), "samples", "runs (design points x replications)")
    return SensitivityConfig(file, scenario, params, method, samples, levels, outcome, date, reps, seed, chunk)


def _outcome_slice(scenario: Scenario, names: list[str], X: np.ndarray, first: int, outcome: str, q: int,
                   replications: int, seed: int) -> np.ndarray:
    """One task: the outcome at step ``q`` of design points ``first, first+1, ...`` (rows of X), per replication."""
    points = [dict(zip(names, row.tolist())) for row in X]
    _, paths = index_paths(scenario, points, replications, seed, keep=[q], indices=[outcome], paired=False,
                           first=first)
    return paths[outcome][:, :, 0]


def model_evaluator(scenario: Scenario, names: list[str], outcome: str, date: float, replications: int = 1,
                    seed: int = 0, chunk: int = 1000, progress: Callable[[int, int], None] | None = None,
                    executor: str = "serial", workers: int | None = None) -> Evaluate:
    """X (S, P) -> mean over replications of ``outcome`` at ``date``; run (s, k) has identity (s, k).

    The design is cut into slices of about ``chunk`` runs, each a task on the pipeline's evaluator.
    """
    sc = truncated(scenario, date)
    q = step_of(sc.start, date)

    def evaluate(X: np.ndarray) -> np.ndarray:
        X = np.asarray(X, dtype=np.float64)
        per = max(1, chunk // replications)
        y = np.empty((len(X), replications))
        with evaluator(executor, workers) as ev:
            futures = {ev.submit(_outcome_slice, sc, names, X[lo:lo + per], lo, outcome, q, replications, seed): lo
                       for lo in range(0, len(X), per)}
            done = 0
            for f in ev.as_completed(futures):
                lo = futures[f]
                part = f.result()
                y[lo:lo + len(part)] = part
                done += len(part) * replications
                if progress:
                    progress(done, len(X) * replications)
        return y.mean(axis=1)

    return evaluate


def run_config(config: SensitivityConfig, progress=None) -> Analysis:
    names = [p.name for p in config.parameters]
    evaluate = model_evaluator(config.scenario, names, config.outcome, config.date, config.replications,
                               config.seed, config.chunk, progress)
    return run_design(config.problem, config.method, config.samples, config.seed, evaluate, config.levels)


# ----------------------------------------------------------------------------- outputs
def write_outputs(analysis: Analysis, out: Path, plot: Callable[[str], None], meta: dict | None = None
                  ) -> dict[str, Path]:
    """``indices.csv``, ``indices.png`` (``plot(path)`` writes it: the caller draws the chart, see
    experiments.plots.sensitivity), ``samples.parquet`` (design and outputs), ``sensitivity.json``: each
    written to a temporary first, then all switched in together (sensitivity.json last), so a rerun into the
    folder killed at any moment leaves the old analysis or the new one, never parts of both."""
    out = Path(out)
    samples = pd.DataFrame(analysis.X, columns=analysis.problem["names"])
    samples["outcome"] = analysis.Y
    files = {"indices": table_path(out / "indices", "csv"), "plot": out / "indices.png",
             "samples": table_path(out / "samples"), "meta": out / "sensitivity.json"}
    record = {"method": analysis.method, "problem": analysis.problem, "points": len(analysis.X), **(meta or {})}
    remove_stale_temporaries(out, [f.name for f in files.values()])  # left by an earlier run that was killed
    with Staged() as staged:
        staged.add(files["indices"], table_writer(analysis.table, "csv"))
        staged.add(files["plot"], plot)
        staged.add(files["samples"], table_writer(samples))
        staged.add(files["meta"], json_writer(record))
    return files


def run_record(config: SensitivityConfig) -> dict:
    """What sensitivity.json records of the config, beside the design."""
    return {"config": config.path, "scenario": config.scenario.name, "scenario_sha256": config.scenario.digest,
            "outcome": config.outcome, "date": config.date, "replications": config.replications,
            "seed": config.seed, "samples": config.samples, "levels": config.levels}
