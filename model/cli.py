"""The ``alliance`` command line: scenarios, validate, run, batch, results, plot, landscape ...

Every user mistake is an InputError, printed as one line naming file, line and field,
with exit status 2 and no output files written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import InputError, did_you_mean
from .parameters import REGISTRY

COMMANDS: dict[str, tuple] = {}


def command(name: str, help: str):
    """Register a subcommand: ``fn(args)`` plus a ``fn.configure(parser)`` hook."""
    def wrap(fn):
        COMMANDS[name] = (fn, help)
        return fn
    return wrap


def parse_overrides(items: list[str] | None) -> dict[str, float]:
    """``--set name=value`` pairs, checked against the parameter registry."""
    out = {}
    for item in items or []:
        if "=" not in item:
            raise InputError("--set", None, item, "expected NAME=VALUE")
        name, raw = item.split("=", 1)
        if name not in REGISTRY:
            raise InputError("--set", None, name, f"unknown parameter{did_you_mean(name, REGISTRY)}")
        try:
            value = float(raw)
        except ValueError:
            raise InputError("--set", None, name, f"not a number: {raw!r}") from None
        why = REGISTRY[name].check(value)
        if why:
            raise InputError("--set", None, name, why)
        out[name] = value
    return out


# ---------------------------------------------------------------- scenarios / validate / params
@command("scenarios", "list the shipped scenarios with one-line descriptions")
def cmd_scenarios(args) -> int:
    from .scenario import load_scenario, shipped
    for p in shipped():
        s = load_scenario(p)
        print(f"{p.stem:28s} {s.description}")
    return 0


@command("validate", "check a scenario file (and everything it extends) without running it")
def cmd_validate(args) -> int:
    from .scenario import load_scenario
    s = load_scenario(args.file)
    print(f"{args.file}: ok — scenario '{s.name}', world '{s.world.name}' ({s.world.n} actors), "
          f"{s.start}–{s.end}, {len(s.events)} events, {len(s.conditions)} conditions")
    return 0


cmd_validate.configure = lambda p: p.add_argument("file", help="scenario YAML file or shipped scenario name")


@command("params", "list the parameter registry (name, unit, default, range, meaning)")
def cmd_params(args) -> int:
    for p in REGISTRY.values():
        print(f"{p.name:28s} {p.default:>7g}  [{p.low:g}, {p.high:g}]  {p.unit:24s} {p.meaning}")
    return 0


# ---------------------------------------------------------------- run
@command("run", "run one scenario for R replications and write a tidy table + metadata")
def cmd_run(args) -> int:
    from .output import write_json, write_table
    from .scenario import load_scenario
    from .simulate import simulate
    overrides = parse_overrides(args.set)
    if args.replications < 1:
        raise InputError("--replications", None, "replications", "must be at least 1")
    scenario = load_scenario(args.scenario)
    for k, v in overrides.items():
        scenario.parameters[k] = v
    table, meta = simulate(scenario, args.seed, args.replications, engine=args.engine)
    out = Path(args.out or Path("results") / scenario.name)
    path = write_table(table, out / "trajectories", "csv" if args.csv else "parquet")
    write_json(meta, out / "metadata.json")
    print(f"wrote {path} ({len(table):,} rows) and {out / 'metadata.json'}")
    return 0


def _configure_run(p):
    p.add_argument("scenario", help="shipped scenario name or path to a scenario YAML file")
    p.add_argument("--seed", type=int, default=0, help="master seed (default 0)")
    p.add_argument("--replications", "-r", type=int, default=1, help="number of runs (default 1)")
    p.add_argument("--out", help="output folder (default results/SCENARIO)")
    p.add_argument("--csv", action="store_true", help="write CSV instead of Parquet")
    p.add_argument("--engine", choices=("kernel", "mesa"), help="kernel (fast) or mesa (reference); "
                   "default: kernel unless the world uses custom agent classes")
    p.add_argument("--set", action="append", metavar="NAME=VALUE", help="override a registry parameter")


cmd_run.configure = _configure_run


# ---------------------------------------------------------------- landscape
@command("landscape", "Axelrod–Bennett alignment landscape of a CSV (sizes + propensities) or a result store")
def cmd_landscape(args) -> int:
    if args.store:
        from .landscape_store import run_landscape_store
        return run_landscape_store(args.store, args.date, descent=args.descent)
    if not args.file:
        raise InputError("alliance landscape", None, "FILE", "give a CSV file, or --store DIR --date YEAR")
    from .landscape_io import run_landscape_file
    run_landscape_file(args.file, descent=args.descent)
    return 0


def _configure_landscape(p):
    p.add_argument("file", nargs="?", help="CSV: actor,size,<one propensity column per actor>")
    p.add_argument("--descent", action="store_true", help="use steepest descent instead of exact search")
    p.add_argument("--store", help="a result folder (from run or batch) instead of a CSV")
    p.add_argument("--date", type=float, default=2025.0, help="date (year) to analyse in the store")


cmd_landscape.configure = _configure_landscape


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="alliance", description="Japan–NATO alliance simulator (Mesa).")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (fn, help_) in COMMANDS.items():
        p = sub.add_parser(name, help=help_, description=help_)
        if hasattr(fn, "configure"):
            fn.configure(p)
    return parser


def main(argv: list[str] | None = None) -> int:
    from . import commands  # noqa: F401  (registers the batch/plot/... subcommands)
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 0
    try:
        return COMMANDS[args.command][0](args) or 0
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted; finished parts are kept (resume with --resume where supported)", file=sys.stderr)
        return 130


if __name__ == "__main__":  # python -m model.cli: use the one registry of the imported module
    from model.cli import main as _main

    sys.exit(_main())
