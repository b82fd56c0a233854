"""The posterior figure: weighted marginals on the diagonal, pairs below it, the prior's range as the axes.

Each panel spans the parameter's prior range, so a marginal that fills its panel is a
parameter the record does not identify, and a tilted cloud below the diagonal is a ridge
(two parameters that trade off). Drawing only: the numbers are the posterior file's.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import NullFormatter

from experiments.plots.style import MAIN


def posterior_figure(theta: np.ndarray, weights: np.ndarray, names, bounds, logs, title: str) -> Figure:
    """A corner plot of weighted draws ``theta`` (n, P) over the prior box ``bounds`` (log axes where ``logs``)."""
    p = len(names)
    size = max(6.0, 1.35 * p)
    fig = Figure(figsize=(size, size), layout="constrained")
    axes = fig.subplots(p, p, squeeze=False)
    alpha = np.clip(weights / weights.max(), 0.15, 1.0)
    for i in range(p):
        for j in range(p):
            ax = axes[i, j]
            if j > i:
                ax.set_axis_off()
                continue
            _axis(ax, "x", bounds[j], logs[j])
            if i == j:
                edges = np.geomspace(*bounds[j], 21) if logs[j] else np.linspace(*bounds[j], 21)
                ax.hist(theta[:, j], bins=edges, weights=weights, color=MAIN, alpha=0.75)
                ax.set_yticks([])
            else:
                _axis(ax, "y", bounds[i], logs[i])
                ax.scatter(theta[:, j], theta[:, i], s=4, color=MAIN, alpha=alpha, linewidths=0)
            ax.tick_params(which="both", labelsize=5)
            ax.xaxis.set_minor_formatter(NullFormatter())
            ax.yaxis.set_minor_formatter(NullFormatter())
            if i == p - 1:
                ax.set_xlabel(names[j], fontsize=6, rotation=30, ha="right")
            else:
                ax.set_xticklabels([])
            if j == 0 and i > 0:
                ax.set_ylabel(names[i], fontsize=6, rotation=0, ha="right", va="center")
            elif i != j:
                ax.set_yticklabels([])
    fig.suptitle(title, fontsize=9)
    return fig


def _axis(ax, which: str, bounds, log: bool) -> None:
    getattr(ax, f"set_{which}lim")(*bounds)
    if log:
        getattr(ax, f"set_{which}scale")("log")
