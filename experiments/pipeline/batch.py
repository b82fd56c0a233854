"""Running an experiment in chunks on an evaluator (serial, processes, Dask) into a durable store.

Each chunk (consecutive runs) is one task. The worker runs it on the kernel (or the
Mesa model on request), writes its two Parquet parts atomically and returns their
checksums; the client records them in the manifest. ``resume`` skips exactly the
chunks whose parts are listed and intact.

Before anything is written the batch is planned (:func:`plan`: the executor, the number
of workers that fit in memory, the estimate of time and disk), the folder is locked
(experiments.store.lock) and checked (one kind of result, the same experiment), and the
evaluator is started (a Dask scheduler reached); only then is the store created, so a
refused batch leaves no half-started store behind.
"""

from __future__ import annotations

import time
import traceback
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from experiments.pipeline.estimate import Estimate, batch_estimate, choose_executor, memory_budget
from experiments.pipeline.evaluators import evaluator
from experiments.pipeline.experiment import Experiment
from experiments.pipeline.limits import cap_workers, check_memory
from experiments.store.folders import result_folder
from experiments.store.verify import chunk_problem
from experiments.store.writer import check_identity, open_store, record_chunk, write_chunk
from model.engines.simulate import run_specs
from model.engines.tidy import tidy
from model.spec.provenance import model_digest, package_version


