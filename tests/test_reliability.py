"""Reliability of the ``alliance`` CLI against hostile cases: no command exhausts memory, clobbers another's
results or answers a fault with a traceback.

Each section is a table of cases (one per defect found by trying hostile inputs against
the CLI) run through ``experiments.cli.main.main`` in process, and, where only a real
process shows the behaviour (locks held by another process, kill -9, Ctrl-C), as a
subprocess. Everything runs on a 5-year horizon, so the suite stays fast.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from experiments.analysis import sensitivity as sa
from experiments.cli.main import main
from experiments.pipeline import samplers
from experiments.pipeline.batch import plan, run_batch
from experiments.pipeline.experiment import load_experiment
from experiments.pipeline.single import BLOCK, simulate_in_blocks
from experiments.store import reader
from experiments.store.lock import folder_lock
from experiments.store.manifest import read_manifest
from model.engines.simulate import simulate
from model.spec.errors import InputError
from model.spec.scenario import load_scenario
from model.spec.world import load_world

ROOT = Path(__file__).resolve().parent.parent

SHORT = "name: short\nworld: default\nhorizon: {start: 1990.0, end: 1995.0}\n"
TINY = """\
name: tiny
scenarios: [short.yaml]
parameters:
  build_rate: {low: 0.05, high: 0.2}
design: lhs
samples: 2
replications: 2
seed: 5
chunk_size: 2
outputs: {trajectories: summary, dates: [1995.0]}
"""
SLOW = TINY.replace("samples: 2", "samples: 60").replace("chunk_size: 2", "chunk_size: 1")
MORRIS = """\
scenario: short.yaml
parameters: [build_rate, weight_hub]
method: morris
samples: 2
outcome: japan_nato
date: 1995.0
seed: 1
"""
CALIBRATION = """\
scenario: short.yaml
parameters: [build_rate]
fit_window: {start: 1990, end: 1994}
replications: 1
trials: 2
"""


def _write(tmp: Path, **files: str) -> dict[str, Path]:
    out = {}
    for name, text in files.items():
        out[name] = tmp / f"{name}.yaml"
        out[name].write_text(text)
    return out


@pytest.fixture
def files(tmp_path) -> dict[str, Path]:
    return _write(tmp_path, short=SHORT, tiny=TINY, morris=MORRIS, calibration=CALIBRATION)


@pytest.fixture
def store(files, tmp_path) -> Path:
    """A finished 4-run, 2-chunk batch store."""
    out = tmp_path / "store"
    run_batch(load_experiment(files["tiny"]), out, "serial", progress=False)
    return out


def cli(argv, capsys) -> tuple[int, str, str]:
    rc = main([str(a) for a in argv])
    cap = capsys.readouterr()
    return rc, cap.out, cap.err


def one_line(err: str, prefix: str = "error: ") -> str:
    """The single stderr line of a failure (no traceback, nothing else)."""
    lines = [x for x in err.splitlines() if x.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith(prefix) and "Traceback" not in err, err
    return lines[0]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _proc_state(pid: int) -> tuple[int, str] | None:
    """(parent pid, state letter) of a live process; None when gone or a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2:].split()
    return None if fields[0] in "ZX" else (int(fields[1]), fields[0])


def _children(pid: int, workers_only: bool = False) -> list[int]:
    """Live child processes of ``pid`` (only the pool's workers, not the resource tracker, if asked)."""
    kids = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            st = _proc_state(int(d.name))
            if st and st[0] == pid:
                try:
                    cmd = (d / "cmdline").read_bytes()
                except OSError:
                    continue
                if not workers_only or b"spawn_main" in cmd:
                    kids.append(int(d.name))
    return kids


def _wait_for(cond, proc, what: str, timeout: float = 180.0) -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        assert proc.poll() is None, f"the batch ended before {what}"
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def _chunks_done(out: Path) -> int:
    try:
        return len(json.loads((out / "manifest.json").read_text())["chunks"])
    except (OSError, ValueError, KeyError):
        return 0


