"""Exact enumeration of activation patterns ``diag(1[Xu ≥ 0])`` (docs/theory.md §A.2, §B).

Pipeline of :func:`enumerate_patterns`:

1. *Canonical rows, exactly.*  Rows are read as rationals and scaled to primitive integers; zero rows are
   always active; positively parallel rows share every sign; antiparallel rows share a hyperplane.  The exact
   rank ``r`` and ``r`` pivot columns ``J`` essentialize the arrangement (``{Xu} = {X_J v}``).
2. *Regions* by the LP-free deletion–restriction recursion (:mod:`._cells`), in floating point.
3. *Certificates.*  Every region witness is checked exactly (float filter with Higham's bound, rational
   arithmetic for the undecided entries): soundness.  The number of distinct certified regions is compared with
   an exact count: Cover's ``C(m, r)`` when it matches (this also proves general position, since a dependent
   set of ``≤ r`` rows removes a no-broken-circuit set), otherwise ``(−1)^r χ(−1)`` from the exact
   characteristic polynomial: completeness.
4. *Ties* (``ties="geq"``): patterns of lower-dimensional cells that no region has (docs/theory.md §B.2), from the
   positively dependent flats (:mod:`._ties`), with exact integer witnesses.
"""

from __future__ import annotations

import contextlib
import math
import sys
import time
from dataclasses import dataclass, field, replace
from fractions import Fraction

import numpy as np

from .._validation import check_int, check_matrix, check_option
from ..exact import (dyadic_integers, exact_rank, exact_sign_keys, exact_sign_matrix, integer_rows, pivot_columns,
                     primitive_direction, scaled_float_rows)
from ..exceptions import PrecisionWarning, ProblemTooLargeError
from ..kernels import hashed_distinct, packed_first_distinct, packed_hashes, packed_lex_order
from ..tolerances import DEFAULT_TOLERANCES, Tolerances
from ._cells import cell_witnesses, level_witnesses
from ._charpoly import charpoly_coefficients, cover_count
from ._exact_cells import (distinct_regions, exact_cell_witnesses, exact_region_signs, level_candidates,
                           restricted_hyperplanes)
from ._ties import closed_flats

__all__ = ["Patterns", "enumerate_patterns", "TIES_OPTIONS"]

TIES_OPTIONS = ("geq", "regions")
_EXACT_FLOAT = 2**53
_SMALL_EXACT = 12
"""Arrangements with at most this many hyperplanes are enumerated by the exact recursion directly."""
_CHARPOLY_BUDGET = 2_000_000
"""Flats (``Σ_{j<r} binom(m, j)``) up to which the exact count is computed before refusing on Cover's bound."""
_REMAP_CHUNK = 65536
"""Patterns unpacked at a time when columns are reordered (bounded temporaries)."""


class _LazyPatterns:
    """The ``patterns`` field of :class:`Patterns`: stored bit-packed, unpacked to booleans on first access
    (then cached).  Given explicitly (``Patterns(patterns=...)``, ``dataclasses.replace``), it wins over
    ``packed``, which is then recomputed from it."""

    def __get__(self, obj, objtype=None):
        if obj is None:
            return None  # the dataclass default
        P = obj.__dict__.get("_patterns")
        if P is None:
            P = np.unpackbits(obj.packed, axis=1, count=obj.n_data).astype(bool)
            obj.__dict__["_patterns"] = P
        return P

    def __set__(self, obj, value):
        absent = value is None or isinstance(value, _LazyPatterns)  # the default passed by __init__
        obj.__dict__["_patterns"] = None if absent else np.asarray(value, dtype=bool)


