"""Monotonicity properties of the rules (hypothesis), on states taken from real runs.

- Raising j's assertiveness (where its ambition acts) never lowers i's threat from j.
- Raising i's threat from k never lowers i's wish to cooperate with any partner j against k.
- The reform ratchet never tightens a constraint, and a higher hazard never takes fewer steps.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from model.engines import dynamics, kernel
from model.engines.state import State
from model.rules import domestic
from model.spec.parameters import REGISTRY, Params
from model.spec.runspec import RunSpec, parameters_for
from model.spec.scenario import load_scenario

SC = load_scenario("historical_baseline")
N = SC.world.n
param_points = st.fixed_dictionaries(
    {n: st.floats(min_value=p.low, max_value=p.high, allow_nan=False) for n, p in REGISTRY.items()})


def _state_at(params: dict, quarter: int) -> State:
    """The kernel's state of the factual run after ``quarter`` quarters (a realistic point to perturb)."""
    from dataclasses import replace

    sc = replace(SC, end=SC.start + quarter / 4.0)
    spec = RunSpec(sc, parameters_for(sc, params), 1, (0,))
    t = kernel.run([spec], keep=[quarter])
    s = dynamics.initial(sc.world, Params.stack([spec.parameters]))
    s.threat[:], s.cooperation[:], s.alignment[:] = t.threat[:, 0], t.cooperation[:, 0], t.alignment[:, 0]
    s.assertiveness[:], s.constitution[:] = t.assertiveness[:, 0], t.constitution[:, 0]
    s.power[:], s.dovish[:] = t.power[:, 0], t.dovish[:, 0]
    return s


def _decide(s: State, params: dict) -> dynamics.Decision:
    quiet = np.zeros((1, N, N))
    return dynamics.decide(s, SC.world, Params.stack([parameters_for(SC, params)]), quiet, np.full((1, N, 2), 0.5))


@settings(max_examples=20, deadline=None)
@given(params=param_points, quarter=st.integers(1, 200), j=st.integers(0, N - 1),
       rise=st.floats(min_value=1e-3, max_value=1.0))
def test_more_assertive_never_less_threatening(params, quarter, j, rise):
    s = _state_at(params, quarter)
    before = _decide(s, params).new["threat"]
    s.assertiveness[0, j] = min(1.0, s.assertiveness[0, j] + rise)
    after = _decide(s, params).new["threat"]
    assert np.all(after[0, :, j] >= before[0, :, j])


@settings(max_examples=20, deadline=None)
@given(params=param_points, quarter=st.integers(1, 200), i=st.integers(0, N - 1), k=st.integers(0, N - 1),
       rise=st.floats(min_value=1e-3, max_value=1.0))
def test_more_threat_from_k_never_less_demand_against_it(params, quarter, i, k, rise):
    if i == k:
        return
    s = _state_at(params, quarter)
    before = _decide(s, params).want
    s.threat[0, i, k] = min(1.0, s.threat[0, i, k] + rise)
    after = _decide(s, params).want
    partners = [j for j in range(N) if j not in (i, k)]
    assert np.all(after[0, i, partners] >= before[0, i, partners])


@settings(max_examples=50, deadline=None)
@given(state=st.lists(st.integers(0, 4), min_size=N, max_size=N), h1=st.lists(st.floats(0, 1), min_size=N,
       max_size=N), extra=st.floats(0, 1), draw=st.lists(st.floats(0, 1), min_size=N, max_size=N),
       cap_at=st.lists(st.integers(0, 4), min_size=N, max_size=N))
def test_reform_only_loosens_and_more_hazard_never_fewer_steps(state, h1, extra, draw, cap_at):
    s0 = np.array([state], dtype=np.int64)
    lo = np.array([h1])
    hi = np.minimum(1.0, lo + extra)
    u = np.array([draw])
    last = np.full(N, 4)
    moved = np.ones(N, dtype=bool)
    cap = np.array([cap_at])
    a = domestic.reform(s0, lo, u, moved, last, cap)
    b = domestic.reform(s0, hi, u, moved, last, cap)
    assert np.all(a >= s0) and np.all(a - s0 <= 1) and np.all(b >= a) and np.all(a <= last)
    assert np.all((a <= np.maximum(s0, cap)) & (b <= np.maximum(s0, cap)))  # the cap holds a step back, undoes none
    assert np.array_equal(domestic.reform(s0, hi, u, np.zeros(N, dtype=bool), last, cap), s0)  # exogenous: never
