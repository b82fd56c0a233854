"""``alliance results DIR``: what a result folder holds, where each scenario ends up, and its rows as one table.

The header is the folder's description (runs per scenario, failures); below it, per scenario
(and per sample for designs) at the chosen dates, each world index's median and 5–95 %
range over runs and the mean paired difference from the baseline with its 95 % t-interval
(experiments.analysis.summary; docs/results.md). ``--format csv|json`` prints the summary
alone on stdout (the header goes to stderr) so it can be piped.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd

from experiments.analysis.summary import STATS, legal_steps, summarise
from experiments.cli.command import Command
from experiments.store.atomic import remove_stale_temporaries, table_path, write_table
from experiments.store.reader import columns, describe, load
from model.spec.errors import InputError
from model.spec.scenario import BASELINE
from model.spec.world import DEFAULT_DYAD

EXPORTS = {".parquet": "parquet", ".csv": "csv"}
FORMATS = ("table", "csv", "json")


def export_format(path: str | None, source: str | None = None) -> str | None:
    """The table format of an ``--export`` file from its extension (.parquet or .csv), refusing any other, and
    refusing a file inside the result folder ``source`` it exports (it could replace a part of the store)."""
    if path is None:
        return None
    suffix = Path(path).suffix.lower()
    if suffix not in EXPORTS:
        raise InputError(str(path), None, "--export", f"unknown extension '{suffix or '(none)'}': "
                         "write .parquet or .csv")
    if source is not None and Path(path).resolve().is_relative_to(Path(source).resolve()):
        raise InputError(str(path), None, "--export", f"is inside the result folder {source} that it exports "
                         "(it could replace a file of the store); write it outside that folder")
    return EXPORTS[suffix]


def _signed(v) -> str:
    return "" if pd.isna(v) else f"{v:+.4f}"


def aligned(t: pd.DataFrame, left: list[str]) -> str:
    """Plain-text columns: text ids left-aligned, numbers right-aligned, two spaces apart."""
    cells = {c: [str(c)] + [str(v) for v in t[c]] for c in t.columns}
    width = {c: max(map(len, v)) for c, v in cells.items()}
    rows = zip(*[[x.ljust(width[c]) if c in left else x.rjust(width[c]) for x in v] for c, v in cells.items()])
    return "\n".join("  ".join(r).rstrip() for r in rows)


def _block(rows: pd.DataFrame, lead: list[str], base: str | None) -> str:
    """One outcome at one date (and domain): a line per scenario (and sample)."""
    t = rows[lead].copy()
    for c in lead[2:]:  # the varied parameters of a design
        t[c] = t[c].map(lambda v: f"{v:.4g}")
    t["runs"] = rows["n"]
    for col, head in (("median", "median"), ("q05", "5 %"), ("q95", "95 %")):
        t[head] = rows[col].map(lambda v: f"{v:.3f}")
    t["Δ"] = [("baseline" if s == base else "") if p == 0 else _signed(m)
              for s, p, m in zip(rows["scenario"], rows["pairs"], rows["diff_mean"])]
    t["interval"] = ["" if p == 0 or pd.isna(lo) else f"[{_signed(lo)}, {_signed(hi)}]"
                     for p, lo, hi in zip(rows["pairs"], rows["diff_low"], rows["diff_high"])]
    return aligned(t, left=["scenario"])


def format_table(df: pd.DataFrame) -> str:
    """The summary as plain-text blocks, one per outcome (or domain) and date."""
    base = df.attrs.get("baseline")
    level = f"{df.attrs.get('level', 0.95):.0%}".replace("%", " %")
    diff = (f"Δ: mean of paired differences from {base} (runs with the same sample and replication) with its "
            f"{level} t-interval" if base else f"no baseline scenario in the store (default {BASELINE}): no Δ")
    lines = ["median and 5–95 % range over runs; " + diff]
    by_domain = "domain" in df.columns
    lead = [c for c in df.columns if c not in ("date", "outcome", "domain", *STATS)]
    keys = ["domain", "date"] if by_domain else ["outcome", "date"]
    ordered = df.sort_values(keys, kind="stable", key=lambda c: c.map({v: i for i, v in enumerate(dict.fromkeys(c))}))
    for key, rows in ordered.groupby(keys, sort=False):
        what = f"{'–'.join(df.attrs.get('dyad') or DEFAULT_DYAD)} cooperation in {key[0]}" if by_domain else key[0]
        lines += ["", f"{what} at {key[1]:g}", _block(rows, lead, base)]
    return "\n".join(lines)


def format_steps(steps: pd.DataFrame) -> str:
    """The legal steps the runs took: per scenario and step, the share of runs, the median date and its 5–95 %
    range, beside the historical date (data/legal_steps.csv)."""
    t = pd.DataFrame({"scenario": steps["scenario"], "step": steps["step"], "runs": steps["runs"],
                      "taken": steps["taken"].map(lambda v: f"{v:.0%}"),
                      "median": steps["median"].map(lambda v: "" if pd.isna(v) else f"{v:.2f}"),
                      "5–95 %": ["" if pd.isna(lo) else f"{lo:.2f} – {hi:.2f}"
                                 for lo, hi in zip(steps["q05"], steps["q95"])],
                      "historical": steps["historical"].map(lambda v: "—" if pd.isna(v) else f"{v:.2f}")})
    return ("legal steps: the runs that took each within the horizon, the median date and 5–95 % range of those "
            "that did, and the historical date\n" + aligned(t, left=["scenario", "step"]))


def format_json(df: pd.DataFrame) -> str:
    """The summary as one JSON object: what the numbers are, then one record per row."""
    head = {k: df.attrs.get(k) for k in ("source", "baseline", "dates", "level", "interval", "by", "dyad")}
    head["rows"] = json.loads(df.to_json(orient="records"))
    return json.dumps(head, indent=2)


def _summary_text(df: pd.DataFrame, fmt: str) -> str:
    if fmt == "csv":
        return df.to_csv(index=False).rstrip("\n")
    return format_json(df) if fmt == "json" else format_table(df)


def _run(args) -> int:
    fmt = export_format(args.export, args.dir)
    notes = sys.stdout if args.format == "table" else sys.stderr  # csv and json keep stdout to the data
    header = describe(args.dir)
    if not columns(args.dir):
        print(header + "\n(no rows yet: nothing to summarise)", file=notes)
    else:
        df = summarise(args.dir, dates=args.dates, baseline=args.baseline, by=args.by, dyad=args.dyad)
        print(header + ("\n" if notes is sys.stdout else ""), file=notes)
        print(_summary_text(df, args.format))
        steps = legal_steps(args.dir)
        if not steps.empty and args.format == "table":
            print("\n" + format_steps(steps))
    if fmt:
        rows = load(args.dir)
        path = table_path(Path(args.export), fmt)
        remove_stale_temporaries(path.parent, [path.name])  # left by an export that was killed
        write_table(rows, path, fmt)
        print(f"wrote {path} ({len(rows):,} rows)", file=notes)
    return 0


def _configure(p) -> None:
    p.add_argument("dir", help="result folder written by run or batch")
    p.add_argument("--dates", type=float, nargs="+", metavar="YEAR",
                   help="dates to summarise (default: the experiment's summary dates, else 2025 and 2040)")
    p.add_argument("--baseline", help=f"scenario the differences are taken from (default {BASELINE} when present)")
    p.add_argument("--by", choices=["domain"],
                   help="summarise one dyad's cooperation in each domain instead of the world indices")
    p.add_argument("--dyad", nargs=2, metavar=("A", "B"), default=list(DEFAULT_DYAD),
                   help="the dyad for --by domain (default Japan NATO)")
    p.add_argument("--format", choices=FORMATS, default="table",
                   help="table (default), or csv/json on stdout with the folder description on stderr")
    p.add_argument("--export", metavar="FILE", help="also write all rows to one .parquet or .csv file")


RESULTS = Command("results", "summarise a result folder (indices by scenario, differences from the baseline) and "
                  "optionally export it as one table", _configure, _run,
                  out_flag=lambda args: "--export" if args.export else None)
