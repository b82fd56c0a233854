"""Experiment files: scenarios x parameter design x replications, outputs to keep, master seed.

A run is identified by (scenario index, sample index, replication). Its random stream is
``SeedSequence(seed, spawn_key=(sample, replication))``: it depends only on the run's
identity, never on scheduling, and runs of different scenarios with the same sample and
replication share their stream (common random numbers), so scenario differences are
paired comparisons under the same shocks.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from experiments.pipeline import samplers as D
from model.spec import fields as F
from model.spec.errors import InputError, did_you_mean
from model.spec.paths import ROOT
from model.spec.ranges import parse_parameters
from model.spec.runspec import RunSpec, parameters_for
from model.spec.scenario import Scenario, load_scenario, scenario_path
from model.spec.yamlio import load_mapping

_TOP = {"name", "description", "scenarios", "parameters", "design", "samples", "levels", "replications",
        "outputs", "seed", "chunk_size", "engine"}
_OUTPUTS = {"trajectories", "dates"}
MAX_RUNS = 10_000_000


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
        return RunSpec(sc, parameters_for(sc, over), self.seed, (k, r))  # common random numbers across scenarios

    def keep(self, scenario: Scenario) -> list[int] | None:
        if self.keep_dates is None:
            return None
        return [int(round((d - scenario.start) * 4)) for d in self.keep_dates]

    def run_table(self, runs) -> pd.DataFrame:
        """Id columns and parameter values of the given run numbers."""
        ids = np.array([self.identity(r) for r in runs], dtype=np.int64).reshape(-1, 3)
        df = pd.DataFrame({"run": np.asarray(runs, dtype=np.int64),
                           "scenario": [self.scenarios[i].name for i in ids[:, 0]],
                           "sample": ids[:, 1], "replication": ids[:, 2]})
        for j, n in enumerate(self.names):
            df[n] = self.points[ids[:, 1], j]
        return df


def load_experiment(path: str | Path) -> Experiment:
    """Read and validate an experiment file (errors name file, line and field)."""
    path = Path(path)
    file = str(path)
    if not path.exists() and path.suffix not in (".yaml", ".yml"):
        cand = ROOT / "experiments" / f"{path}.yaml"
        if cand.exists():
            path, file = cand, str(cand)
    doc = load_mapping(path, "experiment file")
    F.check_keys(doc, file, _TOP, required=("scenarios",))
    scen_doc = F.sequence(doc, "scenarios", file)
    if not scen_doc:
        raise InputError(file, doc.line_of("scenarios"), "scenarios", "list at least one scenario")
    scenarios = []
    for i, s in enumerate(scen_doc):
        if not isinstance(s, str):
            raise InputError(file, scen_doc.lines[i], "scenarios", f"must be a scenario name or file, got {s!r}")
        p = Path(s)
        target = (path.parent / p) if p.suffix in (".yaml", ".yml") else scenario_path(s)
        if not target.exists():
            from model.spec.scenario import shipped
            raise InputError(file, scen_doc.lines[i], "scenarios",
                             f"no such scenario '{s}'{did_you_mean(s, [q.stem for q in shipped()])}")
        scenarios.append(load_scenario(target))
    if len({s.name for s in scenarios}) != len(scenarios):
        raise InputError(file, scen_doc.line, "scenarios", "a scenario is listed twice")
    ranges = parse_parameters(doc, file) if "parameters" in doc else []
    if any(r.log for r in ranges):
        raise InputError(file, doc.line_of("parameters"), "parameters", "log scales apply to calibration only")
    names = [r.name for r in ranges]
    bounds = [(r.low, r.high) for r in ranges]
    design = F.text(doc, "design", file, default="none" if not names else "lhs", choices=("none",) + D.DESIGNS)
    if design == "none" and names:
        raise InputError(file, doc.line_of("design"), "design", "parameters are listed but design is none")
    if design != "none" and not names:
        raise InputError(file, doc.line_of("design"), "design", f"design {design} needs parameters to vary")
    samples = int(F.number(doc, "samples", file, low=1, high=1_000_000, default=8, integer=True))
    levels = int(F.number(doc, "levels", file, low=2, high=100, default=3, integer=True))
    reps = int(F.number(doc, "replications", file, low=1, high=100_000, default=10, integer=True))
    seed = int(F.number(doc, "seed", file, low=0, high=2**63 - 1, default=0, integer=True))
    chunk = int(F.number(doc, "chunk_size", file, low=1, high=100_000, default=250, integer=True))
    engine = F.text(doc, "engine", file, default="auto", choices=("auto", "kernel", "mesa"))
    out = F.mapping(doc, "outputs", file)
    F.check_keys(out, file, _OUTPUTS, where="outputs.")
    mode = F.text(out, "trajectories", file, "outputs.", default="full", choices=("full", "summary"))
    keep_dates = None
    if mode == "summary":
        dates = F.sequence(out, "dates", file, "outputs.")
        if not dates:
            raise InputError(file, out.line_of("trajectories"), "outputs.dates", "summary outputs need dates")
        keep_dates = []
        for i, d in enumerate(dates):
            if isinstance(d, bool) or not isinstance(d, (int, float)):
                raise InputError(file, dates.lines[i], "outputs.dates", f"must be a year, got {d!r}")
            for s in scenarios:
                if not (s.start <= d <= s.end) or (d * 4) != int(d * 4):
                    raise InputError(file, dates.lines[i], "outputs.dates",
                                     f"{d} is not a quarter within {s.name}'s horizon [{s.start}, {s.end}]")
            keep_dates.append(float(d))
    elif "dates" in out:
        raise InputError(file, out.line_of("dates"), "outputs.dates", "dates only apply to summary trajectories")
    if design == "none":
        points = np.zeros((1, 0))
    else:
        points = D.make(design, names, bounds, samples, seed, levels)
    exp = Experiment(name=F.text(doc, "name", file, default=path.stem), path=file,
                     description=F.text(doc, "description", file, default=""), scenarios=scenarios, names=names,
                     bounds=bounds, design=design, points=points, replications=reps, keep_dates=keep_dates,
                     seed=seed, chunk_size=chunk, engine=None if engine == "auto" else engine, digest="")
    if exp.n_runs > MAX_RUNS:
        raise InputError(file, doc.line, None, f"{exp.n_runs:,} runs exceed the limit of {MAX_RUNS:,}")
    h = hashlib.sha256(path.read_bytes())
    for s in scenarios:
        h.update(s.digest.encode())
    exp.digest = h.hexdigest()
    return exp
