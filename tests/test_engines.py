"""Engine choice: the kernel by default, the Mesa model for worlds with custom agent classes."""

from pathlib import Path

import numpy as np
import pytest

from experiments import batch, store
from experiments.experiment import load_experiment
from model import kernel
from model.agents import AllianceModel
from model.cli import main
from model.runspec import RunSpec, parameters_for
from model.scenario import load_scenario
from model.simulate import default_engine

ROOT = Path(__file__).resolve().parent.parent


def _custom_world(tmp_path, cls="reluctant"):
    text = (ROOT / "scenarios/worlds/default.yaml").read_text()
    text = text.replace("  - name: NATO\n", f"  - name: NATO\n    agent_class: {cls}\n", 1)
    (tmp_path / "w.yaml").write_text(text)
    (tmp_path / "s.yaml").write_text("name: custom\nworld: w.yaml\nhorizon: {start: 1990.0, end: 2000.0}\n")
    return tmp_path / "s.yaml"


def test_custom_agent_class_runs_on_mesa_and_changes_behaviour(tmp_path):
    sc = load_scenario(_custom_world(tmp_path))
    assert default_engine(sc) == "mesa"
    with pytest.raises(ValueError, match="custom agent classes"):
        kernel.run([RunSpec(sc, parameters_for(sc), 0, (0,))])
    m = AllianceModel.from_spec(RunSpec(sc, parameters_for(sc), 0, (0,)))
    for _ in range(8):
        m.step()
    d = m.decision  # gathered decisions of the last quarter, actor order
    rules = np.minimum(d.want, d.ceiling)
    mil = np.array([7, 8, 9])  # exercises, logistics, collective_defence
    assert np.array_equal(d.offer[0, 1][:, mil], 0.5 * rules[0, 1][:, mil])  # NATO (reluctant) halves
    assert np.array_equal(d.offer[0, 0], rules[0, 0])  # Japan (standard) offers what the rules say
    assert np.array_equal(d.offer[0, 1][:, :7], rules[0, 1][:, :7])


def test_batch_falls_back_to_mesa_for_custom_worlds(tmp_path):
    scen = _custom_world(tmp_path)
    exp_file = tmp_path / "e.yaml"
    exp_file.write_text(f"name: e\nscenarios: [{scen}]\nreplications: 2\nseed: 3\n")
    exp = load_experiment(exp_file)
    batch.run_batch(exp, tmp_path / "out", "serial", progress=False)
    df = store.load(tmp_path / "out")
    sc = load_scenario(scen)
    m = AllianceModel.from_spec(RunSpec(sc, parameters_for(sc), 3, (0, 1))).run()
    got = df[(df.run == 1) & (df.actor_a == "Japan") & (df.actor_b == "NATO") & (df.domain == "exercises")]
    assert np.array_equal(got.sort_values("quarter")["cooperation"].to_numpy(), m.coop[0, :, 0, 1, 7])


def test_unknown_agent_class_is_an_input_error(tmp_path, capsys):
    scen = _custom_world(tmp_path, cls="reluctnt")
    assert main(["validate", str(scen)]) == 2
    err = capsys.readouterr().err
    assert "w.yaml:" in err and "agent_class" in err and "did you mean 'reluctant'" in err


def test_engine_flag_on_run(tmp_path):
    out_k, out_m = tmp_path / "k", tmp_path / "m"
    (tmp_path / "s.yaml").write_text("name: short\nworld: default\nhorizon: {start: 1990.0, end: 1995.0}\n")
    assert main(["run", str(tmp_path / "s.yaml"), "--engine", "kernel", "--out", str(out_k)]) == 0
    assert main(["run", str(tmp_path / "s.yaml"), "--engine", "mesa", "--out", str(out_m)]) == 0
    a, b = store.load(out_k), store.load(out_m)
    assert np.array_equal(a["cooperation"].to_numpy(), b["cooperation"].to_numpy())
    assert np.array_equal(a["threat_ab"].to_numpy(), b["threat_ab"].to_numpy())
