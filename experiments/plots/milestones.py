"""Simulated indices against the historical record: numbered milestone markers with a key, and the record chart.

The record (target bands and dated milestones in ``data/``) is read with
:mod:`experiments.analysis.history`, the one reader of those files. Milestones are drawn
as numbered markers above the panel with a key beside it (number, date, full event
text), so long event names never cover the data and are never cut.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.lines import Line2D

from experiments.analysis import history
from experiments.plots import draw as D
from experiments.plots import select, stats
from experiments.plots import style as S
from experiments.plots.marks import event_handles, mark_events, vertical_marks
from experiments.plots.style import styled
from model.spec.errors import InputError, did_you_mean
from model.spec.paths import ROOT
from model.spec.timegrid import date_text

MARKER_PT = 11.0  # marker diameter and row height of the numbered markers, points


# ------------------------------------------------------------------ the record's files
def record_paths(which: str) -> tuple[Path | None, Path]:
    """(target band, milestones) of a world index with a record, or (None, path) for a milestone CSV path."""
    files = history.record_files(which)
    if files is not None:
        return files
    p = Path(which)
    if p.suffix == ".csv":
        return None, p
    raise InputError("add_milestones", None, "which", f"no historical record for '{which}'"
                     f"{did_you_mean(which, history.RECORDS)} (use {', '.join(history.RECORDS)} or a CSV path)")


def has_record(index: str) -> bool:
    """Whether a world index has a historical record in data/."""
    return history.record_files(index) is not None


def project_path(p: Path) -> str:
    """A path relative to the project when it lies inside it (for source notes)."""
    try:
        return str(Path(p).resolve().relative_to(ROOT))
    except ValueError:
        return str(p)


def draw_target(ax, index: str, start: float) -> tuple[pd.DataFrame, str]:
    """Draw the historical coding of an index (dashed steps, its band in grey); returns it and its path."""
    band, _ = record_paths(index)
    t = history.read_band(band, start)
    ax.step(t["date"], t["target"], where="post", color="black", lw=1.1, ls="--", gid="target",
            label="historical coding")
    ax.fill_between(t["date"], t["lower"], t["upper"], step="post", facecolor="black", alpha=0.09, linewidth=0,
                    gid="target_band")
    return t, project_path(band)


# ------------------------------------------------------------------ numbered markers and their key
def marker_rows(xs, gap: float) -> list[int]:
    """Row of each marker (in date order): the lowest row whose last marker is at least ``gap`` to the left."""
    last: list[float] = []
    rows = []
    for x in xs:
        r = next((i for i, v in enumerate(last) if x - v >= gap), len(last))
        if r == len(last):
            last.append(x)
        else:
            last[r] = x
        rows.append(r)
    return rows


def _gap(ax, x0: float, x1: float) -> float:
    """The marker diameter in years on ``ax`` (its width before layout, a little narrowed)."""
    fig = D.root_figure(ax)
    width_pt = max(1.0, ax.get_position().width * fig.get_figwidth() * 72 * 0.9)
    return MARKER_PT / (width_pt / (x1 - x0))


def _numbered(ax, xs, first: int, fontsize: float, colour: str) -> list:
    """Dotted guides and numbered markers above the panel, touching markers stacked in rows."""
    xt = ax.get_xaxis_transform()
    vertical_marks(ax, xs, 0.0, 1.0, "milestone_guides", color=colour, lw=0.5, ls=":", alpha=0.6, zorder=1)
    x0, x1 = sorted(ax.get_xlim())
    markers = []
    for i, (x, r) in enumerate(zip(xs, marker_rows(xs, _gap(ax, x0, x1)))):
        markers.append(ax.annotate(
            str(first + i), xy=(x, 1.0), xycoords=xt, xytext=(0, 3 + r * MARKER_PT), textcoords="offset points",
            ha="center", va="bottom", fontsize=fontsize, color=colour, annotation_clip=False, gid="milestone_marker",
            bbox={"boxstyle": "circle,pad=0.18", "fc": "white", "ec": colour, "lw": 0.6}))
    return markers


def add_milestones(ax, which: str, *, numbered: bool = True, first: int = 1, fontsize: float = 5.6,
                   colour: str = S.GREY) -> dict:
    """Overlay the dated milestones of an index's record (or a milestone CSV) on a time axis.

    Call it after the x-limits are set. Numbered (one wide panel): a faint dotted guide
    at each milestone and a numbered marker above the panel, markers that would touch
    stacked in rows; :func:`milestone_key` writes the key. Not numbered (small multiples):
    short ticks on the bottom edge. Returns {"milestones": the rows drawn, "numbers",
    "markers": the number texts, "file": the CSV path relative to the project}.
    """
    _, path = record_paths(which)
    m = history.read_milestones(path)
    x0, x1 = sorted(ax.get_xlim())
    m = m[(m["date"] >= x0) & (m["date"] <= x1)].reset_index(drop=True)
    out = {"milestones": m, "numbers": list(range(first, first + len(m))), "markers": [], "file": project_path(path)}
    xs = m["date"].to_numpy(dtype=float)
    if not len(xs):
        return out
    if numbered:
        out["markers"] = _numbered(ax, xs, first, fontsize, colour)
    else:
        vertical_marks(ax, xs, 0.0, 0.05, "milestone_ticks", color=colour, lw=1.0, zorder=3)
    return out


def key_lines(m: pd.DataFrame, numbers, width: int = 80) -> list[str]:
    """One entry per milestone, "n  date  event", wrapped to ``width`` characters with a hanging indent."""
    lines = []
    for n, row in zip(numbers, m.itertuples(index=False)):
        when = str(getattr(row, "date_text", "") or "") or date_text(float(row.date))
        head = f"{n:>2}  {when:<7}  "
        lines += textwrap.wrap(f"{head}{row.event}", width, subsequent_indent=" " * len(head),
                               break_on_hyphens=False) or [head]
    return lines


def milestone_key(ax, drawn: dict, *, fontsize: float = 6.2):
    """Write the key of :func:`add_milestones`'s numbered markers into ``ax`` (its axes turned off).

    Monospaced, so numbers and dates line up; wrapped to the key's width, and set smaller
    when the entries would not fit its height (call it once the layout is done, e.g. after
    ``fig.draw_without_rendering()``; the key takes no part in the layout).
    """
    ax.axis("off")
    fig = D.root_figure(ax)
    box = ax.get_position()
    width_pt, height_pt = box.width * fig.get_figwidth() * 72, box.height * fig.get_figheight() * 72
    size = fontsize
    for _ in range(3):  # a smaller font fits more characters per line, so fewer lines
        lines = key_lines(drawn["milestones"], drawn["numbers"], max(40, int(0.92 * width_pt / (0.6 * size))))
        size = min(fontsize, max(4.5, (height_pt - 16) / (1.3 * max(1, len(lines)))))
    head = ax.text(0.0, 1.0, "historical milestones", transform=ax.transAxes, ha="left", va="top", fontsize=7.5,
                   fontweight="bold", color=S.GREY)
    key = ax.text(0.0, 1.0 - 14.0 / max(1.0, height_pt), "\n".join(lines), transform=ax.transAxes, ha="left",
                  va="top", fontsize=size, family="monospace", linespacing=1.3, color=S.KEY_TEXT, gid="milestone_key")
    for t in (head, key):
        t.set_in_layout(False)
    return key


# ------------------------------------------------------------------ the record chart
def _record_indices(df: pd.DataFrame, indices, at: str) -> list[str]:
    """The asked (or the table's) world indices that have a historical record."""
    names = select.index_names(df) if indices is None else list(indices)
    recs = [n for n in names if has_record(n)]
    if not recs:
        raise InputError(at, None, "indices", f"no world index of the results has a historical record in data/ "
                         f"(indices: {', '.join(names) or 'none'}; records: {', '.join(history.RECORDS)})")
    select.need(df, recs, at)
    return recs




def _record_panel(ax, sub, index, scenario, span, ev, at) -> dict:
    """One index against its record: fan, coding, numbered milestones and events."""
    t = stats.quantile_table(select.run_series(sub, index, source=at))[scenario]
    D.fan_on(ax, t, S.SERIES[0], index)
    target, tfile = draw_target(ax, index, span[0])
    D.time_axis(ax, *span)
    shown = t[(t["date"] >= span[0]) & (t["date"] <= span[1])]
    D.index_ylim(ax, max(float(np.nanmax(shown["q95"])), float(target["upper"].max())), 1.08)
    ms = add_milestones(ax, index)
    drawn = mark_events(ax, ev, index)
    ax.set_ylabel(S.outcome_label(index))
    ax.text(0.01, 0.96, S.index_label(index), transform=ax.transAxes, ha="left", va="top", fontweight="bold",
            fontsize=9.5, bbox={"fc": "white", "ec": "none", "alpha": 0.8, "pad": 1.5})
    if int(t["n"].iloc[0]) == 1:
        D.no_band_note(ax, "lower right")
    else:
        D.thin_band_note(ax, D.narrow_share(ax, [stats.band_widths(t)]), "lower right")
    return {"table": t, "files": (ms["file"], tfile), "events": drawn, "key": ms}


def record_end(index: str) -> float:
    """The last date of an index's record (band or milestones)."""
    return max(float(pd.read_csv(p, usecols=["date"])["date"].max()) for p in history.record_files(index))


def _span(sub: pd.DataFrame, indices) -> tuple[float, float]:
    """From the first simulated date to a year after the record's last date (or the last simulated date)."""
    lo, hi = float(sub["date"].min()), float(sub["date"].max())
    return lo, min(hi, max(record_end(i) for i in indices) + 1.0)


@styled
def milestone_chart(df: pd.DataFrame, scenario: str | None = None, *, indices=None, events=None, source=None):
    """The world indices that have a historical record, simulated against it, one row each.

    Each row: median and 50%/90% bands over runs, the historical coding (dashed, its band
    in grey), numbered milestones with their key beside the panel, and the scenario's
    events. ``indices`` defaults to the table's world indices; those without a record
    (:data:`experiments.analysis.history.RECORDS`) are left out.
    """
    at = select.where(df, source)
    select.need(df, ["scenario", "run", "date"], at)
    recs = _record_indices(df, indices, at)
    scenario = select.one_scenario(df, scenario, at)
    sub = select.rows_of(df, scenario)
    fig, body = S.new_figure(12.5, 5.0 * len(recs) + 1.0)
    grid = body.subplots(len(recs), 2, width_ratios=[1.65, 1.0], squeeze=False)
    ev, span = select.events_of(events, scenario), _span(sub, recs)
    panels = {i: _record_panel(ax, sub, i, scenario, span, ev, at) for i, (ax, _) in zip(recs, grid)}
    grid[-1, 0].set_xlabel(S.YEAR_LABEL)
    n = int(next(iter(panels.values()))["table"]["n"].iloc[0])
    handles = (D.band_handles(S.SERIES[0], "simulated median") if n > 1
               else [Line2D([], [], color=S.SERIES[0], label="simulated run")])
    handles += [Line2D([], [], color="black", ls="--", lw=1.1, label="historical coding (grey: ± band)"),
                Line2D([], [], color=S.GREY, ls=":", lw=0.8, label="historical milestone (numbered, key at right)")]
    handles += event_handles([p["events"] for p in panels.values()])
    body.legend(handles=handles, loc="outside lower center", ncols=min(4, len(handles)))
    D.title(body, f"Simulated against the historical record — {scenario} ({D.runs_title(n)})")
    for _, kx in grid:
        kx.axis("off")
    fig.draw_without_rendering()  # the layout fixes the keys' room
    for (_, kx), p in zip(grid, panels.values()):
        milestone_key(kx, p["key"])
    files = [f for p in panels.values() for f in p["files"]]
    S.source_note(fig, at, [f for f in files if "milestones" in f],
                  extra="targets: " + ", ".join(f for f in files if "milestones" not in f),
                  version=df.attrs.get("version"))
    fig._plotted = {"kind": "milestones", "scenario": scenario, "series": {i: p["table"] for i, p in panels.items()},
                    "keys": {i: p["key"] for i, p in panels.items()}, "runs": n}
    return fig
