"""``alliance batch``: run an experiment file into a resumable result store."""

from __future__ import annotations

from pathlib import Path

from experiments.cli.command import Command
from experiments.pipeline.batch import run_batch
from experiments.pipeline.experiment import load_experiment
from model.spec.errors import InputError


def _batch(args) -> int:
    if args.workers is not None and args.workers < 1:
        raise InputError("--workers", None, "workers", "must be at least 1")
    if args.scheduler and args.executor != "dask":
        raise InputError("--scheduler", None, "scheduler", "only applies with --executor dask")
    exp = load_experiment(args.experiment)
    out = Path(args.out or Path("results") / exp.name)
    summary = run_batch(exp, out, args.executor, args.workers, args.scheduler, args.resume, args.engine,
                        progress=not args.quiet)
    print(summary.text())
    return 0


def _configure_batch(p) -> None:
    p.add_argument("experiment", help="experiment YAML file (or the name of one in experiments/)")
    p.add_argument("--executor", choices=("serial", "processes", "dask"), default="processes",
                   help="where chunks run (default processes: all cores)")
    p.add_argument("--workers", type=int, help="number of worker processes (default: all cores)")
    p.add_argument("--scheduler", help="address of a running Dask scheduler (default: start a LocalCluster)")
    p.add_argument("--out", help="result folder (default results/EXPERIMENT)")
    p.add_argument("--resume", action="store_true", help="finish an interrupted batch in --out")
    p.add_argument("--engine", choices=("kernel", "mesa"), help="default: kernel, or mesa for custom agent classes")
    p.add_argument("--quiet", action="store_true", help="no progress bar")


BATCH = Command("batch", "run an experiment file (scenarios x samples x replications) into a resumable result store",
                _configure_batch, _batch)
