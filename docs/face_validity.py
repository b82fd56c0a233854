"""Face validity of every dyad in the factual run: the tables behind docs/face_validity.md.

Runs a scenario (default: the factual run, ``historical_baseline``) with N parameter sets drawn from a
posterior (default: the shipped one, ``data/posterior_1990_2025``), paired by sample as every batch is, and
prints markdown: per dyad, at 1990 (the world file's start), 1995, ..., 2025, the median over draws and
the 5-95 % range of

- the dyad's cooperation, the unweighted mean over the 10 domains (the ``cooperation`` index of 4 Observation),
  and its mean over the three military domains (exercises, logistics, collective defence);
- the threat each side perceives from the other (``threat``, directed);
- the dyad's counterbalancing alignment (``alignment``);

then, per actor, which other actor it fears most at each date (share of draws), and the dates of the legal
steps the reform hazard takes (``Trajectory.entered``) beside the historical ones (``data/legal_steps.csv``).

Rerun after a refit and paste the output into docs/face_validity.md:

    .venv/bin/python docs/face_validity.py [--draws 200] [--seed 7] [--posterior DIR]

The header names the posterior by the first 12 characters of the ``fingerprint`` in its ``posterior.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere: the project's packages

from experiments.pipeline.posterior_file import Posterior, read_posterior  # noqa: E402
from model.engines import kernel  # noqa: E402
from model.spec import pairing  # noqa: E402
from model.spec.domains import DOMAINS, MILITARY_DOMAINS  # noqa: E402
from model.spec.paths import DATA_DIR  # noqa: E402
from model.spec.scenario import load_scenario  # noqa: E402

DATES = (1990, 1995, 2000, 2005, 2010, 2015, 2020, 2025)
# The order of docs/face_validity.md: allies and partners, then Japan's, NATO's and the US's adversaries, then
# the adversaries' own dyad. Pairs of other worlds follow in world order.
ORDER = (("Japan", "NATO"), ("Japan", "United States"), ("NATO", "United States"), ("Japan", "China"),
         ("Japan", "Russia"), ("NATO", "China"), ("NATO", "Russia"), ("United States", "China"),
         ("United States", "Russia"), ("China", "Russia"))
SHORT = {"United States": "US"}
VARIABLES = ("cooperation", "threat", "alignment")
MILITARY = [DOMAINS.index(d) for d in MILITARY_DOMAINS]  # exercises, logistics, collective defence (ODD 2)


def short(name: str) -> str:
    return SHORT.get(name, name)


def load_posterior(path: Path) -> tuple[Posterior, list[str]]:
    """The posterior and notes for the header (the reader's warning when the model changed since the fit)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        post = read_posterior(path)
    return post, [str(w.message) for w in caught]


def fingerprint(path: Path) -> str:
    rec = (path if path.is_dir() else path.parent) / "posterior.json"
    try:
        return str(json.loads(rec.read_text(encoding="utf-8")).get("fingerprint", "?"))[:12]
    except OSError:
        return "? (no posterior.json)"


def fmt(x: np.ndarray, spread: bool = True) -> str:
    """Median [5-95 %] of values over draws."""
    q05, q50, q95 = np.quantile(x, (0.05, 0.5, 0.95))
    if not spread or f"{q05:.2f}" == f"{q95:.2f}":
        return f"{q50:.2f}"
    return f"{q50:.2f} [{q05:.2f}–{q95:.2f}]"


def dyads(actors: tuple[str, ...]) -> list[tuple[int, int]]:
    pairs = [(actors.index(a), actors.index(b)) for a, b in ORDER if a in actors and b in actors]
    rest = [(i, j) for i in range(len(actors)) for j in range(i + 1, len(actors))
            if (i, j) not in pairs and (j, i) not in pairs]
    return pairs + rest


def dyad_table(tr, actors, i: int, j: int, dates) -> str:
    a, b = short(actors[i]), short(actors[j])
    coop = tr.cooperation[:, :, i, j, :].mean(axis=-1)  # (R, Q): mean over domains
    mil = tr.cooperation[:, :, i, j, :][..., MILITARY].mean(axis=-1)  # (R, Q): exercises, logistics, coll. def.
    lines = [f"### {a}–{b}", "",
             f"| date | cooperation (mean of 10 domains) | military domains | threat {a} perceives from {b} | "
             f"threat {b} perceives from {a} | alignment |",
             "|---|---|---|---|---|---|"]
    for k, d in enumerate(dates):
        lines.append(f"| {d:g} | {fmt(coop[:, k])} | {fmt(mil[:, k])} | {fmt(tr.threat[:, k, i, j])} "
                     f"| {fmt(tr.threat[:, k, j, i])} | {fmt(tr.alignment[:, k, i, j])} |")
    return "\n".join(lines)


def fear_table(tr, actors, dates) -> str:
    """Per actor and date: whom it fears most (share of draws), and its median threats in descending order."""
    n = len(actors)
    lines = ["| actor | date | feared most (share of draws) | median threat perceived, highest first |",
             "|---|---|---|---|"]
    for i in range(n):
        others = [j for j in range(n) if j != i]
        for k, d in enumerate(dates):
            t = tr.threat[:, k, i, :][:, others]  # (R, N-1)
            top = np.bincount(np.argmax(t, axis=1), minlength=len(others)) / t.shape[0]
            best = int(np.argmax(top))
            med = np.median(t, axis=0)
            ranked = ", ".join(f"{short(actors[others[m]])} {med[m]:.2f}" for m in np.argsort(-med, kind="stable"))
            lines.append(f"| {short(actors[i])} | {d:g} | {short(actors[others[best]])} ({top[best]:.0%}) "
                         f"| {ranked} |")
    return "\n".join(lines)


def steps_table(tr, world, start: float, end: float, by: float) -> str:
    """Legal steps: share of draws that took each step by ``by`` and by the horizon's end; their median date
    and 5-95 % range; the historical date."""
    hist = {}
    path = DATA_DIR / "legal_steps.csv"
    if path.is_file():
        h = pd.read_csv(path)
        hist = {(r.actor, r.state): float(r.date) for r in h.itertuples()}
    lines = ["| actor | state | historical | taken by " + f"{by:g} | taken by {end:g} | median date "
             "[5–95 %] of those taken |", "|---|---|---|---|---|---|"]
    for i, name in enumerate(world.actors):
        states = world.states[i]
        for s in range(1, len(states)):
            q = tr.entered[:, i, s]
            took = q >= 0
            dates = start + q[took] / 4.0
            h = hist.get((name, states[s]))
            when = fmt(dates) if took.any() else "—"
            lines.append(f"| {short(name)} | {states[s]} | {'—' if h is None else f'{h:g}'} "
                         f"| {np.mean(took & (start + q / 4.0 <= by)):.0%} | {took.mean():.0%} | {when} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--draws", type=int, default=200, help="posterior draws, one run each (default 200)")
    ap.add_argument("--seed", type=int, default=7, help="master seed: the draws and the runs' shocks (default 7)")
    ap.add_argument("--posterior", default=str(DATA_DIR / "posterior_1990_2025"),
                    help="posterior folder or posterior.parquet (default: the shipped data/posterior_1990_2025); "
                    "'defaults': replications at the registry's defaults instead")
    ap.add_argument("--scenario", default="historical_baseline", help="scenario name or file (default: the factual "
                    "run)")
    args = ap.parse_args(argv)

    scenario = load_scenario(args.scenario)
    world = scenario.world
    path = Path(args.posterior)
    if args.posterior == "defaults":  # no posterior: replications at the registry's defaults (a cross-check)
        post, notes = None, []
        specs = pairing.runs(scenario, args.seed, args.draws)
    else:
        post, notes = load_posterior(path)
        specs = pairing.runs(scenario, args.seed, args.draws, None, post.draw(args.draws, args.seed))
    dates = [d for d in DATES if scenario.start <= d <= scenario.end]
    keep = [int(round((d - scenario.start) * 4)) for d in dates]
    tr = kernel.run(specs, keep=keep, variables=VARIABLES)

    print(f"<!-- generated by: .venv/bin/python docs/face_validity.py --draws {args.draws} --seed {args.seed}"
          f"{'' if path == DATA_DIR / 'posterior_1990_2025' else ' --posterior ' + args.posterior} -->")
    if post is None:
        source = f"{args.draws} replications (seed {args.seed}) at the registry's defaults (model/spec/defaults.py)"
    else:
        try:
            shown = Path(post.path).resolve().relative_to(Path.cwd())
        except ValueError:
            shown = Path(post.path)
        source = (f"{args.draws} posterior draws (seed {args.seed}) from `{shown}` (fingerprint "
                  f"`{fingerprint(path)}`, effective size {post.effective_size():.0f} of {len(post.theta)})")
    print(f"Scenario `{scenario.name}`, {source}. Each cell: median over runs [5–95 %]. Cooperation is the mean "
          "over the 10 domains, military domains the mean over exercises, logistics and collective defence; "
          "threat is directed; alignment is the counterbalancing alignment of the pair.")
    for note in notes:
        print(f"\n> note: {note}")
    print()
    for i, j in dyads(world.actors):
        print(dyad_table(tr, world.actors, i, j, dates))
        print()
    print("### Who fears whom\n")
    print(fear_table(tr, world.actors, dates))
    print("\n### Legal steps (reform hazard)\n")
    print(steps_table(tr, world, scenario.start, scenario.end, 2025.0))


if __name__ == "__main__":
    main()
