"""The interactive page (experiments/app/), its parts, and the page end to end in headless Chromium.

The fast tests check the page's pieces against the model: a run on the page is an
AllianceModel run, the baseline and the band are kernel runs of the same seeds, the
events editor checks events as scenario files are checked, and what the page saves runs
with ``alliance run``. The browser tests start ``solara run`` on a free loopback port,
drive the page as a user would and compare the numbers it shows with AllianceModel and
kernel runs of the same scenario, seed and parameters; they save screenshots under
artifacts/.

The browser tests need Debian's chromium (/usr/bin/chromium) and the Python package
playwright; Solara's page assets must be in its CDN cache (``alliance viz --fetch-assets``;
the fixture fetches them with npm when they are missing).
"""

from __future__ import annotations

import argparse
import io
import os
import re
import signal
import socket
import subprocess
import time
import urllib.request
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from figure_colours import assert_palette, colours_of

from experiments.app import compare, editing, export, figures, inputs, library, pacing, session
from experiments.app import page as page_module
from experiments.app import server as viz_server
from experiments.cli import viz as viz_cli
from experiments.plots import style
from model.engines import kernel
from model.engines.mesa_model import AllianceModel
from model.spec import pairing
from model.spec.errors import InputError
from model.spec.parameters import REGISTRY
from model.spec.runspec import RunSpec, parameters_for
from model.spec.scenario import load_scenario
from model.spec.timegrid import date_text
from model.spec.world import ACTOR_ATTRIBUTES

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
DEFAULT = "historical_baseline"  # what the page opens with
SCENARIO = "article9_reinterpretation"  # extends the baseline
SEED = 3
STEPS = 40
CHANGED = "build_rate"  # a slider moved to its maximum with the End key
BAND_SEEDS = 10
NUMBER_AT = re.compile(r":\s*(-?\d+\.\d+) at (\d{4}\.\d{2})\s*$")
SIGNED = re.compile(r"([+-]\d+\.\d{4})")


def reference(scenario: str = SCENARIO, steps: int = STEPS, parameters: dict | None = None,
              seed: int = SEED) -> list[dict[str, float]]:
    """Index values at quarters 0..steps of an AllianceModel run (replication 0 of ``seed``)."""
    m = AllianceModel(load_scenario(scenario), master=seed, identity=pairing.identity(0, 0), parameters=parameters)
    for _ in range(steps):
        m.step()
    return m.datacollector.get_model_vars_dataframe().to_dict("records")


def an_attribute_event(world, date: float) -> editing.EventDraft:
    """A valid event for ``world``: set the first actor's first attribute to the middle of its range."""
    attr, (low, high, _) = next(iter(ACTOR_ATTRIBUTES.items()))
    return editing.EventDraft(f"{date}", f"{world.actors[0]}.{attr}", "set", f"{(low + high) / 2:g}", "test event")


# ---------------------------------------------------------------- fast checks of the page's parts
def test_a_run_on_the_page_is_the_alliance_model_run():
    run = session.Run(session.Settings(SCENARIO, SEED))
    view = run.advance(12)
    ref = reference(steps=12)
    for name, values in view.indices.items():
        assert list(values) == [row[name] for row in ref]
    assert type(run.model) is AllianceModel  # the model itself: no subclass, no patched step


def test_a_run_stops_at_the_horizon():
    run = session.Run(session.Settings(SCENARIO))
    horizon = run.scenario.steps
    view = run.advance(horizon + 5)  # Step may ask for more quarters than are left
    assert (view.quarter, view.running, view.date) == (horizon, False, run.scenario.end)
    assert run.advance(3).quarter == horizon


def test_seeds_are_whole_numbers_numpy_accepts():
    assert inputs.parse_seed(" 7 ") == 7
    assert inputs.parse_seed(str(2**63 - 1)) == 2**63 - 1
    np.random.SeedSequence(inputs.parse_seed(str(2**63 - 1)))
    for bad in ("x", "-1", "1.5", str(2**63), "1" * 23, ""):
        with pytest.raises(InputError, match="seed"):
            inputs.parse_seed(bad)


