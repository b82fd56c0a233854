"""One way to pair runs: the same identity is the same run whichever command made it, and every consumer's
paired-difference statistics are model/spec/pairing.py's."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from experiments.cli.main import main
from experiments.store.reader import load
from model.spec import pairing

VALUES = ["cooperation", "threat_ab", "alignment", "japan_nato"]
HORIZON = "horizon: {start: 1990.0, end: 1995.0}\n"


def _scenario(tmp_path):
    p = tmp_path / "short.yaml"
    p.write_text("name: short\nworld: default\n" + HORIZON
                 + "events:\n  - {date: 1992.0, quantity: China.ambition, set: 0.6}\n")
    return p


def _by_identity(root) -> pd.DataFrame:
    """The values of a store, one row per identity, date, dyad and domain (sample 0 where the store has none)."""
    df = load(root)
    if "sample" not in df:
        df["sample"] = 0
    df = df[["sample", "replication", "date", "actor_a", "actor_b", "domain", *VALUES]]
    for c in ("actor_a", "actor_b", "domain"):
        df[c] = df[c].astype(str)
    return df.sort_values(["sample", "replication", "date", "actor_a", "actor_b", "domain"]).reset_index(drop=True)


def test_replication_r_of_run_is_replication_r_of_a_batch(tmp_path):
    sc = _scenario(tmp_path)
    assert main(["run", str(sc), "-r", "3", "--seed", "5", "--out", str(tmp_path / "run"), "--quiet"]) == 0
    exp = tmp_path / "exp.yaml"
    exp.write_text(f"name: e\nscenarios: [{sc}]\nreplications: 3\nseed: 5\n")
    assert main(["batch", str(exp), "--out", str(tmp_path / "batch"), "--executor", "serial"]) == 0
    a, b = _by_identity(tmp_path / "run"), _by_identity(tmp_path / "batch")
    pd.testing.assert_frame_equal(a, b, check_exact=True, check_dtype=False)


def test_a_posterior_run_is_the_posterior_batch_of_as_many_samples(tmp_path):
    sc = _scenario(tmp_path)
    post = "data/posterior_1990_2025"
    assert main(["run", str(sc), "-r", "3", "--seed", "8", "--posterior", post, "--out", str(tmp_path / "run"),
                 "--quiet"]) == 0
    exp = tmp_path / "exp.yaml"
    exp.write_text(f"name: e\nscenarios: [{sc}]\nparameters: {{posterior: {post}}}\n"
                   "samples: 3\nreplications: 1\nseed: 8\n")
    assert main(["batch", str(exp), "--out", str(tmp_path / "batch"), "--executor", "serial"]) == 0
    a, b = _by_identity(tmp_path / "run"), _by_identity(tmp_path / "batch")
    pd.testing.assert_frame_equal(a, b, check_exact=True, check_dtype=False)


# ---------------------------------------------------------------- the statistics, on numbers worked by hand
def test_effect_on_a_small_sample():
    d = np.array([0.1, -0.2, 0.3, 0.0, 0.4])
    e = pairing.effect(d, level=0.9)
    assert e["pairs"] == 5 and e["mean"] == pytest.approx(0.12) and e["median"] == pytest.approx(0.1)
    half = stats.t.ppf(0.95, 4) * np.std(d, ddof=1) / np.sqrt(5)
    assert (e["low"], e["high"]) == pytest.approx((0.12 - half, 0.12 + half))
    assert e["positive"] == pytest.approx(0.6) and e["negative"] == pytest.approx(0.2)  # the zero is neither
    assert e["q05"] == pytest.approx(np.quantile(d, 0.05)) and e["q95"] == pytest.approx(np.quantile(d, 0.95))


def test_effect_along_an_axis_leaves_missing_pairs_out():
    d = np.array([[1.0, 2.0, np.nan], [3.0, 3.0, 3.0]])
    e = pairing.effect(d, axis=1)
    assert list(e["pairs"]) == [2, 3] and list(e["mean"]) == [1.5, 3.0]
    assert e["low"][1] == e["high"][1] == 3.0  # no spread: an interval of width zero
    one = pairing.effect(np.array([0.5]))
    assert np.isnan(one["low"]) and one["mean"] == 0.5  # one pair: no interval


def test_differences_pair_rows_by_identity_not_by_position():
    rows = [("base", 0, 0, 1.0), ("base", 0, 1, 2.0), ("alt", 0, 1, 2.5), ("alt", 0, 0, 1.25)]
    df = pd.DataFrame(rows, columns=["scenario", "sample", "replication", "value"])
    df["date"] = 2000.0
    m = pairing.differences(df, ["scenario", "date"], "base").sort_values("replication")
    assert list(m["diff"]) == [0.25, 0.5]
    t = pairing.effect_table(m, ["scenario", "date"])
    assert t.loc[0, "pairs"] == 2 and t.loc[0, "mean"] == pytest.approx(0.375)


def test_identities_are_sample_then_replication():
    assert pairing.identity() == (0, 0) and pairing.identity(3, 2) == (3, 2)
