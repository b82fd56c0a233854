"""Worker processes that die with their parent and leave Ctrl-C to it.

A pool's workers run :func:`start_worker` first (the pool's initializer):

- they die with the parent: on Linux the kernel sends them SIGKILL when the parent dies
  (``prctl(PR_SET_PDEATHSIG)``), however it dies (kill -9 included); elsewhere a daemon
  thread exits the worker once its parent pid changes. So a killed batch never leaves
  workers computing chunks nobody will record;
- they ignore SIGINT: Ctrl-C in a terminal reaches the whole process group, and only the
  parent should act on it (cancel, report, print the resume command), not every worker
  printing a KeyboardInterrupt traceback. SIGINT is blocked in the parent while it
  spawns workers (:func:`sigint_blocked`), so a worker that is still importing when
  Ctrl-C arrives does not raise either: it starts with SIGINT blocked and ignores it
  from here on.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time
from collections.abc import Callable

from experiments.store.atomic import signals_blocked

PR_SET_PDEATHSIG = 1


def death_signal(parent: int, signum: int = signal.SIGKILL) -> bool:
    """Ask the Linux kernel to send ``signum`` to this process when ``parent`` dies; False where it cannot.

    The setting survives exec, so a server started with it as ``preexec_fn`` dies with its launcher.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signum, 0, 0, 0) != 0:
            return False
    except (OSError, AttributeError):
        return False
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)
    return True


def _die_with_parent(parent: int) -> None:
    if death_signal(parent):
        return

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watchdog", daemon=True).start()


def start_worker(parent: int, initializer: Callable | None, initargs: tuple) -> None:
    """A pool worker's first act: die with ``parent``, ignore SIGINT, then the caller's initializer."""
    _die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    if initializer is not None:
        initializer(*initargs)


def sigint_blocked():
    """Block SIGINT in this thread while the block spawns processes (they inherit the mask).

    A Ctrl-C that arrives meanwhile stays pending and is delivered when the block ends.
    """
    return signals_blocked({signal.SIGINT})
