"""Every rule function checked against the equation its docstring states, on tiny hand-made arrays.

An independent check of ``model/rules/*.py`` and the standard policy: each test feeds a rule a few
runs (R = 1 or 2; a few more where each run isolates one effect) of two or three actors (four where a
sum over pairs needs more than one pair) and compares with values worked out by hand (shown in the
comments) or by a direct loop over the docstring's indices written here, never by calling the function
under test or copying its vectorised code. The conventions are those of ``model/rules/ordered.py``:
nothing toward oneself (zero diagonals of threat, cooperation, alignment; proximity 1 on the diagonal),
and a "third party" k of a pair (i, j) is neither i nor j.

Where a function's code disagreed with its docstring, the test would check the docstring's equation and
be a strict xfail stating the discrepancy; none was found.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from model.rules import (
    alliances,
    capabilities,
    constraints,
    cooperation,
    counterbalancing,
    domestic,
    institutions,
    ordered,
    preferences,
    threat,
)
from model.spec.domains import COST, MILITARY, RELEVANCE
from model.spec.parameters import Params, defaults
from model.spec.policies import standard

D = len(MILITARY)  # 10 domains
K = RELEVANCE.shape[1]  # 4 transnational channels
POLITICAL_DIALOGUE, HADR, COLLECTIVE_DEFENCE = 0, 1, 9  # militarisation 0, 0.1, 1


def params(*overrides: dict[str, float]) -> Params:
    """Params for R = len(overrides) runs (one run without any): each run the registry defaults with its overrides."""
    rows = overrides or ({},)
    return Params.stack([{**defaults(), **row} for row in rows])


def close(actual, expected) -> None:
    """Equal up to rounding (relative 1e-12; an expected 0 must be exactly 0)."""
    np.testing.assert_allclose(actual, expected, rtol=1e-12, atol=0.0)


def third(n: int, i: int, j: int) -> list[int]:
    """The third parties of the pair (i, j): every actor but i and j, in actor order."""
    return [k for k in range(n) if k not in (i, j)]


def arr(*rows) -> np.ndarray:
    """A float array from nested lists (one element per run on the outside)."""
    return np.array(rows, dtype=float)


# ------------------------------------------------------------------------------------------------ ordered.py


def test_osum_adds_strictly_left_to_right():
    """osum(x, axis) = ((x_0 + x_1) + x_2) + ...: 1 followed by sixteen half-ulps of 1 stays exactly 1 (each
    addition rounds back to 1), while the same terms smallest first add up to exactly 1 + 16 * 2^-53."""
    tiny = 2.0**-53
    x = np.array([1.0] + [tiny] * 16)
    assert ordered.osum(x, 0) == 1.0
    assert ordered.osum(x[::-1].copy(), 0) == 1.0 + 16 * tiny
    grid = np.stack([x, x[::-1]])
    np.testing.assert_array_equal(ordered.osum(grid, 1), [1.0, 1.0 + 16 * tiny])
    np.testing.assert_array_equal(ordered.osum(grid.T.copy(), 0), [1.0, 1.0 + 16 * tiny])


def test_osum_matches_a_scalar_loop_on_every_axis_and_leaves_its_input_alone():
    """osum(x, a)[rest] = sum over t of x[..., t (on axis a), ...], added one by one in index order: bit for bit."""
    x = np.random.default_rng(1).random((2, 3, 4))
    before = x.copy()
    for axis in range(3):
        rest = [s for a, s in enumerate(x.shape) if a != axis]
        expected = np.zeros(rest)
        for idx in np.ndindex(*rest):
            acc = 0.0
            for t in range(x.shape[axis]):
                acc += x[idx[:axis] + (t,) + idx[axis:]]
            expected[idx] = acc
        np.testing.assert_array_equal(ordered.osum(x, axis), expected)
    np.testing.assert_array_equal(x, before)


def test_off_diagonal():
    """(1, N, N): 1 between two different actors, 0 toward oneself."""
    out = ordered.off_diagonal(3)
    assert out.shape == (1, 3, 3)
    np.testing.assert_array_equal(out, [[[0, 1, 1], [1, 0, 1], [1, 1, 0]]])
    np.testing.assert_array_equal(ordered.off_diagonal(1), [[[0.0]]])


def test_max_over_others():
    """max over k of x[..., i, j, k], k != i and k != j; 0 when no k is left (N = 2, i != j)."""
    x = np.random.default_rng(2).random((2, 3, 3, 3))
    expected = np.zeros((2, 3, 3))
    for r, i, j in itertools.product(range(2), range(3), range(3)):
        expected[r, i, j] = max([x[r, i, j, k] for k in third(3, i, j)], default=0.0)
    np.testing.assert_array_equal(ordered.max_over_others(x), expected)
    # N = 2: a pair has no third party; toward oneself the other actor is the only one left
    two = np.arange(1.0, 9.0).reshape(1, 2, 2, 2)  # two[0, i, j, k] = 1 + 4i + 2j + k
    np.testing.assert_array_equal(ordered.max_over_others(two), [[[two[0, 0, 0, 1], 0.0], [0.0, two[0, 1, 1, 0]]]])


def test_sum_over_others():
    """sum over k of x[..., i, j, k], k != i and k != j, added in actor order (bit for bit)."""
    x = np.random.default_rng(3).random((2, 4, 4, 4))
    expected = np.zeros((2, 4, 4))
    for r, i, j in itertools.product(range(2), range(4), range(4)):
        acc = 0.0
        for k in third(4, i, j):
            acc += x[r, i, j, k]
        expected[r, i, j] = acc
    np.testing.assert_array_equal(ordered.sum_over_others(x), expected)


def test_max_partner():
    """max over j != i of x[..., i, j]; 0 with no partner (N = 1)."""
    x = arr([[9.0, 0.2, 0.7], [0.4, 9.0, 0.1], [0.0, 0.3, 9.0]], [[0.5, 0.5, 0.5], [0.0, 0.0, 0.0], [1.0, 2.0, 3.0]])
    np.testing.assert_array_equal(ordered.max_partner(x), [[0.7, 0.4, 0.3], [0.5, 0.0, 2.0]])
    np.testing.assert_array_equal(ordered.max_partner(np.full((2, 1, 1), 5.0)), [[0.0], [0.0]])


# ------------------------------------------------------------------------------------------------- threat.py


def test_intent():
    """I_ij = r_ij (f + (1 - f) Z~_j), Z~_j = min(1, Z_j + w_demo sum_k A_jk Z_k)."""
    p = params({"demonstration": 0.5, "intent_floor": 0.2}, {"demonstration": 1.0, "intent_floor": 0.0})
    rivalry = np.array([[[0.0, 1.0, 0.5], [1.0, 0.0, 0.2], [0.5, 0.2, 0.0]]] * 2)
    assertive = arr([0.2, 0.6, 0.1], [0.3, 0.9, 0.1])
    align = np.array([[[0.0, 0.4, 0.0], [0.4, 0.0, 0.5], [0.0, 0.5, 0.0]]] * 2)
    # run 0: Z~ = (0.2 + 0.5*0.4*0.6, 0.6 + 0.5*(0.4*0.2 + 0.5*0.1), 0.1 + 0.5*0.5*0.6) = (0.32, 0.665, 0.25)
    # run 1: Z~ = (0.3 + 0.4*0.9, min(1, 0.9 + 0.4*0.3 + 0.5*0.1 = 1.07), 0.1 + 0.5*0.9) = (0.66, 1, 0.55)
    seen = arr([0.32, 0.665, 0.25], [0.66, 1.0, 0.55])
    floor = np.array([0.2, 0.0])
    expected = rivalry * (floor[:, None, None] + (1.0 - floor[:, None, None]) * seen[:, None, :])
    close(threat.intent(rivalry, assertive, align, p), expected)
    close(expected[0, 0, 1], 1.0 * (0.2 + 0.8 * 0.665))  # one element written out


def test_seen_offense():
    """o~_j = o_j (1 - w_L (1 - lambda_j)): an unconstrained actor (lambda = 1) is read at face value."""
    p = params({"legal_reassurance": 0.6})
    out = threat.seen_offense(arr([0.5, 0.8, 1.0]), arr([1.0, 0.25, 0.0]), p)
    close(out, [[0.5, 0.8 * (1 - 0.6 * 0.75), 1.0 * 0.4]])  # (0.5, 0.44, 0.4)


def test_target():
    """T*_ij = min(1, I_ij (w_p S_j/S_i + w_x reach_ij + w_o o~_j) / (w_p + w_x + w_o)); the ratio has no cap."""
    p = params({"weight_power": 0.2, "weight_proximity": 0.3, "weight_offense": 0.5},
               {"weight_power": 0.5, "weight_proximity": 0.5, "weight_offense": 1.0})  # sum 1 and sum 2
    hostile = arr([[0.0, 0.5], [0.4, 0.0]], [[0.0, 1.0], [0.4, 0.0]])
    strength = arr([1.0, 3.0], [1.0, 10.0])
    proximity = np.array([[1.0, 0.2], [0.6, 1.0]])  # reach_01 = 0.2, reach_10 = 0.6
    offense = arr([0.5, 0.9], [0.5, 0.9])
    expected = arr(
        [[0.0, 0.5 * (0.2 * 3 + 0.3 * 0.2 + 0.5 * 0.9)],  # 0.555
         [0.4 * (0.2 / 3 + 0.3 * 0.6 + 0.5 * 0.5), 0.0]],
        [[0.0, 1.0],  # min(1, 1 * (0.25*10 + 0.25*0.2 + 0.5*0.9) = 3)
         [0.4 * (0.25 * 0.1 + 0.25 * 0.6 + 0.5 * 0.5), 0.0]],  # 0.17
    )
    close(threat.target(hostile, strength, proximity, offense, p), expected)


def test_target_power_ratio_is_not_capped():
    """A rival that passes i's strength keeps raising T*_ij (S_j/S_i beyond 1 enters as it is)."""
    p = params({"weight_power": 1.0, "weight_proximity": 0.05, "weight_offense": 0.05})
    hostile = arr([[0.0, 0.1], [0.1, 0.0]], [[0.0, 0.1], [0.1, 0.0]])
    out = threat.target(hostile, arr([1.0, 2.0], [1.0, 4.0]), np.eye(2), np.zeros((2, 2)), p)
    close(out[:, 0, 1], [0.1 * 2.0 / 1.1, 0.1 * 4.0 / 1.1])


