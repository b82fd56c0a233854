"""``alliance sensitivity CONFIG``: Morris or Sobol indices of one outcome over registry parameters.

The design's size is checked before it is built (``--samples`` overrides the config's);
the output folder is locked while the analysis writes into it and holds sensitivity
results only. A progress bar (stderr; off with ``--quiet``) follows the runs. The chart
(indices.png, experiments.plots.sensitivity) is written with the analysis's other files.
"""

from __future__ import annotations

import sys
from pathlib import Path

from tqdm import tqdm

from experiments.analysis.sensitivity import load_config, run_config, run_record, write_outputs
from experiments.cli.command import Command
from experiments.plots import sensitivity as chart
from experiments.plots.save import write_figure
from experiments.store.folders import default_folder, result_folder


def _run(args) -> int:
    config = load_config(args.config, samples=args.samples)
    out = Path(args.out) if args.out else default_folder(Path(args.config).stem, args.config, "config",
                                                         under="sensitivity")
    with result_folder(out, "sensitivity", getattr(args, "command_line", None)):
        print(f"{config.method}: {len(config.parameters)} parameters, {config.samples:,} samples, {config.runs:,} "
              f"runs ({config.outcome} at {config.date:g}, {config.scenario.name})", file=sys.stderr, flush=True)
        with tqdm(total=config.runs, unit="run", file=sys.stderr, disable=args.quiet, desc=config.method) as bar:
            def progress(done: int, total: int) -> None:
                bar.total = total
                bar.update(done - bar.n)

            analysis = run_config(config, progress)
        fig = chart.indices_figure(analysis.table, chart.indices_title(config, len(analysis.X)))
        files = write_outputs(analysis, out, lambda tmp: write_figure(fig, tmp, dpi=chart.DPI), run_record(config))
    cols = ["parameter", "mu_star", "mu_star_conf"] if config.method == "morris" else \
        ["parameter", "S1", "S1_conf", "ST", "ST_conf"]
    print(analysis.table[cols].head(10).to_string(index=False, float_format=lambda v: f"{v:.4f}"))
    for f in files.values():
        print(f"wrote {f}")
    return 0


def _configure(p) -> None:
    p.add_argument("config", help="sensitivity config YAML (see experiments/sensitivity_morris.yaml)")
    p.add_argument("--samples", type=int, help="Morris trajectories or Sobol base sample N (overrides the config)")
    p.add_argument("--out", help="output folder (default results/sensitivity/CONFIG-NAME)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")


SENSITIVITY = Command("sensitivity", "global sensitivity (SALib Morris or Sobol) of an index at a date over registry "
                      "parameters", _configure, _run, out_flag="--out")
