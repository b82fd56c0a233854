"""The page's figures, drawn with Matplotlib from immutable data (a snapshot, its baseline, its band).

Each function takes a :class:`Picture` and returns a Figure; :func:`render_all` gives the
PNG bytes the page shows and the export saves (through experiments.plots.save, as every
figure). Colours come from the figures' one palette (experiments.plots.style): the indices
take the series colours in order, cooperation and alignment the main and contrast colours,
threat the sequential colour map. Nothing here reads a running model.
"""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib as mpl
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.transforms import Bbox

from experiments.app.compare import Band, Comparison, band_text
from experiments.app.snapshot import View
from experiments.plots import style as S
from experiments.plots.draw import short_actor
from experiments.plots.save import figure_bytes
from model.spec.domains import DOMAINS
from model.spec.timegrid import date_text

COOPERATION, ALIGNMENT = S.MAIN, S.CONTRAST  # the domain bars and the network's two kinds of edge
LABEL_SPOTS = (0.5, 0.4, 0.6, 0.3, 0.7, 0.22, 0.78)  # where along an edge its label may sit, in order


@dataclass(frozen=True)
class Picture:
    """Everything one drawing of the page needs."""

    view: View
    dyad: tuple[int, int]
    comparison: Comparison | None = None
    band: Band | None = None


def colour(k: int) -> str:
    """The colour of the world's ``k``-th index (its lines and its readout): the palette's series in order."""
    return S.SERIES[k % len(S.SERIES)]


def _events(ax, v: View) -> None:
    for ev in v.events:
        passed = ev.date <= v.date
        ax.axvline(ev.date, color="0.55" if passed else "0.82", lw=0.8, ls="-" if passed else ":", zorder=1)
    ax.axvline(v.date, color="black", lw=1.0, zorder=2)


def _levels(ax, pic: Picture) -> list:
    """The indices (solid), the baseline (dashed) and the band (shaded), quarters 0..now."""
    v, c, b, k1 = pic.view, pic.comparison, pic.band, pic.view.quarter + 1
    for k, (name, values) in enumerate(v.indices.items()):
        if b is not None:
            lo, _, hi = b.scenario[name][:, :k1]
            ax.fill_between(v.dates, lo, hi, color=colour(k), alpha=0.15, lw=0, zorder=2)
        if c is not None:
            ax.plot(v.dates, c.indices[name][:k1], color=colour(k), lw=1.6, ls="--", alpha=0.85, zorder=3)
        ax.plot(v.dates, values, color=colour(k), lw=2.2, label=v.index_labels[name], zorder=4)
        ax.plot(v.dates[-1:], values[-1:], "o", color=colour(k), ms=5, zorder=5)
    top = max([1.0] + [float(np.nanmax(x)) * 1.05 for x in v.indices.values()])
    ax.set_ylim(0.0, top)
    ax.set_ylabel("index (0–1)")
    extra = []
    if c is not None:
        extra.append((Line2D([], [], color="0.3", lw=1.6, ls="--"), f"dashed: {c.name} (same seed)"))
    if b is not None:
        extra.append((Patch(color="0.6", alpha=0.4), f"shaded: 5–95 % over {band_text(b.seeds, b.posterior)}"))
    return extra


def _differences(ax, pic: Picture) -> None:
    """Scenario minus baseline per index (paired: same seed), with the band of paired differences."""
    v, c, b, k1 = pic.view, pic.comparison, pic.band, pic.view.quarter + 1
    ax.axhline(0.0, color="0.4", lw=0.8)
    for k, (name, values) in enumerate(v.indices.items()):
        if b is not None and b.difference is not None:
            lo, _, hi = b.difference[name][:, :k1]
            ax.fill_between(v.dates, lo, hi, color=colour(k), alpha=0.15, lw=0)
        ax.plot(v.dates, values - c.indices[name][:k1], color=colour(k), lw=1.8)
    ax.set_ylabel("vs baseline")
    ax.set_xlim(v.start, v.end)


