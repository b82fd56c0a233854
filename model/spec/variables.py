"""The variable registry: every state variable and driver of the model, once, with its axes, range and meaning.

It is to the model's state what ``model/spec/parameters.py`` is to its numbers. The
state's arrays (``model/engines/state.py``), what a run records
(``model/engines/record.py``), the tidy table's value columns (``model/engines/tidy.py``),
the quantity names scenario events and conditions use (``model/spec/quantities.py``),
how events read and write the state (``model/engines/schedule.py``), the world file's
actor keys (``model/spec/world.py``) and the docs' tables (``alliance variables``) all
derive from this one table. Adding a driver is adding a row here and reading it in a rule.

Words (docs/glossary.md): a **driver** is what scenario events move (the dynamics move
only ``power``, ``constitution`` (the reform hazard) and, for actors with an electorate,
``dovish``, and let the transnational levels fade); a **level** is what the dynamics produce. Events may write
levels in experiments, never in shipped scenarios (tests/test_scenario_policy.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.spec.domains import CHANNELS, DOMAINS

ACTOR, DOMAIN, CHANNEL = "actor", "domain", "channel"
DRIVER, LEVEL = "driver", "level"


@dataclass(frozen=True)
class Variable:
    """One state variable: its name (in code, table, docs and scenario files), shape, range and role.

    ``axes`` after the run axis: ``(actor,)``, ``(actor, actor)`` (a dyad: i's view of j, or the
    pair), ``(actor, actor, domain)`` or ``(channel,)``. ``start`` says where a run's first value
    comes from: ``world`` (the world file), ``zero``, ``copy:NAME`` (another variable's start),
    ``param:NAME`` (a parameter) or ``value:X``; dyad values are 0 toward oneself.
    """

    name: str
    axes: tuple[str, ...]
    role: str  # DRIVER (scenario events move it) or LEVEL (the dynamics produce it)
    low: float
    high: float
    unit: str
    meaning: str
    moved_by: str  # what changes it during a run: rule modules and/or events
    start: str = "world"
    symmetric: bool = False  # a dyad variable with X_ij = X_ji (events write both)
    integer: bool = False  # a switch: one of the actor's named states (events only ``set`` it, by name)
    recorded: bool = False  # kept in a run's trajectory (model/engines/record.py)
    table: bool = False  # a value column of the tidy table (model/engines/tidy.py)
    writable: bool = True  # events may change it (False: recomputed every quarter, only watched)
    floor_of: str = ""  # an institutional floor: writing it lifts this level to at least the floor
    world_default: float | str | None = None  # actor drivers: the world file's value when it gives none

    @property
    def dyad(self) -> bool:
        return self.axes[:2] == (ACTOR, ACTOR)

    @property
    def per_domain(self) -> bool:
        return self.axes[-1] == DOMAIN

    @property
    def per_actor(self) -> bool:
        return self.axes == (ACTOR,)

    @property
    def per_channel(self) -> bool:
        return self.axes == (CHANNEL,)

    def shape(self, n: int) -> tuple[int, ...]:
        """The array shape after the run axis, for ``n`` actors."""
        size = {ACTOR: n, DOMAIN: len(DOMAINS), CHANNEL: len(CHANNELS)}
        return tuple(size[a] for a in self.axes)

    @property
    def dtype(self) -> type:
        return np.int64 if self.integer else np.float64

    def columns(self) -> tuple[str, ...]:
        """Its value columns in the tidy table (one row per dyad a < b): X, or X_ab and X_ba, or X_a and X_b."""
        if not self.table:
            return ()
        if self.dyad:
            return (self.name,) if self.symmetric else (f"{self.name}_ab", f"{self.name}_ba")
        return (f"{self.name}_a", f"{self.name}_b")

    def address(self) -> str:
        """How scenario files name one of its elements."""
        if self.per_channel:
            return "world." + "|".join(CHANNELS)
        if self.per_actor:
            return f"ACTOR.{self.name}"
        return f"{self.name}.A.B" + (".DOMAIN|all" if self.per_domain else "")


_V = Variable
_AA, _AAD = (ACTOR, ACTOR), (ACTOR, ACTOR, DOMAIN)
VARIABLES: dict[str, Variable] = {
    v.name: v
    for v in [
        # ------------------------------------------------------------------ levels: what the dynamics produce
        _V("cooperation", _AAD, LEVEL, 0.0, 1.0, "level", "realised cooperation of the pair in the domain",
           "cooperation (never below its floor)", symmetric=True, recorded=True, table=True),
        _V("floor", _AAD, LEVEL, 0.0, 1.0, "level", "institutional floor of the pair's cooperation in the domain",
           "institutions", symmetric=True, recorded=True, floor_of="cooperation"),
        _V("ceiling", _AAD, LEVEL, 0.0, 1.0, "level",
           "most the first may offer the second in the domain (used in the latest quarter)", "constraints",
           start="zero", recorded=True, table=True, writable=False),
        _V("threat", _AA, LEVEL, 0.0, 1.0, "level", "threat the first perceives from the second", "threat",
           start="zero", recorded=True, table=True),
        _V("trust", _AA, LEVEL, 0.0, 1.0, "share",
           "reciprocity memory: how much of what the first wanted the second offered", "cooperation",
           start="value:0.5"),
        _V("alignment", _AA, LEVEL, 0.0, 1.0, "level", "counterbalancing (bloc) alignment of the pair",
           "counterbalancing (never below its floor)", symmetric=True, recorded=True, table=True),
        _V("alignment_floor", _AA, LEVEL, 0.0, 1.0, "level", "institutional floor of the pair's alignment",
           "institutions", start="zero", symmetric=True, floor_of="alignment"),
        _V("assertiveness", (ACTOR,), LEVEL, 0.0, 1.0, "level",
           "assertiveness: the hostility others read into the actor (moves toward ambition raised by encirclement "
           "and, for a revisionist, by its strength against its rivals)",
           "counterbalancing", start="copy:ambition", recorded=True),
        _V("effective_consensus", (ACTOR,), LEVEL, 0.0, 1.0, "share",
           "out-of-area consensus in effect (the baseline consensus raised by threat; used in the latest quarter)",
           "constraints", start="copy:consensus", recorded=True, writable=False),
        _V("constitution", (ACTOR,), DRIVER, 0.0, 99.0, "state",
           "the actor's legal constraint state (Japan: Article 9 interpretation; NATO: partnership policy), "
           "by name", "domestic (reform hazard, actors with endogenous constraints); events",
           integer=True, recorded=True),
        _V("constitution_cap", (ACTOR,), DRIVER, 0.0, 99.0, "state",
           "the loosest constraint state the reform hazard may reach, by name (a counterfactual holds a step back "
           "by lowering it; it never undoes a step)", "events", integer=True),
        # ------------------------------------------------------------------ drivers: what scenario events move
        _V("power", (ACTOR,), DRIVER, 0.0, 100.0, "US 1990 = 1",
           "aggregate power, relative to the United States in 1990 (no cap: relative power matters)",
           "capabilities (grows each quarter); events", recorded=True, table=True, world_default=0.3),
        _V("growth", (ACTOR,), DRIVER, -0.1, 0.2, "1/year", "power growth per year (fraction)", "events",
           world_default=0.0),
        _V("offense", (ACTOR,), DRIVER, 0.0, 1.0, "level", "offensive military capability", "events",
           world_default=0.3),
        _V("ambition", (ACTOR,), DRIVER, 0.0, 1.0, "level",
           "baseline assertiveness the actor returns to without encirclement", "events", world_default=0.2),
        _V("balancer", (ACTOR,), DRIVER, 0.0, 1.0, "share",
           "propensity to counterbalance perceived encirclement by aligning", "events", world_default=0.0),
        _V("engagement", (ACTOR,), DRIVER, 0.0, 1.0, "share",
           "engagement of the actor with its allies (1 = fully engaged, 0 = retrenched)", "events",
           world_default=1.0),
        _V("dovish", (ACTOR,), DRIVER, 0.0, 1.0, "dovishness",
           "dovishness of the government's orientation (0 = hawkish, 1 = pacifist); moves with threat toward "
           "the lean", "domestic (actors with an electorate); events", recorded=True, world_default=0.0),
        _V("lean", (ACTOR,), DRIVER, 0.0, 1.0, "dovishness",
           "the electorate's lean: the orientation a government drifts toward when not threatened", "events",
           world_default="dovish"),
        _V("consensus", (ACTOR,), DRIVER, 0.0, 1.0, "share",
           "members' baseline consensus for out-of-area cooperation (threat raises it; members can block)",
           "events", world_default=1.0),
        _V("democracy", (ACTOR,), DRIVER, 0.0, 1.0, "level", "democratic values score (shared democratic values "
           "drive cooperation)", "events", world_default=0.5),
        _V("revisionism", (ACTOR,), DRIVER, 0.0, 1.0, "share",
           "dissatisfaction with the status quo (Organski): how far a rise in relative power against its rivals "
           "turns into assertiveness", "events", world_default=0.0),
        _V("transnational", (CHANNEL,), DRIVER, 0.0, 1.0, "level",
           "transnational threat level of the channel (terrorism, piracy, cyber, disasters), the same for all",
           "threat (shocks fade to the baseline); events", start="param:transnational_baseline", recorded=True),
        _V("rivalry", _AA, DRIVER, 0.0, 1.0, "level", "rivalry between the two", "events", symmetric=True),
        _V("agreement", _AAD, DRIVER, 0.0, 1.0, "level",
           "agreements in the domain (lower the cost of cooperating; of aligning for balancers)", "events",
           symmetric=True),
    ]
}
NAMES: tuple[str, ...] = tuple(VARIABLES)
RECORDED: tuple[str, ...] = tuple(n for n, v in VARIABLES.items() if v.recorded)
VALUE_COLUMNS: tuple[str, ...] = tuple(c for v in VARIABLES.values() for c in v.columns())
WORLD_ATTRIBUTES: tuple[str, ...] = tuple(n for n, v in VARIABLES.items() if v.world_default is not None)


def actor_variables() -> tuple[str, ...]:
    """The variables scenario files name ``ACTOR.NAME``."""
    return tuple(n for n, v in VARIABLES.items() if v.per_actor)


def dyad_variables() -> tuple[str, ...]:
    """The variables scenario files name ``NAME.A.B`` (``NAME.A.B.DOMAIN`` per domain)."""
    return tuple(n for n, v in VARIABLES.items() if v.dyad)


def channel_variable() -> Variable:
    """The one world-level variable, named ``world.CHANNEL`` in scenario files."""
    (v,) = (v for v in VARIABLES.values() if v.per_channel)
    return v
