"""User-input errors: one exception type that names file, line and field.

Every reader of user files (scenarios, worlds, experiments, landscape CSVs,
calibration configs) raises :class:`InputError`; the CLI prints it as one line and
exits with status 2, so a user mistake never shows a traceback.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass


@dataclass
class InputError(Exception):
    """A mistake in a user's file: where it is (file, line, field) and what is wrong."""

    file: str
    line: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = _one_line(self.file)
        if self.line is not None:
            where += f":{self.line}"
        if self.field:
            where += f": field '{_one_line(self.field)}'"
        return f"{where}: {_one_line(self.message)}"


def _one_line(text) -> str:
    """Keep a message on one line whatever a user's file contained."""
    return str(text).replace("\r", "\\r").replace("\n", "\\n")


def did_you_mean(word: str, choices) -> str:
    """A ' (did you mean 'x'?)' suffix for the closest known choice, or ''."""
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
