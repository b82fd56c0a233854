"""``alliance scenarios``, ``alliance validate`` and ``alliance params``: the model's files and registry."""

from __future__ import annotations

from pathlib import Path

from experiments.analysis import event_table
from experiments.cli.command import Command
from experiments.pipeline.config import check_names
from model.spec.parameters import REGISTRY
from model.spec.paths import ROOT
from model.spec.scenario import load_scenario, shipped
from model.spec.variables import VARIABLES


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


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]], right: tuple[bool, ...]) -> None:
    """Aligned columns, the last one (the meaning) left free."""
    widths = [max(len(r[i]) for r in (header, *rows)) for i in range(len(header) - 1)]
    for r in (header, *rows):
        cells = [c.rjust(w) if rj else c.ljust(w) for c, w, rj in zip(r, widths, right)]
        print("  ".join(cells + [r[-1]]).rstrip())


def _params(args) -> int:
    """The parameter registry as a table: a header, then one aligned row per parameter."""
    rows = [(p.name, f"{p.default:g}", f"[{p.low:g}, {p.high:g}]", p.unit, p.rule, p.meaning)
            for p in REGISTRY.values()]
    _table(("name", "default", "range", "unit", "rule", "meaning"), rows, (False, True, False, False, False))
    return 0


def _variables(args) -> int:
    """The variable registry as a table: name, role, axes, range, how scenario files name it, what moves it."""
    rows = [(v.name, v.role, "(" + ", ".join(v.axes) + ")", "states" if v.integer else f"[{v.low:g}, {v.high:g}]",
             v.address(), v.moved_by, v.meaning) for v in VARIABLES.values()]
    _table(("name", "role", "axes", "range", "in scenario files", "moved by", "meaning"), rows,
           (False,) * 6)
    return 0


SCENARIOS = Command("scenarios", "list the shipped scenarios with one-line descriptions (or one scenario's events)",
                    _configure_scenarios, _scenarios)
VALIDATE = Command("validate", "check a scenario file (and everything it extends) without running it",
                   lambda p: p.add_argument("file", help="scenario YAML file or shipped scenario name"), _validate)
PARAMS = Command("params", "list the parameter registry (name, default, range, unit, rule, meaning)", lambda p: None,
                 _params)
VARIABLES_COMMAND = Command("variables", "list the variable registry (every state variable and driver: role, axes, "
                            "range, quantity name, what moves it, meaning)", lambda p: None, _variables)
