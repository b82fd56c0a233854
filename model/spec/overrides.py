"""Parameter overrides: the one check of a registry name and value, wherever a value comes from.

Scenario files (``parameters:``), ``--set NAME=VALUE`` on the command line and the
sliders of the interactive page all pass through :func:`check_override`, so every
source gives the same error (file, line and field) for the same mistake.
"""

from __future__ import annotations

from model.spec.errors import InputError, did_you_mean
from model.spec.fields import finite_number
from model.spec.parameters import REGISTRY


def check_override(name, value, file: str, line: int | None = None, where: str = "") -> float:
    """``value`` as a float when ``name`` is a registry parameter and ``value`` a finite number in its range."""
    field = where + str(name)
    if not isinstance(name, str) or name not in REGISTRY:
        raise InputError(file, line, field, f"unknown parameter{did_you_mean(name, REGISTRY)}; "
                                            "`alliance params` lists them")
    value = finite_number(value, file, line, field)
    why = REGISTRY[name].check(value)
    if why:
        raise InputError(file, line, field, why)
    return value


def parse_assignments(items: list[str] | None, source: str = "--set") -> dict[str, float]:
    """``NAME=VALUE`` strings (the command line's ``--set``), each checked by :func:`check_override`."""
    out: dict[str, float] = {}
    for item in items or []:
        if "=" not in item:
            raise InputError(source, None, item, "expected NAME=VALUE")
        name, raw = item.split("=", 1)
        try:
            value = float(raw)
        except ValueError:
            raise InputError(source, None, name, f"not a number: {raw!r}") from None
        out[name] = check_override(name, value, source)
    return out
