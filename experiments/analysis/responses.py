"""The model's what-if responses: paired scenario-minus-reference differences, one table for tests and docs.

    python -m experiments.analysis.responses [--replications 40] [--seed 2024]
    python -m experiments.analysis.responses --posterior data/posterior_1990_2025 [--draws 200]

Each response is the mean over a window of a measure in a scenario minus the same
measure in its reference, run by run under common random numbers. At fixed parameters
(the registry defaults, or ``--set``) the table gives the mean, its paired standard
error and the runs' 5-95 % range; with ``--posterior`` each run draws its own parameters
(the same draw in every scenario) and the table gives the median and 5-95 % range over
draws and the share of draws in which the response has its stated sign. The cases are
the rows of tests/test_responses.py and of docs/scenarios.md, Section 10.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass

import numpy as np
import pandas as pd

from experiments.pipeline.posterior_file import read_posterior
from model.engines import kernel
from model.engines.record import Trajectory
from model.spec import pairing
from model.spec.domains import DOMAINS
from model.spec.overrides import parse_assignments
from model.spec.scenario import load_scenario
from model.spec.world import World

SCENARIOS = ("historical_baseline", "taiwan_crisis", "no_ukraine_war", "sco_counterbalancing", "article9_amendment",
             "us_retrenchment", "detente", "no_reinterpretation", "no_dpj_turn")
MILITARY = [DOMAINS.index(d) for d in ("exercises", "logistics", "collective_defence")]
SEED_DEFAULT = 2024
HOLD_LEVEL = 0.997  # a response holds when this t interval of its paired mean lies on the stated side of 0


@dataclass(frozen=True)
class Case:
    """One response: scenario minus reference, of a measure averaged over a window, in a direction."""

    what: str
    scenario: str
    reference: str
    measure: str
    window: tuple[float, float]
    direction: int
    minimum: float


CASES = [
    Case("a Taiwan crisis raises Japan-NATO cooperation", "taiwan_crisis", "historical_baseline", "japan_nato",
         (2030, 2040), +1, 0.02),
    Case("a Taiwan crisis loosens Japan's constraints", "taiwan_crisis", "historical_baseline",
         "japan_military_ceiling", (2030, 2040), +1, 0.005),
    Case("the war in Ukraine raises Japan-NATO cooperation", "historical_baseline", "no_ukraine_war", "japan_nato",
         (2023, 2025), +1, 0.02),
    Case("the war in Ukraine raises NATO's out-of-area consensus", "historical_baseline", "no_ukraine_war",
         "nato_consensus", (2023, 2025), +1, 0.02),
    Case("SCO counterbalancing raises China-Russia alignment", "sco_counterbalancing", "historical_baseline",
         "china_russia", (2030, 2040), +1, 0.01),
    Case("SCO counterbalancing pulls Japan and NATO closer", "sco_counterbalancing", "historical_baseline",
         "japan_nato", (2030, 2040), +1, 0.01),
    Case("an Article 9 amendment raises China-Russia alignment (the spiral)", "article9_amendment",
         "historical_baseline", "china_russia", (2030, 2040), +1, 0.01),
    Case("US retrenchment lowers Japan-US cooperation", "us_retrenchment", "historical_baseline", "japan_us",
         (2032, 2040), -1, 0.02),
    Case("US retrenchment does not lower Japan-NATO cooperation (hedging)", "us_retrenchment",
         "historical_baseline", "japan_nato", (2032, 2040), +1, 0.0),
    Case("a detente lowers China-Russia alignment", "detente", "historical_baseline", "china_russia", (2030, 2040),
         -1, 0.01),
    Case("the 2014 reinterpretation raises military cooperation", "historical_baseline", "no_reinterpretation",
         "japan_nato_military", (2015, 2040), +1, 0.02),
    Case("the DPJ's pacifist turn lowers military cooperation while it governs", "historical_baseline",
         "no_dpj_turn", "japan_nato_military", (2010, 2012.75), -1, 0.005),
]


def measure(name: str, world: World, t: Trajectory) -> np.ndarray:
    """A (runs, quarters) array of one measure (docs/scenarios.md, Section 10 lists them)."""
    ja, na, us = (world.index(a) for a in ("Japan", "NATO", "United States"))
    return {
        "japan_nato": lambda: t.indices["japan_nato"],
        "china_russia": lambda: t.indices["china_russia_alignment"],
        "japan_us": lambda: t.cooperation[:, :, ja, us].mean(axis=-1),
        "nato_consensus": lambda: t.effective_consensus[:, :, na],
        "japan_military_ceiling": lambda: t.ceiling[:, :, ja, na][..., MILITARY].mean(axis=-1),
        "japan_nato_military": lambda: t.cooperation[:, :, ja, na][..., MILITARY].mean(axis=-1),
    }[name]()


@dataclass
class Runs:
    """Every scenario's runs from one kernel call, and where each scenario's rows are."""

    world: World
    start: float
    t: Trajectory
    rows: dict[str, slice]

    def effect(self, case: Case) -> np.ndarray:
        """Per run: the scenario minus the reference, averaged over the case's window (inclusive)."""
        y = measure(case.measure, self.world, self.t)
        dates = self.start + self.t.quarters / 4.0
        w = (dates >= case.window[0]) & (dates <= case.window[1])
        return (y[self.rows[case.scenario]][:, w] - y[self.rows[case.reference]][:, w]).mean(axis=1)


