"""Institutionalisation (Keohane 1984): floors that sustained cooperation builds and disuse erodes.

Each dyad's floor (per domain for cooperation; one for counterbalancing alignment)
chases the share of the realised level that institutions lock in, and erodes slowly
when what the sides want stays below it. Cooperation and alignment never fall below their floor. Agreements do not
set floors: they lower costs (model/rules/preferences.py, counterbalancing.py).
"""

from __future__ import annotations

import numpy as np

from model.spec.parameters import Params


def institutionalise(floor: np.ndarray, level: np.ndarray, goal: np.ndarray, params: Params) -> np.ndarray:
    """F <- F + r_I (theta L - F)^+ - r_E (F - G)^+ (level L, goal G), any shape with the run axis first.

    Cooperation builds the floor up toward the share theta of the realised level that institutions lock in
    (not all cooperation is institutionalised); only disuse wears it down: it erodes while the sides want
    less than it holds."""
    shape, flat = floor.shape, (floor.shape[0], -1)  # a (R, everything) view: long inner loops
    f, lv, g = floor.reshape(flat), level.reshape(flat), goal.reshape(flat)
    unused = f - g
    np.maximum(unused, 0.0, out=unused)
    unused *= params.institution_erosion[:, None]
    build = params.institution_share[:, None] * lv - f
    np.maximum(build, 0.0, out=build)
    grown = f + params.institution_rate[:, None] * build
    grown -= unused
    return grown.reshape(shape)
