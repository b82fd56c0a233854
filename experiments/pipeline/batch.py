"""Running an experiment in chunks on a serial, process-pool or Dask executor into a durable store.

Each chunk (consecutive runs) is one task. The worker runs it (kernel by default; the
Mesa model for worlds with custom agent classes or on request), writes its two Parquet
parts atomically and returns their checksums; the client records them in the
manifest. ``resume`` skips exactly the chunks whose parts are listed and intact.
"""

from __future__ import annotations

import os
import time
import traceback
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm import tqdm

from experiments.pipeline.experiment import Experiment
from experiments.store import reader as store
from experiments.store.atomic import write_json, write_table
from model.engines.simulate import run_specs
from model.engines.tidy import tidy
from model.spec.errors import InputError
from model.spec.provenance import package_version

EXECUTORS = ("serial", "processes", "dask")


def chunks(exp: Experiment) -> dict[int, range]:
    """Chunk id -> run numbers; fixed by the experiment alone."""
    n, size = exp.n_runs, exp.chunk_size
    return {c: range(c * size, min(n, (c + 1) * size)) for c in range((n + size - 1) // size)}


def _engine(exp: Experiment, engine: str | None, spec) -> str:
    return engine or exp.engine or "kernel"


def _run_group(exp, specs, engine):
    return run_specs(specs, engine, exp.keep(specs[0].scenario))


def run_chunk(exp: Experiment, chunk_id: int, runs: range, out: str, engine: str | None = None) -> dict:
    """Run one chunk, write its parts, return its manifest entry (files, rows, checksums, failures)."""
    root = Path(out)
    specs = {r: exp.spec(r) for r in runs}
    groups = defaultdict(list)  # runs sharing world and horizon run in one kernel call
    for r, s in specs.items():
        sc = s.scenario
        groups[(sc.world.digest, sc.start, sc.end, _engine(exp, engine, s))].append(r)
    frames, status = [], {r: ("ok", "") for r in runs}
    for (_, _, _, eng), rs in groups.items():
        try:
            done = [(rs, _run_group(exp, [specs[r] for r in rs], eng))]
        except Exception:  # isolate the failing run(s): rerun one by one
            done = []
            for r in rs:
                try:
                    done.append(([r], _run_group(exp, [specs[r]], eng)))
                except Exception as exc:
                    status[r] = ("error", f"{type(exc).__name__}: {exc}")
                    traceback.print_exc()
        for rs_ok, traj in done:
            sc = specs[rs_ok[0]].scenario
            frames.append(tidy(traj, sc.world, sc.start, exp.run_table(rs_ok)))
    data = pd.concat(frames, ignore_index=True) if frames else None
    if data is not None:
        for c in ("scenario", "actor_a", "actor_b", "domain"):
            data[c] = data[c].astype(str)
    runs_df = exp.run_table(list(runs))
    runs_df["status"] = [status[r][0] for r in runs]
    runs_df["error"] = [status[r][1] for r in runs]
    files = {}
    parts = root / store.PARTS
    if data is not None:
        p = write_table(data, parts / f"data-{chunk_id:06d}")
        files["data"] = {"path": str(p.relative_to(root)), "sha256": store.sha256(p), "rows": len(data)}
    p = write_table(runs_df, parts / f"runs-{chunk_id:06d}")
    files["runs"] = {"path": str(p.relative_to(root)), "sha256": store.sha256(p), "rows": len(runs_df)}
    failed = {str(r): status[r][1] for r in runs if status[r][0] != "ok"}
    return {"chunk": chunk_id, "runs": [runs.start, runs.stop], "files": files, "failed": failed}


@dataclass
class Summary:
    """What a batch did: runs done now, skipped (resumed), failed with reasons, time."""

    runs: int = 0
    skipped: int = 0
    failed: dict = field(default_factory=dict)
    seconds: float = 0.0
    out: str = ""

    def text(self) -> str:
        lines = [f"{self.runs:,} runs in {self.seconds:.1f} s ({self.runs / max(self.seconds, 1e-9):,.1f} runs/s); "
                 f"{self.skipped:,} already complete; {len(self.failed):,} failed; results in {self.out}"]
        reasons = defaultdict(int)
        for msg in self.failed.values():
            reasons[msg] += 1
        for msg, k in sorted(reasons.items(), key=lambda kv: -kv[1]):
            lines.append(f"  {k} run(s) failed: {msg}")
        return "\n".join(lines)


def _prepare(exp: Experiment, root: Path, resume: bool) -> dict:
    """Open (resume) or create the store; refuse to mix experiments or overwrite results."""
    man = store.read_manifest(root)
    if man is not None:
        if man.get("experiment_sha256") != exp.digest:
            raise InputError(str(root), None, "--resume" if resume else "--out",
                             f"holds results of a different experiment ({man.get('experiment_file')}, "
                             f"sha256 {str(man.get('experiment_sha256'))[:12]}…); use another --out folder")
        if not resume:
            raise InputError(str(root), None, "--out", "already holds results of this experiment; "
                             "add --resume to finish it, or choose another --out folder")
        return man
    man = {"experiment_file": exp.path, "experiment_sha256": exp.digest, "experiment": exp.name,
           "runs": exp.n_runs, "chunk_size": exp.chunk_size, "chunks": {}}
    root.mkdir(parents=True, exist_ok=True)
    write_json({"experiment": exp.name, "experiment_file": exp.path, "experiment_sha256": exp.digest,
                "scenarios": {s.name: s.digest for s in exp.scenarios}, "parameters": exp.names,
                "bounds": exp.bounds, "design": exp.design, "samples": exp.n_samples,
                "replications": exp.replications, "seed": {"master": exp.seed, "spawn_key": "(sample, "
                                                           "replication)", "scheme": "SeedSequence -> PCG64"},
                "outputs": "full" if exp.keep_dates is None else {"summary": exp.keep_dates},
                "package_version": package_version()}, root / "metadata.json")
    store.write_manifest(root, man)
    return man


def run_batch(exp: Experiment, out: str | Path, executor: str = "serial", workers: int | None = None,
              scheduler: str | None = None, resume: bool = False, engine: str | None = None,
              progress: bool = True) -> Summary:
    """Run every chunk not already complete; return a summary. Memory stays one chunk per worker."""
    root = Path(out)
    man = _prepare(exp, root, resume)
    todo = {}
    skipped = 0
    for c, runs in chunks(exp).items():
        entry = man["chunks"].get(str(c))
        if entry is not None and store.chunk_valid(root, entry):
            skipped += len(runs)
        else:
            man["chunks"].pop(str(c), None)
            todo[c] = runs
    summary = Summary(skipped=skipped, out=str(root))
    for e in man["chunks"].values():
        summary.failed.update(e.get("failed", {}))
    t0 = time.perf_counter()
    bar = tqdm(total=exp.n_runs, initial=skipped, unit="run", disable=not progress, smoothing=0.1,
               desc=exp.name)

    def finished(entry: dict) -> None:
        man["chunks"][str(entry["chunk"])] = entry
        store.write_manifest(root, man)
        n = entry["runs"][1] - entry["runs"][0]
        summary.runs += n
        summary.failed.update(entry["failed"])
        bar.update(n)

    try:
        if executor == "serial":
            for c, runs in todo.items():
                finished(run_chunk(exp, c, runs, str(root), engine))
        elif executor == "processes":
            _run_processes(exp, todo, root, engine, workers or os.cpu_count() or 1, finished)
        elif executor == "dask":
            _run_dask(exp, todo, root, engine, workers, scheduler, finished)
        else:
            raise InputError("--executor", None, "executor", f"unknown executor {executor!r}")
    finally:
        bar.close()
    summary.seconds = time.perf_counter() - t0
    return summary


def _run_processes(exp, todo, root, engine, workers, finished) -> None:
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor, as_completed
    with ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("spawn")) as pool:
        futures = [pool.submit(run_chunk, exp, c, runs, str(root), engine) for c, runs in todo.items()]
        for f in as_completed(futures):
            finished(f.result())


def _run_dask(exp, todo, root, engine, workers, scheduler, finished) -> None:
    from dask.distributed import Client, LocalCluster, as_completed
    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1, processes=True,
                               host="127.0.0.1", dashboard_address=None)
        client = Client(cluster)
    try:
        exp_future = client.scatter(exp, broadcast=True)
        futures = [client.submit(run_chunk, exp_future, c, runs, str(root), engine, pure=False)
                   for c, runs in todo.items()]
        for f in as_completed(futures):
            finished(f.result())
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def results(root: str | Path, **kw) -> pd.DataFrame:
    """The whole store as one DataFrame (``alliance results`` prints its summary)."""
    return store.load(root, **kw)


def describe(root: str | Path) -> str:
    """A human summary of a result folder."""
    root = Path(root)
    man = store.read_manifest(root)
    runs = store.runs(root)
    lines = [f"result folder {root}"]
    if man is not None:
        total = man["runs"]
        done = int(np.sum([e["runs"][1] - e["runs"][0] for e in man["chunks"].values()]))
        lines.append(f"experiment {man['experiment']} ({man['experiment_file']}): {done:,} of {total:,} runs "
                     f"complete in {len(man['chunks'])} chunk(s)")
    if len(runs):
        ok = runs[runs["status"] == "ok"] if "status" in runs else runs
        lines.append(f"{len(ok):,} ok, {len(runs) - len(ok):,} failed")
        for scen, k in ok.groupby("scenario", observed=True).size().items():
            lines.append(f"  {scen}: {k:,} runs")
        if "status" in runs:
            for msg, k in runs[runs["status"] != "ok"].groupby("error").size().items():
                lines.append(f"  failed ×{k}: {msg}")
    return "\n".join(lines)
