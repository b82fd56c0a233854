"""Experiment files: scenarios x parameter design x replications, outputs to keep, master seed.

A run is numbered by (scenario index, sample index, replication). Its random stream is
that of identity (sample, replication) (model/spec/pairing.py): it depends only on the
run's identity, never on scheduling, and runs of different scenarios with the same sample
and replication share their stream (common random numbers), so scenario differences are
paired comparisons under the same shocks.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from experiments.pipeline import samplers as D
from experiments.pipeline.config import count_field, resolve_file, scenarios_field, seed_field
from experiments.pipeline.limits import check_points, check_runs
from experiments.pipeline.posterior_file import Posterior, read_posterior
from model.spec import fields as F
from model.spec import pairing
from model.spec.errors import InputError
from model.spec.paths import ROOT
from model.spec.ranges import parse_parameters
from model.spec.runspec import RunSpec
from model.spec.scenario import Scenario
from model.spec.timegrid import on_grid, step_of
from model.spec.yamlio import Located, load_mapping

_TOP = {"name", "description", "scenarios", "parameters", "design", "samples", "levels", "replications",
        "outputs", "seed", "chunk_size", "engine"}
_OUTPUTS = {"trajectories", "dates"}


@dataclass
class Experiment:
    """A compiled experiment: everything needed to enumerate and run its runs."""

    name: str
    path: str
    description: str
    scenarios: list[Scenario]
    names: list[str]  # varied parameters
    bounds: list[tuple[float, float]]
    design: str
    points: np.ndarray  # (S, P) parameter points; S = 1 and P = 0 without a design
    replications: int
    keep_dates: list[float] | None  # None = full trajectories
    seed: int
    chunk_size: int
    engine: str | None
    digest: str

    @property
    def n_samples(self) -> int:
        return len(self.points)

    @property
    def n_runs(self) -> int:
        return len(self.scenarios) * self.n_samples * self.replications

    def identity(self, run: int) -> tuple[int, int, int]:
        """(scenario, sample, replication) of run number ``run``."""
        per_scen = self.n_samples * self.replications
        return run // per_scen, (run % per_scen) // self.replications, run % self.replications

    def spec(self, run: int) -> RunSpec:
        s, k, r = self.identity(run)
        sc = self.scenarios[s]
        over = {n: float(v) for n, v in zip(self.names, self.points[k])}
        return pairing.spec(sc, self.seed, over, k, r)  # common random numbers across scenarios

    def keep(self, scenario: Scenario) -> list[int] | None:
        if self.keep_dates is None:
            return None
        return [step_of(scenario.start, d) for d in self.keep_dates]

    def run_table(self, runs) -> pd.DataFrame:
        """Id columns and parameter values of the given run numbers."""
        ids = np.array([self.identity(r) for r in runs], dtype=np.int64).reshape(-1, 3)
        df = pd.DataFrame({"run": np.asarray(runs, dtype=np.int64),
                           "scenario": [self.scenarios[i].name for i in ids[:, 0]],
                           "sample": ids[:, 1], "replication": ids[:, 2]})
        for j, n in enumerate(self.names):
            df[n] = self.points[ids[:, 1], j]
        return df


def _keep_dates(doc, file: str, scenarios: list[Scenario]) -> list[float] | None:
    """``outputs``: None (full trajectories) or the summary dates, each a quarter of every scenario."""
    out = F.mapping(doc, "outputs", file)
    F.check_keys(out, file, _OUTPUTS, where="outputs.")
    mode = F.text(out, "trajectories", file, "outputs.", default="full", choices=("full", "summary"))
    if mode != "summary":
        if "dates" in out:
            raise InputError(file, out.line_of("dates"), "outputs.dates", "dates only apply to summary trajectories")
        return None
    dates = F.sequence(out, "dates", file, "outputs.")
    if not dates:
        raise InputError(file, out.line_of("trajectories"), "outputs.dates", "summary outputs need dates")
    keep = []
    for i, d in enumerate(dates):
        if isinstance(d, bool) or not isinstance(d, (int, float)):
            raise InputError(file, dates.lines[i], "outputs.dates", f"must be a year, got {d!r}")
        for s in scenarios:
            if not (s.start <= d <= s.end) or not on_grid(d):
                raise InputError(file, dates.lines[i], "outputs.dates",
                                 f"{d} is not a quarter within {s.name}'s horizon [{s.start}, {s.end}]")
        keep.append(float(d))
    return keep


def _posterior(doc, file: str) -> Posterior | None:
    """``parameters: {posterior: FILE}``: sample parameter sets from a posterior (ABC-SMC) instead of a design."""
    raw = doc.get("parameters")
    if not (isinstance(raw, Located) and "posterior" in raw):
        return None
    if len(raw) != 1 or "design" in doc:
        raise InputError(file, doc.line_of("parameters"), "parameters.posterior",
                         "a posterior is the whole design: give it alone, without other parameters or a design")
    line = raw.line_of("posterior")
    name = F.text(raw, "posterior", file, "parameters.")
    return read_posterior(resolve_file(name, file), file, line, "parameters.posterior")


def _design(doc, file: str, names: list[str]) -> str:
    design = F.text(doc, "design", file, default="none" if not names else "lhs", choices=("none",) + D.DESIGNS)
    if design == "none" and names:
        raise InputError(file, doc.line_of("design"), "design", "parameters are listed but design is none")
    if design != "none" and not names:
        raise InputError(file, doc.line_of("design"), "design", f"design {design} needs parameters to vary")
    return design


def _points(doc, file: str, design: str, names, bounds, samples: int, levels: int, seed: int, runs_per_point: int):
    """The design's points, built only after its size (and the runs it makes) passed the limits."""
    line = doc.line_of("design") if "design" in doc else doc.line
    n = check_points(D.design_size(design, len(names), samples, levels), file, line, "design")
    check_runs(n * runs_per_point, file, doc.line, None, "runs (scenarios x design points x replications)")
    return np.zeros((1, 0)) if design == "none" else D.make(design, names, bounds, samples, seed, levels)


