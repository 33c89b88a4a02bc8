"""Regressions of the convex solver found by the theorem suites (issue 9 follow-up).

* the zero optimum (docs/theory.md §I, I1 above ``φ(y)``): no noise neurons, ``phi`` is ``φ(ν*)``;
* :func:`geom.dual_values` never above its own upper bound (``scipy.optimize.nnls`` returning a non-optimal ``λ``
  on thin cones), checked against a brute-force projection and cvxpy;
* :func:`geom.solve_path` returns vertices (at most ``n`` neurons) along the path, as a cold solve does.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from numpy.testing import assert_allclose

import cases
import geom
from geom.cones import cone_rows, dual_values, project_cone
from geom.convex import NEURON_RTOL
from geom.nets import augment

I1_X, I1_Y = np.array([[-1.0], [1.0]]), np.array([1.0, 2.0])


def _brute_projection_norm(g, B):
    """``‖Π_C g‖`` for ``C = {u : B u ≥ 0}`` by enumerating the active sets (independent of any QP solver):
    the projection is the feasible face projection closest to ``g``."""
    best = None
    scale = max(1.0, float(np.linalg.norm(g)))
    for r in range(B.shape[0] + 1):
        for S in itertools.combinations(range(B.shape[0]), r):
            p = g - np.linalg.pinv(B[list(S)]) @ (B[list(S)] @ g) if S else g.copy()
            if np.all(B @ p >= -1e-10 * scale * np.linalg.norm(B, axis=1)):
                dist = float(np.linalg.norm(g - p))
                if best is None or dist < best[0]:
                    best = (dist, float(np.linalg.norm(p)))
    return best[1]


# ---- 1. the zero optimum -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("beta", [2.1, 2.5])
def test_zero_optimum_has_no_neurons_and_exact_phi(beta):
    """I1 at β > φ(y) = max y = 2: W* = 0, p* = ½‖y‖² = 2.5, ν* = y, φ(ν*) = 2 (docs/theory.md §I, I1).
    Before the fix: two slots of norm ~1e-11 were counted (neurons = 2) and phi was a screen's 0."""
    sol = geom.solve_convex(I1_X, I1_Y, beta)
    assert sol.certified
    assert sol.neurons == 0
    assert sol.U.shape[0] == 0 and sol.V.shape[0] == 0
    assert sol.to_net().U.shape[-2] == 0
    assert_allclose(sol.p_star, 2.5, rtol=1e-12)
    assert_allclose(sol.phi, 2.0, rtol=1e-12)
    assert_allclose(sol.nu_star, I1_Y, rtol=1e-12)
    assert_allclose(sol.to_dict()["phi"], 2.0, rtol=1e-12)


def test_zero_optimum_case_spec_I1_zero():
    """The registered case ``spec-I1-zero`` reports its closed-form widths ``m* = 0``."""
    case = cases.get_case("spec-I1-zero")
    sol = geom.solve_convex(np.asarray(case.X, float), np.asarray(case.y, float), case.beta)
    assert sol.neurons == case.expected["m_star"] == 0
    assert_allclose(sol.p_star, case.expected["p_star"], rtol=1e-12)


def test_neurons_counts_only_slots_above_the_named_tolerance():
    """A slot at or below ``NEURON_RTOL`` times the slot scale is not a neuron; one above it is."""
    sol = geom.solve_convex(I1_X, I1_Y, 0.5)  # two neurons, slots of norm 0.5 and 1.5 (I1 closed form)
    assert sol.neurons == 2
    cut = sol.neuron_cut
    assert_allclose(cut, NEURON_RTOL * np.sqrt(2.5), rtol=1e-12)  # max(largest slot 1.5, ‖y‖/‖X‖₂ = √5/√2)
    tiny = geom.convex.ConvexSolution(**{**sol.__dict__, "U": np.vstack([sol.U, [[0.5 * cut]]]),
                                         "V": np.vstack([sol.V, [[0.0]]]),
                                         "patterns": np.vstack([sol.patterns, [[False, True]]])})
    assert tiny.neurons == 2 and tiny.to_net().U.shape[-2] == 2
    small = geom.convex.ConvexSolution(**{**tiny.__dict__, "U": np.vstack([sol.U, [[4.0 * cut]]])})
    assert small.neurons == 3


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_returned_net_is_a_vertex(seed):
    """Every returned net is a vertex of the optimal polytope (docs/theory.md §D.4): its fit columns
    ``σ_j (X̃ ū_j)_+`` are linearly independent, so ``neurons ≤ rank A ≤ n``."""
    rng = np.random.default_rng(seed)
    X, y = rng.standard_normal((8, 2)), rng.standard_normal(8)
    sol = geom.solve_convex(X, y, 0.05, bias=True)
    assert sol.certified
    Xa = augment(X, True)
    cols = [np.maximum(Xa @ u, 0.0) for u in sol.U if np.any(u)] + [-np.maximum(Xa @ v, 0.0) for v in sol.V if np.any(v)]
    A = np.stack(cols, axis=1)
    assert sol.neurons == A.shape[1] <= X.shape[0]
    assert np.linalg.matrix_rank(A, tol=1e-9 * np.linalg.norm(A, 2)) == A.shape[1]


