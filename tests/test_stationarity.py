"""Clarke stationarity, minimality and the decreasing path (docs/theory.md §F; docs/theory.md §F).

Expected values: docs/theory.md §I (I7: multiplier s = 1/3 at the tie, autodiff residual 0.0775; I9: the width-2 saddle
is Clarke stationary; I3: optimal neurons with ties and s = 0), and theory (ψ of a certified convex optimum is
optimal hence stationary and minimal; a split of it is nearly minimal but not minimal; merging restores it).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import geom
from geom.minimality import decreasing_path, merge_colinear, minimality
from geom.stationarity import clarke_stationarity

I7_X, I7_Y = np.array([[-1.0], [0.0], [1.0]]), np.array([0.0, 1.0, 0.0])


def _i7_net():
    a, b = math.sqrt(0.7), math.sqrt(0.6)
    return geom.Net(np.array([[0.0, a], [b, 0.0], [-b, 0.0]]), np.array([a, -b, -b]), bias=True)


def test_i7_clarke_multiplier_one_third():
    st = clarke_stationarity(_i7_net(), I7_X, I7_Y, 0.1)
    assert st.verdict == "holds"
    for j in (1, 2):  # the two kinked neurons: tied at the data point x = 0, s = 1/3 (SPEC §I, I7)
        assert st.ties[j].tolist() == [1]
        np.testing.assert_allclose(st.multipliers[j], [1.0 / 3.0], atol=1e-12)
    # autodiff's ReLU'(0) = 0 reports a nonzero gradient: 0.0775 per kinked neuron (SPEC §F.3)
    np.testing.assert_allclose(st.autodiff_residual * st.scale, 0.0775, atol=5e-5)


def test_i9_saddle_is_stationary_but_not_optimal():
    r = math.sqrt(1.5)
    net = geom.Net(np.array([[r], [0.0]]), np.array([r, 0.0]))
    X, y = np.array([[-1.0], [1.0]]), np.array([1.0, 2.0])
    assert clarke_stationarity(net, X, y, 0.5).verdict == "holds"
    assert geom.certify_net(net, X, y, 0.5).verdict == "violated"  # SPEC §F.4: stationary ≠ global


def test_i3_optimal_neurons_have_ties_with_zero_multipliers():
    X, y = np.eye(3), np.array([2.0, 1.0, -1.0])
    sol = geom.solve_convex(X, y, 0.5)
    st = clarke_stationarity(sol.to_net(), X, y, 0.5)
    assert st.verdict == "holds"
    assert sum(len(t) for t in st.ties) == 3  # (2,1,0)/√5 ties row 3; (0,0,1) ties rows 1, 2
    for s in st.multipliers:
        np.testing.assert_allclose(s, 0.0, atol=1e-9)


def test_dependent_ties_use_the_cell_hull():
    """Duplicate rows tied at u force equal multipliers (SPEC §F.2): the box would be too permissive."""
    X = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    u = np.array([0.0, 1.0])
    net = geom.Net(u[None, :], np.array([1.0]))
    st = clarke_stationarity(net, X, np.array([0.5, -0.5, 1.0]), 0.1)
    assert bool(st.dependent_ties[0])
    s = st.multipliers[0]
    assert abs(s[0] - s[1]) <= 1e-9


@pytest.mark.parametrize("seed", range(6))
def test_random_nets_are_not_stationary_and_optima_are(seed):
    rng = np.random.default_rng(seed)
    X, y = rng.standard_normal((6, 2)), rng.standard_normal(6)
    net = geom.Net(rng.standard_normal((3, 2)), rng.standard_normal(3))
    assert clarke_stationarity(net, X, y, 0.1).verdict == "violated"
    sol = geom.solve_convex(X, y, 0.1)
    assert clarke_stationarity(sol.to_net(), X, y, 0.1).verdict == "holds"
    # ψ(W*) is minimal once equal signed directions (one neuron tight in two cones, §D.3) are one neuron
    opt = merge_colinear(sol.to_net())
    r = minimality(opt, X)
    assert (r.scaled, r.minimal, r.nearly_minimal) == ("holds", "holds", "holds")
    split = geom.split_neuron(opt, 0, [0.25, 0.75])
    r = minimality(split, X)
    assert (r.scaled, r.minimal, r.nearly_minimal) == ("holds", "violated", "holds")
    assert clarke_stationarity(split, X, y, 0.1).verdict == "holds"
    merged = merge_colinear(split)
    assert merged.width == opt.width
    np.testing.assert_allclose(geom.network_objective(merged, X, y, 0.1), sol.p_star, rtol=1e-9)


@pytest.mark.parametrize("seed", range(8))
def test_decreasing_path_is_monotone_and_ends_nearly_minimal(seed):
    rng = np.random.default_rng(100 + seed)
    X = np.sort(rng.standard_normal(6))[:, None]
    y = rng.standard_normal(6)
    net = geom.Net(rng.standard_normal((5, 2)), rng.standard_normal(5), bias=True)
    p = decreasing_path(net, X, y, 0.1)
    obj = np.array([geom.network_objective(n, X, y, 0.1) for n in p.nets])  # from scratch
    assert np.all(np.diff(obj) <= 1e-12 * max(1.0, obj.max()))
    assert p.strictly_decreased
    end = minimality(p.nets[-1], X)
    assert end.scaled == "holds" and end.nearly_minimal == "holds"
    np.testing.assert_allclose(p.nets[-1].output(X), p.nets[0].output(X), atol=1e-9)  # the fit never moves


def test_bad_input():
    with pytest.raises(geom.InvalidInputTypeError, match="'net'"):
        clarke_stationarity("x", I7_X, I7_Y, 0.1)
    with pytest.raises(geom.InvalidInputError, match="'beta'"):
        clarke_stationarity(_i7_net(), I7_X, I7_Y, -1.0)
    with pytest.raises(geom.InvalidInputError, match="'X'"):
        clarke_stationarity(_i7_net(), np.ones((3, 2)), I7_Y, 0.1)


@pytest.mark.parametrize("seed", range(4))
def test_fast_batched_checks_equal_the_per_net_checks(seed):
    """geom.check_nets_fast (vectorized; ties and grey zones fall back per net) gives the same verdicts as the
    per-net functions on trained nets (stationary or not), random nets and splits of optima."""
    from geom.checks import check_nets_fast

    rng = np.random.default_rng(seed)
    X, y = rng.standard_normal((7, 2)), rng.standard_normal(7)
    run = geom.train_nets(X, y, 0.1, widths=[3, 5], seeds=range(3), init_scales=(0.3, 1.0), steps=400, lr=0.05)
    opt = merge_colinear(geom.solve_convex(X, y, 0.1).to_net())
    extra = [geom.split_neuron(opt, 0, [0.4, 0.6]), geom.Net(rng.standard_normal((5, 2)), rng.standard_normal(5))]
    nets = [run.net(b) for b in range(len(run.U))] + extra
    for net in nets:
        fast = check_nets_fast(geom.Net(net.U[None], net.alpha[None]), X, y, 0.1)[0]
        slow = (minimality(net, X), clarke_stationarity(net, X, y, 0.1))
        assert (fast.scaled, fast.minimal, fast.nearly_minimal, fast.clarke_stationary) == (
            slow[0].scaled, slow[0].minimal, slow[0].nearly_minimal, slow[1].verdict)
        np.testing.assert_allclose(fast.clarke_residual, slow[1].residual, rtol=1e-9, atol=1e-15)
        assert sorted(fast.offending_pairs) == sorted(slow[0].offending_pairs)


def test_exact_mode_on_dyadic_nets():
    """Exact rational LP mode (docs/theory.md §F.3).  Data x = (−1, 0, 1) with bias, one neuron u = (1, 0),
    α = 1, β = 1 (scaled): with y = (0, −3, 2) the tie at x = 0 needs s = 1/3 exactly (b = (0, −1), M = (0, 3));
    with y = (0, −0.5, 2) it would need s = 2 ∉ [0, 1]: not stationary.  I1 at β = 1 (y* = (0, 1)): the
    single neuron (1, 1) is exactly stationary with no tie."""
    from fractions import Fraction

    from geom.stationarity import exact_clarke_stationarity

    X = np.array([[-1.0], [0.0], [1.0]])
    net = geom.Net(np.array([[1.0, 0.0]]), np.array([1.0]), bias=True)
    verdict, mults = exact_clarke_stationarity(net, X, np.array([0.0, -3.0, 2.0]), 1.0)
    assert verdict == "holds" and mults == [[Fraction(1, 3)]]
    assert clarke_stationarity(net, X, np.array([0.0, -3.0, 2.0]), 1.0).verdict == "holds"
    assert exact_clarke_stationarity(net, X, np.array([0.0, -0.5, 2.0]), 1.0)[0] == "violated"
    assert clarke_stationarity(net, X, np.array([0.0, -0.5, 2.0]), 1.0).verdict == "violated"
    one = geom.Net(np.array([[1.0]]), np.array([1.0]))
    assert exact_clarke_stationarity(one, np.array([[-1.0], [1.0]]), np.array([1.0, 2.0]), 1.0) == ("holds", [[]])
    # duplicate tied rows (dependent ties): the cell hull forces s_1 = s_2
    Xd = np.array([[0.0, 1.0], [0.0, 1.0], [1.0, 0.0]])
    u = geom.Net(np.array([[1.0, 0.0]]), np.array([1.0]))
    verdict, mults = exact_clarke_stationarity(u, Xd, np.array([-1.0, -1.0, 2.0]), 1.0)
    assert verdict == "holds" and mults[0][0] == mults[0][1]


@pytest.mark.parametrize("seed", range(5))
def test_exact_and_float_modes_agree_on_random_nets(seed):
    from geom.stationarity import exact_clarke_stationarity

    rng = np.random.default_rng(seed)
    X, y = rng.integers(-2, 3, size=(5, 2)).astype(float), rng.integers(-2, 3, size=5).astype(float)
    net = geom.Net(rng.integers(-2, 3, size=(3, 2)).astype(float), rng.integers(-2, 3, size=3).astype(float))
    assert exact_clarke_stationarity(net, X, y, 0.5)[0] == clarke_stationarity(net, X, y, 0.5).verdict


def test_collapsed_net_is_a_zero_net_for_minimality():
    """Regression (landscape suite, spec-I2, width 2, seed 7): two same-sign neurons of size 1e-24 were compared
    with each other and judged not minimal; a neuron that small is a zero neuron."""
    X = np.array([[-1.0], [1.0], [2.0]])
    for size, expected in ((1e-24, "holds"), (1.0, "violated")):
        # two positively colinear neurons of the same sign share their cone: not minimal unless both are zero
        net = geom.Net(size * np.array([[1.0], [2.0]]), size * np.array([1.0, 2.0]))
        for r in (minimality(net, X), geom.check_nets_fast(net, X, [1.0, 2.0, 0.5], 0.5)[0]):
            assert r.minimal == expected
            assert r.nearly_minimal == "holds"


def test_merge_colinear_drops_underflowing_neurons():
    """|α|·u below the smallest float: the merged neuron is a zero neuron, dropped without a division by zero."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        merged = merge_colinear(geom.Net(np.array([[1e-170], [2e-170], [1.0]]), np.array([1e-170, 1e-170, -2.0])))
    assert merged.width == 1
    np.testing.assert_allclose(merged.U[0] * merged.alpha[0], [-2.0], rtol=1e-15)


def test_a_nan_residual_is_inconclusive(monkeypatch):
    """A NaN residual behind a finite one is not dropped (the builtin ``max(0.0, nan)`` is ``0.0``): the
    verdict on an otherwise exactly stationary net (I7) is inconclusive, not holds."""
    import geom.stationarity as gs

    real = gs._residuals

    def nan_u(*args):
        r_a, r_u, *rest = real(*args)
        r_u = np.asarray(r_u, float).copy()
        r_u.flat[-1] = np.nan
        return (r_a, r_u, *rest)

    assert clarke_stationarity(_i7_net(), I7_X, I7_Y, 0.1).verdict == "holds"
    monkeypatch.setattr(gs, "_residuals", nan_u)
    st = clarke_stationarity(_i7_net(), I7_X, I7_Y, 0.1)
    assert st.verdict == "inconclusive"
    assert np.isnan(st.residual)
