"""Interactive page: one run of a scenario, quarter by quarter, beside its baseline (``alliance viz``).

A Solara app around the Mesa model (:class:`~model.engines.mesa_model.AllianceModel`). The
sidebar holds the run controls (Reset, Play/Pause, Step, Export), the scenario, seed and
comparison settings, and the registry's parameters grouped by rule. Scenario, seed,
parameters and added events apply on Reset (the page says when changes are waiting);
what is shown (baseline, band, dyad) applies at once. The main area shows the readout,
the index time series with the baseline and the paired difference, cooperation by domain,
threat, the network, and the scenario's events with the editor that adds events.

The run shown is replication 0 of ``alliance run SCENARIO --seed SEED``. The model steps
only inside :class:`~experiments.app.session.Run` (under a lock, in Play's worker
thread); the readout and figures draw complete snapshots. Mesa's SolaraViz component is
not used: its controls count steps instead of dates, its Play shows a disabled pause
button at the horizon and its components read the model while it steps.
"""

from __future__ import annotations

import html
import threading
import time
from dataclasses import dataclass, replace
from functools import lru_cache

import solara
import solara.lab

from experiments.app import compare, inputs, library
from experiments.app.editing import EDITOR, EventDraft, event_of, quantity_names, scenario_yaml
from experiments.app.export import export_zip, file_name
from experiments.app.figures import Picture, colour, render_all
from experiments.app.pacing import Player
from experiments.app.session import Run, Settings
from experiments.app.snapshot import View
from model.spec.errors import InputError
from model.spec.runspec import parameters_for
from model.spec.scenario import BASELINE, OPS, Scenario
from model.spec.timegrid import date_of, date_text

DEFAULT_SCENARIO = BASELINE
TITLE = "Japan–NATO cooperation: one run"
STEP_SIZES = {"1 quarter": 1, "1 year": 4, "5 years": 20}
# The colours of the page's text (its interface; the figures take theirs from experiments.plots.style).
TEXT_COLOURS = {"error": "#b00020", "warning": "#8a5a00", "warning_background": "#fff4d6", "secondary": "#444",
                "note": "#666", "passed": "#222", "ahead": "#9a9a9a"}


def scenario_names() -> list[str]:
    return library.names()


def scenario_values(name: str) -> dict[str, float]:
    """Every parameter's value in a shipped scenario (registry default unless the scenario sets it)."""
    return parameters_for(library.scenario(name))


def quantities_of(name: str) -> list[str]:
    """The quantities events may change in the scenario's world (the editor's suggestions)."""
    return _quantities(name, library.scenario(name).world.digest)


@lru_cache(maxsize=16)
def _quantities(name: str, world_digest: str) -> list[str]:
    return quantity_names(library.scenario(name).world)


# ---------------------------------------------------------------- the sidebar's settings, before Reset
@dataclass(frozen=True)
class Draft:
    """The settings as edited in the sidebar and the events editor; Reset starts a run with them."""

    scenario: str = DEFAULT_SCENARIO
    seed: str = "0"
    overrides: tuple[tuple[str, float], ...] = ()
    events: tuple[EventDraft, ...] = ()

    @staticmethod
    def of(s: Settings) -> Draft:
        return Draft(s.scenario, str(s.seed), s.overrides, s.events)


@dataclass(frozen=True)
class Checked:
    """A draft checked as a scenario file would be: the settings to run, or what is wrong (by field)."""

    settings: Settings | None
    scenario: Scenario | None
    errors: dict[str, str]


def editor_message(exc: InputError) -> str:
    k, where = event_of(exc)
    return f"added event {k + 1}, {where}: {exc.message}" if k is not None else f"{exc.field}: {exc.message}"


