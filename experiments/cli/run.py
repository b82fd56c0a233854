"""``alliance run SCENARIO``: R replications of one scenario into a tidy table and its metadata."""

from __future__ import annotations

from pathlib import Path

from experiments.cli.command import Command
from experiments.store.atomic import write_json, write_table
from model.engines.simulate import simulate
from model.spec.errors import InputError
from model.spec.overrides import parse_assignments
from model.spec.scenario import load_scenario


def _run(args) -> int:
    overrides = parse_assignments(args.set)
    if args.replications < 1:
        raise InputError("--replications", None, "replications", "must be at least 1")
    scenario = load_scenario(args.scenario)
    scenario.parameters.update(overrides)
    table, meta = simulate(scenario, args.seed, args.replications, engine=args.engine)
    out = Path(args.out or Path("results") / scenario.name)
    path = write_table(table, out / "trajectories", "csv" if args.csv else "parquet")
    write_json(meta, out / "metadata.json")
    print(f"wrote {path} ({len(table):,} rows) and {out / 'metadata.json'}")
    return 0


def _configure(p) -> None:
    p.add_argument("scenario", help="shipped scenario name or path to a scenario YAML file")
    p.add_argument("--seed", type=int, default=0, help="master seed (default 0)")
    p.add_argument("--replications", "-r", type=int, default=1, help="number of runs (default 1)")
    p.add_argument("--out", help="output folder (default results/SCENARIO)")
    p.add_argument("--csv", action="store_true", help="write CSV instead of Parquet")
    p.add_argument("--engine", choices=("kernel", "mesa"), help="kernel (fast) or mesa (reference); "
                   "default: kernel unless the world uses custom agent classes")
    p.add_argument("--set", action="append", metavar="NAME=VALUE", help="override a registry parameter")


RUN = Command("run", "run one scenario for R replications and write a tidy table + metadata", _configure, _run)
