"""World files: which actors exist and their fixed attributes, relations and constraint tables.

A world is plain data (arrays indexed by actor); both the Mesa model and the batch
kernel build their initial state from it. Users add actors (South Korea, Australia
...) by editing a world file, never code. A world may ``extends:`` another and list
only what it adds or changes (:func:`load_world`).
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from model.spec import fields as F
from model.spec.domains import DOMAINS
from model.spec.errors import InputError, did_you_mean
from model.spec.paths import WORLDS_DIR
from model.spec.policies import POLICIES
from model.spec.variables import VARIABLES, WORLD_ATTRIBUTES
from model.spec.yamlio import Located, LocatedList, load_mapping

# Actor attributes a world file gives (drivers of the variable registry): name -> (low, high, meaning).
ACTOR_ATTRIBUTES: dict[str, tuple[float, float, str]] = {
    name: (VARIABLES[name].low, VARIABLES[name].high, VARIABLES[name].meaning) for name in WORLD_ATTRIBUTES}
DEFAULT_DYAD = ("Japan", "NATO")  # the dyad the model is about: what summaries and figures show unless told
_ACTOR_KEYS = set(ACTOR_ATTRIBUTES) | {"name", "lat", "lon", "constraints", "agent_class", "label"}
_RELATION_KEYS = {"between", "rivalry", "alliance", "cooperation", "floor", "alignment", "reach", "agreement"}
_WORLD_KEYS = {"name", "description", "actors", "relations", "proximity_scale_km", "indices"}



@dataclass
class World:
    """A compiled world: actor names, fixed relations and initial values, all as arrays."""

    name: str
    path: str
    actors: tuple[str, ...]
    attributes: dict[str, np.ndarray]  # name -> (N,) initial values
    proximity: np.ndarray  # (N, N) in [0, 1], 1 on the diagonal: reach (capitals' distance, or a border)
    rivalry: np.ndarray  # (N, N) symmetric, in [0, 1]: initial rivalry (events may change it)
    alliance: np.ndarray  # (N, N) symmetric, in [0, 1]
    cooperation0: np.ndarray  # (N, N, D) initial cooperation
    floor0: np.ndarray  # (N, N, D) initial institutional floors (alliances' standing institutions)
    agreement0: np.ndarray  # (N, N, D) initial agreements (lower the cost of cooperating, or of aligning)
    alignment0: np.ndarray  # (N, N) initial counterbalancing alignment
    ceilings: np.ndarray  # (N, S, D) ceiling table per actor and constraint state
    states: tuple[tuple[str, ...], ...]  # constraint state names per actor
    state0: np.ndarray  # (N,) initial constraint state index
    endogenous: np.ndarray  # (N,) bool: the constraint state moves by the reform hazard (model/rules/domestic.py)
    elections: np.ndarray  # (N,) bool: the government's orientation drifts with threat (an electorate; domestic.py)
    allies: np.ndarray  # (N,) share of the legal constraint lifted toward treaty allies (model/rules/constraints.py)
    last_state: np.ndarray  # (N,) index of the loosest constraint state
    agent_classes: tuple[str, ...]  # per actor; "" = the standard actor
    indices: dict[str, dict] = field(default_factory=dict)
    digest: str = ""

    @property
    def n(self) -> int:
        return len(self.actors)

    def index(self, actor: str) -> int:
        return self.actors.index(actor)

    def initial(self, variable: str) -> np.ndarray:
        """The world file's value of a registry variable (no run axis), where a run's state starts."""
        starts = {"cooperation": self.cooperation0, "floor": self.floor0, "agreement": self.agreement0,
                  "alignment": self.alignment0, "rivalry": self.rivalry, "constitution": self.state0,
                  "constitution_cap": self.last_state}
        return starts[variable] if variable in starts else self.attributes[variable]


def world_path(name_or_path: str, base: Path | None = None) -> Path:
    """Resolve a world name (``default``) or a path relative to ``base``."""
    p = Path(name_or_path)
    if p.suffix in (".yaml", ".yml"):
        return p if p.is_absolute() or base is None else (base / p)
    return WORLDS_DIR / f"{name_or_path}.yaml"


def _distance_km(lat1, lon1, lat2, lon2) -> float:
    """Great-circle distance (haversine), computed once per world."""
    r = 6371.0
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(min(1.0, math.sqrt(a)))


def _domain_values(value, file, line, field, low=0.0, high=1.0) -> np.ndarray:
    """A per-domain value: one number for all domains, or a mapping domain -> number."""
    if isinstance(value, Located):
        out = np.full(len(DOMAINS), np.nan)
        default = value.get("default")
        for key in value:
            if key != "default" and key not in DOMAINS:
                raise InputError(file, value.line_of(key), f"{field}.{key}",
                                 f"unknown domain{did_you_mean(key, DOMAINS)}")
        for d, dom in enumerate(DOMAINS):
            if dom in value:
                out[d] = F.number(value, dom, file, field + ".", low, high)
            elif default is not None:
                out[d] = F.number(value, "default", file, field + ".", low, high)
            else:
                raise InputError(file, value.line, f"{field}.{dom}", "missing domain (or give 'default')")
        return out
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):  # a text may be a number (5e-2)
        raise InputError(file, line, field, f"must be a number or a mapping of domains, got {value!r}")
    value = F.finite_number(value, file, line, field)
    if not (low <= value <= high):
        raise InputError(file, line, field, f"{value!r} is outside the allowed range [{low}, {high}]")
    return np.full(len(DOMAINS), float(value))


@dataclass
class _Actors:
    """What the ``actors:`` list says, actor by actor."""

    names: list[str] = field(default_factory=list)
    attrs: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in ACTOR_ATTRIBUTES})
    lat: list[float] = field(default_factory=list)
    lon: list[float] = field(default_factory=list)
    tables: list[np.ndarray] = field(default_factory=list)
    states: list[tuple[str, ...]] = field(default_factory=list)
    state0: list[int] = field(default_factory=list)
    moves: list[bool] = field(default_factory=list)
    elections: list[bool] = field(default_factory=list)
    allies: list[float] = field(default_factory=list)
    classes: list[str] = field(default_factory=list)


def _constraints(a: Located, file: str, where: str, out: _Actors) -> None:
    """An actor's constraint states (ceiling tables), its initial state and whether the state moves."""
    cons = F.mapping(a, "constraints", file, where)
    if not cons:
        out.tables.append(np.ones((1, len(DOMAINS))))
        out.states.append(("unconstrained",))
        out.state0.append(0)
        out.moves.append(False)
        out.elections.append(False)
        out.allies.append(1.0)
        return
    F.check_keys(cons, file, {"initial", "states", "endogenous", "elections", "allies"}, required=("initial", "states"),
                 where=where + "constraints.")
    st = F.mapping(cons, "states", file, where + "constraints.", required=True)
    if not st:
        raise InputError(file, cons.line, where + "constraints.states", "needs at least one state")
    names_s = tuple(str(s) for s in st)
    out.tables.append(np.array([_domain_values(st[s], file, st.line_of(s), f"{where}constraints.states.{s}")
                                for s in st]))
    out.states.append(names_s)
    out.state0.append(names_s.index(F.text(cons, "initial", file, where + "constraints.", choices=names_s)))
    out.moves.append(F.flag(cons, "endogenous", file, where + "constraints.", default=False))
    out.elections.append(F.flag(cons, "elections", file, where + "constraints.", default=out.moves[-1]))
    out.allies.append(F.number(cons, "allies", file, where + "constraints.", 0.0, 1.0, default=1.0))


