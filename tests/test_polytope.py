"""The optimal polytope, m*, M* and the staircase (docs/theory.md §D, §E, §G; docs/theory.md §D–§G).

Expected values come from docs/theory.md §I (typed in from the closed forms there), from the independent exact oracle
``tests/_polytope_oracle.py`` (brute force over column subsets and the lifted graph, in ``Fraction``s, sharing no
code with ``geom``), and from evaluating networks from scratch.
"""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest

import geom
from geom.connectivity import component_counts, lifted_counts
from geom.polytope.vertices import exact_vertices, numerical_rank
from geom.tolerances import DEFAULT_TOLERANCES, Tolerances

from _polytope_oracle import oracle_edges, oracle_lifted, oracle_vertices

TOL = DEFAULT_TOLERANCES


def _gon(N):
    t = 2 * np.pi * np.arange(N) / N
    return np.c_[np.cos(t), np.sin(t)]


# (X, y, β, bias, m*, M*, {m: (components, isolated)}) — docs/theory.md §I (and §D.4: 22 vertices on the 5-gon)
SPEC = {
    "I1": ([[-1.0], [1.0]], [1.0, 2.0], 0.5, False, 2, 2, {2: (2, 2), 3: (1, 0)}),
    "I1b": ([[-1.0], [1.0]], [1.0, 2.0], 1.5, False, 1, 1, {}),
    "I2": ([[1.0, 0.0], [-0.5, math.sqrt(3) / 2]], [1.0, 1.0], 0.5, False, 1, 2,
           {1: (1, 1), 2: (3, 2), 3: (1, 0), 4: (1, 0)}),
    "I3": (np.eye(3), [2.0, 1.0, -1.0], 0.5, False, 2, 2, {2: (2, 2), 3: (1, 0)}),
    "I4": ([[-0.2], [1.0]], [0.5, 1.0], 0.1, True, 1, 1, {1: (1, 1), 2: (1, 0)}),
    "I7": ([[-1.0], [0.0], [1.0]], [0.0, 1.0, 0.0], 0.1, True, 3, 3, {3: (6, 6), 4: (1, 0)}),
    "I7b": ([[-1.0], [0.0], [1.0]], [1.0, 0.0, 1.0], 0.1, True, 3, 3, {}),
}


@pytest.fixture(scope="module")
def polytopes():
    out = {}
    for name, (X, y, beta, bias, *_rest) in SPEC.items():
        sol = geom.solve_convex(np.asarray(X, float), np.asarray(y, float), beta, bias=bias)
        out[name] = (sol, geom.optimal_polytope(sol))
    return out


@pytest.mark.parametrize("name", list(SPEC))
def test_spec_instances(polytopes, name):
    *_, m_star, M_star, counts = SPEC[name]
    sol, P = polytopes[name]
    assert P.status == "certified", P.reason
    assert (P.m_star, P.M_star) == (m_star, M_star)
    for m, expected in counts.items():
        assert component_counts(P, m) == expected, m
    S = geom.staircase(P)
    assert all(v == "holds" for v in S.verdicts().values()), S.verdicts()


def test_i3_deduplicates(polytopes):
    """SPEC §I, I3: (2,1,0)/√5 is tight for 2 patterns, (0,0,1) (negative) for 4: two columns."""
    _, P = polytopes["I3"]
    assert P.K == 2
    assert sorted(len(g) for g in P.groups) == [2, 4]
    np.testing.assert_allclose(P.directions[0], np.array([2.0, 1.0, 0.0]) / math.sqrt(5), atol=1e-9)
    np.testing.assert_allclose(P.directions[1], [0.0, 0.0, 1.0], atol=1e-9)
    assert P.signs.tolist() == [1.0, -1.0]


