"""Calibration (experiments.analysis.calibration): parameter recovery, resume after SIGKILL, config errors."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import optuna
import pandas as pd
import pytest

from experiments.analysis.calibration import calibrate, load_config
from experiments.analysis.calibration_config import CalibrationConfig
from experiments.analysis.objective import count_inversions, score
from experiments.cli.calibrate import write_fit_figure
from experiments.cli.main import main
from experiments.pipeline.outcomes import index_paths
from model.spec.errors import InputError
from model.spec.parameters import REGISTRY
from model.spec.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent

# A short standalone scenario (the shipped ones have events up to 2023, outside a short horizon).
SHORT = """\
name: short
description: a short test horizon on the default world
world: default
horizon: {start: 1990.0, end: 2008.0}
events:
  - {date: 1990.5, quantity: floor.Japan.NATO.political_dialogue, set: 0.05}
  - {date: 2001.7, quantity: world.terrorism, add: 0.6}
  - {date: 2004.5, quantity: floor.Japan.NATO.political_dialogue, set: 0.12}
"""

# Parameters of the synthetic truth, both moved well away from their registry defaults (0.0816, 0.0181).
# build_rate drives the Japan-NATO index, alignment_rate the China-Russia one. (Since counterbalancing needs
# both partners to gain, weight_alignment_threat and alignment_cost leave the short run's China-Russia path
# inside the band over much of their range: a test of recovery needs a parameter the data identify.) build_rate
# sits low in its range: above about 0.15 the short run's Japan-NATO path saturates, and 0.25 and 0.28 gave the
# same path within the band once the defaults became the posterior's medians.
TRUTH = {"build_rate": 0.03, "alignment_rate": 0.15}
TOLERANCE = {"build_rate": 0.004, "alignment_rate": 0.012}  # about 1 % and 4 % of each registry range
SEED, REPS, HALF_WIDTH = 7, 4, 0.002


def write_problem(tmp: Path, trials: int = 50, extra: str = "") -> Path:
    """Short scenario, target bands simulated from TRUTH, and a calibration config; returns the config."""
    (tmp / "short.yaml").write_text(SHORT)
    sc = load_scenario(tmp / "short.yaml")
    dates, paths = index_paths(sc, [TRUTH], REPS, SEED)
    for index, name in (("japan_nato", "jn.csv"), ("china_russia_alignment", "cr.csv")):
        med = np.median(paths[index][0], axis=0)
        pd.DataFrame({"date": dates, "target": med, "lower": med - HALF_WIDTH,
                      "upper": med + HALF_WIDTH}).to_csv(tmp / name, index=False)
    cfg = tmp / "calibrate.yaml"
    cfg.write_text(textwrap.dedent(f"""\
        scenario: short.yaml
        parameters: [build_rate, alignment_rate]
        fit_window: {{start: 1990, end: 2007}}
        replications: {REPS}
        seed: {SEED}
        trials: {trials}
        targets:
          japan_nato: {{band: jn.csv}}
          china_russia_alignment: {{band: cr.csv}}
        """) + extra)
    return cfg


# ----------------------------------------------------------------------------- (a) recovery
def test_recovers_known_parameters(tmp_path):
    config = load_config(write_problem(tmp_path))
    out = tmp_path / "out"
    result = calibrate(config, out)
    write_fit_figure(config, result)  # what alliance calibrate draws after the study
    for name, true in TRUTH.items():
        assert abs(result.best_values[name] - true) <= TOLERANCE[name], (name, result.best_values)
    assert result.best["score"] < 0.05 * result.default["score"]
    assert result.completed == 50
    # outputs: a scenario file usable as it is, the trials table, the figure
    best = load_scenario(out / "best_parameters.yaml")
    assert best.end == 2008.0 and best.events  # the calibrated scenario's own horizon and events
    for name in TRUTH:
        assert best.parameters[name] == pytest.approx(result.best_values[name], rel=1e-5)
    text = (out / "best_parameters.yaml").read_text()
    assert text.startswith("#") and "extends:" in text
    trials = pd.read_parquet(out / "trials.parquet")
    assert (trials["state"] == "COMPLETE").sum() == 50
    assert {"params_build_rate", "user_attrs_mse_japan_nato"} <= set(trials.columns)
    assert (out / "fit.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # the first trial is the scenario's own values (calibration starts from the defaults)
    first = trials.sort_values("number").iloc[0]
    assert first["params_build_rate"] == pytest.approx(REGISTRY["build_rate"].default)


def test_common_random_numbers_make_the_truth_score_zero(tmp_path):
    config = load_config(write_problem(tmp_path))
    from experiments.analysis.objective import Objective
    assert Objective(config)(TRUTH)["score"] == 0.0


# ----------------------------------------------------------------------------- (b) resume after SIGKILL
def _complete_trials(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as con:
            return con.execute("select count(*) from trials where state = 'COMPLETE'").fetchone()[0]
    except sqlite3.Error:  # not created yet, or locked for a moment
        return 0


def test_interrupted_calibration_resumes_without_losing_trials(tmp_path):
    wanted = 30
    cfg = write_problem(tmp_path, trials=wanted)
    out = tmp_path / "out"
    db = out / "study.db"
    code = ("import sys, experiments.cli.calibrate; from experiments.cli.main import main; "
            f"sys.exit(main(['calibrate', {str(cfg)!r}, '--out', {str(out)!r}]))")
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while _complete_trials(db) < 5:
            assert proc.poll() is None, "calibration ended before it could be interrupted"
            assert time.monotonic() < deadline, "no trials stored within 60 s"
            time.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert not (out / "best_parameters.yaml").exists()  # killed before the outputs

    storage = f"sqlite:///{db}"
    before = {t.number: (t.value, t.params) for t in optuna.load_study(study_name="calibration", storage=storage)
              .get_trials(states=(optuna.trial.TrialState.COMPLETE,))}
    assert 5 <= len(before) < wanted

    result = calibrate(load_config(cfg), out)
    study = optuna.load_study(study_name="calibration", storage=storage)
    after = {t.number: (t.value, t.params) for t in study.get_trials(states=(optuna.trial.TrialState.COMPLETE,))}
    for number, (value, params) in before.items():
        assert after[number] == (value, params)  # nothing completed was lost or changed
    assert len(after) == wanted == result.completed
    assert result.ran == wanted - len(before)  # only the missing trials ran
    assert not study.get_trials(states=(optuna.trial.TrialState.RUNNING,))  # the killed trial is marked FAIL
    assert (out / "best_parameters.yaml").exists()

    # asking again for the same total runs nothing; asking for more runs only the extra ones
    assert calibrate(load_config(cfg), out, write_outputs=False).ran == 0
    assert calibrate(load_config(cfg, trials=wanted + 3), out, write_outputs=False).ran == 3


def test_resume_refuses_a_different_configuration(tmp_path):
    cfg = write_problem(tmp_path, trials=2)
    calibrate(load_config(cfg), tmp_path / "out", write_outputs=False)
    with pytest.raises(InputError, match="different configuration"):
        calibrate(load_config(cfg, replications=REPS + 1), tmp_path / "out")


def test_parallel_workers(tmp_path):
    cfg = write_problem(tmp_path, trials=6)
    result = calibrate(load_config(cfg, workers=2), tmp_path / "out", write_outputs=False)
    assert result.completed == 6 and result.ran == 6


# ----------------------------------------------------------------------------- objective
def test_inversions_count_pairs_crossed_in_the_wrong_order():
    inf = float("inf")
    assert count_inversions([(1.0, 0), (2.0, 4), (3.0, 8)]) == (0, 3)
    assert count_inversions([(1.0, 5), (2.0, 4), (3.0, 8)]) == (1, 3)
    assert count_inversions([(1.0, inf), (2.0, 4), (3.0, inf)]) == (1, 3)  # never reached counts as last
    assert count_inversions([(1.0, 5), (1.0, 4)]) == (0, 0)  # same date: no order to keep


def test_score_is_zero_inside_the_band_and_squared_distance_outside(tmp_path):
    cfg = load_config(write_problem(tmp_path))
    t = cfg.targets[0]
    med = {x.index: np.clip(np.full(80, 0.5), 0, 1) for x in cfg.targets}
    med[t.index] = (t.lower + t.upper)[:80] / 2  # inside everywhere
    med[cfg.targets[1].index] = cfg.targets[1].upper[:80] + 0.1  # 0.1 above everywhere
    terms = score(med, cfg.scenario.start, cfg.targets, cfg.window_dates, cfg.order_weight)
    assert terms[f"mse_{t.index}"] == 0.0
    assert terms[f"mse_{cfg.targets[1].index}"] == pytest.approx(0.01)


def test_milestones_in_the_wrong_order_are_penalised(tmp_path):
    cfg_path = write_problem(tmp_path)
    pd.DataFrame({"date": [1992.0, 1995.0], "code_level": [0.5, 0.1]}).to_csv(tmp_path / "ms.csv", index=False)
    text = cfg_path.read_text().replace("{band: jn.csv}", "{band: jn.csv, milestones: ms.csv}")
    cfg_path.write_text(text + "weights: {order: 0.5}\n")
    cfg: CalibrationConfig = load_config(cfg_path)
    rising = np.linspace(0, 1, 80)  # reaches 0.1 (dated later) before 0.5 (dated earlier): one inversion
    meds = {x.index: rising for x in cfg.targets}
    terms = score(meds, cfg.scenario.start, cfg.targets, cfg.window_dates, cfg.order_weight)
    assert terms["inversions"] == 1 and terms["order_pairs"] == 1
    assert terms["score"] == pytest.approx(0.5 + sum(terms[f"mse_{x.index}"] for x in cfg.targets))


def test_shipped_configs_load():
    base = load_config(ROOT / "experiments" / "calibrate_baseline.yaml")
    oos = load_config(ROOT / "experiments" / "calibrate_oos.yaml")
    assert base.scenario.name == "historical_baseline"
    post = load_config(ROOT / "experiments" / "posterior_history.yaml")
    assert post.method == "abc" and post.window == (1990, 2014)
    for config, shipped in ((post, "posterior_1990_2014"), (load_config(ROOT / "experiments" / "posterior_record.yaml"),
                                                            "posterior_1990_2025")):
        meta = json.loads((ROOT / "data" / shipped / "posterior.json").read_text())  # the shipped copy is this config's
        assert {k: meta["settings"][k] for k in config.abc} == config.abc and meta["seed"] == config.seed
    assert base.window == (1990, 2025) and oos.window == (1990, 2014)
    assert [t.index for t in base.targets] == ["japan_nato", "china_russia_alignment"]
    assert all(len(t.milestones) for t in base.targets)


# ----------------------------------------------------------------------------- (c) config errors
BAD = [
    ("parameters: [build_rat]\n", 1, "parameters.build_rat", "did you mean 'build_rate'"),
    ("parameters:\n  build_rate: {low: 0.001, high: 0.3}\n", 2, "parameters.build_rate.low", "outside the registry"),
    ("parameters:\n  build_rate: [0.02, 0.9]\n", 2, "parameters.build_rate", "outside the registry"),
    ("parameters:\n  build_rate: {low: 0.3, high: 0.2}\n", 2, "parameters.build_rate", "must be below"),
    ("parameters: [build_rate]\nreplication: 4\n", 2, "replication", "did you mean 'replications'"),
    ("parameters: [build_rate]\nscenario: article9_reinterpretaton\n", 2, "scenario", "did you mean"),
    ("parameters: [build_rate]\nfit_window: {start: 1980, end: 2000}\n", 2, "fit_window", "horizon"),
    ("parameters: [build_rate]\ntargets:\n  japan_natto: {band: data/japan_nato_target.csv}\n", 3,
     "targets.japan_natto", "did you mean 'japan_nato'"),
    ("parameters: [build_rate]\nweights: {orderr: 1}\n", 2, "weights.orderr", "did you mean 'order'"),
    ("parameters: [build_rate]\ntrials: 0\n", 2, "trials", "outside the allowed range"),
    ("scenario: article9_reinterpretation\n", 1, "parameters", "required"),
    ("parameters: [build_rate]\nsteps:\n  held_out:\n    - Japan:colective_2014\n", 4, "steps.held_out",
     "did you mean 'Japan:collective_2014'"),
]


def test_a_held_out_step_is_not_fitted_but_checked():
    """The held-out fit predicts the 2014 step: its distance leaves the step out, the check reports it."""
    post = load_config(ROOT / "experiments" / "posterior_history.yaml")
    assert post.held_out_steps == ["Japan:collective_2014"]
    assert "Japan:collective_2014" not in [st.name for st in post.steps]
    assert {"Japan:pko_1992", "NATO:global_partners"} <= {st.name for st in post.steps}


@pytest.mark.parametrize("text,line,field,message", BAD)
def test_bad_config_is_an_input_error(tmp_path, text, line, field, message):
    cfg = tmp_path / "bad.yaml"
    cfg.write_text(text)
    with pytest.raises(InputError) as info:
        load_config(cfg)
    err = info.value
    assert (err.file, err.line, err.field) == (str(cfg), line, field)
    assert message in err.message


@pytest.mark.parametrize("text,line,field,message", BAD[:3])
def test_cli_exits_2_and_writes_nothing(tmp_path, capsys, text, line, field, message):
    cfg = tmp_path / "bad.yaml"
    cfg.write_text(text)
    out = tmp_path / "out"
    assert main(["calibrate", str(cfg), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {cfg}:{line}: field '{field}'") and message in err
    assert err.count("\n") == 1  # one line, no traceback
    assert not out.exists()


def test_cli_rejects_bad_flags(tmp_path, capsys):
    cfg = write_problem(tmp_path)
    assert main(["calibrate", str(cfg), "--trials", "0", "--out", str(tmp_path / "out")]) == 2
    assert "--trials" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


# ----------------------------------------------------------------------------- (d) the defaults are the fit
def test_defaults_are_the_shipped_posteriors_summary():
    """Issue 22 item 3: a run at the defaults is a typical posterior run. The shipped posterior carries every
    registry parameter, was fitted with today's rules (no staleness warning), and each default is its weighted
    median to three significant figures."""
    import warnings

    from experiments.pipeline.defaults_file import summary
    from experiments.pipeline.posterior_file import SHIPPED, read_posterior

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        post = read_posterior(SHIPPED)
    assert set(post.names) == set(REGISTRY)
    want = summary(post)
    assert {n: p.default for n, p in REGISTRY.items()} == want


def test_defaults_file_round_trips(tmp_path):
    from experiments.pipeline.defaults_file import render

    values = {n: float(i) / 7 for i, n in enumerate(REGISTRY)}
    scope: dict = {}
    exec(render(values, "a test posterior"), scope)  # noqa: S102 - the file we write is a Python module
    assert scope["DEFAULTS"] == values and list(scope["DEFAULTS"]) == list(REGISTRY)
    assert "a test posterior" in scope["__doc__"]
