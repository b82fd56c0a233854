"""Result folders: where a command's results go, and which kind of result a folder holds.

A default folder is ``results/[SUB/]<slug of a name>``: names come from users' files
(a scenario's or experiment's ``name:``), so they are never joined to a path as they
are (``/tmp/anywhere`` or ``../x`` would land outside ``results/``, a NUL would fail
after the simulation). :func:`slug` keeps letters, digits, ``.``, ``_`` and ``-`` and
refuses a name with nothing left.

A folder holds one kind of result (``run``, ``batch``, ``sensitivity`` or ``calibration``,
recognised by the files each writes); :func:`claim` refuses to write one kind into a
folder that holds another, so that, say, a batch never replaces a run's ``metadata.json``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from experiments.store.lock import folder_lock
from model.spec.errors import InputError

RESULTS = Path("results")
_SIGNS = {  # files that only one kind of result writes
    "batch": ("manifest.json", "parts"),
    "run": ("trajectories.parquet", "trajectories.csv"),
    "sensitivity": ("sensitivity.json", "indices.csv"),
    "calibration": ("study.db", "calibration.json"),
}
_COMMAND = {"batch": "alliance batch", "run": "alliance run", "sensitivity": "alliance sensitivity",
            "calibration": "alliance calibrate"}


def slug(name: str, file: str, field: str) -> str:
    """A folder name made of ``name``'s safe characters (others become ``_``); refuses an empty one."""
    s = re.sub(r"[^A-Za-z0-9._-]+", "_", str(name)).strip("._")[:120]
    if not s:
        raise InputError(file, None, field, f"{name!r} gives no usable folder name; use letters and digits "
                         "(or give --out)")
    return s


def default_folder(name: str, file: str, field: str = "name", under: str | None = None) -> Path:
    """``results/[under/]<slug(name)>``: always inside ``results/``, whatever the name says."""
    base = RESULTS / under if under else RESULTS
    return base / slug(name, file, field)


def check_out(root: Path, flag: str = "--out") -> None:
    """Refuse an output path that exists and is not a folder (before anything runs)."""
    root = Path(root)
    if root.exists() and not root.is_dir():
        raise InputError(str(root), None, flag, "is a file, not a folder; choose a folder")
    for parent in root.parents:
        if parent.exists():
            if not parent.is_dir():
                raise InputError(str(root), None, flag, f"{parent} is a file, not a folder")
            break


def _metadata_kind(root: Path) -> str | None:
    try:
        meta = json.loads((root / "metadata.json").read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(meta, dict):
        return None
    if meta.get("kind") in _SIGNS:
        return meta["kind"]
    return "batch" if "experiment" in meta else "run" if "scenario" in meta else None


def kinds_of(root: Path) -> set[str]:
    """The kinds of result a folder holds (empty for a new or empty folder)."""
    root = Path(root)
    if not root.is_dir():
        return set()
    found = {k for k, names in _SIGNS.items() if any((root / n).exists() for n in names)}
    meta = _metadata_kind(root)
    return found | ({meta} if meta else set())


def claim(root: Path, kind: str, flag: str = "--out") -> None:
    """Refuse to write a ``kind`` result into a folder that holds another kind."""
    other = sorted(kinds_of(root) - {kind})
    if other:
        raise InputError(str(root), None, flag, f"holds the results of `{_COMMAND[other[0]]}`; a folder holds one "
                         f"kind of result, so `{_COMMAND[kind]}` will not write here: choose another folder")


@contextmanager
def result_folder(root: str | Path, kind: str, command: str | None = None) -> Iterator[Path]:
    """``root`` checked, locked and claimed for a ``kind`` result for the block: what every command that
    writes results does before it writes (``command``: the holder the lock names; default the kind's)."""
    root = Path(root)
    check_out(root)
    with folder_lock(root, command or _COMMAND[kind]):
        claim(root, kind)
        yield root
