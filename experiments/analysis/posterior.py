"""Calibration as a posterior: approximate Bayesian computation by sequential Monte Carlo (ABC-SMC).

The record cannot tell many parameters apart, so calibration returns a population of
weighted parameter draws, not a point. The algorithm is the population Monte Carlo
ABC of Beaumont et al. (2009, Biometrika 96(4)) with an adaptive tolerance (Del Moral
et al. 2012): generation 0 samples the prior (uniform, or log-uniform, on each
parameter's range); each later generation sets its tolerance to a quantile of the
previous generation's distances, proposes particles by perturbing weighted draws of the
previous population, each parameter by a normal of twice its weighted variance truncated to
its prior range (Beaumont et al. 2009's componentwise kernel; truncated so that no proposal
leaves a prior box of dozens of parameters), keeps those whose distance is within the
tolerance, and weights them by prior / proposal density. (A multivariate normal in the logit of each
parameter's position in its range moved faster, but its weights collapsed to an effective
sample size of 1 in 36 dimensions: the prior density in that space varies by orders of
magnitude between particles.)

The distance of a particle is the calibration objective (experiments/analysis/objective.py)
of the median of R replications in the fit window. Each particle's runs are seeded by
its own identity (generation, candidate, replication) and candidates are evaluated in
batches on the pipeline's evaluator (serial, processes, Dask) and accepted in candidate
order, so a posterior is the same to the last bit wherever it is computed. (pyabc was
considered: its samplers reseed every worker from the operating system's entropy, so
its posteriors cannot be reproduced; ELFI and sbi were set aside for their maintenance
and their neural-network stack.) Each finished generation is written atomically (the
three files switched together: experiments.store.atomic.Staged); a rerun with the same
config resumes after the last one. ``posterior.json`` says whether the run finished
(``complete``), so that a posterior reader refuses the folder of an interrupted
calibration, and records the registry's parameters at fitting time.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from experiments.analysis.calibration_config import CalibrationConfig
from experiments.analysis.objective import step_medians, terms
from experiments.pipeline.evaluators import evaluator
from experiments.pipeline.inference_data import write_netcdf
from experiments.pipeline.outcomes import point_paths
from experiments.pipeline.posterior_file import weighted_median, weighted_quantile
from experiments.store.atomic import Staged, json_writer, table_path, table_writer
from model.spec.errors import InputError
from model.spec.parameters import REGISTRY
from model.spec.provenance import model_digest, package_version, rules_digest
from model.spec.ranges import ParameterRange

GENERATION_KEY = 1_000_000  # candidate identities of generation t start at t * GENERATION_KEY


@dataclass(frozen=True)
class Settings:
    """ABC-SMC settings (a calibration config's ``abc:`` block)."""

    population: int = 200
    generations: int = 8
    quantile: float = 0.5
    min_acceptance: float = 0.02
    batch: int = 25


# ----------------------------------------------------------------------------- the prior and the proposal
def _to_unit(theta: np.ndarray, ranges: list[ParameterRange]) -> np.ndarray:
    """Parameter values -> the proposal space (log for log-scale parameters)."""
    return np.column_stack([np.log(theta[:, k]) if p.log else theta[:, k] for k, p in enumerate(ranges)])


def _from_unit(x: np.ndarray, ranges: list[ParameterRange]) -> np.ndarray:
    return np.column_stack([np.exp(x[:, k]) if p.log else x[:, k] for k, p in enumerate(ranges)])


def _bounds(ranges: list[ParameterRange]) -> tuple[np.ndarray, np.ndarray]:
    lo = np.array([math.log(p.low) if p.log else p.low for p in ranges])
    hi = np.array([math.log(p.high) if p.log else p.high for p in ranges])
    return lo, hi


def prior_sample(ranges: list[ParameterRange], n: int, rng: np.random.Generator) -> np.ndarray:
    """n draws from the prior: independent uniforms on each range (on the log scale for log parameters)."""
    lo, hi = _bounds(ranges)
    return _from_unit(lo + (hi - lo) * rng.random((n, len(ranges))), ranges)


def _kernel_scale(x: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """The perturbation kernel's standard deviation per parameter (on the proposal scale): sqrt(2 var_w),
    Beaumont et al. (2009)'s componentwise kernel, with a floor that keeps it positive."""
    mean = np.average(x, axis=0, weights=weights)
    var = np.average((x - mean) ** 2, axis=0, weights=weights)
    return np.sqrt(2.0 * var + 1e-24)


def _truncated_normal(mu: np.ndarray, sigma: np.ndarray, lo: np.ndarray, hi: np.ndarray,
                      rng: np.random.Generator) -> np.ndarray:
    """One draw per row of N(mu, sigma^2) truncated to [lo, hi], each parameter on its own (inverse CDF)."""
    a, b = stats.norm.cdf((lo - mu) / sigma), stats.norm.cdf((hi - mu) / sigma)
    u = a + (b - a) * rng.random(mu.shape)
    return np.clip(mu + sigma * stats.norm.ppf(np.clip(u, 1e-300, 1 - 1e-16)), lo, hi)


def _perturb(pop: np.ndarray, weights: np.ndarray, ranges: list[ParameterRange], n: int,
             rng: np.random.Generator) -> np.ndarray:
    """n proposals: weighted draws of the population, each parameter moved by a normal of sd sqrt(2 var_w)
    truncated to its prior range, so that no proposal falls outside the prior box (in a box of many
    parameters, redrawing until every one lands inside would almost never end)."""
    x = _to_unit(pop, ranges)
    sigma = _kernel_scale(x, weights)
    lo, hi = _bounds(ranges)
    pick = rng.choice(len(x), size=n, p=weights)
    return _from_unit(_truncated_normal(x[pick], sigma, lo, hi, rng), ranges)


def _new_weights(new: np.ndarray, old: np.ndarray, old_w: np.ndarray, ranges: list[ParameterRange]) -> np.ndarray:
    """w_i proportional to prior(theta_i) / sum_j w_j K(theta_i | theta_j); the prior is flat on its box and K is
    the product of truncated normals (each normalised on its parameter's range, the normalisation depending on
    theta_j). The squared distances come from one matrix product, so memory grows as n_new x n_old."""
    xn, xo = _to_unit(new, ranges), _to_unit(old, ranges)
    sigma = _kernel_scale(xo, old_w)
    lo, hi = _bounds(ranges)
    zn, zo = xn / sigma, xo / sigma
    sq = (zn ** 2).sum(1)[:, None] + (zo ** 2).sum(1)[None, :] - 2.0 * zn @ zo.T  # (n_new, n_old)
    mass = stats.norm.cdf((hi - xo) / sigma) - stats.norm.cdf((lo - xo) / sigma)  # (n_old, P)
    log_k = -0.5 * np.maximum(sq, 0.0) - np.log(np.maximum(mass, 1e-300)).sum(1)[None, :]
    top = log_k.max(axis=1, keepdims=True)
    dens = np.exp(log_k - top) @ old_w  # the constant factors cancel in the normalisation below
    log_w = -(np.log(dens) + top[:, 0])
    w = np.exp(log_w - log_w.max())
    return w / w.sum()


# ----------------------------------------------------------------------------- distances (the tasks)
def distances(config: CalibrationConfig, theta: np.ndarray, first: int) -> np.ndarray:
    """One task: the distance of each row of ``theta`` (candidates first, first+1, ...)."""
    names = [p.name for p in config.carried]
    window = config.window_dates
    points = [dict(zip(names, row.tolist())) for row in theta]
    p = point_paths(config.scenario, points, config.replications, config.seed, last_date=window[1] - 0.25,
                    indices=[t.index for t in config.targets], paired=False, first=first)
    out = np.empty(len(theta))
    for s in range(len(theta)):
        meds = {k: np.median(v[s], axis=0) for k, v in p.indices.items()}
        out[s] = terms(config, meds, step_medians(p.entered[s], config.scenario.start, config.steps), window)["score"]
    return out


def _evaluate(ev, config: CalibrationConfig, theta: np.ndarray, first: int, batch: int) -> np.ndarray:
    """Distances of all candidates, in candidate order, evaluated in batches on the evaluator."""
    shared = ev.share(config)
    futures = [ev.submit(distances, shared, theta[lo:lo + batch], first + lo) for lo in range(0, len(theta), batch)]
    return np.concatenate([f.result() for f in futures])


# ----------------------------------------------------------------------------- the populations
@dataclass
class Population:
    """One generation: accepted particles, their weights and distances, and how it was reached."""

    generation: int
    theta: np.ndarray
    weights: np.ndarray
    distance: np.ndarray
    epsilon: float
    evaluations: int

    def frame(self, names: list[str]) -> pd.DataFrame:
        df = pd.DataFrame(self.theta, columns=names)
        df.insert(0, "generation", self.generation)
        df["weight"] = self.weights
        df["distance"] = self.distance
        return df


def _generation(config: CalibrationConfig, st: Settings, ev, prev: Population | None, t: int,
                log: Callable[[str], None]) -> Population | None:
    """Generation t from the previous population (None: sample the prior). None when acceptance falls too low."""
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(config.seed, spawn_key=(t,))))
    n, first = st.population, t * GENERATION_KEY
    if prev is None:
        theta = prior_sample(config.carried, n, rng)
        d = _evaluate(ev, config, theta, first, st.batch)
        return Population(0, theta, np.full(n, 1.0 / n), d, math.inf, n)
    eps = weighted_quantile(prev.distance, prev.weights, st.quantile)
    kept: list[np.ndarray] = []
    dist: list[np.ndarray] = []
    tried = 0
    while sum(len(k) for k in kept) < n:
        cand = _propose(config, prev, n, rng)
        d = _evaluate(ev, config, cand, first + tried, st.batch)
        tried += n
        kept.append(cand[d <= eps])
        dist.append(d[d <= eps])
        accepted = sum(len(k) for k in kept)
        if accepted / tried < st.min_acceptance:
            log(f"generation {t}: acceptance {accepted}/{tried} is below {st.min_acceptance:.0%}; stopping")
            return None
    theta, d = np.concatenate(kept)[:n], np.concatenate(dist)[:n]  # the first n in candidate order
    k = len(config.parameters)  # the weights concern the fitted parameters; the others' proposal is their prior
    return Population(t, theta, _new_weights(theta[:, :k], prev.theta[:, :k], prev.weights, config.parameters), d,
                      eps, tried)