def test_i2_polytope_closed_form(polytopes):
    """SPEC §I, I2: Q = {c₁₂ ∈ [0,1], c₁ = c₂ = (1−c₁₂)/2}: vertices {(½,½)-direction} and {e₁, e₂ directions}."""
    _, P = polytopes["I2"]
    np.testing.assert_allclose(P.y_star, [0.5, 0.5], rtol=1e-9)
    sup = {len(v.support): v for v in P.vertices}
    np.testing.assert_allclose(P.directions[sup[1].support[0]], [0.5, math.sqrt(3) / 2], atol=1e-9)
    np.testing.assert_allclose(sorted(sup[2].coefficients[list(sup[2].support)]), [0.5, 0.5], rtol=1e-9)


@pytest.mark.parametrize("N,vertices,sizes", [(3, 5, {2: 3, 3: 2}), (5, 22, {4: 10, 5: 12})])
def test_regular_polygons(N, vertices, sizes):
    """Regular N-gons, y = 1, β = ½: the 5-gon polytope has 22 vertices (docs/theory.md §D.4, checked there by brute
    force); cdd's vertices and adjacency agree with the tolerance-based brute force over column subsets and the
    rank test.  (The exact oracle cannot be run on the float ``A``: these polytopes are degenerate — vertices of
    support below the rank — and float rounding splits such vertices; the symbolic mode checks them exactly.)"""
    sol = geom.solve_convex(_gon(N), np.ones(N), 0.5)
    P = geom.optimal_polytope(sol)
    assert P.status == "certified"
    assert len(P.vertices) == vertices
    assert P.support_counts == sizes
    bf = geom.brute_force_vertices(P.A, P.y_star, TOL)
    assert {v.support for v in bf.vertices} == {v.support for v in P.vertices}
    index = {v.support: i for i, v in enumerate(bf.vertices)}
    mine = {frozenset((index[P.vertices[i].support], index[P.vertices[j].support])) for i, j in P.edges}
    assert mine == {frozenset(e) for e in bf.edges}


def test_vertices_are_optimal_minimal_nets(polytopes):
    """ψ of every vertex: objective p* (evaluated from scratch), width |supp|, certified by §C.3, minimal."""
    for name in ("I2", "I3", "I7"):
        sol, P = polytopes[name]
        X, y, beta = np.asarray(SPEC[name][0], float), np.asarray(SPEC[name][1], float), SPEC[name][2]
        for i, v in enumerate(P.vertices):
            net = P.vertex_net(i)
            assert net.width == len(v.support)
            obj = geom.network_objective(net, X, y, beta)
            assert abs(obj - sol.p_star) <= 1e-9 * max(1.0, sol.p_star)
            assert geom.certify_net(net, X, y, beta).verdict == "holds"
            dirs = net.U / np.linalg.norm(net.U, axis=1, keepdims=True)
            signs = np.sign(net.alpha)
            for a in range(net.width):
                for b in range(a + 1, net.width):
                    assert not (signs[a] == signs[b] and np.linalg.norm(dirs[a] - dirs[b]) < 1e-6)


def test_pruning_reaches_a_vertex(polytopes):
    _, P = polytopes["I2"]
    c = 0.5 * P.vertices[0].coefficients + 0.5 * P.vertices[1].coefficients
    idx, path = P.prune(c)
    assert idx is not None
    for point in path:  # A c is constant and c ≥ 0 along the pruning
        np.testing.assert_allclose(P.A @ point, P.y_star, atol=1e-12)
        assert np.all(point >= 0)
        assert abs(point.sum() - c.sum()) <= 1e-12  # penalty unchanged (ν*ᵀA = β1ᵀ)


# ---- the vertex layer against the exact oracle on random polytopes -----------------------------------------------

def _random_polytope(rng):
    n, K = int(rng.integers(2, 5)), int(rng.integers(3, 8))
    A = rng.integers(-3, 4, size=(n, K)).astype(float)
    A[-1] = rng.integers(1, 4, size=K)  # a positive row keeps Q bounded, as ν*ᵀA = β1ᵀ does for tight columns
    c0 = rng.integers(0, 3, size=K).astype(float)
    if not c0.any():
        c0[0] = 1.0
    return A, c0


