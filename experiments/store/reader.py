"""Reading a result folder: the one reader every command, analysis and figure uses.

:func:`load` returns the tidy table (optionally only some columns, or rows matching
pandas/pyarrow ``filters``), :func:`runs` one row per run, :func:`columns` the column
names without reading any rows, :func:`metadata` what ran. Tables carry
``df.attrs["source"]`` (the folder) and ``df.attrs["version"]`` (the package that wrote it).

Every entry point checks the store first (experiments.store.verify: sizes, Parquet
footers, row counts, schemas and run ranges of every listed part, and metadata.json
against the manifest; :func:`verify` adds sha256) and refuses a damaged one with one
line naming the repair command. Every Parquet page read is checked against its CRC32
checksum (parts written since checksums were; older parts carry none), so a flipped
bit inside a page is the same one-line error, never a silently different number.

A run folder's table is the one its metadata.json names (``files``): ``alliance run``
switches a folder from one table and metadata to the next in one staged step
(experiments.store.atomic), and a table the metadata does not vouch for is never read.
"""

from __future__ import annotations

import shlex
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from experiments.store.manifest import METADATA, SINGLE, read_json, read_manifest
from experiments.store.verify import check_metadata, check_single, check_store, repair_command
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


def _in_order(man: dict) -> list[tuple[str, dict]]:
    """The manifest's chunks in run order (check_store has made sure the keys are chunk numbers)."""
    return sorted(man["chunks"].items(), key=lambda kv: int(kv[0]))


def _manifest(root: Path, full: bool = False) -> dict | None:
    """The manifest of a batch folder, after checking every part it lists and the metadata against it (None for a
    run folder)."""
    man = read_manifest(root)
    if man is not None:
        check_store(root, man, full)
        check_metadata(root, man, metadata(root))
    return man


def _rerun_command(root: Path, meta: dict) -> str:
    """The command that wrote a run folder, quoted for a POSIX shell (recorded since it is; rebuilt for older
    folders, without --set). A recorded command is re-quoted word by word: a folder received from someone else
    cannot make the printed command run anything but ``alliance run``."""
    recorded = meta.get("command")
    if isinstance(recorded, str):
        try:
            words = shlex.split(recorded)
        except ValueError:
            words = []
        if words[:2] == ["alliance", "run"]:
            return shlex.join(words)
    seed = meta.get("seed", {}).get("master", 0) if isinstance(meta.get("seed"), dict) else 0
    return shlex.join(["alliance", "run", str(meta.get("scenario_file", meta.get("scenario", "SCENARIO"))),
                       "--seed", str(seed), "-r", str(meta.get("replications", 1)), "--out", str(root)])


def _single(root: Path, full: bool = False) -> Path:
    """The one table of an ``alliance run`` folder, the one its metadata names, checked against it."""
    meta = metadata(root)
    files = meta.get("files") if isinstance(meta.get("files"), dict) else {}
    single = [root / n for n in SINGLE if n in files] or [root / n for n in SINGLE if (root / n).exists()]
    if not single:
        raise InputError(str(root), None, None, "not a result folder (no manifest.json or trajectories file)")
    check_single(root, single[0], files.get(single[0].name), _rerun_command(root, meta), full)
    return single[0]


def _data_files(root: Path) -> tuple[list[Path], str]:
    """The tidy table's files, and the command that rewrites them if one turns out damaged."""
    man = _manifest(root)
    if man is None:
        return [_single(root)], _rerun_command(root, metadata(root))
    return [root / e["files"]["data"]["path"] for _, e in _in_order(man) if "data" in e["files"]], \
        repair_command(root, man)


def _read(path: Path, root: Path, repair: str, **kwargs) -> pd.DataFrame:
    """One table of the store, every Parquet page checked against its checksum; a read failure is one InputError
    naming the file and the command that rewrites it."""
    try:
        if path.suffix == ".csv":
            return pd.read_csv(path, usecols=kwargs.get("columns"), nrows=kwargs.get("nrows"))
        return pd.read_parquet(path, page_checksum_verification=True, **kwargs)
    except (OSError, ValueError, pa.ArrowException) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        what = "fails its page checksum" if "checksum" in first.lower() else f"cannot be read ({first})"
        raise InputError(str(root), None, None, f"damaged result store: {path.relative_to(root)} {what}; "
                         f"rewrite it with: {repair}") from None


def verify(root: str | Path) -> str:
    """Check every part of a result folder down to its sha256 (slow on big stores: reads every byte)."""
    root = _root(root)
    man = _manifest(root, full=True)
    if man is None:
        _single(root, full=True)
        return f"{root}: the run's table is intact"
    parts = sum(len(e["files"]) for e in man["chunks"].values())
    return f"{root}: {parts:,} parts of {len(man['chunks']):,} chunks intact (sizes, footers, sha256)"


