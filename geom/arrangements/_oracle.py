"""Exact LP oracles (pycddlib in GMP rational mode): pattern feasibility, implicit equalities, brute force.

These are slow and exact; they serve the tie-only patterns of degenerate data and the test suite.

Feasibility of a ``≥``-pattern is a homogeneous LP with no tolerance (docs/theory.md §B.1): pattern ``p`` is
realizable iff ``{u : x_i·u ≥ 0 (p_i = 1), x_i·u ≤ −1 (p_i = 0)}`` is non-empty.

Examples
--------
>>> X = [[1, 0], [-1, 0], [0, 1]]          # docs/theory.md §B.2: 4 regions, 6 patterns
>>> sorted("".join(map(str, p)) for p in brute_force_patterns(X))
['010', '011', '100', '101', '110', '111']
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from ..exact import to_fraction_rows

__all__ = ["pattern_feasible", "implicit_equalities", "brute_force_patterns"]


def _lp_feasible(rows_b_a, d) -> bool:
    import cdd
    import cdd.gmp

    if not rows_b_a:
        return True
    mat = cdd.gmp.matrix_from_array(rows_b_a, rep_type=cdd.RepType.INEQUALITY, obj_type=cdd.LPObjType.MAX,
                                    obj_func=[Fraction(0)] * (d + 1))
    lp = cdd.gmp.linprog_from_matrix(mat)
    cdd.gmp.linprog_solve(lp)
    if lp.status == cdd.LPStatusType.OPTIMAL:
        return True
    if lp.status in (cdd.LPStatusType.INCONSISTENT, cdd.LPStatusType.STRUC_INCONSISTENT):
        return False
    raise RuntimeError(f"cdd.gmp returned LP status {lp.status!r}")  # pragma: no cover


def pattern_feasible(Xq, pattern) -> bool:
    """Exact test that ``pattern`` (0/1 per row) equals ``1[Xu ≥ 0]`` for some ``u``."""
    d = len(Xq[0])
    rows = []
    for x, p in zip(Xq, pattern):
        if p:
            rows.append([Fraction(0)] + list(x))
        else:
            rows.append([Fraction(-1)] + [-v for v in x])
    return _lp_feasible(rows, d)


def implicit_equalities(Xq) -> set[int]:
    """Rows ``i`` with ``x_i·u = 0`` on the whole cone ``{u : Xu ≥ 0}`` (exact).

    By Goldman–Tucker these are exactly the rows in the support of some positive dependency
    ``y ≥ 0, Xᵀy = 0``; the set is empty iff some ``u`` has ``Xu > 0`` (Gordan).

    Computed by exact LPs (:mod:`._simplex`, rational arithmetic): ``max (Σ_{i∈R} x_i)·u`` over
    ``{Xu ≥ 0, −1 ≤ u ≤ 1}``.  A positive optimum shows rows of ``R`` that are positive somewhere (dropped from
    ``R``); a zero optimum proves every row left in ``R`` vanishes on the cone.  (cddlib's GMP routines aborted
    the interpreter on some inputs with large integers, so they are not used here.)

    >>> sorted(implicit_equalities([[1, 0], [-1, 0], [0, 1]]))
    [0, 1]
    """
    from ._simplex import maximize

    if not Xq:
        return set()
    rows = [[Fraction(v) for v in x] for x in Xq]
    d = len(rows[0])
    # u = p − q with p, q ≥ 0:  −X p + X q ≤ 0,  p − q ≤ 1,  q − p ≤ 1
    A = [[-v for v in x] + list(x) for x in rows]
    for j in range(d):
        e = [Fraction(int(i == j)) for i in range(d)]
        A.append(e + [-v for v in e])
        A.append([-v for v in e] + e)
    b = [Fraction(0)] * len(rows) + [Fraction(1)] * (2 * d)
    R = {i for i, x in enumerate(rows) if any(x)}
    while R:
        g = [sum((rows[i][j] for i in R), Fraction(0)) for j in range(d)]
        value, pq = maximize(g + [-v for v in g], A, b)
        if value is None or value <= 0:  # bounded by the box; zero: every row of R vanishes on the cone
            break
        u = [pq[j] - pq[d + j] for j in range(d)]
        pos = {i for i in R if sum((a * w for a, w in zip(rows[i], u)), Fraction(0)) > 0}
        if not pos:  # pragma: no cover - a positive objective has a positive row
            raise RuntimeError("exact simplex: positive optimum without a positive row")
        R -= pos
    zero = {i for i, x in enumerate(rows) if not any(x)}
    return R | zero


def brute_force_patterns(X) -> list[tuple[int, ...]]:
    """All ``≥``-patterns by depth-first search over sign vectors with exact LPs (use for ``n ≤ 14``).

    A prefix that is infeasible prunes its subtree, so the cost is about ``2 × (#patterns) × n`` LPs.
    """
    Xq = to_fraction_rows(np.asarray(X))
    n = len(Xq)
    out = []

    def rec(prefix):
        if len(prefix) == n:
            out.append(tuple(prefix))
            return
        for b in (0, 1):
            cand = prefix + [b]
            if pattern_feasible(Xq[: len(cand)], cand):
                rec(cand)

    rec([])
    return sorted(out)
