"""Tests of the independent polytope / lifted-graph oracle (tests/_polytope_oracle.py) on hand-checked instances.

Expected values come from docs/theory.md §E.3 / §I worked by hand (written next to each test), not from the oracle.
The random family checks the oracle against a second enumeration written here with sympy (bases of the column
space, normal equations), and the oracle's routes against each other.
"""

from __future__ import annotations

import itertools
from fractions import Fraction as F

import numpy as np
import pytest
import sympy

from tests._polytope_oracle import (edges_combinatorial, edges_rank, lifted_graph, oracle_edges, oracle_lifted,
                                    oracle_lifted_literal, oracle_vertices, rank)

HALF = F(1, 2)

# SPEC §I, I2 (120° instance): a1 = (1,0), a2 = (0,1), a3 = (½,½), y* = (½,½).
I2 = ([[1, 0, HALF], [0, 1, HALF]], [HALF, HALF])
# SPEC §I, I1: x = (−1, 1), no bias, y* = (0.5, 1.5); direction +1 fits (0,1), direction −1 fits (1,0).
I1 = ([[0, 1], [1, 0]], [0.5, 1.5])
# SPEC §I, I7: x = (−1, 0, 1) with bias; bias-only column (1,1,1), and −(x)_+ = −(0,0,1), −(−x)_+ = −(1,0,0).
I7 = ([[1, -1, 0], [1, 0, 0], [1, 0, -1]], [F(1, 10), F(7, 10), F(1, 10)])
# a segment whose two vertices {0,1}, {0,2} share column 0: a0 = (1,0), a1 = (0,1), a2 = (1,1), b = (2,1);
# Q = {(2−s, 1−s, s) : s ∈ [0,1]}.
SEG = ([[1, 0, 1], [0, 1, 1]], [2, 1])
# the square c0 + c1 = 1, c2 + c3 = 1: vertices {0,2}, {0,3}, {1,2}, {1,3}; diagonals are not edges.
SQUARE = ([[1, 1, 0, 0], [0, 0, 1, 1]], [1, 1])
# a segment between vertices with disjoint supports {0,1}, {2,3}: a0 + a1 = a2 + a3 = b = (1,1,1), rank 3.
DISJ = ([[1, 0, 1, 0], [0, 1, 1, 0], [0, 1, 0, 1]], [1, 1, 1])


def supports(V):
    return [s for s, _ in V]


def both_routes(inst, m):
    A, b = inst
    r1 = oracle_lifted(A, b, m)
    r2 = oracle_lifted_literal(A, b, m)
    r3 = oracle_lifted(A, b, m, exhaustive_pairs=True)
    assert r1 == r2 == r3, (m, r1, r2, r3)
    return r1


# ----------------------------------------------------------------------------------------------------------
# hand-checked instances


def test_i2_vertices_edges_and_staircase():
    A, b = I2
    V = oracle_vertices(A, b)
    # c3 = 1 alone; c1 = c2 = ½; the subset {1,3} solves with c1 = 0 (not a vertex support), {2,3} likewise
    assert V == [((2,), (0, 0, 1)), ((0, 1), (HALF, HALF, 0))]
    assert oracle_edges(A, V) == {frozenset({0, 1})}
    # SPEC §I I2: Θ*₁ one point; Θ*₂ 3 components, 2 isolated; Θ*₃, Θ*₄ connected
    assert [both_routes(I2, m) for m in (1, 2, 3, 4)] == [(1, 1), (3, 2), (1, 0), (1, 0)]


