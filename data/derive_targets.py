"""Derive quarterly calibration targets from the dated milestone records.

    python data/derive_targets.py            # writes data/*_target.csv
    python data/derive_targets.py --help

Rule (documented in data/coding.md; it is a modelling judgement, not data):

* every milestone row carries a ``code_level`` in [0, 1], the level of the
  cooperation / alignment index that the milestone implies;
* at each quarter ``t`` the target is the running maximum of ``code_level`` over
  all milestones dated at or before ``t`` (institutional inertia: what has been
  built stays built), never below the series' ``BASELINE``;
* the uncertainty band is ``target +/- half_width`` where the half width depends
  on the date (``BANDS``: wider before 2000, when the record is thin), clipped
  to [0, 1].

To change the coding, edit ``code_level`` in the milestone CSVs, or
``BASELINE`` / ``BANDS`` below, then re-run this script. Pure pandas/numpy,
deterministic: the same inputs always give byte-identical outputs.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import numpy as np
import pandas as pd

DATA_DIR = Path(__file__).resolve().parent

# Quarterly grid, decimal years: 1990.00, 1990.25, ..., 2025.75 (144 quarters).
GRID_START = 1990.0
GRID_END = 2025.75
GRID_STEP = 0.25

# series name -> (milestone file, target file, level before the first milestone)
SERIES = {
    "japan_nato": ("japan_nato_milestones.csv", "japan_nato_target.csv", 0.04),
    "china_russia": ("china_russia_milestones.csv", "china_russia_target.csv", 0.15),
}

# Band half widths: (first year the width applies from, half width). Sorted.
BANDS = [(-np.inf, 0.12), (2000.0, 0.08)]

COLUMNS = ["date", "date_text", "event", "kind", "source", "code_level"]
KINDS = {"dialogue", "agreement", "partnership", "operation", "summit", "institution"}
TOL = 1e-9


class MilestoneError(ValueError):
    """A milestone file is malformed; the message names file, line and field."""


def _fail(path: Path, line: int, field: str, msg: str) -> None:
    raise MilestoneError(f"{path}: line {line}: field '{field}': {msg}")


def load_milestones(path: Path) -> pd.DataFrame:
    """Read and validate one milestone CSV. Line numbers count the header as 1."""
    path = Path(path)
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        try:
            header = next(reader)
        except StopIteration:
            raise MilestoneError(f"{path}: line 1: file is empty") from None
        if header != COLUMNS:
            raise MilestoneError(
                f"{path}: line 1: header must be exactly {','.join(COLUMNS)}; got {','.join(header)}"
            )
        rows = []
        for lineno, rec in enumerate(reader, start=2):
            if not rec:
                continue
            if len(rec) != len(COLUMNS):
                raise MilestoneError(
                    f"{path}: line {lineno}: expected {len(COLUMNS)} fields, got {len(rec)}"
                )
            row = dict(zip(COLUMNS, rec))
            try:
                date = float(row["date"])
            except ValueError:
                _fail(path, lineno, "date", f"not a decimal year: {row['date']!r}")
            if not 1900.0 <= date <= 2100.0:
                _fail(path, lineno, "date", f"out of range: {date}")
            text = row["date_text"]
            try:
                year = int(text[:4])
                month = int(text[5:7]) if len(text) == 7 and text[4] == "-" else None
                if len(text) not in (4, 7) or (month is not None and not 1 <= month <= 12):
                    raise ValueError
            except ValueError:
                _fail(path, lineno, "date_text", f"must be YYYY or YYYY-MM: {text!r}")
            expect = round(year + (0.5 if month is None else (month - 1) / 12), 2)
            if abs(expect - date) > 0.005 + TOL:
                _fail(path, lineno, "date", f"{date} does not match date_text {text!r} (expected {expect:.2f})")
            if row["kind"] not in KINDS:
                _fail(path, lineno, "kind", f"{row['kind']!r} not one of {sorted(KINDS)}")
            if not row["event"].strip():
                _fail(path, lineno, "event", "empty")
            if not row["source"].strip():
                _fail(path, lineno, "source", "empty: every milestone needs a citation")
            try:
                level = float(row["code_level"])
            except ValueError:
                _fail(path, lineno, "code_level", f"not a number: {row['code_level']!r}")
            if not 0.0 <= level <= 1.0:
                _fail(path, lineno, "code_level", f"must lie in [0, 1]: {level}")
            rows.append({**row, "date": date, "code_level": level, "line": lineno})
    if not rows:
        raise MilestoneError(f"{path}: no milestone rows")
    df = pd.DataFrame(rows)
    return df.sort_values(["date", "line"], kind="mergesort").reset_index(drop=True)


def quarter_grid() -> np.ndarray:
    n = int(round((GRID_END - GRID_START) / GRID_STEP)) + 1
    return np.round(GRID_START + GRID_STEP * np.arange(n), 2)


def half_width(dates: np.ndarray) -> np.ndarray:
    starts = np.array([b[0] for b in BANDS])
    widths = np.array([b[1] for b in BANDS])
    idx = np.searchsorted(starts, dates + TOL, side="right") - 1
    return widths[idx]


def derive_target(milestones: pd.DataFrame, baseline: float, grid: np.ndarray | None = None) -> pd.DataFrame:
    """Running-maximum target with band on the quarterly grid."""
    grid = quarter_grid() if grid is None else np.asarray(grid, dtype=float)
    dates = milestones["date"].to_numpy(dtype=float)
    levels = milestones["code_level"].to_numpy(dtype=float)
    order = np.argsort(dates, kind="mergesort")
    dates, levels = dates[order], levels[order]
    running = np.maximum.accumulate(np.maximum(levels, baseline))
    # number of milestones dated at or before each quarter
    k = np.searchsorted(dates, grid + TOL, side="right")
    target = np.where(k > 0, running[np.maximum(k - 1, 0)], baseline)
    hw = half_width(grid)
    out = pd.DataFrame(
        {
            "date": grid,
            "target": np.round(target, 4),
            "lower": np.round(np.clip(target - hw, 0.0, 1.0), 4),
            "upper": np.round(np.clip(target + hw, 0.0, 1.0), 4),
        }
    )
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description="Derive quarterly target series (date,target,lower,upper) from the "
        "milestone CSVs in data/, by the rule documented in data/coding.md."
    )
    ap.add_argument("--data-dir", type=Path, default=DATA_DIR, help="folder with the milestone CSVs (default: %(default)s)")
    ap.add_argument("--out-dir", type=Path, default=None, help="where to write the target CSVs (default: same as --data-dir)")
    args = ap.parse_args(argv)
    out_dir = args.out_dir or args.data_dir
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, (src, dst, baseline) in SERIES.items():
        try:
            ms = load_milestones(args.data_dir / src)
        except MilestoneError as e:
            print(f"error: {e}", file=sys.stderr)
            return 1
        tgt = derive_target(ms, baseline)
        tgt.assign(date=tgt["date"].map("{:.2f}".format)).to_csv(
            out_dir / dst, index=False, float_format="%.4f", lineterminator="\n"
        )
        print(
            f"{name}: {len(ms)} milestones -> {len(tgt)} quarters "
            f"({tgt['date'].iloc[0]:.2f}-{tgt['date'].iloc[-1]:.2f}), "
            f"target {tgt['target'].iloc[0]:.2f} -> {tgt['target'].iloc[-1]:.2f}, wrote {out_dir / dst}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
