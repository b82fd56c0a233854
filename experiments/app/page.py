"""Interactive page: a Mesa SolaraViz dashboard for one run of a scenario.

Start it with ``alliance viz`` (or ``solara run experiments/viz.py``). The sidebar is
Mesa's SolaraViz: Reset / Play / Step, the play and render intervals, and the model
parameters generated here (scenario picker, seed, one slider per registry parameter).
Changed parameters take effect on Reset, as everywhere in SolaraViz. The main area
shows the current index values (as text, with stable CSS classes the browser test
reads), the index time series with the scenario's events, cooperation by domain for a
chosen dyad, the threat-perception heatmap, the cooperation network and the events list.

The run shown is replication 0 of ``alliance run SCENARIO --seed SEED``: the page builds
an :class:`~model.engines.mesa_model.AllianceModel` with ``master=SEED, identity=(0,)``.

The main area is laid out with plain Solara rows and columns instead of SolaraViz's
draggable grid (``components=[]``): the grid loads a JavaScript library from a CDN at
page load, so it stays empty on machines without internet access.
"""

from __future__ import annotations

import html
import inspect
import io
import itertools
import math
import threading
from dataclasses import dataclass

import numpy as np
import solara
import solara.lab
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from mesa.visualization import Slider, SolaraViz
from mesa.visualization.utils import update_counter

from model.engines.mesa_model import AllianceModel
from model.spec.domains import DOMAINS
from model.spec.errors import InputError
from model.spec.parameters import REGISTRY, Parameter
from model.spec.scenario import load_scenario, shipped

DEFAULT_SCENARIO = "historical_baseline"
TITLE = "Japan–NATO cooperation: one run"
_SERIALS = itertools.count()
COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b")


def scenario_names() -> list[str]:
    """The shipped scenarios, by name (the values of the scenario picker)."""
    return [p.stem for p in shipped()]


def parse_seed(value) -> int:
    """The master seed typed in the seed field: a whole number >= 0."""
    text = str(value).strip()
    try:
        seed = int(text)
    except ValueError:
        raise InputError("seed field", None, "seed", f"must be a whole number, got {text!r}") from None
    if seed < 0:
        raise InputError("seed field", None, "seed", f"must be 0 or more, got {seed}")
    return seed


def slider_step(p: Parameter) -> float:
    """The coarsest power-of-ten step (at most 1/100 of the range) with low and default on the grid."""
    span = p.high - p.low
    step = 10.0 ** math.floor(math.log10(span / 100.0))
    while step > 1e-6:
        if all(abs(v / step - round(v / step)) < 1e-6 for v in (p.low, p.default)):
            return step
        step /= 10.0
    return step


def slider_label(p: Parameter) -> str:
    return f"{p.name} [{p.low:g}–{p.high:g}] ({p.unit})"


def model_params() -> dict:
    """SolaraViz ``model_params``: scenario picker, seed field, a slider per registry parameter."""
    out: dict = {
        "scenario_name": {"type": "Select", "value": DEFAULT_SCENARIO, "values": scenario_names(),
                          "label": "Scenario"},
        "seed": {"type": "InputText", "value": "0", "label": "Seed (whole number; Enter to confirm)"},
    }
    for p in REGISTRY.values():
        out[p.name] = Slider(slider_label(p), value=p.default, min=p.low, max=p.high, step=slider_step(p),
                             dtype=float)
    return out


class VizModel(AllianceModel):
    """An AllianceModel built from what SolaraViz passes: scenario name, seed and parameter values.

    A slider left at its registry default leaves the scenario's own value (if it sets one)
    in force; a moved slider overrides it. ``overrides`` holds the values actually applied.
    A seed that is not a whole number >= 0 (the one free-text field) does not raise, which
    would replace the page by a traceback: the model is built with seed 0 but does not run
    (``running`` is False) and ``input_error`` says why, for the page to show.
    """

    def __init__(self, scenario_name: str = DEFAULT_SCENARIO, seed: int | str = 0, **parameters: float):
        names = scenario_names()
        if scenario_name not in names:
            raise InputError("scenario picker", None, "scenario_name",
                             f"unknown scenario '{scenario_name}'; shipped: {', '.join(names)}")
        try:
            master, error = parse_seed(seed), None
        except InputError as exc:
            master, error = 0, f"the seed {exc.message}"
        overrides = {}
        for name, value in parameters.items():
            if name not in REGISTRY:
                raise InputError("model_params", None, name, "unknown parameter")
            p = REGISTRY[name]
            value = float(value)
            why = p.check(value)
            if why:
                raise InputError("model_params", None, name, why)
            if not math.isclose(value, p.default, rel_tol=0.0, abs_tol=1e-12):
                overrides[name] = value
        super().__init__(load_scenario(scenario_name), master=master, identity=(0,), parameters=overrides)
        self.serial = next(_SERIALS)  # tells models apart (unlike id(), never reused)
        self.scenario_name = scenario_name
        self.master_seed = master
        self.overrides = overrides
        self.input_error = error
        if error:
            self.running = False
        # SolaraViz's Step runs "render interval" steps without looking at ``running`` in between;
        # stop at the horizon instead of running past it (Mesa installs ``step`` per instance).
        mesa_step = self.step

        def step() -> None:
            if self.running:
                mesa_step()

        self.step = step


