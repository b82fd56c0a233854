"""The article's stylised facts (Or-Rashid 2024), as factual-minus-counterfactual or scenario-minus-factual
differences.

Runs are paired by identity (common random numbers), so each difference is measured
against the same shocks; a fact holds when the 99.7 % t interval of the mean paired
difference lies on the stated side of zero (model/spec/pairing.py). The response table of the
what-if scenarios is tests/test_responses.py; these are the article's claims domain by domain.
"""

import numpy as np
import pytest

from model.engines import kernel
from model.spec import pairing
from model.spec.domains import DOMAINS
from model.spec.scenario import load_scenario

pytestmark = pytest.mark.slow

R = 40
HOLD_LEVEL = 0.997  # a fact holds when this t interval of its mean paired difference lies on the stated side


def _run(name):
    sc = load_scenario(name)
    return sc, kernel.run(pairing.runs(sc, 2024, R))


@pytest.fixture(scope="module")
def fact():
    return _run("historical_baseline")


def _window(sc, lo, hi):
    d = sc.start + np.arange(sc.steps + 1) / 4
    return (d >= lo) & (d <= hi)


def _holds(diff, sign):
    e = pairing.effect(diff, level=HOLD_LEVEL)
    near = e["low"] if sign > 0 else e["high"]
    return bool(sign * near > 0), (float(e["mean"]), float(e["high"] - e["mean"]))


def test_reinterpretation_raises_each_military_domain_after_2014(fact):
    """The 2014 decision widens what Japan can do with NATO in the military domains.

    Or-Rashid 2024, §NATO Ambiguity anticipates a reinterpretation toward collective self-defence that would
    "foster closer collaboration with NATO" (the article does not report the 2014 decision itself).
    (A strict xfail until the face-validity refit: the factual run then took the step before the hold began
    in 2010 in 33 of 40 replications at the defaults. It now passes unchanged; under the posterior the
    response still misses, docs/expectations.md.)
    """
    sc, f = fact
    _, cf = _run("no_reinterpretation")
    ja, na = sc.world.index("Japan"), sc.world.index("NATO")
    w = _window(sc, 2015.0, 2040.0)
    for dom in ("exercises", "logistics", "collective_defence"):
        d = DOMAINS.index(dom)
        diff = (f.cooperation[:, w, ja, na, d] - cf.cooperation[:, w, ja, na, d]).mean(axis=1)
        ok, (m, se) = _holds(diff, +1)
        assert ok, f"{dom}: mean difference {m:.4f} ± {se:.4f}"


def test_nothing_differs_before_the_reinterpretation_hold(fact):
    """Common random numbers: the counterfactual holds the step back from 2010.0, and until then it is the
    factual run to the bit."""
    sc, f = fact
    _, cf = _run("no_reinterpretation")
    before = _window(sc, 1990.0, 2009.75)
    assert np.array_equal(f.cooperation[:, before], cf.cooperation[:, before])
    assert not np.array_equal(f.constitution, cf.constitution)  # and the hold does bind in some run


def test_dpj_turn_lowers_each_military_domain_while_it_governs(fact):
    """Or-Rashid 2024, §Introduction: the DPJ's literal reading of the constitution (2009-12).

    The same section has the MSDF's anti-piracy mission off Somalia carry on under the DPJ: the
    counter-terrorism/maritime part of this test is the model's claim, not the article's.
    """
    sc, f = fact
    _, cf = _run("no_dpj_turn")
    ja, na = sc.world.index("Japan"), sc.world.index("NATO")
    during = _window(sc, 2010.0, 2012.75)
    for dom in ("exercises", "logistics", "counter_terrorism_maritime"):
        d = DOMAINS.index(dom)
        diff = (f.cooperation[:, during, ja, na, d] - cf.cooperation[:, during, ja, na, d]).mean(axis=1)
        ok, (m, se) = _holds(diff, -1)
        assert ok, f"{dom}: mean difference {m:.4f} ± {se:.4f}"


def test_sco_counterbalancing_raises_japan_and_nato_threat_perceptions(fact):
    """A retaliatory alliance of China and Russia raises Japan's and NATO's threat perceptions.

    Or-Rashid 2024, §NATO Ambiguity has the retaliatory alliance; that it raises Japan's and NATO's threat
    perceptions is the model's mechanism (linkage, demonstration, bloc power), not the article's words.
    """
    sc, f = fact
    _, t = _run("sco_counterbalancing")
    w = _window(sc, 2027.0, 2040.0)
    for observer in ("Japan", "NATO"):
        for rival in ("China", "Russia"):
            i, j = sc.world.index(observer), sc.world.index(rival)
            diff = (t.threat[:, w, i, j] - f.threat[:, w, i, j]).mean(axis=1)
            ok, (m, se) = _holds(diff, +1)
            assert ok, f"threat {observer} from {rival}: {m:.4f} ± {se:.4f}"
