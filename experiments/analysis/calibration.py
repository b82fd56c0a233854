"""Calibration: fit registry parameters to the historical record with Optuna (TPE), resumably.

The study lives in an SQLite file (a killed run resumes without losing trials). Trials
are asked of Optuna and their objective values told back as they finish; each trial's
evaluation is a task on the pipeline's evaluator (serial, processes or Dask). The
outputs are a scenario file with the best values (``best_parameters.yaml``), the trials
table, a summary and the fit figure (drawn from :func:`fit_paths`, which runs the model).

The sampler's random streams are saved in the study before every ask (the study's
``sampler_state``) and restored when a study resumes, so with one worker an interrupted
study resumes to exactly the study an uninterrupted run gives: a trial killed mid-way is
marked failed and asked again from the same state. (The streams are Optuna's
``TPESampler._rng`` and its start-up random sampler's: private attributes, read through
:func:`_streams`, which finds none if a later Optuna moves them; a resume then takes a
fresh stream, as studies saved before this did.) Each resume is recorded (the study's
``resumes``, and ``calibration.json``).
"""

from __future__ import annotations

import json
import math
import os
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import optuna
import pandas as pd
from optuna.distributions import FloatDistribution
from optuna.trial import TrialState

from experiments.analysis.calibration_config import CalibrationConfig, load_config
from experiments.analysis.objective import Objective, start_values
from experiments.pipeline.evaluators import evaluator
from experiments.pipeline.limits import check_runs
from experiments.pipeline.outcomes import index_paths
from experiments.store.atomic import atomic_write, write_json, write_table
from model.spec.errors import InputError
from model.spec.parameters import REGISTRY
from model.spec.provenance import model_digest

__all__ = ["CalibrationResult", "calibrate", "fit_paths", "load_config", "open_study"]

STUDY_NAME = "calibration"
PLOT_REPLICATIONS = 32


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


optuna.logging.set_verbosity(optuna.logging.WARNING)
warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)


