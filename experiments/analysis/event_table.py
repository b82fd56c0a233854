"""A scenario's events as a markdown table, and the docs' copies of it kept in step with the YAML.

A document marks a generated table with two HTML comments (invisible when rendered)::

    <!-- events:historical_baseline -->
    | date | id | quantity | change | label | source |
    ...
    <!-- /events -->

:func:`refresh` rewrites every marked table from the scenario files, :func:`stale` names
the tables that differ from what the files give, and :func:`update_file` writes a
refreshed document. ``alliance scenarios --update-docs`` runs it (``REGENERATE``), and
``tests/test_docs.py`` fails when a marked table is stale. Nothing here prints.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

from experiments.store.atomic import atomic_write
from model.spec.errors import InputError, did_you_mean
from model.spec.scenario import Event, Scenario, load_scenario, scenario_path, shipped

HEADER = ("date", "id", "quantity", "change", "label", "source")
MARKER = re.compile(r"<!-- events:(?P<name>[^\s>]*) -->\n(?P<body>.*?)<!-- /events -->", re.S)
DOCUMENTS = ("docs/scenarios.md",)  # the documents (relative to the repository) that hold marked tables
REGENERATE = "alliance scenarios --update-docs"  # the command that rewrites them
_URL = re.compile(r"https?://[^\s;,)]+")
_REPO_PATH = re.compile(r"(?<![\w/`])((?:data|docs|scenarios|experiments|model)/[\w./-]*\w)")


def _number(value: float) -> str:
    return repr(float(value)).replace("-", "−")  # the typographic minus, as the docs write it


def change(event: Event, scenario: Scenario) -> str:
    """``set 0.9``, ``add −0.1``, ``scale 0.5``; a switch by its state's name (``set pko_1992``)."""
    if event.quantity.is_switch:
        return f"{event.op} {scenario.world.states[event.quantity.a][int(event.value)]}"
    return f"{event.op} {_number(event.value)}"


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _source(text: str) -> str:
    """A source as a table cell: each URL a link named by its host, each repository path in code font."""
    cell = _cell(text)
    cell = _URL.sub(lambda m: f"[{urlparse(m.group(0)).netloc.removeprefix('www.')}]({m.group(0)})", cell)
    parts = re.split(r"(\[[^\]]*\]\([^)]*\))", cell)  # leave the links alone
    return "".join(p if p.startswith("[") else _REPO_PATH.sub(r"`\1`", p) for p in parts)


def rows(scenario: Scenario) -> list[tuple[str, ...]]:
    """One row per event, in date order (events of one date keep the scenario's order)."""
    return [(repr(e.date), f"`{e.id}`" if e.id else "", f"`{e.quantity.name}`", change(e, scenario), _cell(e.label),
             _source(e.source)) for e in sorted(scenario.events, key=lambda e: e.date)]


def markdown(scenario: Scenario) -> str:
    """The scenario's events (inherited ones included) as a markdown table, one line per event."""
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(r) + " |" for r in rows(scenario)]
    return "\n".join(lines) + "\n"


def _scenario(name: str, file: str, line: int) -> Scenario:
    if not name or not scenario_path(name).exists():
        known = [p.stem for p in shipped()]
        raise InputError(file, line, "events", f"no such scenario '{name}'{did_you_mean(name, known)}")
    return load_scenario(name)


def refresh(text: str, file: str = "<text>") -> str:
    """``text`` with every marked event table regenerated from its scenario file."""
    out, last = [], 0
    for m in MARKER.finditer(text):
        line = text.count("\n", 0, m.start()) + 1
        table = markdown(_scenario(m.group("name"), file, line))
        out += [text[last:m.start("body")], table]
        last = m.end("body")
    return "".join(out) + text[last:]


def stale(text: str, file: str = "<text>") -> list[str]:
    """The scenarios whose marked tables in ``text`` differ from what their files give."""
    fresh = {m.group("name"): m.group("body") for m in MARKER.finditer(refresh(text, file))}
    return [m.group("name") for m in MARKER.finditer(text) if m.group("body") != fresh[m.group("name")]]


def update_file(path: Path) -> list[str]:
    """Regenerate the marked tables of one document in place; the scenarios whose tables changed."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    changed = stale(text, str(path))
    if changed:
        new = refresh(text, str(path))
        atomic_write(path, lambda tmp: Path(tmp).write_text(new, encoding="utf-8"))
    return changed
