"""Tests of the exact optimal polytope (geom/polytope/symbolic/) on the hand-made instances of docs/theory.md §I.

Every expected value is a closed form derived in docs/theory.md §I or in the comments here (symmetry arguments for the
regular polygons), or comes from an independent oracle (the float solver of (C); a float brute force over the
closed-form columns).  Exact equality is decided by ``sympy.minimal_polynomial(a − b) == x``.
"""

from __future__ import annotations

import itertools
import json
import math
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
from numpy.testing import assert_allclose

from geom.exceptions import CertificationError, InvalidInputError, InvalidInputTypeError, ProblemTooLargeError
from geom.polytope.symbolic import SymbolicPolytope, symbolic_polytope

_x = sp.Symbol("x")
R = sp.Rational


def same(a, b) -> bool:
    """Exact equality of two real algebraic numbers (the minimal polynomial of the difference is ``x``)."""
    d = sp.sympify(a) - sp.sympify(b)
    return sp.minimal_polynomial(d, _x) == _x


def same_vec(u, v) -> bool:
    return len(list(u)) == len(list(v)) and all(same(a, b) for a, b in zip(u, v))


def fl(e) -> float:
    return float(sp.N(e, 30))


def column_of(P: SymbolicPolytope, direction, sign):
    """Index of the column whose signed direction is exactly ``(direction, sign)``: the one candidate within
    1e-9 in floating point, then confirmed exactly."""
    target = np.array([fl(v) for v in direction])
    hits = [j for j, (u, s) in enumerate(zip(P.directions, P.signs))
            if s == sign and np.abs(np.array([fl(v) for v in u]) - target).max() < 1e-9]
    assert len(hits) == 1, (direction, sign, P.directions, P.signs)
    assert same_vec(P.directions[hits[0]], direction)
    return hits[0]


def coefficient_maps(P: SymbolicPolytope):
    """Each vertex as ``{column: coefficient}``."""
    return [dict(zip(S, c)) for S, c in P.vertices]


def regular_polygon(N):
    """Vertices ``(cos 2πk/N, sin 2πk/N)``, exact (sympy evaluates them to radicals for N = 3, 4, 5, 6)."""
    return [[sp.cos(2 * sp.pi * k / N), sp.sin(2 * sp.pi * k / N)] for k in range(N)]


# ------------------------------------------------------------------------------------------------------------
# docs/theory.md §I instances


def test_I1_soft_threshold():
    # Two decoupled cones: y*_i = sign(y_i)(|y_i| − β)_+ = (1/2, 3/2), ν* = (1/2, 1/2), p* = 5/4 (SPEC §I, I1).
    P = symbolic_polytope([[-1], [1]], [1, 2], "1/2")
    assert list(P.nu_star) == [R(1, 2), R(1, 2)]
    assert list(P.y_star) == [R(1, 2), R(3, 2)]
    assert P.p_star == R(5, 4)
    # neurons (−1) and (+1), both with positive output weight; c = ‖u‖|α| = 1/2 and 3/2
    left, right = column_of(P, [-1], 1), column_of(P, [1], 1)
    assert coefficient_maps(P) == [{left: R(1, 2), right: R(3, 2)}]
    assert (P.m_star, P.M_star, P.n_columns, P.rank, P.dim, P.edges) == (2, 2, 2, 2, 0, ())
    assert P.support_counts == {2: 1}


def test_I1b_one_neuron():
    # β = 3/2 > |y_1| = 1: y* = (0, 1/2), ν* = (1, 3/2), p* = ½‖ν*‖² + ν*ᵀy* = 13/8 + 3/4 = 19/8.
    P = symbolic_polytope([[-1], [1]], [1, 2], "3/2")
    assert list(P.y_star) == [0, R(1, 2)]
    assert list(P.nu_star) == [1, R(3, 2)]
    assert P.p_star == R(19, 8)
    assert coefficient_maps(P) == [{column_of(P, [1], 1): R(1, 2)}]
    assert (P.m_star, P.M_star, len(P.vertices)) == (1, 1, 1)