# SolaraViz reads the model's __init__ signature to check parameter names and to decide what
# to pass on Reset: list every registry parameter (and no ``scenario``/``**kwargs``, for which
# it would pass a Mesa Scenario object).
VizModel.__init__.__signature__ = inspect.Signature(
    [inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD),
     inspect.Parameter("scenario_name", inspect.Parameter.POSITIONAL_OR_KEYWORD, default=DEFAULT_SCENARIO),
     inspect.Parameter("seed", inspect.Parameter.POSITIONAL_OR_KEYWORD, default=0)]
    + [inspect.Parameter(p.name, inspect.Parameter.KEYWORD_ONLY, default=p.default) for p in REGISTRY.values()])


# ---------------------------------------------------------------- what the page shows, as plain data
@dataclass(frozen=True)
class View:
    """A copy of what the figures need from the model at one quarter (safe to draw in another thread)."""

    scenario: str
    start: float
    end: float
    quarter: int
    date: float
    actors: tuple[str, ...]
    index_labels: dict[str, str]  # reporter name -> label
    indices: dict[str, np.ndarray]  # reporter name -> values for quarters 0..quarter
    events: tuple[tuple[float, str], ...]  # (date, label)
    coop: np.ndarray  # (N, N, D)
    ceiling: np.ndarray  # (N, N, D)
    threat: np.ndarray  # (N, N)
    align: np.ndarray  # (N, N)
    power: np.ndarray  # (N,)
    dyad: tuple[int, int]

    @property
    def dates(self) -> np.ndarray:
        return self.start + np.arange(self.quarter + 1) / 4.0


def index_label(model: AllianceModel, name: str) -> str:
    spec = model.world.indices[name]
    a, b = (model.world.actors[i] for i in spec["pair"])
    return f"{a}–{b} {'index' if spec['kind'] == 'cooperation' else 'alignment'}"


def current_indices(model: AllianceModel) -> dict[str, float]:
    """The latest value of every index reporter (what the readout and the time series show)."""
    df = model.datacollector.get_model_vars_dataframe()
    return {name: float(df[name].iloc[-1]) for name in df.columns}


def dyads(model: AllianceModel) -> list[str]:
    actors = model.world.actors
    return [f"{actors[i]}–{actors[j]}" for i in range(len(actors)) for j in range(i + 1, len(actors))]


def snapshot(model: AllianceModel, dyad: str) -> View:
    s, st = model.scenario_def, model.state
    df = model.datacollector.get_model_vars_dataframe()
    a, b = (model.world.actors.index(x) for x in dyad.split("–"))
    return View(
        scenario=s.name, start=s.start, end=s.end, quarter=model.quarter, date=model.date, actors=model.world.actors,
        index_labels={k: index_label(model, k) for k in df.columns},
        indices={k: df[k].to_numpy(dtype=float, copy=True) for k in df.columns},
        events=tuple((ev.date, ev.label) for ev in s.events),
        coop=st.coop[0].copy(), ceiling=st.ceiling[0].copy(), threat=st.threat[0].copy(), align=st.align[0].copy(),
        power=st.attrs["power"][0].copy(), dyad=(a, b))


def _short(actor: str) -> str:
    return "US" if actor == "United States" else actor


