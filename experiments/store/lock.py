"""An exclusive lock on a result folder, so that two commands never write one folder at once.

The lock is ``DIR/.alliance.lock``, held with ``fcntl.flock`` for the whole write (a
batch, a run, a calibration or a sensitivity analysis). The holder writes its pid,
command line and start time into the file, so a second writer is refused with one
line naming who holds the folder. The kernel drops a flock when its holder exits,
however it exits (kill -9 included), so a lock never outlives its process.

The file is emptied, not deleted, on release: deleting it would let a third process
lock a fresh file while a second one still holds the old, unlinked one.
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from experiments.store.text import printable
from model.spec.errors import InputError

LOCK_NAME = ".alliance.lock"


def _holder(fd: int) -> str:
    """Who holds the lock, as the holder wrote it (best effort: the file may be mid-write), safe to print: the
    file is anyone's to write, so its text never reaches the terminal raw."""
    try:
        info = json.loads(os.pread(fd, 4096, 0).decode("utf-8", "replace") or "{}")
    except (OSError, ValueError):
        info = {}
    if not isinstance(info, dict) or "pid" not in info:
        return "another alliance process"
    return printable(f"pid {info.get('pid')}, `{info.get('command', '?')}`, started {info.get('started', '?')}")


def _acquire(fd: int, root: Path, flag: str) -> None:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise InputError(str(root), None, flag, f"is being written by another command ({_holder(fd)}); "
                         "wait for it to finish or choose another folder") from None


def _remove_if_only_lock(root: Path) -> None:
    """Undo the folder this lock created, when nothing but the lock file was written into it."""
    try:
        if [p.name for p in root.iterdir()] == [LOCK_NAME]:
            (root / LOCK_NAME).unlink()
            root.rmdir()
    except OSError:
        pass


@contextmanager
def folder_lock(root: str | Path, command: str, flag: str = "--out") -> Iterator[Path]:
    """Hold the exclusive lock of result folder ``root`` (created if absent) for the block.

    A second holder gets an InputError (exit 2) naming the first one's pid, command and
    start time. A folder this call created is removed again if the block fails before
    writing anything into it.
    """
    root = Path(root)
    created = not root.exists()
    root.mkdir(parents=True, exist_ok=True)
    fd = os.open(root / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    acquired = ok = False
    try:
        _acquire(fd, root, flag)
        acquired = True
        os.ftruncate(fd, 0)
        info = {"pid": os.getpid(), "command": command, "started": time.strftime("%Y-%m-%d %H:%M:%S %Z")}
        os.pwrite(fd, json.dumps(info).encode(), 0)
        try:
            yield root
            ok = True
        finally:
            os.ftruncate(fd, 0)
    finally:
        os.close(fd)  # releases the flock
        if created and acquired and not ok:
            _remove_if_only_lock(root)