def _check_I2(P, beta):
    # SPEC §I, I2: ν* = β(1,1), y* = (1 − β)(1,1), p* = 2β − β²; three positive directions with fits
    # (1,0), (0,1), (½,½); Q = {c₁₂ ∈ [0, 2(1−β)]... } scaled: vertices c₁₂ = 2(1−β)·½... see below.
    s = 1 - beta
    assert same_vec(P.nu_star, [beta, beta])
    assert same_vec(P.y_star, [s, s])
    assert same(P.p_star, 2 * beta - beta**2)
    h = sp.sqrt(3) / 2
    j1 = column_of(P, [1, 0], 1)
    j2 = column_of(P, [-R(1, 2), h], 1)
    j12 = column_of(P, [R(1, 2), h], 1)
    assert P.signs == (1, 1, 1)
    for j, fit in ((j1, [1, 0]), (j2, [0, 1]), (j12, [R(1, 2), R(1, 2)])):
        assert same_vec(P.A.col(j), fit)
    # c₁(1,0) + c₂(0,1) + c₁₂(½,½) = s(1,1): vertices {12} with c₁₂ = 2s, and {1,2} with c₁ = c₂ = s
    maps = coefficient_maps(P)
    assert len(maps) == 2
    assert set(maps[0]) == {j12} and same(maps[0][j12], 2 * s)
    assert set(maps[1]) == {j1, j2} and same(maps[1][j1], s) and same(maps[1][j2], s)
    assert (P.m_star, P.M_star, P.edges, P.dim, P.rank) == (1, 2, ((0, 1),), 1, 2)


def test_I2_120_degrees():
    P = symbolic_polytope([[1, 0], ["-1/2", "sqrt(3)/2"]], [1, 1], "1/2")
    _check_I2(P, R(1, 2))
    assert (P.p_star, list(P.y_star)) == (R(3, 4), [R(1, 2), R(1, 2)])


@pytest.mark.parametrize("beta", [R(3, 10), R(1, 7), sp.sqrt(2) / 4])
def test_I2_general_beta(beta):
    P = symbolic_polytope([[1, 0], [-R(1, 2), sp.sqrt(3) / 2]], [1, 1], beta)
    _check_I2(P, beta)


@pytest.mark.parametrize("beta", [R(1, 2), R(1, 3)])
def test_I3_group_soft_threshold_and_dedup(beta):
    # X = I₃: group soft-thresholding. y* = ((1 − β/√5)(2,1), −(1 − β)), p* = β√5 + β − β² (SPEC §I, I3).
    P = symbolic_polytope([[1, 0, 0], [0, 1, 0], [0, 0, 1]], [2, 1, -1], beta)
    r5 = sp.sqrt(5)
    assert same_vec(P.y_star, [2 * (1 - beta / r5), 1 - beta / r5, -(1 - beta)])
    assert same_vec(P.nu_star, [2 * beta / r5, beta / r5, -beta])
    assert same(P.p_star, beta * r5 + beta - beta**2)
    if beta == R(1, 2):
        assert abs(fl(P.p_star) - 1.3680340) < 5e-8  # the SPEC's decimal
    # deduplication (SPEC §D.3): one positive column from patterns 110 and 111, one negative from four
    pos = column_of(P, [2 / r5, 1 / r5, 0], 1)
    neg = column_of(P, [0, 0, 1], -1)
    assert P.n_columns == 2
    assert {P.pool[k] for k, _ in P.groups[pos]} == {"110", "111"}
    assert {P.pool[k] for k, _ in P.groups[neg]} == {"001", "011", "101", "111"}
    assert {s for _, s in P.groups[neg]} == {-1}
    # one vertex: c_pos = ‖y*₁₂‖ = √5 − β (a = (2,1,0)/√5), c_neg = 1 − β (a = −e₃)
    (m,) = coefficient_maps(P)
    assert set(m) == {pos, neg} and same(m[pos], r5 - beta) and same(m[neg], 1 - beta)
    assert (P.m_star, P.M_star, P.dim) == (2, 2, 0)


