"""Calibration: fit registry parameters to the historical record with Optuna (TPE), resumably.

A calibration config is a YAML file (see ``experiments/calibrate_baseline.yaml`` and
``docs/calibration.md``)::

    scenario: article9_reinterpretation     # shipped name or path; default as shown
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

Relative file paths are looked up beside the config file first, then in the project root.

Objective of one trial (lower is better)::

    score = sum_i w_i * mean_q dist(median_q, [lower_q, upper_q])**2  +  w_order * inversions

``median_q`` is the median over the replications of index i at quarter q, ``dist`` is
zero inside the band and the distance to the nearer edge outside it, and q runs over
the quarters of the fit window. ``inversions`` counts milestone pairs (all targets'
milestones dated inside the window, in date order) whose simulated crossing quarters,
the first window quarter in which the median of the milestone's index reaches its
``code_level`` (never: +inf), are in the wrong order.

Every mistake in a config is an :class:`~model.spec.errors.InputError` naming file, line and
field, raised before anything is written.
"""

from __future__ import annotations

import hashlib
import json
import math
import multiprocessing
import os
import warnings
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from experiments.store.atomic import atomic_write, write_json, write_table
from model.engines import kernel
from model.spec import fields as F
from model.spec.errors import InputError, did_you_mean
from model.spec.parameters import REGISTRY
from model.spec.paths import ROOT
from model.spec.ranges import ParameterRange, parse_parameters
from model.spec.runspec import RunSpec, parameters_for
from model.spec.scenario import Scenario, load_scenario, scenario_path, shipped
from model.spec.yamlio import Located, load_mapping

DEFAULT_SCENARIO = "article9_reinterpretation"
DEFAULT_TARGETS = {
    "japan_nato": ("data/japan_nato_target.csv", "data/japan_nato_milestones.csv"),
    "china_russia_alignment": ("data/china_russia_target.csv", "data/china_russia_milestones.csv"),
}
DEFAULT_ORDER_WEIGHT = 1e-4
STUDY_NAME = "calibration"
PLOT_REPLICATIONS = 32
_TOP = {"scenario", "description", "parameters", "fit_window", "replications", "trials", "seed", "workers",
        "targets", "weights"}
_GRID_TOL = 1e-6
BLUE, VERMILLION = "#0072B2", "#D55E00"  # Okabe-Ito (colour-blind safe)


# ----------------------------------------------------------------------------- config
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

    @property
    def window_dates(self) -> tuple[float, float]:
        """The window as [first date, last date + 0.25)."""
        return float(self.window[0]), float(self.window[1] + 1)

    def fingerprint(self) -> str:
        """What a study's results depend on; a resumed study must match it (trials/workers excluded)."""
        blob = {
            "scenario": self.scenario.digest,
            "parameters": [(p.name, p.low, p.high, p.log) for p in self.parameters],
            "window": list(self.window), "replications": self.replications, "seed": self.seed,
            "targets": [(t.index, _sha(t.band_file), _sha(t.milestone_file) if t.milestone_file else None, t.weight)
                        for t in self.targets],
            "order_weight": self.order_weight, "model": model_digest(),
        }
        return hashlib.sha256(json.dumps(blob, sort_keys=True).encode()).hexdigest()


# Modules that do not change what a run computes (their edits do not invalidate a study).
_NOT_DYNAMICS = {"__init__.py", "cli.py", "commands.py", "output.py", "tables.py", "simulate.py", "agents.py",
                 "errors.py", "fields.py", "yamlio.py"}


def model_digest() -> str:
    """sha256 of the model's source files that decide a run's numbers (the rules, kernel, registry)."""
    h = hashlib.sha256()
    for f in sorted((ROOT / "model").glob("*.py")):
        if f.name not in _NOT_DYNAMICS and not f.name.startswith("landscape"):
            h.update(f.name.encode() + b"\0" + f.read_bytes())
    return h.hexdigest()