def run_all(parameters: list[dict[str, float]], seed: int, drawn: bool = False) -> Runs:
    """One run per entry of ``parameters`` in every scenario, paired across scenarios: run k is replication k
    at fixed parameters, sample k when each entry is a posterior draw (``drawn``; model/spec/pairing.py)."""
    scs = {n: load_scenario(n) for n in SCENARIOS}
    n = len(parameters)
    specs = [r for s in SCENARIOS
             for r in (pairing.runs(scs[s], seed, n, draws=parameters) if drawn
                       else pairing.runs(scs[s], seed, n, parameters[0] if parameters else None))]
    rows = {s: slice(i * n, (i + 1) * n) for i, s in enumerate(SCENARIOS)}
    base = scs["historical_baseline"]
    return Runs(base.world, base.start, kernel.run(specs), rows)


def table(runs: Runs, over_draws: bool) -> pd.DataFrame:
    """One row per case: at fixed parameters the mean and paired SE; over posterior draws the share with the sign."""
    rows = []
    for i, c in enumerate(CASES, 1):
        d = runs.effect(c)
        lo, med, hi = np.quantile(d, [0.05, 0.5, 0.95])
        row = {"case": i, "what": c.what, "minimum": c.direction * c.minimum, "median": med, "p05": lo, "p95": hi}
        if over_draws:
            row["share_with_sign"] = float(np.mean(c.direction * d > 0 if c.minimum > 0 else c.direction * d >= 0))
        else:
            e = pairing.effect(d, level=HOLD_LEVEL)
            mean, near = float(e["mean"]), float(e["low"] if c.direction > 0 else e["high"])
            row |= {"mean": mean, "interval": (float(e["low"]), float(e["high"])),
                    "holds": bool(c.direction * near > 0 and c.direction * mean >= c.minimum)}
        rows.append(row)
    return pd.DataFrame(rows)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--replications", type=int, default=40, help="runs per scenario at fixed parameters (default 40)")
    p.add_argument("--set", action="append", metavar="NAME=VALUE", help="fixed parameter values (repeatable)")
    p.add_argument("--posterior", help="a posterior folder: each run draws its parameters from it")
    p.add_argument("--draws", type=int, default=200, help="posterior draws (default 200)")
    p.add_argument("--seed", type=int, default=SEED_DEFAULT,
                   help=f"master seed of the runs and the draws (default {SEED_DEFAULT})")
    args = p.parse_args(argv)
    if args.posterior:
        points = read_posterior(args.posterior).draw(args.draws, args.seed)
    else:
        points = [parse_assignments(args.set)] * args.replications
    out = table(run_all(points, args.seed, drawn=bool(args.posterior)), over_draws=bool(args.posterior))
    with pd.option_context("display.width", 200, "display.max_colwidth", 70):
        print(out.to_string(index=False, float_format=lambda v: f"{v:+.4f}"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