def test_update_moves_a_share_of_the_way_then_shocks():
    """T <- clip(T' + sigma eps T'(1 - T')), T' = T + mu (T* - T); zero toward oneself."""
    p = params({"threat_memory": 0.25, "threat_noise": 0.2})
    now = arr([[0.0, 0.4], [0.6, 0.0]])
    goal = arr([[0.9, 0.8], [0.2, 0.7]])  # the diagonal goal is ignored: nothing toward oneself
    noise = arr([[3.0, 1.0], [-2.0, 0.5]])
    # T'_01 = 0.4 + 0.25*0.4 = 0.5 -> 0.5 + 0.2*1*0.25 = 0.55; T'_10 = 0.6 - 0.25*0.4 = 0.5 -> 0.5 - 0.2*2*0.25 = 0.4
    close(threat.update(now, goal, noise, p, ordered.off_diagonal(2)), [[[0.0, 0.55], [0.4, 0.0]]])


def test_update_noise_never_creates_a_threat_or_completes_one():
    """The shock is sigma eps T'(1 - T'): at T' = 0 the threat stays exactly 0, at T' = 1 exactly 1, whatever eps."""
    p = params({"threat_noise": 0.5})
    mask = ordered.off_diagonal(3)
    zero, one = np.zeros((1, 3, 3)), np.ones((1, 3, 3))
    shocks = [np.full((1, 3, 3), 1e6), np.full((1, 3, 3), -1e6),
              100.0 * np.random.default_rng(4).standard_normal((1, 3, 3))]
    for eps in shocks:
        np.testing.assert_array_equal(threat.update(zero, zero, eps, p, mask), zero)
        np.testing.assert_array_equal(threat.update(one, one, eps, p, mask), mask)


def test_update_shock_is_mean_zero_and_scaled_by_the_logistic_slope():
    """T - T' = sigma eps T'(1 - T') (no clip reached): odd in eps, so a shock and its opposite average to T'
    (the noise adds no threat on average), and the size follows T'(1 - T')."""
    p = params({"threat_memory": 0.5, "threat_noise": 0.1})
    mask = ordered.off_diagonal(3)
    now = arr([[0.0, 0.2, 0.6], [0.1, 0.0, 0.9], [0.4, 0.3, 0.0]])
    goal = arr([[0.0, 0.4, 0.2], [0.5, 0.0, 0.9], [0.0, 0.7, 0.0]])
    moved = arr([[0.0, 0.3, 0.4], [0.3, 0.0, 0.9], [0.2, 0.5, 0.0]])  # T' = (T + T*)/2
    eps = np.random.default_rng(5).standard_normal((1, 3, 3))
    assert np.abs(eps).max() < 10  # 0.1 * 10 * 0.25 keeps every T' + shock inside [0, 1]: no clip
    up = threat.update(now, goal, eps, p, mask)
    down = threat.update(now, goal, -eps, p, mask)
    close((up + down) / 2.0, moved)
    close(up - moved, 0.1 * eps * moved * (1.0 - moved) * mask)
    close(threat.update(now, goal, np.zeros((1, 3, 3)), p, mask), moved)


def test_update_clips_extreme_shocks_to_the_unit_interval():
    """clip(.): T' = 1/2, sigma = 0.5, eps = +-10 gives 1/2 +- 1.25, clipped to 1 and 0."""
    p = params({"threat_memory": 0.5, "threat_noise": 0.5})
    half = arr([[0.0, 0.5], [0.5, 0.0]])
    out = threat.update(half, half, arr([[0.0, 10.0], [-10.0, 0.0]]), p, ordered.off_diagonal(2))
    np.testing.assert_array_equal(out, [[[0.0, 1.0], [0.0, 0.0]]])


def test_extended():
    """T^_il = min(1, T_il + w_link sum_k T_ik A_kl): the threat from k reaches k's aligned partners; 0 to oneself."""
    p = params({"linkage": 0.5}, {"linkage": 1.0})
    t = arr([[0.0, 0.2, 0.6], [0.1, 0.0, 0.0], [0.5, 0.0, 0.0]],
            [[0.0, 0.5, 0.9], [0.1, 0.0, 0.0], [0.5, 0.0, 0.0]])
    a = np.array([[[0.0, 0.0, 0.0], [0.0, 0.0, 0.8], [0.0, 0.8, 0.0]]] * 2)  # 1 and 2 aligned
    expected = arr(
        [[0.0, 0.2 + 0.5 * 0.6 * 0.8, 0.6 + 0.5 * 0.2 * 0.8],  # 0.44, 0.68
         [0.1, 0.0, 0.0],
         [0.5, 0.0, 0.0]],
        [[0.0, min(1.0, 0.5 + 0.9 * 0.8), min(1.0, 0.9 + 0.5 * 0.8)],  # 1 (from 1.22), 1 (from 1.3)
         [0.1, 0.0, 0.0],
         [0.5, 0.0, 0.0]],
    )
    close(threat.extended(t, a, p, ordered.off_diagonal(3)), expected)


def test_extended_matches_a_loop():
    """T^_il = min(1, T_il + w_link sum_k T_ik A_kl) for i != l, 0 for i = l, on random arrays."""
    rng = np.random.default_rng(6)
    mask = ordered.off_diagonal(3)
    t, a = rng.random((2, 3, 3)) * mask, rng.random((2, 3, 3)) * mask
    p = params({"linkage": 0.3}, {"linkage": 0.8})
    expected = np.zeros((2, 3, 3))
    for r, i, ll in itertools.product(range(2), range(3), range(3)):
        if i != ll:
            spill = sum(t[r, i, k] * a[r, k, ll] for k in range(3))
            expected[r, i, ll] = min(1.0, t[r, i, ll] + p.linkage[r] * spill)
    close(threat.extended(t, a, p, mask), expected)


def test_level():
    """tau_i = 1 - prod_j (1 - T^_ij), the product in actor order: every threat counts (a union)."""
    t = arr([[0.0, 0.5, 0.2], [0.3, 0.0, 0.3], [0.0, 0.0, 0.0]], [[0.0, 0.6, 0.0], [0.6, 0.0, 0.1], [1.0, 0.5, 0.0]])
    out = threat.level(t)
    close(out, [[1 - 0.5 * 0.8, 1 - 0.7 * 0.7, 0.0], [0.6, 1 - 0.4 * 0.9, 1.0]])  # 0.6, 0.51, 0; 0.6, 0.64, 1
    assert out[1, 1] > out[1, 0]  # a smaller second threat (0.1 beside 0.6) still raises the level
    expected = np.zeros((2, 3))
    for r, i in itertools.product(range(2), range(3)):
        safe = 1.0
        for j in range(3):
            safe *= 1.0 - t[r, i, j]
        expected[r, i] = 1.0 - safe
    np.testing.assert_array_equal(out, expected)  # products in actor order: bit for bit


def test_transnational_update():
    """X <- X0 + (1 - delta)(X - X0): shocks fade back to the baseline (from above and from below)."""
    p = params({"transnational_baseline": 0.1, "transnational_decay": 0.2}, {"transnational_baseline": 0.0,
                                                                             "transnational_decay": 0.1})
    out = threat.transnational_update(arr([0.1, 0.5, 0.0, 1.0], [0.1, 0.5, 0.0, 1.0]), p)
    close(out, [[0.1, 0.1 + 0.8 * 0.4, 0.1 - 0.8 * 0.1, 0.1 + 0.8 * 0.9], [0.09, 0.45, 0.0, 0.9]])


# ------------------------------------------------------------------------------------------- capabilities.py


def test_grow():
    """P <- P (1 + g/4): one quarter of the yearly rate, growth and decline alike, no cap."""
    close(capabilities.grow(arr([2.0, 4.0], [1e6, 1.0]), arr([0.04, -0.08], [0.2, 0.0])),
          [[2.02, 3.92], [1.05e6, 1.0]])


