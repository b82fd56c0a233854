"""Out-of-sample check of a point fit: score the calibrated and the default values in the fit window and after it.

    alliance calibrate experiments/calibrate_oos.yaml --out results/calibration/oos   # fit 1990-2014
    alliance check results/calibration/oos                                          # score 2015-2025

:func:`compare` scores the calibrated and the scenario's own (default) parameter values with
the calibration objective, restricted to the held-out years (from the year after the fit window
to the last target year) and to the fit window. Scores use fresh random numbers (the check's
seed and replications) as the headline, and the calibration's own streams as a check.
Nothing here prints; ``alliance check`` writes ``out_of_sample.csv`` and ``out_of_sample.json``.
"""

from __future__ import annotations

import math

import pandas as pd

from experiments.analysis.objective import Objective, start_values


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


def summary(config, calibrated: dict, table: pd.DataFrame, replications: int, seed: int) -> dict:
    """What ``out_of_sample.json`` records: the windows, the values compared and their fresh-stream scores."""
    head = table[table["streams"] == "fresh"].set_index(["window", "parameters"])
    return {
        "config": config.path, "fit_window": list(config.window),
        "held_out": [config.held_out_dates[0], config.held_out_dates[1] - 0.25],
        "replications": config.replications, "seed": config.seed,
        "eval_replications": replications, "eval_seed": seed,
        "calibrated_parameters": calibrated, "default_parameters": start_values(config),
        "scores": {f"{w}/{par}": head.loc[(w, par)].drop(["from", "to", "streams"]).to_dict() for w, par in head.index},
    }
