"""Column generation (geom.convex.colgen): the working set's aging, diverse violators, and the optimum it reaches
against the restricted program over every pattern of the pool."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
from numpy.testing import assert_allclose, assert_array_equal

import geom
import geom.convex.colgen as colgen
from geom.convex.program import fit, pattern_tree, solve_restricted
from geom.tolerances import DEFAULT_TOLERANCES

from _cvx_reference import reference_problem

#: Two interior-point solves to tol.solver = 1e-10 agree on the objective to about this (relative).
RTOL_OBJECTIVE = 1e-7
#: A slot may leave its cone by the solver's feasibility tolerance: this much relative to ``‖x_i‖`` times the
#: largest slot norm (interior-point noise slots are tiny, not exactly in their cones).
CONE_SLACK = 1e-7
#: ... and the restricted program's ν = y − ŷ agrees with the reference fit's residual to about this (absolute,
#: labels of order 1; the fit is unique, the slots need not be).
ATOL_RESIDUAL = 1e-6


def _rows_of(n):
    return lambda ks: [np.arange(n, dtype=np.int64)] * len(ks)


def test_retire_drops_after_drop_age_idle_rounds_and_resets_on_use():
    """A member idle for ``_DROP_AGE`` consecutive rounds leaves; one round in use resets its age."""
    ws = colgen.WorkingSet(5, _rows_of(3))
    ws.add([0, 2, 4])
    for _ in range(colgen._DROP_AGE - 1):
        ws.retire(np.array([True, True, False]))
    assert_array_equal(ws.indices, [0, 2, 4])                       # not old enough yet
    ws.retire(np.array([False, True, False]))                         # pattern 0 in use again: age reset
    assert_array_equal(ws.indices, [0, 4])                            # pattern 2 reached _DROP_AGE
    assert_array_equal(np.flatnonzero(ws.member), [0, 4])
    assert ws.age[2] == 0 and ws.age[0] == 0
    for _ in range(colgen._DROP_AGE - 1):
        ws.retire(np.array([True, False]))
    assert_array_equal(ws.indices, [0, 4])                            # the reset counts again from zero
    ws.retire(np.array([True, False]))
    assert_array_equal(ws.indices, [4])
    assert len(ws.rows) == 1


def test_diverse_keeps_one_of_equal_directions():
    """Violators with the same maximizing signed direction count once; distinct ones are kept in order."""
    u = np.array([1.0, 0.0])
    w = np.array([0.0, 1.0])
    directions = np.zeros((4, 2, 2))
    directions[0, 0] = u
    directions[1, 1] = -u          # sign −: the signed direction is +u again, a duplicate of pattern 0
    directions[2, 0] = w
    directions[3, 0] = u
    values = np.array([[3.0, 0.0], [0.0, 2.9], [2.5, 0.0], [2.0, 0.0]])
    dv = SimpleNamespace(values=values, directions=directions)
    kept = colgen._diverse(dv, np.array([0, 1, 2, 3]), 3)
    assert_array_equal(kept, [0, 2])


def test_column_generation_reaches_the_full_pool_optimum():
    """From the default first working set, column generation converges to the optimum of the restricted
    program over the whole pool (an independent solve with every pattern), with a smaller working set."""
    rng = np.random.default_rng(3)
    X = rng.standard_normal((30, 2))
    y = rng.standard_normal(30)
    beta = 0.02
    pool = geom.enumerate_patterns(X, ties="regions").patterns
    rows_of = _rows_of(X.shape[0])
    cg = colgen.column_generation(X, y, beta, pool, rows_of, None, "squared", DEFAULT_TOLERANCES, 100)
    assert cg.converged and cg.restricted.ok

    def objective(pats, U, V):
        r = fit(X, pats, U, V) - y
        return 0.5 * float(r @ r) + beta * float(np.linalg.norm(U, axis=1).sum() + np.linalg.norm(V, axis=1).sum())

    full = solve_restricted(X, y, beta, pool, rows_of(np.arange(pool.shape[0])), "squared", 1e-10)
    assert full.ok
    assert_allclose(objective(pool[cg.work], cg.restricted.U, cg.restricted.V),
                    objective(pool, full.U, full.V), rtol=RTOL_OBJECTIVE)
    assert len(cg.work) < pool.shape[0]


def test_partial_pricing_reaches_the_same_optimum(monkeypatch):
    """Partial pricing (a window of a large pool first) changes the path, not the answer: with the window made
    small enough to be used here, column generation still converges, decided by a whole-pool pricing, to the
    objective that whole-pool pricing reaches every round."""
    rng = np.random.default_rng(11)
    X = rng.standard_normal((60, 3))
    y = rng.standard_normal(60)
    beta = 0.01
    pool = geom.enumerate_patterns(X, ties="regions").patterns
    index = geom.region_index(X, pool)
    rows_of = lambda ks: [index.representatives[m] for m in index.facet_mask(pool[ks])]  # noqa: E731

    def objective(cg):
        r = fit(X, pool[cg.work], cg.restricted.U, cg.restricted.V) - y
        return 0.5 * float(r @ r) + beta * float(np.linalg.norm(cg.restricted.U, axis=1).sum()
                                                 + np.linalg.norm(cg.restricted.V, axis=1).sum())

    whole = colgen.column_generation(X, y, beta, pool, rows_of, index, "squared", DEFAULT_TOLERANCES, 200)
    assert whole.converged and whole.partial == 0
    monkeypatch.setattr(colgen, "_PARTIAL_MIN", pool.shape[0] // 4)
    monkeypatch.setattr(colgen, "_WINDOW_MIN", pool.shape[0] // 4)
    monkeypatch.setattr(colgen, "_PARTIAL_PARTS", 4)
    part = colgen.column_generation(X, y, beta, pool, rows_of, index, "squared", DEFAULT_TOLERANCES, 200)
    assert part.converged and part.partial > 0
    assert_allclose(objective(part), objective(whole), rtol=RTOL_OBJECTIVE)
    # the last pricing was over the whole pool: no pattern outside the working set prices out at its ν
    dv = geom.dual_values(X, part.restricted.nu, pool, threshold=beta * (1 + DEFAULT_TOLERANCES.pricing),
                          index=index)
    member = np.zeros(pool.shape[0], dtype=bool)
    member[part.work] = True
    assert not np.any((dv.values.max(axis=1) > beta * (1 + DEFAULT_TOLERANCES.pricing)) & ~member)


def test_reduced_accuracy_rounds_are_settled_before_the_run_ends(monkeypatch):
    """Intermediate rounds take Clarabel's ``AlmostSolved`` as it is; a round whose pricing finds no violator is
    solved again with refinement and full accuracy before it may end the run (``_settle``)."""
    rng = np.random.default_rng(5)
    X = rng.standard_normal((25, 2))
    y = rng.standard_normal(25)
    beta = 0.05
    pool = geom.enumerate_patterns(X, ties="regions").patterns
    rows_of = _rows_of(X.shape[0])
    calls = []
    real = colgen.solve_restricted

    def degraded(*args, refine=False, accept_almost=False):
        res = real(*args, refine=refine, accept_almost=accept_almost)
        calls.append((refine, accept_almost))
        if accept_almost:  # every intermediate round reports reduced accuracy (the point is the solver's)
            return colgen.Restricted(U=res.U, V=res.V, nu=res.nu, nu_dual=res.nu_dual, status="AlmostSolved",
                                     iterations=res.iterations, refined=False)
        return res

    monkeypatch.setattr(colgen, "solve_restricted", degraded)
    cg = colgen.column_generation(X, y, beta, pool, rows_of, None, "squared", DEFAULT_TOLERANCES, 100)
    assert cg.converged
    assert cg.restricted.status == "Solved" and cg.restricted.refined
    assert calls[-1] == (True, False)                       # the last solve: refinement on, no reduced accuracy
    assert all(accept for _, accept in calls[:-1])          # the others accepted reduced accuracy
    assert not any(refine for refine, _ in calls[:-1])      # and AlmostSolved never made refinement sticky
    full = real(X, y, beta, pool, rows_of(np.arange(pool.shape[0])), "squared", 1e-10)
    assert_allclose(cg.restricted.nu, full.nu, atol=1e-6)


def test_restricted_program_modes_against_closed_forms():
    """The restricted program (written on the pattern tree's subtree sums), in every mode, on
    docs/theory.md §I, I1 (two points, one per half-line): squared ``y* = y − β``-shrunk per slot, interpolation
    ``Σ t = |y_1| + |y_2|``, and the logistic optimum's stationarity ``|Xᵀ D_k ν| = β`` on the used slots."""
    X = np.array([[-1.0], [1.0]])
    pats = np.array([[False, True], [True, False]])
    rows = [np.array([0, 1])] * 2
    y = np.array([1.0, 2.0])
    sq = solve_restricted(X, y, 0.5, pats, rows, "squared", 1e-10)
    assert sq.status == "Solved"
    assert_allclose(fit(X, pats, sq.U, sq.V), [0.5, 1.5], atol=1e-8)
    assert_allclose(sq.nu, [0.5, 0.5], atol=1e-8)
    it = solve_restricted(X, y, 0.5, pats, rows, "interpolate", 1e-10)
    assert it.status == "Solved"
    assert_allclose(fit(X, pats, it.U, it.V), y, atol=1e-8)
    assert_allclose(np.abs(it.U).sum() + np.abs(it.V).sum(), 3.0, rtol=1e-8)
    yl = np.array([1.0, -1.0])
    lg = solve_restricted(X, yl, 0.1, pats, rows, "logistic", 1e-10)
    assert lg.ok
    yhat = fit(X, pats, lg.U, lg.V)
    nu = yl / (1.0 + np.exp(yl * yhat))                     # −∇ of Σ log(1 + exp(−y ŷ))
    assert_allclose(lg.nu, nu, atol=1e-8)
    assert_allclose(np.abs(nu), [0.1, 0.1], atol=1e-6)      # each point is its slot's only row: |ν_i| = β


def _tree_weight(pats, parent):
    """Total Hamming weight of the tree ``parent`` (``−1``: the zero pattern), checking it is a tree."""
    K = pats.shape[0]
    for k in range(K):  # every node reaches the root in at most K steps: no cycle
        j, steps = k, 0
        while j >= 0:
            j, steps = parent[j], steps + 1
            assert steps <= K
    up = np.where(parent[:, None] >= 0, pats[np.maximum(parent, 0)], False)
    return int(np.sum(pats != up))


def test_pattern_tree_is_a_minimum_spanning_tree():
    """``pattern_tree`` against scipy's minimum spanning tree (an independent algorithm) of the Hamming graph with
    the zero pattern as an extra node: the same total weight, on random, duplicate, nested and complementary
    patterns, and on every region of a real arrangement."""
    import scipy.sparse as sp
    from scipy.sparse.csgraph import minimum_spanning_tree

    rng = np.random.default_rng(5)
    X = rng.standard_normal((15, 3))
    cases = [geom.enumerate_patterns(X, ties="regions").patterns]
    for _ in range(6):
        K, n = int(rng.integers(2, 40)), int(rng.integers(1, 30))
        P = rng.random((K, n)) < rng.uniform(0.1, 0.9)
        P[rng.integers(K)] = P[0]  # a duplicate
        P[rng.integers(K)] = ~P[0]  # a complement
        cases.append(P)
    for P in cases:
        parent = pattern_tree(P)
        D = np.vstack([np.zeros((1, P.shape[1]), bool), P]).astype(float)
        H = D @ (1 - D).T + (1 - D) @ D.T
        # (zero distances are absent edges for scipy: duplicates are joined by a tiny weight instead, which
        # changes the total by less than 1)
        H = np.where((H == 0) & ~np.eye(len(D), dtype=bool), 1e-9, H)
        ref = float(minimum_spanning_tree(sp.csr_matrix(H)).sum())
        assert _tree_weight(P, parent) == int(round(ref))


def test_restricted_program_on_the_pattern_tree_against_cvxpy():
    """The restricted program written on the subtree sums of the pattern tree has the optimum of (C) modelled
    directly (cvxpy, every cone row, no tree), on every region of small arrangements with integer, duplicate and
    scaled rows, with and without bias: same objective, same fit."""
    import cvxpy as cp

    rng = np.random.default_rng(8)
    for trial in range(4):
        n, d = int(rng.integers(6, 11)), int(rng.integers(2, 4))
        X = rng.standard_normal((n, d)) * 10.0 ** rng.integers(-2, 3)
        if trial % 2:
            X[:3] = rng.integers(-2, 3, size=(3, d))
            X[3] = X[2]
        Xa = np.concatenate([X, np.ones((n, 1))], axis=1) if trial >= 2 else X
        y = rng.standard_normal(n)
        beta = float(10.0 ** rng.uniform(-2, -0.5))
        pats = geom.enumerate_patterns(X, bias=trial >= 2, ties="regions").patterns
        assert np.any(pattern_tree(pats) >= 0)  # the tree has real edges: the subtree sums are exercised
        res = solve_restricted(Xa, y, beta, pats, [np.arange(n)] * pats.shape[0], "squared", 1e-10)
        assert res.status == "Solved"
        yhat = fit(Xa, pats, res.U, res.V)
        ours = 0.5 * float(np.sum((yhat - y) ** 2)) + beta * float(np.linalg.norm(res.U, axis=1).sum()
                                                                    + np.linalg.norm(res.V, axis=1).sum())
        prob = reference_problem(cp, Xa, y, beta, pats)
        prob.solve(solver="CLARABEL", tol_gap_abs=1e-10, tol_gap_rel=1e-10, tol_feas=1e-10)
        assert prob.status == "optimal"
        assert_allclose(ours, prob.value, rtol=RTOL_OBJECTIVE)
        assert_allclose(res.nu, y - yhat, atol=ATOL_RESIDUAL)
        big = float(max(np.linalg.norm(res.U, axis=1).max(), np.linalg.norm(res.V, axis=1).max()))
        for Z in (res.U, res.V):  # every slot in its cone (the link rows of the tree form hold u and v apart)
            S = np.where(pats, 1.0, -1.0) * (Z @ Xa.T)
            assert np.all(S >= -CONE_SLACK * big * np.linalg.norm(Xa, axis=1))
