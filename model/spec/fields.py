"""Typed field access on located YAML mappings: every failure names file, line and field."""

from __future__ import annotations

import math
import re

from model.spec.errors import InputError, did_you_mean
from model.spec.yamlio import Located, LocatedList


def check_keys(doc: Located, file: str, allowed, required=(), where: str = "") -> None:
    """Refuse unknown keys (with a did-you-mean) and missing required ones."""
    for key in doc:
        if key not in allowed:
            raise InputError(file, doc.line_of(key), where + str(key),
                             f"unknown key{did_you_mean(key, allowed)}; allowed: {', '.join(sorted(allowed))}")
    for key in required:
        if key not in doc:
            raise InputError(file, doc.line, where + key, "required key is missing")


def _absent(doc: Located, key, file: str, where: str, default):
    """The default of an absent key; an error when it is required (default None)."""
    if default is None:
        raise InputError(file, doc.line, where + str(key), "required key is missing")
    return default


_FLOAT_LITERAL = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def finite_number(value, file: str, line: int | None, field: str) -> float:
    """``value`` as a finite float, or an error naming the field; the one test of "is a number" for every file."""
    if isinstance(value, str) and _FLOAT_LITERAL.fullmatch(value):
        value = float(value)  # PyYAML (YAML 1.1) reads 5e-2 as text: a float literal is a number all the same
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InputError(file, line, field, f"must be a number, got {value!r}")
    try:
        finite = math.isfinite(value)
    except OverflowError:
        finite = False
    if not finite:
        raise InputError(file, line, field, f"must be finite, got {value!r}")
    return float(value)


def number(doc: Located, key, file: str, where: str = "", low=-math.inf, high=math.inf,
           default=None, integer: bool = False) -> float:
    """A finite number within [low, high]; ``default`` when absent (None means required)."""
    if key not in doc:
        return _absent(doc, key, file, where, default)
    line = doc.line_of(key)
    value = finite_number(doc[key], file, line, where + str(key))
    if integer and value != int(value):
        raise InputError(file, line, where + str(key), f"must be a whole number, got {value!r}")
    if not (low <= value <= high):
        raise InputError(file, line, where + str(key), f"{value!r} is outside the allowed range [{low}, {high}]")
    return float(value)


def text(doc: Located, key, file: str, where: str = "", default=None, choices=None) -> str:
    """A string, optionally one of ``choices`` (with a did-you-mean)."""
    if key not in doc:
        return _absent(doc, key, file, where, default)
    value, line = doc[key], doc.line_of(key)
    if not isinstance(value, str):
        raise InputError(file, line, where + str(key), f"must be text, got {value!r}")
    if choices is not None and value not in choices:
        raise InputError(file, line, where + str(key),
                         f"unknown value '{value}'{did_you_mean(value, choices)}")
    return value


def flag(doc: Located, key, file: str, where: str = "", default: bool | None = None) -> bool:
    """true or false; ``default`` when absent (None means required)."""
    if key not in doc:
        return _absent(doc, key, file, where, default)
    value = doc[key]
    if not isinstance(value, bool):
        raise InputError(file, doc.line_of(key), where + str(key), f"must be true or false, got {value!r}")
    return value


def mapping(doc: Located, key, file: str, where: str = "", required: bool = False) -> Located:
    """A nested mapping (empty when absent and not required)."""
    if key not in doc:
        if required:
            raise InputError(file, doc.line, where + str(key), "required key is missing")
        empty = Located()
        empty.line, empty.lines = doc.line, {}
        return empty
    value = doc[key]
    if not isinstance(value, Located):
        raise InputError(file, doc.line_of(key), where + str(key), "must be a mapping (key: value)")
    return value


def sequence(doc: Located, key, file: str, where: str = "") -> LocatedList:
    """A list (empty when absent)."""
    if key not in doc:
        empty = LocatedList()
        empty.line, empty.lines = doc.line, []
        return empty
    value = doc[key]
    if not isinstance(value, LocatedList):
        raise InputError(file, doc.line_of(key), where + str(key), "must be a list")
    return value


def item_mapping(items: LocatedList, i: int, file: str, where: str) -> Located:
    """The i-th list item, which must be a mapping."""
    value = items[i]
    if not isinstance(value, Located):
        raise InputError(file, items.lines[i], where, "each item must be a mapping (key: value)")
    return value