def test_sliders_come_from_the_registry_grouped_by_rule():
    grouped = inputs.groups()
    names = [p.name for _, params in grouped for p in params]
    assert sorted(names) == sorted(REGISTRY)  # every parameter once, new ones included
    for title, params in grouped:
        assert title and len({p.rule for p in params}) == 1
    for p in REGISTRY.values():  # low and default lie on the slider's grid; every slider says what it means
        step = inputs.slider_step(p)
        assert abs(p.default / step - round(p.default / step)) < 1e-6 and step <= (p.high - p.low) / 100
        assert p.meaning
    values = parameters_for(load_scenario(SCENARIO))
    p = REGISTRY[CHANGED]
    assert inputs.overrides_from({CHANGED: values[CHANGED]}, values) == {}  # unmoved: the scenario's value
    assert inputs.overrides_from({CHANGED: p.high}, values) == {CHANGED: p.high}
    with pytest.raises(InputError):
        inputs.overrides_from({CHANGED: p.high + 1}, values)


def test_play_publishes_only_what_the_page_can_draw():
    now = [0.0]
    player = pacing.Player(pause_s=0.05, patience_s=2.0, clock=lambda: now[0])
    assert player.ready()
    tick = player.publish()
    now[0] = 1.0
    assert not player.ready()  # the page has not drawn the last snapshot yet
    player.acknowledge(tick)
    assert not player.ready()  # ... and needs a quiet moment to finish its render
    now[0] = 1.06
    assert player.ready()

    def slow_render():  # Solara rendering in the publishing thread, 0.5 s
        player.acknowledge(player.publish())
        now[0] += 0.5

    player.timed(slow_render)
    now[0] += 0.3
    assert not player.ready()  # quiet for at least as long as the last render took
    now[0] += 0.25
    assert player.ready()
    player.publish()
    now[0] += 2.5
    assert player.ready()  # never acknowledged (page closed): publish again after a while
    first = player.claim()
    assert player.owner is first and player.claim() is not first


def test_dates_in_words():
    assert [date_text(d) for d in (2014.0, 2014.25, 2014.5, 2014.75)] == [
        "2014 Q1", "2014 Q2", "2014 Q3", "2014 Q4"]


def test_the_page_calls_the_step_index_step_and_the_calendar_quarter_q1_to_q4():
    """View.quarter (the table's `quarter`: quarters since the start) is "step" on screen, never "quarter",
    which would read as the calendar quarter that date_text prints beside it."""
    run = session.Run(session.Settings(SCENARIO, SEED))
    view = run.advance(12)
    text = page_module.status_text(view)
    assert text == (f"{SCENARIO} · seed {SEED} · {date_text(view.date)} ({view.date:.2f}) · "
                    f"step 12 of {run.scenario.steps}")
    assert page_module.step_text(12, view.start) == f"step 12 ({date_text(view.start + 3.0)})"
    assert "quarter" not in text.lower() and "quarter" not in page_module.step_text(12, view.start).lower()


def test_the_events_editor_checks_events_like_scenario_files():
    base = load_scenario(SCENARIO)
    world = base.world
    names = editing.quantity_names(world)
    assert names and all(n.split(".")[0] in world.actors or n.split(".")[0] in ("world",) or n.count(".") >= 2
                         for n in names)
    good = an_attribute_event(world, base.start + 10)
    composed = editing.compose(base, SCENARIO, [good])
    assert len(composed.events) == len(base.events) + 1 and composed.name == f"{SCENARIO}_edited"
    typo = editing.EventDraft(good.date, good.quantity[:-1], "set", good.value)
    with pytest.raises(InputError, match="did you mean") as exc:
        editing.compose(base, SCENARIO, [good, typo])
    assert editing.event_of(exc.value) == (1, "quantity")
    late = editing.EventDraft(f"{base.end + 1}", good.quantity, "set", good.value)
    with pytest.raises(InputError, match="outside the horizon"):
        editing.compose(base, SCENARIO, [late])
    with pytest.raises(InputError, match="number"):
        editing.compose(base, SCENARIO, [editing.EventDraft("soon", good.quantity, "set", good.value)])


def alliance_run(path: Path, out: Path) -> int:
    """``alliance run PATH --seed SEED --csv --out OUT`` (in this process)."""
    from experiments.cli.run import RUN

    parser = argparse.ArgumentParser()
    RUN.configure(parser)
    return RUN.run(parser.parse_args([str(path), "--seed", str(SEED), "--csv", "--out", str(out)]))


