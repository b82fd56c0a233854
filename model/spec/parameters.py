"""The parameter registry: every tunable number of the model, with unit, range and meaning.

Scenarios, the CLI, experiment designs, calibration and sensitivity analysis all read
this one table. A parameter's value for a batch is an array with a leading run axis.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np


@dataclass(frozen=True)
class Parameter:
    """One registry entry: a named number with unit, default, allowed range and meaning."""

    name: str
    unit: str
    default: float
    low: float
    high: float
    meaning: str
    rule: str  # the module whose rule uses it (where to read the equation)

    def check(self, value: float) -> str | None:
        """Return why ``value`` is not allowed, or None when it is."""
        if not np.isfinite(value):
            return f"{self.name} must be a finite number, got {value!r}"
        if not (self.low <= value <= self.high):
            return f"{value!r} is outside the allowed range [{self.low}, {self.high}] ({self.unit})"
        return None


_P = Parameter
REGISTRY: dict[str, Parameter] = {
    p.name: p
    for p in [
        # threat perception (model/threat.py)
        _P("threat_memory", "1/quarter", 0.15, 0.02, 0.5,
           "share of the gap to the target threat closed each quarter", "threat"),
        _P("threat_noise", "threat units (sd/quarter)", 0.02, 0.0, 0.1,
           "standard deviation of the quarterly shock to each perceived threat", "threat"),
        _P("weight_power", "weight", 0.4, 0.05, 1.0,
           "weight of the other's aggregate (bloc) power in the threat target", "threat"),
        _P("weight_proximity", "weight", 0.3, 0.05, 1.0,
           "weight of geographic proximity in the threat target", "threat"),
        _P("weight_offense", "weight", 0.3, 0.05, 1.0,
           "weight of the other's offensive capability in the threat target", "threat"),
        _P("intent_floor", "share", 0.3, 0.0, 1.0,
           "share of a rivalry read as hostile intent even when the rival is not assertive", "threat"),
        _P("bloc_power_weight", "share", 0.5, 0.0, 1.0,
           "how much an aligned partner's power adds to an actor's perceived power", "threat"),
        _P("exposure_weight", "share", 0.3, 0.0, 1.0,
           "extra threat felt by an actor whose allies are disengaged (the US factor)", "threat"),
        _P("transnational_decay", "1/quarter", 0.05, 0.01, 0.3,
           "share of a transnational shock (terrorism, piracy, cyber, disasters) fading each quarter", "threat"),
        _P("transnational_baseline", "level", 0.1, 0.0, 0.5,
           "level transnational threats return to without shocks", "threat"),
        # desired cooperation (model/preferences.py)
        _P("weight_shared_threat", "incentive/threat", 2.0, 0.0, 5.0,
           "pull of a threat both partners perceive", "preferences"),
        _P("weight_transnational", "incentive/level", 1.5, 0.0, 5.0,
           "pull of transnational threats on the domains they concern", "preferences"),
        _P("weight_values", "incentive", 0.6, 0.0, 3.0,
           "pull of shared (democratic) values", "preferences"),
        _P("weight_trust", "incentive", 0.5, 0.0, 3.0,
           "pull of a reliable partner (reciprocity memory above one half)", "preferences"),
        _P("weight_hub", "incentive", 0.6, 0.0, 3.0,
           "pull of a common engaged ally (the US as hub of both alliances)", "preferences"),
        _P("weight_entrapment", "incentive/threat", 0.8, 0.0, 3.0,
           "push of fear of entrapment in the partner's far-away conflicts (times militarisation)", "preferences"),
        _P("weight_backlash", "incentive/threat", 0.8, 0.0, 3.0,
           "push of expected backlash from nearby adversaries of the partner (times militarisation)", "preferences"),
        _P("weight_partner_threat", "incentive/threat", 2.0, 0.0, 5.0,
           "push of the threat the partner itself poses to the actor (one does not arm a rival)", "preferences"),
        _P("cost_scale", "incentive", 1.0, 0.0, 3.0,
           "multiplier on each domain's cost of cooperating", "preferences"),
        # constraints (model/constraints.py)
        _P("dovish_penalty", "share", 0.8, 0.0, 1.0,
           "how far a fully dovish government lowers its ceiling in military domains", "constraints"),
        # realised cooperation (model/cooperation.py)
        _P("build_rate", "1/quarter", 0.08, 0.01, 0.5,
           "share of the gap closed per quarter when cooperation grows (institution building)", "cooperation"),
        _P("decay_rate", "1/quarter", 0.05, 0.001, 0.2,
           "share of the gap closed per quarter when cooperation shrinks (institutional inertia)", "cooperation"),
        _P("trust_memory", "1/quarter", 0.1, 0.01, 0.5,
           "share of the gap to the partner's latest fulfilment closed per quarter", "cooperation"),
        # counterbalancing (model/counterbalancing.py)
        _P("alignment_rate", "1/quarter", 0.05, 0.005, 0.3,
           "share of the gap to target alignment closed per quarter", "counterbalancing"),
        _P("weight_encirclement", "incentive", 2.0, 0.0, 5.0,
           "pull of perceived encirclement on counterbalancing alignment", "counterbalancing"),
        _P("weight_alignment_threat", "incentive", 1.0, 0.0, 5.0,
           "pull of a shared threat on counterbalancing alignment", "counterbalancing"),
        _P("assertiveness_rate", "1/quarter", 0.05, 0.005, 0.3,
           "share of the gap to target assertiveness closed per quarter", "counterbalancing"),
        _P("assertiveness_encirclement", "share", 0.5, 0.0, 2.0,
           "rise of assertiveness per unit of perceived encirclement", "counterbalancing"),
    ]
}
NAMES: tuple[str, ...] = tuple(REGISTRY)


def defaults() -> dict[str, float]:
    """The registry's default value of every parameter."""
    return {name: p.default for name, p in REGISTRY.items()}


