"""The docs' event tables are generated from the scenario files.

Every event table marked ``<!-- events:NAME -->`` ... ``<!-- /events -->`` in README.md,
docs/*.md and data/*.md equals what ``alliance scenarios --update-docs`` generates from
the scenario files.
"""

from __future__ import annotations

import pytest

from experiments.analysis import event_table
from experiments.cli.main import main
from model.spec.paths import ROOT

DOCUMENTS = sorted([ROOT / "README.md", *(ROOT / "docs").glob("*.md"), *(ROOT / "data").glob("*.md")])

def test_the_docs_event_tables_are_generated_from_the_scenarios():
    problems = []
    for doc in DOCUMENTS:
        text = doc.read_text(encoding="utf-8")
        problems += [f"{doc.relative_to(ROOT)}: the events of {name}" for name in event_table.stale(text, str(doc))]
    assert not problems, (f"stale event tables (run `{event_table.REGENERATE}`):\n" + "\n".join(problems))
    marked = [m.group("name") for doc in DOCUMENTS for m in event_table.MARKER.finditer(doc.read_text("utf-8"))]
    assert "historical_baseline" in marked


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
    assert len(lines) == 2 + 64  # the factual run's 58 events and the crisis's 6
    assert "| 2027.0 | `taiwan_crisis` | `China.ambition` | set 0.9 | Taiwan Strait crisis |" in "\n".join(lines)
    assert any("| set pko_1992 |" in line for line in lines)  # a switch by its state's name


@pytest.mark.parametrize("source, cell", [
    ("https://www.nato.int/a_b.htm", "[nato.int](https://www.nato.int/a_b.htm)"),
    ("data/china_russia_milestones.csv (2014-05)", "`data/china_russia_milestones.csv` (2014-05)"),
    ("a | b", "a \\| b"),
])
def test_sources_become_links_and_code(source, cell):
    assert event_table._source(source) == cell
