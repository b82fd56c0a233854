"""The result store's layout and manifest: which parts a folder holds, with their row counts and checksums.

Layout::

    DIR/manifest.json               experiment hash, and per finished chunk: files, rows, bytes, schema, sha256
    DIR/metadata.json               what ran (experiment/scenario, parameters, seeds, version, model hash)
    DIR/parts/data-000007.parquet   tidy rows of chunk 7 (one row per run, quarter, dyad, domain)
    DIR/parts/runs-000007.parquet   one row per run of chunk 7: ids, parameter values, status, error

A single ``alliance run`` writes ``DIR/trajectories.parquet`` (or ``.csv``) and
``DIR/metadata.json`` instead. Parts are written atomically and the manifest lists
only complete ones. :func:`read_manifest` checks the manifest's shape (a damaged or
foreign manifest is one error, never a KeyError deep in a reader).
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pyarrow.parquet as pq

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
    except (OSError, ValueError, RecursionError) as exc:  # ValueError: bad UTF-8 or JSON
        raise InputError(str(path), None, None, f"unreadable {what}: {exc}") from None
    if not isinstance(doc, dict):
        raise InputError(str(path), None, None, f"the {what} is not a JSON object")
    return doc


_PART = re.compile(r"parts/[A-Za-z0-9_.-]+\.parquet")
_TOP = {"experiment_file": str, "experiment_sha256": str, "experiment": str, "runs": int, "chunk_size": int,
        "chunks": dict}


def _check_file(f, where: str) -> str | None:
    if not isinstance(f, dict):
        return f"{where} is not an object"
    if not isinstance(f.get("path"), str) or not _PART.fullmatch(f["path"]):
        return f"{where}.path is not a part under parts/"
    if not isinstance(f.get("sha256"), str) or not _count(f.get("rows")):
        return f"{where} lacks sha256 or rows"
    if "bytes" in f and not _count(f["bytes"]):
        return f"{where}.bytes is not a number of bytes"
    if "schema" in f and not isinstance(f["schema"], str):
        return f"{where}.schema is not a fingerprint"
    return None


def _count(x) -> bool:
    """A whole number >= 0 (not a bool, which JSON would give for true/false)."""
    return isinstance(x, int) and not isinstance(x, bool) and x >= 0


def _check_chunk(key: str, entry) -> str | None:
    where = f"chunks.{key}"
    if not isinstance(entry, dict) or not isinstance(entry.get("files"), dict) or "runs" not in entry["files"]:
        return f"{where} has no files.runs"
    span = entry.get("runs")
    if not (isinstance(span, list) and len(span) == 2 and all(isinstance(x, int) for x in span)):
        return f"{where}.runs is not [first, stop]"
    failed = entry.get("failed", {})
    if not isinstance(failed, dict) or not all(isinstance(k, str) and k.isdigit() for k in failed):
        return f"{where}.failed is not an object of run numbers"
    for name, f in entry["files"].items():
        problem = _check_file(f, f"{where}.files.{name}")
        if problem:
            return problem
    return None


def manifest_problem(man: dict) -> str | None:
    """What is wrong with a manifest's shape (None when it is well formed)."""
    for key, typ in _TOP.items():
        if not isinstance(man.get(key), typ) or isinstance(man.get(key), bool):
            return f"'{key}' is missing or not a {typ.__name__}"
    for key, entry in man["chunks"].items():
        problem = _check_chunk(key, entry)
        if problem:
            return problem
    return None


def read_manifest(root: Path) -> dict | None:
    """The manifest, or None when the folder has none yet; an InputError when it is damaged."""
    path = Path(root) / MANIFEST
    man = read_json(path, "manifest")
    if man is None:
        return None
    problem = manifest_problem(man)
    if problem:
        raise InputError(str(path), None, None, f"damaged manifest ({problem}); move this folder away and "
                         "run the batch again into a new --out folder")
    return man


def write_manifest(root: Path, manifest: dict) -> None:
    write_json(manifest, Path(root) / MANIFEST)


def schema_digest(schema) -> str:
    """A short fingerprint of a Parquet schema (column names and types), recorded per part."""
    text = ";".join(f"{f.name}:{f.type}" for f in schema)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def file_entry(root: Path, path: Path, rows: int, name: str | None = None) -> dict:
    """A manifest entry for one written part: path, rows, bytes, sha256 and (Parquet) the schema fingerprint.

    ``name``: the file's path relative to ``root`` when ``path`` is still its temporary
    (experiments.store.atomic.Staged); default ``path`` relative to ``root``.
    """
    rel = Path(name) if name is not None else Path(path).relative_to(root)
    entry = {"path": rel.as_posix(), "sha256": sha256(path), "rows": rows, "bytes": Path(path).stat().st_size}
    if rel.suffix == ".parquet":
        entry["schema"] = schema_digest(pq.read_schema(path))
    return entry
