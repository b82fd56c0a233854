"""``alliance calibrate CONFIG``: fit parameters to the historical record (resumable Optuna study)."""

from __future__ import annotations

import sys
from pathlib import Path

from experiments.analysis.calibration import calibrate, load_config
from experiments.cli.command import Command


def _run(args) -> int:
    config = load_config(args.config, replications=args.replications, trials=args.trials, workers=args.workers)
    out = Path(args.out or Path("results") / "calibration" / Path(args.config).stem)
    result = calibrate(config, out, log=lambda msg: print(msg, file=sys.stderr, flush=True))
    print(f"best objective {result.best['score']:.6g} (scenario values {result.default['score']:.6g}) "
          f"after {result.completed} trials; ran {result.ran} now")
    for name, value in result.best_values.items():
        print(f"  {name:28s} {value:.6g}")
    for f in result.files.values():
        print(f"wrote {f}")
    return 0


def _configure(p) -> None:
    p.add_argument("config", help="calibration config YAML (see experiments/calibrate_baseline.yaml)")
    p.add_argument("--trials", type=int, help="total complete trials wanted (a resumed study runs the rest)")
    p.add_argument("--replications", "-r", type=int, help="runs per trial (overrides the config)")
    p.add_argument("--workers", "-w", type=int, help="trials evaluated in parallel processes (overrides the config)")
    p.add_argument("--out", help="output folder holding study.db (default results/calibration/CONFIG-NAME); "
                   "rerun with the same folder to resume")


CALIBRATE = Command("calibrate", "fit registry parameters to the historical record (Optuna TPE; resumable SQLite "
                    "study)", _configure, _run)