@lru_cache(maxsize=64)
def check(draft: Draft) -> Checked:
    """The draft checked (cached: several components ask about the same draft)."""
    errors, seed = {}, 0
    try:
        seed = inputs.parse_seed(draft.seed)
    except InputError as exc:
        errors["seed"] = f"The seed {exc.message}"
    settings = Settings(draft.scenario, seed, draft.overrides, draft.events)
    scenario = None
    try:
        scenario = settings.compile()
    except InputError as exc:
        errors["events" if exc.file == EDITOR else "scenario"] = editor_message(exc) if exc.file == EDITOR else str(exc)
    return Checked(None if errors else settings, scenario, errors)


def changes(draft: Draft, applied: Settings) -> list[str]:
    """What Reset would change, in words."""
    out = []
    if draft.scenario != applied.scenario:
        out.append(f"scenario {applied.scenario} → {draft.scenario}")
    if draft.seed.strip() != str(applied.seed):
        out.append(f"seed {applied.seed} → {draft.seed.strip()[:24]}")
    old, new = dict(applied.overrides), dict(draft.overrides)
    values = scenario_values(draft.scenario) if draft.scenario in scenario_names() else {}
    for name in sorted(set(old) | set(new)):
        if old.get(name) != new.get(name):
            out.append(f"{name} {old.get(name, values.get(name, float('nan'))):g} → "
                       f"{new.get(name, values.get(name, float('nan'))):g}")
    if draft.events != applied.events:
        out.append(f"added events: {len(applied.events)} → {len(draft.events)}")
    return out


# ---------------------------------------------------------------- words on screen
# A run's step index (View.quarter, the table's `quarter` column: quarters since the start) is shown as
# "step", never "quarter", so it is not mistaken for the calendar quarter (Q1–Q4) of date_text.
def step_text(step: int, start: float) -> str:
    """A step and its date: "step 12 (1993 Q1)"."""
    return f"step {step} ({date_text(date_of(start, step))})"


def status_text(view: View) -> str:
    """The readout's first line: "scenario · seed S · 2000 Q1 (2000.00) · step 40 of 140"."""
    return (f"{view.scenario} · seed {view.seed} · {date_text(view.date)} ({view.date:.2f}) · "
            f"step {view.quarter} of {view.steps}")


@dataclass(frozen=True)
class PageState:
    """The page's reactive state, shared by its components."""

    run: solara.Reactive  # Run
    draft: solara.Reactive  # Draft
    tick: solara.Reactive  # int: bumped when the run has a new snapshot
    playing: solara.Reactive  # bool
    pause_ms: solara.Reactive  # int
    step: solara.Reactive  # key of STEP_SIZES
    dyad: solara.Reactive  # str "A–B"
    baseline: solara.Reactive  # str | None (None: what the run's scenario extends)
    band_on: solara.Reactive  # bool
    band_seeds: solara.Reactive  # int
    band_posterior: solara.Reactive  # bool: each band run draws its parameters from the shipped posterior
    answer_on: solara.Reactive  # bool: compute the what-if answer of the run's scenario
    player: Player

    def bump(self) -> None:
        self.tick.set(self.player.publish())

    def baseline_name(self) -> str | None:
        choice = self.baseline.value
        return self.run.value.default_baseline if choice is None else choice

    def reset(self, settings: Settings, scenario: Scenario) -> None:
        self.playing.set(False)
        run = Run(settings, scenario)
        run.comparison(run.default_baseline if self.baseline.value is None else self.baseline.value)  # warm
        self.run.set(run)
        self.bump()


# ---------------------------------------------------------------- sidebar
def play_loop(st: PageState) -> None:
    """Play: step the run one quarter at a time until paused, reset or at the horizon (a worker thread).

    The page is told about a new snapshot only when it has drawn the previous one (see pacing.Player).
    """
    run, player = st.run.value, st.player
    me, running = player.claim(), run.latest.running
    while running and st.playing.value and st.run.value is run and player.owner is me:
        if st.pause_ms.value:
            time.sleep(st.pause_ms.value / 1000.0)
        running = run.step_quietly()
        if running and player.ready():
            run.refresh()
            player.timed(st.bump)  # Solara may render in this thread: as long as that takes, the model steps on
    if st.run.value is run and player.owner is me:
        run.refresh()
        if not run.latest.running:
            st.playing.set(False)
        st.bump()


