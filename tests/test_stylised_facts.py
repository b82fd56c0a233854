"""The seed's stylised facts, as scenario-minus-baseline differences over many replications.

Runs are paired by identity (common random numbers), so each difference is measured
against the same shocks; a fact holds when the mean paired difference is more than
three standard errors from zero in the stated direction.
"""

import numpy as np
import pytest

from model.engines import kernel
from model.spec.domains import DOMAINS
from model.spec.runspec import RunSpec, parameters_for
from model.spec.scenario import load_scenario

R = 40


def _run(name):
    sc = load_scenario(name)
    return sc, kernel.run([RunSpec(sc, parameters_for(sc), 2024, (r,)) for r in range(R)])


@pytest.fixture(scope="module")
def base():
    return _run("historical_baseline")


def _window(sc, lo, hi):
    q = np.arange(sc.steps + 1)
    d = sc.start + q / 4
    return (d >= lo) & (d <= hi)


def _holds(diff, sign):
    mean, se = diff.mean(), diff.std(ddof=1) / np.sqrt(len(diff))
    return sign * mean > 3 * se, (mean, se)


def test_reinterpretation_raises_military_cooperation_after_2014(base):
    sc, b = base
    _, t = _run("article9_reinterpretation")
    ja, na = sc.world.index("Japan"), sc.world.index("NATO")
    w = _window(sc, 2015.0, 2040.0)
    for dom in ("exercises", "logistics", "collective_defence"):
        d = DOMAINS.index(dom)
        diff = (t.coop[:, w, ja, na, d] - b.coop[:, w, ja, na, d]).mean(axis=1)
        ok, (m, se) = _holds(diff, +1)
        assert ok, f"{dom}: mean difference {m:.4f} ± {se:.4f}"
    before = _window(sc, 1990.0, 2014.25)
    assert np.array_equal(t.coop[:, before], b.coop[:, before])  # nothing differs before the decision


def test_dpj_turn_lowers_military_cooperation_while_humanitarian_continues(base):
    sc, b = base
    _, t = _run("dpj_pacifist_turn")
    ja, na = sc.world.index("Japan"), sc.world.index("NATO")
    during = _window(sc, 2010.0, 2012.75)
    for dom in ("exercises", "logistics", "counter_terrorism_maritime"):
        d = DOMAINS.index(dom)
        diff = (t.coop[:, during, ja, na, d] - b.coop[:, during, ja, na, d]).mean(axis=1)
        ok, (m, se) = _holds(diff, -1)
        assert ok, f"{dom}: mean difference {m:.4f} ± {se:.4f}"
    h = DOMAINS.index("hadr")
    hadr_t = t.coop[:, during, ja, na, h].mean(axis=1)
    hadr_b = b.coop[:, during, ja, na, h].mean(axis=1)
    assert np.all(hadr_t > 0.2)  # civilian cooperation continues at a substantial level
    assert hadr_t.mean() >= 0.95 * hadr_b.mean()  # and loses less than 5 % of its baseline level
    mil = DOMAINS.index("exercises")
    rel_mil = t.coop[:, during, ja, na, mil].mean() / b.coop[:, during, ja, na, mil].mean()
    assert rel_mil < hadr_t.mean() / hadr_b.mean()  # the military domains lose proportionally more


def test_sco_counterbalancing_raises_alignment_and_threats(base):
    sc, b = base
    _, t = _run("sco_counterbalancing")
    w = _window(sc, 2026.0, 2040.0)
    diff = (t.indices["china_russia_alignment"][:, w] - b.indices["china_russia_alignment"][:, w]).mean(axis=1)
    ok, (m, se) = _holds(diff, +1)
    assert ok, f"alignment: {m:.4f} ± {se:.4f}"
    for observer in ("Japan", "NATO"):
        for rival in ("China", "Russia"):
            i, j = sc.world.index(observer), sc.world.index(rival)
            diff = (t.threat[:, w, i, j] - b.threat[:, w, i, j]).mean(axis=1)
            ok, (m, se) = _holds(diff, +1)
            assert ok, f"threat {observer} from {rival}: {m:.4f} ± {se:.4f}"
