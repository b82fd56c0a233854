"""Figures a researcher would put in a paper, drawn from the tidy result table.

Every function takes the tidy DataFrame of a result folder (:func:`experiments.store.reader.load`)
and returns a :class:`matplotlib.figure.Figure` (Agg canvas, never shown). Each figure keeps the
numbers it drew in ``fig._plotted`` and tags its artists
with a ``gid`` (``"band90|<key>"``, ``"band50|<key>"``, ``"median|<key>"`` ...), so tests
and scripts can check the plotted data rather than pixels.

Uncertainty bands are across runs: the 50% band spans the 25th–75th percentile of the
runs at each date, the 90% band the 5th–95th (``numpy.quantile``, linear interpolation).
A scenario with one run gets no band and a note saying so.

Missing columns, scenarios, dyads, domains or dates raise
:class:`model.spec.errors.InputError` naming the store (or ``<table>``) and the missing field.
The figure kinds, the standard set and how to make each are described in docs/figures.md.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.collections import LineCollection
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.transforms import ScaledTranslation

from experiments.plots import style as S
from experiments.plots.style import styled
from model.spec.domains import DOMAINS
from model.spec.errors import InputError, did_you_mean
from model.spec.paths import ROOT

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
QCOLS = ("q05", "q25", "q50", "q75", "q95")
BASELINE = "historical_baseline"
INDEX_COLUMNS = ("japan_nato", "china_russia_alignment")  # run-level, repeated on every row of a run-quarter
ID_COLUMNS = ("scenario", "run", "replication", "sample")
DYAD_COLUMNS = ("cooperation", "ceiling_ab", "ceiling_ba", "threat_ab", "threat_ba", "alignment", "power_a", "power_b")
DATA_DIR = ROOT / "data"
MILESTONE_FILES = {"japan_nato": "japan_nato_milestones.csv", "china_russia": "china_russia_milestones.csv"}
TARGET_FILES = {"japan_nato": "japan_nato_target.csv", "china_russia": "china_russia_target.csv"}
N_BOOT = 1000


# ====================================================================== loading and checks
def _where(df: pd.DataFrame, source=None) -> str:
    return str(source or df.attrs.get("source") or "<table>")


def _need(df: pd.DataFrame, columns, where: str) -> None:
    """InputError naming the first missing column."""
    for c in columns:
        if c not in df.columns:
            raise InputError(where, None, c, f"column '{c}' is missing from the result table"
                             f"{did_you_mean(c, df.columns)} (it has: {', '.join(map(str, df.columns))})")
    if len(df) == 0:
        raise InputError(where, None, None, "the result table has no rows")


def scenarios_in(df: pd.DataFrame) -> list[str]:
    """Scenario names in store order (category order, else order of appearance)."""
    col = df["scenario"]
    if isinstance(col.dtype, pd.CategoricalDtype):
        present = set(col.unique().astype(str))
        return [str(c) for c in col.cat.categories if str(c) in present]
    return [str(s) for s in pd.unique(col)]


def _pick_scenarios(df, scenarios, where) -> list[str]:
    have = scenarios_in(df)
    if scenarios is None:
        return sorted(have, key=lambda s: s != BASELINE)
    if isinstance(scenarios, str):
        scenarios = [scenarios]
    for s in scenarios:
        if s not in have:
            raise InputError(where, None, "scenario", f"no scenario '{s}' in the results"
                             f"{did_you_mean(s, have)} (they have: {', '.join(have)})")
    return list(scenarios)


def _one_scenario(df, scenario, where) -> str:
    """The named scenario, else the historical baseline when present, else the first."""
    have = scenarios_in(df)
    if scenario is None:
        return BASELINE if BASELINE in have else have[0]
    return _pick_scenarios(df, [scenario], where)[0]


def _isin(col: pd.Series, values) -> np.ndarray:
    """Boolean mask ``col in values`` compared as text, fast on categorical columns."""
    values = {str(v) for v in values}
    if isinstance(col.dtype, pd.CategoricalDtype):
        codes = [i for i, c in enumerate(col.cat.categories) if str(c) in values]
        return np.isin(col.cat.codes.to_numpy(), codes)
    return col.map(lambda v: str(v) in values).to_numpy(dtype=bool) if col.dtype == object else \
        col.isin(list(values)).to_numpy()


def _eq(col: pd.Series, value) -> np.ndarray:
    return _isin(col, [value])


def _text(col: pd.Series) -> np.ndarray:
    """Column values as an array of str (fast on categorical columns)."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        cats = np.array([str(c) for c in col.cat.categories] + [""], dtype=object)
        return cats[col.cat.codes.to_numpy()]
    return np.array([str(v) for v in col.to_numpy()], dtype=object)


def _select(df, scenario) -> pd.DataFrame:
    return df[_eq(df["scenario"], scenario)]


def _nearest_date(df, date, where) -> float:
    dates = np.unique(df["date"].to_numpy(dtype=float))
    i = int(np.argmin(np.abs(dates - date)))
    if abs(dates[i] - date) > 0.25 + 1e-9:
        have = (", ".join(f"{d:g}" for d in dates) if len(dates) <= 12
                else f"quarters from {dates.min():g} to {dates.max():g}")
        raise InputError(where, None, "date", f"no simulated date within a quarter of {date:g} "
                         f"(the results have {have})")
    return float(dates[i])


def _actors(df) -> list[str]:
    """Actors in world order. The tidy table stores each dyad once as (a, b) with a before b
    in the world's order, so the k-th actor is actor_a of n-1-k distinct partners; this holds
    whatever order the category labels are in (batch stores sort them alphabetically)."""
    a, b = df["actor_a"], df["actor_b"]
    if isinstance(a.dtype, pd.CategoricalDtype) and isinstance(b.dtype, pd.CategoricalDtype):
        pairs = pd.DataFrame({"a": a.cat.codes.to_numpy(), "b": b.cat.codes.to_numpy()}).drop_duplicates()
        pairs = pd.DataFrame({"a": np.asarray(a.cat.categories, dtype=object)[pairs["a"].to_numpy()],
                              "b": np.asarray(b.cat.categories, dtype=object)[pairs["b"].to_numpy()]})
    else:
        pairs = pd.DataFrame({"a": _text(a), "b": _text(b)}).drop_duplicates()
    pairs = pairs.astype(str)
    names = list(dict.fromkeys(list(pairs["a"]) + list(pairs["b"])))
    later = pairs.groupby("a")["b"].nunique().reindex(names, fill_value=0)
    first_seen = {n: i for i, n in enumerate(names)}
    return sorted(names, key=lambda n: (-int(later[n]), first_seen[n]))


def _dyad_rows(df, dyad, where) -> tuple[pd.DataFrame, bool]:
    """Rows of one dyad in either order, and whether the table stores it as (b, a)."""
    _need(df, ["actor_a", "actor_b"], where)
    a, b = (str(x) for x in dyad)
    actors = _actors(df)
    for x in (a, b):
        if x not in actors:
            raise InputError(where, None, "actor", f"no actor '{x}' in the results{did_you_mean(x, actors)} "
                             f"(they have: {', '.join(actors)})")
    aa_a, bb_b = _eq(df["actor_a"], a), _eq(df["actor_b"], b)
    fwd = aa_a & bb_b
    if fwd.any():
        return df[fwd], False
    rev = _eq(df["actor_a"], b) & _eq(df["actor_b"], a)
    if rev.any():
        return df[rev], True
    raise InputError(where, None, "actor_a/actor_b", f"no rows for the dyad {a}–{b}")