@solara.component
def Controls(st: PageState):
    """Reset, Play/Pause, Step, the speed and step size, and Export."""
    st.tick.value  # noqa: B018  (re-render on every new snapshot)
    run, playing = st.run.value, st.playing.value
    view = run.latest
    checked = check(st.draft.value)

    def task():
        if st.playing.value:
            play_loop(st)

    solara.lab.use_task(task, dependencies=[playing, run.serial], prefer_threaded=True)

    def do_reset():
        if checked.settings is not None:
            st.reset(checked.settings, checked.scenario)

    def do_step():
        run.advance(STEP_SIZES[st.step.value])
        st.bump()

    ended = not view.running
    with solara.Row(style={"gap": "6px", "flex-wrap": "wrap"}):
        solara.Button("Reset", color="primary", on_click=do_reset, disabled=checked.settings is None,
                      classes=["viz-reset"])
        if playing and not ended:
            solara.Button("❚❚ Pause", color="primary", on_click=lambda: st.playing.set(False), classes=["viz-play"])
        else:
            solara.Button("▶ Play", color="primary", on_click=lambda: st.playing.set(True), disabled=ended,
                          classes=["viz-play"])
        solara.Button("Step", color="primary", on_click=do_step, disabled=playing or ended, classes=["viz-step"])
    if ended:
        solara.Text(f"End of the horizon ({date_text(view.end)}): press Reset for a new run.",
                    classes=["viz-ended"],
                    style={"display": "block", "color": TEXT_COLOURS["error"], "font-size": "0.9em"})
    solara.Select("Step moves", values=list(STEP_SIZES), value=st.step, dense=True)
    solara.SliderInt("Pause between steps while playing (ms)", value=st.pause_ms, min=0, max=500, step=10)
    ExportButton(st)


@solara.component
def ExportButton(st: PageState):
    """Export: the run's tidy table (CSV), figures (PNG) and scenario, seed and overrides (YAML) in one zip."""
    run = st.run.value
    options = solara.use_ref(None)
    options.current = picture_options(st)

    def data() -> bytes:
        dyad, comparison, band = options.current
        return export_zip(run, Picture(run.latest, dyad, comparison, band))

    stable = solara.use_memo(lambda: data, [run.serial])
    solara.FileDownload(stable, filename=file_name(run.latest), label="Export (CSV, PNG, YAML)",
                        mime_type="application/zip")


def picture_options(st: PageState) -> tuple:
    """(dyad, comparison, band) as currently chosen on the page (a band only once computed)."""
    run = st.run.value
    actors = run.latest.actors
    names = dyads(actors)
    a, b = (actors.index(x) for x in (st.dyad.value if st.dyad.value in names else names[0]).split("–"))
    found = run.comparison(st.baseline_name())
    comparison = found if isinstance(found, compare.Comparison) else None
    band = None
    if st.band_on.value:
        band = run.band_if_ready(st.baseline_name(), st.band_seeds.value, st.band_posterior.value)
    return (a, b), comparison, band


def dyads(actors) -> list[str]:
    return [f"{actors[i]}–{actors[j]}" for i in range(len(actors)) for j in range(i + 1, len(actors))]


