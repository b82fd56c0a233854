"""Reading a result folder: the one reader every command, analysis and figure uses.

:func:`load` returns the tidy table (optionally only some columns, or rows matching
pandas/pyarrow ``filters``), :func:`runs` one row per run, :func:`columns` the column
names without reading any rows, :func:`metadata` what ran. Tables carry
``df.attrs["source"]`` (the folder) and ``df.attrs["version"]`` (the package that wrote it).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from experiments.store.manifest import METADATA, SINGLE, read_json, read_manifest
from model.engines.tidy import CATEGORIES
from model.spec.errors import InputError


def _root(root: str | Path) -> Path:
    root = Path(root)
    if not root.is_dir():
        raise InputError(str(root), None, None, "no such result folder")
    return root


def metadata(root: str | Path) -> dict:
    """The folder's metadata.json (empty when it has none)."""
    return read_json(_root(root) / METADATA, "metadata") or {}


def _data_files(root: Path) -> list[Path]:
    man = read_manifest(root)
    if man is None:
        single = [root / n for n in SINGLE if (root / n).exists()]
        if not single:
            raise InputError(str(root), None, None, "not a result folder (no manifest.json or trajectories file)")
        return single[:1]
    return [root / e["files"]["data"]["path"] for _, e in sorted(man["chunks"].items()) if "data" in e["files"]]


def columns(root: str | Path) -> list[str]:
    """The tidy table's column names, read from the first part's schema (no rows are read)."""
    files = _data_files(_root(root))
    if not files:
        return []
    if files[0].suffix == ".csv":
        return list(pd.read_csv(files[0], nrows=0).columns)
    return list(pq.read_schema(files[0]).names)


def _with_attrs(df: pd.DataFrame, root: Path) -> pd.DataFrame:
    for c in CATEGORIES:
        if c in df.columns and df[c].dtype != "category":
            df[c] = df[c].astype("category")
    df.attrs["source"] = str(root)
    version = metadata(root).get("package_version")
    if version:
        df.attrs["version"] = version
    return df


def load(root: str | Path, columns: list[str] | None = None, filters=None) -> pd.DataFrame:
    """All rows of a result folder as one DataFrame (``columns``/``filters`` as in pandas.read_parquet)."""
    root = _root(root)
    files = _data_files(root)
    if not files:
        return _with_attrs(pd.DataFrame(columns=columns or []), root)
    if files[0].suffix == ".csv":
        return _with_attrs(pd.read_csv(files[0], usecols=columns), root)
    frames = [pd.read_parquet(f, columns=columns, filters=filters) for f in files]
    return _with_attrs(pd.concat(frames, ignore_index=True), root)


def runs(root: str | Path) -> pd.DataFrame:
    """One row per run: ids, parameter values, status and error."""
    root = _root(root)
    man = read_manifest(root)
    if man is None:
        m = metadata(root)
        if not m:
            raise InputError(str(root), None, None, "not a result folder (no manifest.json or metadata.json)")
        reps = m.get("replications", 1)
        return pd.DataFrame({"run": range(reps), "scenario": m.get("scenario"), "replication": range(reps),
                             "status": "ok", "error": ""} | {k: v for k, v in m.get("parameters", {}).items()})
    files = [root / e["files"]["runs"]["path"] for _, e in sorted(man["chunks"].items())]
    if not files:
        return pd.DataFrame()
    return pd.concat([pd.read_parquet(f) for f in files], ignore_index=True)


def describe(root: str | Path) -> str:
    """How complete a result folder is: runs per scenario, failures by reason."""
    root = _root(root)
    man = read_manifest(root)
    table = runs(root)
    lines = [f"result folder {root}"]
    if man is not None:
        done = sum(e["runs"][1] - e["runs"][0] for e in man["chunks"].values())
        lines.append(f"experiment {man['experiment']} ({man['experiment_file']}): {done:,} of {man['runs']:,} runs "
                     f"complete in {len(man['chunks'])} chunk(s)")
    if len(table):
        ok = table[table["status"] == "ok"] if "status" in table else table
        lines.append(f"{len(ok):,} ok, {len(table) - len(ok):,} failed")
        for scen, k in ok.groupby("scenario", observed=True).size().items():
            lines.append(f"  {scen}: {k:,} runs")
        if "status" in table:
            for msg, k in table[table["status"] != "ok"].groupby("error").size().items():
                lines.append(f"  failed ×{k}: {msg}")
    return "\n".join(lines)
