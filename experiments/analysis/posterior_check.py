"""Posterior check: how well a fitted posterior reproduces the record, inside and outside its fit window.

    python -m experiments.analysis.posterior_check data/posterior_1990_2014 [--split 2015]
                                                 [--draws 200] [--replications 40] [--seed 99]

For each index with a target band, in two eras (the record before ``--split`` and from it
on; by default the split is the year after the fit window, so the second era is held out):

- the share of band quarters in which the median of R runs lies inside the band, at the
  posterior's weighted median and at the scenario's own (default) values;
- the share of quarters in which the posterior predictive 90 % band (one run for each of
  ``--draws`` posterior draws) covers the coded target (the band's centre line), the share
  in which it overlaps the coded band at all, and its mean width.

A well-calibrated posterior covers a held-out target about 90 % of the time; much less
means the fit window does not constrain what happens later. Writes ``check.csv`` and
``check.json`` into ``--out`` (default: the posterior's folder) and prints the table.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from experiments.analysis.calibration_config import CalibrationConfig, load_config
from experiments.pipeline.outcomes import index_paths
from experiments.pipeline.posterior_file import Posterior, read_posterior
from experiments.store.atomic import write_json, write_table
from model.spec.errors import InputError
from model.spec.provenance import model_digest


def in_band(values: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
    """True where a value lies inside its band (edges included, to rounding)."""
    return (values >= lower - 1e-9) & (values <= upper + 1e-9)


def eras(config: CalibrationConfig, split: float | None) -> dict[str, tuple[float, float]]:
    """Two date ranges [from, to): the record before the split and from it on."""
    first = min(float(t.dates.min()) for t in config.targets)
    after, last = config.held_out_dates
    cut = float(split) if split is not None else after
    if cut >= last:
        cut = after if after < last else 2015.0
    return {f"{math.floor(first)}-{int(cut) - 1}": (first, cut), f"{int(cut)}-{int(last) - 1}": (cut, last)}


def check(config: CalibrationConfig, post: Posterior, split: float | None = None, draws: int = 200,
          replications: int = 40, seed: int = 99) -> pd.DataFrame:
    """One row per index and era: median-in-band shares and posterior predictive coverage (see module doc)."""
    last = max(float(t.dates.max()) for t in config.targets)
    names = [t.index for t in config.targets]
    dates, points = index_paths(config.scenario, [post.median(), {}], replications, seed, last_date=last,
                                indices=names)
    _, predictive = index_paths(config.scenario, post.draw(draws, seed), 1, seed, last_date=last, indices=names,
                                paired=False)
    rows = []
    fit_from, fit_to = config.window_dates
    periods = eras(config, split)
    for t in config.targets:
        at = np.searchsorted(dates, t.dates)
        median_of = {label: np.median(points[t.index][p], axis=0)[at] for p, label in ((0, "posterior median"),
                                                                                      (1, "scenario values"))}
        lo, hi = np.quantile(predictive[t.index][:, 0, :], [0.05, 0.95], axis=0)
        for era, (a, b) in periods.items():
            w = (t.dates >= a) & (t.dates < b)
            rows.append({
                "index": t.index, "era": era, "quarters": int(w.sum()),
                "held_out": bool(a >= fit_to or b <= fit_from),
                "median_in_band": float(in_band(median_of["posterior median"], t.lower, t.upper)[w].mean()),
                "defaults_in_band": float(in_band(median_of["scenario values"], t.lower, t.upper)[w].mean()),
                "predictive_covers_target": float(in_band(t.target, lo[at], hi[at])[w].mean()),
                "predictive_meets_band": float(((lo[at] <= t.upper + 1e-9) & (hi[at] >= t.lower - 1e-9))[w].mean()),
                "predictive_band_width": float((hi[at] - lo[at])[w].mean()),
            })
    return pd.DataFrame(rows)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("posterior", help="a posterior folder (alliance calibrate with method: abc)")
    p.add_argument("--config", help="its calibration config (default: the one named in posterior.json)")
    p.add_argument("--split", type=float, help="first year of the second era (default: the year after the fit window)")
    p.add_argument("--draws", type=int, default=200, help="posterior draws for the predictive band (default 200)")
    p.add_argument("--replications", type=int, default=40, help="runs at the median and the defaults (default 40)")
    p.add_argument("--seed", type=int, default=99, help="master seed of the check's runs and draws (default 99)")
    p.add_argument("--out", help="folder for check.csv and check.json (default: the posterior folder)")
    args = p.parse_args(argv)
    try:
        meta = json.loads((Path(args.posterior) / "posterior.json").read_text(encoding="utf-8"))
        config = load_config(args.config or meta["config"])
        post = read_posterior(args.posterior)
        table = check(config, post, args.split, args.draws, args.replications, args.seed)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (OSError, KeyError, ValueError) as exc:
        print(f"error: {args.posterior}: not a posterior folder ({exc})", file=sys.stderr)
        return 2
    out = Path(args.out or args.posterior)
    write_table(table, out / "check", "csv")
    ess = post.effective_size()
    write_json({"posterior": str(args.posterior), "config": config.path, "fit_window": list(config.window),
                "effective_sample_size": ess,
                "draws": args.draws, "replications": args.replications, "seed": args.seed,
                "model_sha256": model_digest(), "rows": table.to_dict(orient="records")}, out / "check.json")
    print(f"{args.posterior}: fitted to {config.window[0]}-{config.window[1]}, effective sample size {ess:.0f}; "
          f"{args.replications} runs at the median and the defaults, {args.draws} predictive draws (seed {args.seed})")
    print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    print(f"wrote {out / 'check.csv'} and {out / 'check.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