@solara.component
def ScenarioCard(st: PageState):
    """The scenario picker (with its description), the seed field and what the run is compared with."""
    draft = st.draft.value
    checked = check(draft)
    names = scenario_names()

    def set_scenario(name):
        st.draft.set(replace(draft, scenario=name))

    solara.Select("Scenario", values=names, value=draft.scenario, on_value=set_scenario)
    if checked.scenario is not None:
        solara.Text(checked.scenario.description, classes=["viz-description"],
                    style={"display": "block", "font-size": "0.85em", "color": TEXT_COLOURS["secondary"],
                           "margin-bottom": "8px"})
    solara.InputText("Seed (whole number 0 – 2**63−1)", value=draft.seed,
                     on_value=lambda text: st.draft.set(replace(st.draft.value, seed=text)),
                     continuous_update=True, error=checked.errors.get("seed", False),
                     classes=["viz-seed"])
    default = st.run.value.default_baseline
    choices = [compare.NONE] + names
    solara.Select("Compare with (same seed, same parameters)", values=choices,
                  value=st.baseline_name() or compare.NONE, on_value=st.baseline.set, dense=True)
    solara.Text(f"Default: {default}, the scenario the run's scenario extends." if default else
                "The run's scenario extends no other: choose one here to compare with.",
                style={"display": "block", "font-size": "0.8em", "color": TEXT_COLOURS["note"]})
    with solara.Row(style={"align-items": "center", "gap": "10px"}):
        solara.Switch(label="Band over seeds", value=st.band_on, classes=["viz-band-switch"])
        solara.Select("Seeds", values=list(compare.BAND_SIZES), value=st.band_seeds, dense=True,
                      style={"min-width": "90px", "max-width": "110px"})
    solara.Switch(label="Band: parameters from the posterior", value=st.band_posterior,
                  classes=["viz-band-posterior"])
    solara.Text("Each band run draws its parameters from data/posterior_1990_2025 (a slider you moved keeps its "
                "value), so the band shows what the record leaves open.",
                style={"display": "block", "font-size": "0.8em", "color": TEXT_COLOURS["note"]})


@solara.component
def Parameters(st: PageState):
    """The registry's parameters, one slider each, grouped by the rule that uses them; the meaning on hover."""
    draft = st.draft.value
    if draft.scenario not in scenario_names():
        return
    values = scenario_values(draft.scenario)
    moved = dict(draft.overrides)

    def set_value(name, value):
        d = st.draft.value
        new = {**dict(d.overrides), name: float(value)}
        st.draft.set(replace(d, overrides=tuple(inputs.overrides_from(new, values).items())))

    solara.Text("Slider values differing from the scenario's are overrides (● marks them); hover a slider for "
                "what it means.", style={"display": "block", "font-size": "0.8em", "color": TEXT_COLOURS["note"]})
    for title, params in inputs.groups():
        changed = sum(p.name in moved for p in params)
        with solara.Details(f"{title} ({len(params)}{f', {changed} changed' if changed else ''})"):
            for p in params:
                label = ("● " if p.name in moved else "") + inputs.slider_label(p)
                with solara.Tooltip(f"{p.meaning} (scenario value {values[p.name]:g}; rule: {p.rule})"):
                    solara.SliderFloat(label, value=moved.get(p.name, values[p.name]), min=p.low, max=p.high,
                                       step=inputs.slider_step(p), thumb_label="always",
                                       on_value=lambda v, name=p.name: set_value(name, v))
    solara.Button("Restore the scenario's values", text=True, disabled=not moved,
                  on_click=lambda: st.draft.set(replace(st.draft.value, overrides=())))


# ---------------------------------------------------------------- main area
@solara.component
def Pending(st: PageState):
    """Whether the run uses the sidebar's settings, or which changes wait for Reset (or what blocks them)."""
    draft, run = st.draft.value, st.run.value
    checked = check(draft)
    waiting = changes(draft, run.settings)
    if checked.errors:
        solara.Text("Cannot start a run: " + "; ".join(checked.errors.values()), classes=["viz-error"],
                    style={"display": "block", "color": TEXT_COLOURS["error"], "font-weight": "600"})
    if waiting:
        solara.Text("Changes waiting for Reset: " + "; ".join(waiting), classes=["viz-pending"],
                    style={"display": "block", "color": TEXT_COLOURS["warning"],
                           "background": TEXT_COLOURS["warning_background"], "padding": "2px 6px"})
    elif not checked.errors:
        solara.Text("The run uses the settings in the sidebar (scenario, seed, parameters and events apply on "
                    "Reset; what is shown applies at once).", classes=["viz-applied"],
                    style={"display": "block", "font-size": "0.85em", "color": TEXT_COLOURS["note"]})


