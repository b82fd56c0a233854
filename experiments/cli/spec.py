"""``alliance scenarios``, ``alliance validate`` and ``alliance params``: the model's files and registry."""

from __future__ import annotations

from pathlib import Path

from experiments.analysis import event_table
from experiments.cli.command import Command
from experiments.pipeline.config import check_names
from model.spec.parameters import REGISTRY
from model.spec.paths import ROOT
from model.spec.scenario import load_scenario, shipped


def _scenarios(args) -> int:
    """One line per shipped scenario file (a folder that happens to be named ``x.yaml`` is not one)."""
    if args.events:
        print(event_table.markdown(load_scenario(args.events)), end="")
        return 0
    if args.update_docs is not None:
        docs = [(d, Path(d)) for d in args.update_docs] or [(d, ROOT / d) for d in event_table.DOCUMENTS]
        for name, path in docs:
            changed = event_table.update_file(path)
            print(f"{name}: " + (f"regenerated the events of {', '.join(changed)}" if changed else "up to date"))
        return 0
    for p in shipped():
        s = load_scenario(p)
        print(f"{p.stem:28s} {s.description}")
    return 0


def _configure_scenarios(p) -> None:
    what = p.add_mutually_exclusive_group()
    what.add_argument("--events", metavar="SCENARIO",
                      help="print the events of a scenario (name or file, inherited events included) as the "
                           "markdown table the docs use")
    what.add_argument("--update-docs", nargs="*", metavar="FILE",
                      help="regenerate the event tables marked <!-- events:NAME --> ... <!-- /events --> in FILE "
                           "(default: docs/scenarios.md) from the scenario files")


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


SCENARIOS = Command("scenarios", "list the shipped scenarios with one-line descriptions (or one scenario's events)",
                    _configure_scenarios, _scenarios)
VALIDATE = Command("validate", "check a scenario file (and everything it extends) without running it",
                   lambda p: p.add_argument("file", help="scenario YAML file or shipped scenario name"), _validate)
PARAMS = Command("params", "list the parameter registry (name, unit, default, range, meaning)", lambda p: None,
                 _params)
