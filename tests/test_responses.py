"""What-if responses, judged under the posterior against the expectations written before the fit.

data/expectations.yaml states each response's direction, order and source, and the rule a response
holds by (docs/expectations.md): over posterior draws, at least 90 % with the expected sign and the
90 % interval of the mean on that side. Nothing here is sized to the model's output. A response the
model misses is listed in MISSES with the reason docs/expectations.md ("Results") gives, as a strict xfail: the miss
stays visible, and the test fails the day the model meets the expectation (so the list stays true).
"""

from __future__ import annotations

import numpy as np
import pytest

from experiments.analysis import responses as R
from experiments.pipeline.posterior_file import read_posterior
from model.spec.domains import DOMAINS
from model.spec.paths import DATA_DIR
from model.spec.scenario import load_scenario

pytestmark = pytest.mark.slow

DRAWS = 200
SEED = R.SEED_DEFAULT
RULE, ROWS = R.load_expectations()
# id -> why (docs/expectations.md, "Results"), measured with 200 draws of the shipped posterior, seed 2024
AMENDED_EARLY = ("the factual run amends Article 9 before 2027 in 10 % of draws (history: no amendment by 2025), "
                 "where the hypothetical 2027 amendment changes nothing")
MISSES: dict[str, str] = {
    "amendment_alignment": f"89 % of draws with the sign: {AMENDED_EARLY}; 99 % in the other draws",
    "amendment_china_threat": f"89.5 % of draws with the sign: {AMENDED_EARLY}; 99 % in the other draws",
    "amendment_military": f"86 % of draws with the sign, military above civilian in 67 %: {AMENDED_EARLY}; "
                          "96 % in the other draws",
    "retrenchment_hedging": "68 % of draws with the sign, 32 % against: Japan's hedge toward NATO outweighs the "
                            "loss of the US hub only where weight_hedge is high (81 % with the sign in its top third, "
                            "53 % in its bottom third), and the record does not inform weight_hedge",
    "reinterpretation_military": "66 % of draws with the sign: the factual run takes the collective-defence step "
                                 "before the counterfactual hold begins in 2010 in 18 % of draws (14 % with the sign "
                                 "there; a cap cannot undo a step taken), and 78 % with the sign in the others",
    "dpj_military": "83 % of draws with the sign (90 % asked), 14 % against: in all 29 draws against, the legal "
                    "state differs between the runs in 2009.5-2013; in 13 the DPJ run takes the 2014 step during "
                    "its government (its lower military limit raises partners' demand beyond the limit)",
}


@pytest.fixture(scope="module")
def table():
    post = read_posterior(DATA_DIR / "posterior_1990_2025")
    return R.responses(post, DRAWS, SEED).set_index("id")


@pytest.mark.parametrize("row", [pytest.param(e, marks=pytest.mark.xfail(strict=True, reason=MISSES[e.id]))
                                 if e.id in MISSES else e for e in ROWS], ids=[e.id for e in ROWS])
def test_expected_response_holds_across_the_posterior(table, row):
    r = table.loc[row.id]
    assert r["holds"], (f"{row.what}: median {r['median']:+.4f}, {RULE.level:.0%} interval of the mean "
                        f"[{r['low']:+.4f}, {r['high']:+.4f}], {r['with_sign']:.0%} of draws with the sign "
                        f"({r['against']:.0%} against), order {r['order']}; rests on {r['rests_on']}")


def test_the_expectations_file_is_the_one_committed_before_the_fit():
    """The rule of the file is the documented one (no threshold moved toward the model)."""
    assert (RULE.share, RULE.level) == (0.9, 0.9)
    assert len(ROWS) == 19 and {e.id for e in ROWS if e.weak} == {"taiwan_japan_loosens", "retrenchment_self_help"}


@pytest.fixture(scope="module")
def fixed():
    """At the registry defaults (the posterior's median), 40 replications: the checks that need no draws."""
    return R.run_all(["historical_baseline", "no_dpj_turn", "taiwan_crisis"], SEED, 40)


def test_civilian_aid_continues_through_the_dpj_turn(fixed):
    """Or-Rashid 2024, §Introduction: the DPJ ended the military support but 'opted to continue providing support
    to civilians'; the DPJ years cut military cooperation proportionally more than humanitarian aid."""
    sc = fixed.scenarios["historical_baseline"]
    ja, na = sc.world.index("Japan"), sc.world.index("NATO")
    fact, cf = fixed.trajectories["historical_baseline"], fixed.trajectories["no_dpj_turn"]
    dates = sc.start + fact.quarters / 4.0
    w = (dates >= 2010) & (dates <= 2012.75)
    h = DOMAINS.index("hadr")
    f, c = fact.cooperation[:, w, ja, na], cf.cooperation[:, w, ja, na]
    kept_civil = f[..., h].mean() / c[..., h].mean()
    kept_military = f[..., R.MILITARY_INDEX].mean() / c[..., R.MILITARY_INDEX].mean()
    assert kept_military < kept_civil


def test_before_a_shock_nothing_differs(fixed):
    """Common random numbers: a future scenario equals the factual run, to the bit, until its first event."""
    first = min(e.step for e in load_scenario("taiwan_crisis").events if e.id.startswith("taiwan"))
    a = fixed.trajectories["taiwan_crisis"].cooperation
    b = fixed.trajectories["historical_baseline"].cooperation
    assert np.array_equal(a[:, : first + 1], b[:, : first + 1])
    assert not np.array_equal(a[:, -1], b[:, -1])
