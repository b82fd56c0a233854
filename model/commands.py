"""Subcommands that live beside their feature (batch, results, plot, viz ...).

Importing this module registers them with model.cli; each feature keeps its own
argument set next to its code.
"""

from experiments import batch_cli, plot_cli, viz_cli  # noqa: F401
