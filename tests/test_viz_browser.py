"""The interactive page (experiments/app/page.py), end to end in headless Chromium, plus its plumbing.

The browser test starts ``solara run`` on a free loopback port, drives the SolaraViz
controls as a user would (scenario picker, seed field, Step, a parameter slider, Reset)
and checks the numbers the page shows against an AllianceModel run of the same
scenario, seed and parameters. It saves a screenshot to artifacts/viz.png.

Needs Debian's chromium (/usr/bin/chromium) and the Python package playwright; Solara's
page assets must be in its CDN cache (``alliance viz --fetch-assets``; the test fetches
them with npm when they are missing).
"""

from __future__ import annotations

import argparse
import inspect
import os
import re
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from experiments.app import page as viz
from experiments.app import server as viz_server
from experiments.cli import viz as viz_cli
from model.engines.mesa_model import AllianceModel
from model.spec.parameters import REGISTRY
from model.spec.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCENARIO = "article9_reinterpretation"
SEED = 3
STEPS = 40
CHANGED = ("build_rate", 0.5)  # a slider moved to its maximum with the End key
SCREENSHOT = ROOT / "artifacts" / "viz.png"
NUMBER_AT = re.compile(r":\s*(-?\d+\.\d+) at (\d{4}\.\d{2})\s*$")


def reference(steps: int, parameters: dict | None = None) -> list[dict[str, float]]:
    """Index values at quarters 0..steps of an AllianceModel run (replication 0 of seed SEED)."""
    m = AllianceModel(load_scenario(SCENARIO), master=SEED, identity=(0,), parameters=parameters)
    for _ in range(steps):
        m.step()
    return m.datacollector.get_model_vars_dataframe().to_dict("records")


# ---------------------------------------------------------------- fast checks of the page's model and parts
def test_viz_model_is_the_alliance_model_run():
    defaults = {p.name: p.default for p in REGISTRY.values()}
    m = viz.VizModel(SCENARIO, str(SEED), **defaults)
    assert m.overrides == {}  # sliders at their defaults leave the scenario's values in force
    for _ in range(12):
        m.step()
    assert m.datacollector.get_model_vars_dataframe().to_dict("records") == reference(12)


def test_viz_model_stops_at_the_horizon():
    m = viz.VizModel(SCENARIO)
    horizon = m.scenario_def.steps
    for _ in range(horizon + 5):  # SolaraViz's Step may ask for more steps than are left
        m.step()
    assert (m.steps, m.running, m.date) == (horizon, False, m.scenario_def.end)


def test_viz_model_checks_its_inputs():
    from model.spec.errors import InputError
    for seed in ("x", "-1", "1.5"):  # the free-text field: reported on the page, no traceback, no run
        m = viz.VizModel(SCENARIO, seed)
        assert "seed" in m.input_error and not m.running
        m.step()
        assert m.steps == 0
    assert viz.VizModel(SCENARIO, " 7 ").master_seed == 7
    for bad in ({"scenario_name": "nope"}, {"build_rate": 9.0}, {"no_such_parameter": 1.0}):
        with pytest.raises(InputError):
            viz.VizModel(**bad)


def test_solaraviz_accepts_the_model_params():
    from mesa.visualization.solara_viz import _build_model_init_kwargs, _check_model_params
    params = viz.model_params()
    m = viz.VizModel()
    _check_model_params(m, params)  # SolaraViz raises on unknown or missing parameters
    values = {k: (v.value if hasattr(v, "value") else v["value"]) for k, v in params.items()}
    kwargs = _build_model_init_kwargs(m, values, add_scenario_when_empty=True, require_model_accepts_scenario=True)
    assert "scenario" not in kwargs  # what Reset passes: no Mesa Scenario object
    assert type(m)(**kwargs).scenario_name == viz.DEFAULT_SCENARIO
    sig = inspect.signature(viz.VizModel.__init__).parameters
    assert set(REGISTRY) <= set(sig)
    for p in REGISTRY.values():  # low and default lie on the slider's grid
        step = viz.slider_step(p)
        assert abs(p.default / step - round(p.default / step)) < 1e-6 and step <= (p.high - p.low) / 100


def test_figures_render():
    m = viz.VizModel(SCENARIO)
    for _ in range(5):
        m.step()
    images = viz.render_all(viz.snapshot(m, viz.dyads(m)[0]))
    assert set(images) == {"timeline", "domains", "threat", "network"}
    assert all(b.startswith(b"\x89PNG") for b in images.values())


def test_cli_options():
    p = argparse.ArgumentParser()
    viz_cli.VIZ.configure(p)
    a = p.parse_args([])
    assert (a.host, a.port, a.no_browser) == ("127.0.0.1", 8765, False)
    cmd = viz_server.solara_command("127.0.0.1", 9999, open_browser=False)
    assert cmd[1:4] == ["-m", "solara", "run"] and Path(cmd[4]) == ROOT / "experiments" / "app" / "page.py"
    assert "--no-open" in cmd and cmd[cmd.index("--host") + 1] == "127.0.0.1"
    assert viz_server.asset_packages(), "found no asset references in Solara's page templates"


