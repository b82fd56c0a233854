"""The Mesa model: one agent per actor of the world, activated simultaneously.

Each quarter the model computes what every actor perceives and wants from last
quarter's state, the world-level terms once for everyone (:func:`dynamics.decide`);
then each agent, visited through ``AgentSet.shuffle_do``, decides its offers from its
own rows with its policy; then the model settles cooperation, trust and alignment
from everyone's offers. Agents hold views of their own rows of the state. Scenario
events are Mesa scheduled events; the DataCollector reads the recorder.
"""

from __future__ import annotations

from functools import partial

import mesa
import numpy as np

from model.engines import dynamics, schedule
from model.engines.record import Recorder, Trajectory
from model.spec.parameters import Params
from model.spec.policies import POLICIES, Policy
from model.spec.runspec import RunSpec, parameters_for
from model.spec.scenario import Event, Scenario
from model.spec.seeding import draw_generator, mesa_seed, noise_generator
from model.spec.timegrid import date_of


class Actor(mesa.Agent):
    """A state actor (or alliance); its rows of the model's arrays are its own (run 0: a Mesa model is one run)."""

    def __init__(self, model: AllianceModel, index: int, name: str, policy: Policy):
        super().__init__(model)
        self.index = index
        self.name = name
        self.policy = policy
        s = model.state
        self.threat = s.threat[0, index]  # (N,) views: how this actor sees everyone, updated in place
        self.cooperation = s.cooperation[0, index]  # (N, D)
        self.ceiling = s.ceiling[0, index]  # (N, D)
        self.alignment = s.alignment[0, index]  # (N,)

    def decide(self) -> None:
        """Offer each partner, per domain, what the policy makes of this actor's wishes and ceilings, and take a
        reform step if this quarter's hazard and draw say so."""
        dynamics.act(self.model.decision, self.index, self.policy, self.model.world)


class AllianceModel(mesa.Model):
    """One run of a scenario. ``master`` and ``identity`` seed it (see model.spec.seeding)."""

    def __init__(self, scenario: Scenario, master: int = 0, identity: tuple = (0, 0), parameters: dict | None = None,
                 keep=None, shuffle: bool = True):
        super().__init__(rng=mesa_seed(master, identity))
        self.scenario_def = scenario
        self.world = scenario.world
        self.parameters = parameters_for(scenario, parameters)
        self.params = Params.stack([self.parameters])
        self.state = dynamics.initial(self.world, self.params)
        self.noise_rng = noise_generator(master, identity)
        self.draw_rng = draw_generator(master, identity)
        self.shuffle = shuffle
        self.quarter = 0  # quarters simulated (Mesa's ``steps`` also counts calls made past the horizon)
        self.actors = [Actor(self, i, name, POLICIES[self.world.agent_classes[i]])
                       for i, name in enumerate(self.world.actors)]
        self.recorder = Recorder(self.state, self.world, scenario.steps, keep, track=True)
        self.recorder.record(0, self.state)
        self.fired = np.zeros((1, len(scenario.conditions)), dtype=bool)
        self.one = np.ones(1, dtype=bool)
        self._callbacks = [partial(self._apply, ev) for ev in scenario.events]  # Mesa keeps weak references
        for ev, callback in zip(scenario.events, self._callbacks):
            self.schedule_event(callback, at=float(ev.step))
        self.datacollector = mesa.DataCollector(model_reporters={k: partial(_latest_index, k)
                                                                 for k in self.world.indices})
        self.datacollector.collect(self)

    @classmethod
    def from_spec(cls, spec: RunSpec, keep=None, shuffle: bool = True) -> AllianceModel:
        return cls(spec.scenario, spec.master, spec.identity, spec.parameters, keep, shuffle)

    def _apply(self, event: Event) -> None:
        schedule.apply_events(self.state, [event], self.one)

    @property
    def date(self) -> float:
        """The date of the latest simulated quarter."""
        return date_of(self.scenario_def.start, self.quarter)

    def step(self) -> None:
        """One quarter; at the end of the horizon the model stops, and further calls change nothing."""
        if self.quarter >= self.scenario_def.steps:
            self.running = False
            return
        self.quarter += 1
        n = self.world.n
        noise = self.noise_rng.standard_normal((n, n))[None]
        draws = self.draw_rng.random((n, 1))[None]
        self.decision = dynamics.decide(self.state, self.world, self.params, noise, draws)
        if self.shuffle:
            self.agents.shuffle_do("decide")
        else:
            self.agents.do("decide")
        dynamics.commit(self.state, self.decision, dynamics.settle(self.state, self.world, self.decision, self.params))
        dynamics.world_update(self.state, self.params)
        self.recorder.record(self.quarter, self.state)
        schedule.check_conditions(self.state, self.world, self.scenario_def.conditions, self.fired, self.one)
        self.datacollector.collect(self)
        if self.quarter >= self.scenario_def.steps:
            self.running = False

    def run(self) -> Trajectory:
        """Run to the end of the horizon; return the recorded trajectory."""
        while self.running:
            self.step()
        return self.recorder.t


def _latest_index(name: str, model: AllianceModel) -> float:
    """DataCollector reporter: the index the recorder computed for the latest quarter."""
    return float(model.recorder.latest[name][0])
