"""Subcommands that live beside their feature (batch, results, plot, calibrate, sensitivity, viz).

Importing this module registers them with model.cli; each feature keeps its own
argument set next to its code.
"""

from experiments import batch_cli, calibration_cli, plot_cli, sensitivity_cli, viz_cli  # noqa: F401
