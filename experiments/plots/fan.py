"""Fan charts: the median over runs with 50% and 90% bands over time, one panel per scenario or overlaid.

Scenarios that coincide with the baseline are named as such ("same as baseline (within
0.001)", or "... before 2014 Q3" when they leave it later) instead of silently hiding
under it; bands narrower than the median line are said to be; each panel marks its
scenario's events.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from matplotlib.lines import Line2D

from experiments.plots import draw as D
from experiments.plots import select, stats
from experiments.plots import style as S
from experiments.plots.marks import event_handles, mark_events
from experiments.plots.milestones import add_milestones, draw_target, has_record
from experiments.plots.style import styled
from model.engines.tidy import VALUE_COLUMNS
from model.spec.domains import DOMAINS
from model.spec.timegrid import date_text


@dataclass
class FanSpec:
    """What a fan chart plots and how it is named: the outcome column, its dyad/domain, title and axis words."""

    outcome: str
    dyad: tuple
    domain: str | None
    what: str
    ylabel: str
    record: str | None = None  # milestones: an index with a record, or a CSV path
    target: str | None = None  # the index whose historical coding is drawn


def fan_spec(df: pd.DataFrame, dyad=None, domain=None, outcome=None, milestones=None, target=False) -> FanSpec:
    """The default is the first world index; a dyad or domain (or a dyad ``outcome``) plots that dyad."""
    if outcome is None:
        first = select.index_names(df)
        outcome = first[0] if first and dyad is None and domain is None else "cooperation"
    dyad = tuple(dyad or select.DEFAULT_DYAD)
    if outcome not in VALUE_COLUMNS:
        what, ylabel = S.index_label(outcome, select.actors(df) if "actor_a" in df.columns else ()), \
            S.outcome_label(outcome)
    elif outcome == "cooperation" and domain is None:
        what, ylabel = f"{D.dyad_text(dyad)} cooperation (mean of {len(DOMAINS)} domains)", S.COOPERATION_LABEL
    else:
        what = f"{D.dyad_text(dyad)} {outcome.replace('_', ' ')}" + (f": {S.domain_name(domain)}" if domain else "")
        ylabel = S.outcome_label(outcome)
    has = has_record(outcome)
    record = (outcome if has else None) if milestones is None else (milestones or None)
    return FanSpec(outcome, dyad, domain, what, ylabel, record, outcome if target and has else None)


@dataclass
class _Fan:
    """One fan chart while it is drawn: its data, how scenarios relate to the baseline, and what got drawn."""

    spec: FanSpec
    names: list[str]
    tables: dict[str, pd.DataFrame]
    same: dict[str, str]
    events: object
    where: str
    xlim: tuple[float, float]
    overlay: bool
    baseline: str
    within: float
    drawn: dict = field(default_factory=dict)
    files: list = field(default_factory=list)
    hidden: dict = field(default_factory=dict)

    def runs(self, s: str) -> int:
        """Number of runs of scenario ``s``."""
        return int(self.tables[s]["n"].iloc[0])


def sameness(departures: pd.DataFrame | None, tables: dict, within: float) -> dict[str, str]:
    """scenario -> "same as baseline (within 0.001)", or "same as baseline before 2014 Q4" for a
    scenario that coincides with the baseline until that date (within ``within`` at every quantile)."""
    out = {}
    if departures is None:
        return out
    for r in departures.itertuples(index=False):
        first = float(tables[r.scenario]["date"].min())
        if np.isnan(r.departs):
            out[r.scenario] = f"same as baseline (within {within:g})"
        elif r.departs > first:
            out[r.scenario] = f"same as baseline before {date_text(r.departs)}"
    return out


# ------------------------------------------------------------------ the panels
def _finish_axes(c: _Fan, ax, scenarios: list[str], colours: dict) -> None:
    """Limits, historical coding, milestones and event marks of one panel."""
    D.time_axis(ax, *c.xlim)
    top = D.top_of(c.tables.values())  # panels share their y axis
    if c.spec.target:
        target, tfile = draw_target(ax, c.spec.target, c.xlim[0])
        c.files.append(("target", tfile))
        top = max(top, float(target["upper"].max()))
    D.index_ylim(ax, top)
    if c.spec.record:
        c.files.append(("milestones", add_milestones(ax, c.spec.record, numbered=False)["file"]))
    shared = c.baseline if c.baseline in scenarios else scenarios[0]
    for s in scenarios:
        c.drawn[s] = mark_events(ax, select.events_of(c.events, s), s, own_colour=colours[s], ticks=s == shared)


def _band_notes(c: _Fan, ax, scenarios: list[str], corner: str = "upper left") -> None:
    """Say when a panel has no band (one run) or bands mostly narrower than the line."""
    multi = [s for s in scenarios if c.runs(s) > 1]
    if len(multi) < len(scenarios):
        D.no_band_note(ax, corner)
    share = D.narrow_share(ax, [stats.band_widths(c.tables[s]) for s in multi])
    for s in multi:
        c.hidden[s] = share
    D.thin_band_note(ax, share, corner)


def _single(c: _Fan):
    """All scenarios on one axes (``overlay``, or one scenario); the baseline drawn on top."""
    fig, body = S.new_figure(9.4 if len(c.names) > 1 else 8.6, 4.6 + 0.16 * math.ceil(len(c.names) / 2))
    ax = body.subplots()
    colours = S.series_colours(c.names) if c.overlay else {c.names[0]: S.SERIES[0]}
    for i, s in enumerate(c.names):
        whole = s in c.same and " before " not in c.same[s]  # identical throughout: its bands are the baseline's
        D.fan_on(ax, c.tables[s], colours[s], s, ls=D.series_linestyle(i) if c.overlay else "-",
                 bands=not whole, zorder=4 if s == c.baseline else 2)
    _finish_axes(c, ax, c.names, colours)
    _band_notes(c, ax, c.names)
    ax.set_ylabel(c.spec.ylabel)
    ax.set_xlabel(S.YEAR_LABEL)
    return fig, body, colours


def _multiples(c: _Fan):
    """One panel per scenario, shared axes; each names its runs and how it relates to the baseline."""
    ncols = min(3, len(c.names))
    fig, body = S.new_figure(3.5 * ncols + 0.4, 2.8 * math.ceil(len(c.names) / ncols) + 1.2)
    axes, _, _ = D.grid(body, len(c.names), ncols)
    colours = dict.fromkeys(c.names, S.OWN_EVENT_COLOUR)
    for ax, s in zip(axes, c.names):
        D.fan_on(ax, c.tables[s], S.SERIES[0], s)
        ax.set_title(f"{s} ({S.runs_text(c.runs(s))})")
    for ax, s in zip(axes, c.names):
        _finish_axes(c, ax, [s], colours)
        _band_notes(c, ax, [s])
        if s in c.same:
            D.note(ax, c.same[s], "same_as_baseline", "lower right")
    D.label_outer(axes, len(c.names), c.spec.ylabel)
    return fig, body, colours


# ------------------------------------------------------------------ legend and title
def _scenario_label(c: _Fan, s: str, with_n: bool) -> str:
    """A scenario's legend label: its runs, whether it is the baseline, how it relates to it."""
    label = f"{s} ({S.runs_text(c.runs(s))})" if with_n else s
    if s == c.baseline and len(c.names) > 1:
        label += " — baseline"
    return f"{label}: {c.same[s]}" if s in c.same else label


