"""The model's what-if responses against the expectations written before the fit (data/expectations.yaml).

Each expectation is a paired difference: a scenario minus its reference, averaged over a window,
for a measure (:data:`MEASURES`), run by run under the same parameters and shocks
(model/spec/pairing.py). Over posterior draws (one run per draw, sample r = draw r in every
scenario) or over replications at fixed parameters, :func:`judge` gives each row's effect (median,
5–95 % of the draws, mean and its interval, the shares of draws with each sign), whether it holds
by the rule the file states (docs/expectations.md), and, over draws, the parameters its spread rests
on (experiments/analysis/attribution.py). Nothing here prints: ``alliance responses`` does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from experiments.analysis import attribution
from experiments.pipeline.posterior_file import Posterior
from model.engines import kernel
from model.engines.record import Trajectory
from model.spec import fields as F
from model.spec import pairing
from model.spec.domains import CIVILIAN_DOMAINS, DOMAINS, MILITARY_DOMAINS
from model.spec.errors import InputError
from model.spec.paths import ROOT
from model.spec.scenario import Scenario, load_scenario
from model.spec.world import World
from model.spec.yamlio import load_mapping

EXPECTATIONS = ROOT / "data" / "expectations.yaml"
SEED_DEFAULT = 2024
MILITARY_INDEX = [DOMAINS.index(d) for d in MILITARY_DOMAINS]
CIVILIAN_INDEX = [DOMAINS.index(d) for d in CIVILIAN_DOMAINS]


def _dyad(a: str, b: str, domains=None) -> Callable[[World, Trajectory], np.ndarray]:
    def read(w: World, t: Trajectory) -> np.ndarray:
        c = t.cooperation[:, :, w.index(a), w.index(b)]
        return (c if domains is None else c[..., domains]).mean(axis=-1)
    return read


def _threat(a: str, b: str) -> Callable[[World, Trajectory], np.ndarray]:
    return lambda w, t: t.threat[:, :, w.index(a), w.index(b)]


MEASURES: dict[str, tuple[str, Callable[[World, Trajectory], np.ndarray]]] = {
    "japan_nato": ("the Japan–NATO cooperation index", lambda w, t: t.indices["japan_nato"]),
    "china_russia": ("China–Russia alignment", lambda w, t: t.indices["china_russia_alignment"]),
    "japan_us": ("Japan–US cooperation, mean over domains", _dyad("Japan", "United States")),
    "japan_nato_military": ("Japan–NATO cooperation in the military domains", _dyad("Japan", "NATO", MILITARY_INDEX)),
    "japan_nato_civilian": ("Japan–NATO cooperation in the civilian domains", _dyad("Japan", "NATO", CIVILIAN_INDEX)),
    "japan_threat_china": ("Japan's threat from China", _threat("Japan", "China")),
    "japan_threat_russia": ("Japan's threat from Russia", _threat("Japan", "Russia")),
    "china_threat_japan": ("China's threat from Japan", _threat("China", "Japan")),
    "nato_consensus": ("NATO's effective out-of-area consensus",
                       lambda w, t: t.effective_consensus[:, :, w.index("NATO")]),
    "japan_constitution": ("Japan's legal state (0 strict … 4 amendment)",
                           lambda w, t: t.constitution[:, :, w.index("Japan")].astype(float)),
}


@dataclass(frozen=True)
class Expectation:
    """One expected response (a row of data/expectations.yaml)."""

    id: str
    what: str
    scenario: str
    reference: str
    measure: str
    window: tuple[float, float]
    direction: int
    source: str
    larger_than: str = ""
    weak: bool = False


@dataclass(frozen=True)
class Rule:
    """How a row is judged: the share of draws with the sign, and the level of the interval of the mean."""

    share: float = 0.9
    level: float = 0.9


_ROW = {"id", "what", "scenario", "reference", "measure", "window", "direction", "source", "larger_than", "weak"}


def _row(item, file: str, k: int) -> Expectation:
    where = f"responses[{k}]."
    F.check_keys(item, file, _ROW, required=("id", "scenario", "reference", "measure", "window", "direction"),
                 where=where)
    measure = F.text(item, "measure", file, where, choices=tuple(MEASURES))
    larger = F.text(item, "larger_than", file, where, default="")
    if larger and larger not in MEASURES:
        F.text(item, "larger_than", file, where, choices=tuple(MEASURES))
    window = F.sequence(item, "window", file, where)
    if len(window) != 2:
        raise InputError(file, item.line_of("window"), where + "window", "give [first year, last year]")
    lo, hi = (F.finite_number(window[i], file, window.lines[i], where + "window") for i in (0, 1))
    if hi < lo:
        raise InputError(file, item.line_of("window"), where + "window", f"{hi} is before {lo}")
    direction = int(F.number(item, "direction", file, where, -1, 1, integer=True))
    if direction == 0:
        raise InputError(file, item.line_of("direction"), where + "direction", "must be +1 or -1")
    return Expectation(F.text(item, "id", file, where), F.text(item, "what", file, where, default=""),
                       F.text(item, "scenario", file, where), F.text(item, "reference", file, where), measure,
                       (lo, hi), direction, F.text(item, "source", file, where, default=""), larger,
                       F.flag(item, "weak", file, where, default=False))


def load_expectations(path: str | Path = EXPECTATIONS) -> tuple[Rule, list[Expectation]]:
    """The judging rule and the expected responses of an expectations file (errors name file, line, field)."""
    file = str(path)
    doc = load_mapping(Path(path), "expectations file")
    F.check_keys(doc, file, {"share", "level", "responses"}, required=("responses",))
    rule = Rule(F.number(doc, "share", file, "", 0.5, 1.0, default=0.9),
                F.number(doc, "level", file, "", 0.5, 0.999, default=0.9))
    items = F.sequence(doc, "responses", file)
    rows = [_row(F.item_mapping(items, k, file, "responses"), file, k) for k in range(len(items))]
    seen: set[str] = set()
    for k, r in enumerate(rows):
        if r.id in seen:
            raise InputError(file, items.lines[k], f"responses[{k}].id", f"duplicate id '{r.id}'")
        seen.add(r.id)
    return rule, rows


# ------------------------------------------------------------------ running the scenarios
@dataclass
class Runs:
    """Every scenario's runs, paired: row r of each scenario is the same sample (draw) and replication."""

    scenarios: dict[str, Scenario]
    trajectories: dict[str, Trajectory]
    draws: list[dict[str, float]]  # the parameter draw of run r (empty mappings at fixed parameters)

    def series(self, scenario: str, measure: str) -> np.ndarray:
        sc = self.scenarios[scenario]
        return MEASURES[measure][1](sc.world, self.trajectories[scenario])

    def effect(self, e: Expectation, measure: str | None = None) -> np.ndarray:
        """Per run: the scenario minus the reference, averaged over the window (inclusive)."""
        m = measure or e.measure
        sc = self.scenarios[e.scenario]
        dates = sc.start + self.trajectories[e.scenario].quarters / 4.0
        w = (dates >= e.window[0] - 1e-9) & (dates <= e.window[1] + 1e-9)
        return (self.series(e.scenario, m)[:, w] - self.series(e.reference, m)[:, w]).mean(axis=1)


