"""The page's comparisons: the same seed's baseline run, and bands over many seeds, from the batch kernel.

The kernel is bit-identical to the Mesa model for the same seed and identity and runs
many runs at once, so a baseline costs a fraction of a second and a band over 100 seeds
about a second. The baseline runs on the scenario's own world and horizon (composed as a
scenario file that extends it, when they differ), so the difference is paired: same seed,
same shocks, only the scenarios differ. Band seeds are replications 0..N-1 of the page's
master seed, i.e. the runs of ``alliance run SCENARIO --seed SEED -r N``. With the
posterior switched on, run r is sample r and takes its parameters from the r-th draw of
the shipped posterior (``alliance run SCENARIO --seed SEED -r N --posterior
data/posterior_1990_2025``): a parameter whose slider the user moved keeps the slider's
value (as ``--set`` does); every other parameter takes the draw's value. Identities and the statistics of
the paired difference are model/spec/pairing.py's.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from experiments.app import library
from experiments.pipeline.posterior_file import Posterior, read_posterior
from model.engines import kernel
from model.spec import pairing
from model.spec.errors import InputError
from model.spec.paths import ROOT
from model.spec.runspec import RunSpec
from model.spec.scenario import Scenario, load_scenario

NONE = "none"  # the "compare with" choice that shows no baseline
QUANTILES = (0.05, 0.5, 0.95)
BAND_SIZES = (10, 20, 50, 100)
POSTERIOR = ROOT / "data" / "posterior_1990_2025"  # the posterior the shipped batch draws from


@dataclass(frozen=True)
class Comparison:
    """The baseline's run with the page's seed and parameter overrides (replication 0)."""

    name: str
    note: str  # how it was adapted to the scenario ('' when it runs as shipped)
    scenario: Scenario
    indices: dict[str, np.ndarray]  # index -> values at quarters 0..steps

    def at(self, name: str, quarter: int) -> float:
        return float(self.indices[name][quarter])


@dataclass(frozen=True)
class Band:
    """Quantiles (5 %, median, 95 %) over ``seeds`` replications, per index and quarter: arrays (3, steps + 1)."""

    seeds: int
    posterior: bool  # whether each run drew its parameters from the posterior
    scenario: dict[str, np.ndarray]
    baseline: dict[str, np.ndarray] | None
    difference: dict[str, np.ndarray] | None  # of the paired differences scenario - baseline


def default_baseline(base: str, edited: bool) -> str | None:
    """What a run is compared with by default: the scenario it extends (the chosen one, once events are added)."""
    return base if edited else library.parent(base)


def baseline_scenario(name: str, like: Scenario) -> tuple[Scenario, str]:
    """The scenario ``name``, on the world and horizon of ``like`` (so runs pair and share a kernel call)."""
    s = library.scenario(name)
    if (s.world.digest, s.start, s.end) == (like.world.digest, like.start, like.end):
        return s, ""
    doc = {"name": name, "extends": name, "world": str(Path(like.world.path).resolve()),
           "horizon": {"start": like.start, "end": like.end}}
    with tempfile.TemporaryDirectory(prefix="alliance-viz-") as tmp:
        path = Path(tmp) / f"{name}_baseline.yaml"
        path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
        try:
            s = load_scenario(path)
        except InputError as exc:
            raise InputError(f"baseline {name}", exc.line, exc.field, exc.message) from None
    return s, f"run on this scenario's world ({like.world.name}) and horizon"


def specs(scenario: Scenario, seed: int, overrides: dict[str, float], n: int,
          posterior: Posterior | None = None) -> list[RunSpec]:
    """Replications 0..n-1; with a posterior, run r is sample r with its r-th draw (seeded by ``seed``)."""
    return pairing.runs(scenario, seed, n, overrides, posterior.draw(n, seed) if posterior is not None else None)


def shipped_posterior() -> Posterior:
    """The posterior fitted to the whole record (data/posterior_1990_2025)."""
    return read_posterior(POSTERIOR)


def comparison(name: str, like: Scenario, seed: int, overrides: dict[str, float]) -> Comparison:
    """The baseline ``name``'s replication 0 with the page's seed and overrides (raises InputError)."""
    sc, note = baseline_scenario(name, like)
    t = kernel.run(specs(sc, seed, overrides, 1))
    return Comparison(name, note, sc, {k: v[0].copy() for k, v in t.indices.items()})


def quantiles(values: np.ndarray) -> np.ndarray:
    """(3, Q): the 5 %, 50 % and 95 % quantiles over runs (axis 0), as :func:`model.spec.pairing.effect` gives them."""
    e = pairing.effect(values, axis=0)
    return np.stack([e[pairing.QCOLS[pairing.QUANTILES.index(q)]] for q in QUANTILES])


def band(scenario: Scenario, baseline: Scenario | None, seed: int, overrides: dict[str, float], n: int,
         posterior: Posterior | None = None) -> Band:
    """Bands of the scenario (and the baseline, and their paired difference) over n replications, one kernel call.

    With a posterior, run r of the scenario and run r of the baseline take the same draw (paired).
    """
    todo = specs(scenario, seed, overrides, n, posterior)
    if baseline is not None:
        todo += specs(baseline, seed, overrides, n, posterior)
    t = kernel.run(todo)
    own = {k: v[:n] for k, v in t.indices.items()}
    drawn = posterior is not None
    if baseline is None:
        return Band(n, drawn, {k: quantiles(v) for k, v in own.items()}, None, None)
    other = {k: t.indices[k][n:] for k in own}
    return Band(n, drawn, {k: quantiles(v) for k, v in own.items()}, {k: quantiles(v) for k, v in other.items()},
                {k: quantiles(own[k] - other[k]) for k in own})


def band_text(seeds: int, posterior: bool) -> str:
    """What a band is over, in words (also while it is being computed)."""
    return f"{seeds} posterior draws" if posterior else f"{seeds} seeds"
