"""``alliance calibrate CONFIG``: fit parameters to the historical record: a point (Optuna) or a posterior (ABC-SMC).

``method: optuna`` (the default) runs a resumable Optuna study and writes the best values;
``method: abc`` runs ABC-SMC (experiments/analysis/posterior.py) and writes a file of
weighted parameter draws that batches, ``alliance run --posterior`` and the page can use.

The output folder is checked (not a file, no other kind of result, a readable study
database if there is one) and locked before the study opens. A progress bar (stderr;
off with ``--quiet``) follows the complete trials: it advances with the calibration's
log lines, which report ``(complete/total)`` every 10 trials and at the end.

The score it prints is the calibration objective (lower is better; 0 means every
simulated median lies inside its target band with the milestones in order); the
"scenario values" row scores the scenario's own parameter values, the first trial of
every study, as the yardstick the fit has to beat.
"""

from __future__ import annotations

import re
import shlex
import sqlite3
import sys
from pathlib import Path

from tqdm import tqdm

from experiments.analysis import attribution
from experiments.analysis.calibration import calibrate, fit_paths, load_config
from experiments.analysis.posterior import Settings, abc_smc
from experiments.cli.command import Command, Interrupted
from experiments.pipeline.evaluators import EXECUTORS
from experiments.pipeline.limits import cap_workers
from experiments.pipeline.posterior_file import read_posterior
from experiments.plots.calibration_fit import fit_figure
from experiments.plots.posterior import posterior_figure
from experiments.plots.save import save_figure
from experiments.store.folders import default_folder, result_folder
from model.spec.errors import InputError

_DONE = re.compile(r"\((\d+)/(\d+)\)\s*$|: (\d+) complete trials")
SCORE_HELP = ("score = sum over indices of weight x mse_INDEX (mean squared distance of the simulated median "
              "index from its target band over the fit window) + order weight x inversions (milestone pairs "
              "crossed in the wrong order); lower is better, 0 = inside every band with the milestones in order")


def check_study(out: Path) -> None:
    """Refuse a ``study.db`` that SQLite cannot read (before Optuna fails on it with a traceback)."""
    db = out / "study.db"
    if not db.exists():
        return
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
            con.execute("SELECT name FROM sqlite_master").fetchall()
    except sqlite3.Error as exc:
        raise InputError(str(db), None, None, f"is not a readable study database ({exc}); move it away to start "
                         "afresh, or choose another --out") from None


def _print_result(result) -> None:
    terms = sorted(k for k in result.best if k.startswith("mse_")) + [k for k in ("inversions",) if k in result.best]
    print(SCORE_HELP)
    print(f"  {'':18s} {'score':>10s}  " + "  ".join(f"{k:>14s}" for k in terms))
    for label, row in (("best trial", result.best), ("scenario values", result.default)):
        print(f"  {label:18s} {row['score']:10.6g}  " + "  ".join(f"{row.get(k, float('nan')):14.6g}" for k in terms))
    print("  (scenario values: the scenario's own values of the fitted parameters, scored as the yardstick)")
    print(f"{result.completed} complete trials; ran {result.ran} now. Best values:")
    for name, value in result.best_values.items():
        print(f"  {name:28s} {value:.6g}")
    for f in result.files.values():
        print(f"wrote {f}")


def write_fit_figure(config, result) -> Path:
    """fit.png beside the study: the calibrated and the scenario's own values against the record's bands."""
    fig = fit_figure(fit_paths(config, result.best_values), config.targets, config.window,
                     f"Calibration fit: {config.scenario.name} ({Path(config.path).name})")
    path = Path(result.out) / "fit.png"
    save_figure(fig, path, dpi=120)
    return path