def timeline_figure(v: View) -> Figure:
    fig = Figure(figsize=(12.5, 3.3), dpi=96)
    fig.subplots_adjust(left=0.05, right=0.98, bottom=0.12, top=0.88)
    ax = fig.subplots()
    passed = [(d, label) for d, label in v.events if d <= v.date]
    for d, _ in v.events:
        ax.axvline(d, color="0.55" if d <= v.date else "0.82", lw=0.8, ls="-" if d <= v.date else ":", zorder=1)
    for k, (name, values) in enumerate(v.indices.items()):
        colour = COLOURS[k % len(COLOURS)]
        ax.plot(v.dates, values, color=colour, lw=2.2, label=v.index_labels[name], zorder=3)
        ax.plot(v.dates[-1:], values[-1:], "o", color=colour, ms=5, zorder=4)
    ax.axvline(v.date, color="black", lw=1.0, zorder=2)
    ax.set_xlim(v.start, v.end)
    top = max([1.0] + [float(np.nanmax(x)) * 1.05 for x in v.indices.values()])
    ax.set_ylim(0.0, top)
    ax.set_ylabel("index (0–1)")
    ax.grid(axis="y", color="0.92")
    handles, labels = ax.get_legend_handles_labels()
    handles += [Line2D([], [], color="0.55", lw=0.8), Line2D([], [], color="0.82", lw=0.8, ls=":"),
                Line2D([], [], color="black", lw=1.0)]
    labels += ["scenario event (passed)", "scenario event (ahead)", "now"]
    ax.legend(handles, labels, loc="upper right", fontsize=8.5, ncol=5, frameon=True, framealpha=0.9,
              edgecolor="none")
    title = f"{v.scenario}: composite indices, {v.start:.0f}–{v.end:.0f}"
    if passed:
        d, label = passed[-1]
        title += f"   ·   latest event: {d:.2f} {label if len(label) <= 70 else label[:69] + '…'}"
    ax.set_title(title, fontsize=10.5, loc="left")
    return fig


def domain_figure(v: View) -> Figure:
    a, b = v.dyad
    coop = v.coop[a, b, :]
    ceiling = np.minimum(v.ceiling[a, b, :], v.ceiling[b, a, :])
    fig = Figure(figsize=(6.4, 4.4), dpi=96)
    fig.subplots_adjust(left=0.30, right=0.97, bottom=0.12, top=0.92)
    ax = fig.subplots()
    y = np.arange(len(DOMAINS))
    ax.barh(y, coop, color=COLOURS[0], height=0.65, label="cooperation")
    ax.scatter(ceiling, y, marker="|", s=220, color="black", linewidths=2, label="ceiling (lower of the two)",
               zorder=3)
    for yi, c, cap in zip(y, coop, ceiling):
        ax.text(max(c, cap) + 0.015, yi, f"{c:.2f}", va="center", fontsize=8, color="0.2")
    ax.set_yticks(y, [d.replace("_", " ") for d in DOMAINS], fontsize=9)
    ax.invert_yaxis()
    ax.set_xlim(0.0, 1.0)
    ax.set_xlabel("cooperation level (0–1)")
    ax.legend(loc="lower right", fontsize=8, frameon=True, framealpha=0.9, edgecolor="none")
    ax.set_title(f"{v.actors[a]}–{v.actors[b]}: cooperation by domain, {v.date:.2f}", fontsize=10.5, loc="left")
    return fig


def threat_figure(v: View) -> Figure:
    t = v.threat
    n = len(v.actors)
    fig = Figure(figsize=(6.4, 4.4), dpi=96)
    fig.subplots_adjust(left=0.17, right=0.93, bottom=0.17, top=0.92)
    ax = fig.subplots()
    shown = np.where(np.eye(n, dtype=bool), np.nan, t)
    im = ax.imshow(shown, cmap="Reds", vmin=0.0, vmax=1.0)
    for i in range(n):
        for j in range(n):
            if i != j:
                ax.text(j, i, f"{t[i, j]:.2f}", ha="center", va="center", fontsize=9,
                        color="white" if t[i, j] > 0.6 else "black")
    names = [_short(x) for x in v.actors]
    ax.set_xticks(range(n), names, fontsize=9)
    ax.set_yticks(range(n), names, fontsize=9)
    ax.set_xlabel("threat from")
    ax.set_ylabel("perceived by")
    fig.colorbar(im, ax=ax, shrink=0.9, label="perceived threat (0–1)")
    ax.set_title(f"Threat perception, {v.date:.2f}", fontsize=10.5, loc="left")
    return fig