def test_I7_kinks_at_a_data_point():
    # SPEC §I, I7: 1-D + bias, x = (−1, 0, 1), y = (0, 1, 0), β = 1/10.  Net: bias-only neuron with c = 7/10,
    # and (±1, 0) with negative output, c = 6/10 each: 7/10·(1,1,1) − 6/10·(0,0,1) − 6/10·(1,0,0) = y*.
    P = symbolic_polytope([[-1], [0], [1]], [0, 1, 0], "1/10", bias=True)
    assert list(P.y_star) == [R(1, 10), R(7, 10), R(1, 10)]
    assert list(P.nu_star) == [-R(1, 10), R(3, 10), -R(1, 10)]
    assert P.p_star == R(49, 200)
    b, r, l = column_of(P, [0, 1], 1), column_of(P, [1, 0], -1), column_of(P, [-1, 0], -1)
    assert coefficient_maps(P) == [{b: R(7, 10), r: R(6, 10), l: R(6, 10)}]
    # the kinks sit on the data point 0: each of (±1, 0) is tight for the two regions beside that tie
    assert {P.pool[k] for k, _ in P.groups[r]} == {"001", "011"}
    assert {P.pool[k] for k, _ in P.groups[l]} == {"100", "110"}
    assert {P.pool[k] for k, _ in P.groups[b]} == {"111"}
    assert (P.m_star, P.M_star, P.n_columns, P.dim) == (3, 3, 3, 0)


def test_I7b_all_positive():
    # SPEC §I, I7b: y = (1, 0, 1): y* = (9/10, 1/10, 9/10), ν* = (1/10, −1/10, 1/10), p* = 37/200;
    # net 1/10·[bias-only] + 8/10 (x)_+ + 8/10 (−x)_+.
    P = symbolic_polytope([[-1], [0], [1]], [1, 0, 1], "1/10", bias=True)
    assert list(P.y_star) == [R(9, 10), R(1, 10), R(9, 10)]
    assert list(P.nu_star) == [R(1, 10), -R(1, 10), R(1, 10)]
    assert P.p_star == R(37, 200)
    b, r, l = column_of(P, [0, 1], 1), column_of(P, [1, 0], 1), column_of(P, [-1, 0], 1)
    assert coefficient_maps(P) == [{b: R(1, 10), r: R(8, 10), l: R(8, 10)}]
    assert (P.m_star, P.M_star) == (3, 3)


def test_I4_quartic_dual_optimum():
    # SPEC §I, I4 (blog data, 1-D + bias): one neuron in pattern 11; ν* is algebraic of degree 4 (no radicals).
    # Exact check of the single-neuron optimality conditions with X̃ = [x, 1] invertible: u = X̃⁻¹y* and
    # X̃ᵀν* = β u/‖u‖ (the SPEC's closed form y* = (I + (β/ρ)(X̃X̃ᵀ)⁻¹)⁻¹y, ρ = ‖u‖, rearranged), i.e.
    # ‖X̃ᵀν*‖² = β², X̃ᵀν* ∥ u, (X̃ᵀν*)·u > 0.  ν* = f(r) for the root r of an irreducible quartic p, so a
    # polynomial identity in r is decided by the remainder modulo p.
    beta = R(1, 10)
    P = symbolic_polytope([["-1/5"], [1]], ["1/2", 1], beta, bias=True)
    assert_allclose([fl(v) for v in P.y_star], [0.4787666, 0.9389398], rtol=0, atol=5e-8)
    assert_allclose(fl(P.p_star), 0.06958725, rtol=0, atol=5e-9)
    (r,) = set().union(*(e.atoms(sp.CRootOf) for e in P.nu_star))
    z = sp.Symbol("z")
    p = sp.Poly(r.expr, r.poly.gen).as_expr().subs(r.poly.gen, z)
    assert sp.Poly(p, z).is_irreducible and sp.degree(p, z) == 4
    nu = sp.Matrix([e.subs(r, z) for e in P.nu_star])
    Xt = sp.Matrix([[-R(1, 5), 1], [1, 1]])
    u = Xt.inv() * (sp.Matrix([R(1, 2), 1]) - nu)
    g = Xt.T * nu
    for identity in (g.dot(g) - beta**2, g[0] * u[1] - g[1] * u[0]):
        num = sp.numer(sp.together(sp.expand(identity)))
        assert sp.rem(sp.Poly(num, z), sp.Poly(p, z)).is_zero
    assert fl(g.dot(u).subs(z, r)) > 0
    assert (P.m_star, P.M_star, P.n_columns, P.signs) == (1, 1, 1, (1,))


