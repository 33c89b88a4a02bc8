"""An independent brute-force oracle for the optimal polytope Q and the lifted graph of Θ*_m (test-only).

It shares no code with :mod:`geom`: nothing here imports the package.  Every number is an exact rational
(``Fraction(float)`` for floats, ``Fraction(int)`` for integers); every rank and every linear solve is exact
Gaussian elimination over :class:`fractions.Fraction`.

Objects (docs/theory.md §D.3–§D.4, §E.3)
---------------------------------
* ``Q = {c ∈ R^K : c ≥ 0, A c = b}`` with ``A`` of shape ``n × K``.  The columns are used as given: the
  deduplication of SPEC §D.3 is the caller's business (a repeated column makes Q a different polytope).
* **Vertex of Q**: a point whose support columns are linearly independent (standard-form polytope; SPEC §D.4).
  A vertex is determined by its support ``S``: ``c_S`` is the unique solution of ``A_S c_S = b``.
  :func:`oracle_vertices` tries every column subset ``S`` with ``|S| ≤ rank A``, keeps those with ``A_S`` of
  full column rank, ``A_S c_S = b`` consistent and ``c_S > 0`` strictly.
* **Faces of Q**: for a standard-form polytope every face is ``F_U = {c ∈ Q : supp c ⊆ U}``; the smallest face
  holding a point ``c`` is ``F_{supp c}``, and if ``F_U`` holds a point of support exactly ``U`` then
  ``dim F_U = |U| − rank A_U``.  The vertices of ``F_U`` are exactly the vertices of Q with support ⊆ U.
* **Edge of Q** between vertices with supports ``S ≠ T``: the smallest face holding both is ``F_{S∪T}`` (it
  holds their midpoint, of support ``S∪T``), so they are adjacent iff that face is 1-dimensional.  Two
  equivalent tests follow, both implemented:

  - *rank test* (SPEC §E.3): ``rank A_{S∪T} = |S∪T| − 1``;
  - *combinatorial test* (no rank, no LP): ``v`` and ``w`` are the **only** vertices of Q with support
    ⊆ ``S∪T``.  Proof: the vertices of ``F_{S∪T}`` are those vertices; a polytope has exactly two vertices
    iff it is a segment (dimension ≥ 2 forces ≥ 3 affinely independent vertices).  So the claim of the brief
    is a theorem, not a heuristic; the tests also confirm it on a random family.

  The "midpoint" definition (the midpoint is not a convex combination involving other vertices) is the same
  statement: a point of ``relint F_{S∪T}`` is a combination of exactly the vertices of ``F_{S∪T}``.

The lifted polytope and Θ*_m (SPEC §E.3)
----------------------------------------
``Ŵ_m = {w ∈ R^{m×K} : w ≥ 0, Σ_{j,k} w_{jk} a_k = b}`` is again a standard-form polytope, with ``m·K``
coordinates ``(j, k)`` (slot ``j``, column ``k``) and the column ``a_k`` repeated once per slot.  Hence:

* **vertex of Ŵ_m** ⇔ its support columns, *with repetition*, are independent.  Two slots carrying the same
  column ``k`` give two equal columns, so a vertex carries each column in at most one slot; a slot may carry
  several columns.  The vertices are exactly (vertex ``c`` of Q, any map ``supp c → [m]``).
* **edge of Ŵ_m** between vertices with union support ``U`` (a set of ``(slot, column)`` pairs) ⇔
  ``rank [a_k for (j, k) in U] = |U| − 1`` (rank of the multiset of columns), or equivalently exactly two
  vertices of Ŵ_m have support ⊆ ``U``.
* ``W_m = {w ∈ Ŵ_m : every slot has ≤ 1 nonzero}`` is the union of the faces ``F_U`` whose ``U`` has at most one
  column per slot (the *slot rule*); that family is closed under taking faces (sub-supports keep the rule).
  By SPEC §E.3 Lemma 2 its components are those of the **lifted graph**:

  - nodes: vertices of Ŵ_m obeying the slot rule = (vertex ``c`` of Q, *injective* placement of ``supp c`` into
    the ``m`` slots);
  - edges: edges of Ŵ_m whose union support ``U`` obeys the slot rule.

* An isolated point of ``W_m`` is a node of degree 0: a non-vertex point lies in the relative interior of a
  face of positive dimension of the family, and a node with a lifted edge lies on a segment inside ``W_m``;
  a node with no lifted edge lies in no positive-dimensional face of the family (any such face would contain
  a family edge at that node).

Two routes compute ``(components, isolated)`` and the tests compare them:

* :func:`oracle_lifted`: nodes from Q's vertices × injective placements; edges by the rank test on the
  multiset of columns of ``U``; the candidate partners of a node are generated from the slot rule itself
  (a partner may put column ``l`` only in a free slot or in the slot where the node has ``l``), which is the
  rule and nothing more (``exhaustive_pairs=True`` checks every pair instead);
* :func:`oracle_lifted_literal`: the vertices of Ŵ_m enumerated by :func:`oracle_vertices` on the tiled
  ``n × mK`` matrix ``[A A … A]``, filtered by the slot rule, edges by the combinatorial test *inside Ŵ_m*.

Nothing here uses the reduced count of SPEC §E.3 (``m!·N_m + #comp G_m^<``); that is what these brute forces
check.

Examples
--------
SPEC §I, I2: ``a1 = (1,0)``, ``a2 = (0,1)``, ``a3 = (½,½)``, ``b = (½,½)``.

>>> A = [[1, 0, Fraction(1, 2)], [0, 1, Fraction(1, 2)]]
>>> b = [Fraction(1, 2), Fraction(1, 2)]
>>> V = oracle_vertices(A, b)
>>> [(s, tuple(str(x) for x in c)) for s, c in V]
[((2,), ('0', '0', '1')), ((0, 1), ('1/2', '1/2', '0'))]
>>> oracle_edges(A, V)
{frozenset({0, 1})}
>>> [oracle_lifted(A, b, m) for m in (1, 2, 3, 4)]
[(1, 1), (3, 2), (1, 0), (1, 0)]
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import numpy as np

__all__ = ["edges_combinatorial", "edges_rank", "exact_matrix", "exact_vector", "lifted_graph", "oracle_edges",
           "oracle_lifted", "oracle_lifted_literal", "oracle_vertices", "rank", "solve_full_column_rank"]

_ZERO = Fraction(0)

#: Default cap on the number of column subsets :func:`oracle_vertices` may try.
MAX_SUBSETS = 200_000
#: Default cap on the number of lifted-graph nodes.
MAX_NODES = 200_000
#: Largest width the lifted brute force accepts.
MAX_WIDTH = 6


# ----------------------------------------------------------------------------------------------------------
# exact input


def _to_fraction(v) -> Fraction:
    """Read one scalar exactly: ints and Fractions as they are, floats through ``Fraction(float)``."""
    if isinstance(v, Fraction):
        return v
    if isinstance(v, (bool, np.bool_)):
        return Fraction(int(v))
    if isinstance(v, (int, np.integer)):
        return Fraction(int(v))
    try:
        f = float(v)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"The oracle reads ints, Fractions and floats. Got {v!r} instead.") from exc
    if not math.isfinite(f):
        raise ValueError(f"The oracle needs finite numbers. Got {v!r} instead.")
    if f != v:  # pragma: no cover - exotic scalar types that do not round-trip through float
        raise ValueError(f"The oracle cannot read {v!r} exactly.")
    return Fraction(f)


def exact_matrix(A) -> list[list[Fraction]]:
    """The matrix ``A`` (``n × K``, nested sequence or array) as a list of rows of Fractions.

    Examples
    --------
    >>> exact_matrix([[1, 0.5], [0, 2]])
    [[Fraction(1, 1), Fraction(1, 2)], [Fraction(0, 1), Fraction(2, 1)]]
    """
    arr = np.asarray(A, dtype=object)
    if arr.ndim != 2:
        raise ValueError(f"The matrix A must be 2-D (n × K). Got an array of shape {arr.shape} instead.")
    return [[_to_fraction(x) for x in row] for row in arr]


def exact_vector(b) -> list[Fraction]:
    """The vector ``b`` as a list of Fractions.

    Examples
    --------
    >>> exact_vector([0.1]) == [Fraction(3602879701896397, 36028797018963968)]
    True
    """
    arr = np.asarray(b, dtype=object)
    if arr.ndim != 1:
        raise ValueError(f"The vector b must be 1-D. Got an array of shape {arr.shape} instead.")
    return [_to_fraction(x) for x in arr]


def _columns(A) -> list[tuple[Fraction, ...]]:
    rows = exact_matrix(A)
    n = len(rows)
    K = len(rows[0]) if n else 0
    return [tuple(rows[i][k] for i in range(n)) for k in range(K)]


def _read(A, b):
    rows = exact_matrix(A)
    bb = exact_vector(b)
    if len(rows) != len(bb):
        raise ValueError(f"A has {len(rows)} rows but b has {len(bb)} entries; they must match.")
    n = len(rows)
    K = len(rows[0]) if n else 0
    cols = [tuple(rows[i][k] for i in range(n)) for k in range(K)]
    return cols, tuple(bb)


# ----------------------------------------------------------------------------------------------------------
# exact linear algebra


def rank(vectors) -> int:
    """Exact rank of a list of vectors (each a sequence of Fractions/ints), by Gaussian elimination.

    Repeated vectors are kept as given (two equal vectors count once in the rank, twice in the count).

    Examples
    --------
    >>> rank([(1, 0), (0, 1), (1, 1)]), rank([(1, 2), (1, 2)]), rank([])
    (2, 1, 0)
    """
    rows = [[Fraction(x) for x in v] for v in vectors]
    if not rows:
        return 0
    ncol = len(rows[0])
    r = 0
    for col in range(ncol):
        piv = next((i for i in range(r, len(rows)) if rows[i][col] != 0), None)
        if piv is None:
            continue
        rows[r], rows[piv] = rows[piv], rows[r]
        p = rows[r][col]
        for i in range(r + 1, len(rows)):
            f = rows[i][col]
            if f != 0:
                q = f / p
                rows[i] = [x - q * y for x, y in zip(rows[i], rows[r], strict=True)]
        r += 1
        if r == len(rows):
            break
    return r


def solve_full_column_rank(cols, b):
    """Solve ``Σ_s x_s cols[s] = b`` exactly when the columns are independent.

    Returns ``None`` if the columns are dependent or the system is inconsistent, else the tuple ``x``.

    Examples
    --------
    >>> solve_full_column_rank([(1, 0), (1, 1)], (3, 1))
    (Fraction(2, 1), Fraction(1, 1))
    >>> solve_full_column_rank([(1, 0)], (3, 1)) is None       # inconsistent
    True
    >>> solve_full_column_rank([(1, 1), (2, 2)], (1, 1)) is None  # dependent
    True
    """
    s = len(cols)
    n = len(b)
    # augmented n × (s+1) system, rows = equations
    M = [[Fraction(cols[j][i]) for j in range(s)] + [Fraction(b[i])] for i in range(n)]
    r = 0
    pivots = []
    for col in range(s):
        piv = next((i for i in range(r, n) if M[i][col] != 0), None)
        if piv is None:
            return None  # dependent columns
        M[r], M[piv] = M[piv], M[r]
        p = M[r][col]
        M[r] = [x / p for x in M[r]]
        for i in range(n):
            if i != r and M[i][col] != 0:
                f = M[i][col]
                M[i] = [x - f * y for x, y in zip(M[i], M[r], strict=True)]
        pivots.append(r)
        r += 1
    if any(M[i][s] != 0 for i in range(r, n)):
        return None  # inconsistent
    return tuple(M[i][s] for i in range(s))


# ----------------------------------------------------------------------------------------------------------
# vertices and edges of Q


def oracle_vertices(A, b, *, max_subsets: int = MAX_SUBSETS):
    """All vertices of ``Q = {c ≥ 0 : A c = b}`` by brute force over column subsets.

    Parameters
    ----------
    A : (n, K) array-like of int, Fraction or float
        The columns ``a_k``.  Floats are read exactly (``Fraction(float)``).
    b : (n,) array-like
        The right-hand side (``y*``).
    max_subsets : int
        Raise :class:`ValueError` if the number of subsets to try, ``Σ_{s ≤ rank A} C(K, s)``, exceeds it.

    Returns
    -------
    list of (support, c)
        ``support`` is the sorted tuple of column indices, ``c`` the full length-``K`` tuple of Fractions.
        Sorted by (support size, support).  One entry per support (a vertex is determined by its support).

    Examples
    --------
    >>> V = oracle_vertices([[1, 0, 1], [0, 1, 1]], [2, 1])      # a segment: two vertices sharing column 0
    >>> [s for s, _ in V], [tuple(map(int, c)) for _, c in V]
    ([(0, 1), (0, 2)], [(2, 1, 0), (1, 0, 1)])
    >>> oracle_vertices([[1]], [0])                              # b = 0: the vertex 0 with empty support
    [((), (Fraction(0, 1),))]
    """
    cols, bb = _read(A, b)
    K = len(cols)
    r = rank(cols)
    n_subsets = sum(math.comb(K, s) for s in range(min(r, K) + 1))
    if n_subsets > max_subsets:
        raise ValueError(f"oracle_vertices would try {n_subsets} column subsets, more than max_subsets = "
                         f"{max_subsets}.")
    found: dict[tuple[int, ...], tuple[Fraction, ...]] = {}
    for s in range(min(r, K) + 1):
        for S in itertools.combinations(range(K), s):
            x = solve_full_column_rank([cols[k] for k in S], bb)
            if x is None or not all(v > 0 for v in x):
                continue
            c = [_ZERO] * K
            for k, v in zip(S, x, strict=True):
                c[k] = v
            if S in found:  # pragma: no cover - a support determines its vertex
                raise AssertionError(f"support {S} found twice")
            found[S] = tuple(c)
    return sorted(found.items(), key=lambda kv: (len(kv[0]), kv[0]))


def edges_rank(A, vertices) -> set[frozenset]:
    """Edges of Q by the rank test ``rank A_{S∪T} = |S∪T| − 1`` (indices into ``vertices``).

    Examples
    --------
    >>> A = [[1, 1, 0, 0], [0, 0, 1, 1]]                          # Q = a square
    >>> sorted(sorted(e) for e in edges_rank(A, oracle_vertices(A, [1, 1])))
    [[0, 1], [0, 2], [1, 3], [2, 3]]
    """
    cols = _columns(A)
    out = set()
    for i, j in itertools.combinations(range(len(vertices)), 2):
        U = sorted(set(vertices[i][0]) | set(vertices[j][0]))
        if rank([cols[k] for k in U]) == len(U) - 1:
            out.add(frozenset((i, j)))
    return out


def edges_combinatorial(vertices) -> set[frozenset]:
    """Edges of Q by the LP-free combinatorial test: ``v, w`` adjacent iff they are the only vertices with
    support ⊆ ``supp v ∪ supp w``.

    ``vertices`` must be the *complete* vertex list of Q (as :func:`oracle_vertices` returns it).

    Examples
    --------
    >>> A = [[1, 1, 0, 0], [0, 0, 1, 1]]
    >>> sorted(sorted(e) for e in edges_combinatorial(oracle_vertices(A, [1, 1])))
    [[0, 1], [0, 2], [1, 3], [2, 3]]
    """
    supports = [frozenset(s) for s, _ in vertices]
    out = set()
    for i, j in itertools.combinations(range(len(supports)), 2):
        U = supports[i] | supports[j]
        if sum(1 for s in supports if s <= U) == 2:
            out.add(frozenset((i, j)))
    return out


def oracle_edges(A, vertices, *, method: str = "both") -> set[frozenset]:
    """Edges of Q as a set of ``frozenset({i, j})`` (indices into ``vertices``).

    ``method``: ``"rank"``, ``"combinatorial"`` or ``"both"`` (default: compute both and raise
    :class:`AssertionError` if they differ; needs the complete vertex list).

    Examples
    --------
    >>> A = [[1, 0, 1], [0, 1, 1]]
    >>> oracle_edges(A, oracle_vertices(A, [2, 1]))
    {frozenset({0, 1})}
    """
    if method == "rank":
        return edges_rank(A, vertices)
    if method == "combinatorial":
        return edges_combinatorial(vertices)
    if method != "both":
        raise ValueError(f"The 'method' parameter of oracle_edges must be 'rank', 'combinatorial' or 'both'. "
                         f"Got {method!r} instead.")
    er, ec = edges_rank(A, vertices), edges_combinatorial(vertices)
    if er != ec:
        raise AssertionError(f"edge tests disagree: rank only {sorted(map(sorted, er - ec))}, "
                             f"combinatorial only {sorted(map(sorted, ec - er))}")
    return er


# ----------------------------------------------------------------------------------------------------------
# the lifted graph of Θ*_m


def _check_width(m):
    if isinstance(m, bool) or not isinstance(m, (int, np.integer)) or not 0 <= m <= MAX_WIDTH:
        raise ValueError(f"The width m of the lifted brute force must be an integer in [0, {MAX_WIDTH}]. "
                         f"Got {m!r} instead.")
    return int(m)


def _components(n_nodes, edges):
    parent = list(range(n_nodes))

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, j in edges:
        ri, rj = find(i), find(j)
        if ri != rj:
            parent[ri] = rj
    return len({find(i) for i in range(n_nodes)})


def _slot_rule(pairs) -> bool:
    """At most one distinct column per slot among ``(slot, column)`` pairs."""
    seen: dict[int, int] = {}
    for j, k in pairs:
        if seen.setdefault(j, k) != k:
            return False
    return True


def lifted_graph(A, b, m, *, max_nodes: int = MAX_NODES, max_subsets: int = MAX_SUBSETS,
                 exhaustive_pairs: bool = False):
    """The lifted graph of SPEC §E.3 for width ``m``.

    Returns
    -------
    nodes : list of (vertex_index, placement)
        ``placement[i]`` is the slot of the ``i``-th column of the vertex's sorted support (injective).
    edges : set of frozenset({p, q})
        Indices into ``nodes``: edges of Ŵ_m (rank of the multiset of columns of the union support ``U`` is
        ``|U| − 1``) whose ``U`` has at most one column per slot.
    vertices : the vertex list of Q (from :func:`oracle_vertices`).

    ``exhaustive_pairs=True`` tests every pair of nodes instead of generating the partners allowed by the slot
    rule (same answer, quadratic cost; for testing the oracle).

    Examples
    --------
    >>> nodes, edges, _ = lifted_graph([[0, 1], [1, 0]], [0.5, 1.5], 3)   # SPEC §I, I1
    >>> len(nodes), len(edges)
    (6, 6)
    """
    m = _check_width(m)
    cols, bb = _read(A, b)
    vertices = oracle_vertices(A, b, max_subsets=max_subsets)
    n_nodes = sum(math.perm(m, len(S)) for S, _ in vertices if len(S) <= m)
    if n_nodes > max_nodes:
        raise ValueError(f"The lifted graph would have {n_nodes} nodes, more than max_nodes = {max_nodes}.")
    nodes = [(v, p) for v, (S, _) in enumerate(vertices) if len(S) <= m
             for p in itertools.permutations(range(m), len(S))]
    index = {node: i for i, node in enumerate(nodes)}

    def pairs_of(node):
        S = vertices[node[0]][0]
        return {(j, k) for k, j in zip(S, node[1], strict=True)}

    rank_cache: dict[tuple[int, ...], int] = {}

    def is_edge(P, Q):
        U = P | Q
        if not _slot_rule(U):
            return False
        key = tuple(sorted(k for _, k in U))  # the multiset of columns
        if key not in rank_cache:
            rank_cache[key] = rank([cols[k] for k in key])
        return rank_cache[key] == len(U) - 1

    edges: set[frozenset] = set()
    if exhaustive_pairs:
        P = [pairs_of(nd) for nd in nodes]
        for p, q in itertools.combinations(range(len(nodes)), 2):
            if is_edge(P[p], P[q]):
                edges.add(frozenset((p, q)))
        return nodes, edges, vertices

    for p, node in enumerate(nodes):
        Pp = pairs_of(node)
        occupied = {j: k for j, k in Pp}
        where = {k: j for j, k in Pp}
        free = [j for j in range(m) if j not in occupied]
        for w, (T, _) in enumerate(vertices):
            if len(T) > m:
                continue
            # the slot rule, verbatim: column l may go to a free slot or to the slot where this node has l
            options = [sorted(free + ([where[l]] if l in where else [])) for l in T]
            for q_place in itertools.product(*options):
                if len(set(q_place)) != len(q_place):
                    continue  # not injective
                q = index[(w, tuple(q_place))]
                if q == p:
                    continue
                if is_edge(Pp, {(j, k) for k, j in zip(T, q_place, strict=True)}):
                    edges.add(frozenset((p, q)))
    return nodes, edges, vertices


def oracle_lifted(A, b, m, *, max_nodes: int = MAX_NODES, max_subsets: int = MAX_SUBSETS,
                  exhaustive_pairs: bool = False) -> tuple[int, int]:
    """``(number of connected components, number of isolated points)`` of Θ*_m, via the lifted graph.

    ``m < m*`` gives ``(0, 0)`` (Θ*_m is empty).  ``m`` must be in ``[0, 6]``.

    Examples
    --------
    >>> [oracle_lifted([[0, 1], [1, 0]], [0.5, 1.5], m) for m in (1, 2, 3)]   # SPEC §I, I1
    [(0, 0), (2, 2), (1, 0)]
    """
    nodes, edges, _ = lifted_graph(A, b, m, max_nodes=max_nodes, max_subsets=max_subsets,
                                   exhaustive_pairs=exhaustive_pairs)
    degree = [0] * len(nodes)
    for e in edges:
        for x in e:
            degree[x] += 1
    return _components(len(nodes), [tuple(e) for e in edges]), sum(1 for d in degree if d == 0)


def oracle_lifted_literal(A, b, m, *, max_subsets: int = MAX_SUBSETS,
                          max_nodes: int = 20_000) -> tuple[int, int]:
    """Same counts as :func:`oracle_lifted`, by a second route that never uses Q's vertices.

    The vertices of ``Ŵ_m`` are enumerated by :func:`oracle_vertices` on the tiled ``n × mK`` matrix
    ``[A A … A]`` (coordinate ``j·K + k`` is slot ``j``, column ``k``); the nodes are those obeying the slot rule;
    two nodes are joined iff their union support ``U`` obeys the slot rule and they are the only vertices of
    ``Ŵ_m`` with support ⊆ ``U`` (the combinatorial edge test inside Ŵ_m).  Quadratic in the number of nodes:
    for small instances only.

    Examples
    --------
    >>> A = [[1, 0, Fraction(1, 2)], [0, 1, Fraction(1, 2)]]
    >>> oracle_lifted_literal(A, [0.5, 0.5], 2)                              # SPEC §I, I2
    (3, 2)
    """
    m = _check_width(m)
    cols, bb = _read(A, b)
    K = len(cols)
    tiled_rows = [[cols[k][i] for _j in range(m) for k in range(K)] for i in range(len(bb))]
    if not tiled_rows:  # pragma: no cover - n = 0
        raise ValueError("The oracle needs at least one row.")
    W = oracle_vertices(tiled_rows, list(bb), max_subsets=max_subsets)
    supports = [frozenset(divmod(t, K) for t in S) for S, _ in W]  # (slot, column) pairs
    nodes = [s for s in supports if _slot_rule(s)]
    if len(nodes) > max_nodes:
        raise ValueError(f"oracle_lifted_literal would compare {len(nodes)} nodes pairwise, more than "
                         f"max_nodes = {max_nodes}.")
    edges = []
    degree = [0] * len(nodes)
    for p, q in itertools.combinations(range(len(nodes)), 2):
        U = nodes[p] | nodes[q]
        if _slot_rule(U) and sum(1 for s in supports if s <= U) == 2:
            edges.append((p, q))
            degree[p] += 1
            degree[q] += 1
    return _components(len(nodes), edges), sum(1 for d in degree if d == 0)
