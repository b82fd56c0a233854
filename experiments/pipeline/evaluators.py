"""Where the pipeline's tasks run: in this process, in a pool of processes, or on Dask.

Batches (one task per chunk of runs), calibration (one task per trial, asked of and
told to Optuna) and sensitivity analysis (one task per slice of the design) all submit
their tasks through an :class:`Evaluator`, so each runs on the same three executors
with the same code. A task's result never depends on where it ran: every run draws
its random numbers from its own identity (model.spec.seeding).

Process-pool workers die with their parent and leave Ctrl-C to it
(experiments.pipeline.workers); leaving the block by an exception (Ctrl-C included)
cancels what is queued and stops the workers at once instead of waiting for their
chunks. A Dask scheduler is reached, or refused with one line, within
``CONNECT_TIMEOUT`` seconds, before the caller writes anything. Dask is an optional
extra: it is imported only when the dask executor is asked for.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import socket
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from typing import Any

from experiments.pipeline.limits import cap_workers
from experiments.pipeline.workers import sigint_blocked, start_worker
from model.spec.errors import InputError

EXECUTORS = ("serial", "processes", "dask")
CONNECT_TIMEOUT = 10.0  # seconds to reach a Dask scheduler


class _Later(Future):
    """A task of the serial executor: it runs when first waited for, so the caller records
    (and a progress bar shows) each result as it comes; a batch killed mid-way keeps its
    finished chunks. Running every task at submission would record nothing before the last."""

    def __init__(self, fn: Callable, args: tuple):
        super().__init__()
        self._task: tuple[Callable, tuple] | None = (fn, args)

    def run_now(self) -> None:
        if self._task is None:
            return
        fn, args = self._task
        self._task = None
        if not self.set_running_or_notify_cancel():  # cancelled before it ran
            return
        try:
            self.set_result(fn(*args))
        except Exception as exc:  # the caller decides what a failed task means
            self.set_exception(exc)

    def result(self, timeout: float | None = None) -> Any:
        self.run_now()
        return super().result(timeout)


class Evaluator:
    """Submit tasks and collect their results as they finish, whatever the executor."""

    def __init__(self, kind: str, workers: int, pool: Any = None, client: Any = None):
        self.kind = kind
        self.workers = workers
        self._pool = pool
        self._client = client

    def share(self, obj: Any) -> Any:
        """An object every task receives (sent once to each Dask worker; as is elsewhere)."""
        if self._client is not None:
            return self._client.scatter(obj, broadcast=True)
        return obj

    def submit(self, fn: Callable, *args: Any) -> Any:
        """Start ``fn(*args)`` (serial: when first waited for); returns a future (``.result()``, ``.cancel()``)."""
        if self._client is not None:
            return self._client.submit(fn, *args, pure=False)
        if self._pool is not None:
            with sigint_blocked():  # a worker spawned now must not see Ctrl-C (experiments.pipeline.workers)
                return self._pool.submit(fn, *args)
        return _Later(fn, args)

    def as_completed(self, futures: Iterable) -> Iterator:
        """The futures in the order they finish."""
        futures = list(futures)
        if self._client is not None:
            from dask.distributed import as_completed

            yield from as_completed(futures)
            return
        if self._pool is None:  # serial: run each when its turn comes
            for f in futures:
                f.run_now()
                yield f
            return
        pending = set(futures)
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            yield from done

    def first_completed(self, futures: Iterable) -> set:
        """At least one finished future among ``futures`` (waits for it)."""
        futures = list(futures)
        if self._client is not None:
            from dask.distributed import wait as dask_wait

            return set(dask_wait(futures, return_when="FIRST_COMPLETED").done)
        if self._pool is None:
            done = {f for f in futures if f.done()}
            if not done and futures:
                futures[0].run_now()
                done = {futures[0]}
            return done
        return set(wait(futures, return_when=FIRST_COMPLETED).done)


def _stop(pool: ProcessPoolExecutor) -> None:
    """Cancel queued tasks and stop the workers now (the block is being left by an exception)."""
    procs = list((getattr(pool, "_processes", None) or {}).values())  # no public handle before Python 3.14
    pool.shutdown(wait=False, cancel_futures=True)
    for p in procs:
        p.terminate()
    for p in procs:
        p.join(5)
        if p.is_alive():
            p.kill()


@contextmanager
def _process_pool(n: int, initializer: Callable | None, initargs: tuple) -> Iterator[Evaluator]:
    pool = ProcessPoolExecutor(max_workers=n, mp_context=mp.get_context("spawn"), initializer=start_worker,
                               initargs=(os.getpid(), initializer, initargs))
    try:
        yield Evaluator("processes", n, pool=pool)
    except BaseException:
        _stop(pool)
        raise
    pool.shutdown(wait=True)


def _address(scheduler: str) -> tuple[str, str, int]:
    from distributed.comm import parse_address, parse_host_port

    try:
        scheme, loc = parse_address(scheduler)
        host, port = parse_host_port(loc)
    except (ValueError, TypeError) as exc:
        raise InputError("--scheduler", None, "scheduler", f"{scheduler!r} is not a scheduler address ({exc}); "
                         "give tcp://HOST:PORT") from None
    return scheme, host, int(port)


def _distributed():
    """``dask.distributed`` (the optional extra), or one InputError saying how to install it."""
    try:
        import dask.distributed
    except ImportError:
        raise InputError("--executor", None, "executor", "the dask executor needs Dask: "
                         "pip install 'dask[distributed]'") from None
    return dask.distributed


def connect(scheduler: str, timeout: float = CONNECT_TIMEOUT):
    """A Dask client of the scheduler at ``scheduler``, or one InputError within ``timeout`` seconds."""
    distributed = _distributed()
    scheme, host, port = _address(scheduler)
    if scheme in ("tcp", "tls", "ws", "wss"):
        try:  # a plain TCP probe first: a refused or silent address fails fast and leaves no half-made client
            socket.create_connection((host, port), timeout=timeout).close()
        except OSError as exc:
            raise InputError("--scheduler", None, "scheduler", f"cannot reach a Dask scheduler at {scheduler} "
                             f"within {timeout:g} s ({exc.strerror or exc})") from None
    try:
        return distributed.Client(scheduler, timeout=timeout)
    except Exception as exc:  # whatever the address answered, it is not a usable scheduler
        raise InputError("--scheduler", None, "scheduler", f"cannot connect to a Dask scheduler at {scheduler}: "
                         f"{type(exc).__name__}: {exc}") from None


@contextmanager
def _dask(n: int, scheduler: str | None, initializer: Callable | None, initargs: tuple) -> Iterator[Evaluator]:
    cluster = None
    if scheduler:
        client = connect(scheduler)
    else:
        distributed = _distributed()
        cluster = distributed.LocalCluster(n_workers=n, threads_per_worker=1, processes=True, host="127.0.0.1",
                               dashboard_address=None)
        client = distributed.Client(cluster)
    try:
        if initializer is not None:
            client.run(initializer, *initargs)
        yield Evaluator("dask", n, client=client)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


@contextmanager
def evaluator(kind: str = "serial", workers: int | None = None, scheduler: str | None = None,
              initializer: Callable | None = None, initargs: tuple = ()) -> Iterator[Evaluator]:
    """An evaluator of the given kind, closed (workers stopped) on leaving the block; its worker processes are
    capped by the usable cores and the available memory (experiments.pipeline.limits.cap_workers: callers that
    print the cap call it first)."""
    n = cap_workers(workers)[0]
    if kind == "serial":
        if initializer is not None:
            initializer(*initargs)
        yield Evaluator("serial", 1)
    elif kind == "processes":
        with _process_pool(n, initializer, initargs) as ev:
            yield ev
    elif kind == "dask":
        with _dask(n, scheduler, initializer, initargs) as ev:
            yield ev
    else:
        raise ValueError(f"unknown executor {kind!r}; choose one of {', '.join(EXECUTORS)}")
