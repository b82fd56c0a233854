"""Read and validate landscape CSV files, and run a landscape search on one.

CSV format
----------
UTF-8 (a byte-order mark is tolerated), comma-separated, one header line then one
line per actor::

    actor,size,Japan,USA,China
    Japan,0.2,0,1,-0.5
    USA,0.5,1,0,-1
    China,0.3,-0.5,-1,0

* column 1 is named ``actor`` and holds unique, non-empty actor names;
* column 2 is named ``size`` and holds the actor's size, a finite number > 0
  (sizes need not sum to 1; only their ratios decide the configurations), small enough
  that the energy's products ``size_i * size_j * p_ij`` summed over the pairs stay finite;
* then one column per actor, named exactly as the actors and in the same order as
  the rows: the propensity matrix ``p_ij`` (row ``i``, column ``j``), finite numbers,
  symmetric (``|p_ij - p_ji| <= 1e-9 * max(1, max|p|)``).  The diagonal must be 0 or
  left empty.

Cells are stripped of surrounding spaces; fully blank lines are skipped.  Line numbers
in errors are 1-based physical CSV lines (the header is line 1).  Every problem is
raised as :class:`model.spec.errors.InputError` ``(file, line, field, message)``; the
project's CLI prints it on one line and exits with status 2.

The exact search is limited to :data:`experiments.analysis.landscape.MAX_EXACT_ACTORS` actors
(``2**(N-1)`` configurations); larger files need the CLI's ``--descent`` option
(``descent=True`` here), which runs multi-start steepest descent instead.
"""

from __future__ import annotations

import csv
import math
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from experiments.analysis import landscape
from model.spec.errors import InputError, did_you_mean

__all__ = ["LandscapeData", "read_landscape_csv", "run_landscape_file", "format_minima"]

_SYM_TOL = 1e-9


@dataclass
class LandscapeData:
    """A validated landscape file: actor names, sizes ``(N,)`` and propensities ``(N, N)``."""

    path: str
    names: list[str]
    sizes: np.ndarray
    prop: np.ndarray


def _number(cell: str, file: str, line: int, field: str) -> float:
    try:
        value = float(cell)
    except ValueError:
        raise InputError(file, line, field, f"'{cell}' is not a number") from None
    if not math.isfinite(value):
        raise InputError(file, line, field, f"'{cell}' is not a finite number (NaN/inf not allowed)")
    return value


