"""What a subcommand is: a name, a one-line help, how it reads its arguments and what it does."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Command:
    """One ``alliance`` subcommand; ``run(args)`` returns the exit status.

    ``out_flag``: the option naming what the command writes (``--out``), for the hint of a
    path it cannot write; None for a command that only reads, or a function of the arguments
    for one that writes only when asked (``results --export``).
    """

    name: str
    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]
    out_flag: str | Callable[[argparse.Namespace], str | None] | None = None

    def writes(self, args: argparse.Namespace) -> str | None:
        """The option naming what this command writes with these arguments (None: it only reads)."""
        return self.out_flag(args) if callable(self.out_flag) else self.out_flag


class Interrupted(Exception):
    """Ctrl-C, with what the command kept and how to go on; printed as one line, exit status 130."""


class Fault(Exception):
    """A fault of the machine rather than of the user (a worker process killed ...), with what was kept and how to
    go on; printed as one line, exit status 1."""


WORKER_DIED = ("a worker process died (killed from outside, most likely by the system for lack of memory); "
               "run with fewer --workers")
