"""``alliance discover DIR --outcome "japan_nato@2040 > 0.5"``: scenario discovery (PRIM) over sampled parameters.

Prints the outcome's base rate, the chosen PRIM box (each restricted parameter's limits
against its sampled range, with quasi-p-values), its coverage and density, and the
extra-trees feature scores; writes the peeling-trajectory figure (PNG, atomically).
docs/results.md explains how to read them.

The analysis module is imported when the command runs, not at the top: EMA Workbench
brings scikit-learn and statsmodels and takes seconds to import, and every ``alliance``
command imports this module to build the parser.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from experiments.cli.command import Command
from experiments.cli.results import aligned
from experiments.plots.discovery import peeling_figure
from experiments.plots.save import save_figure
from experiments.store.reader import describe

STAGES = ("loading EMA Workbench", "reading the store", "PRIM", "feature scores", "figure")


class _Stages:
    """A tqdm bar over named stages: each call finishes the stage before and names the next."""

    def __init__(self, bar):
        self.bar, self.started = bar, False

    def __call__(self, name: str) -> None:
        if self.started:
            self.bar.update(1)
        self.started = True
        self.bar.set_description_str(f"discover: {name}")


def _number(v) -> str:
    return v if isinstance(v, str) else ("" if pd.isna(v) else f"{v:.4g}")


def _restriction(name: str, row) -> str:
    """The box's rule on one parameter, in words a reader can apply: a side without a qp value is open."""
    if isinstance(row["low"], str):
        return f"{name} in {{{row['low']}}}"
    low = "" if pd.isna(row["qp_low"]) else f"{_number(row['low'])} <= "
    high = "" if pd.isna(row["qp_high"]) else f" <= {_number(row['high'])}"
    return f"{low}{name}{high}"


def limits_table(limits: pd.DataFrame) -> str:
    """The box's restricted parameters: its rule, its limits, the sampled range, and each side's quasi-p-value."""
    t = pd.DataFrame({"parameter": limits.index, "restriction": [_restriction(n, r) for n, r in limits.iterrows()],
                      "low": limits["low"].map(_number), "high": limits["high"].map(_number)})
    t["sampled range"] = [f"{_number(lo)}–{_number(hi)}" if hi != "" else lo
                          for lo, hi in zip(limits["sampled_low"], limits["sampled_high"])]
    t["qp low"] = limits["qp_low"].map(_number).to_numpy()
    t["qp high"] = limits["qp_high"].map(_number).to_numpy()
    return aligned(t, left=["parameter", "restriction"])


def format_discovery(d) -> str:
    """The box, its statistics and the feature scores as plain text."""
    box, s = d.box, d.settings
    how = "max coverage x density" if s.box is None else "chosen with --box"
    lines = [f"outcome {d.outcome}: true in {d.cases:,} of {d.runs:,} runs ({100 * d.cases / d.runs:.1f} %)",
             f"PRIM box {d.chosen} ({how}; the peeling trajectory has boxes 0–{len(d.trajectory) - 1}): "
             f"coverage {box['coverage']:.3f}, density {box['density']:.3f}, mass {box['mass']:.3f}, "
             f"{int(box['res_dim'])} restricted",
             f"PRIM settings: peel_alpha {s.peel_alpha:g}, paste_alpha {s.paste_alpha:g}, mass_min {s.mass_min:g}",
             ""]
    lines.append(limits_table(d.limits) if not d.limits.empty else "the box restricts no parameter")
    free = [p for p in d.scores.index if p not in d.limits.index]
    if free:
        lines.append("unrestricted: " + ", ".join(free))
    lines += ["", "feature scores (extra-trees importance, sum 1):"]
    width = max(map(len, d.scores.index))
    lines += [f"  {p:<{width}}  {v:.3f}" for p, v in d.scores.items()]
    return "\n".join(lines)


def _figure_path(args, d) -> Path:
    if args.figure:
        return Path(args.figure)
    slug = f"{d.outcome.index}_{d.outcome.date:g}".replace(".", "_")
    return Path(args.dir) / "figures" / f"discover_{slug}.png"


def _run(args) -> int:
    with tqdm(total=len(STAGES), file=sys.stderr, disable=True if args.quiet else None, leave=False, delay=0.5,
              bar_format="{desc} {bar:12} {n_fmt}/{total_fmt} [{elapsed}]") as bar:
        step = _Stages(bar)
        step(STAGES[0])
        discovery = importlib.import_module("experiments.analysis.discovery")
        settings = discovery.Settings(peel_alpha=args.peel_alpha, paste_alpha=args.paste_alpha,
                                      mass_min=args.mass_min, box=args.box, seed=args.seed)
        outcome = discovery.parse_outcome(args.outcome)
        d = discovery.discover(args.dir, outcome, settings, scenarios=args.scenario, step=step)
        step(STAGES[-1])
        fig = peeling_figure(d.trajectory, d.chosen, str(d.outcome), source=args.dir)
        path = _figure_path(args, d)
        save_figure(fig, path, "png", args.dpi)
        step("done")
    print(describe(args.dir) + "\n")
    print(format_discovery(d))
    print(f"wrote {path}")
    return 0


def _configure(p) -> None:
    p.add_argument("dir", help="result folder of a batch with sampled parameters")
    p.add_argument("--outcome", required=True, metavar="'INDEX@DATE OP VALUE'",
                   help="the runs of interest, e.g. 'japan_nato@2040 > 0.5' (OP: > >= < <=)")
    p.add_argument("--scenario", action="append", metavar="NAME",
                   help="only these scenarios (repeat); default all, the scenario then being one more dimension")
    p.add_argument("--peel-alpha", type=float, default=0.05, help="share of the box peeled per step (default 0.05)")
    p.add_argument("--paste-alpha", type=float, default=0.05, help="share pasted back per step (default 0.05)")
    p.add_argument("--mass-min", type=float, default=0.05, help="smallest box as a share of runs (default 0.05)")
    p.add_argument("--box", type=int, help="box of the trajectory to report (default: max coverage x density)")
    p.add_argument("--seed", type=int, default=0, help="random state of the extra-trees feature scores")
    p.add_argument("--figure", help="peeling-trajectory PNG (default DIR/figures/discover_INDEX_DATE.png)")
    p.add_argument("--dpi", type=int, default=150, help="resolution of the figure (default 150)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")


DISCOVER = Command("discover", "scenario discovery: PRIM box and feature scores of an outcome over sampled "
                   "parameters", _configure, _run, out_flag="--figure")
