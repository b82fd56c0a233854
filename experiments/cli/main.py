"""The ``alliance`` command line: one table of subcommands, one place that maps errors to exit codes.

Every user mistake is an InputError, printed as one line naming file, line and field,
with exit status 2 and no output files written.
"""

from __future__ import annotations

import argparse
import sys

from experiments.cli import batch, calibrate, landscape, plot, results, run, sensitivity, spec, viz
from experiments.cli.command import Command
from model.spec.errors import InputError

COMMANDS: tuple[Command, ...] = (
    spec.SCENARIOS, spec.VALIDATE, spec.PARAMS, run.RUN, batch.BATCH, results.RESULTS, plot.PLOT,
    landscape.LANDSCAPE, calibrate.CALIBRATE, sensitivity.SENSITIVITY, viz.VIZ,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="alliance", description="Japan–NATO alliance simulator (Mesa).")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for c in COMMANDS:
        c.configure(sub.add_parser(c.name, help=c.help, description=c.help))
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 0
    command = next(c for c in COMMANDS if c.name == args.command)
    try:
        return command.run(args) or 0
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted; finished parts are kept (resume with --resume where supported)", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
