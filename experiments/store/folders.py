"""Result folders: where a command's results go, and which kind of result a folder holds.

A default folder is ``results/[SUB/]<slug of a name>``: names come from users' files
(a scenario's or experiment's ``name:``), so they are never joined to a path as they
are (``/tmp/anywhere`` or ``../x`` would land outside ``results/``, a NUL would fail
after the simulation). :func:`slug` keeps letters, digits, ``.``, ``_`` and ``-`` and
refuses a name with nothing left.

A folder holds one kind of result (``run``, ``batch``, ``sensitivity`` or ``calibration``,
recognised by the files each writes); :func:`claim` refuses to write one kind into a
folder that holds another, so that, say, a batch never replaces a run's ``metadata.json``.
Nor is a result written into a folder that holds files this package did not write (a
home folder, ``/``, a project's source tree): an output folder is new, empty, already a
result folder of the same kind, or holds only files its kind writes (:func:`foreign_files`).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from experiments.store.lock import LOCK_NAME, folder_lock
from model.spec.errors import InputError

RESULTS = Path("results")
_SIGNS = {  # files that only one kind of result writes
    "batch": ("manifest.json", "parts"),
    "run": ("trajectories.parquet", "trajectories.csv"),
    "sensitivity": ("sensitivity.json", "indices.csv"),
    "calibration": ("study.db", "calibration.json"),
    "screening": ("screening.csv", "screening.json"),
    "responses": ("responses.csv", "responses.json"),
    "whatif": ("whatif.csv", "whatif.json"),
}
_COMMAND = {"batch": "alliance batch", "run": "alliance run", "sensitivity": "alliance sensitivity",
            "calibration": "alliance calibrate", "screening": "alliance screen", "responses": "alliance responses",
            "whatif": "alliance whatif"}
_WRITES = {  # every name each kind writes at the top of its folder (figures/: alliance plot's default)
    "batch": {"manifest.json", "metadata.json", "parts", "figures"},
    "run": {"trajectories.parquet", "trajectories.csv", "metadata.json", "figures"},
    "sensitivity": {"sensitivity.json", "indices.csv", "indices.png", "samples.parquet"},
    "calibration": {"study.db", "study.db-journal", "study.db-wal", "study.db-shm", "calibration.json",
                    "best_parameters.yaml", "trials.parquet", "fit.png", "posterior.parquet", "populations.parquet",
                    "posterior.json", "posterior.png", "posterior.nc", "check.csv", "check.json", "steps.csv",
                    "out_of_sample.csv", "out_of_sample.json"},
    "screening": {"screening.csv", "screening.json", "selected.csv"},
    "responses": {"responses.csv", "responses.json"},
    "whatif": {"whatif.csv", "whatif.json", "drivers.csv", "figures"},
}


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
    """Refuse an output path that exists and is not a folder, or is not UTF-8 text (before anything runs)."""
    root = Path(root)
    try:
        str(root).encode("utf-8")
    except UnicodeEncodeError:
        raise InputError(ascii(str(root)), None, flag, "is not valid UTF-8 (result files record their paths); "
                         "choose a folder name in UTF-8") from None
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
    if "package_version" not in meta:  # not written by this package (older folders record the version too)
        return None
    return "batch" if "experiment" in meta else "run" if "scenario" in meta else None


def kinds_of(root: Path) -> set[str]:
    """The kinds of result a folder holds (empty for a new or empty folder)."""
    root = Path(root)
    if not root.is_dir():
        return set()
    found = {k for k, names in _SIGNS.items() if any((root / n).exists() for n in names)}
    meta = _metadata_kind(root)
    return found | ({meta} if meta else set())


def _ours(root: Path, name: str, kind: str) -> bool:
    """Whether a top-level entry of ``root`` is one that a ``kind`` result writes (a metadata.json only when it
    says it is one: a user's own file of that name is not)."""
    if name == LOCK_NAME or (name.startswith(".") and name.endswith(".tmp")):
        return True
    if name not in _WRITES[kind]:
        return False
    return name != "metadata.json" or _metadata_kind(root) == kind


def foreign_files(root: Path, kind: str) -> list[str]:
    """Entries of folder ``root`` that a ``kind`` result did not write; none for a new or empty folder, or for a
    result folder of this kind (recognised by the files only it writes)."""
    root = Path(root)
    if not root.is_dir() or any((root / n).exists() for n in _SIGNS[kind]):
        return []
    try:
        names = sorted(e.name for e in os.scandir(root))
    except OSError:
        return []
    return [n for n in names if not _ours(root, n, kind)]


def claim(root: Path, kind: str, flag: str = "--out") -> None:
    """Refuse to write a ``kind`` result into a folder that holds another kind, or files this package did not
    write."""
    other = sorted(kinds_of(root) - {kind})
    if other:
        raise InputError(str(root), None, flag, f"holds the results of `{_COMMAND[other[0]]}`; a folder holds one "
                         f"kind of result, so `{_COMMAND[kind]}` will not write here: choose another folder")
    foreign = foreign_files(root, kind)
    if foreign:
        shown = ", ".join(repr(n) for n in foreign[:3]) + (f" and {len(foreign) - 3:,} more" if len(foreign) > 3
                                                           else "")
        raise InputError(str(root), None, flag, f"holds files that alliance did not write ({shown}); results go "
                         "into a new or empty folder, or one of the same kind: choose another folder")


@contextmanager
def result_folder(root: str | Path, kind: str, command: str | None = None) -> Iterator[Path]:
    """``root`` checked, locked and claimed for a ``kind`` result for the block: what every command that
    writes results does before it writes (``command``: the holder the lock names; default the kind's)."""
    root = Path(root)
    check_out(root)
    claim(root, kind)  # before the lock file is made: nothing is written into a folder that is refused
    with folder_lock(root, command or _COMMAND[kind]):
        claim(root, kind)
        yield root
