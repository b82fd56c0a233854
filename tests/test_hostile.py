"""Issue 23: no silent wrong result, hang or traceback from hostile cases (a model changed under a resume, ``--set``
with ``--posterior``, files that are not a final posterior, interrupted writes of multi-file results, damaged or
edited stores, foreign output folders, the page server's origin and memory, bad numbers, odd names, misleading
lines).

One section per defect of the issue (its number in the section's title). Everything runs on a 5-year horizon and a
few runs, as in tests/test_reliability.py, whose files and helpers these tests share.
"""

from __future__ import annotations

import fcntl
import json
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request
import uuid
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
import test_reliability as shared
from test_reliability import CALIBRATION, ROOT, SHORT, TINY, _digest, _never_run, _write, cli, one_line

from experiments.analysis import calibration as cal
from experiments.analysis.calibration_config import load_config
from experiments.analysis.posterior import Settings, abc_smc
from experiments.pipeline import limits
from experiments.pipeline.batch import plan, run_batch
from experiments.pipeline.experiment import load_experiment
from experiments.pipeline.posterior_file import read_posterior
from experiments.store import reader
from experiments.store.manifest import read_manifest
from model.spec.parameters import REGISTRY

POSTERIOR = ROOT / "data" / "posterior_1990_2025"
files = shared.files  # the fixtures of tests/test_reliability.py: the short scenario and tiny experiment files,
store = shared.store  # and a finished 4-run, 2-chunk batch store of it


def _after(line: str, marker: str) -> list[str]:
    """The command printed after ``marker`` in a line, split as a POSIX shell splits it."""
    return shlex.split(line.split(marker, 1)[1])


def _table(root: Path) -> pd.DataFrame:
    return reader.load(root).sort_values(["run", "actor_a", "actor_b", "domain"]).reset_index(drop=True)


# ============================================================== 1. batch --resume checks the model
def test_resume_refuses_a_store_of_another_model(store, files, tmp_path, capsys, monkeypatch):
    man = json.loads((store / "manifest.json").read_text())
    del man["chunks"]["1"]  # interrupted after its first chunk
    (store / "manifest.json").write_text(json.dumps(man))
    before = {p.name: _digest(p) for p in (store / "manifest.json", store / "metadata.json")}
    monkeypatch.setattr("experiments.pipeline.batch.model_digest", lambda: "f" * 64)  # the model changed
    rc, _, err = cli(["batch", files["tiny"], "--out", store, "--resume", "--executor", "serial", "--quiet"], capsys)
    line = one_line(err)
    assert rc == 2 and "another version of the model" in line
    assert {p.name: _digest(p) for p in (store / "manifest.json", store / "metadata.json")} == before
    fresh = _after(line, "Start afresh in a new folder: ")
    assert fresh[:3] == ["alliance", "batch", str(files["tiny"])] and fresh[fresh.index("--out") + 1] != str(store)
    rc, _, err = cli(fresh[1:] + ["--executor", "serial", "--quiet"], capsys)  # the printed command starts afresh
    assert rc == 0, err
    assert sorted(reader.runs(fresh[fresh.index("--out") + 1])["run"]) == [0, 1, 2, 3]


# ============================================================== 2. --set with --posterior
def test_set_wins_over_the_posterior_draws_and_runs_reports_each_runs_values(files, tmp_path, capsys):
    drawn, fixed = tmp_path / "drawn", tmp_path / "fixed"
    common = ["run", files["short"], "-r", "3", "--seed", "2", "--posterior", POSTERIOR, "--quiet"]
    assert cli([*common, "--out", drawn], capsys)[0] == 0
    assert cli([*common, "--set", "build_rate=0.5", "--out", fixed], capsys)[0] == 0
    draws = read_posterior(POSTERIOR).draw(3, 2)
    for folder, build_rate in ((drawn, [d["build_rate"] for d in draws]), (fixed, [0.5] * 3)):
        r = reader.runs(folder).sort_values("run")
        assert r["build_rate"].tolist() == build_rate  # each run's own values, as it ran
        assert r["weight_threat"].tolist() == [d["weight_threat"] for d in draws]  # the others still drawn
    last = {f: reader.load(f, columns=["run", "date", "japan_nato"]).groupby("run")["japan_nato"].last()
            for f in (drawn, fixed)}
    assert not np.allclose(last[drawn], last[fixed])  # the override changed the runs
    meta = reader.metadata(fixed)
    assert meta["parameters"]["build_rate"] == 0.5 and meta["posterior"]["overridden"] == ["build_rate"]


