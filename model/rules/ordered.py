"""Sums in a fixed order, so a value never depends on how many runs are stacked.

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