@pytest.mark.parametrize("seed", range(40))
def test_vertices_and_lifted_against_oracle(seed):
    """cdd vertices (merged) = exact brute force; reduced count = lifted graph (oracle), for m* ≤ m ≤ m*+2."""
    rng = np.random.default_rng(seed)
    A, c0 = _random_polytope(rng)
    b = A @ c0
    if not np.any(b):
        pytest.skip("b = 0")
    r, _ = numerical_rank(A, TOL)
    try:
        ov = oracle_vertices(A, b)
    except ValueError:
        pytest.skip("oracle too large")
    if any(not s for s, _ in ov):
        pytest.skip("degenerate zero vertex")
    v0, _ = geom.prune_to_vertex(A, c0, TOL)
    vs = exact_vertices(A, v0, TOL, rank=r)
    if vs.ambiguous or vs.raw_vertices == 0:
        pytest.skip(f"unbounded or ambiguous random polytope: {vs.ambiguous}")
    assert {v.support for v in vs.vertices} == {s for s, _ in ov}
    index = {s: i for i, (s, _) in enumerate(ov)}
    mine = {frozenset((index[vs.vertices[i].support], index[vs.vertices[j].support])) for i, j in vs.edges}
    assert mine == oracle_edges(A, ov)
    bf = geom.brute_force_vertices(A, b, TOL)
    assert {v.support for v in bf.vertices} == {s for s, _ in ov}
    P = SimpleNamespace(vertices=vs.vertices, edges=vs.edges)
    m_star = min(len(v.support) for v in vs.vertices)
    for m in range(max(m_star, 1), min(m_star + 2, 5) + 1):
        expected = oracle_lifted(A, b, m)
        assert component_counts(P, m) == expected, m
        assert lifted_counts(P, m) in (None, expected)


# ---- paths ----------------------------------------------------------------------------------------------------

def test_paths_are_optimal_and_connect_what_they_claim(polytopes):
    sol, P = polytopes["I2"]
    X, y = np.asarray(SPEC["I2"][0]), np.asarray(SPEC["I2"][1])
    for m in (2, 3, 4):
        path = geom.split_path(P, m)
        assert path.verdict == "holds" and path.width == m
        a, b = path.nets()[0], path.nets()[-1]
        assert float(np.max(np.abs(a.U - b.U))) > 1e-3  # two distinct optimal nets
    for m in (3, 4):
        perm = np.roll(np.arange(m), 1)
        path = geom.permutation_path(P, m, perm=perm)
        nets = path.nets()
        start, end = nets[0], nets[-1]
        np.testing.assert_allclose(end.U[perm], start.U, atol=1e-12)
        np.testing.assert_allclose(end.alpha[perm], start.alpha, atol=1e-12)
    path = geom.connecting_path(P, 3)
    assert path.verdict == "holds"
    for net in path.nets():  # every point optimal, evaluated independently of the path's own record
        assert abs(geom.network_objective(net, X, y, 0.5) - sol.p_star) <= 1e-9
        assert net.width == 3
    # between two given optimal nets: the two vertices placed in different slots
    one = next(i for i, v in enumerate(P.vertices) if len(v.support) == 1)
    two = next(i for i, v in enumerate(P.vertices) if len(v.support) == 2)
    na = geom.net_from_slots(P, _slots(P, one, [2], 3))
    nb = geom.net_from_slots(P, _slots(P, two, [2, 0], 3))
    path = geom.connecting_path(P, 3, na, nb)
    np.testing.assert_allclose(path.nets()[0].U, na.U, atol=1e-12)
    np.testing.assert_allclose(path.nets()[-1].U, nb.U, atol=1e-12)
    assert path.verdict == "holds"


def _slots(P, i, slots, m):
    w = np.zeros((m, P.K))
    v = P.vertices[i]
    assert len(slots) == len(v.support)
    for s, k in zip(slots, v.support):
        w[s, k] = v.coefficients[k]
    return w


def test_paths_refuse_small_widths(polytopes):
    _, P = polytopes["I2"]
    with pytest.raises(geom.InvalidInputError, match="'m'"):
        geom.split_path(P, 1)
    with pytest.raises(geom.InvalidInputError, match="'m'"):
        geom.permutation_path(P, 2)
    with pytest.raises(geom.InvalidInputError, match="'m_max'"):
        geom.staircase(P, m_max=0)


