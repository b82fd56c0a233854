"""The result store: a folder of Parquet parts plus a manifest, written chunk by chunk.

Layout::

    DIR/manifest.json            experiment hash, and per finished chunk: files, rows, sha256
    DIR/metadata.json            what ran (experiment/scenario, parameters, seeds, version)
    DIR/parts/data-000007.parquet   tidy rows of chunk 7 (one row per run, quarter, dyad, domain)
    DIR/parts/runs-000007.parquet   one row per run of chunk 7: ids, parameter values, status, error

A single ``alliance run`` writes ``DIR/trajectories.parquet`` instead; :func:`load`
reads either. Parts are written atomically and the manifest lists only complete ones.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd

from experiments.store.atomic import write_json
from model.spec.errors import InputError

MANIFEST = "manifest.json"
PARTS = "parts"


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def read_manifest(root: Path) -> dict | None:
    """The manifest, or None when the folder has none yet."""
    p = Path(root) / MANIFEST
    if not p.exists():
        return None
    try:
        return json.loads(p.read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise InputError(str(p), None, None, f"unreadable manifest: {exc}") from None


def write_manifest(root: Path, manifest: dict) -> None:
    write_json(manifest, Path(root) / MANIFEST)


def chunk_valid(root: Path, entry: dict) -> bool:
    """True when every file of a manifest entry exists with the recorded checksum."""
    for f in entry["files"].values():
        p = Path(root) / f["path"]
        if not p.exists() or sha256(p) != f["sha256"]:
            return False
    return True


def _check_root(root: Path) -> Path:
    root = Path(root)
    if not root.is_dir():
        raise InputError(str(root), None, None, "no such result folder")
    return root


def runs(root: str | Path) -> pd.DataFrame:
    """One row per run: ids, parameter values, status and error (batch stores only)."""
    root = _check_root(Path(root))
    man = read_manifest(root)
    if man is None:
        meta = root / "metadata.json"
        if not meta.exists():
            raise InputError(str(root), None, None, "not a result folder (no manifest.json or metadata.json)")
        m = json.loads(meta.read_text())
        reps = m.get("replications", 1)
        return pd.DataFrame({"run": range(reps), "scenario": m.get("scenario"), "replication": range(reps),
                             "status": "ok", "error": ""} | {k: v for k, v in m.get("parameters", {}).items()})
    files = [root / e["files"]["runs"]["path"] for _, e in sorted(man["chunks"].items())]
    if not files:
        return pd.DataFrame()
    return pd.concat([pd.read_parquet(f) for f in files], ignore_index=True)


def load(root: str | Path, columns: list[str] | None = None, filters=None) -> pd.DataFrame:
    """All rows of a result folder as one DataFrame (``columns``/``filters`` as in pandas.read_parquet)."""
    root = _check_root(Path(root))
    man = read_manifest(root)
    if man is None:
        single = [p for p in (root / "trajectories.parquet", root / "trajectories.csv") if p.exists()]
        if not single:
            raise InputError(str(root), None, None, "not a result folder (no manifest.json or trajectories file)")
        if single[0].suffix == ".csv":
            df = pd.read_csv(single[0], usecols=columns)
            return df
        return pd.read_parquet(single[0], columns=columns, filters=filters)
    files = [root / e["files"]["data"]["path"] for _, e in sorted(man["chunks"].items())
             if "data" in e["files"]]
    if not files:
        return pd.DataFrame(columns=columns or [])
    frames = [pd.read_parquet(f, columns=columns, filters=filters) for f in files]
    df = pd.concat(frames, ignore_index=True)
    for c in ("scenario", "actor_a", "actor_b", "domain"):
        if c in df.columns and df[c].dtype != "category":
            df[c] = df[c].astype("category")
    return df