def _posterior(config, out: Path, args) -> int:
    """ABC-SMC: generations logged to stderr, the posterior summarised on stdout."""
    given = {"population": args.population, "generations": args.generations}  # checked against the abc: bounds
    settings = Settings(**{**config.abc, **{k: v for k, v in given.items() if v is not None}})
    with tqdm(total=settings.generations, unit="generation", file=sys.stderr, disable=args.quiet,
              desc="abc-smc") as bar:
        def log(msg: str) -> None:
            if msg.startswith("generation"):
                bar.update(1)
            bar.write(msg, file=sys.stderr)

        pops = abc_smc(config, settings, out, config.executor(args.executor), config.workers, log)
    if not pops:
        raise InputError(config.path, None, "abc", "no generation finished")
    post = read_posterior(out)  # as a batch will read it
    ess = post.effective_size()
    print(f"posterior: {len(post.theta)} weighted draws after {len(pops)} generations "
          f"(final tolerance {pops[-1].epsilon:.3g}; {sum(p.evaluations for p in pops):,} particles evaluated; "
          f"effective sample size {ess:.0f})")
    if ess < len(post.theta) / 4:
        print("  few draws carry most of the weight: summaries are rough; a larger population (--population) "
              "covers the posterior better", file=sys.stderr)
    ranges = config.carried  # the order of the posterior's columns
    narrowed = attribution.narrowing(post)
    print(f"  {'parameter':28s} {'median':>9s} {'5 %':>9s} {'95 %':>9s} {'narrowed':>9s}   prior range")
    for k, name in enumerate(post.names):
        q = [post.quantile(k, x) for x in (0.5, 0.05, 0.95)]
        p = ranges[k]
        how = " log" if p.log else ""
        how += "" if k < len(config.parameters) else " (drawn from its prior, not fitted)"
        print(f"  {name:28s} {q[0]:9.4g} {q[1]:9.4g} {q[2]:9.4g} {narrowed[name]:9.0%}   [{p.low:g}, {p.high:g}]{how}")
    print("  narrowed: 1 - the posterior's 5-95 % width over the prior's (on the log scale for log parameters)")
    k = len(config.parameters)  # the corner figure shows the fitted parameters
    fig = posterior_figure(post.theta[:, :k], post.weights, list(post.names[:k]),
                           [(p.low, p.high) for p in config.parameters], [p.log for p in config.parameters],
                           f"Posterior of {config.scenario.name} fitted to {config.window[0]}-{config.window[1]} "
                           f"(ABC-SMC, {len(post.theta)} particles, tolerance {pops[-1].epsilon:.3g})")
    save_figure(fig, out / "posterior.png", dpi=90)
    for f in ("posterior.parquet", "populations.parquet", "posterior.json", "posterior.png"):
        print(f"wrote {out / f}")
    return 0


def _run(args) -> int:
    config = load_config(args.config, replications=args.replications, trials=args.trials, workers=args.workers)
    out = Path(args.out) if args.out else default_folder(Path(args.config).stem, args.config, "config",
                                                         under="calibration")
    config.workers, note = cap_workers(config.workers)
    if note:
        print(f"note: {note}", file=sys.stderr)
    try:
        return _calibrate(config, out, args)
    except KeyboardInterrupt:
        what = "generations" if config.method == "abc" else "trials"
        words = shlex.split(getattr(args, "command_line", None) or shlex.join(["alliance", "calibrate", args.config]))
        again = shlex.join(words if args.out else [*words, "--out", str(out)])  # the same command resumes
        raise Interrupted(f"interrupted; finished {what} are kept in {out}; resume with: {again}") from None


def _calibrate(config, out: Path, args) -> int:
    with result_folder(out, "calibration", getattr(args, "command_line", None)):
        check_study(out)
        if config.method == "abc":
            return _posterior(config, out, args)
        bars: list = []  # the bar starts with the study's first log line (after the config and study are checked)

        def log(msg: str) -> None:
            if not bars:
                bars.append(tqdm(total=config.trials, unit="trial", file=sys.stderr, disable=args.quiet,
                                 desc="calibrate"))
            m = _DONE.search(msg)
            if m:
                bars[0].update(int(m.group(1) or m.group(3)) - bars[0].n)
            bars[0].write(msg, file=sys.stderr)

        try:
            result = calibrate(config, out, log=log)
        finally:
            for bar in bars:
                bar.close()
        result.files["fit"] = write_fit_figure(config, result)
    _print_result(result)
    return 0


def _configure(p) -> None:
    p.add_argument("config", help="calibration config YAML (see experiments/calibrate_baseline.yaml)")
    p.add_argument("--trials", type=int, help="total complete trials wanted (a resumed study runs the rest)")
    p.add_argument("--replications", "-r", type=int, help="runs per trial (overrides the config)")
    p.add_argument("--workers", "-w", type=int, help="trials evaluated in parallel processes (overrides the config)")
    p.add_argument("--out", help="output folder holding study.db (default results/calibration/CONFIG-NAME); "
                   "rerun with the same folder to resume")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--executor", choices=EXECUTORS, help="where ABC-SMC evaluates its particles (default: serial, "
                   "or processes with --workers > 1)")
    p.add_argument("--population", type=int, help="ABC-SMC: particles per generation (overrides the config)")
    p.add_argument("--generations", type=int, help="ABC-SMC: generations (overrides the config)")


CALIBRATE = Command("calibrate", "fit registry parameters to the historical record: a point fit (Optuna TPE, "
                    "resumable) or a posterior (ABC-SMC, method: abc)", _configure, _run, out_flag="--out")