@dataclass(frozen=True)
class Params:
    """Parameter values for R runs: one float array of shape (R,) per registry parameter.

    The attributes are written out (and checked against the registry below) so that a
    reader, and mypy, can see which rule reads which parameter.
    """

    threat_memory: np.ndarray
    threat_noise: np.ndarray
    weight_power: np.ndarray
    weight_proximity: np.ndarray
    weight_offense: np.ndarray
    intent_floor: np.ndarray
    bloc_power_weight: np.ndarray
    exposure_weight: np.ndarray
    transnational_decay: np.ndarray
    transnational_baseline: np.ndarray
    weight_shared_threat: np.ndarray
    weight_transnational: np.ndarray
    weight_values: np.ndarray
    weight_trust: np.ndarray
    weight_hub: np.ndarray
    weight_entrapment: np.ndarray
    weight_backlash: np.ndarray
    weight_partner_threat: np.ndarray
    cost_scale: np.ndarray
    dovish_penalty: np.ndarray
    build_rate: np.ndarray
    decay_rate: np.ndarray
    trust_memory: np.ndarray
    alignment_rate: np.ndarray
    weight_encirclement: np.ndarray
    weight_alignment_threat: np.ndarray
    assertiveness_rate: np.ndarray
    assertiveness_encirclement: np.ndarray

    @classmethod
    def stack(cls, rows: list[dict[str, float]]) -> Params:
        """Stack one complete parameter mapping per run into run-axis arrays."""
        return cls(**{n: np.array([float(r[n]) for r in rows], dtype=np.float64) for n in NAMES})

    @property
    def runs(self) -> int:
        """R, the number of runs the arrays hold."""
        return len(self.threat_memory)


if tuple(f.name for f in fields(Params)) != NAMES:  # the registry is the one list of parameters
    raise RuntimeError("model.spec.parameters.Params does not list the registry's parameters in order")
