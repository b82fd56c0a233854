"""A counterfactual figure: the factual run against one counterfactual, and their paired difference.

Top: the index in both, median with 50 % and 90 % bands across runs. Bottom: factual minus
counterfactual, paired by replication (and sample) when the runs share seeds, so the line
is the effect of the removed events under the same shocks. The removed events' dates are
marked. Numbers come from :mod:`experiments.plots.stats`; this module only draws.
"""

from __future__ import annotations

import pandas as pd

from experiments.plots import draw as D
from experiments.plots import select, stats
from experiments.plots import style as S
from experiments.plots.style import styled


def _removed_dates(events: dict | None, factual: str, counterfactual: str) -> list[float]:
    """Dates of the factual run's events that the counterfactual does not have (``events`` from select)."""
    if not events or factual not in events or counterfactual not in events:
        return []
    kept = set(select.event_keys(events[counterfactual]))
    fact = events[factual]
    return sorted({float(d) for d, k in zip(fact["date"], select.event_keys(fact)) if k not in kept})


@styled
def counterfactual_chart(df: pd.DataFrame, factual: str, counterfactual: str, index: str | None = None, *,
                         events: dict | None = None, source=None):
    """Factual vs counterfactual of one world index (default: the table's first), and the paired effect."""
    at = select.where(df, source)
    index = index or select.index_names(df)[0]
    series = select.run_series(df[select.isin(df["scenario"], [factual, counterfactual])], index, source=at)
    tables = stats.quantile_table(series)
    for name in (factual, counterfactual):
        if name not in tables:
            select.pick_scenarios(df, [name], at)  # raises, naming the missing scenario
    effect, method = stats.difference_bands(series, counterfactual, factual)
    fig, body = S.new_figure(8.0, 6.2)
    top, bottom = body.subplots(2, 1, sharex=True, height_ratios=[3, 2])
    colours = {factual: S.SERIES[0], counterfactual: S.SERIES[1]}
    for name, ls in ((counterfactual, "--"), (factual, "-")):
        D.fan_on(top, tables[name], colours[name], name, label=name, ls=ls)
    top.set_ylabel(S.index_label(index))
    top.legend(loc="upper left", fontsize=8)
    bottom.axhline(0, color="black", lw=0.7)
    D.fan_on(bottom, effect, S.SERIES[2], "effect", label=f"{factual} minus {counterfactual}")
    bottom.set_ylabel("effect (index points)")
    bottom.set_xlabel(S.YEAR_LABEL)
    lim = stats.symmetric_limit([effect])
    bottom.set_ylim(-lim, lim)
    for d in _removed_dates(events, factual, counterfactual):
        for ax in (top, bottom):
            ax.axvline(d, color="0.45", lw=0.8, ls=":", gid="removed_event")
    bottom.legend(loc="upper left", fontsize=8, title=f"{method}: {int(effect['n'].iloc[0])} pairs; dotted: "
                                                      "events the counterfactual removes", title_fontsize=7)
    top.set_title(f"{S.index_label(index)}: {factual} against the counterfactual {counterfactual}", fontsize=10)
    fig._plotted = {"factual": tables[factual], "counterfactual": tables[counterfactual], "effect": effect}
    S.source_note(fig, at, version=df.attrs.get("version"))
    return fig
