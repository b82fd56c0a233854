"""``alliance scenarios``, ``alliance validate`` and ``alliance params``: the model's files and registry."""

from __future__ import annotations

from experiments.cli.command import Command
from experiments.pipeline.config import check_names
from model.spec.parameters import REGISTRY
from model.spec.scenario import load_scenario, shipped


def _scenarios(args) -> int:
    """One line per shipped scenario file (a folder that happens to be named ``x.yaml`` is not one)."""
    for p in shipped():
        if p.is_file():
            s = load_scenario(p)
            print(f"{p.stem:28s} {s.description}")
    return 0


def _validate(args) -> int:
    s = check_names(load_scenario(args.file))
    print(f"{args.file}: ok — scenario '{s.name}', world '{s.world.name}' ({s.world.n} actors), "
          f"{s.start}–{s.end}, {len(s.events)} events, {len(s.conditions)} conditions")
    return 0


def _params(args) -> int:
    """The registry as a table: a header, then one aligned row per parameter."""
    header = ("name", "default", "range", "unit", "meaning")
    rows = [(p.name, f"{p.default:g}", f"[{p.low:g}, {p.high:g}]", p.unit, p.meaning) for p in REGISTRY.values()]
    widths = [max(len(r[i]) for r in (header, *rows)) for i in range(4)]
    right = (False, True, False, False)  # numbers right-aligned
    for r in (header, *rows):
        cells = [c.rjust(w) if rj else c.ljust(w) for c, w, rj in zip(r, widths, right)]
        print("  ".join(cells + [r[4]]).rstrip())
    return 0


SCENARIOS = Command("scenarios", "list the shipped scenarios with one-line descriptions", lambda p: None, _scenarios)
VALIDATE = Command("validate", "check a scenario file (and everything it extends) without running it",
                   lambda p: p.add_argument("file", help="scenario YAML file or shipped scenario name"), _validate)
PARAMS = Command("params", "list the parameter registry (name, unit, default, range, meaning)", lambda p: None,
                 _params)
