"""What an answer rests on: a variance decomposition of an effect over parameter draws, and how much the record
narrowed each parameter.

For an effect computed once per posterior draw (paired with the same draw in the reference),
:func:`first_order` estimates each parameter's first-order share of the effect's variance,
Var(E[effect | theta_k]) / Var(effect), from the draws themselves (the given-data estimator:
the draws are cut into equal-count bins of theta_k and the between-bin variance is taken; Plischke
2010; Saltelli et al. 2008, ch. 4). It needs no extra runs and sees non-linear, non-monotone
dependence; shares below the estimator's noise floor (about 1/bins of the draws' variance with
independent parameters) mean nothing. :func:`narrowing` says how much narrower a parameter's
posterior is than its prior (1 - the ratio of their 90 % widths), i.e. whether the record informs
it: an answer that rests on a parameter the record leaves open is a conditional answer.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from experiments.pipeline.posterior_file import Posterior, weighted_quantile

BINS = 10
INFORMED = 0.25  # a posterior 25 % narrower than its prior (90 % widths) counts as informed by the record


def first_order(effect: np.ndarray, theta: np.ndarray, names: list[str], bins: int = BINS) -> pd.Series:
    """Each parameter's first-order share of the variance of ``effect`` over the draws (rows of ``theta``)."""
    y = np.asarray(effect, dtype=float)
    total = y.var()
    if not np.isfinite(total) or total <= 0 or len(y) < 2 * bins:
        return pd.Series(0.0, index=names)
    shares = {}
    for k, name in enumerate(names):
        order = np.argsort(theta[:, k], kind="stable")
        groups = np.array_split(y[order], bins)
        means = np.array([g.mean() for g in groups])
        sizes = np.array([len(g) for g in groups])
        shares[name] = float(np.sum(sizes * (means - y.mean()) ** 2) / len(y) / total)
    return pd.Series(shares).sort_values(ascending=False)


def narrowing(post: Posterior) -> pd.Series:
    """Per fitted parameter: 1 - (posterior 90 % width) / (prior 90 % width), the prior uniform on its range
    (log-uniform for log-scale parameters, compared on that scale)."""
    out = {}
    for k, name in enumerate(post.names):
        x, w = post.theta[:, k], post.weights
        lo, hi, log = post.prior_of(k)
        if log:
            x, lo, hi = np.log(x), np.log(lo), np.log(hi)
        width = weighted_quantile(x, w, 0.95) - weighted_quantile(x, w, 0.05)
        out[name] = float(1.0 - width / (0.9 * (hi - lo))) if hi > lo else 0.0
    return pd.Series(out)


def rests_on(effect: np.ndarray, draws: list[dict[str, float]], post: Posterior | None, top: int = 3) -> list[dict]:
    """The ``top`` parameters that explain most of the effect's spread over the draws, each with its share and,
    given the posterior, how much the record narrowed it (``informed`` when by at least :data:`INFORMED`).
    An effect that is the same in every draw (before a scenario's first event) rests on nothing."""
    if not draws or not draws[0] or np.ptp(np.asarray(effect, dtype=float)) == 0.0:
        return []
    names = list(draws[0])
    theta = np.array([[d[n] for n in names] for d in draws])
    shares = first_order(effect, theta, names)
    narrow = narrowing(post) if post is not None else pd.Series(dtype=float)
    out = []
    for name, share in shares.head(top).items():
        n = float(narrow.get(name, np.nan))
        out.append({"parameter": name, "share": float(share), "narrowing": n,
                    "informed": bool(np.isfinite(n) and n >= INFORMED)})
    return out


def describe(found: list[dict]) -> str:
    """``weight_hedge 41 % (open), reform_barrier 22 % (informed)``: what an effect rests on, in words."""
    return ", ".join(f"{r['parameter']} {r['share']:.0%} ({'informed' if r['informed'] else 'open'})"
                     for r in found) or "—"