# ---- 2. dual values never above their bound ------------------------------------------------------------------------

def _orthogonal():
    case = cases.get_case("orthogonal-5x7-s2")
    X = np.asarray(case.X, float)
    return X, geom.enumerate_patterns(X, ties="regions").region_patterns


@pytest.mark.parametrize("use_index", [False, True])
def test_dual_values_exact_on_orthogonal_5x7(use_index):
    """On ``orthogonal-5x7-s2`` at random ``ν`` (seed 0; draws 2, 9, 12, 15 and 16 had values up to 3 % above
    their own bound before the fix): every value equals the brute-force projection and is at most ``upper``."""
    X, pats = _orthogonal()
    index = geom.cones.region_index(X, pats) if use_index else None
    rng = np.random.default_rng(0)
    for _ in range(20):
        nu = rng.standard_normal(5) * rng.choice([0.01, 0.1, 1.0])
        dv = dual_values(X, nu, pats, index=index)
        ref = np.array([[_brute_projection_norm(s * X.T @ (p * nu), cone_rows(X, p)) for s in (1.0, -1.0)]
                        for p in pats])
        assert_allclose(dv.values, ref, rtol=1e-9, atol=1e-12)
        assert np.all(dv.values <= dv.upper)
        assert np.all(ref <= dv.upper * (1 + 1e-12))


