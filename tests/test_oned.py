"""1-D data with a regularized bias: the sweep solver :func:`geom.convex.oned.solve_oned` (docs/theory.md §B.3).

Oracles: the exact enumeration (the half-line pool), :func:`geom.cones.dual_values` on the explicit pool (the
sweep's pricing), the general :func:`geom.solve_convex` with ``bias=True``, and cvxpy over the 2n half-lines
built here by comparisons (shares no code with the solver).
"""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

import geom
from geom.cones import dual_values
from geom.convex.oned import POOL_MAX_SAMPLES, HalfLines, oned_dual_values, solve_oned
from geom.exceptions import InvalidInputError, InvalidInputTypeError
from geom.nets import augment
from geom.tolerances import DEFAULT_TOLERANCES

from _cvx_reference import reference_problem

#: Sweep values against the active-set projections of geom.cones (both float64, a few ulps of ‖g‖ apart).
RTOL_SWEEP = 1e-10
#: Two certified solutions agree within the sum of their certified gaps (each ≤ tol.gap relative).
GAP = DEFAULT_TOLERANCES.gap
#: cvxpy + Clarabel at 1e-10 feasibility/gap: objective accurate to about 1e-8 relative.
RTOL_CVXPY = 2e-8


def _data(seed, n, kind="smooth", scale=1.0):
    rng = np.random.default_rng(seed)
    if kind == "ties":
        x = rng.integers(-3, 4, size=n).astype(float)
    elif kind == "integers":
        x = rng.integers(-20, 21, size=n).astype(float)
    else:
        x = rng.uniform(-2.0, 2.0, size=n)
    y = np.sin(2.0 * x / max(1.0, np.abs(x).max() / 2.0)) + 0.2 * rng.normal(size=n)
    return (x * scale)[:, None], y


def _half_lines(x):
    """The 2m half-line patterns, written independently: tails {x ≥ t}, heads {x ≤ t}, empty (docs/theory.md §B.3)."""
    z = sorted(set(x.tolist()))
    pats = {tuple(x >= t) for t in z} | {tuple(x <= t) for t in z} | {tuple(np.zeros(x.size, bool))}
    return np.array(sorted(pats), dtype=bool)


def _rows(P):
    return sorted(map(tuple, np.asarray(P, bool).astype(int).tolist()))


def _general(X, y, beta, **kw):
    """The general solver on the enumerated pool (passing the pool keeps it off any 1-D shortcut)."""
    P = geom.enumerate_patterns(X, bias=True, ties="regions")
    return geom.solve_convex(X, y, beta, bias=True, patterns=P, **kw)


def _certified(sol):
    assert sol.certified and sol.status == "optimal", (sol.status, sol.rel_gap)
    assert sol.rel_gap <= GAP


@pytest.mark.parametrize("x", [[0.5], [1.0, -1.0], [2.0, 2.0], [-1.0, 0.0, 1.0, 2.0, 0.0], [3, 1, 3, 1, 2, 2, 0]])
def test_half_lines_are_the_exact_region_set(x):
    """The sweep's 2m patterns are exactly the certified enumeration (docs/theory.md §B.3, I5), ties included."""
    x = np.asarray(x, dtype=float)
    hl = HalfLines(x)
    P = geom.enumerate_patterns(x[:, None], bias=True, ties="regions")
    assert P.certified
    assert _rows(hl.masks(np.arange(hl.count))) == _rows(P.patterns) == _rows(_half_lines(x))
    assert hl.count == 2 * np.unique(x).size


def test_I5_eight_patterns():
    """docs/theory.md §I, I5: x = (−1, 0, 1, 2) has the 8 patterns listed in §B.3."""
    hl = HalfLines(np.array([-1.0, 0.0, 1.0, 2.0]))
    got = sorted("".join(map(str, r)) for r in hl.masks(np.arange(hl.count)).astype(int))
    assert got == sorted(["0000", "0001", "0011", "0111", "1000", "1100", "1110", "1111"])


@pytest.mark.parametrize("seed,n,kind,scale", [(0, 9, "smooth", 1.0), (1, 12, "ties", 1.0), (2, 15, "integers", 1.0),
                                               (3, 11, "smooth", 1e4), (4, 11, "smooth", 1e-4), (5, 1, "smooth", 1.0),
                                               (6, 2, "ties", 1.0)])