def _actor(a: Located, file: str, out: _Actors) -> None:
    F.check_keys(a, file, _ACTOR_KEYS, required=("name",), where="actors.")
    name = F.text(a, "name", file, "actors.")
    if name in out.names:
        raise InputError(file, a.line_of("name"), "actors.name", f"duplicate actor '{name}'")
    if "." in name or "-" in name:
        raise InputError(file, a.line_of("name"), "actors.name", "actor names may not contain '.' or '-'")
    out.names.append(name)
    where = f"actors[{name}]."
    for k, (lo, hi, _) in ACTOR_ATTRIBUTES.items():
        given = VARIABLES[k].world_default  # a number, or the attribute whose value it takes (lean: dovish)
        default = out.attrs[given][-1] if isinstance(given, str) else given
        out.attrs[k].append(F.number(a, k, file, where, lo, hi, default=default))
    out.lat.append(F.number(a, "lat", file, where, -90, 90))
    out.lon.append(F.number(a, "lon", file, where, -180, 180))
    cls = F.text(a, "agent_class", file, where, default="")
    if cls not in POLICIES:
        raise InputError(file, a.line_of("agent_class"), where + "agent_class",
                         f"unknown agent class '{cls}'{did_you_mean(cls, POLICIES)}; "
                         f"known: {', '.join(k for k in POLICIES if k)}")
    out.classes.append(cls)
    _constraints(a, file, where, out)


