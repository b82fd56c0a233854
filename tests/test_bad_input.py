"""Bad user input through the ``alliance`` CLI: one clear error, exit status 2, nothing written.

Every case writes its (broken) files under ``tmp_path``, runs the CLI (in process through
``experiments.cli.main.main`` and, for a few cases, as a separate process) and checks the contract of
``model/cli.py``: exit status 2, exactly one stderr line, starting with ``error: ``, naming
the file, the line (where one applies) and the field, no traceback, and no ``--out`` folder.
"""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from experiments.cli.main import main
from model.spec.scenario import shipped
from model.spec.yamlio import MAX_BYTES

ROOT = Path(__file__).resolve().parent.parent

VALID_EVENT = """\
  - date: 2000.0
    quantity: Japan.dovish
    set: 0.5
"""


@dataclass
class Case:
    """A broken input: the files to write, which one to pass, and what the error must name."""

    files: dict[str, str]
    entry: str
    file: str | None  # the file the error must name (None: same as entry)
    line: int | None  # the line the error must name (None: no line applies)
    field: str | None  # the field the error must name (None: no field applies)
    says: tuple[str, ...] = ()  # further text the message must contain
    extra: dict = field(default_factory=dict)


def _bomb(levels: int = 9, width: int = 9) -> str:
    """The "billion laughs" YAML bomb: width**levels strings if aliases were expanded."""
    rows = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for k in range(1, levels):
        rows.append(f"l{k}: &l{k} [" + ", ".join([f"*l{k - 1}"] * width) + "]")
    return "\n".join(rows) + "\n"