def _sha(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def resolve_file(raw: str, config_file: str) -> Path:
    """A path from a config: absolute, beside the config file, or from the project root."""
    p = Path(raw)
    if p.is_absolute():
        return p
    here = Path(config_file).resolve().parent / p
    if here.exists():
        return here
    root = ROOT / p
    return root if root.exists() else here


def scenario_from(doc: Located, file: str, default: str | None = DEFAULT_SCENARIO) -> tuple[Scenario, str]:
    """The config's ``scenario`` (shipped name or path), loaded; plus its ``extends:`` reference."""
    if "scenario" not in doc and default is None:
        raise InputError(file, doc.line, "scenario", "required key is missing")
    raw = F.text(doc, "scenario", file, default=default)
    line = doc.line_of("scenario")
    if Path(raw).suffix in (".yaml", ".yml") or "/" in raw:
        path = resolve_file(raw, file)
        if not path.exists():
            raise InputError(file, line, "scenario", f"no such scenario file '{raw}'")
        return load_scenario(path), str(path.resolve())
    path = scenario_path(raw)
    if not path.exists():
        raise InputError(file, line, "scenario",
                         f"no such scenario '{raw}'{did_you_mean(raw, [p.stem for p in shipped()])}")
    return load_scenario(path), raw


def quarter_of(scenario: Scenario, date: float) -> int | None:
    """The scenario quarter of a date on its quarterly grid, or None when off the grid."""
    q = (date - scenario.start) * 4.0
    return int(round(q)) if abs(q - round(q)) < 1e-3 else None


def read_band(path: Path, scenario: Scenario, file: str, line: int, where: str) -> pd.DataFrame:
    """A target band CSV (date,target,lower,upper), checked row by row; adds the scenario quarter."""
    df = _read_csv(path, file, line, where, ("date", "target", "lower", "upper"))
    for i, row in enumerate(df.itertuples(index=False)):
        ln = i + 2
        for col in ("date", "target", "lower", "upper"):
            v = getattr(row, col)
            if not isinstance(v, (int, float)) or not math.isfinite(v):
                raise InputError(str(path), ln, col, f"must be a finite number, got {v!r}")
        if not row.lower <= row.upper:
            raise InputError(str(path), ln, "lower", f"lower {row.lower} is above upper {row.upper}")
        if quarter_of(scenario, row.date) is None:
            raise InputError(str(path), ln, "date", f"{row.date} is not on the scenario's quarterly grid "
                                                    f"(start {scenario.start})")
    if df["date"].duplicated().any():
        i = int(np.flatnonzero(df["date"].duplicated())[0])
        raise InputError(str(path), i + 2, "date", "date listed twice")
    df = df.sort_values("date").reset_index(drop=True)
    df["quarter"] = [quarter_of(scenario, d) for d in df["date"]]
    return df


def read_milestones(path: Path, file: str, line: int, where: str) -> pd.DataFrame:
    """A milestone CSV (date, code_level, optional event), checked row by row, in date order."""
    df = _read_csv(path, file, line, where, ("date", "code_level"))
    for i, row in enumerate(df.itertuples(index=False)):
        for col in ("date", "code_level"):
            v = getattr(row, col)
            if not isinstance(v, (int, float)) or not math.isfinite(v):
                raise InputError(str(path), i + 2, col, f"must be a finite number, got {v!r}")
    if "event" not in df.columns:
        df["event"] = ""
    return df[["date", "code_level", "event"]].sort_values("date", kind="stable").reset_index(drop=True)


def _read_csv(path: Path, file: str, line: int, where: str, columns) -> pd.DataFrame:
    if not path.exists():
        raise InputError(file, line, where, f"no such file '{path}'")
    try:
        df = pd.read_csv(path)
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise InputError(str(path), None, None, f"cannot read CSV: {exc}") from None
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise InputError(str(path), 1, missing[0], f"missing column(s) {', '.join(missing)}")
    if df.empty:
        raise InputError(str(path), 2, None, "no rows")
    for c in columns:
        df[c] = pd.to_numeric(df[c], errors="coerce")
    return df


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
        items = [(k, doc.line, b, doc.line, m, doc.line) for k, (b, m) in DEFAULT_TARGETS.items()]
    out = []
    for index, line, band, band_line, ms, ms_line in items:
        if index not in scenario.world.indices:
            raise InputError(file, line, f"targets.{index}", f"the world has no index '{index}'"
                                                             f"{did_you_mean(index, scenario.world.indices)}")
        bpath = resolve_file(band, file)
        df = read_band(bpath, scenario, file, band_line, f"targets.{index}.band")
        t = Target(index, str(bpath), df["quarter"].to_numpy(int), df["date"].to_numpy(float),
                   df["target"].to_numpy(float), df["lower"].to_numpy(float), df["upper"].to_numpy(float))
        if ms:
            mpath = resolve_file(ms, file)
            t.milestone_file = str(mpath)
            t.milestones = read_milestones(mpath, file, ms_line, f"targets.{index}.milestones")
        out.append(t)
    return out


def load_config(path: str | Path, replications: int | None = None, trials: int | None = None,
                workers: int | None = None) -> CalibrationConfig:
    """Read and validate a calibration config (CLI values override the file's)."""
    file = str(path)
    doc = load_mapping(path, "calibration config")
    F.check_keys(doc, file, _TOP, required=("parameters",))
    scenario, ref = scenario_from(doc, file)
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
    reps = int(F.number(doc, "replications", file, "", 1, 10_000, default=8, integer=True))
    n_trials = int(F.number(doc, "trials", file, "", 1, 1_000_000, default=100, integer=True))
    seed = int(F.number(doc, "seed", file, "", 0, 2**63 - 1, default=0, integer=True))
    n_workers = int(F.number(doc, "workers", file, "", 1, 256, default=1, integer=True))
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
    return CalibrationConfig(
        path=file, scenario=scenario, scenario_ref=ref, parameters=params, window=(first, last),
        replications=replications or reps, trials=trials or n_trials, seed=seed, workers=workers or n_workers,
        targets=targets, order_weight=order_weight, description=F.text(doc, "description", file, default=""),
    )


# ----------------------------------------------------------------------------- objective
def truncated(scenario: Scenario, last_date: float) -> Scenario:
    """The scenario run only up to ``last_date`` (events after it never fire)."""
    end = min(scenario.end, max(last_date, scenario.start + 0.25))
    return replace(scenario, end=end)


def simulate_indices(scenario: Scenario, values: dict[str, float], replications: int, seed: int,
                     last_date: float | None = None, indices=None) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Run ``replications`` runs (identities (0,), (1,), ...; one kernel call) with parameter overrides.

    Returns the dates of the kept quarters and, per index, an (R, Q) array.
    """
    sc = truncated(scenario, scenario.end if last_date is None else last_date)
    params = parameters_for(sc, values)
    specs = [RunSpec(sc, params, seed, (r,)) for r in range(replications)]
    traj = kernel.run(specs)
    names = list(indices) if indices is not None else list(traj.indices)
    return sc.start + traj.quarters / 4.0, {k: traj.indices[k] for k in names}


def first_crossing(median: np.ndarray, level: float, q0: int, q1: int) -> float:
    """First quarter in [q0, q1] whose median reaches ``level``; +inf when none does."""
    hit = np.flatnonzero(median[q0:q1 + 1] >= level - 1e-12)
    return float(q0 + hit[0]) if hit.size else math.inf


def count_inversions(order_times: list[tuple[float, float]]) -> tuple[int, int]:
    """Pairs (i before j by date, strictly) with crossing time t_i > t_j; and the number of pairs."""
    inv = pairs = 0
    for i, (di, ti) in enumerate(order_times):
        for dj, tj in order_times[i + 1:]:
            if dj > di:
                pairs += 1
                if ti > tj:
                    inv += 1
    return inv, pairs


def score(medians: dict[str, np.ndarray], start: float, targets: list[Target], window: tuple[float, float],
          order_weight: float) -> dict[str, float]:
    """Objective terms for median trajectories (index -> median by scenario quarter) in a window.

    ``window`` is [first date, end date) in years. Returns ``score`` and its components:
    ``mse_<index>`` (mean squared distance outside the band), ``inversions`` and ``order_pairs``.
    """
    lo, hi = window
    out: dict[str, float] = {}
    total = 0.0
    crossings: list[tuple[float, float]] = []
    for t in targets:
        med = medians[t.index]
        sel = (t.dates >= lo - _GRID_TOL) & (t.dates < hi - _GRID_TOL) & (t.quarters < len(med))
        m = med[t.quarters[sel]]
        d = np.maximum(t.lower[sel] - m, 0.0) + np.maximum(m - t.upper[sel], 0.0)
        mse = float(np.mean(d ** 2)) if d.size else 0.0
        out[f"mse_{t.index}"] = mse
        total += t.weight * mse
        if len(t.milestones):
            q0 = max(0, int(math.ceil((lo - start) * 4 - _GRID_TOL)))
            q1 = min(len(med) - 1, int(math.ceil((hi - start) * 4 - _GRID_TOL)) - 1)
            for date, level in zip(t.milestones["date"], t.milestones["code_level"]):
                if lo - _GRID_TOL <= date < hi - _GRID_TOL:
                    crossings.append((float(date), first_crossing(med, float(level), q0, q1)))
    crossings.sort(key=lambda x: x[0])
    inv, pairs = count_inversions(crossings)
    out["inversions"] = float(inv)
    out["order_pairs"] = float(pairs)
    out["score"] = total + order_weight * inv
    return out


class Objective:
    """Scores parameter values: R replications (common random numbers across trials), medians, score."""

    def __init__(self, config: CalibrationConfig):
        self.config = config
        self.last_date = config.window_dates[1] - 0.25

    def medians(self, values: dict[str, float], replications: int | None = None, seed: int | None = None,
                last_date: float | None = None) -> dict[str, np.ndarray]:
        cfg = self.config
        _, runs = simulate_indices(cfg.scenario, values, replications or cfg.replications,
                                   cfg.seed if seed is None else seed, last_date or self.last_date,
                                   [t.index for t in cfg.targets])
        return {k: np.median(v, axis=0) for k, v in runs.items()}

    def evaluate(self, values: dict[str, float], window: tuple[float, float] | None = None,
                 replications: int | None = None, seed: int | None = None) -> dict[str, float]:
        """The objective terms of ``values`` in ``window`` (default: the fit window)."""
        window = window or self.config.window_dates
        meds = self.medians(values, replications, seed, last_date=window[1] - 0.25)
        return score(meds, self.config.scenario.start, self.config.targets, window, self.config.order_weight)

    def __call__(self, values: dict[str, float]) -> dict[str, float]:
        return self.evaluate(values)


def start_values(config: CalibrationConfig) -> dict[str, float]:
    """The scenario's own values of the fitted parameters (clipped into the searched ranges)."""
    base = parameters_for(config.scenario)
    return {p.name: float(min(max(base[p.name], p.low), p.high)) for p in config.parameters}


# ----------------------------------------------------------------------------- worker processes
_WORKER: Objective | None = None


def _init_worker(config: CalibrationConfig) -> None:
    global _WORKER
    _WORKER = Objective(config)  # the parent's validated config, pickled: workers cannot disagree with it


def _evaluate_in_worker(values: dict[str, float]) -> dict[str, float]:
    assert _WORKER is not None
    return _WORKER(values)


# ----------------------------------------------------------------------------- the study
@dataclass
class CalibrationResult:
    out: Path
    best_values: dict[str, float]
    best: dict[str, float]
    default: dict[str, float]
    completed: int
    ran: int
    files: dict[str, Path]


def _quiet_optuna():
    import optuna
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)
    return optuna


