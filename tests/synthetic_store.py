"""A batch store written from given tables, as the batch writer leaves it (for tests that know every value)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from experiments.store.writer import open_store, record_chunk, write_chunk


def write_store(root: Path, run_table: pd.DataFrame, data: pd.DataFrame, meta: dict, chunks: int = 2,
                name: str = "synthetic") -> Path:
    """The run table split into ``chunks`` chunks, each with its rows of ``data``, under one manifest."""
    ident = {"experiment": name, "experiment_file": "synthetic.yaml", "experiment_sha256": "0" * 64,
             "runs": len(run_table), "chunk_size": -(-len(run_table) // chunks)}
    man = open_store(root, ident, meta, resume=False)
    for c, part in enumerate(np.array_split(np.arange(len(run_table)), chunks)):
        rt = run_table.iloc[part].assign(status="ok", error="")
        entry = write_chunk(root, c, range(int(part[0]), int(part[-1]) + 1),
                            data[data["run"].isin(rt["run"])].copy(), rt, {})
        record_chunk(root, man, entry)
    return root
