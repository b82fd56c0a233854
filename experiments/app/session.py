"""One run on the page: what it was started with, its Mesa model stepped under a lock, and its latest snapshot.

The model only ever steps inside :meth:`Run.advance`, under the run's lock, and every
reader (readout, figures, export) takes a complete :class:`~experiments.app.snapshot.View`
or a copied trajectory instead of reading the model while it steps. A run is immutable
in its settings: changing the scenario, seed, parameters or events makes a new run (Reset).
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass
from functools import lru_cache

from experiments.analysis import whatif
from experiments.app import compare, library
from experiments.app.editing import EventDraft, compose, scenario_yaml
from experiments.app.snapshot import View, event_rows, snapshot
from model.engines.mesa_model import AllianceModel
from model.engines.record import Trajectory
from model.spec import pairing
from model.spec.errors import InputError
from model.spec.scenario import Scenario

_SERIALS = itertools.count(1)


@dataclass(frozen=True)
class Settings:
    """What a run is started with: a shipped scenario, events added to it, the master seed and overrides."""

    scenario: str
    seed: int = 0
    overrides: tuple[tuple[str, float], ...] = ()
    events: tuple[EventDraft, ...] = ()

    def compile(self) -> Scenario:
        """The scenario the run plays (the shipped one with the added events; raises InputError)."""
        base = library.scenario(self.scenario)
        return _composed(self.scenario, self.events, base.digest) if self.events else base


@lru_cache(maxsize=32)
def _composed(name: str, events: tuple[EventDraft, ...], digest: str) -> Scenario:
    """The shipped scenario ``name`` (as of ``digest``) with events added (composing reads files: cached)."""
    return compose(library.scenario(name), name, events)


class Run:
    """The page's current run: replication 0 of ``alliance run SCENARIO --seed SEED``, stepped on demand."""

    def __init__(self, settings: Settings, scenario: Scenario | None = None):
        self.settings = settings
        self.scenario = scenario or settings.compile()
        self.overrides = dict(settings.overrides)
        self.serial = next(_SERIALS)
        self.model = AllianceModel(self.scenario, master=settings.seed, identity=pairing.identity(0, 0),
                                   parameters=self.overrides)
        self.lock = threading.Lock()
        self.events = event_rows(self.model)
        self.latest: View = self._snapshot()
        self.default_baseline = compare.default_baseline(settings.scenario, bool(settings.events))
        self._comparisons: dict[str, compare.Comparison | InputError] = {}
        self._bands: dict[tuple, compare.Band] = {}
        self._answers: dict[int, whatif.Answer | InputError] = {}

    def _snapshot(self) -> View:
        return snapshot(self.model, self.serial, self.settings.seed, self.overrides, self.events)

    def advance(self, quarters: int = 1) -> View:
        """Step up to ``quarters`` quarters (stopping at the horizon) and return the new snapshot."""
        with self.lock:
            for _ in range(quarters):
                if not self.model.running:
                    break
                self.model.step()
            self.latest = self._snapshot()
            return self.latest

    def step_quietly(self) -> bool:
        """One quarter without a new snapshot (Play publishes one only when the page can draw it); running?"""
        with self.lock:
            self.model.step()
            return bool(self.model.running)

    def refresh(self) -> View:
        """A new snapshot of the model as it is now."""
        with self.lock:
            self.latest = self._snapshot()
            return self.latest

    def capture(self) -> tuple[View, Trajectory]:
        """A new snapshot and a copy of the recorded trajectory up to it (quarters 0..now), taken together."""
        with self.lock:
            self.latest = self._snapshot()
            t, k = self.model.recorder.t, self.model.quarter + 1
            return self.latest, t.head(k)

    def comparison(self, name: str | None) -> compare.Comparison | InputError | None:
        """The baseline ``name`` run with this run's seed and overrides (cached), or why it cannot run."""
        if not name or name == compare.NONE:
            return None
        if name not in self._comparisons:
            try:
                found = compare.comparison(name, self.scenario, self.settings.seed, self.overrides)
            except InputError as exc:
                found = exc
            self._comparisons[name] = found
        return self._comparisons[name]

    def band(self, baseline: str | None, seeds: int, posterior: bool = False) -> compare.Band:
        """Bands over ``seeds`` replications of this run (and of the baseline), cached; optionally posterior draws."""
        key = (baseline, seeds, posterior)
        if key not in self._bands:
            c = self.comparison(baseline)
            other = c.scenario if isinstance(c, compare.Comparison) else None
            drawn = compare.shipped_posterior() if posterior else None
            self._bands[key] = compare.band(self.scenario, other, self.settings.seed, self.overrides, seeds, drawn)
        return self._bands[key]

    def band_if_ready(self, baseline: str | None, seeds: int, posterior: bool = False) -> compare.Band | None:
        """The band if :meth:`band` has computed it (the page computes bands in a worker thread)."""
        return self._bands.get((baseline, seeds, posterior))

    def answer(self, draws: int) -> whatif.Answer | InputError | None:
        """``alliance whatif`` for this run's scenario (its paired effect against the scenario it extends, or the
        shipped scenario it added events to), under the shipped posterior with this run's overrides, cached;
        None when there is nothing to measure it against."""
        if self.default_baseline is None:
            return None
        if draws not in self._answers:
            try:
                parent = library.scenario(self.default_baseline)
                self._answers[draws] = whatif.answer(self.scenario, compare.shipped_posterior(), draws,
                                                     self.settings.seed, overrides=self.overrides or None,
                                                     parent=parent)
            except InputError as exc:
                self._answers[draws] = exc
        return self._answers[draws]

    def answer_if_ready(self, draws: int) -> whatif.Answer | InputError | None:
        """The answer if :meth:`answer` has computed it (the page computes it in a worker thread)."""
        return self._answers.get(draws)

    def scenario_yaml(self) -> str:
        """This run's scenario as a file ``alliance run FILE --seed SEED`` replays (replication 0 = this run)."""
        base = library.scenario(self.settings.scenario)
        return scenario_yaml(self.settings.scenario, base.description, self.settings.events, self.overrides,
                             self.settings.seed)
