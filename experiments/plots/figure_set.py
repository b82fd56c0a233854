"""The figure set of a result folder: which figures a store supports, built from only the columns they need.

``kind="all"`` builds the standard set (:func:`standard_figures`); the other kinds build
one family each (``alliance plot --kind``). Every figure is built before any file is written,
so a mistake (missing scenario, column, date ...) exits with status 2 and writes
nothing. Each file is saved through experiments.plots.save.save_figure: under a temporary name in the
output folder, then renamed over its final name. See docs/figures.md.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from experiments.analysis.landscape_store import NEEDED, landscape_table
from experiments.plots import select
from experiments.plots.blocs import blocs_chart
from experiments.plots.counterfactual import counterfactual_chart
from experiments.plots.difference import scenario_differences
from experiments.plots.fan import fan_chart
from experiments.plots.milestones import has_record, milestone_chart, record_end
from experiments.plots.network import cooperation_network
from experiments.plots.save import DPI, FORMATS, save_figure
from experiments.plots.select import DEFAULT_DYAD
from experiments.plots.sweep import parameter_heatmap, parameter_sweep
from experiments.plots.threat import threat_heatmap, threat_lines
from experiments.store.reader import load, metadata, require_rows, runs
from model.spec.domains import DOMAINS
from model.spec.errors import InputError

KINDS = ("fan", "difference", "counterfactual", "threat", "network", "sweep", "milestones", "blocs", "all")
DEFAULT_DATE = 2025.0

_IDS = ("run", "scenario", "replication", "sample", "date", "quarter")


# ------------------------------------------------------------------ file names
def _safe(name: str) -> str:
    """A name safe in a file name, and one name's only: where characters had to be replaced (``crisis a``,
    ``crisis/a``), a short hash of the name itself is appended, so two names never share a file."""
    name = str(name)
    s = re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_") or "x"
    return s if s == name else f"{s}-{hashlib.sha256(name.encode('utf-8', 'surrogatepass')).hexdigest()[:6]}"


def _date_slug(d: float) -> str:
    """2014.5 -> "2014_5" (for file names)."""
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
    """Lazy, cached loads of the slices each figure kind reads, and what the metadata says about them."""

    def __init__(self, root):
        self.root = Path(root)
        self.have = require_rows(self.root, "nothing to draw")
        self.meta = metadata(self.root)
        self._cache: dict = {}

    def _cached(self, key, make):
        """``make()`` once per ``key``."""
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    def indices(self) -> list[str]:
        """The world indices of the store (metadata order), e.g. japan_nato, china_russia_alignment."""
        return select.index_names(self.have, self.meta)

    def events(self) -> dict:
        """Each scenario's events from the metadata (empty for older stores)."""
        return self._cached("events", lambda: select.scenario_events(self.meta))

    def dates(self) -> np.ndarray:
        """The simulated dates of the store."""
        return self._cached("dates", lambda: np.unique(load(self.root, columns=["date"])["date"].to_numpy(float)))

    def scenarios(self) -> list[str]:
        """The scenarios of the store, in store order."""
        return self._cached("scenarios", lambda: select.scenarios_in(load(self.root, columns=["scenario"])))

    def dyad(self, a=DEFAULT_DYAD[0], b=DEFAULT_DYAD[1]):
        """One dyad's rows (every domain) with the world indices."""
        wanted = ["actor_a", "actor_b", "domain", "cooperation", *self.indices()]
        return self._cached(("dyad", a, b), lambda: _load(self.root, self.have, wanted,
                                                          [("actor_a", "==", a), ("actor_b", "==", b)]))

    def threat(self):
        """Both directions of threat for every dyad (one domain row each: threat is the same on all)."""
        wanted = ["actor_a", "actor_b", "domain", "threat_ab", "threat_ba"]
        return self._cached("threat", lambda: _load(self.root, self.have, wanted, [("domain", "==", DOMAINS[0])]))

    def at(self, date: float):
        """Cooperation and power of every dyad within a quarter of ``date``."""
        wanted = ["actor_a", "actor_b", "domain", "cooperation", "power_a", "power_b"]
        return self._cached(("at", date), lambda: _load(self.root, self.have, wanted,
                                                        [("date", ">=", date - 0.25), ("date", "<=", date + 0.25)]))

    def blocs(self, scenarios: list[str], step_years: float = 1.0):
        """The landscape minimum of every run of ``scenarios`` at every ``step_years`` (landscape_store)."""
        def make():
            dates = self.dates()
            off = (dates - dates.min()) / step_years
            keep = [float(d) for d, k in zip(dates, off) if abs(k - round(k)) < 1e-9]
            return landscape_table(_load(self.root, self.have, NEEDED, [("date", "in", keep),
                                                                        ("scenario", "in", list(scenarios))]))
        return self._cached(("blocs", tuple(scenarios), step_years), make)

    def runs(self):
        """One row per run: ids, parameter values, status."""
        return self._cached("runs", lambda: runs(self.root))