def _propose(config: CalibrationConfig, prev: Population, n: int, rng: np.random.Generator) -> np.ndarray:
    """n proposals: the fitted parameters perturbed (:func:`_perturb`), the others drawn afresh from their prior
    (a block whose proposal is its prior, so its factor of the weight is 1)."""
    k = len(config.parameters)
    fitted = _perturb(prev.theta[:, :k], prev.weights, config.parameters, n, rng)
    if not config.prior_draws:
        return fitted
    return np.column_stack([fitted, prior_sample(config.prior_draws, n, rng)])


def _fingerprint(config: CalibrationConfig, st: Settings) -> str:
    return config.fingerprint() + f"|abc:{st.population}:{st.quantile}:{st.batch}"


def _resume(out: Path, names: list[str], fp: str) -> list[Population]:
    """The generations already written in OUT for this configuration (none when it differs)."""
    meta = out / "posterior.json"
    if not meta.exists():
        return []
    m = json.loads(meta.read_text())
    if m.get("fingerprint") != fp:
        raise InputError(str(meta), None, None, "this folder holds a posterior of a different configuration "
                                                "(scenario, parameters, window, targets, seed or model); "
                                                "use another --out")
    df = pd.read_parquet(out / "populations.parquet")
    pops = []
    for g, part in df.groupby("generation", sort=True):
        info = m["generations"][int(g)]
        pops.append(Population(int(g), part[names].to_numpy(), part["weight"].to_numpy(),
                               part["distance"].to_numpy(), float(info["epsilon"]), int(info["evaluations"])))
    return pops


