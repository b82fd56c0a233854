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
    """Run r takes draw r of Posterior.draw(N, seed), as `alliance run --seed 3 -r 12 --posterior ...` does; a
    slider the user moved keeps its value over the draw's (as --set does)."""
    sc = load_scenario("taiwan_crisis")
    post = compare.shipped_posterior()
    band = compare.band(sc, None, SEED, {"threat_noise": 0.03}, N, post)
    draws = post.draw(N, SEED)
    t = kernel.run([RunSpec(sc, parameters_for(sc, {**d, "threat_noise": 0.03}), SEED, pairing.identity(r, 0))
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


def test_the_page_answers_its_scenarios_what_if_as_alliance_whatif_does():
    """Issue 22 item 5: the page shows, for the scenario it runs, the answer `alliance whatif` prints."""
    from experiments.analysis.whatif import answer
    from experiments.app.page import answer_markdown
    from experiments.app.session import Run, Settings

    run = Run(Settings("taiwan_crisis", seed=SEED, overrides=(("threat_noise", 0.03),)))
    got = run.answer(6)
    want = answer(load_scenario("taiwan_crisis"), compare.shipped_posterior(), 6, SEED,
                  overrides={"threat_noise": 0.03})
    assert got.parent.name == "historical_baseline" and run.answer_if_ready(6) is got
    assert got.table.drop(columns="rests_on").equals(want.table.drop(columns="rests_on"))
    text = answer_markdown(got)
    assert "taiwan_crisis − historical_baseline" in text and text.count("| japan_nato |") == \
        int((got.table["index"] == "japan_nato").sum())
    assert Run(Settings("historical_baseline")).answer(6) is None  # nothing to measure the factual run against


def test_the_page_answers_an_edited_scenario_against_the_one_it_edits():
    from experiments.app.editing import EventDraft
    from experiments.app.session import Run, Settings

    draft = EventDraft(date="2030", quantity="world.terrorism", op="add", value="0.5")
    run = Run(Settings("taiwan_crisis", seed=SEED, events=(draft,)))
    got = run.answer(4)
    assert got.parent.name == "taiwan_crisis"
    assert got.table["date"].min() == 2030.0  # reported from the added event's year
    at_2030 = got.table[got.table["date"] == 2030.0]
    assert (at_2030[["median", "q05", "q95"]] == 0).all().all()  # paired: nothing differs on the event's date
    later = got.table[(got.table["date"] == 2035.0) & (got.table["index"] == "japan_nato")]
    assert later["q95"].iloc[0] > later["q05"].iloc[0]  # the shock moved cooperation, differently per draw
