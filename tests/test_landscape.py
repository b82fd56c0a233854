"""Tests for the landscape theory of aggregation (experiments.analysis.landscape, experiments.analysis.landscape_io)."""

from __future__ import annotations

import io
import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from experiments.analysis import landscape as ls
from experiments.analysis.landscape_io import read_landscape_csv, run_landscape_file
from model.spec.errors import InputError


# ----------------------------------------------------------------- brute force (plain Python)
def brute_force(sizes, prop):
    """Plain-Python reference with the documented rules (explicit loops, no numpy).

    Returns ``(minima, root)``: ``minima`` maps each canonical local-minimum tuple to
    ``(energy, basin_share)``; ``root`` maps every canonical configuration to the
    minimum its steepest-descent path ends in.
    """
    n = len(sizes)
    s = [float(v) for v in sizes]
    p = [[float(prop[i][j]) for j in range(n)] for i in range(n)]
    tol = ls.REL_TOL * sum(abs(s[i] * s[j] * p[i][j]) for i in range(n) for j in range(n) if i != j)

    def energy(x):
        total = 0.0
        for i in range(n):
            for j in range(n):
                if i != j and x[i] != x[j]:
                    total += s[i] * s[j] * p[i][j]
        return total

    def canon(x):
        return tuple(v ^ x[0] for v in x)

    def neighbour(c, k):
        x = list(c)
        x[k] ^= 1
        return canon(x)

    configs = [c for c in itertools.product((0, 1), repeat=n) if c[0] == 0]
    energies = {c: energy(c) for c in configs}
    succ = {}
    for c in configs:
        deltas = [energies[neighbour(c, k)] - energies[c] for k in range(n)]
        m = min(deltas)
        if m < -tol:  # a move lowers energy: steepest, lowest index among near-ties
            k = next(k for k in range(n) if deltas[k] <= m + tol)
            succ[c] = neighbour(c, k)
        else:
            succ[c] = c
    root = {}
    for c in configs:
        x = c
        while succ[x] != x:
            x = succ[x]
        root[c] = x
    minima = {c: [energies[c], 0] for c in configs if succ[c] == c}
    for c in configs:
        minima[root[c]][1] += 1
    return {c: (e, cnt / len(configs)) for c, (e, cnt) in minima.items()}, root


def random_instance(n, seed, ties=False):
    rng = np.random.default_rng(seed)
    if ties:  # integer propensities and equal sizes: many exact ties
        sizes = np.ones(n)
        p = rng.integers(-1, 2, size=(n, n)).astype(float)
    else:
        sizes = rng.uniform(0.1, 1.0, size=n)
        p = rng.uniform(-1.0, 1.0, size=(n, n))
    p = np.triu(p, 1)
    return sizes, p + p.T


def as_dict(df):
    return {tuple(a): (e, b) for a, e, b in zip(df["assignment"], df["energy"], df["basin_share"])}


# ------------------------------------------------------------------------ (a) exact vs brute
CASES = [(n, seed, False) for n in range(2, 13) for seed in (0, 1, 2)] + \
        [(n, seed, True) for n in range(2, 11) for seed in (3, 4)]  # integer propensities: ties


@pytest.mark.parametrize("n,seed,ties", CASES)
def test_exact_matches_brute_force(n, seed, ties):
    sizes, prop = random_instance(n, seed, ties=ties)
    expected, _ = brute_force(sizes, prop)
    got = as_dict(ls.exact_search(sizes, prop))
    assert set(got) == set(expected)
    for c, (e, share) in expected.items():
        assert abs(got[c][0] - e) <= 1e-12
        assert got[c][1] == pytest.approx(share, abs=1e-15)
    assert sum(b for _, b in got.values()) == pytest.approx(1.0)


def test_exact_single_worker_equals_threaded():
    sizes, prop = random_instance(18, 7)
    a = ls.exact_search(sizes, prop, workers=1)
    b = ls.exact_search(sizes, prop, workers=3)
    assert list(a["configuration"]) == list(b["configuration"])
    assert list(a["basin_size"]) == list(b["basin_size"])


def test_exact_one_actor():
    df = ls.exact_search([2.0], [[0.0]])
    assert list(df["configuration"]) == ["A|"]
    assert df["energy"].iloc[0] == 0.0 and df["basin_share"].iloc[0] == 1.0