def timeline_figure(pic: Picture) -> Figure:
    v, c = pic.view, pic.comparison
    fig = Figure(figsize=(12.5, 4.9 if c is not None else 3.4), dpi=96)
    if c is not None:
        ax, dx = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [2.2, 1]})
        fig.subplots_adjust(left=0.06, right=0.98, bottom=0.08, top=0.91, hspace=0.08)
    else:
        ax, dx = fig.subplots(), None
        fig.subplots_adjust(left=0.06, right=0.98, bottom=0.12, top=0.88)
    _events(ax, v)
    extra = _levels(ax, pic)
    ax.set_xlim(v.start, v.end)
    ax.grid(axis="y", color="0.92")
    if dx is not None:
        _events(dx, v)
        _differences(dx, pic)
        dx.grid(axis="y", color="0.92")
    handles, labels = ax.get_legend_handles_labels()
    handles += [h for h, _ in extra] + [Line2D([], [], color="0.55", lw=0.8), Line2D([], [], color="black", lw=1.0)]
    labels += [lab for _, lab in extra] + ["scenario event (dotted: ahead)", "now"]
    ax.legend(handles, labels, loc="upper left", fontsize=8.5, ncol=3, frameon=True, framealpha=0.9,
              edgecolor="none")
    passed = [ev for ev in v.events if ev.date <= v.date]
    title = f"{v.scenario}: composite indices, {v.start:.0f}–{v.end:.0f}, now {date_text(v.date)}"
    if passed:
        label = passed[-1].label
        title += f"   ·   latest event: {passed[-1].date:.2f} {label if len(label) <= 60 else label[:59] + '…'}"
    ax.set_title(title, fontsize=10.5, loc="left")
    return fig


def domain_figure(pic: Picture) -> Figure:
    v, (a, b) = pic.view, pic.dyad
    coop = v.cooperation[a, b, :]
    ceiling = np.minimum(v.ceiling[a, b, :], v.ceiling[b, a, :])
    fig = Figure(figsize=(6.4, 4.4), dpi=96)
    fig.subplots_adjust(left=0.30, right=0.97, bottom=0.12, top=0.92)
    ax = fig.subplots()
    y = np.arange(len(DOMAINS))
    ax.barh(y, coop, color=COOPERATION, height=0.65, label="cooperation")
    ax.scatter(ceiling, y, marker="|", s=220, color="black", linewidths=2, label="ceiling (lower of the two)",
               zorder=3)
    for yi, c, cap in zip(y, coop, ceiling):
        ax.text(max(c, cap) + 0.015, yi, f"{c:.2f}", va="center", fontsize=8, color="0.2")
    ax.set_yticks(y, [d.replace("_", " ") for d in DOMAINS], fontsize=9)
    ax.invert_yaxis()
    ax.set_xlim(0.0, 1.0)
    ax.set_xlabel("cooperation level (0–1)")
    ax.legend(loc="lower right", fontsize=8, frameon=True, framealpha=0.9, edgecolor="none")
    ax.set_title(f"{v.actors[a]}–{v.actors[b]}: cooperation by domain, {date_text(v.date)}", fontsize=10.5,
                 loc="left")
    return fig


def threat_figure(pic: Picture) -> Figure:
    v = pic.view
    t, n = v.threat, len(v.actors)
    fig = Figure(figsize=(6.4, 4.4), dpi=96)
    fig.subplots_adjust(left=0.17, right=0.93, bottom=0.17, top=0.92)
    ax = fig.subplots()
    cmap = mpl.colormaps[S.SEQUENTIAL]
    im = ax.imshow(np.where(np.eye(n, dtype=bool), np.nan, t), cmap=cmap, vmin=0.0, vmax=1.0)
    for i in range(n):
        for j in range(n):
            if i != j:
                ax.text(j, i, f"{t[i, j]:.2f}", ha="center", va="center", fontsize=9,
                        color=S.contrast_text(cmap(float(t[i, j]))))
    names = [short_actor(x) for x in v.actors]
    ax.set_xticks(range(n), names, fontsize=9)
    ax.set_yticks(range(n), names, fontsize=9)
    ax.set_xlabel("threat from")
    ax.set_ylabel("perceived by")
    fig.colorbar(im, ax=ax, shrink=0.9, label="perceived threat (0–1)")
    ax.set_title(f"Threat perception, {date_text(v.date)}", fontsize=10.5, loc="left")
    return fig


def _overlaps(box, boxes) -> bool:
    return any(box.overlaps(other) for other in boxes)


