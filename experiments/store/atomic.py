"""Writing result files so that nothing half-written is ever left behind.

Each file is written to a temporary name in the same folder, flushed, then renamed
over its final name (an atomic step on POSIX file systems). A result made of several
files (a run's table and the metadata that vouches for it, a sensitivity analysis's
four files, a posterior's generations) is *staged*: every file is first written to its
temporary, and only then are they renamed, one after the other in a given order (the
record that describes the others last) while SIGINT, SIGTERM and SIGHUP are held back,
so Ctrl-C lands before or after the switch, never in the middle of it.

A temporary is named ``.NAME.PID.XXXXXXXX.tmp`` (PID: the writing process). A process
killed (kill -9, a power cut) before its rename leaves one behind;
:func:`remove_stale_temporaries` removes those whose writer is gone (the next run of
the command that left them calls it), never one a live process is still writing.

Parquet files carry a CRC32 checksum per data page (``write_page_checksum``); the
store's reader verifies them (experiments.store.reader), so a flipped bit inside a page
is an error, not a silently different number.
"""

from __future__ import annotations

import json
import os
import re
import signal
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

DEFERRED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)  # held back while a staged result is switched
_TEMP = re.compile(r"^\.(?P<name>.+?)(?:\.(?P<pid>\d+))?\.[a-z0-9_]{8}\.tmp$")


@contextmanager
def signals_blocked(signums: Iterable[int] = DEFERRED) -> Iterator[None]:
    """Hold back ``signums`` in this (main) thread for the block; one that arrives meanwhile is delivered after it.

    Processes spawned inside the block inherit the mask. Elsewhere than the main thread
    (where Python runs its signal handlers) there is nothing to hold back.
    """
    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, set(signums))
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _write_temporary(path: Path, write: Callable[[str], None]) -> str:
    """``write(tmp)`` on a new temporary beside ``path``, flushed to disk; the temporary's name."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; give the file the usual permissions
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return tmp


class Staged:
    """Files written to temporaries now and renamed over their final names together by :meth:`commit`.

    Use it as a context manager: leaving the block by an exception (Ctrl-C included)
    before the commit removes every temporary and leaves the old files as they were.
    """

    def __init__(self) -> None:
        self._todo: list[tuple[str, Path]] = []

    def add(self, path: str | Path, write: Callable[[str], None]) -> Path:
        """Write ``path``'s new content (``write(tmp)``) to a temporary; returns the temporary's path."""
        path = Path(path)
        tmp = _write_temporary(path, write)
        self._todo.append((tmp, path))
        return Path(tmp)

    def commit(self) -> None:
        """Rename every temporary over its final name, in the order they were added, signals held back."""
        with signals_blocked():
            while self._todo:
                tmp, path = self._todo[0]
                os.replace(tmp, path)
                self._todo.pop(0)

    def discard(self) -> None:
        for tmp, _ in self._todo:
            Path(tmp).unlink(missing_ok=True)
        self._todo.clear()

    def __enter__(self) -> Staged:
        return self

    def __exit__(self, kind, exc, tb) -> None:
        try:
            if kind is None:
                self.commit()
        finally:
            self.discard()


def atomic_write(path: Path, write) -> None:
    """Call ``write(tmp)`` on a temporary file beside ``path``, flush it, rename it over ``path``."""
    with Staged() as st:
        st.add(path, write)


def table_path(path: Path, fmt: str = "parquet") -> Path:
    """``path`` with the suffix of the table format (``.csv`` or ``.parquet``)."""
    return Path(path).with_suffix(".csv" if fmt == "csv" else ".parquet")


def table_writer(df: pd.DataFrame, fmt: str = "parquet") -> Callable[[str], None]:
    """What writes ``df`` to a file as CSV or as Parquet (with a checksum on every data page)."""
    if fmt == "csv":
        return lambda tmp: df.to_csv(tmp, index=False)
    return lambda tmp: df.to_parquet(tmp, index=False, write_page_checksum=True)


def json_writer(obj) -> Callable[[str], None]:
    text = json.dumps(obj, indent=2, sort_keys=True, default=str)
    return lambda tmp: Path(tmp).write_text(text, encoding="utf-8")


def write_table(df: pd.DataFrame, path: Path, fmt: str = "parquet") -> Path:
    """Write a DataFrame as Parquet (default) or CSV, atomically."""
    path = table_path(path, fmt)
    atomic_write(path, table_writer(df, fmt))
    return path


def write_json(obj, path: Path) -> Path:
    """Write JSON atomically."""
    path = Path(path)
    atomic_write(path, json_writer(obj))
    return path


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # EPERM: another user's live process
        return True
    return True


def remove_stale_temporaries(folder: str | Path, names: Iterable[str] | None = None, everyone: bool = False) -> int:
    """Remove temporaries left in ``folder`` by writers that died before their rename; return how many.

    ``names``: only the temporaries of these final file names. A temporary whose writer
    is still running is kept (unless ``everyone``: the caller holds the folder's lock and
    knows no one else writes there); one of an older version of this package (no pid in
    its name) is removed only when ``names`` names its file.
    """
    folder = Path(folder)
    wanted = None if names is None else set(names)
    removed = 0
    try:
        entries = [e.name for e in os.scandir(folder) if e.name.startswith(".") and e.name.endswith(".tmp")]
    except OSError:
        return 0
    for entry in entries:
        m = _TEMP.match(entry)
        if m is None or (wanted is not None and m["name"] not in wanted):
            continue
        pid = int(m["pid"]) if m["pid"] else None
        if pid is None and wanted is None and not everyone:
            continue
        if pid is not None and not everyone and (pid == os.getpid() or _alive(pid)):
            continue
        try:
            (folder / entry).unlink()
            removed += 1
        except FileNotFoundError:
            pass
    return removed
