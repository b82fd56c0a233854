"""Calibration as a posterior (ABC-SMC): reproducible on every executor, resumable, recovering a known truth,
and usable by experiments and ``alliance run``."""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from experiments.analysis import attribution
from experiments.analysis.calibration import load_config
from experiments.analysis.posterior import Settings, abc_smc
from experiments.cli.main import main
from experiments.pipeline.experiment import load_experiment
from experiments.pipeline.outcomes import index_paths
from experiments.pipeline.posterior_file import read_posterior, weighted_quantile
from model.spec.errors import InputError
from model.spec.scenario import load_scenario

SHORT = """\
name: short
description: a short test horizon on the default world
world: default
horizon: {start: 1990.0, end: 2000.0}
events:
  - {date: 1992.5, quantity: Japan.constitution, set: pko_1992}
  - {date: 1996.25, quantity: agreement.China.Russia.all, set: 0.2}
"""
# One parameter per coded series, so the problem is identified by construction: alignment_rate shapes China-Russia
# alignment, build_rate Japan-NATO cooperation, each at a value where its series still responds within the 1990s
# (Japan-NATO cooperation saturates for build_rate above about 0.15 there). With weight_alignment_threat in place
# of build_rate, both act on alignment and trade off along a ridge once the alignment goal saturates smoothly
# (docs/ODD.md 7.9). Both are fitted on a log prior, as in the shipped configs.
TRUTH = {"alignment_rate": 0.06, "build_rate": 0.03}


def write_problem(tmp: Path) -> Path:
    """A short scenario, bands simulated from TRUTH (half-width 0.01), and an ABC config over both parameters."""
    (tmp / "short.yaml").write_text(SHORT)
    sc = load_scenario(tmp / "short.yaml")
    dates, paths = index_paths(sc, [TRUTH], 4, 7)
    for index, name in (("japan_nato", "jn.csv"), ("china_russia_alignment", "cr.csv")):
        med = np.median(paths[index][0], axis=0)
        pd.DataFrame({"date": dates, "target": med, "lower": med - 0.01, "upper": med + 0.01}).to_csv(
            tmp / name, index=False)
    cfg = tmp / "abc.yaml"
    cfg.write_text(textwrap.dedent("""\
        method: abc
        scenario: short.yaml
        parameters: {alignment_rate: {log: true}, build_rate: {log: true}}
        fit_window: {start: 1990, end: 1999}
        replications: 4
        seed: 7
        abc: {population: 50, generations: 5, batch: 10}
        targets:
          japan_nato: {band: jn.csv}
          china_russia_alignment: {band: cr.csv}
        """))
    return cfg


