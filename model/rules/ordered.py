"""Reductions over actors and domains in a fixed order, so a value never depends on how many runs are stacked;
and the one mask of "other actors" the rules multiply by.

numpy's pairwise summation may group terms differently for different array shapes
or memory layouts; the Mesa model (one run) and the batch kernel (many runs) must agree
to the last bit, so every reduction over actors or domains adds terms one by one.
"""

from __future__ import annotations

import numpy as np


def osum(x: np.ndarray, axis: int) -> np.ndarray:
    """Sum ``x`` along ``axis`` adding terms strictly left to right."""
    x = np.moveaxis(x, axis, 0)
    acc = x[0].copy()
    for k in range(1, x.shape[0]):
        acc += x[k]
    return acc


def off_diagonal(n: int) -> np.ndarray:
    """(1, N, N): 1 between two different actors, 0 toward oneself (multiplying by it is exact)."""
    return (1.0 - np.eye(n))[None]


def max_over_others(x: np.ndarray) -> np.ndarray:
    """max over k of x[..., i, j, k] excluding k == i and k == j (0 when nothing is left).

    Every caller passes x >= 0, so masking by a 0/1 factor is exact; looping over the few
    k keeps numpy's inner loops long (a reduction over a 5-long last axis is slow).
    """
    n = x.shape[-1]
    actor = np.arange(n)
    i, j = actor[:, None], actor[None, :]
    acc = np.zeros(x.shape[:-1])
    for k in range(n):
        acc = np.maximum(acc, x[..., k] * ((i != k) & (j != k)))
    return acc


def sum_over_others(x: np.ndarray) -> np.ndarray:
    """sum over k of x[..., i, j, k] excluding k == i and k == j, added left to right."""
    n = x.shape[-1]
    actor = np.arange(n)
    i, j = actor[:, None], actor[None, :]
    acc = np.zeros(x.shape[:-1])
    for k in range(n):
        acc += x[..., k] * ((i != k) & (j != k))
    return acc


def max_partner(x: np.ndarray) -> np.ndarray:
    """max over j != i of x[..., i, j] (0 with no partner); every caller passes x >= 0, so masking is exact."""
    n = x.shape[-1]
    acc = np.zeros(x.shape[:-1])
    for j in range(n):
        acc = np.maximum(acc, x[..., j] * (np.arange(n) != j))
    return acc
