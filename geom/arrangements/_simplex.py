"""A small exact simplex method in rational arithmetic (no external solver, no tolerance).

It solves ``max cᵀx s.t. A x ≤ b, x ≥ 0`` for ``b ≥ 0`` (so ``x = 0`` is feasible and no phase 1 is needed),
with Bland's rule, which cannot cycle on degenerate problems.  It exists because cddlib's GMP routines aborted
the interpreter on some inputs (a native ``munmap_chunk(): invalid pointer``, which no ``try`` can catch); the
problems solved here are small (the implicit equalities of ``{u : Xu ≥ 0}``).

Examples
--------
>>> from fractions import Fraction as F
>>> value, x = maximize([F(1), F(1)], [[F(1), F(2)], [F(3), F(1)]], [F(4), F(6)])
>>> value, x
(Fraction(14, 5), [Fraction(8, 5), Fraction(6, 5)])
"""

from __future__ import annotations

from fractions import Fraction

__all__ = ["maximize"]


def maximize(c, A, b, *, max_pivots: int = 100_000):
    """``(value, x)`` of ``max cᵀx s.t. A x ≤ b, x ≥ 0`` (``b ≥ 0``), exactly; ``(None, None)`` if unbounded."""
    m, n = len(A), len(c)
    if any(v < 0 for v in b):
        raise ValueError("maximize needs b >= 0 (x = 0 feasible)")
    # tableau rows: [A | I | b]; objective row: [-c | 0 | 0]
    T = [[Fraction(v) for v in A[i]] + [Fraction(int(i == j)) for j in range(m)] + [Fraction(b[i])]
         for i in range(m)]
    z = [-Fraction(v) for v in c] + [Fraction(0)] * m + [Fraction(0)]
    basis = [n + i for i in range(m)]
    for _ in range(max_pivots):
        enter = next((j for j in range(n + m) if z[j] < 0), None)  # Bland: smallest improving index
        if enter is None:
            x = [Fraction(0)] * (n + m)
            for i, j in enumerate(basis):
                x[j] = T[i][-1]
            return z[-1], x[:n]
        best, leave = None, None
        for i in range(m):
            a = T[i][enter]
            if a > 0:
                ratio = T[i][-1] / a
                if best is None or ratio < best or (ratio == best and basis[i] < basis[leave]):
                    best, leave = ratio, i
        if leave is None:
            return None, None
        piv = T[leave][enter]
        T[leave] = [v / piv for v in T[leave]]
        for i in range(m):
            if i != leave and T[i][enter] != 0:
                f = T[i][enter]
                T[i] = [a - f * p for a, p in zip(T[i], T[leave])]
        if z[enter] != 0:
            f = z[enter]
            z = [a - f * p for a, p in zip(z, T[leave])]
        basis[leave] = enter
    raise RuntimeError("exact simplex: pivot limit reached")  # pragma: no cover - Bland's rule terminates
