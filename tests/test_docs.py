"""The documentation points only inside the repository, and its generated tables are in step with the YAML.

- Every repository path that README.md, docs/*.md and data/*.md name exists: paths in code
  spans and code blocks that start with a top-level folder of the repository (``model/``,
  ``experiments/``, ``scenarios/``, ``data/``, ``docs/``, ``tests/``, ``benchmarks/``), and
  every relative markdown link target (resolved from the document's folder).
- Paths under the folders that commands *write* (``OUTPUT_ROOTS``: ``results/`` for runs,
  batches, figures and calibrations, ``artifacts/`` for the browser test's screenshots) are
  outputs, not part of the repository; they are accepted without being looked for. Both
  folders are in .gitignore.
- A placeholder segment (``NAME``, ``DIR``, ``CONFIG-NAME``: capitals) or a glob (``*``)
  must match at least one file; ``tests/FILE.py::test_name`` must name a test in that file.
- No tracked file cites the source article by line number of a file outside the repository,
  names that file, or names an absolute path of the machine it was written on.
- Every event table marked ``<!-- events:NAME -->`` ... ``<!-- /events -->`` equals what
  ``alliance scenarios --update-docs`` generates from the scenario files.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from experiments.analysis import event_table
from experiments.cli.main import main
from model.spec.paths import ROOT
from model.spec.scenario import load_scenario

DOCUMENTS = sorted([ROOT / "README.md", *(ROOT / "docs").glob("*.md"), *(ROOT / "data").glob("*.md")])
REPO_ROOTS = ("model", "experiments", "scenarios", "data", "docs", "tests", "benchmarks")
OUTPUT_ROOTS = ("results", "artifacts")  # written by commands (make run, alliance ..., the browser test); gitignored
_PATH = re.compile(rf"(?<![\w./<>-])((?:{'|'.join(REPO_ROOTS + OUTPUT_ROOTS)})/[^\s`'\"(),;|{{}}\]]*)")
_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
_CODE = re.compile(r"`([^`\n]+)`")
_FENCE = re.compile(r"^\s*```")
_PLACEHOLDER = re.compile(r"^[A-Z][A-Z0-9_-]*$")

# What no tracked file may contain (built from pieces, so that this file does not contain them itself).
FORBIDDEN = {
    "a citation by line number of the source article's text file": re.compile("seed,?" + r"\s+lines?\b", re.I),
    "the source article's text file": re.compile(re.escape("japan_nato_2024" + ".txt")),
    "an absolute path of the machine the project was written on": re.compile("(?<![\\w.])/(?:wo" + "rk|ro" + "ot)/"),
}


def _spans(text: str):
    """(line number, text, is_link) of each code span, code-block line and markdown link target."""
    fenced = False
    for n, line in enumerate(text.splitlines(), 1):
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if fenced:
            yield n, line, False
            continue
        for m in _CODE.finditer(line):
            yield n, m.group(1), False
        for m in _LINK.finditer(_CODE.sub("", line)):
            yield n, m.group(1), True


def _exists(path: str, base: Path) -> str | None:
    """Why ``path`` (relative to ``base``) names nothing in the repository, or None when it does."""
    path, _, test = path.partition("::")
    path = re.sub(r"(:\d+)+:?$", "", path).rstrip(".:")  # file:line as in an error message
    parts = path.split("/")
    if parts[0] in OUTPUT_ROOTS:
        return None
    pattern = "/".join("*" if _PLACEHOLDER.match(p.split(".")[0]) else p for p in parts)
    if any(c in pattern for c in "*?["):
        return None if any(base.glob(pattern.rstrip("/"))) else "no file matches"
    target = base / path
    if not target.exists():
        return "does not exist"
    if test and not re.search(rf"^def {re.escape(test)}\b", target.read_text(encoding="utf-8"), re.M):
        return f"has no test '{test}'"
    return None


def path_problems(doc: Path, root: Path = ROOT) -> list[str]:
    """``file:line: `path` <why>`` for each path in ``doc`` that names nothing in the repository."""
    problems = []
    for n, span, is_link in _spans(doc.read_text(encoding="utf-8")):
        if is_link:
            target = span.split("#")[0]
            if not target or re.match(r"^[a-z]+:", target):  # a web page, mail, or an anchor in the page
                continue
            candidates = [(target, doc.parent)]
        else:
            candidates = [(m.group(1), root) for m in _PATH.finditer(span)]
        for path, base in candidates:
            why = _exists(path, base)
            if why:
                problems.append(f"{doc.relative_to(root)}:{n}: `{path}` {why}")
    return problems


def forbidden_mentions(files, root: Path = ROOT) -> list[str]:
    out = []
    for f in files:
        try:
            text = (root / f).read_text(encoding="utf-8")
        except (UnicodeDecodeError, IsADirectoryError, FileNotFoundError):
            continue  # binary files (figures, Parquet)
        for n, line in enumerate(text.splitlines(), 1):
            out += [f"{f}:{n}: {what}" for what, pattern in FORBIDDEN.items() if pattern.search(line)]
    return out


def _tracked() -> list[str]:
    try:
        listed = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
        return listed.splitlines()
    except (OSError, subprocess.CalledProcessError):  # no git (an unpacked archive): every file but the ignored
        skip = {".git", ".venv", "results", "artifacts", "__pycache__", ".pytest_cache", ".ruff_cache", ".hypothesis"}
        return [str(p.relative_to(ROOT)) for p in ROOT.rglob("*")
                if p.is_file() and not skip & set(p.relative_to(ROOT).parts)]


def test_every_path_the_docs_name_exists():
    problems = [p for doc in DOCUMENTS for p in path_problems(doc)]
    assert not problems, "paths in the docs that name nothing in the repository:\n" + "\n".join(problems)


def test_no_tracked_file_points_outside_the_repository():
    problems = forbidden_mentions(_tracked())
    assert not problems, ("cite the article as 'Or-Rashid 2024, §Section' (docs/ODD.md, References); "
                          "found:\n" + "\n".join(problems))


def test_the_docs_event_tables_are_generated_from_the_scenarios():
    problems = []
    for doc in DOCUMENTS:
        text = doc.read_text(encoding="utf-8")
        problems += [f"{doc.relative_to(ROOT)}: the events of {name}" for name in event_table.stale(text, str(doc))]
    assert not problems, (f"stale event tables (run `{event_table.REGENERATE}`):\n" + "\n".join(problems))
    marked = [m.group("name") for doc in DOCUMENTS for m in event_table.MARKER.finditer(doc.read_text("utf-8"))]
    assert "historical_baseline" in marked


# --- the checks themselves: they fail on what they should, and accept outputs and placeholders


def test_a_bad_path_is_named_with_file_and_line(tmp_path):
    (tmp_path / "model").mkdir()
    (tmp_path / "model" / "here.py").write_text("def test_x():\n    pass\n")
    doc = tmp_path / "docs.md"
    doc.write_text("# t\n\nsee `model/here.py` and `model/gone.py`\n\n```\npython model/moved.py\n```\n"
                   "[link](model/here.py) [dead](nowhere.md) [web](https://example.org/x.md)\n"
                   "`results/shipped/figures/x.png` `model/NAME.py` `model/*.txt`\n"
                   "`model/here.py::test_x` `model/here.py::test_y`\n")
    assert path_problems(doc, tmp_path) == [
        "docs.md:3: `model/gone.py` does not exist",
        "docs.md:6: `model/moved.py` does not exist",
        "docs.md:8: `nowhere.md` does not exist",
        "docs.md:9: `model/*.txt` no file matches",
        "docs.md:10: `model/here.py::test_y` has no test 'test_y'",
    ]


def test_forbidden_mentions_are_found(tmp_path):
    (tmp_path / "a.md").write_text("ok\n" + "see the seed" + " line 45\n")
    (tmp_path / "b.yaml").write_text("source: '/wo" + "rk/shared/x'\n")
    (tmp_path / "c.txt").write_text("japan_nato_2024" + ".txt\n")
    (tmp_path / "d.md").write_text("--seed 1 and the seed of a run; /usr/work/ is fine\n")
    found = forbidden_mentions(["a.md", "b.yaml", "c.txt", "d.md"], tmp_path)
    assert [f.split(": ")[0] for f in found] == ["a.md:2", "b.yaml:1", "c.txt:1"]


def test_a_stale_event_table_is_found_and_regenerated(tmp_path, capsys):
    doc = tmp_path / "doc.md"
    text = (ROOT / "docs" / "scenarios.md").read_text(encoding="utf-8")
    row = "| `gulf_crisis` | `world.terrorism` | add 0.1 |"
    assert row in text
    doc.write_text(text.replace(row, row.replace("add 0.1", "add 0.2")))
    assert event_table.stale(doc.read_text(), str(doc)) == ["historical_baseline"]
    assert main(["scenarios", "--update-docs", str(doc)]) == 0
    assert "regenerated the events of historical_baseline" in capsys.readouterr().out
    assert doc.read_text() == text
    assert main(["scenarios", "--update-docs", str(doc)]) == 0
    assert "up to date" in capsys.readouterr().out


def test_a_marker_naming_no_scenario_is_an_error_with_file_and_line(tmp_path, capsys):
    doc = tmp_path / "doc.md"
    doc.write_text("x\n\n<!-- events:historical_baselin -->\n<!-- /events -->\n")
    assert main(["scenarios", "--update-docs", str(doc)]) == 2
    err = capsys.readouterr().err
    assert "doc.md:3: field 'events': no such scenario 'historical_baselin'" in err and "did you mean" in err


def test_events_prints_a_scenario_s_events_as_a_markdown_table(capsys):
    assert main(["scenarios", "--events", "taiwan_crisis"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "| date | id | quantity | change | label | source |"
    assert len(lines) == 2 + len(load_scenario("taiwan_crisis").events)  # the factual run's and the crisis's
    assert "| 2027.0 | `taiwan_crisis` | `China.ambition` | set 0.9 | Taiwan Strait crisis |" in "\n".join(lines)
    assert main(["scenarios", "--events", "article9_amendment"]) == 0
    assert any("| set amendment |" in line for line in capsys.readouterr().out.splitlines())  # a switch by name


@pytest.mark.parametrize("source, cell", [
    ("https://www.nato.int/a_b.htm", "[nato.int](https://www.nato.int/a_b.htm)"),
    ("data/china_russia_milestones.csv (2014-05)", "`data/china_russia_milestones.csv` (2014-05)"),
    ("a | b", "a \\| b"),
])
def test_sources_become_links_and_code(source, cell):
    assert event_table._source(source) == cell
