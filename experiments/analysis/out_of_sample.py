"""Out-of-sample check: calibrate on 1990-2014, score 2015-2025 against the default parameters.

    python -m experiments.analysis.out_of_sample [--config experiments/calibrate_oos.yaml] [--trials N]
                                        [--workers W] [--out results/calibration/oos]

Runs (or resumes) the calibration in ``--out``, then scores the calibrated and the
scenario's own (default) parameter values with the calibration objective, restricted to
the held-out years (from the year after the fit window to the last target year) and to
the fit window. Scores use fresh random numbers (``--eval-seed``, ``--eval-replications``)
as the headline, and the calibration's own streams as a check. Writes
``out_of_sample.json`` and ``out_of_sample.csv`` into ``--out`` and prints a table.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import pandas as pd

from experiments.analysis.calibration import calibrate, load_config
from experiments.analysis.objective import Objective, start_values
from experiments.store.atomic import write_json, write_table
from model.spec.errors import InputError
from model.spec.paths import ROOT
from model.spec.provenance import model_digest

DEFAULT_CONFIG = ROOT / "experiments" / "calibrate_oos.yaml"


def compare(config, calibrated: dict, replications: int, seed: int) -> pd.DataFrame:
    """Objective terms of calibrated and default values in the fit and held-out windows."""
    obj = Objective(config)
    rows = []
    windows = {"fit": config.window_dates, "held_out": config.held_out_dates}
    for label, values in (("calibrated", calibrated), ("default", start_values(config))):
        for wname, window in windows.items():
            for streams, (reps, s) in (("fresh", (replications, seed)),
                                       ("calibration", (config.replications, config.seed))):
                terms = obj.evaluate(values, window=window, replications=reps, seed=s)
                row = {"parameters": label, "window": wname, "from": window[0], "to": window[1] - 0.25,
                       "streams": streams, "replications": reps, "seed": s, **terms}
                for t in config.targets:
                    row[f"rms_{t.index}"] = math.sqrt(terms[f"mse_{t.index}"])
                rows.append(row)
    return pd.DataFrame(rows)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--config", default=str(DEFAULT_CONFIG), help="calibration config (default calibrate_oos.yaml)")
    p.add_argument("--trials", type=int, help="total calibration trials (default: the config's)")
    p.add_argument("--workers", type=int, help="parallel trial evaluations")
    p.add_argument("--out", default="results/calibration/oos", help="calibration folder (resumed if present)")
    p.add_argument("--eval-replications", type=int, default=64, help="runs per scoring (default 64)")
    p.add_argument("--eval-seed", type=int, default=99, help="master seed of the fresh scoring runs")
    args = p.parse_args(argv)
    try:
        config = load_config(args.config, trials=args.trials, workers=args.workers)
        result = calibrate(config, args.out, log=lambda m: print(m, file=sys.stderr, flush=True))
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    table = compare(config, result.best_values, args.eval_replications, args.eval_seed)
    out = Path(args.out)
    write_table(table, out / "out_of_sample", "csv")
    head = table[table["streams"] == "fresh"].set_index(["window", "parameters"])
    summary = {
        "config": config.path, "model_sha256": model_digest(), "trials": result.completed,
        "fit_window": list(config.window),
        "held_out": [config.held_out_dates[0], config.held_out_dates[1] - 0.25],
        "replications": config.replications, "seed": config.seed,
        "eval_replications": args.eval_replications, "eval_seed": args.eval_seed,
        "calibrated_parameters": result.best_values,
        "default_parameters": start_values(config),
        "scores": {f"{w}/{par}": head.loc[(w, par)].drop(["from", "to", "streams"]).to_dict()
                   for w, par in head.index},
    }
    write_json(summary, out / "out_of_sample.json")
    cols = ["window", "parameters", "score"] + [f"rms_{t.index}" for t in config.targets] + ["inversions"]
    print(f"calibration: {result.completed} trials, fit {config.window[0]}-{config.window[1]}; "
          f"scored with {args.eval_replications} fresh runs (seed {args.eval_seed})")
    print(table[table["streams"] == "fresh"][cols].to_string(index=False, float_format=lambda v: f"{v:.5f}"))
    for name, value in result.best_values.items():
        print(f"  {name:28s} calibrated {value:.4g}   default {start_values(config)[name]:.4g}")
    print(f"wrote {out / 'out_of_sample.csv'} and {out / 'out_of_sample.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
