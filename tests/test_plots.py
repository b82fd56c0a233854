"""Tests for the paper figures (experiments.plots) and ``alliance plot`` (experiments.cli.plot).

Selection and statistics (experiments.plots.select, .stats) are checked on small synthetic
tidy tables whose quantiles and differences are known exactly. Figures are checked by the
numbers they draw, read back from the artists (band polygons, median lines, heatmap
images, marks, texts), against quantities computed independently with numpy; not pixels.
Simulated stores are small: a 1990–1996 horizon, few runs; no test asserts model numbers
beyond the direction of an effect.
"""

from __future__ import annotations

import ast
import itertools
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from figure_colours import assert_palette
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from experiments import plots as P
from experiments.analysis import history
from experiments.cli.main import main
from experiments.plots import figure_set, select, stats, style
from experiments.plots.milestones import key_lines, marker_rows
from experiments.plots.save import figure_bytes
from experiments.store.atomic import write_json, write_table
from experiments.store.reader import load
from model.engines.simulate import simulate
from model.spec.errors import InputError
from model.spec.scenario import load_scenario

BASE = """\
name: short_base
description: six-year test scenario on the default world
world: default
horizon: {start: 1990.0, end: 1996.0}
events:
  - date: 1990.5
    quantity: floor.Japan.NATO.political_dialogue
    set: 0.05
    label: First Japan-NATO Security Conference
  - date: 1992.0
    quantity: world.terrorism
    add: 0.4
    label: a transnational shock
"""
SHOCK = """\
name: short_shock
description: the short base plus an early reinterpretation of Article 9
extends: short_base.yaml
events:
  - date: 1991.0
    quantity: Japan.constitution
    set: collective_2014
    label: early reinterpretation (test)
"""
NOISY = {"threat_noise": 0.1}  # the most run-to-run variation the registry allows: visible bands


