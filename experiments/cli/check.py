"""``alliance check DIR``: how well a fit reproduces the record, inside its window and after it.

DIR is a calibration folder. For a posterior (``alliance calibrate`` with ``method: abc``):
per index and era, the share of band quarters the median run at the posterior median (and at the
defaults) lies in the band, the share the predictive 90 % band covers the coded target, its width;
per legal step, the predictive 5–95 % range of its date and whether it contains the historical
date (``check.csv``, ``steps.csv``, ``check.json``, written beside the posterior unless ``--out``).
For a point fit (Optuna): the calibrated and the default values scored in the fit window and the
held-out years with fresh runs (``out_of_sample.csv``, ``out_of_sample.json``).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from experiments.analysis import out_of_sample, posterior_check
from experiments.analysis.calibration_config import load_config
from experiments.cli.command import Command
from experiments.pipeline.posterior_file import read_posterior
from experiments.store.atomic import Staged, json_writer, table_writer
from experiments.store.folders import result_folder
from model.spec.errors import InputError
from model.spec.provenance import model_digest

FMT = {"float_format": lambda v: f"{v:.3f}", "index": False}


def _record(folder: Path) -> tuple[str, dict]:
    for kind, name in (("posterior", "posterior.json"), ("point", "calibration.json")):
        path = folder / name
        if path.exists():
            try:
                return kind, json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise InputError(str(path), None, None, f"unreadable calibration record: {exc}") from None
    raise InputError(str(folder), None, "DIR", "not a calibration folder (no posterior.json or calibration.json)")


def _config(args, rec: dict):
    name = args.config or rec.get("config")
    if not isinstance(name, str):
        raise InputError(str(args.dir), None, "config", "the record names no config: give --config")
    return load_config(name)


def _posterior(args, rec: dict, out: Path) -> None:
    config, post = _config(args, rec), read_posterior(args.dir)
    table = posterior_check.check(config, post, args.split, args.draws, args.replications, args.seed)
    steps = posterior_check.steps(config, post, args.draws, args.seed)
    ess = post.effective_size()
    with Staged() as st:
        st.add(out / "check.csv", table_writer(table, "csv"))
        st.add(out / "steps.csv", table_writer(steps, "csv"))
        st.add(out / "check.json", json_writer({
            "posterior": str(args.dir), "config": config.path, "fit_window": list(config.window),
            "effective_sample_size": ess, "draws": args.draws, "replications": args.replications, "seed": args.seed,
            "model_sha256": model_digest(), "rows": table.to_dict(orient="records"),
            "steps": steps.to_dict(orient="records")}))
    print(f"{args.dir}: fitted to {config.window[0]}-{config.window[1]}, effective sample size {ess:.0f}; "
          f"{args.replications} runs at the median and the defaults, {args.draws} predictive draws (seed {args.seed})")
    print(table.to_string(**FMT))
    print(steps.to_string(**FMT))
    print(f"wrote {out / 'check.csv'}, {out / 'steps.csv'} and {out / 'check.json'}")


def _point(args, rec: dict, out: Path) -> None:
    config, best = _config(args, rec), rec.get("best_parameters")
    if not isinstance(best, dict):
        raise InputError(str(args.dir), None, "best_parameters", "the calibration record holds no best parameters")
    table = out_of_sample.compare(config, best, args.replications, args.seed)
    with Staged() as st:
        st.add(out / "out_of_sample.csv", table_writer(table, "csv"))
        st.add(out / "out_of_sample.json", json_writer({**out_of_sample.summary(config, best, table, args.replications,
                                                                                  args.seed),
                                                        "model_sha256": model_digest()}))
    cols = ["window", "parameters", "score"] + [f"rms_{t.index}" for t in config.targets] + ["inversions"]
    print(f"{args.dir}: point fit {config.window[0]}-{config.window[1]}; scored with {args.replications} fresh runs "
          f"(seed {args.seed})")
    print(table[table["streams"] == "fresh"][cols].to_string(**FMT))
    print(f"wrote {out / 'out_of_sample.csv'} and {out / 'out_of_sample.json'}")


def _run(args) -> int:
    folder = Path(args.dir)
    kind, rec = _record(folder)
    out = Path(args.out) if args.out else folder
    print(f"checking the {'posterior' if kind == 'posterior' else 'point fit'} in {folder}", file=sys.stderr,
          flush=True)
    with result_folder(out, "calibration", getattr(args, "command_line", None)):
        (_posterior if kind == "posterior" else _point)(args, rec, out)
    return 0


def _configure(p) -> None:
    p.add_argument("dir", help="a calibration folder: a posterior (method: abc) or a point fit (Optuna)")
    p.add_argument("--config", help="its calibration config (default: the one its record names)")
    p.add_argument("--split", type=float, help="posterior: first year of the second era (default: after the window)")
    p.add_argument("--draws", type=int, default=200, help="posterior: predictive draws (default 200)")
    p.add_argument("--replications", type=int, default=40, help="runs at each point scored (default 40)")
    p.add_argument("--seed", type=int, default=99, help="master seed of the check's runs and draws (default 99)")
    p.add_argument("--out", help="folder for the check's files (default: DIR)")


CHECK = Command("check", "how well a calibration reproduces the record, in its window and after it (posterior or "
                "point fit)", _configure, _run, out_flag="--out")
