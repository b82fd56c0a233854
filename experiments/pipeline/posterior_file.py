"""Posterior files: weighted parameter draws, and drawing from them as a design.

ABC-SMC (experiments/analysis/posterior.py) writes ``posterior.parquet``: one row per
particle, a column per registry parameter and a ``weight`` column. Experiments
(``parameters: {posterior: FILE}``), ``alliance run --posterior FILE`` and the page draw
parameter sets from it with the posterior weights, seeded, so the same seed gives the
same draws wherever they are made.

:func:`read_posterior` takes only a final posterior. It refuses ``populations.parquet``
(every generation at once, the first one drawn from the prior) and the folder of a
calibration that has not finished (``posterior.json`` beside the file says how many
generations ran and whether the run finished). It warns (:class:`PosteriorWarning`, one
line on stderr from the CLI) when the model changed since the posterior was fitted: its
parameters are no longer all in today's registry (those are ignored), the registry has
parameters the fit did not know (they take the scenario's values), or the model's code
is not the code it was fitted with (``rules_sha256``: the model's source without the default
values, which a posterior carrying every parameter never reads; ``model_sha256`` where a
posterior does not carry them all or predates the split). A warning, not an error: a
refactor that leaves the numbers unchanged changes the digest too.
"""

from __future__ import annotations

import json
import shlex
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from experiments.store.text import ProjectWarning
from model.spec.errors import InputError
from model.spec.parameters import REGISTRY
from model.spec.paths import DATA_DIR
from model.spec.provenance import model_digest, rules_digest

SHIPPED = DATA_DIR / "posterior_1990_2025"  # the posterior fitted to the whole record: the defaults' source

RECORD = "posterior.json"  # what ABC-SMC writes beside posterior.parquet
_COLUMNS = {"generation", "weight", "distance"}


class PosteriorWarning(ProjectWarning):
    """A posterior fitted to another version of the model (its parameters or its code)."""


def weighted_quantile(x: np.ndarray, w: np.ndarray, q: float) -> float:
    """The q-quantile of values x with weights w (the smallest x whose cumulative weight reaches q)."""
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    order = np.argsort(x, kind="stable")
    cum = np.cumsum(w[order])
    return float(x[order][min(len(x) - 1, int(np.searchsorted(cum, q * cum[-1])))])


def weighted_median(x: np.ndarray, w: np.ndarray) -> float:
    return weighted_quantile(x, w, 0.5)


@dataclass(frozen=True)
class Posterior:
    """Weighted parameter draws read from a posterior file."""

    path: str
    names: tuple[str, ...]
    theta: np.ndarray
    weights: np.ndarray
    prior: tuple[tuple[float, float, bool], ...] = ()  # per parameter: the fit's (low, high, log) prior range

    def prior_of(self, k: int) -> tuple[float, float, bool]:
        """The prior range the k-th parameter was fitted on (the registry's range when not recorded)."""
        if self.prior:
            return self.prior[k]
        reg = REGISTRY[self.names[k]]
        return reg.low, reg.high, False

    def draw(self, n: int, seed: int) -> list[dict[str, float]]:
        """n parameter mappings drawn with the posterior weights (seeded; the same seed, the same draws)."""
        rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(0xAB,))))
        pick = rng.choice(len(self.theta), size=n, p=self.weights)
        return [dict(zip(self.names, self.theta[i].tolist())) for i in pick]

    def bounds(self) -> list[tuple[float, float]]:
        """The smallest and largest draw of each parameter."""
        return [(float(self.theta[:, k].min()), float(self.theta[:, k].max())) for k in range(len(self.names))]

    def effective_size(self) -> float:
        """Kish's effective sample size, 1 / sum(w^2): how many equally weighted draws the population is worth."""
        return float(1.0 / np.sum(self.weights ** 2))

    def quantile(self, k: int, q: float) -> float:
        """The weighted q-quantile of the k-th parameter."""
        return weighted_quantile(self.theta[:, k], self.weights, q)

    def median(self) -> dict[str, float]:
        return {n: weighted_median(self.theta[:, k], self.weights) for k, n in enumerate(self.names)}


