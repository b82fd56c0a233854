"""Where a result came from: the package version and a hash of the code that computes a run.

:func:`model_digest` hashes every source file of ``model/`` (specification, rules and
engines), so any edit that could change a run's numbers changes the digest; results,
calibration studies and posteriors record it, and a resumed study refuses a changed model.
:func:`rules_digest` leaves out the default values, which a posterior carrying every
parameter never reads: writing the defaults from a posterior does not make it stale.
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

MODEL_DIR = Path(__file__).resolve().parents[1]


def package_version() -> str:
    try:
        return version("japan-nato-alliance-sim")
    except PackageNotFoundError:
        return "0+unknown"


DEFAULTS_FILE = MODEL_DIR / "spec" / "defaults.py"


def _digest(skip: tuple[Path, ...] = ()) -> str:
    h = hashlib.sha256()
    for f in sorted(MODEL_DIR.rglob("*.py")):
        if f not in skip:
            h.update(f.relative_to(MODEL_DIR).as_posix().encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()


@cache
def model_digest() -> str:
    """sha256 over the model's source files (path and content, in path order), the default values included."""
    return _digest()


@cache
def rules_digest() -> str:
    """sha256 over the model's source files but the default values (model/spec/defaults.py): what a run's numbers
    depend on once every parameter is given, as in a posterior that carries the whole registry."""
    return _digest((DEFAULTS_FILE,))
