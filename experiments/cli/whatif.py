"""``alliance whatif SCENARIO``: the scenario against the one it extends, as a paired effect under the posterior.

Each of ``--draws`` posterior draws runs both scenarios with the same parameters and shocks;
the table gives, per world index and date, the median effect and its 5–95 % range over the
draws, the mean with its 90 % interval, the shares of draws with each sign, and what the
effect's spread rests on (the parameters that explain most of its variance over the draws, and
whether the record informs them: "open" means the answer is conditional on a value the record
does not pin down). Writes ``whatif.csv``, ``whatif.json`` and the difference figure into
``--out`` (default results/whatif/SCENARIO).
"""

from __future__ import annotations

import sys
from pathlib import Path

from experiments.analysis.whatif import LEVEL, answer
from experiments.cli.command import Command
from experiments.pipeline.posterior_file import read_posterior
from experiments.plots import scenario_difference
from experiments.plots.save import save_figure
from experiments.store.atomic import Staged, json_writer, table_writer
from experiments.store.folders import default_folder, result_folder
from model.spec.overrides import parse_assignments
from model.spec.paths import DATA_DIR
from model.spec.scenario import load_scenario

POSTERIOR = DATA_DIR / "posterior_1990_2025"


def _lines(table) -> list[str]:
    out = [f"{'index':24s} {'date':>7s} {'median':>8s} {'5–95 % of draws':>19s} {'mean [90 % interval]':>27s} "
           f"{'+':>5s} {'−':>5s}  rests on"]
    for r in table.itertuples(index=False):
        rng = f"{r.q05:+.4f} … {r.q95:+.4f}"
        mean = f"{r.mean:+.4f} [{r.low:+.4f}, {r.high:+.4f}]"
        out.append(f"{r.index:24s} {r.date:7g} {r.median:+8.4f} {rng:>19s} {mean:>27s} {r.positive:5.0%} "
                   f"{r.negative:5.0%}  {r.rests_on}{'  (conditional)' if r.conditional else ''}")
    return out


def _run(args) -> int:
    scenario = load_scenario(args.scenario)
    post = None if args.fixed else read_posterior(args.posterior or POSTERIOR, "--posterior", None, "posterior")
    out = Path(args.out) if args.out else default_folder(scenario.name, scenario.path, under="whatif")
    overrides = parse_assignments(args.set)
    with result_folder(out, "whatif", getattr(args, "command_line", None)):
        print(f"{scenario.name} against {Path(scenario.parent or '').stem}: {args.draws} "
              f"{'replications at fixed parameters' if post is None else 'posterior draws'}, paired "
              f"(seed {args.seed})", file=sys.stderr, flush=True)
        ans = answer(scenario, post, args.draws, args.seed, args.dates, overrides)
        fig = scenario_difference(ans.tidy, ans.parent.name, scenario.name, source=str(out))
        (out / "figures").mkdir(exist_ok=True)
        figure = save_figure(fig, out / "figures" / f"difference_{scenario.name}.png")
        with Staged() as st:
            st.add(out / "whatif.csv", table_writer(ans.table, "csv"))
            st.add(out / "whatif.json", json_writer({
                "scenario": scenario.name, "reference": ans.parent.name, "draws": ans.draws, "seed": ans.seed,
                "posterior": ans.posterior, "level": LEVEL, "overrides": overrides,
                "command": getattr(args, "command_line", None)}))
    print("\n".join(_lines(ans.table)))
    print(f"paired effect = {scenario.name} − {ans.parent.name}; interval: {LEVEL:.0%} t interval of the mean; "
          "rests on: share of the effect's variance over the draws (informed: the record narrowed the parameter)")
    print(f"wrote {out / 'whatif.csv'}, {out / 'whatif.json'} and {figure}")
    return 0


def _configure(p) -> None:
    p.add_argument("scenario", help="a scenario that extends another (shipped name or YAML file)")
    p.add_argument("--posterior", help="posterior to draw parameters from (default data/posterior_1990_2025)")
    p.add_argument("--fixed", action="store_true", help="no posterior: replications at the registry defaults")
    p.add_argument("--draws", type=int, default=200, help="posterior draws (or replications), default 200")
    p.add_argument("--seed", type=int, default=2024, help="master seed of the draws and runs (default 2024)")
    p.add_argument("--dates", type=float, nargs="+", help="dates to report (default: every fifth year from the "
                   "scenario's first event, and the horizon's end)")
    p.add_argument("--set", action="append", metavar="NAME=VALUE", help="fix a parameter (wins over the draws)")
    p.add_argument("--out", help="output folder (default results/whatif/SCENARIO)")


WHATIF = Command("whatif", "a scenario against the one it extends: the paired effect under the posterior, its "
                 "interval, sign shares and what it rests on", _configure, _run, out_flag="--out")
