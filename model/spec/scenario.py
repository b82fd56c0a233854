"""Scenario files: world, horizon, parameter overrides, dated and conditional events, ``extends``.

A scenario compiles to plain data (:class:`Scenario`) that both engines run. Every
mistake is an :class:`~model.spec.errors.InputError` naming the file, line and field.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from model.spec import fields as F
from model.spec import quantities as Q
from model.spec.errors import InputError, did_you_mean
from model.spec.overrides import check_override
from model.spec.paths import SCENARIOS_DIR
from model.spec.timegrid import event_step, on_grid, steps_between
from model.spec.world import World, load_world, world_path
from model.spec.yamlio import Located, load_mapping

OPS = ("set", "add", "scale")
BASELINE = "historical_baseline"  # the factual run: the reference of every difference, the default scenario
_TOP = {"name", "description", "extends", "world", "horizon", "parameters", "events", "conditions", "remove"}
_EVENT = {"date", "quantity", "label", "source", "note", "id"} | set(OPS)
_CONDITION = {"name", "when", "quantity", "once", "label", "source", "note"} | set(OPS)
_WHEN = {"quantity", "above", "below"}
MAX_EXTENDS = 20


@dataclass(frozen=True)
class Event:
    """A dated change: at quarter ``step`` (taking effect in the step after it), op a quantity."""

    step: int
    date: float
    quantity: Q.Quantity
    op: str
    value: float
    label: str
    source: str
    id: str = ""  # names the event, so that a scenario extending this one can ``remove`` it


@dataclass(frozen=True)
class Condition:
    """When ``watch`` crosses ``threshold`` (above or below), op a quantity (once, or every quarter)."""

    name: str
    watch: Q.Quantity
    above: bool
    threshold: float
    quantity: Q.Quantity
    op: str
    value: float
    once: bool


@dataclass
class Scenario:
    """A compiled scenario: everything a run needs besides its seed."""

    name: str
    path: str
    description: str
    world: World
    start: float
    end: float
    parameters: dict[str, float]
    events: list[Event] = field(default_factory=list)
    conditions: list[Condition] = field(default_factory=list)
    digest: str = ""
    parent: str | None = None  # the file this scenario ``extends:`` (what a what-if is measured against)

    @property
    def steps(self) -> int:
        return steps_between(self.start, self.end)


def scenario_path(name_or_path: str | Path) -> Path:
    """A shipped scenario name (``historical_baseline``) or a path to a YAML file."""
    p = Path(name_or_path)
    if p.suffix in (".yaml", ".yml") or p.exists():
        return p
    return SCENARIOS_DIR / f"{name_or_path}.yaml"


def shipped() -> list[Path]:
    """The shipped scenario files, sorted by name (a folder that happens to be named ``x.yaml`` is not one)."""
    return sorted(p for p in SCENARIOS_DIR.glob("*.yaml") if p.is_file())


def _chain(path: Path) -> list[tuple[Path, Located]]:
    """The ``extends`` chain from the root ancestor down to ``path``; refuses cycles."""
    chain: list[tuple[Path, Located]] = []
    seen: list[Path] = []
    current = path
    line_of_ref = None
    referrer = None
    while True:
        resolved = current.resolve()
        if resolved in seen:
            names = " -> ".join(p.stem for p in seen + [resolved])
            raise InputError(str(referrer), line_of_ref, "extends", f"cyclic extends: {names}")
        if not current.exists():
            if referrer is None:
                known = [p.stem for p in shipped()]
                raise InputError(str(current), None, None,
                                 f"no such scenario{did_you_mean(current.stem, known)}")
            hint = did_you_mean(current.stem, [p.stem for p in shipped()])
            raise InputError(str(referrer), line_of_ref, "extends", f"no such scenario '{current.stem}'{hint}")
        if len(seen) >= MAX_EXTENDS:
            raise InputError(str(referrer), line_of_ref, "extends", f"extends chain longer than {MAX_EXTENDS}")
        seen.append(resolved)
        doc = load_mapping(current, "scenario file")
        F.check_keys(doc, str(current), _TOP)
        chain.append((current, doc))
        if "extends" not in doc:
            break
        parent = F.text(doc, "extends", str(current))
        line_of_ref, referrer = doc.line_of("extends"), current
        p = Path(parent)
        current = (current.parent / p) if p.suffix in (".yaml", ".yml") else SCENARIOS_DIR / f"{parent}.yaml"
    chain.reverse()
    return chain


def _op(item: Located, file: str, where: str) -> tuple[str, object, int]:
    ops = [o for o in OPS if o in item]
    if len(ops) != 1:
        raise InputError(file, item.line, where, "give exactly one of set, add or scale")
    return ops[0], item[ops[0]], item.line_of(ops[0])


def _value(world: World, q: Q.Quantity, op: str, raw, file: str, line: int, where: str) -> float:
    """Check an event's value against the quantity: state names for switches, ranges for levels."""
    if q.is_switch:
        names = world.states[q.a]
        if op != "set":
            raise InputError(file, line, where + op, f"'{q.name}' is a switch: use set with one of {', '.join(names)}")
        if not isinstance(raw, str) or raw not in names:
            raise InputError(file, line, where + op,
                             f"unknown state {raw!r}{did_you_mean(raw, names)}; states: {', '.join(names)}")
        return float(names.index(raw))
    raw = F.finite_number(raw, file, line, where + op)
    if op == "set" and not (q.low <= raw <= q.high):
        raise InputError(file, line, where + op, f"{raw!r} is outside the range of {q.name} [{q.low}, {q.high}]")
    if op == "add" and not (-(q.high - q.low) <= raw <= q.high - q.low):
        raise InputError(file, line, where + op, f"adding {raw!r} exceeds the whole range of {q.name}")
    if op == "scale" and not (0.0 <= raw <= 100.0):
        raise InputError(file, line, where + op, f"scale factor {raw!r} must lie in [0, 100]")
    return raw