@dataclass(frozen=True)
class Patterns:
    """Activation patterns of a data matrix, with witnesses and certificates.

    Attributes
    ----------
    patterns : ndarray of bool, shape (P, n)
        Distinct patterns ``1[X u ≥ 0]``, in lexicographic order (row 0 most significant, ``False < True``).
        Unpacked from ``packed`` on first access (then cached): large enumerations that only count, stream
        or store should read ``packed``.
    packed : ndarray of uint8, shape (P, ceil(n / 8))
        ``np.packbits(patterns, axis=1)``: the patterns at one bit per entry, the form the enumeration keeps.
    n_data : int
        ``n``, the number of data rows (columns of ``patterns``).
    witnesses : ndarray of float64, shape (P, d)
        One ``u`` per pattern with ``1[X u ≥ 0] = pattern`` exactly (in rational arithmetic), except for the
        rows listed in ``integer_witnesses``.  With ``bias=True`` the last coordinate is the bias.
    integer_witnesses : tuple of (int, tuple of int)
        ``(row, u)`` for the patterns whose region is too thin for any nearby float64 vector: ``u`` is an
        exact integer witness (the float row then holds its rounding, which need not have the pattern).
    is_region : ndarray of bool, shape (P,)
        Which patterns are patterns of regions (full-dimensional cells); the rest are tie-only.
    count : int
        ``P``.
    n_regions : int
        Number of distinct, exactly verified region patterns found.
    exact_regions : int or None
        The exact number of regions (Cover's formula or ``|χ(−1)|``), when it was computed.
    rank : int
        Exact rank of the (augmented) data matrix.
    general_position : bool
        Every set of at most ``rank`` rows is linearly independent (no zero or parallel rows included).
    certified : bool
        Every pattern was verified exactly *and* the set is proved complete: the distinct verified regions
        number exactly ``exact_regions`` and, with ``ties="geq"``, every closed flat was visited
        (docs/theory.md §B.5).
    ties : str
        ``"geq"`` (all of ``𝒟_≥``) or ``"regions"`` (only ``𝒟_reg``).
    bias : bool
        Whether a ones column was appended to ``X``.
    count_certificate : str
        ``"cover"`` (count equals Cover's formula), ``"charpoly"`` (equals ``|χ(−1)|``) or ``"none"``.
    n_exact_checks : int
        Sign entries that the float filter left to exact rational arithmetic.
    exact_fallback : bool
        Whether the exact integer recursion had to complete the float enumeration.
    seconds : float
        Wall-clock time of the enumeration.
    """

    witnesses: np.ndarray = field(repr=False)
    count: int
    n_regions: int
    rank: int
    general_position: bool
    certified: bool
    ties: str
    bias: bool
    count_certificate: str
    n_exact_checks: int
    seconds: float
    exact_regions: int | None = None
    is_region: np.ndarray = field(default=None, repr=False)
    integer_witnesses: tuple = field(default=(), repr=False)
    exact_fallback: bool = False
    patterns: np.ndarray = field(default=_LazyPatterns(), repr=False)
    packed: np.ndarray = field(default=None, repr=False)
    n_data: int | None = None

    def __post_init__(self):
        P = self.__dict__.get("_patterns")
        if P is not None:  # explicit booleans win (dataclasses.replace passes both)
            object.__setattr__(self, "packed", np.packbits(P, axis=1))
            object.__setattr__(self, "n_data", int(P.shape[1]))
        elif self.packed is None or self.n_data is None:
            raise TypeError("Patterns needs either patterns or packed and n_data")

    @property
    def n_tie_only(self) -> int:
        """Tie-only patterns (of lower-dimensional cells only)."""
        return int(self.count - np.count_nonzero(self.is_region))

    @property
    def region_patterns(self) -> np.ndarray:
        """The region patterns only (``𝒟_reg``), the pool the convex program needs (docs/theory.md §B.1)."""
        return self.patterns[self.is_region]

    def to_dict(self) -> dict:
        """Summary for JSON (no arrays).  ``regions`` is the exact region count, absent when not computed;
        ``regions_found`` is the number of distinct verified region patterns."""
        out = {"count": self.count, "regions_found": self.n_regions, "rank": self.rank,
               "general_position": self.general_position, "certified": self.certified, "ties": self.ties,
               "bias": self.bias, "count_certificate": self.count_certificate,
               "n_exact_checks": self.n_exact_checks, "exact_fallback": self.exact_fallback,
               "seconds": self.seconds}
        if self.exact_regions is not None:
            out["regions"] = int(self.exact_regions)
        return out

    def _repr_html_(self) -> str:
        from ..display import patterns_html
        return patterns_html(self)


@dataclass
class _Core:
    patterns: np.ndarray  # (P, ceil(m/8)) bit-packed over the oriented rows, lexicographically sorted
    witnesses: np.ndarray  # (P, d)
    is_region: np.ndarray  # (P,)
    inexact: dict  # pattern row -> integer witness (d coordinates)
    n_regions: int
    exact_regions: int | None
    certified: bool
    gp_hyperplanes: bool
    count_certificate: str
    n_exact: int
    fallback: bool


def _dot(a, b) -> int:
    return sum(int(x) * int(y) for x, y in zip(a, b))


def _same_signs(w: np.ndarray, u, rows) -> bool:
    """Exactly: does the float vector ``w`` have the signs (zeros included) of the integer vector ``u``?"""
    if not np.all(np.isfinite(w)):
        return False
    wq = dyadic_integers(w)  # (w over one power of two: the same signs)
    for r in rows:
        a = _dot(r, u)
        b = sum(int(x) * q for x, q in zip(r, wq))
        if (a > 0) != (b > 0) or (a == 0) != (b == 0):
            return False
    return True


def _float_witness(u: list[int], rows) -> np.ndarray | None:
    """A float64 vector with exactly the signs of the integer vector ``u`` on the integer ``rows``, or None.

    First ``u`` rounded; the exact children ``N z ± h`` sit close to a hyperplane relative to their size, so
    when the rounding leaves the cell, a well-centred point is asked of a float LP (HiGHS: the largest margin
    ``t`` with ``s_i ŷ_i·w ≥ t`` on unit rows ``ŷ_i``, ``‖w‖_∞ ≤ 1``) and checked exactly like any proposal.
    Only regions too thin for float64 are left without one.
    """
    w = _rounded(u)
    if _same_signs(w, u, rows):
        return w
    if any(_dot(r, u) == 0 for r in rows):  # a witness on a flat (tie-only pattern): the LP does not apply
        return None
    from scipy.optimize import linprog

    Y = scaled_float_rows(rows)
    Y = Y / np.linalg.norm(Y, axis=1)[:, None]
    sgn = np.array([1.0 if _dot(r, u) > 0 else -1.0 for r in rows])
    D = Y.shape[1]
    A = np.hstack([-(sgn[:, None] * Y), np.ones((Y.shape[0], 1))])  # t − s_i ŷ_i·w ≤ 0
    res = linprog(np.r_[np.zeros(D), -1.0], A_ub=A, b_ub=np.zeros(Y.shape[0]),
                  bounds=[(-1.0, 1.0)] * D + [(0.0, 1.0)], method="highs")
    if res.status != 0:
        return None
    w = np.asarray(res.x[:D], dtype=np.float64)
    return w if _same_signs(w, u, rows) else None


