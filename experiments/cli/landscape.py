"""``alliance landscape``: the Axelrod–Bennett alignment landscape of a CSV or of a result folder."""

from __future__ import annotations

from experiments.analysis.landscape_io import run_landscape_file
from experiments.analysis.landscape_store import run_landscape_store
from experiments.cli.command import Command
from model.spec.errors import InputError


def _run(args) -> int:
    if args.store:
        return run_landscape_store(args.store, args.date, descent=args.descent)
    if not args.file:
        raise InputError("alliance landscape", None, "FILE", "give a CSV file, or --store DIR --date YEAR")
    run_landscape_file(args.file, descent=args.descent)
    return 0


def _configure(p) -> None:
    p.add_argument("file", nargs="?", help="CSV: actor,size,<one propensity column per actor>")
    p.add_argument("--descent", action="store_true", help="use steepest descent instead of exact search")
    p.add_argument("--store", help="a result folder (from run or batch) instead of a CSV")
    p.add_argument("--date", type=float, default=2025.0, help="date (year) to analyse in the store")


LANDSCAPE = Command("landscape", "Axelrod–Bennett alignment landscape of a CSV (sizes + propensities) or a result "
                    "store", _configure, _run)
