"""What-if responses: each shock moves its drivers only; the model answers through its mechanisms.

Every case is a paired difference (common random numbers) over R replications between a
scenario and its reference, averaged over a window; the 99.7 % t interval of its mean
(model/spec/pairing.py) must lie on the stated side of zero *and* the mean beyond a stated
minimum, in the stated direction. No shipped scenario writes
a cooperation or alignment level, or a floor (test_scenario_policy.py), so each effect
below is produced by the dynamics: threat -> demand -> constraints -> cooperation ->
counter-response (docs/ODD.md, docs/scenarios.md).
"""

from __future__ import annotations

import numpy as np
import pytest

from experiments.analysis.responses import CASES, HOLD_LEVEL, MILITARY, SEED_DEFAULT, run_all
from model.spec import pairing
from model.spec.domains import DOMAINS
from model.spec.scenario import load_scenario

R = 40


@pytest.fixture(scope="module")
def runs():
    """Every scenario's R runs at the registry defaults, in one kernel call (one world, one horizon)."""
    return run_all([{}] * R, SEED_DEFAULT)


@pytest.mark.parametrize("case", CASES, ids=[c.what for c in CASES])
def test_response(runs, case):
    e = pairing.effect(runs.effect(case), level=HOLD_LEVEL)
    mean, near = float(e["mean"]), float(e["low"] if case.direction > 0 else e["high"])
    effect = case.direction * mean
    assert case.direction * near > 0, f"{case.what}: {mean:+.4f}, 99.7 % interval [{float(e['low']):+.4f}, " \
                                      f"{float(e['high']):+.4f}] includes 0"
    assert effect >= case.minimum, f"{case.what}: {mean:+.4f} is below the stated minimum " \
                                   f"{case.direction * case.minimum:+.3f}"


def test_civilian_aid_continues_through_the_dpj_turn(runs):
    """Or-Rashid 2024, §Introduction: the DPJ years cut military cooperation proportionally more than humanitarian aid.

    The DPJ ended the refuelling mission but chose "to continue providing support to civilians".
    """
    ja, na = runs.world.index("Japan"), runs.world.index("NATO")
    dates = runs.start + runs.t.quarters / 4.0
    w = (dates >= 2010) & (dates <= 2012.75)
    h, mil = DOMAINS.index("hadr"), MILITARY
    fact = runs.t.cooperation[runs.rows["historical_baseline"]][:, w, ja, na]
    cf = runs.t.cooperation[runs.rows["no_dpj_turn"]][:, w, ja, na]
    assert np.all(fact[..., h].mean(axis=1) > 0.2)  # civilian cooperation continues at a substantial level
    kept_civil = fact[..., h].mean() / cf[..., h].mean()
    kept_military = fact[..., mil].mean() / cf[..., mil].mean()
    assert kept_civil >= 0.97 and kept_military < kept_civil


def test_before_a_shock_nothing_differs(runs):
    """Common random numbers: a future scenario equals the factual run, to the bit, until its first event."""
    first = min(e.step for e in load_scenario("taiwan_crisis").events if e.id.startswith("taiwan"))
    a, b = runs.t.cooperation[runs.rows["taiwan_crisis"]], runs.t.cooperation[runs.rows["historical_baseline"]]
    assert np.array_equal(a[:, : first + 1], b[:, : first + 1])
    assert not np.array_equal(a[:, -1], b[:, -1])
