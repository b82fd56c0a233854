"""The posterior figure: weighted marginals over each prior range, and the pairs that trade off.

Each panel spans the parameter's prior range, so a marginal that fills its panel is a
parameter the record does not identify, and a tilted cloud is a ridge (two parameters that
trade off). Up to ``CORNER_MAX`` parameters the figure is a corner plot (every pair below the
diagonal); beyond that a corner plot is unreadable (48 parameters: 1,128 panels, a 30 MB file),
so the figure shows every marginal in a grid and, below it, the ``PAIRS`` pairs with the
largest weighted correlation. Drawing only: the numbers are the posterior file's.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import NullFormatter

from experiments.plots.style import MAIN

CORNER_MAX = 12  # parameters a corner plot still shows legibly
PAIRS = 8        # the strongest pairs shown beside the marginals of a larger posterior


def posterior_figure(theta: np.ndarray, weights: np.ndarray, names, bounds, logs, title: str) -> Figure:
    """Weighted draws ``theta`` (n, P) over the prior box ``bounds`` (log axes where ``logs``): a corner plot
    up to CORNER_MAX parameters, else the marginals and the PAIRS most correlated pairs."""
    if len(names) <= CORNER_MAX:
        return _corner(theta, weights, names, bounds, logs, title)
    return _marginals_and_pairs(theta, weights, names, bounds, logs, title)


def strongest_pairs(theta: np.ndarray, weights: np.ndarray, logs, k: int) -> list[tuple[int, int, float]]:
    """The ``k`` pairs (i, j, r) with the largest |weighted correlation| (on the log scale for log parameters)."""
    x = np.where(np.asarray(logs, bool), np.log(np.maximum(theta, 1e-300)), theta)
    w = weights / weights.sum()
    centred = x - w @ x
    cov = (centred * w[:, None]).T @ centred
    sd = np.sqrt(np.diag(cov))
    with np.errstate(invalid="ignore", divide="ignore"):
        r = cov / np.outer(sd, sd)
    i, j = np.triu_indices(len(sd), 1)
    vals = np.nan_to_num(r[i, j])
    order = np.argsort(-np.abs(vals), kind="stable")[:k]
    return [(int(i[o]), int(j[o]), float(vals[o])) for o in order]


def _marginals_and_pairs(theta, weights, names, bounds, logs, title) -> Figure:
    p = len(names)
    cols = 8
    rows = -(-p // cols)
    pair_rows = -(-PAIRS // cols)
    fig = Figure(figsize=(2.0 * cols, 1.45 * rows + 2.1 * pair_rows + 0.6), layout="constrained")
    grid = fig.add_gridspec(rows + pair_rows, cols, height_ratios=[1.0] * rows + [1.5] * pair_rows)
    for k in range(p):
        ax = fig.add_subplot(grid[k // cols, k % cols])
        _axis(ax, "x", bounds[k], logs[k])
        edges = np.geomspace(*bounds[k], 21) if logs[k] else np.linspace(*bounds[k], 21)
        ax.hist(theta[:, k], bins=edges, weights=weights, color=MAIN, alpha=0.75)
        ax.set_yticks([])
        ax.set_title(names[k], fontsize=7)
        ax.tick_params(which="both", labelsize=5)
        ax.xaxis.set_minor_formatter(NullFormatter())
    alpha = np.clip(weights / weights.max(), 0.15, 1.0)
    for n, (i, j, r) in enumerate(strongest_pairs(theta, weights, logs, PAIRS)):
        ax = fig.add_subplot(grid[rows + n // cols, n % cols])
        _axis(ax, "x", bounds[i], logs[i])
        _axis(ax, "y", bounds[j], logs[j])
        ax.scatter(theta[:, i], theta[:, j], s=3, color=MAIN, alpha=alpha, linewidths=0)
        ax.set_xlabel(names[i], fontsize=6)
        ax.set_ylabel(names[j], fontsize=6)
        ax.set_title(f"r = {r:+.2f}", fontsize=7)
        ax.tick_params(which="both", labelsize=5)
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.yaxis.set_minor_formatter(NullFormatter())
    fig.suptitle(f"{title}\nmarginals over each prior range; below, the {PAIRS} most correlated pairs", fontsize=9)
    return fig


def _corner(theta, weights, names, bounds, logs, title) -> Figure:
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