# ====================================================================== fixtures
@pytest.fixture(scope="module")
def scen_dir(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("scenarios")
    (d / "short_base.yaml").write_text(BASE)
    (d / "short_shock.yaml").write_text(SHOCK)
    return d


def _sim(scen_dir, name, reps, parameters=None, seed=0):
    table, meta = simulate(load_scenario(scen_dir / f"{name}.yaml"), seed=seed, replications=reps,
                           parameters=parameters)
    return table, meta


def _concat(parts):
    """Concatenate tables with distinct run ids, as a batch store would hold them."""
    out, offset = [], 0
    for t in parts:
        t = t.copy()
        t["run"] = t["run"] + offset
        offset = int(t["run"].max()) + 1
        out.append(t)
    df = pd.concat(out, ignore_index=True)
    df["scenario"] = df["scenario"].astype("category")
    return df


@pytest.fixture(scope="module")
def two(scen_dir) -> pd.DataFrame:
    """short_base and short_shock, 6 replications each (same replication ids: paired)."""
    a, _ = _sim(scen_dir, "short_base", 6, NOISY)
    b, _ = _sim(scen_dir, "short_shock", 6, NOISY)
    return _concat([a, b])


@pytest.fixture(scope="module")
def single(scen_dir) -> pd.DataFrame:
    """One replication per scenario."""
    a, _ = _sim(scen_dir, "short_base", 1)
    b, _ = _sim(scen_dir, "short_shock", 1)
    return _concat([a, b])


@pytest.fixture(scope="module")
def sweep(scen_dir):
    """A small grid sweep over build_rate (3 values x 3 replications) plus its runs table."""
    parts, rows, offset = [], [], 0
    for i, value in enumerate((0.04, 0.08, 0.12)):
        t, _ = _sim(scen_dir, "short_base", 3, {"build_rate": value, **NOISY})
        t["run"] += offset
        t["sample"] = i
        t["build_rate"] = value
        for r in range(3):
            rows.append({"run": offset + r, "scenario": "short_base", "sample": i, "replication": r,
                         "build_rate": value, "status": "ok", "error": ""})
        offset += 3
        parts.append(t)
    df = pd.concat(parts, ignore_index=True)
    return df, pd.DataFrame(rows)


def _store(df: pd.DataFrame, root: Path) -> Path:
    """Write a table as a result folder that experiments.store.reader.load reads."""
    write_table(df, root / "trajectories")
    reps = int(df.groupby("scenario", observed=True)["replication"].nunique().max())
    write_json({"scenario": "test", "replications": reps, "parameters": {}, "package_version": "test"},
               root / "metadata.json")
    return root


# ====================================================================== helpers: read the artists
def _index(df, scenario):
    """Independent: the japan_nato column per run and date (dates x runs)."""
    s = df[df["scenario"] == scenario]
    return s.drop_duplicates(["run", "date"]).pivot(index="date", columns="run", values="japan_nato").sort_index()


def _polys(fig, gid):
    return [c for ax in fig.axes for c in ax.collections if isinstance(c, PolyCollection) and c.get_gid() == gid]


def _line(fig, gid) -> Line2D:
    found = [ln for ax in fig.axes for ln in ax.lines if ln.get_gid() == gid]
    assert len(found) == 1, f"expected one line {gid}, found {len(found)}"
    return found[0]


def _edges(poly: PolyCollection) -> pd.DataFrame:
    """Lower and upper edge of a fill_between polygon per x (from the drawn vertices)."""
    v = np.concatenate([p.vertices for p in poly.get_paths()])
    e = pd.DataFrame({"x": v[:, 0], "y": v[:, 1]}).groupby("x")["y"].agg(["min", "max"])
    return e


def _check_band(fig, gid, x, lo, hi):
    polys = _polys(fig, gid)
    assert len(polys) == 1, f"expected one band {gid}"
    e = _edges(polys[0])
    np.testing.assert_allclose(e.index.to_numpy(), x)
    np.testing.assert_allclose(e["min"].to_numpy(), lo, atol=1e-12)
    np.testing.assert_allclose(e["max"].to_numpy(), hi, atol=1e-12)


def _texts(fig) -> str:
    """Every text on the figure: titles, notes, panel texts and legend entries and titles."""
    out = []
    for f in [fig, *fig.subfigs]:
        out += [t.get_text() for t in f.texts]
        if getattr(f, "_suptitle", None) is not None:
            out.append(f._suptitle.get_text())
        for leg in f.legends:
            out += [leg.get_title().get_text()] + [t.get_text() for t in leg.get_texts()]
    for ax in fig.axes:
        out += [t.get_text() for t in ax.texts] + [ax.get_title()]
        if ax.get_legend() is not None:
            out += [t.get_text() for t in ax.get_legend().get_texts()]
    return "\n".join(out)


def _gid_texts(fig, gid) -> list[str]:
    texts = [t for ax in fig.axes for t in ax.texts if t.get_gid() == gid]
    texts += [leg.get_title() for f in [fig, *fig.subfigs] for leg in f.legends if leg.get_title().get_gid() == gid]
    return [t.get_text() for t in texts]


def _marks(ax, gid) -> np.ndarray:
    """x positions of the vertical marks of one gid on one panel (segments split by NaN)."""
    lines = [ln for ln in ax.lines if ln.get_gid() == gid]
    if not lines:
        return np.array([])
    x = np.asarray(lines[0].get_xdata(), dtype=float)
    return np.unique(x[~np.isnan(x)])


def _render(fig):
    return figure_bytes(fig, "png", 60)


# ====================================================================== synthetic tidy tables
PAIRS = (("Japan", "NATO"), ("Japan", "China"), ("NATO", "China"))
DOMS = ("hadr", "exercises")


def _tidy(values: dict, dates, index: str = "japan_nato", spread: float = 0.02) -> pd.DataFrame:
    """A tidy table with known numbers: scenario -> (runs, dates) array.

    The array is the world index ``index`` and Japan–NATO cooperation in hadr; exercises is
    the array + ``spread`` (so the mean over domains is the array + spread/2). Other dyads
    cooperate at 0.1. threat_ab = 0.1 + 0.01 * replication, threat_ba = 0.3; power 1.0/0.5.
    Replication r of every scenario is run r of that scenario (paired).
    """
    rows, run = [], 0
    for scen, arr in values.items():
        arr = np.asarray(arr, dtype=float)
        for r, (k, d) in itertools.product(range(arr.shape[0]), enumerate(dates)):
            for (a, b), (j, dom) in itertools.product(PAIRS, enumerate(DOMS)):
                jn = (a, b) == ("Japan", "NATO")
                rows.append({"run": run + r, "scenario": scen, "replication": r, "date": float(d), "actor_a": a,
                             "actor_b": b, "domain": dom, "cooperation": arr[r, k] + j * spread if jn else 0.1,
                             "threat_ab": 0.1 + 0.01 * r, "threat_ba": 0.3, "power_a": 1.0, "power_b": 0.5,
                             index: arr[r, k]})
        run += arr.shape[0]
    df = pd.DataFrame(rows)
    for c in ("scenario", "actor_a", "actor_b", "domain"):
        df[c] = df[c].astype("category")
    return df


DATES = np.arange(1990.0, 1992.5, 0.25)  # 10 quarters
RUNS5 = np.arange(5.0)[:, None] * 0.01 + np.zeros(len(DATES))  # runs 0..4 hold 0, .01, .02, .03, .04


def test_run_series_reads_an_index_and_averages_a_dyad_over_domains():
    df = _tidy({"base": RUNS5 + 0.2}, DATES)
    idx = select.run_series(df, "japan_nato")
    assert len(idx) == 5 * len(DATES)  # one value per run and date, not per dyad and domain
    np.testing.assert_allclose(idx.pivot(index="date", columns="run", values="value").iloc[0], [.2, .21, .22, .23, .24])
    coop = select.run_series(df, "cooperation", ("NATO", "Japan"))  # either order
    np.testing.assert_allclose(coop["value"], idx["value"] + 0.01)  # mean of the array and the array + 0.02
    one = select.run_series(df, "cooperation", ("Japan", "NATO"), "exercises")
    np.testing.assert_allclose(one["value"], idx["value"] + 0.02)
    # (NATO, Japan) is stored as (Japan, NATO): threat_ab of the reversed dyad is the stored threat_ba
    np.testing.assert_allclose(select.run_series(df, "threat_ab", ("NATO", "Japan"))["value"], 0.3)
    by_domain = select.run_series_by_domain(df, "cooperation", ("Japan", "NATO"), ["hadr", "exercises"])
    pd.testing.assert_frame_equal(by_domain["exercises"], one)


def test_quantile_table_holds_the_run_quantiles():
    df = _tidy({"base": RUNS5, "other": RUNS5[:1] + 0.5}, DATES)
    qt = stats.quantile_table(select.run_series(df, "japan_nato"))
    t = qt["base"]
    # numpy linear interpolation over 0, .01, .02, .03, .04
    np.testing.assert_allclose(t[["q05", "q25", "q50", "q75", "q95"]].iloc[0], [0.002, 0.01, 0.02, 0.03, 0.038])
    assert (t["n"] == 5).all() and list(t["date"]) == list(DATES)
    np.testing.assert_allclose(qt["other"][["q05", "q50", "q95"]].to_numpy(), 0.5)  # one run: all quantiles equal
    assert (qt["other"]["n"] == 1).all()
    np.testing.assert_allclose(stats.band_widths(t), 0.036)


def test_paired_differences_are_exact_and_bootstrap_is_reproducible():
    shift = np.linspace(0.0, 0.09, len(DATES))  # scenario = base + shift + 0.001 * replication
    base = RUNS5 + 0.3
    df = _tidy({"base": base, "scen": base + shift + np.arange(5.0)[:, None] * 0.001}, DATES)
    series = select.run_series(df, "japan_nato")
    t, method = stats.difference_bands(series, "base", "scen")
    assert method == "paired"
    d = shift[:, None] + np.arange(5.0)[None, :] * 0.001  # dates x replications
    np.testing.assert_allclose(t["q50"], np.median(d, axis=1), atol=1e-12)
    np.testing.assert_allclose(t["q05"], np.quantile(d, 0.05, axis=1), atol=1e-12)
    np.testing.assert_allclose(t["q95"], np.quantile(d, 0.95, axis=1), atol=1e-12)
    # other replication ids: not paired; line = difference of medians, bootstrap band around it
    unpaired = series.copy()
    unpaired.loc[unpaired["scenario"] == "scen", "replication"] += 10
    b1, m1 = stats.difference_bands(unpaired, "base", "scen", n_boot=200, seed=4)
    b2, _ = stats.difference_bands(unpaired, "base", "scen", n_boot=200, seed=4)
    assert m1 == "bootstrap"
    pd.testing.assert_frame_equal(b1, b2)
    np.testing.assert_allclose(b1["q50"], np.median(base + shift + np.arange(5.0)[:, None] * 0.001, axis=0)
                               - np.median(base, axis=0), atol=1e-12)
    assert (b1["q05"] <= b1["q50"] + 1e-12).all() and (b1["q50"] <= b1["q95"] + 1e-12).all()
    single, m3 = stats.difference_bands(select.run_series(_tidy({"base": base[:1], "scen": base[:1] + 0.05}, DATES),
                                                          "japan_nato"), "base", "scen")
    assert m3 == "single"
    np.testing.assert_allclose(single[["q05", "q50", "q95"]].to_numpy(), 0.05)


def test_baseline_departures_find_coinciding_scenarios():
    late = RUNS5.copy()
    late[:, 6:] += 0.01  # leaves the baseline at the 7th date
    df = _tidy({"base": RUNS5, "same": RUNS5 + 0.0004, "late": late, "off": RUNS5 + 0.05}, DATES)
    dep = stats.baseline_departures(stats.quantile_table(select.run_series(df, "japan_nato")), "base",
                                    within=0.001).set_index("scenario")
    assert np.isnan(dep.loc["same", "departs"]) and dep.loc["same", "max_abs"] == pytest.approx(0.0004)
    assert dep.loc["late", "departs"] == DATES[6]
    assert dep.loc["off", "departs"] == DATES[0] and dep.loc["off", "max_abs"] == pytest.approx(0.05)


def test_symmetric_limit_and_resolution():
    t = pd.DataFrame({"date": [1.0, 2.0], "q05": [-0.001, 0.0], "q25": [0.0, 0.0], "q50": [0.0, 0.0005],
                      "q75": [0.0, 0.001], "q95": [0.0, 0.002]})
    assert stats.symmetric_limit([t], resolution=0.01) == 0.01  # never below the resolution
    assert stats.below_resolution(t, 0.01) and not stats.below_resolution(t, 0.001)
    big = t.assign(q95=[0.0, 0.37])
    assert stats.symmetric_limit([t, big], resolution=0.01) == 0.4  # a round number above 0.37 * 1.05
    assert [stats.nice_ceil(x) for x in (0.0031, 0.011, 0.26, 7.0)] == [0.004, 0.015, 0.3, 8.0]


def test_index_names_follow_the_metadata_and_labels_are_derived():
    cols = ["run", "scenario", "date", "actor_a", "cooperation", "japan_nato", "korea_nato", "build_rate"]
    assert select.index_names(cols) == ["japan_nato", "korea_nato"]  # parameters and schema columns are not
    assert select.index_names(cols, {"indices": {"a": ["korea_nato"], "b": ["korea_nato", "japan_nato"]}}) == \
        ["korea_nato", "japan_nato"]
    assert select.index_names(cols, {"indices": ["japan_nato", "gone"]}) == ["japan_nato"]
    assert style.index_label("korea_nato") == "Korea–NATO index"
    assert style.index_label("china_russia_alignment") == "China–Russia alignment"
    assert style.index_label("united_states_china_alignment", ["United States", "China"]) == \
        "United States–China alignment"
    assert style.outcome_label("korea_nato") == "Korea–NATO index (0–1)"


def test_scenario_events_from_batch_and_single_run_metadata():
    base = [{"date": 1991.0, "quantity": "world.terrorism", "op": "add", "value": 0.4, "label": "shock"}]
    own = {"date": 1990.5, "quantity": "Japan.constitution", "op": "set", "value": 1.0, "label": "own"}
    ev = select.scenario_events({"events": {"base": base, "scen": base + [own]}}, baseline="base")
    assert list(ev["scen"]["date"]) == [1990.5, 1991.0]  # in date order
    assert list(ev["scen"]["own"]) == [True, False] and not ev["base"]["own"].any()
    single = select.scenario_events({"scenario": "scen", "events": base + [own]}, baseline="base")
    assert list(single) == ["scen"] and not single["scen"]["own"].any()  # no baseline to compare with
    assert select.scenario_events({"scenario": "old"}) == {}  # older stores: no events, no error
    assert select.events_of({}, "scen").empty and select.events_of(None, "scen").empty


def test_threat_matrix_and_bloc_summary_numbers():
    df = _tidy({"base": RUNS5}, DATES)
    m, n = select.threat_matrix(df, 1990.0, "base")
    assert n == 5 and list(m.index) == ["Japan", "NATO", "China"]
    assert m.loc["Japan", "NATO"] == pytest.approx(0.12)  # median of 0.10 ... 0.14 (row perceives column)
    assert m.loc["NATO", "Japan"] == pytest.approx(0.3) and np.isnan(m.loc["China", "China"])
    table = pd.DataFrame({"scenario": "base", "run": [0, 1, 0, 1], "date": [1990.0, 1990.0, 1991.0, 1991.0],
                          "configuration": ["A|B", "A|B", "A|B", "A,B|"], "energy": [-1.0, -3.0, -2.0, -2.0],
                          "frustration_A": [0.1, 0.3, 0.2, 0.2]})
    b = stats.bloc_summary(table, "base")
    assert b["single"] is None and b["shares"].loc[1991.0, "A|B"] == 0.5 and b["shares"].loc[1990.0, "A|B"] == 1
    assert b["energy"].loc[1990.0, 0.5] == -2.0 and b["frustration"].loc[1990.0, "A"] == pytest.approx(0.2)
    assert stats.bloc_summary(table[table["configuration"] == "A|B"], "base")["single"] == "A|B"


def test_sweep_table_and_heatmap_cells():
    v = pd.DataFrame({"value": [1.0, 2.0, 3.0, 10.0, 20.0, 30.0], "p": [1, 1, 1, 2, 2, 2], "q": [0, 1, 0, 1, 0, 1]})
    t, binned = stats.sweep_table(v, "p", bins=10)
    assert not binned and list(t["x"]) == [1, 2] and list(t["q50"]) == [2.0, 20.0] and list(t["n"]) == [3, 3]
    cells = stats.heatmap_cells(v, "p", "q", bins=8)
    assert cells["values"].tolist() == [[2.0, 20.0], [2.0, 20.0]]  # rows q, columns p: medians per cell
    assert cells["counts"].tolist() == [[2, 1], [1, 2]]


# ====================================================================== figures that do not mislead
def test_difference_figures_share_one_limit_and_mark_small_effects():
    base = RUNS5 + 0.3
    big = base + np.linspace(0, 0.2, len(DATES))
    df = _tidy({"base": base, "big": big, "tiny": base + 0.001}, DATES)
    figs = dict(P.scenario_differences(df, "base"))
    assert list(figs) == ["big", "tiny"]
    limits = {s: f._plotted["limit"] for s, f in figs.items()}
    assert limits["big"] == limits["tiny"] == pytest.approx(0.25)  # round number above 0.2 * 1.05, for both
    for f in figs.values():
        assert {tuple(np.round(ax.get_ylim(), 12)) for ax in f.axes if ax.get_visible() and ax.lines} == \
            {(-limits["big"], limits["big"])}
    tiny = figs["tiny"]
    assert set(tiny._plotted["below_resolution"]) == set(tiny._plotted["panels"])  # every panel within ±0.01
    assert len(_gid_texts(tiny, "below_resolution")) == len(tiny._plotted["panels"])
    assert "below_resolution" not in {t.get_gid() for ax in figs["big"].axes[:1] for t in ax.texts}
    # alone, a tiny effect still gets at least ± the resolution, and says so
    alone = P.scenario_difference(df, "base", "tiny")
    assert alone._plotted["limit"] == 0.01 and alone.axes[0].get_ylim() == pytest.approx((-0.01, 0.01))
    assert "±0.01" in " ".join(_gid_texts(alone, "method_note"))


def test_overlay_names_scenarios_that_coincide_with_the_baseline():
    late = RUNS5.copy()
    late[:, 6:] += 0.05
    df = _tidy({"base": RUNS5, "same": RUNS5 + 0.0002, "late": late}, DATES)
    fig = P.fan_chart(df, overlay=True, baseline="base", milestones=False)
    labels = [t.get_text() for t in fig.subfigs[0].legends[0].get_texts()]
    assert "same: same as baseline (within 0.001)" in labels
    assert "late: same as baseline before 1991 Q3" in labels  # DATES[6] = 1991.5
    assert "base — baseline" in labels
    assert fig._plotted["same"]["same"] == "same as baseline (within 0.001)"
    z = {ln.get_gid(): ln.get_zorder() for ln in fig.axes[0].lines if str(ln.get_gid()).startswith("median|")}
    assert z["median|base"] > max(z["median|same"], z["median|late"])  # the baseline line is never hidden
    assert not _polys(fig, "band90|same")  # bands identical to the baseline's are not stacked on them
    # small multiples: each panel says it
    multi = P.fan_chart(df, baseline="base", milestones=False)
    assert sorted(_gid_texts(multi, "same_as_baseline")) == sorted([fig._plotted["same"]["same"],
                                                                    fig._plotted["same"]["late"]])


def test_bands_narrower_than_the_line_are_said_to_be():
    thin = _tidy({"base": RUNS5 * 0.01 + 0.3}, DATES)  # runs 0.0001 apart: bands far thinner than the line
    fig = P.fan_chart(thin, milestones=False)
    assert _gid_texts(fig, "thin_band") == ["50%/90% bands narrower than the line"]
    assert "90% of runs" not in _texts(fig)  # no legend entry for a band nobody can see
    wide = _tidy({"base": RUNS5 * 10 + 0.3}, DATES)  # runs 0.1 apart
    fig = P.fan_chart(wide, milestones=False)
    assert not _gid_texts(fig, "thin_band") and "90% of runs" in _texts(fig)


def test_each_panel_marks_its_own_scenarios_events():
    df = _tidy({"base": RUNS5, "scen": RUNS5 + 0.05}, DATES)
    shared = {"date": 1990.5, "quantity": "world.terrorism", "op": "add", "value": 0.4, "label": "shock"}
    own = {"date": 1991.25, "quantity": "Japan.constitution", "op": "set", "value": 1.0, "label": "own"}
    events = select.scenario_events({"events": {"base": [shared], "scen": [shared, own]}}, baseline="base")
    fig = P.fan_chart(df, baseline="base", events=events, milestones=False)
    panels = {ax.get_title().split(" (")[0]: ax for ax in fig.axes if ax.get_visible()}
    np.testing.assert_allclose(_marks(panels["base"], "events|base"), [1990.5])
    assert not len(_marks(panels["base"], "own_events|base"))
    np.testing.assert_allclose(_marks(panels["scen"], "events|scen"), [1990.5, 1991.25])
    np.testing.assert_allclose(_marks(panels["scen"], "own_events|scen"), [1991.25])
    assert {"scenario event", "event not in the baseline"} <= set(_texts(fig).split("\n"))
    diff = P.scenario_difference(df, "base", "scen", events=events)
    for ax in [a for a in diff.axes if a.get_visible() and a.lines]:
        np.testing.assert_allclose(_marks(ax, f"own_events|{ax.lines[-1].get_gid().split('|')[1]}"), [1991.25])
    lines = P.threat_lines(df, "Japan", scenario="scen", events=events)
    np.testing.assert_allclose(_marks(lines.axes[0], "own_events|scen"), [1991.25])
    none = P.fan_chart(df, baseline="base", milestones=False)  # a store without events: no marks, no error
    assert not any(str(ln.get_gid()).startswith(("events|", "own_events|")) for ax in none.axes for ln in ax.lines)


def test_events_from_the_store_metadata_reach_the_standard_set(tmp_path):
    df = _tidy({"historical_baseline": RUNS5, "scen": RUNS5 + 0.05}, DATES)
    runs = df.drop_duplicates("run")[["run", "scenario", "replication"]].assign(status="ok", error="")
    runs["scenario"] = runs["scenario"].astype(str)
    own = {"date": 1991.25, "quantity": "Japan.constitution", "op": "set", "value": 1.0, "label": "own"}
    meta = {"indices": {"historical_baseline": ["japan_nato"], "scen": ["japan_nato"]},
            "events": {"historical_baseline": [], "scen": [own]}}
    root = _batch_store(df, runs, tmp_path / "batch", meta, chunks=1)
    figs = dict(figure_set.build_figures(root, "fan"))
    assert list(figs) == ["fan_japan_nato", "fan_japan_nato_overlay"]
    scen = [ax for ax in figs["fan_japan_nato"].axes if ax.get_title().startswith("scen ")][0]
    np.testing.assert_allclose(_marks(scen, "own_events|scen"), [1991.25])
    diff = dict(figure_set.build_figures(root, "difference"))["difference_scen"]
    assert list(diff._plotted["panels"])[0] == "japan_nato"


def test_a_world_declares_its_own_indices():
    df = _tidy({"base": RUNS5 + 0.2}, DATES, index="korea_nato")
    fig = P.fan_chart(df, scenarios="base")
    assert fig._plotted["outcome"] == "korea_nato"
    assert fig.subfigs[0]._suptitle.get_text().startswith("Korea–NATO index — base")
    assert "milestones:" not in _texts(fig)  # no historical record for this index
    with pytest.raises(InputError) as e:
        P.milestone_chart(df)
    assert e.value.field == "indices"


def test_blocs_figure_with_an_unchanging_split():
    rows = [{"scenario": "base", "run": r, "date": d, "configuration": "Japan,NATO|China", "energy": -0.1 - 0.01 * r,
             "frustration_Japan": 0.01 * r, "frustration_NATO": 0.0, "frustration_China": -0.1}
            for r in range(3) for d in DATES]
    fig = P.blocs_chart(pd.DataFrame(rows), "base")
    assert fig._plotted["single"] == "Japan,NATO|China"
    assert _gid_texts(fig, "single_configuration") == ["every run (3) at every date: Japan, NATO | China"]
    top, energy, frustration = fig.axes[:3]
    assert len(top.collections) == 1  # a thin strip, not a stack of one solid block
    np.testing.assert_allclose(_line(fig, "median|energy").get_ydata(), -0.11)
    np.testing.assert_allclose(_line(fig, "frustration|Japan").get_ydata(), 0.01)
    changing = pd.DataFrame(rows).assign(configuration=lambda t: np.where(t["run"] == 0, "Japan|NATO,China",
                                                                          t["configuration"]))
    fig = P.blocs_chart(changing, "base")
    assert fig._plotted["single"] is None and len(fig.axes[0].collections) == 2  # one area per configuration
    np.testing.assert_allclose(fig._plotted["shares"].to_numpy().sum(axis=1), 1.0)
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert labels == ["Japan, NATO | China (67%)", "Japan | NATO, China (33%)"]  # 2 of 3 runs, 1 of 3


def test_milestone_chart_numbers_markers_and_keys_them():
    dates = np.arange(1990.0, 2027.0, 0.25)
    arr = np.linspace(0.0, 0.5, len(dates))[None, :] + np.arange(3.0)[:, None] * 0.01
    df = _tidy({"base": arr}, dates)
    df["china_russia_alignment"] = df["japan_nato"]
    fig = P.milestone_chart(df, "base")
    assert list(fig._plotted["series"]) == ["japan_nato", "china_russia_alignment"]
    keys = [t for ax in fig.axes for t in ax.texts if t.get_gid() == "milestone_key"]
    markers_by_axes = [[t for t in ax.texts if t.get_gid() == "milestone_marker"] for ax in fig.axes]
    markers_by_axes = [m for m in markers_by_axes if m]
    assert len(keys) == len(markers_by_axes) == 2
    for index, markers, key in zip(fig._plotted["series"], markers_by_axes, keys):
        m = history.read_milestones(history.record_files(index)[1])
        m = m[m["date"] <= dates[-1]]
        assert [t.get_text() for t in markers] == [str(i) for i in range(1, len(m) + 1)]
        assert [t.xy[0] for t in markers] == pytest.approx(list(m["date"]))
        entries = [ln for ln in key.get_text().split("\n") if not ln.startswith(" " * 4)]
        assert [int(ln.split()[0]) for ln in entries] == list(range(1, len(m) + 1))  # numbered as the markers
        flat = " ".join(key.get_text().split())
        assert all(" ".join(str(e).split()) in flat for e in m["event"])  # every event in full, never cut
    assert "…" not in _texts(fig)
    assert key_lines(pd.DataFrame({"date": [2001.5], "event": ["x " * 50]}), [7], width=30)[0].startswith(" 7  2001 Q3")


# ====================================================================== fan chart
@pytest.mark.parametrize("overlay", [False, True])
def test_fan_bands_are_the_run_quantiles(two, overlay):
    fig = P.fan_chart(two, overlay=overlay)
    assert fig._plotted["runs"] == {"short_base": 6, "short_shock": 6}
    for s in ("short_base", "short_shock"):
        w = _index(two, s)
        arr = w.to_numpy()
        q05, q25, q50, q75, q95 = (np.quantile(arr, q, axis=1) for q in (0.05, 0.25, 0.5, 0.75, 0.95))
        assert (q95 - q05).max() > 1e-4, "test store should have run-to-run variation"
        x = w.index.to_numpy()
        _check_band(fig, f"band90|{s}", x, q05, q95)
        _check_band(fig, f"band50|{s}", x, q25, q75)
        med = _line(fig, f"median|{s}")
        np.testing.assert_allclose(med.get_xdata(), x)
        np.testing.assert_allclose(med.get_ydata(), q50, atol=1e-12)
    text = _texts(fig)
    assert "n = 6 runs" in text or "n = 6, 6 runs" in text
    assert any(ax.get_ylabel() == "Japan–NATO cooperation index (0–1)" for ax in fig.axes)
    assert any(ax.get_xlabel() == "year" for ax in fig.axes)
    assert "Simulated with japan-nato-alliance-sim" in text
    assert "data/japan_nato_milestones.csv" in text


def test_fan_one_domain_and_other_dyad(two):
    fig = P.fan_chart(two, dyad=("NATO", "Japan"), domain="hadr", scenarios="short_shock")
    s = two[(two["scenario"] == "short_shock") & (two["actor_a"] == "Japan") & (two["actor_b"] == "NATO")
            & (two["domain"] == "hadr")]
    w = s.pivot(index="date", columns="run", values="cooperation").sort_index().to_numpy()
    np.testing.assert_allclose(_line(fig, "median|short_shock").get_ydata(), np.quantile(w, 0.5, axis=1))
    assert "humanitarian aid" in _texts(fig)
    # another dyad: China–Russia cooperation, mean over domains
    fig = P.fan_chart(two, dyad=("China", "Russia"), scenarios=["short_base"])
    s = two[(two["scenario"] == "short_base") & (two["actor_a"] == "China") & (two["actor_b"] == "Russia")]
    w = s.groupby(["date", "run"], observed=True)["cooperation"].mean().unstack().sort_index().to_numpy()
    np.testing.assert_allclose(_line(fig, "median|short_base").get_ydata(), np.median(w, axis=1), atol=1e-12)
    assert "Security Conference" not in _texts(fig)  # Japan–NATO milestones only on the Japan–NATO index


def test_one_replication_draws_no_band_and_says_so(single):
    for fig in (P.fan_chart(single), P.fan_chart(single, overlay=True),
                P.fan_chart(single, scenarios="short_base"), P.threat_lines(single, scenario="short_base")):
        assert not [c for ax in fig.axes for c in ax.collections if str(c.get_gid()).startswith("band")]
        assert "1 run: no uncertainty band" in _texts(fig)
    fig = P.scenario_difference(single, "short_base", "short_shock")
    assert fig._plotted["method"] == "single"
    assert not [c for ax in fig.axes for c in ax.collections if str(c.get_gid()).startswith("band")]
    assert "no uncertainty band" in _texts(fig)
    # the line is still drawn: the difference of the two single runs
    d = _index(single, "short_shock").iloc[:, 0].to_numpy() - _index(single, "short_base").iloc[:, 0].to_numpy()
    np.testing.assert_allclose(_line(fig, "median|japan_nato").get_ydata(), d, atol=1e-12)


# ====================================================================== scenario difference
def test_difference_pairs_runs_by_replication(two):
    fig = P.scenario_difference(two, baseline="short_base", scenario="short_shock")
    assert fig._plotted["method"] == "paired"
    # independent: pair replication r of the shock with replication r of the base
    def by_rep(s, domain=None):
        sub = two[(two["scenario"] == s) & (two["actor_a"] == "Japan") & (two["actor_b"] == "NATO")]
        if domain:
            sub = sub[sub["domain"] == domain]
        return sub.groupby(["date", "replication"], observed=True)["cooperation"].mean().unstack().sort_index()
    for key, domain in (("japan_nato", None), ("exercises", "exercises"), ("collective_defence", "collective_defence")):
        d = (by_rep("short_shock", domain) - by_rep("short_base", domain)).to_numpy()
        x = by_rep("short_base", domain).index.to_numpy()
        _check_band(fig, f"band90|{key}", x, np.quantile(d, 0.05, axis=1), np.quantile(d, 0.95, axis=1))
        _check_band(fig, f"band50|{key}", x, np.quantile(d, 0.25, axis=1), np.quantile(d, 0.75, axis=1))
        np.testing.assert_allclose(_line(fig, f"median|{key}").get_ydata(), np.median(d, axis=1), atol=1e-12)
    assert list(fig._plotted["panels"])[:2] == ["japan_nato", "china_russia_alignment"]  # the world's indices
    assert len([ax for ax in fig.axes if ax.get_visible() and ax.lines]) == 12  # 2 indices + 10 domains
    text = _texts(fig)
    assert "paired" in " ".join(_gid_texts(fig, "method_note")) and "n = 6 vs 6 runs" in text
    assert np.max(fig._plotted["panels"]["japan_nato"]["q50"]) > 0.01  # the reinterpretation raises cooperation


def test_difference_bootstraps_when_replications_differ(scen_dir, two):
    b, _ = _sim(scen_dir, "short_shock", 4, NOISY, seed=11)  # other seeds and fewer runs: not paired
    df = _concat([two[two["scenario"] == "short_base"], b])
    fig = P.scenario_difference(df, "short_base", "short_shock", domains=["hadr"], n_boot=300, seed=3)
    assert fig._plotted["method"] == "bootstrap"
    t = fig._plotted["panels"]["japan_nato"]
    mid = np.median(_index(df, "short_shock").to_numpy(), axis=1) - np.median(_index(df, "short_base").to_numpy(),
                                                                             axis=1)
    np.testing.assert_allclose(_line(fig, "median|japan_nato").get_ydata(), mid, atol=1e-12)
    assert (t["q05"] <= t["q25"] + 1e-12).all() and (t["q75"] <= t["q95"] + 1e-12).all()
    assert (t["q95"] - t["q05"]).max() > 0
    e = _edges(_polys(fig, "band90|japan_nato")[0])
    np.testing.assert_allclose(e["min"].to_numpy(), t["q05"].to_numpy())
    again = P.scenario_difference(df, "short_base", "short_shock", domains=["hadr"], n_boot=300, seed=3)
    pd.testing.assert_frame_equal(again._plotted["panels"]["japan_nato"], t)
    assert "bootstrap" in _texts(fig)


# ====================================================================== threat
def test_threat_heatmap_is_the_median_matrix(two):
    fig = P.threat_heatmap(two, dates=[1991.0, 1995.5], scenario="short_shock")
    actors = ["Japan", "NATO", "United States", "China", "Russia"]
    images = {ax.images[0].get_gid(): ax.images[0].get_array() for ax in fig.axes if ax.images}
    assert set(images) == {"threat|1991", "threat|1995.5"}
    for date in (1991.0, 1995.5):
        s = two[(two["scenario"] == "short_shock") & (two["date"] == date) & (two["domain"] == "hadr")]
        expect = np.full((5, 5), np.nan)
        for i, j in itertools.permutations(range(5), 2):
            a, b = actors[min(i, j)], actors[max(i, j)]
            rows = s[(s["actor_a"] == a) & (s["actor_b"] == b)]
            col = "threat_ab" if i < j else "threat_ba"  # row i perceives column j
            expect[i, j] = np.median(rows[col].to_numpy())
        got = images[f"threat|{date:g}"]
        np.testing.assert_allclose(np.ma.filled(got, np.nan), expect, atol=1e-12)
        assert np.ma.getmaskarray(got)[np.diag_indices(5)].all()
    assert "short_shock (n = 6 runs)" in _texts(fig)


def test_threat_lines_follow_the_observer(two):
    fig = P.threat_lines(two, observer="China", scenario="short_base")
    s = two[(two["scenario"] == "short_base") & (two["actor_a"] == "Japan") & (two["actor_b"] == "China")
            & (two["domain"] == "hadr")]
    w = s.pivot(index="date", columns="run", values="threat_ba").sort_index().to_numpy()  # China perceives Japan
    np.testing.assert_allclose(_line(fig, "median|Japan").get_ydata(), np.median(w, axis=1), atol=1e-12)
    _check_band(fig, "band50|Japan", s["date"].drop_duplicates().sort_values().to_numpy(),
                np.quantile(w, 0.25, axis=1), np.quantile(w, 0.75, axis=1))
    assert len([ln for ax in fig.axes for ln in ax.lines if str(ln.get_gid()).startswith("median|")]) == 4


# ====================================================================== network
def test_network_edges_and_fixed_layout(two):
    fig = P.cooperation_network(two, 1995.0, "short_base")
    s = two[(two["scenario"] == "short_base") & (two["date"] == 1995.0)]
    expect = s.groupby(["actor_a", "actor_b"], observed=True)["cooperation"].mean()
    edges = fig._plotted["edges"].set_index(["a", "b"])["cooperation"]
    assert len(edges) == 10
    for (a, b), v in expect.items():
        assert edges[(a, b)] == pytest.approx(v)
    widths = {ln.get_gid(): ln.get_linewidth() for ax in fig.axes for ln in ax.lines
              if str(ln.get_gid()).startswith("edge|")}
    order = sorted(expect.items(), key=lambda kv: kv[1])
    w_sorted = [widths[f"edge|{a}|{b}"] for (a, b), _ in order]
    assert w_sorted == sorted(w_sorted)  # wider = more cooperation
    jp = s[s["actor_a"] == "Japan"].drop_duplicates("run")["power_a"].mean()
    assert fig._plotted["power"]["Japan"] == pytest.approx(jp)
    again = P.cooperation_network(two, 1995.0, "short_base")
    for k, v in fig._plotted["pos"].items():
        np.testing.assert_allclose(again._plotted["pos"][k], v)


# ====================================================================== sweeps
def test_parameter_sweep_grid(sweep):
    df, runs = sweep
    fig = P.parameter_sweep(df, runs, "build_rate", "japan_nato", 1995.0)
    line = _line(fig, "median|build_rate|short_base")
    at = df[df["date"] == 1995.0].drop_duplicates("run")
    expect = at.groupby("build_rate")["japan_nato"].median()
    np.testing.assert_allclose(line.get_xdata(), expect.index.to_numpy())
    np.testing.assert_allclose(line.get_ydata(), expect.to_numpy(), atol=1e-12)
    lo = at.groupby("build_rate")["japan_nato"].quantile(0.05).to_numpy()
    hi = at.groupby("build_rate")["japan_nato"].quantile(0.95).to_numpy()
    _check_band(fig, "band90|build_rate|short_base", expect.index.to_numpy(), lo, hi)
    assert expect.iloc[-1] > expect.iloc[0]  # faster building, more cooperation
    assert any("build_rate (1/quarter)" == ax.get_xlabel() for ax in fig.axes)


def test_parameter_sweep_continuous_bins(scen_dir):
    parts, rows = [], []
    values = np.linspace(0.03, 0.15, 12)
    for i, v in enumerate(values):
        t, _ = _sim(scen_dir, "short_base", 1, {"build_rate": float(v)})
        t["run"] = i
        t["sample"] = i
        parts.append(t)
        rows.append({"run": i, "build_rate": float(v), "status": "ok"})
    df = pd.concat(parts, ignore_index=True)
    fig = P.parameter_sweep(df, pd.DataFrame(rows), "build_rate", date=1996.0, bins=3)
    t = fig._plotted["lines"][("build_rate", "short_base")]
    assert len(t) == 3 and t["n"].sum() == 12
    at = df[df["date"] == 1996.0].drop_duplicates("run").merge(pd.DataFrame(rows), on="run").sort_values("build_rate")
    first = at.iloc[:4]  # quantile bins of 12 distinct values: 4 runs each
    assert t["q50"].iloc[0] == pytest.approx(first["japan_nato"].median())
    assert t["x"].iloc[0] == pytest.approx(first["build_rate"].median())


def test_parameter_heatmap_cells(scen_dir):
    parts, rows, run = [], [], 0
    for br, ws in itertools.product((0.04, 0.12), (1.0, 3.0)):
        t, _ = _sim(scen_dir, "short_base", 2, {"build_rate": br, "weight_shared_threat": ws, **NOISY})
        t["run"] += run
        for r in range(2):
            rows.append({"run": run + r, "build_rate": br, "weight_shared_threat": ws})
        run += 2
        parts.append(t)
    df = pd.concat(parts, ignore_index=True)
    runs = pd.DataFrame(rows)
    fig = P.parameter_heatmap(df, runs, "build_rate", "weight_shared_threat", date=1996.0)
    mesh = [c for ax in fig.axes for c in ax.collections if c.get_gid() == "heatmap"][0]
    got = np.asarray(mesh.get_array()).reshape(2, 2)
    at = df[df["date"] == 1996.0].drop_duplicates("run").merge(runs, on="run")
    expect = at.groupby(["weight_shared_threat", "build_rate"])["japan_nato"].median().unstack().to_numpy()
    np.testing.assert_allclose(got, expect, atol=1e-12)
    assert fig._plotted["counts"].tolist() == [[2, 2], [2, 2]]


# ====================================================================== milestones
def test_milestone_markers_are_numbered_in_date_order_and_do_not_overlap():
    fig = Figure(figsize=(8, 5), layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    ax.set_xlim(1990, 2030)
    out = P.add_milestones(ax, "japan_nato")
    m = history.read_milestones(history.record_files("japan_nato")[1])
    assert len(out["milestones"]) == len(m)
    assert [t.get_text() for t in out["markers"]] == [str(i) for i in range(1, len(m) + 1)]
    assert [t.xy[0] for t in out["markers"]] == pytest.approx(list(m["date"]))  # number k sits at milestone k
    np.testing.assert_allclose(_marks(ax, "milestone_guides"), np.unique(m["date"]))
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_bbox_patch().get_window_extent(renderer) for t in out["markers"]]
    for a, b in itertools.combinations(boxes, 2):
        overlap_x = min(a.x1, b.x1) - max(a.x0, b.x0)
        overlap_y = min(a.y1, b.y1) - max(a.y0, b.y0)
        assert overlap_x < 0.5 or overlap_y < 0.5, "milestone markers overlap"
    assert all(b.y0 >= ax.get_window_extent(renderer).y1 for b in boxes)  # above the data area
    # small multiples: ticks only
    ax.cla()
    ax.set_xlim(1990, 2026)
    out2 = P.add_milestones(ax, "china_russia_alignment", numbered=False)
    cr = history.read_milestones(history.record_files("china_russia_alignment")[1])
    assert not out2["markers"]
    np.testing.assert_allclose(_marks(ax, "milestone_ticks"), np.unique(cr["date"][cr["date"] <= 2026]))
    with pytest.raises(InputError) as e:
        P.add_milestones(ax, "nato_mars")
    assert e.value.field == "which"


def test_marker_rows_stack_only_markers_that_would_touch():
    assert marker_rows([2000.0, 2000.2, 2000.4, 2000.6, 2003.0, 2003.0], gap=0.5) == [0, 1, 2, 0, 0, 1]
    assert marker_rows([1990.0, 2000.0], gap=0.5) == [0, 0]


def test_milestone_chart_draws_the_record(two):
    fig = P.milestone_chart(two, "short_base")
    targets = [ln for ax in fig.axes for ln in ax.lines if ln.get_gid() == "target"]
    assert len(targets) == 2
    assert "data/china_russia_milestones.csv" in _texts(fig)
    w = _index(two, "short_base").to_numpy()
    _check_band(fig, "band90|japan_nato", _index(two, "short_base").index.to_numpy(),
                np.quantile(w, 0.05, axis=1), np.quantile(w, 0.95, axis=1))


# ====================================================================== every kind, no warnings
def test_every_kind_renders_without_warnings(two, sweep):
    df, runs = sweep
    makers = [
        lambda: P.fan_chart(two),
        lambda: P.fan_chart(two, overlay=True, target=True),
        lambda: P.fan_chart(two, outcome="china_russia_alignment", scenarios="short_base"),
        lambda: P.scenario_difference(two, "short_base", "short_shock"),
        lambda: P.threat_heatmap(two),
        lambda: P.threat_lines(two, milestones="japan_nato"),
        lambda: P.cooperation_network(two, 1996.0),
        lambda: P.parameter_sweep(df, runs, "build_rate", date=1996.0),
        lambda: P.parameter_sweep(df, runs.assign(other=runs["replication"] * 1.0), ["build_rate", "other"],
                                  date=1996.0),
        lambda: P.parameter_heatmap(df, runs.assign(other=runs["replication"] * 1.0), "build_rate", "other",
                                    date=1996.0),
        lambda: P.milestone_chart(two),
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for make in makers:
            fig = make()
            assert _render(fig)[:8] == b"\x89PNG\r\n\x1a\n"
            assert_palette(fig, fig._plotted.get("kind", "figure") if hasattr(fig, "_plotted") else "figure")


# ====================================================================== errors
def test_missing_column_and_scenario_raise_input_error(two, sweep, tmp_path):
    with pytest.raises(InputError) as e:
        P.fan_chart(two.drop(columns=["cooperation"]), dyad=("Japan", "NATO"))
    assert e.value.field == "cooperation" and e.value.file == "<table>"
    with pytest.raises(InputError) as e:
        P.fan_chart(two, outcome="korea_nato")
    assert e.value.field == "korea_nato"
    with pytest.raises(InputError) as e:
        P.threat_heatmap(two.drop(columns=["threat_ba"]))
    assert e.value.field == "threat_ba"
    with pytest.raises(InputError) as e:
        P.fan_chart(two, scenarios=["short_shok"])
    assert e.value.field == "scenario" and "short_shok" in str(e.value) and "short_shock" in str(e.value)
    with pytest.raises(InputError) as e:
        P.scenario_difference(two, baseline="historical_baseline", scenario="short_shock")
    assert "historical_baseline" in str(e.value)
    with pytest.raises(InputError) as e:
        P.cooperation_network(two, 2030.0)
    assert e.value.field == "date"
    df, runs = sweep
    with pytest.raises(InputError) as e:
        P.parameter_sweep(df, runs, "decay_rate")
    assert e.value.field == "decay_rate"
    root = _store(two, tmp_path / "store")
    loaded = load(root)
    with pytest.raises(InputError) as e:
        P.fan_chart(loaded, scenarios="nope")
    assert e.value.file == str(root)


# ====================================================================== CLI
@pytest.fixture(scope="module")
def store(two, tmp_path_factory) -> Path:
    df = two.copy()
    df["scenario"] = df["scenario"].astype(str).replace({"short_base": "historical_baseline"}).astype("category")
    return _store(df, tmp_path_factory.mktemp("store") / "results")


@pytest.mark.parametrize("fmt,magic", [("png", b"\x89PNG"), ("svg", b"<?xml"), ("pdf", b"%PDF")])
def test_cli_writes_requested_format(store, tmp_path, fmt, magic, capsys):
    out = tmp_path / "figs"
    assert main(["plot", str(store), "--kind", "fan", "--out", str(out), "--format", fmt, "--dpi", "40"]) == 0
    files = sorted(p.name for p in out.iterdir())
    assert files == [f"fan_china_russia_alignment.{fmt}", f"fan_china_russia_alignment_overlay.{fmt}",
                     f"fan_japan_nato.{fmt}", f"fan_japan_nato_overlay.{fmt}"]  # one fan per world index
    assert all((out / f).read_bytes().startswith(magic) for f in files)
    assert "wrote" in capsys.readouterr().out


def test_cli_all_is_the_standard_set(store, tmp_path):
    assert main(["plot", str(store), "--dpi", "40"]) == 0  # default: --kind all into DIR/figures
    written = sorted(p.name for p in (store / "figures").iterdir())
    expect = sorted(["fan_japan_nato.png", "fan_japan_nato_overlay.png", "fan_china_russia_alignment.png",
                     "fan_china_russia_alignment_overlay.png", "difference_short_shock.png",
                     "threat_heatmap.png", "threat_lines_japan.png", "network_1996.png", "milestones.png",
                     "blocs_historical_baseline.png"])
    assert written == expect  # no temporary files left behind
    paths = figure_set.standard_figures(store, tmp_path / "std", "svg")
    assert sorted(p.name for p in paths) == sorted(n.replace(".png", ".svg") for n in expect)
    assert all(p.exists() for p in paths)


def test_cli_kinds_and_options(store, tmp_path):
    out = tmp_path / "k"
    fast = ["--out", str(out), "--dpi", "40"]
    assert main(["plot", str(store), "--kind", "network", "--date", "1993.5", *fast]) == 0
    assert main(["plot", str(store), "--kind", "threat", "--observer", "Russia", "--scenario", "short_shock",
                 *fast]) == 0
    assert main(["plot", str(store), "--kind", "difference", "--baseline", "short_shock",
                 "--scenario", "historical_baseline", *fast]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["difference_historical_baseline.png", "network_1993_5.png",
                                                     "threat_heatmap.png", "threat_lines_russia.png"]


def _batch_store(df: pd.DataFrame, runs: pd.DataFrame, root: Path, metadata: dict | None = None,
                 chunks: int = 2) -> Path:
    """A batch result folder (manifest + parts in ``chunks`` chunks) written by experiments.store.writer."""
    from experiments.store.writer import open_store, record_chunk, write_chunk
    ident = {"experiment": "test", "experiment_file": "test.yaml", "experiment_sha256": "0" * 64,
             "runs": len(runs), "chunk_size": -(-len(runs) // chunks)}
    man = open_store(root, ident, {"package_version": "test", **(metadata or {})}, resume=False)
    ids = sorted(runs["run"])
    step = ident["chunk_size"]
    for i in range(chunks):
        part = runs[runs["run"].isin(ids[i * step:(i + 1) * step])]
        entry = write_chunk(root, i, range(i * step, i * step + len(part)), df[df["run"].isin(part["run"])].copy(),
                            part, {})
        record_chunk(root, man, entry)
    return root


def test_cli_sweep_from_a_runs_table(sweep, tmp_path):
    df, runs = sweep
    root = _batch_store(df, runs, tmp_path / "sweep")
    out = tmp_path / "s"
    assert main(["plot", str(root), "--kind", "sweep", "--date", "1995", "--out", str(out), "--dpi", "40"]) == 0
    assert [p.name for p in out.iterdir()] == ["sweep_japan_nato.png"]
    assert main(["plot", str(root), "--kind", "sweep", "--param", "build_rate", "--param", "nope",
                 "--out", str(out)]) == 2


def test_cli_errors_exit_2_and_write_nothing(store, tmp_path, capsys):
    out = tmp_path / "none"
    assert main(["plot", str(store), "--scenario", "nope", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "nope" in err and "scenario" in err and str(store) in err
    assert main(["plot", str(store), "--kind", "network", "--date", "2050", "--out", str(out)]) == 2
    assert main(["plot", str(tmp_path / "missing"), "--out", str(out)]) == 2
    assert not out.exists()
    one = tmp_path / "one"
    a = pd.read_parquet(store / "trajectories.parquet")
    _store(a[a["scenario"] == "historical_baseline"], one)
    assert main(["plot", str(one), "--kind", "difference", "--out", str(out)]) == 2
    assert main(["plot", str(one), "--kind", "sweep", "--out", str(out)]) == 2
    assert not out.exists()


def test_batch_store_layout_alphabetical_categories_and_summary_dates(two, tmp_path):
    """Batch stores hold str columns made categorical in sorted order, sometimes only a few dates."""
    df = two.copy()
    for c in ("scenario", "actor_a", "actor_b", "domain"):
        df[c] = df[c].astype(str).astype("category")  # categories now alphabetical
    assert select.actors(df) == ["Japan", "NATO", "United States", "China", "Russia"]  # world order regardless
    a = P.threat_heatmap(df, dates=[1995.0])._plotted["matrices"][1995.0]
    b = P.threat_heatmap(two, dates=[1995.0])._plotted["matrices"][1995.0]
    pd.testing.assert_frame_equal(a, b)
    summary = df[df["date"].isin([1991.0, 1993.0, 1995.0])]
    root = _store(summary.assign(scenario=summary["scenario"].astype(str).replace(
        {"short_base": "historical_baseline"})), tmp_path / "summary")
    names = [stem for stem, _ in figure_set.build_figures(root, "all")]
    assert names == ["fan_japan_nato", "fan_japan_nato_overlay", "fan_china_russia_alignment",
                     "fan_china_russia_alignment_overlay", "difference_short_shock", "threat_heatmap",
                     "network_1995", "blocs_historical_baseline"]  # no time-line threat or milestone figure
    assert "milestones" in [stem for stem, _ in figure_set.build_figures(root, "milestones")]  # unless asked


def test_no_two_series_share_colour_and_line_style():
    """Nine shipped scenarios exceed the eight-colour palette: the line style must tell the ninth from the first."""
    from experiments.plots.draw import series_linestyle

    names = [f"s{i}" for i in range(32)]
    colours = style.series_colours(names)
    pairs = [(colours[n], series_linestyle(i)) for i, n in enumerate(names)]
    assert len(set(pairs)) == len(pairs)


# ====================================================================== one save function, one palette
EXPERIMENTS = Path(__file__).resolve().parent.parent / "experiments"


def test_only_the_save_function_renders_figures():
    """Every figure file (and the page's PNG bytes) goes through experiments.plots.save.write_figure: no other
    function of experiments/ calls savefig or even names it."""
    calls, named = [], []
    for path in sorted(EXPERIMENTS.rglob("*.py")):
        text = path.read_text()
        where = path.relative_to(EXPERIMENTS.parent).as_posix()
        named += [(where, i) for i, line in enumerate(text.splitlines(), 1) if "savefig" in line]
        for fn in ast.walk(ast.parse(text)):
            if isinstance(fn, ast.FunctionDef):
                calls += [(where, fn.name) for node in ast.walk(fn)
                          if isinstance(node, ast.Attribute) and node.attr == "savefig"]
    assert calls == [("experiments/plots/save.py", "write_figure")]
    assert len(named) == 1 and named[0][0] == "experiments/plots/save.py"


def test_calibration_figures_take_their_colours_from_the_palette():
    from experiments.analysis.calibration import FitPaths
    from experiments.analysis.calibration_config import Target
    from experiments.plots.calibration_fit import fit_figure
    from experiments.plots.posterior import posterior_figure

    rng = np.random.default_rng(0)
    dates = np.arange(1990.0, 2000.0, 0.25)
    level = np.linspace(0.1, 0.5, len(dates))
    target = Target("japan_nato", "band.csv", np.arange(len(dates)), dates, level, level - 0.05, level + 0.05,
                    milestones=pd.DataFrame({"date": [1995.0], "code_level": [0.3], "event": ["x"]}))
    paths = FitPaths(dates, {"japan_nato": level + rng.normal(0, 0.02, (5, len(dates)))},
                     {"japan_nato": level + 0.1 + rng.normal(0, 0.02, (5, len(dates)))}, 5)
    fit = fit_figure(paths, [target], (1991, 1998), "fit")
    assert [ln.get_color() for ln in fit.axes[0].lines if ln.get_label() in ("calibrated median",
                                                                             "uncalibrated median (scenario values)")] \
        == [style.MAIN, style.CONTRAST]
    assert_palette(fit, "calibration fit")
    theta = rng.uniform(0.0, 1.0, (50, 3))
    post = posterior_figure(theta, np.full(50, 1 / 50), ["a", "b", "c"], [(0.0, 1.0)] * 3, [False] * 3, "posterior")
    assert_palette(post, "posterior")
    assert _render(fit)[:4] == _render(post)[:4] == b"\x89PNG"


def test_a_large_posterior_shows_marginals_and_its_strongest_pairs():
    """Beyond CORNER_MAX parameters the figure is a grid of marginals plus the most correlated pairs (a 48-way
    corner plot is a 30 MB file nobody can read); the pair it shows first is the one built to trade off."""
    from experiments.plots.posterior import CORNER_MAX, PAIRS, posterior_figure, strongest_pairs

    rng = np.random.default_rng(1)
    p = CORNER_MAX + 4
    theta = rng.uniform(0.0, 1.0, (400, p))
    theta[:, 3] = np.clip(1.0 - theta[:, 7] + rng.normal(0, 0.02, 400), 0, 1)  # a ridge: 3 and 7 trade off
    w = np.full(400, 1 / 400)
    first = strongest_pairs(theta, w, [False] * p, PAIRS)[0]
    assert first[:2] == (3, 7) and first[2] < -0.9
    fig = posterior_figure(theta, w, [f"p{k}" for k in range(p)], [(0.0, 1.0)] * p, [False] * p, "posterior")
    assert len(fig.axes) == p + PAIRS
    assert fig.axes[p].get_xlabel() == "p3" and fig.axes[p].get_ylabel() == "p7"
    assert_palette(fig, "large posterior")
