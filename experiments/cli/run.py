"""``alliance run SCENARIO``: R replications of one scenario into a tidy table and its metadata.

Everything is checked before the simulation starts: the arguments, the size (runs and
memory), the output folder (never built from an unchecked name; not a file; not
another kind of result). The folder is locked while the run writes into it, and its
metadata records the table's size, rows and sha256, so readers can tell a damaged table.
"""

from __future__ import annotations

import sys
from pathlib import Path

from tqdm import tqdm

from experiments.cli.command import Command
from experiments.pipeline.posterior_file import read_posterior
from experiments.pipeline.single import BLOCK, check_size, simulate_in_blocks
from experiments.store.atomic import write_json, write_table
from experiments.store.folders import default_folder, result_folder
from experiments.store.manifest import SINGLE, file_entry, sha256
from model.spec.overrides import parse_assignments
from model.spec.scenario import load_scenario


def _write(out: Path, table, meta: dict, csv: bool) -> Path:
    """The table, then the metadata that vouches for it (kind, size, rows, sha256); the other format goes."""
    path = write_table(table, out / "trajectories", "csv" if csv else "parquet")
    for name in SINGLE:
        if name != path.name:
            (out / name).unlink(missing_ok=True)
    write_json({**meta, "kind": "run", "files": {path.name: file_entry(out, path, len(table))}}, out / "metadata.json")
    return path


def _run(args) -> int:
    overrides = parse_assignments(args.set)
    scenario = load_scenario(args.scenario)
    scenario.parameters.update(overrides)
    check_size(scenario, args.replications)
    post = read_posterior(args.posterior, "--posterior", None, "posterior") if args.posterior else None
    draws = post.draw(args.replications, args.seed) if post else None
    out = Path(args.out) if args.out else default_folder(scenario.name, scenario.path)
    with result_folder(out, "run", getattr(args, "command_line", None)):
        with tqdm(total=args.replications, unit="run", desc=scenario.name, file=sys.stderr,
                  disable=args.quiet or args.replications <= BLOCK) as bar:
            table, meta = simulate_in_blocks(scenario, args.seed, args.replications, args.engine, bar.update, draws)
        if post:
            meta["posterior"] = {"file": post.path, "sha256": sha256(Path(post.path)), "parameters": list(post.names),
                                 "draws": "run r uses draw r of Posterior.draw(replications, seed)"}
        meta["command"] = getattr(args, "command_line", None)  # what repairs the folder if it is damaged
        path = _write(out, table, meta, args.csv)
    print(f"wrote {path} ({len(table):,} rows) and {out / 'metadata.json'}")
    return 0


def _configure(p) -> None:
    p.add_argument("scenario", help="shipped scenario name or path to a scenario YAML file")
    p.add_argument("--seed", type=int, default=0, help="master seed (default 0)")
    p.add_argument("--replications", "-r", type=int, default=1, help="number of runs (default 1)")
    p.add_argument("--out", help="output folder (default results/SCENARIO)")
    p.add_argument("--csv", action="store_true", help="write CSV instead of Parquet")
    p.add_argument("--engine", choices=("kernel", "mesa"), help="kernel (fast) or mesa (reference); "
                   "default: kernel (both engines apply custom agent classes)")
    p.add_argument("--set", action="append", metavar="NAME=VALUE", help="override a registry parameter")
    p.add_argument("--posterior", metavar="FILE", help="draw each replication's parameters from a posterior "
                   "(posterior.parquet of alliance calibrate with method: abc, or its folder)")
    p.add_argument("--quiet", action="store_true", help=f"no progress bar (shown above {BLOCK} replications)")


RUN = Command("run", "run one scenario for R replications and write a tidy table + metadata", _configure, _run)
