"""Fields every workbench file shares (experiments, calibration and sensitivity configs).

A scenario is named by its shipped name or by a path (relative to the config file, then
the project root); seeds and counts are whole numbers in a range. Every mistake is an
InputError naming the file, line and field.
"""

from __future__ import annotations

from pathlib import Path

from model.spec import fields as F
from model.spec.errors import InputError, did_you_mean
from model.spec.paths import ROOT
from model.spec.scenario import Scenario, load_scenario, scenario_path, shipped
from model.spec.yamlio import Located

MAX_SEED = 2**63 - 1


def resolve_file(raw: str, config_file: str) -> Path:
    """A path from a config: absolute, beside the config file, or from the project root."""
    p = Path(raw)
    if p.is_absolute():
        return p
    here = Path(config_file).resolve().parent / p
    if here.exists():
        return here
    root = ROOT / p
    return root if root.exists() else here


def check_names(scenario: Scenario) -> Scenario:
    """``scenario`` itself, or an InputError when a name or label it writes into tables and JSON is not Unicode
    text (a lone surrogate, which a ``"\\udc80"`` escape in YAML makes): refused before anything runs, not
    after the simulation when the table is written."""
    w = scenario.world
    texts = {"name": [scenario.name], "description": [scenario.description], "world": [w.name],
             "actors": list(w.actors), "states": [s for states in w.states for s in states],
             "indices": list(w.indices), "events.label": [e.label for e in scenario.events]}
    for field, values in texts.items():
        for text in values:
            try:
                str(text).encode("utf-8")
            except UnicodeEncodeError:
                raise InputError(scenario.path, None, field, f"{ascii(text)} is not Unicode text (it holds a lone "
                                 "surrogate, such as a \\udc80 escape); write it in UTF-8") from None
    return scenario


def _scenario(raw, file: str, line: int, field: str) -> tuple[Scenario, str]:
    if not isinstance(raw, str):
        raise InputError(file, line, field, f"must be a scenario name or file, got {raw!r}")
    if Path(raw).suffix in (".yaml", ".yml") or "/" in raw:
        path = resolve_file(raw, file)
        if not path.exists():
            raise InputError(file, line, field, f"no such scenario file '{raw}'")
        return check_names(load_scenario(path)), str(path.resolve())
    path = scenario_path(raw)
    if not path.exists():
        raise InputError(file, line, field, f"no such scenario '{raw}'{did_you_mean(raw, [p.stem for p in shipped()])}")
    return check_names(load_scenario(path)), raw


def scenario_field(doc: Located, file: str, default: str | None = None) -> tuple[Scenario, str]:
    """``scenario:`` (one scenario), loaded; plus the reference a derived file's ``extends:`` should name."""
    if "scenario" not in doc and default is None:
        raise InputError(file, doc.line, "scenario", "required key is missing")
    return _scenario(doc.get("scenario", default), file, doc.line_of("scenario"), "scenario")


def scenarios_field(doc: Located, file: str) -> list[Scenario]:
    """``scenarios:`` (a list of distinct scenarios), loaded."""
    items = F.sequence(doc, "scenarios", file)
    if not items:
        raise InputError(file, doc.line_of("scenarios"), "scenarios", "list at least one scenario")
    out = [_scenario(s, file, items.lines[i], "scenarios")[0] for i, s in enumerate(items)]
    if len({s.name for s in out}) != len(out):
        raise InputError(file, items.line, "scenarios", "a scenario is listed twice")
    return out


def count_field(doc: Located, key: str, file: str, low: int, high: int, default: int) -> int:
    """A whole number in [low, high] (``replications``, ``samples``, ``trials`` ...)."""
    return int(F.number(doc, key, file, "", low, high, default=default, integer=True))


def seed_field(doc: Located, file: str) -> int:
    """``seed:`` the master seed (0 when absent)."""
    return count_field(doc, "seed", file, 0, MAX_SEED, 0)
