"""Blocs over time (Axelrod–Bennett landscape): which two-bloc split the runs drift toward, how settled, who strains.

Top: share of runs per predicted configuration; when every run has the same split at
every date this is one line of text naming it instead of a solid block. Then the energy
of the landscape minimum and each actor's frustration, median over runs.
"""

from __future__ import annotations

import pandas as pd

from experiments.plots import draw as D
from experiments.plots import select, stats
from experiments.plots import style as S
from experiments.plots.marks import event_handles, mark_events
from experiments.plots.style import styled

SIDE_LEGEND = {"loc": "upper left", "bbox_to_anchor": (1.01, 1.0), "fontsize": 7.5}


def configuration_text(conf: str) -> str:
    """A configuration in words: "Japan,NATO|China,Russia" -> "Japan, NATO | China, Russia"."""
    sides = [", ".join(side.split(",")) for side in str(conf).split("|") if side]
    return " | ".join(sides) if len(sides) > 1 else f"one bloc: {sides[0] if sides else ''}"


def _percent(v: float) -> str:
    """A share as a percentage that never rounds a rare split to 0% or a common one to 100%."""
    if 0 < v < 0.01:
        return "<1%"
    if 0.99 < v < 1:
        return ">99%"
    return f"{v:.0%}"


def _shares(ax, summary: dict) -> None:
    """Stacked shares of runs per predicted configuration (the split changes over time or runs)."""
    shares = summary["shares"]
    colours = [S.SERIES[i % len(S.SERIES)] for i in range(shares.shape[1])]
    labels = [f"{configuration_text(c)} ({_percent(shares[c].mean())})" for c in shares.columns]
    ax.stackplot(shares.index.to_numpy(dtype=float), shares.to_numpy().T, colors=colours, alpha=0.85, labels=labels)
    ax.set_ylim(0, 1)
    ax.set_ylabel("share of runs")
    ax.legend(title="predicted blocs A | B\n(share of runs, mean over dates)", **SIDE_LEGEND)


def _single(ax, summary: dict) -> None:
    """One split throughout: a thin strip that says which, and for how many runs."""
    x = summary["shares"].index.to_numpy(dtype=float)
    ax.fill_between([x.min(), x.max()], 0, 1, color=S.SERIES[0], alpha=0.14, lw=0, gid="blocs_single")
    ax.text(0.5, 0.5, f"every run ({summary['runs']}) at every date: {configuration_text(summary['single'])}",
            transform=ax.transAxes, ha="center", va="center", fontsize=8.5, gid="single_configuration")
    ax.set_ylim(0, 1)
    ax.set_yticks([])
    ax.grid(False)
    ax.set_ylabel("predicted\nblocs", rotation=0, ha="right", va="center")


def _energy(ax, summary: dict) -> None:
    """Energy of the landscape minimum: median and, with several runs, its 50% band."""
    e = summary["energy"]
    x = e.index.to_numpy(dtype=float)
    if summary["runs"] > 1:
        ax.fill_between(x, e[0.25], e[0.75], color=S.SERIES[0], alpha=0.25, lw=0, label="50% of runs",
                        gid="band50|energy")
    ax.plot(x, e[0.5], color=S.SERIES[0], label="median", gid="median|energy")
    ax.set_ylabel("energy of the minimum\n(size-weighted,\nlower = more settled)")


def _frustration(ax, summary: dict) -> None:
    """Each actor's median frustration under the predicted split."""
    f = summary["frustration"]
    if f.shape[1] == 0:
        ax.text(0.5, 0.5, "no frustration columns in the table", transform=ax.transAxes, ha="center", va="center",
                color=S.GREY)
    for i, a in enumerate(f.columns):
        ax.plot(f.index.to_numpy(dtype=float), f[a], color=S.actor_colour(a, i), label=a, gid=f"frustration|{a}")
    ax.set_ylabel("frustration, median of runs\n(higher = more drawn\nto the other bloc)")


@styled
def blocs_chart(table: pd.DataFrame, scenario: str | None = None, *, events=None, source=None):
    """Blocs over time from :func:`experiments.analysis.landscape_store.landscape_table` output.

    Panels: share of runs whose landscape minimum is each two-coalition configuration (or,
    when the split never changes, the one configuration in words); the median energy of
    that minimum with its 50% band (lower = a more settled, more polarised world); each
    actor's median frustration. ``events``: scenario -> events, marked on every panel.
    """
    at = select.where(table, source)
    select.need(table, ["scenario", "run", "date", "configuration", "energy"], at)
    scenario = select.one_scenario(table, scenario, at)
    summary = stats.bloc_summary(table, scenario)
    single = summary["single"] is not None
    fig, body = S.new_figure(9.6, 7.4 if not single else 6.6)
    axes = body.subplots(3, 1, sharex=True, height_ratios=[0.22 if single else 1.2, 1.0, 1.0])
    (_single if single else _shares)(axes[0], summary)
    _energy(axes[1], summary)
    _frustration(axes[2], summary)
    x = summary["shares"].index.to_numpy(dtype=float)
    ev = select.events_of(events, scenario)
    drawn = []
    for ax in axes:
        D.time_axis(ax, float(x.min()), float(x.max()))
        drawn.append(mark_events(ax, ev, scenario))
    axes[1].legend(handles=axes[1].get_legend_handles_labels()[0] + event_handles(drawn), **SIDE_LEGEND)
    if summary["frustration"].shape[1]:
        axes[2].legend(**SIDE_LEGEND)
    axes[2].set_xlabel(S.YEAR_LABEL)
    D.title(body, f"Blocs over time (Axelrod–Bennett landscape) — {scenario} ({D.runs_title(summary['runs'])})")
    S.source_note(fig, at, extra="sizes = power; propensity = cooperation + alignment − mutual threat "
                                 "(docs/landscape.md)", version=table.attrs.get("version"))
    fig._plotted = {"kind": "blocs", "scenario": scenario, "shares": summary["shares"], "energy": summary["energy"],
                    "frustration": summary["frustration"], "single": summary["single"], "runs": summary["runs"],
                    "events": drawn}
    return fig
