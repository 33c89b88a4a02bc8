"""The optimal polytope in exact arithmetic, for small hand-made instances with algebraic data (docs/theory.md §D,
with §C for the dual and §E for the edges).

Where the rest of :mod:`geom.polytope` works in floating point with tolerances, this package proves every step for data
given exactly — integers, fractions, radicals such as ``sqrt(3)/2``, ``cos(2*pi/5)`` — so a textbook example
(docs/theory.md §I) is checked with no floating-point decision at all, and the float polytope has an independent
oracle.

Method
------
1. *Exact field.*  Every entry of ``X``, ``y``, ``β`` (and of ``ν*``, step 3) lies in one real number field
   ``K = Q(θ)`` built by :meth:`sympy.polys.domains.QQ.algebraic_field` from the irrationalities met (radicals,
   unevaluated trigonometric values, ``CRootOf``), adjoined one at a time: one already in the field (sympy's
   ``from_sympy``: a field isomorphism found by PSLQ and verified exactly by sympy) is skipped, and the bound
   ``[K:Q]·deg(g)`` on the new degree must stay within ``MAX_FIELD_DEGREE``.  Elements are polynomials in ``θ``
   reduced modulo its minimal polynomial, so sums, products, quotients, ranks and solves are exact, and **zero
   is decided exactly** (an element is zero iff its reduced polynomial is).  Results are returned as sympy
   expressions in the original irrationalities (``K.to_sympy``, expanded).
2. *Signs.*  The sign of a nonzero element is read from a rigorous ball enclosure (python-flint ``arb``): ``θ``
   is enclosed by an isolating ball of a root of its minimal polynomial (``fmpq_poly.complex_roots``), and the
   element's polynomial is evaluated in ball arithmetic, doubling the precision until the ball excludes 0
   (it must, the element being nonzero).  The one non-rigorous step is *which* root of the minimal polynomial
   ``θ`` is: it is the root whose ball lies within ``1e-30`` of sympy's 60-digit ``evalf`` of ``θ``, with every
   other root at least ``1e-20`` away (otherwise :class:`~geom.exceptions.CertificationError`).
3. *ν\\* guessed, then proved.*  A float guide ``ν̂`` comes from :func:`geom.solve_convex` on the rounded data
   (or from ``nu_guess``).  It is refined to ``NEWTON_DIGITS`` digits by Newton's method on the square system
   ``ν + Σ_{k∈S} c_k M_k ν/β = y``, ``νᵀM_kν = β²`` (``S`` a vertex support of the float polytope, ``M_k`` the
   quadratic form of the tight pattern ``k`` on its active cone face, so ``a_k = M_kν/β``), and each entry is
   recognised by integer relations (``mpmath.pslq``): first as an element of the current field (the data's,
   extended by the entries recognised before), then as a root of a quadratic over it, then by its minimal
   polynomial over ``Q`` (``mpmath.findpoly``, degree ≤ 8).  The recognised ``ν*`` is only a *guess*: everything
   below is verified exactly, and a wrong guess fails there (:class:`~geom.exceptions.CertificationError`).
4. *Pool.*  The region patterns of :func:`geom.enumerate_patterns` on the rounded data.  Each is proved to be a
   region of the *exact* data (its witness has the pattern's strict signs, exactly), and their number is
   compared with the exact region count of the exact arrangement, Whitney's ``Σ_S (−1)^{|S|−rank S}`` over the
   subsets of distinct hyperplanes.  Equality proves the pool complete (docs/theory.md §B.1).
5. *Dual feasibility and tightness.*  For every pool pattern ``k`` and sign ``σ``, ``Π = Π_{C_k}(σXᵀD_kν*)`` is
   computed on the active face guessed by a float NNLS (docs/theory.md §C.2): ``λ_F = −(B_F B_Fᵀ)⁻¹B_F g``,
   ``Π = g + B_Fᵀλ_F``, accepted only when the KKT conditions ``λ_F ≥ 0`` and ``BΠ ≥ 0`` hold exactly (else the
   faces of at most ``rank B`` independent rows are searched exactly).  Then ``‖Π‖² ≤ β²`` is decided exactly;
   equality marks a tight signed pattern with direction ``ū = Π/β`` (docs/theory.md §D.1).
6. *Polytope.*  Equal signed directions are merged (docs/theory.md §D.3), columns ``a = σ D_kXū = σ(Xū)_+``,
   ``y* = y − ν*``, ``Q = {c ≥ 0 : Ac = y*}``.  Vertices by brute force over independent column subsets
   (docs/theory.md §D.4 (1), exact solves and signs); ``Q ≠ ∅`` together with step 5 proves the KKT conditions, so
   ``ν*`` is the dual optimum and ``p* = ½‖ν*‖² + ν*ᵀy*`` (docs/theory.md §D.2).  Edges: two vertices are adjacent
   iff no third vertex has its support inside the union of theirs (the smallest face containing both is
   ``{c ∈ Q : supp c ⊆ S ∪ T}``); each edge is confirmed by the exact rank test of docs/theory.md §E.3.

Layout
------
:mod:`~geom.polytope.symbolic.inputs` (exact data), :mod:`~geom.polytope.symbolic.number_field` (steps 1–2 and
exact linear algebra), :mod:`~geom.polytope.symbolic.recognition` (step 3), :mod:`~geom.polytope.symbolic.regions`
(step 4), :mod:`~geom.polytope.symbolic.projection` (step 5); this module holds the entry point, the result and
step 6.

Examples
--------
>>> P = symbolic_polytope([[1, 0], ["-1/2", "sqrt(3)/2"]], [1, 1], "1/2")     # docs/theory.md §I, I2
>>> P.p_star, list(P.nu_star), P.m_star, P.M_star, len(P.vertices)
(3/4, [1/2, 1/2], 1, 2, 2)
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from ..._validation import check_int, message
from ...exceptions import CertificationError, InvalidInputError, InvalidInputTypeError, ProblemTooLargeError
from .inputs import _exact_matrix, _exact_scalar, _exact_vector
from .number_field import _FUNC, MAX_FIELD_DEGREE, _dot, _Field, _independent_solve, _irrational_atoms, _rank
from .projection import MAX_FACE_SUBSETS, _face_rows, _float_projection, _project_exact
from .recognition import NEWTON_DIGITS, _guess_nu
from .regions import MAX_HYPERPLANES, _is_exact_region, _lp_witness, _region_count

if TYPE_CHECKING:  # sympy is imported where it is used: `import geom` stays light
    import sympy as sp

__all__ = ["SymbolicPolytope", "symbolic_polytope", "NEWTON_DIGITS", "MAX_FACE_SUBSETS", "MAX_FIELD_DEGREE",
           "MAX_HYPERPLANES"]


@dataclass(frozen=True)
class SymbolicPolytope:
    """The optimal polytope of docs/theory.md §D, proved in exact arithmetic by :func:`symbolic_polytope`.

    Attributes
    ----------
    nu_star, y_star : sympy.ImmutableMatrix (n, 1)
        The dual optimum ``ν* = Π_{𝒦_β}(y)`` and the optimal fit ``y* = y − ν*`` (convention R, docs/theory.md §C.1).
    p_star : sympy.Expr
        ``p* = ½‖ν*‖² + ν*ᵀy*`` (docs/theory.md §D.2), exact.
    directions : tuple of sympy.ImmutableMatrix (d, 1)
        The distinct tight unit directions ``ū_j = Π_{C_k}(σ_j Xᵀ D_k ν*)/β`` (``d`` counts the bias column).
    signs : tuple of int
        ``σ_j = ±1`` (the sign of the output weight).
    groups : tuple of tuple of (int, int)
        For each column, the ``(pool index, σ)`` whose tight direction it is (several after deduplication,
        docs/theory.md §D.3).
    pool : tuple of str
        The pattern pool (region patterns of the exact data, as 0/1 strings), indexed by ``groups``.
    A : sympy.ImmutableMatrix (n, K)
        Columns ``a_j = σ_j (X ū_j)_+``.
    rank : int
        ``rank A``.
    vertices : tuple of (tuple of int, tuple of sympy.Expr)
        Every vertex of ``Q = {c ≥ 0 : Ac = y*}``: its support and the (positive) coefficients on it, sorted by
        support size, then support.
    edges : tuple of (int, int)
        Pairs of indices into ``vertices`` joined by an edge of ``Q``: no third vertex has its support inside
        ``S ∪ T``, confirmed by ``rank A_{S∪T} = |S∪T| − 1`` (docs/theory.md §E.3).
    m_star, M_star : int
        Smallest and largest vertex support (docs/theory.md §E.1).
    support_counts : dict
        ``{s: number of vertices with |supp| = s}`` (``N_s`` of docs/theory.md §E.3).
    dim : int
        ``dim Q = |U| − rank A_U`` with ``U`` the union of the vertex supports (``K − rank A`` when every column
        is used by some optimal solution).
    beta : sympy.Expr
    bias : bool
    number_field : str
        The number field of the computation (``"QQ"`` for rational instances).
    n_regions : int
        Exact region count of the exact arrangement (Whitney), equal to ``len(pool)``.
    seconds : float
    """

    nu_star: sp.ImmutableMatrix
    y_star: sp.ImmutableMatrix
    p_star: sp.Expr
    directions: tuple
    signs: tuple
    groups: tuple
    pool: tuple
    A: sp.ImmutableMatrix
    rank: int
    vertices: tuple
    edges: tuple
    m_star: int
    M_star: int
    support_counts: dict = field(repr=False)
    dim: int = 0
    beta: sp.Expr = None
    bias: bool = False
    number_field: str = "QQ"
    n_regions: int = 0
    seconds: float = field(default=0.0, compare=False)

    @property
    def n_columns(self) -> int:
        """``K``: the number of (deduplicated) columns."""
        return len(self.directions)

    def to_dict(self) -> dict:
        """JSON-ready summary: exact values as strings (``str``), with their floats alongside."""
        import sympy as sp

        def s(e):
            return str(e)

        def f(e):
            return float(sp.N(e, 30))

        return {
            "nu_star": [s(v) for v in self.nu_star], "nu_star_float": [f(v) for v in self.nu_star],
            "y_star": [s(v) for v in self.y_star], "y_star_float": [f(v) for v in self.y_star],
            "p_star": s(self.p_star), "p_star_float": f(self.p_star),
            "beta": s(self.beta), "bias": self.bias,
            "directions": [[s(v) for v in u] for u in self.directions],
            "directions_float": [[f(v) for v in u] for u in self.directions],
            "signs": list(self.signs), "groups": [[list(m) for m in g] for g in self.groups],
            "pool": list(self.pool),
            "A": [[s(v) for v in self.A.row(i)] for i in range(self.A.rows)],
            "rank": self.rank, "n_columns": self.n_columns,
            "vertices": [{"support": list(S), "coefficients": [s(v) for v in c],
                          "coefficients_float": [f(v) for v in c]} for S, c in self.vertices],
            "edges": [list(e) for e in self.edges],
            "m_star": self.m_star, "M_star": self.M_star,
            "support_counts": {str(k): v for k, v in sorted(self.support_counts.items())},
            "dim": self.dim, "number_field": self.number_field, "n_regions": self.n_regions, "seconds": self.seconds,
        }


# --------------------------------------------------------------------------------------------------------------
# The entry point


def symbolic_polytope(X, y, beta, *, bias=False, nu_guess=None, max_columns=24) -> SymbolicPolytope:
    """The optimal polytope ``Q`` of docs/theory.md §D, with ``ν*``, ``y*``, ``p*``, vertices and edges, proved exactly.

    Parameters
    ----------
    X : array_like (n, d) of exact numbers
        Data: ints, :class:`fractions.Fraction`, sympy expressions, or strings sympy parses (``"sqrt(3)/2"``,
        ``"cos(2*pi/5)"``); every entry a real algebraic number.  Floats are refused (not exact).
    y : array_like (n,) of exact numbers
        Labels.
    beta : exact number
        Weight decay ``β > 0``.
    bias : bool, default False
        Regularized bias (docs/theory.md §A.6): work with ``X̃ = [X, 1]``.
    nu_guess : array_like (n,) of exact numbers, optional
        A candidate ``ν*``; skips the float solve and the recognition.  It is verified like any guess.
    max_columns : int, default 24
        Refuse (:class:`~geom.exceptions.ProblemTooLargeError`) more deduplicated tight directions than this:
        the brute-force vertex search visits up to ``Σ_{s ≤ rank A} binom(K, s)`` column subsets.

    Returns
    -------
    SymbolicPolytope

    Raises
    ------
    InvalidInputError, InvalidInputTypeError
        Bad arguments (the message names the parameter).
    CertificationError
        ``ν*`` was not recognised as an exact number, or the recognised (or given) ``ν*`` fails the exact
        verification (not dual feasible, or ``Q`` empty), or the pattern pool is not proved complete.
    ProblemTooLargeError
        More than ``max_columns`` columns, more than ``MAX_HYPERPLANES`` distinct hyperplanes, or a number field
        that could exceed degree ``MAX_FIELD_DEGREE``.

    Notes
    -----
    The method, and exactly which step is rigorous, is in the docstring of :mod:`geom.polytope.symbolic`.  Cost:
    every pattern of the pool costs one exact projection per sign; vertices cost up to ``Σ_{s ≤ rank} binom(K, s)``
    exact solves, edges one exact rank per pair of vertices.  Meant for hand-made instances (``n ≲ 8``).

    Examples
    --------
    docs/theory.md §I, I2 (the 120° instance; all three tight neurons positive):

    >>> P = symbolic_polytope([[1, 0], ["-1/2", "sqrt(3)/2"]], [1, 1], "1/2")
    >>> P.p_star, list(P.y_star), P.n_columns, P.rank
    (3/4, [1/2, 1/2], 3, 2)
    >>> P.pool, P.signs
    (('00', '01', '10', '11'), (1, 1, 1))
    >>> [list(u) for u in P.directions]
    [[-1/2, sqrt(3)/2], [1, 0], [1/2, sqrt(3)/2]]
    >>> P.A
    Matrix([
    [0, 1, 1/2],
    [1, 0, 1/2]])
    >>> P.vertices, P.edges, (P.m_star, P.M_star), P.dim
    ((((2,), (1,)), ((0, 1), (1/2, 1/2))), ((0, 1),), (1, 2), 1)
    """
    import sympy as sp
    t0 = time.perf_counter()
    from ...arrangements import enumerate_patterns

    Xe = _exact_matrix(X)
    n = len(Xe)
    ye = _exact_vector(y, n, "y")
    be = _exact_scalar(beta, "beta")
    if not (be.is_positive is True or (be.is_positive is None and sp.N(be, 60) > sp.Float(10) ** -50)):
        raise InvalidInputError(message("beta", _FUNC, "a finite number > 0", repr(beta)))
    if not isinstance(bias, (bool, np.bool_)):
        raise InvalidInputTypeError(message("bias", _FUNC, "a bool", repr(bias)))
    bias = bool(bias)
    max_columns = check_int(max_columns, name="max_columns", func=_FUNC, minimum=1)
    nu_given = None if nu_guess is None else _exact_vector(nu_guess, n, "nu_guess")

    def num(e):
        return float(sp.N(e, 30))

    X0f = np.array([[num(v) for v in r] for r in Xe], dtype=np.float64)
    yf = np.array([num(v) for v in ye])
    bf = num(be)
    if bias:
        Xe = [r + [sp.Integer(1)] for r in Xe]
    Xf = np.hstack([X0f, np.ones((n, 1))]) if bias else X0f
    pats = enumerate_patterns(X0f, bias=bias, ties="regions")
    if not pats.certified:
        raise CertificationError("The pattern enumeration of the rounded data is not certified, so the pool "
                                 f"cannot be proved complete ({_FUNC}).")
    region_rows = np.flatnonzero(pats.is_region)
    pool_all = pats.patterns[region_rows]

    # ν*: a guess, proved below
    data_exprs = [v for r in Xe for v in r] + ye + [be]
    F0 = _Field(_irrational_atoms(data_exprs))
    if nu_given is not None:
        nu_exprs = nu_given
        F = _Field(_irrational_atoms(data_exprs + nu_exprs))
    else:
        nu_exprs, F = _guess_nu(Xe, ye, be, Xf, yf, bf, X0f, bias, pats, pool_all, F0)

    Xk = [[F.convert(v) for v in r] for r in Xe]
    yk = [F.convert(v) for v in ye]
    bk = F.convert(be)
    nuk = [F.convert(v) for v in nu_exprs]
    if F.sign(bk) <= 0:
        raise InvalidInputError(message("beta", _FUNC, "a finite number > 0", repr(beta)))
    nuf = np.array([F.to_float(v) for v in nuk])
    d = len(Xk[0])

    # the pool, proved complete for the exact data
    n_regions, _h = _region_count(F, Xk)
    int_w = dict(pats.integer_witnesses)
    pool = []
    for j, row in enumerate(region_rows):
        D = pool_all[j]
        w = int_w.get(int(row), pats.witnesses[row])
        w = [int(v) for v in w] if int(row) in int_w else [float(v) for v in w]
        ok = _is_exact_region(F, Xk, D, w)
        if not ok:
            w2 = _lp_witness(Xf, D)
            ok = w2 is not None and _is_exact_region(F, Xk, D, [float(v) for v in w2])
        if ok:
            pool.append(D)
    if len(pool) != n_regions:
        raise CertificationError(f"Only {len(pool)} of the {n_regions} regions of the exact arrangement were found "
                                 "among the patterns of the rounded data: the pool is not proved complete.")

    # dual feasibility and tight directions, exactly
    groups = []  # [sigma, Pi, members]
    for k, D in enumerate(pool):
        B = [[x if act else F.K.zero - x for x in row] for row, act in zip(Xk, D)]
        Bf = np.where(D, 1.0, -1.0)[:, None] * Xf
        for sigma in (1, -1):
            g = [F.K.zero] * d
            for i in range(n):
                if D[i]:
                    g = [gj + nuk[i] * x for gj, x in zip(g, Xk[i])]
            if sigma < 0:
                g = [F.K.zero - v for v in g]
            gf = sigma * (Xf.T @ (D * nuf))
            _, lam = _float_projection(Bf, gf)
            Pi = _project_exact(F, B, g, _face_rows(Bf, lam))
            excess = _dot(F, Pi, Pi) - bk * bk
            s = F.sign(excess)
            if s > 0:
                raise CertificationError(
                    f"The candidate ν* = {[str(v) for v in nu_exprs]} is not dual feasible: pattern "
                    f"{''.join('1' if a else '0' for a in D)} with sign {sigma:+d} has ‖Π‖² − β² = "
                    f"{F.to_float(excess):.3e} > 0 (ν* was misrecognised, or nu_guess is wrong).")
            if s == 0:
                for gr in groups:
                    if gr[0] == sigma and gr[1] == Pi:
                        gr[2].append((k, sigma))
                        break
                else:
                    groups.append([sigma, Pi, [(k, sigma)]])
    K = len(groups)
    if K > max_columns:
        raise ProblemTooLargeError(message("max_columns", _FUNC, f"at least the number of tight directions ({K})",
                                           repr(max_columns)))
    inv_b = F.K.one / bk
    units = [[v * inv_b for v in Pi] for _, Pi, _ in groups]
    cols = []
    for (sigma, _Pi, members), u in zip(groups, units):
        D = pool[members[0][0]]
        col = []
        for i in range(n):
            v = _dot(F, Xk[i], u) if D[i] else F.K.zero
            col.append(v if sigma > 0 else F.K.zero - v)
        cols.append(col)
    ystar = [a - b for a, b in zip(yk, nuk)]
    rank = _rank(F, [[cols[j][i] for j in range(K)] for i in range(n)]) if K else 0

    vertices = _vertices(F, cols, ystar, rank)
    if not vertices:
        raise CertificationError(f"Q = {{c ≥ 0 : Ac = y*}} is empty: the candidate ν* = {[str(v) for v in nu_exprs]} "
                                 "is dual feasible but not the dual optimum (misrecognised, or nu_guess is wrong).")
    vertices.sort(key=lambda v: (len(v[0]), v[0]))
    edges = _edges(F, cols, [S for S, _ in vertices])
    used = sorted(set().union(*(set(S) for S, _ in vertices)))
    dim = len(used) - (_rank(F, [[cols[c][r] for c in used] for r in range(n)]) if used else 0)
    sizes = [len(S) for S, _ in vertices]
    counts = {s: sizes.count(s) for s in sorted(set(sizes))}

    half = F.K.one / F.K.convert(2)
    p_star = half * _dot(F, nuk, nuk) + _dot(F, nuk, ystar)
    conv = F.to_sympy
    return SymbolicPolytope(
        nu_star=sp.ImmutableMatrix([conv(v) for v in nuk]),
        y_star=sp.ImmutableMatrix([conv(v) for v in ystar]),
        p_star=conv(p_star),
        directions=tuple(sp.ImmutableMatrix([conv(v) for v in u]) for u in units),
        signs=tuple(int(g[0]) for g in groups),
        groups=tuple(tuple(g[2]) for g in groups),
        pool=tuple("".join("1" if a else "0" for a in D) for D in pool),
        A=sp.ImmutableMatrix(n, K, [conv(cols[j][i]) for i in range(n) for j in range(K)]),
        rank=rank,
        vertices=tuple((tuple(S), tuple(conv(v) for v in c)) for S, c in vertices),
        edges=tuple(edges),
        m_star=min(sizes), M_star=max(sizes), support_counts=counts, dim=dim,
        beta=be, bias=bias, number_field=F.describe(), n_regions=n_regions,
        seconds=time.perf_counter() - t0,
    )


def _edges(F, cols, supports):
    """Edges of ``Q`` from its complete vertex list, each confirmed by the exact rank test of docs/theory.md §E.3.

    The smallest face containing vertices ``v, w`` is ``{c ∈ Q : supp c ⊆ S ∪ T}``, whose vertices are the
    vertices of ``Q`` with support inside ``S ∪ T``; it is an edge iff it has exactly these two.  That decides
    adjacency combinatorially (bitmasks); each pair found adjacent is then checked to have
    ``rank A_{S∪T} = |S∪T| − 1`` exactly (a disagreement raises :class:`~geom.exceptions.CertificationError`).
    """
    n = len(cols[0]) if cols else 0
    masks = np.array([sum(1 << j for j in S) for S in supports], dtype=np.int64)
    edges = []
    for i in range(len(supports)):
        U = masks[i] | masks[i + 1:]
        inside = (masks[None, :] & ~U[:, None]) == 0  # [pair (i, j), vertex k]: supp k ⊆ S_i ∪ S_j
        for off in np.flatnonzero(inside.sum(axis=1) == 2):
            j = i + 1 + int(off)
            union = sorted(set(supports[i]) | set(supports[j]))
            if _rank(F, [[cols[c][r] for c in union] for r in range(n)]) != len(union) - 1:
                raise CertificationError(f"Vertices {supports[i]} and {supports[j]} span a face with no other vertex "
                                         "but fail the rank test of an edge (please report).")
            edges.append((i, j))
    return edges


def _vertices(F, cols, ystar, rank):
    """Every vertex of ``{c ≥ 0 : Ac = y*}`` as ``(support, coefficients)``: depth-first over independent
    column subsets of size ≤ rank (dependent ones are pruned with their supersets), keeping the exact solutions
    with all coefficients > 0 (docs/theory.md §D.4 (1))."""
    if all(F.is_zero(v) for v in ystar):
        return [((), ())]
    out = []
    stack = [((), 0)]
    K = len(cols)
    while stack:
        S, start = stack.pop()
        for j in range(start, K):
            T = S + (j,)
            independent, c = _independent_solve(F, [cols[i] for i in T], ystar)
            if not independent:
                continue
            if c is not None and all(F.sign(v) > 0 for v in c):
                out.append((T, c))
            if len(T) < rank:
                stack.append((T, j + 1))
    return out
