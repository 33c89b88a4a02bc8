"""Exact counts: the characteristic polynomial (Zaslavsky) and Cover's formula (docs/theory.md §B.2).

``χ_A`` is computed by the deletion–restriction identity ``χ_{A_{k+1}} = χ_{A_k} − χ_{A_k^{H_{k+1}}}`` in exact
integer arithmetic (primitive integer rows; int64 while provably free of overflow, Python integers beyond):

    χ_A(t) = t^D − Σ_k χ_{A_k^{H_{k+1}}}(t),

with the closed forms ``χ = t − 1`` on a line, ``t² − m t + (m − 1)`` for ``m`` distinct lines in the plane, and
the planes of ``R³`` done at once from the distinct lines ``H_j ∩ H_k`` (``j < k``).  Zaslavsky's theorem gives the
number of regions, ``r(A) = (−1)^D χ_A(−1)``.  No floating point is involved anywhere.
"""

from __future__ import annotations

from math import comb

import numpy as np

from ..exact import integer_rows
from ..kernels import first_distinct_int_rows
from ._exact_cells import canonical_hyperplanes

__all__ = ["characteristic_polynomial", "count_regions", "cover_count", "charpoly_coefficients"]

_SAFE = 2**30  # |entries| below this keep every product and sum below 2**62 in int64


def cover_count(n: int, r: int) -> int:
    """Cover/Schläfli: regions of ``n`` hyperplanes through the origin of rank ``r`` in general position,
    ``C(n, r) = 2 Σ_{k<r} binom(n−1, k)`` (an upper bound for any central arrangement of rank ``r``).

    >>> cover_count(4, 2), cover_count(3, 3), cover_count(5, 1), cover_count(0, 0)
    (8, 8, 2, 1)
    """
    if n == 0 or r == 0:
        return 1
    return 2 * sum(comb(n - 1, k) for k in range(r))


# ---- exact integer rows --------------------------------------------------------------------------------------

def _canon_np(Y):
    g = np.gcd.reduce(Y, axis=1)
    keep = g > 0
    Y = Y[keep] // g[keep, None]
    first = np.argmax(Y != 0, axis=1)
    Y = Y * np.sign(Y[np.arange(Y.shape[0]), first])[:, None]
    return Y[first_distinct_int_rows(Y)]


def _small(Y) -> bool:
    return isinstance(Y, np.ndarray) and (Y.size == 0 or int(np.max(np.abs(Y))) < _SAFE)


def _as_rows(Y):
    """int64 array when small, else list of tuples of Python ints."""
    if isinstance(Y, np.ndarray):
        return Y
    if not Y:
        return np.zeros((0, 0), dtype=np.int64)
    mx = max(abs(v) for r in Y for v in r)
    if mx < _SAFE:
        return np.array(Y, dtype=np.int64)
    return [tuple(r) for r in Y]


def _restrict(prefix, h):
    """Distinct restricted hyperplanes of ``prefix`` on ``h^⊥`` in the fraction-free basis (exact)."""
    D = len(h)
    nz = [i for i in range(D) if h[i] != 0]
    p = min(nz, key=lambda i: abs(int(h[i])))
    idx = [i for i in range(D) if i != p]
    if isinstance(prefix, np.ndarray) and int(abs(h[p])) < _SAFE and max(abs(int(v)) for v in h) < _SAFE:
        R = int(h[p]) * prefix[:, idx] - np.outer(prefix[:, p], np.asarray(h, dtype=np.int64)[idx])
        return _as_rows(_canon_np(R))
    hp = int(h[p])
    rows = [[hp * int(r[i]) - int(h[i]) * int(r[p]) for i in idx] for r in (prefix.tolist() if isinstance(prefix, np.ndarray) else prefix)]
    return _as_rows([list(t) for t in canonical_hyperplanes(rows)])


def _chi3(Y):
    """χ of ``m`` distinct planes in R³: ``t³ − m t² + (Σ a_k) t − Σ_{k≥1}(a_k − 1)``."""
    m = len(Y)
    if m == 0:
        return [0, 0, 0, 1]
    if isinstance(Y, np.ndarray) and _small(Y) and int(np.max(np.abs(Y))) < 2**20:
        jj, kk = np.nonzero(np.tri(m, m, -1, dtype=bool).T)
        a, b = Y[jj], Y[kk]
        c = np.stack([a[:, 1] * b[:, 2] - a[:, 2] * b[:, 1], a[:, 2] * b[:, 0] - a[:, 0] * b[:, 2],
                      a[:, 0] * b[:, 1] - a[:, 1] * b[:, 0]], axis=1)
        c = np.concatenate([kk[:, None], _prim_sign(c)], axis=1)
        a_sum = first_distinct_int_rows(c).shape[0]
    else:
        rows = Y.tolist() if isinstance(Y, np.ndarray) else Y
        keys = set()
        for k in range(m):
            yk = rows[k]
            for j in range(k):
                yj = rows[j]
                c = (yj[1] * yk[2] - yj[2] * yk[1], yj[2] * yk[0] - yj[0] * yk[2], yj[0] * yk[1] - yj[1] * yk[0])
                keys.add((k,) + canonical_hyperplanes([c])[0])
        a_sum = len(keys)
    # Σ_{k≥1} (a_k − 1) = a_sum − (m − 1)
    return [-(a_sum - (m - 1)), a_sum, -m, 1]