def test_slots_refuse_non_optimal_nets(polytopes):
    _, P = polytopes["I2"]
    bad = geom.Net(np.array([[1.0, 1.0]]), np.array([1.0]))
    with pytest.raises(geom.InvalidInputError, match="'net'"):
        geom.slots_from_net(P, bad)


# ---- honesty: inconclusive and not applicable -------------------------------------------------------------------

def test_uncertified_solution_gives_inconclusive():
    X, y = np.array([[1.0, 0.0], [-0.5, math.sqrt(3) / 2]]), np.array([1.0, 1.0])
    full = geom.enumerate_patterns(X).region_patterns
    sol = geom.solve_convex(X, y, 0.5, patterns=full)  # a given pool is never certified
    assert not sol.certified
    P = geom.optimal_polytope(sol)
    assert P.status == "inconclusive" and "not certified" in P.reason
    S = geom.staircase(P)
    assert set(S.verdicts().values()) == {"inconclusive"}


def test_inaccurate_solution_inconclusive_then_polished():
    """A coarse solution (interior point at 1e-4, no polishing): its directions are off by ~1e-4, the 5-gon's
    degenerate vertices split into coefficients in the grey zone, so the polytope is inconclusive, not a guess;
    polishing ν* (docs/theory.md §C.4) recovers the certified 22 vertices."""
    sol = geom.solve_convex(_gon(5), np.ones(5), 0.5, tol=Tolerances(solver=1e-4, gap=1e-3), polish_rounds=0)
    coarse = geom.optimal_polytope(sol, polish_rounds=0)
    assert coarse.status == "inconclusive" and "ambiguous" in coarse.reason
    assert set(geom.staircase(coarse).verdicts().values()) == {"inconclusive"}
    polished = geom.optimal_polytope(sol)
    assert polished.status == "certified" and len(polished.vertices) == 22
    assert polished.tightness.polish_rounds >= 1


def test_logistic_loss_not_applicable():
    X, y = np.array([[-1.0], [1.0]]), np.array([1.0, -1.0])
    sol = geom.solve_convex(X, y, 0.5, loss="logistic")
    P = geom.optimal_polytope(sol)
    assert P.status == "not applicable"
    assert geom.staircase(P).status == "not applicable"


def test_single_data_point():
    sol = geom.solve_convex(np.array([[2.0]]), np.array([3.0]), 0.5)
    P = geom.optimal_polytope(sol)
    assert P.status == "certified" and (P.m_star, P.M_star) == (1, 1)
    assert [(s.m, s.components, s.isolated) for s in geom.staircase(P).steps] == [(1, 1, 1), (2, 1, 0), (3, 1, 0)]


def test_bad_input():
    with pytest.raises(geom.InvalidInputTypeError, match="'solution'"):
        geom.optimal_polytope("not a solution")
    with pytest.raises(geom.InvalidInputTypeError, match="'P'"):
        geom.staircase(None)


# ---- the continuum of optimal interpolators (§G) ----------------------------------------------------------------

@pytest.mark.parametrize("n", [3, 4, 5])
def test_continuum_of_interpolators(n):
    X, y = geom.tail_sum_instance(n, seed=n)
    sol = geom.solve_convex(X, y, 0.0, bias=True, interpolate=True)
    P = geom.optimal_polytope(sol)
    assert P.K == n + 1 and P.rank == n and P.dim == 1  # SPEC §G.2: n + 1 tight columns in R^n
    C = geom.optimal_interpolators(P, lower_bound=sol.lower_bound)
    assert C.verdict == "holds"
    assert C.difference > 1e-4
    for net in C.nets:  # exact fit, and the same (minimum) penalty
        fit = net.output(X)
        np.testing.assert_allclose(fit, y, atol=1e-7 * max(1.0, np.abs(y).max()))
        assert 0.5 * (np.sum(net.U ** 2) + np.sum(net.alpha ** 2)) - sol.lower_bound <= 1e-8 * sol.lower_bound