def test_exact_too_many_actors():
    sizes, prop = random_instance(6, 0)
    with pytest.raises(ValueError, match="limited to 5 actors"):
        ls.exact_search(sizes, prop, max_actors=5)


# ------------------------------------------------------------------------- (b) hand-solved
def test_three_mutually_hostile_equal_actors():
    # s = 1, p_ij = -1 for all i != j.  E = sum over ORDERED pairs apart of s_i s_j p_ij.
    # All together: no pair apart, E = 0.
    # One vs two (A|BC, AC|B, AB|C): 2 unordered pairs apart = 4 ordered pairs, E = -4.
    # Each one-vs-two split: moving the loner gives all-together (+4), moving a member of
    # the pair gives another one-vs-two split (dE = 0, a tie, which does not disqualify),
    # so all three are local minima.  From all-together all three moves lower E by 4;
    # the tie goes to actor 0 (A), so all-together drains into A|BC:
    # basin shares A|BC = 2/4, AC|B = 1/4, AB|C = 1/4.
    prop = -np.ones((3, 3))
    np.fill_diagonal(prop, 0)
    df = ls.exact_search(np.ones(3), prop)
    got = {c: (e, b) for c, e, b in zip(df["configuration"], df["energy"], df["basin_share"])}
    assert got == {"A|BC": (-4.0, 0.5), "AC|B": (-4.0, 0.25), "AB|C": (-4.0, 0.25)}
    assert df["is_global"].all()


def test_two_friendly_pairs_hostile_across():
    # A-B and C-D friendly (p = +1), every cross pair hostile (p = -1), sizes 1.
    # AB|CD: apart pairs AC, AD, BC, BD, each -1, counted twice -> E = -8 (the minimum).
    # One-vs-three, e.g. A|BCD: apart AB(+1), AC(-1), AD(-1) -> 2 * (-1) = -2.
    # AC|BD and AD|BC: apart pairs sum to 0 -> E = 0.  All together: E = 0.
    # Every other configuration has a lowering move, so AB|CD is the only minimum and
    # its basin is everything.  Frustration in AB|CD: F_A = p_AC + p_AD = -2, etc.
    names = ["A", "B", "C", "D"]
    prop = -np.ones((4, 4))
    prop[0, 1] = prop[1, 0] = prop[2, 3] = prop[3, 2] = 1.0
    np.fill_diagonal(prop, 0)
    df = ls.exact_search(np.ones(4), prop, names=names)
    assert list(df["configuration"]) == ["AB|CD"]
    assert df["energy"].iloc[0] == -8.0
    assert df["basin_share"].iloc[0] == 1.0
    assert df["coalition_1"].iloc[0] == ["A", "B"] and df["coalition_2"].iloc[0] == ["C", "D"]
    assert ls.energy(np.ones(4), prop, [0, 1, 1, 1]) == -2.0
    assert ls.energy(np.ones(4), prop, [0, 1, 0, 1]) == 0.0
    assert list(ls.frustration(np.ones(4), prop, [0, 0, 1, 1])) == [-2.0, -2.0, -2.0, -2.0]


def test_labels_with_long_names():
    assert ls.config_label([1, 1, 0], ["Japan", "USA", "China"]) == "Japan,USA|China"
    assert ls.config_label([0, 1, 0]) == "AC|B"


# ----------------------------------------------------------------- energy / frustration
@settings(max_examples=60, deadline=None)
@given(n=st.integers(2, 9), seed=st.integers(0, 10_000))
def test_energy_is_size_weighted_frustration_and_mirror_invariant(n, seed):
    sizes, prop = random_instance(n, seed)
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 2, size=(5, n))
    e = ls.energy(sizes, prop, x)
    f = ls.frustration(sizes, prop, x)
    assert np.allclose(e, (f * sizes).sum(axis=1), atol=1e-12)
    assert np.allclose(e, ls.energy(sizes, prop, 1 - x), atol=1e-12)
    for k in range(5):  # against the plain definition
        ref = sum(sizes[i] * sizes[j] * prop[i, j] for i in range(n) for j in range(n) if x[k, i] != x[k, j])
        assert abs(e[k] - ref) <= 1e-12


def test_energy_rejects_bad_configs():
    with pytest.raises(ValueError):
        ls.energy([1, 1], [[0, 1], [1, 0]], [0, 2])
    with pytest.raises(ValueError):
        ls.energy([1, 1], [[0, 1], [0.5, 0]], [0, 1])


