"""Exact enumeration of activation patterns ``diag(1[Xu ≥ 0])`` (SPEC.md §A.2, §B).

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
4. *Ties* (``ties="geq"``): patterns of lower-dimensional cells that no region has (SPEC.md §B.2), from the
   positively dependent flats (:mod:`._ties`), with exact integer witnesses.
"""

from __future__ import annotations

import math
import sys
import time
from dataclasses import dataclass, field, replace
from fractions import Fraction

import numpy as np

from .._validation import check_matrix, check_option
from ..exact import certify_signs, exact_rank, integer_rows, pivot_columns, primitive_direction
from ..exceptions import PrecisionWarning
from ..kernels import pack_patterns, unique_pattern_indices
from ..tolerances import DEFAULT_TOLERANCES, Tolerances
from ._cells import cell_witnesses
from ._charpoly import charpoly_coefficients, cover_count
from ._ties import positively_dependent_flats

__all__ = ["Patterns", "enumerate_patterns", "TIES_OPTIONS"]

TIES_OPTIONS = ("geq", "regions")
_EXACT_FLOAT = 2**53


@dataclass(frozen=True)
class Patterns:
    """Activation patterns of a data matrix, with witnesses and certificates.

    Attributes
    ----------
    patterns : ndarray of bool, shape (P, n)
        Distinct patterns ``1[X u ≥ 0]``, in lexicographic order (row 0 most significant, ``False < True``).
    witnesses : ndarray of float64, shape (P, d)
        One ``u`` per pattern with ``1[X u ≥ 0] = pattern`` (exactly, in rational arithmetic).  With
        ``bias=True`` the last coordinate is the bias.
    count : int
        ``P``.
    n_regions : int
        Number of full-dimensional cells (regions) of the arrangement.
    rank : int
        Exact rank of the (augmented) data matrix.
    general_position : bool
        Every set of at most ``rank`` rows is linearly independent (no zero or parallel rows included).
    certified : bool
        Every witness was verified exactly and the region count matched an exact count.
    ties : str
        ``"geq"`` (all of ``𝒟_≥``) or ``"regions"`` (only ``𝒟_reg``).
    bias : bool
        Whether a ones column was appended to ``X``.
    count_certificate : str
        ``"cover"`` (count equals Cover's formula) or ``"charpoly"`` (equals ``|χ(−1)|``) or ``"none"``.
    n_exact_checks : int
        Sign entries that the float filter left to exact rational arithmetic.
    seconds : float
        Wall-clock time of the enumeration.
    """

    patterns: np.ndarray = field(repr=False)
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

    @property
    def n_tie_only(self) -> int:
        """Patterns of lower-dimensional cells only (``count − n_regions``)."""
        return self.count - self.n_regions

    def to_dict(self) -> dict:
        """Summary for JSON (no arrays)."""
        return {"count": self.count, "regions": self.n_regions, "rank": self.rank,
                "general_position": self.general_position, "certified": self.certified, "ties": self.ties,
                "bias": self.bias, "count_certificate": self.count_certificate,
                "n_exact_checks": self.n_exact_checks, "seconds": self.seconds}


@dataclass
class _Core:
    patterns: np.ndarray  # (P, m) over the oriented rows
    witnesses: np.ndarray  # (P, d)
    n_regions: int
    certified: bool
    gp_hyperplanes: bool
    count_certificate: str
    n_exact: int


def _exact_pattern(rows, u):
    return [sum(a * b for a, b in zip(r, u)) >= 0 for r in rows]


def _integer_witness(w, rows, want):
    """An integer vector with the exact ``≥``-pattern ``want`` on integer ``rows``, near the float ``w``."""
    w = np.asarray(w, dtype=np.float64)
    if w.size == 0:
        return []
    if np.all(w == np.round(w)) and np.max(np.abs(w)) < _EXACT_FLOAT:
        wi = [int(v) for v in w]
        if _exact_pattern(rows, wi) == want:
            return wi
    mx = float(np.max(np.abs(w))) or 1.0
    for s in (6, 12, 20, 28, 36, 44, 52):
        wi = [int(round(v / mx * 2.0**s)) for v in w]
        if _exact_pattern(rows, wi) == want:
            return wi
    return None


def _certify_exact_only(rows, W, S):
    n_exact = 0
    for w, s in zip(W, S):
        wq = [Fraction(float(v)) for v in w]
        for r, sp in zip(rows, s):
            n_exact += 1
            val = sum((a * b for a, b in zip(r, wq)), Fraction(0))
            if val == 0 or (val > 0) != bool(sp):
                return False, n_exact
    return True, n_exact


