"""Named quantities that scenario events set, add to or scale, and that conditions watch.

Names are dotted paths. Drivers (what scenario events are meant to move): actor
attributes such as ``China.ambition``, ``China.growth``, ``Japan.dovish``,
``United States.engagement``; ``world.terrorism``; ``rivalry.United States.China``;
``agreement.Japan.NATO.information_sharing`` (or ``.all``); and the state switch
``Japan.constitution``. Levels the dynamics produce (allowed for experiments, never
in shipped scenarios): ``floor.Japan.NATO.logistics``, ``cooperation.Japan.NATO.exercises``,
``alignment.China.Russia``, ``alignment_floor.China.Russia``, ``threat.Japan.China``,
``Japan.assertiveness``. Conditions may also watch ``index.japan_nato``. This module is
the one place that resolves names and knows each one's range; model/engines/schedule.py
reads and writes the state arrays they name.
"""

from __future__ import annotations

from dataclasses import dataclass

from model.spec.domains import CHANNELS, DOMAINS
from model.spec.errors import did_you_mean
from model.spec.world import ACTOR_ATTRIBUTES, World

DYNAMIC_ACTOR = {"assertiveness": "state: current assertiveness (moves toward ambition + encirclement)",
                 "constitution": "switch: the actor's constraint state, by name"}
DYAD_KINDS = {"floor": "institutional floor per domain", "cooperation": "realised cooperation per domain",
              "agreement": "agreements per domain (lower the cost of cooperating; of aligning for balancers)",
              "rivalry": "rivalry between the two (symmetric)",
              "alignment": "counterbalancing alignment", "alignment_floor": "institutional floor of alignment",
              "threat": "threat perceived by the first from the second"}
PER_DOMAIN = ("floor", "cooperation", "agreement")
LEVELS = {"floor", "cooperation", "alignment", "alignment_floor", "threat", "assertiveness"}  # outcomes, not drivers


@dataclass(frozen=True)
class Quantity:
    """A resolved quantity name: which state array and which element(s)."""

    name: str
    kind: str  # attribute, assertiveness, constitution, world, floor, cooperation, alignment(_floor), threat, index
    field: str = ""
    a: int = -1
    b: int = -1
    domain: int = -1  # -1 = all domains
    low: float = 0.0
    high: float = 1.0

    @property
    def is_switch(self) -> bool:
        return self.kind == "constitution"


class UnknownQuantity(ValueError):
    """The name does not resolve; the message says why (with a did-you-mean)."""


def _actor(world: World, name: str) -> int:
    if name not in world.actors:
        raise UnknownQuantity(f"unknown actor '{name}'{did_you_mean(name, world.actors)}")
    return world.index(name)


def _world(name: str, parts: list[str]) -> Quantity:
    if len(parts) != 2 or parts[1] not in CHANNELS:
        ch = parts[1] if len(parts) > 1 else ""
        raise UnknownQuantity(f"unknown world quantity '{ch}'{did_you_mean(ch, CHANNELS)}; "
                              f"known: {', '.join(CHANNELS)}")
    return Quantity(name, "world", field=parts[1], a=CHANNELS.index(parts[1]))


def _index(world: World, name: str, parts: list[str], writable: bool) -> Quantity:
    if writable:
        raise UnknownQuantity("index quantities can be watched by conditions but not changed")
    key = parts[1] if len(parts) == 2 else ""
    if key not in world.indices:
        raise UnknownQuantity(f"unknown index '{key}'{did_you_mean(key, world.indices)}; "
                              f"this world defines: {', '.join(world.indices) or 'none'}")
    return Quantity(name, "index", field=key)


def _dyad(world: World, name: str, parts: list[str], writable: bool) -> Quantity:
    head = parts[0]
    want = 4 if head in PER_DOMAIN else 3
    if len(parts) != want:
        shape = f"{head}.A.B.DOMAIN" if want == 4 else f"{head}.A.B"
        raise UnknownQuantity(f"'{name}' should look like {shape}")
    a, b = _actor(world, parts[1]), _actor(world, parts[2])
    if a == b:
        raise UnknownQuantity(f"'{name}' names the same actor twice")
    dom = -1
    if want == 4 and parts[3] != "all":
        if parts[3] not in DOMAINS:
            raise UnknownQuantity(f"unknown domain '{parts[3]}'{did_you_mean(parts[3], DOMAINS)} (or 'all')")
        dom = DOMAINS.index(parts[3])
    if head == "cooperation" and dom == -1 and writable:
        raise UnknownQuantity("set cooperation one domain at a time, or set a floor with floor.A.B.all")
    return Quantity(name, head, a=a, b=b, domain=dom)


def _actor_quantity(world: World, name: str, parts: list[str]) -> Quantity:
    if len(parts) != 2:
        raise UnknownQuantity(f"'{name}' should look like ACTOR.ATTRIBUTE")
    a = _actor(world, parts[0])
    attr = parts[1]
    if attr in ACTOR_ATTRIBUTES:
        lo, hi, _ = ACTOR_ATTRIBUTES[attr]
        return Quantity(name, "attribute", field=attr, a=a, low=lo, high=hi)
    if attr in DYNAMIC_ACTOR:
        return Quantity(name, attr, field=attr, a=a)
    known = list(ACTOR_ATTRIBUTES) + list(DYNAMIC_ACTOR)
    raise UnknownQuantity(f"unknown actor attribute '{attr}'{did_you_mean(attr, known)}")


def resolve(world: World, name: str, *, writable: bool = True) -> Quantity:
    """Resolve a quantity name against a world, or raise UnknownQuantity."""
    if not isinstance(name, str) or not name:
        raise UnknownQuantity("a quantity must be a dotted name such as 'Japan.dovish'")
    parts = name.split(".")
    head = parts[0]
    if head == "world":
        return _world(name, parts)
    if head == "index":
        return _index(world, name, parts, writable)
    if head in DYAD_KINDS:
        return _dyad(world, name, parts, writable)
    if head in world.actors or len(parts) == 2:
        return _actor_quantity(world, name, parts)
    known = list(world.actors) + ["world", "index"] + list(DYAD_KINDS)
    raise UnknownQuantity(f"unknown quantity '{name}'{did_you_mean(head, known)}; names start with an actor, "
                          f"'world', 'index', or one of {', '.join(DYAD_KINDS)}")