# ------------------------------------------------------------------ building
MIN_DATES = 8  # fewer (a batch with summary outputs): no time-line figures in the standard set


def _dense(df) -> bool:
    """Whether the store holds trajectories (not just a few summary dates)."""
    return df["date"].nunique() >= MIN_DATES


@dataclass
class _Ask:
    """What ``alliance plot`` asked for; ``strict`` when one kind was named (so inapplicable is an error)."""

    where: str
    strict: bool
    scenarios: list | None
    date: float | None
    baseline: str
    params: list | None
    domain: str | None
    observer: str


def _fans(st: _Store, o: _Ask) -> list:
    """A fan chart (and overlay) per world index, or of one Japan–NATO domain with ``--domain``."""
    df = st.dyad()
    names = select.pick_scenarios(df, o.scenarios, o.where, o.baseline)
    if o.domain is not None:
        specs = [(f"fan_{_safe(DEFAULT_DYAD[0])}_{_safe(DEFAULT_DYAD[1])}_{_safe(o.domain)}".lower(),
                  {"dyad": DEFAULT_DYAD, "domain": o.domain})]
    else:
        specs = [(f"fan_{_safe(i)}", {"outcome": i}) for i in st.indices()] or \
            [(f"fan_{_safe(DEFAULT_DYAD[0])}_{_safe(DEFAULT_DYAD[1])}".lower(), {"dyad": DEFAULT_DYAD})]
    out = []
    for stem, kw in specs:
        common = {"scenarios": names, "baseline": o.baseline, "events": st.events(), "source": o.where} | kw
        out.append((stem, fan_chart(df, **common)))
        if len(names) > 1:
            out.append((f"{stem}_overlay", fan_chart(df, overlay=True, **common)))
    return out


def _differences(st: _Store, o: _Ask) -> list:
    """Each scenario minus the baseline, all on one shared y limit."""
    df = st.dyad()
    have = select.scenarios_in(df)
    if o.baseline not in have:
        if o.strict:
            select.pick_scenarios(df, [o.baseline], o.where)  # raises, naming the baseline
        return []
    others = [s for s in (o.scenarios or have) if s != o.baseline]
    if not others:
        if o.strict:
            raise InputError(o.where, None, "scenario", f"only the baseline '{o.baseline}' is in the results; "
                             "give --scenario NAME of another scenario to compare")
        return []
    figs = scenario_differences(df, o.baseline, others, indices=st.indices(), events=st.events(), source=o.where)
    return [(f"difference_{_safe(s)}", fig) for s, fig in figs]


def counterfactuals_of(events: dict, factual: str) -> list[str]:
    """Scenarios whose events are a strict subset of the factual run's (it with some events removed)."""
    if factual not in events:
        return []
    fact = set(select.event_keys(events[factual]))
    return [s for s, t in events.items() if s != factual and set(select.event_keys(t)) < fact]


def _counterfactuals(st: _Store, o: _Ask) -> list:
    """The factual run against each counterfactual of it in the store, per world index, with the paired effect."""
    df = st.dyad()
    cfs = [s for s in counterfactuals_of(st.events(), o.baseline) if s in select.scenarios_in(df)]
    if o.scenarios:
        cfs = [s for s in cfs if s in o.scenarios]
    if not cfs and o.strict:
        raise InputError(o.where, None, "scenario", f"no counterfactual of '{o.baseline}' (a scenario that removes "
                         "some of its events) is in the results")
    return [(f"counterfactual_{_safe(s)}_{_safe(i)}", counterfactual_chart(df, o.baseline, s, i, events=st.events(),
                                                                           source=o.where))
            for s in cfs for i in st.indices()]


def _threats(st: _Store, o: _Ask) -> list:
    """The threat heatmap and, with full trajectories, the observer's threat lines."""
    tdf = st.threat()
    scen = (o.scenarios or [None])[0]
    out = [("threat_heatmap", threat_heatmap(tdf, scenario=scen, source=o.where))]
    actors = select.actors(tdf) if "actor_a" in tdf.columns else []
    if (o.observer in actors and _dense(tdf)) or o.strict:
        out.append((f"threat_lines_{_safe(o.observer).lower()}",
                    threat_lines(tdf, o.observer, scenario=scen, events=st.events(), source=o.where)))
    return out


def _network(st: _Store, o: _Ask) -> list:
    """The cooperation network at the asked date (2025, else the last simulated date)."""
    d = o.date
    if d is None:  # 2025 when simulated, else the last simulated date
        lo, hi = float(st.dates().min()), float(st.dates().max())
        d = DEFAULT_DATE if lo <= DEFAULT_DATE <= hi else hi
    fig = cooperation_network(st.at(d), d, (o.scenarios or [None])[0], source=o.where)
    return [(f"network_{_date_slug(d)}", fig)]