def test_sweep_matches_brute_force_dual_values(seed, n, kind, scale):
    """Every pattern's value by the sweep equals the active-set projection of geom.cones on the explicit pattern,
    and the sweep's rigorous upper bound is at least the oracle's value."""
    X, _ = _data(seed, n, kind, scale)
    rng = np.random.default_rng(100 + seed)
    hl = HalfLines(X[:, 0])
    pool = hl.masks(np.arange(hl.count))
    Xa = augment(X, True)
    for _ in range(3):
        nu = rng.normal(size=n) * rng.choice([1e-3, 1.0, 1e3])
        ours = oned_dual_values(hl, nu)
        ref = dual_values(Xa, nu, pool)
        top = float(np.max(ref.values))
        assert_allclose(ours.values, ref.values, rtol=RTOL_SWEEP, atol=RTOL_SWEEP * top)
        assert np.all(ours.upper >= ref.values - 4 * np.finfo(float).eps * top)
        assert ours.phi_upper >= ref.phi
        # the reported directions are unit vectors in the cone achieving the value
        for k in range(hl.count - 1):
            for col, s in ((0, 1.0), (1, -1.0)):
                u = ours.directions[k, col]
                if ours.values[k, col] > 1e-12 * top:
                    assert_allclose(np.linalg.norm(u), 1.0, rtol=1e-12)
                    z = Xa @ u
                    scale_z = np.abs(Xa) @ np.abs(u)
                    assert np.all(np.where(pool[k], z, -z) >= -1e-12 * scale_z)
                    assert_allclose(s * nu @ np.where(pool[k], z, 0.0), ours.values[k, col],
                                    rtol=1e-9, atol=1e-12 * top)


@pytest.mark.parametrize("seed,n,kind,scale,beta", [(0, 8, "smooth", 1.0, 0.05), (1, 10, "ties", 1.0, 0.1),
                                                    (2, 12, "integers", 1.0, 0.5), (3, 9, "smooth", 1e4, 0.1),
                                                    (4, 9, "smooth", 1e-4, 1e-6), (5, 1, "smooth", 1.0, 0.1),
                                                    (6, 2, "smooth", 1.0, 0.01), (7, 2, "ties", 1.0, 0.01)])
def test_agrees_with_general_solver(seed, n, kind, scale, beta):
    """Same p* as solve_convex(bias=True) on the enumerated pool, both certified, within the two gaps."""
    X, y = _data(seed, n, kind, scale)
    ours = solve_oned(X, y, beta)
    ref = _general(X, y, beta)
    _certified(ours)
    _certified(ref)
    assert ours.lower_bound <= ref.p_star + ref.stats["rounding"]
    assert ref.lower_bound <= ours.p_star + ours.stats["rounding"]
    assert_allclose(ours.p_star, ref.p_star, rtol=0, atol=2 * GAP * max(1.0, abs(ref.p_star)))
    assert_allclose(ours.y_star, ref.y_star, atol=1e-4 * max(1.0, np.abs(y).max()))
    assert ours.neurons <= n + 1


@pytest.mark.parametrize("seed,n,kind,beta", [(10, 25, "smooth", 0.02), (11, 30, "ties", 0.05),
                                              (12, 20, "integers", 0.3)])
def test_agrees_with_cvxpy_over_the_half_lines(seed, n, kind, beta):
    """An independent oracle: (C) over the 2n half-lines (built by comparisons), in cvxpy."""
    cp = pytest.importorskip("cvxpy")
    X, y = _data(seed, n, kind)
    prob = reference_problem(cp, augment(X, True), y, beta, _half_lines(X[:, 0]))
    prob.solve(solver="CLARABEL", tol_gap_abs=1e-10, tol_gap_rel=1e-10, tol_feas=1e-10)
    sol = solve_oned(X, y, beta)
    _certified(sol)
    assert_allclose(sol.p_star, prob.value, rtol=RTOL_CVXPY)
    assert sol.lower_bound <= prob.value * (1 + RTOL_CVXPY)


def test_solution_is_a_network_with_its_objective():
    """p_star is L_β of the returned net, and the net has at most n + 1 neurons (a vertex, docs/theory.md §D.4)."""
    X, y = _data(20, 60, "smooth")
    sol = solve_oned(X, y, 0.01)
    _certified(sol)
    net = sol.to_net()
    assert net.width == sol.neurons <= 61
    assert_allclose(geom.duality.network_objective(net, X, y, 0.01), sol.p_star, rtol=1e-12)
    assert_allclose(net.output(X), sol.y_star, atol=1e-9)
    c = geom.certify_net(net, X, y, 0.01)
    assert c.verdict == "holds"


def test_smooth_target_is_sparse():
    """A smooth target with little noise: far fewer neurons than samples; the vertex has independent columns."""
    rng = np.random.default_rng(3)
    x = np.sort(rng.uniform(-2, 2, 400))
    y = np.sin(2 * x) + 0.01 * rng.normal(size=400)
    sol = solve_oned(x[:, None], y, 0.05)
    _certified(sol)
    assert sol.neurons <= 40
    A = np.stack([np.where(p, augment(x[:, None], True) @ (u if np.any(u) else v), 0.0)
                  for p, u, v in zip(sol.patterns, sol.U, sol.V)], axis=1)
    assert np.linalg.matrix_rank(A) == A.shape[1]  # one column per slot here (no pattern uses both signs)


