"""Aggregate power over time: each actor's power grows at its own yearly rate, capped at 1."""

from __future__ import annotations

import numpy as np


def grow(power: np.ndarray, growth: np.ndarray) -> np.ndarray:
    """One quarter of growth: P <- min(1, P * (1 + g/4)); arrays of shape (R, n)."""
    return np.minimum(1.0, power * (1.0 + growth / 4.0))