def run_series(df: pd.DataFrame, outcome: str = "cooperation", dyad=("Japan", "NATO"), domain=None,
               source=None) -> pd.DataFrame:
    """One value per run and date: columns scenario, run, [replication, sample], date, value.

    ``outcome`` is a tidy column. Run-level indices (``japan_nato``, ``china_russia_alignment``)
    are read as they are; dyad columns (``cooperation``, ``threat_ab`` ...) are taken for
    ``dyad`` and averaged over the domains (or read for one ``domain``).
    """
    where = _where(df, source)
    _need(df, ["scenario", "run", "date", outcome], where)
    keys = [c for c in ID_COLUMNS if c in df.columns]
    if outcome not in DYAD_COLUMNS:  # a run-level column: one value per run and date
        sub = df[keys + ["date", outcome]].drop_duplicates(["scenario", "run", "date"])
        col = outcome
    else:
        sub, flipped = _dyad_rows(df, dyad, where)
        col = outcome
        if flipped and outcome[-3:] in ("_ab", "_ba"):
            col = outcome[:-3] + ("_ba" if outcome.endswith("_ab") else "_ab")
        elif flipped and outcome in ("power_a", "power_b"):
            col = "power_b" if outcome == "power_a" else "power_a"
        if domain is not None:
            _need(sub, ["domain"], where)
            have = [str(d) for d in pd.unique(_text(sub["domain"]))]
            if str(domain) not in have:
                raise InputError(where, None, "domain", f"no domain '{domain}' in the results"
                                 f"{did_you_mean(domain, have)}")
            sub = sub[_eq(sub["domain"], domain)]
        sub = sub.groupby(keys + ["date"], observed=True, sort=False)[col].mean().reset_index()
    out = sub.rename(columns={col: "value"})
    out["scenario"] = _text(out["scenario"])
    return out.sort_values(["scenario", "run", "date"], kind="stable").reset_index(drop=True)


def _wide(series: pd.DataFrame) -> pd.DataFrame:
    """dates x runs for one scenario's series."""
    return series.pivot(index="date", columns="run", values="value").sort_index()


def _quantiles(arr: np.ndarray) -> np.ndarray:
    """(5, T) quantiles over the run axis (axis 1) of a (T, R) array; NaN-safe."""
    if np.isnan(arr).any():
        out = np.full((len(QUANTILES), arr.shape[0]), np.nan)
        ok = ~np.all(np.isnan(arr), axis=1)
        out[:, ok] = np.nanquantile(arr[ok], QUANTILES, axis=1)
        return out
    return np.quantile(arr, QUANTILES, axis=1)