# ============================================================== 3. a run folder goes from one state to the next
def test_an_interrupted_rerun_in_the_other_format_leaves_the_old_run_intact(files, tmp_path, capsys, monkeypatch):
    out = tmp_path / "r"
    assert cli(["run", files["short"], "-r", "2", "--seed", "1", "--out", out, "--quiet"], capsys)[0] == 0
    before = _table(out)
    other = tmp_path / "other.yaml"
    other.write_text(SHORT.replace("name: short", "name: other"))
    dumps = json.dumps

    def ctrl_c_at_the_metadata(obj, *args, **kwargs):
        if isinstance(obj, dict) and obj.get("kind") == "run":
            raise KeyboardInterrupt
        return dumps(obj, *args, **kwargs)

    monkeypatch.setattr(json, "dumps", ctrl_c_at_the_metadata)
    rc, _, _ = cli(["run", other, "-r", "3", "--seed", "9", "--csv", "--out", out, "--quiet"], capsys)
    monkeypatch.undo()
    assert rc == 130
    assert reader.metadata(out)["scenario"] == "short"
    pd.testing.assert_frame_equal(_table(out), before)  # the table the metadata vouches for, not the new one
    rc, text, _ = cli(["results", out], capsys)
    assert rc == 0 and "short: 2 runs" in text
    assert not [p.name for p in out.iterdir() if p.name.endswith(".tmp")]
    assert cli(["run", other, "-r", "3", "--seed", "9", "--csv", "--out", out, "--quiet"], capsys)[0] == 0
    assert sorted(p.name for p in out.iterdir()) == [".alliance.lock", "metadata.json", "trajectories.csv"]
    assert set(reader.load(out, columns=["scenario"])["scenario"]) == {"other"}


# ============================================================== 4. only a final posterior is read; a new model warns
ABC = CALIBRATION.replace("trials: 2\n", "method: abc\nabc: {population: 10, generations: 5, batch: 10}\n")


def test_populations_and_an_interrupted_calibration_are_not_posteriors(files, tmp_path, capsys, monkeypatch):
    cfg = _write(tmp_path, abc=ABC)["abc"]
    out = tmp_path / "cal"

    def stop_after_two(msg: str) -> None:
        if msg.startswith("generation 1:"):
            raise KeyboardInterrupt

    config = load_config(cfg)
    with pytest.raises(KeyboardInterrupt):
        abc_smc(config, Settings(**config.abc), out, log=stop_after_two)
    assert (out / "posterior.parquet").exists()  # what the interrupted run left: 2 of 5 generations
    for target, says in ((out, "stopped after 2 of 5 generations"), (out / "populations.parquet", "generations")):
        rc, _, err = cli(["run", files["short"], "--posterior", target, "--out", tmp_path / "o", "--quiet"], capsys)
        line = one_line(err)
        assert rc == 2 and says in line, line
    rc, _, err = cli(["run", files["short"], "--posterior", out, "--out", tmp_path / "o", "--quiet"], capsys)
    assert shlex.split(one_line(err).split("resume it with: ")[1]) == ["alliance", "calibrate", str(cfg), "--out",
                                                                       str(out)]
    assert not (tmp_path / "o").exists()
    abc_smc(config, Settings(**config.abc), out)  # resumed to the end: now a posterior
    assert len(read_posterior(out).theta) == 10


def _stale_posterior(folder: Path) -> Path:
    """A finished posterior fitted to another model: one parameter since removed, one since added, other code."""
    folder.mkdir()
    pd.DataFrame({"generation": [4, 4], "build_rate": [0.1, 0.2], "gone_parameter": [1.0, 2.0],
                  "weight": [0.5, 0.5]}).to_parquet(folder / "posterior.parquet")
    registry = [n for n in REGISTRY if n != "weight_hub"] + ["gone_parameter"]
    (folder / "posterior.json").write_text(json.dumps({
        "complete": True, "model_sha256": "0" * 64, "registry": registry, "settings": {"generations": 5},
        "parameters": [{"name": "build_rate"}, {"name": "gone_parameter"}],
        "generations": [{"generation": g} for g in range(5)]}))
    return folder


