"""Shipped scenarios move drivers, not outcomes; counterfactuals remove inherited events by id."""

from __future__ import annotations

import pytest

from experiments.cli.main import main
from model.spec.scenario import load_scenario, shipped


@pytest.mark.parametrize("path", shipped(), ids=lambda p: p.stem)
def test_shipped_scenarios_set_no_levels_or_floors(path):
    """An event may change a driver or force a state switch; it never writes cooperation, alignment,
    threat, assertiveness or their floors (those are the model's answer)."""
    sc = load_scenario(path)
    written = {e.quantity.name for e in sc.events if e.quantity.is_level}
    written |= {c.quantity.name for c in sc.conditions if c.quantity.is_level}
    assert not written, f"{path.stem} writes outcomes: {sorted(written)}"


def test_counterfactuals_remove_or_hold_back_exactly_their_events():
    fact = {e.id for e in load_scenario("historical_baseline").events}
    assert {e.id for e in load_scenario("no_dpj_turn").events} == fact - {"dpj_election", "ldp_return"}
    held = load_scenario("no_reinterpretation")
    assert {e.id for e in held.events} == fact | {"hold_reinterpretation", "release_reinterpretation"}
    assert {e.quantity.name for e in held.events if "reinterpretation" in e.id} == {"Japan.constitution_cap"}
    war = {e.id for e in load_scenario("no_ukraine_war").events}
    assert war < fact and not any(i.startswith(("crimea", "ukraine")) for i in war)


def test_remove_names_an_unknown_event_with_did_you_mean(tmp_path, capsys):
    (tmp_path / "cf.yaml").write_text("name: cf\nextends: historical_baseline\nremove: [september_12]\n")
    assert main(["validate", str(tmp_path / "cf.yaml")]) == 2
    err = capsys.readouterr().err
    assert "cf.yaml:3" in err and "field 'remove'" in err and "did you mean 'september_11'" in err


def test_an_event_id_may_not_be_reused(tmp_path, capsys):
    (tmp_path / "dup.yaml").write_text(
        "name: dup\nextends: historical_baseline\nevents:\n"
        "  - {date: 2030.0, quantity: China.ambition, set: 0.5, id: crimea}\n")
    assert main(["validate", str(tmp_path / "dup.yaml")]) == 2
    assert "exists already" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["article9_reinterpretation", "dpj_pacifist_turn", "ukraine_2022"])
def test_old_names_are_the_factual_run(name):
    old, fact = load_scenario(name), load_scenario("historical_baseline")
    assert [(e.step, e.quantity.name, e.value) for e in old.events] == \
        [(e.step, e.quantity.name, e.value) for e in fact.events]
