"""The historical record in ``data/``: target bands and dated milestones of the world indices.

One reader for every consumer (calibration, the posterior, the milestone figures):
:data:`RECORDS` says which files code which index, :func:`read_band` and
:func:`read_milestones` read and check them row by row (errors name file, line and
column). See data/README.md and data/coding.md for the sources and the coding.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from model.spec.errors import InputError, did_you_mean
from model.spec.paths import DATA_DIR
from model.spec.timegrid import step_of

# world index -> (target band, milestones), files in data/
RECORDS: dict[str, tuple[str, str]] = {
    "japan_nato": ("japan_nato_target.csv", "japan_nato_milestones.csv"),
    "china_russia_alignment": ("china_russia_target.csv", "china_russia_milestones.csv"),
}


def record_files(index: str) -> tuple[Path, Path] | None:
    """The shipped band and milestone files of a world index, or None when the record has none."""
    if index not in RECORDS:
        return None
    band, milestones = RECORDS[index]
    return DATA_DIR / band, DATA_DIR / milestones


def _read_csv(path: Path, file: str, line: int | None, where: str, columns) -> pd.DataFrame:
    if not path.exists():
        raise InputError(file, line, where, f"no such file '{path}'")
    try:
        df = pd.read_csv(path)
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise InputError(str(path), None, None, f"cannot read CSV: {exc}") from None
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise InputError(str(path), 1, missing[0], f"missing column(s) {', '.join(missing)}")
    if df.empty:
        raise InputError(str(path), 2, None, "no rows")
    for c in columns:
        df[c] = pd.to_numeric(df[c], errors="coerce")
    return df


def _finite(df: pd.DataFrame, path: Path, columns) -> None:
    for i, row in enumerate(df.itertuples(index=False)):
        for col in columns:
            v = getattr(row, col)
            if not isinstance(v, (int, float)) or not math.isfinite(v):
                raise InputError(str(path), i + 2, col, f"must be a finite number, got {v!r}")


def read_band(path: Path, start: float, file: str | None = None, line: int | None = None,
              where: str = "band") -> pd.DataFrame:
    """A target band CSV (date, target, lower, upper) on the quarterly grid from ``start``; adds ``quarter``.

    ``file``/``line``/``where`` name the reference to it (a config's field) for a missing file.
    """
    df = _read_csv(path, file or str(path), line, where, ("date", "target", "lower", "upper"))
    _finite(df, path, ("date", "target", "lower", "upper"))
    for i, row in enumerate(df.itertuples(index=False)):
        if not row.lower <= row.upper:
            raise InputError(str(path), i + 2, "lower", f"lower {row.lower} is above upper {row.upper}")
        if step_of(start, row.date) is None:
            raise InputError(str(path), i + 2, "date", f"{row.date} is not on the quarterly grid (start {start})")
    if df["date"].duplicated().any():
        i = int(np.flatnonzero(df["date"].duplicated())[0])
        raise InputError(str(path), i + 2, "date", "date listed twice")
    df = df.sort_values("date").reset_index(drop=True)
    df["quarter"] = [step_of(start, d) for d in df["date"]]
    return df


def read_milestones(path: Path, file: str | None = None, line: int | None = None,
                    where: str = "milestones") -> pd.DataFrame:
    """A milestone CSV (date, code_level, event, and any other columns), checked row by row, in date order."""
    df = _read_csv(path, file or str(path), line, where, ("date", "code_level"))
    _finite(df, path, ("date", "code_level"))
    if "event" not in df.columns:
        df["event"] = ""
    return df.sort_values("date", kind="stable").reset_index(drop=True)


STEPS = "legal_steps.csv"  # the dates of the legal steps, in data/


@dataclass(frozen=True)
class StepDate:
    """A constraint state an actor reached on a date of the record (``date`` None: not reached by the record's end)."""

    actor: int
    state: int
    name: str  # ``Japan:pko_1992``
    date: float | None


def read_steps(path: Path, world, record_end: float, file: str | None = None, line: int | None = None,
               where: str = "steps") -> list[StepDate]:
    """Every state after the first of every actor with endogenous constraints, with the date the record gives
    (data/legal_steps.csv) or None: a state the record never reached before ``record_end`` (Article 9 has not
    been amended), which a fit must then not reach before that date either."""
    df = _read_csv(path, file or str(path), line, where, ("date",))
    _finite(df, path, ("date",))
    given: dict[tuple[int, int], float] = {}
    for i, row in enumerate(df.itertuples(index=False)):
        actor, state = str(getattr(row, "actor", "")), str(getattr(row, "state", ""))
        if actor not in world.actors:
            raise InputError(str(path), i + 2, "actor", f"unknown actor '{actor}'{did_you_mean(actor, world.actors)}")
        a = world.index(actor)
        if state not in world.states[a]:
            raise InputError(str(path), i + 2, "state", f"'{actor}' has no state '{state}'"
                                                        f"{did_you_mean(state, world.states[a])}")
        given[(a, world.states[a].index(state))] = float(row.date)
    out = []
    for a, actor in enumerate(world.actors):
        if not world.endogenous[a]:
            continue
        for s, state in enumerate(world.states[a][1:], start=1):
            date = given.get((a, s))
            out.append(StepDate(a, s, f"{actor}:{state}", date if date is None or date < record_end else None))
    return out
