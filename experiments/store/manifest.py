"""The result store's layout and manifest: which parts a folder holds, with their row counts and checksums.

Layout::

    DIR/manifest.json               experiment hash, and per finished chunk: files, rows, sha256
    DIR/metadata.json               what ran (experiment/scenario, parameters, seeds, version, model hash)
    DIR/parts/data-000007.parquet   tidy rows of chunk 7 (one row per run, quarter, dyad, domain)
    DIR/parts/runs-000007.parquet   one row per run of chunk 7: ids, parameter values, status, error

A single ``alliance run`` writes ``DIR/trajectories.parquet`` (or ``.csv``) and
``DIR/metadata.json`` instead. Parts are written atomically and the manifest lists
only complete ones.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from experiments.store.atomic import write_json
from model.spec.errors import InputError

MANIFEST = "manifest.json"
METADATA = "metadata.json"
PARTS = "parts"
SINGLE = ("trajectories.parquet", "trajectories.csv")  # what ``alliance run`` writes


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def read_json(path: Path, what: str) -> dict | None:
    """A JSON object file of the store, or None when absent; an InputError when it is not one."""
    if not path.exists():
        return None
    try:
        doc = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(str(path), None, None, f"unreadable {what}: {exc}") from None
    if not isinstance(doc, dict):
        raise InputError(str(path), None, None, f"the {what} is not a JSON object")
    return doc


def read_manifest(root: Path) -> dict | None:
    """The manifest, or None when the folder has none yet."""
    return read_json(Path(root) / MANIFEST, "manifest")


def write_manifest(root: Path, manifest: dict) -> None:
    write_json(manifest, Path(root) / MANIFEST)


def file_entry(root: Path, path: Path, rows: int) -> dict:
    """A manifest entry for one written part."""
    return {"path": str(path.relative_to(root)), "sha256": sha256(path), "rows": rows}


def chunk_valid(root: Path, entry: dict) -> bool:
    """True when every file of a manifest entry exists with the recorded checksum."""
    for f in entry["files"].values():
        p = Path(root) / f["path"]
        if not p.exists() or sha256(p) != f["sha256"]:
            return False
    return True
