"""``alliance run SCENARIO``: R replications of one scenario into a tidy table and its metadata.

Everything is checked before the simulation starts: the arguments, the size (runs and
memory), the output folder (never built from an unchecked name; not a file; not
another kind of result). The folder is locked while the run writes into it, and its
metadata records the table's size, rows and sha256, so readers can tell a damaged table.
A rerun into the folder switches table and metadata together (experiments.store.atomic.Staged):
the folder goes from one consistent state to the next, whatever format each run wrote.

With ``--posterior`` each run draws the posterior's parameters; ``--set NAME=VALUE`` wins
over the draws of NAME (every run uses VALUE, and the metadata says so), and each run's
drawn values are columns of the table, which :func:`experiments.store.reader.runs` reports.
"""

from __future__ import annotations

import sys
from pathlib import Path

from tqdm import tqdm

from experiments.cli.command import Command
from experiments.pipeline.config import check_names
from experiments.pipeline.posterior_file import read_posterior
from experiments.pipeline.single import BLOCK, check_size, simulate_in_blocks
from experiments.store.atomic import Staged, json_writer, remove_stale_temporaries, table_path, table_writer
from experiments.store.folders import default_folder, result_folder
from experiments.store.manifest import METADATA, SINGLE, file_entry, sha256
from model.spec.overrides import parse_assignments
from model.spec.scenario import load_scenario


def _write(out: Path, table, meta: dict, csv: bool) -> Path:
    """The table and the metadata that vouches for it (kind, size, rows, sha256), switched in together; then the
    table of the other format, which the new metadata no longer names, goes."""
    fmt = "csv" if csv else "parquet"
    path = table_path(out / "trajectories", fmt)
    remove_stale_temporaries(out, [*SINGLE, METADATA])
    with Staged() as staged:
        tmp = staged.add(path, table_writer(table, fmt))
        entry = file_entry(out, tmp, len(table), name=path.name)
        staged.add(out / METADATA, json_writer({**meta, "kind": "run", "files": {path.name: entry}}))
    for name in SINGLE:
        if name != path.name:
            (out / name).unlink(missing_ok=True)
    return path


def _draws(post, overrides: dict, replications: int, seed: int) -> tuple[list[dict] | None, list[str]]:
    """Each run's draw from the posterior, without the parameters ``--set`` fixes; the drawn parameters."""
    if post is None:
        return None, []
    drawn = [n for n in post.names if n not in overrides]
    if len(drawn) < len(post.names):
        fixed = ", ".join(f"{n}={overrides[n]:g}" for n in post.names if n in overrides)
        print(f"note: --set {fixed} replaces the posterior's draws of the same parameter(s) in every run",
              file=sys.stderr)
    return [{n: d[n] for n in drawn} for d in post.draw(replications, seed)], drawn


def _run(args) -> int:
    overrides = parse_assignments(args.set)
    scenario = check_names(load_scenario(args.scenario))
    scenario.parameters.update(overrides)
    check_size(scenario, args.replications)
    post = read_posterior(args.posterior, "--posterior", None, "posterior") if args.posterior else None
    draws, drawn = _draws(post, overrides, args.replications, args.seed)
    out = Path(args.out) if args.out else default_folder(scenario.name, scenario.path)
    with result_folder(out, "run", getattr(args, "command_line", None)):
        with tqdm(total=args.replications, unit="run", desc=scenario.name, file=sys.stderr,
                  disable=args.quiet or args.replications <= BLOCK) as bar:
            table, meta = simulate_in_blocks(scenario, args.seed, args.replications, args.engine, bar.update, draws)
        if post:
            meta["posterior"] = {"file": post.path, "sha256": sha256(Path(post.path)), "parameters": drawn,
                                 "overridden": [n for n in post.names if n not in drawn],
                                 "draws": "run r uses draw r of Posterior.draw(replications, seed), but for the "
                                          "overridden parameters (--set); each run's values are table columns"}
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


RUN = Command("run", "run one scenario for R replications and write a tidy table + metadata", _configure, _run,
          out_flag="--out")
