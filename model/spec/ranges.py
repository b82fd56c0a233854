"""Registry parameters named in config files (experiments, calibration, sensitivity) with their ranges.

One reader for every file that varies parameters: a list of names (registry ranges),
or ``name: {low, high, log}`` / ``name: [low, high]`` narrowing the registry's range.
"""

from __future__ import annotations

from dataclasses import dataclass

from model.spec import fields as F
from model.spec.errors import InputError, did_you_mean
from model.spec.parameters import REGISTRY
from model.spec.yamlio import Located, LocatedList


@dataclass(frozen=True)
class ParameterRange:
    """A registry parameter with the range a design or a search covers (inside the registry's)."""

    name: str
    low: float
    high: float
    log: bool = False


def _entries(raw, file: str, key: str, line: int) -> list[tuple]:
    """(name, spec, line) of each listed parameter: a list of names, or a mapping name -> spec."""
    if isinstance(raw, LocatedList):
        for i, name in enumerate(raw):
            if not isinstance(name, str):
                raise InputError(file, raw.lines[i], f"{key}[{i}]", f"must be a parameter name, got {name!r}")
        entries = [(name, None, raw.lines[i]) for i, name in enumerate(raw)]
    elif isinstance(raw, Located):
        entries = [(name, raw[name], raw.line_of(name)) for name in raw]
    else:
        raise InputError(file, line, key, "must be a list of parameter names or a mapping name: {low, high}")
    if not entries:
        raise InputError(file, line, key, "give at least one parameter")
    return entries


def _range(spec, file: str, ln: int, where: str, reg) -> tuple[float, float, bool]:
    """(low, high, log) of one entry: nothing (the registry's), [low, high] or {low, high, log}."""
    low, high, log = reg.low, reg.high, False
    if isinstance(spec, LocatedList):
        if len(spec) != 2:
            raise InputError(file, ln, where, "a range is [low, high]")
        low, high = _bound(spec[0], file, ln, where, reg), _bound(spec[1], file, ln, where, reg)
    elif isinstance(spec, Located):
        F.check_keys(spec, file, {"low", "high", "log"}, where=where + ".")
        if "low" in spec:
            low = _bound(spec["low"], file, spec.line_of("low"), f"{where}.low", reg)
        if "high" in spec:
            high = _bound(spec["high"], file, spec.line_of("high"), f"{where}.high", reg)
        log = F.flag(spec, "log", file, where + ".", default=False)
    elif spec is not None:
        raise InputError(file, ln, where, "give nothing (registry range), [low, high] or {low, high, log}")
    if not low < high:
        raise InputError(file, ln, where, f"low {low} must be below high {high}")
    if log and low <= 0:
        raise InputError(file, ln, where + ".log", f"a log scale needs low > 0, got {low}")
    return low, high, log


def parse_parameters(doc: Located, file: str, key: str = "parameters", default_all: bool = False
                     ) -> list[ParameterRange]:
    """Registry parameters with optional ranges: a list of names, or ``name: {low, high, log}``.

    A range must lie inside the registry's range; absent bounds take the registry's.
    """
    if key not in doc or (doc[key] == "all" and default_all):
        if default_all:
            return [ParameterRange(n, p.low, p.high) for n, p in REGISTRY.items()]
        raise InputError(file, doc.line, key, "required key is missing (list the registry parameters to use)")
    out: list[ParameterRange] = []
    for name, spec, ln in _entries(doc[key], file, key, doc.line_of(key)):
        where = f"{key}.{name}"
        if not isinstance(name, str) or name not in REGISTRY:
            raise InputError(file, ln, where, f"unknown parameter{did_you_mean(name, REGISTRY)}; "
                                              "`alliance params` lists them")
        if any(p.name == name for p in out):
            raise InputError(file, ln, where, "listed twice")
        out.append(ParameterRange(name, *_range(spec, file, ln, where, REGISTRY[name])))
    return out


def _bound(value, file: str, line: int, where: str, reg) -> float:
    value = F.finite_number(value, file, line, where)
    if not reg.low <= value <= reg.high:
        raise InputError(file, line, where, f"{value!r} is outside the registry range of {reg.name} "
                                            f"[{reg.low}, {reg.high}] ({reg.unit})")
    return float(value)