def load_experiment(path: str | Path) -> Experiment:
    """Read and validate an experiment file (errors name file, line and field); sizes are checked first."""
    path = Path(path)
    file = str(path)
    if not path.exists() and path.suffix not in (".yaml", ".yml"):
        cand = ROOT / "experiments" / f"{path}.yaml"
        if cand.exists():
            path, file = cand, str(cand)
    doc = load_mapping(path, "experiment file")
    F.check_keys(doc, file, _TOP, required=("scenarios",))
    scenarios = scenarios_field(doc, file)
    posterior = _posterior(doc, file)
    ranges = parse_parameters(doc, file) if "parameters" in doc and posterior is None else []
    if any(r.log for r in ranges):
        raise InputError(file, doc.line_of("parameters"), "parameters", "log scales apply to calibration only")
    names = list(posterior.names) if posterior else [r.name for r in ranges]
    bounds = posterior.bounds() if posterior else [(r.low, r.high) for r in ranges]
    design = "posterior" if posterior else _design(doc, file, names)
    samples = count_field(doc, "samples", file, 1, 1_000_000, 8)
    levels = count_field(doc, "levels", file, 2, 100, 3)
    reps = count_field(doc, "replications", file, 1, 100_000, 10)
    seed = seed_field(doc, file)
    chunk = count_field(doc, "chunk_size", file, 1, 100_000, 250)
    engine = F.text(doc, "engine", file, default="auto", choices=("auto", "kernel", "mesa"))
    keep_dates = _keep_dates(doc, file, scenarios)
    if posterior:
        check_runs(samples * len(scenarios) * reps, file, doc.line, None, "runs (scenarios x draws x replications)")
        points = np.array([[d[n] for n in names] for d in posterior.draw(samples, seed)])
    else:
        points = _points(doc, file, design, names, bounds, samples, levels, seed, len(scenarios) * reps)
    exp = Experiment(name=F.text(doc, "name", file, default=path.stem), path=file,
                     description=F.text(doc, "description", file, default=""), scenarios=scenarios, names=names,
                     bounds=bounds, design=design, points=points, replications=reps, keep_dates=keep_dates,
                     seed=seed, chunk_size=chunk, engine=None if engine == "auto" else engine, digest="")
    h = hashlib.sha256(path.read_bytes())
    for s in scenarios:
        h.update(s.digest.encode())
    if posterior:
        h.update(Path(posterior.path).read_bytes())
    exp.digest = h.hexdigest()
    return exp