def quantile_table(series: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Per scenario: date, q05, q25, q50, q75, q95 over runs, and n (runs)."""
    out = {}
    for s, part in series.groupby("scenario", sort=False):
        w = _wide(part)
        q = _quantiles(w.to_numpy(dtype=float))
        t = pd.DataFrame({"date": w.index.to_numpy(dtype=float)} | dict(zip(QCOLS, q)))
        t["n"] = w.shape[1]
        out[str(s)] = t
    return out


# ====================================================================== drawing helpers
def _band(ax, x, lo, hi, colour, which: str, key: str):
    return ax.fill_between(x, lo, hi, color=colour, alpha=S.BAND_ALPHA[which], linewidth=0,
                           gid=f"band{which}|{key}")


LINESTYLES = ("-", "--", "-.", ":")


def _fan_on(ax, t: pd.DataFrame, colour: str, key: str, label: str | None = None, ls: str = "-"):
    """Median line and, with more than one run, 50% and 90% bands."""
    x = t["date"].to_numpy()
    if int(t["n"].iloc[0]) > 1:
        _band(ax, x, t["q05"], t["q95"], colour, "90", key)
        _band(ax, x, t["q25"], t["q75"], colour, "50", key)
    ax.plot(x, t["q50"], color=colour, gid=f"median|{key}", label=label, ls=ls,
            marker="o" if len(x) < 8 else None, markersize=3.5)


def _legend_rows(body, rows: list[list], **kw):
    """A legend below the panels whose rows are the given groups (matplotlib fills by column)."""
    rows = [r for r in rows if r]
    ncols = max(len(r) for r in rows)
    blank = Line2D([], [], alpha=0, label=" ")
    cols = []
    for j in range(ncols):
        cols += [r[j] if j < len(r) else blank for r in rows]
    return body.legend(handles=cols, loc="outside lower center", ncols=ncols, **kw)


def _no_band_note(ax, corner: str = "upper left"):
    x, y, ha, va = (0.015, 0.975, "left", "top") if corner == "upper left" else (0.985, 0.03, "right", "bottom")
    ax.text(x, y, S.NO_BAND, transform=ax.transAxes, ha=ha, va=va, fontsize=7.5, zorder=6,
            color=S.GREY, style="italic", gid="no_band",
            bbox={"boxstyle": "round,pad=0.25", "fc": "white", "ec": "none", "alpha": 0.85})


def _band_handles(colour="#777777", median_label="median of runs") -> list:
    return [Line2D([], [], color=colour, label=median_label),
            Patch(facecolor=colour, alpha=S.BAND_ALPHA["50"] + S.BAND_ALPHA["90"], label="50% of runs"),
            Patch(facecolor=colour, alpha=S.BAND_ALPHA["90"], label="90% of runs")]


def _grid(body, n: int, ncols: int, sharey=True, sharex=True):
    ncols = max(1, min(ncols, n))
    nrows = math.ceil(n / ncols)
    axes = body.subplots(nrows, ncols, sharex=sharex, sharey=sharey, squeeze=False).ravel()
    return axes, nrows, ncols


def _title(body, text: str):
    """Figure title, wrapped to the figure's width (one " — " part per line when too long)."""
    try:
        width_in = body.get_figure(root=True).get_figwidth()
    except TypeError:  # matplotlib < 3.10
        width_in = body.figure.get_figwidth()
    fits = int(width_in * 72 / (0.56 * 11))
    if len(text) > fits and " — " in text:
        text = text.replace(" — ", "\n", 1)
    if any(len(line) > fits for line in text.split("\n")):
        import textwrap
        text = "\n".join(textwrap.fill(line, fits) for line in text.split("\n"))
    return body.suptitle(text)


def _dyad_text(dyad) -> str:
    return f"{dyad[0]}–{dyad[1]}"


def _index_ylim(ax, top_value: float, headroom: float = 1.12):
    """0 to a round number above the data (at most 1 for 0–1 indices)."""
    top = min(1.0, max(0.1, math.ceil(top_value * headroom * 10) / 10))
    ax.set_ylim(0, top)


def _milestone_kind(outcome, dyad, domain) -> str | None:
    if outcome == "japan_nato" or (outcome == "cooperation" and domain is None
                                   and {str(d) for d in dyad} == {"Japan", "NATO"}):
        return "japan_nato"
    if outcome == "china_russia_alignment":
        return "china_russia"
    return None


# ====================================================================== milestones
def _data_file(which: str, table: dict[str, str]) -> Path:
    if which in table:
        return DATA_DIR / table[which]
    p = Path(which)
    if p.suffix == ".csv":
        return p
    raise InputError("add_milestones", None, "which", f"unknown milestone series '{which}'"
                     f"{did_you_mean(which, table)} (use {', '.join(table)} or a CSV path)")


def _rel(p: Path) -> str:
    try:
        return str(p.resolve().relative_to(ROOT))
    except ValueError:
        return str(p)


def read_milestones(which: str = "japan_nato") -> tuple[pd.DataFrame, str]:
    """The milestone table (date, date_text, event, kind, source, code_level) and its path."""
    p = _data_file(which, MILESTONE_FILES)
    if not p.exists():
        raise InputError(str(p), None, None, "milestone file not found")
    m = pd.read_csv(p)
    for c in ("date", "event"):
        if c not in m.columns:
            raise InputError(str(p), None, c, f"column '{c}' is missing")
    return m.sort_values("date", kind="stable").reset_index(drop=True), _rel(p)


ABBREVIATIONS = (
    ("Individually Tailored Partnership Programme", "ITPP"),
    ("Individual Partnership and Cooperation Programme", "IPCP"),
    ("Tailored Cooperation Package", "TCP"),
    ("Shanghai Cooperation Organisation", "SCO"),
    ("North Atlantic Council", "NAC"),
    ("Secretary General", "SG"),
    ("Prime Minister", "PM"),
    ("Foreign Minister", "FM"),
    ("Joint Political Declaration", "joint political declaration"),
    ("agreement on the security of information and material", "information security agreement"),
    ("Japan-NATO ", ""),
    ("Japan–NATO ", ""),
    ("First ", "1st "),
)


def short_event(text: str, max_chars: int) -> str:
    """A label for a milestone: common titles abbreviated, cut at the first clause, at most ``max_chars``."""
    s = re.sub(r"\s*\([^)]*\)", "", str(text))
    for sep, at_least in ((";", 8), (": ", 12), (", ", 24)):
        i = s.find(sep)
        if i >= at_least:
            s = s[:i]
    for long, short in ABBREVIATIONS:
        s = s.replace(long, short)
    s = s.strip()
    s = s[:1].upper() + s[1:]
    if len(s) > max_chars:
        s = s[: max(1, max_chars - 1)].rstrip() + "…"
    return s


def _spread(xs: list[float], gap: float, lo: float, hi: float) -> list[float] | None:
    """Label positions >= gap apart, each as close to its x as possible, inside [lo, hi]."""
    pos: list[float] = []
    for x in xs:
        pos.append(max(x, lo) if not pos else max(x, pos[-1] + gap))
    if pos and pos[-1] > hi:
        pos[-1] = hi
        for i in range(len(pos) - 2, -1, -1):
            pos[i] = min(pos[i], pos[i + 1] - gap)
    if pos and pos[0] < lo - 1e-9:
        return None
    return pos


def add_milestones(ax, which: str = "japan_nato", *, labels: bool = True, fontsize: float = 6.0,
                   max_chars: int = 44, colour: str = S.GREY) -> dict:
    """Overlay the historical milestones of ``data/`` on a time axis (x in years).

    Call it after the x-limits are set: for each milestone inside them it draws a faint
    dotted guide across the axes and a short tick on the axis edge. With ``labels`` (for a
    single wide panel) each milestone gets a short rotated label *above* the axes, so the
    labels never sit on the data; labels that would overlap are pushed sideways just
    enough and joined to their date by a thin connector, and when the width cannot hold
    them all every k-th milestone is labelled. Without labels (small multiples) it draws
    ticks on the bottom edge only. Returns {"milestones": rows drawn, "labels": texts,
    "file": the CSV path relative to the project}.
    """
    m, rel = read_milestones(which)
    x0, x1 = sorted(ax.get_xlim())
    m = m[(m["date"] >= x0) & (m["date"] <= x1)].reset_index(drop=True)
    out = {"milestones": m, "labels": [], "file": rel}
    if m.empty:
        return out
    xt = ax.get_xaxis_transform()
    xs = m["date"].to_numpy(dtype=float)
    if not labels:
        ax.add_collection(LineCollection([[(x, 0.0), (x, 0.04)] for x in xs], colors=colour, linewidths=1.0,
                                         transform=xt, gid="milestone_ticks", zorder=3))
        return out
    ax.add_collection(LineCollection([[(x, 0.0), (x, 1.0)] for x in xs], colors=colour, linewidths=0.5,
                                     linestyles=":", alpha=0.5, transform=xt, gid="milestone_guides", zorder=1))
    ax.add_collection(LineCollection([[(x, 0.97), (x, 1.0)] for x in xs], colors=colour, linewidths=1.0,
                                     transform=xt, gid="milestone_ticks", zorder=3, clip_on=False))
    try:
        fig = ax.get_figure(root=True)
    except TypeError:  # matplotlib < 3.10
        fig = ax.figure
    width_pt = max(1.0, ax.get_position().width * fig.get_figwidth() * 72)
    per_year = 0.9 * width_pt / (x1 - x0)  # the layout may still narrow the axes a little
    gap = fontsize * 1.35 / per_year
    pad = 0.4 * gap
    idx = list(range(len(xs)))
    step = 1
    pos = _spread(list(xs), gap, x0 + pad, x1 - pad)
    while pos is None and step < len(xs):
        step += 1
        idx = list(range(0, len(xs), step))
        pos = _spread([xs[i] for i in idx], gap, x0 + pad, x1 - pad)
    if pos is None:
        return out
    rise = 9.0  # points from the axes' top edge to the start of a label
    # x in data (so spacing follows the final layout), y: the top edge plus ``rise`` points
    above = xt + ScaledTranslation(0, rise / 72, fig.dpi_scale_trans)
    for i, p in zip(idx, pos):
        txt = ax.annotate(
            short_event(m.loc[i, "event"], max_chars), xy=(xs[i], 1.0), xycoords=xt, xytext=(p, 1.0),
            textcoords=above, rotation=90, ha="center", va="bottom", fontsize=fontsize, color=colour,
            annotation_clip=False, gid="milestone_label",
            arrowprops={"arrowstyle": "-", "lw": 0.5, "color": colour, "shrinkA": 1.0, "shrinkB": 0.0,
                        "relpos": (0.5, 0.0)})
        out["labels"].append(txt)
    return out


def _add_target(ax, which: str):
    """The historical coding (target series with its band) of data/<which>_target.csv."""
    p = _data_file(which, TARGET_FILES)
    t = pd.read_csv(p)
    ax.step(t["date"], t["target"], where="post", color="black", lw=1.1, ls="--", gid="target",
            label="historical coding")
    ax.fill_between(t["date"], t["lower"], t["upper"], step="post", facecolor="black", alpha=0.09, linewidth=0,
                    gid="target_band")
    return _rel(p)


# ====================================================================== fan chart
@styled
def fan_chart(df: pd.DataFrame, dyad=("Japan", "NATO"), domain=None, scenarios=None, overlay: bool = False, *,
              outcome: str = "cooperation", milestones=None, target: bool = False, xlim=None, source=None):
    """Median with 50% and 90% bands across runs over time.

    ``outcome`` ``cooperation`` (default) plots the dyad's cooperation index (mean over the
    domains) or one ``domain``; a run-level index column (``japan_nato``,
    ``china_russia_alignment``) may be named instead. One panel per scenario, or all on one
    axes with ``overlay``. ``milestones``: None = the matching historical milestones when
    the series has them, False = none, or a series name / CSV path. ``target`` adds the
    historical coding (data/*_target.csv) when the series has one.
    """
    where = _where(df, source)
    _need(df, ["scenario"], where)
    names = _pick_scenarios(df, scenarios, where)
    series = run_series(df[_isin(df["scenario"], names)], outcome, dyad, domain, source=where)
    qt = quantile_table(series)
    colours = S.series_colours(names)
    kind_ms = _milestone_kind(outcome, dyad, domain)
    which = kind_ms if milestones is None else (milestones or None)

    if outcome in INDEX_COLUMNS:
        what, ylabel = S.outcome_label(outcome).split(" (")[0], S.outcome_label(outcome)
    else:
        what = (f"{_dyad_text(dyad)} cooperation index (mean of {len(DOMAINS)} domains)"
                if outcome == "cooperation" and domain is None else
                f"{_dyad_text(dyad)} {outcome.replace('_', ' ')}"
                + (f": {S.domain_name(domain)}" if domain is not None else ""))
        ylabel = S.outcome_label(outcome)

    single = overlay or len(names) == 1
    if single:
        fig, body = S.new_figure(8.6, 6.2 if which else 4.6)
        axes = [body.subplots()]
    else:
        ncols = min(3, len(names))
        fig, body = S.new_figure(3.5 * ncols + 0.4, 2.7 * math.ceil(len(names) / ncols) + 1.1)
        axes, nrows, ncols = _grid(body, len(names), ncols)
    top = 0.0
    for i, s in enumerate(names):
        t = qt[s]
        ax = axes[0] if single else axes[i]
        n = int(t["n"].iloc[0])
        colour = colours[s] if overlay else S.SERIES[0]
        _fan_on(ax, t, colour, s, label=f"{s} ({S.runs_text(n)})" if overlay else None,
                ls=LINESTYLES[i % len(LINESTYLES)] if overlay else "-")
        top = max(top, float(np.nanmax(t["q95"])))
        if not single:
            ax.set_title(f"{s} ({S.runs_text(n)})")
            if n == 1:
                _no_band_note(ax)
    used = axes[:1] if single else axes[: len(names)]
    for ax in (axes if not single else []):
        if ax not in used:
            ax.set_visible(False)
    tfile = None
    for ax in used:
        if target and which in TARGET_FILES:
            tfile = _add_target(ax, which)
        if xlim:
            ax.set_xlim(*xlim)
        else:
            ax.set_xlim(series["date"].min(), series["date"].max())
        ax.margins(x=0)
        _index_ylim(ax, top)
    ms_file = None
    if which:
        for ax in used:
            ms_file = add_milestones(ax, which, labels=single)["file"]
    for ax in used:
        if single or ax.get_subplotspec().is_first_col():
            ax.set_ylabel(ylabel)
        if single or ax.get_subplotspec().is_last_row() or not _has_panel_below(axes, ax, len(names)):
            ax.set_xlabel(S.YEAR_LABEL)
            ax.tick_params(labelbottom=True)

    counts = {s: int(qt[s]["n"].iloc[0]) for s in names}
    if single and not overlay:
        s = names[0]
        n = counts[s]
        _title(body, f"{what} — {s} ({S.runs_text(n)}{': no uncertainty band' if n == 1 else ''})")
        if n == 1:
            _no_band_note(axes[0])
    elif overlay:
        _title(body, f"{what} — {len(names)} scenario{'s' if len(names) > 1 else ''} "
                     f"(n = {', '.join(str(counts[s]) for s in names)} runs)")
        if any(c == 1 for c in counts.values()):
            _no_band_note(axes[0])
    else:
        _title(body, what)
    first, second = [], []
    if overlay:
        same_n = len(set(counts.values())) == 1  # the title already says n
        first = [Line2D([], [], color=colours[s], ls=LINESTYLES[i % len(LINESTYLES)],
                        label=s if same_n else f"{s} ({S.runs_text(counts[s])})") for i, s in enumerate(names)]
        second = _band_handles()[1:] if max(counts.values()) > 1 else []
    else:
        first = _band_handles(S.SERIES[0]) if max(counts.values()) > 1 else [
            Line2D([], [], color=S.SERIES[0], label="the run")]
    extra = second if overlay else first
    if tfile:
        extra.append(Line2D([], [], color="black", ls="--", lw=1.1, label="historical coding (grey: ± band)"))
    if which and single:
        extra.append(Line2D([], [], color=S.GREY, ls=":", lw=0.8, label="historical milestone"))
    elif which:
        extra.append(Line2D([], [], color=S.GREY, ls="", marker="|", markersize=7, label="historical milestone"))
    per_row = 3  # at most three scenarios side by side, so the legend never runs off the figure
    rows = [first[i:i + per_row] for i in range(0, len(first), per_row)] or [[]]
    _legend_rows(body, rows + [second] if overlay else [first])
    S.source_note(fig, where, [ms_file] if ms_file else None,
                  extra=f"target: {tfile}" if tfile else None, version=df.attrs.get("version"))
    fig._plotted = {"kind": "fan", "outcome": outcome, "dyad": tuple(dyad), "domain": domain,
                    "scenarios": qt, "runs": counts}
    return fig


def _has_panel_below(axes, ax, n_used) -> bool:
    spec = ax.get_subplotspec()
    gs = spec.get_gridspec()
    ncols = gs.ncols
    i = list(axes).index(ax)
    return i + ncols < n_used


# ====================================================================== scenario difference
def _paired_keys(df_s: pd.DataFrame) -> pd.Series | None:
    keys = [c for c in ("sample", "replication") if c in df_s.columns]
    if "replication" not in keys:
        return None
    per_run = df_s.drop_duplicates("run")[["run"] + keys]
    k = per_run[keys].astype(str).agg("/".join, axis=1)
    if k.duplicated().any():
        return None
    return pd.Series(k.to_numpy(), index=per_run["run"].to_numpy())


def difference_bands(series: pd.DataFrame, baseline: str, scenario: str, *, n_boot: int = N_BOOT,
                     seed: int = 0) -> tuple[pd.DataFrame, str]:
    """Scenario minus baseline per date: (date, q05, q25, q50, q75, q95, n) and the method.

    ``paired``: both scenarios have the same replication ids (and samples), so run k of
    the scenario is paired with run k of the baseline (same seed: common random numbers);
    the line is the median of the paired differences and the bands hold 50%/90% of them.
    ``bootstrap``: otherwise the line is the difference of the two medians and the bands
    are 50%/90% percentile intervals of that difference over ``n_boot`` bootstrap
    resamples of each scenario's runs. ``single``: one run on either side, no band.
    """
    a = series[series["scenario"] == scenario]
    b = series[series["scenario"] == baseline]
    wa, wb = _wide(a), _wide(b)
    dates = wa.index.intersection(wb.index)
    wa, wb = wa.loc[dates], wb.loc[dates]
    ka, kb = _paired_keys(a), _paired_keys(b)
    if ka is not None and kb is not None and set(ka) == set(kb) and len(ka) > 1:
        wa.columns = ka.loc[wa.columns].to_numpy()
        wb.columns = kb.loc[wb.columns].to_numpy()
        d = (wa - wb[wa.columns]).to_numpy(dtype=float)
        q = _quantiles(d)
        method, n = "paired", d.shape[1]
    else:
        A, B = wa.to_numpy(dtype=float), wb.to_numpy(dtype=float)
        mid = np.median(A, axis=1) - np.median(B, axis=1)
        n = min(A.shape[1], B.shape[1])
        if n < 2:
            q = np.vstack([mid] * len(QUANTILES))
            method = "single"
        else:
            rng = np.random.default_rng(seed)
            boots = np.empty((n_boot, len(dates)))
            chunk = max(1, int(2e7 // max(1, len(dates) * (A.shape[1] + B.shape[1]))))
            for s0 in range(0, n_boot, chunk):
                k = min(chunk, n_boot - s0)
                ia = rng.integers(0, A.shape[1], (k, A.shape[1]))
                ib = rng.integers(0, B.shape[1], (k, B.shape[1]))
                boots[s0:s0 + k] = (np.median(A.T[ia], axis=1) - np.median(B.T[ib], axis=1))
            q = np.quantile(boots, QUANTILES, axis=0)
            q[2] = mid
            method = "bootstrap"
    t = pd.DataFrame({"date": np.asarray(dates, dtype=float)} | dict(zip(QCOLS, q)))
    t["n"] = n
    return t, method


METHOD_TEXT = {
    "paired": "Runs paired by replication (and sample): same seeds, so common random numbers. "
              "Line = median of the paired differences; "
              "bands hold 50% and 90% of the paired differences.",
    "bootstrap": "Replications differ, so runs are not paired: line = difference of medians; "
                 "bands = 50% and 90% bootstrap intervals ({n_boot} resamples of runs).",
    "single": "1 run: no uncertainty band (difference of the single runs).",
}


@styled
def scenario_difference(df: pd.DataFrame, baseline: str = BASELINE, scenario: str | None = None,
                        dyad=("Japan", "NATO"), *, domains=None, outcome: str = "cooperation",
                        n_boot: int = N_BOOT, seed: int = 0, source=None):
    """Scenario minus baseline over time, with an uncertainty band, as small multiples by domain.

    Panels: the dyad's index (mean over domains) then each domain (or ``domains``).
    The band is paired or bootstrapped (see :func:`difference_bands`); the method used is
    written on the figure and in ``fig._plotted["method"]``.
    """
    where = _where(df, source)
    _need(df, ["scenario"], where)
    have = scenarios_in(df)
    _pick_scenarios(df, [baseline], where)
    if scenario is None:
        others = [s for s in have if s != baseline]
        if not others:
            raise InputError(where, None, "scenario", f"the results hold only the baseline '{baseline}'; "
                             "nothing to compare")
        scenario = others[0]
    _pick_scenarios(df, [scenario], where)
    sub = df[_isin(df["scenario"], [baseline, scenario])]
    panel_domains = [None] + list(domains if domains is not None else
                                  [d for d in DOMAINS if "domain" in df.columns])
    panels, method = {}, "single"
    for d in panel_domains:
        series = run_series(sub, outcome, dyad, d, source=where)
        t, method = difference_bands(series, baseline, scenario, n_boot=n_boot, seed=seed)
        if t.empty:
            raise InputError(where, None, "date", f"'{scenario}' and '{baseline}' share no dates")
        panels["index" if d is None else str(d)] = t
    counts = {s: int(sub.loc[_eq(sub["scenario"], s), "run"].nunique()) for s in (scenario, baseline)}

    n = len(panel_domains)
    ncols = 4 if n > 4 else n
    nslots = n + 1 if n > 1 else n
    fig, body = S.new_figure(2.7 * ncols + 0.5, 2.15 * math.ceil(nslots / ncols) + 1.2)
    axes, nrows, ncols = _grid(body, nslots, ncols)
    colour = S.SERIES[1]
    for ax, (key, t) in zip(axes, panels.items()):
        ax.axhline(0, color="black", lw=0.7, gid="zero")
        x = t["date"].to_numpy()
        if method != "single":
            _band(ax, x, t["q05"], t["q95"], colour, "90", key)
            _band(ax, x, t["q25"], t["q75"], colour, "50", key)
        ax.plot(x, t["q50"], color=colour, gid=f"median|{key}", lw=1.3, marker="o" if len(x) < 8 else None,
                markersize=3)
        ax.set_title(S.domain_name(None if key == "index" else key), fontsize=8.5,
                     fontweight="bold" if key == "index" else "normal")
        ax.set_xlim(x.min(), x.max())
        ax.margins(x=0)
    for i, ax in enumerate(axes):
        if i >= n:
            ax.set_visible(False)
            continue
        if ax.get_subplotspec().is_first_col():
            ax.set_ylabel("difference (index points)")
        if not _has_panel_below(axes, ax, n):
            ax.set_xlabel(S.YEAR_LABEL)
            ax.tick_params(labelbottom=True)
    # method and legend in the spare slot
    note = METHOD_TEXT[method].format(n_boot=n_boot)
    if nslots > n:
        spare = axes[n]
        spare.set_visible(True)
        spare.axis("off")
        handles = [Line2D([], [], color=colour, label={"paired": "median of paired differences",
                                                       "bootstrap": "difference of medians",
                                                       "single": "difference of the two runs"}[method])]
        if method != "single":
            handles += [Patch(facecolor=colour, alpha=S.BAND_ALPHA["50"] + S.BAND_ALPHA["90"], label="50% band"),
                        Patch(facecolor=colour, alpha=S.BAND_ALPHA["90"], label="90% band")]
        handles.append(Line2D([], [], color="black", lw=0.7, label="no difference"))
        spare.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.0, 1.0))
        spare.text(0.0, 0.38, _wrap(note, 42), transform=spare.transAxes, va="top", ha="left", fontsize=7.5,
                   color=S.GREY, gid="method_note")
    else:
        axes[0].text(0.01, 0.98, _wrap(note, 60), transform=axes[0].transAxes, va="top", fontsize=7,
                     color=S.GREY, gid="method_note")
    runs_txt = (f"n = {counts[scenario]} vs {counts[baseline]} run{'s' if max(counts.values()) > 1 else ''}"
                + (": no uncertainty band" if method == "single" else ""))
    _title(body, f"{scenario} minus {baseline}: {_dyad_text(dyad)} {outcome.replace('_', ' ')} ({runs_txt})")
    S.source_note(fig, where, version=df.attrs.get("version"))
    fig._plotted = {"kind": "difference", "baseline": baseline, "scenario": scenario, "method": method,
                    "panels": panels, "runs": counts}
    return fig


def _wrap(text: str, width: int) -> str:
    import textwrap
    return "\n".join(textwrap.wrap(text, width))


# ====================================================================== threat
def threat_matrix(df: pd.DataFrame, date: float, scenario: str, source=None) -> tuple[pd.DataFrame, int]:
    """Median over runs of the threat each actor (rows) perceives from each other actor (columns)."""
    where = _where(df, source)
    _need(df, ["scenario", "run", "date", "actor_a", "actor_b", "threat_ab", "threat_ba"], where)
    sub = _select(df, scenario)
    d = _nearest_date(sub, date, where)
    sub = sub[sub["date"] == d]
    if "domain" in sub.columns:  # threat is the same on every domain row
        sub = sub[_eq(sub["domain"], sub["domain"].iloc[0])]
    actors = _actors(df)
    a, b = _text(sub["actor_a"]), _text(sub["actor_b"])
    long = pd.concat([pd.DataFrame({"observer": a, "source": b, "threat": sub["threat_ab"]}),
                      pd.DataFrame({"observer": b, "source": a, "threat": sub["threat_ba"]})])
    m = long.groupby(["observer", "source"])["threat"].median().unstack()
    m = m.reindex(index=actors, columns=actors).astype(float)
    return m, int(sub["run"].nunique())


def _default_dates(df) -> list[float]:
    """1990, 2001 Q4, 2014 Q3 and 2025 where the store covers them, snapped to its dates."""
    dates = np.unique(df["date"].to_numpy(dtype=float))
    lo, hi = dates.min(), dates.max()
    picks = [float(dates[np.argmin(np.abs(dates - d))]) for d in (1990.0, 2001.75, 2014.5, 2025.0) if lo <= d <= hi]
    picks = list(dict.fromkeys(picks))
    return picks or list(dict.fromkeys([float(lo), float(hi)]))


@styled
def threat_heatmap(df: pd.DataFrame, dates=None, *, scenario: str | None = None, source=None):
    """Actor-by-actor perceived threat (row perceives column) at chosen dates, median over runs."""
    where = _where(df, source)
    _need(df, ["scenario", "date"], where)
    scenario = _one_scenario(df, scenario, where)
    sub = _select(df, scenario)
    dates = list(dates) if dates is not None else _default_dates(sub)
    mats, n = {}, 0
    for d in dates:
        dd = _nearest_date(sub, float(d), where)
        mats[dd], n = threat_matrix(sub, dd, scenario, source=where)
    actors = list(next(iter(mats.values())).index)
    vmax = max(0.1, math.ceil(max(float(np.nanmax(m.to_numpy())) for m in mats.values()) * 10) / 10)
    k = len(mats)
    ncols = min(k, 4)
    fig, body = S.new_figure(max(6.0, 2.75 * ncols + 1.4), 3.1 * math.ceil(k / ncols) + 1.0)
    axes, nrows, ncols = _grid(body, k, ncols, sharey=True)
    import matplotlib as mpl
    cmap = mpl.colormaps[S.SEQUENTIAL].with_extremes(bad="#f2f2f2")
    short = [_short_actor(a) for a in actors]
    im = None
    for ax, (d, m) in zip(axes, mats.items()):
        arr = m.to_numpy()
        im = ax.imshow(np.ma.masked_invalid(arr), cmap=cmap, vmin=0, vmax=vmax, gid=f"threat|{d:g}")
        ax.set_title(f"{_date_text(d)}")
        ax.set_xticks(range(len(actors)), short, rotation=35, ha="right", rotation_mode="anchor")
        ax.set_yticks(range(len(actors)), short)
        ax.grid(False)
        for s in ax.spines.values():
            s.set_visible(False)
        for i in range(len(actors)):
            for j in range(len(actors)):
                v = arr[i, j]
                if np.isnan(v):
                    ax.text(j, i, "–", ha="center", va="center", fontsize=7, color="#999999")
                    continue
                rgba = cmap(v / vmax)
                light = 0.299 * rgba[0] + 0.587 * rgba[1] + 0.114 * rgba[2]
                ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=7,
                        color="black" if light > 0.55 else "white")
        ax.set_xlabel("source of threat")
    for ax in axes[k:]:
        ax.set_visible(False)
    for ax in axes[:k]:
        if ax.get_subplotspec().is_first_col():
            ax.set_ylabel("perceiving actor")
    cb = body.colorbar(im, ax=list(axes[:k]), shrink=0.85, pad=0.02)
    cb.set_label(f"{S.THREAT_LABEL}, median of runs")
    _title(body, f"Perceived threat (row perceives column) — {scenario} ({S.runs_text(n)})")
    S.source_note(fig, where, version=df.attrs.get("version"))
    fig._plotted = {"kind": "threat_heatmap", "scenario": scenario, "matrices": mats, "runs": n}
    return fig


