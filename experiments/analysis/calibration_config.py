"""Calibration configs: which parameters to fit, to which part of the record, with which weights.

A calibration config is a YAML file (see ``experiments/calibrate_baseline.yaml`` and
``docs/calibration.md``)::

    scenario: historical_baseline           # shipped name or path; default as shown
    parameters:                             # registry names to fit (required)
      build_rate: {low: 0.02, high: 0.3}    # optional narrower range (inside the registry's)
      weight_shared_threat:                 # empty: the registry's range
      decay_rate: {log: true}               # sample on a log scale
    fit_window: {start: 1990, end: 2025}    # whole years, both included (1990.00-2025.75)
    replications: 8                         # runs per trial (common random numbers across trials)
    trials: 200                             # total trials wanted (a resumed study runs the rest)
    seed: 1                                 # master seed of the runs and of the TPE sampler
    workers: 1                              # parallel trial evaluations (processes)
    targets:                                # world index -> data files (default: both shipped)
      japan_nato: {band: data/japan_nato_target.csv, milestones: data/japan_nato_milestones.csv}
      china_russia_alignment: {band: data/china_russia_target.csv, milestones: data/china_russia_milestones.csv}
    weights: {japan_nato: 1.0, china_russia_alignment: 1.0, order: 0.0001}
    steps: {file: data/legal_steps.csv, weight: 0.002, tolerance: 1.0}   # optional: the legal steps' dates

Relative file paths are looked up beside the config file first, then in the project root.

Objective of one trial (lower is better)::

    score = sum_i w_i * mean_q dist(median_q, [lower_q, upper_q])**2  +  w_order * inversions

``median_q`` is the median over the replications of index i at quarter q, ``dist`` is
zero inside the band and the distance to the nearer edge outside it, and q runs over
the quarters of the fit window. ``inversions`` counts milestone pairs (all targets'
milestones dated inside the window, in date order) whose simulated crossing quarters,
the first window quarter in which the median of the milestone's index reaches its
``code_level`` (never: +inf), are in the wrong order.

With ``steps``, each legal step the record dates inside the window (data/legal_steps.csv:
Japan 1992, 2001, 2014, NATO 2010) adds ``weight * max(|median date - date| - tolerance, 0)**2``
(years; a step the median run never takes counts as taken five years after the window), and
each step the record never took before the window's end (an amendment of Article 9) adds the same
for every year the median run takes it before that end. The step dates are outputs of the reform
hazard (model/rules/domestic.py), so the fit asks the mechanism to produce them. ``held_out``
lists steps (``Japan:collective_2014``) the fit leaves out although the window holds their date:
the held-out fit predicts them.

Every mistake in a config is an :class:`~model.spec.errors.InputError` naming file, line and
field, raised before anything is written.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from experiments.analysis.history import RECORDS, STEPS, StepDate, read_band, read_milestones, read_steps
from experiments.pipeline.config import count_field, resolve_file, scenario_field, seed_field
from model.spec import fields as F
from model.spec.errors import InputError, did_you_mean
from model.spec.parameters import REGISTRY
from model.spec.provenance import model_digest, rules_digest
from model.spec.ranges import ParameterRange, parse_parameters
from model.spec.scenario import BASELINE, Scenario
from model.spec.yamlio import Located, load_mapping

DEFAULT_SCENARIO = BASELINE
DEFAULT_ORDER_WEIGHT = 1e-4
_TOP = {"scenario", "description", "parameters", "fit_window", "replications", "trials", "seed", "workers",
        "targets", "weights", "method", "abc", "steps", "drawn_from_prior"}
METHODS = ("optuna", "abc")  # a point fit (Optuna TPE) or a posterior (ABC-SMC, experiments/analysis/posterior.py)
_ABC = {"population", "generations", "quantile", "min_acceptance", "batch"}
# The abc: block's bounds, also those of --population and --generations (experiments/cli/main.py): with fewer
# than 10 particles the proposal's covariance degenerates and a generation never fills.
ABC_LIMITS = {"population": (10, 100_000), "generations": (1, 100), "batch": (1, 10_000)}


@dataclass
class Target:
    """One world index with its target band (by scenario quarter) and its milestones."""

    index: str
    band_file: str
    quarters: np.ndarray  # scenario quarter of each band row
    dates: np.ndarray
    target: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    milestone_file: str | None = None
    milestones: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["date", "code_level", "event"]))
    weight: float = 1.0


@dataclass
class CalibrationConfig:
    """A validated calibration config."""

    path: str
    scenario: Scenario
    scenario_ref: str  # what ``extends:`` of the result file names (shipped name or path)
    parameters: list[ParameterRange]
    window: tuple[int, int]  # first and last year, both included
    replications: int
    trials: int
    seed: int
    workers: int
    targets: list[Target]
    order_weight: float
    description: str = ""
    method: str = "optuna"
    abc: dict = field(default_factory=dict)  # ABC-SMC settings (population, generations, quantile, ...)
    steps: list[StepDate] = field(default_factory=list)  # the legal steps the fit asks the hazard to date
    prior_draws: list[ParameterRange] = field(default_factory=list)  # ABC: drawn from their prior, not fitted
    step_file: str | None = None
    held_out_steps: list[str] = field(default_factory=list)  # steps dated in the window but not fitted (predicted)
    step_weight: float = 0.0
    step_tolerance: float = 1.0

    @property
    def window_dates(self) -> tuple[float, float]:
        """The window as [first date, last date + 0.25)."""
        return float(self.window[0]), float(self.window[1] + 1)

    def executor(self, given: str | None = None) -> str:
        """Where trials or particles run: ``given``, else a process pool when the config asks for workers."""
        return given or ("processes" if self.workers > 1 else "serial")

    @property
    def held_out_dates(self) -> tuple[float, float]:
        """After the window: [the next year, the end of the last target year)."""
        last = max(float(t.dates.max()) for t in self.targets)
        return float(self.window[1] + 1), math.floor(last) + 1.0

    @property
    def carried(self) -> list[ParameterRange]:
        """Every parameter a particle carries, in the posterior's column order: the fitted ones, then those drawn
        from their prior."""
        return self.parameters + self.prior_draws

    @property
    def carries_registry(self) -> bool:
        """Whether every registry parameter is fitted or drawn from its prior (so no default is read)."""
        return {p.name for p in self.carried} >= set(REGISTRY)

    def fingerprint(self) -> str:
        """What a study's results depend on; a resumed study must match it (trials/workers excluded)."""
        blob = {
            "scenario": self.scenario.digest,
            "parameters": [(p.name, p.low, p.high, p.log) for p in self.parameters],
            "window": list(self.window), "replications": self.replications, "seed": self.seed,
            "targets": [(t.index, _sha(t.band_file), _sha(t.milestone_file) if t.milestone_file else None, t.weight)
                        for t in self.targets],
            "order_weight": self.order_weight, "model": rules_digest() if self.carries_registry else model_digest(),
        }
        if self.steps:  # configs without steps keep the fingerprint they had
            blob["steps"] = [_sha(self.step_file or ""), self.step_weight, self.step_tolerance]
            if self.held_out_steps:
                blob["held_out_steps"] = self.held_out_steps
        if self.prior_draws:
            blob["prior_draws"] = [(p.name, p.low, p.high, p.log) for p in self.prior_draws]
        return hashlib.sha256(json.dumps(blob, sort_keys=True).encode()).hexdigest()


