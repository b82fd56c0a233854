"""The registry's defaults as a summary of a posterior: computed, compared and written to model/spec/defaults.py.

The stated summary is each parameter's weighted posterior median, to three significant
figures (docs/calibration.md says why a median of each marginal, and what it is not).
"""

from __future__ import annotations

from pathlib import Path

from experiments.pipeline.posterior_file import Posterior
from experiments.store.atomic import atomic_write
from model.spec.defaults import DEFAULTS
from model.spec.parameters import REGISTRY
from model.spec.provenance import DEFAULTS_FILE

DIGITS = 3  # significant figures of a default


def summary(post: Posterior) -> dict[str, float]:
    """The default each registry parameter gets from ``post``: its weighted median, to DIGITS significant figures
    (parameters the posterior does not carry keep today's default)."""
    median = post.median()
    return {name: float(f"{median[name]:.{DIGITS}g}") if name in median else DEFAULTS[name] for name in REGISTRY}


HEADER = '''"""The registry's default values: a stated summary of the shipped posterior (docs/calibration.md).

Each value is the weighted posterior median of {source}, to {digits} significant figures,
so that a run at the defaults is a typical posterior run. Written by ``alliance defaults --write``;
tests/test_calibration.py checks that this table and the posterior agree. The values are inputs, not
rules: :func:`model.spec.provenance.rules_digest` leaves this file out, so writing it does not make
the posterior it came from stale.
"""

'''


def render(values: dict[str, float], source: str) -> str:
    """The text of model/spec/defaults.py holding ``values``."""
    body = "".join(f'    "{name}": {values[name]!r},\n' for name in REGISTRY)
    return HEADER.format(source=source, digits=DIGITS) + "DEFAULTS: dict[str, float] = {\n" + body + "}\n"


def write(values: dict[str, float], source: str, path: Path = DEFAULTS_FILE) -> None:
    """Replace the defaults file atomically (a half-written module would break every import)."""
    text = render(values, source)
    atomic_write(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
