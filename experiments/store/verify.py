"""Checking a result store before reading it: every part is the part the manifest recorded.

The reader (experiments.store.reader) calls :func:`check_store` before it reads a row, and
refuses a damaged store with one line naming the command that repairs it
(``alliance batch EXPERIMENT --out DIR --resume`` reruns exactly the damaged chunks).

What is checked, and why not always sha256. Hashing reads every byte of the store:
``alliance results`` on a 10 GB store would take tens of seconds to print a summary that
needs only the manifest, and ``load(columns=[...], filters=...)`` reads a fraction of each
part. So the default checks read only each part's size and Parquet footer (a few kB):

- the part exists with the size in bytes the manifest recorded (a 0-byte or truncated
  part fails here);
- its footer is readable and gives the recorded row count and schema fingerprint (a
  part rewritten without some columns fails here);
- the minimum and maximum of its ``run`` column (footer statistics) lie in the chunk's
  runs (a part replaced by another chunk's valid Parquet fails here, even at equal size);
- a chunk without a data part has every run recorded as failed (a chunk whose data part
  went missing from the manifest would otherwise drop its runs from every summary);
- ``metadata.json`` agrees with the manifest (:func:`check_metadata`: the experiment's
  sha256, and the varied parameters against the runs parts' columns), since summaries
  read the design from it.

The content of every data page is covered by its CRC32 checksum, which the reader
verifies as it reads the page (experiments.store.atomic writes them), so a flipped bit
inside a part is refused when that page is read even where the footer is intact.

``full=True`` (:func:`experiments.store.reader.verify`, and ``alliance batch --resume``,
which rehashes to decide what to rerun) adds the sha256 of every byte. Parts recorded
before sizes and schemas were (older stores) are always hashed. Footers and hashes are
cached per process by (path, size, mtime), so a command that reads a store several
times checks each part once.
"""

from __future__ import annotations

import os
import shlex
from functools import lru_cache
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from experiments.store.manifest import schema_digest, sha256
from model.spec.errors import InputError


@lru_cache(maxsize=65536)
def _footer(path: str, size: int, mtime_ns: int) -> tuple | str:
    """(rows, schema fingerprint, run min, run max, column names) of a Parquet part, or why it is unreadable."""
    try:
        md = pq.read_metadata(path)
    except (OSError, ValueError, pa.ArrowException) as exc:
        return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    schema = md.schema.to_arrow_schema()
    lo = hi = None
    j = schema.get_field_index("run")
    if j >= 0:
        for g in range(md.num_row_groups):
            st = md.row_group(g).column(j).statistics
            if st is None or not st.has_min_max:
                return md.num_rows, schema_digest(schema), None, None, tuple(schema.names)
            lo = st.min if lo is None else min(lo, st.min)
            hi = st.max if hi is None else max(hi, st.max)
    return md.num_rows, schema_digest(schema), lo, hi, tuple(schema.names)


@lru_cache(maxsize=65536)
def _sha256(path: str, size: int, mtime_ns: int) -> str:
    return sha256(Path(path))


def _stat(path: Path) -> os.stat_result | None:
    try:
        return path.stat()
    except OSError:
        return None


def _run_span_problem(lo, hi, span: tuple[int, int], exact: bool) -> str | None:
    if lo is None:
        return None
    first, stop = span
    if lo < first or hi >= stop or (exact and (lo != first or hi != stop - 1)):
        return f"holds runs {lo}–{hi}, not this chunk's runs {first}–{stop - 1}"
    return None


def part_problem(root: Path, f: dict, span: tuple[int, int] | None = None, exact: bool = False,
                 full: bool = False) -> str | None:
    """What is wrong with one part of the manifest (None when it is as recorded)."""
    p = Path(root) / f["path"]
    st = _stat(p)
    if st is None or not p.is_file():
        return "is missing"
    if "bytes" in f and st.st_size != f["bytes"]:
        return f"has {st.st_size:,} bytes where {f['bytes']:,} were written"
    if p.suffix == ".csv":  # a run's CSV table has no footer to read: its size, and with ``full`` its sha256
        return "does not match its recorded sha256" if full and _sha256(str(p), st.st_size, st.st_mtime_ns) != \
            f["sha256"] else None
    footer = _footer(str(p), st.st_size, st.st_mtime_ns)
    if isinstance(footer, str):
        return f"is not readable Parquet ({footer})"
    rows, schema, lo, hi, _ = footer
    if rows != f["rows"]:
        return f"has {rows:,} rows where {f['rows']:,} were written"
    if "schema" in f and schema != f["schema"]:
        return "has other columns than the ones written"
    problem = _run_span_problem(lo, hi, span, exact) if span else None
    if problem:
        return problem
    if (full or "bytes" not in f or "schema" not in f) and _sha256(str(p), st.st_size, st.st_mtime_ns) != f["sha256"]:
        return "does not match its recorded sha256"
    return None