def _prim_sign(c):
    g = np.gcd.reduce(c, axis=1)
    c = c // g[:, None]
    first = np.argmax(c != 0, axis=1)
    return c * np.sign(c[np.arange(c.shape[0]), first])[:, None]


def _chi_key(Y, D):
    """A key of the arrangement of the int64 rows ``Y`` up to their order (χ does not depend on it), or None."""
    if not isinstance(Y, np.ndarray) or Y.shape[0] == 0:
        return None
    S = np.ascontiguousarray(Y[np.lexsort(Y.T[::-1])])
    return D, S.shape, S.tobytes()


def _chi(Y, D, memo=None):
    """Coefficients (low to high) of χ of the distinct integer rows ``Y`` in dimension ``D``.

    ``memo`` maps arrangements already counted in this call (:func:`_chi_key`) to their χ: symmetric
    arrangements such as the resonance arrangement restrict to the same sub-arrangements again and again."""
    m = len(Y)
    if m == 0:
        return [0] * D + [1]
    if D == 1:
        return [-1, 1]
    if D == 2:
        return [m - 1, -m, 1]
    key = _chi_key(Y, D) if memo is not None else None
    if key is not None and key in memo:
        return memo[key]
    coef = _chi3(Y) if D == 3 else _chi_deletion(Y, D, memo)
    if key is not None:
        memo[key] = coef
    return coef


def _chi_deletion(Y, D, memo):
    """χ by deletion–restriction over the rows of ``Y`` (``D ≥ 4``)."""
    m = len(Y)
    coef = [0] * D + [1]
    rows = Y
    for k in range(m):
        h = rows[k]
        prefix = rows[:k]
        sub = _restrict(prefix, h) if k else (np.zeros((0, D - 1), dtype=np.int64))
        c = _chi(sub, D - 1, memo)
        for i, v in enumerate(c):
            coef[i] -= v
    return coef


def charpoly_coefficients(X) -> list[int]:
    """Integer coefficients ``[c_0, …, c_d]`` (low to high) of ``χ_A`` for the arrangement ``{x_i^⊥}`` in R^d."""
    X = np.asarray(X)
    d = X.shape[1]
    rows = _as_rows([list(t) for t in canonical_hyperplanes(integer_rows(X))])
    if isinstance(rows, np.ndarray) and rows.size == 0:
        return [0] * d + [1]
    return _chi(rows, d, {})


def characteristic_polynomial(X, t=None):
    """Characteristic polynomial ``χ_A(t)`` of the central arrangement ``{x_i^⊥ : x_i ≠ 0}`` (SymPy ``Poly``).

    Exact for integer and floating-point input (floats are read as the rationals they are).  Zaslavsky:
    ``r(A) = (−1)^d χ(−1)`` regions (:func:`count_regions`).

    Parameters
    ----------
    X : array_like (n, d)
    t : sympy.Symbol, optional
        Variable of the polynomial (default ``t``).

    Examples
    --------
    >>> characteristic_polynomial([[1, 0, 0], [0, 1, 0], [0, 0, 1]]).as_expr()
    t**3 - 3*t**2 + 3*t - 1
    >>> braid3 = [[1, -1, 0], [1, 0, -1], [0, 1, -1]]
    >>> characteristic_polynomial(braid3).as_expr()
    t**3 - 3*t**2 + 2*t
    """
    import sympy

    from .._validation import check_matrix

    X = check_matrix(X, name="X", func="characteristic_polynomial")
    t = sympy.Symbol("t") if t is None else t
    coef = charpoly_coefficients(X)
    return sympy.Poly(list(reversed(coef)), t, domain="ZZ")


def count_regions(X) -> int:
    """Exact number of regions (full-dimensional cells) of ``{x_i^⊥}``: ``(−1)^d χ(−1)`` (Zaslavsky).

    >>> count_regions([[1, 0], [0, 1], [1, 1]])
    6
    >>> import itertools
    >>> count_regions([v for v in itertools.product([0, 1], repeat=4) if any(v)])  # resonance, d = 4
    370
    """
    from .._validation import check_matrix

    X = check_matrix(X, name="X", func="count_regions")
    coef = charpoly_coefficients(X)
    d = X.shape[1]
    return (-1) ** d * sum(c * (-1) ** i for i, c in enumerate(coef))
