"""Where the pipeline's tasks run: in this process, in a pool of processes, or on Dask.

Batches (one task per chunk of runs), calibration (one task per trial, asked of and
told to Optuna) and sensitivity analysis (one task per slice of the design) all submit
their tasks through an :class:`Evaluator`, so each runs on the same three executors
with the same code. A task's result never depends on where it ran: every run draws
its random numbers from its own identity (model.spec.seeding).
"""

from __future__ import annotations

import multiprocessing as mp
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from typing import Any

EXECUTORS = ("serial", "processes", "dask")


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
        """Start ``fn(*args)``; returns a future (``.result()``, ``.cancel()``)."""
        if self._client is not None:
            return self._client.submit(fn, *args, pure=False)
        if self._pool is not None:
            return self._pool.submit(fn, *args)
        f: Future = Future()
        try:
            f.set_result(fn(*args))
        except Exception as exc:  # the caller decides what a failed task means
            f.set_exception(exc)
        return f

    def as_completed(self, futures: Iterable) -> Iterator:
        """The futures in the order they finish."""
        futures = list(futures)
        if self._client is not None:
            from dask.distributed import as_completed

            yield from as_completed(futures)
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
        return set(wait(futures, return_when=FIRST_COMPLETED).done)


@contextmanager
def evaluator(kind: str = "serial", workers: int | None = None, scheduler: str | None = None,
              initializer: Callable | None = None, initargs: tuple = ()) -> Iterator[Evaluator]:
    """An evaluator of the given kind, closed (workers stopped) on leaving the block."""
    n = workers or os.cpu_count() or 1
    if kind == "serial":
        if initializer is not None:
            initializer(*initargs)
        yield Evaluator("serial", 1)
    elif kind == "processes":
        with ProcessPoolExecutor(max_workers=n, mp_context=mp.get_context("spawn"), initializer=initializer,
                                 initargs=initargs) as pool:
            yield Evaluator("processes", n, pool=pool)
    elif kind == "dask":
        from dask.distributed import Client, LocalCluster  # the optional distributed executor

        cluster = None
        if scheduler:
            client = Client(scheduler)
        else:
            cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, host="127.0.0.1",
                                   dashboard_address=None)
            client = Client(cluster)
        try:
            if initializer is not None:
                client.run(initializer, *initargs)
            yield Evaluator("dask", n, client=client)
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
    else:
        raise ValueError(f"unknown executor {kind!r}; choose one of {', '.join(EXECUTORS)}")
