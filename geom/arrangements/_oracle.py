"""Exact LP oracles (pycddlib in GMP rational mode): pattern feasibility, implicit equalities, brute force.

These are slow and exact; they serve the tie-only patterns of degenerate data and the test suite.

Feasibility of a ``≥``-pattern is a homogeneous LP with no tolerance (ARRANGEMENTS.md §0.1): pattern ``p`` is
realizable iff ``{u : x_i·u ≥ 0 (p_i = 1), x_i·u ≤ −1 (p_i = 0)}`` is non-empty.

Examples
--------
>>> X = [[1, 0], [-1, 0], [0, 1]]          # SPEC.md §B.2: 4 regions, 6 patterns
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
    """
    import cdd
    import cdd.gmp

    if not Xq:
        return set()
    mat = cdd.gmp.matrix_from_array([[Fraction(0)] + list(x) for x in Xq], rep_type=cdd.RepType.INEQUALITY)
    return set(int(i) for i in cdd.gmp.implicit_linearity_rows(mat))


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
