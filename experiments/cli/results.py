"""``alliance results DIR``: what a result folder holds, and its rows as one table."""

from __future__ import annotations

from pathlib import Path

from experiments.cli.command import Command
from experiments.store.atomic import write_table
from experiments.store.reader import describe, load


def _run(args) -> int:
    print(describe(args.dir))
    if args.export:
        df = load(args.dir)
        path = write_table(df, Path(args.export), "csv" if str(args.export).endswith(".csv") else "parquet")
        print(f"wrote {path} ({len(df):,} rows)")
    return 0


def _configure(p) -> None:
    p.add_argument("dir", help="result folder written by run or batch")
    p.add_argument("--export", help="also write all rows to one .parquet or .csv file")


RESULTS = Command("results", "summarise a result folder and optionally export it as one table", _configure, _run)