def _values(view: View, c: compare.Comparison | None, band: compare.Band | None, k: int, name: str) -> None:
    """One index: its value now, the paired difference from the baseline, and the band over seeds."""
    label, value, q = view.index_labels[name], view.value(name), view.quarter
    with solara.Column(gap="0px", style={"min-width": "340px"}):
        solara.Text(f"{label}: {value:.4f} at {view.date:.2f}", classes=[f"viz-index-{name}"],
                    style={"color": colour(k), "font-size": "1.15em", "font-weight": "500"})
        if c is not None:
            base = c.at(name, q)
            solara.Text(f"vs baseline: {value - base:+.4f} ({c.name}: {base:.4f})", classes=[f"viz-diff-{name}"],
                        style={"font-size": "0.95em"})
        if band is not None:
            lo, mid, hi = band.scenario[name][:, q]
            over = compare.band_text(band.seeds, band.posterior)
            text = f"over {over}: 5–95 % {lo:.4f} – {hi:.4f} (median {mid:.4f})"
            if band.difference is not None:
                dlo, _, dhi = band.difference[name][:, q]
                text += f"; vs baseline {dlo:+.4f} – {dhi:+.4f}"
            solara.Text(text, classes=[f"viz-band-{name}"],
                        style={"font-size": "0.85em", "color": TEXT_COLOURS["secondary"]})


@solara.component
def Readout(st: PageState):
    """The current values as text; the CSS classes are stable (the browser test reads them)."""
    tick = st.tick.value
    solara.use_effect(lambda: st.player.acknowledge(tick), [tick])  # after the render: Play may go on
    run = st.run.value
    view = run.latest
    found = run.comparison(st.baseline_name())
    c = found if isinstance(found, compare.Comparison) else None
    with solara.Card(margin=0, style={"padding": "6px 14px"}):
        solara.Text(status_text(view), classes=["viz-status"],
                    style={"font-weight": "600", "display": "block"})
        if isinstance(found, InputError):
            solara.Text(f"No baseline: {found}", classes=["viz-compare"], style={"display": "block"})
        elif c is not None:
            solara.Text(f"Compared with {c.name}: same seed, same parameter overrides"
                        + (f"; {c.note}" if c.note else "") + ". Dashed lines in the chart.",
                        classes=["viz-compare"], style={"display": "block", "font-size": "0.85em"})
        band = BandTask(st)
        with solara.Row(style={"gap": "30px", "flex-wrap": "wrap"}):
            for k, name in enumerate(view.indices):
                _values(view, c, band, k, name)
        overrides = ", ".join(f"{k}={v:g}" for k, v in view.overrides) or "none (the scenario's values)"
        solara.Text(f"Parameter overrides: {overrides}", classes=["viz-overrides"],
                    style={"display": "block", "font-size": "0.9em"})
        Pending(st)


def BandTask(st: PageState) -> compare.Band | None:
    """The band over seeds when switched on: computed with the batch kernel in a worker thread (a hook)."""
    run, on, seeds, baseline = st.run.value, st.band_on.value, st.band_seeds.value, st.baseline_name()
    drawn = st.band_posterior.value

    def compute():
        if on:
            run.band(baseline, seeds, drawn)
            st.bump()

    task = solara.lab.use_task(compute, dependencies=[run.serial, on, seeds, baseline, drawn], prefer_threaded=True)
    band = run.band_if_ready(baseline, seeds, drawn) if on else None
    if on and band is None:
        solara.Text(f"The band failed: {task.exception}" if task.error else "Computing the band over "
                    f"{compare.band_text(seeds, bool(drawn))} "
                    "(batch kernel) …", classes=["viz-band-pending"], style={"display": "block"})
    return band