def _core(rows: list[list[int]], d: int, float_rows, want_ties: bool, tol: Tolerances, progress) -> _Core:
    """Patterns over oriented rows (nonzero integer rows, no two positively parallel)."""
    m = len(rows)
    if m == 0:
        return _Core(np.ones((1, 0), bool), np.zeros((1, d)), 1, True, True, "cover", 0)
    hyp_key, hyp_idx, orient = {}, [], []
    for r in rows:
        key, s = primitive_direction(r)
        hyp_idx.append(hyp_key.setdefault(key, len(hyp_key)))
        orient.append(s)
    hyp_rows = [list(k) for k in hyp_key]
    hyp_first = [hyp_idx.index(h) for h in range(len(hyp_rows))]
    r = exact_rank(hyp_rows)
    J = pivot_columns(hyp_rows)
    mh = len(hyp_rows)
    max_int = max(abs(v) for row in hyp_rows for v in row)
    exact_rows_J = [[row[j] for j in J] for row in hyp_rows]
    if max_int < 2**52:
        Y = np.array(exact_rows_J, dtype=np.float64)
        integral, Ycert = True, Y
    elif float_rows is not None:
        Y = np.asarray(float_rows, dtype=np.float64)[hyp_first][:, J]
        Y = Y * np.array(orient, dtype=np.float64)[hyp_first][:, None]  # hyperplane orientation of the key
        integral, Ycert = False, Y
    else:
        Y = np.array([[float(v) for v in row] for row in exact_rows_J])
        integral, Ycert = False, None
    cover = cover_count(mh, r)
    exact_count = None
    # A second pass trusts every nonzero float sign (margin 0): it can only add candidates, and whatever it
    # returns is certified afterwards in exactly the same way.
    for attempt in (tol, replace(tol, witness_margin=0.0, parallel=0.0)):
        W = cell_witnesses(Y, integral=integral, tol=attempt, progress=progress)
        progress = None
        S_h = np.concatenate([(W[s:s + 65536] @ Y.T) > 0 for s in range(0, W.shape[0], 65536)])
        if Ycert is not None:
            ok, n_exact = certify_signs(Ycert, W, S_h)
        else:
            ok, n_exact = _certify_exact_only(exact_rows_J, W, S_h)
        N = W.shape[0]
        if N == cover:
            count_ok, gp, how = True, True, "cover"
        else:
            if exact_count is None:
                coef = charpoly_coefficients(np.array(exact_rows_J, dtype=object) if max_int >= 2**62
                                             else np.array(exact_rows_J))
                exact_count = (-1) ** r * sum(c * (-1) ** i for i, c in enumerate(coef))
            count_ok, gp, how = N == exact_count, False, ("charpoly" if N == exact_count else "none")
        if ok and count_ok:
            break
    certified = bool(ok and count_ok)
    S = S_h[:, hyp_idx] ^ (np.array(orient) < 0)[None, :]
    U = np.zeros((N, d))
    U[:, J] = W
    pats, wits = [S], [U]
    if want_ties and not np.any(np.all(S, axis=1)):
        if gp and mh == m:
            pats.append(np.ones((1, m), bool))
            wits.append(np.zeros((1, d)))
        else:
            for Z, Nb in positively_dependent_flats(rows):
                k = len(Nb[0]) if Nb else 0
                others = [j for j in range(m) if j not in Z]
                sub_rows = [[sum(rows[j][a] * Nb[a][c] for a in range(d)) for c in range(k)] for j in others]
                sub = _core(sub_rows, k, None, True, tol, None)
                certified &= sub.certified
                n_exact += sub.n_exact
                for q, w in zip(sub.patterns, sub.witnesses):
                    wi = _integer_witness(w, sub_rows, [bool(b) for b in q])
                    if wi is None:
                        certified = False
                        continue
                    u = [sum(Nb[a][c] * wi[c] for c in range(k)) for a in range(d)]
                    g = math.gcd(*u) if any(u) else 1
                    u = [v // g for v in u]
                    if any(int(float(v)) != v for v in u):  # not exactly representable in float64
                        certified = False
                    pats.append(np.array([_exact_pattern(rows, u)]))
                    wits.append(np.array([u], dtype=np.float64))
    P = np.concatenate(pats)
    Wt = np.concatenate(wits)
    keep = unique_pattern_indices(pack_patterns(P))
    keep = np.sort(keep)
    return _Core(P[keep], Wt[keep], N, certified, gp, how, n_exact)


def _progress_bar(total, enabled):
    if not enabled or not sys.stderr.isatty():
        return None, None
    from tqdm import tqdm

    bar = tqdm(total=total, desc="patterns", unit="hyperplane", leave=False)
    return bar, bar.update


def enumerate_patterns(X, *, bias: bool = False, ties: str = "geq", tol: Tolerances = DEFAULT_TOLERANCES,
                       progress: bool = False) -> Patterns:
    """Every activation pattern ``diag(1[Xu ≥ 0])``, exactly, with a certified witness each (SPEC.md §B).

    Parameters
    ----------
    X : array_like (n, d)
        Data; integer or floating (any array library: exact work runs on the CPU on the exact values).
    bias : bool, default False
        Append a ones column (regularized bias, SPEC.md §A.6); witnesses then have ``d + 1`` coordinates.
    ties : {"geq", "regions"}, default "geq"
        ``"geq"``: all of ``𝒟_≥ = {1[Xu ≥ 0] : u ∈ R^d}``, tie-only patterns of lower-dimensional cells
        included (SPEC.md §B.1–B.2); ``"regions"``: only the full-dimensional cells ``𝒟_reg`` (which suffice for
        the convex program, SPEC.md §B.1).  Zero rows are active (``0 ≥ 0``) under both.
    tol : Tolerances
        Float-stage tolerances (they never change a certified answer).
    progress : bool
        Show a progress bar on a terminal.

    Returns
    -------
    Patterns

    Notes
    -----
    Soundness: every witness's signs are verified exactly.  Completeness: the number of regions equals Cover's
    ``2 Σ_{k<r} binom(m−1, k)`` (general position) or the exact ``|χ(−1)|``.  Tie-only patterns come from the
    positively dependent flats (exact LPs in GMP rationals).  ``certified`` is ``False`` only if a float stage
    failed; a :class:`~geom.exceptions.PrecisionWarning` is then issued.

    Examples
    --------
    >>> P = enumerate_patterns([[1, 0], [-1, 0], [0, 1]])     # SPEC.md §B.2
    >>> P.count, P.n_regions, P.certified
    (6, 4, True)
    >>> ["".join(str(int(b)) for b in p) for p in P.patterns]
    ['010', '011', '100', '101', '110', '111']
    >>> enumerate_patterns([[-1.0], [0.0], [1.0], [2.0]], bias=True).count   # SPEC.md §B.3: 2n distinct
    8
    """
    t0 = time.perf_counter()
    func = "enumerate_patterns"
    X = check_matrix(X, name="X", func=func)
    check_option(ties, TIES_OPTIONS, name="ties", func=func)
    if not isinstance(bias, (bool, np.bool_)):
        from ..exceptions import InvalidInputTypeError
        from .._validation import message

        raise InvalidInputTypeError(message("bias", func, "a bool", repr(bias)))
    if np.issubdtype(X.dtype, np.floating) and X.dtype != np.float64:
        X = X.astype(np.float64)
    if bias:
        X = np.concatenate([X, np.ones((X.shape[0], 1), dtype=X.dtype)], axis=1)
    n, d = X.shape
    ints = integer_rows(X)
    zero = np.array([not any(r) for r in ints])
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
    bar, upd = _progress_bar(len(rows), progress)
    try:
        core = _core(rows, d, float_rows, ties == "geq", tol, upd)
    finally:
        if bar is not None:
            bar.close()
    P = np.ones((core.patterns.shape[0], n), dtype=bool)
    nz = ~zero
    P[:, nz] = core.patterns[:, oriented_idx[nz]]
    order = unique_pattern_indices(pack_patterns(P))
    P, W = P[order], core.witnesses[order]
    rank = exact_rank(rows) if rows else 0
    # SPEC.md §B.2: every set of ≤ r rows independent.  A zero row is a dependent 1-set; two parallel rows
    # are a dependent 2-set, which matters only when r ≥ 2.
    distinct_lines = len({primitive_direction(r)[0] for r in rows})
    gp = bool(core.gp_hyperplanes and not zero.any() and (rank <= 1 or distinct_lines == n))
    if not core.certified:
        import warnings

        warnings.warn("enumerate_patterns: a float stage could not be certified; the pattern set may be "
                      "incomplete (certified=False)", PrecisionWarning, stacklevel=2)
    return Patterns(patterns=P, witnesses=W, count=int(P.shape[0]), n_regions=int(core.n_regions), rank=rank,
                    general_position=gp, certified=bool(core.certified), ties=ties, bias=bool(bias),
                    count_certificate=core.count_certificate, n_exact_checks=int(core.n_exact),
                    seconds=time.perf_counter() - t0)
