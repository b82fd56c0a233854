"""Landscapes of simulated runs: arrays rebuilt from the store, the CLI, the blocs figure."""

import numpy as np
import pytest

from experiments import plots
from experiments.analysis.landscape_store import landscape_table, state_arrays
from experiments.cli.main import main
from experiments.store.reader import load
from model.engines import kernel
from model.spec import pairing
from model.spec.runspec import RunSpec, parameters_for
from model.spec.scenario import load_scenario


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    out = tmp_path_factory.mktemp("ls") / "base"
    assert main(["run", "historical_baseline", "-r", "3", "--seed", "4", "--out", str(out)]) == 0
    return out


def test_state_arrays_rebuild_the_simulated_state(store):
    df = load(store, filters=[("date", "==", 2025.0)])
    keys, actors, power, coop, threat, align = state_arrays(df)
    sc = load_scenario("historical_baseline")
    assert actors == list(sc.world.actors)
    q = int((2025.0 - sc.start) * 4)
    t = kernel.run([RunSpec(sc, parameters_for(sc), 4, pairing.identity(0, r)) for r in range(3)], keep=[q])
    for i, run in enumerate(keys["run"]):
        assert np.array_equal(coop[i], t.cooperation[run, 0])
        assert np.array_equal(threat[i], t.threat[run, 0])
        assert np.array_equal(align[i], t.alignment[run, 0])
        assert np.array_equal(power[i], t.power[run, 0])


def test_landscape_of_the_baseline_splits_the_two_blocs(store, capsys):
    assert main(["landscape", "--store", str(store), "--date", "2025"]) == 0
    out = capsys.readouterr().out
    assert "100.0%  Japan,NATO,United States|China,Russia" in out
    table = landscape_table(load(store, filters=[("date", "==", 2025.0)]))
    assert len(table) == 3 and (table["energy"] < 0).all()
    assert {f"frustration_{a}" for a in ("Japan", "NATO", "United States", "China", "Russia")} <= set(table)


def test_landscape_store_date_outside_results_exits_2(store, capsys):
    assert main(["landscape", "--store", str(store), "--date", "2055"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "--date" in err and "1990–2040" in err


def test_blocs_figure_draws_the_shares_it_computed(store, tmp_path):
    df = load(store, filters=[("date", "in", [1990.0, 2000.0, 2025.0])])
    table = landscape_table(df)
    fig = plots.blocs_chart(table, "historical_baseline")
    shares = fig._plotted["shares"]
    expected = table.groupby("date")["configuration"].value_counts(normalize=True).unstack(fill_value=0)
    assert np.allclose(shares.to_numpy(), expected[shares.columns].to_numpy())
    top = fig.axes[0]
    assert len(top.collections) == shares.shape[1]  # one stacked area per configuration
    assert main(["plot", str(store), "--kind", "blocs", "--out", str(tmp_path / "f")]) == 0
    assert (tmp_path / "f" / "blocs_historical_baseline.png").exists()
