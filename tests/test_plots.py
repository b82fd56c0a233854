"""Tests for the paper figures (experiments.plots.figures) and ``alliance plot`` (experiments.cli.plot).

They check the numbers the figures draw, read back from the artists (band polygons,
median lines, heatmap images), against quantities computed independently from the
tidy table with numpy; not pixels. Stores are small: a 1990–1996 horizon, few runs.
"""

from __future__ import annotations

import io
import itertools
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PolyCollection
from matplotlib.lines import Line2D
from matplotlib.text import Text

from experiments.cli.main import main
from experiments.plots import figure_set
from experiments.plots import figures as P
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
    out = []
    for f in [fig, *fig.subfigs]:
        out += [t.get_text() for t in f.texts]
        if getattr(f, "_suptitle", None) is not None:
            out.append(f._suptitle.get_text())
    for ax in fig.axes:
        out += [t.get_text() for t in ax.texts] + [ax.get_title()]
    return "\n".join(out)


def _render(fig):
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=60)
    return buf.getvalue()


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
    assert any(ax.get_ylabel() == "cooperation index (0–1)" for ax in fig.axes)
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
    np.testing.assert_allclose(_line(fig, "median|index").get_ydata(), d, atol=1e-12)


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
    for key, domain in (("index", None), ("exercises", "exercises"), ("collective_defence", "collective_defence")):
        d = (by_rep("short_shock", domain) - by_rep("short_base", domain)).to_numpy()
        x = by_rep("short_base", domain).index.to_numpy()
        _check_band(fig, f"band90|{key}", x, np.quantile(d, 0.05, axis=1), np.quantile(d, 0.95, axis=1))
        _check_band(fig, f"band50|{key}", x, np.quantile(d, 0.25, axis=1), np.quantile(d, 0.75, axis=1))
        np.testing.assert_allclose(_line(fig, f"median|{key}").get_ydata(), np.median(d, axis=1), atol=1e-12)
    assert len([ax for ax in fig.axes if ax.get_visible() and ax.lines]) == 11  # index + 10 domains
    text = _texts(fig)
    assert "paired" in text and "n = 6 vs 6 runs" in text
    assert np.max(fig._plotted["panels"]["index"]["q50"]) > 0.01  # the reinterpretation raises cooperation


