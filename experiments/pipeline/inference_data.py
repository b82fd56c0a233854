"""A posterior in the ecosystem's format: ArviZ's DataTree (InferenceData before ArviZ 1.0) as NetCDF.

ABC-SMC returns weighted particles; ArviZ's summaries, pair plots and diagnostics expect equally
weighted draws. :func:`equal_draws` resamples the particles systematically (one uniform, seeded:
the same posterior, the same draws) and :func:`write_netcdf` writes them as the ``posterior`` group
(one chain), with the effective sample size and how the draws were made as attributes, so that
``arviz.from_netcdf("posterior.nc")`` and ``arviz.summary`` work without this package's code.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

ENGINE = "h5netcdf"  # NetCDF4 through h5py: wheels for every platform, no C library to install


def equal_draws(theta: np.ndarray, weights: np.ndarray, n: int, seed: int) -> np.ndarray:
    """``n`` rows of ``theta`` chosen by systematic resampling with ``weights`` (seeded)."""
    w = np.asarray(weights, dtype=float)
    cum = np.cumsum(w / w.sum())
    cum[-1] = 1.0
    u = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(0x1D,)))).random()
    return theta[np.searchsorted(cum, (u + np.arange(n)) / n, side="right")]


def write_netcdf(path: str | Path, names: list[str], theta: np.ndarray, weights: np.ndarray, seed: int,
                 attrs: dict | None = None) -> None:
    """Write the weighted posterior as equally weighted draws (as many as particles) that ArviZ reads."""
    import arviz as az  # the ecosystem's library, imported where it is used (the CLI starts faster)

    draws = equal_draws(theta, weights, len(theta), seed)
    ess = float(1.0 / np.sum((weights / weights.sum()) ** 2))
    tree = az.from_dict({"posterior": {n: draws[None, :, k] for k, n in enumerate(names)}})
    tree.attrs.update({"inference_library": "ABC-SMC (experiments/analysis/posterior.py)",
                       "effective_sample_size": ess, "resampling": f"systematic, seed {seed}",
                       **{k: str(v) for k, v in (attrs or {}).items()}})
    tree.to_netcdf(str(path), engine=ENGINE)