# --------------------------------------------------------------------------- (c) descent
@pytest.mark.parametrize("n", [3, 6, 9, 12])
@pytest.mark.parametrize("seed", [0, 1])
def test_descent_ends_in_exact_local_minimum(n, seed):
    sizes, prop = random_instance(n, seed)
    minima = as_dict(ls.exact_search(sizes, prop))
    _, root = brute_force(sizes, prop)
    rng = np.random.default_rng(100 + seed)
    for x0 in rng.integers(0, 2, size=(10, n)):
        res = ls.descend(sizes, prop, x0)
        final = tuple(int(v) for v in res.config)
        assert final in minima
        assert res.energy == pytest.approx(minima[final][0], abs=1e-12)
        assert final == root[tuple(int(v) for v in ls.canonical(x0))]  # same path rule


def test_descent_large_world_is_local_minimum():
    n = 60
    sizes, prop = random_instance(n, 5)
    res = ls.descend(sizes, prop, np.zeros(n, dtype=int))
    assert res.steps > 0
    flips = np.tile(res.config, (n, 1)) ^ np.eye(n, dtype=np.int8)
    assert np.all(ls.energy(sizes, prop, flips) >= res.energy - ls.tie_tolerance(sizes, prop))
    found = ls.descent_search(sizes, prop)
    assert found["start_share"].sum() == pytest.approx(1.0)
    assert found["energy"].iloc[0] <= res.energy + 1e-12


# ------------------------------------------------------------------------ (d) from_state
def test_from_state_symmetric_zero_diagonal():
    rng = np.random.default_rng(0)
    n, d = 5, 3
    coop = rng.random((n, n, d))
    coop = (coop + coop.transpose(1, 0, 2)) / 2
    threat = rng.random((n, n))  # not symmetric
    align = rng.random((n, n))
    align = (align + align.T) / 2
    power = rng.random(n) * 10
    li = ls.from_state(power, coop, threat, align, names=list("VWXYZ"), hostility_weight=0.7)
    assert np.allclose(li.prop, li.prop.T)
    assert np.all(np.diag(li.prop) == 0)
    assert li.sizes.sum() == pytest.approx(1.0)
    i, j = 1, 3
    want = coop[i, j].mean() + align[i, j] - 0.7 * (threat[i, j] + threat[j, i]) / 2
    assert li.prop[i, j] == pytest.approx(want)
    assert li.names == list("VWXYZ")


def test_landscape_over_time_tidy():
    rng = np.random.default_rng(1)
    t, n, d = 3, 5, 2
    coop = rng.random((t, n, n, d))
    coop = (coop + coop.transpose(0, 2, 1, 3)) / 2
    threat = rng.random((t, n, n))
    align = rng.random((t, n, n))
    align = (align + align.transpose(0, 2, 1)) / 2
    power = rng.random((t, n)) + 0.1
    df = ls.landscape_over_time(power, coop, threat, align, dates=["d0", "d1", "d2"])
    assert len(df) == t * n
    assert set(df.columns) >= {"date", "actor", "configuration", "energy", "frustration", "coalition"}
    for date, g in df.groupby("date"):
        assert g["energy"].iloc[0] == pytest.approx((g["size"] * g["frustration"]).sum(), abs=1e-12)
        li = ls.from_state(power[int(date[1])], coop[int(date[1])], threat[int(date[1])], align[int(date[1])])
        best = ls.exact_search(li.sizes, li.prop)["energy"].min()
        assert g["energy"].iloc[0] == pytest.approx(best, abs=1e-12)


# ------------------------------------------------------------------------------- (e) CSV
GOOD = "actor,size,A,B,C\nA,1,0,1,-1\nB,2,1,0,0.5\nC,1.5,-1,0.5,0\n"


