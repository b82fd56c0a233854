"""Engines and custom policies: both engines apply an actor's policy hook, with the same numbers."""

from pathlib import Path

import numpy as np

from experiments.cli.main import main
from experiments.pipeline import batch
from experiments.pipeline.experiment import load_experiment
from experiments.store import reader as store
from model.engines import kernel
from model.engines.mesa_model import AllianceModel
from model.spec.policies import standard
from model.spec.runspec import RunSpec, parameters_for
from model.spec.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent


def _custom_world(tmp_path, cls="reluctant"):
    text = (ROOT / "scenarios/worlds/default.yaml").read_text()
    text = text.replace("  - name: NATO\n", f"  - name: NATO\n    agent_class: {cls}\n", 1)
    (tmp_path / "w.yaml").write_text(text)
    (tmp_path / "s.yaml").write_text("name: custom\nworld: w.yaml\nhorizon: {start: 1990.0, end: 2000.0}\n")
    return tmp_path / "s.yaml"


def test_custom_policy_changes_behaviour_identically_in_both_engines(tmp_path):
    sc = load_scenario(_custom_world(tmp_path))
    spec = RunSpec(sc, parameters_for(sc), 0, (0,))
    m = AllianceModel.from_spec(spec)
    for _ in range(8):
        m.step()
    d = m.decision  # the decisions of the last quarter, actor order
    rules = standard(d.want, d.new["ceiling"])
    mil = np.array([7, 8, 9])  # exercises, logistics, collective_defence
    assert np.array_equal(d.offer[0, 1][:, mil], 0.5 * rules[0, 1][:, mil])  # NATO (reluctant) halves
    assert np.array_equal(d.offer[0, 0], rules[0, 0])  # Japan (standard) offers what the rules say
    assert np.array_equal(d.offer[0, 1][:, :7], rules[0, 1][:, :7])
    k = kernel.run([spec])  # the kernel applies the same policy hook: no fallback to the slow engine
    ref = AllianceModel.from_spec(spec).run()
    assert np.array_equal(k.cooperation, ref.cooperation)
    (tmp_path / "plain.yaml").write_text("name: plain\nworld: default\nhorizon: {start: 1990.0, end: 2000.0}\n")
    plain = load_scenario(tmp_path / "plain.yaml")
    p = kernel.run([RunSpec(plain, parameters_for(plain), 0, (0,))])
    nato, mil = sc.world.index("NATO"), [7, 8, 9]
    # NATO's military ties are lower
    assert np.all(k.cooperation[0, -1, nato][:, mil] <= p.cooperation[0, -1, nato][:, mil])
    assert not np.array_equal(k.cooperation, p.cooperation)


def test_batch_of_a_custom_world_runs_on_the_kernel_and_equals_mesa(tmp_path):
    scen = _custom_world(tmp_path)
    exp_file = tmp_path / "e.yaml"
    exp_file.write_text(f"name: e\nscenarios: [{scen}]\nreplications: 2\nseed: 3\n")
    exp = load_experiment(exp_file)
    batch.run_batch(exp, tmp_path / "out", "serial", progress=False)
    df = store.load(tmp_path / "out")
    sc = load_scenario(scen)
    m = AllianceModel.from_spec(RunSpec(sc, parameters_for(sc), 3, (0, 1))).run()
    got = df[(df.run == 1) & (df.actor_a == "Japan") & (df.actor_b == "NATO") & (df.domain == "exercises")]
    assert np.array_equal(got.sort_values("quarter")["cooperation"].to_numpy(), m.cooperation[0, :, 0, 1, 7])


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