def test_zero_network_when_y_is_dual_feasible():
    # I1 with β = 3 ≥ max(|y_i|): y ∈ 𝒦_β, so ν* = y, y* = 0, p* = ½‖y‖² = 5/2, Q = {0}.
    P = symbolic_polytope([[-1], [1]], [1, 2], 3)
    assert list(P.nu_star) == [1, 2] and list(P.y_star) == [0, 0] and P.p_star == R(5, 2)
    assert P.vertices == (((), ()),)
    assert (P.m_star, P.M_star, P.n_columns, P.support_counts) == (0, 0, 0, {0: 1})


# ------------------------------------------------------------------------------------------------------------
# Regular polygons, y = 1.  By the cyclic symmetry and uniqueness, ν* = t·1 with t = β/h_max, where
# h(u) = Σ_k (x_k·u)_+ over unit u; then y* = (1 − t)·1 and p* = ½Nt² + Nt(1 − t) = Nt − Nt²/2.


def test_triangle():
    # N = 3: h(φ) = cos(φ − 60°) on [30°, 90°] and cos φ on [0°, 30°]: h_max = 1, attained at the three data
    # directions (fit e_k) and the three mid-angles (fit (e_k + e_{k+1})/2): K = 6, t = β.
    beta = R(1, 2)
    P = symbolic_polytope(regular_polygon(3), [1, 1, 1], beta)
    s = 1 - beta
    assert list(P.nu_star) == [beta] * 3 and list(P.y_star) == [s] * 3
    assert P.p_star == 3 * beta - R(3, 2) * beta**2 == R(9, 8)
    assert P.n_columns == 6 and P.signs == (1,) * 6
    X = regular_polygon(3)
    e = [column_of(P, X[k], 1) for k in range(3)]
    mid = [column_of(P, [sp.cos(sp.pi / 3 + 2 * sp.pi * k / 3), sp.sin(sp.pi / 3 + 2 * sp.pi * k / 3)], 1)
           for k in range(3)]
    for k in range(3):
        assert same_vec(P.A.col(e[k]), [1 if i == k else 0 for i in range(3)])
        assert same_vec(P.A.col(mid[k]), [R(1, 2) if i in (k, (k + 1) % 3) else 0 for i in range(3)])
    # vertices: {e1,e2,e3} (c = s), {m12,m23,m31} (d = s: circulant ½(I+P) invertible for N odd), and
    # {m_{k,k+1}, e_{k+2}} (d = 2s, c = s); no other independent support has a positive solution.
    expected = [{e[0]: s, e[1]: s, e[2]: s}, {mid[0]: s, mid[1]: s, mid[2]: s}]
    expected += [{mid[k]: 2 * s, e[(k + 2) % 3]: s} for k in range(3)]
    got = coefficient_maps(P)
    assert len(got) == 5 and all(v in got for v in expected)
    # edges: E–V_k, M–V_k (union of 4 columns in R³: rank 3) and V_j–V_k (4 columns): 3 + 3 + 3; E–M has 6
    assert len(P.edges) == 9 and (P.m_star, P.M_star, P.dim, P.rank) == (2, 3, 3, 3)
    assert P.support_counts == {2: 3, 3: 2}


def test_square():
    # N = 4 (±e₁, ±e₂): h(φ) = cos φ + sin φ on [0°, 90°], h_max = √2 at the four diagonals, t = β/√2;
    # fits (e_k + e_{k+1})/√2, so Q = {c_{k−1} + c_k = √2(1 − t)}: the segment between (a,0,a,0) and (0,a,0,a),
    # a = √2 − β.  p* = 4t − 2t² = 2√2β − β².
    beta = R(1, 2)
    P = symbolic_polytope(regular_polygon(4), [1] * 4, beta)
    t = beta / sp.sqrt(2)
    assert same_vec(P.nu_star, [t] * 4)
    assert same(P.p_star, 2 * sp.sqrt(2) * beta - beta**2)
    r = 1 / sp.sqrt(2)
    cols = [column_of(P, [sx * r, sy * r], 1) for sx, sy in ((1, 1), (-1, 1), (-1, -1), (1, -1))]
    a = sp.sqrt(2) - beta
    got = coefficient_maps(P)
    assert len(got) == 2
    for m in got:
        assert set(m) in ({cols[0], cols[2]}, {cols[1], cols[3]}) and all(same(v, a) for v in m.values())
    assert (P.m_star, P.M_star, P.edges, P.dim, P.rank) == (2, 2, ((0, 1),), 1, 3)


