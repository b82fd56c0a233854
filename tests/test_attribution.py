"""What an answer rests on (experiments/analysis/attribution.py): the variance decomposition over draws and
the narrowing of each parameter, on draws whose answer is known by construction."""

from __future__ import annotations

import numpy as np

from experiments.analysis import attribution
from experiments.pipeline.posterior_file import Posterior


def _draws(n=2000, seed=0):
    rng = np.random.default_rng(seed)
    theta = rng.uniform(0.0, 1.0, (n, 3))
    return theta, [dict(zip(("a", "b", "c"), row)) for row in theta.tolist()]


def test_the_parameter_that_drives_an_effect_explains_its_spread():
    """effect = 3a + b²: a carries Var(3a) / (Var(3a) + Var(b²)) of the variance, c (unused) about nothing."""
    theta, _ = _draws()
    y = 3 * theta[:, 0] + theta[:, 1] ** 2
    shares = attribution.first_order(y, theta, ["a", "b", "c"])
    assert list(shares.index[:2]) == ["a", "b"]
    var_a, var_b = 9 / 12, 4 / 45  # Var(3a) and Var(b²) for uniforms on [0, 1]
    assert abs(shares["a"] - var_a / (var_a + var_b)) < 0.03
    assert shares["c"] < 0.02  # the estimator's noise floor, about 1/bins of the draws' variance / n


def test_a_non_monotone_dependence_is_seen():
    """A U-shaped effect has no linear correlation with its parameter but a large first-order share."""
    theta, _ = _draws()
    y = (theta[:, 2] - 0.5) ** 2
    assert abs(np.corrcoef(theta[:, 2], y)[0, 1]) < 0.1
    assert attribution.first_order(y, theta, ["a", "b", "c"]).index[0] == "c"


def test_an_effect_with_no_spread_rests_on_nothing():
    """Before a scenario's first event the paired effect is 0 in every draw: no parameter explains it."""
    _, draws = _draws(200)
    assert attribution.rests_on(np.zeros(200), draws, None) == []
    assert attribution.describe([]) == "—"


def test_narrowing_is_zero_for_the_prior_and_large_for_a_tight_posterior():
    rng = np.random.default_rng(3)
    n = 4000
    prior_like = rng.uniform(0.0, 1.0, n)
    tight = rng.normal(0.5, 0.01, n)
    post = Posterior("p", ("wide", "tight"), np.column_stack([prior_like, tight]), np.full(n, 1 / n),
                     ((0.0, 1.0, False), (0.0, 1.0, False)))
    got = attribution.narrowing(post)
    assert abs(got["wide"]) < 0.05
    assert got["tight"] > 0.9
    found = attribution.rests_on(tight * 10, [{"wide": a, "tight": b} for a, b in post.theta.tolist()], post)
    assert found[0]["parameter"] == "tight" and found[0]["informed"]
