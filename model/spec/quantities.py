"""Quantity names: how scenario events and conditions address one element of a registry variable.

A name is a dotted path built from ``model/spec/variables.py``: ``ACTOR.NAME`` for an actor
variable (``China.ambition``, ``Japan.dovish``, ``Japan.constitution``, ``Japan.assertiveness``),
``world.CHANNEL`` for a transnational level (``world.terrorism``), ``NAME.A.B`` for a dyad
variable (``rivalry.United States.China``, ``alignment.China.Russia``) and ``NAME.A.B.DOMAIN``
or ``NAME.A.B.all`` for one per domain (``agreement.Japan.NATO.information_sharing``,
``floor.Japan.NATO.all``). Conditions may also watch a world index, ``index.japan_nato``.
Drivers are what scenarios move; levels (the dynamics' output) may be written in
experiments, never in shipped scenarios. This module resolves names and knows each one's
range; ``model/engines/schedule.py`` reads and writes the state through them.
"""

from __future__ import annotations

from dataclasses import dataclass

from model.spec.domains import CHANNELS, DOMAINS
from model.spec.errors import did_you_mean
from model.spec.variables import LEVEL, VARIABLES, actor_variables, channel_variable, dyad_variables
from model.spec.world import World

INDEX = "index"  # the head of a watched world index; not a variable


@dataclass(frozen=True)
class Quantity:
    """A resolved quantity name: which variable (or world index) and which element(s)."""

    name: str
    variable: str  # a registry variable, or INDEX
    field: str = ""  # the index's name, or the channel
    a: int = -1
    b: int = -1
    domain: int = -1  # -1 = all domains
    low: float = 0.0
    high: float = 1.0

    @property
    def is_switch(self) -> bool:
        return self.variable != INDEX and VARIABLES[self.variable].integer

    @property
    def is_level(self) -> bool:
        """An outcome of the dynamics (or a world index), not a driver."""
        return self.variable == INDEX or VARIABLES[self.variable].role == LEVEL


class UnknownQuantity(ValueError):
    """The name does not resolve; the message says why (with a did-you-mean)."""


def _actor(world: World, name: str) -> int:
    if name not in world.actors:
        raise UnknownQuantity(f"unknown actor '{name}'{did_you_mean(name, world.actors)}")
    return world.index(name)


def _of(name: str, variable: str, writable: bool, **where) -> Quantity:
    v = VARIABLES[variable]
    if writable and not v.writable:
        raise UnknownQuantity(f"'{name}' is recomputed every quarter: conditions may watch it, events cannot "
                              "change it")
    return Quantity(name, variable, low=v.low, high=v.high, **where)


def _world(name: str, parts: list[str], writable: bool) -> Quantity:
    if len(parts) != 2 or parts[1] not in CHANNELS:
        ch = parts[1] if len(parts) > 1 else ""
        raise UnknownQuantity(f"unknown world quantity '{ch}'{did_you_mean(ch, CHANNELS)}; "
                              f"known: {', '.join(CHANNELS)}")
    return _of(name, channel_variable().name, writable, field=parts[1], a=CHANNELS.index(parts[1]))


def _index(world: World, name: str, parts: list[str], writable: bool) -> Quantity:
    if writable:
        raise UnknownQuantity("index quantities can be watched by conditions but not changed")
    key = parts[1] if len(parts) == 2 else ""
    if key not in world.indices:
        raise UnknownQuantity(f"unknown index '{key}'{did_you_mean(key, world.indices)}; "
                              f"this world defines: {', '.join(world.indices) or 'none'}")
    return Quantity(name, INDEX, field=key)


def _dyad(world: World, name: str, parts: list[str], writable: bool) -> Quantity:
    head = parts[0]
    v = VARIABLES[head]
    want = 4 if v.per_domain else 3
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
    if v.floor_of == "" and v.role == LEVEL and v.per_domain and dom == -1 and writable:
        raise UnknownQuantity(f"set {head} one domain at a time, or set a floor with floor.A.B.all")
    return _of(name, head, writable, a=a, b=b, domain=dom)


def _actor_quantity(world: World, name: str, parts: list[str], writable: bool) -> Quantity:
    if len(parts) != 2:
        raise UnknownQuantity(f"'{name}' should look like ACTOR.ATTRIBUTE")
    a = _actor(world, parts[0])
    attr = parts[1]
    if attr not in actor_variables():
        raise UnknownQuantity(f"unknown actor attribute '{attr}'{did_you_mean(attr, actor_variables())}")
    return _of(name, attr, writable, field=attr, a=a)


def resolve(world: World, name: str, *, writable: bool = True) -> Quantity:
    """Resolve a quantity name against a world, or raise UnknownQuantity."""
    if not isinstance(name, str) or not name:
        raise UnknownQuantity("a quantity must be a dotted name such as 'Japan.dovish'")
    parts = name.split(".")
    head = parts[0]
    if head == "world":
        return _world(name, parts, writable)
    if head == INDEX:
        return _index(world, name, parts, writable)
    if head in dyad_variables():
        return _dyad(world, name, parts, writable)
    if head in world.actors or len(parts) == 2:
        return _actor_quantity(world, name, parts, writable)
    known = list(world.actors) + ["world", INDEX] + list(dyad_variables())
    raise UnknownQuantity(f"unknown quantity '{name}'{did_you_mean(head, known)}; names start with an actor, "
                          f"'world', 'index', or one of {', '.join(dyad_variables())}")


def names(world: World, writable: bool = True) -> list[str]:
    """Every quantity name of ``world`` (events may change it, or only conditions watch it): drivers first."""
    actors = world.actors
    pairs = [(a, b) for a in actors for b in actors if a != b]
    found: list[Quantity] = []
    for v in VARIABLES.values():
        if v.per_channel:
            candidates = [f"world.{c}" for c in CHANNELS]
        elif v.per_actor:
            candidates = [f"{a}.{v.name}" for a in actors]
        else:
            tails = [f".{d}" for d in (*DOMAINS, "all")] if v.per_domain else [""]
            candidates = [f"{v.name}.{a}.{b}{t}" for a, b in pairs for t in tails]
        for c in candidates:
            try:
                found.append(resolve(world, c, writable=writable))
            except UnknownQuantity:
                pass
    return [q.name for q in sorted(found, key=lambda q: q.is_level)]  # drivers first, outcomes last