def test_the_saved_scenario_runs_with_alliance_run(tmp_path):
    base = load_scenario(SCENARIO)
    event = an_attribute_event(base.world, base.start + 1)
    settings = session.Settings(SCENARIO, SEED, ((CHANGED, REGISTRY[CHANGED].high),), (event,))
    run = session.Run(settings)
    path = tmp_path / "edited.yaml"
    path.write_text(run.scenario_yaml(), encoding="utf-8")
    assert alliance_run(path, tmp_path / "out") == 0
    table = pd.read_csv(tmp_path / "out" / "trajectories.csv")
    view = run.advance(12)
    first = table[(table.replication == 0) & (table.quarter == 12)].iloc[0]
    for name in view.indices:
        assert first[name] == pytest.approx(view.value(name), abs=1e-12)


def test_the_baseline_and_band_are_runs_of_the_same_seeds():
    run = session.Run(session.Settings(SCENARIO, SEED))
    parent = library.parent(SCENARIO)
    assert run.default_baseline == parent
    c = run.comparison(parent)
    ref = reference(parent, steps=run.scenario.steps)
    for name, values in c.indices.items():
        assert list(values) == [row[name] for row in ref]
    band = run.band(parent, 3)
    spec = load_scenario(SCENARIO)
    models = [AllianceModel(spec, master=SEED, identity=pairing.identity(0, r)) for r in range(3)]
    for m in models:
        m.run()
    for name in c.indices:
        values = np.stack([m.recorder.t.indices[name][0] for m in models])
        np.testing.assert_array_equal(band.scenario[name], np.quantile(values, compare.QUANTILES, axis=0))
        assert band.difference[name].shape == band.scenario[name].shape
    assert run.comparison(compare.NONE) is None


def test_a_baseline_on_another_world_runs_on_the_scenario_s_world():
    from model.spec.scenario import shipped

    for p in shipped():
        parent = library.parent(p.stem)
        if parent and load_scenario(parent).world.digest != load_scenario(p.stem).world.digest:
            run = session.Run(session.Settings(p.stem))
            c = run.comparison(parent)
            assert isinstance(c, compare.Comparison) and c.note
            assert c.scenario.world.digest == run.scenario.world.digest
            return
    pytest.skip("no shipped scenario extends one on another world")


def test_events_are_listed_in_date_order():
    run = session.Run(session.Settings(SCENARIO))
    dates = [ev.date for ev in run.latest.events]
    assert dates == sorted(dates) and len(dates) == len(run.scenario.events)


def picture(steps: int = 20, band: int = 0) -> tuple[session.Run, figures.Picture]:
    run = session.Run(session.Settings(SCENARIO, SEED))
    view = run.advance(steps)
    c = run.comparison(run.default_baseline)
    return run, figures.Picture(view, (0, 1), c, run.band(run.default_baseline, band) if band else None)


def test_figures_render():
    _, pic = picture(band=3)
    images = figures.render_all(pic)
    assert set(images) == {"timeline", "domains", "threat", "network"}
    assert all(b.startswith(b"\x89PNG") for b in images.values())


def test_the_page_s_figures_take_their_colours_from_the_palette():
    """The page's figures use the one palette of experiments.plots.style (not matplotlib's default colours): the
    indices (lines and readout) the series colours in order, threat the style's sequential colour map."""
    _, pic = picture(band=3)
    for name, make in figures.FIGURES.items():
        fig = make(pic)
        assert_palette(fig, name)
        if name == "threat":
            assert colours_of(fig)[1] == {style.SEQUENTIAL}
    assert [figures.colour(k) for k in range(len(style.SERIES) + 1)] == style.SERIES + style.SERIES[:1]
    assert (figures.COOPERATION, figures.ALIGNMENT) == (style.MAIN, style.CONTRAST)


def test_network_edge_labels_do_not_overlap():
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    _, pic = picture(steps=120)
    fig = figures.network_figure(pic)
    renderer = FigureCanvasAgg(fig).get_renderer()
    ax = fig.axes[0]
    labels = [t for t in ax.texts if re.fullmatch(r"\d\.\d\d", t.get_text())]
    assert len(labels) >= 5
    boxes = [t.get_window_extent(renderer) for t in labels]
    for i in range(len(boxes)):
        for j in range(i + 1, len(boxes)):
            assert not boxes[i].overlaps(boxes[j]), (labels[i].get_text(), labels[j].get_text())