def _short_actor(a: str) -> str:
    return {"United States": "US"}.get(a, a)


def _date_text(d: float) -> str:
    year = int(math.floor(d + 1e-9))
    q = int(round((d - year) * 4)) + 1
    return f"{year} Q{q}"


@styled
def threat_lines(df: pd.DataFrame, observer: str = "Japan", *, scenario: str | None = None, milestones=False,
                 source=None):
    """Threat ``observer`` perceives from each other actor over time: median and 50%/90% bands."""
    where = _where(df, source)
    _need(df, ["scenario", "run", "date", "actor_a", "actor_b", "threat_ab", "threat_ba"], where)
    scenario = _one_scenario(df, scenario, where)
    sub = _select(df, scenario)
    actors = _actors(df)
    if observer not in actors:
        raise InputError(where, None, "observer", f"no actor '{observer}' in the results"
                         f"{did_you_mean(observer, actors)}")
    fig, body = S.new_figure(8.6, 4.8)
    ax = body.subplots()
    tables, n, top = {}, 0, 0.0
    for i, other in enumerate(a for a in actors if a != observer):
        series = run_series(sub, "threat_ab", (observer, other), None, source=where)
        t = quantile_table(series)[scenario]
        n = int(t["n"].iloc[0])
        _fan_on(ax, t, S.actor_colour(other, i), other, label=f"from {other}")
        tables[other] = t
        top = max(top, float(np.nanmax(t["q95"])))
    ax.set_xlim(sub["date"].min(), sub["date"].max())
    ax.margins(x=0)
    _index_ylim(ax, top)
    ms_file = add_milestones(ax, milestones)["file"] if milestones else None
    ax.set_xlabel(S.YEAR_LABEL)
    ax.set_ylabel(S.THREAT_LABEL)
    handles = [Line2D([], [], color=S.actor_colour(o, i), label=f"from {o}")
               for i, o in enumerate(tables)]
    if n > 1:
        handles += _band_handles()[1:]
    else:
        _no_band_note(ax)
    body.legend(handles=handles, loc="outside lower center", ncols=min(len(handles), 6))
    _title(body, f"Threat perceived by {observer} — {scenario} ({S.runs_text(n)}"
                 f"{': no uncertainty band' if n == 1 else ''})")
    S.source_note(fig, where, [ms_file] if ms_file else None, version=df.attrs.get("version"))
    fig._plotted = {"kind": "threat_lines", "observer": observer, "scenario": scenario, "sources": tables,
                    "runs": n}
    return fig