def _sha(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def parse_targets(doc: Located, file: str, scenario: Scenario) -> list[Target]:
    """``targets``: index name -> {band, milestones}; default both shipped series."""
    if "targets" in doc:
        tdoc = F.mapping(doc, "targets", file)
        if not tdoc:
            raise InputError(file, doc.line_of("targets"), "targets", "give at least one target")
        items = []
        for index in tdoc:
            where = f"targets.{index}"
            spec = F.mapping(tdoc, index, file, "targets.", required=True)
            F.check_keys(spec, file, {"band", "milestones"}, required=("band",), where=where + ".")
            band = F.text(spec, "band", file, where + ".")
            ms = spec.get("milestones")
            if ms is not None and not isinstance(ms, str):
                raise InputError(file, spec.line_of("milestones"), where + ".milestones", "must be a file path")
            items.append((index, tdoc.line_of(index), band, spec.line_of("band"), ms, spec.line_of("milestones")))
    else:
        items = [(k, doc.line, f"data/{b}", doc.line, f"data/{m}", doc.line) for k, (b, m) in RECORDS.items()]
    out = []
    for index, line, band, band_line, ms, ms_line in items:
        if index not in scenario.world.indices:
            raise InputError(file, line, f"targets.{index}", f"the world has no index '{index}'"
                                                             f"{did_you_mean(index, scenario.world.indices)}")
        bpath = resolve_file(band, file)
        df = read_band(bpath, scenario.start, file, band_line, f"targets.{index}.band")
        t = Target(index, str(bpath), df["quarter"].to_numpy(int), df["date"].to_numpy(float),
                   df["target"].to_numpy(float), df["lower"].to_numpy(float), df["upper"].to_numpy(float))
        if ms:
            mpath = resolve_file(ms, file)
            t.milestone_file = str(mpath)
            t.milestones = read_milestones(mpath, file, ms_line, f"targets.{index}.milestones")[
                ["date", "code_level", "event"]]
        out.append(t)
    return out


def load_config(path: str | Path, replications: int | None = None, trials: int | None = None,
                workers: int | None = None) -> CalibrationConfig:
    """Read and validate a calibration config (CLI values override the file's)."""
    file = str(path)
    doc = load_mapping(path, "calibration config")
    F.check_keys(doc, file, _TOP, required=("parameters",))
    scenario, ref = scenario_field(doc, file, DEFAULT_SCENARIO)
    params = parse_parameters(doc, file)
    win = F.mapping(doc, "fit_window", file)
    F.check_keys(win, file, {"start", "end"}, where="fit_window.")
    first = int(F.number(win, "start", file, "fit_window.", 1900, 2200, default=1990, integer=True))
    last = int(F.number(win, "end", file, "fit_window.", 1900, 2200, default=2025, integer=True))
    if last < first:
        raise InputError(file, win.line, "fit_window", f"end {last} is before start {first}")
    if first < scenario.start or last + 0.75 > scenario.end:
        raise InputError(file, win.line, "fit_window", f"{first}-{last} is not inside the scenario horizon "
                                                       f"{scenario.start}-{scenario.end}")
    reps = count_field(doc, "replications", file, 1, 10_000, 8)
    n_trials = count_field(doc, "trials", file, 1, 1_000_000, 100)
    seed = seed_field(doc, file)
    n_workers = count_field(doc, "workers", file, 1, 256, 1)
    targets = parse_targets(doc, file, scenario)
    wdoc = F.mapping(doc, "weights", file)
    names = [t.index for t in targets]
    F.check_keys(wdoc, file, set(names) | {"order"}, where="weights.")
    for t in targets:
        t.weight = F.number(wdoc, t.index, file, "weights.", 0.0, 1e6, default=1.0)
    order_weight = F.number(wdoc, "order", file, "weights.", 0.0, 1e6, default=DEFAULT_ORDER_WEIGHT)
    lo, hi = float(first), float(last + 1)
    for t in targets:
        if not np.any((t.dates >= lo) & (t.dates < hi)):
            raise InputError(file, win.line, "fit_window", f"no rows of {t.band_file} fall in {first}-{last}")
    for flag, value in (("replications", replications), ("trials", trials), ("workers", workers)):
        if value is not None and value < 1:
            raise InputError(f"--{flag}", None, flag, f"must be at least 1, got {value}")
    config = CalibrationConfig(
        path=file, scenario=scenario, scenario_ref=ref, parameters=params, window=(first, last),
        replications=replications or reps, trials=trials or n_trials, seed=seed, workers=workers or n_workers,
        targets=targets, order_weight=order_weight, description=F.text(doc, "description", file, default=""),
        method=F.text(doc, "method", file, default="optuna", choices=METHODS), abc=_abc_settings(doc, file),
    )
    _steps(doc, file, config)
    config.prior_draws = _prior_draws(doc, file, params)
    return config


def _prior_draws(doc: Located, file: str, fitted: list[ParameterRange]) -> list[ParameterRange]:
    """``drawn_from_prior``: registry parameters every ABC proposal draws afresh from their prior (uniform on the
    registry range) instead of fitting them; ``rest`` names every registry parameter not in ``parameters``."""
    if "drawn_from_prior" not in doc:
        return []
    taken = {p.name for p in fitted}
    if doc["drawn_from_prior"] == "rest":
        return [ParameterRange(n, p.low, p.high) for n, p in REGISTRY.items() if n not in taken]
    out = parse_parameters(doc, file, "drawn_from_prior")
    for p in out:
        if p.name in taken:
            raise InputError(file, doc.line_of("drawn_from_prior"), f"drawn_from_prior.{p.name}",
                             "is also fitted (listed under parameters)")
    return out


def _steps(doc: Located, file: str, config: CalibrationConfig) -> None:
    """The ``steps:`` block: the file of the legal steps' dates, their weight and tolerance (years)."""
    if "steps" not in doc:
        return
    s = F.mapping(doc, "steps", file)
    F.check_keys(s, file, {"file", "weight", "tolerance", "held_out"}, where="steps.")
    path = resolve_file(F.text(s, "file", file, "steps.", default=f"data/{STEPS}"), file)
    end = config.window_dates[1]
    steps = read_steps(path, config.scenario.world, end, file, s.line_of("file"), "steps.file")
    held = F.sequence(s, "held_out", file, "steps.")
    names = [st.name for st in steps]
    for i, name in enumerate(held):
        if name not in names:
            raise InputError(file, held.lines[i], "steps.held_out", f"no step '{name}'{did_you_mean(str(name), names)}"
                             f" (steps are ACTOR:STATE: {', '.join(names)})")
    config.steps = [st for st in steps if st.name not in held]
    config.held_out_steps = [str(h) for h in held]
    config.step_file = str(path)
    config.step_weight = F.number(s, "weight", file, "steps.", 0.0, 1e6, default=0.002)
    config.step_tolerance = F.number(s, "tolerance", file, "steps.", 0.0, 50.0, default=1.0)


def _abc_settings(doc: Located, file: str) -> dict:
    """The ``abc:`` block: population size, generations, tolerance quantile, least acceptance, batch size."""
    a = F.mapping(doc, "abc", file)
    F.check_keys(a, file, _ABC, where="abc.")
    out: dict = {}
    for key, (lo, hi) in ABC_LIMITS.items():
        if key in a:
            out[key] = int(F.number(a, key, file, "abc.", lo, hi, integer=True))
    for key, lo, hi in (("quantile", 0.05, 0.95), ("min_acceptance", 0.0, 1.0)):
        if key in a:
            out[key] = F.number(a, key, file, "abc.", lo, hi)
    return out


