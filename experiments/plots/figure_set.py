"""The figure set of a result folder: which figures a store supports, built from only the columns they need.

``kind="all"`` builds the standard set (:func:`standard_figures`); the other kinds build
one family each (``alliance plot --kind``). Every figure is built before any file is written,
so a mistake (missing scenario, column, date ...) exits with status 2 and writes
nothing. Each file is saved under a temporary name in the output folder, then renamed
over its final name. See docs/figures.md.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from experiments.store.atomic import atomic_write
from experiments.store.reader import columns, load, runs
from model.spec.domains import DOMAINS
from model.spec.errors import InputError

KINDS = ("fan", "difference", "threat", "network", "sweep", "milestones", "blocs", "all")
FORMATS = ("png", "svg", "pdf")
DEFAULT_DATE = 2025.0
DPI = 200

_IDS = ("run", "scenario", "replication", "sample", "date", "quarter")


# ------------------------------------------------------------------ writing
def save_figure(fig, path: Path, fmt: str = "png", dpi: int = DPI) -> Path:
    """Save ``fig`` to ``path`` atomically (experiments.store.atomic.atomic_write)."""
    path = Path(path)
    # Fixed metadata keeps SVG/PDF output byte-stable between runs.
    meta = {"png": {"Software": None}, "svg": {"Date": None}, "pdf": {"CreationDate": None}}[fmt]
    atomic_write(path, lambda tmp: fig.savefig(tmp, format=fmt, dpi=dpi, metadata=meta))
    return path


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", str(name)).strip("_") or "x"


def _date_slug(d: float) -> str:
    return f"{d:g}".replace(".", "_")


# ------------------------------------------------------------------ loading only what a figure needs
def _load(root: Path, have: list[str], wanted: list[str], filters=None):
    """The store's rows (filtered when possible) with the wanted columns that exist."""
    cols = [c for c in dict.fromkeys(list(_IDS) + wanted) if c in have]
    df = load(root, columns=cols, filters=filters)
    if filters is not None and len(df) == 0:  # let the figure name what is missing
        df = load(root, columns=cols)
    return df


class _Store:
    """Lazy, cached loads of the slices each figure kind reads."""

    def __init__(self, root):
        self.root = Path(root)
        self.have = columns(self.root)
        self._cache: dict = {}

    def dyad(self, a="Japan", b="NATO"):
        key = ("dyad", a, b)
        if key not in self._cache:
            self._cache[key] = _load(self.root, self.have, ["actor_a", "actor_b", "domain", "cooperation",
                                                            "japan_nato", "china_russia_alignment"],
                                     [("actor_a", "==", a), ("actor_b", "==", b)])
        return self._cache[key]

    def threat(self):
        if "threat" not in self._cache:
            self._cache["threat"] = _load(self.root, self.have, ["actor_a", "actor_b", "domain", "threat_ab",
                                                                 "threat_ba"], [("domain", "==", DOMAINS[0])])
        return self._cache["threat"]

    def at(self, date: float):
        key = ("at", date)
        if key not in self._cache:
            self._cache[key] = _load(self.root, self.have, ["actor_a", "actor_b", "domain", "cooperation",
                                                            "power_a", "power_b"],
                                     [("date", ">=", date - 0.25), ("date", "<=", date + 0.25)])
        return self._cache[key]

    def blocs(self, step_years: float = 1.0):
        """The landscape minimum of every run at every ``step_years`` (experiments.analysis.landscape_store)."""
        key = ("blocs", step_years)
        if key not in self._cache:
            from experiments.analysis.landscape_store import NEEDED, landscape_table
            probe = _load(self.root, self.have, ["date"])
            dates = np.unique(probe["date"].to_numpy(dtype=float))
            lo = dates.min()
            keep = [float(d) for d in dates if abs((d - lo) / step_years - round((d - lo) / step_years)) < 1e-9]
            df = _load(self.root, self.have, NEEDED, [("date", "in", keep)])
            self._cache[key] = landscape_table(df)
        return self._cache[key]

    def runs(self):
        if "runs" not in self._cache:
            self._cache["runs"] = runs(self.root)
        return self._cache["runs"]


# ------------------------------------------------------------------ building
MIN_DATES = 8  # fewer (a batch with summary outputs): no time-line figures in the standard set


def _dense(df) -> bool:
    """Whether the store holds trajectories (not just a few summary dates)."""
    return df["date"].nunique() >= MIN_DATES