ANSWER_DRAWS = 100  # posterior draws of the page's what-if answer (alliance whatif --draws 100)


def answer_markdown(ans) -> str:
    """The what-if answer as a markdown table: ``alliance whatif``'s columns, one row per index and date."""
    lines = [f"**{ans.scenario.name} − {ans.parent.name}**, {ans.draws} posterior draws, paired (seed {ans.seed})",
             "", "| index | date | median effect | 5–95 % of draws | mean [90 % interval] | share > 0 | rests on |",
             "|---|---:|---:|---:|---:|---:|---|"]
    for r in ans.table.itertuples(index=False):
        rests = html.escape(r.rests_on) + (" (conditional)" if r.conditional else "")
        lines.append(f"| {r.index} | {r.date:g} | {r.median:+.4f} | {r.q05:+.4f} … {r.q95:+.4f} | "
                     f"{r.mean:+.4f} [{r.low:+.4f}, {r.high:+.4f}] | {r.positive:.0%} | {rests} |")
    return "\n".join(lines)


@solara.component
def WhatifAnswer(st: PageState):
    """``alliance whatif`` for the run's scenario: its paired effect against what it extends, under the posterior."""
    run, on = st.run.value, st.answer_on.value

    def compute():
        if on:
            run.answer(ANSWER_DRAWS)
            st.bump()

    task = solara.lab.use_task(compute, dependencies=[run.serial, on], prefer_threaded=True)
    with solara.Card("The what-if answer", margin=0, classes=["viz-answer"]):
        if run.default_baseline is None:
            solara.Text(f"{run.settings.scenario} extends no scenario: there is nothing to measure it against.",
                        style={"color": TEXT_COLOURS["note"]})
            return
        solara.Switch(label=f"Answer: {run.settings.scenario} against {run.default_baseline}, "
                            f"{ANSWER_DRAWS} posterior draws (alliance whatif)", value=st.answer_on,
                      classes=["viz-answer-switch"])
        found = run.answer_if_ready(ANSWER_DRAWS) if on else None
        if on and found is None:
            solara.Text(f"The answer failed: {task.exception}" if task.error else "Computing the answer …",
                        classes=["viz-answer-pending"])
        elif isinstance(found, InputError):
            solara.Text(editor_message(found), style={"color": TEXT_COLOURS["error"]})
        elif found is not None:
            solara.Markdown(answer_markdown(found), style={"font-size": "0.85em"})


@solara.component
def Figures(st: PageState):
    """The four figures, drawn from the latest snapshot in a worker thread (stale drawings are skipped)."""
    st.tick.value  # noqa: B018
    run = st.run.value
    view = run.latest
    names = dyads(view.actors)
    dyad, comparison, band = picture_options(st)
    key = (view.serial, view.quarter, dyad, comparison and comparison.name, band and (band.seeds, band.posterior))
    pic = Picture(view, dyad, comparison, band)
    lock = solara.use_memo(threading.Lock, [])
    wanted = solara.use_ref(key)
    wanted.current = key
    drawn = solara.use_ref(None)  # (key, images) of the latest drawing

    def draw():
        with lock:  # one drawing at a time; skip views that are already out of date
            if wanted.current == key and (drawn.current is None or drawn.current[0] != key):
                drawn.current = (key, render_all(pic))
            return drawn.current

    task = solara.lab.use_task(draw, dependencies=[key], prefer_threaded=True)
    task.pending  # noqa: B018  (re-render when a drawing finishes)
    done = drawn.current
    images = done[1] if done else {}
    current = bool(done) and done[0] == key
    caption = "Drawing the figures …"
    if done:
        shown = done[0][1]
        caption = f"Figures show {step_text(shown, view.start)}"
        caption += "" if current else " · updating …"
    solara.Text(caption, classes=["viz-figures-current" if current else "viz-figures-stale"],
                style={"font-size": "0.85em", "color": TEXT_COLOURS["note"]})

    def image(name):
        if name in images:
            solara.Image(images[name], width="100%", classes=[f"viz-{name}"])
        else:
            solara.Div(style={"height": "300px"})

    with solara.Card(margin=0):
        image("timeline")
    with solara.Columns([1, 1]):
        with solara.Card(margin=0):
            solara.Select("Dyad for cooperation by domain", values=names,
                          value=st.dyad.value if st.dyad.value in names else names[0], on_value=st.dyad.set,
                          dense=True, style={"max-width": "320px"})
            image("domains")
        with solara.Card(margin=0):
            image("threat")
    with solara.Columns([1, 1]):
        with solara.Card(margin=0):
            image("network")
        with solara.Card(margin=0):
            Events(st)
    with solara.Card(margin=0):
        EventEditor(st)