def test_export_has_the_table_figures_and_what_reproduces_the_run():
    run, pic = picture(steps=12)
    z = zipfile.ZipFile(io.BytesIO(export.export_zip(run, pic)))
    names = set(z.namelist())
    assert {"run.csv", "baseline.csv", "scenario.yaml", "run.yaml"} <= names
    assert {f"figures/{n}.png" for n in figures.FIGURES} <= names
    table = pd.read_csv(z.open("run.csv"))
    assert table.quarter.max() == 12
    last = table[table.quarter == 12].iloc[0]
    for name in run.latest.indices:
        assert last[name] == pytest.approx(run.latest.value(name), abs=1e-12)
    rec = yaml.safe_load(z.read("run.yaml"))
    assert rec["seed"]["master"] == SEED and rec["shown_until"]["quarter"] == 12
    assert f"--seed {SEED}" in z.read("scenario.yaml").decode()


def test_cli_options():
    p = argparse.ArgumentParser()
    viz_cli.VIZ.configure(p)
    a = p.parse_args([])
    assert (a.host, a.port, a.no_browser) == ("127.0.0.1", 8765, False)
    cmd = viz_server.solara_command("127.0.0.1", 9999, open_browser=False)
    # solara's own `run`, through the launcher that guards its web application (experiments.app.server.PageGuard)
    assert cmd[1:4] == ["-m", "experiments.app.server", "run"]
    assert Path(cmd[4]) == ROOT / "experiments" / "app" / "page.py"
    assert "--no-open" in cmd and cmd[cmd.index("--host") + 1] == "127.0.0.1"
    assert viz_server.solara_env()["SOLARA_THEME_SHOW_BANNER"] == "false"  # no badge over the page
    assert viz_server.asset_packages(), "found no asset references in Solara's page templates"


# ---------------------------------------------------------------- the browser tests
def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """``solara run experiments/app/page.py`` on 127.0.0.1:<free port>; yields (url, log path); always stopped."""
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium) for this test")
    pytest.importorskip("playwright.sync_api", reason="the Python package playwright is not installed")
    if viz_server.missing_assets():
        viz_server.fetch_assets(quiet=True)  # Solara's page JS/CSS from the npm registry (no CDN needed)
    port = free_port()
    log = tmp_path_factory.mktemp("viz") / "solara.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(viz_server.solara_command("127.0.0.1", port, open_browser=False), cwd=ROOT,
                                env=viz_server.solara_env(), stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None:
                pytest.fail(f"solara exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(url, timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"solara did not answer on {url} within 90 s:\n{log.read_text()[-3000:]}")
            time.sleep(0.5)
        yield url, log
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)  # its own session: only what this fixture started
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=15)


