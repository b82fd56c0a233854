"""Subcommands that live beside their feature (batch, results, plot, calibrate ...).

Importing this module registers them with model.cli; each feature keeps its own
argument set next to its code.
"""

from experiments import batch_cli  # noqa: E402,F401
from experiments import viz_cli  # noqa: E402,F401