def test_side():
    """S_i = P_i + w_x sum_a alliance_ia e_a P_a + w_b sum_k A_ik P_k."""
    p = params({"exposure_weight": 0.5, "bloc_power_weight": 0.4}, {"exposure_weight": 0.0, "bloc_power_weight": 1.0})
    power = arr([1.0, 2.0, 4.0], [1.0, 2.0, 4.0])
    alliance = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.5], [0.0, 0.5, 0.0]])
    engagement = arr([0.5, 1.0, 0.2], [0.5, 1.0, 0.2])
    align = np.array([[[0.0, 0.0, 0.3], [0.0, 0.0, 0.0], [0.3, 0.0, 0.0]]] * 2)
    # run 0: S_0 = 1 + 0.5*(1*1*2) + 0.4*(0.3*4) = 2.48; S_1 = 2 + 0.5*(1*0.5*1 + 0.5*0.2*4) = 2.45;
    #        S_2 = 4 + 0.5*(0.5*1*2) + 0.4*(0.3*1) = 4.62
    # run 1: allies do not count; partners fully: (1 + 1.2, 2, 4 + 0.3)
    close(capabilities.side(power, alliance, engagement, align, p), [[2.48, 2.45, 4.62], [2.2, 2.0, 4.3]])


def test_share():
    """g_ij = S_j / (S_i + S_j): 1/2 at parity (the diagonal), g_ij + g_ji = 1."""
    out = capabilities.share(arr([1.0, 3.0], [2.0, 2.0]))
    np.testing.assert_array_equal(out, [[[0.5, 0.75], [0.25, 0.5]], [[0.5, 0.5], [0.5, 0.5]]])


def test_standing():
    """Pi_i = sum_j r_ij g_ji / sum_j r_ij (g_ji = S_i / (S_i + S_j)), 0 without rivals."""
    s = np.array([1.0, 2.0, 4.0])
    share = s[None, None, :] / (s[None, :, None] + s[None, None, :])  # g_ij by hand's formula
    share = np.repeat(share, 2, axis=0)
    rivalry = arr([[0.0, 1.0, 0.5], [1.0, 0.0, 0.0], [0.5, 0.0, 0.0]], [[0.0, 0.0, 0.0]] * 3)
    # Pi_0 = (1 * 1/3 + 0.5 * 1/5) / 1.5; Pi_1 = 2/3; Pi_2 = 0.5 * 4/5 / 0.5 = 0.8; no rivals: 0
    close(capabilities.standing(share, rivalry), [[(1 / 3 + 0.1) / 1.5, 2 / 3, 0.8], [0.0, 0.0, 0.0]])


# ----------------------------------------------------------------------------------------------- alliances.py

ALLIANCE3 = np.array([[0.0, 1.0, 0.5], [1.0, 0.0, 0.0], [0.5, 0.0, 0.0]])


def test_commitment():
    """K_ij = alliance_ij e_i: an actor's own engagement commits it toward its allies."""
    e = arr([0.4, 0.9, 1.0], [0.0, 1.0, 0.5])
    expected = [[[0.0, 0.4, 0.2], [0.9, 0.0, 0.0], [0.5, 0.0, 0.0]],
                [[0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.25, 0.0, 0.0]]]
    close(alliances.commitment(ALLIANCE3, e), expected)
    close(alliances.commitment(np.stack([ALLIANCE3, ALLIANCE3]), e), expected)  # per run (alignment counted in)


def test_abandonment():
    """Ab_i = tau_i sum_a alliance_ia (1 - e_a) / sum_a alliance_ia."""
    out = alliances.abandonment(arr([0.5, 0.8, 0.2]), ALLIANCE3, arr([0.4, 0.9, 1.0]))
    # Ab_0 = 0.5 (1*0.1 + 0.5*0) / 1.5; Ab_1 = 0.8 (1*0.6) / 1; Ab_2 = 0.2 (0.5*0.6) / 0.5
    close(out, [[0.5 * 0.1 / 1.5, 0.48, 0.12]])


def test_abandonment_without_allies_is_zero():
    """Ab_i = 0 for an actor without allies (however threatened, however disengaged the others)."""
    alliance = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
    out = alliances.abandonment(arr([0.5, 0.5, 1.0]), alliance, arr([0.0, 0.0, 0.0]))
    np.testing.assert_array_equal(out, [[0.5, 0.5, 0.0]])


def hedging_loop(fear: np.ndarray, alliance: np.ndarray) -> np.ndarray:
    """H_ij = min(Ab_i, Ab_j) max_{a != i, j} min(alliance_ia, alliance_ja), 0 with no third party."""
    r_, n = fear.shape
    out = np.zeros((r_, n, n))
    for r, i, j in itertools.product(range(r_), range(n), range(n)):
        common = max([min(alliance[i, a], alliance[j, a]) for a in third(n, i, j)], default=0.0)
        out[r, i, j] = min(fear[r, i], fear[r, j]) * common
    return out


def test_hedging():
    """H_ij = min(Ab_i, Ab_j) max_{a != i, j} min(alliance_ia, alliance_ja): a shared patron feared lost."""
    alliance = np.array([[0.0, 0.0, 1.0], [0.0, 0.0, 0.6], [1.0, 0.6, 0.0]])  # 0 and 1 share patron 2
    fear = arr([0.3, 0.5, 0.1], [0.0, 0.5, 0.1])
    out = alliances.hedging(fear, alliance)
    close(out[:, 0, 1], [0.3 * 0.6, 0.0])  # min(0.3, 0.5) * min(1, 0.6); no fear of one side: no hedging
    close(out[:, 0, 2], [0.0, 0.0])  # 0 and 2 share no ally
    close(out, hedging_loop(fear, alliance))


def entrapment_loop(t: np.ndarray, prox: np.ndarray, e: np.ndarray) -> np.ndarray:
    """E_ij = e_j max over third parties k of T_jk (1 - T_ik)(1 - prox_ik)."""
    r_, n = e.shape
    out = np.zeros((r_, n, n))
    for r, i, j in itertools.product(range(r_), range(n), range(n)):
        worst = max([t[r, j, k] * (1 - t[r, i, k]) * (1 - prox[i, k]) for k in third(n, i, j)], default=0.0)
        out[r, i, j] = e[r, j] * worst
    return out


def test_entrapment():
    """E_ij = e_j max_k T_jk (1 - T_ik)(1 - prox_ik): a conflict of my engaged partner I neither share nor border."""
    t = arr([[0.0, 0.0, 0.1], [0.0, 0.0, 0.8], [0.0, 0.7, 0.0]], [[0.0, 0.0, 0.8], [0.0, 0.0, 0.8], [0.0, 0.7, 0.0]])
    prox = np.array([[1.0, 0.1, 0.2], [0.1, 1.0, 0.3], [0.6, 0.5, 1.0]])  # not symmetric: prox_ik is pinned
    e = arr([1.0, 0.9, 1.0], [1.0, 0.9, 1.0])
    out = alliances.entrapment(t, prox, e)
    close(out[:, 0, 1], [0.9 * 0.8 * 0.9 * 0.8, 0.9 * 0.8 * 0.2 * 0.8])  # sharing the threat lowers the fear
    close(out, entrapment_loop(t, prox, e))


def test_pull():
    """P_ij = w_K max(alliance_ij, A_ij) e_i + w_H H_ij, H as in test_hedging (a treaty patron only)."""
    p = params({"weight_commitment": 2.0, "weight_hedge": 3.0})
    alliance = np.array([[0.0, 0.0, 1.0], [0.0, 0.0, 0.6], [1.0, 0.6, 0.0]])
    e = arr([1.0, 0.5, 0.4])
    fear = arr([0.3, 0.5, 0.1])
    none = np.zeros((1, 3, 3))
    commit = alliance[None] * e[:, :, None]
    close(alliances.pull(alliance, none, e, fear, p), 2.0 * commit + 3.0 * hedging_loop(fear, alliance))
    close(alliances.pull(alliance, none, e, fear, p)[0, 0, 1], 3.0 * 0.18)  # no alliance: hedging alone
    aligned = arr([[0.0, 0.5, 0.4], [0.5, 0.0, 0.2], [0.4, 0.2, 0.0]])
    out = alliances.pull(alliance, aligned, e, fear, p)
    close(out[0, 0, 1], 2.0 * 0.5 * 1.0 + 3.0 * 0.18)  # an alignment commits as a treaty does
    close(out[0, 1, 0], 2.0 * 0.5 * 0.5 + 3.0 * 0.18)
    close(out[0, 2, 0], 2.0 * 1.0 * 0.4 + 3.0 * hedging_loop(fear, alliance)[0, 2, 0])  # the closer of the two
    close(out, 2.0 * np.maximum(alliance[None], aligned) * e[:, :, None] + 3.0 * hedging_loop(fear, alliance))


# --------------------------------------------------------------------------------------------- preferences.py


