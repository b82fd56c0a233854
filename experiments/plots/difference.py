"""Scenario minus baseline over time, as small multiples: the world indices, then the dyad's domains.

All panels share one symmetric y limit, at least ± a stated resolution (0.01 index
points by default); :func:`scenario_differences` shares it across every scenario of a
set, so a +0.001 effect never looks steep next to a +0.2 one, and a panel whose line and
band stay inside ± the resolution says so. The band is paired or bootstrapped
(:func:`experiments.plots.stats.difference_bands`); the figure names the method.
"""

from __future__ import annotations

import math

import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from experiments.plots import draw as D
from experiments.plots import select, stats
from experiments.plots import style as S
from experiments.plots.marks import event_handles, mark_events
from experiments.plots.style import styled
from model.spec.domains import DOMAINS
from model.spec.errors import InputError

METHOD_TEXT = {
    "paired": "Runs paired by replication (and sample): same seeds, so common random numbers. "
              "Line = median of the paired differences; "
              "bands hold 50% and 90% of the paired differences.",
    "bootstrap": "Replications differ, so runs are not paired: line = difference of medians; "
                 "bands = 50% and 90% bootstrap intervals ({n_boot} resamples of runs).",
    "single": "1 run: no uncertainty band (difference of the single runs).",
}
LINE_LABEL = {"paired": "median of paired differences", "bootstrap": "difference of medians",
              "single": "difference of the two runs"}
COLOUR = S.SERIES[1]


def _panel_title(d: stats.Differences, key: str) -> tuple[str, bool]:
    """(title, bold): indices in bold, then the dyad's domains."""
    if key in d.indices:
        return S.index_label(key), True
    if key == "index":
        return f"{D.dyad_text(d.dyad)} (mean of {len(DOMAINS)} domains)", True
    return S.domain_name(key), False


def _panel(ax, d: stats.Differences, key: str, t: pd.DataFrame, resolution: float, events) -> dict:
    """One panel: zero line, band, median, title, resolution or thin-band note, event marks."""
    ax.axhline(0, color="black", lw=0.7, gid="zero")
    x = t["date"].to_numpy()
    if d.method != "single":
        D.band(ax, x, t["q05"], t["q95"], COLOUR, "90", key)
        D.band(ax, x, t["q25"], t["q75"], COLOUR, "50", key)
    ax.plot(x, t["q50"], color=COLOUR, gid=f"median|{key}", lw=1.3, marker="o" if len(x) < 8 else None,
            markersize=3)
    name, bold = _panel_title(d, key)
    ax.set_title(name, fontsize=8.5, fontweight="bold" if bold else "normal")
    D.time_axis(ax, float(x.min()), float(x.max()))
    if stats.below_resolution(t, resolution):
        D.note(ax, f"below resolution: |Δ| < {resolution:g} at every date", "below_resolution")
    elif d.method != "single":
        D.thin_band_note(ax, D.narrow_share(ax, [stats.band_widths(t)], 1.3))
    return mark_events(ax, events, key)


def _legend(body, d: stats.Differences, limit: float, resolution: float, drawn: list[dict], shared: bool,
            width_chars: int) -> None:
    """Legend below the panels, titled with the method and the scale (gid ``method_note``)."""
    handles = [Line2D([], [], color=COLOUR, label=LINE_LABEL[d.method])]
    if d.method != "single":
        handles += [Patch(facecolor=COLOUR, alpha=S.BAND_ALPHA["50"] + S.BAND_ALPHA["90"], label="50% band"),
                    Patch(facecolor=COLOUR, alpha=S.BAND_ALPHA["90"], label="90% band")]
    handles.append(Line2D([], [], color="black", lw=0.7, label="no difference"))
    handles += event_handles(drawn)
    scale = (f"Every panel's y axis is ±{limit:g} index points"
             + (", shared by every scenario of the set" if shared else "")
             + f"; differences within ±{resolution:g} are marked 'below resolution'.")
    leg = body.legend(handles=handles, loc="outside lower center", ncols=min(len(handles), 4),
                      title=D.wrap(METHOD_TEXT[d.method].format(n_boot=d.n_boot) + " " + scale, width_chars),
                      title_fontsize=7.2, alignment="left")
    leg.get_title().set_color(S.GREY)
    leg.get_title().set_gid("method_note")


