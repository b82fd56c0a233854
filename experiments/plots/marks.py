"""Marks at a scenario's event dates on a time axis: ticks for every event, lines for the scenario's own.

Events come from the store's metadata (:func:`experiments.plots.select.scenario_events`).
Every event gets a short tick on the panel's top edge; an event the baseline does not
have (``own``) also gets a dashed line across the panel, so a reader sees where the
scenario starts to differ. Each mark kind is one ``Line2D`` (segments split by NaN),
tagged ``events|<key>`` and ``own_events|<key>``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.lines import Line2D

from experiments.plots import style as S

TICK = 0.045  # tick length, a fraction of the panel height


def _segments(xs, y0: float, y1: float) -> tuple[np.ndarray, np.ndarray]:
    """x, y of vertical segments at ``xs`` from ``y0`` to ``y1``, split by NaN for one Line2D."""
    xs = np.asarray(xs, dtype=float)
    x = np.column_stack([xs, xs, np.full_like(xs, np.nan)]).ravel()
    y = np.tile([y0, y1, np.nan], len(xs))
    return x, y


def vertical_marks(ax, xs, y0: float, y1: float, gid: str, **style) -> Line2D:
    """One line of vertical segments at data x ``xs`` from ``y0`` to ``y1`` (fractions of the panel height)."""
    x, y = _segments(xs, y0, y1)
    line = Line2D(x, y, transform=ax.get_xaxis_transform(), gid=gid, **style)
    ax.add_line(line)
    return line


def mark_events(ax, events: pd.DataFrame | None, key: str = "", *, own_colour: str = S.OWN_EVENT_COLOUR,
                ticks: bool = True) -> dict:
    """Mark ``events`` (date, own ...) inside the current x-limits; call it after setting them.

    ``ticks=False`` draws only the own-event lines (for a panel that shares its ticks with
    another scenario's). Returns {"ticks": dates, "own": dates} of what was drawn.
    """
    out = {"ticks": np.array([]), "own": np.array([])}
    if events is None or len(events) == 0:
        return out
    x0, x1 = sorted(ax.get_xlim())
    ev = events[(events["date"] >= x0) & (events["date"] <= x1)]
    own = ev["own"].to_numpy(dtype=bool) if "own" in ev.columns else np.zeros(len(ev), dtype=bool)
    if ticks and len(ev):
        out["ticks"] = np.unique(ev["date"].to_numpy(dtype=float))
        vertical_marks(ax, out["ticks"], 1.0 - TICK, 1.0, f"events|{key}", color=S.EVENT_COLOUR, lw=0.9, zorder=3)
    if own.any():
        out["own"] = np.unique(ev["date"].to_numpy(dtype=float)[own])
        vertical_marks(ax, out["own"], 0.0, 1.0, f"own_events|{key}", color=own_colour, lw=0.8, ls=(0, (4, 3)),
                       alpha=0.75, zorder=1.5)
    return out


def event_handles(drawn: list[dict], own_colour: str = S.OWN_EVENT_COLOUR) -> list:
    """Legend entries for the kinds of event marks drawn (from :func:`mark_events` results)."""
    out = []
    if any(len(d["ticks"]) for d in drawn):
        out.append(Line2D([], [], color=S.EVENT_COLOUR, ls="", marker="|", markersize=7, label="scenario event"))
    if any(len(d["own"]) for d in drawn):
        out.append(Line2D([], [], color=own_colour, lw=0.8, ls=(0, (4, 3)), label="event not in the baseline"))
    return out
