"""Parameter sweeps: an outcome at one date against one or more parameters, and over a grid of two."""

from __future__ import annotations

import math

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D

from experiments.plots import draw as D
from experiments.plots import select, stats
from experiments.plots import style as S
from experiments.plots.style import styled
from model.spec.parameters import REGISTRY
from model.spec.timegrid import date_text


def param_label(p: str) -> str:
    """A parameter's name with its registry unit, e.g. "build_rate (1/quarter)"."""
    return f"{p} ({REGISTRY[p].unit})" if p in REGISTRY and REGISTRY[p].unit else p


def _default_outcome(df: pd.DataFrame, outcome: str | None) -> str:
    """The asked outcome, else the first world index of the table."""
    if outcome:
        return outcome
    first = select.index_names(df)
    return first[0] if first else "cooperation"


def _sweep_panel(ax, vals: pd.DataFrame, p: str, names: list[str], colours: dict, bins: int) -> dict:
    """One parameter's panel: per scenario, runs (sampled designs), median and bands."""
    out = {}
    for i, s in enumerate(names):
        v = vals[vals["scenario"] == s]
        t, sampled = stats.sweep_table(v, p, bins)
        tag = f"{p}|{s}"
        if sampled:
            ax.scatter(v[p], v["value"], s=9, color=colours[s], alpha=0.45, linewidths=0, gid=f"runs|{tag}")
        if t["n"].max() > 1:
            D.band(ax, t["x"], t["q05"], t["q95"], colours[s], "90", tag)
            D.band(ax, t["x"], t["q25"], t["q75"], colours[s], "50", tag)
        ax.plot(t["x"], t["q50"], color=colours[s], ls=D.series_linestyle(i), marker="o", markersize=3,
                gid=f"median|{tag}")
        out[(p, s)] = t
    ax.set_xlabel(param_label(p))
    return out


@styled
def parameter_sweep(df: pd.DataFrame, runs_df: pd.DataFrame, param, outcome: str | None = None,
                    date: float = 2025.0, *, scenario=None, dyad=select.DEFAULT_DYAD, bins: int = 10, source=None):
    """Outcome at ``date`` (default: the first world index) against one parameter, or one panel per parameter.

    Few distinct values (a grid): median and 50%/90% bands over the runs at each value.
    Many (Latin hypercube, Sobol ...): runs as dots, median and bands over ``bins`` quantile
    bins drawn at the bins' median parameter value. One line per scenario.
    """
    at = select.where(df, source)
    outcome = _default_outcome(df, outcome)
    params = [param] if isinstance(param, str) else list(dict.fromkeys(param))
    vals = select.sweep_values(df, runs_df, params, outcome, date, scenario, dyad, source=at)
    d = vals.attrs["date"]
    names = [x for x in select.pick_scenarios(df, None, at) if x in set(vals["scenario"])]
    colours = S.series_colours(names)
    k = len(params)
    ncols = min(k, 3)
    fig, body = (S.new_figure(max(6.4, 3.6 * ncols + 0.4), 3.0 * math.ceil(k / ncols) + 1.2) if k > 1
                 else S.new_figure(7.2, 4.6))
    axes, _, _ = D.grid(body, k, ncols, sharey=True, sharex=False)
    plotted = {}
    for ax, p in zip(axes, params):
        plotted |= _sweep_panel(ax, vals, p, names, colours, bins)
        ax.set_title(p if k > 1 else "")
    D.label_outer(axes, k, f"{S.outcome_label(outcome)}\nin {date_text(d)}", None)
    for ax, p in zip(axes, params):
        ax.set_xlabel(param_label(p))
    handles = ([Line2D([], [], color=colours[s], ls=D.series_linestyle(i), marker="o", markersize=3, label=s)
                for i, s in enumerate(names)] if len(names) > 1
               else [Line2D([], [], color=colours[names[0]], marker="o", markersize=3, label="median of runs")])
    if max(t["n"].max() for t in plotted.values()) > 1:
        handles += D.band_handles()[1:]
    else:
        D.no_band_note(axes[0])
    body.legend(handles=handles, loc="outside lower center", ncols=min(len(handles), 5))
    what = S.outcome_label(outcome).split(" (")[0]
    head = f"{what} in {date_text(d)} against {params[0] if k == 1 else f'{k} parameters'}"
    scen = names[0] if len(names) == 1 else f"{len(names)} scenarios"
    D.title(body, f"{head} — {scen} ({S.runs_text(len(vals))})")
    S.source_note(fig, at, version=df.attrs.get("version"))
    fig._plotted = {"kind": "sweep", "outcome": outcome, "date": d, "lines": plotted, "runs": len(vals)}
    return fig