def _float_vertices(A, ystar, tol=1e-9):
    """Independent float oracle: brute-force vertices and rank-test edges of {c ≥ 0 : Ac = y*}."""
    n, K = A.shape
    r = np.linalg.matrix_rank(A, tol=tol)
    verts = []
    for s in range(1, r + 1):
        for S in itertools.combinations(range(K), s):
            sub = A[:, S]
            if np.linalg.matrix_rank(sub, tol=tol) < s:
                continue
            c, *_ = np.linalg.lstsq(sub, ystar, rcond=None)
            if np.linalg.norm(sub @ c - ystar) < 1e-9 and (c > 1e-9).all():
                verts.append(S)
    edges = [(i, j) for i, j in itertools.combinations(range(len(verts)), 2)
             if np.linalg.matrix_rank(A[:, sorted(set(verts[i]) | set(verts[j]))], tol=tol)
             == len(set(verts[i]) | set(verts[j])) - 1]
    return verts, edges


def test_pentagon_22_vertices():
    # N = 5: on [18°, 54°] h = cos φ + cos(72° − φ) = 2cos36° cos(φ − 36°); on [0°, 18°]
    # h = cos φ (1 + 2cos72°).  Both maxima equal the golden ratio g = (1 + √5)/2, at the 5 data directions
    # (fit v_k = e_k + cos72°(e_{k−1} + e_{k+1})) and the 5 mid-angles (fit m_k = cos36°(e_k + e_{k+1})).
    # t = β/g, p* = 5t − 5t²/2 = (25√5 − 35)/16 at β = 1/2.  SPEC §D.4 reports 22 vertices (pycddlib).
    beta = R(1, 2)
    P = symbolic_polytope(regular_polygon(5), [1] * 5, beta)
    g = (1 + sp.sqrt(5)) / 2
    t = beta / g
    assert same_vec(P.nu_star, [t] * 5)
    assert same(P.p_star, (25 * sp.sqrt(5) - 35) / 16)
    assert P.n_columns == 10 and P.signs == (1,) * 10 and P.rank == 5
    c72, c36 = sp.cos(2 * sp.pi / 5), sp.cos(sp.pi / 5)
    X = regular_polygon(5)
    v_cols = [column_of(P, X[k], 1) for k in range(5)]
    m_cols = [column_of(P, [sp.cos(sp.pi / 5 + 2 * sp.pi * k / 5), sp.sin(sp.pi / 5 + 2 * sp.pi * k / 5)], 1)
              for k in range(5)]
    closed = {}
    for k in range(5):
        closed[v_cols[k]] = [1 if i == k else (c72 if i in ((k - 1) % 5, (k + 1) % 5) else 0) for i in range(5)]
        closed[m_cols[k]] = [c36 if i in (k, (k + 1) % 5) else 0 for i in range(5)]
    for j, col in closed.items():
        assert same_vec(P.A.col(j), col)
    # two symmetric vertices: all v (α = s/g: 1 + 2cos72° = g) and all m (γ = s/(2cos36°) = s/g)
    s = 1 - t
    got = coefficient_maps(P)
    for support in (v_cols, m_cols):
        (m,) = [m for m in got if set(m) == set(support)]
        assert all(same(val, s / g) for val in m.values())
    # every vertex and edge against the float brute force on the closed-form columns
    A = np.array([[fl(closed[j][i]) for j in range(10)] for i in range(5)])
    fverts, fedges = _float_vertices(A, np.full(5, fl(s)))
    assert len(P.vertices) == len(fverts) == 22
    assert [S for S, _ in P.vertices] == sorted(fverts, key=lambda S: (len(S), S))
    assert len(P.edges) == len(fedges)
    assert P.support_counts == {4: 10, 5: 12} and (P.m_star, P.M_star, P.dim) == (4, 5, 5)
    # and against the float solver of (C)
    from geom import solve_convex

    sol = solve_convex(np.array([[fl(a) for a in r] for r in X]), np.ones(5), 0.5)
    assert_allclose(sol.p_star, fl(P.p_star), rtol=1e-8)


