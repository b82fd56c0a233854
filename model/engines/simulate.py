"""Running one scenario for a few replications, on either engine, into a tidy table."""

from __future__ import annotations

import numpy as np
import pandas as pd

from model.engines import kernel
from model.engines.mesa_model import AllianceModel
from model.engines.record import Trajectory
from model.engines.tidy import tidy
from model.spec import pairing
from model.spec.provenance import model_digest, package_version
from model.spec.runspec import RunSpec, parameters_for
from model.spec.scenario import Scenario

ENGINES = ("kernel", "mesa")


def run_specs(specs: list[RunSpec], engine: str = "kernel", keep=None) -> Trajectory:
    """Run specs on one engine; the Mesa engine runs them one model at a time."""
    if engine == "kernel":
        return kernel.run(specs, keep)
    return Trajectory.concat([AllianceModel.from_spec(s, keep).run() for s in specs])


def simulate(scenario: Scenario, seed: int = 0, replications: int = 1, parameters: dict | None = None,
             engine: str | None = None, keep=None, per_run: list[dict] | None = None,
             first: int = 0) -> tuple[pd.DataFrame, dict]:
    """Run ``replications`` runs into a tidy table and metadata: replications first, first + 1, ... of
    sample 0 (model/spec/pairing.py).

    ``per_run`` (one mapping per run, e.g. posterior draws) overrides parameters run by run: run r is
    then sample first + r (replication 0), as in a batch of posterior draws, and the draws' values
    become columns of the table, as a batch's varied parameters do.
    """
    engine = engine or "kernel"
    params = parameters_for(scenario, parameters)
    specs = pairing.runs(scenario, seed, replications, parameters, per_run, first)
    t = run_specs(specs, engine, keep)
    ids = np.arange(first, first + replications)
    runs = pd.DataFrame({"run": ids, "scenario": scenario.name})
    runs["scenario"] = runs["scenario"].astype("category")
    if per_run:
        runs["sample"], runs["replication"] = ids, 0
        for name in per_run[0]:
            runs[name] = [d[name] for d in per_run]
    else:
        runs["replication"] = ids
    table = tidy(t, scenario.world, scenario.start, runs)
    meta = {
        "scenario": scenario.name, "scenario_file": scenario.path, "scenario_sha256": scenario.digest,
        "world": scenario.world.name, "world_sha256": scenario.world.digest,
        "horizon": [scenario.start, scenario.end], "parameters": params,
        "seed": {"master": seed, "identities": [list(s.identity) for s in specs],
                 "scheme": "numpy SeedSequence(master, spawn_key=identity) -> PCG64 (shocks, hazard draws)"},
        "replications": replications, "engine": engine, "package_version": package_version(),
        "events": [{"date": e.date, "quantity": e.quantity.name, "op": e.op, "value": e.value, "label": e.label}
                   for e in scenario.events],
        "indices": list(scenario.world.indices), "model_sha256": model_digest(),
    }
    return table, meta