def _legend(c: _Fan, body, colours: dict) -> None:
    """Legend below the panels: scenarios (overlay) or median and bands, then record and event marks."""
    shown = [s for s in c.names if c.runs(s) > 1 and c.hidden.get(s, 0.0) < 1.0]  # bands visible somewhere
    if c.overlay:
        same_n = len({c.runs(s) for s in c.names}) == 1  # the title already says n
        first = [Line2D([], [], color=colours[s], ls=D.series_linestyle(i),
                        label=_scenario_label(c, s, not same_n))
                 for i, s in enumerate(c.names)]
        second = D.band_handles()[1:] if shown else []
    else:
        first = (D.band_handles(S.SERIES[0]) if shown else
                 [Line2D([], [], color=S.SERIES[0], label="median of runs" if c.runs(c.names[0]) > 1 else "the run")])
        second = []
    extra = []
    if any(k == "target" for k, _ in c.files):
        extra.append(Line2D([], [], color="black", ls="--", lw=1.1, label="historical coding (grey: ± band)"))
    if c.spec.record:
        extra.append(Line2D([], [], color=S.GREY, ls="", marker="|", markersize=7, label="historical milestone"))
    extra += event_handles(list(c.drawn.values()), S.OWN_EVENT_COLOUR if not c.overlay else S.ANY_SERIES_GREY)
    title = f"same as baseline: every quantile within {c.within:g} of the baseline's" if c.same else None
    if c.overlay:  # long scenario labels: two per row
        rest = second + extra
        D.legend_rows(body, [first[i:i + 2] for i in range(0, len(first), 2)]
                      + [rest[i:i + 2] for i in range(0, len(rest), 2)], title=title, title_fontsize=7.5)
    else:
        D.legend_rows(body, [first, second + extra], title=title, title_fontsize=7.5)