@solara.component
def Events(st: PageState):
    """The scenario's events in date order, ✓ once passed."""
    st.tick.value  # noqa: B018
    view = st.run.value.latest
    rows = []
    for ev in view.events:
        done = ev.date <= view.date
        rows.append(f"<tr style='color:{TEXT_COLOURS['passed' if done else 'ahead']}' title='{_escape(ev.change)}'>"
                    f"<td>{'✓' if done else '·'}</td><td class='viz-event-date'>{ev.date:.2f}</td>"
                    f"<td>{_escape(ev.label)}{' <b>(added)</b>' if ev.added else ''}</td></tr>")
    solara.Text(f"Scenario events ({len(rows)}, in date order; ✓ = passed; hover for the change)",
                style={"font-weight": "600"})
    solara.HTML(tag="div", classes=["viz-events"], style="max-height: 380px; overflow-y: auto; margin-top: 6px",
                unsafe_innerHTML="<table style='font-size:0.85em;border-spacing:8px 2px'>" + "".join(rows)
                + "</table>")


def _escape(text: str) -> str:
    return html.escape(text, quote=True)


@solara.component
def EventEditor(st: PageState):
    """Add event: date, quantity (the world's, with a did-you-mean), set/add/scale, value, label; Save as YAML."""
    draft = st.draft.value
    date, set_date = solara.use_state("")
    quantity, set_quantity = solara.use_state("")
    op, set_op = solara.use_state(OPS[0])
    value, set_value = solara.use_state("")
    label, set_label = solara.use_state("")
    error, set_error = solara.use_state("")
    names = quantities_of(draft.scenario) if draft.scenario in scenario_names() else []

    def add():
        ev = EventDraft(date, quantity or "", op, value, label)
        checked = check(replace(draft, events=draft.events + (ev,)))
        why = checked.errors.get("events")
        if why:
            set_error(why.replace(f"added event {len(draft.events) + 1}, ", ""))
            return
        set_error("")
        st.draft.set(replace(st.draft.value, events=st.draft.value.events + (ev,)))

    def remove(k):
        d = st.draft.value
        st.draft.set(replace(d, events=d.events[:k] + d.events[k + 1:]))

    solara.Text(f"Add event to {draft.scenario} (checked like a scenario file; applies on Reset)",
                style={"font-weight": "600"})
    with solara.Row(style={"gap": "8px", "flex-wrap": "wrap"}, classes=["viz-editor"]):
        solara.InputText("Date (e.g. 2027.5)", value=date, on_value=set_date, continuous_update=True,
                         style={"min-width": "160px", "max-width": "180px"}, classes=["viz-event-date-input"])
        solara.v.Combobox(label="Quantity", items=names, v_model=quantity, on_v_model=set_quantity,
                          density="compact", hide_details=True, style_="min-width: 300px",
                          class_="viz-event-quantity")
        solara.ToggleButtonsSingle(value=op, values=list(OPS), on_value=set_op, dense=True)
        solara.InputText("Value (number, or a state name)", value=value, on_value=set_value,
                         continuous_update=True, style={"min-width": "250px", "max-width": "260px"},
                         classes=["viz-event-value"])
        solara.InputText("Label", value=label, on_value=set_label, continuous_update=True,
                         style={"min-width": "260px"}, classes=["viz-event-label"])
        solara.Button("Add event", color="primary", on_click=add, classes=["viz-add-event"])
    if error:
        solara.Text(error, classes=["viz-event-error"], style={"display": "block", "color": TEXT_COLOURS["error"]})
    for k, ev in enumerate(draft.events):
        with solara.Row(style={"align-items": "center", "gap": "6px"}, classes=["viz-added-event"]):
            solara.Button("✕", text=True, on_click=lambda k=k: remove(k), style={"min-width": "0"})
            solara.Text(f"{ev.date} · {ev.quantity} {ev.op} {ev.value} · {ev.label}", style={"font-size": "0.9em"})
    SaveButton(st)


