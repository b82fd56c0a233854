"""The cooperation network at one date: actors as nodes (area ~ power), edges as mean cooperation."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D

from experiments.plots import draw as D
from experiments.plots import select
from experiments.plots import style as S
from experiments.plots.style import styled
from model.spec.timegrid import date_text


def layout(edges: pd.DataFrame, actors: list[str], seed: int) -> dict:
    """networkx spring layout weighted by cooperation (closer = more cooperation), fixed ``seed``."""
    g = nx.Graph()
    g.add_nodes_from(actors)
    for r in edges.itertuples():
        g.add_edge(r.a, r.b, weight=max(float(r.cooperation), 1e-3))
    return nx.spring_layout(g, weight="weight", seed=seed, k=1.6)


def _edge_style(c: float, cmax: float) -> dict:
    """Line style of an edge: wider and darker for more cooperation."""
    return {"color": S.EDGE_GREY, "lw": 0.4 + 9 * c, "alpha": 0.35 + 0.5 * min(1.0, c / cmax),
            "solid_capstyle": "round"}


def _edges(ax, edges: pd.DataFrame, pos: dict, cmax: float) -> None:
    """Edges with their cooperation written on them (when at least 0.005)."""
    for r in edges.itertuples():
        (x0, y0), (x1, y1) = pos[r.a], pos[r.b]
        c = float(r.cooperation)
        ax.plot([x0, x1], [y0, y1], zorder=1, gid=f"edge|{r.a}|{r.b}", **_edge_style(c, cmax))
        if c >= 0.005:
            ax.text((x0 + x1) / 2, (y0 + y1) / 2, f"{c:.2f}", fontsize=7.5, ha="center", va="center", zorder=4,
                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.85})


def _nodes(ax, actors: list[str], power: pd.Series, pos: dict) -> np.ndarray:
    """Nodes sized by power, in the actors' colours, labelled with name and power."""
    xy = np.array([pos[x] for x in actors])
    ax.scatter(xy[:, 0], xy[:, 1], s=2400 * power.to_numpy(dtype=float) + 120, zorder=3, edgecolors="white",
               c=[S.actor_colour(x, i) for i, x in enumerate(actors)], linewidths=1.5, gid="nodes")
    for (x, y), name, p in zip(xy, actors, power):
        ax.annotate(f"{name}\npower {p:.2f}", (x, y), xytext=(0, -(math.sqrt(2400 * p + 120) / 2 + 3)),
                    textcoords="offset points", ha="center", va="top", fontsize=8, zorder=5,
                    bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.9})
    return xy


@styled
def cooperation_network(df: pd.DataFrame, date: float = 2025.0, scenario: str | None = None, *, seed: int = 7,
                        source=None):
    """Actors as nodes (area ~ power), edges as mean cooperation over domains and runs at ``date``.

    Edge widths and labels give the cooperation index; node labels the power. The layout
    is fixed by ``seed``, so the same store always gives the same picture.
    """
    at = select.where(df, source)
    select.need(df, ["scenario"], at)
    scenario = select.one_scenario(df, scenario, at)
    edges, power, d, n = select.network_at(df, date, scenario, source=at)
    actors = list(power.index)
    pos = layout(edges, actors, seed)
    fig, body = S.new_figure(6.6, 6.4)
    ax = body.subplots()
    ax.set_aspect("equal")
    ax.axis("off")
    cmax = max(0.05, float(edges["cooperation"].max()))
    _edges(ax, edges, pos, cmax)
    xy = _nodes(ax, actors, power, pos)
    pad = 0.16 * max(xy.max(axis=0) - xy.min(axis=0))
    ax.set_xlim(xy[:, 0].min() - pad, xy[:, 0].max() + pad)
    ax.set_ylim(xy[:, 1].min() - 1.6 * pad, xy[:, 1].max() + 1.3 * pad)  # room for the labels under the nodes
    handles = [Line2D([], [], label=f"{c:g}", **_edge_style(c, cmax)) for c in (0.1, 0.3, 0.6)]
    body.legend(handles=handles, loc="outside lower center", ncols=3, handlelength=3.0, columnspacing=2.0,
                title="edge width: cooperation index (0–1), mean of domains and runs;  "
                "node area: power (1 = United States 1990)", title_fontsize=7.5)
    D.title(body, f"Cooperation network — {scenario}, {date_text(d)} ({S.runs_text(n)})")
    S.source_note(fig, at, extra=f"layout: networkx spring layout, seed {seed}", version=df.attrs.get("version"))
    fig._plotted = {"kind": "network", "scenario": scenario, "date": d, "edges": edges, "power": power, "pos": pos,
                    "runs": n}
    return fig