def write(tmp_path, text, name="w.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_csv_good_file(tmp_path):
    data = read_landscape_csv(write(tmp_path, GOOD))
    assert data.names == ["A", "B", "C"]
    assert list(data.sizes) == [1, 2, 1.5]
    assert data.prop[1, 2] == 0.5
    out = io.StringIO()
    df = run_landscape_file(write(tmp_path, GOOD), out=out)
    text = out.getvalue()
    assert "3 actors" in text and "configuration" in text
    for label in df["configuration"]:
        assert label in text


def test_csv_descent_mode(tmp_path):
    out = io.StringIO()
    df = run_landscape_file(write(tmp_path, GOOD), descent=True, out=out)
    exact = ls.exact_search([1, 2, 1.5], read_landscape_csv(write(tmp_path, GOOD)).prop)
    assert df["energy"].min() == pytest.approx(exact["energy"].min())
    assert "descent" in out.getvalue()


def big_csv(n):
    names = [f"a{i}" for i in range(n)]
    lines = ["actor,size," + ",".join(names)]
    for i, a in enumerate(names):
        lines.append(f"{a},1," + ",".join("0" if i == j else "-1" for j in range(n)))
    return "\n".join(lines) + "\n"


BAD = {
    "empty": ("", None, None, "empty"),
    "blank_only": ("\n  \n", None, None, "empty"),
    "header_only": ("actor,size,A\n", 1, None, "no actor rows"),
    "first_column": ("name,size,A\nA,1,0\n", 1, "actor", "actor"),
    "second_column": ("actor,weight,A\nA,1,0\n", 1, "size", "size"),
    "not_square": ("actor,size,A,B,C\nA,1,0,1,1\nB,1,1,0,1\n", 1, None, "not square"),
    "row_cells": ("actor,size,A,B\nA,1,0,1\nB,1,1\n", 3, None, "expected 4 cells"),
    "column_names": ("actor,size,A,X\nA,1,0,1\nB,1,1,0\n", 1, "X", "must be named 'B'"),
    "column_order": ("actor,size,B,A\nA,1,0,1\nB,1,1,0\n", 1, "B", "must be named 'A'"),
    "asymmetric": ("actor,size,A,B,C\nA,1,0,1,0\nB,1,0.5,0,0\nC,1,0,0,0\n", 3, "A", "symmetric"),
    "zero_size": ("actor,size,A,B\nA,0,0,1\nB,1,1,0\n", 2, "size", "> 0"),
    "negative_size": ("actor,size,A,B\nA,1,0,1\nB,-2,1,0\n", 3, "size", "> 0"),
    "nan_size": ("actor,size,A,B\nA,nan,0,1\nB,1,1,0\n", 2, "size", "finite"),
    "nan_cell": ("actor,size,A,B\nA,1,0,NaN\nB,1,1,0\n", 2, "B", "finite"),
    "text_cell": ("actor,size,A,B\nA,1,0,1\nB,1,high,0\n", 3, "A", "not a number"),
    "empty_cell": ("actor,size,A,B\nA,1,0,\nB,1,1,0\n", 2, "B", "not a number"),
    "diagonal": ("actor,size,A,B\nA,1,2,1\nB,1,1,0\n", 2, "A", "diagonal"),
    "duplicate_actor": ("actor,size,A,A\nA,1,0,1\nA,1,1,0\n", 3, "actor", "duplicate"),
    "too_many": (big_csv(26), 1, None, "--descent"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_csv_bad_input(tmp_path, case):
    text, line, field, message = BAD[case]
    path = write(tmp_path, text)
    with pytest.raises(InputError) as info:
        read_landscape_csv(path)
    err = info.value
    assert err.file == str(path)
    assert err.line == line
    assert err.field == field
    assert message in err.message
    with pytest.raises(InputError):
        run_landscape_file(path, out=io.StringIO())


def test_csv_too_many_actors_ok_with_descent(tmp_path):
    path = write(tmp_path, big_csv(26))
    assert len(read_landscape_csv(path, descent=True).names) == 26
    df = run_landscape_file(path, descent=True, out=io.StringIO())
    assert df["is_global"].any()


def test_csv_blank_lines_and_bom(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(("\ufeff" + "actor,size,A,B\n\nA,1,,1\n\nB,1,1,\n").encode("utf-8"))
    data = read_landscape_csv(path)
    assert data.names == ["A", "B"]
    path2 = write(tmp_path, "actor,size,A,B\n\nA,1,0,1\n\nB,1,0.5,0\n", "lines.csv")
    with pytest.raises(InputError) as info:
        read_landscape_csv(path2)
    assert info.value.line == 5  # physical line, blank lines counted


def test_csv_missing_file(tmp_path):
    with pytest.raises(InputError) as info:
        read_landscape_csv(tmp_path / "nope.csv")
    assert info.value.line is None