def _exact_count(exact_rows_J, r, max_int) -> int:
    coef = charpoly_coefficients(np.array(exact_rows_J, dtype=object) if max_int >= 2**62
                                 else np.array(exact_rows_J))
    return (-1) ** r * sum(c * (-1) ** i for i, c in enumerate(coef))


def _check_budget(mh: int, r: int, cover: int, exact_rows_J, max_int, max_patterns):
    """Refuse up front when the region count exceeds ``max_patterns`` (exact count when cheap, else Cover)."""
    if max_patterns is None or cover <= max_patterns:
        return None
    flats = sum(math.comb(mh, j) for j in range(r))
    if flats <= _CHARPOLY_BUDGET:
        exact = _exact_count(exact_rows_J, r, max_int)
        if exact <= max_patterns:
            return exact
        what = f"exactly {exact:,} regions (|χ(−1)|)"
    else:
        what = f"up to {cover:,} regions (Cover's bound for {mh} hyperplanes of rank {r})"
    raise ProblemTooLargeError(
        f"The 'max_patterns' parameter of enumerate_patterns is {max_patterns:,}, but the arrangement has {what}; "
        "raise max_patterns (CLI: --max-patterns) to enumerate it anyway.")


def _float_rows(hyp_rows, exact_rows_J, float_rows, hyp_first, orient, J, max_int):
    """Float rows for the float recursion, same directions as the exact rows: exact when possible."""
    if max_int < 2**52:
        return np.array(exact_rows_J, dtype=np.float64), True
    if float_rows is not None:
        Y = np.asarray(float_rows, dtype=np.float64)[hyp_first][:, J]
        Y = Y * np.array(orient, dtype=np.float64)[hyp_first][:, None]
        e = np.frexp(np.max(np.abs(Y), axis=1))[1]
        return np.ldexp(Y, -e[:, None]), False  # power-of-two scaling: exact, and no under/overflow later
    return scaled_float_rows(exact_rows_J), False