@pytest.mark.slow
def test_heptagon_against_float_oracle():
    # N = 7: at a data direction h = 1 + 2cos(2π/7); at a mid-angle h = 2cos(π/7) + 2cos(3π/7), equal by
    # cos(π/7) − cos(2π/7) + cos(3π/7) = ½: K = 14, t = β/h, p* = 7t − 7t²/2.  Fits: v_k = e_k + cos(2π/7)e_{k±1},
    # m_k = cos(π/7)(e_k + e_{k+1}) + cos(3π/7)(e_{k−1} + e_{k+2}).  Vertices and edges: float brute force.
    beta = R(1, 2)
    P = symbolic_polytope(regular_polygon(7), [1] * 7, beta)
    c1, c2, c3 = (sp.cos(j * sp.pi / 7) for j in (1, 2, 3))
    t = beta / (1 + 2 * c2)
    assert_allclose([fl(v) for v in P.nu_star], [fl(t)] * 7, rtol=1e-25)
    assert same(P.nu_star[0], t)
    assert_allclose(fl(P.p_star), fl(7 * t - R(7, 2) * t**2), rtol=1e-25)
    X = regular_polygon(7)
    closed = {}
    for k in range(7):
        closed[column_of(P, X[k], 1)] = [1 if i == k else (c2 if i in ((k - 1) % 7, (k + 1) % 7) else 0)
                                         for i in range(7)]
        ang = sp.pi / 7 + 2 * sp.pi * k / 7
        closed[column_of(P, [sp.cos(ang), sp.sin(ang)], 1)] = [
            c1 if i in (k, (k + 1) % 7) else (c3 if i in ((k - 1) % 7, (k + 2) % 7) else 0) for i in range(7)]
    assert sorted(closed) == list(range(14))
    A = np.array([[fl(closed[j][i]) for j in range(14)] for i in range(7)])
    assert_allclose(np.array(P.A.evalf(30).tolist(), dtype=float), A, rtol=0, atol=1e-14)
    fverts, fedges = _float_vertices(A, np.full(7, fl(1 - t)))
    assert [S for S, _ in P.vertices] == sorted(fverts, key=lambda S: (len(S), S))
    assert list(P.edges) == fedges
    assert (P.m_star, P.M_star) == (min(map(len, fverts)), max(map(len, fverts)))


def test_pentagon_alternating_labels():
    # y = (1, −1, 1, −1, 1): no symmetry argument and ν* is not a multiple of 1 (recognised in the data's field
    # Q(√5, sin 144°)).  Oracle: the float solver of (C) for p* and y*, and Σ_j c_j a_j = y* at every vertex.
    X = regular_polygon(5)
    y = [1, -1, 1, -1, 1]
    P = symbolic_polytope(X, y, "1/10")
    from geom import solve_convex

    sol = solve_convex(np.array([[fl(a) for a in r] for r in X]), np.array(y, dtype=float), 0.1)
    assert_allclose(fl(P.p_star), sol.p_star, rtol=1e-8)
    assert_allclose([fl(v) for v in P.y_star], sol.y_star, rtol=0, atol=1e-7)
    assert_allclose(fl(P.p_star), fl(P.nu_star.dot(P.nu_star) / 2 + P.nu_star.dot(P.y_star)), rtol=1e-25)
    for S, c in P.vertices:
        fit = sum((cj * P.A.col(j) for j, cj in zip(S, c)), sp.zeros(5, 1))
        assert all(same(a, b) for a, b in zip(fit, P.y_star))