# ====================================================================== cooperation network
@styled
def cooperation_network(df: pd.DataFrame, date: float = 2025.0, scenario: str | None = None, *, seed: int = 7,
                        source=None):
    """Actors as nodes (area ~ power), edges as mean cooperation over domains and runs at ``date``.

    Layout: networkx spring layout weighted by cooperation, fixed ``seed`` (closer = more
    cooperation). Edge widths and labels give the cooperation index; node labels the power.
    """
    import networkx as nx
    where = _where(df, source)
    _need(df, ["scenario", "run", "date", "actor_a", "actor_b", "cooperation", "power_a", "power_b"], where)
    scenario = _one_scenario(df, scenario, where)
    sub = _select(df, scenario)
    d = _nearest_date(sub, float(date), where)
    sub = sub[sub["date"] == d]
    n = int(sub["run"].nunique())
    actors = _actors(df)
    a, b = _text(sub["actor_a"]), _text(sub["actor_b"])
    edges = (pd.DataFrame({"a": a, "b": b, "cooperation": sub["cooperation"]})
             .groupby(["a", "b"], sort=False)["cooperation"].mean().reset_index())
    pw = pd.concat([pd.DataFrame({"actor": a, "run": sub["run"], "power": sub["power_a"]}),
                    pd.DataFrame({"actor": b, "run": sub["run"], "power": sub["power_b"]})])
    power = (pw.drop_duplicates(["actor", "run"]).groupby("actor")["power"].mean().reindex(actors))
    g = nx.Graph()
    g.add_nodes_from(actors)
    for r in edges.itertuples():
        g.add_edge(r.a, r.b, weight=max(float(r.cooperation), 1e-3))
    pos = nx.spring_layout(g, weight="weight", seed=seed, k=1.6)
    fig, body = S.new_figure(6.6, 6.4)
    ax = body.subplots()
    ax.set_aspect("equal")
    ax.axis("off")
    cmax = max(0.05, float(edges["cooperation"].max()))
    for r in edges.itertuples():
        (x0, y0), (x1, y1) = pos[r.a], pos[r.b]
        c = float(r.cooperation)
        ax.plot([x0, x1], [y0, y1], color="#5f5f5f", lw=0.4 + 9 * c, alpha=0.35 + 0.5 * c / cmax,
                solid_capstyle="round", zorder=1, gid=f"edge|{r.a}|{r.b}")
        if c >= 0.005:
            ax.text((x0 + x1) / 2, (y0 + y1) / 2, f"{c:.2f}", fontsize=7.5, ha="center", va="center", zorder=4,
                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.85})
    xy = np.array([pos[x] for x in actors])
    sizes = 2400 * power.to_numpy(dtype=float) + 120
    ax.scatter(xy[:, 0], xy[:, 1], s=sizes, c=[S.actor_colour(x, i) for i, x in enumerate(actors)], zorder=3,
               edgecolors="white", linewidths=1.5, gid="nodes")
    for (x, y), name, p in zip(xy, actors, power):
        ax.annotate(f"{name}\npower {p:.2f}", (x, y), xytext=(0, -(math.sqrt(2400 * p + 120) / 2 + 3)),
                    textcoords="offset points", ha="center", va="top", fontsize=8, zorder=5,
                    bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.9})
    span = xy.max(axis=0) - xy.min(axis=0)
    pad = 0.16 * max(span)
    ax.set_xlim(xy[:, 0].min() - pad, xy[:, 0].max() + pad)
    ax.set_ylim(xy[:, 1].min() - 1.6 * pad, xy[:, 1].max() + 1.3 * pad)  # room for the labels under the nodes
    handles = [Line2D([], [], color="#5f5f5f", lw=0.4 + 9 * c, alpha=0.35 + 0.5 * min(1.0, c / cmax),
                      solid_capstyle="round", label=f"{c:g}") for c in (0.1, 0.3, 0.6)]
    body.legend(handles=handles, loc="outside lower center", ncols=3, handlelength=3.0, columnspacing=2.0,
                title="edge width: cooperation index (0–1), mean of domains and runs;  "
                "node area: power (1 = United States 1990)", title_fontsize=7.5)
    _title(body, f"Cooperation network — {scenario}, {_date_text(d)} ({S.runs_text(n)})")
    S.source_note(fig, where, extra=f"layout: networkx spring layout, seed {seed}", version=df.attrs.get("version"))
    fig._plotted = {"kind": "network", "scenario": scenario, "date": d, "edges": edges,
                    "power": power, "pos": pos, "runs": n}
    return fig