def test_a_posterior_of_another_model_warns_and_names_what_changed(files, tmp_path, capsys):
    from experiments.pipeline.posterior_file import PosteriorWarning

    folder = _stale_posterior(tmp_path / "old")
    with pytest.warns(PosteriorWarning) as caught:
        post = read_posterior(folder)
    text = str(caught[0].message)
    assert "gone_parameter fitted but no longer in the model's registry" in text
    assert "weight_hub added to the registry" in text
    assert "model code changed since this posterior was fitted" in text
    assert post.names == ("build_rate",)
    rc, _, err = cli(["run", files["short"], "--posterior", folder, "--out", tmp_path / "o", "--quiet"], capsys)
    warning = [x for x in err.splitlines() if x.startswith("warning:")]
    assert rc == 0 and len(warning) == 1 and "model code changed" in warning[0] and "gone_parameter" in warning[0]


# ============================================================== 5. a sensitivity rerun is switched in at once
def test_an_interrupted_sensitivity_rerun_leaves_the_old_analysis(files, tmp_path, capsys, monkeypatch):
    out = tmp_path / "s"
    assert cli(["sensitivity", files["morris"], "--out", out, "--quiet"], capsys)[0] == 0
    before = {p.name: _digest(p) for p in out.iterdir() if not p.name.startswith(".")}

    def ctrl_c(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("matplotlib.figure.Figure.savefig", ctrl_c)  # while the new analysis is being written
    rc, _, _ = cli(["sensitivity", files["morris"], "--samples", "3", "--out", out, "--quiet"], capsys)
    assert rc == 130
    assert {p.name: _digest(p) for p in out.iterdir() if not p.name.startswith(".")} == before
    assert not [p.name for p in out.iterdir() if p.name.endswith(".tmp")]


# ============================================================== 6. manifest and metadata cross-checked
def _drop_data_entry(store: Path) -> None:
    man = read_manifest(store)
    del man["chunks"]["1"]["files"]["data"]  # a chunk without data whose runs did not fail
    (store / "manifest.json").write_text(json.dumps(man))


def _edit_parameters(store: Path) -> None:
    meta = json.loads((store / "metadata.json").read_text())
    meta["parameters"] = "build_rate"  # no longer a list: summaries would pool the samples
    (store / "metadata.json").write_text(json.dumps(meta))


@pytest.mark.parametrize("edit", [_drop_data_entry, _edit_parameters])
def test_manifest_and_metadata_are_cross_checked_and_resume_repairs(edit, store, files, capsys):
    before = _table(store)
    edit(store)
    rc, _, err = cli(["results", store], capsys)
    line = one_line(err)
    assert rc == 2 and "damaged result store" in line
    assert _after(line, "with: ") == ["alliance", "batch", str(files["tiny"]), "--out", str(store), "--resume"]
    assert cli(["batch", files["tiny"], "--out", store, "--resume", "--executor", "serial", "--quiet"], capsys)[0] == 0
    rc, text, err = cli(["results", store], capsys)
    assert rc == 0, err
    pd.testing.assert_frame_equal(_table(store), before)


# ============================================================== 7. page checksums
def test_a_flipped_bit_inside_a_data_page_is_refused(store, files, capsys):
    rc, good, _ = cli(["results", store], capsys)
    assert rc == 0
    part = store / read_manifest(store)["chunks"]["0"]["files"]["data"]["path"]
    md = pq.read_metadata(part)
    j = md.schema.to_arrow_schema().get_field_index("japan_nato")  # a column `alliance results` reads
    col = md.row_group(0).column(j)
    # the last byte of the dictionary page (the last value's sign and exponent), else of the plain values
    last = col.data_page_offset - 1 if col.has_dictionary_page else col.data_page_offset + col.total_compressed_size - 1
    data = bytearray(part.read_bytes())
    data[last] ^= 0x01
    part.write_bytes(bytes(data))
    rc, text, err = cli(["results", store], capsys)
    line = one_line(err)
    assert rc == 2 and "checksum" in line and text != good
    assert _after(line, "with: ") == ["alliance", "batch", str(files["tiny"]), "--out", str(store), "--resume"]


# ============================================================== 8. figure names
def test_scenarios_whose_names_make_the_same_file_name_get_a_figure_each(tmp_path, capsys):
    base = SHORT.replace("name: short", "name: base")
    (tmp_path / "base.yaml").write_text(base)
    for i, name in enumerate(("crisis a", "crisis/a")):
        (tmp_path / f"c{i}.yaml").write_text(
            f'name: "{name}"\nextends: base.yaml\nevents:\n'
            f"  - {{date: 1992.0, quantity: China.ambition, add: {0.1 * (i + 1)}, id: e, label: e, source: t}}\n")
    (tmp_path / "exp.yaml").write_text("name: e\nscenarios: [base.yaml, c0.yaml, c1.yaml]\nreplications: 2\n")
    store = tmp_path / "store"
    assert cli(["batch", tmp_path / "exp.yaml", "--out", store, "--executor", "serial", "--quiet"], capsys)[0] == 0
    rc, text, err = cli(["plot", store, "--kind", "difference", "--baseline", "base", "--out", tmp_path / "f"], capsys)
    assert rc == 0, err
    written = [x.split("wrote ", 1)[1] for x in text.splitlines()]
    assert len(written) == 2 and len(set(written)) == 2
    assert sorted(p.name for p in (tmp_path / "f").iterdir()) == sorted(Path(w).name for w in written)


# ============================================================== 9. folders holding other files are refused
@pytest.mark.parametrize("argv", [["run", "{short}"], ["batch", "{tiny}", "--executor", "serial"],
                                  ["sensitivity", "{morris}"], ["calibrate", "{calibration}"]])
def test_a_folder_of_other_files_is_refused_before_anything_is_written(argv, files, tmp_path, capsys, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    (home / "notes.txt").write_text("mine")
    (home / "metadata.json").write_text('{"scenario": "my own file"}')
    before = sorted(p.name for p in home.iterdir())
    monkeypatch.setattr("experiments.pipeline.single.simulate", _never_run)
    rc, _, err = cli([a.format(**files) for a in argv] + ["--out", home, "--quiet"], capsys)
    assert rc == 2 and "did not write" in one_line(err)
    assert sorted(p.name for p in home.iterdir()) == before  # not even a lock file
    assert (home / "metadata.json").read_text() == '{"scenario": "my own file"}'


def test_a_result_folder_of_the_same_kind_is_still_rewritten(files, tmp_path, capsys):
    out = tmp_path / "r"
    assert cli(["run", files["short"], "--out", out, "--quiet"], capsys)[0] == 0
    (out / "notes.txt").write_text("my notes beside my results")
    rc, _, err = cli(["run", files["short"], "--seed", "3", "--out", out, "--quiet"], capsys)
    assert rc == 0, err


# ============================================================== 10. --export never writes into the store it reads
def test_export_into_the_store_it_reads_is_refused(store, capsys):
    part = store / read_manifest(store)["chunks"]["0"]["files"]["data"]["path"]
    before = _digest(part)
    for target in (part, store / "all.parquet"):
        rc, _, err = cli(["results", store, "--export", target], capsys)
        assert rc == 2 and "--export" in one_line(err)
    assert _digest(part) == before and not (store / "all.parquet").exists()
    assert "intact" in reader.verify(store)


# ============================================================== 11. the page server: origin and memory
def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
def test_the_page_server_refuses_foreign_origins_and_malformed_binary_messages(tmp_path):
    pytest.importorskip("solara")
    from websockets.exceptions import ConnectionClosed, InvalidStatus
    from websockets.sync.client import connect

    from experiments.app.server import solara_command, solara_env

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = tmp_path / "server.log"
    with open(log, "w") as fh:
        proc = subprocess.Popen(solara_command("127.0.0.1", port, open_browser=False), cwd=ROOT, env=solara_env(),
                                stdout=fh, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while True:
            assert proc.poll() is None, log.read_text()[-2000:]
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5):
                    break
            except OSError:
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.3)

        def url(host: str = "127.0.0.1") -> str:
            return f"ws://{host}:{port}/jupyter/api/kernels/{uuid.uuid4()}/channels?session_id={uuid.uuid4()}"

        for origin in ("http://evil.example", f"http://evil.example:{port}", "null"):
            with pytest.raises(InvalidStatus, match="403"):
                connect(url(), origin=origin, open_timeout=20).close()
        with connect(url("localhost"), origin=f"http://localhost:{port}", open_timeout=20):
            pass  # the page's own origin
        before = _rss_mib(proc.pid)
        with connect(url(), origin=f"http://127.0.0.1:{port}", open_timeout=20) as ws:
            ws.send((2**24).to_bytes(4, "big") + bytes(16))  # 20 bytes claiming 16 million buffers
            with pytest.raises(ConnectionClosed) as closed:
                ws.recv(timeout=20)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1003
        time.sleep(1)
        assert _rss_mib(proc.pid) - before < 100, "one small message made the server allocate"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


# ============================================================== 12. --population and --generations are checked
@pytest.mark.parametrize("flag,value", [("--population", "1"), ("--population", "-3"), ("--population", "0"),
                                        ("--population", "1000000000"), ("--generations", "0"),
                                        ("--generations", "100000")])
def test_abc_sizes_from_the_command_line_get_the_configs_checks(flag, value, tmp_path, capsys, monkeypatch):
    cfg = _write(tmp_path, short=SHORT, abc=ABC)["abc"]
    monkeypatch.setattr("experiments.cli.calibrate.abc_smc", _never_run)
    out = tmp_path / "cal"
    rc, _, err = cli(["calibrate", cfg, flag, value, "--out", out, "--quiet"], capsys)
    assert rc == 2 and flag in one_line(err)
    assert not out.exists()


# ============================================================== 13. workers capped by cores and memory
def test_workers_are_capped_by_cores_and_available_memory(files, monkeypatch):
    exp = load_experiment(files["tiny"])
    p = plan(exp, "processes", 1000)
    assert p.workers <= limits.usable_cores() and "1000" in p.note and "core" in p.note
    monkeypatch.setattr(limits, "usable_cores", lambda: 64)
    monkeypatch.setattr(limits, "available_memory", lambda: 3 * limits.WORKER_BYTES)  # room for three workers
    p = plan(exp, "processes", 16)
    assert p.workers == 2 and "memory" in p.note  # three workers' own memory, less one chunk each
    assert plan(exp, "processes", 1).workers == 1 and plan(exp, "processes", 1).note == ""


# ============================================================== 14. no rows yet
@pytest.mark.parametrize("argv", [["plot", "{s}", "--kind", "fan", "--out", "{t}/figs"],
                                  ["discover", "{s}", "--outcome", "japan_nato@1995 > 0.1", "--quiet"],
                                  ["landscape", "--store", "{s}", "--date", "1995"]])
def test_a_batch_killed_before_its_first_chunk_has_no_rows_yet(argv, files, tmp_path, capsys, monkeypatch):
    out = tmp_path / "empty"

    def killed(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("experiments.pipeline.batch.run_chunk", killed)
    assert cli(["batch", files["tiny"], "--out", out, "--executor", "serial", "--quiet"], capsys)[0] == 130
    monkeypatch.undo()
    assert read_manifest(out)["chunks"] == {}
    rc, _, err = cli([a.format(s=out, t=tmp_path) for a in argv], capsys)
    line = one_line(err)
    assert rc == 2 and "no rows yet" in line and line.endswith(f"--out {out} --resume")


# ============================================================== 15. one line, not "unexpected ..."
def test_posterior_weights_near_the_largest_float_are_drawn_from(files, tmp_path, capsys):
    p = tmp_path / "posterior.parquet"
    pd.DataFrame({"build_rate": [0.1, 0.2], "weight": [1e308, 1e308]}).to_parquet(p)
    rc, _, err = cli(["run", files["short"], "-r", "4", "--posterior", p, "--out", tmp_path / "o", "--quiet"], capsys)
    assert rc == 0, err
    assert set(reader.runs(tmp_path / "o")["build_rate"]) <= {0.1, 0.2}


def test_a_landscape_size_that_overflows_is_a_user_error(tmp_path, capsys):
    (tmp_path / "l.csv").write_text("actor,size,A,B\nA,1e308,0,0.5\nB,1,0.5,0\n")
    rc, _, err = cli(["landscape", tmp_path / "l.csv"], capsys)
    assert rc == 2 and "l.csv:2: field 'size'" in one_line(err)


@pytest.mark.parametrize("command", ["run", "batch"])
def test_a_lone_surrogate_in_a_scenario_name_is_refused_before_running(command, files, tmp_path, capsys, monkeypatch):
    bad = tmp_path / "bad.yaml"
    bad.write_text(SHORT.replace("name: short", 'name: "a\\udc80b"'))
    (tmp_path / "e.yaml").write_text("name: e\nscenarios: [bad.yaml]\nreplications: 1\n")
    monkeypatch.setattr("experiments.pipeline.single.simulate", _never_run)
    argv = ["run", bad] if command == "run" else ["batch", tmp_path / "e.yaml", "--executor", "serial"]
    rc, _, err = cli([*argv, "--out", tmp_path / "o", "--quiet"], capsys)
    assert rc == 2 and f"{bad}: field 'name'" in one_line(err)
    assert not (tmp_path / "o").exists()


def test_an_out_folder_that_is_not_utf8_is_refused(files, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("experiments.pipeline.single.simulate", _never_run)
    out = os.fsdecode(os.fsencode(str(tmp_path)) + b"/r\xff")
    rc, _, err = cli(["run", files["short"], "--out", out, "--quiet"], capsys)
    assert rc == 2 and "--out" in one_line(err) and "UTF-8" in err
    assert sorted(os.listdir(tmp_path)) == sorted(p.name for p in files.values())  # nothing made


def test_a_manifest_with_a_size_that_is_not_a_number_is_one_error(store, capsys):
    man = read_manifest(store)
    man["chunks"]["0"]["files"]["data"]["bytes"] = "big"
    (store / "manifest.json").write_text(json.dumps(man))
    rc, _, err = cli(["results", store], capsys)
    assert rc == 2 and "manifest" in one_line(err)


def test_a_worker_killed_by_the_system_is_one_line_with_the_resume_command(files, tmp_path, capsys, monkeypatch):
    def oom_killed(*args, **kwargs):
        raise BrokenProcessPool("A process in the process pool was terminated abruptly")

    monkeypatch.setattr("experiments.cli.batch.run_batch", oom_killed)
    rc, _, err = cli(["batch", files["tiny"], "--out", tmp_path / "o", "--quiet"], capsys)
    line = one_line(err)
    assert rc == 1 and "worker process died" in line and "memory" in line and "unexpected" not in line
    assert _after(line, "resume with: ") == ["alliance", "batch", str(files["tiny"]), "--out", str(tmp_path / "o"),
                                             "--resume"]


# ============================================================== 16. printed commands are quoted
def test_the_repair_command_of_a_store_is_quoted(files, tmp_path, capsys):
    exp = tmp_path / "my exp; touch PWNED.yaml"
    exp.write_text(TINY)
    store = tmp_path / "store dir"
    run_batch(load_experiment(exp), store, "serial", progress=False)
    (store / read_manifest(store)["chunks"]["1"]["files"]["data"]["path"]).write_bytes(b"")
    rc, _, err = cli(["results", store], capsys)
    assert rc == 2
    assert _after(one_line(err), "with: ") == ["alliance", "batch", str(exp), "--out", str(store), "--resume"]


@pytest.mark.parametrize("recorded", ["alliance run x; touch PWNED", "alliance run $(touch PWNED)",
                                      "touch PWNED"])
def test_a_recorded_command_cannot_make_the_printed_repair_run_anything(recorded, files, tmp_path, capsys):
    out = tmp_path / "r"
    assert cli(["run", files["short"], "--out", out, "--quiet"], capsys)[0] == 0
    meta = json.loads((out / "metadata.json").read_text())
    meta["command"] = recorded  # a folder received from someone else
    (out / "metadata.json").write_text(json.dumps(meta))
    (out / "trajectories.parquet").write_bytes(b"")
    rc, _, err = cli(["results", out], capsys)
    printed = one_line(err).split("rerun it with: ", 1)[1]
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "alliance").write_text("#!/bin/sh\nexit 0\n")
    (bin_dir / "alliance").chmod(0o755)
    subprocess.run(["sh", "-c", printed], cwd=tmp_path, env={**os.environ, "PATH": f"{bin_dir}:/usr/bin:/bin"},
                   check=False, timeout=30)
    assert not (tmp_path / "PWNED").exists(), printed
    assert rc == 2 and shlex.split(printed)[:2] == ["alliance", "run"]


# ============================================================== 17. an interrupted one-worker fit resumes exactly
def _complete_trials(out: Path) -> list[tuple]:
    import optuna

    study = optuna.load_study(study_name=cal.STUDY_NAME, storage=f"sqlite:///{out / 'study.db'}")
    done = [t for t in study.trials if t.state == optuna.trial.TrialState.COMPLETE]
    return [(t.params["build_rate"], t.value) for t in sorted(done, key=lambda t: t.number)]


def test_an_interrupted_optuna_fit_resumes_to_the_uninterrupted_fit(files, tmp_path, capsys, monkeypatch):
    cfg = _write(tmp_path, fit=CALIBRATION.replace("trials: 2", "trials: 5"))["fit"]
    whole, broken = tmp_path / "whole", tmp_path / "broken"
    assert cli(["calibrate", cfg, "--out", whole, "--quiet"], capsys)[0] == 0
    evaluate = cal._evaluate_in_worker
    calls = []

    def ctrl_c_in_the_fourth_trial(values):
        calls.append(values)
        if len(calls) == 4:
            raise KeyboardInterrupt
        return evaluate(values)

    monkeypatch.setattr(cal, "_evaluate_in_worker", ctrl_c_in_the_fourth_trial)
    rc, _, err = cli(["calibrate", cfg, "--out", broken, "--quiet"], capsys)
    monkeypatch.undo()
    line = err.strip().splitlines()[-1]  # after the study's log lines
    assert rc == 130 and line.startswith("interrupted") and "--resume" not in line  # no such flag: the same command
    assert _after(line, "resume with: ") == ["alliance", "calibrate", str(cfg), "--out", str(broken), "--quiet"]
    assert cli(["calibrate", cfg, "--out", broken, "--quiet"], capsys)[0] == 0
    assert _complete_trials(broken) == _complete_trials(whole)
    summary = json.loads((broken / "calibration.json").read_text())
    assert len(summary["resumes"]) == 1 and summary["resumes"][0]["complete"] == 3
    assert json.loads((broken / "calibration.json").read_text())["best_parameters"] == \
        json.loads((whole / "calibration.json").read_text())["best_parameters"]


# ============================================================== 18. misleading lines
def test_the_seed_bound_is_printed_in_full(files, tmp_path, capsys):
    rc, _, err = cli(["run", files["short"], "--seed", str(2**64), "--out", tmp_path / "o"], capsys)
    line = one_line(err)
    assert rc == 2 and str(2**63 - 1) in line and "e+" not in line


def test_a_dyad_of_one_actor_twice_is_not_a_typo(store, capsys):
    rc, _, err = cli(["results", store, "--by", "domain", "--dyad", "Japan", "Japan"], capsys)
    line = one_line(err)
    assert rc == 2 and "did you mean" not in line and "two different actors" in line


def test_yearly_summary_dates_are_not_called_quarterly(tmp_path, capsys):
    (tmp_path / "ten.yaml").write_text(SHORT.replace("end: 1995.0", "end: 2000.0"))
    years = ", ".join(f"{y}.0" for y in range(1990, 2001))
    (tmp_path / "e.yaml").write_text(f"name: e\nscenarios: [ten.yaml]\nreplications: 1\n"
                                     f"outputs: {{trajectories: summary, dates: [{years}]}}\n")
    out = tmp_path / "s"
    assert cli(["batch", tmp_path / "e.yaml", "--out", out, "--executor", "serial", "--quiet"], capsys)[0] == 0
    rc, _, err = cli(["results", out, "--dates", "1995.5"], capsys)
    line = one_line(err)
    assert rc == 2 and "quarterly" not in line and "1990–2000 (yearly, 11 dates)" in line


def test_a_read_only_command_is_not_told_to_choose_a_folder_it_can_write(store, capsys, monkeypatch):
    def denied(path, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr("experiments.store.reader.read_manifest", denied)
    rc, _, err = cli(["results", store], capsys)
    line = one_line(err)
    assert rc == 2 and "Permission denied" in line and "choose a folder you can write" not in line


def test_a_file_size_limit_is_not_a_full_disk(files, tmp_path, capsys, monkeypatch):
    def too_big(*args, **kwargs):
        raise OSError(27, os.strerror(27), "trajectories.parquet")  # EFBIG

    monkeypatch.setattr(pd.DataFrame, "to_parquet", too_big)
    rc, _, err = cli(["run", files["short"], "--out", tmp_path / "o", "--quiet"], capsys)
    line = one_line(err)
    assert rc == 1 and "free some space" not in line and "file-size limit" in line


def test_the_extends_depth_error_names_the_file_that_extends_too_deep(tmp_path, capsys):
    from model.spec.scenario import MAX_EXTENDS

    (tmp_path / "s0.yaml").write_text(SHORT.replace("name: short", "name: s0"))
    for i in range(1, MAX_EXTENDS + 2):
        (tmp_path / f"s{i}.yaml").write_text(f"name: s{i}\nextends: s{i - 1}.yaml\n")
    top = tmp_path / f"s{MAX_EXTENDS + 1}.yaml"  # s21 -> s20 -> ... -> s2 is the limit; s2's extends: goes beyond
    rc, _, err = cli(["validate", top], capsys)
    named = one_line(err).removeprefix("error: ").split(": field")[0]
    assert rc == 2 and named in (str(top), f"{tmp_path / 's2.yaml'}:2")  # the file asked for, or the extends: line


def test_a_second_viz_on_a_busy_port_says_so_before_serving(capsys):
    pytest.importorskip("solara")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        rc, _, err = cli(["viz", "--no-browser", "--port", port], capsys)
    line = one_line(err)
    assert rc == 2 and "in use" in line and "serving" not in err


# ============================================================== 19. a folder named like a scenario file
def test_a_folder_named_like_a_scenario_does_not_stop_the_list(tmp_path, capsys, monkeypatch):
    import model.spec.scenario as scenario_module

    shipped = tmp_path / "scenarios"
    shutil.copytree(scenario_module.SCENARIOS_DIR, shipped)
    (shipped / "x.yaml").mkdir()
    monkeypatch.setattr(scenario_module, "SCENARIOS_DIR", shipped)
    rc, text, err = cli(["scenarios"], capsys)
    assert rc == 0, err
    names = [line.split()[0] for line in text.splitlines()]
    assert names == sorted(p.stem for p in shipped.glob("*.yaml") if p.is_file()) and "x" not in names


# ============================================================== 20. temporaries of killed writers are removed
KILLED_WHILE_WRITING = textwrap.dedent("""\
    import os, signal, sys
    import pandas as pd
    import matplotlib.figure as F

    def killed(write):
        def then_die(self, path, *args, **kwargs):
            write(self, path, *args, **kwargs)  # the temporary is on disk, its rename never comes
            os.kill(os.getpid(), signal.SIGKILL)
        return then_die

    F.Figure.savefig = killed(F.Figure.savefig)
    pd.DataFrame.to_parquet = killed(pd.DataFrame.to_parquet)
    from experiments.cli.main import main
    main(sys.argv[1:])
    """)


@pytest.mark.parametrize("command", ["plot", "export"])
def test_the_next_run_removes_the_temporaries_of_a_killed_one(command, store, tmp_path, capsys):
    folder = tmp_path / ("figs" if command == "plot" else "exports")
    argv = ["plot", str(store), "--kind", "threat", "--out", str(folder)] if command == "plot" else \
        ["results", str(store), "--export", str(folder / "all.parquet")]
    proc = subprocess.run([sys.executable, "-c", KILLED_WHILE_WRITING, *argv], cwd=ROOT, capture_output=True,
                          timeout=120)
    assert proc.returncode == -signal.SIGKILL
    assert [p for p in folder.iterdir() if p.name.endswith(".tmp")], "the killed command left no temporary"
    assert cli(argv, capsys)[0] == 0
    assert not [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


# ============================================================== 21. the lock holder's text is not printed raw
def test_escape_codes_in_the_lock_file_do_not_reach_the_terminal(files, tmp_path, capsys):
    out = tmp_path / "busy"
    out.mkdir()
    lock = out / ".alliance.lock"
    lock.write_text(json.dumps({"pid": 1, "command": "x\x1b]0;owned\x07\x1b[2J\rfake", "started": "\x1b[31mnow"}))
    with open(lock) as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        rc, _, err = cli(["run", files["short"], "--out", out, "--quiet"], capsys)
    line = one_line(err)
    assert rc == 2 and "\x1b" not in err and "\r" not in err and "\\x1b" in line and "fake" in line