def test_help_against():
    """M_ij = g_ij sum_{k != i, j} T^_ik; M^reach_ij = g_ij sum_{k != i, j} T^_ik reach_jk."""
    t = arr([[0.0, 0.2, 0.6], [0.3, 0.0, 0.5], [0.4, 0.1, 0.0]])
    s = np.array([1.0, 2.0, 4.0])
    g = (s[None, :] / (s[:, None] + s[None, :]))[None]
    prox = np.array([[1.0, 0.5, 0.1], [0.7, 1.0, 0.3], [0.2, 0.9, 1.0]])  # not symmetric: reach_jk is pinned
    m, m_reach = preferences.help_against(t, g, prox)
    close([m[0, 0, 1], m_reach[0, 0, 1]], [2 / 3 * 0.6, 2 / 3 * 0.6 * 0.3])  # against 2, with 1's reach to 2
    close([m[0, 2, 0], m_reach[0, 2, 0]], [0.2 * 0.1, 0.2 * 0.1 * 0.5])  # 2 fears 1; 0's reach to 1
    expected, expected_reach = np.zeros((1, 3, 3)), np.zeros((1, 3, 3))
    for i, j in itertools.product(range(3), range(3)):
        expected[0, i, j] = g[0, i, j] * sum(t[0, i, k] for k in third(3, i, j))
        expected_reach[0, i, j] = g[0, i, j] * sum(t[0, i, k] * prox[j, k] for k in third(3, i, j))
    close(m, expected)
    close(m_reach, expected_reach)


def backlash_loop(t: np.ndarray, prox: np.ndarray, rivalry: np.ndarray) -> np.ndarray:
    """B_ij = max over third parties k of prox_ik (1 - r_ik) T_kj."""
    r_, n = t.shape[:2]
    out = np.zeros((r_, n, n))
    for r, i, j in itertools.product(range(r_), range(n), range(n)):
        out[r, i, j] = max([prox[i, k] * (1 - rivalry[r, i, k]) * t[r, k, j] for k in third(n, i, j)], default=0.0)
    return out


def test_backlash():
    """B_ij = max_k prox_ik (1 - r_ik) T_kj: a nearby actor that fears my partner and is not my rival."""
    t = arr([[0.0, 0.9, 0.0], [0.0, 0.0, 0.0], [0.0, 0.6, 0.0]], [[0.0, 0.9, 0.0], [0.0, 0.0, 0.0], [0.0, 0.6, 0.0]])
    prox = np.array([[1.0, 0.0, 0.5], [0.0, 1.0, 0.2], [0.3, 0.4, 1.0]])  # not symmetric: prox_ik is pinned
    rivalry = np.zeros((2, 3, 3))
    rivalry[1, 0, 2] = rivalry[1, 2, 0] = 0.75  # run 1: 0 and 2 are rivals
    out = preferences.backlash(t, prox, rivalry)
    close(out[0, 0, 1], 0.5 * 0.6)  # 2, half-near 0, fears 1; 0's own threat from 1 (0.9) is no backlash
    close(out[1, 0, 1], 0.5 * 0.25 * 0.6)  # a rival's fear of my partner deters me less
    close(out, backlash_loop(t, prox, rivalry))
    close(preferences.backlash(t, prox, np.ones((2, 3, 3))), np.zeros((2, 3, 3)))  # only rivals around: none


def hub_loop(alliance: np.ndarray, e: np.ndarray) -> np.ndarray:
    """H_ij = max over third parties k of min(a_ik, a_jk) e_k."""
    r_, n = e.shape
    out = np.zeros((r_, n, n))
    for r, i, j in itertools.product(range(r_), range(n), range(n)):
        out[r, i, j] = max([min(alliance[i, k], alliance[j, k]) * e[r, k] for k in third(n, i, j)], default=0.0)
    return out


HUB_ALLIANCE = np.array([[0.0, 0.0, 1.0], [0.0, 0.0, 1.0], [1.0, 1.0, 0.0]])  # 0 and 1 both allied to 2


def test_hub():
    """H_ij = max_k min(a_ik, a_jk) e_k: a common ally, as engaged as it is."""
    e = arr([1.0, 0.6, 0.7], [1.0, 1.0, 0.0])
    out = preferences.hub(HUB_ALLIANCE, e)
    close(out[:, 0, 1], [0.7, 0.0])  # the common ally's engagement; a disengaged hub is none
    close(out[:, 0, 2], [0.0, 0.0])  # 0 and 2 have no common ally
    close(out, hub_loop(HUB_ALLIANCE, e))


def test_shared_values():
    """V_ij = v_i v_j: high only when both are democracies."""
    close(preferences.shared_values(arr([1.0, 0.8, 0.1])),
          [[[1.0, 0.8, 0.1], [0.8, 0.64, 0.08], [0.1, 0.08, 0.01]]])


def test_affinity():
    """Af_ij = w_V V_ij + w_U (U_ij - 1/2) + w_H H_ij."""
    p = params({"weight_values": 1.5, "weight_trust": 0.5, "weight_hub": 2.0})
    v = arr([1.0, 1.0, 0.2])
    trust = arr([[0.0, 0.9, 0.5], [0.3, 0.0, 0.5], [0.5, 0.5, 0.0]])
    e = arr([1.0, 0.6, 0.7])
    out = preferences.affinity(v, trust, HUB_ALLIANCE, e, p)
    close(out[0, 0, 1], 1.5 * 1.0 + 0.5 * 0.4 + 2.0 * 0.7)  # 3.1
    close(out[0, 1, 2], 1.5 * 0.2 + 0.0 + 0.0)
    expected = 1.5 * v[:, :, None] * v[:, None, :] + 0.5 * (trust - 0.5) + 2.0 * hub_loop(HUB_ALLIANCE, e)
    close(out, expected)


def test_dread():
    """Dr_ij = w_E E_ij + w_B B_ij (entrapment and backlash as in their tests)."""
    p = params({"weight_entrapment": 0.8, "weight_backlash": 0.5}, {"weight_entrapment": 0.0, "weight_backlash": 2.0})
    rng = np.random.default_rng(7)
    mask = ordered.off_diagonal(3)
    t = rng.random((2, 3, 3)) * mask
    prox = np.array([[1.0, 0.1, 0.6], [0.4, 1.0, 0.3], [0.0, 0.8, 1.0]])
    e = rng.random((2, 3))
    rivalry = rng.random((2, 3, 3)) * mask
    rivalry = (rivalry + np.swapaxes(rivalry, 1, 2)) / 2
    w_e, w_b = np.array([0.8, 0.0])[:, None, None], np.array([0.5, 2.0])[:, None, None]
    close(preferences.dread(t, prox, rivalry, e, p),
          w_e * entrapment_loop(t, prox, e) + w_b * backlash_loop(t, prox, rivalry))


def test_transnational_pull():
    """sum_k relevance_dk X_k, per domain."""
    levels = arr([0.2, 0.4, 0.6, 0.8], [0.0, 0.0, 0.0, 1.0])
    out = preferences.transnational_pull(levels)
    assert out.shape == (2, D)
    close(out[0, POLITICAL_DIALOGUE], 0.2 * 0.2 + 0.1 * 0.4 + 0.1 * 0.6 + 0.1 * 0.8)  # 0.22
    close(out[:, HADR], [0.8, 1.0])
    close(out[:, COLLECTIVE_DEFENCE], [0.0, 0.0])
    expected = np.array([[sum(RELEVANCE[d, k] * levels[r, k] for k in range(K)) for d in range(D)] for r in range(2)])
    close(out, expected)


def desired_loop(h_any, h_reach, levels, aff, pull, partner, fear, agreement, p: Params):
    """The net incentive y (R, N, N, D) of preferences.desired's docstring, element by element."""
    r_, n = h_any.shape[:2]
    y = np.zeros((r_, n, n, D))
    for r, i, j, d in itertools.product(range(r_), range(n), range(n), range(D)):
        m = MILITARY[d]
        u = 0.3 + 0.7 * m
        threat_drive = u * p.weight_threat[r] * ((1 - m) * h_any[r, i, j] + m * h_reach[r, i, j])
        transnational_drive = p.weight_transnational[r] * sum(RELEVANCE[d, k] * levels[r, k] for k in range(K))
        cost = p.cost_scale[r] * COST[d] * (1 - p.agreement_effect[r] * agreement[r, i, j, d])
        y[r, i, j, d] = ((threat_drive + transnational_drive) * max(0.0, 1 + aff[r, i, j]) + u * pull[r, i, j]
                         - p.weight_partner_threat[r] * partner[r, i, j] - m * fear[r, i, j] - cost)
    return y


def test_desired_one_civilian_and_one_military_element_by_hand():
    """wish = y^+/(1 + y^+), y = (u_d w_T ((1 - m_d) M + m_d M^reach) + w_X sum_k rel_dk X_k) (1 + Af)^+
    + u_d pull - w_R T_ij - m_d Dr - cost_scale COST_d (1 - a_eff ag), u_d = 0.3 + 0.7 m_d."""
    p = params({"weight_threat": 2.0, "weight_transnational": 1.0, "cost_scale": 0.5, "agreement_effect": 0.5,
                "weight_partner_threat": 1.0})
    full = lambda value: np.full((1, 2, 2), value)
    out = preferences.desired(full(0.3), full(0.1), arr([0.2, 0.0, 0.0, 0.4]), full(0.5), full(0.4), full(0.1),
                              full(0.2), np.full((1, 2, 2, D), 0.5), p)
    assert out.shape == (1, 2, 2, D)
    # political dialogue (m = 0, u = 0.3, cost 0.05, relevance (0.2, 0.1, 0.1, 0.1)):
    # (0.3*2*0.3 + (0.2*0.2 + 0.1*0.4)) * 1.5 + 0.3*0.4 - 0.1 - 0 - 0.5*0.05*0.75 = 0.39 + 0.12 - 0.1 - 0.01875
    y = 0.39125
    close(out[..., POLITICAL_DIALOGUE], np.full((1, 2, 2), y / (1 + y)))
    # collective defence (m = 1, u = 1, cost 0.6, no relevance):
    # (1*2*0.1) * 1.5 + 0.4 - 0.1 - 0.2 - 0.5*0.6*0.75 = 0.3 + 0.4 - 0.1 - 0.2 - 0.225
    y = 0.175
    close(out[..., COLLECTIVE_DEFENCE], np.full((1, 2, 2), y / (1 + y)))


