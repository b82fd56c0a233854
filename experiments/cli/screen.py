"""``alliance screen CONFIG``: which registry parameters move the fit and each expected response (Morris).

Every registry parameter, uniform on its registry range, in one Morris design; outputs: the
calibration distance of CONFIG (experiments/screening.yaml: the factual run against the record
and the legal steps' dates) and the paired effect of each row of data/expectations.yaml. Writes
``screening.csv`` (one row per parameter and output), ``selected.csv`` (the parameters whose μ*
reaches a tenth of some output's largest: those the posterior must fit) and ``screening.json``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from tqdm import tqdm

from experiments.analysis.calibration_config import load_config
from experiments.analysis.screening import SHARE, Screening, screen, selected
from experiments.cli.command import Command
from experiments.store.atomic import Staged, json_writer, table_writer
from experiments.store.folders import default_folder, result_folder


def _run(args) -> int:
    config = load_config(args.config)
    s = Screening(config, trajectories=args.trajectories, replications=args.replications, seed=args.seed)
    out = Path(args.out) if args.out else default_folder(Path(args.config).stem, args.config, "config",
                                                         under="screening")
    with result_folder(out, "screening", getattr(args, "command_line", None)):
        with tqdm(unit="point", file=sys.stderr, disable=args.quiet, desc="screening") as bar:
            def progress(done: int, total: int) -> None:
                bar.total = total
                bar.update(done - bar.n)

            table = screen(s, "processes" if args.workers and args.workers > 1 else "serial", args.workers, progress)
        chosen = selected(table)
        with Staged() as st:
            st.add(out / "screening.csv", table_writer(table, "csv"))
            st.add(out / "selected.csv", table_writer(chosen.assign(matters_for=chosen["matters_for"].map(" ".join)),
                                                      "csv"))
            st.add(out / "screening.json", json_writer({"config": args.config, "share": SHARE, **table.attrs,
                                                        "selected": chosen["parameter"].tolist()}))
    print(f"{len(chosen)} of {table['parameter'].nunique()} parameters reach {SHARE:.0%} of some output's largest "
          f"mu* ({table.attrs['points']} design points x {s.replications} replications):")
    for row in chosen.itertuples(index=False):
        print(f"  {row.parameter:28s} {'fit' if row.fit else '   '} {row.largest:5.2f}  {' '.join(row.matters_for)}")
    print(f"wrote {out / 'screening.csv'}, {out / 'selected.csv'} and {out / 'screening.json'}")
    return 0


def _configure(p) -> None:
    p.add_argument("config", help="calibration config whose distance is screened (experiments/screening.yaml)")
    p.add_argument("--trajectories", type=int, default=10, help="Morris trajectories (default 10)")
    p.add_argument("--replications", type=int, default=4, help="runs per design point (default 4)")
    p.add_argument("--seed", type=int, default=7, help="design and run seed (default 7)")
    p.add_argument("--workers", type=int, help="processes (default: serial)")
    p.add_argument("--out", help="output folder (default results/screening/CONFIG-NAME)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")


SCREEN = Command("screen", "which parameters move the fit and each expected response (Morris over every registry "
                 "parameter)", _configure, _run, out_flag="--out")
