"""The calibration fit figure: simulated bands and medians against the coded record (drawing only)."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from experiments.analysis.calibration import FitPaths
from experiments.plots.style import CONTRAST, MAIN


def fit_figure(paths: FitPaths, targets, window: tuple[int, int], title: str) -> Figure:
    """Simulated 5-95% band and median (calibrated, and the scenario's own values) vs the target bands."""
    n = len(targets)
    fig = Figure(figsize=(9, 3.6 * n), layout="constrained")
    axes = fig.subplots(n, 1, squeeze=False)[:, 0]
    lo, hi = float(window[0]), float(window[1] + 1)
    first, last = float(paths.dates[0]), float(paths.dates[-1])
    for ax, t in zip(axes, targets):
        ax.fill_between(t.dates, t.lower, t.upper, color="0.8", step="post", label="target band")
        ax.step(t.dates, t.target, where="post", color="0.35", lw=1, ls="--", label="target")
        y = paths.calibrated[t.index]
        ax.fill_between(paths.dates, np.quantile(y, 0.05, axis=0), np.quantile(y, 0.95, axis=0), color=MAIN,
                        alpha=0.25, label=f"calibrated 5-95% ({paths.replications} runs)")
        ax.plot(paths.dates, np.median(y, axis=0), color=MAIN, lw=2, label="calibrated median")
        ax.plot(paths.dates, np.median(paths.default[t.index], axis=0), color=CONTRAST, lw=1.2, ls=":",
                label="uncalibrated median (scenario values)")
        if len(t.milestones):
            ax.plot(t.milestones["date"], t.milestones["code_level"], "kv", ms=5, label="milestones (code level)")
        shown = False
        for a, b in ((first, lo), (hi, last)):
            if b > a:
                ax.axvspan(a, b, color="0.6", alpha=0.12, lw=0,
                           label=None if shown else f"outside fit window {window[0]}-{window[1]}")
                shown = True
        ax.set_xlim(first, last)
        ax.set_ylim(0, 1)
        ax.set_xlabel("year")
        ax.set_ylabel(f"{t.index} index (0-1)")
        ax.set_title(t.index.replace("_", " "))
        ax.legend(loc="upper left", fontsize=7, ncols=2)
    fig.suptitle(title)
    return fig
