"""Sensitivity analysis (experiments.analysis.sensitivity): Ishigami through the same pipeline, Morris on the model;
its chart (experiments.plots.sensitivity)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from figure_colours import assert_palette
from matplotlib.colors import to_rgb
from matplotlib.container import BarContainer

import experiments.cli.sensitivity  # noqa: F401  (registers `alliance sensitivity`)
from experiments.analysis import sensitivity as sa
from experiments.cli.main import main
from experiments.plots import sensitivity as chart
from experiments.plots import style
from experiments.plots.save import write_figure
from model.spec.errors import InputError
from model.spec.scenario import load_scenario

# Analytic Sobol indices of Ishigami (a=7, b=0.1).
S1_TRUE = [0.3139, 0.4424, 0.0]
ST_TRUE = [0.5576, 0.4424, 0.2437]
# N=4096 base samples (4096 * 5 = 20,480 evaluations). With SALib's scrambled Sobol design the
# estimates fell within their 95% bootstrap intervals for every index at seeds 0-19 (checked while
# writing this test); seed 0 is fixed here.
N_ISHIGAMI = 4096


def test_ishigami_analytic_indices():
    s1, st = sa.ishigami_indices(7.0, 0.1)
    np.testing.assert_allclose(s1, S1_TRUE, atol=1e-4)
    np.testing.assert_allclose(st, ST_TRUE, atol=1e-4)


def test_sobol_recovers_ishigami_within_confidence_intervals(tmp_path):
    analysis = sa.run_design(sa.ISHIGAMI_PROBLEM, "sobol", N_ISHIGAMI, 0, sa.ishigami)
    table = analysis.table.set_index("parameter").loc[["x1", "x2", "x3"]]
    s1, st = sa.ishigami_indices()
    assert np.all(np.abs(table["S1"] - s1) <= table["S1_conf"]), table
    assert np.all(np.abs(table["ST"] - st) <= table["ST_conf"]), table
    assert np.all(table["S1_conf"] < 0.05) and np.all(table["ST_conf"] < 0.05)  # informative intervals
    assert list(analysis.table["parameter"]) == ["x1", "x2", "x3"]  # ranked by ST
    # the same writer as the model path: a table with intervals and the chart (drawn by experiments.plots)
    fig = chart.indices_figure(analysis.table, "Ishigami")
    files = sa.write_outputs(analysis, tmp_path, lambda tmp: write_figure(fig, tmp, dpi=chart.DPI))
    written = pd.read_csv(files["indices"])
    assert {"parameter", "S1", "S1_conf", "ST", "ST_conf", "rank"} <= set(written.columns)
    assert files["plot"].read_bytes()[:4] == b"\x89PNG"


def _table(method: str) -> pd.DataFrame:
    """A ranked index table as analyse() returns it, with known numbers."""
    names = ["a", "b", "c"]
    if method == "morris":
        df = pd.DataFrame({"parameter": names, "mu_star": [0.3, 0.2, 0.1], "mu_star_conf": [0.03, 0.02, 0.01],
                           "mu": [0.3, -0.2, 0.1], "sigma": [0.05, 0.15, 0.02]})
    else:
        df = pd.DataFrame({"parameter": names, "S1": [0.5, 0.3, 0.0], "S1_conf": [0.05, 0.04, 0.01],
                           "ST": [0.6, 0.35, 0.1], "ST_conf": [0.06, 0.05, 0.02]})
    df.insert(1, "method", method)
    df["conf_level"] = 0.95
    df.insert(0, "rank", [1, 2, 3])
    return df


@pytest.mark.parametrize("method", sa.METHODS)
def test_the_chart_draws_the_table_in_the_palette(method):
    """The bars are the table's indices (largest at the top), in the palette's colours; the analysis draws nothing."""
    table = _table(method)
    fig = chart.indices_figure(table, "title")
    ax = fig.axes[0]
    bars = [c for c in ax.containers if isinstance(c, BarContainer)]
    keys = ["mu_star"] if method == "morris" else ["S1", "ST"]
    assert len(bars) == len(keys)
    for key, colour, drawn in zip(keys, [style.MAIN, style.SECOND], bars):
        np.testing.assert_allclose([b.get_width() for b in drawn], table[key][::-1])
        assert all(np.allclose(b.get_facecolor()[:3], to_rgb(colour)) for b in drawn)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["c", "b", "a"]  # largest at the top
    if method == "morris":
        sigma = next(ln for ln in ax.lines if ln.get_marker() == "o")
        np.testing.assert_allclose(sigma.get_xdata(), table["sigma"][::-1])
        assert sigma.get_color() == style.CONTRAST
    assert ax.get_title() == "title" and "95% CI" in " ".join(t.get_text() for t in ax.get_legend().get_texts())
    assert_palette(fig, f"{method} chart")
    assert not hasattr(sa, "indices_figure") and "matplotlib" not in Path(sa.__file__).read_text()


def test_model_path_is_the_generic_pipeline(tmp_path, monkeypatch):
    """run_config hands the model evaluator to run_design: swapping in Ishigami gives Ishigami's indices."""
    cfg = tmp_path / "s.yaml"
    cfg.write_text(textwrap.dedent("""\
        parameters:
          weight_values: {low: 0.0, high: 3.0}
          weight_hub: {low: 0.0, high: 3.0}
          cost_scale: {low: 0.0, high: 3.0}
        method: sobol
        samples: 1024
        """))
    config = sa.load_config(cfg)

    def fake_model_evaluator(*args, **kwargs):
        return lambda X: sa.ishigami((np.asarray(X) / 3.0) * 2 * np.pi - np.pi)  # map [0, 3] onto [-pi, pi]

    monkeypatch.setattr(sa, "model_evaluator", fake_model_evaluator)
    table = sa.run_config(config).table.set_index("parameter")
    s1, st = sa.ishigami_indices()
    np.testing.assert_allclose(table.loc[["weight_values", "weight_hub", "cost_scale"], "ST"], st, atol=0.05)
    np.testing.assert_allclose(table.loc[["weight_values", "weight_hub", "cost_scale"], "S1"], s1, atol=0.07)