@pytest.fixture(scope="module")
def problem(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("abc")
    cfg = load_config(write_problem(tmp))
    pops = abc_smc(cfg, Settings(**cfg.abc), tmp / "serial")
    return tmp, cfg, pops


def test_the_posterior_narrows_around_the_truth(problem):
    tmp, cfg, pops = problem
    post = read_posterior(tmp / "serial")
    assert len(pops) == 5 and all(b.epsilon < a.epsilon for a, b in zip(pops[1:], pops[2:]))
    for k, name in enumerate(post.names):
        lo, med, hi = (weighted_quantile(post.theta[:, k], post.weights, q) for q in (0.05, 0.5, 0.95))
        assert lo <= TRUTH[name] <= hi, (name, lo, hi)  # the truth is inside the 90 % interval
    narrowed = attribution.narrowing(post)  # 1 - the 90 % width over the prior's, on the prior's (log) scale
    assert (narrowed > 1 / 3).all(), narrowed  # the data narrowed each prior by a third at least
    assert np.isclose(post.weights.sum(), 1.0) and np.all(post.weights > 0)


def test_the_same_posterior_on_processes_and_after_a_resume(problem):
    tmp, cfg, pops = problem
    serial = pd.read_parquet(tmp / "serial" / "populations.parquet")
    cfg2 = load_config(tmp / "abc.yaml")
    abc_smc(cfg2, Settings(**{**cfg2.abc, "generations": 2}), tmp / "resumed")  # stop early ...
    abc_smc(cfg2, Settings(**cfg2.abc), tmp / "resumed", executor="processes", workers=2)  # ... go on elsewhere
    pd.testing.assert_frame_equal(serial, pd.read_parquet(tmp / "resumed" / "populations.parquet"), check_exact=True)


def test_a_changed_config_is_not_resumed(problem, tmp_path):
    tmp, cfg, _ = problem
    other = load_config(tmp / "abc.yaml")
    other.seed = 8
    with pytest.raises(InputError, match="different configuration"):
        abc_smc(other, Settings(**other.abc), tmp / "serial")


def test_draws_are_seeded_and_follow_the_weights(problem):
    tmp, _, _ = problem
    post = read_posterior(tmp / "serial" / "posterior.parquet")
    a, b = post.draw(500, seed=3), post.draw(500, seed=3)
    assert a == b and a != post.draw(500, seed=4)
    heavy = int(np.argmax(post.weights))
    share = np.mean([d["alignment_rate"] == post.theta[heavy, 0] for d in post.draw(4000, seed=5)])
    assert abs(share - post.weights[heavy]) < 0.03


def test_an_experiment_samples_its_parameters_from_a_posterior(problem, tmp_path):
    tmp, _, _ = problem
    exp_file = tmp_path / "e.yaml"
    exp_file.write_text(f"name: e\nscenarios: [{tmp / 'short.yaml'}]\nparameters: {{posterior: {tmp / 'serial'}}}\n"
                        "samples: 5\nreplications: 2\nseed: 11\n")
    exp = load_experiment(exp_file)
    post = read_posterior(tmp / "serial")
    assert exp.design == "posterior" and exp.names == list(post.names) and exp.n_runs == 10
    expected = [[d[n] for n in post.names] for d in post.draw(5, 11)]
    assert np.array_equal(exp.points, np.array(expected))
    spec = exp.spec(exp.n_runs - 1)
    assert spec.parameters["alignment_rate"] == expected[-1][0]


def test_run_draws_each_replication_from_a_posterior(problem, tmp_path):
    tmp, _, _ = problem
    out = tmp_path / "run"
    assert main(["run", str(tmp / "short.yaml"), "-r", "3", "--seed", "2", "--posterior", str(tmp / "serial"),
                 "--out", str(out), "--quiet"]) == 0
    df = pd.read_parquet(out / "trajectories.parquet", columns=["run", "alignment_rate"]).drop_duplicates()
    draws = read_posterior(tmp / "serial").draw(3, 2)
    assert df.sort_values("run")["alignment_rate"].tolist() == [d["alignment_rate"] for d in draws]


@pytest.mark.parametrize("content,says", [
    (None, "no such posterior file"),
    (pd.DataFrame({"build_rate": [0.1]}), "not a posterior"),
    (pd.DataFrame({"build_rate": [9.0], "weight": [1.0]}), "outside the registry range"),
    (pd.DataFrame({"build_rate": [0.1], "weight": [-1.0]}), "weights must be finite"),
])
def test_a_bad_posterior_file_is_one_clear_error(tmp_path, content, says):
    p = tmp_path / "posterior.parquet"
    if content is not None:
        content.to_parquet(p)
    with pytest.raises(InputError, match=says):
        read_posterior(p)


def test_posterior_check_splits_the_record_and_scores_each_era(problem, tmp_path):
    """The check's eras follow the fit window (the second is held out), and its shares are the ones it defines;
    ``alliance check`` writes them with the legal steps' predicted dates."""
    from experiments.analysis import posterior_check as pc
    from experiments.cli.main import main

    root = Path(__file__).resolve().parents[1]
    config = load_config(root / "experiments" / "posterior_history.yaml")
    assert pc.eras(config, None) == {"1990-2014": (1990.0, 2015.0), "2015-2025": (2015.0, 2026.0)}
    assert pc.in_band(np.array([0.1, 0.2, 0.30000000001, 0.5]), np.full(4, 0.2), np.full(4, 0.3)).tolist() == \
        [False, True, True, False]
    tmp, _, _ = problem
    argv = ["check", str(tmp / "serial"), "--split", "1996", "--draws", "20", "--replications", "4", "--out",
            str(tmp_path / "check")]
    assert main(argv) == 0
    table = pd.read_csv(tmp_path / "check" / "check.csv")
    assert table["era"].tolist() == ["1990-1995", "1996-2000"] * 2  # the bands run to 2000.0
    shares = table[["median_in_band", "defaults_in_band", "predictive_covers_target", "predictive_meets_band"]]
    assert ((shares >= 0) & (shares <= 1)).all().all()
    assert (table["predictive_meets_band"] >= table["predictive_covers_target"]).all()  # centre inside => overlap
    steps = pd.read_csv(tmp_path / "check" / "steps.csv")
    assert steps["step"].tolist() == ["Japan:pko_1992", "Japan:special_measures_2001", "Japan:collective_2014",
                                      "Japan:amendment", "NATO:global_partners"]
    assert ((steps["taken"] >= 0) & (steps["taken"] <= 1)).all()


def test_the_posterior_is_written_for_arviz_as_equally_weighted_draws(problem):
    """posterior.nc opens with ArviZ alone; its draws are a systematic resample of the weighted particles."""
    az = pytest.importorskip("arviz")
    from experiments.pipeline.inference_data import equal_draws

    tmp, _, _ = problem
    tree = az.from_netcdf(tmp / "serial" / "posterior.nc")
    post = read_posterior(tmp / "serial")
    summary = az.summary(tree, kind="stats")
    assert set(summary.index) == set(post.names)
    drawn = tree.posterior["alignment_rate"].values.ravel()
    assert len(drawn) == len(post.theta) and set(drawn) <= set(post.theta[:, 0])
    assert float(tree.attrs["effective_sample_size"]) == pytest.approx(post.effective_size())
    theta = np.arange(4.0)[:, None]
    picks = equal_draws(theta, np.array([0.0, 0.5, 0.25, 0.25]), 1000, seed=1)[:, 0]
    assert np.count_nonzero(picks == 0) == 0 and np.count_nonzero(picks == 1) == 500  # systematic: exact shares
    assert np.array_equal(picks, equal_draws(theta, np.array([0.0, 0.5, 0.25, 0.25]), 1000, seed=1)[:, 0])
