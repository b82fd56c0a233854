"""Tests for scenario summaries (experiments.analysis.summary) and ``alliance results`` (experiments.cli.results).

Stores are synthetic, written by hand with the store writer: index values are built from
known pieces (a per-replication shock shared by every scenario, a scenario effect, a
run's own noise), and the expected medians, ranges and paired intervals are computed
from those arrays with numpy and scipy's paired t-test, never read back from the store.
No model numbers are asserted.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from synthetic_store import write_store

from experiments.analysis import summary as S
from experiments.cli.main import main
from experiments.store.atomic import write_json, write_table
from experiments.store.writer import open_store
from model.engines.tidy import VALUE_COLUMNS
from model.spec.domains import DOMAINS
from model.spec.errors import InputError

DATES = (2014.0, 2025.0, 2040.0)
DYADS = (("Japan", "NATO"), ("China", "Russia"))
SCENARIOS = ("historical_baseline", "shock")
REPS = 12


def tidy_rows(run_table: pd.DataFrame, values) -> pd.DataFrame:
    """A tidy table for ``run_table``: two dyads x every domain per run and date.

    ``values(run_row, date)`` returns (japan_nato, china_russia_alignment, cooperation per domain).
    """
    rows = []
    for run in run_table.itertuples(index=False):
        for d in DATES:
            jn, cra, coop = values(run, d)
            for a, b in DYADS:
                for k, dom in enumerate(DOMAINS):
                    rows.append({**run._asdict(), "date": d, "quarter": int((d - 1990) * 4), "actor_a": a,
                                 "actor_b": b, "domain": dom, **dict.fromkeys(VALUE_COLUMNS, 0.1),
                                 "cooperation": coop[k] if (a, b) == DYADS[0] else 0.2,
                                 "japan_nato": jn, "china_russia_alignment": cra})
    return pd.DataFrame(rows)




# ---------------------------------------------------------------- the paired store
rng = np.random.default_rng(3)
SHARED = rng.normal(0, 0.05, (REPS, len(DATES)))          # the common random numbers of a replication
OWN = rng.normal(0, 0.004, (len(SCENARIOS), REPS, len(DATES)))  # each run's own noise
EFFECT = np.array([[0, 0, 0], [0.0, 0.01, 0.08]])         # the shock's effect at each date
DOMAIN_EFFECT = np.linspace(0.0, 0.09, len(DOMAINS))       # the shock's effect on each domain


def japan_nato(s: int, r: int, t: int) -> float:
    return 0.4 + 0.05 * t + SHARED[r, t] + EFFECT[s, t] + OWN[s, r, t]


def _values(run, d):
    s, t = SCENARIOS.index(run.scenario), DATES.index(d)
    jn = japan_nato(s, run.replication, t)
    coop = 0.3 + SHARED[run.replication, t] + DOMAIN_EFFECT * (s == 1) * (t > 0)
    return jn, 0.5 - jn / 4, coop


@pytest.fixture(scope="module")
def paired(tmp_path_factory) -> Path:
    """Two scenarios x 12 replications, no design, summary dates 2014/2025/2040."""
    rt = pd.DataFrame([{"run": i * REPS + r, "scenario": s, "sample": 0, "replication": r}
                       for i, s in enumerate(SCENARIOS) for r in range(REPS)])
    meta = {"parameters": [], "bounds": [], "design": "none", "outputs": {"summary": list(DATES)},
            "indices": {s: ["japan_nato", "china_russia_alignment"] for s in SCENARIOS}}
    return write_store(tmp_path_factory.mktemp("paired") / "store", rt, tidy_rows(rt, _values), meta)


@pytest.fixture(scope="module")
def design(tmp_path_factory) -> Path:
    """Two scenarios x 3 build_rate samples x 4 replications: the shock's effect grows with build_rate."""
    cells = [(s, k, br, r) for s in SCENARIOS for k, br in enumerate((0.05, 0.1, 0.2)) for r in range(4)]
    rt = pd.DataFrame([{"run": i, "scenario": s, "sample": k, "replication": r, "build_rate": br}
                       for i, (s, k, br, r) in enumerate(cells)])

    def values(run, d):
        jn = 0.3 + SHARED[run.replication, DATES.index(d)] + (run.scenario == "shock") * run.build_rate
        return jn, 0.4, np.full(len(DOMAINS), jn)

    meta = {"parameters": ["build_rate"], "bounds": [[0.05, 0.2]], "design": "grid",
            "outputs": {"summary": list(DATES)}}
    return write_store(tmp_path_factory.mktemp("design") / "store", rt, tidy_rows(rt, values), meta)