def test_unique_interpolator_not_applicable():
    sol = geom.solve_convex(np.array([[-1.0], [1.0]]), np.array([1.0, 2.0]), 0.0, interpolate=True)
    C = geom.optimal_interpolators(geom.optimal_polytope(sol), lower_bound=sol.lower_bound)
    assert C.verdict == "not applicable" and C.dim == 0


# ---- the proved radius of the tightness decision (docs/theory.md §D.5) -----------------------------------------

@pytest.mark.parametrize("name,nu_star", [
    ("I1", [0.5, 0.5]), ("I2", [0.5, 0.5]), ("I7", [-0.1, 0.3, -0.1]),
    ("I3", [1 / math.sqrt(5), 0.5 / math.sqrt(5), -0.5]),
])
def test_kkt_radius_bounds_the_true_distance(polytopes, name, nu_star):
    """ν* in closed form (SPEC §I): for perturbed dual points and perturbed primal candidates the bound of
    :func:`kkt_radius` must exceed the true distance ‖ν̃ − ν*‖ (a failure would be a false proof)."""
    from geom.duality import dual_bound
    from geom.nets import augment
    from geom.polytope.tightness import kkt_radius

    sol, P = polytopes[name]
    Xa = augment(sol.X, sol.bias)
    nu_star = np.asarray(nu_star)
    rng = np.random.default_rng(0)
    for scale in (0.0, 1e-12, 1e-8, 1e-4, 1e-1):
        for _ in range(5):
            nu = nu_star + scale * rng.standard_normal(len(nu_star))
            db = dual_bound(Xa, sol.y, sol.beta, nu, sol.pool, loss="squared", index=sol.pool_index)
            nu_t = db.nu_tilde
            c = P.vertices[0].coefficients * (1.0 + scale * rng.standard_normal(P.K))
            dirs = P.directions + scale * rng.standard_normal(P.directions.shape)
            dirs /= np.linalg.norm(dirs, axis=1, keepdims=True)
            t = kkt_radius(Xa, sol.y, sol.beta, nu_t, dirs, P.signs, np.maximum(c, 0.0))
            assert t >= float(np.linalg.norm(nu_t - nu_star)) * (1 - 1e-9), (scale, t)


def test_zero_optimum_regression():
    """Found by the polytope fuzzer (1-D with bias at scale 1e3, β = 5e5): no pattern is tight, which once made the
    polytope 'inconclusive'.  Closed form: φ(y) ≤ ‖X̃‖_F ‖y‖ < β makes W = 0 the unique optimum, so Q = {0},
    m* = M* = 0, p* = ½‖y‖², and the staircase (about a nonzero optimal fit) does not apply."""
    X, y, beta = np.array([[1.0], [2.0]]), np.array([1.0, 1.0]), 10.0
    assert np.linalg.norm(np.c_[X, np.ones(2)]) * np.linalg.norm(y) < beta
    sol = geom.solve_convex(X, y, beta, bias=True)
    P = geom.optimal_polytope(sol)
    assert P.status == "certified" and (P.m_star, P.M_star) == (0, 0) and P.K == 0
    np.testing.assert_allclose(sol.p_star, 1.0, rtol=1e-9)  # the solver certifies to tol.gap = 1e-8
    assert geom.staircase(P).status == "not applicable"


