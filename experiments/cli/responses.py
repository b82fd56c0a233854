"""``alliance responses``: every expected response of data/expectations.yaml, measured and judged.

Over ``--draws`` posterior draws (default: the shipped posterior; each draw runs every scenario
with the same parameters and shocks) or, with ``--fixed``, over replications at the registry
defaults (and ``--set``): per row, the median effect and its 5–95 % range, the mean with its
interval, the shares of draws with the expected and the opposite sign, the order where the row
states one, whether it holds by the file's rule (docs/expectations.md), and what its spread rests
on. ``--out`` writes ``responses.csv`` and ``responses.json``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from experiments.analysis.responses import EXPECTATIONS, SEED_DEFAULT, responses
from experiments.cli.command import Command
from experiments.cli.whatif import POSTERIOR
from experiments.pipeline.posterior_file import read_posterior
from experiments.store.atomic import Staged, json_writer, table_writer
from experiments.store.folders import result_folder
from model.spec.overrides import parse_assignments


def _text(t: pd.DataFrame) -> str:
    lines = [f"{'id':26s} {'exp':>3s} {'median':>8s} {'5–95 %':>19s} {'interval of the mean':>21s} {'sign':>5s} "
             f"{'opp.':>5s} {'order':>5s} holds  rests on"]
    for r in t.itertuples(index=False):
        order = "" if pd.isna(r.order) else f"{r.order:.0%}"
        lines.append(f"{r.id:26s} {r.expected + ('w' if r.weak else ''):>3s} {r.median:+8.4f} "
                     f"{f'{r.q05:+.4f} … {r.q95:+.4f}':>19s} {f'[{r.low:+.4f}, {r.high:+.4f}]':>21s} "
                     f"{r.with_sign:5.0%} {r.against:5.0%} {order:>5s} {'yes' if r.holds else 'NO':5s}  {r.rests_on}")
    return "\n".join(lines)


def _run(args) -> int:
    post = None if args.fixed else read_posterior(args.posterior or POSTERIOR, "--posterior", None, "posterior")
    n = args.draws if post is not None else args.replications
    print(f"{n} {'posterior draws' if post is not None else 'replications at fixed parameters'}, paired across "
          f"scenarios (seed {args.seed}); expectations: {args.expectations}", file=sys.stderr, flush=True)
    table = responses(post, n, args.seed, parse_assignments(args.set), args.expectations)
    print(_text(table))
    a = table.attrs
    print(f"holds: at least {a['share']:.0%} of the {a['over']} with the expected sign (weak rows 'w': at most "
          f"{1 - a['share']:.0%} with the opposite) and the {a['level']:.0%} interval of the mean on that side; "
          f"{int(table['holds'].sum())} of {len(table)} hold")
    if args.out:
        out = Path(args.out)
        with result_folder(out, "responses", getattr(args, "command_line", None)):
            with Staged() as st:
                st.add(out / "responses.csv", table_writer(table, "csv"))
                st.add(out / "responses.json", json_writer({**a, "expectations": str(args.expectations),
                                                            "command": getattr(args, "command_line", None)}))
        print(f"wrote {out / 'responses.csv'} and {out / 'responses.json'}")
    return 0


def _configure(p) -> None:
    p.add_argument("--posterior", help="posterior to draw parameters from (default data/posterior_1990_2025)")
    p.add_argument("--fixed", action="store_true", help="no posterior: replications at the registry defaults")
    p.add_argument("--draws", type=int, default=200, help="posterior draws (default 200)")
    p.add_argument("--replications", type=int, default=40, help="replications with --fixed (default 40)")
    p.add_argument("--seed", type=int, default=SEED_DEFAULT, help=f"master seed (default {SEED_DEFAULT})")
    p.add_argument("--set", action="append", metavar="NAME=VALUE", help="fix a parameter (wins over the draws)")
    p.add_argument("--expectations", default=str(EXPECTATIONS), help="expectations file (default "
                   "data/expectations.yaml)")
    p.add_argument("--out", help="also write responses.csv and responses.json into this folder")


RESPONSES = Command("responses", "the expected responses of the shipped scenarios (data/expectations.yaml), measured "
                    "over the posterior and judged", _configure, _run, out_flag=lambda a: "--out" if a.out else None)
