"""Vertices and edges of ``Q = {c ≥ 0 : A c = b}`` (docs/theory.md §D.4, §E.3), exactly, and optimal pruning.

* **Exact enumeration (pycddlib, GMP rationals).**  ``Q`` is parametrized by the null space of ``A``:
  ``c = c₀ + N z`` with ``c₀`` a vertex (exact zeros) and ``N`` an orthonormal basis of ``null A`` (``r`` from
  the numerical rank), each column scaled by a power of two and rounded to an integer of about ``_BITS`` bits
  (the rounding is a perturbation of relative size ``2^-_BITS``, far below ``tol.vertex``).  The rational
  polytope ``{z : c₀ + N z ≥ 0}`` (dimension ``K − r``, ``K`` inequalities) contains ``z = 0``, so it is never
  empty; cddlib's double description returns its vertices (exact fractions) and their adjacency, and
  ``c = c₀ + N z`` maps them back.
* **Merging split vertices.**  The rational polytope is an ``O(u)`` perturbation of the true one: a degenerate
  vertex (support below the rank) may split into several nearby vertices joined by tiny edges.  Coefficients
  below ``tol.vertex`` of the vertex's largest are zero; vertices with the same remaining support are one
  vertex (a vertex is determined by its support); their edges are merged and self-loops dropped.  A
  coefficient in the grey zone ``(tol.vertex, separation · tol.vertex]`` makes the result ambiguous.
* **Checks.**  Every merged vertex is re-solved on its support in float64 (``A_S c_S = b``): its columns must be
  independent (condition number below ``1/tol.rank``), its coefficients positive, its residual small.
* **Brute force** (:func:`brute_force_vertices`): every column subset of size ``≤ rank`` with independent
  columns and a positive solution; the cross-check on small instances.
* **Optimal pruning** (:func:`prune_to_vertex`): from any point of ``Q``, move along a null vector of the
  support's columns until a coordinate vanishes; ``≤ |supp|`` steps, objective unchanged (docs/theory.md §D.4).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from ..exceptions import ProblemTooLargeError
from ..tolerances import Tolerances

__all__ = ["Vertex", "VertexSet", "numerical_rank", "exact_vertices", "brute_force_vertices", "prune_to_vertex",
           "rank_adjacent"]

#: Bits kept per entry of the integer matrix handed to cddlib (entries up to ``2^_BITS`` per row; the rounding
#: is a relative perturbation of ``2^-_BITS ≈ 1e-12``, below ``Tolerances.vertex``).
_BITS = 40


@dataclass(frozen=True)
class Vertex:
    """A vertex of ``Q``: its support (column indices, increasing) and its coefficient vector (length ``K``)."""

    support: tuple
    coefficients: np.ndarray

    def to_dict(self) -> dict:
        return {"support": list(self.support), "coefficients": [float(self.coefficients[k]) for k in self.support]}


@dataclass(frozen=True)
class VertexSet:
    """Vertices, edges and the quality figures of their computation."""

    vertices: tuple
    edges: tuple
    margin: float
    ambiguous: str
    raw_vertices: int
    method: str


def numerical_rank(A, tol: Tolerances) -> tuple[int, float]:
    """``(r, ratio)``: singular values above ``tol.rank · s_max`` and the gap ``s_r / s_{r+1}`` (inf if none)."""
    if A.size == 0:
        return 0, math.inf
    s = np.linalg.svd(A, compute_uv=False)
    if not s[0] > 0:
        return 0, math.inf
    r = int(np.sum(s > tol.rank * s[0]))
    ratio = s[r - 1] / s[r] if r < len(s) and s[r] > 0 else math.inf
    return r, float(ratio)


def _solve_support(A, b, S):
    """Least-squares ``c_S`` on the columns ``S`` and the relative residual."""
    AS = A[:, S]
    cS = np.linalg.lstsq(AS, b, rcond=None)[0]
    res = float(np.linalg.norm(AS @ cS - b)) / max(1.0, float(np.linalg.norm(b)))
    return cS, res


def _cond(A, S) -> float:
    """Condition number of the support columns ``A[:, S]`` (``1`` for the empty support: the zero vertex)."""
    if len(S) == 0:
        return 1.0
    s = np.linalg.svd(A[:, list(S)], compute_uv=False)
    return float(s[0] / s[-1]) if s[-1] > 0 else math.inf


def rank_adjacent(A, S, T, tol: Tolerances) -> bool:
    """Adjacency of two distinct vertices by the rank test ``rank A_{S∪T} = |S∪T| − 1`` (docs/theory.md §E.3)."""
    U = sorted(set(S) | set(T))
    r, _ = numerical_rank(A[:, U], tol)
    return r == len(U) - 1


def _integer_rows(R) -> list[list[int]]:
    rows = []
    for row in R:
        top = float(np.max(np.abs(row), initial=0.0))
        e = _BITS - math.frexp(top)[1] if top > 0 else 0
        rows.append([int(v) for v in np.rint(np.ldexp(row, e))])
    return rows


def exact_vertices(A, c0, tol: Tolerances, *, rank: int, max_vertices: int = 10**5) -> VertexSet:
    """Vertices and edges of ``Q = {c ≥ 0 : A c = A c₀}`` by cddlib in GMP rationals (module docstring).

    ``Q`` is parametrized in the null space of ``A``: ``c = c₀ + N z`` with ``N`` (``K × (K − r)``) an
    orthonormal null basis whose columns are scaled by powers of two and rounded to ``_BITS``-bit integers, so
    the double description runs in dimension ``dim = K − r`` on ``K`` inequalities ``c₀ + N z ≥ 0`` (``c₀`` a
    vertex, exact zeros kept).  ``dim = 0``: ``Q = {c₀}``, no cdd call.
    """
    K = A.shape[1]
    dim = K - rank
    b = A @ np.asarray(c0, float)
    if dim <= 0:
        raw = np.asarray(c0, float)[None, :]
        return _merge(A, b, raw, [set()], tol, "unique point")
    import cdd
    import cdd.gmp

    N = np.linalg.svd(A)[2][rank:].T  # K × dim, orthonormal basis of null(A)
    Nint = [list(col) for col in zip(*_integer_rows(N.T))]  # column-wise power-of-two scaling, K rows
    c0q = [Fraction(float(v)) if v > 0 else Fraction(0) for v in c0]
    rows = [[c0q[k]] + [Fraction(a) for a in Nint[k]] for k in range(K)]
    mat = cdd.gmp.matrix_from_array(rows, rep_type=cdd.RepType.INEQUALITY)
    poly = cdd.gmp.polyhedron_from_matrix(mat)
    gens = cdd.gmp.copy_generators(poly)
    arr = gens.array
    if any(g[0] == 0 for g in arr) or gens.lin_set:
        return VertexSet((), (), math.nan, "the null-space polytope is unbounded (a ray): A is not a tight-column "
                         "matrix of an optimum", len(arr), "cdd-gmp")
    if len(arr) > max_vertices:
        raise ProblemTooLargeError(f"optimal_polytope: the polytope has {len(arr)} vertices, more than "
                                   f"max_vertices={max_vertices}")
    adj = cdd.gmp.copy_adjacency(poly)
    # back to c = c₀ + N z in float64: the merge decides with thresholds far above the rounding (1e-9 vs 1e-16)
    Z = np.array([[float(v) for v in g[1:]] for g in arr]) if arr else np.zeros((0, dim))
    raw = np.asarray(c0, float)[None, :] * (np.asarray(c0, float) > 0) + Z @ np.array(Nint, dtype=float).T
    return _merge(A, b, raw, adj, tol, "cdd-gmp (null space)")


def _rank_edge(A, S, T, tol: Tolerances):
    """``(adjacent, ambiguous)`` by the numerical rank test on ``A_{S∪T}`` with its gap checked."""
    U = sorted(set(S) | set(T))
    s = np.linalg.svd(A[:, U], compute_uv=False)
    if not (s.size and s[0] > 0):
        return False, False
    r = int(np.sum(s > tol.rank * s[0]))
    gap = s[r - 1] / s[r] if r < len(s) and s[r] > 0 else math.inf
    return r == len(U) - 1, not (gap >= tol.separation)


def _merge(A, b, raw, adj, tol: Tolerances, method: str) -> VertexSet:
    """Vertices and edges of the exact polytope from those of its rational perturbation (module docstring).

    * Coefficients below ``tol.vertex`` of a raw vertex's largest are zero; raw vertices with the same remaining
      support are one vertex (split copies of a degenerate vertex).
    * A support whose columns are numerically dependent (condition number above ``1/tol.rank``) is not a vertex
      of the exact polytope: the perturbation of ``A`` made an exactly dependent column set independent, and
      the "vertex" sits inside a face of higher dimension.  Such raw vertices are dropped.
    * Edges: two vertices are joined when the perturbed graph joins their copies directly or through dropped
      raw vertices; each such candidate is decided by the rank test ``rank A_{S∪T} = |S∪T| − 1`` (every true
      edge is found this way: the face ``F_{S∪T}`` of the perturbed polytope is connected and all its raw
      vertices are copies of the two ends or dropped ones).
    """
    margin = math.inf
    ambiguous = ""
    supports = []
    for c in raw:
        top = float(np.max(c, initial=0.0))
        rel = c / top if top > 0 else c
        supports.append(tuple(int(k) for k in np.flatnonzero(rel > tol.vertex)))
        grey = rel[(rel > tol.vertex) & (rel <= tol.separation * tol.vertex)]
        if grey.size and not ambiguous:
            ambiguous = (f"ambiguous vertex: a coefficient is {float(grey.min()):.3g} of the vertex's largest, "
                         f"neither clearly zero (≤ {tol.vertex:g}) nor clearly positive")
        small = rel[(rel > 0) & (rel <= tol.vertex)]
        kept = rel[rel > tol.vertex]
        if kept.size:
            margin = min(margin, float(kept.min()) / max(float(small.max()) if small.size else 0.0, 1e-300))
    index, vertices = {}, []
    for S in dict.fromkeys(supports):
        cond = _cond(A, S)
        if not (cond <= 1.0 / tol.rank):
            continue  # dependent support: not a vertex of the exact polytope
        if not ambiguous and not (cond <= 1.0 / (tol.rank * tol.separation)):
            ambiguous = f"vertex support {list(S)} is ill-conditioned (condition number {cond:.3g})"
        cS, res = _solve_support(A, b, list(S))
        if not ambiguous and not (np.all(cS > 0) and res <= tol.separation * tol.vertex):
            ambiguous = f"vertex support {list(S)} does not re-solve to a positive exact fit (residual {res:.3g})"
        c = np.zeros(A.shape[1])
        c[list(S)] = cS
        index[S] = len(vertices)
        vertices.append(Vertex(support=S, coefficients=c))
    owner = [index.get(S) for S in supports]
    candidates = set()
    for i in range(len(raw)):
        if owner[i] is None:
            continue
        # search through copies of the same vertex and dropped raw vertices
        seen, stack = {i}, [i]
        while stack:
            a = stack.pop()
            for j in adj[a]:
                if j in seen:
                    continue
                seen.add(j)
                o = owner[j]
                if o is None or o == owner[i]:
                    stack.append(j)
                else:
                    candidates.add((min(o, owner[i]), max(o, owner[i])))
    edges = []
    for a, c in sorted(candidates):
        ok, unsure = _rank_edge(A, vertices[a].support, vertices[c].support, tol)
        if unsure and not ambiguous:
            ambiguous = f"ambiguous adjacency of vertices {a} and {c} (rank gap below {tol.separation:g})"
        if ok:
            edges.append((a, c))
    return VertexSet(tuple(vertices), tuple(edges), margin, ambiguous, len(raw), method)


def brute_force_vertices(A, b, tol: Tolerances, *, rank: int | None = None, max_subsets: int = 2 * 10**5):
    """Vertices of ``Q = {c ≥ 0 : A c = b}`` by trying every column subset (docs/theory.md §D.4, algorithm 1).

    A subset ``S`` (``|S| ≤ rank A``) is a vertex when ``A_S`` has independent columns (condition below
    ``1/tol.rank``) and ``A_S c_S = b`` has a solution with every ``c_S`` above ``tol.vertex`` of its largest.
    Edges by :func:`rank_adjacent`.  Returns a :class:`VertexSet`.

    >>> import numpy as np
    >>> A = np.array([[1.0, 0.0, 0.5], [0.0, 1.0, 0.5]])     # docs/theory.md §I, I2
    >>> vs = brute_force_vertices(A, np.array([0.5, 0.5]), Tolerances())
    >>> [v.support for v in vs.vertices], vs.edges
    ([(2,), (0, 1)], ((0, 1),))
    """
    A, b = np.asarray(A, float), np.asarray(b, float)
    K = A.shape[1]
    r = numerical_rank(A, tol)[0] if rank is None else rank
    total = sum(math.comb(K, s) for s in range(1, r + 1))
    if total > max_subsets:
        raise ProblemTooLargeError(f"brute_force_vertices: {total} column subsets exceed max_subsets={max_subsets}")
    vertices = []
    for s in range(1, r + 1):
        for S in itertools.combinations(range(K), s):
            if not (_cond(A, S) <= 1.0 / tol.rank):
                continue
            cS, res = _solve_support(A, b, list(S))
            top = float(np.max(cS))
            if top > 0 and np.all(cS > tol.vertex * top) and res <= tol.separation * tol.vertex:
                c = np.zeros(K)
                c[list(S)] = cS
                vertices.append(Vertex(support=S, coefficients=c))
    edges = tuple((i, j) for i in range(len(vertices)) for j in range(i + 1, len(vertices))
                  if rank_adjacent(A, vertices[i].support, vertices[j].support, tol))
    return VertexSet(tuple(vertices), edges, math.nan, "", len(vertices), "brute-force")


def prune_to_vertex(A, c, tol: Tolerances):
    """Optimal pruning (docs/theory.md §D.4): ``(vertex coefficients, waypoints)`` from ``c ∈ Q``.

    While the support's columns are dependent, take a null vector ``ξ`` of ``A_S`` (with a negative entry),
    move to ``c + tξ`` with the largest ``t`` keeping ``c ≥ 0``, and set the coordinate that hits zero to an exact
    zero (with every coordinate below ``tol.vertex`` of the largest: several can vanish together).  ``A c`` is
    unchanged along each step; ``waypoints`` lists every point visited (``c`` first).

    >>> import numpy as np
    >>> A = np.array([[1.0, 0.0, 0.5], [0.0, 1.0, 0.5]])
    >>> v, path = prune_to_vertex(A, np.array([0.25, 0.25, 0.5]), Tolerances())
    >>> v.round(12).tolist(), len(path)
    ([0.0, 0.0, 1.0], 2)
    """
    c = np.array(c, dtype=float)
    c[c < 0] = 0.0
    path = [c.copy()]
    for _ in range(A.shape[1] + 1):
        S = np.flatnonzero(c > 0)
        if not len(S):
            break
        # full V only (the null vector is its last row); full U only when n < |S| (else n × n memory)
        u, s, vt = np.linalg.svd(A[:, S], full_matrices=A.shape[0] < len(S))
        r = int(np.sum(s > tol.rank * s[0])) if s.size and s[0] > 0 else 0
        if r == len(S):
            break
        xi = vt[-1]
        if not np.any(xi < 0):
            xi = -xi
        neg = xi < 0
        t = np.min(c[S][neg] / -xi[neg])
        hit = S[neg][np.argmin(c[S][neg] / -xi[neg])]
        c[S] = np.maximum(c[S] + t * xi, 0.0)
        c[hit] = 0.0
        c[c <= tol.vertex * float(c.max(initial=0.0))] = 0.0  # coordinates that reached zero together
        path.append(c.copy())
    return c, path
