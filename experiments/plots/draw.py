"""Drawing pieces the figure families share: bands and medians, panel grids, legends, titles and panel notes."""

from __future__ import annotations

import math
import textwrap

import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from experiments.plots import style as S

LINESTYLES = ("-", "--", "-.", ":")


def series_linestyle(i: int) -> str:
    """Line style of the i-th series: with ``style.series_colours`` no two of the first 32 share colour and style."""
    return LINESTYLES[(i + i // len(S.SERIES)) % len(LINESTYLES)]
THIN_BAND = "50%/90% bands narrower than the line"
HIDDEN_SHARE = 0.5  # bands narrower than the line at this share of dates or more are said to be
_NOTE_BOX = {"boxstyle": "round,pad=0.25", "fc": "white", "ec": "none", "alpha": 0.85}


def root_figure(artist):
    """The top-level Figure of an axes or subfigure."""
    try:
        return artist.get_figure(root=True)
    except TypeError:  # matplotlib < 3.10
        return artist.figure.figure


# ------------------------------------------------------------------ bands and medians
def band(ax, x, lo, hi, colour, which: str, key: str):
    """One uncertainty band (``which`` "50" or "90"), tagged ``band<which>|<key>``."""
    return ax.fill_between(x, lo, hi, color=colour, alpha=S.BAND_ALPHA[which], linewidth=0, gid=f"band{which}|{key}")


def fan_on(ax, t: pd.DataFrame, colour: str, key: str, *, label: str | None = None, ls: str = "-",
           bands: bool = True, zorder: float = 2.0):
    """Median line (``median|<key>``) and, with more than one run and ``bands``, the 50% and 90% bands."""
    x = t["date"].to_numpy()
    if bands and int(t["n"].iloc[0]) > 1:
        band(ax, x, t["q05"], t["q95"], colour, "90", key)
        band(ax, x, t["q25"], t["q75"], colour, "50", key)
    return ax.plot(x, t["q50"], color=colour, gid=f"median|{key}", label=label, ls=ls, zorder=zorder,
                   marker="o" if len(x) < 8 else None, markersize=3.5)[0]


def band_handles(colour: str = S.ANY_SERIES_GREY, median_label: str = "median of runs") -> list:
    """Legend entries for a median line and its 50% and 90% bands."""
    return [Line2D([], [], color=colour, label=median_label),
            Patch(facecolor=colour, alpha=S.BAND_ALPHA["50"] + S.BAND_ALPHA["90"], label="50% of runs"),
            Patch(facecolor=colour, alpha=S.BAND_ALPHA["90"], label="90% of runs")]


def line_thickness(ax, lw: float) -> float:
    """How many y data units a line ``lw`` points wide covers on ``ax`` (its current size and limits)."""
    y0, y1 = ax.get_ylim()
    height_px = max(1.0, ax.bbox.height)
    return abs(y1 - y0) * lw * root_figure(ax).dpi / 72.0 / height_px


def narrow_share(ax, widths, lw: float | None = None) -> float:
    """Share of the dates (pooled over bands) where a 90% band of ``widths`` is narrower than the median line
    (``lw`` points) drawn over it: the band is hidden there. Dates where the runs agree exactly (width 0:
    nothing to hide, e.g. paired differences before a scenario's first event) do not count; 0 without bands."""
    w = np.concatenate([np.asarray(x, dtype=float).ravel() for x in widths] or [np.array([])])
    w = w[~np.isnan(w) & (w > 0)]
    if not len(w):
        return 0.0
    return float(np.mean(w < line_thickness(ax, lw or float(S.RC["lines.linewidth"]))))


# ------------------------------------------------------------------ panel notes
def note(ax, text: str, gid: str, corner: str = "upper left", fontsize: float = 6.8):
    """A small grey note inside a panel, wrapped to its width; notes in the same corner stack.

    It sits above the grid and bands but below the lines (zorder 1.6), so it never hides data.
    """
    width_pt = ax.get_position().width * root_figure(ax).get_figwidth() * 72
    text = textwrap.fill(text, max(16, int(0.9 * width_pt / (0.52 * fontsize))))
    used = getattr(ax, "_note_pt", {})
    k = used.get(corner, 0.0)
    ax._note_pt = used | {corner: k + (text.count("\n") + 1) * fontsize * 1.2 + 3.5}
    up = corner.startswith("upper")
    left = corner.endswith("left")
    t = ax.annotate(text, (0.015 if left else 0.985, 0.93 if up else 0.03), xycoords="axes fraction",
                    xytext=(0, -k if up else k), textcoords="offset points", ha="left" if left else "right",
                    va="top" if up else "bottom", fontsize=fontsize, zorder=1.6, color=S.GREY, style="italic",
                    gid=gid, bbox=_NOTE_BOX)
    t.set_in_layout(False)
    return t


def no_band_note(ax, corner: str = "upper left"):
    """Say that one run gives no uncertainty band."""
    return note(ax, S.NO_BAND, "no_band", corner)


def thin_band_note(ax, share: float, corner: str = "upper left"):
    """Say so when bands are narrower than the line at half the dates or more (``share`` from :func:`narrow_share`)."""
    if share < HIDDEN_SHARE:
        return None
    text = THIN_BAND if share >= 0.995 else f"{THIN_BAND} at {share:.0%} of the dates"
    return note(ax, text, "thin_band", corner)


# ------------------------------------------------------------------ grids, legends, titles
def grid(body, n: int, ncols: int, sharey=True, sharex=True):
    """Panels for ``n`` plots in at most ``ncols`` columns: (axes flat, rows, columns)."""
    ncols = max(1, min(ncols, n))
    nrows = math.ceil(n / ncols)
    axes = body.subplots(nrows, ncols, sharex=sharex, sharey=sharey, squeeze=False).ravel()
    return axes, nrows, ncols


def has_panel_below(axes, ax, n_used: int) -> bool:
    """Whether another used panel sits below ``ax`` in its column."""
    ncols = ax.get_subplotspec().get_gridspec().ncols
    return list(axes).index(ax) + ncols < n_used


def label_outer(axes, n_used: int, ylabel: str, xlabel: str | None = S.YEAR_LABEL) -> None:
    """Hide the spare panels; y label on the first column, x label and ticks under each column's last panel."""
    for i, ax in enumerate(axes):
        if i >= n_used:
            ax.set_visible(False)
            continue
        if ax.get_subplotspec().is_first_col():
            ax.set_ylabel(ylabel)
        if not has_panel_below(axes, ax, n_used):
            if xlabel is not None:
                ax.set_xlabel(xlabel)
            ax.tick_params(labelbottom=True)


def legend_rows(body, rows: list[list], **kw):
    """A legend below the panels whose rows are the given groups (matplotlib fills by column)."""
    rows = [r for r in rows if r]
    ncols = max(len(r) for r in rows)
    blank = Line2D([], [], alpha=0, label=" ")
    cols = []
    for j in range(ncols):
        cols += [r[j] if j < len(r) else blank for r in rows]
    return body.legend(handles=cols, loc="outside lower center", ncols=ncols, **kw)


def title(body, text: str):
    """Figure title, wrapped to the figure's width (one " — " part per line when too long)."""
    fits = int(root_figure(body).get_figwidth() * 72 / (0.56 * 11))
    if len(text) > fits and " — " in text:
        text = text.replace(" — ", "\n", 1)
    if any(len(line) > fits for line in text.split("\n")):
        text = "\n".join(textwrap.fill(line, fits) for line in text.split("\n"))
    return body.suptitle(text)


def index_ylim(ax, top_value: float, headroom: float = 1.12) -> None:
    """0 to a round number above the data (at most 1 for 0–1 indices)."""
    top = min(1.0, max(0.1, math.ceil(top_value * headroom * 10) / 10))
    ax.set_ylim(0, top)


def time_axis(ax, lo: float, hi: float) -> None:
    """A time axis from ``lo`` to ``hi`` without margins."""
    ax.set_xlim(lo, hi)
    ax.margins(x=0)


def top_of(tables) -> float:
    """The highest q95 of some quantile tables (0 when all are empty)."""
    vals = [float(np.nanmax(t["q95"])) for t in tables if len(t) and not t["q95"].isna().all()]
    return max(vals + [0.0])


# ------------------------------------------------------------------ words
def dyad_text(dyad) -> str:
    """("Japan", "NATO") -> "Japan–NATO"."""
    return f"{dyad[0]}–{dyad[1]}"


def short_actor(a: str) -> str:
    """Short actor names for crowded axes ("United States" -> "US")."""
    return {"United States": "US"}.get(a, a)


def wrap(text: str, width: int) -> str:
    """``text`` wrapped to lines of at most ``width`` characters."""
    return "\n".join(textwrap.wrap(text, width))


def runs_title(n: int) -> str:
    """The runs for a title: "n = 20 runs", or "n = 1 run: no uncertainty band"."""
    return S.runs_text(n) + (": no uncertainty band" if n == 1 else "")
