"""A what-if answered as evidence: a scenario paired with the scenario it extends, under the posterior.

Run r of the scenario and run r of its parent take the same posterior draw and the same shocks
(model/spec/pairing.py: sample r), so each paired difference is the scenario's effect in one
plausible world. :func:`answer` gives, per world index and date, the effect's median and 5–95 %
range over the draws, the mean and its 90 % interval, the shares of draws with each sign, and the
parameters whose values explain most of the effect's spread (a first-order variance decomposition
over the draws, experiments/analysis/attribution.py) with whether the record informs them. An
answer that rests on parameters the record leaves open is a conditional answer, and the table
says so. Nothing here prints or draws: ``alliance whatif`` does both.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from experiments.analysis import attribution
from experiments.pipeline.posterior_file import Posterior
from model.engines import kernel
from model.engines.record import Trajectory
from model.engines.tidy import tidy
from model.spec import pairing
from model.spec.errors import InputError
from model.spec.scenario import Scenario, load_scenario
from model.spec.timegrid import step_of
from model.spec.world import DEFAULT_DYAD

LEVEL = 0.9


@dataclass
class Answer:
    """The effect table, the two scenarios' tidy tables (for the difference figure), what it was run with."""

    scenario: Scenario
    parent: Scenario
    table: pd.DataFrame
    tidy: pd.DataFrame
    draws: int
    seed: int
    posterior: str | None


def parent_of(scenario: Scenario) -> Scenario:
    """The scenario ``scenario`` extends (a root scenario has nothing to be measured against)."""
    if scenario.parent is None:
        raise InputError(scenario.path, None, "extends", f"'{scenario.name}' extends no scenario, so there is no "
                         "reference to measure it against: write a scenario that extends the one it changes")
    return load_scenario(scenario.parent)


def _same_grid(a: Scenario, b: Scenario) -> None:
    if (a.world.digest, a.start, a.end) != (b.world.digest, b.start, b.end):
        raise InputError(a.path, None, "world", f"'{a.name}' and '{b.name}' differ in world or horizon, so their runs "
                         "cannot be paired; keep the parent's world and horizon")


def _key(e) -> tuple:
    return (e.step, e.quantity.name, e.op, e.value, e.id)


def changed_dates(scenario: Scenario, parent: Scenario) -> list[float]:
    """The dates of the events the scenario adds to its parent or removes from it."""
    mine, theirs = {_key(e) for e in scenario.events}, {_key(e) for e in parent.events}
    own = [e.date for e in scenario.events if _key(e) not in theirs]
    return own + [e.date for e in parent.events if _key(e) not in mine]


def default_dates(scenario: Scenario, parent: Scenario) -> list[float]:
    """Every fifth year from the year of the first event the scenario changes (adds or removes), and the end."""
    own = changed_dates(scenario, parent)
    first = int(np.floor(min(own))) if own else int(scenario.start)
    years = list(range(first, int(scenario.end), 5))
    return [float(y) for y in years if y >= scenario.start] + [float(scenario.end)]


def _tidy(sc: Scenario, t: Trajectory, n: int) -> pd.DataFrame:
    """The tidy rows of the default dyad (what the difference figure draws: its indices and domains)."""
    runs = pd.DataFrame({"run": np.arange(n), "scenario": sc.name, "sample": np.arange(n), "replication": 0})
    runs["scenario"] = runs["scenario"].astype("category")
    df = tidy(t, sc.world, sc.start, runs)
    a, b = DEFAULT_DYAD
    return df[(df["actor_a"] == a) & (df["actor_b"] == b)].reset_index(drop=True)


def answer(scenario: Scenario, post: Posterior | None, draws: int, seed: int, dates: list[float] | None = None,
           overrides: dict | None = None, parent: Scenario | None = None) -> Answer:
    """The scenario's paired effect on every world index at ``dates`` (default :func:`default_dates`), against
    ``parent`` (default: the scenario it extends; the page passes the shipped scenario a user added events to)."""
    parent = parent or parent_of(scenario)
    _same_grid(scenario, parent)
    if not changed_dates(scenario, parent):
        raise InputError(scenario.path, None, "events", f"'{scenario.name}' adds no event to '{parent.name}' and "
                         "removes none, so every effect would be exactly 0; to measure what some events do, run a "
                         "scenario that removes or adds them (docs/scenarios.md, section 7, for the old names)")
    dates = sorted(set(dates or default_dates(scenario, parent)))
    for d in dates:
        if step_of(scenario.start, d) is None or not scenario.start <= d <= scenario.end:
            raise InputError("--dates", None, "dates", f"{d:g} is not a quarter of {scenario.start:g}–{scenario.end:g}")
    sample = post.draw(draws, seed) if post is not None else None
    keep = sorted(set(range(0, scenario.steps + 1, 4)) | {step_of(scenario.start, d) for d in dates})
    slot = {q: i for i, q in enumerate(keep)}
    t = {sc.name: kernel.run(pairing.runs(sc, seed, draws, overrides, sample), keep) for sc in (scenario, parent)}
    rows = []
    for index in scenario.world.indices:
        for d in dates:
            q = slot[step_of(scenario.start, d)]
            eff = t[scenario.name].indices[index][:, q] - t[parent.name].indices[index][:, q]
            st = pairing.effect(eff, level=LEVEL)
            drivers = attribution.rests_on(eff, sample, post) if sample else []
            rows.append({"index": index, "date": d, "draws": int(st["pairs"]), "median": float(st["median"]),
                         "q05": float(st["q05"]), "q95": float(st["q95"]), "mean": float(st["mean"]),
                         "low": float(st["low"]), "high": float(st["high"]), "positive": float(st["positive"]),
                         "negative": float(st["negative"]), "rests_on": attribution.describe(drivers),
                         "conditional": bool(drivers) and not drivers[0]["informed"]})
    table = pd.DataFrame(rows)
    both = pd.concat([_tidy(sc, t[sc.name], draws) for sc in (parent, scenario)], ignore_index=True)
    both["scenario"] = both["scenario"].astype("category")
    return Answer(scenario, parent, table, both, draws, seed, post.path if post is not None else None)