@pytest.fixture(scope="module")
def browser(server):
    """Headless Chromium (Debian's), shared by the browser tests of this file."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(server, browser):
    """A fresh page (its own Solara session); fails on JavaScript errors or server tracebacks."""
    from playwright.sync_api import expect

    url, log = server
    errors: list[str] = []
    context = browser.new_context(viewport={"width": 1600, "height": 2400}, accept_downloads=True)
    try:
        p = context.new_page()
        p.set_default_timeout(60_000)
        expect.set_options(timeout=30_000)  # a slow machine redraws slowly; pass as soon as the page shows it
        p.on("pageerror", lambda e: errors.append(str(e)))
        p.goto(url)
        expect(p.locator(".viz-status")).to_contain_text(f"{DEFAULT} · seed 0 · ", timeout=90_000)
        yield p
    finally:
        context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"
    assert "Traceback" not in log.read_text(), log.read_text()[-3000:]


def shown(page, name: str, at: float | None = None) -> tuple[float, float]:
    """(value, date) of the readout line of index ``name`` (waiting until it shows date ``at``)."""
    from playwright.sync_api import expect

    if at is not None:  # components re-render independently: wait for this one to catch up
        expect(page.locator(f".viz-index-{name}")).to_contain_text(f" at {at:.2f}")
    text = page.locator(f".viz-index-{name}").inner_text()
    m = NUMBER_AT.search(text)
    assert m, f"cannot read a number from {text!r}"
    return float(m.group(1)), float(m.group(2))


def start(page, scenario: str, seed: int) -> None:
    """Choose a scenario and seed in the sidebar and press Reset."""
    from playwright.sync_api import expect

    page.locator(".v-select", has_text="Scenario").first.click()
    page.get_by_role("option", name=scenario, exact=True).click()
    page.get_by_label("Seed (whole number").fill(str(seed))
    expect(page.locator(".viz-pending")).to_contain_text(f"seed 0 → {seed}")
    page.get_by_role("button", name="Reset").click()
    expect(page.locator(".viz-status")).to_contain_text(f"{scenario} · seed {seed} · ")
    expect(page.locator(".viz-status")).to_contain_text("step 0 of")


def step_to(page, q_from: int, q_to: int, by: int = 1) -> None:
    """Click Step until quarter ``q_to``, checking every quarter it stops at (``by`` quarters a click)."""
    from playwright.sync_api import expect

    step = page.get_by_role("button", name="Step")
    for q in range(q_from + by, q_to + 1, by):
        step.click()
        expect(page.locator(".viz-status")).to_contain_text(f"step {q} of")


def screenshot(page, path: Path) -> None:
    """The whole page from the top (the app bar stays fixed at the top of what is scrolled into view)."""
    path.parent.mkdir(exist_ok=True)
    page.mouse.move(0, 0)  # no tooltip or hover highlight in the picture
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(path), full_page=True)


def step_size(page, words: str) -> None:
    page.locator(".v-select", has_text="Step moves").click()
    page.get_by_role("option", name=words, exact=True).click()


@pytest.mark.browser
def test_page_in_browser(page):
    """Scenario, seed, Step, baseline, band, a slider and Reset, Play/Pause, bad seeds: numbers = the model's."""
    from playwright.sync_api import expect

    names = ["japan_nato", "china_russia_alignment"]
    parent = library.parent(SCENARIO)
    sc = load_scenario(SCENARIO)
    high = REGISTRY[CHANGED].high
    first, base = reference(), reference(parent)
    second = reference(steps=2 * STEPS, parameters={CHANGED: high})
    start_date = sc.start
    status = page.locator(".viz-status")
    for gone in ("Render Interval", "Use Threads", "Time:", "runs on Solara"):  # no Mesa/Solara jargon or badge
        expect(page.get_by_text(gone)).to_have_count(0)

    start(page, SCENARIO, SEED)
    expect(page.locator(".viz-description")).to_contain_text(sc.description[:40])
    expect(page.locator(".viz-applied")).to_be_visible()
    for n in names:
        assert shown(page, n, at=start_date) == (round(first[0][n], 4), start_date)

    step_to(page, 0, 8)  # a quarter a click, then a year a click
    step_size(page, "1 year")
    step_to(page, 8, STEPS, by=4)
    date = start_date + STEPS / 4
    expect(status).to_contain_text(date_text(date))  # dates, not step counts
    for n in names:
        value, _ = shown(page, n, at=date)
        assert f"{value:.4f}" == f"{first[STEPS][n]:.4f}", n
        diff = SIGNED.search(page.locator(f".viz-diff-{n}").inner_text()).group(1)
        assert diff == f"{first[STEPS][n] - base[STEPS][n]:+.4f}", n  # paired: same seed's baseline
    expect(page.locator(".viz-compare")).to_contain_text(f"Compared with {parent}")
    expect(page.locator(".viz-figures-current")).to_contain_text(f"step {STEPS} ({date_text(date)})")
    expect(status).not_to_contain_text("quarter")  # the step index is never called a quarter on screen
    for name in figures.FIGURES:
        expect(page.locator(f".viz-{name}")).to_be_visible()
    dates = [float(x) for x in page.locator(".viz-event-date").all_inner_texts()]
    assert dates == sorted(dates) and len(dates) == len(sc.events)

    # the band over seeds: the batch kernel's runs of replications 0..N-1
    page.locator(".v-select", has_text="Seeds").click()
    page.get_by_role("option", name=str(BAND_SEEDS), exact=True).click()
    page.locator(".viz-band-switch input").check()
    expect(page.locator(".viz-band-japan_nato")).to_contain_text(f"over {BAND_SEEDS} seeds")
    t = kernel.run([RunSpec(sc, parameters_for(sc), SEED, pairing.identity(0, r)) for r in range(BAND_SEEDS)])
    lo, _, hi = np.quantile(t.indices["japan_nato"][:, STEPS], compare.QUANTILES)
    expect(page.locator(".viz-band-japan_nato")).to_contain_text(f"5–95 % {lo:.4f} – {hi:.4f}")
    expect(page.locator(".viz-figures-current")).to_contain_text(f"step {STEPS} (")
    screenshot(page, ARTIFACTS / "viz.png")

    # the band over posterior draws: run r takes draw r of the shipped posterior (alliance run --posterior)
    page.locator(".viz-band-posterior input").check()
    expect(page.locator(".viz-band-japan_nato")).to_contain_text(f"over {BAND_SEEDS} posterior draws")
    draws = compare.shipped_posterior().draw(BAND_SEEDS, SEED)
    t = kernel.run([RunSpec(sc, parameters_for(sc, d), SEED, pairing.identity(r, 0)) for r, d in enumerate(draws)])
    lo, _, hi = np.quantile(t.indices["japan_nato"][:, STEPS], compare.QUANTILES)
    expect(page.locator(".viz-band-japan_nato")).to_contain_text(f"5–95 % {lo:.4f} – {hi:.4f}")
    screenshot(page, ARTIFACTS / "viz-posterior.png")
    page.locator(".viz-band-posterior input").uncheck()
    expect(page.locator(".viz-band-japan_nato")).to_contain_text(f"over {BAND_SEEDS} seeds")

    # a parameter slider (in its rule's group, its meaning on hover): waits for Reset, then runs
    page.get_by_text(inputs.rule_title(REGISTRY[CHANGED].rule) + " (").click()
    slider = page.locator(".v-slider", has_text=f"{CHANGED} [").get_by_role("slider")
    slider.hover()
    expect(page.get_by_role("tooltip").filter(has_text=REGISTRY[CHANGED].meaning)).to_be_visible()
    slider.focus()
    slider.press("End")
    expect(slider).to_have_attribute("aria-valuenow", f"{high:g}")
    old = parameters_for(sc)[CHANGED]
    expect(page.locator(".viz-pending")).to_contain_text(f"{CHANGED} {old:g} → {high:g}")
    expect(status).to_contain_text(f"step {STEPS} of")  # nothing applied yet
    page.get_by_role("button", name="Reset").click()
    expect(status).to_contain_text("step 0 of")
    expect(page.locator(".viz-overrides")).to_contain_text(f"{CHANGED}={high:g}")
    expect(page.locator(".viz-applied")).to_be_visible()
    k = 8
    step_to(page, 0, k, by=4)
    value, _ = shown(page, "japan_nato", at=start_date + k / 4)
    assert f"{value:.4f}" == f"{second[k]['japan_nato']:.4f}"
    assert f"{value:.4f}" != f"{first[k]['japan_nato']:.4f}", "the new parameter value changed nothing"

    # Play runs on by itself until paused; what it shows is still the reference run
    page.get_by_role("button", name="▶ Play").click()
    expect(status).to_contain_text(re.compile(r"step (1[2-9]|[2-9]\d) of"))
    page.get_by_role("button", name="❚❚ Pause").click()
    expect(page.get_by_role("button", name="Step")).to_be_enabled()
    seen, text = None, status.inner_text()
    while text != seen:  # wait for a step still under way when Pause came
        time.sleep(1.0)
        seen, text = text, status.inner_text()
    q = int(re.search(r"step (\d+) of", text).group(1))
    assert q <= 2 * STEPS, "played too far for this check"
    value, date = shown(page, "japan_nato", at=start_date + q / 4)
    assert (f"{value:.4f}", date) == (f"{second[q]['japan_nato']:.4f}", start_date + q / 4)

    # seeds that are not whole numbers 0..2**63-1: said next to the field; Reset waits for a valid one
    seed = page.get_by_label("Seed (whole number")
    for bad, why in (("abc", "whole number"), ("1" * 23, "2**63")):
        seed.fill(bad)
        expect(page.locator(".viz-error")).to_contain_text(why)
        expect(page.get_by_role("button", name="Reset")).to_be_disabled()
    seed.fill(str(SEED))
    expect(page.get_by_role("button", name="Reset")).to_be_enabled()
    expect(status).to_contain_text(f"step {q} of")  # the run went on untouched