def desired_inputs(seed: int, r_: int = 2, n: int = 3) -> tuple[np.ndarray, ...]:
    """Random inputs of preferences.desired (affinity down to -2.5, so the (1 + Af)^+ floor acts)."""
    rng = np.random.default_rng(seed)
    u = lambda low, high, *shape: rng.uniform(low, high, shape)
    return (u(0, 1, r_, n, n), u(0, 1, r_, n, n), u(0, 1, r_, K), u(-2.5, 2, r_, n, n), u(0, 2, r_, n, n),
            u(0, 1, r_, n, n), u(0, 1, r_, n, n), u(0, 1, r_, n, n, D))


DESIRED_PARAMS = ({"weight_threat": 3.0, "weight_transnational": 1.5, "cost_scale": 0.5, "agreement_effect": 0.7,
                   "weight_partner_threat": 2.0},
                  {"weight_threat": 1.0, "weight_transnational": 0.2, "cost_scale": 2.0, "agreement_effect": 0.2,
                   "weight_partner_threat": 0.5})


def test_desired_matches_a_loop_in_every_run_dyad_and_domain():
    """The docstring's y mapped to y^+/(1 + y^+), element by element, two runs with different parameters."""
    p = params(*DESIRED_PARAMS)
    inputs = desired_inputs(8)
    y = np.maximum(desired_loop(*inputs, p), 0.0)
    close(preferences.desired(*inputs, p), y / (1.0 + y))


def test_desired_is_in_unit_interval_and_zero_without_a_net_incentive():
    """0 <= wish < 1; wish = 0 exactly where y <= 0 and > 0 where y > 0."""
    p = params(*DESIRED_PARAMS)
    for seed in range(9, 14):
        inputs = desired_inputs(seed)
        out = preferences.desired(*inputs, p)
        y = desired_loop(*inputs, p)
        assert np.all(out >= 0.0) and np.all(out < 1.0)
        sure = np.abs(y) > 1e-12  # away from rounding at the kink
        assert np.all(out[sure & (y < 0)] == 0.0)
        assert np.all(out[sure & (y > 0)] > 0.0)
        assert (y < 0).any() and (y > 0).any()  # both cases occur


# --------------------------------------------------------------------------------------------- constraints.py


def test_consensus():
    """chi_i = chi0_i + (1 - chi0_i) x/(1 + x), x = w_chi tau_i; below 1 for chi0 < 1 however large the threat."""
    p = params({"consensus_threat": 2.0}, {"consensus_threat": 10.0})
    out = constraints.consensus(arr([1.0, 0.2, 0.2], [0.2, 0.2, 0.5]), arr([0.5, 0.5, 0.0], [1.0, 0.1, 0.3]), p)
    close(out, [[1.0, 0.2 + 0.8 * 0.5, 0.2], [0.2 + 0.8 * 10 / 11, 0.2 + 0.8 * 0.5, 0.5 + 0.5 * 0.75]])
    assert out[1, 0] < 1.0


def tables3() -> np.ndarray:
    """(N = 3, S = 2, D): theta[i, s, d] = (100 i + 10 s + d) / 1000, every entry distinct."""
    i, s, d = np.meshgrid(np.arange(3), np.arange(2), np.arange(D), indexing="ij")
    return (100.0 * i + 10.0 * s + d) / 1000.0


def test_table_row():
    """Theta_{i, s_i, d}: each actor's own table in its own current state, per run."""
    tables = tables3()
    state = np.array([[0, 1, 0], [1, 1, 0]])
    out = constraints.table_row(state, tables)
    expected = np.array([[[(100 * i + 10 * state[r, i] + d) / 1000 for d in range(D)] for i in range(3)]
                         for r in range(2)])
    np.testing.assert_array_equal(out, expected)


def test_latitude():
    """lambda_i = sum_d m_d Theta_{i, s_i, d} / sum_d m_d: 1 unconstrained, 0 when only civilian domains are open."""
    tables = np.zeros((3, 2, D))
    tables[0, 0] = 1.0  # unconstrained
    tables[1, 0, COLLECTIVE_DEFENCE] = 1.0  # m = 1 of the total 4.8
    tables[1, 1, POLITICAL_DIALOGUE] = 1.0  # m = 0
    tables[2, 1] = 0.5
    out = constraints.latitude(np.array([[0, 0, 0], [0, 1, 1]]), tables)
    close(out, [[1.0, 1 / 4.8, 0.0], [1.0, 0.0, 0.5]])


def ceiling_loop(state, dovish, agreed, engagement, tables, allies, prox, alliance, p: Params) -> np.ndarray:
    """K_ijd = (Theta + alliance_ij x_i (1 - Theta)) (1 - w_dov delta_i m_d) (1 - (1 - chi_i)(1 - prox_ij)
    (1 - alliance_ij)) (1 - alliance_ij (1 - e_i)) for i != j, Theta = Theta_{i, s_i, d}; 0 toward oneself.

    constraints.ceiling's docstring states no formula: this is the module docstring's description (lifted toward
    treaty allies by the allies share, lowered in military domains by a dovish government, toward far non-allies
    by weak consensus, toward allies to at most the engagement) written out factor by factor."""
    r_, n = state.shape
    out = np.zeros((r_, n, n, D))
    for r, i, j, d in itertools.product(range(r_), range(n), range(n), range(D)):
        if i == j:
            continue
        theta = tables[i, state[r, i], d]
        legal = theta + alliance[i, j] * allies[i] * (1 - theta)
        domestic_factor = 1 - p.dovish_penalty[r] * dovish[r, i] * MILITARY[d]
        out_of_area = 1 - (1 - agreed[r, i]) * (1 - prox[i, j]) * (1 - alliance[i, j])
        committed = 1 - alliance[i, j] * (1 - engagement[r, i])
        out[r, i, j, d] = legal * domestic_factor * out_of_area * committed
    return out


