"""Writing a batch into a result folder: open (or resume) it, then one chunk's parts at a time.

Every file is written atomically (experiments.store.atomic); a chunk enters the
manifest only after both of its parts are on disk with their checksums, so an
interrupted batch leaves a folder that ``--resume`` finishes exactly. A resumed batch
must be the same experiment run by the same model (the sha256 of ``model/``): chunks of
two versions of the model would mix in one store that matches neither.
"""

from __future__ import annotations

import shlex
from pathlib import Path

import pandas as pd

from experiments.store.atomic import remove_stale_temporaries, write_json, write_table
from experiments.store.manifest import METADATA, PARTS, file_entry, read_json, read_manifest, write_manifest
from model.engines.tidy import CATEGORIES
from model.spec.errors import InputError


def check_identity(root: Path, experiment: dict, resume: bool) -> dict | None:
    """The manifest of ``root`` when this experiment may write there (None for a new store); writes nothing.

    Refuses to mix experiments or models, or to overwrite finished results without ``resume``.
    """
    man = read_manifest(root)
    if man is None:
        return None
    if man.get("experiment_sha256") != experiment["experiment_sha256"]:
        raise InputError(str(root), None, "--resume" if resume else "--out",
                         f"holds results of a different experiment ({man.get('experiment_file')}, "
                         f"sha256 {str(man.get('experiment_sha256'))[:12]}…); use another --out folder")
    if not resume:
        raise InputError(str(root), None, "--out", "already holds results of this experiment; "
                         "add --resume to finish it, or choose another --out folder")
    _check_model(root, man, experiment)
    return man


def _check_model(root: Path, man: dict, experiment: dict) -> None:
    """Refuse to resume a store written by another version of the model (recorded in the manifest, or in the
    metadata of stores written before the manifest recorded it)."""
    now = experiment.get("model_sha256")
    was = man.get("model_sha256") or (read_json(root / METADATA, "metadata") or {}).get("model_sha256")
    if not now or not was or was == now:
        return
    fresh = shlex.join(["alliance", "batch", str(experiment["experiment_file"]), "--out",
                        f"{Path(root)}-model-{now[:8]}"])
    raise InputError(str(root), None, "--resume", f"holds runs of another version of the model (model sha256 "
                     f"{str(was)[:12]}…, now {now[:12]}…); resuming would mix runs of both models in one store. "
                     f"Start afresh in a new folder: {fresh}")


def _remove_temporaries(root: Path) -> None:
    """Half-written temporaries of a killed batch (atomic writes that never reached their rename); the caller
    holds the folder's lock, so no one else is writing them."""
    for folder in (root, root / PARTS):
        remove_stale_temporaries(folder, everyone=True)


def open_store(root: Path, experiment: dict, metadata: dict, resume: bool) -> dict:
    """The manifest of ``root``: a new one, or the existing one when resuming the same experiment.

    ``experiment`` holds the manifest's identity fields (``experiment``, ``experiment_file``,
    ``experiment_sha256``, ``runs``, ``chunk_size``); ``metadata`` is written beside it
    (with ``kind: batch``). Call it while holding the folder's lock (experiments.store.lock).
    """
    man = check_identity(root, experiment, resume)
    if man is not None:
        _remove_temporaries(root)
        write_json({**metadata, "kind": "batch"}, root / METADATA)  # the same experiment and model: repairs an
        return man                                                   # edited metadata.json
    man = {**experiment, "chunks": {}}
    root.mkdir(parents=True, exist_ok=True)
    write_json({**metadata, "kind": "batch"}, root / METADATA)
    write_manifest(root, man)
    return man


def write_chunk(root: Path, chunk: int, runs: range, data: pd.DataFrame | None, run_table: pd.DataFrame,
                failed: dict[str, str]) -> dict:
    """Write one chunk's two parts; return its manifest entry (files, rows, checksums, failures)."""
    files = {}
    parts = root / PARTS
    if data is not None:
        for c in CATEGORIES:
            data[c] = data[c].astype(str)
        files["data"] = file_entry(root, write_table(data, parts / f"data-{chunk:06d}"), len(data))
    files["runs"] = file_entry(root, write_table(run_table, parts / f"runs-{chunk:06d}"), len(run_table))
    return {"chunk": chunk, "runs": [runs.start, runs.stop], "files": files, "failed": failed}


def record_chunk(root: Path, manifest: dict, entry: dict) -> None:
    """Enter a written chunk in the manifest (atomically)."""
    manifest["chunks"][str(entry["chunk"])] = entry
    write_manifest(root, manifest)