@pytest.mark.browser
def test_events_editor_save_and_export(page, tmp_path):
    """Add event (did-you-mean on a typo), Save as YAML that ``alliance run`` runs, Export the run."""
    from playwright.sync_api import expect

    sc = load_scenario(SCENARIO)
    event = an_attribute_event(sc.world, sc.start + 1)
    start(page, SCENARIO, SEED)
    page.locator(".viz-event-date-input input").fill(event.date)
    quantity = page.locator(".viz-event-quantity input")
    quantity.fill(event.quantity[:-1])  # a typo
    quantity.press("Tab")  # leave the field (closes its list of suggestions)
    page.locator(".viz-event-value input").fill(event.value)
    page.locator(".viz-event-label input").fill(event.label)
    page.get_by_role("button", name="Add event").click()
    expect(page.locator(".viz-event-error")).to_contain_text(f"did you mean '{event.quantity.split('.')[-1]}'")
    quantity.fill(event.quantity)
    quantity.press("Tab")
    page.get_by_role("button", name="Add event").click()
    expect(page.locator(".viz-added-event")).to_contain_text(event.quantity)
    expect(page.locator(".viz-event-error")).to_have_count(0)
    expect(page.locator(".viz-pending")).to_contain_text("added events: 0 → 1")

    with page.expect_download() as saved:
        page.get_by_role("button", name="Save scenario").click()
    path = tmp_path / saved.value.suggested_filename
    saved.value.save_as(path)
    page.get_by_role("button", name="Reset").click()
    expect(page.locator(".viz-status")).to_contain_text(f"{SCENARIO}_edited · seed {SEED} · ")
    expect(page.locator(".viz-events")).to_contain_text("(added)")
    expect(page.locator(".viz-compare")).to_contain_text(f"Compared with {SCENARIO}")  # the scenario it extends
    k = 8
    step_size(page, "1 year")
    step_to(page, 0, k, by=4)
    value, _ = shown(page, "japan_nato", at=sc.start + k / 4)
    out = tmp_path / "out"
    assert alliance_run(path, out) == 0  # the saved file, unchanged
    table = pd.read_csv(out / "trajectories.csv")
    row = table[(table.replication == 0) & (table.quarter == k)].iloc[0]
    assert f"{row['japan_nato']:.4f}" == f"{value:.4f}"
    assert f"{value:.4f}" != f"{reference(steps=k)[k]['japan_nato']:.4f}", "the added event changed nothing"

    with page.expect_download() as exported:
        page.get_by_role("button", name="Export").click()
    z = zipfile.ZipFile(exported.value.path())
    assert {"run.csv", "baseline.csv", "scenario.yaml", "run.yaml", "figures/timeline.png"} <= set(z.namelist())
    table = pd.read_csv(z.open("run.csv"))
    assert f"{table[table.quarter == k].iloc[0]['japan_nato']:.4f}" == f"{value:.4f}"
    rec = yaml.safe_load(z.read("run.yaml"))
    assert (rec["seed"]["master"], rec["scenario"], rec["shown_until"]["quarter"]) == (SEED, f"{SCENARIO}_edited", k)
    assert z.read("scenario.yaml").decode() == path.read_text()
    screenshot(page, ARTIFACTS / "viz-editor.png")