def _records(path, file: str) -> list[tuple[int, list[str]]]:
    """Non-empty CSV rows with their line numbers, cells stripped."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            records = list(_numbered(csv.reader(fh)))
    except OSError as exc:
        raise InputError(file, None, None, f"cannot read file: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise InputError(file, None, None, "file is not UTF-8 text") from None
    except csv.Error as exc:
        raise InputError(file, None, None, f"malformed CSV: {exc}") from None
    records = [(ln, [c.strip() for c in row]) for ln, row in records if any(c.strip() for c in row)]
    if not records:
        raise InputError(file, None, None, "file is empty: expected a header 'actor,size,<actor names...>'")
    return records


def _header(hline: int, header: list[str], file: str) -> list[str]:
    """The propensity column names after 'actor' and 'size'."""
    if not header or header[0] != "actor":
        got = header[0] if header else ""
        raise InputError(file, hline, "actor", f"first column must be named 'actor', got '{got}'")
    if len(header) < 2 or header[1] != "size":
        got = header[1] if len(header) > 1 else ""
        raise InputError(file, hline, "size", f"second column must be named 'size', got '{got}'")
    return header[2:]


def _names(rows, n_cols: int, n_props: int, file: str) -> list[str]:
    names: list[str] = []
    for ln, row in rows:
        if len(row) != n_cols:
            raise InputError(file, ln, None,
                             f"expected {n_cols} cells (actor, size and {n_props} propensities), got {len(row)}")
        name = row[0]
        if not name:
            raise InputError(file, ln, "actor", "actor name is empty")
        if name in names:
            raise InputError(file, ln, "actor", f"duplicate actor '{name}'")
        names.append(name)
    return names


def _columns_match(columns: list[str], names: list[str], hline: int, file: str) -> None:
    if len(columns) != len(names):
        raise InputError(file, hline, None, f"propensity matrix is not square: {len(names)} actor rows but "
                                            f"{len(columns)} propensity columns")
    for j, (col, name) in enumerate(zip(columns, names)):
        if col != name:
            hint = did_you_mean(col, names) if col not in names else ""
            raise InputError(file, hline, col or f"column {j + 3}", f"propensity column {j + 1} must be named "
                             f"'{name}' (actors in row order), got '{col}'{hint}")


def _values(rows, names: list[str], file: str) -> tuple[np.ndarray, np.ndarray]:
    """Sizes (> 0) and the propensity matrix (zero or empty diagonal) from the rows."""
    n = len(names)
    sizes, prop = np.empty(n), np.zeros((n, n))
    for i, (ln, row) in enumerate(rows):
        sizes[i] = _number(row[1], file, ln, "size")
        if sizes[i] <= 0:
            raise InputError(file, ln, "size", f"size must be > 0, got {row[1]}")
        for j, cell in enumerate(row[2:]):
            if i == j and cell == "":
                continue
            prop[i, j] = _number(cell, file, ln, names[j])
            if i == j and prop[i, j] != 0:
                raise InputError(file, ln, names[j], f"diagonal propensity p_ii must be 0 (or empty), got {cell}")
    return sizes, prop


def _symmetric(prop: np.ndarray, rows, names: list[str], file: str) -> np.ndarray:
    scale = max(1.0, float(np.abs(prop).max()))
    for i in range(len(names)):
        for j in range(i):
            if abs(prop[i, j] - prop[j, i]) > _SYM_TOL * scale:
                raise InputError(file, rows[i][0], names[j],
                                 f"propensities must be symmetric: p[{names[i]},{names[j]}] = {prop[i, j]:g} "
                                 f"but p[{names[j]},{names[i]}] = {prop[j, i]:g} (line {rows[j][0]})")
    return (prop + prop.T) / 2.0


def read_landscape_csv(path, descent: bool = False, max_actors: int = landscape.MAX_EXACT_ACTORS) -> LandscapeData:
    """Read and validate a landscape CSV (format in the module docstring).

    With ``descent=False`` more than ``max_actors`` actors is an error that points to
    the ``--descent`` option.
    """
    file = str(path)
    records = _records(path, file)
    hline, header = records[0]
    columns = _header(hline, header, file)
    rows = records[1:]
    if not rows:
        raise InputError(file, hline, None, "no actor rows after the header")
    names = _names(rows, len(header), len(columns), file)
    _columns_match(columns, names, hline, file)
    if len(names) > max_actors and not descent:
        raise InputError(file, hline, None, f"{len(names)} actors: the exact search is limited to {max_actors} actors "
                                            "(2**(N-1) configurations); use the --descent option for larger worlds")
    sizes, prop = _values(rows, names, file)
    _check_scale(sizes, prop, rows, file)
    return LandscapeData(file, names, sizes, _symmetric(prop, rows, names, file))


def _check_scale(sizes: np.ndarray, prop: np.ndarray, rows, file: str) -> None:
    """Refuse sizes so large that the energy (sums of size_i * size_j * p_ij) would overflow to inf or NaN."""
    with np.errstate(over="ignore"):
        worst = np.float64(len(sizes)) ** 2 * np.square(sizes.max()) * max(1.0, float(np.abs(prop).max()))
    if not np.isfinite(worst):
        i = int(np.argmax(sizes))
        raise InputError(file, rows[i][0], "size", f"{rows[i][1][1]} is too large: the energy multiplies sizes "
                         "pairwise, which overflows; rescale the sizes (only their ratios matter)")


def _numbered(reader):
    """Yield ``(line, row)`` with the 1-based physical line where each record starts."""
    start = 1
    for row in reader:
        yield start, row
        start = reader.line_num + 1


def format_minima(df, max_rows: int = 30) -> str:
    """A plain-text table of a minima DataFrame from :mod:`experiments.analysis.landscape`."""
    share_col = "basin_share" if "basin_share" in df.columns else "start_share"
    share_head = "basin" if share_col == "basin_share" else "starts"
    labels = list(df["configuration"])
    width = max([len("configuration")] + [len(x) for x in labels[:max_rows]])
    lines = [f"{'#':>3}  {'configuration':<{width}}  {'energy':>14}  {share_head:>8}  global"]
    for r, row in enumerate(df.head(max_rows).itertuples(index=False), start=1):
        mark = "*" if row.is_global else ""
        share = getattr(row, share_col)
        lines.append(f"{r:>3}  {row.configuration:<{width}}  {row.energy:>14.6g}  {share:>8.2%}  {mark}")
    if len(df) > max_rows:
        lines.append(f"... and {len(df) - max_rows} more minima")
    return "\n".join(lines)


def run_landscape_file(path, descent: bool = False, out=None, max_actors: int = landscape.MAX_EXACT_ACTORS):
    """Read ``path``, search its landscape and print a minima table to ``out``.

    Exact enumeration by default; with ``descent=True`` multi-start steepest descent
    from the all-together configuration and the other deterministic starts of
    :func:`experiments.analysis.landscape.default_starts`.  Returns the minima DataFrame.  Input
    problems raise :class:`model.spec.errors.InputError`.
    """
    out = sys.stdout if out is None else out
    data = read_landscape_csv(path, descent=descent, max_actors=max_actors)
    n = len(data.names)
    if descent:
        df = landscape.descent_search(data.sizes, data.prop, names=data.names)
        how = f"multi-start steepest descent, {df.attrs['n_starts']} starts (minima found, global not guaranteed)"
    else:
        df = landscape.exact_search(data.sizes, data.prop, max_actors=max_actors, names=data.names)
        how = f"exact search over {df.attrs['n_configurations']} configurations"
    print(f"Landscape of {Path(data.path).name}: {n} actors, {how}", file=out)
    print(f"{len(df)} local minima ({int(df['is_global'].sum())} global, marked *)", file=out)
    print(format_minima(df), file=out)
    return df