def _proximity(act: _Actors, scale: float) -> np.ndarray:
    """1 / (1 + (distance / scale)^2) between capitals (great circle); 1 on the diagonal."""
    n = len(act.names)
    prox = np.ones((n, n))
    for i in range(n):
        for j in range(n):
            if i != j:
                d = _distance_km(act.lat[i], act.lon[i], act.lat[j], act.lon[j]) / scale
                prox[i, j] = 1.0 / (1.0 + d * d)
    return prox


@dataclass
class _Relations:
    """The ``relations:`` list as arrays."""

    n: int
    rivalry: np.ndarray = field(init=False)
    alliance: np.ndarray = field(init=False)
    alignment: np.ndarray = field(init=False)
    reach: np.ndarray = field(init=False)
    cooperation: np.ndarray = field(init=False)
    floor: np.ndarray = field(init=False)
    agreement: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        n, d = self.n, len(DOMAINS)
        for key in ("rivalry", "alliance", "alignment", "reach"):
            setattr(self, key, np.zeros((n, n)))
        for key in ("cooperation", "floor", "agreement"):
            setattr(self, key, np.zeros((n, n, d)))


def _pair(item: Located, file: str, names: list[str]) -> tuple[int, int]:
    pair = item["between"]
    if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(x, str) for x in pair)):
        raise InputError(file, item.line_of("between"), "relations.between", "must be a list of two actor names")
    for x in pair:
        if x not in names:
            raise InputError(file, item.line_of("between"), "relations.between",
                             f"unknown actor '{x}'{did_you_mean(x, names)}")
    i, j = names.index(pair[0]), names.index(pair[1])
    if i == j:
        raise InputError(file, item.line_of("between"), "relations.between", "an actor cannot relate to itself")
    return i, j


def _relations(doc: Located, file: str, names: list[str]) -> _Relations:
    rel = _Relations(len(names))
    items = F.sequence(doc, "relations", file)
    seen: dict[frozenset, int] = {}  # pair -> line of its first entry
    for r in range(len(items)):
        item = F.item_mapping(items, r, file, "relations")
        F.check_keys(item, file, _RELATION_KEYS, required=("between",), where="relations.")
        i, j = _pair(item, file, names)
        if frozenset((i, j)) in seen:
            raise InputError(file, item.line_of("between"), "relations.between",
                             f"{names[i]}–{names[j]} is already listed at line {seen[frozenset((i, j))]}; "
                             "give each pair once")
        seen[frozenset((i, j))] = item.line_of("between")
        for key in ("rivalry", "alliance", "alignment", "reach"):
            if key in item:
                arr = getattr(rel, key)
                arr[i, j] = arr[j, i] = F.number(item, key, file, "relations.", 0.0, 1.0)
        for key in ("cooperation", "floor", "agreement"):
            if key in item:
                arr = getattr(rel, key)
                arr[i, j] = arr[j, i] = _domain_values(item[key], file, item.line_of(key), f"relations.{key}")
    return rel


def _indices(doc: Located, file: str, names: list[str]) -> dict[str, dict]:
    """``indices:`` name -> {kind: cooperation | alignment, pair: (a, b)}."""
    indices = {}
    idx = F.mapping(doc, "indices", file)
    for key in idx:
        spec = F.mapping(idx, key, file, "indices.")
        F.check_keys(spec, file, {"cooperation", "alignment"}, where=f"indices.{key}.")
        if len(spec) != 1:
            raise InputError(file, spec.line, f"indices.{key}", "give exactly one of 'cooperation' or 'alignment'")
        kind = next(iter(spec))
        pair = spec[kind]
        if not (isinstance(pair, list) and len(pair) == 2 and all(p in names for p in pair)):
            raise InputError(file, spec.line_of(kind), f"indices.{key}.{kind}", "must name two actors of this world")
        indices[str(key)] = {"kind": kind, "pair": (names.index(pair[0]), names.index(pair[1]))}
    return indices


