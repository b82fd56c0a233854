"""The ``alliance`` command line: one table of subcommands, one place that maps errors to exit codes.

Every failure is one line on stderr, ``error: ...``, and an exit status:

- 2, a user's mistake: every InputError (file, line, field), an argument out of range,
  a path that cannot be used as asked (read-only, not a folder, no permission, not UTF-8);
- 1, an environment fault: a full disk, a file over the size limit, an I/O error, memory
  exhausted, a worker process killed (by the out-of-memory killer, say), or an unexpected
  error of a library (a bug: ``--debug`` shows its traceback);
- 130, Ctrl-C: one line (no ``error:``) saying what was kept and, for the commands that
  resume (batch, calibrate), the exact command that does.

Every line is printed with its control characters escaped (experiments.store.text), and
every command line printed is quoted for a POSIX shell. ``--debug`` (before or after the
subcommand) lets any exception through with its traceback.
"""

from __future__ import annotations

import argparse
import errno
import math
import os
import shlex
import sys
import warnings
from concurrent.futures.process import BrokenProcessPool

from experiments.analysis.calibration_config import ABC_LIMITS
from experiments.cli import (
    batch,
    calibrate,
    check,
    defaults,
    discover,
    landscape,
    plot,
    responses,
    results,
    run,
    screen,
    sensitivity,
    spec,
    viz,
    whatif,
)
from experiments.cli.command import WORKER_DIED, Command, Fault, Interrupted
from experiments.pipeline.config import MAX_SEED
from experiments.store.text import ProjectWarning, printable
from model.spec.errors import InputError

COMMANDS: tuple[Command, ...] = (
    spec.SCENARIOS, spec.VALIDATE, spec.PARAMS, spec.VARIABLES_COMMAND, run.RUN, batch.BATCH, results.RESULTS,
    plot.PLOT,
    landscape.LANDSCAPE, calibrate.CALIBRATE, sensitivity.SENSITIVITY, screen.SCREEN, viz.VIZ, discover.DISCOVER,
    whatif.WHATIF, responses.RESPONSES, check.CHECK, defaults.DEFAULTS,
)

# Numeric options, by destination, checked before any command runs: (flag, lowest, highest).
ARGUMENT_RANGES: dict[str, tuple[str, float, float]] = {
    "seed": ("--seed", 0, MAX_SEED),
    "replications": ("--replications", 1, math.inf),
    "workers": ("--workers", 1, 1024),
    "trials": ("--trials", 1, math.inf),
    "samples": ("--samples", 1, math.inf),
    "dpi": ("--dpi", 1, 1200),  # matplotlib would allocate width x height x dpi² pixels
    "population": ("--population", *ABC_LIMITS["population"]),  # the same bounds as a config's abc: block
    "generations": ("--generations", *ABC_LIMITS["generations"]),
}
_USER_ERRNOS = {errno.EROFS, errno.EACCES, errno.EPERM, errno.ENOTDIR, errno.EISDIR, errno.EEXIST, errno.ENOENT,
                errno.ENAMETOOLONG, errno.ELOOP}
_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT}


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
            bound = f"at least {_bound(low)}" if high == math.inf else f"between {_bound(low)} and {_bound(high)}"
            raise InputError(flag, None, dest, f"must be {bound}, got {_bound(value)}")


def _bound(x: float) -> str:
    """A bound or a value as written: whole numbers in full (2**63 - 1, not 9.22337e+18)."""
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _os_error(exc: OSError, out_flag: str | None) -> tuple[str, int]:
    where = f"{exc.filename}: " if exc.filename else ""
    what = exc.strerror or str(exc) or type(exc).__name__
    if exc.errno in _FULL_ERRNOS:
        return (f"{where}{what}: free some space and run the command again (a batch: add --resume; its finished "
                "chunks are kept)", 1)
    if exc.errno == errno.EFBIG:
        return (f"{where}{what}: the file would exceed the largest file this file system or the process's "
                "file-size limit (ulimit -f) allows; raise the limit, or write smaller files (a batch: lower "
                "chunk_size, then add --resume)", 1)
    if exc.errno in _USER_ERRNOS:
        if out_flag:
            return f"{where}{what}; choose a folder you can write ({out_flag})", 2
        return f"{where}{what}; check the path and its permissions", 2
    return f"{where}{what}", 1


def describe_failure(exc: BaseException, out_flag: str | None = None) -> tuple[str, int]:
    """The one line and the exit status of a failure (the only such mapping in the CLI); ``out_flag``: the option
    naming what the command writes (None: it only reads)."""
    if isinstance(exc, InputError):
        return str(exc), 2
    if isinstance(exc, Interrupted):
        return str(exc), 130
    if isinstance(exc, Fault):
        return str(exc), 1
    if isinstance(exc, KeyboardInterrupt):
        return "interrupted; files already written are kept", 130
    if isinstance(exc, MemoryError):
        return "out of memory; make the job smaller (fewer runs, summary outputs, smaller chunk_size)", 1
    if isinstance(exc, BrokenProcessPool):
        return WORKER_DIED, 1
    if isinstance(exc, UnicodeError):  # text that is not Unicode: a name from a file or a path from the shell
        return f"text that is not valid UTF-8 where a name or path is needed ({exc}); rename it", 2
    if isinstance(exc, OSError):
        return _os_error(exc, out_flag)
    text = str(exc).strip() or "(no message)"
    return f"unexpected {type(exc).__name__}: {text} (run with --debug to see the traceback)", 1


def _report(exc: BaseException, out_flag: str | None = None) -> int:
    msg, code = describe_failure(exc, out_flag)
    prefix = "" if code == 130 else "error: "  # an interruption is not an error
    print(printable(prefix + " ".join(msg.split("\n"))), file=sys.stderr, flush=True)
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
    with warnings.catch_warnings():
        warnings.simplefilter("default", ProjectWarning)  # each once per command, as one line
        warnings.showwarning = _warning_line
        return _run(command, args)


def _warning_line(message, category, filename, lineno, file=None, line=None) -> None:
    """This package's warnings as one line on stderr, ``warning: ...``; others as Python shows them."""
    if issubclass(category, ProjectWarning):
        print(printable(f"warning: {message}"), file=sys.stderr, flush=True)
    else:
        sys.stderr.write(warnings.formatwarning(message, category, filename, lineno, line))


def _run(command: Command, args: argparse.Namespace) -> int:
    try:
        check_arguments(args)
        return command.run(args) or 0
    except BrokenPipeError:  # `alliance params | head`: the reader left; say nothing more
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except BaseException as exc:
        if getattr(args, "debug", False) or isinstance(exc, SystemExit | GeneratorExit):
            raise
        return _report(exc, command.writes(args))


if __name__ == "__main__":
    sys.exit(main())
