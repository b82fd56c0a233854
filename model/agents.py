"""The Mesa model: one agent per actor of the world, activated simultaneously.

Each quarter every actor decides from last quarter's state (threat, wishes, offers),
then every actor settles its cooperation, trust and alignment from everyone's
decisions, then all commit. Agents are visited in a shuffled order to show that the
order does not matter. Scenario events are Mesa scheduled events.
"""

from __future__ import annotations

from functools import partial

import mesa
import numpy as np

from . import dynamics, schedule
from .domains import MILITARY
from .indices import index_values
from .parameters import Params
from .record import Recorder
from .runspec import RunSpec, parameters_for
from .scenario import Scenario
from .seeding import mesa_seed, noise_generator
from .state import initial


class Actor(mesa.Agent):
    """A state actor (or alliance) of the world; its row of every array is its own."""

    def __init__(self, model: AllianceModel, index: int, name: str):
        super().__init__(model)
        self.index = index
        self.name = name
        self.rows = slice(index, index + 1)

    def decide(self) -> None:
        m = self.model
        self.decision = dynamics.decide(m.state, m.world, m.params, m.noise_now, self.rows)

    def settle(self) -> None:
        m = self.model
        self.settlement = dynamics.settle(m.state, m.decision, m.params, self.rows)

    def commit(self) -> None:
        dynamics.commit(self.model.state, self.decision, self.settlement, self.rows)


class ReluctantActor(Actor):
    """An example of a custom agent class: offers half of what the rules say in military domains.

    Worlds name it with ``agent_class: reluctant``. The batch kernel cannot run custom
    classes, so batches of such worlds fall back to the Mesa model run by run.
    """

    def decide(self) -> None:
        super().decide()
        self.decision.offer = self.decision.offer * (1.0 - 0.5 * (MILITARY >= 0.8))


AGENT_CLASSES: dict[str, type[Actor]] = {"": Actor, "reluctant": ReluctantActor}


def register_agent_class(name: str, cls: type[Actor]) -> None:
    """Make ``agent_class: name`` available to world files (in this process)."""
    if not (isinstance(cls, type) and issubclass(cls, Actor)):
        raise TypeError("agent classes must subclass model.agents.Actor")
    AGENT_CLASSES[name] = cls


def _index_reporter(name: str):
    """A DataCollector reporter for one composite index of the current state."""
    return lambda model: float(index_values(model.state, model.world)[name][0])


class AllianceModel(mesa.Model):
    """One run of a scenario. ``master`` and ``identity`` seed it (see model.seeding)."""

    def __init__(self, scenario: Scenario, master: int = 0, identity: tuple = (0,), parameters: dict | None = None,
                 keep=None, shuffle: bool = True):
        super().__init__(rng=mesa_seed(master, identity))
        self.scenario_def = scenario
        self.world = scenario.world
        self.parameters = parameters_for(scenario, parameters)
        self.params = Params.stack([self.parameters])
        self.state = initial(self.world, self.params)
        self.noise_rng = noise_generator(master, identity)
        self.shuffle = shuffle
        for i, name in enumerate(self.world.actors):
            cls = AGENT_CLASSES.get(self.world.agent_classes[i])
            if cls is None:
                raise ValueError(f"unknown agent class '{self.world.agent_classes[i]}' for {name}; "
                                 f"known: {', '.join(k for k in AGENT_CLASSES if k)}")
            cls(self, i, name)
        self.actors = sorted(self.agents, key=lambda a: a.index)
        self.actors_visit_order: list[Actor] | None = None  # a fixed visiting order (tests); None = default
        self.recorder = Recorder(self.state, self.world, scenario.steps, keep)
        self.recorder.record(0, self.state)
        self.fired = np.zeros((1, len(scenario.conditions)), dtype=bool)
        self.one = np.ones(1, dtype=bool)
        self._callbacks = [partial(self._apply, ev) for ev in scenario.events]  # Mesa keeps weak references
        for ev, callback in zip(scenario.events, self._callbacks):
            self.schedule_event(callback, at=float(ev.step))
        self.datacollector = mesa.DataCollector(
            model_reporters={k: _index_reporter(k) for k in self.world.indices})
        self.datacollector.collect(self)

    @classmethod
    def from_spec(cls, spec: RunSpec, keep=None, shuffle: bool = True) -> AllianceModel:
        return cls(spec.scenario, spec.master, spec.identity, spec.parameters, keep, shuffle)

    def _apply(self, event) -> None:
        schedule.apply_events(self.state, [event], self.one)

    @property
    def date(self) -> float:
        return self.scenario_def.start + self.steps / 4.0

    def step(self) -> None:
        n = self.world.n
        self.noise_now = self.noise_rng.standard_normal((n, n))[None]
        if self.actors_visit_order is not None:
            agents = self.actors_visit_order
        else:
            agents = self.agents.shuffle(inplace=False) if self.shuffle else self.actors
        for a in agents:
            a.decide()
        self.decision = dynamics.Decision.gather([a.decision for a in self.actors])
        for a in agents:
            a.settle()
        for a in agents:
            a.commit()
        dynamics.world_update(self.state, self.params)
        self.recorder.record(self.steps, self.state)
        schedule.check_conditions(self.state, self.world, self.scenario_def.conditions, self.fired, self.one)
        self.datacollector.collect(self)
        if self.steps >= self.scenario_def.steps:
            self.running = False

    def run(self):
        """Run to the end of the horizon; return the recorded trajectory."""
        while self.running:
            self.step()
        return self.recorder.t