def _milestones(st: _Store, o: _Ask) -> list:
    """The indices with a historical record against it, when the store covers the record."""
    df = st.dyad()
    recs = [i for i in st.indices() if has_record(i) and i in df.columns]
    ok = bool(recs) and _dense(df) and float(df["date"].min()) < max(record_end(i) for i in recs)
    if not (ok or o.strict):
        return []
    return [("milestones", milestone_chart(df, (o.scenarios or [None])[0], indices=recs or None,
                                           events=st.events(), source=o.where))]


def _blocs(st: _Store, o: _Ask) -> list:
    """Blocs over time for the asked scenarios, else the baseline and sco_counterbalancing."""
    have = st.scenarios()
    chosen = o.scenarios or [s for s in (o.baseline, "sco_counterbalancing") if s in have] or have[:1]
    table = st.blocs(chosen)
    return [(f"blocs_{_safe(s)}", blocs_chart(table, s, events=st.events(), source=o.where)) for s in chosen]


def _sweeps(st: _Store, o: _Ask) -> list:
    """The first world index against the varying (or asked) parameters, and their heatmap."""
    runs_df = st.runs()
    chosen = list(o.params or (select.varying_parameters(runs_df) if len(runs_df) else []))
    if not chosen:
        if o.strict:
            raise InputError(o.where, None, "--param", "no parameter varies across the runs of this store; "
                             "name one with --param NAME")
        return []
    sdf = st.dyad()
    outcome = (st.indices() or ["cooperation"])[0]
    d = DEFAULT_DATE if o.date is None else o.date
    out = [(f"sweep_{_safe(outcome)}", parameter_sweep(sdf, runs_df, chosen if len(chosen) > 1 else chosen[0],
                                                       outcome, d, scenario=o.scenarios, source=o.where))]
    if len(chosen) >= 2:
        px, py = chosen[:2]
        out.append((f"sweep_heatmap_{_safe(px)}_{_safe(py)}",
                    parameter_heatmap(sdf, runs_df, px, py, outcome, d, scenario=(o.scenarios or [None])[0],
                                      source=o.where)))
    return out


BUILDERS = {"fan": _fans, "difference": _differences, "counterfactual": _counterfactuals, "threat": _threats,
            "network": _network,
            "milestones": _milestones, "blocs": _blocs, "sweep": _sweeps}


def build_figures(store_dir, kind: str = "all", *, scenarios=None, date: float | None = None,
                  baseline: str | None = None, params=None, domain: str | None = None,
                  observer: str = "Japan") -> list[tuple[str, object]]:
    """(file stem, Figure) pairs for one kind, or the standard set for ``all``.

    With ``all`` a family that does not apply to the store (no baseline to difference
    against, no varying parameter to sweep, no index with a historical record, only a few
    summary dates for the threat lines and the milestone chart) is skipped; asked for by
    name, it is drawn or raises an InputError.
    """
    if kind not in KINDS:
        raise InputError("--kind", None, "kind", f"unknown kind '{kind}' (use one of {', '.join(KINDS)})")
    st = _Store(store_dir)
    ask = _Ask(str(store_dir), kind != "all", scenarios, date, baseline or select.BASELINE, params, domain, observer)
    if ask.scenarios:  # name a missing scenario before anything is drawn
        select.pick_scenarios(pd.DataFrame({"scenario": st.scenarios()}), ask.scenarios, ask.where)
    out: list[tuple[str, object]] = []
    for k, build in BUILDERS.items():
        if kind in (k, "all"):
            out += build(st, ask)
    return out


def write_figures(figures, out_dir, fmt: str = "png", dpi: int = DPI) -> list[Path]:
    """Write built figures as OUT_DIR/<stem>.<fmt>, atomically; returns the paths. Refuses (before writing) two
    figures of one file name, also where a file system ignores case, so no figure is silently lost."""
    if fmt not in FORMATS:
        raise InputError("--format", None, "format", f"unknown format '{fmt}' (use {', '.join(FORMATS)})")
    out_dir = Path(out_dir)
    names = [f"{stem}.{fmt}" for stem, _ in figures]
    seen: dict[str, str] = {}
    for name in names:
        if name.casefold() in seen:
            raise InputError(str(out_dir), None, "--out", f"two figures would both be written as {name} "
                             f"(and {seen[name.casefold()]}); rename one of the scenarios")
        seen[name.casefold()] = name
    return [save_figure(fig, out_dir / name, fmt, dpi) for name, (_, fig) in zip(names, figures)]


def standard_figures(store_dir, out_dir=None, fmt: str = "png") -> list[Path]:
    """The standard set of a result folder (``alliance plot DIR --kind all``) into ``out_dir``
    (default DIR/figures). Returns the written paths."""
    if fmt not in FORMATS:
        raise InputError("--format", None, "format", f"unknown format '{fmt}' (use {', '.join(FORMATS)})")
    figs = build_figures(store_dir, "all")
    return write_figures(figs, Path(out_dir) if out_dir else Path(store_dir) / "figures", fmt)
