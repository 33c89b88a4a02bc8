"""The pattern pool of :func:`~geom.polytope.symbolic.symbolic_polytope` proved complete for the exact data: each
region pattern's witness checked exactly, and the region count of the exact arrangement by Whitney's formula
(docs/theory.md §B.1, §B.2, feeding §D; step 4 of :mod:`geom.polytope.symbolic`).

Examples
--------
Three distinct lines through the origin of the plane (``(2, 2)`` repeats ``(1, 1)``) cut it into 6 regions:

>>> from geom.polytope.symbolic.number_field import _Field
>>> F = _Field([])
>>> _region_count(F, [[F.convert(v) for v in r] for r in ([1, 0], [0, 1], [1, 1], [2, 2])])
(6, 3)
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from ..._validation import message
from ...exceptions import ProblemTooLargeError
from .number_field import _FUNC, _dot

#: Most distinct hyperplanes for the exact region count (Whitney's formula visits ``2^h`` subsets).
MAX_HYPERPLANES = 16

def _region_count(F, rows):
    """Exact number of regions of the central arrangement of the nonzero rows (Whitney's formula over the
    distinct hyperplanes), and the number of distinct hyperplanes."""
    normals = []
    for r in rows:
        nz = next((j for j, v in enumerate(r) if not F.is_zero(v)), None)
        if nz is None:
            continue
        canon = [v / r[nz] for v in r]
        if canon not in normals:
            normals.append(canon)
    h = len(normals)
    if h > MAX_HYPERPLANES:
        raise ProblemTooLargeError(message("X", _FUNC, f"at most MAX_HYPERPLANES = {MAX_HYPERPLANES} distinct "
                                           "hyperplanes (exact region count by Whitney's formula)",
                                           f"{h} hyperplanes"))

    def reduce(r, basis):
        r = list(r)
        for pc, b in basis:
            if not F.is_zero(r[pc]):
                f = r[pc]
                r = [x - f * y for x, y in zip(r, b)]
        pc = next((j for j, v in enumerate(r) if not F.is_zero(v)), None)
        if pc is None:
            return None
        return pc, [x / r[pc] for x in r]

    total = 0
    stack = [(0, [], 0)]
    while stack:
        start, basis, size = stack.pop()
        total += (-1) ** ((size - len(basis)) % 2)
        for i in range(start, h):
            red = reduce(normals[i], basis)
            stack.append((i + 1, basis + [red] if red is not None else basis, size + 1))
    return total, h


def _lp_witness(Xf, D):
    """A float point deep inside the region of pattern ``D`` (max-margin LP), or ``None``."""
    from scipy.optimize import linprog

    n, d = Xf.shape
    S = np.where(D, 1.0, -1.0)[:, None] * Xf
    cost = np.zeros(d + 1)
    cost[-1] = -1.0
    A_ub = np.hstack([-S, np.ones((n, 1))])
    res = linprog(cost, A_ub=A_ub, b_ub=np.zeros(n), bounds=[(-1, 1)] * d + [(None, 1)], method="highs")
    if res.status != 0 or not (res.x[-1] > 0):
        return None
    return res.x[:d]


def _is_exact_region(F, Xk, D, w):
    """``w`` (rationals) has exactly the strict signs of pattern ``D`` on the nonzero rows (zero rows active)."""
    import sympy as sp
    wk = [F.convert(sp.Rational(Fraction(v).numerator, Fraction(v).denominator)) if not isinstance(v, int)
          else F.convert(sp.Integer(v)) for v in w]
    for row, act in zip(Xk, D):
        if all(F.is_zero(x) for x in row):
            if not act:
                return False
            continue
        if F.sign(_dot(F, row, wk)) != (1 if act else -1):
            return False
    return True