def _cell_labels(ax, cells: dict, cmap) -> None:
    """Each cell's median and run count, dark on light colours and light on dark."""
    grid, counts, ex, ey = cells["values"], cells["counts"], cells["x_edges"], cells["y_edges"]
    lo, hi = np.nanmin(grid), np.nanmax(grid)
    digits = 2 if hi - lo >= 0.05 else 3
    for yy, xx in np.ndindex(grid.shape):
        v = grid[yy, xx]
        if np.isnan(v):
            continue
        r, g, b, _ = cmap((v - lo) / (hi - lo) if hi > lo else 0.5)
        ax.text((ex[xx] + ex[xx + 1]) / 2, (ey[yy] + ey[yy + 1]) / 2, f"{v:.{digits}f}\nn={counts[yy, xx]}",
                ha="center", va="center", fontsize=6.5,
                color="black" if 0.299 * r + 0.587 * g + 0.114 * b > 0.5 else "white")


@styled
def parameter_heatmap(df: pd.DataFrame, runs_df: pd.DataFrame, param_x: str, param_y: str,
                      outcome: str | None = None, date: float = 2025.0, *, scenario: str | None = None,
                      dyad=select.DEFAULT_DYAD, bins: int = 8, source=None):
    """Median outcome at ``date`` over a grid of two parameters (grid values, or quantile bins)."""
    at = select.where(df, source)
    outcome = _default_outcome(df, outcome)
    scen = select.one_scenario(df, scenario, at) if "scenario" in df.columns else None
    vals = select.sweep_values(df, runs_df, [param_x, param_y], outcome, date, scen, dyad, source=at)
    d = vals.attrs["date"]
    cells = stats.heatmap_cells(vals, param_x, param_y, bins)
    fig, body = S.new_figure(7.0, 5.6)
    ax = body.subplots()
    ax.grid(False)
    cmap = mpl.colormaps[S.OUTCOME_MAP].with_extremes(bad=S.MISSING)
    mesh = ax.pcolormesh(cells["x_edges"], cells["y_edges"], np.ma.masked_invalid(cells["values"]), cmap=cmap,
                         shading="flat", gid="heatmap")
    if cells["values"].size <= 144:
        _cell_labels(ax, cells, cmap)
    ax.set_xlabel(param_label(param_x))
    ax.set_ylabel(param_label(param_y))
    cb = body.colorbar(mesh, ax=ax, pad=0.02)
    cb.set_label(f"{S.outcome_label(outcome)} in {date_text(d)}, median of runs")
    what = S.outcome_label(outcome).split(" (")[0]
    D.title(body, f"{what} in {date_text(d)}: {param_x} × {param_y} — "
                  f"{', '.join(pd.unique(vals['scenario']))} ({S.runs_text(cells['runs'])})")
    S.source_note(fig, at, version=df.attrs.get("version"))
    fig._plotted = {"kind": "sweep_heatmap", "x_edges": cells["x_edges"], "y_edges": cells["y_edges"],
                    "values": cells["values"], "counts": cells["counts"], "date": d}
    return fig