def _row(df, **match) -> pd.Series:
    m = np.ones(len(df), bool)
    for k, v in match.items():
        m &= (df[k] == v).to_numpy()
    assert m.sum() == 1, match
    return df[m].iloc[0]


# ---------------------------------------------------------------- summarise
def test_levels_are_median_and_5_95_range_over_runs(paired):
    df = S.summarise(paired)
    assert df.attrs["dates"] == list(DATES)  # the experiment's summary dates by default
    for s, scen in enumerate(SCENARIOS):
        for t, d in enumerate(DATES):
            v = np.array([japan_nato(s, r, t) for r in range(REPS)])
            row = _row(df, scenario=scen, date=d, outcome="japan_nato")
            assert row["n"] == REPS
            assert row["median"] == pytest.approx(np.median(v))
            assert row["q05"] == pytest.approx(np.quantile(v, 0.05))
            assert row["q95"] == pytest.approx(np.quantile(v, 0.95))


def test_difference_is_the_paired_mean_with_a_t_interval(paired):
    df = S.summarise(paired)
    for t, d in enumerate(DATES):
        a = np.array([japan_nato(1, r, t) for r in range(REPS)])
        b = np.array([japan_nato(0, r, t) for r in range(REPS)])
        ci = stats.ttest_rel(a, b).confidence_interval(0.95)
        row = _row(df, scenario="shock", date=d, outcome="japan_nato")
        assert row["pairs"] == REPS
        assert row["diff_mean"] == pytest.approx(np.mean(a - b))
        assert (row["diff_low"], row["diff_high"]) == pytest.approx((ci.low, ci.high))
    base = _row(df, scenario="historical_baseline", date=2040.0, outcome="japan_nato")
    assert base["pairs"] == 0 and np.isnan(base["diff_mean"])


def test_pairing_removes_the_shared_shocks(paired):
    """The 2025 effect (0.01) is small against the shared shocks (sd 0.05): only pairing resolves it."""
    row = _row(S.summarise(paired, dates=[2025]), scenario="shock", outcome="japan_nato")
    assert 0 < row["diff_low"] < 0.01 < row["diff_high"]
    a = np.array([japan_nato(1, r, 1) for r in range(REPS)])
    b = np.array([japan_nato(0, r, 1) for r in range(REPS)])
    unpaired = stats.ttest_ind(a, b).confidence_interval(0.95)
    assert unpaired.low < 0 < unpaired.high  # what ignoring the pairing would have said


def test_reads_only_the_columns_and_dates_it_needs(paired, monkeypatch):
    calls = []
    real = S.load

    def spy(root, columns=None, filters=None):
        calls.append((columns, filters))
        return real(root, columns=columns, filters=filters)

    monkeypatch.setattr(S, "load", spy)
    S.summarise(paired, dates=[2040])
    S.summarise(paired, dates=[2040], by="domain")
    assert calls
    for cols, filters in calls:
        assert cols is not None and not {"threat_ab", "power_a", "ceiling_ab"} & set(cols)
        flat = [f for conj in filters for f in (conj if isinstance(conj, list) else [conj])]
        assert ("date", "in", [2040.0]) in flat