def network_figure(v: View) -> Figure:
    n = len(v.actors)
    coop = v.coop.mean(axis=-1)
    angle = np.pi / 2 - 2 * np.pi * np.arange(n) / n
    pos = np.column_stack([np.cos(angle), np.sin(angle)])
    fig = Figure(figsize=(6.4, 4.4), dpi=96)
    fig.subplots_adjust(left=0.02, right=0.98, bottom=0.10, top=0.92)
    ax = fig.subplots()
    for i in range(n):
        for j in range(i + 1, n):
            (x0, y0), (x1, y1) = pos[i], pos[j]
            if coop[i, j] > 0.01:
                ax.plot([x0, x1], [y0, y1], color=COLOURS[0], lw=0.5 + 12 * coop[i, j], alpha=0.5,
                        solid_capstyle="round", zorder=1)
                ax.text(x0 + 0.4 * (x1 - x0), y0 + 0.4 * (y1 - y0), f"{coop[i, j]:.2f}", fontsize=8, ha="center",
                        va="center", color=COLOURS[0], zorder=2,
                        bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.85})
            if v.align[i, j] > 0.01:  # drawn beside the cooperation edge, not on it
                dx, dy = (y1 - y0) * 0.06, (x0 - x1) * 0.06
                x0, y0, x1, y1 = x0 + dx, y0 + dy, x1 + dx, y1 + dy
                ax.plot([x0, x1], [y0, y1], color=COLOURS[1], lw=0.5 + 10 * v.align[i, j], ls="--", alpha=0.8,
                        zorder=1)
                ax.text(x0 + 0.6 * (x1 - x0), y0 + 0.6 * (y1 - y0), f"{v.align[i, j]:.2f}", fontsize=8,
                        ha="center", va="center", color=COLOURS[1], zorder=2,
                        bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.85})
    ax.scatter(pos[:, 0], pos[:, 1], s=500 + 1800 * v.power, color="#f4f4f4", edgecolors="0.35", zorder=3)
    for (x, y), name in zip(pos, v.actors):
        ax.text(x, y, _short(name), ha="center", va="center", fontsize=9.5, zorder=4)
    ax.set_xlim(-1.6, 1.6)
    ax.set_ylim(-1.3, 1.3)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.legend([Line2D([], [], color=COLOURS[0], lw=4, alpha=0.5), Line2D([], [], color=COLOURS[1], lw=3, ls="--"),
               Line2D([], [], marker="o", ls="", mfc="#f4f4f4", mec="0.35", ms=11)],
              ["cooperation (mean of domains)", "counterbalancing alignment", "node size: power"],
              loc="lower center", bbox_to_anchor=(0.5, -0.05), fontsize=8, ncol=3, frameon=False)
    ax.set_title(f"Cooperation network, {v.date:.2f}", fontsize=10.5, loc="left")
    return fig


FIGURES = {"timeline": timeline_figure, "domains": domain_figure, "threat": threat_figure, "network": network_figure}


def png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def render_all(v: View) -> dict[str, bytes]:
    """Every figure of the page for one view, as PNG bytes."""
    return {name: png(make(v)) for name, make in FIGURES.items()}


# ---------------------------------------------------------------- solara components
@solara.component
def Readout(model: VizModel):
    """The current values as text; the CSS classes are stable (the browser test reads them)."""
    update_counter.get()
    s = model.scenario_def
    with solara.Card(margin=0, style={"padding": "6px 14px"}):
        seed = "invalid" if model.input_error else model.master_seed
        solara.Text(f"{s.name} · seed {seed} · quarter {model.quarter} of {s.steps} · {model.date:.2f}",
                    classes=["viz-status"], style={"font-weight": "600", "display": "block"})
        if model.input_error:
            solara.Text(f"Not started: {model.input_error}. Correct it in the sidebar and press Reset.",
                        classes=["viz-error"], style={"display": "block", "color": "#b00020", "font-weight": "600"})
        with solara.Row(style={"gap": "40px", "flex-wrap": "wrap"}):
            for k, (name, value) in enumerate(current_indices(model).items()):
                solara.Text(f"{index_label(model, name)}: {value:.4f} at {model.date:.2f}",
                            classes=[f"viz-index-{name}"],
                            style={"color": COLOURS[k % len(COLOURS)], "font-size": "1.15em", "font-weight": "500"})
        overrides = ", ".join(f"{k}={v:g}" for k, v in model.overrides.items()) or "none (registry/scenario values)"
        solara.Text(f"Parameter overrides: {overrides}", classes=["viz-overrides"],
                    style={"display": "block", "font-size": "0.9em"})
        if not model.running and not model.input_error:
            solara.Text("End of the horizon: press Reset for a new run.", classes=["viz-ended"],
                        style={"display": "block", "color": "#b00020"})
        elif model.running:
            solara.Text("Parameter and scenario changes in the sidebar take effect on Reset.",
                        style={"display": "block", "font-size": "0.85em", "color": "#666"})