def _ceilings(tables: list[np.ndarray]) -> np.ndarray:
    """(N, S, D): each actor's table, its loosest state repeated up to the longest table."""
    smax = max(t.shape[0] for t in tables)
    ceil = np.ones((len(tables), smax, len(DOMAINS)))
    for i, t in enumerate(tables):
        ceil[i, : t.shape[0]] = t
        ceil[i, t.shape[0]:] = t[-1]
    return ceil


MAX_EXTENDS = 20  # the longest chain of worlds extending one another


def _world_chain(path: Path) -> list[tuple[Path, Located]]:
    """The ``extends`` chain from the root world down to ``path``.

    Each file's keys are checked as it is read. A cycle, a chain longer than
    ``MAX_EXTENDS`` and a missing parent are errors of the file whose ``extends`` says so.
    """
    chain: list[tuple[Path, Located]] = []
    seen: list[Path] = []
    current, referrer, line, ref = path, None, None, ""
    while True:
        resolved = current.resolve()
        if resolved in seen:
            names = " -> ".join(p.stem for p in seen + [resolved])
            raise InputError(str(referrer), line, "extends", f"cyclic extends: {names}")
        if referrer is not None and not current.is_file():
            known = sorted(p.stem for p in WORLDS_DIR.glob("*.yaml"))
            raise InputError(str(referrer), line, "extends",
                             f"no such world '{ref}'{did_you_mean(Path(ref).stem, known)}; shipped: {', '.join(known)}")
        if len(seen) >= MAX_EXTENDS:
            raise InputError(str(referrer), line, "extends", f"extends chain longer than {MAX_EXTENDS} files")
        seen.append(resolved)
        doc = load_mapping(current, "world file")
        F.check_keys(doc, str(current), _WORLD_KEYS | {"extends"}, required=() if "extends" in doc else ("actors",))
        chain.append((current, doc))
        if "extends" not in doc:
            break
        ref = F.text(doc, "extends", str(current))
        referrer, line = current, doc.line_of("extends")
        current = world_path(ref, current.parent)
    chain.reverse()
    return chain


def _over(old: Located | None, new: Located) -> Located:
    """``new``'s keys over ``old``'s; each key keeps the line it has in its own file, the whole ``new``'s line."""
    out = Located({**(old or {}), **new})
    out.line, out.lines = new.line, {**(old.lines if old is not None else {}), **new.lines}
    return out


def _located_list(items: list[Located], line: int) -> LocatedList:
    out = LocatedList(items)
    out.line, out.lines = line, [item.line for item in items]
    return out


@dataclass
class _Merged:
    """A chain of world files merged entry by entry, parents first."""

    top: Located = field(default_factory=Located)
    actors: dict[str, Located] = field(default_factory=dict)  # name -> entry, in the order of first appearance
    relations: dict[frozenset, Located] = field(default_factory=dict)  # pair of names -> entry
    indices: Located | None = None  # name -> index, a child's index replacing its parent's of that name


def _merge_actors(doc: Located, file: str, m: _Merged) -> None:
    """New actors are appended; an entry naming an existing actor overrides the keys it gives."""
    items = F.sequence(doc, "actors", file)
    here: set[str] = set()
    for i in range(len(items)):
        a = F.item_mapping(items, i, file, "actors")
        F.check_keys(a, file, _ACTOR_KEYS, required=("name",), where="actors.")
        name = F.text(a, "name", file, "actors.")
        if name in here:
            raise InputError(file, a.line_of("name"), "actors.name", f"duplicate actor '{name}'")
        here.add(name)
        entry = _over(m.actors.get(name), a)
        _actor(entry, file, _Actors())  # the parents' keys passed in their files: what fails here is this file's
        m.actors[name] = entry