def _batch_process(exp: Path, out: Path, *extra: str) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "experiments.cli.main", "batch", str(exp), "--out", str(out), "--quiet", *extra]
    return subprocess.Popen(cmd, cwd=ROOT, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


# ============================================================== 1. sizes are checked before anything is allocated
def _never_built(*args, **kwargs):
    raise AssertionError("the design was built before its size was checked")


def _never_run(*args, **kwargs):
    raise AssertionError("the simulation ran before its size was checked")


NINE = "\n".join(f"  {n}: {{}}" for n in ("build_rate", "weight_hub", "weight_values", "weight_trust",
                                            "dovish_penalty", "alignment_rate", "weight_encirclement",
                                            "intent_floor", "exposure_weight"))
LIMITS = {  # case: (files to write, argv after the command's file, what the one line must say)
    "grid_100_levels_9_parameters": (
        {"exp": f"scenarios: [short.yaml]\nparameters:\n{NINE}\ndesign: grid\nlevels: 100\n"},
        ["batch", "exp"], "points"),
    "sobol_huge": ({"exp": f"scenarios: [short.yaml]\nparameters:\n{NINE}\ndesign: sobol\nsamples: 1000000\n"},
                   ["batch", "exp"], "points"),
    "morris_huge": ({"exp": f"scenarios: [short.yaml]\nparameters:\n{NINE}\ndesign: morris\nsamples: 500000\n"},
                    ["batch", "exp"], "points"),
    "grid_runs_over_limit": ({"exp": f"scenarios: [short.yaml]\nparameters:\n{NINE}\ndesign: grid\nlevels: 4\n"
                                     "replications: 100000\n"}, ["batch", "exp"], "runs"),
    "chunk_too_big_for_memory": ({"exp": "scenarios: [short.yaml]\nreplications: 100000\nchunk_size: 100000\n"},
                                 ["batch", "exp"], "GiB"),
    "sensitivity_samples_flag": ({"sens": MORRIS}, ["sensitivity", "sens", "--samples", "900000"], "points"),
    "sensitivity_total_runs": ({"sens": MORRIS.replace("seed: 1", "seed: 1\nreplications: 10000")},
                               ["sensitivity", "sens", "--samples", "100000"], "runs"),
    "calibrate_trials_x_replications": ({"cal": CALIBRATION}, ["calibrate", "cal", "--trials", "1000000",
                                                               "-r", "10000"], "runs"),
}


@pytest.mark.parametrize("name", list(LIMITS))
def test_oversized_jobs_are_refused_before_allocation(name, tmp_path, capsys, monkeypatch):
    texts, argv, says = LIMITS[name]
    paths = _write(tmp_path, short=SHORT, **texts)
    monkeypatch.setattr(samplers, "make", _never_built)
    monkeypatch.setattr("experiments.analysis.sensitivity.design.sobol", _never_built)
    monkeypatch.setattr("experiments.analysis.sensitivity.design.morris", _never_built)
    out = tmp_path / "out"
    rc, _, err = cli([argv[0], paths[argv[1]], *argv[2:], "--out", out], capsys)
    assert rc == 2
    assert says in one_line(err)
    assert not out.exists()


def test_run_with_a_hundred_million_replications_is_refused(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("experiments.pipeline.single.simulate", _never_run)
    out = tmp_path / "out"
    rc, _, err = cli(["run", "historical_baseline", "-r", "100000000", "--out", out], capsys)
    assert rc == 2 and "--replications" in one_line(err)
    assert not out.exists()


def test_design_size_is_the_arithmetic_of_the_design():
    bounds = [(0.0, 1.0)] * 3
    for design, kw in (("grid", {"levels": 4}), ("lhs", {}), ("sobol", {}), ("morris", {})):
        points = samplers.make(design, ["a", "b", "c"], bounds, 8, 1, **kw)
        assert len(points) == samplers.design_size(design, 3, 8, kw.get("levels", 3))


# ============================================================== 2. one writer per result folder
LOCKED = {  # command: argv (the folder comes last, as --out)
    "batch": lambda f: ["batch", f["tiny"], "--executor", "serial", "--quiet"],
    "run": lambda f: ["run", f["short"], "--quiet"],
    "sensitivity": lambda f: ["sensitivity", f["morris"], "--quiet"],
    "calibrate": lambda f: ["calibrate", f["calibration"], "--quiet"],
}


@pytest.mark.parametrize("command", list(LOCKED))
def test_a_locked_folder_refuses_a_second_writer(command, files, tmp_path, capsys):
    out = tmp_path / "busy"
    with folder_lock(out, "alliance batch other.yaml --out busy"):
        rc, _, err = cli([*LOCKED[command](files), "--out", out], capsys)
    line = one_line(err)
    assert rc == 2 and f"pid {os.getpid()}" in line and "alliance batch other.yaml" in line
    assert [p.name for p in out.iterdir()] == [".alliance.lock"]  # nothing written beside the lock
    assert (out / ".alliance.lock").read_text() == ""  # released


def test_two_batches_into_one_folder_the_second_is_refused(files, tmp_path, capsys):
    slow = _write(tmp_path, slow=SLOW)["slow"]
    out = tmp_path / "shared"
    first = _batch_process(slow, out, "--executor", "serial")
    try:
        _wait_for(lambda: _chunks_done(out) >= 1, first, "the first batch's first chunk")
        rc, _, err = cli(["batch", files["tiny"], "--out", out, "--executor", "serial", "--quiet"], capsys)
        line = one_line(err)
        assert rc == 2 and f"pid {first.pid}" in line and "slow.yaml" in line
    finally:
        os.killpg(first.pid, signal.SIGKILL)
        first.wait()
    assert read_manifest(out)["experiment_file"] == str(slow)  # the first batch's store is intact


# ============================================================== 3. output folders never built from raw names
NAMES = {  # name in the file -> the folder under results/ (None: refused)
    "/tmp/alliance-escape-test": "tmp_alliance-escape-test",
    "../../outside": "outside",
    "a\\0b": "a_b",  # YAML's escape for NUL
    "..": None,
}


@pytest.mark.parametrize("name", list(NAMES))
@pytest.mark.parametrize("command", ["run", "batch"])
def test_default_folders_stay_under_results(command, name, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "short.yaml").write_text(SHORT.replace("name: short", f'name: "{name}"') if command == "run"
                                         else SHORT)
    exp = tmp_path / "exp.yaml"
    exp.write_text(TINY.replace("name: tiny", f'name: "{name}"'))
    if NAMES[name] is None:
        monkeypatch.setattr("experiments.pipeline.single.simulate", _never_run)
    argv = ["run", tmp_path / "short.yaml", "--quiet"] if command == "run" else \
        ["batch", exp, "--executor", "serial", "--quiet"]
    rc, _, err = cli(argv, capsys)
    made = {p.name for p in (tmp_path / "results").iterdir()} if (tmp_path / "results").exists() else set()
    if NAMES[name] is None:
        assert rc == 2 and "no usable folder name" in one_line(err)
        assert not made
    else:
        assert rc == 0, err
        assert made == {NAMES[name]}
    assert not Path("/tmp/alliance-escape-test").exists()
    assert not (tmp_path.parent / "outside").exists()


# ============================================================== 4. readers verify the store
def _swap(store: Path) -> None:
    man = read_manifest(store)
    a, b = (store / man["chunks"][k]["files"]["data"]["path"] for k in ("0", "1"))
    a.write_bytes(b.read_bytes())


def _swap_forged(store: Path) -> None:
    """A swap that keeps the recorded size and footer facts right: only the run range can tell."""
    man = read_manifest(store)
    a, b = (man["chunks"][k]["files"]["runs"] for k in ("0", "1"))
    (store / a["path"]).write_bytes((store / b["path"]).read_bytes())
    a.update({k: b[k] for k in ("bytes", "schema", "sha256", "rows")})
    (store / "manifest.json").write_text(json.dumps(man))


def _drop_column(store: Path) -> None:
    p = store / read_manifest(store)["chunks"]["0"]["files"]["data"]["path"]
    pd.read_parquet(p).drop(columns=["cooperation"]).to_parquet(p, index=False)


def _empty_part(store: Path) -> None:
    (store / read_manifest(store)["chunks"]["1"]["files"]["data"]["path"]).write_bytes(b"")


DAMAGE = {"swapped_part": _swap, "swapped_part_same_size": _swap_forged, "part_missing_a_column": _drop_column,
          "zero_byte_part": _empty_part}
READERS = {
    "results": lambda s, t: ["results", s],
    "results_export": lambda s, t: ["results", s, "--export", t / "all.csv"],
    "plot": lambda s, t: ["plot", s, "--kind", "fan", "--out", t / "figs"],
    "landscape": lambda s, t: ["landscape", "--store", s, "--date", "1995"],
}


@pytest.mark.parametrize("reader_name", list(READERS))
@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_damaged_store_is_refused_with_the_repair_command(damage, reader_name, store, tmp_path, capsys):
    DAMAGE[damage](store)
    rc, _, err = cli(READERS[reader_name](store, tmp_path), capsys)
    line = one_line(err)
    assert rc == 2 and "damaged result store" in line
    assert f"alliance batch {tmp_path / 'tiny.yaml'} --out {store} --resume" in line
    assert not (tmp_path / "all.csv").exists() and not (tmp_path / "figs").exists()


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_the_repair_command_repairs(damage, store, files, tmp_path):
    before = reader.load(store).sort_values(["run", "actor_a", "actor_b", "domain"]).reset_index(drop=True)
    DAMAGE[damage](store)
    with pytest.raises(InputError):
        reader.load(store)
    s = run_batch(load_experiment(files["tiny"]), store, "serial", resume=True, progress=False)
    assert s.runs == 2 and s.skipped == 2  # only the damaged chunk reran
    after = reader.load(store).sort_values(["run", "actor_a", "actor_b", "domain"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(after, before)
    assert sorted(reader.runs(store)["run"]) == [0, 1, 2, 3]  # every run once
    assert "intact" in reader.verify(store)


MANIFESTS = {"binary": b"\x89PNG\x00\xff\xfe", "array": b"[1, 2, 3]", "empty_object": b"{}",
             "chunk_without_files": json.dumps({"experiment_file": "x", "experiment_sha256": "y", "experiment": "z",
                                                "runs": 4, "chunk_size": 2, "chunks": {"0": {}}}).encode(),
             "part_outside_the_store": None}


@pytest.mark.parametrize("name", list(MANIFESTS))
def test_a_damaged_manifest_is_one_error(name, store, capsys):
    text = MANIFESTS[name]
    if text is None:
        man = read_manifest(store)
        man["chunks"]["0"]["files"]["data"]["path"] = "../../../etc/passwd"
        text = json.dumps(man).encode()
    (store / "manifest.json").write_bytes(text)
    for argv in (["results", store], ["batch", store.parent / "tiny.yaml", "--out", store, "--resume", "--quiet"]):
        rc, _, err = cli(argv, capsys)
        assert rc == 2 and "manifest" in one_line(err)


def test_a_damaged_run_table_names_the_command_that_reruns_it(tmp_path, capsys):
    out = tmp_path / "r"
    argv = ["run", "historical_baseline", "-r", "2", "--seed", "3", "--set", "build_rate=0.2", "--out", str(out)]
    assert main(argv) == 0
    capsys.readouterr()
    (out / "trajectories.parquet").write_bytes(b"")
    rc, _, err = cli(["results", out], capsys)
    line = one_line(err)
    assert rc == 2 and "damaged" in line  # the command as it was given, its --set included
    assert line.endswith("rerun it with: alliance " + shlex.join(argv))


# ============================================================== 5. a folder holds one kind of result
def test_batch_and_run_do_not_share_a_folder(store, files, tmp_path, capsys):
    meta = _digest(store / "metadata.json")
    rc, _, err = cli(["run", files["short"], "--out", store], capsys)
    assert rc == 2 and "alliance batch" in one_line(err)
    assert _digest(store / "metadata.json") == meta and not (store / "trajectories.parquet").exists()
    single = tmp_path / "single"
    assert main(["run", str(files["short"]), "--out", str(single)]) == 0
    meta = _digest(single / "metadata.json")
    rc, _, err = cli(["batch", files["tiny"], "--out", single, "--executor", "serial", "--quiet"], capsys)
    assert rc == 2 and "alliance run" in one_line(err)
    assert _digest(single / "metadata.json") == meta and not (single / "manifest.json").exists()
    assert json.loads((single / "metadata.json").read_text())["kind"] == "run"
    assert json.loads((store / "metadata.json").read_text())["kind"] == "batch"


# ============================================================== 7. landscapes of big worlds, --descent honoured
def _big_world(tmp: Path, n: int = 26) -> Path:
    actors = "\n".join(f"  - {{name: A{i}, lat: {i * 3 - 40}, lon: {i * 13 - 170}, power: {0.2 + i / 100:.2f}}}"
                       for i in range(n))
    (tmp / "big_world.yaml").write_text(f"name: big\nactors:\n{actors}\n")
    (tmp / "big.yaml").write_text("name: big\nworld: big_world.yaml\nhorizon: {start: 1990.0, end: 1991.0}\n")
    return tmp / "big.yaml"


def test_landscape_of_a_big_world_needs_descent_and_descent_is_used(tmp_path, capsys):
    out = tmp_path / "big"
    assert main(["run", str(_big_world(tmp_path)), "--out", str(out)]) == 0
    capsys.readouterr()
    rc, _, err = cli(["landscape", "--store", out, "--date", "1991"], capsys)
    assert rc == 2 and "--descent" in one_line(err) and "26 actors" in err
    rc, out_text, err = cli(["landscape", "--store", out, "--date", "1991", "--descent"], capsys)
    assert rc == 0, err
    assert "steepest descent" in out_text and "A25" in out_text


def test_descent_is_honoured_on_a_small_store(tmp_path, files, capsys):
    out = tmp_path / "small"
    assert main(["run", str(files["short"]), "-r", "2", "--out", str(out)]) == 0
    capsys.readouterr()
    _, exact, _ = cli(["landscape", "--store", out, "--date", "1995"], capsys)
    _, descent, _ = cli(["landscape", "--store", out, "--date", "1995", "--descent"], capsys)
    assert "exact search" in exact and "steepest descent" in descent


# ============================================================== 8. Dask scheduler: refused fast, nothing written
def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("address", ["closed", "not a url", "tcp://host-without-port"])
def test_an_unusable_dask_scheduler_is_refused_before_the_store(address, files, tmp_path, capsys):
    address = f"tcp://127.0.0.1:{_closed_port()}" if address == "closed" else address
    out = tmp_path / "out"
    rc, _, err = cli(["batch", files["tiny"], "--executor", "dask", "--scheduler", address, "--out", out,
                      "--quiet"], capsys)
    assert rc == 2 and "--scheduler" in one_line(err)
    assert not out.exists()


# ============================================================== 9. faults are one line and an exit code
@contextlib.contextmanager
def _small_fs(where: Path, *options: str):
    """A 256 kB tmpfs at ``where`` when this machine lets us mount one (else None: inject the error instead)."""
    where.mkdir()
    opts = ",".join(("size=256k", *options))
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", opts, "tmpfs", str(where)],
                                           capture_output=True).returncode != 0:
        yield None
        return
    try:
        yield where
    finally:
        subprocess.run(["umount", str(where)], capture_output=True)


def _inject(monkeypatch, code: int) -> None:
    """What the OS would say: a write that fails with ENOSPC, or a folder that cannot be made (EROFS)."""
    def fail(*args, **kwargs):
        raise OSError(code, os.strerror(code), str(args[0]))

    if code == errno.EROFS:
        monkeypatch.setattr("experiments.cli.run.folder_lock", fail)
    else:
        monkeypatch.setattr(pd.DataFrame, "to_parquet", fail)


@pytest.mark.parametrize("mode,code,says", [("disk_full", 1, "No space left"),
                                            ("read_only", 2, "Read-only file system")])
def test_disk_full_and_read_only_out(mode, code, says, tmp_path, capsys, monkeypatch):
    options = ("ro",) if mode == "read_only" else ()
    with _small_fs(tmp_path / "fs", *options) as fs:
        if fs is None:
            _inject(monkeypatch, errno.ENOSPC if mode == "disk_full" else errno.EROFS)
        out = tmp_path / "fs" / "out"
        rc, _, err = cli(["run", "historical_baseline", "-r", "3", "--out", out, "--quiet"], capsys)
        line = one_line(err)
        assert rc == code and says in line
        assert not out.exists() or [p.name for p in out.iterdir()] in ([], [".alliance.lock"])


def _corrupt_study(tmp: Path, files) -> list:
    out = tmp / "cal"
    out.mkdir()
    (out / "study.db").write_bytes(b"this is not a database" * 100)
    return ["calibrate", files["calibration"], "--out", out]


def _out_is_a_file(tmp: Path, files) -> list:
    (tmp / "file").write_text("x")
    return ["run", files["short"], "--out", tmp / "file"]


def _out_under_a_file(tmp: Path, files) -> list:
    (tmp / "file").write_text("x")
    return ["batch", files["tiny"], "--out", tmp / "file" / "sub", "--quiet"]


FAULTS = {  # case: (argv builder, exit status, what the line says)
    "out_is_a_file": (_out_is_a_file, 2, "is a file"),
    "out_under_a_file": (_out_under_a_file, 2, "is a file"),
    "corrupt_study_database": (_corrupt_study, 2, "study database"),
    "negative_seed": (lambda t, f: ["run", f["short"], "--seed", "-1", "--out", t / "o"], 2, "--seed"),
    "seed_too_big": (lambda t, f: ["run", f["short"], "--seed", str(2**64), "--out", t / "o"], 2, "--seed"),
    "dpi_zero": (lambda t, f: ["plot", t, "--dpi", "0"], 2, "--dpi"),
    "nan_date": (lambda t, f: ["landscape", "--store", t, "--date", "nan"], 2, "--date"),
    "zero_workers": (lambda t, f: ["batch", f["tiny"], "--workers", "0", "--out", t / "o"], 2, "--workers"),
}


@pytest.mark.parametrize("name", list(FAULTS))
def test_faults_are_one_line(name, files, tmp_path, capsys):
    build, code, says = FAULTS[name]
    rc, _, err = cli(build(tmp_path, files), capsys)
    assert rc == code and says in one_line(err)
    assert not (tmp_path / "o").exists()


def test_an_unexpected_error_is_one_line_and_debug_shows_the_traceback(files, tmp_path, capsys, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("experiments.pipeline.single.simulate", boom)
    rc, _, err = cli(["run", files["short"], "--out", tmp_path / "o"], capsys)
    line = one_line(err)
    assert rc == 1 and "RuntimeError: a bug" in line and "--debug" in line
    with pytest.raises(RuntimeError, match="a bug"):
        main(["--debug", "run", str(files["short"]), "--out", str(tmp_path / "o")])
    with pytest.raises(RuntimeError, match="a bug"):
        main(["run", str(files["short"]), "--out", str(tmp_path / "o"), "--debug"])


# ============================================================== 10 and Ctrl-C: processes end with the batch
def test_workers_die_with_a_killed_parent(tmp_path):
    slow = _write(tmp_path, short=SHORT, slow=SLOW)["slow"]
    out = tmp_path / "o"
    proc = _batch_process(slow, out, "--executor", "processes", "--workers", "2")
    try:
        _wait_for(lambda: _chunks_done(out) >= 1 and len(_children(proc.pid, workers_only=True)) >= 2, proc,
                  "two working workers")
        kids = _children(proc.pid)
        os.kill(proc.pid, signal.SIGKILL)  # the parent alone, as an OOM killer or kill -9 would
        proc.wait()
        deadline = time.monotonic() + 10
        while any(_proc_state(k) for k in kids) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not [k for k in kids if _proc_state(k)], "workers outlived their parent"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)


@pytest.mark.parametrize("moment", ["while_workers_start", "mid_batch"])
def test_ctrl_c_is_one_line_with_the_resume_command(moment, tmp_path):
    slow = _write(tmp_path, short=SHORT, slow=SLOW)["slow"]
    out = tmp_path / "o"
    proc = _batch_process(slow, out, "--executor", "processes", "--workers", "2")
    if moment == "while_workers_start":
        _wait_for(lambda: len(_children(proc.pid, workers_only=True)) >= 1, proc, "the first worker process")
        assert _chunks_done(out) == 0  # the workers are still starting (importing the model)
    else:
        _wait_for(lambda: _chunks_done(out) >= 2, proc, "two finished chunks")
    kids = _children(proc.pid)
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal does: the whole process group
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130
    line = one_line(err, prefix="interrupted")
    assert "KeyboardInterrupt" not in err
    resume = f"alliance batch {slow} --out {out} --resume"
    assert line.endswith(resume)
    deadline = time.monotonic() + 10  # the kernel delivers the parent-death signal asynchronously
    while any(_proc_state(k) for k in kids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [k for k in kids if _proc_state(k)], "workers outlived the interrupted batch"
    argv = shlex.split(resume)[1:] + ["--executor", "serial", "--quiet"]
    assert main(argv) == 0
    assert sorted(reader.runs(out)["run"]) == list(range(120))


def test_ctrl_c_while_the_cli_loads_is_one_line(tmp_path):
    """The console script catches an interrupt that arrives while pandas and matplotlib are still importing."""
    probe = (
        "import sys, types\n"
        "class Loading(types.ModuleType):\n"
        "    def __getattr__(self, name):\n"
        "        raise KeyboardInterrupt  # as if Ctrl-C came during the import\n"
        "sys.modules['experiments.cli.main'] = Loading('experiments.cli.main')\n"
        "from experiments.cli.entry import main\n"
        "sys.exit(main())\n")
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert proc.returncode == 130
    assert proc.stderr == "interrupted while starting; nothing was run\n"


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_the_page_server_stops_with_alliance_viz(sig):
    """`alliance viz` runs Solara as a child: a SIGTERM (forwarded) or kill -9 (death signal) of it stops the server."""
    pytest.importorskip("solara")
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "experiments.cli.main", "viz", "--no-browser", "--port", str(port)],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        _wait_for(lambda: _children(proc.pid), proc, "the server process", timeout=60)
        server = _children(proc.pid)[0]
        os.kill(proc.pid, sig)
        proc.wait(timeout=30)
        deadline = time.monotonic() + 15
        while _proc_state(server) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _proc_state(server), "the page server outlived alliance viz"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)


# ============================================================== 11. minor
DUPLICATE_PAIR_WORLD = """\
name: dup
actors:
  - {name: A, lat: 0, lon: 0}
  - {name: B, lat: 10, lon: 10}
relations:
  - {between: [A, B], rivalry: 0.2}
  - {between: [B, A], rivalry: 0.9}
"""


def test_a_relation_pair_listed_twice_is_refused(tmp_path, capsys):
    (tmp_path / "dup.yaml").write_text(DUPLICATE_PAIR_WORLD)
    (tmp_path / "s.yaml").write_text("name: s\nworld: dup.yaml\nhorizon: {start: 1990.0, end: 1995.0}\n")
    rc, _, err = cli(["validate", tmp_path / "s.yaml"], capsys)
    line = one_line(err)
    assert rc == 2 and f"{tmp_path / 'dup.yaml'}:7: field 'relations.between'" in line and "line 6" in line


TWO_ACTORS = "name: two\nactors:\n  - {{name: A, lat: 0, lon: 0, power: {power}}}\n  - {{name: B, lat: 9, lon: 9}}\n"


@pytest.mark.parametrize("text,value", [("5e-2", 0.05), ("'5e-2'", 0.05), ("5E-2", 0.05), ("'1.5e-1'", 0.15),
                                        ("'.05'", 0.05), ("'5e-2x'", None), ("'nan'", None), ("'1_0'", None),
                                        ("'0x10'", None), ("' 5e-2'", None)])
def test_number_reader_takes_float_literals_written_as_text(text, value, tmp_path):
    """PyYAML (YAML 1.1) reads 5e-2 as text; the number reader takes a string that is wholly a float literal."""
    (tmp_path / "w.yaml").write_text(TWO_ACTORS.format(power=text))
    if value is None:
        with pytest.raises(InputError, match="must be a number"):
            load_world(tmp_path / "w.yaml")
    else:
        assert load_world(tmp_path / "w.yaml").attributes["power"][0] == value


@pytest.mark.parametrize("value,problem", [("1" + "0" * 400, "must be finite"), ("'5e-2x'", "must be a number"),
                                           ("[0.1]", "must be a number or a mapping of domains")])
def test_a_relation_value_is_read_by_the_same_number_reader(value, problem, tmp_path):
    one_pair = DUPLICATE_PAIR_WORLD.replace("  - {between: [B, A], rivalry: 0.9}\n", "")
    (tmp_path / "w.yaml").write_text(one_pair.replace("rivalry: 0.2", f"cooperation: {value}"))  # per domain
    with pytest.raises(InputError, match=rf"w.yaml:6: field 'relations.cooperation'.*{problem}"):
        load_world(tmp_path / "w.yaml")
    (tmp_path / "w.yaml").write_text(one_pair.replace("rivalry: 0.2", "cooperation: '5e-2'"))
    assert (load_world(tmp_path / "w.yaml").cooperation0[0, 1] == 0.05).all()


def test_scenario_parameters_and_event_values_take_float_literals_written_as_text(tmp_path):
    """The same number reader serves a scenario's parameters and its events' values (not only world files)."""
    (tmp_path / "s.yaml").write_text(
        "name: s\nextends: historical_baseline\nparameters: {build_rate: 5e-2}\n"
        "events:\n  - {date: 2030.0, quantity: China.ambition, add: 5e-2, id: x, label: x, source: test}\n")
    sc = load_scenario(tmp_path / "s.yaml")
    assert sc.parameters["build_rate"] == 0.05
    assert [e.value for e in sc.events if e.id == "x"] == [0.05]
    (tmp_path / "bad.yaml").write_text("name: bad\nextends: historical_baseline\nparameters: {build_rate: 5e-2x}\n")
    with pytest.raises(InputError, match=r"bad.yaml:3: field 'parameters.build_rate'.*must be a number"):
        load_scenario(tmp_path / "bad.yaml")


def test_export_refuses_an_unknown_extension(store, tmp_path, capsys):
    rc, _, err = cli(["results", store, "--export", tmp_path / "all.txt"], capsys)
    assert rc == 2 and ".txt" in one_line(err)
    assert not list(tmp_path.glob("all.*"))


# ============================================================== CLI habits
def test_auto_executor_is_serial_for_small_batches_and_processes_for_large(files, tmp_path):
    small = plan(load_experiment(files["tiny"]), "auto", 2)
    assert small.executor == "serial" and small.workers == 1
    big_file = _write(tmp_path, big=TINY.replace("replications: 2", "replications: 50000"))["big"]
    big = plan(load_experiment(big_file), "auto", 2)
    assert big.executor == "processes" and big.workers == 2
    assert big.estimate.seconds("processes", 2) < big.estimate.seconds("serial", 1)
    assert plan(load_experiment(big_file), "auto", 1).executor == "serial"
    assert big.estimate.large and big.estimate.text("processes", 2).startswith("estimate: 100,000 runs")


def test_the_readme_example_runs_serially_under_auto():
    p = plan(load_experiment(ROOT / "experiments" / "sweep_build_rate.yaml"), "auto", 2)
    assert p.executor == "serial"


def test_run_in_blocks_is_identical_to_one_simulation(files):
    sc = load_scenario(files["short"])
    reps = BLOCK * 2 + 3
    whole, meta = simulate(sc, 11, reps)
    blocks, bmeta = simulate_in_blocks(sc, 11, reps)
    pd.testing.assert_frame_equal(blocks, whole, check_exact=True)
    assert bmeta == meta


def test_run_progress_bar_and_quiet(files, tmp_path, capsys):
    n = BLOCK + 10
    rc, _, err = cli(["run", files["short"], "-r", n, "--out", tmp_path / "a"], capsys)
    assert rc == 0 and f"{n}/{n}" in err
    rc, _, err = cli(["run", files["short"], "-r", n, "--out", tmp_path / "b", "--quiet"], capsys)
    assert rc == 0 and f"{n}/{n}" not in err


def test_sensitivity_samples_flag_overrides_the_config(files, tmp_path, capsys):
    out = tmp_path / "s"
    rc, _, err = cli(["sensitivity", files["morris"], "--samples", "3", "--out", out], capsys)
    assert rc == 0, err
    assert len(pd.read_parquet(out / "samples.parquet")) == 3 * (2 + 1)  # trajectories x (P + 1)
    assert "9/9" in err  # the progress bar reached every run
    assert json.loads((out / "sensitivity.json").read_text())["samples"] == 3


def test_sobol_alignment_is_accepted_by_the_commands_its_comment_names():
    path = ROOT / "experiments" / "sobol_alignment.yaml"
    named = re.findall(r"^#\s+alliance (\w+) experiments/sobol_alignment\.yaml", path.read_text(), re.M)
    assert named, "the file's comment names no command"
    loaders = {"batch": load_experiment, "sensitivity": sa.load_config}
    for command in named:
        loaders[command](path)  # raises InputError if the command would reject the file
    assert "feeds `alliance sensitivity`" not in path.read_text()


def test_params_has_a_header_and_aligned_columns(capsys):
    rc, out, _ = cli(["params"], capsys)
    lines = out.splitlines()
    assert rc == 0 and lines[0].split() == ["name", "default", "range", "unit", "rule", "meaning"]
    at, end = lines[0].index("rule"), lines[0].index("meaning")  # the modules of model/rules/ that read it
    rules = {p.stem for p in (ROOT / "model" / "rules").glob("*.py")}
    assert all(set(line[at:end].strip().split(", ")) <= rules for line in lines[1:])
    starts = {line.index("[") for line in lines[1:]}  # the range column starts at one offset
    assert len(starts) == 1 and lines[0].index("range") == starts.pop()
    edge = lines[0].index("default") + len("default")  # defaults right-aligned under their header
    assert all(line[edge - 1] != " " and line[edge] == " " for line in lines)


def test_calibrate_explains_its_score_and_shows_progress(files, tmp_path, capsys):
    rc, out, err = cli(["calibrate", files["calibration"], "--out", tmp_path / "c"], capsys)
    assert rc == 0, err
    assert "lower is better" in out and "scenario values" in out and "best trial" in out
    assert "2/2" in err
    assert np.isfinite(json.loads((tmp_path / "c" / "calibration.json").read_text())["best"]["score"])
