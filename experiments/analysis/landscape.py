"""Landscape theory of aggregation (Axelrod & Bennett 1993).

Reference: R. Axelrod and D. S. Bennett, "A Landscape Theory of Aggregation",
*British Journal of Political Science* 23(2), 1993, pp. 211-233.

Definitions (exactly the paper's, see ``docs/landscape.md``)
-----------------------------------------------------------
* Actors ``i = 0..N-1`` have sizes ``s_i >= 0`` and symmetric pairwise propensities
  ``p_ij`` (positive = affinity, negative = enmity).  The diagonal ``p_ii`` is
  ignored (treated as 0): an actor is never apart from itself.
* A configuration ``X`` puts every actor in one of two coalitions; it is stored as a
  0/1 vector ``x``.  ``d_ij(X) = 0`` if ``i`` and ``j`` are together, else 1.
* Frustration ``F_i(X) = sum_{j != i} s_j p_ij d_ij(X)``.
* Energy ``E(X) = sum_i s_i F_i(X) = sum_{i != j} s_i s_j p_ij d_ij(X)`` -- a sum over
  *ordered* pairs, so each unordered pair counts twice, as in the paper.

Sign convention: only pairs that are *apart* contribute.  Affinity apart
(``p_ij > 0``) raises frustration; enmity apart (``p_ij < 0``) lowers it.  Since
``d_ij = 1 - [together]``, this equals "enmity together frustrates" up to the constant
``sum_j s_j p_ij``, so the minima, basins and descent paths are the same under either
reading; only energy levels shift.  All energies reported here use the paper's form.

A configuration and its mirror (all actors swapped) are the same configuration.
The canonical form puts actor 0 in coalition 0 (``x_0 = 0``); there are ``2**(N-1)``
canonical configurations (including the one with everybody together).  Canonical
index ``c`` has bit ``k-1`` equal to ``x_k`` for ``k >= 1``.

Moves, ties and tolerance
-------------------------
A *move* switches one actor to the other coalition.  With ``W_ij = s_i s_j p_ij`` and
spins ``sigma = 2x - 1`` the energy change of moving actor ``k`` is
``dE_k = 2 sigma_k (W sigma)_k``.  Floating-point noise is absorbed by the tolerance
``tol = REL_TOL * sum_ij |W_ij|`` (see :func:`tie_tolerance`):

* a move *lowers* energy only if ``dE_k < -tol``;
* a configuration is a **local minimum** iff no move lowers energy.  Neighbours of
  *equal* energy (``|dE_k| <= tol``) do **not** disqualify it, so every configuration
  of a flat plateau with no lower exit is reported as a minimum of its own;
* **steepest descent** takes the move with the largest decrease; moves whose decrease
  is within ``tol`` of the largest count as tied and the lowest actor index wins
  (i.e. the chosen ``k`` is the smallest with ``dE_k <= min_j dE_j + tol``).

Since energy strictly falls at every step, descent always ends, and it ends exactly
at a local minimum.  The **basin** of a minimum is the set of canonical
configurations whose steepest-descent path ends there; ``basin_share`` is its size
divided by ``2**(N-1)``.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from typing import NamedTuple

import numpy as np
import pandas as pd

__all__ = [
    "REL_TOL",
    "DescentResult",
    "LandscapeInputs",
    "canonical",
    "config_index",
    "config_label",
    "default_names",
    "descend",
    "descent_search",
    "energy",
    "exact_search",
    "from_state",
    "frustration",
    "index_to_config",
    "landscape_over_time",
    "tie_tolerance",
]

#: Relative tolerance for "lowers energy" and for ties; scaled by ``sum |s_i s_j p_ij|``.
REL_TOL = 1e-12

#: Default largest world for :func:`exact_search` (2**24 canonical configurations).
MAX_EXACT_ACTORS = 25

# log2 of the number of configurations handled per block in the exact search.
_BLOCK_BITS = 14


class DescentResult(NamedTuple):
    """Outcome of :func:`descend`: canonical final configuration, its energy, #moves."""

    config: np.ndarray
    energy: float
    steps: int


class LandscapeInputs(NamedTuple):
    """Sizes and propensities derived from simulated state (see :func:`from_state`)."""

    sizes: np.ndarray
    prop: np.ndarray
    names: list[str]