def _title(c: _Fan, body) -> None:
    """Figure title: what is plotted, the scenario(s) and the runs."""
    counts = [c.runs(s) for s in c.names]
    if not c.overlay and len(c.names) == 1:
        D.title(body, f"{c.spec.what} — {c.names[0]} ({D.runs_title(counts[0])})")
    elif c.overlay:
        k = len(c.names)
        runs = f"n = {counts[0]} runs each" if len(set(counts)) == 1 else f"n = {', '.join(map(str, counts))} runs"
        D.title(body, f"{c.spec.what} — {k} scenario{'s' if k > 1 else ''} ({runs})")
    else:
        D.title(body, c.spec.what)


@styled
def fan_chart(df: pd.DataFrame, dyad=None, domain=None, scenarios=None, overlay: bool = False, *,
              outcome: str | None = None, milestones=None, target: bool = False, xlim=None,
              baseline: str = select.BASELINE, events=None, within: float = stats.SAME_WITHIN, source=None):
    """Median with 50% and 90% bands across runs over time.

    Default: the first world index of the table. ``dyad``/``domain`` (or a dyad ``outcome``
    such as ``cooperation``) plot that dyad's cooperation, the mean over domains or one
    domain. One panel per scenario, or all on one axes with ``overlay``. Scenarios within
    ``within`` of ``baseline`` are named as such. ``milestones``: None = the index's
    historical milestones when it has a record, False = none, or an index / CSV path;
    ``target`` adds the historical coding. ``events``: scenario -> events
    (:func:`experiments.plots.select.scenario_events`), marked on each panel.
    """
    at = select.where(df, source)
    select.need(df, ["scenario"], at)
    spec = fan_spec(df, dyad, domain, outcome, milestones, target)
    names = select.pick_scenarios(df, scenarios, at, baseline)
    series = select.run_series(df[select.isin(df["scenario"], names)], spec.outcome, spec.dyad, domain, source=at)
    qt = stats.quantile_table(series)
    departures = stats.baseline_departures(qt, baseline, within) if baseline in qt else None
    xlim = tuple(xlim) if xlim else (float(series["date"].min()), float(series["date"].max()))
    c = _Fan(spec, names, qt, sameness(departures, qt, within), events, at, xlim, overlay, baseline, within)
    fig, body, colours = _single(c) if overlay or len(names) == 1 else _multiples(c)
    _legend(c, body, colours)
    _title(c, body)
    files = dict(c.files)
    S.source_note(fig, at, [files["milestones"]] if "milestones" in files else None,
                  extra=f"target: {files['target']}" if "target" in files else None, version=df.attrs.get("version"))
    fig._plotted = {"kind": "fan", "outcome": spec.outcome, "dyad": spec.dyad, "domain": domain, "scenarios": qt,
                    "runs": {s: c.runs(s) for s in names}, "same": c.same, "departures": departures,
                    "events": c.drawn, "bands_hidden": c.hidden}
    return fig
