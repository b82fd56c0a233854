"""The batch kernel and the Mesa model give bit-identical trajectories for the same seeds."""

import numpy as np
import pytest

from model.engines import kernel
from model.engines.mesa_model import AllianceModel
from model.spec.parameters import REGISTRY
from model.spec.runspec import RunSpec, parameters_for
from model.spec.scenario import load_scenario, shipped
from model.spec.variables import RECORDED

FIELDS = RECORDED  # every recorded per-run array


def _points(k: int, seed: int):
    rng = np.random.default_rng(seed)
    return [{n: float(rng.uniform(p.low, p.high)) for n, p in REGISTRY.items()} for _ in range(k)]


def _assert_same(traj_kernel, r, traj_mesa):
    for f in FIELDS:
        a, b = getattr(traj_kernel, f)[r], getattr(traj_mesa, f)[0]
        assert np.array_equal(a, b), f"{f} differs (max abs {np.max(np.abs(a - b))})"
    for k in traj_kernel.indices:
        assert np.array_equal(traj_kernel.indices[k][r], traj_mesa.indices[k][0])


@pytest.mark.parametrize("path", shipped(), ids=lambda p: p.stem)
def test_kernel_equals_mesa_on_every_shipped_scenario(path):
    sc = load_scenario(path)
    points = [parameters_for(sc)] + [parameters_for(sc, p) for p in _points(1, hash(path.stem) % 1000)]
    specs = [RunSpec(sc, p, 42, (i, 3)) for i, p in enumerate(points)]
    traj = kernel.run(specs)  # several runs stacked, different parameters
    for r, spec in enumerate(specs):
        _assert_same(traj, r, AllianceModel.from_spec(spec).run())


def test_run_does_not_depend_on_its_chunk_companions():
    sc = load_scenario("sco_counterbalancing")
    specs = [RunSpec(sc, parameters_for(sc, p), 5, (i,)) for i, p in enumerate(_points(6, 1))]
    alone = kernel.run(specs[2:3])
    together = kernel.run(specs)
    for f in FIELDS:
        assert np.array_equal(getattr(alone, f)[0], getattr(together, f)[2])


def test_mixed_scenarios_in_one_chunk_follow_their_own_events():
    base, other = load_scenario("historical_baseline"), load_scenario("taiwan_crisis")
    specs = [RunSpec(base, parameters_for(base), 1, (0, 0)), RunSpec(other, parameters_for(other), 1, (0, 0))]
    traj = kernel.run(specs)
    for r, spec in enumerate(specs):
        _assert_same(traj, r, AllianceModel.from_spec(spec).run())
    # same seed, same shocks: the runs only differ after the crisis's first event
    first = min(e.step for e in other.events if e.id.startswith("taiwan"))
    assert np.array_equal(traj.cooperation[0, : first + 1], traj.cooperation[1, : first + 1])
    assert not np.array_equal(traj.cooperation[0, -1], traj.cooperation[1, -1])