# ---------------------------------------------------------------- the browser test
def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    """``solara run experiments/app/page.py`` on 127.0.0.1:<free port>; yields (url, log path); always stopped."""
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium) for this test")
    pytest.importorskip("playwright.sync_api", reason="the Python package playwright is not installed")
    if viz_server.missing_assets():
        viz_server.fetch_assets(quiet=True)  # Solara's page JS/CSS from the npm registry (no CDN needed)
    port = free_port()
    log = tmp_path / "solara.log"
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


def shown(page, name: str, at: float | None = None) -> tuple[float, float]:
    """(value, date) of the readout line of index ``name`` (waiting until it shows date ``at``)."""
    if at is not None:  # components re-render independently: wait for this one to catch up
        from playwright.sync_api import expect

        expect(page.locator(f".viz-index-{name}")).to_contain_text(f" at {at:.2f}")
    text = page.locator(f".viz-index-{name}").inner_text()
    m = NUMBER_AT.search(text)
    assert m, f"cannot read a number from {text!r}"
    return float(m.group(1)), float(m.group(2))


@pytest.mark.browser
def test_page_in_browser(server):
    from playwright.sync_api import expect, sync_playwright

    url, log = server
    names = ["japan_nato", "china_russia_alignment"]
    first = reference(STEPS)
    second = reference(2 * STEPS, {CHANGED[0]: CHANGED[1]})
    start = load_scenario(SCENARIO).start
    errors: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 2000})
            page.set_default_timeout(60_000)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(url)
            status = page.locator(".viz-status")
            expect(status).to_contain_text(f"{viz.DEFAULT_SCENARIO} · seed 0 · quarter 0 of", timeout=90_000)

            # the scenario picker, the seed field, then Reset starts that run
            page.locator(".v-select", has_text="Scenario").click()
            page.get_by_role("option", name=SCENARIO, exact=True).click()
            seed = page.get_by_label("Seed (whole number; Enter to confirm)")
            seed.fill(str(SEED))
            seed.press("Enter")
            page.get_by_role("button", name="Reset").click()
            expect(status).to_contain_text(f"{SCENARIO} · seed {SEED} · quarter 0 of")
            at_start = {n: shown(page, n, at=start) for n in names}
            for n in names:
                assert at_start[n] == (round(first[0][n], 4), start)

            # Step, one quarter per click
            step = page.get_by_role("button", name="Step")
            for q in range(1, STEPS + 1):
                step.click()
                expect(status).to_contain_text(f"quarter {q} of")
            for n in names:
                value, date = shown(page, n, at=start + STEPS / 4)
                assert date == start + STEPS / 4
                assert f"{value:.4f}" == f"{first[STEPS][n]:.4f}", n
                assert value != at_start[n][0], f"{n} did not change in {STEPS} quarters"
            expect(page.locator(".viz-figures-current")).to_contain_text(f"quarter {STEPS} (")
            for name in ("timeline", "domains", "threat", "network"):
                expect(page.locator(f".viz-{name}")).to_be_visible()
            SCREENSHOT.parent.mkdir(exist_ok=True)
            page.screenshot(path=str(SCREENSHOT), full_page=True)

            # move a parameter slider, Reset: a new run starts with it
            slider = page.locator(".v-slider", has_text=f"{CHANGED[0]} [").get_by_role("slider")
            slider.focus()
            slider.press("End")
            expect(slider).to_have_attribute("aria-valuenow", f"{CHANGED[1]:g}")
            page.get_by_role("button", name="Reset").click()
            expect(status).to_contain_text(f"{SCENARIO} · seed {SEED} · quarter 0 of")
            expect(page.locator(".viz-overrides")).to_contain_text(f"{CHANGED[0]}={CHANGED[1]:g}")
            for n in names:
                assert shown(page, n, at=start) == at_start[n]
            k = 8
            for q in range(1, k + 1):
                step.click()
                expect(status).to_contain_text(f"quarter {q} of")
            value, date = shown(page, "japan_nato", at=start + k / 4)
            assert date == start + k / 4
            assert f"{value:.4f}" == f"{second[k]['japan_nato']:.4f}"
            assert f"{value:.4f}" != f"{first[k]['japan_nato']:.4f}", "the new parameter value changed nothing"

            # Play runs on by itself until paused; what it shows is still the reference run
            page.get_by_role("button", name="▶").click()
            expect(status).to_contain_text(re.compile(r"quarter (1[2-9]|[2-9]\d) of"))
            page.get_by_role("button", name="❚❚").click()
            expect(step).to_be_enabled()
            seen, text = None, status.inner_text()
            while text != seen:  # wait for a step still under way when Pause came
                time.sleep(1.0)
                seen, text = text, status.inner_text()
            q = int(re.search(r"quarter (\d+) of", text).group(1))
            assert q <= 2 * STEPS, "played too far for this check"
            value, date = shown(page, "japan_nato", at=start + q / 4)
            assert (f"{value:.4f}", date) == (f"{second[q]['japan_nato']:.4f}", start + q / 4)

            # a seed that is not a number: said on the page, nothing runs, no traceback
            seed.fill("abc")
            seed.press("Enter")
            page.get_by_role("button", name="Reset").click()
            expect(page.locator(".viz-error")).to_contain_text("whole number")
            expect(status).to_contain_text("seed invalid · quarter 0 of")
        finally:
            browser.close()
    assert not errors, f"JavaScript errors on the page: {errors}"
    assert "Traceback" not in log.read_text(), log.read_text()[-3000:]