def build_figures(store_dir, kind: str = "all", *, scenarios=None, date: float | None = None,
                  baseline: str | None = None, params=None, domain: str | None = None,
                  observer: str = "Japan") -> list[tuple[str, object]]:
    """(file stem, Figure) pairs for one kind, or the standard set for ``all``.

    With ``all`` a family that does not apply to the store (no baseline to difference
    against, no varying parameter to sweep, no Japan–NATO milestone period, only a few
    summary dates for the threat lines and the milestone chart) is skipped; asked for by
    name, it is drawn or raises an InputError.
    """
    from experiments.plots import figures as P
    if kind not in KINDS:
        raise InputError("--kind", None, "kind", f"unknown kind '{kind}' (use one of {', '.join(KINDS)})")
    st = _Store(store_dir)
    where = str(store_dir)
    strict = kind != "all"
    base = baseline or P.BASELINE
    out: list[tuple[str, object]] = []
    want = (lambda k: kind in (k, "all"))

    dyad_df = None
    if any(want(k) for k in ("fan", "difference", "milestones")):
        dyad_df = st.dyad()
        names = P._pick_scenarios(dyad_df, scenarios, where)

    if want("fan"):
        label = "japan_nato" if domain is None else f"japan_nato_{_safe(domain)}"
        out.append((f"fan_{label}", P.fan_chart(dyad_df, scenarios=names, domain=domain, source=where)))
        if len(names) > 1:
            out.append((f"fan_{label}_overlay", P.fan_chart(dyad_df, scenarios=names, domain=domain, overlay=True,
                                                            source=where)))

    if want("difference"):
        have = P.scenarios_in(dyad_df)
        if base not in have:
            if strict:
                P._pick_scenarios(dyad_df, [base], where)  # raises, naming the baseline
        else:
            others = [s for s in (scenarios or have) if s != base]
            if not others and strict:
                raise InputError(where, None, "scenario", f"only the baseline '{base}' is in the results; "
                                 "give --scenario NAME of another scenario to compare")
            for s in others:
                P._pick_scenarios(dyad_df, [s], where)
                out.append((f"difference_{_safe(s)}", P.scenario_difference(dyad_df, base, s, source=where)))

    if want("threat"):
        tdf = st.threat()
        scen = (scenarios or [None])[0]
        out.append(("threat_heatmap", P.threat_heatmap(tdf, scenario=scen, source=where)))
        actors = P._actors(tdf) if "actor_a" in tdf.columns else []
        if (observer in actors and _dense(tdf)) or strict:
            out.append((f"threat_lines_{_safe(observer).lower()}",
                        P.threat_lines(tdf, observer, scenario=scen, source=where)))

    if want("network"):
        d = date
        if d is None:  # 2025 when simulated, else the last simulated date
            probe = st.dyad() if dyad_df is not None else st.threat()
            lo, hi = float(probe["date"].min()), float(probe["date"].max())
            d = DEFAULT_DATE if lo <= DEFAULT_DATE <= hi else hi
        ndf = st.at(d)
        out.append((f"network_{_date_slug(d)}", P.cooperation_network(ndf, d, (scenarios or [None])[0],
                                                                        source=where)))

    if want("milestones"):
        ok = {"japan_nato", "china_russia_alignment"} <= set(dyad_df.columns) and \
            float(dyad_df["date"].min()) < 2025.0 and _dense(dyad_df)
        if ok or strict:
            out.append(("milestones", P.milestone_chart(dyad_df, (scenarios or [None])[0], source=where)))

    if want("blocs"):
        table = st.blocs()
        have = P.scenarios_in(table)
        chosen = scenarios or [s for s in (P.BASELINE, "sco_counterbalancing") if s in have] or have[:1]
        for s in chosen:
            out.append((f"blocs_{_safe(s)}", P.blocs_chart(table, s, source=where)))

    if want("sweep"):
        runs_df = st.runs()
        varying = P.varying_parameters(runs_df) if len(runs_df) else []
        chosen = list(params or varying)
        if not chosen:
            if strict:
                raise InputError(where, None, "--param", "no parameter varies across the runs of this store; "
                                 "name one with --param NAME")
        else:
            sdf = st.dyad()
            d = DEFAULT_DATE if date is None else date
            sc = scenarios
            out.append(("sweep_japan_nato", P.parameter_sweep(sdf, runs_df, chosen if len(chosen) > 1 else
                                                              chosen[0], "japan_nato", d, scenario=sc,
                                                              source=where)))
            if len(chosen) >= 2:
                px, py = chosen[:2]
                out.append((f"sweep_heatmap_{_safe(px)}_{_safe(py)}",
                            P.parameter_heatmap(sdf, runs_df, px, py, "japan_nato", d,
                                                scenario=(scenarios or [None])[0], source=where)))
    return out


def write_figures(figures, out_dir, fmt: str = "png", dpi: int = DPI) -> list[Path]:
    """Write built figures as OUT_DIR/<stem>.<fmt>, atomically; returns the paths."""
    if fmt not in FORMATS:
        raise InputError("--format", None, "format", f"unknown format '{fmt}' (use {', '.join(FORMATS)})")
    out_dir = Path(out_dir)
    return [save_figure(fig, out_dir / f"{stem}.{fmt}", fmt, dpi) for stem, fig in figures]


def standard_figures(store_dir, out_dir=None, fmt: str = "png") -> list[Path]:
    """The standard set of a result folder (``alliance plot DIR --kind all``) into ``out_dir``
    (default DIR/figures). Returns the written paths."""
    if fmt not in FORMATS:
        raise InputError("--format", None, "format", f"unknown format '{fmt}' (use {', '.join(FORMATS)})")
    figs = build_figures(store_dir, "all")
    return write_figures(figs, Path(out_dir) if out_dir else Path(store_dir) / "figures", fmt)