def test_noise_fit_stays_at_most_n_plus_one():
    """Small β on pure noise (many active neurons): still a vertex, ≤ n + 1 neurons."""
    rng = np.random.default_rng(4)
    x = rng.uniform(-1, 1, 40)
    y = rng.normal(size=40)
    sol = solve_oned(x[:, None], y, 1e-3)
    _certified(sol)
    assert sol.neurons <= 41


def test_optimal_polytope_works_on_small_data():
    """docs/theory.md §I, I7b through the sweep solver: the polytope is certified, one vertex of 3 neurons."""
    sol = solve_oned(np.array([[-1.0], [0.0], [1.0]]), np.array([1.0, 0.0, 1.0]), 0.1)
    _certified(sol)
    assert_allclose(sol.p_star, 0.185, rtol=1e-9)
    assert sol.pool is not None and sol.pool_index is not None
    Q = geom.optimal_polytope(sol)
    assert Q.status == "certified"
    assert Q.m_star == Q.M_star == 3
    assert_allclose(Q.p_star, 0.185, rtol=1e-9)


def test_large_data_leaves_the_pool_out():
    """Beyond POOL_MAX_SAMPLES the pool is not materialized (documented); the solution is still certified."""
    rng = np.random.default_rng(5)
    n = POOL_MAX_SAMPLES + 1
    x = rng.uniform(-2, 2, n)
    y = np.sin(x) + 0.05 * rng.normal(size=n)
    sol = solve_oned(x, y, 0.5)
    _certified(sol)
    assert sol.pool is None and sol.pool_index is None
    assert sol.stats["pool"] == 2 * np.unique(x).size
    with pytest.raises(InvalidInputError, match="'solution' parameter of optimal_polytope"):
        geom.optimal_polytope(sol)


def test_logistic_loss_agrees_with_general_solver():
    rng = np.random.default_rng(6)
    x = rng.uniform(-2, 2, 12)
    y = np.where(np.sin(2 * x) + 0.3 * rng.normal(size=12) > 0, 1.0, -1.0)
    ours = solve_oned(x[:, None], y, 0.1, loss="logistic")
    ref = _general(x[:, None], y, 0.1, loss="logistic")
    _certified(ours)
    _certified(ref)
    assert_allclose(ours.p_star, ref.p_star, rtol=0, atol=2 * GAP * max(1.0, abs(ref.p_star)))


def test_constant_data_single_value():
    """All x equal: two patterns (all, none), one hyperplane; at most one neuron, p* as the general solver."""
    X = np.full((5, 1), 0.7)
    y = np.array([1.0, 2.0, 0.5, 1.5, 1.0])
    ours = solve_oned(X, y, 0.3)
    ref = _general(X, y, 0.3)
    _certified(ours)
    assert ours.neurons <= 1
    assert_allclose(ours.p_star, ref.p_star, rtol=0, atol=2 * GAP * max(1.0, ref.p_star))


def test_bad_inputs():
    f = "solve_oned"
    with pytest.raises(InvalidInputError, match=f"'X' parameter of {f} must be one-dimensional"):
        solve_oned(np.ones((3, 2)), np.ones(3), 0.1)
    with pytest.raises(InvalidInputError, match=f"'beta' parameter of {f}"):
        solve_oned(np.ones((3, 1)), np.ones(3), -1.0)
    with pytest.raises(InvalidInputError, match=f"'y' parameter of {f}"):
        solve_oned(np.ones((3, 1)), np.ones(4), 0.1)
    with pytest.raises(InvalidInputError, match=f"'X' parameter of {f}"):
        solve_oned(np.array([[np.nan], [1.0]]), np.ones(2), 0.1)
    with pytest.raises(InvalidInputError, match=f"'loss' parameter of {f}"):
        solve_oned(np.ones((3, 1)), np.ones(3), 0.1, loss="hinge")
    with pytest.raises(InvalidInputError, match=f"'max_rounds' parameter of {f}"):
        solve_oned(np.ones((3, 1)), np.ones(3), 0.1, max_rounds=0)
    with pytest.raises(InvalidInputTypeError, match=f"'tol' parameter of {f}"):
        solve_oned(np.ones((3, 1)), np.ones(3), 0.1, tol=1e-8)
    with pytest.raises(InvalidInputTypeError, match=f"'beta' parameter of {f}"):
        solve_oned(np.ones((3, 1)), np.ones(3), "0.1")
