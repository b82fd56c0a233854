"""The shipped scenarios as the page uses them: loaded once, and again only when their files change.

Reading a scenario parses its whole ``extends`` chain and its world (most of a second on
a slow machine), and the page asks about the same few scenarios on every change in the
sidebar. Results are kept per state of the shipped files (their modification times), so
an edited scenario file is read afresh. Callers must not modify what they get.
"""

from __future__ import annotations

from functools import lru_cache

from model.spec.paths import SCENARIOS_DIR, WORLDS_DIR
from model.spec.scenario import Scenario, load_scenario, scenario_path, shipped
from model.spec.yamlio import load_mapping


def _stamp() -> tuple:
    """The shipped scenario and world files with their modification times."""
    files = sorted(SCENARIOS_DIR.glob("*.yaml")) + sorted(WORLDS_DIR.glob("*.yaml"))
    return tuple((p.name, p.stat().st_mtime_ns) for p in files)


def names() -> list[str]:
    """The shipped scenarios, by name (the values of the scenario picker)."""
    return [p.stem for p in shipped()]


def scenario(name: str) -> Scenario:
    """A shipped scenario (raises InputError as load_scenario does)."""
    return _scenario(name, _stamp())


def parent(name: str) -> str | None:
    """The scenario a shipped scenario ``extends:``, or None for a root scenario."""
    return _parent(name, _stamp())


@lru_cache(maxsize=64)
def _scenario(name: str, stamp: tuple) -> Scenario:
    return load_scenario(name)


@lru_cache(maxsize=64)
def _parent(name: str, stamp: tuple) -> str | None:
    found = load_mapping(scenario_path(name), "scenario file").get("extends")
    return str(found) if found else None
