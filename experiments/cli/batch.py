"""``alliance batch``: run an experiment file into a resumable result store.

The default executor, ``auto``, runs small batches in this process and larger ones on
all cores: a worker process takes about 5 s of CPU to start (a fresh interpreter
importing the model), which a small batch never earns back. Measured on the 2-core
reference machine (docs/batches.md, "Choosing the executor"): the README's 180-run
experiments/sweep_build_rate.yaml takes 2.6 s of CPU serially; the whole command took
10.0 s serial and 21.4 s on 2 processes; at 720 runs 14.4 s and 17.1 s; processes win
above about 10 s of serial work, 700-800 runs of that sweep. ``auto`` compares the
estimates of both (experiments.pipeline.estimate) rather than a fixed run count, since a
run's cost depends on its world, horizon and outputs.

A large batch prints its estimate of time and disk first. Ctrl-C at any moment stops
the batch with one line naming the exact command that resumes it.
"""

from __future__ import annotations

import shlex
import shutil
import sys
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from experiments.cli.command import WORKER_DIED, Command, Fault, Interrupted
from experiments.pipeline.batch import plan, run_batch
from experiments.pipeline.experiment import load_experiment
from experiments.store.folders import default_folder
from model.spec.errors import InputError


def _free_bytes(out: Path) -> int | None:
    for p in (out, *out.resolve().parents):
        if p.exists():
            try:
                return shutil.disk_usage(p).free
            except OSError:
                return None
    return None


def _announce(p, out: Path, quiet: bool) -> None:
    """The plan's estimate (large batches only) and a warning when the disk looks too small."""
    if p.note:
        print(f"note: {p.note}", file=sys.stderr)
    if p.estimate.large and not quiet:
        print(p.estimate.text(p.executor, p.workers), file=sys.stderr)
    free = _free_bytes(out)
    if free is not None and p.estimate.disk_bytes > free:
        print(f"warning: {out} has {free / 1e9:.1f} GB free, the batch may need about "
              f"{p.estimate.disk_bytes / 1e9:.1f} GB", file=sys.stderr)


def _resume(exp, out: Path) -> str:
    return shlex.join(["alliance", "batch", exp.path, "--out", str(out), "--resume"])


def _batch(args) -> int:
    if args.scheduler and args.executor != "dask":
        raise InputError("--scheduler", None, "scheduler", "only applies with --executor dask")
    exp = load_experiment(args.experiment)
    out = Path(args.out) if args.out else default_folder(exp.name, exp.path)
    p = plan(exp, args.executor, args.workers)
    _announce(p, out, args.quiet)
    try:
        summary = run_batch(exp, out, p.executor, p.workers, args.scheduler, args.resume, args.engine,
                            progress=not args.quiet, command=getattr(args, "command_line", "alliance batch"),
                            planned=p)
    except KeyboardInterrupt:
        raise Interrupted(f"interrupted; finished chunks are kept in {out}; resume with: {_resume(exp, out)}") from None
    except BrokenProcessPool:  # the system killed a worker (the OOM killer, say): the pool cannot go on
        raise Fault(f"{WORKER_DIED}; finished chunks are kept in {out}; resume with: "
                    f"{_resume(exp, out)}") from None
    print(summary.text())
    return 0


def _configure_batch(p) -> None:
    p.add_argument("experiment", help="experiment YAML file (or the name of one in experiments/)")
    p.add_argument("--executor", choices=("auto", "serial", "processes", "dask"), default="auto",
                   help="where chunks run (default auto: in this process for small batches, all cores for large "
                   "ones)")
    p.add_argument("--workers", type=int, help="number of worker processes (default: all cores)")
    p.add_argument("--scheduler", help="address of a running Dask scheduler (default: start a LocalCluster)")
    p.add_argument("--out", help="result folder (default results/EXPERIMENT)")
    p.add_argument("--resume", action="store_true", help="finish an interrupted batch in --out")
    p.add_argument("--engine", choices=("kernel", "mesa"),
                   help="kernel (fast, default) or mesa (reference); both apply custom agent classes")
    p.add_argument("--quiet", action="store_true", help="no progress bar and no estimate")


BATCH = Command("batch", "run an experiment file (scenarios x samples x replications) into a resumable result store",
                _configure_batch, _batch, out_flag="--out")