# --------------------------------------------------------------------------- helpers
def default_names(n: int) -> list[str]:
    """``A, B, C, ...`` for up to 26 actors, else ``a0, a1, ...``."""
    if n <= 26:
        return [chr(ord("A") + i) for i in range(n)]
    return [f"a{i}" for i in range(n)]


def _names(names, n: int) -> list[str]:
    if names is None:
        return default_names(n)
    out = [str(x) for x in names]
    if len(out) != n:
        raise ValueError(f"got {len(out)} names for {n} actors")
    if len(set(out)) != n:
        raise ValueError("actor names must be unique")
    return out


def _weights(sizes, prop) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Validate inputs; return sizes, propensities (zero diagonal) and W = s s^T * p."""
    s = np.asarray(sizes, dtype=float)
    p = np.array(prop, dtype=float)  # copy: the diagonal is zeroed below
    if s.ndim != 1 or s.size == 0:
        raise ValueError("sizes must be a non-empty 1-D array")
    n = s.size
    if p.shape != (n, n):
        raise ValueError(f"prop must have shape ({n}, {n}) to match sizes, got {p.shape}")
    if not np.all(np.isfinite(s)) or not np.all(np.isfinite(p)):
        raise ValueError("sizes and propensities must be finite numbers")
    if np.any(s < 0):
        raise ValueError("sizes must be non-negative")
    np.fill_diagonal(p, 0.0)
    scale = max(1.0, float(np.abs(p).max()))
    if not np.allclose(p, p.T, rtol=0.0, atol=1e-9 * scale):
        raise ValueError("propensities must be symmetric (p_ij == p_ji)")
    p = (p + p.T) / 2.0
    w = s[:, None] * s[None, :] * p
    return s, p, w


def tie_tolerance(sizes, prop) -> float:
    """Energy tolerance ``REL_TOL * sum_ij |s_i s_j p_ij|`` used for moves and ties."""
    _, _, w = _weights(sizes, prop)
    return REL_TOL * float(np.abs(w).sum())


def _as_configs(configs, n: int) -> tuple[np.ndarray, bool]:
    x = np.asarray(configs)
    single = x.ndim == 1
    x = np.atleast_2d(x)
    if x.ndim != 2 or x.shape[1] != n:
        raise ValueError(f"configurations must have shape (M, {n}) or ({n},), got {np.shape(configs)}")
    if x.dtype != bool and not np.all((x == 0) | (x == 1)):
        raise ValueError("configurations must hold 0/1 (or bool) coalition labels")
    return x.astype(np.int8), single


def canonical(config) -> np.ndarray:
    """Canonical 0/1 form (int8) of one or many configurations: actor 0 in coalition 0."""
    x = np.asarray(config).astype(np.int8)
    if x.ndim == 1:
        return x ^ x[0] if x.size else x
    return x ^ x[:, :1]


def config_index(config) -> int:
    """Canonical index of a configuration (bit ``k-1`` is ``x_k`` after canonicalising)."""
    x = canonical(config)
    return int(sum(int(v) << (k - 1) for k, v in enumerate(x) if k >= 1))


def index_to_config(index, n: int) -> np.ndarray:
    """0/1 array (int8) of canonical configuration(s) ``index`` for ``n`` actors."""
    idx = np.asarray(index, dtype=np.int64)
    bits = (idx[..., None] >> np.arange(n - 1, dtype=np.int64)) & 1
    zero = np.zeros(idx.shape + (1,), dtype=np.int64)
    return np.concatenate([zero, bits], axis=-1).astype(np.int8)


def config_label(config, names=None) -> str:
    """``"AB|CDE"``: actor 0's coalition, ``|``, the other one (names in actor order).

    Names are concatenated when all of them are single characters, otherwise joined
    with commas (``"Japan,USA|China"``).  An empty coalition prints as nothing.
    """
    x = canonical(config)
    nm = _names(names, x.size)
    sep = "" if all(len(a) == 1 for a in nm) else ","
    first = sep.join(a for a, v in zip(nm, x) if v == 0)
    second = sep.join(a for a, v in zip(nm, x) if v == 1)
    return f"{first}|{second}"


# ------------------------------------------------------------------ energy / frustration
def energy(sizes, prop, configs):
    """Energy ``E(X) = sum_{i != j} s_i s_j p_ij d_ij(X)`` of one or many configurations.

    ``configs`` is a ``(M, N)`` (or ``(N,)``) bool/0-1 array; returns an ``(M,)`` float
    array (or a float for a single configuration).  Computed as
    ``2 * sum_i x_i (W (1 - x))_i``, which avoids cancellation.
    """
    _, _, w = _weights(sizes, prop)
    x, single = _as_configs(configs, w.shape[0])
    xf = x.astype(float)
    e = 2.0 * np.einsum("mi,mi->m", xf, (1.0 - xf) @ w)
    return float(e[0]) if single else e


def frustration(sizes, prop, config):
    """Frustration ``F_i(X) = sum_{j != i} s_j p_ij d_ij(X)`` of every actor.

    ``config`` is ``(N,)`` (returns ``(N,)``) or ``(M, N)`` (returns ``(M, N)``).
    """
    s, p, _ = _weights(sizes, prop)
    x, single = _as_configs(config, s.size)
    d = (x[:, :, None] != x[:, None, :]).astype(float)  # (M, N, N)
    f = np.einsum("ij,mij->mi", p * s[None, :], d)
    return f[0] if single else f


# ----------------------------------------------------------------------- exact search
def _successor_blocks(w, tol_half, succ, blocks, block_bits):
    """Fill ``succ`` (steepest-descent successor index) for the given high-bit blocks.

    For canonical index ``c = (hb << L) | low`` the spins of actor 0 and the ``L``
    low actors come from a table shared by all blocks, those of the high actors are
    constant inside a block.  With ``D'_k = sigma_k (W sigma)_k = dE_k / 2`` the field
    ``W sigma`` is ``Hlow[:, low] + W[:, high] @ sigma_high`` -- one add and one
    multiply per (actor, configuration).
    """
    n = w.shape[0]
    nb = n - 1
    L = block_bits
    B = 1 << L
    idx_t = succ.dtype
    low = np.arange(B, dtype=idx_t)
    sig = np.empty((n, B))
    sig[0] = -1.0
    for k in range(1, L + 1):
        sig[k] = ((low >> (k - 1)) & 1) * 2.0 - 1.0
    hlow = w[:, : L + 1] @ sig[: L + 1]
    w_high = w[:, L + 1 :]
    high_shift = np.arange(nb - L, dtype=np.int64)
    flip = np.empty(n, dtype=idx_t)
    flip[0] = (1 << nb) - 1  # moving actor 0 = mirror of moving everybody else
    flip[1:] = np.left_shift(1, np.arange(nb, dtype=np.int64)).astype(idx_t)
    dp = np.empty((n, B))
    m = np.empty(B)
    thr = np.empty(B)
    cmp = np.empty(B, dtype=bool)
    best = np.empty(B, dtype=np.intp)
    for hb in blocks:
        s_high = ((hb >> high_shift) & 1) * 2.0 - 1.0
        if s_high.size:
            sig[L + 1 :] = s_high[:, None]
        np.add(hlow, (w_high @ s_high)[:, None], out=dp)
        np.multiply(dp, sig, out=dp)  # dp[k] = sigma_k (W sigma)_k = dE_k / 2
        np.min(dp, axis=0, out=m)
        np.add(m, tol_half, out=thr)
        for k in range(n - 1, -1, -1):  # lowest actor index among near-ties wins
            np.less_equal(dp[k], thr, out=cmp)
            np.copyto(best, k, where=cmp)
        out = succ[hb << L : (hb + 1) << L]
        np.bitwise_or(low, hb << L, out=out)
        np.less(m, -tol_half, out=cmp)  # some move lowers energy
        np.bitwise_xor(out, flip[best], out=out, where=cmp)


def _follow(succ: np.ndarray) -> np.ndarray:
    """Final fixed point of every pointer chain, by pointer jumping (log2(depth) passes)."""
    root = succ
    while True:
        nxt = root[root]
        if np.array_equal(nxt, root):
            return root
        root = nxt


def _minima_frame(names, idx, energies, counts, total, tol, extra_share="basin_share"):
    n = len(names)
    idx = np.asarray(idx, dtype=np.int64)
    configs = index_to_config(idx, n)
    e = np.asarray(energies, dtype=float)
    order = np.lexsort((idx, e))
    emin = float(e.min()) if e.size else np.nan
    rows = []
    for r in order:
        x = configs[r]
        rows.append(
            {
                "configuration": config_label(x, names),
                "config_index": int(idx[r]),
                "coalition_1": [a for a, v in zip(names, x) if v == 0],
                "coalition_2": [a for a, v in zip(names, x) if v == 1],
                "assignment": tuple(int(v) for v in x),
                "energy": float(e[r]),
                extra_share: counts[r] / total,
                "basin_size" if extra_share == "basin_share" else "n_starts": int(counts[r]),
                "is_global": bool(e[r] <= emin + tol),
            }
        )
    return pd.DataFrame(rows)


def exact_search(sizes, prop, max_actors: int = MAX_EXACT_ACTORS, names=None, workers=None):
    """Enumerate all ``2**(N-1)`` canonical configurations and return every local minimum.

    Vectorised: configurations are processed in blocks of ``2**14`` (flip deltas of all
    actors at once, see :func:`_successor_blocks`), each configuration's steepest-descent
    successor is stored in an int32 array, and basins follow by pointer jumping.
    Peak memory is about 25 bytes per configuration (~0.45 GB at N = 25).  ``workers``
    threads (default: up to 4, at most the CPU count) share the blocks.

    Returns a DataFrame sorted by energy with columns ``configuration`` (``"AB|CDE"``),
    ``config_index`` (canonical index), ``coalition_1`` (actor 0's coalition),
    ``coalition_2``, ``assignment`` (canonical 0/1 tuple), ``energy``, ``basin_share``,
    ``basin_size`` and ``is_global`` (energy within the tie tolerance of the lowest).  ``df.attrs`` holds ``n_actors``,
    ``n_configurations``, ``names`` and ``tolerance``.  Raises ``ValueError`` if
    ``N > max_actors``.
    """
    s, _, w = _weights(sizes, prop)
    n = s.size
    if n > max_actors:
        raise ValueError(
            f"exact search enumerates 2**(N-1) configurations and is limited to "
            f"{max_actors} actors; got {n}. Use descend()/descent_search() for larger worlds."
        )
    nm = _names(names, n)
    tol = REL_TOL * float(np.abs(w).sum())
    nb = n - 1
    total = 1 << nb
    idx_t = np.int32 if nb <= 30 else np.int64
    succ = np.empty(total, dtype=idx_t)
    if n == 1:
        succ[0] = 0
    else:
        L = min(nb, _BLOCK_BITS)
        nblocks = 1 << (nb - L)
        if workers is None:
            workers = min(4, os.cpu_count() or 1)
        workers = max(1, min(int(workers), nblocks))
        if workers == 1:
            _successor_blocks(w, tol / 2.0, succ, range(nblocks), L)
        else:
            chunks = [range(i, nblocks, workers) for i in range(workers)]
            with ThreadPoolExecutor(max_workers=workers) as ex:
                futures = [ex.submit(_successor_blocks, w, tol / 2.0, succ, ch, L) for ch in chunks]
                for fut in futures:
                    fut.result()
    minima = np.flatnonzero(succ == np.arange(total, dtype=idx_t))
    counts = np.bincount(_follow(succ), minlength=total)[minima]
    e = _energies_w(w, index_to_config(minima, n))
    df = _minima_frame(nm, minima, e, counts, total, tol)
    df.attrs.update(n_actors=n, n_configurations=total, names=nm, tolerance=tol, method="exact")
    return df


def _energies_w(w, x):
    xf = np.atleast_2d(x).astype(float)
    return 2.0 * np.einsum("mi,mi->m", xf, (1.0 - xf) @ w)


# ---------------------------------------------------------------------------- descent
def _descend_w(w, x0, tol_half, max_steps=None):
    sigma = np.asarray(x0, dtype=float) * 2.0 - 1.0
    h = w @ sigma
    n = sigma.size
    steps = 0
    refresh = max(64, n)
    while max_steps is None or steps < max_steps:
        dp = sigma * h
        m = dp.min()
        if not m < -tol_half:
            break
        k = int(np.flatnonzero(dp <= m + tol_half)[0])
        h -= (2.0 * sigma[k]) * w[:, k]
        sigma[k] = -sigma[k]
        steps += 1
        if steps % refresh == 0:  # limit drift of the incremental field
            h = w @ sigma
    x = (sigma > 0).astype(np.int8)
    return canonical(x), steps


def descend(sizes, prop, config, max_steps: int | None = None) -> DescentResult:
    """Steepest descent by single-actor moves from ``config`` (same rules as the search).

    Returns ``DescentResult(config, energy, steps)``: the canonical final configuration
    (int8 0/1 array), its energy and the number of moves taken.  Works for any N
    (O(N^2) set-up, O(N) per move).
    """
    s, _, w = _weights(sizes, prop)
    x, single = _as_configs(config, s.size)
    if not single:
        raise ValueError("descend() takes a single configuration of shape (N,)")
    tol = REL_TOL * float(np.abs(w).sum())
    final, steps = _descend_w(w, x[0], tol / 2.0, max_steps)
    return DescentResult(final, float(_energies_w(w, final)[0]), steps)


def default_starts(n: int, w=None, n_random: int = 8, seed: int = 0) -> np.ndarray:
    """Deterministic start set for multi-start descent, shape ``(K, n)``.

    All together; alternating by index (``x_i = i mod 2``); the sign split of the
    eigenvector of ``W = s s^T p`` with the lowest eigenvalue (if ``w`` is given);
    then ``n_random`` random splits from ``numpy.random.default_rng(seed)``.
    """
    starts = [np.zeros(n, dtype=np.int8), (np.arange(n) % 2).astype(np.int8)]
    if w is not None and n > 1:
        _, vecs = np.linalg.eigh(w)
        starts.append((vecs[:, 0] > 0).astype(np.int8))
    rng = np.random.default_rng(seed)
    starts.extend(rng.integers(0, 2, size=(n_random, n)).astype(np.int8))
    return np.array(starts, dtype=np.int8)


def descent_search(sizes, prop, names=None, starts=None, n_random: int = 8, seed: int = 0):
    """Multi-start steepest descent for worlds too large for :func:`exact_search`.

    ``starts`` defaults to :func:`default_starts` (all together first).  Returns a
    DataFrame of the distinct minima reached, like :func:`exact_search` but with
    ``start_share``/``n_starts`` (share/number of starts ending there) instead of basin
    columns; ``is_global`` marks the lowest energy *found* (not proven global).
    """
    s, _, w = _weights(sizes, prop)
    n = s.size
    nm = _names(names, n)
    tol = REL_TOL * float(np.abs(w).sum())
    if starts is None:
        starts = default_starts(n, w, n_random=n_random, seed=seed)
    starts, _ = _as_configs(starts, n)
    found: dict[tuple, int] = {}
    for x0 in starts:
        final, _ = _descend_w(w, x0, tol / 2.0)
        key = tuple(int(v) for v in final)
        found[key] = found.get(key, 0) + 1
    keys = list(found)
    x = np.array(keys, dtype=np.int8)
    e = _energies_w(w, x)
    rows = _minima_frame_from_configs(nm, x, e, [found[k] for k in keys], len(starts), tol)
    rows.attrs.update(n_actors=n, n_starts=len(starts), names=nm, tolerance=tol, method="descent")
    return rows


def _minima_frame_from_configs(names, x, e, counts, total, tol):
    n = len(names)
    weights = np.left_shift(1, np.arange(n - 1, dtype=np.int64))
    idx = (x[:, 1:].astype(np.int64) * weights).sum(axis=1) if n > 1 else np.zeros(len(x), np.int64)
    return _minima_frame(names, idx, e, np.asarray(counts), total, tol, extra_share="start_share")


# ------------------------------------------------------------- from simulated state
def _check_unit(name, a):
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name} contains NaN or infinite values")
    if a.size and (a.min() < -1e-9 or a.max() > 1 + 1e-9):
        raise ValueError(f"{name} must lie in [0, 1]")


def from_state(power, coop, threat, alignment, names=None, hostility_weight: float = 1.0):
    """Sizes and propensities from the simulated state of ONE run at ONE date.

    * ``power`` ``(N,)`` aggregate power (>= 0, positive sum);
      ``sizes = power / power.sum()``.
    * ``coop`` ``(N, N, D)`` cooperation in [0, 1] per dyad and domain (symmetric);
    * ``threat`` ``(N, N)``: threat *of i from j* in [0, 1], not symmetric;
    * ``alignment`` ``(N, N)`` counterbalancing alignment in [0, 1] (symmetric).

    ``p_ij = mean_d coop_ijd + alignment_ij - hostility_weight * (threat_ij + threat_ji) / 2``,
    then symmetrised (``(p + p.T) / 2``, a no-op for symmetric inputs) with zero
    diagonal.  So ``p_ij`` lies in ``[-hostility_weight, 2]``.  Returns
    ``LandscapeInputs(sizes, prop, names)``.
    """
    pw = np.asarray(power, dtype=float)
    if pw.ndim != 1 or pw.size == 0:
        raise ValueError("power must be a non-empty 1-D array")
    n = pw.size
    c = np.asarray(coop, dtype=float)
    t = np.asarray(threat, dtype=float)
    a = np.asarray(alignment, dtype=float)
    if c.ndim != 3 or c.shape[:2] != (n, n) or c.shape[2] == 0:
        raise ValueError(f"coop must have shape ({n}, {n}, D) with D >= 1, got {c.shape}")
    if t.shape != (n, n):
        raise ValueError(f"threat must have shape ({n}, {n}), got {t.shape}")
    if a.shape != (n, n):
        raise ValueError(f"alignment must have shape ({n}, {n}), got {a.shape}")
    if not np.all(np.isfinite(pw)) or np.any(pw < 0) or pw.sum() <= 0:
        raise ValueError("power must be finite, non-negative and not all zero")
    for nm_, arr in (("coop", c), ("threat", t), ("alignment", a)):
        _check_unit(nm_, arr)
    sizes = pw / pw.sum()
    p = c.mean(axis=2) + a - float(hostility_weight) * (t + t.T) / 2.0
    p = (p + p.T) / 2.0
    np.fill_diagonal(p, 0.0)
    return LandscapeInputs(sizes, p, _names(names, n))


def landscape_over_time(
    power,
    coop,
    threat,
    alignment,
    names=None,
    hostility_weight: float = 1.0,
    dates=None,
    max_actors: int = MAX_EXACT_ACTORS,
    descent: bool = False,
) -> pd.DataFrame:
    """Global-minimum configuration per date for arrays with a leading time axis.

    ``power`` ``(T, N)``, ``coop`` ``(T, N, N, D)``, ``threat`` ``(T, N, N)``,
    ``alignment`` ``(T, N, N)``; ``dates`` (length T) labels the dates (default
    ``0..T-1``).  Each date is converted with :func:`from_state` and searched exactly
    (or by :func:`descent_search` if ``descent=True``).  If several configurations tie
    for the global minimum the one with the lowest canonical index is reported and
    ``n_global`` says how many tied.

    Returns a tidy DataFrame, one row per (date, actor): ``date``, ``actor``, ``size``,
    ``coalition`` (1 = actor 0's coalition, 2 = the other), ``frustration`` (of that
    actor in the global-minimum configuration), ``configuration``, ``energy``,
    ``n_minima`` and ``n_global``.
    """
    pw = np.asarray(power, dtype=float)
    if pw.ndim != 2:
        raise ValueError("power must have shape (T, N)")
    T = pw.shape[0]
    c = np.asarray(coop, dtype=float)
    t = np.asarray(threat, dtype=float)
    a = np.asarray(alignment, dtype=float)
    for nm_, arr in (("coop", c), ("threat", t), ("alignment", a)):
        if arr.shape[0] != T:
            raise ValueError(f"{nm_} must have the same leading time axis as power ({T})")
    if dates is None:
        dates = list(range(T))
    dates = list(dates)
    if len(dates) != T:
        raise ValueError(f"got {len(dates)} dates for {T} time steps")
    rows = []
    for ti in range(T):
        li = from_state(pw[ti], c[ti], t[ti], a[ti], names, hostility_weight)
        if descent:
            res = descent_search(li.sizes, li.prop, names=li.names)
        else:
            res = exact_search(li.sizes, li.prop, max_actors=max_actors, names=li.names)
        glob = res[res["is_global"]]
        best = glob.sort_values("config_index").iloc[0]
        x = np.array(best["assignment"], dtype=np.int8)
        f = frustration(li.sizes, li.prop, x)
        for i, actor in enumerate(li.names):
            rows.append(
                {
                    "date": dates[ti],
                    "actor": actor,
                    "size": float(li.sizes[i]),
                    "coalition": int(x[i]) + 1,
                    "frustration": float(f[i]),
                    "configuration": best["configuration"],
                    "energy": float(best["energy"]),
                    "n_minima": len(res),
                    "n_global": len(glob),
                }
            )
    return pd.DataFrame(rows)