@solara.component
def SaveButton(st: PageState):
    """Save the edited scenario (added events and parameter overrides) as a file ``alliance run FILE`` accepts."""
    draft = st.draft.value
    checked = check(draft)
    if checked.settings is None:
        return
    s = checked.settings
    text = scenario_yaml(s.scenario, library.scenario(s.scenario).description, s.events, dict(s.overrides), s.seed)
    name = f"{s.scenario}_edited.yaml" if (s.events or s.overrides) else f"{s.scenario}.yaml"
    solara.FileDownload(text, filename=name, label="Save scenario (YAML)", mime_type="application/x-yaml")


CSS = """
/* sliders: label on its own line above the track, value always shown under the thumb */
.v-slider.v-input--horizontal { grid-template-areas: "prepend" "control" "messages";
                                grid-template-columns: minmax(0, 1fr); margin-bottom: 4px; }
.v-slider.v-input--horizontal .v-input__prepend { margin-inline-end: 0; margin-bottom: -6px; }
.v-slider .v-slider__label { font-size: 0.82rem; white-space: normal; }
.v-slider-thumb__label-container { display: block !important; }
.v-slider-thumb__label { transform: translateY(calc(100% + 22px)) translateX(-50%) !important;
                         background: transparent !important; color: #333 !important; font-size: 0.75rem;
                         height: auto !important; min-width: 0 !important; }
.v-slider-thumb__label-wedge { display: none; }
.viz-main { padding: 6px 14px 48px 14px; gap: 10px; }
"""


@solara.component
def Page():
    first = solara.use_memo(lambda: Run(Settings(DEFAULT_SCENARIO)), [])
    draft = solara.use_memo(lambda: Draft.of(first.settings), [])  # use_reactive resets to a new object
    st = PageState(run=solara.use_reactive(first), draft=solara.use_reactive(draft),
               tick=solara.use_reactive(0), playing=solara.use_reactive(False), pause_ms=solara.use_reactive(100),
               step=solara.use_reactive(next(iter(STEP_SIZES))), dyad=solara.use_reactive(""),
               baseline=solara.use_reactive(None), band_on=solara.use_reactive(False),
               band_seeds=solara.use_reactive(compare.BAND_SIZES[1]), band_posterior=solara.use_reactive(False),
               answer_on=solara.use_reactive(False), player=solara.use_memo(Player, []))
    solara.Style(CSS)
    solara.Title(TITLE)
    with solara.AppBar():
        solara.AppBarTitle(TITLE)
    with solara.Sidebar():
        with solara.Card("Run", margin=0):
            Controls(st)
        with solara.Card("Scenario and seed", margin=0):
            ScenarioCard(st)
        with solara.Card("Parameters", margin=0):
            Parameters(st)
    with solara.Column(classes=["viz-main"]):
        Readout(st)
        WhatifAnswer(st)
        Figures(st)


page = Page()