@pytest.mark.browser
def test_play_to_the_horizon_three_times(page):
    """Play at the fastest pace to the horizon, three times: no server error, the main area always there."""
    from playwright.sync_api import expect

    steps = load_scenario(DEFAULT).steps
    pace = page.locator(".v-slider", has_text="Pause between steps").get_by_role("slider")
    pace.focus()
    pace.press("Home")
    expect(pace).to_have_attribute("aria-valuenow", "0")
    status, main = page.locator(".viz-status"), page.locator(".viz-main")
    for _ in range(3):
        page.get_by_role("button", name="Reset").click()
        expect(status).to_contain_text("step 0 of")
        page.get_by_role("button", name="▶ Play").click()
        while f"step {steps} of {steps}" not in status.inner_text():
            assert main.count() == 1 and main.is_visible(), "the main area disappeared while playing"
            time.sleep(0.1)
        expect(page.get_by_role("button", name="▶ Play")).to_be_disabled()  # not a disabled ❚❚
        expect(page.get_by_role("button", name="❚❚ Pause")).to_have_count(0)
        expect(page.locator(".viz-ended")).to_contain_text("End of the horizon")
    expect(page.locator(".viz-figures-current")).to_contain_text(f"step {steps} (")
    screenshot(page, ARTIFACTS / "viz-end.png")
