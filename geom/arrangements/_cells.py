"""LP-free cell enumeration of a central hyperplane arrangement (deletion–restriction, docs/theory.md §B.4).

The regions (open cells) of ``A = {y_1^⊥, …, y_m^⊥}`` are built from restrictions, never from LPs:

*Unrolled incremental construction.*  Let ``A_k = {y_1^⊥..y_k^⊥}``.  Every region ``R`` of ``A`` has a facet;
let ``H = y_{k+1}^⊥`` be its facet of largest index.  No later hyperplane meets ``R`` (it would be a facet of
larger index), so ``R`` is already a region of ``A_{k+1}``, and its facet on ``H`` is a region ``F`` of the
restriction ``A_k^H`` (an arrangement one dimension down).  Hence, with ``z_F`` a witness of ``F``,

    regions(A) = distinct sign vectors of { z_F ± ε_F y_{k+1} : k = 0..m−1, F ∈ regions(A_k^H) },

where ``ε_F = ½ min_{j≤k} |y_j·z_F| / |y_j·y_{k+1}|`` keeps ``z_F ± ε_F y_{k+1}`` inside the two regions of
``A_{k+1}`` adjacent to ``F`` (Zaslavsky's ``r(A) = r(A∖H) + r(A^H)`` made constructive).  The restrictions are
computed by the same recursion; dimension 2 (sort the lines by angle) and dimension 3 (all restrictions at once,
vectorized over the pairs of planes) are closed forms.

Restrictions use the fraction-free basis ``b_i = h_p e_i − h_i e_p`` of ``h^⊥``: integer data stay integers
(exact in float64 below 2**52), so equal restricted hyperplanes are merged by exact comparison of primitive
integer rows; other data are merged when ``1 − |cos| <`` :attr:`Tolerances.parallel`.

Everything here is floating point.  Nothing is trusted: the caller certifies every witness exactly and the
completeness of the list by an independent exact count (:mod:`geom.arrangements._charpoly`).
"""

from __future__ import annotations

import numpy as np

from ..kernels import first_distinct_int_rows, packed_first_distinct
from ..tolerances import DEFAULT_TOLERANCES, Tolerances

__all__ = ["cell_witnesses", "distinct_hyperplanes", "level_witnesses"]

_INT_LIMIT = 2.0**52
_BLOCK = 2**16
"""Products per block of planes in the 3-D step computation (small arrangements: one block)."""


def distinct_hyperplanes(Y: np.ndarray, integral: bool, tol: Tolerances = DEFAULT_TOLERANCES):
    """Representatives of the distinct hyperplanes ``y^⊥`` among the nonzero rows of ``Y``.

    Returns ``(reps, integral)``: rows (primitive integer rows when ``integral``, unit rows otherwise) and
    whether the subtree may keep using exact integer arithmetic.
    """
    if Y.shape[0] == 0:
        return Y, integral
    if integral and np.max(np.abs(Y)) < _INT_LIMIT:
        Yi = Y.astype(np.int64)
        g = np.gcd.reduce(Yi, axis=1)
        keep = g > 0
        Yi = Yi[keep] // g[keep, None]
        first = np.argmax(Yi != 0, axis=1)
        sgn = np.sign(Yi[np.arange(Yi.shape[0]), first])
        Yi = Yi * sgn[:, None]
        return Yi[first_distinct_int_rows(Yi)].astype(np.float64), True
    norms = np.linalg.norm(Y, axis=1)
    keep = norms > 0
    Yn = Y[keep] / norms[keep, None]
    if Yn.shape[0] <= 1:
        return Yn, False
    G = np.abs(Yn @ Yn.T) > 1.0 - tol.parallel
    rep = np.argmax(G, axis=0)  # first row parallel to each row
    return Yn[np.unique(rep)], False


def _restrict(Yp: np.ndarray, h: np.ndarray, integral: bool):
    """Rows of ``Yp`` restricted to ``h^⊥`` in the fraction-free basis, and the lifting matrix ``B``."""
    D = h.shape[0]
    nz = np.flatnonzero(h)
    if integral:
        p = nz[np.argmin(np.abs(h[nz]))]
    else:
        p = nz[np.argmax(np.abs(h[nz]))]
    idx = np.delete(np.arange(D), p)
    B = np.zeros((D, D - 1))
    B[idx, np.arange(D - 1)] = h[p]
    B[p, :] = -h[idx]
    if not integral:
        B /= abs(h[p])
    return Yp @ B, B