def _resolve(world: World, name, file: str, line: int, where: str, writable=True) -> Q.Quantity:
    try:
        return Q.resolve(world, name, writable=writable)
    except Q.UnknownQuantity as exc:
        raise InputError(file, line, where, str(exc)) from None


@dataclass
class _Header:
    """What a chain of scenario files says besides its events: world, horizon, parameters, description."""

    world_ref: str = "default"
    world_file: str = ""
    world_line: int | None = None
    start: float = 1990.0
    end: float = 2040.0
    parameters: dict[str, float] = field(default_factory=dict)
    description: str = ""


def _horizon(doc: Located, file: str, h: _Header) -> None:
    hz = F.mapping(doc, "horizon", file)
    F.check_keys(hz, file, {"start", "end"}, where="horizon.")
    h.start = F.number(hz, "start", file, "horizon.", 1900.0, 2200.0, default=h.start)
    h.end = F.number(hz, "end", file, "horizon.", 1900.0, 2200.0, default=h.end)
    if h.end <= h.start:
        raise InputError(file, hz.line, "horizon.end", f"end {h.end} must be after start {h.start}")
    if not (on_grid(h.start) and on_grid(h.end)):
        raise InputError(file, hz.line, "horizon", "start and end must fall on quarters (x.0, x.25, x.5, x.75)")


def _header(chain: list[tuple[Path, Located]], path: Path) -> _Header:
    h = _Header(world_file=str(path))
    for p, doc in chain:
        file = str(p)
        if "world" in doc:
            h.world_ref = str(world_path(F.text(doc, "world", file), p.parent))
            h.world_file, h.world_line = file, doc.line_of("world")
        if "horizon" in doc:
            _horizon(doc, file, h)
        pars = F.mapping(doc, "parameters", file)
        for key in pars:
            h.parameters[key] = check_override(key, pars[key], file, pars.line_of(key), "parameters.")
        h.description = F.text(doc, "description", file, default=h.description)
    return h


def _event(ev: Located, file: str, where: str, world: World, h: _Header) -> Event:
    F.check_keys(ev, file, _EVENT, required=("date", "quantity"), where=where)
    date = F.number(ev, "date", file, where)
    if not (h.start <= date < h.end):
        raise InputError(file, ev.line_of("date"), where + "date",
                         f"{date} is outside the horizon [{h.start}, {h.end})")
    q = _resolve(world, ev["quantity"], file, ev.line_of("quantity"), where + "quantity")
    op, raw, line = _op(ev, file, where)
    value = _value(world, q, op, raw, file, line, where)
    step = min(steps_between(h.start, h.end) - 1, event_step(h.start, date))
    return Event(step, date, q, op, value, str(ev.get("label", "")), str(ev.get("source", "")),
                 F.text(ev, "id", file, where, default=""))