# ====================================================================== parameter sweeps
def _sweep_values(df, runs_df, params, outcome, date, scenario, dyad, where) -> pd.DataFrame:
    """One row per run: scenario, run, the outcome at ``date`` and the parameter values."""
    if runs_df is None or "run" not in getattr(runs_df, "columns", []):
        raise InputError(where, None, "run", "the runs table needs a 'run' column")
    for p in params:
        if p not in runs_df.columns:
            raise InputError(where, None, p, f"parameter column '{p}' is missing from the runs table"
                             f"{did_you_mean(p, runs_df.columns)}")
    _need(df, ["scenario", "run", "date", outcome], where)
    names = _pick_scenarios(df, scenario, where) if scenario is not None else scenarios_in(df)
    sub = df[_isin(df["scenario"], names)]
    d = _nearest_date(sub, float(date), where)
    s = run_series(sub[sub["date"] == d], outcome, dyad, None, source=where)
    r = runs_df
    if "status" in r.columns:
        r = r[r["status"].astype(str) == "ok"]
    r = r[["run"] + [p for p in params if p != "run"]].drop_duplicates("run")
    out = s.merge(r, on="run", how="inner")
    if out.empty:
        raise InputError(where, None, "run", "no run of the results appears in the runs table")
    out.attrs["date"] = d
    return out


