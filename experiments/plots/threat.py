"""Perceived threat: actor-by-actor matrices at chosen dates, and one observer's threats over time."""

from __future__ import annotations

import math

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D

from experiments.plots import draw as D
from experiments.plots import select, stats
from experiments.plots import style as S
from experiments.plots.marks import event_handles, mark_events
from experiments.plots.milestones import add_milestones
from experiments.plots.style import styled
from model.spec.timegrid import date_text

THREAT_COLUMNS = ["scenario", "run", "date", "actor_a", "actor_b", "threat_ab", "threat_ba"]


def _cell_text(ax, arr: np.ndarray, cmap, vmax: float) -> None:
    """Each cell's value, dark on light colours and light on dark; a dash on the empty diagonal."""
    for i, j in np.ndindex(arr.shape):
        v = arr[i, j]
        if np.isnan(v):
            ax.text(j, i, "–", ha="center", va="center", fontsize=7, color=S.FAINT)
            continue
        ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=7, color=S.contrast_text(cmap(v / vmax)))


def _matrix_panel(ax, d: float, m: pd.DataFrame, cmap, vmax: float):
    """One date's threat matrix with its values written in the cells."""
    arr = m.to_numpy()
    names = [D.short_actor(a) for a in m.index]
    im = ax.imshow(np.ma.masked_invalid(arr), cmap=cmap, vmin=0, vmax=vmax, gid=f"threat|{d:g}")
    ax.set_title(date_text(d))
    ax.set_xticks(range(len(names)), names, rotation=35, ha="right", rotation_mode="anchor")
    ax.set_yticks(range(len(names)), names)
    ax.grid(False)
    for s in ax.spines.values():
        s.set_visible(False)
    _cell_text(ax, arr, cmap, vmax)
    ax.set_xlabel("source of threat")
    return im


@styled
def threat_heatmap(df: pd.DataFrame, dates=None, *, scenario: str | None = None, source=None):
    """Actor-by-actor perceived threat (row perceives column) at chosen dates, median over runs."""
    at = select.where(df, source)
    select.need(df, ["scenario", "date"], at)
    scenario = select.one_scenario(df, scenario, at)
    sub = select.rows_of(df, scenario)
    dates = list(dates) if dates is not None else select.default_dates(sub)
    mats, n = {}, 0
    for d in dates:
        dd = select.nearest_date(sub, float(d), at)
        mats[dd], n = select.threat_matrix(sub, dd, scenario, source=at)
    vmax = max(0.1, math.ceil(max(float(np.nanmax(m.to_numpy())) for m in mats.values()) * 10) / 10)
    k = len(mats)
    ncols = min(k, 4)
    fig, body = S.new_figure(max(6.0, 2.75 * ncols + 1.4), 3.1 * math.ceil(k / ncols) + 1.0)
    axes, _, _ = D.grid(body, k, ncols, sharey=True)
    cmap = mpl.colormaps[S.SEQUENTIAL].with_extremes(bad=S.MISSING)
    images = [_matrix_panel(ax, d, m, cmap, vmax) for ax, (d, m) in zip(axes, mats.items())]
    D.label_outer(axes, k, "perceiving actor", "source of threat")
    cb = body.colorbar(images[-1], ax=list(axes[:k]), shrink=0.85, pad=0.02)
    cb.set_label(f"{S.THREAT_LABEL}, median of runs")
    D.title(body, f"Perceived threat (row perceives column) — {scenario} ({S.runs_text(n)})")
    S.source_note(fig, at, version=df.attrs.get("version"))
    fig._plotted = {"kind": "threat_heatmap", "scenario": scenario, "matrices": mats, "runs": n}
    return fig


@styled
def threat_lines(df: pd.DataFrame, observer: str = "Japan", *, scenario: str | None = None, milestones=False,
                 events=None, source=None):
    """Threat ``observer`` perceives from each other actor over time: median and 50%/90% bands.

    ``milestones``: an index with a historical record (or a CSV path) whose milestones to tick;
    ``events``: scenario -> events, marked on the panel.
    """
    at = select.where(df, source)
    select.need(df, THREAT_COLUMNS, at)
    scenario = select.one_scenario(df, scenario, at)
    select.check_actors(df, [observer], at, "observer")
    sub = select.rows_of(df, scenario)
    others = [a for a in select.actors(df) if a != observer]
    tables = {o: stats.quantile_table(select.run_series(sub, "threat_ab", (observer, o), None, source=at))[scenario]
              for o in others}
    fig, body = S.new_figure(8.6, 4.8)
    ax = body.subplots()
    for i, (o, t) in enumerate(tables.items()):
        D.fan_on(ax, t, S.actor_colour(o, i), o, label=f"from {o}")
    D.time_axis(ax, float(sub["date"].min()), float(sub["date"].max()))
    D.index_ylim(ax, D.top_of(tables.values()))
    ms_file = add_milestones(ax, milestones, numbered=False)["file"] if milestones else None
    drawn = mark_events(ax, select.events_of(events, scenario), scenario)
    ax.set_xlabel(S.YEAR_LABEL)
    ax.set_ylabel(S.THREAT_LABEL)
    n = int(next(iter(tables.values()))["n"].iloc[0])
    handles = [Line2D([], [], color=S.actor_colour(o, i), label=f"from {o}") for i, o in enumerate(tables)]
    share = D.narrow_share(ax, [stats.band_widths(t) for t in tables.values()]) if n > 1 else 1.0
    if n == 1:
        D.no_band_note(ax)
    D.thin_band_note(ax, share if n > 1 else 0.0)
    if share < 1.0:
        handles += D.band_handles()[1:]
    handles += event_handles([drawn])
    body.legend(handles=handles, loc="outside lower center", ncols=min(len(handles), 6))
    D.title(body, f"Threat perceived by {observer} — {scenario} ({D.runs_title(n)})")
    S.source_note(fig, at, [ms_file] if ms_file else None, version=df.attrs.get("version"))
    fig._plotted = {"kind": "threat_lines", "observer": observer, "scenario": scenario, "sources": tables,
                    "runs": n, "events": drawn}
    return fig