def _write(out: Path, config: CalibrationConfig, st: Settings, pops: list[Population], fp: str,
           complete: bool = False, stopped: str = "") -> None:
    """The populations, the last one as the posterior, and the record, switched in together; ``complete`` once
    the run has finished (all generations, or stopped for low acceptance: ``stopped`` says why)."""
    names = [p.name for p in config.carried]
    last = pops[-1]
    record = {
        "fingerprint": fp, "config": config.path, "scenario": config.scenario.name,
        "fit_window": list(config.window), "replications": config.replications, "seed": config.seed,
        "parameters": [{"name": p.name, "low": p.low, "high": p.high, "log": p.log, "fitted": p in config.parameters}
                       for p in config.carried],
        "settings": st.__dict__, "model_sha256": model_digest(), "rules_sha256": rules_digest(),
        "package_version": package_version(),
        "registry": list(REGISTRY), "complete": complete, **({"stopped": stopped} if stopped else {}),
        "generations": [{"generation": p.generation, "epsilon": p.epsilon, "evaluations": p.evaluations,
                         "acceptance": len(p.theta) / p.evaluations} for p in pops],
        "median": {n: weighted_median(last.theta[:, k], last.weights) for k, n in enumerate(names)},
    }
    with Staged() as staged:
        staged.add(table_path(out / "populations"), table_writer(pd.concat([p.frame(names) for p in pops],
                                                                          ignore_index=True)))
        staged.add(table_path(out / "posterior"), table_writer(last.frame(names)))
        staged.add(out / "posterior.nc", lambda tmp: write_netcdf(
            tmp, names, last.theta, last.weights, config.seed,
            {"config": config.path, "model_sha256": record["model_sha256"], "complete": complete}))
        staged.add(out / "posterior.json", json_writer(record))


def abc_smc(config: CalibrationConfig, st: Settings, out: str | Path, executor: str = "serial",
            workers: int | None = None, log: Callable[[str], None] | None = None) -> list[Population]:
    """Run (or resume) ABC-SMC; write ``posterior.parquet`` (the last population), ``populations.parquet``
    and ``posterior.json`` into OUT after every generation. Returns the populations."""
    say = log or (lambda msg: None)
    out = Path(out)
    names = [p.name for p in config.carried]
    fp = _fingerprint(config, st)
    pops = _resume(out, names, fp)
    if pops:
        say(f"resuming after generation {pops[-1].generation} ({out})")
    stopped = ""
    with evaluator(executor, workers) as ev:
        for t in range(len(pops), st.generations):
            t0 = time.perf_counter()
            pop = _generation(config, st, ev, pops[-1] if pops else None, t, say)
            if pop is None:
                stopped = f"acceptance fell below {st.min_acceptance:.0%} in generation {t}"
                break
            pops.append(pop)
            _write(out, config, st, pops, fp)
            say(f"generation {t}: tolerance {pop.epsilon:.3g}, {len(pop.theta)} accepted of {pop.evaluations} "
                f"({len(pop.theta) / pop.evaluations:.0%}), {time.perf_counter() - t0:.0f} s")
    if pops:
        _write(out, config, st, pops, fp, complete=True, stopped=stopped)  # finished: a final posterior
    return pops