def run_all(names: list[str], seed: int, n: int, overrides: dict | None = None,
            draws: list[dict[str, float]] | None = None) -> Runs:
    """n paired runs of each named scenario: replications 0..n-1 at fixed parameters, or samples 0..n-1 with
    one posterior draw each (model/spec/pairing.py); one kernel call per scenario."""
    scs = {name: load_scenario(name) for name in dict.fromkeys(names)}
    traj = {name: kernel.run(pairing.runs(sc, seed, n, overrides, draws)) for name, sc in scs.items()}
    return Runs(scs, traj, draws or [{}] * n)


def scenarios_of(rows: list[Expectation]) -> list[str]:
    return list(dict.fromkeys(s for r in rows for s in (r.scenario, r.reference)))


# ------------------------------------------------------------------ judging
def judge(runs: Runs, rule: Rule, rows: list[Expectation], post: Posterior | None = None) -> pd.DataFrame:
    """One row per expectation: the effect's statistics, whether it holds, and what its spread rests on."""
    out = []
    for e in rows:
        d = runs.effect(e)
        st = pairing.effect(d, level=rule.level)
        signed = e.direction * d
        with_sign, against = float(np.mean(signed > 0)), float(np.mean(signed < 0))
        near = float(st["low"] if e.direction > 0 else st["high"])
        interval_ok = bool(e.direction * near > 0)
        sign_ok = (against <= 1.0 - rule.share) if e.weak else (with_sign >= rule.share)
        order = np.nan
        if e.larger_than:
            other = runs.effect(e, e.larger_than)
            order = float(np.mean(e.direction * (d - other) > 0))
        holds = sign_ok and interval_ok and (not e.larger_than or order >= rule.share)
        rests = attribution.rests_on(d, runs.draws, post) if any(runs.draws) else []
        out.append({"id": e.id, "what": e.what, "expected": "+" if e.direction > 0 else "−",
                    "weak": e.weak, "draws": int(st["pairs"]), "median": float(st["median"]),
                    "q05": float(st["q05"]), "q95": float(st["q95"]), "mean": float(st["mean"]),
                    "low": float(st["low"]), "high": float(st["high"]), "with_sign": with_sign,
                    "against": against, "order": order, "holds": holds,
                    "rests_on": attribution.describe(rests), "source": e.source})
    return pd.DataFrame(out)


def responses(post: Posterior | None, n: int, seed: int = SEED_DEFAULT, overrides: dict | None = None,
              path: str | Path = EXPECTATIONS) -> pd.DataFrame:
    """The judged expectation table: over ``n`` posterior draws, or over ``n`` replications at fixed parameters."""
    rule, rows = load_expectations(path)
    draws = post.draw(n, seed) if post is not None else None
    runs = run_all(scenarios_of(rows), seed, n, overrides, draws)
    table = judge(runs, rule, rows, post)
    table.attrs.update(share=rule.share, level=rule.level, n=n, seed=seed,
                       over="posterior draws" if post is not None else "replications at fixed parameters",
                       posterior=post.path if post is not None else None)
    return table