def test_difference_bootstraps_when_replications_differ(scen_dir, two):
    b, _ = _sim(scen_dir, "short_shock", 4, NOISY, seed=11)  # other seeds and fewer runs: not paired
    df = _concat([two[two["scenario"] == "short_base"], b])
    fig = P.scenario_difference(df, "short_base", "short_shock", domains=["hadr"], n_boot=300, seed=3)
    assert fig._plotted["method"] == "bootstrap"
    t = fig._plotted["panels"]["index"]
    mid = np.median(_index(df, "short_shock").to_numpy(), axis=1) - np.median(_index(df, "short_base").to_numpy(),
                                                                             axis=1)
    np.testing.assert_allclose(_line(fig, "median|index").get_ydata(), mid, atol=1e-12)
    assert (t["q05"] <= t["q25"] + 1e-12).all() and (t["q75"] <= t["q95"] + 1e-12).all()
    assert (t["q95"] - t["q05"]).max() > 0
    e = _edges(_polys(fig, "band90|index")[0])
    np.testing.assert_allclose(e["min"].to_numpy(), t["q05"].to_numpy())
    again = P.scenario_difference(df, "short_base", "short_shock", domains=["hadr"], n_boot=300, seed=3)
    pd.testing.assert_frame_equal(again._plotted["panels"]["index"], t)
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
def test_add_milestones_ticks_and_labels_do_not_overlap(two):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    fig = Figure(figsize=(8, 5), layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    ax.set_xlim(1990, 2030)
    out = P.add_milestones(ax, "japan_nato")
    m = pd.read_csv(P.DATA_DIR / "japan_nato_milestones.csv")
    assert len(out["milestones"]) == len(m)
    ticks = [c for c in ax.collections if c.get_gid() == "milestone_ticks"][0]
    assert sorted(seg[0][0] for seg in ticks.get_segments()) == pytest.approx(sorted(m["date"]))
    assert len(out["labels"]) == len(m)  # a wide axis has room for every label
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    boxes = [Text.get_window_extent(t, renderer) for t in out["labels"]]  # the text alone, not its connector
    for a, b in itertools.combinations(boxes, 2):
        assert not a.overlaps(b) or min(a.x1, b.x1) - max(a.x0, b.x0) < 0.5, "milestone labels overlap"
    assert all(b.y0 >= ax.get_window_extent(renderer).y1 for b in boxes)  # above the data area
    # narrow axes: fewer labels, still no overlap
    fig2 = Figure(figsize=(3, 3), layout="constrained")
    FigureCanvasAgg(fig2)
    ax2 = fig2.subplots()
    ax2.set_xlim(1990, 2026)
    out2 = P.add_milestones(ax2, "china_russia")
    assert len(out2["labels"]) < len(out2["milestones"])
    fig2.canvas.draw()
    renderer = fig2.canvas.get_renderer()
    boxes = [Text.get_window_extent(t, renderer) for t in out2["labels"]]
    for a, b in itertools.combinations(boxes, 2):
        assert min(a.x1, b.x1) - max(a.x0, b.x0) < 0.5
    with pytest.raises(InputError) as e:
        P.add_milestones(ax, "nato_mars")
    assert e.value.field == "which"


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


# ====================================================================== errors
def test_missing_column_and_scenario_raise_input_error(two, sweep, tmp_path):
    with pytest.raises(InputError) as e:
        P.fan_chart(two.drop(columns=["cooperation"]))
    assert e.value.field == "cooperation" and e.value.file == "<table>"
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
    assert files == [f"fan_japan_nato.{fmt}", f"fan_japan_nato_overlay.{fmt}"]
    assert all((out / f).read_bytes().startswith(magic) for f in files)
    assert "wrote" in capsys.readouterr().out


def test_cli_all_is_the_standard_set(store, tmp_path):
    assert main(["plot", str(store), "--dpi", "40"]) == 0  # default: --kind all into DIR/figures
    written = sorted(p.name for p in (store / "figures").iterdir())
    expect = sorted(["fan_japan_nato.png", "fan_japan_nato_overlay.png", "difference_short_shock.png",
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


def test_cli_sweep_from_a_runs_table(sweep, tmp_path):
    df, runs = sweep
    root = tmp_path / "sweep"
    root.mkdir()
    # a two-chunk batch-like store: manifest + parts, as experiments.store.reader reads it
    from experiments.store.manifest import sha256
    chunks = {}
    for i, part in enumerate((runs[runs["run"] < 5], runs[runs["run"] >= 5])):
        ids = set(part["run"])
        data = write_table(df[df["run"].isin(ids)], root / "parts" / f"data-{i:06d}")
        rr = write_table(part, root / "parts" / f"runs-{i:06d}")
        chunks[str(i)] = {"files": {k: {"path": str(p.relative_to(root)), "sha256": sha256(p)}
                                    for k, p in (("data", data), ("runs", rr))}}
    write_json({"chunks": chunks}, root / "manifest.json")
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
    assert P._actors(df) == ["Japan", "NATO", "United States", "China", "Russia"]  # world order regardless
    a = P.threat_heatmap(df, dates=[1995.0])._plotted["matrices"][1995.0]
    b = P.threat_heatmap(two, dates=[1995.0])._plotted["matrices"][1995.0]
    pd.testing.assert_frame_equal(a, b)
    summary = df[df["date"].isin([1991.0, 1993.0, 1995.0])]
    root = _store(summary.assign(scenario=summary["scenario"].astype(str).replace(
        {"short_base": "historical_baseline"})), tmp_path / "summary")
    names = [stem for stem, _ in figure_set.build_figures(root, "all")]
    assert names == ["fan_japan_nato", "fan_japan_nato_overlay", "difference_short_shock", "threat_heatmap",
                     "network_1995", "blocs_historical_baseline"]  # no time-line threat or milestone figure
    assert "milestones" in [stem for stem, _ in figure_set.build_figures(root, "milestones")]  # unless asked
