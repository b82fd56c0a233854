"""Batches: identical results on every executor, durable resume, corruption and failure handling."""

import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from experiments.cli.main import main
from experiments.pipeline import batch
from experiments.pipeline.experiment import load_experiment
from experiments.store import reader as store
from experiments.store.manifest import read_manifest

EXPERIMENT = """\
name: tiny
scenarios: [historical_baseline, sco_counterbalancing]
parameters:
  build_rate: {low: 0.05, high: 0.2}
design: lhs
samples: 3
replications: 4
seed: 99
chunk_size: 5
outputs:
  trajectories: summary
  dates: [2000.0, 2025.0, 2040.0]
"""
KEYS = ["run", "quarter", "actor_a", "actor_b", "domain"]


def _exp(tmp_path, text=EXPERIMENT, name="tiny.yaml"):
    p = tmp_path / name
    p.write_text(text)
    return p


def _table(root):
    df = store.load(root)
    for c in ("scenario", "actor_a", "actor_b", "domain"):
        df[c] = df[c].astype(str)
    return df.sort_values(KEYS).reset_index(drop=True)


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("ref")
    exp = load_experiment(_exp(tmp))
    s = batch.run_batch(exp, tmp / "serial", "serial", progress=False)
    assert s.runs == exp.n_runs == 24 and not s.failed
    return exp, _table(tmp / "serial")


def test_processes_and_dask_give_identical_tables(reference, tmp_path):
    exp, ref = reference
    batch.run_batch(exp, tmp_path / "proc", "processes", workers=2, progress=False)
    pd.testing.assert_frame_equal(_table(tmp_path / "proc"), ref, check_exact=True)
    batch.run_batch(exp, tmp_path / "dask", "dask", workers=2, progress=False)
    pd.testing.assert_frame_equal(_table(tmp_path / "dask"), ref, check_exact=True)


def test_seeds_depend_on_run_identity_not_chunking(reference, tmp_path):
    exp, ref = reference
    other = load_experiment(_exp(tmp_path, EXPERIMENT.replace("chunk_size: 5", "chunk_size: 7")))
    batch.run_batch(other, tmp_path / "c7", "serial", progress=False)
    pd.testing.assert_frame_equal(_table(tmp_path / "c7"), ref, check_exact=True)


def test_every_run_present_once_with_its_parameters(reference, tmp_path):
    exp, ref = reference
    assert sorted(ref["run"].unique()) == list(range(exp.n_runs))
    assert set(ref["date"].unique()) == {2000.0, 2025.0, 2040.0}
    assert len(ref) == exp.n_runs * 3 * 10 * 10


KILL_AFTER_THREE_CHUNKS = """\
import os, signal, sys
from experiments.cli.main import main
from experiments.pipeline import batch

recorded, real_record, real_write = [], batch.record_chunk, batch.write_chunk

def record(root, man, entry):
    real_record(root, man, entry)
    recorded.append(entry["chunk"])

def write(*args, **kwargs):
    entry = real_write(*args, **kwargs)
    if len(recorded) >= 3:  # the fourth chunk's parts are on disk, not yet in the manifest
        os.kill(os.getpid(), signal.SIGKILL)
    return entry

batch.record_chunk, batch.write_chunk = record, write
sys.exit(main(sys.argv[1:]))
"""


