"""A complete, immutable copy of one quarter of a run: what the page's readout and figures draw.

The model steps in a worker thread while the page draws; figures that read the model
itself could see a half-finished quarter. They read a :class:`View` instead, taken under
the run's lock after a whole step (see :mod:`experiments.app.session`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from experiments.app.editing import SOURCE
from model.engines.mesa_model import AllianceModel
from model.spec.world import World


@dataclass(frozen=True)
class EventRow:
    """One scenario event as the page lists it."""

    date: float
    label: str
    change: str  # e.g. "floor.Japan.NATO.logistics set 0.2"
    added: bool = False  # added on the page's events editor


@dataclass(frozen=True)
class View:
    """What the page shows of a run at one quarter (arrays are copies, safe to read in any thread)."""

    serial: int  # which run (a new one on every Reset)
    scenario: str
    description: str
    seed: int
    overrides: tuple[tuple[str, float], ...]
    start: float
    end: float
    steps: int
    quarter: int
    running: bool
    actors: tuple[str, ...]
    index_labels: dict[str, str]  # index name -> label
    indices: dict[str, np.ndarray]  # index name -> values at quarters 0..quarter
    events: tuple[EventRow, ...]  # in date order
    cooperation: np.ndarray  # (N, N, D)
    ceiling: np.ndarray  # (N, N, D)
    threat: np.ndarray  # (N, N)
    alignment: np.ndarray  # (N, N)
    power: np.ndarray  # (N,)

    @property
    def date(self) -> float:
        return self.start + self.quarter / 4.0

    @property
    def dates(self) -> np.ndarray:
        return self.start + np.arange(self.quarter + 1) / 4.0

    def value(self, name: str) -> float:
        """The index ``name`` at the view's quarter."""
        return float(self.indices[name][-1])


def index_label(world: World, name: str) -> str:
    spec = world.indices[name]
    a, b = (world.actors[i] for i in spec["pair"])
    return f"{a}–{b} {'index' if spec['kind'] == 'cooperation' else 'alignment'}"


def event_rows(model: AllianceModel) -> tuple[EventRow, ...]:
    """The scenario's events sorted by date (a file lists a child's events after its parent's)."""
    world = model.world
    rows = []
    for ev in model.scenario_def.events:
        q = ev.quantity
        value = world.states[q.a][int(ev.value)] if q.is_switch else f"{ev.value:g}"
        rows.append(EventRow(ev.date, ev.label, f"{q.name} {ev.op} {value}", ev.source == SOURCE))
    return tuple(sorted(rows, key=lambda r: r.date))


def snapshot(model: AllianceModel, serial: int, seed: int, overrides: dict[str, float],
             events: tuple[EventRow, ...] | None = None) -> View:
    """The model's current quarter, copied (call it between steps, under the run's lock); events as listed."""
    s, st, world = model.scenario_def, model.state, model.world
    k = model.quarter + 1
    recorded = model.recorder.t.indices
    return View(
        serial=serial, scenario=s.name, description=s.description, seed=seed,
        overrides=tuple(sorted(overrides.items())), start=s.start, end=s.end, steps=s.steps,
        quarter=model.quarter, running=bool(model.running), actors=tuple(world.actors),
        index_labels={name: index_label(world, name) for name in world.indices},
        indices={name: recorded[name][0, :k].copy() for name in world.indices},
        events=event_rows(model) if events is None else events,
        cooperation=st.cooperation[0].copy(), ceiling=st.ceiling[0].copy(), threat=st.threat[0].copy(),
        alignment=st.alignment[0].copy(), power=st.power[0].copy())