def _record(p: Path) -> dict | None:
    """``posterior.json`` beside a posterior file (None when there is none: a posterior made by other means)."""
    path = p.parent / RECORD
    if not path.is_file():
        return None
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(str(path), None, None, f"unreadable record of the posterior: {exc}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("generations"), list):
        raise InputError(str(path), None, "generations", "not the record of an ABC-SMC posterior")
    return doc


def _resume_hint(p: Path, rec: dict) -> str:
    config = rec.get("config")
    return f"; resume it with: {shlex.join(['alliance', 'calibrate', config, '--out', str(p.parent)])}" \
        if isinstance(config, str) else ""


def _check_final(p: Path, df: pd.DataFrame, rec: dict | None) -> None:
    """Refuse what is not the final generation of a finished calibration."""
    gens = pd.unique(df["generation"]) if "generation" in df.columns else []
    if len(gens) > 1:
        raise InputError(str(p), None, "generation", f"holds {len(gens)} generations of ABC-SMC (every population, "
                         "the first drawn from the prior), not a posterior: use the posterior.parquet beside it")
    if rec is None:
        return
    done = [g.get("generation") for g in rec["generations"] if isinstance(g, dict)]
    planned = rec.get("settings", {}).get("generations") if isinstance(rec.get("settings"), dict) else None
    finished = rec.get("complete", planned is not None and len(done) >= planned)  # older records: all generations
    if not finished:
        raise InputError(str(p), None, None, f"the calibration stopped after {len(done)} of {planned} generations "
                         f"(interrupted?): this is not its final posterior{_resume_hint(p, rec)}")
    if len(gens) == 1 and done and int(gens[0]) != done[-1]:
        raise InputError(str(p), None, "generation", f"holds generation {int(gens[0])} where {RECORD} ends with "
                         f"generation {done[-1]}: the file and its record do not belong together")


def _warn_if_stale(p: Path, df: pd.DataFrame, rec: dict | None) -> None:
    """Warn when the model changed since the posterior was fitted (parameters or code)."""
    fitted = [c for c in df.columns if c not in _COLUMNS]
    if rec is not None and isinstance(rec.get("parameters"), list):
        fitted = [q["name"] for q in rec["parameters"] if isinstance(q, dict) and isinstance(q.get("name"), str)]
    changes = []
    missing = [n for n in fitted if n not in REGISTRY]
    if missing:
        changes.append(f"{', '.join(missing)} fitted but no longer in the model's registry (ignored)")
    known = rec.get("registry") if rec is not None else None
    added = [n for n in REGISTRY if n not in known] if isinstance(known, list) else []
    if added:
        changes.append(f"{', '.join(added)} added to the registry since (they take the scenario's values)")
    was = rec.get("model_sha256") if rec is not None else None
    rules = rec.get("rules_sha256") if rec is not None else None
    if isinstance(rules, str) and rules != rules_digest():
        changes.append(f"model code changed since this posterior was fitted (rules sha256 {rules[:12]}…, now "
                       f"{rules_digest()[:12]}…)")
    elif isinstance(was, str) and was != model_digest() and not (
            isinstance(rules, str) and set(fitted) >= set(REGISTRY)):
        changes.append(f"model code changed since this posterior was fitted (model sha256 {was[:12]}…, now "
                       f"{model_digest()[:12]}…)")
    if changes:
        warnings.warn(PosteriorWarning(f"posterior {p}: " + "; ".join(changes)), stacklevel=3)


def read_posterior(path: str | Path, file: str | None = None, line: int | None = None,
                   field: str = "posterior") -> Posterior:
    """A final posterior (``posterior.parquet`` written by ABC-SMC, or its folder); errors name file, line, field.

    Warns (PosteriorWarning) when the model changed since the fit; refuses every generation at once
    (``populations.parquet``) and an unfinished calibration.
    """
    p = Path(path)
    if p.is_dir():
        p = p / "posterior.parquet"
    if not p.exists():
        raise InputError(file or str(p), line, field, f"no such posterior file '{p}'")
    try:
        df = pd.read_parquet(p)
    except (OSError, ValueError) as exc:
        raise InputError(str(p), None, None, f"cannot read the posterior: {exc}") from None
    names = tuple(c for c in df.columns if c in REGISTRY)
    if "weight" not in df.columns or not names or df.empty:
        raise InputError(str(p), None, "weight", "not a posterior (needs a weight column and registry parameters)")
    rec = _record(p)
    _check_final(p, df, rec)
    _warn_if_stale(p, df, rec)
    w = df["weight"].to_numpy(dtype=float)
    theta = df[list(names)].to_numpy(dtype=float)
    if not (np.all(np.isfinite(w)) and np.all(w >= 0) and w.max() > 0 and np.all(np.isfinite(theta))):
        raise InputError(str(p), None, "weight", "weights must be finite, non-negative and not all zero")
    for k, n in enumerate(names):
        reg = REGISTRY[n]
        if theta[:, k].min() < reg.low or theta[:, k].max() > reg.high:
            raise InputError(str(p), None, n, f"draws outside the registry range [{reg.low}, {reg.high}]")
    w = w / w.max()  # scaled first: weights near the largest float would overflow their sum
    return Posterior(str(p), names, theta, w / w.sum(), _priors(names, rec))


def _priors(names: tuple[str, ...], rec: dict | None) -> tuple[tuple[float, float, bool], ...]:
    """The prior ranges the record gives for the fitted parameters (registry ranges for the others)."""
    given = {}
    if rec is not None and isinstance(rec.get("parameters"), list):
        for q in rec["parameters"]:
            if isinstance(q, dict) and all(isinstance(q.get(k), (int, float)) for k in ("low", "high")):
                given[q.get("name")] = (float(q["low"]), float(q["high"]), bool(q.get("log", False)))
    return tuple(given.get(n, (REGISTRY[n].low, REGISTRY[n].high, False)) for n in names)