def test_killed_batch_resumes_to_identical_result(reference, tmp_path):
    # The batch kills itself with SIGKILL at a known point (three chunks recorded, the
    # fourth written but not recorded): after warm-up the chunks take milliseconds, too
    # fast for a poller outside the process to land a kill mid-way every time.
    exp, ref = reference
    path = _exp(tmp_path, EXPERIMENT.replace("chunk_size: 5", "chunk_size: 1"))
    out = tmp_path / "killed"
    proc = subprocess.run([sys.executable, "-c", KILL_AFTER_THREE_CHUNKS, "batch", str(path), "--executor", "serial",
                           "--out", str(out), "--quiet"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert sorted(read_manifest(out)["chunks"]) == ["0", "1", "2"]
    assert len(list((out / "parts").glob("data-000003*"))) == 1  # the orphan part of the unrecorded chunk
    resumed = batch.run_batch(load_experiment(path), out, "serial", resume=True, progress=False)
    assert resumed.skipped == 3 and resumed.runs == 21
    runs = store.runs(out)
    assert sorted(runs["run"]) == list(range(24))  # none twice, none missing
    pd.testing.assert_frame_equal(_table(out), ref, check_exact=True)


def test_corrupted_part_is_detected_and_rerun(reference, tmp_path):
    exp, ref = reference
    out = tmp_path / "corrupt"
    batch.run_batch(exp, out, "serial", progress=False)
    victim = out / read_manifest(out)["chunks"]["2"]["files"]["data"]["path"]
    victim.write_bytes(victim.read_bytes()[:100])
    s = batch.run_batch(exp, out, "serial", resume=True, progress=False)
    assert s.runs == 5 and s.skipped == exp.n_runs - 5
    pd.testing.assert_frame_equal(_table(out), ref, check_exact=True)


def test_resume_refuses_a_different_experiment(reference, tmp_path, capsys):
    exp, _ = reference
    out = tmp_path / "mixed"
    batch.run_batch(exp, out, "serial", progress=False)
    before = sorted(p.name for p in (out / "parts").iterdir())
    other = _exp(tmp_path, EXPERIMENT.replace("seed: 99", "seed: 100"), "other.yaml")
    assert main(["batch", str(other), "--out", str(out), "--resume", "--executor", "serial", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "different experiment" in err and err.count("\n") == 1
    assert sorted(p.name for p in (out / "parts").iterdir()) == before
    assert main(["batch", str(_exp(tmp_path)), "--out", str(out), "--executor", "serial", "--quiet"]) == 2
    assert "--resume" in capsys.readouterr().err


def test_failing_run_is_recorded_not_fatal(reference, tmp_path, monkeypatch):
    exp, _ = reference
    import model.engines.dynamics as dyn

    real = dyn.step

    def flaky(state, world, params, *rest):  # the step's further arguments change with the model
        if np.any(params.build_rate == exp.points[1, 0]):
            raise FloatingPointError("boom in sample 1")
        return real(state, world, params, *rest)

    monkeypatch.setattr(dyn, "step", flaky)
    s = batch.run_batch(exp, tmp_path / "fail", "serial", progress=False)
    bad = {r for r in range(exp.n_runs) if exp.identity(r)[1] == 1}
    assert {int(k) for k in s.failed} == bad
    assert all("boom in sample 1" in v for v in s.failed.values())
    assert f"{len(bad)} run(s) failed: FloatingPointError: boom in sample 1" in s.text()
    runs = store.runs(tmp_path / "fail")
    assert set(runs.loc[runs.status == "error", "run"]) == bad
    assert set(_table(tmp_path / "fail")["run"]) == set(range(exp.n_runs)) - bad


@pytest.mark.parametrize("text,field", [
    ("name: x\nscenarios: [historical_baseline]\nreplication: 3\n", "replication"),
    ("name: x\nscenarios: [historical_basline]\n", "scenarios"),
    ("name: x\nscenarios: [historical_baseline]\nparameters:\n  build_rat: {}\ndesign: lhs\n", "parameters.build_rat"),
    ("name: x\nscenarios: [historical_baseline]\nparameters:\n  build_rate: {low: 0, high: 0.2}\n",
     "parameters.build_rate.low"),
    ("name: x\nscenarios: [historical_baseline]\nparameters:\n  build_rate: {low: 1" + "0" * 400 + ", high: 0.2}\n",
     "parameters.build_rate.low"),  # too large for a float: one line, not an OverflowError
    ("name: x\nscenarios: [historical_baseline]\nparameters:\n  build_rate: {low: '5e-2', high: 0.2}\n"
     "design: sobl\n", "design"),  # a bound written as text is a number (the error is the design's)
    ("name: x\nscenarios: [historical_baseline]\noutputs: {trajectories: summary, dates: [2050.0]}\n",
     "outputs.dates"),
    ("name: x\nscenarios: [historical_baseline]\ndesign: sobl\nparameters: {build_rate: {}}\n", "design"),
    ("- just\n- a list\n", None),
])
def test_bad_experiment_files_exit_2_and_write_nothing(tmp_path, capsys, text, field):
    path = _exp(tmp_path, text, "bad.yaml")
    out = tmp_path / "out"
    assert main(["batch", str(path), "--out", str(out), "--executor", "serial", "--quiet"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "\n" not in err and "bad.yaml" in err
    assert ":" in err.split("bad.yaml", 1)[1][:4]  # a line number follows the file name
    if field:
        assert f"field '{field}'" in err
    assert not out.exists()


def test_results_command_summarises(reference, tmp_path, capsys):
    exp, _ = reference
    batch.run_batch(exp, tmp_path / "r", "serial", progress=False)
    assert main(["results", str(tmp_path / "r"), "--export", str(tmp_path / "all.csv")]) == 0
    out = capsys.readouterr().out
    assert "24 of 24 runs complete" in out and "24 ok, 0 failed" in out
    assert len(pd.read_csv(tmp_path / "all.csv")) == 24 * 3 * 10 * 10  # runs x dates x dyads x domains
    assert Path(tmp_path / "all.csv").exists()


def test_scenarios_share_random_numbers_so_differences_are_paired(reference):
    """Same sample and replication, different scenario: identical until the scenario's first event."""
    exp, ref = reference
    base = ref[(ref.scenario == "historical_baseline") & (ref.date == 2000.0)].drop(columns=["run", "scenario"])
    sco = ref[(ref.scenario == "sco_counterbalancing") & (ref.date == 2000.0)].drop(columns=["run", "scenario"])
    pd.testing.assert_frame_equal(base.reset_index(drop=True), sco.reset_index(drop=True), check_exact=True)
    late_b = ref[(ref.scenario == "historical_baseline") & (ref.date == 2040.0)]["threat_ab"].to_numpy()
    late_s = ref[(ref.scenario == "sco_counterbalancing") & (ref.date == 2040.0)]["threat_ab"].to_numpy()
    assert not np.array_equal(late_b, late_s)