def test_dates_default_to_2025_and_2040_without_summary_dates(tmp_path):
    rt = pd.DataFrame({"run": range(4), "scenario": "historical_baseline", "sample": 0, "replication": range(4)})
    root = write_store(tmp_path / "s", rt, tidy_rows(rt, _values), {"design": "none", "outputs": "full"})
    df = S.summarise(root)
    assert sorted(df["date"].unique()) == [2025.0, 2040.0]


def test_by_domain_summarises_the_dyad_in_either_order(paired):
    df = S.summarise(paired, dates=[2040], by="domain")
    assert list(df.loc[df["scenario"] == "shock", "domain"]) == list(DOMAINS)  # the model's domain order
    for k, dom in enumerate(DOMAINS):
        row = _row(df, scenario="shock", domain=dom)
        assert row["diff_mean"] == pytest.approx(DOMAIN_EFFECT[k])
        assert row["outcome"] == "cooperation"
    flipped = S.summarise(paired, dates=[2040], by="domain", dyad=("NATO", "Japan"))
    pd.testing.assert_series_equal(df["median"], flipped["median"])


def test_design_is_summarised_per_sample_with_its_parameter_values(design):
    df = S.summarise(design, dates=[2040])
    jn = df[(df["outcome"] == "japan_nato") & (df["scenario"] == "shock")]
    assert list(jn["sample"]) == [0, 1, 2]
    assert list(jn["build_rate"]) == [0.05, 0.1, 0.2]
    assert jn["diff_mean"].to_numpy() == pytest.approx([0.05, 0.1, 0.2])  # paired within each sample
    assert (jn["n"] == 4).all()


def test_single_run_store_without_baseline(tmp_path):
    """``alliance run`` folders: one scenario, no sample column, CSV or Parquet; no baseline, no difference."""
    rt = pd.DataFrame({"run": range(3), "scenario": "article9_reinterpretation", "replication": range(3)})
    table = tidy_rows(rt.assign(sample=0), lambda run, d: (0.1 * run.replication + d / 1e4, 0.4,
                                                             np.zeros(len(DOMAINS)))).drop(columns="sample")
    for fmt in ("parquet", "csv"):
        root = tmp_path / fmt
        write_table(table, root / "trajectories", fmt)
        write_json({"scenario": "article9_reinterpretation", "replications": 3, "parameters": {"build_rate": 0.08},
                    "indices": ["japan_nato", "china_russia_alignment"]}, root / "metadata.json")
        df = S.summarise(root, dates=[2025])
        row = _row(df, outcome="japan_nato")
        assert row["median"] == pytest.approx(0.1 + 2025 / 1e4)
        assert row["pairs"] == 0 and np.isnan(row["diff_mean"])
        assert df.attrs["baseline"] is None


@pytest.mark.parametrize("filters", [
    [("date", "in", [2025.0, 2040.0]), ("domain", "==", DOMAINS[0])],
    [[("replication", "==", 1), ("date", ">=", 2039.0)], [("replication", "==", 2), ("date", "<", 1991.0)]],
])
def test_a_csv_store_is_filtered_as_a_parquet_store_is(tmp_path, filters):
    """``load``'s filters keep the same rows of a run folder written as CSV as of one written as Parquet."""
    from experiments.store.reader import load

    rt = pd.DataFrame({"run": range(3), "scenario": "s", "replication": range(3)})
    table = tidy_rows(rt.assign(sample=0), lambda run, d: (0.1 * run.replication + d / 1e4, 0.4,
                                                             np.zeros(len(DOMAINS)))).drop(columns="sample")
    got = {}
    for fmt in ("parquet", "csv"):
        write_table(table, tmp_path / fmt / "trajectories", fmt)
        got[fmt] = load(tmp_path / fmt, columns=["run", "date", "domain", "japan_nato"], filters=filters)
    assert len(got["csv"]) > 0 and list(got["csv"].columns) == ["run", "date", "domain", "japan_nato"]
    for df in got.values():
        df["domain"] = df["domain"].astype(str)
    pd.testing.assert_frame_equal(got["csv"], got["parquet"], check_dtype=False)