@pytest.mark.parametrize("N", [4, 8, 12])
def test_degenerate_polygons_match_the_exact_mode(N):
    """Regressions found by the fuzzer and the benchmark: the 4-gon's A has exact rank 3 (float rank 4), and the
    12-gon's perturbed polytope had spurious vertices on dependent supports (fixed by dropping them, docs/theory.md
    §D.5).  The float polytope must equal the exact symbolic one (sympy, no floating point), vertex for vertex."""
    import sympy

    t = 2 * np.pi * np.arange(N) / N
    P = geom.optimal_polytope(geom.solve_convex(np.c_[np.cos(t), np.sin(t)], np.ones(N), 0.5))
    Xs = [[sympy.cos(2 * sympy.pi * k / N), sympy.sin(2 * sympy.pi * k / N)] for k in range(N)]
    E = geom.symbolic_polytope(Xs, [1] * N, sympy.Rational(1, 2))
    assert P.status == "certified"
    assert (P.m_star, P.M_star, P.support_counts, len(P.edges)) == (E.m_star, E.M_star, E.support_counts,
                                                                      len(E.edges))
    # the same columns (matched by direction) and the same supports
    match = [int(np.argmin(np.linalg.norm(P.directions - np.array([float(v) for v in d]), axis=1)
                           + np.where(P.signs == s, 0.0, np.inf))) for d, s in zip(E.directions, E.signs)]
    assert sorted(match) == list(range(P.K))
    exact = {tuple(sorted(match[k] for k in S)) for S, _ in E.vertices}
    assert exact == {v.support for v in P.vertices}


def test_claim_kinds_and_uncertified_continuum(polytopes):
    """Count statements are theorem checks only when decided on the lifted brute force; on the reduced count alone
    they hold by construction (consistency).  A continuum built on an uncertified solution is not 'holds'."""
    _, P = polytopes["I2"]
    counts = {"finite_at_m_star", "isolated_at_M_star", "no_isolated_above_M_star", "connected_above"}
    is_count = lambda c: c.key in counts and c.figures.get("kind") != "path"  # noqa: E731
    with_lifted = [c for c in geom.staircase(P).claims if is_count(c)]
    without = [c for c in geom.staircase(P, lifted_max_nodes=0).claims if is_count(c)]
    assert {c.kind for c in with_lifted} == {"theorem"} and {c.kind for c in without} == {"consistency"}
    X, y = geom.tail_sum_instance(3, seed=3)
    pool = geom.enumerate_patterns(X, bias=True).region_patterns
    sol = geom.solve_convex(X, y, 0.0, bias=True, interpolate=True, patterns=pool)  # a given pool: uncertified
    C = geom.optimal_interpolators(geom.optimal_polytope(sol))
    assert not sol.certified and C.verdict == "inconclusive" and "not certified" in C.reason


# ---- tightness on sliver regions (regression: fuzz stream 1396565009, instance 21) --------------------------------

#: ν* of the hexagon instance of tests/test_fuzz_polytope.py::test_regression_fuzz_1396565009_21 (typed in, so that
#: these tests do not depend on the solver).
_HEX_NU = np.array([0.1678249737523949, -0.14744784035368852, 0.09117802312413437, -0.13050582018267037,
                    0.18824084710163294, -0.22480249548547793])


def _lsq_phi(X, nu, pattern, sign):
    """Independent oracle: ``‖Π_C(±Xᵀ D ν)‖`` over every row of the cone by bounded least squares (SciPy BVLS)."""
    from scipy.optimize import lsq_linear

    g = sign * (X.T @ (pattern * nu))
    B = np.where(pattern[:, None], X, -X)
    if np.all(B @ g >= 0):
        return float(np.linalg.norm(g))
    lam = lsq_linear(B.T, -g, bounds=(0, np.inf), method="bvls", tol=1e-15).x
    return float(np.linalg.norm(g + B.T @ lam))


