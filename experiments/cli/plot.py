"""``alliance plot DIR``: the paper figures of a result folder, written atomically (docs/figures.md)."""

from __future__ import annotations

from pathlib import Path

from experiments.cli.command import Command
from experiments.plots.figure_set import DEFAULT_DATE, DPI, FORMATS, KINDS, build_figures, write_figures
from model.spec.errors import InputError


def _run(args) -> int:
    params = args.param or None
    if params and len(params) > 2:
        raise InputError("--param", None, "param", "give at most two --param (one for a line, two for a heatmap)")
    figs = build_figures(args.dir, args.kind, scenarios=args.scenario, date=args.date, baseline=args.baseline,
                         params=params, domain=args.domain, observer=args.observer)
    if not figs:
        raise InputError(str(args.dir), None, "kind", f"nothing to draw for --kind {args.kind}")
    out = Path(args.out) if args.out else Path(args.dir) / "figures"
    paths = write_figures(figs, out, args.format, args.dpi)
    for p in paths:
        print(f"wrote {p}")
    return 0


def _configure(p):
    p.add_argument("dir", help="result folder (from alliance run or alliance batch)")
    p.add_argument("--kind", choices=KINDS, default="all",
                   help="figure family; 'all' (default) writes the standard set (docs/figures.md)")
    p.add_argument("--out", help="output folder (default DIR/figures)")
    p.add_argument("--format", choices=FORMATS, default="png", help="file format (default png)")
    p.add_argument("--scenario", action="append", metavar="NAME",
                   help="scenario(s) to draw (repeat); default: all (fan, difference) or the baseline (others)")
    p.add_argument("--date", type=float, help=f"year for network/sweep figures (default {DEFAULT_DATE:g})")
    p.add_argument("--baseline", help="baseline scenario for --kind difference (default historical_baseline)")
    p.add_argument("--param", action="append", metavar="NAME",
                   help="parameter for --kind sweep (repeat once more for a two-parameter heatmap); "
                   "default: every parameter that varies across the runs")
    p.add_argument("--domain", help="one cooperation domain for the fan chart (default: the index)")
    p.add_argument("--observer", default="Japan", help="actor whose perceived threats the line chart shows")
    p.add_argument("--dpi", type=int, default=DPI, help=f"resolution of PNG files (default {DPI})")



PLOT = Command("plot", "draw paper figures (fan charts, scenario differences, threat, network, sweeps) of a result "
               "folder", _configure, _run, out_flag="--out")