def _blas_single_thread():
    """The float stage's products have an inner dimension ``D`` of a few units: memory-bound, where BLAS threads
    only add overhead (and stall badly on a loaded machine).  One BLAS thread while they run, when
    ``threadpoolctl`` is installed."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - optional
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def _first_distinct(S: np.ndarray) -> np.ndarray:
    """Indices of the first occurrence of each distinct row of the boolean matrix ``S``, in order."""
    if S.shape[0] == 0:
        return np.zeros(0, dtype=np.int64)
    return packed_first_distinct(np.packbits(S, axis=1))


def _pad_mask(m: int) -> int:
    """The bits of the last byte of ``np.packbits`` rows of length ``m`` that are signs (not padding)."""
    return (0xFF << (8 - m % 8)) & 0xFF if m % 8 else 0xFF


def _with_opposites(K, W, m: int):
    """Sign keys and witnesses of one region of each opposite pair, completed by the opposite regions: the
    signs of ``−w`` are exactly the complement of those of ``w`` when ``w`` is on no hyperplane."""
    Kc = ~K
    if Kc.shape[1]:
        Kc[:, -1] &= _pad_mask(m)
    return np.concatenate([K, Kc]), np.concatenate([W, -W])


def _certified_candidates(rows, W, Yf, margin):
    """Exactly certified, pairwise distinct pairs of opposite regions among the candidate witnesses ``W`` and
    their negations: ``(keys, W, hashes, n_exact)`` with ``keys`` the bit-packed exact sign vectors
    (:func:`~geom.exact.exact_sign_keys`) of the member of each pair on the positive side of the first row, in
    increasing order of their :func:`~geom.kernels.packed_hashes` (:func:`_with_opposites` adds the others).

    Of several witnesses of one region, one whose float margin ``min_j |y_j·ŵ| / max_j ‖y_j‖`` exceeds
    ``margin`` is preferred (a choice among certified witnesses, never a certificate)."""
    K, valid, min_abs, n_exact = exact_sign_keys(rows, W, Yf=Yf)
    if Yf is not None and len(rows):
        scale = float(np.max(np.linalg.norm(Yf, axis=1)))
    else:
        scale = 2.0 * math.sqrt(W.shape[1])  # scaled_float_rows: largest entry of each row in [1, 2)
    robust = min_abs > margin * scale * np.linalg.norm(W, axis=1)
    idx = np.concatenate([np.flatnonzero(valid & robust), np.flatnonzero(valid & ~robust)])
    K, W = K[idx], W[idx]
    if K.shape[1]:  # a valid witness is on no hyperplane: −w has exactly the complementary signs
        flip = (K[:, 0] & 0x80) != 0
        K[flip] = ~K[flip]
        K[flip, -1] &= _pad_mask(len(rows))
        W[flip] = -W[flip]
    h = packed_hashes(K)
    keep = hashed_distinct(K, h)
    return K[keep], W[keep], h[keep], n_exact


def _merge_hashed(Ks, Ws, hs):
    """Distinct rows of several batches each in hash order (earlier batches win ties), in hash order: the
    stable sort of the concatenated hashes merges the sorted runs in linear time."""
    if len(Ks) == 1:
        return Ks[0], Ws[0], hs[0]
    K, W, h = np.concatenate(Ks), np.concatenate(Ws), np.concatenate(hs)
    keep = hashed_distinct(K, h, stable=True)
    return K[keep], W[keep], h[keep]


def _level_task(Y, integral, tol, levels, rows, exact_float):
    """One Dask task: the candidates of some top levels of the recursion, certified exactly and deduplicated
    (module level, so that it pickles)."""
    from ._cells import _level_rows, _unit_rows

    Yn, Yunit = _level_rows(Y, integral)
    with np.errstate(all="ignore"), _blas_single_thread():
        parts = level_witnesses(Yn, Yunit, levels, integral=integral, tol=tol, half=True)
        W = _unit_rows(np.concatenate(parts))[0] if parts else np.zeros((0, Y.shape[1]))
        return _certified_candidates(rows, W, Y if exact_float else None, tol.witness_margin)


def _distributed_candidates(scheduler, Y, integral, tol, rows, exact_float, progress, n_tasks):
    """Top levels of the recursion as Dask tasks (``client.map``), merged on the caller:
    ``(keys, W, hashes, n_exact)``."""
    from dask.distributed import Client, as_completed

    own = not isinstance(scheduler, Client)
    client = Client(scheduler) if own else scheduler
    try:
        m = Y.shape[0]
        n_tasks = max(1, min(n_tasks or 4 * max(1, len(client.scheduler_info().get("workers", {}))), m))
        # interleaved levels: level k costs about k^(D-1), so every task gets a similar share
        groups = [list(range(t, m, n_tasks)) for t in range(n_tasks)]
        futures = client.map(_level_task, [Y] * n_tasks, [integral] * n_tasks, [tol] * n_tasks, groups,
                             [rows] * n_tasks, [exact_float] * n_tasks, pure=False)
        Ks, Ws, hs, n_exact = [], [], [], 0
        for fut, (K, W, h, ne) in as_completed(futures, with_results=True):
            Ks.append(K)
            Ws.append(W)
            hs.append(h)
            n_exact += ne
            if progress is not None:
                progress(len(groups[futures.index(fut)]))
            fut.release()
    finally:
        if own:
            client.close()
    return (*_merge_hashed(Ks, Ws, hs), n_exact)


_LEVEL_BATCHES = 16
"""Batches of top levels certified one after the other (``D ≥ 4``), so candidates never exist all at once."""


def _level_batches(m: int, D: int) -> list:
    """Consecutive top levels in about ``_LEVEL_BATCHES`` groups of similar work (level ``k`` costs about
    ``k^(D−1)``); ``[None]`` (everything at once) below 4-D, where the closed forms have no levels."""
    if D <= 3 or m <= 1:
        return [None]
    w = np.cumsum(np.arange(m, dtype=np.float64) ** (D - 1))
    cut = np.searchsorted(w, w[-1] * np.arange(1, _LEVEL_BATCHES) / _LEVEL_BATCHES)
    edges = np.unique(np.concatenate([[0], cut, [m]]))
    return [range(int(a), int(b)) for a, b in zip(edges[:-1], edges[1:]) if b > a]


def _regions(exact_rows_J, Y, integral, r, cover, max_int, tol, progress, exact=None, scheduler=None,
             n_tasks=None):
    """Distinct exactly verified region sign vectors over the hyperplanes (bit-packed), completed and certified.

    ``exact`` is the exact region count when the caller already has it (it is computed otherwise).  With a
    ``scheduler`` (and ``D ≥ 4``) the top levels run as Dask tasks."""
    m, D = len(exact_rows_J), len(exact_rows_J[0])
    exact_float = max_int < 2**52 or integral
    Yf = Y if exact_float else None
    n_exact = 0
    K_half, W_half, h_half = None, None, None  # one region of each opposite pair
    for attempt in (tol, replace(tol, witness_margin=0.0)):
        if scheduler is not None and D >= 4:
            K, W, h, ne = _distributed_candidates(scheduler, Y, integral, attempt, exact_rows_J, exact_float,
                                                  progress, n_tasks)
        else:
            Ks, Ws, hs, ne, merged = [], [], [], 0, 0
            for batch in _level_batches(m, D):  # certified batch by batch: candidates never exist all at once
                with np.errstate(all="ignore"):  # the float stage only proposes; every witness is checked exactly
                    W = cell_witnesses(Y, integral=integral, tol=attempt, progress=progress, dedup=False,
                                       levels=batch, half=True)
                K, W, h, nb_exact = _certified_candidates(exact_rows_J, W, Yf, tol.witness_margin)
                Ks.append(K)
                Ws.append(W)
                hs.append(h)
                ne += nb_exact
                if sum(k.shape[0] for k in Ks) > 2 * merged:  # merge when the pending rows double: O(log) merges
                    K, W, h = _merge_hashed(Ks, Ws, hs)
                    Ks, Ws, hs, merged = [K], [W], [h], K.shape[0]
            K, W, h = _merge_hashed(Ks, Ws, hs)
            del Ks, Ws, hs
        progress = None
        n_exact += ne
        if K_half is None:
            K_half, W_half, h_half = K, W, h
        else:
            K_half, W_half, h_half = _merge_hashed([K_half, K], [W_half, W], [h_half, h])
        del K, W, h
        K_all, W_all = _with_opposites(K_half, W_half, m)
        if K_all.shape[0] == cover:
            return K_all, W_all, {}, cover, "cover", True, n_exact, False
        if exact is None:
            exact = _exact_count(exact_rows_J, r, max_int)
        if K_all.shape[0] >= exact or D <= 3:  # below 4-D no float stage depends on the margin
            break
    del K_half, W_half, h_half
    fallback = False
    inexact = {}
    consistent = True
    if K_all.shape[0] < exact:
        fallback = True
        S_all = np.unpackbits(K_all, axis=1, count=m).astype(bool)
        us, keys, consistent = _missing_regions(exact_rows_J, S_all, D, exact)
        del S_all
        wits = _repair_witnesses(us, exact_rows_J, K_all.shape[0], inexact)
        if us:
            K_all = np.concatenate([K_all, np.packbits(np.array(keys, dtype=bool).reshape(-1, m), axis=1)])
            W_all = np.concatenate([W_all, np.array(wits, dtype=np.float64).reshape(-1, D)])
    ok = consistent and K_all.shape[0] == exact
    how = ("cover" if exact == cover else "charpoly") if ok else "none"  # Cover's count proves general position
    return K_all, W_all, inexact, exact, how, ok, n_exact, fallback


def _certified_witnesses(rows, dim: int) -> list[tuple[int, ...]]:
    """Integer witnesses of every region of the distinct primitive integer ``rows`` in ``R^dim``.

    The float recursion proposes, the exact sign test keeps the distinct verified regions, and only the
    levels found deficient (docs/theory.md §B.6) are recomputed, recursively, one dimension down: the thin
    regions cost exact work, the rest runs at float speed.
    """
    rows = [tuple(int(v) for v in r) for r in rows]
    if dim <= 3 or len(rows) <= _SMALL_EXACT:
        return exact_cell_witnesses(rows, dim)
    max_int = max(abs(v) for r in rows for v in r)
    if max_int < 2**52:
        Y, integral = np.array(rows, dtype=np.float64), True
    else:
        Y, integral = scaled_float_rows(rows), False
    with np.errstate(all="ignore"):
        W = cell_witnesses(Y, integral=integral)
    S, valid, _ = exact_sign_matrix(rows, W, Yf=Y if integral else None)
    idx = np.flatnonzero(valid)
    keep = idx[_first_distinct(S[idx])]
    out = [tuple(dyadic_integers(W[i])) for i in keep]  # (the same ray, integral)
    coef = charpoly_coefficients(np.array(rows, dtype=object if max_int >= 2**62 else np.int64))
    exact = (-1) ** dim * sum(c * (-1) ** i for i, c in enumerate(coef))
    if len(out) < exact:
        us, _, _ = _missing_regions(rows, S[keep], dim, exact)
        out.extend(us)
    return out


def _missing_regions(rows, S, dim: int, exact: int):
    """``(witnesses, sign vectors, consistent)`` of the regions of ``rows`` missing from the sign vectors ``S``:
    the deficient levels (:func:`_deficient_levels`) recomputed with exact integer witnesses.

    ``consistent`` is the cross-check of two exact counts: ``1 + Σ_k r(A_k^{H_{k+1}})`` (deletion–restriction,
    level by level) must equal ``exact`` (the caller's count), or nothing may be certified.
    """
    need = _level_counts(rows)
    seen = {np.packbits(row).tobytes() for row in S}
    us, keys = [], []
    for k in _deficient_levels(S, need):
        cands, ckeys = distinct_regions(rows, level_candidates(rows, k, dim, regions_of=_certified_witnesses))
        for u, key in zip(cands, ckeys):
            kb = np.packbits(key).tobytes()
            if kb not in seen:
                seen.add(kb)
                us.append(tuple(u))
                keys.append(key)
    return us, keys, 1 + sum(need) == exact


def _repair_witnesses(us, exact_rows_J, offset: int, inexact: dict) -> list:
    """Float witnesses of the exact interior points ``us`` of missing regions; where none is certified in floats
    the rounded point is used and the exact one recorded in ``inexact`` (key: ``offset`` + its position)."""
    wits = []
    for u in us:
        w = _float_witness(list(u), exact_rows_J)
        if w is None:
            inexact[offset + len(wits)] = list(u)
            w = _rounded(u)
        wits.append(w)
    return wits


def _rounded(u) -> np.ndarray:
    e = max(max(abs(v) for v in u).bit_length() - 60, 0)
    return np.array([float(Fraction(v, 1 << e)) for v in u])


def _level_counts(exact_rows_J) -> list[int]:
    """``r(A_k^{H_{k+1}})`` for every level ``k`` (exact, by the characteristic polynomial of each restriction;
    ``r(A_1) = 2`` so level 0 counts 1)."""
    D = len(exact_rows_J[0])
    out = [1]
    for k in range(1, len(exact_rows_J)):
        reps, _, _ = restricted_hyperplanes(exact_rows_J, k)
        big = max((abs(v) for r in reps for v in r), default=0)
        arr = np.array(reps, dtype=object if big >= 2**62 else np.int64).reshape(len(reps), D - 1)
        coef = charpoly_coefficients(arr) if len(reps) else [0] * (D - 1) + [1]
        out.append((-1) ** (D - 1) * sum(c * (-1) ** i for i, c in enumerate(coef)))
    return out


def _deficient_levels(S, need) -> list[int]:
    """Levels ``k`` where fewer regions of ``A_k`` are seen split by ``H_{k+1}`` than the restriction has.

    A region ``R`` whose facet of largest index is ``H_{k+1}`` is a whole region of ``A_{k+1}``; if ``R`` is
    missing from ``S``, the pair ``(R, R')`` across that facet is missing at level ``k`` and nowhere else, so
    recomputing the deficient levels exactly completes the list.  ``need[k]`` is ``r(A_k^{H_{k+1}})``
    (:func:`_level_counts`).
    """
    m = S.shape[1]
    if S.shape[0] < 2:
        return list(range(m))
    order = np.lexsort(S.T[::-1])  # lexicographic: every prefix class is a run
    Ss = S[order]
    first_diff = np.argmax(Ss[1:] != Ss[:-1], axis=1)
    split = np.bincount(first_diff, minlength=m)  # prefix-(k+1) classes minus prefix-k classes
    return [k for k in range(m) if split[k] < need[k]]


def _tie_patterns(rows, d, m):
    """Tie-only patterns from the closed flats (docs/theory.md §B.5), with exact integer witnesses."""
    flats, complete = closed_flats(rows)
    pats, wits, inexact = [], [], {}
    for Z, Nb, k in flats:
        others = [j for j in range(m) if j not in Z]
        sub = [[sum(rows[j][a] * Nb[a][c] for a in range(d)) for c in range(k)] for j in others]
        if k == 0:
            regions = {(): ()}
        else:
            regions = exact_region_signs(sub, k)
        for _, w in regions.items():
            u = [sum(Nb[a][c] * w[c] for c in range(k)) for a in range(d)]
            g = math.gcd(*u) if any(u) else 1
            u = [v // g for v in u]
            pats.append([_dot(r, u) >= 0 for r in rows])
            fw = _float_witness(u, rows)
            if fw is None:
                inexact[len(wits)] = u
                fw = _rounded(u)
            wits.append(fw)
    return pats, wits, inexact, complete


def _remap_columns(K: np.ndarray, n_src: int, cols: np.ndarray, flip: np.ndarray) -> np.ndarray:
    """Bit-packed patterns with column ``c`` taken from source column ``cols[c]`` (``-1``: always ``True``) and
    negated where ``flip[c]``; a chunk at a time, so only ``_REMAP_CHUNK`` rows are ever unpacked."""
    if cols.size == n_src and np.array_equal(cols, np.arange(n_src)):
        return K ^ np.packbits(flip)[None, :] if flip.any() else K  # flips only: xor with a packed mask
    src = np.where(cols < 0, n_src, cols)
    out = np.empty((K.shape[0], (cols.size + 7) // 8), dtype=np.uint8)
    for s in range(0, K.shape[0], _REMAP_CHUNK):
        B = np.unpackbits(K[s:s + _REMAP_CHUNK], axis=1, count=n_src).astype(bool)
        B = np.concatenate([B, np.ones((B.shape[0], 1), bool)], axis=1)[:, src] ^ flip[None, :]
        out[s:s + _REMAP_CHUNK] = np.packbits(B, axis=1)
    return out


def _sorted_distinct(K: np.ndarray):
    """``(keep, repeated)``: indices that sort the packed rows ``K`` lexicographically, first occurrence of each
    distinct row only, and whether any row was repeated."""
    order = packed_lex_order(K)
    if order.size <= 1:
        return order, False
    Ks = K[order]
    new = np.concatenate([[True], np.any(Ks[1:] != Ks[:-1], axis=1)])
    return order[new], not bool(new.all())


def _hyperplanes(rows):
    """The essentialized hyperplanes of oriented rows: ``(hyp_idx, orient, hyp_rows, hyp_first, r, J, mh, max_int,
    exact_rows_J)`` -- the hyperplane of each row and its orientation, the distinct primitive rows, the first row
    of each, the exact rank, the pivot columns, their number, the largest entry and the rows on ``J``."""
    hyp_key, hyp_idx, orient = {}, [], []
    for r in rows:
        key, s = primitive_direction(r)
        hyp_idx.append(hyp_key.setdefault(key, len(hyp_key)))
        orient.append(s)
    hyp_rows = [list(k) for k in hyp_key]
    hyp_first = [hyp_idx.index(h) for h in range(len(hyp_rows))]
    r = exact_rank(hyp_rows)
    J = pivot_columns(hyp_rows)
    max_int = max(abs(v) for row in hyp_rows for v in row)
    exact_rows_J = [[row[j] for j in J] for row in hyp_rows]
    return hyp_idx, orient, hyp_rows, hyp_first, r, J, len(hyp_rows), max_int, exact_rows_J


def _core(rows: list[list[int]], d: int, float_rows, want_ties: bool, tol: Tolerances, progress,
          max_patterns=None, scheduler=None, n_tasks=None) -> _Core:
    """Patterns over oriented rows (nonzero integer rows, no two positively parallel), bit-packed and sorted."""
    m = len(rows)
    if m == 0:
        return _Core(np.zeros((1, 0), np.uint8), np.zeros((1, d)), np.ones(1, bool), {}, 1, 1, True, True,
                     "cover", 0, False)
    hyp_idx, orient, hyp_rows, hyp_first, r, J, mh, max_int, exact_rows_J = _hyperplanes(rows)
    cover = cover_count(mh, r)
    known = _check_budget(mh, r, cover, exact_rows_J, max_int, max_patterns)
    Y, integral = _float_rows(hyp_rows, exact_rows_J, float_rows, hyp_first, orient, J, max_int)
    with _blas_single_thread():
        K_h, W, inexact_J, exact, how, certified, n_exact, fallback = _regions(
            exact_rows_J, Y, integral, r, cover, max_int, tol, progress, exact=known, scheduler=scheduler,
            n_tasks=n_tasks)
    gp = how == "cover"
    K = _remap_columns(K_h, mh, np.array(hyp_idx), np.array(orient) < 0)
    del K_h
    n_reg = K.shape[0]
    U = np.zeros((n_reg, d))
    U[:, J] = W
    del W
    inexact = {}
    for i, wJ in inexact_J.items():
        u = [0] * d
        for c, j in enumerate(J):
            u[j] = wJ[c]
        inexact[i] = u
    pats, wits, is_reg = [K], [U], [np.ones(n_reg, bool)]
    if want_ties:
        if certified and gp and mh == m:
            full = np.packbits(np.ones((1, m), bool), axis=1)
            if not np.any(np.all(K == full, axis=1)):  # u = 0 is tie-only iff no region is all-active (Gordan)
                pats.append(full)
                wits.append(np.zeros((1, d)))
                is_reg.append(np.zeros(1, bool))
        else:
            tp, tw, tin, complete = _tie_patterns(rows, d, m)
            certified &= complete
            for i, u in tin.items():
                inexact[n_reg + i] = u
            if tp:
                pats.append(np.packbits(np.array(tp, dtype=bool), axis=1))
                wits.append(np.array(tw, dtype=np.float64))
                is_reg.append(np.zeros(len(tp), bool))
    if len(pats) > 1:
        K, U, R = np.concatenate(pats), np.concatenate(wits), np.concatenate(is_reg)
    else:
        R = is_reg[0]
    del pats, wits
    keep, repeated = _sorted_distinct(K)
    if repeated:  # closed flats give disjoint pattern sets: a repeat means a broken invariant
        certified = False
    if inexact:
        remap = {int(old): new for new, old in enumerate(keep)}
        inexact = {remap[i]: u for i, u in inexact.items() if i in remap}
    return _Core(K[keep], U[keep], R[keep], inexact, n_reg, exact, bool(certified), gp, how, n_exact,
                 fallback)


def _progress_bar(total, enabled):
    if not enabled or not sys.stderr.isatty():
        return None, None
    from tqdm import tqdm

    bar = tqdm(total=total, desc="patterns", unit="hyperplane", leave=False)
    return bar, bar.update


def _check_bias(bias, func: str) -> None:
    if not isinstance(bias, (bool, np.bool_)):
        from ..exceptions import InvalidInputTypeError
        from .._validation import message

        raise InvalidInputTypeError(message("bias", func, "a bool", repr(bias)))


def _canonical_rows(X: np.ndarray, bias: bool):
    """Step 1 of the pipeline on a validated ``X``: ``(n, d, zero, oriented_idx, rows, float_rows)`` -- the zero
    rows, the index of each nonzero row among the distinct primitive integer ``rows`` (positively parallel rows
    merged) and their float64 values when usable."""
    if np.issubdtype(X.dtype, np.floating) and X.dtype != np.float64:
        X = X.astype(np.float64)
    if bias:
        X = np.concatenate([X, np.ones((X.shape[0], 1), dtype=X.dtype)], axis=1)
    n, d = X.shape
    ints = integer_rows(X)
    zero = np.array([not any(r) for r in ints], dtype=bool)
    keys, oriented_idx, reps = {}, np.full(n, -1), []
    for i, r in enumerate(ints):
        if zero[i]:
            continue
        k = tuple(r)
        if k not in keys:
            keys[k] = len(reps)
            reps.append(i)
        oriented_idx[i] = keys[k]
    rows = [ints[i] for i in reps]
    float_rows = None
    if np.issubdtype(X.dtype, np.floating) or (X.size and np.max(np.abs(X)) < _EXACT_FLOAT):
        float_rows = np.asarray(X, dtype=np.float64)[reps]
    return n, d, zero, oriented_idx, rows, float_rows


def enumerate_patterns(X, *, bias: bool = False, ties: str = "geq", tol: Tolerances = DEFAULT_TOLERANCES,
                       progress: bool = False, max_patterns: int | None = None, scheduler=None) -> Patterns:
    """Every activation pattern ``diag(1[Xu ≥ 0])``, exactly, with a certified witness each (docs/theory.md §B).

    Parameters
    ----------
    X : array_like (n, d)
        Data; integer or floating (any array library: exact work runs on the CPU on the exact values).
    bias : bool, default False
        Append a ones column (regularized bias, docs/theory.md §A.6); witnesses then have ``d + 1`` coordinates.
    ties : {"geq", "regions"}, default "geq"
        ``"geq"``: all of ``𝒟_≥ = {1[Xu ≥ 0] : u ∈ R^d}``, tie-only patterns of lower-dimensional cells
        included (docs/theory.md §B.1–B.2); ``"regions"``: only the full-dimensional cells ``𝒟_reg`` (which suffice for
        the convex program, docs/theory.md §B.1).  Zero rows are active (``0 ≥ 0``) under both.
    tol : Tolerances
        Float-stage tolerances (they never change a certified answer).
    progress : bool
        Show a progress bar on a terminal.
    max_patterns : int, optional
        Refuse up front (:class:`~geom.exceptions.ProblemTooLargeError`) when the arrangement has more regions.
    scheduler : str or dask.distributed.Client, optional
        Run the top levels of the deletion–restriction recursion (independent subtrees, ``D ≥ 4``) as Dask
        tasks on this cluster (a scheduler address or a client); ``None`` runs everything here.  Each task
        certifies its witnesses exactly; the count certificate is checked here, on the merged set.

    Returns
    -------
    Patterns

    Notes
    -----
    Memory: the patterns are kept bit-packed (``Patterns.packed``) throughout; sign vectors are certified and
    deduplicated a chunk of witnesses at a time, so no ``(candidates × n)`` array exists.

    Soundness: every witness's signs are verified exactly.  Completeness: the number of regions equals Cover's
    ``2 Σ_{k<r} binom(m−1, k)`` (general position) or the exact ``|χ(−1)|``.  Tie-only patterns come from the
    positively dependent flats (exact LPs in GMP rationals).  ``certified`` is ``False`` only if a float stage
    failed; a :class:`~geom.exceptions.PrecisionWarning` is then issued.

    Examples
    --------
    >>> P = enumerate_patterns([[1, 0], [-1, 0], [0, 1]])     # docs/theory.md §B.2
    >>> P.count, P.n_regions, P.certified
    (6, 4, True)
    >>> ["".join(str(int(b)) for b in p) for p in P.patterns]
    ['010', '011', '100', '101', '110', '111']
    >>> enumerate_patterns([[-1.0], [0.0], [1.0], [2.0]], bias=True).count   # docs/theory.md §B.3: 2n distinct
    8
    """
    t0 = time.perf_counter()
    func = "enumerate_patterns"
    X = check_matrix(X, name="X", func=func)
    check_option(ties, TIES_OPTIONS, name="ties", func=func)
    if max_patterns is not None:
        max_patterns = check_int(max_patterns, name="max_patterns", func=func, minimum=1)
    _check_bias(bias, func)
    n, d, zero, oriented_idx, rows, float_rows = _canonical_rows(X, bias)
    bar, upd = _progress_bar(len(rows), progress)
    try:
        core = _core(rows, d, float_rows, ties == "geq", tol, upd, max_patterns, scheduler=scheduler)
    finally:
        if bar is not None:
            bar.close()
    K = _remap_columns(core.patterns, len(rows), np.where(zero, -1, oriented_idx), np.zeros(n, bool))
    if K is core.patterns:  # same columns: already sorted
        order = np.arange(K.shape[0])
        W, is_region = core.witnesses, core.is_region
    else:
        order = packed_lex_order(K)
        K, W, is_region = K[order], core.witnesses[order], core.is_region[order]
    count = int(K.shape[0])
    core.patterns = None
    integer_witnesses = ()
    if core.inexact:
        position = {int(old): new for new, old in enumerate(order)}
        integer_witnesses = tuple(sorted((position[i], tuple(int(v) for v in u)) for i, u in core.inexact.items()))
    rank = exact_rank(rows) if rows else 0
    # docs/theory.md §B.2: every set of ≤ r rows independent.  A zero row is a dependent 1-set; two parallel rows
    # are a dependent 2-set, which matters only when r ≥ 2.
    distinct_lines = len({primitive_direction(r)[0] for r in rows})
    gp = bool(core.gp_hyperplanes and not zero.any() and (rank <= 1 or distinct_lines == n))
    if not core.certified:
        import warnings

        warnings.warn("enumerate_patterns: the pattern set could not be proved complete (certified=False): "
                      f"{core.n_regions} verified regions of {core.exact_regions} exist", PrecisionWarning,
                      stacklevel=2)
    return Patterns(packed=K, n_data=n, witnesses=W, count=count, n_regions=int(core.n_regions), rank=rank,
                    general_position=gp, certified=bool(core.certified), ties=ties, bias=bool(bias),
                    count_certificate=core.count_certificate, n_exact_checks=int(core.n_exact),
                    seconds=time.perf_counter() - t0, exact_regions=core.exact_regions, is_region=is_region,
                    integer_witnesses=integer_witnesses, exact_fallback=bool(core.fallback))
