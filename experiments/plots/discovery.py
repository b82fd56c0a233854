"""The PRIM peeling-trajectory figure: coverage against density of every candidate box, the chosen one marked.

Drawing only: the trajectory comes from experiments.analysis.discovery; the caller writes the
figure (atomically). Points are coloured by how many parameters the box restricts
(viridis, colour-blind safe), so the trade-off between a simple box and a dense one shows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib import colormaps

from experiments.plots.style import GREY, OKABE_ITO, SEQUENTIAL, new_figure, source_note, styled


@styled
def peeling_figure(trajectory: pd.DataFrame, chosen: int, outcome: str = "", source=None, version=None):
    """Coverage (x) vs density (y) along the trajectory; ``chosen`` (a row position) ringed and labelled."""
    fig, body = new_figure(6.0, 4.4)
    ax = body.subplots()
    cov = trajectory["coverage"].to_numpy(dtype=float)
    den = trajectory["density"].to_numpy(dtype=float)
    dims = trajectory["res_dim"].to_numpy(dtype=int)
    ax.plot(cov, den, color=GREY, linewidth=0.8, zorder=1, gid="path")
    levels = np.unique(dims)
    cmap = colormaps[SEQUENTIAL].resampled(max(len(levels), 2))
    for k, d in enumerate(levels):
        on = dims == d
        ax.scatter(cov[on], den[on], s=22, color=cmap(k), zorder=2, gid=f"restricted_{d}",
                   label=f"{d} restricted parameter" + ("" if d == 1 else "s"))
    ax.scatter([cov[chosen]], [den[chosen]], s=150, facecolors="none", edgecolors=OKABE_ITO["vermillion"],
               linewidths=1.8, zorder=3, gid="chosen")
    ax.annotate(f"box {chosen}: coverage {cov[chosen]:.2f}, density {den[chosen]:.2f}", (cov[chosen], den[chosen]),
                xytext=(-12, -18), textcoords="offset points", ha="right", fontsize=8,
                color=OKABE_ITO["vermillion"])
    ax.set_xlabel("coverage (share of all true runs inside the box)")
    ax.set_ylabel("density (share of the box's runs that are true)")
    ax.set_xlim(min(0.0, cov.min()) - 0.02, 1.02)
    ax.set_ylim(max(0.0, den.min() - 0.05), 1.02)
    ax.legend(loc="lower left")
    ax.set_title(f"PRIM peeling trajectory{': ' + outcome if outcome else ''}")
    source_note(fig, source, version=version, extra="PRIM: EMA Workbench")
    return fig
