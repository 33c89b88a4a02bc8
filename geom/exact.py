"""Exact rational arithmetic at the CPU boundary: integer rows, exact ranks, certified signs.

Floating-point input is a dyadic rational, so every float row ``x`` has a positive multiple ``c·x`` with
integer entries.  Scaling a row by ``c > 0`` does not change its hyperplane nor any sign ``sign(x·u)``, so the
arrangement of the primitive integer rows *is* the arrangement of the data, exactly (docs/theory.md §B, §J.5).

Examples
--------
>>> integer_rows([[0.5, 1.5], [2.0, 0.0]])
[[1, 3], [1, 0]]
>>> exact_rank([[1, 2], [2, 4]])
1
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from .tolerances import gamma

__all__ = ["integer_rows", "dyadic_integers", "exact_rank", "pivot_columns", "exact_signs", "certify_signs",
           "to_fraction_rows", "primitive_direction", "exact_sign_matrix", "exact_sign_keys", "scaled_float_rows"]


def _row_to_int(row) -> list[int]:
    ints = [int(v) for v in row] if all(isinstance(v, (int, np.integer)) for v in row) else dyadic_integers(row)
    g = 0
    for v in ints:
        g = math.gcd(g, v)
    if g > 1:
        ints = [v // g for v in ints]
    return ints


def integer_rows(X) -> list[list[int]]:
    """Primitive integer rows ``c_i x_i`` (``c_i > 0``, gcd 1) of a real matrix given exactly (ints or floats).

    Zero rows stay zero.  Floats are converted exactly (``float.as_integer_ratio``), never rounded.
    """
    arr = np.asarray(X)
    if np.issubdtype(arr.dtype, np.integer) or (arr.dtype == object and all(
            isinstance(v, (int, np.integer)) for v in arr.ravel().tolist())):
        return [_row_to_int([int(v) for v in row]) for row in arr.tolist()]
    return [_row_to_int([float(v) for v in row]) for row in np.asarray(arr, dtype=np.float64)]


def to_fraction_rows(X) -> list[list[Fraction]]:
    """Exact rational values of a real matrix (floats converted exactly)."""
    arr = np.asarray(X)
    if np.issubdtype(arr.dtype, np.integer):
        return [[Fraction(int(v)) for v in row] for row in arr.tolist()]
    return [[Fraction(float(v)) for v in row] for row in np.asarray(arr, dtype=np.float64)]


def primitive_direction(row: list[int]) -> tuple[tuple[int, ...], int]:
    """``(canonical, sign)``: the primitive integer direction with first nonzero entry positive, and the sign
    ``±1`` with ``row = sign · (positive multiple of canonical)``.  Rows on the same line map to one key."""
    for v in row:
        if v != 0:
            s = 1 if v > 0 else -1
            return tuple(s * w for w in row), s
    return tuple(row), 0


def exact_rank(rows) -> int:
    """Exact rank of an integer (or integer-valued) matrix (python-flint)."""
    import flint

    rows = [list(map(int, r)) for r in rows]
    if not rows or not rows[0]:
        return 0
    return int(flint.fmpz_mat(rows).rank())


def pivot_columns(rows) -> list[int]:
    """Indices of columns forming a basis of the column space (pivots of the exact RREF).

    For ``J = pivot_columns(X)``, ``{Xu : u ∈ R^d} = {X[:, J] v : v ∈ R^r}``, so the arrangement of ``X`` is
    the arrangement of ``X[:, J]`` times a linear space: same patterns, witnesses embedded by zero-padding.
    """
    import flint

    rows = [list(map(int, r)) for r in rows]
    R, rank = flint.fmpq_mat(flint.fmpz_mat(rows)).rref()
    piv = []
    for i in range(rank):
        for j in range(R.ncols()):
            if R[i, j] != 0:
                piv.append(j)
                break
    return piv


def exact_signs(Xq: list[list[Fraction]], w) -> list[int]:
    """Exact signs of ``x_i · w`` for rational rows and a float (dyadic) witness ``w``."""
    wq = [Fraction(float(v)) for v in w]
    out = []
    for row in Xq:
        s = sum((a * b for a, b in zip(row, wq)), Fraction(0))
        out.append((s > 0) - (s < 0))
    return out


def certify_signs(X, W, expected_positive, *, chunk: int = 65536):
    """Certify that the witnesses ``W`` have exactly the strict signs ``expected_positive`` on the rows of ``X``.

    A float filter decides each entry whose computed value exceeds Higham's bound
    ``γ_d (|X||W|ᵀ)`` (then the float sign is the exact sign); the remaining entries are decided exactly, in
    integer arithmetic (:func:`_exact_dots`: primitive integer rows times the witness over one power of two).  An
    exact zero fails the certificate (a region witness must avoid every hyperplane).

    Parameters
    ----------
    X : ndarray (n, d)
        Rows given exactly (floats or integers of magnitude < 2**53).
    W : ndarray (N, d) float64
    expected_positive : ndarray (N, n) bool

    Returns
    -------
    (ok, n_exact) : (bool, int)
        Whether every sign matched, and how many entries needed exact arithmetic.
    """
    Xf = np.asarray(X, dtype=np.float64)
    W = np.asarray(W, dtype=np.float64)
    n, d = Xf.shape
    g = gamma(d + 1)
    absX = np.abs(Xf)
    Xq = None
    n_exact = 0
    for s in range(0, W.shape[0], chunk):
        Wc = W[s:s + chunk]
        P = Wc @ Xf.T
        bound = g * (np.abs(Wc) @ absX.T)
        sure = np.abs(P) > bound
        exp = expected_positive[s:s + chunk]
        if np.any(sure & ((P > 0) != exp)):
            return False, n_exact
        for i in np.flatnonzero(~sure.all(axis=1)):
            if Xq is None:  # positive multiples of the rows: the same signs, in integers
                Xq = _object_rows(integer_rows(X), d)
            js = np.flatnonzero(~sure[i])
            vals = _exact_dots(Xq[js], Wc[i])
            n_exact += js.size
            if np.any(vals == 0) or np.any((vals > 0) != exp[i, js]):
                return False, n_exact
    return True, n_exact


def _object_rows(rows, D: int) -> np.ndarray:
    """Integer rows as an ``(m, D)`` object array of Python integers (exact products in :func:`_exact_dots`)."""
    return np.array([[int(v) for v in r] for r in rows], dtype=object).reshape(len(rows), D)


def _exact_dots(R, w) -> np.ndarray:
    """``2**E · (R w)`` exactly, for integer rows ``R`` (:func:`_object_rows`) and a float vector ``w``
    (:func:`dyadic_integers`): the signs of ``R w``, one object-array product for all the rows."""
    return R @ np.array(dyadic_integers(w), dtype=object)


def _scale_exponent(values) -> int:
    """``e`` with ``max |v| · 2**-e`` in ``[1, 2)`` (0 for an all-zero row)."""
    top = max((abs(int(v)) for v in values), default=0)
    return max(top.bit_length() - 1, 0)


def scaled_float_rows(rows) -> np.ndarray:
    """Float64 rows ``≈ 2**-e_i · y_i`` of integer rows of any size: each entry is rounded once, the rows
    keep their hyperplanes and orientations, and the largest entry of each row lies in ``[1, 2)``.

    >>> scaled_float_rows([[3, 2**70], [-6, 0]]).tolist()
    [[2.541098841762901e-21, 1.0], [-1.5, 0.0]]
    """
    out = np.zeros((len(rows), len(rows[0]) if rows else 0))
    for i, r in enumerate(rows):
        e = _scale_exponent(r)
        out[i] = [float(Fraction(int(v), 1 << e)) for v in r]
    return out


def dyadic_integers(w) -> list[int]:
    """Integers ``k_j`` with ``w_j = k_j / 2**E`` for one common ``E ≥ 0``: a float is a dyadic rational, so a
    float vector is an integer vector over one power of two, and ``sign(y·w) = sign(y·k)`` for integer ``y``
    (exact signs in integer arithmetic, without the normalizations of :class:`fractions.Fraction`).

    >>> dyadic_integers([0.5, -3.0, 0.125])
    [4, -24, 1]
    """
    ratios = [float(v).as_integer_ratio() for v in w]
    den = max((d for _, d in ratios), default=1)
    return [num * (den // d) for num, d in ratios]


def _sign_chunks(rows, W, Yf, chunk):
    """Yield ``(start, S, valid, min_abs, n_exact)`` per chunk of witnesses: exact signs ``S = 1[y·w > 0]``.

    Fast path per witness: one scalar bound ``2 γ_{D+2} max|Y_f| ‖w‖₁`` dominates Higham's entrywise bound
    ``γ_{D+2} (|Y_f||w|)_i`` for every row ``i`` (the factor 2 covers the rounding of the bound itself), so a
    witness whose smallest ``|y_i·w|`` exceeds it has every sign decided by the float product.  The other
    witnesses get the entrywise bound, and the entries below it are computed exactly.
    """
    N, D = W.shape
    m = len(rows)
    g = gamma(D + 2)
    absY = np.abs(Yf)
    ymax = float(absY.max()) if m else 0.0
    YfT = np.ascontiguousarray(Yf.T)
    R = None  # the integer rows as an object array (Python integers: exact products), built on first need
    for s in range(0, N, chunk):
        Wc = W[s:s + chunk]
        finite = np.all(np.isfinite(Wc), axis=1)
        if not finite.all():
            Wc = np.where(finite[:, None], Wc, 0.0)
        P = Wc @ YfT
        S = P > 0
        np.abs(P, out=P)
        min_abs = P.min(axis=1) if m else np.full(Wc.shape[0], np.inf)
        valid = finite.copy()
        n_exact = 0
        slow = np.flatnonzero(~(min_abs > 2.0 * g * ymax * np.abs(Wc).sum(axis=1)) & finite)
        if slow.size:
            Ws = Wc[slow]
            Pv = P[slow]
            bound = g * (np.abs(Ws) @ absY.T)
            unsure = ~(Pv > bound)
            if R is None and unsure.any():
                R = _object_rows(rows, D)
            for a in np.flatnonzero(unsure.any(axis=1)):
                i, js = slow[a], np.flatnonzero(unsure[a])
                vals = _exact_dots(R[js], Wc[i])  # the unsure entries, exactly
                n_exact += js.size
                S[i, js] = vals > 0
                if np.any(vals == 0):
                    valid[i] = False
        yield s, S, valid, min_abs, n_exact


_CACHE_FLOATS = 2**17
"""Float64 entries per chunk of a sign computation (about 1 MiB: the chunk's passes stay in cache)."""


def _chunk_rows(m: int, chunk) -> int:
    return int(chunk) if chunk else max(32, _CACHE_FLOATS // max(m, 1))


def exact_sign_keys(rows, W, *, Yf=None, chunk: int | None = None):
    """Exact sign vectors ``1[y_i·w > 0]`` of float witnesses ``W`` on integer ``rows``, bit-packed.

    Same certificate as :func:`exact_sign_matrix` (float filter with Higham's bound, exact rational arithmetic
    below it), computed ``chunk`` witnesses at a time (default: about 1 MiB of products, so the passes over a
    chunk stay in cache) so that no ``(N × m)`` float or boolean array exists: the result is
    ``np.packbits(S, axis=1)`` (``m/8`` bytes per witness).

    Returns
    -------
    (keys, valid, min_abs, n_exact) : (ndarray uint8 (N, ceil(m/8)), ndarray bool (N,), ndarray (N,), int)
        ``min_abs[i]`` is the float ``min_j |y_j·w_i|`` (a robustness measure, not a certificate).

    Examples
    --------
    >>> keys, valid, _, _ = exact_sign_keys([[1, 1], [1, -1]], np.array([[1.0, 0.5], [1.0, 1.0]]))
    >>> np.unpackbits(keys, axis=1, count=2).tolist(), valid.tolist()
    ([[1, 1], [1, 0]], [True, False])
    """
    W = np.asarray(W, dtype=np.float64)
    N = W.shape[0]
    m = len(rows)
    if Yf is None:
        Yf = scaled_float_rows(rows) if m else np.zeros((0, W.shape[1]))
    Yf = np.asarray(Yf, dtype=np.float64)
    keys = np.zeros((N, (m + 7) // 8), dtype=np.uint8)
    valid = np.zeros(N, dtype=bool)
    min_abs = np.zeros(N)
    n_exact = 0
    for s, S, v, mn, ne in _sign_chunks(rows, W, Yf, _chunk_rows(m, chunk)):
        keys[s:s + S.shape[0]] = np.packbits(S, axis=1)
        valid[s:s + S.shape[0]] = v
        min_abs[s:s + S.shape[0]] = mn
        n_exact += ne
    return keys, valid, min_abs, n_exact


def exact_sign_matrix(rows, W, *, Yf=None, chunk: int | None = None):
    """Exact signs ``1[y_i·w > 0]`` of float witnesses ``W`` on integer ``rows``, and which witnesses avoid
    every hyperplane (``y_i·w ≠ 0`` for all ``i``), decided exactly.

    A float filter decides each entry whose computed value exceeds ``γ_{D+2} (|Y_f||w|)``, with ``Y_f`` the
    rows rounded once to float64 (:func:`scaled_float_rows`, or exact floats when given as ``Yf``): one
    rounding of the inputs plus Higham's dot-product bound.  The other entries are computed exactly
    (Python integers times the dyadic witness).  A NaN or infinite witness is never valid.  See
    :func:`exact_sign_keys` for the bit-packed form that large enumerations use.

    Parameters
    ----------
    rows : list of integer rows (m × D)
    W : ndarray (N, D) float64
    Yf : ndarray (m, D), optional
        Float rows with the same directions as ``rows`` (positive row scalings allowed).

    Returns
    -------
    (S, valid, n_exact) : (ndarray bool (N, m), ndarray bool (N,), int)

    Examples
    --------
    >>> S, valid, _ = exact_sign_matrix([[1, 1], [1, -1]], np.array([[1.0, 0.5], [1.0, 1.0]]))
    >>> S.tolist(), valid.tolist()
    ([[True, True], [True, False]], [True, False])
    """
    W = np.asarray(W, dtype=np.float64)
    N = W.shape[0]
    m = len(rows)
    if Yf is None:
        Yf = scaled_float_rows(rows) if m else np.zeros((0, W.shape[1]))
    Yf = np.asarray(Yf, dtype=np.float64)
    S_all = np.zeros((N, m), dtype=bool)
    valid = np.zeros(N, dtype=bool)
    n_exact = 0
    for s, S, v, _, ne in _sign_chunks(rows, W, Yf, _chunk_rows(m, chunk)):
        S_all[s:s + S.shape[0]] = S
        valid[s:s + S.shape[0]] = v
        n_exact += ne
    return S_all, valid, n_exact