def place_labels(fig: Figure, texts: list, segments: list, taken: list) -> None:
    """Move each edge label along its edge to the first spot where it overlaps no label or node drawn so far."""
    renderer = FigureCanvasAgg(fig).get_renderer()
    for text, ((x0, y0), (x1, y1)) in zip(texts, segments):
        for t in LABEL_SPOTS:
            text.set_position((x0 + t * (x1 - x0), y0 + t * (y1 - y0)))
            box = text.get_window_extent(renderer).expanded(1.08, 1.15)
            if not _overlaps(box, taken):
                break
        taken.append(box)


def _node_boxes(ax, pos: np.ndarray, sizes: np.ndarray) -> list:
    dpi = ax.figure.dpi
    out = []
    for (x, y), s in zip(ax.transData.transform(pos), sizes):
        r = np.sqrt(s / np.pi) * dpi / 72.0
        out.append(Bbox.from_extents(x - r, y - r, x + r, y + r))
    return out


def _edges(ax, v: View, pos: np.ndarray) -> tuple[list, list]:
    """Cooperation (solid, COOPERATION) and alignment (dashed, ALIGNMENT, beside it) edges; returns their labels
    and segments."""
    n, coop = len(v.actors), v.cooperation.mean(axis=-1)
    texts, segments = [], []
    box = {"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.9}
    for i in range(n):
        for j in range(i + 1, n):
            (x0, y0), (x1, y1) = pos[i], pos[j]
            for value, shift, col, ls, lw in ((coop[i, j], 0.0, COOPERATION, "-", 12), (v.alignment[i, j], 0.06,
                                                                                       ALIGNMENT, "--", 10)):
                if value <= 0.01:
                    continue
                dx, dy = (y1 - y0) * shift, (x0 - x1) * shift
                seg = ((x0 + dx, y0 + dy), (x1 + dx, y1 + dy))
                ax.plot(*zip(*seg), color=col, lw=0.5 + lw * value, ls=ls, alpha=0.5 if ls == "-" else 0.8,
                        solid_capstyle="round", zorder=1)
                texts.append(ax.text(0, 0, f"{value:.2f}", fontsize=8, ha="center", va="center", color=col,
                                     zorder=2, bbox=box))
                segments.append(seg)
    return texts, segments


def network_figure(pic: Picture) -> Figure:
    v = pic.view
    n = len(v.actors)
    angle = np.pi / 2 - 2 * np.pi * np.arange(n) / n
    pos = np.column_stack([np.cos(angle), np.sin(angle)])
    fig = Figure(figsize=(6.4, 4.4), dpi=96)
    fig.subplots_adjust(left=0.02, right=0.98, bottom=0.10, top=0.92)
    ax = fig.subplots()
    ax.set_xlim(-1.6, 1.6)
    ax.set_ylim(-1.3, 1.3)
    ax.set_aspect("equal")
    ax.axis("off")
    texts, segments = _edges(ax, v, pos)
    sizes = 900 + 1600 * v.power / max(float(np.max(v.power)), 1e-12)  # relative to the strongest actor
    ax.scatter(pos[:, 0], pos[:, 1], s=sizes, color=S.NODE_FILL, edgecolors="0.35", zorder=3)
    for (x, y), name in zip(pos, v.actors):
        ax.text(x, y, short_actor(name), ha="center", va="center", fontsize=9.5, zorder=4)
    ax.legend([Line2D([], [], color=COOPERATION, lw=4, alpha=0.5), Line2D([], [], color=ALIGNMENT, lw=3, ls="--"),
               Line2D([], [], marker="o", ls="", mfc=S.NODE_FILL, mec="0.35", ms=11)],
              ["cooperation (mean of domains)", "counterbalancing alignment", "node size ∝ power"],
              loc="lower center", bbox_to_anchor=(0.5, -0.05), fontsize=8, ncol=3, frameon=False, columnspacing=1.2)
    ax.set_title(f"Cooperation network, {date_text(v.date)}", fontsize=10.5, loc="left")
    ax.apply_aspect()  # the axes' final position, before measuring where labels fall
    place_labels(fig, texts, segments, _node_boxes(ax, pos, sizes))
    return fig


FIGURES = {"timeline": timeline_figure, "domains": domain_figure, "threat": threat_figure, "network": network_figure}


def render_all(pic: Picture) -> dict[str, bytes]:
    """Every figure of the page for one picture, as PNG bytes (at the figures' own 96 dots per inch)."""
    return {name: figure_bytes(make(pic)) for name, make in FIGURES.items()}
