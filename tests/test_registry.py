"""The registries say where things are: each parameter's ``rule`` names the modules that read it, and
every state variable is allocated, recorded and addressed as its row says."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from model.engines import dynamics
from model.spec.parameters import REGISTRY, Params, defaults
from model.spec.quantities import names, resolve
from model.spec.scenario import load_scenario
from model.spec.variables import RECORDED, VALUE_COLUMNS, VARIABLES

MODEL = Path(__file__).resolve().parents[1] / "model"
RULES = MODEL / "rules"


def _readers(name: str) -> set[str]:
    """The model files that read ``params.NAME`` (or a parameter of that name through getattr)."""
    pattern = re.compile(rf"params\.{name}\b")
    return {f.relative_to(MODEL).with_suffix("").as_posix() for f in MODEL.rglob("*.py")
            if pattern.search(f.read_text())}


@pytest.mark.parametrize("name", list(REGISTRY))
def test_each_parameter_is_read_where_its_registry_row_says(name):
    """``rule`` is where a reader finds the equation: exactly the rule modules that read the parameter."""
    named = {f"rules/{m.strip()}" for m in REGISTRY[name].rule.split(",")}
    for m in named:
        assert (MODEL / f"{m}.py").exists(), f"{name}: rule '{m}' is no module of model/rules"
    assert _readers(name) == named, f"{name} is read in {sorted(_readers(name))}, its row says {sorted(named)}"


def test_the_engines_apply_no_parameter_themselves():
    """Every equation is in model/rules: the engines wire rules together and read no parameter by name."""
    for f in (MODEL / "engines").glob("*.py"):
        assert not re.search(r"params\.(?!runs\b)\w+", f.read_text()), f"{f.name} reads a parameter"


def test_the_state_holds_every_variable_with_its_shape_and_start():
    world = load_scenario("historical_baseline").world
    s = dynamics.initial(world, Params.stack([defaults()] * 3))
    assert s.names() == tuple(VARIABLES)
    for name, v in VARIABLES.items():
        arr = getattr(s, name)
        assert arr.shape == (3,) + v.shape(world.n) and arr.dtype == v.dtype, name
        if v.dyad:
            n = world.n
            assert np.all(arr[:, np.arange(n), np.arange(n)] == 0), f"{name}: nonzero toward oneself"
            if v.symmetric:
                assert np.array_equal(arr, np.swapaxes(arr, 1, 2)), f"{name} is not symmetric"
    assert np.array_equal(s.assertiveness, s.ambition)  # start: copy:ambition
    with pytest.raises(AttributeError, match="in place"):
        s.cooperation = s.cooperation.copy()


def test_every_variable_has_a_quantity_name_and_the_table_its_columns():
    world = load_scenario("historical_baseline").world
    watched = set(names(world, writable=False))
    for name, v in VARIABLES.items():
        assert any(resolve(world, q, writable=False).variable == name for q in watched), name
        assert v.recorded or not v.table, f"{name}: a table column must be recorded"
    assert VALUE_COLUMNS == ("cooperation", "ceiling_ab", "ceiling_ba", "threat_ab", "threat_ba", "alignment",
                             "power_a", "power_b")  # the table's columns are part of the store format
    assert set(RECORDED) >= {"cooperation", "alignment", "threat", "constitution"}
