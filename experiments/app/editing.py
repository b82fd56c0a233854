"""The page's scenario editor: events added on the page, as a scenario file that ``extends:`` the chosen one.

The composed scenario is written as YAML into a temporary file and read back with
``load_scenario``, so events typed on the page pass exactly the checks of a scenario
file (dates inside the horizon, quantity names with a did-you-mean, value ranges). The
same YAML, saved from the page, runs unchanged with ``alliance run FILE``.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from model.spec import quantities as Q
from model.spec.errors import InputError
from model.spec.scenario import OPS, Scenario, load_scenario
from model.spec.world import World

EDITOR = "events editor"
SOURCE = "added on the interactive page (alliance viz)"
_EVENT_FIELD = re.compile(r"^events\[(\d+)\]\.?(.*)$")


@dataclass(frozen=True)
class EventDraft:
    """An event as typed on the page (text, checked only when composed into a scenario)."""

    date: str
    quantity: str
    op: str
    value: str
    label: str = ""


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def scalar(text: str):
    """A typed value as YAML would read it in a scenario file (0.5 -> 0.5, pko_1992 -> 'pko_1992')."""
    text = str(text).strip()
    if not text:
        return None
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError:
        return text
    return value if isinstance(value, (int, float, str)) else text


def event_entry(ev: EventDraft) -> dict:
    """One item of a scenario file's ``events:`` list."""
    if ev.op not in OPS:
        raise InputError(EDITOR, None, "op", f"unknown operation {ev.op!r}; one of {', '.join(OPS)}")
    label = ev.label.strip() or f"{ev.quantity.strip()} {ev.op} {ev.value.strip()}"
    return {"date": scalar(ev.date), "quantity": ev.quantity.strip(), ev.op: scalar(ev.value), "label": label,
            "source": SOURCE}


def document(base: str, description: str, events, overrides: dict[str, float]) -> dict:
    """The scenario file's content: ``extends`` the base, the parameter overrides, the added events."""
    edited = bool(events) or bool(overrides)
    doc: dict = {"name": f"{base}_edited" if edited else base}
    if edited:
        doc["description"] = (f"{description} (edited on the interactive page: {plural(len(events), 'event')} "
                              f"added, {plural(len(overrides), 'parameter')} changed)")
    doc["extends"] = base
    if overrides:
        doc["parameters"] = {k: float(v) for k, v in overrides.items()}
    if events:
        doc["events"] = [event_entry(ev) for ev in events]
    return doc


def scenario_yaml(base: str, description: str, events, overrides: dict[str, float], seed: int | None = None) -> str:
    """The composed scenario as a YAML file's text (with a comment saying how to rerun the page's run)."""
    head = f"# Composed on the interactive page (alliance viz) from the shipped scenario {base}.\n"
    if seed is not None:
        head += f"# alliance run THIS_FILE --seed {seed}   (its replication 0 is the run shown on the page)\n"
    return head + yaml.safe_dump(document(base, description, events, overrides), sort_keys=False, allow_unicode=True)


def compose(base: Scenario, base_name: str, events) -> Scenario:
    """Load the base with the page's events added, checked as a scenario file's (the page's parameter
    overrides travel beside the scenario, not in it)."""
    if not events:
        return base
    text = scenario_yaml(base_name, base.description, events, {})
    with tempfile.TemporaryDirectory(prefix="alliance-viz-") as tmp:
        path = Path(tmp) / f"{base_name}_edited.yaml"
        path.write_text(text, encoding="utf-8")
        try:
            return load_scenario(path)
        except InputError as exc:
            if exc.file != str(path):
                raise
            raise InputError(EDITOR, None, exc.field, exc.message) from None


def event_of(error: InputError) -> tuple[int | None, str]:
    """Which added event (0-based) an editor error is about, and the field within it."""
    m = _EVENT_FIELD.match(error.field or "")
    return (int(m.group(1)), m.group(2)) if m else (None, error.field or "")


def quantity_names(world: World) -> list[str]:
    """Every quantity name an event may change in ``world``, drivers first (model.spec.quantities.names)."""
    return Q.names(world, writable=True)