def chunks(exp: Experiment) -> dict[int, range]:
    """Chunk id -> run numbers; fixed by the experiment alone."""
    n, size = exp.n_runs, exp.chunk_size
    return {c: range(c * size, min(n, (c + 1) * size)) for c in range((n + size - 1) // size)}


def _run_group(exp: Experiment, specs, engine: str):
    return run_specs(specs, engine, exp.keep(specs[0].scenario))


def run_chunk(exp: Experiment, chunk_id: int, runs: range, out: str, engine: str | None = None) -> dict:
    """Run one chunk, write its parts, return its manifest entry (files, rows, checksums, failures)."""
    eng = engine or exp.engine or "kernel"
    specs = {r: exp.spec(r) for r in runs}
    groups = defaultdict(list)  # runs sharing world and horizon run in one kernel call
    for r, s in specs.items():
        groups[(s.scenario.world.digest, s.scenario.start, s.scenario.end)].append(r)
    frames, status = [], {r: ("ok", "") for r in runs}
    for rs in groups.values():
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
    runs_df = exp.run_table(list(runs))
    runs_df["status"] = [status[r][0] for r in runs]
    runs_df["error"] = [status[r][1] for r in runs]
    failed = {str(r): status[r][1] for r in runs if status[r][0] != "ok"}
    return write_chunk(Path(out), chunk_id, runs, data, runs_df, failed)


@dataclass
class Summary:
    """What a batch did: runs done now, skipped (resumed), failed with reasons, time."""

    runs: int = 0
    skipped: int = 0
    failed: dict = field(default_factory=dict)
    seconds: float = 0.0
    out: str = ""
    executor: str = ""

    def text(self) -> str:
        how = f", {self.executor}" if self.executor else ""
        rate = self.runs / max(self.seconds, 1e-9)
        lines = [f"{self.runs:,} runs in {self.seconds:.1f} s ({rate:,.1f} runs/s{how}); "
                 f"{self.skipped:,} already complete; {len(self.failed):,} failed; results in {self.out}"]
        reasons: dict[str, int] = defaultdict(int)
        for msg in self.failed.values():
            reasons[msg] += 1
        for msg, k in sorted(reasons.items(), key=lambda kv: -kv[1]):
            lines.append(f"  {k} run(s) failed: {msg}")
        return "\n".join(lines)


def _identity(exp: Experiment) -> tuple[dict, dict]:
    """The manifest's identity fields and the metadata of an experiment's store."""
    ident = {"experiment_file": exp.path, "experiment_sha256": exp.digest, "experiment": exp.name,
             "runs": exp.n_runs, "chunk_size": exp.chunk_size, "model_sha256": model_digest()}
    meta = {"experiment": exp.name, "experiment_file": exp.path, "experiment_sha256": exp.digest,
            "scenarios": {s.name: s.digest for s in exp.scenarios}, "parameters": exp.names,
            "events": {s.name: [{"date": e.date, "quantity": e.quantity.name, "op": e.op, "value": e.value,
                                 "label": e.label} for e in s.events] for s in exp.scenarios},
            "indices": {s.name: list(s.world.indices) for s in exp.scenarios},
            "bounds": exp.bounds, "design": exp.design, "samples": exp.n_samples,
            "replications": exp.replications, "seed": {"master": exp.seed, "spawn_key": "(sample, replication)",
                                                       "scheme": "SeedSequence -> PCG64"},
            "outputs": "full" if exp.keep_dates is None else {"summary": exp.keep_dates},
            "package_version": package_version(), "model_sha256": model_digest()}
    return ident, meta


@dataclass(frozen=True)
class Plan:
    """How a batch will run: the executor, its worker processes, and the estimate of its cost."""

    executor: str
    workers: int
    estimate: Estimate
    note: str = ""


def plan(exp: Experiment, executor: str = "auto", workers: int | None = None) -> Plan:
    """Resolve ``auto``, and cap the workers by the usable cores, the available memory (each worker's own and
    one chunk's rows: experiments.pipeline.limits.cap_workers) and the rows budget.

    ``auto`` is serial where starting worker processes costs more than they save
    (experiments.pipeline.estimate.choose_executor), processes otherwise.
    """
    est = batch_estimate(exp)
    budget = memory_budget()
    check_memory(int(est.chunk_bytes), budget, exp.path, None, "chunk_size",
                 "lower chunk_size (or keep summary outputs only)")
    n, note = cap_workers(workers, est.chunk_bytes)
    kind = choose_executor(est, n) if executor == "auto" else executor
    if kind == "serial":
        return Plan(kind, 1, est)
    if est.chunk_bytes * n > budget:
        fit = max(1, int(budget // est.chunk_bytes))
        note = f"{n} workers would hold {est.chunk_bytes * n / 2**30:.1f} GiB at once; using {fit}"
        n = fit
    return Plan(kind, n, est, note)


def _todo(root: Path, exp: Experiment, man: dict) -> tuple[dict[int, range], int]:
    """Chunks still to run (absent or damaged: every part is checked down to its sha256) and the runs complete."""
    todo, skipped = {}, 0
    for c, runs in chunks(exp).items():
        entry = man["chunks"].get(str(c))
        if entry is not None and chunk_problem(root, str(c), entry, man, full=True) is None:
            skipped += len(runs)
        else:
            man["chunks"].pop(str(c), None)
            todo[c] = runs
    return todo, skipped


def _run_todo(exp, root: Path, man: dict, todo: dict, ev, engine, bar, summary: Summary) -> None:
    shared = ev.share(exp)
    futures = [ev.submit(run_chunk, shared, c, runs, str(root), engine) for c, runs in todo.items()]
    for f in ev.as_completed(futures):
        entry = f.result()
        record_chunk(root, man, entry)
        n = entry["runs"][1] - entry["runs"][0]
        summary.runs += n
        summary.failed.update(entry["failed"])
        bar.update(n)


def run_batch(exp: Experiment, out: str | Path, executor: str = "serial", workers: int | None = None,
              scheduler: str | None = None, resume: bool = False, engine: str | None = None,
              progress: bool = True, command: str = "alliance batch", planned: Plan | None = None) -> Summary:
    """Run every chunk not already complete; return a summary. Memory stays one chunk per worker.

    The folder is locked for the whole batch; the store is created only once the
    evaluator is up (a Dask scheduler that cannot be reached leaves nothing behind).
    """
    root = Path(out)
    p = planned or plan(exp, executor, workers)
    ident, meta = _identity(exp)
    with result_folder(root, "batch", command):
        check_identity(root, ident, resume)
        with evaluator(p.executor, p.workers, scheduler) as ev:
            man = open_store(root, ident, meta, resume)
            todo, skipped = _todo(root, exp, man)
            where = p.executor if p.executor == "serial" else f"{p.executor}, {p.workers} workers"
            summary = Summary(skipped=skipped, out=str(root), executor=where)
            for e in man["chunks"].values():
                summary.failed.update(e.get("failed", {}))
            t0 = time.perf_counter()
            with tqdm(total=exp.n_runs, initial=skipped, unit="run", disable=not progress, smoothing=0.1,
                      desc=exp.name) as bar:
                _run_todo(exp, root, man, todo, ev, engine, bar, summary)
            summary.seconds = time.perf_counter() - t0
    return summary
