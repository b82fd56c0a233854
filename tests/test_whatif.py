"""``alliance whatif SCENARIO`` (issue 22 item 5): the paired effect of a scenario against the one it extends,
under the posterior, with its interval, sign shares, what it rests on, and the difference figure."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from experiments.analysis.whatif import answer
from experiments.cli.main import main
from experiments.pipeline.posterior_file import read_posterior
from model.engines import kernel
from model.spec import pairing
from model.spec.paths import DATA_DIR
from model.spec.scenario import load_scenario

DRAWS, SEED = 24, 5


def _cli(argv, capsys):
    rc = main([str(a) for a in argv])
    cap = capsys.readouterr()
    return rc, cap.out, cap.err


def test_whatif_prints_and_writes_the_paired_effect(tmp_path, capsys):
    out = tmp_path / "taiwan"
    rc, text, err = _cli(["whatif", "taiwan_crisis", "--draws", DRAWS, "--seed", SEED, "--out", out], capsys)
    assert rc == 0, err
    table = pd.read_csv(out / "whatif.csv")
    meta = json.loads((out / "whatif.json").read_text())
    assert (meta["scenario"], meta["reference"], meta["draws"], meta["seed"]) == ("taiwan_crisis",
                                                                                 "historical_baseline", DRAWS, SEED)
    assert (out / "figures" / "difference_taiwan_crisis.png").stat().st_size > 0
    assert "taiwan_crisis − historical_baseline" in text
    # Default dates: every fifth year from the year of the first event the scenario adds, and the horizon's end.
    assert sorted(table["date"].unique()) == [2027.0, 2032.0, 2037.0, 2040.0]
    assert set(table["index"]) == set(load_scenario("taiwan_crisis").world.indices)
    assert ((table["positive"] + table["negative"]) <= 1.0 + 1e-12).all()
    assert (table["q05"] <= table["median"]).all() and (table["median"] <= table["q95"]).all()
    assert (table["low"] <= table["mean"]).all() and (table["mean"] <= table["high"]).all()


def test_the_answer_is_the_paired_difference_of_the_two_scenarios_runs():
    """Cross-check against a hand computation: run r of both scenarios with posterior draw r and the same
    shocks (model/spec/pairing.py), subtract, take the median over draws."""
    post = read_posterior(DATA_DIR / "posterior_1990_2025")
    sc, parent = load_scenario("sco_counterbalancing"), load_scenario("historical_baseline")
    got = answer(sc, post, DRAWS, SEED, dates=[2035.0])
    sample = post.draw(DRAWS, SEED)
    q = int(round((2035.0 - sc.start) * 4))
    a, b = (kernel.run(pairing.runs(s, SEED, DRAWS, None, sample), [q]) for s in (sc, parent))
    want = a.indices["china_russia_alignment"][:, 0] - b.indices["china_russia_alignment"][:, 0]
    row = got.table[(got.table["index"] == "china_russia_alignment")].iloc[0]
    assert row["median"] == pytest.approx(float(np.median(want)), abs=1e-12)
    assert row["positive"] == pytest.approx(float(np.mean(want > 0)))
    assert row["rests_on"] != "—"  # the effect varies over draws, so some parameter explains its spread


def test_before_the_scenario_changes_anything_the_effect_is_zero_and_rests_on_nothing():
    post = read_posterior(DATA_DIR / "posterior_1990_2025")
    got = answer(load_scenario("taiwan_crisis"), post, DRAWS, SEED, dates=[2020.0, 2035.0])
    before = got.table[got.table["date"] == 2020.0]
    assert (before[["median", "q05", "q95", "positive", "negative"]] == 0).all().all()
    assert (before["rests_on"] == "—").all() and not before["conditional"].any()


@pytest.mark.parametrize("name, field, says", [
    ("ukraine_2022", "events", "adds no event to 'historical_baseline' and removes none"),
    ("historical_baseline", "extends", "extends no scenario"),
    ("indo_pacific_partners", "world", "differ in world or horizon"),
])
def test_a_scenario_with_nothing_to_measure_is_one_line_naming_the_field(name, field, says, tmp_path, capsys):
    out = tmp_path / "w"
    rc, _, err = _cli(["whatif", name, "--draws", 4, "--out", out], capsys)
    assert rc == 2
    line = err.strip().splitlines()[-1]
    assert f"{name}.yaml" in line and f"'{field}'" in line and says in line and "Traceback" not in err
    assert not (out / "whatif.csv").exists()


def test_fixed_parameters_give_replications_and_no_attribution(tmp_path, capsys):
    out = tmp_path / "f"
    rc, _, err = _cli(["whatif", "detente", "--fixed", "--draws", 8, "--dates", 2035, "--out", out], capsys)
    assert rc == 0, err
    table = pd.read_csv(out / "whatif.csv", keep_default_na=False)
    assert list(table["date"].unique()) == [2035.0] and (table["rests_on"] == "—").all()
    assert json.loads((out / "whatif.json").read_text())["posterior"] is None
