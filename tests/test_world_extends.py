"""Worlds that ``extends:`` another: merge rules, the shipped Indo-Pacific world, errors blamed on the right file."""

from __future__ import annotations

from dataclasses import fields

import numpy as np
import pytest

from experiments.cli.main import main
from model.spec.errors import InputError
from model.spec.paths import WORLDS_DIR
from model.spec.world import MAX_EXTENDS, load_world

PARENT = """\
name: parent
description: three actors
proximity_scale_km: 4000
actors:
  - {name: A, lat: 0, lon: 0, power: 0.5, dovish: 0.4, democracy: 0.9,
     constraints: {initial: tight, states: {tight: 0.2, loose: 0.8}}}
  - {name: B, lat: 10, lon: 10, power: 0.3, offense: 0.7}
  - {name: C, lat: -10, lon: 20, balancer: 0.9}
relations:
  - {between: [A, B], alliance: 1.0, rivalry: 0.1, cooperation: 0.3}
  - {between: [B, C], rivalry: 0.6}
indices:
  ab: {cooperation: [A, B]}
  bc: {alignment: [B, C]}
"""

CHILD = """\
extends: parent.yaml
proximity_scale_km: 6000
actors:
  - {name: B, power: 0.6}
  - {name: D, lat: 5, lon: 5, engagement: 0.5}
  - {name: A, constraints: {initial: only, states: {only: 0.5}}}
relations:
  - {between: [B, A], rivalry: 0.4}
  - {between: [C, D], rivalry: 0.2, reach: 0.9}
indices:
  ab: {alignment: [A, B]}
  cd: {cooperation: [C, D]}
"""

# What CHILD means, written out by hand as one file.
MERGED = """\
name: child
description: three actors
proximity_scale_km: 6000
actors:
  - {name: A, lat: 0, lon: 0, power: 0.5, dovish: 0.4, democracy: 0.9,
     constraints: {initial: only, states: {only: 0.5}}}
  - {name: B, lat: 10, lon: 10, power: 0.6, offense: 0.7}
  - {name: C, lat: -10, lon: 20, balancer: 0.9}
  - {name: D, lat: 5, lon: 5, engagement: 0.5}
relations:
  - {between: [A, B], alliance: 1.0, rivalry: 0.4, cooperation: 0.3}
  - {between: [B, C], rivalry: 0.6}
  - {between: [C, D], rivalry: 0.2, reach: 0.9}
indices:
  ab: {alignment: [A, B]}
  bc: {alignment: [B, C]}
  cd: {cooperation: [C, D]}
"""


def _write(folder, **files):
    for name, text in files.items():
        (folder / f"{name}.yaml").write_text(text)
    return folder


def _same(a, b, skip=("path", "digest")):
    for f in fields(a):
        if f.name in skip:
            continue
        x, y = getattr(a, f.name), getattr(b, f.name)
        if isinstance(x, np.ndarray):
            assert np.array_equal(x, y) and x.dtype == y.dtype, f.name
        elif isinstance(x, dict) and f.name == "attributes":
            assert x.keys() == y.keys() and all(np.array_equal(x[k], y[k]) for k in x), f.name
        else:
            assert x == y, f.name


def test_a_child_compiles_to_what_it_means_written_out(tmp_path):
    _write(tmp_path, parent=PARENT, child=CHILD, merged=MERGED)
    child, merged = load_world(tmp_path / "child.yaml"), load_world(tmp_path / "merged.yaml")
    _same(child, merged, skip=("path", "digest", "name"))
    assert child.name == "child"  # the name is not inherited: it defaults to the file's stem


def test_merge_rules(tmp_path):
    _write(tmp_path, parent=PARENT, child=CHILD)
    w = load_world(tmp_path / "child.yaml")
    assert w.actors == ("A", "B", "C", "D")  # new actors after the parent's, an override keeps its place
    b = w.index("B")
    assert w.attributes["power"][b] == 0.6 and w.attributes["offense"][b] == 0.7  # keys override, others stay
    a = w.index("A")
    assert w.attributes["dovish"][a] == 0.4 and w.attributes["lean"][a] == 0.4  # untouched keys keep their value
    assert w.states[a] == ("only",)  # a constraints block replaces the parent's whole block
    assert w.alliance[a, b] == 1.0 and w.rivalry[a, b] == w.rivalry[b, a] == 0.4  # a pair merges key by key
    assert np.all(w.cooperation0[a, b] == 0.3)
    c, d = w.index("C"), w.index("D")
    assert w.rivalry[c, d] == 0.2 and w.proximity[c, d] == 0.9
    assert w.indices["ab"] == {"kind": "alignment", "pair": (a, b)}  # an index of the same name is replaced
    assert list(w.indices) == ["ab", "bc", "cd"]


def test_name_description_and_scale_are_overridable(tmp_path):
    _write(tmp_path, parent=PARENT, child="name: kid\ndescription: four\nextends: parent.yaml\n"
                                          "proximity_scale_km: 3000\n")
    w, p = load_world(tmp_path / "child.yaml"), load_world(tmp_path / "parent.yaml")
    assert w.name == "kid" and w.actors == p.actors
    assert not np.array_equal(w.proximity, p.proximity)  # the scale changed the capitals' proximity


def test_a_shipped_world_by_name_and_a_relative_path(tmp_path):
    (tmp_path / "sub").mkdir()
    _write(tmp_path, base=PARENT)
    _write(tmp_path / "sub", by_path="extends: ../base.yaml\n", by_name="extends: default\n")
    assert load_world(tmp_path / "sub" / "by_path.yaml").actors == ("A", "B", "C")
    _same(load_world(tmp_path / "sub" / "by_name.yaml"), load_world(WORLDS_DIR / "default.yaml"),
          skip=("path", "digest", "name"))


