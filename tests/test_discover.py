"""Tests for scenario discovery (experiments.analysis.discovery, experiments.plots.discovery, ``alliance discover``).

The store is synthetic and its answer known: a Latin hypercube over four registry
parameters, and ``japan_nato`` at 2040 is high exactly when ``build_rate > 0.2`` and
``weight_hub < 0.5`` (``decay_rate`` and ``threat_noise`` are irrelevant). PRIM must
restrict those two parameters and no other, with limits within one peel of the truth.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from synthetic_store import write_store as write_synthetic

from experiments.analysis import discovery as D
from experiments.cli import discover as cli_discover
from experiments.cli.main import main
from experiments.pipeline.samplers import latin_hypercube
from experiments.plots.discovery import peeling_figure
from model.engines.tidy import VALUE_COLUMNS
from model.spec.domains import DOMAINS
from model.spec.errors import InputError

NAMES = ["build_rate", "weight_hub", "decay_rate", "threat_noise"]
BOUNDS = [(0.02, 0.3), (0.0, 1.0), (0.01, 0.1), (0.0, 0.1)]
N = 400
DATES = (2025.0, 2040.0)
OUTCOME = "japan_nato@2040 > 0.5"


def truth(x: pd.DataFrame) -> np.ndarray:
    return ((x["build_rate"] > 0.2) & (x["weight_hub"] < 0.5)).to_numpy()


def write_store(root: Path, run_table: pd.DataFrame, index: np.ndarray, meta: dict, chunks: int = 2) -> Path:
    """A batch store: per run and date one Japan–NATO row per domain, japan_nato = ``index[run]`` at 2040."""
    reps = len(DOMAINS) * len(DATES)
    data = run_table.loc[run_table.index.repeat(reps)].reset_index(drop=True)
    data["date"] = np.tile(np.repeat(DATES, len(DOMAINS)), len(run_table))
    data["quarter"] = ((data["date"] - 1990) * 4).astype(int)
    data["actor_a"], data["actor_b"] = "Japan", "NATO"
    data["domain"] = np.tile(DOMAINS, len(run_table) * len(DATES))
    for c in VALUE_COLUMNS:
        data[c] = 0.3
    data["japan_nato"] = np.where(data["date"] == 2040.0, np.repeat(index, reps), 0.3)
    data["china_russia_alignment"] = 0.4
    return write_synthetic(root, run_table, data, meta, chunks, name="synthetic_lhs")


@pytest.fixture(scope="module")
def lhs(tmp_path_factory) -> tuple[Path, pd.DataFrame]:
    """N runs of one scenario at N Latin-hypercube points; the outcome is true exactly inside the known box."""
    x = pd.DataFrame(latin_hypercube(BOUNDS, N, seed=0), columns=NAMES)
    rt = pd.concat([pd.DataFrame({"run": range(N), "scenario": "historical_baseline", "sample": range(N),
                                  "replication": 0}), x], axis=1)
    noise = np.random.default_rng(1).uniform(-0.1, 0.1, N)  # never crosses 0.5
    index = np.where(truth(x), 0.7, 0.3) + noise
    meta = {"parameters": NAMES, "bounds": [list(b) for b in BOUNDS], "design": "lhs",
            "outputs": {"summary": list(DATES)}}
    return write_store(tmp_path_factory.mktemp("lhs") / "store", rt, index, meta), x


@pytest.fixture(scope="module")
def found(lhs) -> D.Discovery:
    return D.discover(lhs[0], OUTCOME)


# ---------------------------------------------------------------- the known answer
def test_prim_restricts_exactly_the_two_parameters_that_matter(found, lhs):
    assert set(found.limits.index) == {"build_rate", "weight_hub"}
    assert found.runs == N and found.cases == int(truth(lhs[1]).sum())
    assert found.box["coverage"] >= 0.9 and found.box["density"] >= 0.9


def test_box_limits_are_the_true_ones_within_one_peel(found, lhs):
    """One peel removes peel_alpha of the box's runs: peel_alpha x the true region's width, plus one LHS stratum."""
    _, x = lhs
    lim = found.limits
    peel = found.settings.peel_alpha
    br_tol = peel * (0.3 - 0.2) + 0.28 / N
    wh_tol = peel * (0.5 - 0.0) + 1.0 / N
    assert lim.loc["build_rate", "low"] == pytest.approx(0.2, abs=br_tol)
    assert lim.loc["build_rate", "high"] == pytest.approx(x["build_rate"].max())   # open on top
    assert lim.loc["weight_hub", "high"] == pytest.approx(0.5, abs=wh_tol)
    assert lim.loc["weight_hub", "low"] == pytest.approx(x["weight_hub"].min())    # open below
    assert (lim.loc["build_rate", "sampled_low"], lim.loc["build_rate", "sampled_high"]) == (0.02, 0.3)
    assert lim.loc["build_rate", "qp_low"] < 1e-6 and lim.loc["weight_hub", "qp_high"] < 1e-6
    assert np.isnan(lim.loc["build_rate", "qp_high"]) and np.isnan(lim.loc["weight_hub", "qp_low"])  # open sides


def test_feature_scores_rank_the_two_parameters_first(found):
    assert set(found.scores.index[:2]) == {"build_rate", "weight_hub"}
    assert found.scores.sum() == pytest.approx(1.0)
    assert found.scores["decay_rate"] < 0.5 * found.scores.iloc[1]


def test_chosen_box_maximises_coverage_times_density(found):
    product = found.trajectory["coverage"] * found.trajectory["density"]
    assert found.chosen == int(product.to_numpy().argmax())
    other = D.discover(found.source, OUTCOME, D.Settings(box=0))
    assert other.chosen == 0 and other.limits.empty and other.box["coverage"] == 1.0


# ---------------------------------------------------------------- the outcome language and its errors
@pytest.mark.parametrize("text, expected", [
    ("japan_nato@2040 > 0.5", D.Outcome("japan_nato", 2040.0, ">", 0.5)),
    ("  china_russia_alignment @ 2025.25<=.3 ", D.Outcome("china_russia_alignment", 2025.25, "<=", 0.3)),
    ("japan_nato@2040>=-1e-1", D.Outcome("japan_nato", 2040.0, ">=", -0.1)),
])
def test_parse_outcome(text, expected):
    assert D.parse_outcome(text) == expected


@pytest.mark.parametrize("text", ["japan_nato > 0.5", "japan_nato@2040 = 0.5", "japan_nato@2040 > high",
                                  "@2040 > 0.5", "japan_nato@2040 > 0.5 and more"])
def test_malformed_outcomes_are_input_errors(text):
    with pytest.raises(InputError, match="INDEX@DATE OP VALUE"):
        D.parse_outcome(text)


def test_unknown_index_date_and_scenario_are_input_errors(lhs):
    root, _ = lhs
    with pytest.raises(InputError, match="unknown index 'japan_nat0'.*did you mean 'japan_nato'"):
        D.discover(root, "japan_nat0@2040 > 0.5")
    with pytest.raises(InputError, match="date 2030 is not in the store \\(it holds 2025, 2040\\)"):
        D.discover(root, "japan_nato@2030 > 0.5")
    with pytest.raises(InputError, match="did you mean 'historical_baseline'"):
        D.discover(root, OUTCOME, scenarios=["historical_baselin"])
    with pytest.raises(InputError, match="always true"):
        D.discover(root, "japan_nato@2040 > -1")
    with pytest.raises(InputError, match="peel_alpha"):
        D.Settings(peel_alpha=0.7)


def test_store_without_varied_parameters_is_an_input_error(tmp_path):
    rt = pd.DataFrame({"run": range(6), "scenario": "historical_baseline", "sample": 0, "replication": range(6)})
    root = write_store(tmp_path / "s", rt, np.linspace(0, 1, 6), {"design": "none", "parameters": []})
    with pytest.raises(InputError, match="no varied parameters"):
        D.discover(root, OUTCOME)


def test_several_scenarios_make_the_scenario_a_dimension(tmp_path):
    """Two scenarios over the same points: the outcome holds only in one, and PRIM says which."""
    x = pd.DataFrame(latin_hypercube(BOUNDS, 120, seed=2), columns=NAMES)
    rt = pd.concat([pd.concat([pd.DataFrame({"scenario": s, "sample": range(120), "replication": 0}), x], axis=1)
                    for s in ("historical_baseline", "shock")], ignore_index=True)
    rt.insert(0, "run", range(len(rt)))
    index = np.where(rt["scenario"] == "shock", 0.8, 0.2)
    root = write_store(tmp_path / "s", rt, index, {"design": "lhs", "parameters": NAMES})
    d = D.discover(root, OUTCOME)
    assert list(d.limits.index) == [D.SCENARIO]
    assert d.limits.loc[D.SCENARIO, "low"] == "shock"
    assert d.scores.index[0] == D.SCENARIO


# ---------------------------------------------------------------- the figure and the command
def test_peeling_figure_draws_the_trajectory_and_marks_the_chosen_box(found):
    fig = peeling_figure(found.trajectory, found.chosen, OUTCOME)
    ax = fig.axes[0]
    path = next(ln for ln in ax.get_lines() if ln.get_gid() == "path")
    np.testing.assert_allclose(path.get_xdata(), found.trajectory["coverage"])
    np.testing.assert_allclose(path.get_ydata(), found.trajectory["density"])
    ring = next(c for c in ax.collections if c.get_gid() == "chosen")
    np.testing.assert_allclose(ring.get_offsets()[0], found.box[["coverage", "density"]].to_numpy(dtype=float))
    points = sum(len(c.get_offsets()) for c in ax.collections if str(c.get_gid()).startswith("restricted_"))
    assert points == len(found.trajectory)


def test_discover_command_prints_the_box_and_writes_the_figure(lhs, tmp_path, capsys):
    root, _ = lhs
    png = tmp_path / "fig" / "peel.png"
    assert main(["discover", str(root), "--outcome", OUTCOME, "--quiet", "--figure", str(png)]) == 0
    out, err = capsys.readouterr()
    assert err == ""  # --quiet: no progress bar
    assert out.startswith(f"result folder {root}")
    rows = {ln.split()[0]: ln for ln in out.splitlines() if ln.startswith(("build_rate ", "weight_hub "))}
    assert rows["build_rate"].split()[2:4] == ["<=", "build_rate"]  # open on top: low <= build_rate
    assert rows["weight_hub"].split()[1:3] == ["weight_hub", "<="]  # open below: weight_hub <= high
    assert "unrestricted: " in out and "decay_rate" in out.split("unrestricted: ")[1].splitlines()[0]
    assert "coverage" in out and "density" in out and "feature scores" in out
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert [p.name for p in png.parent.iterdir()] == ["peel.png"]  # written atomically: no temporary left


def test_discover_command_errors_exit_2(lhs, capsys):
    root, _ = lhs
    assert main(["discover", str(root), "--outcome", "japan_nato@2041 > 0.5", "--quiet"]) == 2
    assert "not in the store" in capsys.readouterr().err
    assert not (root / "figures").exists()


def test_progress_stages_advance_the_bar():
    class Bar:
        n, desc = 0, ""

        def update(self, k):
            self.n += k

        def set_description_str(self, s):
            self.desc = s

    bar = Bar()
    step = cli_discover._Stages(bar)
    for name in cli_discover.STAGES:
        step(name)
    assert bar.n == len(cli_discover.STAGES) - 1 and bar.desc == f"discover: {cli_discover.STAGES[-1]}"
    step("done")
    assert bar.n == len(cli_discover.STAGES)