MORRIS = """\
scenario: article9_reinterpretation
parameters: [build_rate, weight_hub, weight_encirclement, threat_noise]
method: morris
samples: 4
outcome: japan_nato
date: 2000.0
replications: 2
seed: 3
chunk: 7
"""


def test_tiny_morris_on_the_model(tmp_path, capsys):
    cfg = tmp_path / "morris.yaml"
    cfg.write_text(MORRIS)
    out = tmp_path / "out"
    assert main(["sensitivity", str(cfg), "--out", str(out)]) == 0
    table = pd.read_csv(out / "indices.csv")
    assert len(table) == 4 and table["method"].eq("morris").all()
    assert {"mu_star", "mu_star_conf", "mu", "sigma"} <= set(table.columns)
    assert np.all(np.isfinite(table[["mu_star", "mu_star_conf", "sigma"]])) and (table["mu_star"] >= 0).all()
    # weight_encirclement acts on China-Russia alignment, not on Japan-NATO cooperation
    assert table.set_index("parameter").loc["build_rate", "mu_star"] > \
        table.set_index("parameter").loc["weight_encirclement", "mu_star"]
    assert (out / "indices.png").read_bytes()[:4] == b"\x89PNG"
    assert chart.indices_title(sa.load_config(cfg), 20) == ("Morris sensitivity of japan_nato at 2000\n"
                                                            "article9_reinterpretation: 20 points x 2 runs")
    samples = pd.read_parquet(out / "samples.parquet")
    assert len(samples) == 4 * 5 and "outcome" in samples.columns
    # deterministic: same config, same numbers
    assert main(["sensitivity", str(cfg), "--out", str(tmp_path / "again")]) == 0
    pd.testing.assert_frame_equal(table, pd.read_csv(tmp_path / "again" / "indices.csv"))


def test_chunking_does_not_change_outcomes():
    sc = load_scenario("article9_reinterpretation")
    names = ["build_rate", "weight_hub"]
    X = np.array([[0.05, 0.3], [0.2, 1.5], [0.4, 2.5]])
    a = sa.model_evaluator(sc, names, "japan_nato", 1995.0, replications=3, seed=1, chunk=2)(X)
    b = sa.model_evaluator(sc, names, "japan_nato", 1995.0, replications=3, seed=1, chunk=1000)(X)
    np.testing.assert_array_equal(a, b)
    assert a[0] < a[1]  # faster institution building, more cooperation by 1995


@pytest.mark.parametrize("text,line,field,message", [
    ("method: sobel\n", 1, "method", "did you mean 'sobol'"),
    ("parameters: [build_rat]\n", 1, "parameters.build_rat", "did you mean 'build_rate'"),
    ("parameters:\n  build_rate: {low: 0.0, high: 0.3}\n", 2, "parameters.build_rate.low", "registry"),
    ("outcome: japan_natto\n", 1, "outcome", "did you mean 'japan_nato'"),
    ("date: 2025.1\n", 1, "date", "quarterly grid"),
    ("sample: 4\n", 1, "sample", "did you mean 'samples'"),
])
def test_bad_sensitivity_config(tmp_path, capsys, text, line, field, message):
    cfg = tmp_path / "bad.yaml"
    cfg.write_text(text)
    with pytest.raises(InputError) as info:
        sa.load_config(cfg)
    assert (info.value.line, info.value.field) == (line, field) and message in info.value.message
    out = tmp_path / "out"
    assert main(["sensitivity", str(cfg), "--out", str(out)]) == 2
    assert capsys.readouterr().err.startswith(f"error: {cfg}:{line}")
    assert not out.exists()