def _what(d: stats.Differences) -> str:
    """What the panels show, for the title."""
    parts = ["world indices"] if d.indices else [f"{D.dyad_text(d.dyad)} {d.outcome.replace('_', ' ')}"]
    if any(k not in d.indices and k != "index" for k in d.panels):
        parts.append(f"{D.dyad_text(d.dyad)} {d.outcome.replace('_', ' ')} by domain")
    return ", then ".join(dict.fromkeys(parts))


@styled
def draw_difference(d: stats.Differences, limit: float, *, resolution: float = stats.RESOLUTION, events=None,
                    shared: bool = False, source: str = "<table>", version: str | None = None):
    """The figure of a :class:`~experiments.plots.stats.Differences`, y axis ±``limit`` in every panel."""
    n = len(d.panels)
    ncols = min(4, n)
    width = max(6.4, 2.7 * ncols + 0.5)
    fig, body = S.new_figure(width, 2.2 * math.ceil(n / ncols) + 1.9)
    axes, _, _ = D.grid(body, n, ncols)
    axes[0].set_ylim(-limit, limit)
    ev = select.events_of(events, d.scenario)
    drawn = [_panel(ax, d, key, t, resolution, ev) for ax, (key, t) in zip(axes, d.panels.items())]
    D.label_outer(axes, n, "difference (index points)")
    _legend(body, d, limit, resolution, drawn, shared, int(width * 72 / (0.52 * 7.2)) - 8)
    runs = (f"n = {d.runs[d.scenario]} vs {d.runs[d.baseline]} run{'s' if max(d.runs.values()) > 1 else ''}"
            + (": no uncertainty band" if d.method == "single" else ""))
    D.title(body, f"{d.scenario} minus {d.baseline} — {_what(d)} ({runs})")
    S.source_note(fig, source, version=version)
    fig._plotted = {"kind": "difference", "baseline": d.baseline, "scenario": d.scenario, "method": d.method,
                    "panels": d.panels, "runs": d.runs, "limit": limit, "resolution": resolution,
                    "below_resolution": [k for k, t in d.panels.items() if stats.below_resolution(t, resolution)],
                    "events": drawn}
    return fig


def _other_scenario(df: pd.DataFrame, baseline: str, at: str) -> str:
    """The first scenario that is not the baseline (the default comparison)."""
    others = [s for s in select.scenarios_in(df) if s != baseline]
    if not others:
        raise InputError(at, None, "scenario", f"the results hold only the baseline '{baseline}'; nothing to compare")
    return others[0]


@styled
def scenario_difference(df: pd.DataFrame, baseline: str = select.BASELINE, scenario: str | None = None,
                        dyad=select.DEFAULT_DYAD, *, domains=None, outcome: str = "cooperation", indices=None,
                        n_boot: int = stats.N_BOOT, seed: int = 0, limit: float | None = None,
                        resolution: float = stats.RESOLUTION, events=None, source=None):
    """Scenario minus baseline over time (panels: :func:`experiments.plots.stats.difference_panels`).

    ``limit``: the y axis is ±limit (default: a round number above every |difference|
    drawn, at least ``resolution``). ``events``: scenario -> events, marked on every panel.
    """
    at = select.where(df, source)
    select.need(df, ["scenario"], at)
    select.pick_scenarios(df, [baseline], at)
    scenario = scenario or _other_scenario(df, baseline, at)
    d = stats.difference_panels(df, baseline, scenario, dyad, outcome=outcome, indices=indices, domains=domains,
                                n_boot=n_boot, seed=seed, source=at)
    lim = limit or stats.symmetric_limit(d.panels.values(), resolution)
    return draw_difference(d, lim, resolution=resolution, events=events, shared=limit is not None, source=at,
                           version=df.attrs.get("version"))


@styled
def scenario_differences(df: pd.DataFrame, baseline: str = select.BASELINE, scenarios=None, dyad=select.DEFAULT_DYAD, *,
                         indices=None, resolution: float = stats.RESOLUTION, events=None,
                         source=None) -> list[tuple[str, object]]:
    """(scenario, figure) for every scenario but the baseline, all on one shared y limit."""
    at = select.where(df, source)
    select.need(df, ["scenario"], at)
    select.pick_scenarios(df, [baseline], at)
    names = [s for s in select.pick_scenarios(df, scenarios, at, baseline) if s != baseline]
    diffs = [stats.difference_panels(df, baseline, s, dyad, indices=indices, source=at) for s in names]
    lim = stats.symmetric_limit([t for d in diffs for t in d.panels.values()], resolution)
    return [(d.scenario, draw_difference(d, lim, resolution=resolution, events=events, shared=True, source=at,
                                         version=df.attrs.get("version"))) for d in diffs]