def _merge_relations(doc: Located, file: str, m: _Merged) -> None:
    """New pairs are appended; an entry for an existing pair overrides the keys it gives."""
    items = F.sequence(doc, "relations", file)
    names = list(m.actors)
    here: dict[frozenset, int] = {}
    for r in range(len(items)):
        item = F.item_mapping(items, r, file, "relations")
        F.check_keys(item, file, _RELATION_KEYS, required=("between",), where="relations.")
        i, j = _pair(item, file, names)
        pair = frozenset((names[i], names[j]))
        if pair in here:
            raise InputError(file, item.line_of("between"), "relations.between",
                             f"{names[i]}–{names[j]} is already listed at line {here[pair]}; give each pair once")
        here[pair] = item.line_of("between")
        entry = _over(m.relations.get(pair), item)
        one = Located({"relations": _located_list([entry], entry.line)})
        one.line, one.lines = doc.line, {"relations": entry.line}
        _relations(one, file, names)  # checks this file's values (with the inherited ones they override)
        m.relations[pair] = entry


def _merge(chain: list[tuple[Path, Located]]) -> Located:
    """One world document from a chain of files (root first), each file's entries checked in that file.

    ``name`` is the last file's (default: its stem); ``description`` and ``proximity_scale_km``
    the last that gives them; actors, relations (by pair) and indices (by name) merge as
    :func:`_merge_actors` and :func:`_merge_relations` say.
    """
    m = _Merged()
    for p, doc in chain:
        file = str(p)
        F.text(doc, "name", file, default="")
        F.text(doc, "description", file, default="")
        F.number(doc, "proximity_scale_km", file, low=100.0, high=40000.0, default=5000.0)
        m.top.update({key: doc[key] for key in ("description", "proximity_scale_km") if key in doc})
        _merge_actors(doc, file, m)
        _merge_relations(doc, file, m)
        _indices(doc, file, list(m.actors))  # an index must name actors of the world as merged so far
        m.indices = _over(m.indices, F.mapping(doc, "indices", file))
    last_file, last = chain[-1]
    out = Located({**m.top, "name": last.get("name", last_file.stem),
                   "actors": _located_list(list(m.actors.values()), last.line_of("actors")),
                   "relations": _located_list(list(m.relations.values()), last.line_of("relations")),
                   "indices": m.indices})
    out.line, out.lines = last.line, {k: last.line_of(k) for k in out}
    return out


def load_world(path: str | Path) -> World:
    """Read and validate a world file, and the worlds it ``extends`` (its digest covers every file of the chain)."""
    path = Path(path)
    file = str(path)
    chain = _world_chain(path)
    doc = chain[0][1] if len(chain) == 1 else _merge(chain)
    digest = hashlib.sha256()
    for p, _ in chain:
        digest.update(p.read_bytes())
    F.check_keys(doc, file, _WORLD_KEYS, required=("actors",))
    scale = F.number(doc, "proximity_scale_km", file, low=100.0, high=40000.0, default=5000.0)
    actors_doc = F.sequence(doc, "actors", file)
    act = _Actors()
    for i in range(len(actors_doc)):
        _actor(F.item_mapping(actors_doc, i, file, "actors"), file, act)
    if len(act.names) < 2:
        raise InputError(file, actors_doc.line if actors_doc else doc.line_of("actors"), "actors",
                         "a world needs at least two actors")
    rel = _relations(doc, file, act.names)
    return World(
        name=F.text(doc, "name", file, default=path.stem), path=file, actors=tuple(act.names),
        attributes={k: np.array(v) for k, v in act.attrs.items()},
        proximity=np.maximum(_proximity(act, scale), rel.reach),  # a border or a standing presence: within reach
        rivalry=rel.rivalry, alliance=rel.alliance, cooperation0=np.maximum(rel.cooperation, rel.floor),
        floor0=rel.floor, agreement0=rel.agreement, alignment0=rel.alignment, ceilings=_ceilings(act.tables),
        states=tuple(act.states), state0=np.array(act.state0, dtype=np.int64),
        endogenous=np.array(act.moves, dtype=bool), elections=np.array(act.elections, dtype=bool),
        allies=np.array(act.allies), last_state=np.array([len(x) - 1 for x in act.states],
                                                                         dtype=np.int64),
        agent_classes=tuple(act.classes), indices=_indices(doc, file, act.names),
        digest=digest.hexdigest(),
    )
