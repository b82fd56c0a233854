"""What-if responses: each shock moves its drivers only; the model answers through its mechanisms.

Every case is a paired difference (common random numbers) over R replications between a
scenario and its reference, averaged over a window, and must lie beyond 3 paired standard
errors *and* beyond a stated minimum, in the stated direction. No shipped scenario writes
a cooperation or alignment level, or a floor (test_scenario_policy.py), so each effect
below is produced by the dynamics: threat -> demand -> constraints -> cooperation ->
counter-response (docs/ODD.md, docs/scenarios.md).
"""

from __future__ import annotations

import numpy as np
import pytest

from model.engines import kernel
from model.spec.domains import DOMAINS
from model.spec.runspec import RunSpec, parameters_for
from model.spec.scenario import load_scenario

R = 40
SEED = 2024
SCENARIOS = ("historical_baseline", "taiwan_crisis", "no_ukraine_war", "sco_counterbalancing", "article9_amendment",
             "us_retrenchment", "detente", "no_reinterpretation", "no_dpj_turn")
MILITARY = [DOMAINS.index(d) for d in ("exercises", "logistics", "collective_defence")]


@pytest.fixture(scope="module")
def runs():
    """Every scenario's R runs, in one kernel call (one world, one horizon)."""
    scs = {n: load_scenario(n) for n in SCENARIOS}
    specs = [RunSpec(scs[n], parameters_for(scs[n]), SEED, (k,)) for n in SCENARIOS for k in range(R)]
    t = kernel.run(specs)
    return scs["historical_baseline"], t, {n: slice(i * R, (i + 1) * R) for i, n in enumerate(SCENARIOS)}


def _measure(name, world, t):
    ja, na, us = (world.index(a) for a in ("Japan", "NATO", "United States"))
    return {
        "japan_nato": lambda: t.indices["japan_nato"],
        "china_russia": lambda: t.indices["china_russia_alignment"],
        "japan_us": lambda: t.coop[:, :, ja, us].mean(axis=-1),
        "nato_consensus": lambda: t.consensus[:, :, na],
        "japan_military_ceiling": lambda: t.ceiling[:, :, ja, na][..., MILITARY].mean(axis=-1),
        "japan_nato_military": lambda: t.coop[:, :, ja, na][..., MILITARY].mean(axis=-1),
    }[name]()


# (what, scenario, reference, measure, window, direction, minimum effect)
CASES = [
    ("a Taiwan crisis raises Japan-NATO cooperation", "taiwan_crisis", "historical_baseline", "japan_nato",
     (2030, 2040), +1, 0.02),
    ("a Taiwan crisis loosens Japan's constraints", "taiwan_crisis", "historical_baseline", "japan_military_ceiling",
     (2030, 2040), +1, 0.005),
    ("the war in Ukraine raises Japan-NATO cooperation", "historical_baseline", "no_ukraine_war", "japan_nato",
     (2023, 2025), +1, 0.02),
    ("the war in Ukraine raises NATO's out-of-area consensus", "historical_baseline", "no_ukraine_war",
     "nato_consensus", (2023, 2025), +1, 0.02),
    ("SCO counterbalancing raises China-Russia alignment", "sco_counterbalancing", "historical_baseline",
     "china_russia", (2030, 2040), +1, 0.01),
    ("SCO counterbalancing pulls Japan and NATO closer", "sco_counterbalancing", "historical_baseline", "japan_nato",
     (2030, 2040), +1, 0.01),
    ("an Article 9 amendment raises China-Russia alignment (the spiral)", "article9_amendment",
     "historical_baseline", "china_russia", (2030, 2040), +1, 0.01),
    ("US retrenchment lowers Japan-US cooperation", "us_retrenchment", "historical_baseline", "japan_us",
     (2032, 2040), -1, 0.02),
    ("US retrenchment does not lower Japan-NATO cooperation (hedging)", "us_retrenchment", "historical_baseline",
     "japan_nato", (2032, 2040), +1, 0.0),
    ("a detente lowers China-Russia alignment", "detente", "historical_baseline", "china_russia", (2030, 2040), -1,
     0.01),
    ("the 2014 reinterpretation raises military cooperation", "historical_baseline", "no_reinterpretation",
     "japan_nato_military", (2015, 2040), +1, 0.02),
    ("the DPJ's pacifist turn lowers military cooperation while it governs", "historical_baseline", "no_dpj_turn",
     "japan_nato_military", (2010, 2012.75), -1, 0.005),
]


@pytest.mark.parametrize("what,scenario,reference,measure,window,direction,minimum", CASES,
                         ids=[c[0] for c in CASES])
def test_response(runs, what, scenario, reference, measure, window, direction, minimum):
    sc, t, at = runs
    y = _measure(measure, sc.world, t)
    dates = sc.start + t.quarters / 4.0
    w = (dates >= window[0]) & (dates <= window[1])
    diff = (y[at[scenario]][:, w] - y[at[reference]][:, w]).mean(axis=1)
    mean, se = diff.mean(), diff.std(ddof=1) / np.sqrt(len(diff))
    effect = direction * mean
    assert effect > 3 * se, f"{what}: {mean:+.4f} ± {se:.4f} is not beyond 3 paired standard errors"
    assert effect >= minimum, f"{what}: {mean:+.4f} is below the stated minimum {direction * minimum:+.3f}"


def test_civilian_aid_continues_through_the_dpj_turn(runs):
    """Seed lines 45, 47: the DPJ years cut military cooperation proportionally more than humanitarian aid."""
    sc, t, at = runs
    ja, na = sc.world.index("Japan"), sc.world.index("NATO")
    dates = sc.start + t.quarters / 4.0
    w = (dates >= 2010) & (dates <= 2012.75)
    h, mil = DOMAINS.index("hadr"), MILITARY
    fact, cf = t.coop[at["historical_baseline"]][:, w, ja, na], t.coop[at["no_dpj_turn"]][:, w, ja, na]
    assert np.all(fact[..., h].mean(axis=1) > 0.2)  # civilian cooperation continues at a substantial level
    kept_civil = fact[..., h].mean() / cf[..., h].mean()
    kept_military = fact[..., mil].mean() / cf[..., mil].mean()
    assert kept_civil >= 0.97 and kept_military < kept_civil


def test_before_a_shock_nothing_differs(runs):
    """Common random numbers: a future scenario equals the factual run, to the bit, until its first event."""
    sc, t, at = runs
    first = min(e.step for e in load_scenario("taiwan_crisis").events if e.id.startswith("taiwan"))
    a, b = t.coop[at["taiwan_crisis"]], t.coop[at["historical_baseline"]]
    assert np.array_equal(a[:, : first + 1], b[:, : first + 1])
    assert not np.array_equal(a[:, -1], b[:, -1])