def open_study(config: CalibrationConfig, out: Path):
    """Create or reopen the SQLite study in OUT; refuse a study made with a different config.

    Trials left RUNNING by an interrupted process are marked FAIL (they are re-run).
    """
    optuna = _quiet_optuna()
    from optuna.trial import TrialState
    db = Path(out) / "study.db"
    existed = db.exists()
    out.mkdir(parents=True, exist_ok=True)
    storage = optuna.storages.RDBStorage(f"sqlite:///{db}", engine_kwargs={"connect_args": {"timeout": 120}})
    study = optuna.create_study(storage=storage, study_name=STUDY_NAME, direction="minimize", load_if_exists=True)
    fp = config.fingerprint()
    old = study.user_attrs.get("fingerprint")
    if old is None:
        if existed and study.trials:
            raise InputError(str(db), None, None, "not a calibration study of this program; use another --out")
        study.set_user_attr("fingerprint", fp)
        study.set_user_attr("config", Path(config.path).name)
        study.set_user_attr("parameters", [p.name for p in config.parameters])
    elif old != fp:
        raise InputError(str(db), None, None,
                         f"this study was made with a different configuration (was {study.user_attrs.get('config')}: "
                         "scenario, parameters, window, replications, seed, targets, weights or the model code "
                         "differ); use another --out to start afresh")
    for t in study.get_trials(deepcopy=False, states=(TrialState.RUNNING,)):
        storage.set_trial_state_values(t._trial_id, TrialState.FAIL)
    n_existing = len(study.trials)
    # A resumed study gets a new sampler stream (a fresh stream from the same seed would repeat its points).
    seed = int(np.random.SeedSequence([config.seed, n_existing]).generate_state(1)[0])
    study.sampler = optuna.samplers.TPESampler(seed=seed, multivariate=True, constant_liar=True,
                                               n_startup_trials=min(10, max(2, config.trials // 5)))
    return study


def calibrate(config: CalibrationConfig, out: str | Path, log: Callable[[str], None] | None = None,
              write_outputs: bool = True) -> CalibrationResult:
    """Run the missing trials of the study in OUT (``config.trials`` complete trials in all), write outputs."""
    _quiet_optuna()
    from optuna.distributions import FloatDistribution
    from optuna.trial import TrialState
    log = log or (lambda msg: None)
    out = Path(out)
    study = open_study(config, out)
    dists = {p.name: FloatDistribution(p.low, p.high, log=p.log) for p in config.parameters}
    complete = lambda: len(study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,)))  # noqa: E731
    if complete() == 0 and not study.get_trials(deepcopy=False, states=(TrialState.WAITING,)):
        study.enqueue_trial(start_values(config), user_attrs={"start": "scenario values"})
    have = complete()
    need = config.trials - have
    log(f"study {out / 'study.db'}: {have} complete trials, running {max(need, 0)} more"
        + (f" on {config.workers} workers" if config.workers > 1 and need > 0 else ""))
    ran = 0
    failures = 0

    def finish(trial, res: dict | None, exc: BaseException | None = None) -> None:
        nonlocal ran, failures
        if res is None or not math.isfinite(res["score"]):
            failures += 1
            study.tell(trial, state=TrialState.FAIL)
            log(f"trial {trial.number} failed: {exc!r}" if exc else f"trial {trial.number}: non-finite score")
            if failures > max(10, config.trials // 10):
                raise RuntimeError(f"{failures} trials failed; last error: {exc!r}")
            return
        for k, v in res.items():
            if k != "score":
                trial.set_user_attr(k, v)
        study.tell(trial, res["score"])
        ran += 1
        if ran % 10 == 0 or complete() == config.trials:
            log(f"trial {trial.number}: score {res['score']:.6g}; best {study.best_value:.6g} "
                f"({complete()}/{config.trials})")

    objective = Objective(config)
    if config.workers <= 1:
        while complete() < config.trials:
            trial = study.ask(dists)
            try:
                res = objective(trial.params)
            except KeyboardInterrupt:
                study.tell(trial, state=TrialState.FAIL)
                raise
            except Exception as exc:  # a numerical failure of one point must not end the study
                finish(trial, None, exc)
                continue
            finish(trial, res)
    elif need > 0:
        ctx = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(config.workers, mp_context=ctx, initializer=_init_worker,
                                 initargs=(config,)) as pool:
            inflight: dict = {}
            try:
                while complete() < config.trials or inflight:
                    while len(inflight) < config.workers and complete() + len(inflight) < config.trials:
                        trial = study.ask(dists)
                        inflight[pool.submit(_evaluate_in_worker, trial.params)] = trial
                    if not inflight:
                        break
                    done, _ = wait(inflight, return_when=FIRST_COMPLETED)
                    for fut in done:
                        trial = inflight.pop(fut)
                        exc = fut.exception()
                        finish(trial, None if exc else fut.result(), exc)
            except BaseException:
                for fut, trial in inflight.items():
                    fut.cancel()
                    study.tell(trial, state=TrialState.FAIL)
                raise
    best_trial = study.best_trial
    best_values = {p.name: float(best_trial.params[p.name]) for p in config.parameters}
    best = {"score": float(best_trial.value), **{k: float(v) for k, v in best_trial.user_attrs.items()
                                                  if isinstance(v, (int, float))}}
    default = objective(start_values(config))
    result = CalibrationResult(out, best_values, best, default, complete(), ran, {})
    if write_outputs:
        result.files = write_results(config, study, result, objective)
    return result


# ----------------------------------------------------------------------------- outputs
def _fmt(v: float) -> float:
    return float(f"{v:.6g}")


def best_parameters_yaml(config: CalibrationConfig, result: CalibrationResult, out: Path) -> str:
    """A scenario file that extends the calibrated scenario and sets the fitted parameters."""
    ref = config.scenario_ref
    if Path(ref).suffix in (".yaml", ".yml"):
        ref = os.path.relpath(ref, Path(out).resolve())
    lines = [
        "# Calibrated parameters, written by `alliance calibrate`.",
        f"# config: {config.path}",
        f"# scenario: {config.scenario.name} (sha256 {config.scenario.digest[:12]})",
        f"# fit window: {config.window[0]}-{config.window[1]}; {result.completed} trials of "
        f"{config.replications} replications; seed {config.seed}",
        f"# objective: best {result.best['score']:.6g} (scenario values: {result.default['score']:.6g})",
        f"# written: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"# Use it as a scenario: alliance run {Path(out) / 'best_parameters.yaml'}, or `extends:` it.",
        "# The targets are a coded reading of the record (data/coding.md), not measurements.",
        f"name: {config.scenario.name}_calibrated",
        f"description: {config.scenario.name} with parameters calibrated to {config.window[0]}-{config.window[1]}",
        f"extends: {json.dumps(ref)}",
        "parameters:",
    ]
    for p in config.parameters:
        v = min(max(_fmt(result.best_values[p.name]), REGISTRY[p.name].low), REGISTRY[p.name].high)
        lines.append(f"  {p.name}: {v!r}  # default {REGISTRY[p.name].default}, searched [{p.low}, {p.high}]")
    return "\n".join(lines) + "\n"


def trials_table(study) -> pd.DataFrame:
    df = study.trials_dataframe()
    for c in df.columns:
        if str(df[c].dtype).startswith("timedelta"):
            df[c] = df[c].dt.total_seconds()
    df = df.drop(columns=[c for c in df.columns if c.startswith("system_attrs")])
    if "state" in df.columns:
        df["state"] = df["state"].astype(str)
    return df


def write_results(config: CalibrationConfig, study, result: CalibrationResult, objective: Objective) -> dict:
    out = Path(result.out)
    files = {}
    yaml_text = best_parameters_yaml(config, result, out)
    files["best_parameters"] = out / "best_parameters.yaml"
    atomic_write(files["best_parameters"], lambda tmp: Path(tmp).write_text(yaml_text, encoding="utf-8"))
    files["trials"] = write_table(trials_table(study), out / "trials", "parquet")
    files["summary"] = write_json({
        "config": config.path, "scenario": config.scenario.name, "fit_window": list(config.window),
        "replications": config.replications, "seed": config.seed, "trials": result.completed,
        "best_parameters": result.best_values, "best": result.best, "scenario_values": start_values(config),
        "scenario_values_objective": result.default, "fingerprint": config.fingerprint(),
        "model_sha256": model_digest(),
    }, out / "calibration.json")
    files["fit"] = plot_fit(config, result.best_values, out / "fit.png")
    return files


def plot_fit(config: CalibrationConfig, values: dict[str, float], path: Path,
             replications: int = PLOT_REPLICATIONS, title: str | None = None) -> Path:
    """Simulated 5-95% band and median (calibrated, and the scenario's own values) vs the targets."""
    from matplotlib.figure import Figure
    last = min(config.scenario.end, max(float(t.dates.max()) for t in config.targets))
    reps = max(replications, config.replications)
    dates, runs = simulate_indices(config.scenario, values, reps, config.seed, last,
                                   [t.index for t in config.targets])
    _, base = simulate_indices(config.scenario, start_values(config), reps, config.seed, last,
                               [t.index for t in config.targets])
    n = len(config.targets)
    fig = Figure(figsize=(9, 3.6 * n), layout="constrained")
    axes = fig.subplots(n, 1, squeeze=False)[:, 0]
    lo, hi = config.window_dates
    for ax, t in zip(axes, config.targets):
        ax.fill_between(t.dates, t.lower, t.upper, color="0.8", step="post", label="target band")
        ax.step(t.dates, t.target, where="post", color="0.35", lw=1, ls="--", label="target")
        y = runs[t.index]
        ax.fill_between(dates, np.quantile(y, 0.05, axis=0), np.quantile(y, 0.95, axis=0), color=BLUE,
                        alpha=0.25, label=f"calibrated 5-95% ({reps} runs)")
        ax.plot(dates, np.median(y, axis=0), color=BLUE, lw=2, label="calibrated median")
        ax.plot(dates, np.median(base[t.index], axis=0), color=VERMILLION, lw=1.2, ls=":",
                label="uncalibrated median (scenario values)")
        if len(t.milestones):
            ax.plot(t.milestones["date"], t.milestones["code_level"], "kv", ms=5, label="milestones (code level)")
        shown = False
        for a, b in ((config.scenario.start, lo), (hi, last)):
            if b > a:
                ax.axvspan(a, b, color="0.6", alpha=0.12, lw=0,
                           label=None if shown else f"outside fit window {config.window[0]}-{config.window[1]}")
                shown = True
        ax.set_xlim(config.scenario.start, last)
        ax.set_ylim(0, 1)
        ax.set_xlabel("year")
        ax.set_ylabel(f"{t.index} index (0-1)")
        ax.set_title(t.index.replace("_", " "))
        ax.legend(loc="upper left", fontsize=7, ncols=2)
    fig.suptitle(title or f"Calibration fit: {config.scenario.name} ({Path(config.path).name})")
    path = Path(path)
    atomic_write(path, lambda tmp: fig.savefig(tmp, format="png", dpi=120))
    return path
