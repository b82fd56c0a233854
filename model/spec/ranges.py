"""Registry parameters named in config files (experiments, calibration, sensitivity) with their ranges.

One reader for every file that varies parameters: a list of names (registry ranges),
or ``name: {low, high, log}`` / ``name: [low, high]`` narrowing the registry's range.
"""

from __future__ import annotations

import math
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


def parse_parameters(doc: Located, file: str, key: str = "parameters", default_all: bool = False
                     ) -> list[ParameterRange]:
    """Registry parameters with optional ranges: a list of names, or ``name: {low, high, log}``.

    A range must lie inside the registry's range; absent bounds take the registry's.
    """
    if key not in doc:
        if default_all:
            return [ParameterRange(n, p.low, p.high) for n, p in REGISTRY.items()]
        raise InputError(file, doc.line, key, "required key is missing (list the registry parameters to use)")
    raw = doc[key]
    line = doc.line_of(key)
    if raw == "all" and default_all:
        return [ParameterRange(n, p.low, p.high) for n, p in REGISTRY.items()]
    if isinstance(raw, LocatedList):
        entries = []
        for i, name in enumerate(raw):
            if not isinstance(name, str):
                raise InputError(file, raw.lines[i], f"{key}[{i}]", f"must be a parameter name, got {name!r}")
            entries.append((name, None, raw.lines[i]))
    elif isinstance(raw, Located):
        entries = [(name, raw[name], raw.line_of(name)) for name in raw]
    else:
        raise InputError(file, line, key, "must be a list of parameter names or a mapping name: {low, high}")
    if not entries:
        raise InputError(file, line, key, "give at least one parameter")
    out: list[ParameterRange] = []
    for name, spec, ln in entries:
        where = f"{key}.{name}"
        if not isinstance(name, str) or name not in REGISTRY:
            raise InputError(file, ln, where, f"unknown parameter{did_you_mean(name, REGISTRY)}; "
                                              "`alliance params` lists them")
        if any(p.name == name for p in out):
            raise InputError(file, ln, where, "listed twice")
        reg = REGISTRY[name]
        low, high, log = reg.low, reg.high, False
        if spec is None:
            pass
        elif isinstance(spec, LocatedList):
            if len(spec) != 2:
                raise InputError(file, ln, where, "a range is [low, high]")
            low, high = _bound(spec[0], file, ln, where, reg), _bound(spec[1], file, ln, where, reg)
        elif isinstance(spec, Located):
            F.check_keys(spec, file, {"low", "high", "log"}, where=where + ".")
            for side in ("low", "high"):
                if side in spec:
                    v = _bound(spec[side], file, spec.line_of(side), f"{where}.{side}", reg)
                    low, high = (v, high) if side == "low" else (low, v)
            log = spec.get("log", False)
            if not isinstance(log, bool):
                raise InputError(file, spec.line_of("log"), where + ".log", "must be true or false")
        else:
            raise InputError(file, ln, where, "give nothing (registry range), [low, high] or {low, high, log}")
        if not low < high:
            raise InputError(file, ln, where, f"low {low} must be below high {high}")
        if log and low <= 0:
            raise InputError(file, ln, where + ".log", f"a log scale needs low > 0, got {low}")
        out.append(ParameterRange(name, low, high, log))
    return out


def _bound(value, file: str, line: int, where: str, reg) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise InputError(file, line, where, f"must be a finite number, got {value!r}")
    if not reg.low <= value <= reg.high:
        raise InputError(file, line, where, f"{value!r} is outside the registry range of {reg.name} "
                                            f"[{reg.low}, {reg.high}] ({reg.unit})")
    return float(value)
