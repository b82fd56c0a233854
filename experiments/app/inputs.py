"""What the page's sidebar accepts: the seed, the parameter sliders (grouped by rule) and dates in words.

Everything here is read from the parameter registry, so parameters added to the model
appear on the page with their range, unit and meaning without a change to this module.
"""

from __future__ import annotations

import math

from model.spec.errors import InputError
from model.spec.overrides import check_override
from model.spec.parameters import REGISTRY, Parameter

SEED_MAX = 2**63 - 1  # numpy SeedSequence takes any whole number >= 0; the project's seeds are int64
SEED_FIELD = "seed field"
SLIDERS = "parameter sliders"

# Titles for the registry's rule modules; a rule not named here gets a title made from its name.
RULE_TITLES = {
    "threat": "Threat perception",
    "preferences": "Cooperation wanted (preferences)",
    "alliances": "Alliance commitments",
    "cooperation": "Cooperation built",
    "institutions": "Institutions",
    "constraints": "Domestic constraints",
    "domestic": "Domestic politics",
    "counterbalancing": "Counterbalancing",
}


def parse_seed(value) -> int:
    """The master seed typed in the seed field: a whole number 0 <= seed <= 2**63 - 1."""
    text = str(value).strip()
    try:
        seed = int(text)
    except ValueError:
        raise InputError(SEED_FIELD, None, "seed", f"must be a whole number, got {text[:40]!r}") from None
    if not 0 <= seed <= SEED_MAX:
        raise InputError(SEED_FIELD, None, "seed", f"must be between 0 and {SEED_MAX} (2**63 - 1)")
    return seed


def rule_title(rule: str) -> str:
    return RULE_TITLES.get(rule, rule.replace("_", " ").capitalize())


def groups() -> list[tuple[str, list[Parameter]]]:
    """The registry's parameters grouped by rule module: the known rules in model order, then any new ones."""
    by_rule: dict[str, list[Parameter]] = {}
    for p in REGISTRY.values():
        by_rule.setdefault(p.rule, []).append(p)
    order = [r for r in RULE_TITLES if r in by_rule] + sorted(r for r in by_rule if r not in RULE_TITLES)
    return [(rule_title(r), by_rule[r]) for r in order]


def slider_step(p: Parameter) -> float:
    """The coarsest power-of-ten step (at most 1/100 of the range) with low and default on the grid."""
    span = p.high - p.low
    step = 10.0 ** math.floor(math.log10(span / 100.0))
    while step > 1e-6:
        if all(abs(v / step - round(v / step)) < 1e-6 for v in (p.low, p.default)):
            return step
        step /= 10.0
    return step


def slider_label(p: Parameter) -> str:
    return f"{p.name} [{p.low:g}–{p.high:g}] ({p.unit})"


def overrides_from(values: dict[str, float], scenario_values: dict[str, float]) -> dict[str, float]:
    """The slider values that differ from the scenario's own, each checked like a scenario file's."""
    out = {}
    for name, value in values.items():
        value = check_override(name, value, SLIDERS)
        if not math.isclose(value, scenario_values[name], rel_tol=0.0, abs_tol=1e-12):
            out[name] = value
    return dict(sorted(out.items()))


