"""The result store: atomic writes, the manifest, the lock, and the one reader (``load``, ``runs`` ...)."""

from experiments.store.reader import columns, describe, load, metadata, runs, verify

__all__ = ["columns", "describe", "load", "metadata", "runs", "verify"]
