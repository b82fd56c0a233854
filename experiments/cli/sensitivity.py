"""``alliance sensitivity CONFIG``: Morris or Sobol indices of one outcome over registry parameters."""

from __future__ import annotations

import sys
from pathlib import Path

from experiments.analysis.sensitivity import load_config, run_and_write
from experiments.cli.command import Command


def _run(args) -> int:
    config = load_config(args.config)
    out = Path(args.out or Path("results") / "sensitivity" / Path(args.config).stem)
    print(f"{config.method}: {len(config.parameters)} parameters, {config.runs:,} runs "
          f"({config.outcome} at {config.date:g}, {config.scenario.name})", file=sys.stderr, flush=True)

    def progress(done: int, total: int) -> None:
        print(f"  {done:,}/{total:,} runs", file=sys.stderr, flush=True)

    analysis, files = run_and_write(config, out, progress)
    cols = ["parameter", "mu_star", "mu_star_conf"] if config.method == "morris" else \
        ["parameter", "S1", "S1_conf", "ST", "ST_conf"]
    print(analysis.table[cols].head(10).to_string(index=False, float_format=lambda v: f"{v:.4f}"))
    for f in files.values():
        print(f"wrote {f}")
    return 0


def _configure(p) -> None:
    p.add_argument("config", help="sensitivity config YAML (see experiments/sensitivity_morris.yaml)")
    p.add_argument("--out", help="output folder (default results/sensitivity/CONFIG-NAME)")


SENSITIVITY = Command("sensitivity", "global sensitivity (SALib Morris or Sobol) of an index at a date over registry "
                      "parameters", _configure, _run)