def _children(Z: np.ndarray, h: np.ndarray, Yp: np.ndarray) -> np.ndarray:
    """Both sides ``z ± ε h`` of restricted witnesses ``z ∈ h^⊥``, with ``ε`` from the prefix rows ``Yp``."""
    hn = h / np.linalg.norm(h)
    eps = np.ones(Z.shape[0])
    if Yp.shape[0]:
        b = np.abs(Yp @ hn)
        use = np.flatnonzero(b > 0)
        if use.size:
            YsT = np.ascontiguousarray((Yp[use] / b[use, None]).T)  # |y·z| / |y·h| as one product
            step = max(32, 2**17 // use.size)
            for s in range(0, Z.shape[0], step):
                e = 0.5 * np.min(np.abs(Z[s:s + step] @ YsT), axis=1)
                eps[s:s + step] = np.where(np.isfinite(e), e, 1.0)
    step = eps[:, None] * hn[None, :]
    return np.concatenate([Z + step, Z - step])


def _unit_rows(C: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    norms = np.linalg.norm(C, axis=1)
    return C / np.where(norms > 0, norms, 1.0)[:, None], norms


def _dedup(C: np.ndarray, Y: np.ndarray, tol: Tolerances, chunk: int | None = None,
           antipodal: bool = False) -> np.ndarray:
    """Unit witnesses with trusted, pairwise distinct float sign vectors, in first-seen order.

    A candidate is trusted when every ``|ŷ_j·ĉ| > witness_margin`` (unit rows and candidate).  Works on
    ``chunk`` candidates at a time and keeps only their bit-packed sign vectors, so that the
    ``(candidates × m)`` sign matrix never exists whole (docs/theory.md §B.4).  With ``antipodal`` the
    candidates stand for themselves and their negations: each is first turned to the positive side of the
    first row, so that one witness of each pair of opposite regions is kept.
    """
    if C.shape[0] == 0:
        return C
    Yu = _unit_rows(Y)[0]
    YuT = np.ascontiguousarray(Yu.T)
    chunk = chunk or max(32, 2**17 // max(Y.shape[0], 1))  # about 1 MiB of products: the passes stay in cache
    keep_rows, keys = [], []
    for s in range(0, C.shape[0], chunk):
        Cc, norms = _unit_rows(C[s:s + chunk])
        P = Cc @ YuT
        if antipodal:
            s = np.where(P[:, :1] < 0, -1.0, 1.0)
            P *= s
            Cc = Cc * s
        key = np.packbits(P > 0, axis=1)
        np.abs(P, out=P)
        ok = (P.min(axis=1) > tol.witness_margin) & (norms > 0)
        keep_rows.append(Cc[ok])
        keys.append(key[ok])
        del P
    C = np.concatenate(keep_rows)
    return C[packed_first_distinct(np.concatenate(keys))]


def _cells_1d(Y):
    return np.array([[1.0], [-1.0]])


def _cells_2d(Y, half=False):
    """Regions of ``m`` distinct lines through the origin of the plane: the ``2m`` open sectors (``half``: the
    ``m`` sectors whose opposites are the others)."""
    phi = np.mod(np.arctan2(Y[:, 0], -Y[:, 1]), np.pi)  # direction (-y1, y0) of each line, angle mod π
    phi = np.sort(phi)
    nxt = np.concatenate([phi[1:], phi[:1] + np.pi])
    psi = 0.5 * (phi + nxt)
    Z = np.stack([np.cos(psi), np.sin(psi)], axis=1)
    return Z if half else np.concatenate([Z, -Z])


def _cross(a, b):
    """Row-wise cross products (without ``np.cross``'s axis bookkeeping)."""
    return np.stack([a[:, 1] * b[:, 2] - a[:, 2] * b[:, 1],
                     a[:, 2] * b[:, 0] - a[:, 0] * b[:, 2],
                     a[:, 0] * b[:, 1] - a[:, 1] * b[:, 0]], axis=1)


def _plane_bases(Yn):
    """Orthonormal bases ``(e1, e2)`` of the planes ``y^⊥`` for unit rows ``y`` (vectorized)."""
    m = Yn.shape[0]
    a = np.zeros_like(Yn)
    a[np.arange(m), np.argmin(np.abs(Yn), axis=1)] = 1.0
    e1 = _cross(Yn, a)
    e1 /= np.linalg.norm(e1, axis=1)[:, None]
    e2 = _cross(Yn, e1)
    return e1, e2


def _cells_3d(Y, tol, dedup=True, half=False, planes=None):
    """All restrictions of a 3-D arrangement at once: the sectors of plane ``k`` cut by lines ``j < k``.

    The sector angles of every plane come from one vectorized pass over the ``m(m−1)/2`` pairs; the steps
    ``ε`` are computed plane by plane over the prefix rows only (``O(k²)`` numbers for plane ``k``), so memory
    stays ``O(m²)`` (docs/theory.md §B.4).  The candidates are closed under negation (``ε`` is the same for
    ``z`` and ``−z``): only one half is computed and deduplicated (``half``: only that half is returned).
    ``planes`` (a ``range`` of consecutive levels) keeps only those levels: the pairs ``j < k`` of the planes
    ``k`` in it, so that a caller can take the candidates a bounded batch at a time.
    """
    m = Y.shape[0]
    Yn = Y / np.linalg.norm(Y, axis=1)[:, None]
    lo, hi = (0, m) if planes is None else (max(planes.start, 0), min(planes.stop, m))
    cands = [Yn[:1]] if lo == 0 < hi else []
    first = max(lo, 1)
    base = first * (first - 1) // 2  # pairs of the planes before the range
    if hi > first:
        e1, e2 = _plane_bases(Yn)
        if planes is None:
            jj, kk = np.nonzero(np.tri(m, m, -1, dtype=bool).T)  # all pairs j < k
        else:  # the pairs of planes first..hi-1, in the same order (by k, then j)
            ks_ = np.arange(first, hi)
            kk = np.repeat(ks_, ks_)
            jj = np.arange(kk.size) - np.repeat(np.cumsum(ks_) - ks_, ks_)
        c = _cross(Yn[jj], Yn[kk])
        phi = np.mod(np.arctan2(np.einsum("ij,ij->i", c, e2[kk]), np.einsum("ij,ij->i", c, e1[kk])), np.pi)
        del c, jj
        order = np.lexsort((phi, kk))
        ks, ph = kk[order], phi[order]
        del order, phi, kk
        start = np.concatenate([[True], ks[1:] != ks[:-1]])
        seg_first = np.maximum.accumulate(np.where(start, np.arange(ks.size), 0))
        end = np.concatenate([ks[1:] != ks[:-1], [True]])
        nxt = np.empty_like(ph)
        nxt[:-1] = ph[1:]
        nxt[end] = ph[seg_first[end]] + np.pi
        psi = 0.5 * (ph + nxt)
        Z = np.cos(psi)[:, None] * e1[ks] + np.sin(psi)[:, None] * e2[ks]
        # ε is the same for z and −z: ½ min_{j<k} |y_j·z| / |y_j·y_k|, plane k's sectors being rows off..off+k
        eps = np.empty(Z.shape[0])
        absG = np.abs(Yn[first:hi] @ Yn[:hi - 1].T)  # |y_k·y_j| for the planes k of the range, j < k
        ka = first
        while ka < hi:  # a block of planes [ka, kb): rows off(ka)..off(kb), prefix columns j < kb − 1
            kb = ka + 1
            while kb < hi and (kb * (kb + 1) // 2 - ka * (ka - 1) // 2) * kb <= _BLOCK:
                kb += 1
            r0, r1, cols = ka * (ka - 1) // 2 - base, kb * (kb - 1) // 2 - base, kb - 1
            b = absG[ks[r0:r1] - first, :cols]
            use = (b > 0) & (np.arange(cols)[None, :] < ks[r0:r1, None])
            with np.errstate(divide="ignore", invalid="ignore"):
                ratio = np.abs(Z[r0:r1] @ Yn[:cols].T) / b
            e = 0.5 * np.min(np.where(use, ratio, np.inf), axis=1)
            eps[r0:r1] = np.where(np.isfinite(e), e, 1.0)
            ka = kb
        step = eps[:, None] * Yn[ks]
        cands += [Z + step, Z - step]
    C = np.concatenate(cands) if cands else np.zeros((0, 3))
    if dedup:
        C = _dedup(C, Yn, tol, antipodal=True)
    return C if half else np.concatenate([C, -C])


def cell_witnesses(Y: np.ndarray, *, integral: bool = False, tol: Tolerances = DEFAULT_TOLERANCES,
                   progress=None, dedup: bool = True, levels=None, memo: dict | None = None,
                   half: bool = False) -> np.ndarray:
    """Float witnesses, one per region, of the arrangement of the distinct nonzero rows ``Y`` (m × D).

    ``Y``'s rows must be pairwise non-parallel (see :func:`distinct_hyperplanes`).  ``progress`` (a callable
    taking an increment) is advanced once per top-level hyperplane.  The result is *uncertified*.  With
    ``dedup=False`` the top level returns every candidate ``z_F ± ε_F y_{k+1}`` (a region may then have several
    witnesses; the caller keeps one per exactly certified sign vector), which saves a float pass when the
    caller certifies anyway.  ``levels`` restricts the top level to those ``k`` (``D ≥ 4``; for ``D = 3`` a
    ``range`` of consecutive levels; ignored below): the levels of any partition of ``range(m)`` together give
    every region, so a caller can certify them batch by batch.
    ``memo`` maps sub-arrangements already solved in this call to their witnesses: integer data (symmetric
    arrangements such as the resonance arrangement) restrict to the same integer rows again and again.  The
    regions of a central arrangement come in opposite pairs, and so do the candidates (``−z`` has the opposite
    children of ``z``): with ``half=True`` only one of each pair is returned (the result and its negation are
    the answer), which halves the caller's checks.

    Examples
    --------
    >>> cell_witnesses(np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])).shape   # the 8 octants
    (8, 3)
    """
    m, D = Y.shape
    if m == 0:
        return np.zeros((1, D))
    if D == 1:
        return _cells_1d(Y)[:1] if half else _cells_1d(Y)
    if D == 2:
        return _cells_2d(Y, half=half)
    if D == 3:
        out = _cells_3d(Y, tol, dedup=dedup, half=half, planes=levels)
        if progress is not None:
            progress(m if levels is None else len(levels))
        return out
    Yn, Yunit = _level_rows(Y, integral)
    if memo is None and integral:
        memo = {}
    parts = level_witnesses(Yn, Yunit, range(m) if levels is None else levels, integral=integral, tol=tol,
                            progress=progress, memo=memo, half=True)
    if not parts:
        return np.zeros((0, D))
    C = np.concatenate(parts)
    del parts
    C = _dedup(C, Yunit, tol, antipodal=True) if dedup else _unit_rows(C)[0]
    return C if half else np.concatenate([C, -C])


def _level_rows(Y, integral):
    """The rows the recursion restricts (exact integers when ``integral``) and their unit rows."""
    Yn = Y if integral else Y / np.linalg.norm(Y, axis=1)[:, None]
    return Yn, Yn / np.linalg.norm(Yn, axis=1)[:, None]


def level_witnesses(Yn, Yunit, levels, *, integral: bool, tol: Tolerances = DEFAULT_TOLERANCES,
                    progress=None, memo: dict | None = None, half: bool = False) -> list[np.ndarray]:
    """Candidates of the given top levels ``k`` of the recursion: ``±y_1`` for ``k = 0``, else both sides of
    the regions of the restriction ``A_k^{H_{k+1}}`` (docs/theory.md §B.4).  Levels are independent: any
    partition of ``range(m)`` gives, together, the candidates of :func:`cell_witnesses`.  With ``half`` only
    one of each pair of opposite candidates (their negations are the others)."""
    parts = []
    for k in levels:
        if k == 0:
            u = Yn[:1] / np.linalg.norm(Yn[0])
            parts += [u] if half else [u, -u]
            continue
        h = Yn[k]
        Yr, B = _restrict(Yn[:k], h, integral)
        reps, sub_integral = distinct_hyperplanes(Yr, integral, tol)
        if memo is not None and sub_integral:  # one order per set of rows: the regions do not depend on it
            reps = np.ascontiguousarray(reps[np.lexsort(reps.T[::-1])])
        key = (reps.shape, reps.tobytes(), sub_integral) if memo is not None and sub_integral else None
        Wr = memo.get(key) if key is not None else None
        if Wr is None:
            Wr = cell_witnesses(reps, integral=sub_integral, tol=tol, memo=memo if sub_integral else None,
                                half=True)
            if key is not None:
                memo[key] = Wr
        Z = Wr @ B.T
        Z /= np.linalg.norm(Z, axis=1)[:, None]
        ch = _children(Z, h, Yunit[:k])  # the children of −z are the negated children of z
        parts.append(ch if half else np.concatenate([ch, -ch]))
        if progress is not None:
            progress(1)
    return parts
