"""The page's Export: one zip with the run's tidy table, its figures and what reproduces it.

``run.csv`` is the tidy table (model.engines.tidy) of quarters 0..now; ``baseline.csv``
the baseline's, when one is shown; ``figures/*.png`` the figures as on the page;
``scenario.yaml`` the scenario as run (``alliance run scenario.yaml --seed SEED`` replays
it: its replication 0 is this run); ``run.yaml`` the seed, overrides and provenance.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from importlib.metadata import PackageNotFoundError, version

import pandas as pd
import yaml

from experiments.app.compare import Comparison, specs
from experiments.app.figures import Picture, render_all
from experiments.app.session import Run
from model.engines import kernel
from model.engines.record import Trajectory
from model.engines.tidy import tidy
from model.spec import pairing
from model.spec.provenance import model_digest, package_version
from model.spec.scenario import Scenario


def table(t: Trajectory, scenario: Scenario) -> pd.DataFrame:
    """The tidy table of one run (run 0, replication 0), as ``alliance run`` writes it."""
    runs = pd.DataFrame({"run": [0], "scenario": [scenario.name], "replication": [0]})
    return tidy(t, scenario.world, scenario.start, runs)


def baseline_table(c: Comparison, run: Run, quarter: int) -> pd.DataFrame:
    """The baseline's tidy table, quarters 0..quarter (rerun with the kernel: bit-identical to the Mesa model)."""
    t = kernel.run(specs(c.scenario, run.settings.seed, run.overrides, 1), keep=range(quarter + 1))
    return table(t, c.scenario)


def _mesa_version() -> str:
    try:
        return version("mesa")
    except PackageNotFoundError:
        return "unknown"


def record(run: Run, c: Comparison | None, quarter: int) -> dict:
    """What the run was, for citing and reproducing it."""
    s = run.scenario
    return {
        "scenario": s.name, "based_on": run.settings.scenario, "scenario_sha256": s.digest,
        "world": s.world.name, "horizon": [s.start, s.end],
        "seed": {"master": run.settings.seed, "identity": list(pairing.identity(0, 0)),
                 "scheme": "numpy SeedSequence(master, spawn_key=identity) -> PCG64"},
        "parameter_overrides": {k: float(v) for k, v in run.overrides.items()},
        "shown_until": {"quarter": quarter, "date": float(s.start + quarter / 4.0)},
        "baseline": None if c is None else {"scenario": c.name, "note": c.note, "scenario_sha256": c.scenario.digest},
        "reproduce": f"alliance run scenario.yaml --seed {run.settings.seed}  (replication 0, quarters 0..{quarter})",
        "model_sha256": model_digest(), "package_version": package_version(), "mesa_version": _mesa_version(),
    }


def export_zip(run: Run, pic: Picture) -> bytes:
    """The zip of the run as it is now (the picture gives the dyad, baseline and band shown)."""
    view, t = run.capture()
    pic = replace(pic, view=view)
    c = pic.comparison
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("run.csv", table(t, run.scenario).to_csv(index=False))
        if c is not None:
            z.writestr("baseline.csv", baseline_table(c, run, view.quarter).to_csv(index=False))
        for name, data in render_all(pic).items():
            z.writestr(f"figures/{name}.png", data)
        z.writestr("scenario.yaml", run.scenario_yaml())
        z.writestr("run.yaml", yaml.safe_dump(record(run, c, view.quarter), sort_keys=False, allow_unicode=True))
    return buf.getvalue()


def file_name(view) -> str:
    return f"alliance_{view.scenario}_seed{view.seed}_q{view.quarter:03d}.zip"
