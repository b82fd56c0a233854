"""The page's bands (experiments/app/compare.py): over seeds, or over posterior draws, paired with the baseline."""

from __future__ import annotations

import numpy as np

from experiments.app import compare
from model.engines import kernel
from model.spec import pairing
from model.spec.runspec import RunSpec, parameters_for
from model.spec.scenario import load_scenario

N, SEED = 12, 3


def test_a_posterior_band_is_the_runs_of_alliance_run_with_that_posterior():
    """Run r takes draw r of Posterior.draw(N, seed), as `alliance run --seed 3 -r 12 --posterior ...` does."""
    sc = load_scenario("taiwan_crisis")
    post = compare.shipped_posterior()
    band = compare.band(sc, None, SEED, {"threat_noise": 0.03}, N, post)
    draws = post.draw(N, SEED)
    t = kernel.run([RunSpec(sc, parameters_for(sc, {"threat_noise": 0.03, **d}), SEED, pairing.identity(r, 0))
                    for r, d in enumerate(draws)])
    assert band.posterior and compare.band_text(band.seeds, band.posterior) == f"{N} posterior draws"
    for name, values in t.indices.items():
        assert np.array_equal(band.scenario[name], np.quantile(values, compare.QUANTILES, axis=0))
    over_seeds = compare.band(sc, None, SEED, {"threat_noise": 0.03}, N)
    assert not over_seeds.posterior
    assert not np.array_equal(over_seeds.scenario["japan_nato"], band.scenario["japan_nato"])


def test_a_posterior_band_pairs_each_draw_with_the_baseline():
    """The same draw and shocks in both scenarios: no difference at all before the crisis's first event."""
    sc, base = load_scenario("taiwan_crisis"), load_scenario("historical_baseline")
    band = compare.band(sc, base, SEED, {}, N, compare.shipped_posterior())
    first = min(e.step for e in sc.events if e.id.startswith("taiwan"))
    for name in band.difference:
        assert np.all(band.difference[name][:, : first + 1] == 0.0)
        assert np.any(band.difference[name][:, -1] != 0.0)
