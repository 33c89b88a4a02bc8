"""An independent brute-force oracle for activation patterns and regions (test-only).

It shares no code with :mod:`geom`: nothing here imports the package.  The data are read as the exact rationals
they are (``Fraction(float)`` for floats, ``Fraction(int)`` for integers); every sign vector is decided by an
exact LP, by depth-first search over prefixes (an infeasible prefix removes its whole subtree), so ``n ≤ 10``
rows take a few hundred LPs.

Semantics (docs/theory.md §B.1, docs/theory.md §B.1):

* ``≥``-pattern ``p = 1[Xu ≥ 0]`` is realizable iff ``{u : x_i·u ≥ 0 (p_i = 1), x_i·u ≤ −1 (p_i = 0)}`` is
  non-empty (homogeneity: no epsilon).  A zero row is always active.
* region (full-dimensional cell) with sign vector ``s`` exists iff ``{u : x_i·u ≥ 1 (s_i = 1),
  x_i·u ≤ −1 (s_i = 0)}`` is non-empty, over the nonzero rows; zero rows are dropped from the arrangement and
  their entry is 1 (the convention of ``enumerate_patterns(..., ties="regions")``).  An arrangement with only
  zero rows has one region, the whole space.

The LP is pycddlib's GMP rational mode, called directly (a library, not project code).  Every "feasible" answer
comes with a witness that is re-checked here in :class:`fractions.Fraction`; :func:`fm_feasible` is a second,
pure-Python exact decision procedure (Fourier–Motzkin) that the tests use to check the LP on small systems.

Examples
--------
>>> r = oracle([[1, 0], [-1, 0], [0, 1]])          # docs/theory.md §B.2: 4 regions, 6 patterns
>>> sorted("".join(map(str, p)) for p in r.geq)
['010', '011', '100', '101', '110', '111']
>>> r.n_regions, r.rank, r.general_position
(4, 2, False)
>>> oracle([[0], [0], [1], [1], [2]], bias=True).n_geq   # docs/theory.md §B.3: 2 × 3 distinct values
6
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

__all__ = ["Oracle", "exact_matrix", "fm_feasible", "general_position", "geq_patterns", "lp_feasible", "oracle",
           "rank", "realizes", "region_patterns"]

_ZERO = Fraction(0)
_ONE = Fraction(1)


def _to_fraction(v) -> Fraction:
    if isinstance(v, Fraction):
        return v
    if isinstance(v, (bool, np.bool_)):
        return Fraction(int(v))
    if isinstance(v, (int, np.integer)):
        return Fraction(int(v))
    f = float(v)
    if f != v:  # pragma: no cover - exotic scalar types
        raise TypeError(f"cannot read {v!r} exactly")
    return Fraction(f)


def exact_matrix(X, bias: bool = False) -> list[list[Fraction]]:
    """Rows of ``X`` (with a ones column appended if ``bias``) as exact rationals.

    Floats are converted exactly (``Fraction(0.1) != Fraction(1, 10)``); integer arrays, Python integers and
    object arrays of Python integers keep all their digits.

    >>> exact_matrix([[0.5, 2]], bias=True)
    [[Fraction(1, 2), Fraction(2, 1), Fraction(1, 1)]]
    """
    if isinstance(X, np.ndarray):
        rows = X.tolist()  # Python ints / floats, exact
    else:
        rows = [list(r) for r in X]
    out = [[_to_fraction(v) for v in r] for r in rows]
    if bias:
        out = [r + [_ONE] for r in out]
    return out


def _dot(a, u):
    return sum(x * y for x, y in zip(a, u))


def _satisfies(A, b, u) -> bool:
    return all(_dot(a, u) >= bi for a, bi in zip(A, b))


def lp_feasible(A, b):
    """A point of ``{u : A u ≥ b}`` (exact rationals), or ``None`` if the system is infeasible.

    Decided by pycddlib in GMP mode; a returned point is re-checked exactly here.

    >>> lp_feasible([[Fraction(1)], [Fraction(-1)]], [Fraction(1), Fraction(-2)])
    [Fraction(1, 1)]
    >>> lp_feasible([[Fraction(1)], [Fraction(-1)]], [Fraction(1), Fraction(0)]) is None
    True
    """
    import cdd
    import cdd.gmp

    d = len(A[0]) if A else 0
    if not A:
        return [_ZERO] * d
    mat = cdd.gmp.matrix_from_array([[-bi] + list(a) for a, bi in zip(A, b)], rep_type=cdd.RepType.INEQUALITY,
                                    obj_type=cdd.LPObjType.MAX, obj_func=[_ZERO] * (d + 1))
    lp = cdd.gmp.linprog_from_matrix(mat)
    cdd.gmp.linprog_solve(lp)
    if lp.status == cdd.LPStatusType.OPTIMAL:
        u = [Fraction(v) for v in lp.primal_solution]
        den = math.lcm(*(v.denominator for v in u))
        # the check runs on den·u (integers) against den·b: the same inequalities, without fractions
        if not _satisfies(A, [bi * den for bi in b], [int(v * den) for v in u]):  # pragma: no cover
            raise AssertionError(f"cdd.gmp returned a point outside the system: {u}")
        return u
    if lp.status in (cdd.LPStatusType.INCONSISTENT, cdd.LPStatusType.STRUC_INCONSISTENT):
        return None
    raise AssertionError(f"cdd.gmp LP status {lp.status!r}")  # pragma: no cover


def fm_feasible(A, b) -> bool:
    """Exact Fourier–Motzkin decision of ``{u : A u ≥ b} ≠ ∅`` (exponential; for small systems only).

    >>> fm_feasible([[Fraction(1), Fraction(1)], [Fraction(-1), Fraction(0)], [Fraction(0), Fraction(-1)]],
    ...             [Fraction(1), Fraction(0), Fraction(0)])
    False
    """
    rows = {(tuple(a), bi) for a, bi in zip(A, b)}
    d = len(A[0]) if A else 0
    for k in range(d):
        pos, neg, keep = [], [], set()
        for a, bi in rows:
            if a[k] > 0:
                pos.append((a, bi))
            elif a[k] < 0:
                neg.append((a, bi))
            else:
                keep.add((a, bi))
        for (ap, bp), (an, bn) in itertools.product(pos, neg):
            sp, sn = 1 / ap[k], -1 / an[k]
            a = tuple(x * sp + y * sn for x, y in zip(ap, an))
            bb = bp * sp + bn * sn
            # scale to a canonical form (first nonzero coefficient ±1) so equal rows merge
            nz = next((abs(x) for x in a if x != 0), None)
            if nz is not None:
                a, bb = tuple(x / nz for x in a), bb / nz
            keep.add((a, bb))
        rows = keep
        if any(all(x == 0 for x in a) and bi > 0 for a, bi in rows):
            return False
    return all(bi <= 0 for _, bi in rows)


def _primitive(row) -> list[int]:
    """The row times a positive rational, as coprime integers (signs, hence feasibility, unchanged)."""
    den = math.lcm(*(v.denominator for v in row)) if row else 1
    ints = [int(v * den) for v in row]
    g = math.gcd(*ints) if ints else 0
    return [v // g for v in ints] if g > 1 else ints


def _integer_point(u) -> list[int]:
    """``u`` times the common denominator (a factor ``t ≥ 1``, which keeps every constraint of :func:`_dfs`)."""
    den = math.lcm(*(Fraction(v).denominator for v in u)) if u else 1
    return [int(v * den) for v in u]


def _dfs(Xq, zero_fixed, lower):
    """Sign vectors ``s`` with ``{u : x_i·u ≥ lower[1] (s_i=1), −x_i·u ≥ lower[0] (s_i=0)}`` non-empty.

    Each ``lower`` is 0 or 1, so feasibility is unchanged by scaling a row or a feasible point by a positive
    factor ``≥ 1``: the rows become coprime integers and the witnesses integer points, and then a nonzero
    ``x·u`` has ``|x·u| ≥ 1``.  The witness of a feasible prefix therefore decides one child without an LP
    (the sign of ``x·u``; ``x·u = 0`` decides only the ``≥ 0`` child).  ``zero_fixed``: zero rows get entry 1
    and no constraint.
    """
    n = len(Xq)
    d = len(Xq[0]) if n else 0
    rows_int = [_primitive(r) for r in Xq]
    out = set()
    A: list = []
    b: list = []

    def rec(i, prefix, u):
        if i == n:
            out.add(tuple(prefix))
            return
        x = rows_int[i]
        if zero_fixed and not any(x):
            rec(i + 1, prefix + [1], u)
            return
        v = sum(a * c for a, c in zip(x, u))
        free = 1 if (v > 0 or (v == 0 and lower[1] == 0)) else (0 if v < 0 else None)
        for s in (0, 1):
            row, rhs = (x, lower[1]) if s else ([-c for c in x], lower[0])
            if free == s:
                w = u
            else:
                w = lp_feasible(A + [row], b + [rhs])
                if w is None:
                    continue
                w = _integer_point(w)
            A.append(row)
            b.append(rhs)
            rec(i + 1, prefix + [s], w)
            A.pop()
            b.pop()

    rec(0, [], [0] * d)
    return out


def geq_patterns(Xq) -> set[tuple[int, ...]]:
    """All ``≥``-patterns ``1[Xu ≥ 0]`` of the exact rows ``Xq`` (ties included).

    >>> sorted(geq_patterns(exact_matrix([[-1.0], [1.0]])))
    [(0, 1), (1, 0), (1, 1)]
    """
    return _dfs(Xq, zero_fixed=False, lower=(1, 0))


def region_patterns(Xq) -> set[tuple[int, ...]]:
    """Sign vectors ``1[Xu > 0]`` of the open cells (zero rows: 1).

    >>> sorted(region_patterns(exact_matrix([[-1.0], [1.0], [0.0]])))
    [(0, 1, 1), (1, 0, 1)]
    """
    return _dfs(Xq, zero_fixed=True, lower=(1, 1))


def rank(Xq) -> int:
    """Exact rank (Gaussian elimination in rationals).

    >>> rank(exact_matrix([[1, 2], [2, 4], [0, 0]]))
    1
    """
    M = [list(r) for r in Xq if any(v != 0 for v in r)]
    r = 0
    ncol = len(M[0]) if M else 0
    for c in range(ncol):
        piv = next((i for i in range(r, len(M)) if M[i][c] != 0), None)
        if piv is None:
            continue
        M[r], M[piv] = M[piv], M[r]
        for i in range(r + 1, len(M)):
            if M[i][c] != 0:
                f = M[i][c] / M[r][c]
                M[i] = [a - f * p for a, p in zip(M[i], M[r])]
        r += 1
    return r


def general_position(Xq) -> bool:
    """No zero row, and every set of at most ``rank`` rows is linearly independent (docs/theory.md §B.2).

    >>> general_position(exact_matrix([[1, 0], [0, 1], [1, 1]])), general_position(exact_matrix([[1], [2]]))
    (True, True)
    >>> general_position(exact_matrix([[1, 0], [2, 0], [0, 1]]))
    False
    """
    if any(all(v == 0 for v in r) for r in Xq):
        return False
    r = rank(Xq)
    return all(rank([Xq[i] for i in S]) == r for S in itertools.combinations(range(len(Xq)), r))


def realizes(Xq, w, pattern, *, strict: bool = False) -> bool:
    """Exact check that ``1[x_i·w ≥ 0] = pattern`` (``w`` read exactly); with ``strict``, also no nonzero row
    has ``x_i·w = 0`` (``w`` lies in an open cell).

    >>> Xq = exact_matrix([[1.0], [-1.0]])
    >>> realizes(Xq, [0.0], (1, 1)), realizes(Xq, [0.0], (1, 1), strict=True), realizes(Xq, [2.0], (1, 0))
    (True, False, True)
    """
    wq = [_to_fraction(v) for v in w]
    for x, p in zip(Xq, pattern):
        v = _dot(x, wq)
        if int(v >= 0) != int(p):
            return False
        if strict and v == 0 and any(c != 0 for c in x):
            return False
    return True


@dataclass(frozen=True)
class Oracle:
    """Exact answers for one (augmented) data matrix.

    Attributes
    ----------
    geq : set of tuple
        All ``≥``-patterns.
    regions : set of tuple
        Region sign vectors (zero rows: 1).
    rank : int
    Xq : list of list of Fraction
        The exact (augmented) rows.
    """

    geq: frozenset
    regions: frozenset
    rank: int
    Xq: list = field(repr=False)

    @property
    def n_geq(self) -> int:
        return len(self.geq)

    @property
    def n_regions(self) -> int:
        return len(self.regions)

    @property
    def general_position(self) -> bool:
        return general_position(self.Xq)


def oracle(X, bias: bool = False) -> Oracle:
    """Patterns, regions and rank of ``X`` (``[X, 1]`` if ``bias``), by brute force with exact LPs."""
    Xq = exact_matrix(X, bias)
    return Oracle(geq=frozenset(geq_patterns(Xq)), regions=frozenset(region_patterns(Xq)), rank=rank(Xq), Xq=Xq)
