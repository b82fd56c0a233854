"""The parameter registry: every tunable number of the model, with unit, range and meaning.

The default values live apart, in :mod:`model.spec.defaults`: they are a summary of the shipped
posterior (docs/calibration.md), not a property of the rules.

Scenarios, the CLI, experiment designs, calibration and sensitivity analysis all read
this one table. A parameter's value for a batch is an array with a leading run axis.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from model.spec.defaults import DEFAULTS


@dataclass(frozen=True)
class Parameter:
    """One registry entry: a named number with unit, default, allowed range and meaning."""

    name: str
    unit: str
    default: float
    low: float
    high: float
    meaning: str
    rule: str  # the rule module(s) that read it (where to read the equation), comma-separated

    def check(self, value: float) -> str | None:
        """Return why ``value`` is not allowed, or None when it is."""
        if not np.isfinite(value):
            return f"{self.name} must be a finite number, got {value!r}"
        if not (self.low <= value <= self.high):
            return f"{value!r} is outside the allowed range [{self.low}, {self.high}] ({self.unit})"
        return None


def _P(name: str, unit: str, low: float, high: float, meaning: str, rule: str) -> Parameter:
    return Parameter(name, unit, DEFAULTS[name], low, high, meaning, rule)


REGISTRY: dict[str, Parameter] = {
    p.name: p
    for p in [
        # threat perception (model/rules/threat.py)
        _P("threat_memory", "1/quarter", 0.02, 0.5,
           "share of the gap to the target threat closed each quarter", "threat"),
        _P("threat_noise", "logit sd/quarter", 0.0, 0.5,
           "standard deviation of the quarterly shock to each perceived threat, on the logit scale (mean zero)",
           "threat"),
        _P("weight_power", "weight", 0.05, 1.0,
           "weight of the other's strength relative to one's own (no cap: power transition) in the threat target",
           "threat"),
        _P("weight_proximity", "weight", 0.05, 1.0,
           "weight of reach (proximity, land or sea borders) in the threat target", "threat"),
        _P("weight_offense", "weight", 0.05, 1.0,
           "weight of the other's offensive capability in the threat target", "threat"),
        _P("intent_floor", "share", 0.0, 1.0,
           "share of a rivalry read as hostile intent even when the rival is not assertive", "threat"),
        _P("legal_reassurance", "share", 0.0, 1.0,
           "share of a legally restrained actor's offensive capability others discount (loosening the restraint "
           "removes the discount: the security dilemma both ways)", "threat"),
        _P("bloc_power_weight", "share", 0.0, 1.0,
           "how much an aligned partner's power adds to an actor's side", "capabilities"),
        _P("exposure_weight", "share", 0.0, 1.0,
           "how much an engaged ally's power adds to an actor's side (disengaged allies leave it exposed)",
           "capabilities"),
        _P("demonstration", "share", 0.0, 1.0,
           "how much a partner's assertiveness is read into an aligned actor's intent ('Ukraine today, East Asia "
           "tomorrow')", "threat"),
        _P("linkage", "share", 0.0, 1.0,
           "how much the threat from an actor extends to its aligned partners ('indivisible security')", "threat"),
        _P("transnational_decay", "1/quarter", 0.02, 0.3,
           "share of a transnational shock (terrorism, piracy, cyber, disasters) fading each quarter", "threat"),
        _P("transnational_baseline", "level", 0.0, 0.5,
           "level transnational threats return to without shocks", "threat, domestic"),
        # desired cooperation (model/rules/preferences.py, model/rules/alliances.py)
        _P("weight_threat", "incentive/threat", 0.0, 8.0,
           "pull of the actor's own threats on cooperation with a partner useful against them", "preferences"),
        _P("weight_transnational", "incentive/level", 0.0, 5.0,
           "pull of transnational threats on the domains they concern", "preferences"),
        _P("weight_values", "incentive", 0.0, 3.0,
           "pull of shared (democratic) values", "preferences"),
        _P("weight_trust", "incentive", 0.0, 3.0,
           "pull of a reliable partner (reciprocity memory above one half)", "preferences"),
        _P("weight_hub", "incentive", 0.0, 3.0,
           "pull of a common engaged ally (the US as hub of both alliances)", "preferences"),
        _P("weight_commitment", "incentive", 0.0, 6.0,
           "pull of an alliance commitment (a treaty or a counterbalancing alignment) on cooperating with one's "
           "allies, times one's engagement", "alliances"),
        _P("weight_hedge", "incentive/fear", 0.0, 5.0,
           "pull between two actors who both fear abandonment by their common ally (hedging)", "alliances"),
        _P("weight_entrapment", "incentive/threat", 0.0, 3.0,
           "push of fear of entrapment in an engaged partner's far-away conflicts (times militarisation)",
           "preferences"),
        _P("weight_backlash", "incentive/threat", 0.0, 3.0,
           "push of expected backlash from nearby adversaries of the partner who are not one's own rivals (times "
           "militarisation)", "preferences"),
        _P("weight_partner_threat", "incentive/threat", 0.0, 5.0,
           "push of the threat the partner itself poses to the actor (one does not arm a rival)", "preferences"),
        _P("cost_scale", "incentive", 0.0, 3.0,
           "multiplier on each domain's cost of cooperating", "preferences"),
        _P("agreement_effect", "share", 0.0, 1.0,
           "share of a domain's cost (or of the cost of aligning) a full agreement removes",
           "preferences, counterbalancing"),
        # constraints and how they move (model/rules/constraints.py, model/rules/domestic.py)
        _P("dovish_penalty", "share", 0.0, 1.0,
           "how far a fully dovish government lowers its ceiling in military domains", "constraints"),
        _P("consensus_threat", "1/threat", 0.0, 10.0,
           "how fast threat (incl. threat extended by alignment) wins over members holding back out-of-area "
           "cooperation", "constraints"),
        _P("orientation_rate", "1/quarter", 0.0, 0.3,
           "share of the gap to the leaning (pulled hawkish by threat) the government closes per quarter",
           "domestic"),
        _P("orientation_threat", "dovishness/threat", 0.0, 3.0,
           "how far threat pulls a government's orientation from its electorate's lean toward hawkish", "domestic"),
        _P("reform_rate", "1/quarter", 0.0, 1.0,
           "largest hazard per quarter of the next loosening step of a constraint (reinterpretation, law)",
           "domestic"),
        _P("reform_threat", "pressure/threat", 0.0, 40.0,
           "reform pressure per unit of threat level (the hazard is zero below a step's barrier)", "domestic"),
        _P("reform_abandonment", "pressure/fear", 0.0, 40.0,
           "reform pressure per unit of fear of abandonment (self-help)", "domestic"),
        _P("reform_pressure", "pressure/demand", 0.0, 40.0,
           "reform pressure per unit of a partner's demand beyond the legal limit where practice has reached it "
           "(an ally's demand for burden-sharing, partners' contributions)", "domestic"),
        _P("reform_crisis", "pressure/(level*demand)", 0.0, 40.0,
           "reform pressure per unit of crisis (transnational threat above its baseline) times a partner's demand "
           "beyond the limit in the domains it concerns (a crisis that exposes the constraint: the Gulf War, "
           "9/11)", "domestic"),
        _P("reform_barrier", "pressure/step", 0.0, 10.0,
           "pressure a loosening step needs, per step (an amendment, the fourth step, needs four times the first's)",
           "domestic"),
        # realised cooperation and institutions (model/rules/cooperation.py, model/rules/institutions.py)
        _P("build_rate", "1/quarter", 0.01, 0.5,
           "share of the gap closed per quarter when cooperation grows (institution building)", "cooperation"),
        _P("decay_rate", "1/quarter", 0.02, 0.3,
           "share of the gap closed per quarter when cooperation shrinks (half-life 0.5-8.5 years: what no one "
           "wants any more fades; institutions hold it up through their floors)", "cooperation"),
        _P("trust_memory", "1/quarter", 0.01, 0.5,
           "share of the gap to the partner's latest fulfilment closed per quarter", "cooperation"),
        _P("institution_rate", "1/quarter", 0.0, 0.5,
           "share of the gap between cooperation (or alignment) and its institutional floor the floor closes "
           "per quarter", "institutions"),
        _P("institution_share", "share", 0.2, 0.9,
           "share of realised cooperation (or alignment) that its institutions lock in as a floor", "institutions"),
        _P("institution_erosion", "1/quarter", 0.005, 0.05,
           "share of the gap to what the sides want that an unused institutional floor loses per quarter",
           "institutions"),
        # counterbalancing (model/rules/counterbalancing.py)
        _P("alignment_rate", "1/quarter", 0.002, 0.3,
           "share of the gap to target alignment closed per quarter", "counterbalancing"),
        _P("weight_encirclement", "goal/intensity", 0.0, 10.0,
           "pull of perceived encirclement on counterbalancing alignment", "counterbalancing"),
        _P("weight_alignment_threat", "goal/threat", 0.0, 10.0,
           "pull of an actor's threats, times the partner's share of their joint strength, on counterbalancing "
           "alignment (both partners must gain)", "counterbalancing"),
        _P("alignment_cost", "goal", 0.0, 3.0,
           "cost of aligning without agreements (treaties and pacts lower it)", "counterbalancing"),
        _P("assertiveness_rate", "1/quarter", 0.005, 0.3,
           "share of the gap to target assertiveness closed per quarter", "counterbalancing"),
        _P("assertiveness_encirclement", "share", 0.0, 2.0,
           "rise of assertiveness per unit of perceived encirclement", "counterbalancing"),
        _P("transition_assertiveness", "share", 0.0, 2.0,
           "rise of a revisionist's assertiveness per unit of its strength share against its rivals (power "
           "transition)", "counterbalancing"),
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
    legal_reassurance: np.ndarray
    bloc_power_weight: np.ndarray
    exposure_weight: np.ndarray
    demonstration: np.ndarray
    linkage: np.ndarray
    transnational_decay: np.ndarray
    transnational_baseline: np.ndarray
    weight_threat: np.ndarray
    weight_transnational: np.ndarray
    weight_values: np.ndarray
    weight_trust: np.ndarray
    weight_hub: np.ndarray
    weight_commitment: np.ndarray
    weight_hedge: np.ndarray
    weight_entrapment: np.ndarray
    weight_backlash: np.ndarray
    weight_partner_threat: np.ndarray
    cost_scale: np.ndarray
    agreement_effect: np.ndarray
    dovish_penalty: np.ndarray
    consensus_threat: np.ndarray
    orientation_rate: np.ndarray
    orientation_threat: np.ndarray
    reform_rate: np.ndarray
    reform_threat: np.ndarray
    reform_abandonment: np.ndarray
    reform_pressure: np.ndarray
    reform_crisis: np.ndarray
    reform_barrier: np.ndarray
    build_rate: np.ndarray
    decay_rate: np.ndarray
    trust_memory: np.ndarray
    institution_rate: np.ndarray
    institution_share: np.ndarray
    institution_erosion: np.ndarray
    alignment_rate: np.ndarray
    weight_encirclement: np.ndarray
    weight_alignment_threat: np.ndarray
    alignment_cost: np.ndarray
    assertiveness_rate: np.ndarray
    assertiveness_encirclement: np.ndarray
    transition_assertiveness: np.ndarray

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
