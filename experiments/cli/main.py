"""The ``alliance`` command line: one table of subcommands, one place that maps errors to exit codes.

Every failure is one line on stderr, ``error: ...``, and an exit status:

- 2, a user's mistake: every InputError (file, line, field), an argument out of range,
  a path that cannot be written as asked (read-only, not a folder, no permission);
- 1, an environment fault: a full disk, an I/O error, memory exhausted, or an
  unexpected error of a library (a bug: ``--debug`` shows its traceback);
- 130, Ctrl-C: one line (no ``error:``) saying what was kept and, for a batch, the
  exact command that resumes it.

``--debug`` (before or after the subcommand) lets any exception through with its traceback.
"""

from __future__ import annotations

import argparse
import errno
import math
import os
import shlex
import sys

from experiments.cli import batch, calibrate, discover, landscape, plot, results, run, sensitivity, spec, viz
from experiments.cli.command import Command, Interrupted
from experiments.pipeline.config import MAX_SEED
from model.spec.errors import InputError

COMMANDS: tuple[Command, ...] = (
    spec.SCENARIOS, spec.VALIDATE, spec.PARAMS, run.RUN, batch.BATCH, results.RESULTS, plot.PLOT,
    landscape.LANDSCAPE, calibrate.CALIBRATE, sensitivity.SENSITIVITY, viz.VIZ, discover.DISCOVER,
)

# Numeric options, by destination, checked before any command runs: (flag, lowest, highest).
ARGUMENT_RANGES: dict[str, tuple[str, float, float]] = {
    "seed": ("--seed", 0, MAX_SEED),
    "replications": ("--replications", 1, math.inf),
    "workers": ("--workers", 1, 1024),
    "trials": ("--trials", 1, math.inf),
    "samples": ("--samples", 1, math.inf),
    "dpi": ("--dpi", 1, 1200),  # matplotlib would allocate width x height x dpi² pixels
}
_USER_ERRNOS = {errno.EROFS, errno.EACCES, errno.EPERM, errno.ENOTDIR, errno.EISDIR, errno.EEXIST, errno.ENOENT,
                errno.ENAMETOOLONG, errno.ELOOP}
_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="alliance", description="Japan–NATO alliance simulator (Mesa).")
    parser.add_argument("--debug", action="store_true", help="show the traceback of an unexpected error")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for c in COMMANDS:
        p = sub.add_parser(c.name, help=c.help, description=c.help)
        c.configure(p)
        p.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                       help="show the traceback of an unexpected error")
    return parser


def check_arguments(args: argparse.Namespace) -> None:
    """Refuse numeric options outside their range, and non-finite numbers, before a command runs."""
    for dest, value in vars(args).items():
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            continue
        flag, low, high = ARGUMENT_RANGES.get(dest, (f"--{dest.replace('_', '-')}", -math.inf, math.inf))
        if not math.isfinite(value):
            raise InputError(flag, None, dest, f"must be a finite number, got {value}")
        if not low <= value <= high:
            bound = f"at least {low:g}" if high == math.inf else f"between {low:g} and {high:g}"
            raise InputError(flag, None, dest, f"must be {bound}, got {value:g}")


def _os_error(exc: OSError) -> tuple[str, int]:
    where = f"{exc.filename}: " if exc.filename else ""
    what = exc.strerror or str(exc) or type(exc).__name__
    if exc.errno in _FULL_ERRNOS:
        return (f"{where}{what}: free some space and run the command again (a batch: add --resume; its finished "
                "chunks are kept)", 1)
    if exc.errno in _USER_ERRNOS:
        return f"{where}{what}; choose a folder you can write (--out)", 2
    return f"{where}{what}", 1


def describe_failure(exc: BaseException) -> tuple[str, int]:
    """The one line and the exit status of a failure (the only such mapping in the CLI)."""
    if isinstance(exc, InputError):
        return str(exc), 2
    if isinstance(exc, Interrupted):
        return str(exc), 130
    if isinstance(exc, KeyboardInterrupt):
        return "interrupted; finished parts are kept (resume with --resume where supported)", 130
    if isinstance(exc, MemoryError):
        return "out of memory; make the job smaller (fewer runs, summary outputs, smaller chunk_size)", 1
    if isinstance(exc, OSError):
        return _os_error(exc)
    text = str(exc).strip() or "(no message)"
    return f"unexpected {type(exc).__name__}: {text} (run with --debug to see the traceback)", 1


def _report(exc: BaseException) -> int:
    msg, code = describe_failure(exc)
    prefix = "" if code == 130 else "error: "  # an interruption is not an error
    print(prefix + " ".join(msg.split("\n")), file=sys.stderr, flush=True)
    return code


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else [str(a) for a in argv]
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 0
    args.command_line = "alliance " + shlex.join(argv)
    command = next(c for c in COMMANDS if c.name == args.command)
    try:
        check_arguments(args)
        return command.run(args) or 0
    except BrokenPipeError:  # `alliance params | head`: the reader left; say nothing more
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except BaseException as exc:
        if getattr(args, "debug", False) or isinstance(exc, SystemExit | GeneratorExit):
            raise
        return _report(exc)


if __name__ == "__main__":
    sys.exit(main())