@pytest.mark.parametrize("N", [3, 4, 5])
def test_polygon_with_bias_is_one_bias_neuron(N):
    # With bias, h(0, 0, 1) = N (Σx_k = 0, all active); any other active set S has
    # h ≤ √(‖Σ_S x_k‖² + |S|²) < N.  So the bias-only neuron is the unique tight direction: t = β/N,
    # y* = (1 − β/N)·1, c = 1 − β/N, p* = β − β²/(2N).
    beta = R(1, 10)
    P = symbolic_polytope(regular_polygon(N), [1] * N, beta, bias=True)
    assert list(P.nu_star) == [beta / N] * N
    assert P.p_star == beta - beta**2 / (2 * N)
    j = column_of(P, [0, 0, 1], 1)
    assert coefficient_maps(P) == [{j: 1 - beta / N}]
    assert (P.n_columns, P.m_star, P.M_star) == (1, 1, 1)


# ------------------------------------------------------------------------------------------------------------
# The float polytope (geom.optimal_polytope) against the exact one


@pytest.mark.parametrize("X, y, beta, bias", [
    pytest.param([[1, 0], ["-1/2", "sqrt(3)/2"]], [1, 1], "1/2", False, id="I2"),
    pytest.param([[1, 0, 0], [0, 1, 0], [0, 0, 1]], [2, 1, -1], "1/2", False, id="I3"),
    pytest.param([[-1], [0], [1]], [0, 1, 0], "1/10", True, id="I7"),
    pytest.param(regular_polygon(3), [1] * 3, "1/2", False, id="triangle"),
    pytest.param(regular_polygon(5), [1] * 5, "1/2", False, id="pentagon"),
    pytest.param(regular_polygon(5), [1, -1, 1, -1, 1], "1/10", False, id="pentagon-alternating"),
    pytest.param(regular_polygon(6), [1] * 6, "1/2", False, id="hexagon"),
])
def test_float_polytope_agrees(X, y, beta, bias):
    from geom import optimal_polytope, solve_convex

    S = symbolic_polytope(X, y, beta, bias=bias)
    Xf = np.array([[fl(sp.sympify(v)) for v in r] for r in X])
    F = optimal_polytope(solve_convex(Xf, np.array([fl(sp.sympify(v)) for v in y]), fl(sp.sympify(beta)),
                                      bias=bias))
    assert F.status == "certified"
    assert_allclose(F.p_star, fl(S.p_star), rtol=1e-10)
    assert_allclose(F.y_star, [fl(v) for v in S.y_star], rtol=0, atol=1e-8)
    # columns matched by signed direction (float distance), then the vertex supports compared as sets
    Sd = np.array([[fl(v) for v in u] for u in S.directions])
    match = []
    for j in range(len(F.signs)):
        k = int(np.argmin(np.abs(Sd - F.directions[j]).max(axis=1)))
        assert np.abs(Sd[k] - F.directions[j]).max() < 1e-7 and S.signs[k] == F.signs[j]
        match.append(k)
    assert sorted(match) == list(range(S.n_columns))
    assert sorted(tuple(sorted(match[i] for i in v.support)) for v in F.vertices) == sorted(T for T, _ in S.vertices)
    assert (F.m_star, F.M_star, F.support_counts, len(F.edges)) == (S.m_star, S.M_star, S.support_counts,
                                                                   len(S.edges))


# ------------------------------------------------------------------------------------------------------------
# Inputs, nu_guess, limits, JSON


def test_exact_input_types_agree():
    ref = symbolic_polytope([[-1], [1]], [1, 2], "1/2")
    for X, y, beta in (
        ([[Fraction(-1)], [1]], [Fraction(1), 2], Fraction(1, 2)),
        (sp.Matrix([[-1], [1]]), sp.Matrix([1, 2]), R(1, 2)),
        (np.array([[-1], [1]]), np.array([1, 2]), "0.5"),
    ):
        P = symbolic_polytope(X, y, beta)
        assert (P.p_star, list(P.y_star), P.vertices) == (ref.p_star, list(ref.y_star), ref.vertices)


