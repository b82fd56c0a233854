"""Text from files, folders and other processes, made safe to print on one terminal line.

A lock file, a manifest, a scenario name or a path may hold control characters (an
escape sequence that recolours, moves the cursor or retitles the terminal, a carriage
return that overwrites the line). Every line the ``alliance`` command prints for a
failure passes through :func:`printable`, which shows such characters as Python escapes
(``\\x1b``) instead of sending them to the terminal.
"""

from __future__ import annotations

import re


class ProjectWarning(UserWarning):
    """A warning of this package: the ``alliance`` command prints each as one line, ``warning: ...``, on stderr."""

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def printable(text) -> str:
    """``text`` with control characters (and lone surrogates) written as escapes: one safe line."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m[0]):02x}" if ord(m[0]) < 0x100 else f"\\u{ord(m[0]):04x}", str(text))