def test_i2_vertices_of_the_lifted_polytope_may_stack_columns_in_one_slot():
    # Ŵ_2 = {w ∈ R^{2×3} ≥ 0 : Σ w_jk a_k = b}: vertex {3} in either slot (2), vertex {1,2} as any map
    # {1,2} → {slot 0, slot 1} (4: two injective, two stacking both columns in one slot).  6 vertices, 4 nodes.
    A, b = I2
    tiled = [row * 2 for row in A]
    W = oracle_vertices(tiled, b)
    assert len(W) == 6
    slot_ok = [s for s, _ in W if len({t // 3 for t in s}) == len(s)]
    assert len(slot_ok) == 4
    # the same column in two slots is never a vertex (two equal columns are dependent)
    assert all(len({t % 3 for t in s}) == len(s) for s, _ in W)


def test_i1_float_input_two_isolated_then_connected():
    A, b = I1
    V = oracle_vertices(A, b)
    assert V == [((0, 1), (F(3, 2), F(1, 2)))]
    assert [both_routes(I1, m) for m in (1, 2, 3)] == [(0, 0), (2, 2), (1, 0)]
    # at m = 3 the 3·2 = 6 placements form a hexagon: each node moves either column to the one free slot
    nodes, edges, _ = lifted_graph(A, b, 3)
    assert len(nodes) == 6
    assert len(edges) == 6
    assert sorted(sum(1 for e in edges if i in e) for i in range(6)) == [2] * 6


def test_i7_unique_vertex_of_support_three():
    A, b = I7
    V = oracle_vertices(A, b)
    assert V == [((0, 1, 2), (F(7, 10), F(3, 5), F(3, 5)))]
    # SPEC §I I7: m* = M* = 3, Θ*₃ = 3! = 6 isolated points, Θ*₄ connected
    assert [both_routes(I7, m) for m in (2, 3, 4)] == [(0, 0), (6, 6), (1, 0)]


def test_floats_are_read_exactly():
    # b = (0.1, 0.7, 0.1) as floats: the vertex solves A c = b for the binary rationals, not for 1/10, 7/10
    A, _ = I7
    b = [0.1, 0.7, 0.1]
    (S, c), = oracle_vertices(A, b)
    assert S == (0, 1, 2)
    assert c[0] == F(0.7)
    assert c[1] == F(0.7) - F(0.1)
    assert c[1] != F(3, 5)


def test_segment_sharing_a_column():
    A, b = SEG
    V = oracle_vertices(A, b)
    assert V == [((0, 1), (2, 1, 0)), ((0, 2), (1, 0, 1))]
    assert oracle_edges(A, V) == {frozenset({0, 1})}
    # m = 2: both vertices fill both slots → 2!·2 = 4 isolated; the edge needs 3 slots.
    # m = 3: placements of each vertex connected by moves to the free slot; the edge realized with column 0 in
    # the same slot → one component.  m = 4 likewise.
    assert [both_routes(SEG, m) for m in (1, 2, 3, 4)] == [(0, 0), (4, 4), (1, 0), (1, 0)]


def test_square_diagonals_are_not_edges():
    A, b = SQUARE
    V = oracle_vertices(A, b)
    assert supports(V) == [(0, 2), (0, 3), (1, 2), (1, 3)]
    sides = {frozenset({0, 1}), frozenset({0, 2}), frozenset({1, 3}), frozenset({2, 3})}
    assert edges_rank(A, V) == sides
    assert edges_combinatorial(V) == sides
    # m = 2: 2!·4 = 8 isolated; m = 3: sides have union support 3 → the 4-cycle, connected
    assert [both_routes(SQUARE, m) for m in (2, 3)] == [(8, 8), (1, 0)]


def test_disjoint_segment_two_components_without_isolated_points():
    # SPEC §E.3: "instances with several components and no isolated point at m = M*+1".  m* = M* = 2;
    # m = 3: the edge needs 4 distinct columns in 3 slots → two components, each a connected set of placements;
    # m = 4 = min(M* + m*, n + 1): connected.
    A, b = DISJ
    V = oracle_vertices(A, b)
    assert V == [((0, 1), (1, 1, 0, 0)), ((2, 3), (0, 0, 1, 1))]
    assert oracle_edges(A, V) == {frozenset({0, 1})}
    assert [both_routes(DISJ, m) for m in (2, 3, 4)] == [(4, 4), (2, 0), (1, 0)]


def test_zero_target_is_the_single_point_zero():
    V = oracle_vertices([[1, 2], [3, 4]], [0, 0])
    assert V == [((), (0, 0))]
    assert [oracle_lifted([[1, 2], [3, 4]], [0, 0], m) for m in (0, 1, 3)] == [(1, 1)] * 3


def test_combinatorial_test_needs_the_complete_vertex_list():
    # the two diagonal vertices of the square alone: the combinatorial test sees only them and calls them
    # adjacent, the rank test does not; method="both" must refuse.
    A, b = SQUARE
    V = oracle_vertices(A, b)
    diag = [V[0], V[3]]
    assert edges_rank(A, diag) == set()
    assert edges_combinatorial(diag) == {frozenset({0, 1})}
    with pytest.raises(AssertionError, match="disagree"):
        oracle_edges(A, diag)


def test_rank_counts_repeated_columns_once():
    assert rank([(1, 2, 3), (1, 2, 3), (2, 4, 6)]) == 1
    assert rank([(F(1, 3), 1), (1, 3), (0, 1)]) == 2


# ----------------------------------------------------------------------------------------------------------
# guards


@pytest.mark.parametrize(("call", "match"), [
    (lambda: oracle_vertices(np.eye(20), np.ones(20), max_subsets=1000), "max_subsets"),
    (lambda: oracle_lifted(*I2, 7), "width"),
    (lambda: oracle_lifted(*I2, -1), "width"),
    (lambda: oracle_lifted(*I2, 2.0), "width"),
    (lambda: oracle_lifted(*I7, 6, max_nodes=100), "max_nodes"),
    (lambda: oracle_vertices([[1, 0]], [1, 1]), "rows"),
    (lambda: oracle_vertices([1, 0], [1]), "2-D"),
    (lambda: oracle_vertices([[float("nan")]], [1]), "finite"),
    (lambda: oracle_edges(*SQUARE, method="lp"), "method"),
])
def test_guards(call, match):
    with pytest.raises(ValueError, match=match):
        call()


# ----------------------------------------------------------------------------------------------------------
# a random family: sympy basis enumeration, both edge tests, the three lifted routes


def _sympy_basic_feasible_supports(A, b):
    """Supports and values of the basic feasible solutions: r-subsets (r = rank A) of independent columns,
    solved by the normal equations (exact for a full-column-rank, consistent system)."""
    M = sympy.Matrix(A.tolist())
    bb = sympy.Matrix(b.tolist())
    r = M.rank()
    n, K = M.shape
    out = {}
    for B in itertools.combinations(range(K), r):
        if r == 0:
            out[()] = (0,) * K
            continue
        MB = M.extract(list(range(n)), list(B))
        if MB.rank() != r:
            continue
        x = (MB.T * MB).LUsolve(MB.T * bb)
        assert MB * x == bb  # b = A c0 lies in the column space
        if all(v >= 0 for v in x):
            c = [sympy.Integer(0)] * K
            for k, v in zip(B, x, strict=True):
                c[k] = v
            S = tuple(k for k in range(K) if c[k] != 0)
            val = tuple(F(int(sympy.fraction(v)[0]), int(sympy.fraction(v)[1])) for v in c)
            assert out.setdefault(S, val) == val
    return out


def _random_family(count, seed):
    """Columns shaped like the fits of SPEC §D.3 (a sign times a nonnegative integer vector), b = A c0 with a
    random nonnegative integer c0 with some zeros (degenerate instances are common)."""
    rng = np.random.default_rng(seed)
    for _ in range(count):
        n = int(rng.integers(2, 5))
        K = int(rng.integers(3, 7))
        A = rng.integers(0, 3, size=(n, K)) * rng.choice([-1, 1], size=K)
        c0 = rng.integers(0, 3, size=K) * (rng.random(K) < 0.7)
        if not c0.any():
            c0[0] = 1
        yield A, A @ c0


def test_random_vertices_match_basis_enumeration_and_edge_tests_agree():
    checked = n_edges = n_non_edges = 0
    for A, b in _random_family(60, seed=1):
        V = oracle_vertices(A, b)
        K = A.shape[1]
        for S, c in V:
            assert len(c) == K
            assert all(x >= 0 for x in c)
            assert tuple(k for k in range(K) if c[k] != 0) == S
            assert all(sum(F(int(A[i, k])) * c[k] for k in range(K)) == int(b[i]) for i in range(A.shape[0]))
            if S:
                assert sympy.Matrix(A[:, list(S)].tolist()).rank() == len(S)
        assert dict(V) == _sympy_basic_feasible_supports(A, b)
        E = edges_rank(A, V)
        assert E == edges_combinatorial(V)
        checked += 1
        n_edges += len(E)
        n_non_edges += len(V) * (len(V) - 1) // 2 - len(E)
    assert checked == 60
    assert n_edges >= 40  # the family is not trivial: both answers of the edge tests occur often
    assert n_non_edges >= 15


def test_random_lifted_routes_agree():
    checked = 0
    mixed = 0  # outcomes with both isolated points and a non-singleton component
    for A, b in _random_family(25, seed=7):
        V = oracle_vertices(A, b)
        mstar = min(len(s) for s, _ in V)
        for m in range(max(mstar, 1), min(mstar + 2, 4) + 1):
            if A.shape[1] * m > 15:
                continue  # keep the literal route (subsets of m·K columns) small
            r1 = oracle_lifted(A, b, m)
            assert r1 == oracle_lifted(A, b, m, exhaustive_pairs=True)
            assert r1 == oracle_lifted_literal(A, b, m)
            checked += 1
            mixed += r1[0] > r1[1] > 0
    assert checked >= 20
    assert mixed >= 2