def repair_command(root: Path, man: dict) -> str:
    """The command that reruns a batch store's damaged chunks, quoted for a POSIX shell."""
    return shlex.join(["alliance", "batch", str(man["experiment_file"]), "--out", str(root), "--resume"])


def chunk_problem(root: Path, key: str, entry: dict, man: dict, full: bool = False) -> tuple[str, str] | None:
    """(where, what) is wrong with one chunk of the manifest, or None when every part is as recorded."""
    size = man["chunk_size"]
    first, stop = entry["runs"]
    if not key.isdigit() or first != int(key) * size or not first < stop <= min(man["runs"], first + size):
        return "manifest.json", f"lists runs {first}–{stop - 1}, which are not chunk {key}'s"
    if "data" not in entry["files"] and len(entry.get("failed", {})) < stop - first:
        return "manifest.json", (f"lists chunk {key} (runs {first}–{stop - 1}) without a data part, though not "
                                 "all of its runs failed")
    for name, f in entry["files"].items():
        problem = part_problem(root, f, (first, stop), exact=name == "runs", full=full)
        if problem:
            return f["path"], problem
    return None


def check_store(root: Path, man: dict, full: bool = False) -> None:
    """Raise one InputError, naming the part and the repair command, if a listed part is damaged."""
    root = Path(root)
    for key, entry in sorted(man["chunks"].items()):
        found = chunk_problem(root, key, entry, man, full)
        if found:
            raise InputError(str(root), None, None, f"damaged result store: {found[0]} {found[1]}; "
                             f"rerun the damaged chunks with: {repair_command(root, man)}")


_RUN_IDS = {"run", "scenario", "sample", "replication", "status", "error"}


def _run_columns(root: Path, man: dict) -> tuple[str, ...] | None:
    """The parameter columns of the store's runs parts (from the first part's footer; None without chunks)."""
    for _, entry in sorted(man["chunks"].items()):
        p = Path(root) / entry["files"]["runs"]["path"]
        st = _stat(p)
        footer = _footer(str(p), st.st_size, st.st_mtime_ns) if st else "missing"
        if not isinstance(footer, str):
            return tuple(c for c in footer[4] if c not in _RUN_IDS)
    return None


def metadata_problem(root: Path, man: dict, meta: dict) -> str | None:
    """What in ``metadata.json`` contradicts the manifest and the parts (None when they agree)."""
    if meta.get("experiment_sha256", man["experiment_sha256"]) != man["experiment_sha256"]:
        return "names another experiment (sha256) than manifest.json"
    if "parameters" not in meta:  # a store written by hand (tests) or before metadata listed them: nothing to compare
        return None
    params = meta["parameters"]
    if not (isinstance(params, list) and all(isinstance(p, str) for p in params)):
        return "has no list of the varied parameters ('parameters')"
    held = _run_columns(root, man)
    if held is not None and tuple(params) != held:
        return f"lists the varied parameters {params}, the runs tables hold {list(held)}"
    return None


def check_metadata(root: Path, man: dict, meta: dict) -> None:
    """Raise one InputError when a batch store's metadata.json contradicts its manifest (summaries read both)."""
    problem = metadata_problem(root, man, meta)
    if problem:
        raise InputError(str(root), None, None, f"damaged result store: metadata.json {problem}; rewrite it with: "
                         f"{repair_command(root, man)}")


def check_single(root: Path, path: Path, recorded: dict | None, repair: str, full: bool = False) -> None:
    """The same checks for the one table of an ``alliance run`` folder (when its metadata recorded them)."""
    if not recorded:
        return
    problem = part_problem(root, {**recorded, "path": path.name}, full=full)
    if problem:
        raise InputError(str(root), None, None, f"damaged result: {path.name} {problem}; rerun it with: {repair}")
