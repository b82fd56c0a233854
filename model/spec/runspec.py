"""What identifies one run: its scenario, complete parameter values, master seed and identity."""

from __future__ import annotations

from dataclasses import dataclass

from model.spec.parameters import defaults
from model.spec.scenario import Scenario


@dataclass(frozen=True)
class RunSpec:
    """One run. ``identity`` (a tuple of ints) seeds its random stream with ``master``."""

    scenario: Scenario
    parameters: dict
    master: int
    identity: tuple


def parameters_for(scenario: Scenario, overrides: dict | None = None) -> dict[str, float]:
    """Registry defaults, then the scenario's overrides, then the caller's."""
    out = defaults()
    out.update(scenario.parameters)
    out.update(overrides or {})
    return out