def open_study(config: CalibrationConfig, out: Path) -> optuna.Study:
    """Create or reopen the SQLite study in OUT; refuse a study made with a different config.

    Trials left RUNNING by an interrupted process are marked FAIL (they are re-run).
    """
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
    if existed and study.trials:  # record the resume: when, and how far the study had come
        complete = len(study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,)))
        study.set_user_attr("resumes", [*study.user_attrs.get("resumes", []),
                                        {"complete": complete, "trials": len(study.trials),
                                         "at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")}])
    saved = study.user_attrs.get(SAMPLER_STATE)
    # A new study's stream is SeedSequence([seed, 0]); a resumed one continues it from the state saved before its
    # last ask (an older study, saved without one, takes a fresh stream: the same one would repeat its points).
    n = 0 if saved or not existed else len(study.trials)
    seed = int(np.random.SeedSequence([config.seed, n]).generate_state(1)[0])
    study.sampler = optuna.samplers.TPESampler(seed=seed, multivariate=True, constant_liar=True,
                                               n_startup_trials=min(10, max(2, config.trials // 5)))
    _restore_streams(study.sampler, saved)
    return study


SAMPLER_STATE = "sampler_state"


def _streams(sampler) -> list[np.random.RandomState]:
    """The random streams a TPE sampler draws from (its own, its start-up random sampler's); none where Optuna
    keeps them elsewhere."""
    found = []
    for owner in (sampler, getattr(sampler, "_random_sampler", None)):
        rng = getattr(getattr(owner, "_rng", None), "rng", None)
        if isinstance(rng, np.random.RandomState):
            found.append(rng)
    return found


def _save_streams(study: optuna.Study) -> None:
    """Record the sampler's streams in the study before an ask: where a resumed study takes up."""
    states = [rng.get_state() for rng in _streams(study.sampler)]
    study.set_user_attr(SAMPLER_STATE, [[s[0], s[1].tolist(), int(s[2]), int(s[3]), float(s[4])] for s in states])


def _restore_streams(sampler, saved) -> None:
    streams = _streams(sampler)
    if isinstance(saved, list) and len(saved) == len(streams):
        for rng, s in zip(streams, saved):
            rng.set_state((s[0], np.asarray(s[1], dtype=np.uint32), s[2], s[3], s[4]))


@dataclass
class _Tally:
    """The study's bookkeeping while trials come back: tell Optuna, count, log, give up after many failures."""

    study: optuna.Study
    config: CalibrationConfig
    say: Callable[[str], None]
    ran: int = 0
    failures: int = 0

    def complete(self) -> int:
        return len(self.study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,)))

    def finish(self, trial, res: dict | None, exc: BaseException | None = None) -> None:
        if res is None or not math.isfinite(res["score"]):
            self.failures += 1
            self.study.tell(trial, state=TrialState.FAIL)
            self.say(f"trial {trial.number} failed: {exc!r}" if exc else f"trial {trial.number}: non-finite score")
            if self.failures > max(10, self.config.trials // 10):
                raise RuntimeError(f"{self.failures} trials failed; last error: {exc!r}")
            return
        for k, v in res.items():
            if k != "score":
                trial.set_user_attr(k, v)
        self.study.tell(trial, res["score"])
        self.ran += 1
        if self.ran % 10 == 0 or self.complete() == self.config.trials:
            self.say(f"trial {trial.number}: score {res['score']:.6g}; best {self.study.best_value:.6g} "
                     f"({self.complete()}/{self.config.trials})")


def _ask_and_tell(tally: _Tally, dists: dict, kind: str) -> None:
    """Keep up to ``workers`` trials in flight on the evaluator until the study has its complete trials."""
    config = tally.config
    with evaluator(kind, config.workers, initializer=_init_worker, initargs=(config,)) as ev:
        inflight: dict = {}
        try:
            while tally.complete() < config.trials or inflight:
                while len(inflight) < config.workers and tally.complete() + len(inflight) < config.trials:
                    _save_streams(tally.study)
                    trial = tally.study.ask(dists)
                    inflight[ev.submit(_evaluate_in_worker, trial.params)] = trial
                if not inflight:
                    break
                for fut in ev.first_completed(inflight):
                    trial = inflight.pop(fut)
                    exc = fut.exception()
                    tally.finish(trial, None if exc else fut.result(), exc)
        except BaseException:
            for fut, trial in inflight.items():
                fut.cancel()
                tally.study.tell(trial, state=TrialState.FAIL)
            raise


def calibrate(config: CalibrationConfig, out: str | Path, log: Callable[[str], None] | None = None,
              write_outputs: bool = True, executor: str | None = None) -> CalibrationResult:
    """Run the missing trials of the study in OUT (``config.trials`` complete trials in all), write outputs.

    Trials are asked of Optuna and evaluated on the pipeline's evaluator (``executor``;
    default serial for one worker, processes for more), up to ``config.workers`` at a time.
    """
    say = log or (lambda msg: None)
    out = Path(out)
    check_runs(config.trials * config.replications, config.path, None, "trials", "runs (trials x replications)")
    study = open_study(config, out)
    tally = _Tally(study, config, say)
    if tally.complete() == 0 and not study.get_trials(deepcopy=False, states=(TrialState.WAITING,)):
        study.enqueue_trial(start_values(config), user_attrs={"start": "scenario values"})
    have = tally.complete()
    need = config.trials - have
    kind = config.executor(executor)
    say(f"study {out / 'study.db'}: {have} complete trials, running {max(need, 0)} more"
        + (f" ({kind}, {config.workers} workers)" if config.workers > 1 and need > 0 else ""))
    if need > 0:
        _ask_and_tell(tally, {p.name: FloatDistribution(p.low, p.high, log=p.log) for p in config.parameters}, kind)
    objective = Objective(config)
    best_trial = study.best_trial
    best_values = {p.name: float(best_trial.params[p.name]) for p in config.parameters}
    best = {"score": float(best_trial.value), **{k: float(v) for k, v in best_trial.user_attrs.items()
                                                  if isinstance(v, (int, float))}}
    default = objective(start_values(config))
    result = CalibrationResult(out, best_values, best, default, tally.complete(), tally.ran, {})
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
        "model_sha256": model_digest(), "resumes": study.user_attrs.get("resumes", []),
    }, out / "calibration.json")
    return files


@dataclass
class FitPaths:
    """What the fit figure draws: dates, and per index an (R, Q) array with the calibrated and the default values."""

    dates: np.ndarray
    calibrated: dict[str, np.ndarray]
    default: dict[str, np.ndarray]
    replications: int


def fit_paths(config: CalibrationConfig, values: dict[str, float],
              replications: int = PLOT_REPLICATIONS) -> FitPaths:
    """Index trajectories with the calibrated values and with the scenario's own, over the targets' dates."""
    last = min(config.scenario.end, max(float(t.dates.max()) for t in config.targets))
    reps = max(replications, config.replications)
    names = [t.index for t in config.targets]
    dates, paths = index_paths(config.scenario, [values, start_values(config)], reps, config.seed, last_date=last,
                               indices=names)
    return FitPaths(dates, {k: v[0] for k, v in paths.items()}, {k: v[1] for k, v in paths.items()}, reps)