def varying_parameters(runs_df: pd.DataFrame) -> list[str]:
    """Numeric parameter columns of a runs table that take more than one value."""
    skip = set(ID_COLUMNS) | {"status", "error", "seed", "chunk", "index", "point"}
    out = []
    for c in runs_df.columns:
        if c in skip or not pd.api.types.is_numeric_dtype(runs_df[c]):
            continue
        if runs_df[c].nunique(dropna=True) > 1:
            out.append(str(c))
    return out


def _param_label(p: str) -> str:
    from model.spec.parameters import REGISTRY
    if p in REGISTRY and REGISTRY[p].unit:
        return f"{p} ({REGISTRY[p].unit})"
    return p


def _binned(x: pd.Series, bins: int, discrete_max: int = 12) -> tuple[pd.Series, np.ndarray | None]:
    """Group key per run: the value itself for a grid (few distinct values, repeated or no more
    than ``bins``), else a quantile bin."""
    k = x.nunique()
    if k <= discrete_max and (len(x) > k or k <= bins):
        return x, None
    cats, edges = pd.qcut(x, bins, retbins=True, duplicates="drop")
    return cats.cat.codes, edges


@styled
def parameter_sweep(df: pd.DataFrame, runs_df: pd.DataFrame, param, outcome: str = "japan_nato",
                    date: float = 2025.0, *, scenario=None, dyad=("Japan", "NATO"), bins: int = 10, source=None):
    """Outcome at ``date`` against one parameter (or one panel per parameter in a list).

    Few distinct values (a grid): median and 50%/90% bands over the runs at each value.
    Many (Latin hypercube, Sobol ...): runs as dots, median and bands over ``bins`` quantile
    bins drawn at the bins' median parameter value. One line per scenario.
    """
    where = _where(df, source)
    params = [param] if isinstance(param, str) else list(dict.fromkeys(param))
    vals = _sweep_values(df, runs_df, params, outcome, date, scenario, dyad, where)
    d = vals.attrs["date"]
    names = [x for x in _pick_scenarios(df, None, where) if x in set(vals["scenario"])]
    colours = S.series_colours(names)
    k = len(params)
    ncols = min(k, 3)
    fig, body = S.new_figure(max(6.4, 3.6 * ncols + 0.4) if k > 1 else 7.2, 3.0 * math.ceil(k / ncols) + 1.2
                       if k > 1 else 4.6)
    axes, nrows, ncols = _grid(body, k, ncols, sharey=True, sharex=False) if k > 1 else ([body.subplots()], 1, 1)
    plotted = {}
    for ax, p in zip(axes, params):
        for s in names:
            v = vals[vals["scenario"] == s].dropna(subset=[p, "value"])
            key, edges = _binned(v[p], min(bins, max(3, len(v) // 5)))
            if edges is not None:
                ax.scatter(v[p], v["value"], s=9, color=colours[s], alpha=0.45, linewidths=0, gid=f"runs|{p}|{s}")
            g = v.groupby(key)
            x = g[p].median().to_numpy(dtype=float)
            q = np.vstack([g["value"].quantile(qq).to_numpy() for qq in QUANTILES])
            cnt = g.size().to_numpy()
            t = pd.DataFrame({"x": x} | dict(zip(QCOLS, q)) | {"n": cnt}).sort_values("x")
            tag = f"{p}|{s}"
            if cnt.max() > 1:
                _band(ax, t["x"], t["q05"], t["q95"], colours[s], "90", tag)
                _band(ax, t["x"], t["q25"], t["q75"], colours[s], "50", tag)
            ax.plot(t["x"], t["q50"], color=colours[s], marker="o", markersize=3, gid=f"median|{tag}")
            plotted[(p, s)] = t.reset_index(drop=True)
        ax.set_xlabel(_param_label(p))
        ax.set_title(p if k > 1 else "")
    for ax in axes[k:]:
        ax.set_visible(False)
    for ax in axes[:k]:
        if k == 1 or ax.get_subplotspec().is_first_col():
            ax.set_ylabel(f"{S.outcome_label(outcome)}\nin {_date_text(d)}")
    nrun = len(vals)
    handles = [Line2D([], [], color=colours[s], marker="o", markersize=3, label=f"{s}") for s in names] \
        if len(names) > 1 else [Line2D([], [], color=colours[names[0]], marker="o", markersize=3,
                                       label="median of runs")]
    if max(t["n"].max() for t in plotted.values()) > 1:
        handles += _band_handles()[1:]
    else:
        _no_band_note(axes[0])
    body.legend(handles=handles, loc="outside lower center", ncols=min(len(handles), 5))
    what = S.outcome_label(outcome).split(" (")[0]
    head = f"{what} in {_date_text(d)} against {params[0] if k == 1 else f'{k} parameters'}"
    scen = names[0] if len(names) == 1 else f"{len(names)} scenarios"
    _title(body, f"{head} — {scen} ({S.runs_text(nrun)})")
    S.source_note(fig, where, version=df.attrs.get("version"))
    fig._plotted = {"kind": "sweep", "outcome": outcome, "date": d, "lines": plotted, "runs": nrun}
    return fig


def _edges_for(x: pd.Series, bins: int) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """Cell index per run, cell edges and cell centres along one parameter."""
    u = np.sort(x.unique())
    if len(u) <= 12:
        mids = (u[1:] + u[:-1]) / 2 if len(u) > 1 else np.array([])
        step = (u[1] - u[0]) if len(u) > 1 else 1.0
        last = (u[-1] - u[-2]) if len(u) > 1 else 1.0
        edges = np.concatenate([[u[0] - step / 2], mids, [u[-1] + last / 2]])
        return pd.Series(np.searchsorted(u, x.to_numpy()), index=x.index), edges, u
    edges = np.unique(np.quantile(x.to_numpy(), np.linspace(0, 1, bins + 1)))
    idx = np.clip(np.searchsorted(edges, x.to_numpy(), side="right") - 1, 0, len(edges) - 2)
    return pd.Series(idx, index=x.index), edges, (edges[1:] + edges[:-1]) / 2


@styled
def parameter_heatmap(df: pd.DataFrame, runs_df: pd.DataFrame, param_x: str, param_y: str,
                      outcome: str = "japan_nato", date: float = 2025.0, *, scenario: str | None = None,
                      dyad=("Japan", "NATO"), bins: int = 8, source=None):
    """Median outcome at ``date`` over a grid of two parameters (grid values, or quantile bins)."""
    where = _where(df, source)
    scen = _one_scenario(df, scenario, where) if "scenario" in df.columns else None
    vals = _sweep_values(df, runs_df, [param_x, param_y], outcome, date, scen, dyad, where)
    d = vals.attrs["date"]
    vals = vals.dropna(subset=[param_x, param_y, "value"])
    bins = max(2, min(bins, int(math.sqrt(len(vals) / 3))))  # about 3 runs or more per cell on average
    ix, ex, cx = _edges_for(vals[param_x], bins)
    iy, ey, cy = _edges_for(vals[param_y], bins)
    grid = np.full((len(ey) - 1, len(ex) - 1), np.nan)
    counts = np.zeros_like(grid, dtype=int)
    g = vals.assign(_ix=ix.to_numpy(), _iy=iy.to_numpy()).groupby(["_iy", "_ix"])["value"]
    for (yy, xx), v in g.median().items():
        grid[int(yy), int(xx)] = v
    for (yy, xx), c in g.size().items():
        counts[int(yy), int(xx)] = c
    fig, body = S.new_figure(7.0, 5.6)
    ax = body.subplots()
    ax.grid(False)
    import matplotlib as mpl
    cmap = mpl.colormaps[S.OUTCOME_MAP].with_extremes(bad="#f2f2f2")
    mesh = ax.pcolormesh(ex, ey, np.ma.masked_invalid(grid), cmap=cmap, shading="flat", gid="heatmap")
    if grid.size <= 144:
        lo, hi = np.nanmin(grid), np.nanmax(grid)
        digits = 2 if hi - lo >= 0.05 else 3
        for yy in range(grid.shape[0]):
            for xx in range(grid.shape[1]):
                v = grid[yy, xx]
                if np.isnan(v):
                    continue
                rgba = cmap((v - lo) / (hi - lo) if hi > lo else 0.5)
                light = 0.299 * rgba[0] + 0.587 * rgba[1] + 0.114 * rgba[2]
                ax.text((ex[xx] + ex[xx + 1]) / 2, (ey[yy] + ey[yy + 1]) / 2, f"{v:.{digits}f}\nn={counts[yy, xx]}",
                        ha="center", va="center", fontsize=6.5, color="black" if light > 0.5 else "white")
    ax.set_xlabel(_param_label(param_x))
    ax.set_ylabel(_param_label(param_y))
    cb = body.colorbar(mesh, ax=ax, pad=0.02)
    cb.set_label(f"{S.outcome_label(outcome)} in {_date_text(d)}, median of runs")
    what = S.outcome_label(outcome).split(" (")[0]
    _title(body, f"{what} in {_date_text(d)}: {param_x} × {param_y} — "
                 f"{', '.join(pd.unique(vals['scenario']))} ({S.runs_text(len(vals))})")
    S.source_note(fig, where, version=df.attrs.get("version"))
    fig._plotted = {"kind": "sweep_heatmap", "x_edges": ex, "y_edges": ey, "values": grid, "counts": counts,
                    "date": d}
    return fig


# ====================================================================== simulated vs historical record
@styled
def milestone_chart(df: pd.DataFrame, scenario: str | None = None, *, source=None):
    """The two calibration series against the historical record, 1990 to the last milestone year.

    Top: Japan–NATO cooperation index; bottom: China–Russia alignment. Each: median and
    50%/90% bands over runs, the historical coding (data/*_target.csv, grey band) and
    the dated milestones (data/*_milestones.csv).
    """
    where = _where(df, source)
    _need(df, ["scenario", "run", "date", "japan_nato", "china_russia_alignment"], where)
    scenario = _one_scenario(df, scenario, where)
    sub = _select(df, scenario)
    fig, body = S.new_figure(10.5, 10.0)
    axes = body.subplots(2, 1)
    files, plotted, n = [], {}, 0
    x0 = float(sub["date"].min())
    x1 = min(float(sub["date"].max()), 2026.0)
    for ax, (col, which) in zip(axes, (("japan_nato", "japan_nato"), ("china_russia_alignment", "china_russia"))):
        t = quantile_table(run_series(sub, col, source=where))[scenario]
        n = int(t["n"].iloc[0])
        _fan_on(ax, t, S.SERIES[0], col)
        tfile = _add_target(ax, which)
        ax.set_xlim(x0, x1)
        ax.margins(x=0)
        shown = t[(t["date"] >= x0) & (t["date"] <= x1)]
        record = pd.read_csv(_data_file(which, TARGET_FILES))
        _index_ylim(ax, max(float(np.nanmax(shown["q95"])), float(record["upper"].max())), 1.08)
        ms = add_milestones(ax, which, max_chars=34)
        files += [ms["file"], tfile]
        ax.set_ylabel(S.outcome_label(col))
        ax.text(0.01, 0.96, S.outcome_label(col).split(" (")[0], transform=ax.transAxes, ha="left", va="top",
                fontweight="bold", fontsize=9.5, bbox={"fc": "white", "ec": "none", "alpha": 0.8, "pad": 1.5})
        plotted[col] = t
        if n == 1:
            _no_band_note(ax, "lower right")
    axes[-1].set_xlabel(S.YEAR_LABEL)
    handles = (_band_handles(S.SERIES[0], "simulated median") if n > 1
               else [Line2D([], [], color=S.SERIES[0], label="simulated run")])
    handles += [Line2D([], [], color="black", ls="--", lw=1.1, label="historical coding (grey: ± band)"),
                Line2D([], [], color=S.GREY, ls=":", lw=0.8, label="historical milestone")]
    body.legend(handles=handles, loc="outside lower center", ncols=len(handles))
    _title(body, f"Simulated against the historical record — {scenario} ({S.runs_text(n)}"
                 f"{': no uncertainty band' if n == 1 else ''})")
    S.source_note(fig, where, [f for f in files if "milestones" in f],
                  extra="targets: " + ", ".join(f for f in files if "target" in f), version=df.attrs.get("version"))
    fig._plotted = {"kind": "milestones", "scenario": scenario, "series": plotted, "runs": n}
    return fig


# ------------------------------------------------------------------ blocs (landscape theory)
@styled
def blocs_chart(table: pd.DataFrame, scenario: str | None = None, *, source=None):
    """Blocs over time: share of runs whose landscape minimum is each two-coalition configuration
    (top), and the median energy of that minimum with its 50 % band (bottom; lower = a more
    settled, more polarised world). ``table`` is experiments.analysis.landscape_store.landscape_table output."""
    where = _where(table, source)
    _need(table, ["scenario", "run", "date", "configuration", "energy"], where)
    scenario = _one_scenario(table, scenario, where)
    sub = table[_eq(table["scenario"], scenario)]
    n = int(sub["run"].nunique())
    shares = (sub.groupby(["date", "configuration"]).size().unstack(fill_value=0))
    shares = shares.div(shares.sum(axis=1), axis=0)
    shares = shares[shares.max().sort_values(ascending=False).index]
    energy = sub.groupby("date")["energy"].quantile([0.25, 0.5, 0.75]).unstack()
    fig, body = S.new_figure(9.0, 6.4)
    top, bottom = body.subplots(2, 1, sharex=True, height_ratios=[1.3, 1.0])
    x = shares.index.to_numpy(dtype=float)
    colours = [S.SERIES[i % len(S.SERIES)] for i in range(shares.shape[1])]
    top.stackplot(x, shares.to_numpy().T, labels=list(shares.columns), colors=colours, alpha=0.85)
    top.set_ylim(0, 1)
    top.set_ylabel("share of runs")
    top.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), title="predicted blocs (A|B)", fontsize=7.5)
    ex = energy.index.to_numpy(dtype=float)
    if n > 1:
        bottom.fill_between(ex, energy[0.25], energy[0.75], color=S.SERIES[0], alpha=0.25, lw=0,
                            label="50 % of runs")
    bottom.plot(ex, energy[0.5], color=S.SERIES[0], label="median")
    bottom.set_ylabel("energy of the minimum\n(size-weighted, lower = more settled)")
    bottom.set_xlabel("year")
    bottom.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))
    _title(body, f"Blocs over time (Axelrod–Bennett landscape) — {scenario} ({S.runs_text(n)}"
                 f"{': no uncertainty band' if n == 1 else ''})")
    S.source_note(fig, where, extra="sizes = power; propensity = cooperation + alignment − mutual threat "
                                    "(docs/landscape.md)", version=table.attrs.get("version"))
    fig._plotted = {"kind": "blocs", "scenario": scenario, "shares": shares, "energy": energy, "runs": n}
    return fig
