"""Named quantities that scenario events set, add to or scale, and that conditions watch.

Names are dotted paths: ``Japan.dovish``, ``Japan.constitution`` (a state switch),
``world.terrorism``, ``floor.Japan.NATO.logistics`` (or ``.all``),
``cooperation.Japan.NATO.exercises``, ``alignment.China.Russia``,
``alignment_floor.China.Russia``, ``threat.Japan.China``, ``Japan.assertiveness``,
``index.japan_nato``. This module is
the one place that maps names to state arrays and knows each one's range.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.spec.domains import CHANNELS, DOMAINS
from model.spec.errors import did_you_mean
from model.spec.world import ACTOR_ATTRIBUTES, World

DYNAMIC_ACTOR = {"assertiveness": "state: current assertiveness (moves toward ambition + encirclement)",
                 "constitution": "switch: the actor's constraint state, by name"}
DYAD_KINDS = {"floor": "agreement floor per domain", "cooperation": "realised cooperation per domain",
              "alignment": "counterbalancing alignment", "alignment_floor": "treaty floor of alignment",
              "threat": "threat perceived by the first from the second"}
READ_ONLY_KINDS = {"index"}


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


def resolve(world: World, name: str, *, writable: bool = True) -> Quantity:
    """Resolve a quantity name against a world, or raise UnknownQuantity."""
    if not isinstance(name, str) or not name:
        raise UnknownQuantity("a quantity must be a dotted name such as 'Japan.dovish'")
    parts = name.split(".")
    head = parts[0]
    if head == "world":
        if len(parts) != 2 or parts[1] not in CHANNELS:
            ch = parts[1] if len(parts) > 1 else ""
            raise UnknownQuantity(f"unknown world quantity '{ch}'{did_you_mean(ch, CHANNELS)}; "
                                  f"known: {', '.join(CHANNELS)}")
        return Quantity(name, "world", field=parts[1], a=CHANNELS.index(parts[1]))
    if head == "index":
        if writable:
            raise UnknownQuantity("index quantities can be watched by conditions but not changed")
        key = parts[1] if len(parts) == 2 else ""
        if key not in world.indices:
            raise UnknownQuantity(f"unknown index '{key}'{did_you_mean(key, world.indices)}; "
                                  f"this world defines: {', '.join(world.indices) or 'none'}")
        return Quantity(name, "index", field=key)
    if head in DYAD_KINDS:
        want = 4 if head in ("floor", "cooperation") else 3
        if len(parts) != want:
            shape = f"{head}.A.B.DOMAIN" if want == 4 else f"{head}.A.B"
            raise UnknownQuantity(f"'{name}' should look like {shape}")
        a, b = _actor(world, parts[1]), _actor(world, parts[2])
        if a == b:
            raise UnknownQuantity(f"'{name}' names the same actor twice")
        dom = -1
        if want == 4 and parts[3] != "all":
            if parts[3] not in DOMAINS:
                raise UnknownQuantity(f"unknown domain '{parts[3]}'{did_you_mean(parts[3], DOMAINS)} "
                                      f"(or 'all')")
            dom = DOMAINS.index(parts[3])
        if head == "cooperation" and dom == -1 and writable:
            raise UnknownQuantity("set cooperation one domain at a time, or set a floor with floor.A.B.all")
        return Quantity(name, head, a=a, b=b, domain=dom)
    if head in world.actors or len(parts) == 2:
        if len(parts) != 2:
            raise UnknownQuantity(f"'{name}' should look like ACTOR.ATTRIBUTE")
        a = _actor(world, head)
        attr = parts[1]
        if attr in ACTOR_ATTRIBUTES:
            lo, hi, _ = ACTOR_ATTRIBUTES[attr]
            return Quantity(name, "attribute", field=attr, a=a, low=lo, high=hi)
        if attr in DYNAMIC_ACTOR:
            kind = attr
            return Quantity(name, kind, field=attr, a=a)
        known = list(ACTOR_ATTRIBUTES) + list(DYNAMIC_ACTOR)
        raise UnknownQuantity(f"unknown actor attribute '{attr}'{did_you_mean(attr, known)}")
    known = list(world.actors) + ["world", "index"] + list(DYAD_KINDS)
    raise UnknownQuantity(f"unknown quantity '{name}'{did_you_mean(head, known)}; names start with an actor, "
                          f"'world', 'index', or one of {', '.join(DYAD_KINDS)}")


def read(state, world: World, q: Quantity) -> np.ndarray:
    """Current value of a quantity for every run: shape (R,)."""
    if q.kind == "attribute":
        return state.attrs[q.field][:, q.a]
    if q.kind == "assertiveness":
        return state.assertive[:, q.a]
    if q.kind == "constitution":
        return state.cstate[:, q.a].astype(np.float64)
    if q.kind == "world":
        return state.levels[:, q.a]
    if q.kind == "index":
        from model.engines.indices import index_values
        return index_values(state, world)[q.field]
    if q.kind == "threat":
        return state.threat[:, q.a, q.b]
    if q.kind == "alignment":
        return state.align[:, q.a, q.b]
    if q.kind == "alignment_floor":
        return state.align_floor[:, q.a, q.b]
    arr = state.floor if q.kind == "floor" else state.coop
    if q.domain >= 0:
        return arr[:, q.a, q.b, q.domain]
    from model.rules.ordered import osum
    return osum(arr[:, q.a, q.b, :], axis=1) / arr.shape[-1]


def apply(state, q: Quantity, op: str, value: float, runs: np.ndarray) -> None:
    """Set, add to or scale a quantity in the runs selected by the boolean mask ``runs``.

    Results of add/scale stay inside the quantity's range (a bound is a bound of the
    model, e.g. cooperation cannot exceed 1); switches only take ``set``.
    """
    if not runs.any():
        return

    def combine(old):
        if op == "set":
            new = np.full_like(old, value)
        elif op == "add":
            new = old + value
        else:
            new = old * value
        return np.clip(new, q.low, q.high)

    if q.kind == "constitution":
        state.cstate[runs, q.a] = int(value)
        return
    if q.kind == "attribute":
        col = state.attrs[q.field]
        col[runs, q.a] = combine(col[runs, q.a])
    elif q.kind == "assertiveness":
        state.assertive[runs, q.a] = combine(state.assertive[runs, q.a])
    elif q.kind == "world":
        state.levels[runs, q.a] = combine(state.levels[runs, q.a])
    elif q.kind in ("threat",):
        state.threat[runs, q.a, q.b] = combine(state.threat[runs, q.a, q.b])
    elif q.kind == "alignment":
        new = combine(state.align[runs, q.a, q.b])
        state.align[runs, q.a, q.b] = new
        state.align[runs, q.b, q.a] = new
    elif q.kind == "alignment_floor":
        new = combine(state.align_floor[runs, q.a, q.b])
        state.align_floor[runs, q.a, q.b] = state.align_floor[runs, q.b, q.a] = new
        raised = np.maximum(state.align[runs, q.a, q.b], new)
        state.align[runs, q.a, q.b] = state.align[runs, q.b, q.a] = raised
    else:  # floor / cooperation: symmetric per domain
        arr = state.floor if q.kind == "floor" else state.coop
        doms = slice(None) if q.domain < 0 else slice(q.domain, q.domain + 1)
        new = combine(arr[runs, q.a, q.b, doms])
        arr[runs, q.a, q.b, doms] = new
        arr[runs, q.b, q.a, doms] = new
        if q.kind == "floor":
            state.coop[runs, q.a, q.b, doms] = np.maximum(state.coop[runs, q.a, q.b, doms], new)
            state.coop[runs, q.b, q.a, doms] = state.coop[runs, q.a, q.b, doms]
