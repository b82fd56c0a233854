"""The quarterly time grid: one home for every conversion between dates and steps.

Dates are years with quarters as fractions (2014.5 is the start of the third quarter of
2014); step q of a scenario starting at ``start`` is the date ``start + q / 4``. Three
conversions exist, each for one purpose:

- :func:`step_of` — a date that must lie on the grid (kept dates, target rows): its
  step, or None when it is off the grid by more than ``tol`` quarters;
- :func:`event_step` — a dated event (2001.7): the quarter it falls in (floor), so it
  takes effect in the step after that quarter;
- :func:`steps_in` — a window [lo, hi) of dates: the first and last step inside it.
"""

from __future__ import annotations

import math

import numpy as np

PER_YEAR = 4
TOLERANCE = 1e-3  # quarters: how far off the grid a date read from a file may be


def date_text(date: float) -> str:
    """A date in words, by the quarter it falls in: 2014.5 -> '2014 Q3', 2001.7 -> '2001 Q3'."""
    year = math.floor(date + 1e-9)
    return f"{year} Q{int(math.floor((date - year) * PER_YEAR + 1e-9)) + 1}"


def steps_between(start: float, end: float) -> int:
    """Number of quarterly steps from ``start`` to ``end``."""
    return int(round((end - start) * PER_YEAR))


def date_of(start: float, step):
    """The date of step(s) ``step`` (an int or an array of ints)."""
    return start + step / float(PER_YEAR)


def dates(start: float, steps: int) -> np.ndarray:
    """The dates of steps 0..steps."""
    return date_of(start, np.arange(steps + 1))


def on_grid(date: float) -> bool:
    """Whether ``date`` is exactly a quarter (x.0, x.25, x.5, x.75)."""
    return (date * PER_YEAR) == int(date * PER_YEAR)


def step_of(start: float, date: float, tol: float = TOLERANCE) -> int | None:
    """The step of a date on the grid, or None when it lies off the grid by more than ``tol`` quarters."""
    q = (date - start) * PER_YEAR
    return int(round(q)) if abs(q - round(q)) < tol else None


def event_step(start: float, date: float) -> int:
    """The quarter a dated event falls in (2001.7 with start 1990 -> 46: it acts from step 47 on)."""
    return int(math.floor((date - start) * PER_YEAR + 1e-9))


def steps_in(start: float, lo: float, hi: float, last: int) -> tuple[int, int]:
    """First and last step whose date d satisfies lo <= d < hi, clipped to [0, last]."""
    tol = 1e-6
    q0 = max(0, int(math.ceil((lo - start) * PER_YEAR - tol)))
    q1 = min(last, int(math.ceil((hi - start) * PER_YEAR - tol)) - 1)
    return q0, q1