def test_the_indo_pacific_world_is_the_default_world_plus_two_actors():
    """indo_pacific extends default: its first five actors, their relations and tables are the default's."""
    ip, d = load_world(WORLDS_DIR / "indo_pacific.yaml"), load_world(WORLDS_DIR / "default.yaml")
    n = d.n
    assert ip.actors[:n] == d.actors and ip.actors[n:] == ("South Korea", "Australia")
    for name in ("proximity", "rivalry", "alliance", "cooperation0", "floor0", "agreement0", "alignment0"):
        assert np.array_equal(getattr(ip, name)[:n, :n], getattr(d, name)), name
    assert np.array_equal(ip.ceilings[:n], d.ceilings) and ip.states[:n] == d.states
    assert all(np.array_equal(ip.attributes[k][:n], d.attributes[k]) for k in d.attributes)
    assert {k: ip.indices[k] for k in d.indices} == d.indices
    assert ip.digest != d.digest


def test_the_digest_covers_the_chain(tmp_path):
    _write(tmp_path, parent=PARENT, child=CHILD)
    before = load_world(tmp_path / "child.yaml").digest
    _write(tmp_path, parent=PARENT.replace("offense: 0.7", "offense: 0.6"))
    assert load_world(tmp_path / "child.yaml").digest != before


def _error(path) -> str:
    with pytest.raises(InputError) as exc:
        load_world(path)
    return str(exc.value)


def test_a_cycle_is_refused_with_the_chain_named(tmp_path):
    _write(tmp_path, a="extends: b.yaml\n", b="extends: c.yaml\n", c="extends: a.yaml\n")
    assert _error(tmp_path / "a.yaml") == f"{tmp_path / 'c.yaml'}:1: field 'extends': cyclic extends: a -> b -> c -> a"
    _write(tmp_path, itself="extends: itself.yaml\n")
    assert "cyclic extends: itself -> itself" in _error(tmp_path / "itself.yaml")


def test_the_chain_is_limited(tmp_path):
    for k in range(MAX_EXTENDS + 1):
        _write(tmp_path, **{f"w{k}": f"extends: w{k + 1}.yaml\n"})
    _write(tmp_path, **{f"w{MAX_EXTENDS + 1}": PARENT})
    assert f"extends chain longer than {MAX_EXTENDS} files" in _error(tmp_path / "w0.yaml")


def test_a_missing_parent_is_named_with_a_did_you_mean(tmp_path):
    _write(tmp_path, child="name: x\nextends: defualt\n")
    msg = _error(tmp_path / "child.yaml")
    assert msg.startswith(f"{tmp_path / 'child.yaml'}:2: field 'extends': no such world 'defualt'")
    assert "(did you mean 'default'?)" in msg


@pytest.mark.parametrize("child, line, field, problem", [
    ("extends: parent.yaml\nactors:\n  - {name: B, powr: 0.5}\n", 3, "actors.powr", "did you mean 'power'"),
    ("extends: parent.yaml\nactors:\n  - name: B\n    power: 200\n", 4, "actors[B].power", "outside the allowed range"),
    ("extends: parent.yaml\nactors:\n  - {name: D, lat: 1}\n", 3, "actors[D].lon", "required key is missing"),
    ("extends: parent.yaml\nactors:\n  - {name: D, lat: 1, lon: 1}\n  - {name: D, lat: 2, lon: 2}\n", 4,
     "actors.name", "duplicate actor 'D'"),
    ("extends: parent.yaml\nrelations:\n  - {between: [A, E], rivalry: 0.5}\n", 3, "relations.between",
     "unknown actor 'E'"),
    ("extends: parent.yaml\nrelations:\n  - {between: [A, B], cooperation: {hadr: 0.5}}\n", 3,
     "relations.cooperation.political_dialogue", "missing domain"),
    ("extends: parent.yaml\nindices:\n  x: {cooperation: [A, Z]}\n", 3, "indices.x.cooperation", "two actors"),
    ("extends: parent.yaml\nproximity_scale_km: 5\n", 2, "proximity_scale_km", "outside the allowed range"),
    ("extends: parent.yaml\nextra: 1\n", 2, "extra", "unknown key"),
])
def test_a_mistake_in_the_child_is_blamed_on_the_child(tmp_path, child, line, field, problem):
    _write(tmp_path, parent=PARENT, child=child)
    msg = _error(tmp_path / "child.yaml")
    assert msg.startswith(f"{tmp_path / 'child.yaml'}:{line}: field '{field}'") and problem in msg, msg


def test_a_mistake_in_the_parent_is_blamed_on_the_parent(tmp_path):
    _write(tmp_path, parent=PARENT.replace("offense: 0.7", "offense: 7"), child=CHILD)
    assert _error(tmp_path / "child.yaml").startswith(f"{tmp_path / 'parent.yaml'}:7: field 'actors[B].offense'")


def test_a_world_needs_two_actors_after_the_merge(tmp_path):
    _write(tmp_path, parent="actors:\n  - {name: A, lat: 0, lon: 0}\n", child="extends: parent.yaml\n")
    assert "a world needs at least two actors" in _error(tmp_path / "child.yaml")


def test_validate_reports_a_bad_parent_world_on_one_line(tmp_path, capsys):
    (tmp_path / "worlds").mkdir()
    _write(tmp_path / "worlds", base=PARENT, mine="extends: base.yaml\nactors:\n  - {name: B, ambition: 2}\n")
    _write(tmp_path, s="name: s\nworld: worlds/mine.yaml\nhorizon: {start: 1990.0, end: 1995.0}\n")
    assert main(["validate", str(tmp_path / "s.yaml")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and f"{tmp_path / 'worlds' / 'mine.yaml'}:3: field 'actors[B].ambition'" in err