def test_exact_projection_on_sliver_cones():
    """The rounded hexagon's rows come in nearly antiparallel pairs, so half its 12 regions are slivers of angular
    width ~1e-16 between two facet rows.  Every exact projection (started from the index-based float direction,
    which is on the wrong side of the sliver for pattern 000110, sign −) passes an independent exact KKT check
    (``B Π ≥ 0`` on every row, ``(g − Π)ᵀΠ = 0``, ``g − Π`` in the polar cone via ``‖Π‖² = gᵀΠ``) and agrees
    with SciPy's BVLS on all rows to 1e-12 ‖g‖."""
    from fractions import Fraction

    from geom.cones import dual_values, region_index
    from geom.polytope.tightness import _ExactAt

    X = _gon(6)
    pool = geom.enumerate_patterns(X, ties="regions").patterns.astype(bool)
    assert len(pool) == 12  # the float hexagon has 6 distinct lines: 12 regions
    dv = dual_values(X, _HEX_NU, pool, index=region_index(X, pool))
    exact = _ExactAt(X, _HEX_NU, pool)
    Xq = [[Fraction(float(v)) for v in row] for row in X]
    nq = [Fraction(float(v)) for v in _HEX_NU]
    for k, pat in enumerate(pool):
        for sl, sign in ((0, 1), (1, -1)):
            res = exact.get(k, sl, [dv.directions[k, sl]])
            assert res is not None, (k, sl)
            sq, proj = res
            g = [sign * sum((nq[i] * Xq[i][j] for i in range(6) if pat[i]), Fraction(0)) for j in range(2)]
            for i in range(6):
                b = Xq[i] if pat[i] else [-v for v in Xq[i]]
                assert b[0] * proj[0] + b[1] * proj[1] >= 0, (k, sl, i)
            assert sq == g[0] * proj[0] + g[1] * proj[1] == proj[0] ** 2 + proj[1] ** 2, (k, sl)
            gn = float(np.linalg.norm([float(v) for v in g]))
            ref = _lsq_phi(X, _HEX_NU, pat.astype(float), float(sign))
            assert abs(math.sqrt(float(sq)) - ref) <= 1e-12 * max(gn, 1e-300), (k, sl, math.sqrt(float(sq)), ref)
    # the pair of the regression: its exact value is 0 (the index estimate said β)
    k = int(np.flatnonzero((pool == np.array([0, 0, 0, 1, 1, 0], bool)).all(axis=1))[0])
    assert exact.get(k, 1)[0] == 0


def test_hexagon_tight_set_is_the_oracles():
    """The certified hexagon polytope lists exactly the pairs whose all-rows dual value is β (BVLS oracle, 1e-9)."""
    X, y = _gon(6), np.array([-0.97, -0.47, -0.33, 0.09, 0.27, -1.6])
    sol = geom.solve_convex(X, y, 0.05)
    P = geom.optimal_polytope(sol)
    assert P.status == "certified", P.reason
    mine = {(tuple(sol.pool[k].astype(int)), s) for g in P.groups for k, s in g}
    ref = {(tuple(pat.astype(int)), s) for pat in sol.pool for s, sign in ((0, 1.0), (1, -1.0))
           if _lsq_phi(X, P.tightness.nu, pat.astype(float), sign) >= 0.05 * (1 - 1e-9)}
    assert mine == ref
    assert ((0, 0, 0, 1, 1, 0), 1) not in mine


def test_unverified_candidates_are_not_certified(monkeypatch):
    """A candidate whose dual value cannot be established exactly (the exact solve is made to give up) and is not
    excluded by the all-rows upper bound is not declared tight: the polytope is inconclusive, no claim holds."""
    import geom.polytope.tightness as tightness

    monkeypatch.setattr(tightness, "_exact_projection", lambda *a, **k: None)
    X, y = np.array([[1.0, 0.0], [-0.5, math.sqrt(3) / 2]]), np.array([1.0, 1.0])
    P = geom.optimal_polytope(geom.solve_convex(X, y, 0.5))
    assert P.status == "inconclusive" and "unverified tightness" in P.reason, P.reason
    assert not P.tightness.decided
    assert "holds" not in geom.staircase(P).verdicts().values()


def test_columns_skip_pairs_without_direction():
    """A candidate with a zero projection has no direction: it gives no column (no 0/0) and is reported."""
    from geom.polytope.tightness import columns_from_pairs

    pairs = np.array([[0, 0], [1, 0], [2, 1]])
    directions = np.array([[1.0, 0.0], [0.0, 0.0], [0.0, 1.0]])
    dirs, signs, groups, ambiguous = columns_from_pairs(np.eye(2), pairs, directions, TOL)
    assert groups == (((0, 0),), ((2, 1),))
    np.testing.assert_array_equal(dirs, [[1.0, 0.0], [0.0, 1.0]])  # exact: unit inputs, single-member groups
    np.testing.assert_array_equal(signs, [1.0, -1.0])
    assert "without a direction" in ambiguous
