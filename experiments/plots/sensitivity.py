"""The sensitivity chart: Morris mu* (and sigma) or Sobol S1 and ST per parameter, with confidence bars.

Drawing only: the indices are the table of experiments.analysis.sensitivity (``analyse``);
``alliance sensitivity`` hands the figure to experiments.plots.save, which writes it with the
analysis's other files.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from experiments.plots.style import CONTRAST, MAIN, SECOND

DPI = 120  # indices.png


def indices_title(config, points: int) -> str:
    """The chart's title for a sensitivity config (experiments.analysis.sensitivity.SensitivityConfig) whose
    design has ``points`` points: "Morris sensitivity of japan_nato at 2025", "historical_baseline: 50 points x
    2 runs"."""
    return (f"{config.method.capitalize()} sensitivity of {config.outcome} at {config.date:g}\n"
            f"{config.scenario.name}: {points:,} points x {config.replications} runs")


def indices_figure(table: pd.DataFrame, title: str, top: int | None = None) -> Figure:
    """Horizontal bars with confidence error bars (Morris mu*, or Sobol S1 and ST), the largest at the top;
    ``top`` keeps the first rows of the (ranked) table."""
    t = table if top is None else table.head(top)
    t = t.iloc[::-1]  # largest at the top
    y = np.arange(len(t))
    fig = Figure(figsize=(7.5, 1.2 + 0.28 * len(t)), layout="constrained")
    ax = fig.subplots()
    method = t["method"].iloc[0]
    conf = int(round(100 * float(t["conf_level"].iloc[0])))
    if method == "morris":
        ax.barh(y, t["mu_star"], xerr=t["mu_star_conf"], color=MAIN, capsize=2,
                label=f"mu* (mean |elementary effect|), {conf}% CI")
        ax.plot(t["sigma"], y, "o", color=CONTRAST, ms=4, label="sigma (interaction / non-linearity)")
        ax.set_xlabel("|elementary effect| (outcome change per full parameter range)")
    else:
        h = 0.4
        ax.barh(y + h / 2, t["S1"], h, xerr=t["S1_conf"], color=MAIN, capsize=2, label=f"S1, {conf}% CI")
        ax.barh(y - h / 2, t["ST"], h, xerr=t["ST_conf"], color=SECOND, capsize=2, label=f"ST, {conf}% CI")
        ax.set_xlabel("Sobol index (share of output variance)")
    ax.set_yticks(y, t["parameter"])
    ax.set_ylabel("parameter")
    ax.axvline(0, color="0.5", lw=0.8)
    ax.set_title(title, fontsize=10)
    ax.legend(loc="lower right", fontsize=8)
    return fig