def _huge() -> str:
    """A scenario that is valid YAML but larger than the reader's limit."""
    pad = "# " + "x" * 98 + "\n"
    return "name: huge\n" + pad * (MAX_BYTES // len(pad) + 10)


WORLD_OK_TAIL = """\
  - name: NATO
    lat: 50.85
    lon: 4.35
"""

CASES: dict[str, Case] = {
    "malformed_yaml_unclosed_bracket": Case(
        {"s.yaml": "name: bad\ndescription: [unclosed\nhorizon: {start: 1990.0, end: 2040.0}\n"},
        # The bracket opens on line 2; the parser finds the problem on line 3.
        "s.yaml", None, 3, None, ("malformed YAML",)),
    "unknown_top_level_key": Case(
        {"s.yaml": "name: bad\nevnets:\n" + VALID_EVENT},
        "s.yaml", None, 2, "evnets", ("unknown key", "did you mean 'events'")),
    "unknown_event_key": Case(
        {"s.yaml": "name: bad\nevents:\n  - date: 2000.0\n    quantitty: Japan.dovish\n    set: 0.5\n"},
        "s.yaml", None, 4, "events[0].quantitty", ("unknown key", "did you mean 'quantity'")),
    "unknown_actor_in_quantity": Case(
        {"s.yaml": "name: bad\nevents:\n  - date: 2000.0\n    quantity: Japn.dovish\n    set: 0.5\n"},
        "s.yaml", None, 4, "events[0].quantity", ("unknown actor 'Japn'", "did you mean 'Japan'")),
    "unknown_domain_in_quantity": Case(
        {"s.yaml": "name: bad\nevents:\n  - date: 2000.0\n    quantity: floor.Japan.NATO.exercise\n"
                   "    set: 0.5\n"},
        "s.yaml", None, 4, "events[0].quantity", ("unknown domain 'exercise'", "did you mean 'exercises'")),
    "unknown_actor_attribute": Case(
        {"s.yaml": "name: bad\nevents:\n  - date: 2000.0\n    quantity: Japan.dovishness\n    set: 0.5\n"},
        "s.yaml", None, 4, "events[0].quantity", ("dovishness", "did you mean 'dovish'")),
    "unknown_quantity_head": Case(
        {"s.yaml": "name: bad\nevents:\n  - date: 2000.0\n    quantity: flor.Japan.NATO.all\n    set: 0.5\n"},
        "s.yaml", None, 4, "events[0].quantity", ("unknown quantity", "did you mean 'floor'")),
    "event_after_horizon": Case(
        {"s.yaml": "name: bad\nhorizon: {start: 1990.0, end: 2040.0}\nevents:\n"
                   "  - date: 2050.0\n    quantity: Japan.dovish\n    set: 0.5\n"},
        "s.yaml", None, 4, "events[0].date", ("outside the horizon",)),
    "event_before_horizon": Case(
        {"s.yaml": "name: bad\nhorizon: {start: 1990.0, end: 2040.0}\nevents:\n" + VALID_EVENT
                   + "  - date: 1985.0\n    quantity: Japan.dovish\n    set: 0.5\n"},
        "s.yaml", None, 7, "events[1].date", ("outside the horizon",)),
    "event_value_out_of_range": Case(
        {"s.yaml": "name: bad\nevents:\n  - date: 2000.0\n    quantity: Japan.dovish\n    set: 1.5\n"},
        "s.yaml", None, 5, "events[0].set", ("1.5", "outside the range")),
    "parameter_out_of_range": Case(
        {"s.yaml": "name: bad\nparameters:\n  decay_rate: 0.02\n  build_rate: 5\n"},
        "s.yaml", None, 4, "parameters.build_rate", ("outside the allowed range",)),
    "unknown_parameter": Case(
        {"s.yaml": "name: bad\nparameters:\n  biuld_rate: 0.1\n"},
        "s.yaml", None, 3, "parameters.biuld_rate", ("unknown parameter", "did you mean 'build_rate'")),
    "unknown_constitution_state": Case(
        {"s.yaml": "name: bad\nevents:\n  - date: 2000.0\n    quantity: Japan.constitution\n"
                   "    set: amendmen\n"},
        "s.yaml", None, 5, "events[0].set", ("unknown state 'amendmen'", "did you mean 'amendment'")),
    "switch_with_add": Case(
        {"s.yaml": "name: bad\nevents:\n  - date: 2000.0\n    quantity: Japan.constitution\n    add: 1\n"},
        "s.yaml", None, 5, "events[0].add", ("is a switch",)),
    "cyclic_extends": Case(
        {"a.yaml": "name: a\nextends: b.yaml\n", "b.yaml": "name: b\nextends: a.yaml\n"},
        # a -> b -> a: the error is reported where the cycle closes, at b's extends.
        "a.yaml", "b.yaml", 2, "extends", ("cyclic extends",)),
    "self_extends": Case(
        {"a.yaml": "name: a\ndescription: me\nextends: a.yaml\n"},
        "a.yaml", None, 3, "extends", ("cyclic extends",)),
    "extends_missing_parent": Case(
        {"a.yaml": "name: a\nextends: historical_baselin\n"},
        "a.yaml", None, 2, "extends", ("no such scenario", "did you mean 'historical_baseline'")),
    "document_is_a_list": Case(
        {"s.yaml": "- name: bad\n- events: []\n"},
        "s.yaml", None, 1, None, ("must be a YAML mapping", "LocatedList")),
    "document_is_a_scalar": Case(
        {"s.yaml": "just some words\n"},
        "s.yaml", None, 1, None, ("must be a YAML mapping", "str")),
    "document_is_empty": Case(
        {"s.yaml": ""},
        "s.yaml", None, 1, None, ("must be a YAML mapping", "empty")),
    "anchor_alias_bomb": Case(
        {"s.yaml": _bomb()},
        "s.yaml", None, 1, None, ("anchors and aliases are not allowed",)),
    "alias_without_anchor": Case(
        {"s.yaml": "name: bad\ndescription: *nothing\n"},
        "s.yaml", None, 2, None, ("anchors and aliases are not allowed",)),
    "huge_file": Case(
        {"s.yaml": _huge()},
        "s.yaml", None, None, None, ("the limit is",)),
    "duplicate_top_level_key": Case(
        {"s.yaml": "name: bad\ndescription: one\nname: again\n"},
        "s.yaml", None, 3, "name", ("duplicate key",)),
    "duplicate_event_key": Case(
        {"s.yaml": "name: bad\nevents:\n  - date: 2000.0\n    quantity: Japan.dovish\n    set: 0.5\n"
                   "    set: 0.6\n"},
        "s.yaml", None, 6, "set", ("duplicate key",)),
    "world_unknown_actor_in_relations": Case(
        {"scen/s.yaml": "name: bad\nworld: worlds/bad.yaml\n",
         "scen/worlds/bad.yaml": "name: bad_world\nactors:\n  - name: Japan\n    lat: 35.7\n    lon: 139.7\n"
                                 + WORLD_OK_TAIL
                                 + "relations:\n  - between: [Japan, NAT0]\n    alliance: 0.5\n"},
        "scen/s.yaml", "scen/worlds/bad.yaml", 10, "relations.between",
        ("unknown actor 'NAT0'", "did you mean 'NATO'")),
    "world_missing_lat": Case(
        {"scen/s.yaml": "name: bad\nworld: worlds/bad.yaml\n",
         "scen/worlds/bad.yaml": "name: bad_world\nactors:\n  - name: Japan\n    lon: 139.7\n" + WORLD_OK_TAIL},
        # A missing key is reported at the start of the actor's mapping.
        "scen/s.yaml", "scen/worlds/bad.yaml", 3, "actors[Japan].lat", ("required key is missing",)),
    "world_file_missing": Case(
        {"scen/s.yaml": "name: bad\ndescription: x\nworld: worlds/nowhere.yaml\n"},
        "scen/s.yaml", None, 3, "world", ("no such world file",)),
}


def write_case(tmp_path: Path, case: Case) -> tuple[Path, Path]:
    """Write the case's files; return (path to pass to the CLI, path the error must name)."""
    for name, text in case.files.items():
        p = tmp_path / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    return tmp_path / case.entry, tmp_path / (case.file or case.entry)


def check_one_error(rc: int, out: str, err: str, named: Path | str, line: int | None, field: str | None,
                    says=(), out_dir: Path | None = None) -> str:
    """The CLI's contract for a user mistake; returns the message (without ``error: ``)."""
    assert "Traceback" not in out + err, err
    assert rc == 2, (rc, out, err)
    lines = err.splitlines()
    assert len(lines) == 1, f"expected exactly one stderr line, got {len(lines)}:\n{err}"
    assert lines[0].startswith("error: "), lines[0]
    msg = lines[0][len("error: "):]
    name = named.name if isinstance(named, Path) else named
    assert name in msg, msg
    if line is not None:
        assert f"{name}:{line}:" in msg, msg
    if field is not None:
        assert f"field '{field}'" in msg, msg
    for text in says:
        assert text in msg, msg
    if out_dir is not None:
        assert not out_dir.exists(), f"{out_dir} was created despite the error"
    return msg


def cli(argv: list[str], capsys) -> tuple[int, str, str]:
    """Run ``alliance ARGV`` in process."""
    rc = main([str(a) for a in argv])
    cap = capsys.readouterr()
    return rc, cap.out, cap.err


def cli_subprocess(argv: list[str], timeout: float = 120) -> tuple[int, str, str]:
    """Run ``alliance ARGV`` as a separate process (``python -m experiments.cli.main``)."""
    proc = subprocess.run([sys.executable, "-m", "experiments.cli.main", *[str(a) for a in argv]], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)
    return proc.returncode, proc.stdout, proc.stderr


# ----------------------------------------------------------------- every case through run and validate
@pytest.mark.parametrize("command", ["run", "validate"])
@pytest.mark.parametrize("name", list(CASES))
def test_bad_scenario_in_process(name, command, tmp_path, capsys):
    case = CASES[name]
    entry, named = write_case(tmp_path, case)
    out_dir = tmp_path / "out"
    argv = ["run", entry, "--out", out_dir] if command == "run" else ["validate", entry]
    rc, out, err = cli(argv, capsys)
    check_one_error(rc, out, err, named, case.line, case.field, case.says, out_dir)


@pytest.mark.parametrize("name", ["unknown_top_level_key", "anchor_alias_bomb", "world_unknown_actor_in_relations",
                                  "cyclic_extends", "huge_file"])
def test_bad_scenario_subprocess(name, tmp_path):
    case = CASES[name]
    entry, named = write_case(tmp_path, case)
    out_dir = tmp_path / "out"
    rc, out, err = cli_subprocess(["run", entry, "--out", out_dir])
    check_one_error(rc, out, err, named, case.line, case.field, case.says, out_dir)


# ----------------------------------------------------------------- specific properties
def test_message_format_is_file_line_field(tmp_path, capsys):
    """The whole message, exactly: ``file:line: field 'x': message``."""
    entry, _ = write_case(tmp_path, CASES["unknown_top_level_key"])
    rc, _, err = cli(["validate", entry], capsys)
    assert rc == 2
    assert err.startswith(f"error: {entry}:2: field 'evnets': unknown key (did you mean 'events'?)")


def test_bomb_is_refused_without_expanding(tmp_path, capsys):
    entry, named = write_case(tmp_path, CASES["anchor_alias_bomb"])
    out_dir = tmp_path / "out"
    t0 = time.perf_counter()
    rc, out, err = cli(["run", entry, "--out", out_dir], capsys)
    elapsed = time.perf_counter() - t0
    check_one_error(rc, out, err, named, 1, None, ("anchors",), out_dir)
    assert elapsed < 2.0, f"refusing the bomb took {elapsed:.2f}s"


def test_huge_file_is_refused_with_size(tmp_path, capsys):
    entry, named = write_case(tmp_path, CASES["huge_file"])
    assert entry.stat().st_size > MAX_BYTES
    rc, out, err = cli(["validate", entry], capsys)
    msg = check_one_error(rc, out, err, named, None, None)
    assert f"{MAX_BYTES:,}" in msg
    assert f"{named.name}:" in msg and f"{named.name}:1" not in msg  # no line: the file was not read


def test_world_path_resolves_against_scenario_folder(tmp_path, capsys, monkeypatch):
    """``world: worlds/bad.yaml`` is read from the scenario's folder, whatever the working directory."""
    entry, named = write_case(tmp_path, CASES["world_missing_lat"])
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    rc, out, err = cli(["validate", entry], capsys)
    check_one_error(rc, out, err, named, 3, "actors[Japan].lat")
    assert str(named) in err


def test_error_in_parent_names_the_parent(tmp_path, capsys):
    """A mistake in an ``extends`` ancestor is reported in the ancestor's file and line."""
    (tmp_path / "parent.yaml").write_text("name: parent\nevents:\n" + VALID_EVENT
                                          + "  - date: 2001.0\n    quantity: Japan.dovish\n    set: 2.0\n")
    (tmp_path / "child.yaml").write_text("name: child\nextends: parent.yaml\n")
    out_dir = tmp_path / "out"
    rc, out, err = cli(["run", tmp_path / "child.yaml", "--out", out_dir], capsys)
    check_one_error(rc, out, err, tmp_path / "parent.yaml", 8, "events[1].set", ("outside the range",), out_dir)


def test_child_horizon_puts_parent_event_outside(tmp_path, capsys):
    (tmp_path / "parent.yaml").write_text("name: parent\nevents:\n" + VALID_EVENT)
    (tmp_path / "child.yaml").write_text("name: child\nextends: parent.yaml\nhorizon: {start: 2010.0, end: 2040.0}\n")
    rc, out, err = cli(["validate", tmp_path / "child.yaml"], capsys)
    check_one_error(rc, out, err, tmp_path / "parent.yaml", 3, "events[0].date", ("outside the horizon",))


# ----------------------------------------------------------------- --set on the run command
SET_CASES = {
    "unknown_parameter": (["biuld_rate=0.1"], "biuld_rate", ("unknown parameter", "did you mean 'build_rate'")),
    "out_of_range": (["build_rate=5"], "build_rate", ("outside the allowed range",)),
    "not_a_number": (["build_rate=fast"], "build_rate", ("not a number",)),
    "not_finite": (["build_rate=nan"], "build_rate", ("finite",)),
    "no_equals": (["build_rate"], "build_rate", ("NAME=VALUE",)),
    "second_of_two_is_bad": (["build_rate=0.1", "decay_rate=9"], "decay_rate", ("outside the allowed range",)),
}


@pytest.mark.parametrize("name", list(SET_CASES))
def test_bad_set_override(name, tmp_path, capsys):
    sets, fld, says = SET_CASES[name]
    out_dir = tmp_path / "out"
    argv = ["run", "historical_baseline", "--out", out_dir]
    for s in sets:
        argv += ["--set", s]
    rc, out, err = cli(argv, capsys)
    check_one_error(rc, out, err, "--set", None, fld, says, out_dir)


def test_bad_set_override_subprocess(tmp_path):
    out_dir = tmp_path / "out"
    rc, out, err = cli_subprocess(["run", "historical_baseline", "--set", "build_rate=5", "--out", out_dir])
    check_one_error(rc, out, err, "--set", None, "build_rate", ("outside the allowed range",), out_dir)


def test_bad_replications(tmp_path, capsys):
    out_dir = tmp_path / "out"
    rc, out, err = cli(["run", "historical_baseline", "--replications", "0", "--out", out_dir], capsys)
    check_one_error(rc, out, err, "--replications", None, "replications", (), out_dir)


def test_missing_scenario_file(tmp_path, capsys):
    out_dir = tmp_path / "out"
    rc, out, err = cli(["run", tmp_path / "nowhere.yaml", "--out", out_dir], capsys)
    check_one_error(rc, out, err, "nowhere.yaml", None, None, ("no such scenario",), out_dir)


def test_unknown_shipped_name_suggests(tmp_path, capsys):
    rc, out, err = cli(["validate", "historical_baselin"], capsys)
    check_one_error(rc, out, err, "historical_baselin", None, None, ("did you mean 'historical_baseline'",))


# ----------------------------------------------------------------- shipped scenarios are valid
@pytest.mark.parametrize("path", shipped(), ids=lambda p: p.stem)
def test_validate_shipped_scenario(path, capsys):
    rc, out, err = cli(["validate", path], capsys)
    assert rc == 0, err
    assert err == ""
    assert "ok" in out


def test_validate_shipped_by_name_subprocess():
    rc, out, err = cli_subprocess(["validate", "historical_baseline"])
    assert rc == 0, err
    assert "ok" in out and "Traceback" not in err


def test_shipped_scenarios_exist():
    assert len(shipped()) >= 8


# ------------------------------------- hostile inputs that once crashed the reader (now clean errors)
HOSTILE = {
    "unhashable_key": (
        "name: bad\n? [a, b]\n: 1\n", 2, None,
        "yamlio._mapping tests `key in out` before its hash(key) check, so a sequence key raises "
        "TypeError: unhashable type 'LocatedList' (traceback, exit 1)"),
    "deep_nesting": (
        "name: bad\nevents: " + "[" * 3000 + "]" * 3000 + "\n", None, None,
        "yamlio.load_mapping: a deeply nested (6 kB) flow sequence makes PyYAML's recursive composer "
        "raise RecursionError, which is not a YAMLError (traceback, exit 1)"),
    "huge_integer_value": (
        "name: bad\nevents:\n  - date: 2000.0\n    quantity: Japan.dovish\n    set: 1" + "0" * 400 + "\n",
        5, "events[0].set",
        "scenario._value calls math.isfinite on an int too large for float: OverflowError (traceback)"),
    "huge_integer_date": (
        "name: bad\nevents:\n  - date: 1" + "0" * 400 + "\n    quantity: Japan.dovish\n    set: 0.5\n",
        3, "events[0].date",
        "fields.number calls math.isfinite on an int too large for float: OverflowError (traceback)"),
    "huge_integer_parameter": (
        "name: bad\nparameters:\n  build_rate: 1" + "0" * 400 + "\n", 3, "parameters.build_rate",
        "fields.number calls math.isfinite on an int too large for float: OverflowError (traceback)"),
    "control_character": (
        "name: bad\ndescription: \"a\x07b\"\n", 2, None,
        "yamlio.load_mapping: PyYAML's ReaderError is not a MarkedYAMLError; its str() spans two lines "
        "('... not allowed\\n  in \"<unicode string>\", position N') and gives no line number"),
    "newline_in_key": (
        "name: bad\n\"ev\\nents\": 1\n", 2, None,
        "fields.check_keys echoes an unknown key verbatim (field '{key}'), so a key containing a newline "
        "splits the error over two stderr lines"),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_yaml_gives_one_clean_error(name, tmp_path, capsys):
    text, line, fld, _ = HOSTILE[name]
    entry = tmp_path / "s.yaml"
    entry.write_text(text, encoding="utf-8")
    out_dir = tmp_path / "out"
    rc, out, err = cli(["run", entry, "--out", out_dir], capsys)  # a crash here is the bug (a traceback)
    check_one_error(rc, out, err, entry, line, fld, (), out_dir)


def test_module_entry_point_has_all_subcommands():
    """`python -m experiments.cli.main` must see the subcommands registered by model.commands (one registry)."""
    rc, out, err = cli_subprocess(["--help"])
    assert rc == 0, err
    assert "batch" in out