@solara.component
def Figures(model: VizModel):
    """The four figures, drawn in a background thread so stepping and playing stay responsive."""
    update_counter.get()
    names = dyads(model)
    dyad, set_dyad = solara.use_state(names[0])
    if dyad not in names:
        dyad = names[0]
    key = (model.serial, model.quarter, dyad)
    view = snapshot(model, dyad)
    lock = solara.use_memo(threading.Lock, [])
    wanted = solara.use_ref(key)
    wanted.current = key
    drawn = solara.use_ref(None)  # (key, images) of the latest drawing

    def draw():
        with lock:  # one drawing at a time; skip views that are already out of date
            if wanted.current == key and (drawn.current is None or drawn.current[0] != key):
                drawn.current = (key, render_all(view))
            return drawn.current

    task = solara.lab.use_task(draw, dependencies=[key], prefer_threaded=True)
    task.pending  # noqa: B018  (re-render when a drawing finishes)
    done = drawn.current
    images = done[1] if done else {}
    current = bool(done) and done[0] == key
    shown = done[0][1] if done else None
    caption = (f"Figures show quarter {shown} ({view.start + shown / 4:.2f})" if done else "Drawing the figures …")
    if done and not current:
        caption += " · updating …"
    solara.Text(caption, classes=["viz-figures-current" if current else "viz-figures-stale"],
                style={"font-size": "0.85em", "color": "#666"})

    def image(name):
        if name in images:
            solara.Image(images[name], width="100%", classes=[f"viz-{name}"])
        else:
            solara.Div(style={"height": "300px"})

    with solara.Card(margin=0):
        image("timeline")
    with solara.Columns([1, 1]):
        with solara.Card(margin=0):
            solara.Select("Dyad for cooperation by domain", values=names, value=dyad, on_value=set_dyad,
                          dense=True, style={"max-width": "320px"})
            image("domains")
        with solara.Card(margin=0):
            image("threat")
    with solara.Columns([1, 1]):
        with solara.Card(margin=0):
            image("network")
        with solara.Card(margin=0):
            Events(model)


@solara.component
def Events(model: VizModel):
    update_counter.get()
    rows = []
    for d, label in ((ev.date, ev.label) for ev in model.scenario_def.events):
        done = d <= model.date
        rows.append(f"<tr style='color:{'#222' if done else '#9a9a9a'}'><td>{'✓' if done else '·'}</td>"
                    f"<td>{d:.2f}</td><td>{html.escape(label)}</td></tr>")
    solara.Text(f"Scenario events ({len(rows)}; ✓ = passed)", style={"font-weight": "600"})
    solara.HTML(tag="div", classes=["viz-events"], style="max-height: 400px; overflow-y: auto; margin-top: 6px",
                unsafe_innerHTML="<table style='font-size:0.85em;border-spacing:8px 2px'>" + "".join(rows)
                + "</table>")


CSS = """
/* SolaraViz sidebar sliders: label on its own line above the track, value always shown */
.v-slider.v-input--horizontal { grid-template-areas: "prepend" "control" "messages";
                                grid-template-columns: minmax(0, 1fr); margin-bottom: 4px; }
.v-slider.v-input--horizontal .v-input__prepend { margin-inline-end: 0; margin-bottom: -6px; }
.v-slider .v-slider__label { font-size: 0.85rem; white-space: normal; }
.v-slider-thumb__label-container { display: block !important; }
.v-slider-thumb__label { transform: translateY(calc(100% + 22px)) translateX(-50%) !important;
                         background: transparent !important; color: #333 !important; font-size: 0.75rem;
                         height: auto !important; min-width: 0 !important; }
.v-slider-thumb__label-wedge { display: none; }
"""


@solara.component
def Page():
    initial = solara.use_memo(VizModel, [])
    model = solara.use_reactive(initial)
    params = solara.use_memo(model_params, [])
    solara.Style(CSS)
    SolaraViz(model, components=[], model_params=params, name=TITLE)
    with solara.Column(style={"padding": "6px 14px", "gap": "10px"}):
        Readout(model.value)
        Figures(model.value)


page = Page()