def test_nu_guess_is_verified():
    X, y = [[1, 0], ["-1/2", "sqrt(3)/2"]], [1, 1]
    P = symbolic_polytope(X, y, "1/2", nu_guess=["1/2", "1/2"])
    assert P.p_star == R(3, 4) and len(P.vertices) == 2
    # (1,1) is not dual feasible: pattern 11 gives ‖Xᵀ1‖ = ‖(½, √3/2)‖ = 1 > β
    with pytest.raises(CertificationError, match="not dual feasible"):
        symbolic_polytope(X, y, "1/2", nu_guess=[1, 1])
    # (1/4, 1/4) is dual feasible but nothing is tight: Q is empty, so it is not the optimum
    with pytest.raises(CertificationError, match="empty"):
        symbolic_polytope(X, y, "1/2", nu_guess=["1/4", "1/4"])


def test_max_columns():
    with pytest.raises(ProblemTooLargeError, match="max_columns"):
        symbolic_polytope([[1, 0], ["-1/2", "sqrt(3)/2"]], [1, 1], "1/2", max_columns=2)


def test_to_dict_is_json():
    P = symbolic_polytope([[1, 0], ["-1/2", "sqrt(3)/2"]], [1, 1], "1/2")
    d = json.loads(json.dumps(P.to_dict()))
    assert d["p_star"] == "3/4" and d["p_star_float"] == 0.75
    assert d["m_star"] == 1 and d["M_star"] == 2 and d["support_counts"] == {"1": 1, "2": 1}
    assert [v["support"] for v in d["vertices"]] == [[2], [0, 1]]
    assert_allclose(d["directions_float"][0], [-0.5, math.sqrt(3) / 2], rtol=1e-15)
    assert sp.sympify(d["directions"][0][1]) == sp.sqrt(3) / 2


_X, _Y = [[-1], [1]], [1, 2]


@pytest.mark.parametrize("kwargs, exc, name", [
    (dict(beta=0), InvalidInputError, "beta"),
    (dict(beta=-1), InvalidInputError, "beta"),
    (dict(beta="-sqrt(2)"), InvalidInputError, "beta"),
    (dict(beta="nan"), InvalidInputError, "beta"),
    (dict(beta="oo"), InvalidInputError, "beta"),
    (dict(beta="1/0"), InvalidInputError, "beta"),
    (dict(beta="x"), InvalidInputError, "beta"),
    (dict(beta="pi"), InvalidInputError, "beta"),
    (dict(beta="I"), InvalidInputError, "beta"),
    (dict(beta="sqrt(-2)"), InvalidInputError, "beta"),
    (dict(beta="1/"), InvalidInputError, "beta"),
    (dict(beta=0.5), InvalidInputTypeError, "beta"),
    (dict(beta=True), InvalidInputTypeError, "beta"),
    (dict(beta=[1]), InvalidInputTypeError, "beta"),
    (dict(X=[[-1], [1, 2]]), InvalidInputError, "X"),
    (dict(X=[]), InvalidInputError, "X"),
    (dict(X=[[], []]), InvalidInputError, "X"),
    (dict(X=[1, 2]), InvalidInputError, "X"),
    (dict(X=[["nan"], [1]]), InvalidInputError, "X"),
    (dict(X=[[-1.0], [1.0]]), InvalidInputTypeError, "X"),
    (dict(X=np.array([[-1.0], [1.0]])), InvalidInputTypeError, "X"),
    (dict(X="12"), InvalidInputTypeError, "X"),
    (dict(y=[1, 2, 3]), InvalidInputError, "y"),
    (dict(y=[[1], [2]]), InvalidInputError, "y"),
    (dict(y=[1, "zoo"]), InvalidInputError, "y"),
    (dict(bias="yes"), InvalidInputTypeError, "bias"),
    (dict(max_columns=0), InvalidInputError, "max_columns"),
    (dict(max_columns=2.5), InvalidInputTypeError, "max_columns"),
    (dict(nu_guess=[1]), InvalidInputError, "nu_guess"),
    (dict(nu_guess=[1, "NaN"]), InvalidInputError, "nu_guess"),
])
def test_bad_input(kwargs, exc, name):
    args = dict(X=_X, y=_Y, beta="1/2")
    args.update(kwargs)
    X, y, beta = args.pop("X"), args.pop("y"), args.pop("beta")
    with pytest.raises(exc, match=f"'{name}' parameter of symbolic_polytope"):
        symbolic_polytope(X, y, beta, **args)
