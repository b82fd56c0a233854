"""What a subcommand is: a name, a one-line help, how it reads its arguments and what it does."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Command:
    """One ``alliance`` subcommand; ``run(args)`` returns the exit status."""

    name: str
    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


class Interrupted(Exception):
    """Ctrl-C, with what the command kept and how to go on; printed as one line, exit status 130."""