# actor 0 has a table of 0.2 everywhere (0.5 in its second state); 1 is its near ally; 2 is far and no ally
CEIL_TABLES = np.concatenate([np.stack([np.full(D, 0.2), np.full(D, 0.5)])[None], np.ones((2, 2, D))])
CEIL_PROX = np.array([[1.0, 1.0, 0.0], [1.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
CEIL_ALLIANCE = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
CEIL_ALLIES = np.array([0.5, 1.0, 1.0])


def ceiling_runs(**changes: list[float]) -> np.ndarray:
    """ceiling for four runs of three actors: run 0 the base (hawkish, full consensus and engagement), runs 1 to
    3 change actor 0's engagement, dovishness and consensus one at a time to the values given."""
    state = np.zeros((4, 3), dtype=np.int64)
    dovish, agreed, engaged = np.zeros((4, 3)), np.ones((4, 3)), np.ones((4, 3))
    engaged[1, 0], dovish[2, 0], agreed[3, 0] = changes["engagement"], changes["dovish"], changes["agreed"]
    p = params(*[{"dovish_penalty": 0.8}] * 4)
    out = constraints.ceiling(state, dovish, agreed, engaged, CEIL_TABLES, CEIL_ALLIES, CEIL_PROX, CEIL_ALLIANCE, p)
    close(out, ceiling_loop(state, dovish, agreed, engaged, CEIL_TABLES, CEIL_ALLIES, CEIL_PROX, CEIL_ALLIANCE, p))
    return out


def test_ceiling_allies_lift_and_engagement_factor():
    """Toward a treaty ally the limit is lifted by the allies share, Theta + x (1 - Theta), and multiplied by the
    actor's engagement (a retrenching patron offers less); toward a non-ally neither applies."""
    out = ceiling_runs(engagement=0.5, dovish=0.0, agreed=1.0)
    close(out[0, 0, 1], np.full(D, 0.2 + 0.5 * 0.8))  # 0.6 toward the ally
    close(out[0, 0, 2], np.full(D, 0.2))  # the table itself toward the non-ally
    close(out[1, 0, 1], np.full(D, 0.6 * 0.5))  # half engaged: at most its engagement toward an ally
    close(out[1, 0, 2], np.full(D, 0.2))  # engagement does not limit what it offers a non-ally


def test_ceiling_dovish_government_lowers_military_domains():
    """factor 1 - w_dov delta_i m_d: a half-dovish government (w_dov = 0.8) keeps 60 % in collective defence,
    all of political dialogue."""
    out = ceiling_runs(engagement=1.0, dovish=0.5, agreed=1.0)
    close(out[2, 0, 1], 0.6 * (1 - 0.4 * MILITARY))
    close(out[2, 0, 1, [POLITICAL_DIALOGUE, COLLECTIVE_DEFENCE]], [0.6, 0.6 * 0.6])


def test_ceiling_out_of_area_consensus():
    """factor 1 - (1 - chi_i)(1 - prox_ij)(1 - alliance_ij): weak consensus lowers the limit only toward far
    non-allies."""
    out = ceiling_runs(engagement=1.0, dovish=0.0, agreed=0.3)
    close(out[3, 0, 2], np.full(D, 0.2 * 0.3))  # far, not an ally
    close(out[3, 0, 1], np.full(D, 0.6))  # near ally: untouched


def test_ceiling_matches_a_loop_and_stays_in_range():
    """The four factors together on random states (both table rows, partial alliances and proximity); in [0, 1],
    0 toward oneself."""
    rng = np.random.default_rng(15)
    tables = rng.random((3, 2, D))
    alliance = np.array([[0.0, 0.7, 0.2], [0.7, 0.0, 0.0], [0.2, 0.0, 0.0]])
    prox = np.array([[1.0, 0.4, 0.0], [0.1, 1.0, 0.9], [0.5, 0.9, 1.0]])
    allies = np.array([0.3, 1.0, 0.0])
    state = np.array([[0, 1, 1], [1, 0, 0]])
    dovish, agreed, engaged = rng.random((2, 3)), rng.random((2, 3)), rng.random((2, 3))
    p = params({"dovish_penalty": 0.8}, {"dovish_penalty": 0.3})
    out = constraints.ceiling(state, dovish, agreed, engaged, tables, allies, prox, alliance, p)
    close(out, ceiling_loop(state, dovish, agreed, engaged, tables, allies, prox, alliance, p))
    assert np.all(out >= 0.0) and np.all(out <= 1.0)
    np.testing.assert_array_equal(out[:, [0, 1, 2], [0, 1, 2]], 0.0)


# ------------------------------------------------------------------------------------------------ domestic.py


def test_orientation():
    """delta <- delta + r (clip(lean - w tau) - delta) for actors with elections; the others do not move."""
    p = params({"orientation_rate": 0.1, "orientation_threat": 0.5})
    dovish, lean = arr([0.5, 0.5, 0.3, 0.5]), arr([0.8, 0.8, 0.1, 1.0])
    level = arr([0.4, 0.4, 0.9, 0.0])
    elections = np.array([True, False, True, True])
    out = domestic.orientation(dovish, lean, level, elections, p)
    # goal 0.8 - 0.2 = 0.6; no electorate; goal clip(0.1 - 0.45) = 0; goal 1
    close(out, [[0.5 + 0.1 * 0.1, 0.5, 0.3 - 0.1 * 0.3, 0.5 + 0.1 * 0.5]])
    assert out[0, 1] == dovish[0, 1]  # exactly unchanged


def test_legal_pressure():
    """P_i = max_j (1/D) sum_d (W_jid - K_ijd)^+ min(1, C_ijd / K_ijd): demand beyond i's limit, as far as
    practice has reached the limit."""
    want, ceiling, coop = np.zeros((1, 2, 2, D)), np.zeros((1, 2, 2, D)), np.zeros((1, 2, 2, D))
    want[0, 1, 0] = 0.5  # 1 wants 0.5 from 0 everywhere
    ceiling[0, 0, 1, :5], ceiling[0, 0, 1, 5:] = 0.3, 0.8  # 0 may give 0.3 in half the domains
    want[0, 0, 1] = 0.2
    ceiling[0, 1, 0] = 1.0
    want[0, 0, 0] = 1.0  # an actor's own wish toward itself is no partner's demand
    coop[0, 0, 1] = coop[0, 1, 0] = 0.3  # practice at the limit
    close(domestic.legal_pressure(want, ceiling, coop), [[5 * 0.2 / D, 0.0]])
    coop[0, 0, 1, :5] = coop[0, 1, 0, :5] = 0.15  # halfway to the limit: half the pressure
    close(domestic.legal_pressure(want, ceiling, coop), [[5 * 0.2 * 0.5 / D, 0.0]])
    close(domestic.legal_pressure(want, ceiling, np.zeros_like(coop)), [[0.0, 0.0]])  # no practice: none
    ceiling[0, 0, 1, :5] = 0.0  # a limit of zero is reached
    close(domestic.legal_pressure(want, ceiling, np.zeros_like(coop)), [[5 * 0.5 / D, 0.0]])


def test_legal_pressure_matches_a_loop():
    """P_i = max over partners j != i of (1/D) sum_d w_d max(W_jid - K_ijd, 0) min(1, C_ijd / K_ijd), three actors,
    two runs, with and without domain weights."""
    rng = np.random.default_rng(16)
    want, ceiling, coop = rng.random((2, 3, 3, D)), rng.random((2, 3, 3, D)), rng.random((2, 3, 3, D))
    ceiling[0, 1, 2, 3] = 0.0
    weight = rng.random((2, D))
    for w in (None, weight):
        expected = np.zeros((2, 3))
        for r, i in itertools.product(range(2), range(3)):
            expected[r, i] = max(
                sum((1.0 if w is None else w[r, d]) * max(want[r, j, i, d] - ceiling[r, i, j, d], 0.0)
                    * (min(1.0, coop[r, i, j, d] / ceiling[r, i, j, d]) if ceiling[r, i, j, d] > 0 else 1.0)
                    for d in range(D)) / D
                for j in range(3) if j != i)
        close(domestic.legal_pressure(want, ceiling, coop, w), expected)


def test_crisis():
    """c_d = sum_k rel_dk (X_k - X0_k)^+, (R, K) -> (R, D)."""
    p = params({"transnational_baseline": 0.1}, {"transnational_baseline": 0.5})
    levels = arr([0.3, 0.05, 0.1, 0.6], [0.3, 0.05, 0.1, 0.6])
    out = domestic.crisis(levels, p)
    assert out.shape == (2, D)
    excess = np.array([[0.2, 0.0, 0.0, 0.5], [0.0, 0.0, 0.0, 0.1]])
    close(out, preferences.transnational_pull(excess))
    close(out[:, COLLECTIVE_DEFENCE], [0.0, 0.0])
    close(domestic.crisis(arr([0.1, 0.1, 0.1, 0.1], [0.5, 0.5, 0.5, 0.5]), p), np.zeros((2, D)))  # at baseline


def test_exposure():
    """E_i = max_j sum_d c_d (W_jid - K_ijd)^+ min(1, C_ijd / K_ijd): a crisis exposes only a binding limit."""
    p = params({"transnational_baseline": 0.1})
    levels = arr([0.5, 0.5, 0.5, 0.5])  # every transnational threat 0.4 above its baseline
    want, ceiling = np.zeros((1, 2, 2, D)), np.full((1, 2, 2, D), 0.3)
    coop = np.full((1, 2, 2, D), 0.3)
    c = domestic.crisis(levels, p)[0]
    close(domestic.exposure(want, ceiling, coop, levels, p), [[0.0, 0.0]])  # nobody asks: nothing exposed
    want[0, 1, 0, COLLECTIVE_DEFENCE] = 0.8  # asked for what the crisis does not concern
    close(domestic.exposure(want, ceiling, coop, levels, p), [[0.0, 0.0]])
    want[0, 1, 0, HADR] = 0.8
    close(domestic.exposure(want, ceiling, coop, levels, p), [[c[HADR] * 0.5, 0.0]])
    close(domestic.exposure(want, ceiling, coop, arr([0.1, 0.1, 0.1, 0.1]), p), [[0.0, 0.0]])  # no crisis


def test_reform_hazard():
    """h = rate clip(chi (b_T tau + b_A Ab + b_P P + b_C E) - b (s + 1), 0, 1) (1 - delta)."""
    p = params({"reform_threat": 10.0, "reform_abandonment": 5.0, "reform_pressure": 2.0, "reform_crisis": 4.0,
                "reform_barrier": 3.0, "reform_rate": 0.5})
    level, fear, pressure = arr([0.5, 0.5, 0.5, 0.5]), arr([0.2, 0.2, 0.2, 0.2]), arr([0.5, 0.5, 0.5, 0.5])
    shock = arr([0.25, 0.25, 0.25, 0.25])  # exposure E
    dovish = arr([0.2, 0.2, 0.2, 1.0])
    agreed = arr([1.0, 0.45, 1.0, 1.0])
    state = np.array([[0, 0, 2, 0]])
    # drive = 5 + 1 + 1 + 1 = 8; z = 8 - 3 = 5 -> 1; 0.45*8 - 3 = 0.6; 8 - 9 < 0 -> 0; a dove does not act
    out = domestic.reform_hazard(level, fear, pressure, shock, dovish, agreed, state, p)
    close(out, [[0.5 * 0.8, 0.5 * 0.6 * 0.8, 0.0, 0.0]])


def test_reform_steps():
    """One step looser where draw < hazard, the actor is endogenous and s < min(last, cap); else unchanged."""
    endogenous = np.array([True, True, False])
    last = np.array([3, 3, 3])
    state = np.array([[0, 1, 0], [3, 1, 1]], dtype=np.int64)
    hazard = arr([0.5, 0.5, 1.0], [1.0, 1.0, 1.0])
    draw = arr([0.2, 0.5, 0.0], [0.0, 0.0, 0.0])
    cap = np.array([[3, 3, 3], [3, 1, 3]])
    out = domestic.reform(state, hazard, draw, endogenous, last, cap)
    # run 0: steps; draw not under hazard; exogenous. run 1: at the loosest state; at its cap; exogenous
    np.testing.assert_array_equal(out, [[1, 1, 0], [3, 1, 1]])
    assert out.dtype == state.dtype


def test_reform_never_moves_an_exogenous_actor_nor_passes_the_cap():
    """Exogenous actors keep their state whatever hazard and draw; no actor passes min(last, cap); steps are +1."""
    rng = np.random.default_rng(17)
    endogenous = np.array([True, False, True])
    last = np.array([4, 4, 2])
    for _ in range(20):
        cap = rng.integers(0, 5, (2, 3))
        state = np.minimum(rng.integers(0, 5, (2, 3)), np.minimum(last, cap))
        out = domestic.reform(state, rng.random((2, 3)), rng.random((2, 3)), endogenous, last, cap)
        np.testing.assert_array_equal(out[:, 1], state[:, 1])
        assert np.all(out <= np.minimum(last, cap)) and np.all((out - state >= 0) & (out - state <= 1))


# --------------------------------------------------------------------------------------------- cooperation.py


def test_goal():
    """G_ijd = min(O_ijd, O_jid): the smaller offer binds (symmetric)."""
    offers = np.zeros((1, 2, 2, D))
    offers[0, 0, 1], offers[0, 1, 0] = np.linspace(0, 0.9, D), 0.45
    expected = np.zeros((1, 2, 2, D))
    expected[0, 0, 1] = expected[0, 1, 0] = np.minimum(np.linspace(0, 0.9, D), 0.45)
    np.testing.assert_array_equal(cooperation.goal(offers), expected)


def test_settle():
    """C <- max(C + r (G - C), F), r = build rate when G > C, decay rate when G < C."""
    p = params({"build_rate": 0.2, "decay_rate": 0.05}, {"build_rate": 0.5, "decay_rate": 0.1})
    c, g, f = np.zeros((2, 2, 2, D)), np.zeros((2, 2, 2, D)), np.zeros((2, 2, 2, D))
    cells = [(0.2, 0.6, 0.0), (0.6, 0.2, 0.0), (0.3, 0.0, 0.29), (0.4, 0.4, 0.0)]  # grow, shrink, floor, at goal
    for d, (c0, g0, f0) in enumerate(cells):
        c[:, 0, 1, d], g[:, 0, 1, d], f[:, 0, 1, d] = c0, g0, f0
    expected = np.zeros((2, 2, 2, D))
    expected[0, 0, 1, :4] = [0.2 + 0.2 * 0.4, 0.6 - 0.05 * 0.4, 0.29, 0.4]  # 0.28, 0.58, max(0.285, 0.29), 0.4
    expected[1, 0, 1, :4] = [0.2 + 0.5 * 0.4, 0.6 - 0.1 * 0.4, 0.29, 0.4]  # 0.4, 0.56, max(0.27, 0.29), 0.4
    out = cooperation.settle(c, g, f, p)
    close(out, expected)
    np.testing.assert_array_equal(out[:, 0, 1, 2:4], [[0.29, 0.4], [0.29, 0.4]])  # the floor and a still goal: exact


def test_trust_update():
    """U_ij <- U_ij + rho (f_ij - U_ij), f_ij = (sum_d min(o_jid, w_ijd) + eps) / (sum_d w_ijd + eps), eps = 1e-3;
    nothing wanted counts as fulfilled; 0 toward oneself."""
    p = params({"trust_memory": 0.1})
    trust = arr([[0.7, 0.5], [0.5, 0.7]])
    want, offers = np.zeros((1, 2, 2, D)), np.zeros((1, 2, 2, D))
    want[0, 0, 1] = 0.4  # 0 wants 0.4 everywhere (sum 4) ...
    offers[0, 1, 0, :5], offers[0, 1, 0, 5:] = 0.2, 0.6  # ... 1 offers 0.2 in half, 0.6 in the rest: gets 1 + 2
    offers[0, 0, 1] = 0.9  # 1 wants nothing
    want[0, 0, 0] = offers[0, 0, 0] = 1.0
    f01 = (3.0 + 1e-3) / (4.0 + 1e-3)
    close(cooperation.trust_update(trust, want, offers, p), [[[0.0, 0.5 + 0.1 * (f01 - 0.5)], [0.5 + 0.1 * 0.5, 0.0]]])


# -------------------------------------------------------------------------------------------- institutions.py


def test_institutionalise():
    """F <- F + r_I (theta L - F)^+ - r_E (F - G)^+."""
    p = params({"institution_rate": 0.1, "institution_share": 0.4, "institution_erosion": 0.01},
               {"institution_rate": 0.5, "institution_share": 0.8, "institution_erosion": 0.05})
    floor = arr([0.1, 0.3, 0.3, 0.1], [0.1, 0.3, 0.3, 0.1])
    level = arr([0.5, 0.5, 0.5, 0.5], [0.5, 0.5, 0.5, 0.5])
    goal = arr([0.5, 0.4, 0.1, 0.0], [0.5, 0.4, 0.1, 0.0])
    out = institutions.institutionalise(floor, level, goal, p)
    close(out, [[0.1 + 0.1 * 0.1, 0.3, 0.3 - 0.01 * 0.2, 0.1 + 0.1 * 0.1 - 0.01 * 0.1],  # theta L = 0.2
                [0.1 + 0.5 * 0.3, 0.3 + 0.5 * 0.1, 0.3 + 0.5 * 0.1 - 0.05 * 0.2, 0.1 + 0.5 * 0.3 - 0.05 * 0.1]])
    assert out[0, 1] == 0.3  # above the share but still used: exactly unchanged


def test_institutionalise_built_only_up_to_the_share_eroded_only_by_disuse():
    """On random floors of any shape: a floor at or above theta L is never built up, and one the sides still want
    (G >= F) never erodes; so F' <= max(F, theta L) and F' >= F where G >= F."""
    rng = np.random.default_rng(18)
    p = params({"institution_rate": 0.3, "institution_share": 0.4}, {"institution_rate": 0.5, "institution_share": 0.9})
    share = np.array([0.4, 0.9])
    for shape in [(2, 3, 3, D), (2, 3, 3)]:
        floor, level, goal = rng.random(shape), rng.random(shape), rng.random(shape)
        out = institutions.institutionalise(floor, level, goal, p)
        assert out.shape == shape
        top = np.maximum(floor, share.reshape((2,) + (1,) * (len(shape) - 1)) * level)
        assert np.all(out <= top)
        used = goal >= floor
        assert np.all(out[used] >= floor[used])


# ---------------------------------------------------------------------------------------- counterbalancing.py


def encirclement_loop(rivalry: np.ndarray, coop: np.ndarray, power: np.ndarray) -> np.ndarray:
    """E_c = sum over pairs i < j (i, j != c) of p^c_i p^c_j mil_ij (r_ci + r_cj) / 2, p^c_i = (N - 1) P_i /
    sum_{k != c} P_k, mil_ij = sum_d m_d C_ijd / sum_d m_d."""
    r_, n = power.shape
    out = np.zeros((r_, n))
    for r, c in itertools.product(range(r_), range(n)):
        others = sum(power[r, k] for k in range(n) if k != c)
        p = [(n - 1) * power[r, i] / others for i in range(n)]
        for i, j in itertools.combinations([k for k in range(n) if k != c], 2):
            mil = sum(MILITARY[d] * coop[r, i, j, d] for d in range(D)) / sum(MILITARY)
            out[r, c] += p[i] * p[j] * mil * (rivalry[r, c, i] + rivalry[r, c, j]) / 2
    return out


def test_encirclement_by_hand():
    """E_c = sum over pairs {i, j} not containing c of p^c_i p^c_j mil_ij (r_ci + r_cj) / 2 (N = 3: one pair)."""
    power = arr([5.0, 1.0, 3.0])
    coop = np.zeros((1, 3, 3, D))
    coop[0, 1, 2] = coop[0, 2, 1] = 0.5  # mil_12 = 0.5
    coop[0, 0, 1, COLLECTIVE_DEFENCE] = coop[0, 1, 0, COLLECTIVE_DEFENCE] = 1.0  # mil_01 = 1/4.8
    rivalry = arr([[0.0, 1.0, 0.5], [1.0, 0.0, 0.0], [0.5, 0.0, 0.0]])
    # c = 0: p = 2*1/4, 2*3/4 -> 0.5 * 1.5 * 0.5 * (1 + 0.5)/2; c = 1: 0 and 2 do not cooperate;
    # c = 2: p = 2*5/6, 2*1/6 -> (5/3)(1/3)(1/4.8)(0.5 + 0)/2
    close(counterbalancing.encirclement(rivalry, coop, power),
          [[0.28125, 0.0, (5 / 3) * (1 / 3) * (1 / 4.8) * 0.25]])


def test_encirclement_equals_the_pairwise_sum():
    """The vectorised form equals the explicit sum over pairs (four actors: three pairs per c), two runs."""
    rng = np.random.default_rng(19)
    n = 4
    mask = ordered.off_diagonal(n)
    coop = rng.random((2, n, n, D))
    coop = (coop + np.swapaxes(coop, 1, 2)) / 2 * mask[..., None]  # symmetric, nothing toward oneself
    rivalry = rng.random((2, n, n)) * mask  # not symmetric, so r_ci (c's rivalry toward i) is pinned
    power = rng.uniform(0.5, 5.0, (2, n))
    close(counterbalancing.encirclement(rivalry, coop, power), encirclement_loop(rivalry, coop, power))


def test_encirclement_ignores_the_encircled_actors_own_power():
    """p^c_i depends only on the others' power: changing P_c leaves E_c as it was (up to rounding)."""
    rng = np.random.default_rng(20)
    mask = ordered.off_diagonal(3)
    coop = rng.random((1, 3, 3, D))
    coop = (coop + np.swapaxes(coop, 1, 2)) / 2 * mask[..., None]
    rivalry = arr([[0.0, 1.0, 0.6], [1.0, 0.0, 0.0], [0.6, 0.0, 0.0]])
    weak, strong = arr([0.1, 1.0, 2.0]), arr([50.0, 1.0, 2.0])
    close(counterbalancing.encirclement(rivalry, coop, strong)[0, 0],
          counterbalancing.encirclement(rivalry, coop, weak)[0, 0])


def alignment_goal_loop(enc, help_, share, rivalry, balancer, agreement, p: Params) -> np.ndarray:
    """A*_ij = min(b_i, b_j) z+/(1 + z+), z = (1 - r_ij) min(G_ij, G_ji) - c_A (1 - a_eff ag_ij), G_ij = w_S M_ij +
    w_E E_i g_ij; 0 toward oneself."""
    r_, n = enc.shape
    out = np.zeros((r_, n, n))
    for r, i, j in itertools.product(range(r_), range(n), range(n)):
        if i == j:
            continue
        g_ij = p.weight_alignment_threat[r] * help_[r, i, j] + p.weight_encirclement[r] * enc[r, i] * share[r, i, j]
        g_ji = p.weight_alignment_threat[r] * help_[r, j, i] + p.weight_encirclement[r] * enc[r, j] * share[r, j, i]
        z = ((1 - rivalry[r, i, j]) * min(g_ij, g_ji)
             - p.alignment_cost[r] * (1 - p.agreement_effect[r] * agreement[r, i, j]))
        out[r, i, j] = min(balancer[r, i], balancer[r, j]) * max(z, 0.0) / (1.0 + max(z, 0.0))
    return out


def test_alignment_goal_by_hand():
    """A*_ij = min(b_i, b_j) z+/(1 + z+), z = (1 - r_ij) min(G_ij, G_ji) - c_A (1 - a_eff ag_ij), G_ij = w_S M_ij +
    w_E E_i g_ij (w_S = weight_alignment_threat, w_E = weight_encirclement)."""
    p = params({"weight_alignment_threat": 2.0, "weight_encirclement": 1.0, "alignment_cost": 0.4,
                "agreement_effect": 0.5})
    half = arr([[0.5, 0.5], [0.5, 0.5]])
    out = counterbalancing.alignment_goal(arr([0.2, 0.1]), arr([[0.0, 0.3], [0.4, 0.0]]), half,
                                          arr([[0.0, 0.2], [0.2, 0.0]]), arr([1.0, 0.5]), half, p)
    # G_01 = 0.6 + 0.2*0.5 = 0.7, G_10 = 0.8 + 0.1*0.5 = 0.85; z = 0.8*0.7 - 0.4*(1 - 0.25) = 0.26; b = 0.5
    close(out, [[[0.0, 0.5 * 0.26 / 1.26], [0.5 * 0.26 / 1.26, 0.0]]])


def test_alignment_goal_matches_a_loop_and_saturates_without_pinning():
    """The docstring's A* element by element on random inputs (gains large enough to pass 1 by far): zero where
    the cost outweighs the gain, below min(b_i, b_j) everywhere, and still rising with the gain there."""
    rng = np.random.default_rng(21)
    p = params({"weight_alignment_threat": 4.0, "weight_encirclement": 1.0, "alignment_cost": 0.5},
               {"weight_alignment_threat": 1.0, "weight_encirclement": 3.0, "alignment_cost": 0.2})
    mask = ordered.off_diagonal(3)
    inputs = (rng.random((2, 3)), rng.random((2, 3, 3)) * mask, rng.random((2, 3, 3)), rng.random((2, 3, 3)) * mask,
              rng.random((2, 3)), rng.random((2, 3, 3)))
    out = counterbalancing.alignment_goal(*inputs, p)
    close(out, alignment_goal_loop(*inputs, p))
    assert np.all(out >= 0.0) and np.all(out <= 1.0)
    both, off = np.minimum(inputs[4][:, :, None], inputs[4][:, None, :]), mask[0] > 0
    assert np.any(out[:, off] == 0.0) and np.all(out[:, off] < both[:, off])
    more = counterbalancing.alignment_goal(inputs[0] * 2.0, *inputs[1:], p)  # twice the encirclement
    up = (out > 0.0) & (inputs[0][:, :, None] > 0) & (inputs[0][:, None, :] > 0)
    assert np.all(more[up] > out[up])  # no pinned goal: a stronger reason to align always shows


def test_alignment_update():
    """A <- max(A + r (A* - A), F^A)."""
    p = params({"alignment_rate": 0.1})
    out = counterbalancing.alignment_update(arr([[0.0, 0.2], [0.2, 0.0]]), arr([[0.0, 0.6], [0.0, 0.0]]),
                                            arr([[0.0, 0.0], [0.3, 0.0]]), p)
    close(out, [[[0.0, 0.24], [0.3, 0.0]]])  # 0.2 + 0.1*0.4; max(0.18, 0.3)


def test_assertiveness_update():
    """Z_i <- Z_i + r (Z*_i - Z_i), Z*_i = a_i + (1 - a_i) x/(1 + x), x = w_E E_i + w_PT v_i Pi_i."""
    p = params({"assertiveness_encirclement": 1.0, "transition_assertiveness": 2.0, "assertiveness_rate": 0.1})
    out = counterbalancing.assertiveness_update(arr([0.2, 0.2, 0.5]), arr([0.1, 0.1, 0.3]), arr([0.5, 0.5, 0.0]),
                                                arr([1.0, 0.0, 1.0]), arr([0.5, 0.5, 0.0]), p)
    # x = 0.5 + 2*0.5 = 1.5 -> Z* = 0.1 + 0.9*0.6 = 0.64; x = 0.5 (no revisionism) -> 0.4; x = 0 -> Z* = ambition
    close(out, [[0.2 + 0.1 * 0.44, 0.2 + 0.1 * 0.2, 0.5 - 0.1 * 0.2]])


def test_assertiveness_goal_stays_below_one():
    """Z* < 1 however strong the push (x/(1 + x) < 1), so Z stays below 1 from below."""
    p = params({"assertiveness_encirclement": 2.0, "transition_assertiveness": 2.0, "assertiveness_rate": 0.3})
    out = counterbalancing.assertiveness_update(arr([0.99]), arr([0.5]), arr([100.0]), arr([1.0]), arr([1.0]), p)
    assert out[0, 0] < 1.0


# ------------------------------------------------------------------------------------------------ policies.py


def test_standard_by_hand():
    """O = W K / (W + K - W K)."""
    w, k = np.array([0.5, 0.5, 0.2, 0.8]), np.array([0.5, 1.0 / 3.0, 0.8, 0.2])
    close(standard(w, k), [0.25 / 0.75, (1 / 6) / (2 / 3), 0.16 / 0.84, 0.16 / 0.84])  # 1/3, 1/4, 4/21, 4/21


def test_standard_limits_and_zeros():
    """O = W at K = 1 and O = K at W = 1 (up to rounding: W + 1 - W is not always exactly 1 in floating point, so
    about a quarter of random W come back one ulp off); exactly 0 when either is 0."""
    x = np.random.default_rng(22).random(1000)
    close(standard(x, np.ones_like(x)), x)
    close(standard(np.ones_like(x), x), x)
    np.testing.assert_array_equal(standard(np.zeros(3), np.array([0.0, 0.5, 1.0])), 0.0)
    np.testing.assert_array_equal(standard(np.array([0.0, 0.5, 1.0]), np.zeros(3)), 0.0)


def test_standard_below_both_and_increasing_in_each():
    """O <= min(W, K) and O rises with W and with K (strictly, inside (0, 1])."""
    x = np.random.default_rng(23).random(2000)
    w, k = x[:1000], x[1000:]
    assert np.all(standard(w, k) <= np.minimum(w, k))
    grid = np.linspace(0.01, 1.0, 100)
    surface = standard(grid[:, None], grid[None, :])  # [a, b] = O(W = grid[a], K = grid[b])
    assert np.all(np.diff(surface, axis=0) > 0.0) and np.all(np.diff(surface, axis=1) > 0.0)


@pytest.mark.parametrize("shape", [(1, 2, D), (2, 3, 3, D)])
def test_standard_works_elementwise_on_rule_shapes(shape):
    """The policy applies to an actor's rows (R, N, D) and to everyone's (R, N, N, D) alike, element by element."""
    rng = np.random.default_rng(24)
    w, k = rng.random(shape), rng.random(shape)
    close(standard(w, k), np.vectorize(lambda a, b: a * b / (a + b - a * b))(w, k))