def test_bad_dates_baseline_and_dyad_are_input_errors(paired):
    with pytest.raises(InputError, match="2030 not in the store; it holds 2014, 2025, 2040"):
        S.summarise(paired, dates=[2030])
    with pytest.raises(InputError, match="did you mean 'historical_baseline'"):
        S.summarise(paired, baseline="historical_baselin")
    with pytest.raises(InputError, match="did you mean 'NATO'"):
        S.summarise(paired, by="domain", dyad=("Japan", "NAT0"))


# ---------------------------------------------------------------- alliance results
def test_results_prints_header_and_one_block_per_index_and_date(paired, capsys):
    assert main(["results", str(paired)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"result folder {paired}")
    assert "24 ok, 0 failed" in out and "shock: 12 runs" in out
    for d in ("2014", "2025", "2040"):
        assert f"japan_nato at {d}" in out and f"china_russia_alignment at {d}" in out
    assert "95 % t-interval" in out
    line = next(ln for ln in out.splitlines()[out.splitlines().index("japan_nato at 2040"):] if ln.startswith("shock"))
    row = _row(S.summarise(paired), scenario="shock", date=2040.0, outcome="japan_nato")
    assert f"{row['diff_mean']:+.4f}" in line and f"[{row['diff_low']:+.4f}, {row['diff_high']:+.4f}]" in line


def test_results_csv_and_json_keep_stdout_to_the_data(paired, capsys):
    assert main(["results", str(paired), "--format", "csv", "--by", "domain", "--dates", "2040"]) == 0
    out, err = capsys.readouterr()
    df = pd.read_csv(io.StringIO(out))
    assert len(df) == len(SCENARIOS) * len(DOMAINS) and "diff_low" in df.columns
    assert err.startswith("result folder")
    assert main(["results", str(paired), "--format", "json", "--baseline", "shock"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["baseline"] == "shock" and len(doc["rows"]) == len(SCENARIOS) * len(DATES) * 2
    hist = [r for r in doc["rows"] if r["scenario"] == "historical_baseline" and r["outcome"] == "japan_nato"]
    assert all(r["diff_mean"] < 0 or r["date"] == 2014.0 for r in hist)


def test_export_accepts_parquet_and_csv_only(paired, tmp_path, capsys):
    assert main(["results", str(paired), "--export", str(tmp_path / "all.txt")]) == 2
    assert "write .parquet or .csv" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())  # neither all.txt nor all.parquet
    assert main(["results", str(paired), "--export", str(tmp_path / "all.csv")]) == 0
    assert len(pd.read_csv(tmp_path / "all.csv")) == 2 * REPS * len(DATES) * len(DYADS) * len(DOMAINS)


def test_results_errors_exit_2(paired, capsys):
    assert main(["results", str(paired), "--dates", "2030"]) == 2
    assert "not in the store" in capsys.readouterr().err
    assert main(["results", str(paired), "--by", "domain", "--dyad", "Japn", "NATO"]) == 2
    assert "did you mean 'Japan'" in capsys.readouterr().err


def test_results_of_a_store_without_rows_prints_the_header(tmp_path, capsys):
    root = tmp_path / "empty"
    open_store(root, {"experiment": "e", "experiment_file": "e.yaml", "experiment_sha256": "1" * 64, "runs": 4,
                      "chunk_size": 2}, {"design": "none"}, resume=False)
    assert main(["results", str(root)]) == 0
    out = capsys.readouterr().out
    assert "0 of 4 runs complete" in out and "nothing to summarise" in out


def test_posterior_draws_are_pooled_and_designs_are_not():
    """A design's samples are rows of the summary; a posterior's draws are its spread (pooled, still paired)."""
    from experiments.analysis.summary import design_parameters

    assert design_parameters({"design": "lhs", "parameters": ["build_rate"]}) == ["build_rate"]
    assert design_parameters({"design": "posterior", "parameters": ["build_rate"]}) == []
    assert design_parameters({"design": "none", "parameters": ["build_rate"]}) == []