def columns(root: str | Path) -> list[str]:
    """The tidy table's column names, read from the first part's schema (no rows are read)."""
    root = _root(root)
    files, repair = _data_files(root)
    if not files:
        return []
    if files[0].suffix == ".csv":
        return list(_read(files[0], root, repair, nrows=0).columns)
    return list(pq.read_schema(files[0]).names)


def require_rows(root: str | Path, what: str) -> list[str]:
    """The tidy table's column names; an InputError ("no rows yet") when the folder holds no rows, as a batch
    interrupted before its first chunk does (``what``: what the caller could not do)."""
    have = columns(root)
    if have:
        return have
    man = read_manifest(_root(root))
    hint = f"; finish the batch with: {repair_command(Path(root), man)}" if man is not None else ""
    raise InputError(str(root), None, None, f"no rows yet: {what}{hint}")


def _with_attrs(df: pd.DataFrame, root: Path) -> pd.DataFrame:
    for c in CATEGORIES:
        if c in df.columns and df[c].dtype != "category":
            df[c] = df[c].astype("category")
    df.attrs["source"] = str(root)
    version = metadata(root).get("package_version")
    if version:
        df.attrs["version"] = version
    return df


_OPS = {"==": lambda c, v: c == v, "=": lambda c, v: c == v, "!=": lambda c, v: c != v, "<": lambda c, v: c < v,
        ">": lambda c, v: c > v, "<=": lambda c, v: c <= v, ">=": lambda c, v: c >= v,
        "in": lambda c, v: c.isin(list(v)), "not in": lambda c, v: ~c.isin(list(v))}


def _groups(filters) -> list[list[tuple]]:
    """``filters`` as an OR of ANDs of (column, op, value), as pandas.read_parquet takes them."""
    if not filters:
        return []
    return [list(g) for g in filters] if isinstance(filters[0], list) else [list(filters)]


def _matching(df: pd.DataFrame, filters) -> pd.DataFrame:
    """The rows of a table read whole (a CSV store) that ``filters`` keep, as Parquet filters keep them on read."""
    groups = _groups(filters)
    if not groups:
        return df
    keep = np.zeros(len(df), dtype=bool)
    for group in groups:
        rows = np.ones(len(df), dtype=bool)
        for col, op, value in group:
            c = df[col].astype(str) if isinstance(df[col].dtype, pd.CategoricalDtype) else df[col]
            rows &= _OPS[op](c, value).to_numpy(dtype=bool)
        keep |= rows
    return df[keep].reset_index(drop=True)


def load(root: str | Path, columns: list[str] | None = None, filters=None) -> pd.DataFrame:
    """All rows of a result folder as one DataFrame (``columns``/``filters`` as in pandas.read_parquet, for
    CSV stores too)."""
    root = _root(root)
    files, repair = _data_files(root)
    if not files:
        return _with_attrs(pd.DataFrame(columns=columns or []), root)
    if files[0].suffix == ".csv":
        wanted = columns and list(dict.fromkeys(list(columns) + [c for g in _groups(filters) for c, _, _ in g]))
        df = _matching(_read(files[0], root, repair, columns=wanted), filters)
        return _with_attrs(df if columns is None else df[[c for c in df.columns if c in columns]], root)
    frames = [_read(f, root, repair, columns=columns, filters=filters) for f in files]
    return _with_attrs(pd.concat(frames, ignore_index=True), root)


def _drawn(meta: dict) -> list[str]:
    """The parameters a run folder's runs drew one by one (``alliance run --posterior``): table columns."""
    post = meta.get("posterior")
    names = post.get("parameters") if isinstance(post, dict) else None
    return [str(n) for n in names] if isinstance(names, list) else []


def runs(root: str | Path) -> pd.DataFrame:
    """One row per run: ids, parameter values (each run's own where it drew them from a posterior), status and
    error."""
    root = _root(root)
    man = _manifest(root)
    if man is None:
        _single(root)
        m = metadata(root)
        if not m:
            raise InputError(str(root), None, None, "not a result folder (no manifest.json or metadata.json)")
        reps = m.get("replications", 1)
        fixed = m.get("parameters", {}) if isinstance(m.get("parameters"), dict) else {}
        table = pd.DataFrame({"run": range(reps), "scenario": m.get("scenario"), "replication": range(reps),
                              "status": "ok", "error": ""} | fixed)
        drawn = _drawn(m)
        if drawn:  # each run's draw, as the table holds it (one value per run)
            per_run = load(root, columns=["run", *drawn]).drop_duplicates("run").set_index("run")
            for name in drawn:
                table[name] = table["run"].map(per_run[name]).to_numpy()
        return table
    files = [root / e["files"]["runs"]["path"] for _, e in _in_order(man)]
    if not files:
        return pd.DataFrame()
    repair = repair_command(root, man)
    return pd.concat([_read(f, root, repair) for f in files], ignore_index=True)


def describe(root: str | Path) -> str:
    """How complete a result folder is: runs per scenario, failures by reason."""
    root = _root(root)
    man = _manifest(root)
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