def _remove(events: list[Event], doc: Located, file: str) -> list[Event]:
    """Drop inherited events named in ``remove:`` by their ids (each must exist, with a did-you-mean)."""
    ids = F.sequence(doc, "remove", file)
    known = [e.id for e in events if e.id]
    gone = set()
    for k, name in enumerate(ids):
        if not isinstance(name, str) or name not in known:
            raise InputError(file, ids.lines[k], "remove", f"no inherited event with id {name!r}"
                                                           f"{did_you_mean(name, known)}; ids: {', '.join(known)}")
        gone.add(name)
    return [e for e in events if e.id not in gone]


def _events(chain: list[tuple[Path, Located]], world: World, h: _Header) -> list[Event]:
    events: list[Event] = []
    for p, doc in chain:
        file = str(p)
        events = _remove(events, doc, file)
        items = F.sequence(doc, "events", file)
        for k in range(len(items)):
            ev = _event(F.item_mapping(items, k, file, "events"), file, f"events[{k}].", world, h)
            if ev.id and any(e.id == ev.id for e in events):
                raise InputError(file, items.lines[k], f"events[{k}].id", f"an event with id '{ev.id}' exists already")
            events.append(ev)
    events.sort(key=lambda e: e.step)  # stable: file order within a quarter, parents first
    return events


def _condition(c: Located, k: int, file: str, world: World) -> Condition:
    where = f"conditions[{k}]."
    F.check_keys(c, file, _CONDITION, required=("when", "quantity"), where=where)
    when = F.mapping(c, "when", file, where, required=True)
    F.check_keys(when, file, _WHEN, required=("quantity",), where=where + "when.")
    sides = [s for s in ("above", "below") if s in when]
    if len(sides) != 1:
        raise InputError(file, when.line, where + "when", "give exactly one of above or below")
    watch = _resolve(world, when["quantity"], file, when.line_of("quantity"), where + "when.quantity",
                     writable=False)
    threshold = F.number(when, sides[0], file, where + "when.")
    q = _resolve(world, c["quantity"], file, c.line_of("quantity"), where + "quantity")
    op, raw, line = _op(c, file, where)
    value = _value(world, q, op, raw, file, line, where)
    once = F.flag(c, "once", file, where, default=True)
    return Condition(str(c.get("name", f"condition {k}")), watch, sides[0] == "above", threshold, q, op, value, once)


def load_scenario(name_or_path: str | Path) -> Scenario:
    """Read, merge (``extends``, ``remove``) and validate a scenario; raise InputError on any mistake."""
    path = scenario_path(name_or_path)
    chain = _chain(path)
    h = _header(chain, path)
    world_ref = h.world_ref if Path(h.world_ref).suffix else str(world_path(h.world_ref))
    if not Path(world_ref).exists():
        raise InputError(h.world_file, h.world_line, "world", f"no such world file '{world_ref}'")
    world = load_world(world_ref)
    conditions = [_condition(F.item_mapping(items, k, str(p), "conditions"), k, str(p), world)
                  for p, doc in chain for items in [F.sequence(doc, "conditions", str(p))] for k in range(len(items))]
    digest = hashlib.sha256()
    for p, _ in chain:
        digest.update(p.read_bytes())
    digest.update(world.digest.encode())
    return Scenario(
        name=F.text(chain[-1][1], "name", str(path), default=path.stem), path=str(path), description=h.description,
        world=world, start=h.start, end=h.end, parameters=h.parameters, events=_events(chain, world, h),
        conditions=conditions, digest=digest.hexdigest(), parent=str(chain[-2][0]) if len(chain) > 1 else None,
    )


def describe(s: Scenario) -> str:
    """A JSON-able summary used in metadata files."""
    return json.dumps({"name": s.name, "digest": s.digest, "start": s.start, "end": s.end,
                       "events": len(s.events), "conditions": len(s.conditions)})