def test_dual_values_agree_with_cvxpy_on_orthogonal_5x7():
    """The same values against cvxpy (Clarabel, tight tolerances) at the draws that failed."""
    cp = pytest.importorskip("cvxpy")
    X, pats = _orthogonal()
    rng = np.random.default_rng(0)
    nus = [rng.standard_normal(5) * rng.choice([0.01, 0.1, 1.0]) for _ in range(17)]
    for nu in (nus[2], nus[9], nus[12]):
        dv = dual_values(X, nu, pats)
        for k, p in enumerate(pats):
            for col, s in ((0, 1.0), (1, -1.0)):
                g = s * X.T @ (p * nu)
                u = cp.Variable(X.shape[1])
                prob = cp.Problem(cp.Maximize(g @ u), [cone_rows(X, p) @ u >= 0, cp.norm(u, 2) <= 1])
                prob.solve(solver="CLARABEL", tol_gap_abs=1e-10, tol_gap_rel=1e-10, tol_feas=1e-10)
                assert_allclose(dv.values[k, col], max(prob.value, 0.0), rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("seed", range(5))
def test_project_cone_on_random_thin_cones(seed):
    """Thin cones (rows nearly parallel, spread 1e-3): the projection passes its KKT test and matches the
    brute-force oracle."""
    rng = np.random.default_rng(seed)
    d, m = 6, 5
    base = rng.standard_normal(d)
    for _ in range(20):
        B = base + 1e-3 * rng.standard_normal((m, d))
        g = rng.standard_normal(d)
        p = project_cone(g, B)
        assert np.all(B @ p >= -1e-9 * np.linalg.norm(g) * np.linalg.norm(B, axis=1))
        assert_allclose(np.linalg.norm(p), _brute_projection_norm(g, B), rtol=1e-8, atol=1e-12)


# ---- 3. solve_path returns vertices ---------------------------------------------------------------------------------

def test_solve_path_diabetes_neurons_at_most_n():
    """Standardized diabetes (first 60 rows, 2 features): along the path every solution is certified with at most
    ``n = 60`` neurons; at β = 1e-3 before the fix the warm-started solve kept 90 (every slot of 45 patterns) because
    the vertex reduction was judged by its own residual's dual bound only."""
    datasets = pytest.importorskip("sklearn.datasets")
    X, y = datasets.load_diabetes(return_X_y=True)
    X, y = X[:60, :2], y[:60]
    X, y = (X - X.mean(0)) / X.std(0), (y - y.mean()) / y.std()
    betas = [1e-1, 3e-2, 1e-2, 3e-3, 1e-3]
    path = geom.solve_path(X, y, betas)
    assert path.all_certified
    assert np.all(path.neurons <= X.shape[0])
    cold = geom.solve_convex(X, y, betas[-1])
    assert_allclose(path.p_star[-1], cold.p_star, rtol=1e-8)
    assert path.neurons[-1] <= X.shape[0]


def test_cold_solve_diabetes_40x3_is_a_vertex():
    """Standardized diabetes (first 40 rows, 3 features) at β = 1e-2: a cold solve kept 82 > n = 40 neurons before
    the fix (the vertex reduction was rejected on its own residual's dual bound); now a vertex, same optimum."""
    datasets = pytest.importorskip("sklearn.datasets")
    X, y = datasets.load_diabetes(return_X_y=True)
    X, y = X[:40, :3], y[:40]
    X, y = (X - X.mean(0)) / X.std(0), (y - y.mean()) / y.std()
    sol = geom.solve_convex(X, y, 1e-2)
    assert sol.certified
    assert sol.neurons <= X.shape[0]
    assert_allclose(sol.p_star, 1.5845276887715807, rtol=1e-8)  # the pre-fix certified optimum (82 neurons)


@pytest.mark.parametrize("exact", [True, False])
def test_dual_values_nan_screen_bound_is_projected_not_settled(monkeypatch, exact):
    """A batched coordinate-descent screen that breaks down (NaN point) must not settle its entries below the
    threshold: before the fix ``ub > thr`` was False for NaN, so they kept value 0 with a NaN ``upper``.  Now
    they are projected exactly and equal the brute-force projection (``orthogonal-5x7-s2``, seed 3)."""
    X, pats = _orthogonal()
    nu = np.random.default_rng(3).standard_normal(5)

    def broken(G, B, sweeps):
        return np.full_like(G, np.nan), np.full(B.shape[:2], np.nan)

    monkeypatch.setattr(geom.cones, "_hildreth", broken)
    dv = dual_values(X, nu, pats, threshold=0.0, exact=exact)
    assert np.all(np.isfinite(dv.upper))
    brute = np.array([[_brute_projection_norm(s * X.T @ (p * nu), cone_rows(X, p)) for s in (1.0, -1.0)]
                      for p in pats])
    assert_allclose(dv.values, brute, rtol=1e-9, atol=1e-12)
    assert np.all(brute <= dv.upper * (1 + 1e-12))


#: A returned slot may violate a row of its cone by this much relative to ``‖z‖‖b_i‖`` (ten times tol.solver).
CONE_SLACK = 1e-9
#: Two interior-point solves to tol.solver = 1e-10 agree on the objective to about this (relative).
RTOL_REFERENCE = 1e-7


def test_slipped_slots_are_cut_and_never_end_the_run():
    """Standardized diabetes (first 100 rows, 2 features; one is binary) with a bias: thin cones let interior-point
    slots slip outside their facet description.  The violated rows are added and the round still prices, but a
    slipped solution never ends the run: the result is certified, every returned slot lies in its whole cone
    (every row), and the optimum is that of a run that re-solved after each cut."""
    datasets = pytest.importorskip("sklearn.datasets")
    from geom.convex.program import fit, solve_restricted

    X, y = datasets.load_diabetes(return_X_y=True)
    X, y = X[:100, :2], y[:100]
    X, y = (X - X.mean(0)) / X.std(0), (y - y.mean()) / y.std()
    sol = geom.solve_convex(X, y, 1e-2, bias=True)
    assert sol.certified and sol.stats["cuts"] > 0
    Xa = np.hstack([X, np.ones((100, 1))])
    for pat, u, v in zip(sol.patterns, sol.U, sol.V):
        B = cone_rows(Xa, pat)
        for z in (u, v):
            assert np.all(B @ z >= -CONE_SLACK * np.linalg.norm(z) * np.linalg.norm(B, axis=1))
    # an independent path: the restricted program over the final working set plus every cone row of each pattern
    full = solve_restricted(Xa, y, 1e-2, sol.pool[sol.work], [np.arange(100)] * len(sol.work), "squared", 1e-10)
    r = fit(Xa, sol.pool[sol.work], full.U, full.V) - y
    obj = 0.5 * float(r @ r) + 1e-2 * float(np.linalg.norm(full.U, axis=1).sum() + np.linalg.norm(full.V, axis=1).sum())
    assert_allclose(sol.p_star, obj, rtol=RTOL_REFERENCE)


def test_inaccurate_interior_point_is_solved_again_tighter(monkeypatch):
    """Standardized diabetes (40 rows, 3 features), β = 1e-2, with polishing off and ``tol.solver = 1e-7``: the
    interior point alone left a certified gap of 5.8e-8 > tol.gap (status ``inaccurate``).  The converged working
    set is now solved once more at ``_RETRY_TIGHTER · tol.solver``: certified, with the optimum of a default solve.
    With the retry at the same tolerance (``_RETRY_TIGHTER = 1``) the gap stays above tol.gap: the tighter solve is
    what certifies it."""
    import dataclasses

    import geom.convex

    datasets = pytest.importorskip("sklearn.datasets")
    X, y = datasets.load_diabetes(return_X_y=True)
    X, y = X[:40, :3], y[:40]
    X, y = (X - X.mean(0)) / X.std(0), (y - y.mean()) / y.std()
    loose = dataclasses.replace(geom.DEFAULT_TOLERANCES, solver=1e-7)
    sol = geom.solve_convex(X, y, 1e-2, tol=loose, polish_rounds=0)
    assert sol.certified and sol.rel_gap <= loose.gap
    assert_allclose(sol.p_star, geom.solve_convex(X, y, 1e-2).p_star, rtol=loose.gap)
    monkeypatch.setattr(geom.convex, "_RETRY_TIGHTER", 1.0)
    same = geom.solve_convex(X, y, 1e-2, tol=loose, polish_rounds=0)
    assert not same.certified and same.status == "inaccurate"


#: Convex fuzz instance 2087781039 (``tests/test_fuzz_convex.py``, kind "antiparallel": row 0 is −2 × row 7),
#: β = 0.02, no bias: the first fresh-seed run of that fuzzer found it.
FUZZ_2087781039_X = np.array([
    [-0.7096962275220485, 2.1171599584173095, 1.3580729066747226],
    [-1.9071415244775463, -0.20357614616387923, -0.5119492039592265],
    [1.0271950138037367, -0.49676446253239553, 0.6127087633255709],
    [0.008759647896076963, -1.8555866552207367, 0.21814524788665576],
    [0.26211543795148157, -1.4697894893972714, 1.0401411343069058],
    [-0.20485534451108495, -1.0062875561010431, 0.06888602954121714],
    [0.5561719700440397, 0.11089388420963665, 0.35075188915065264],
    [0.35484811376102426, -1.0585799792086548, -0.6790364533373613]])
FUZZ_2087781039_Y = np.array([0.4739830127627206, -1.1058669155525234, -1.374025855879571, 1.2295482386109367,
                              -0.9428948379786289, 0.23872445006692375, 0.42396485515864674, -0.3299010474482305])


def test_fuzz_2087781039_returned_net_passes_the_certificate():
    """Newton polishing on a wrong face lowered the objective below the interior point's (gap 4.9e-11 → 9.8e-12,
    so the polished point was taken) while its residual priced out: ``φ(ν̂) = β(1 + 5.3e-5)``, and
    :func:`geom.certify_net` found four verified escape directions for the returned net ("violated").  A
    replacement that is not stationary is now never taken over a stationary one: the next polishing attempt
    reaches the optimum (gap 2e-14), ``φ(ν̂) ≤ β(1 + tol.certificate)``, and the certificate holds."""
    X, y, beta = FUZZ_2087781039_X, FUZZ_2087781039_Y, 0.02
    assert np.array_equal(X[0], -2.0 * X[7])
    P = geom.enumerate_patterns(X, ties="regions")
    sol = geom.solve_convex(X, y, beta, patterns=P)
    assert sol.certified
    assert sol.phi <= beta * (1 + geom.DEFAULT_TOLERANCES.certificate)
    cert = geom.certify_net(sol.to_net(), X, y, beta, patterns=P)
    assert cert.verdict == "holds", cert.reason
