"""Duality of (C) in one place: ``L_β``, ``D(ν)``, the §C.3 certificate and verified escape directions.

Both :func:`geom.solve_convex` (its lower bound) and :func:`geom.certify_net` (its verdict) use these
functions, so a certificate means the same thing wherever it is printed (docs/theory.md §C.1–C.3).

* :func:`network_objective` — ``L_β(θ) = L(f_θ(X)) + (β/2)(‖U‖² + ‖α‖²)`` (docs/theory.md §A.1), and
  :func:`objective_rounding` / :func:`fit_rounding`, bounds on the float64 errors of it and of the fit.
* :func:`dual_function` — ``D(ν) = −L*(−ν)`` (``νᵀy`` in the interpolation limit ``β → 0``, docs/theory.md §G.2).
* :func:`dual_bound` — the scaled certificate: ``ν̃ = ν · min(1, β/φ̄(ν))`` with ``φ̄`` a *rigorous* upper bound
  of ``φ(ν)`` over the pool (:attr:`geom.cones.DualValues.phi_upper`), shrunk by the rounding of the product, so
  ``ν̃`` is dual feasible for the pool and ``D(ν̃)`` (less its own rounding) is a lower bound of the pool's
  ``p*`` — of the true ``p*`` when the pool is the certified complete region set.
* :func:`verify_escapes` — a pattern whose dual value exceeds the threshold is reported only after its escape
  direction ``u`` itself was checked: the exact signs of ``Xu`` (float filter with Higham's bound, rational
  arithmetic where undecided) give the pattern ``u`` really has, and ``±νᵀ(Xu)_+ > threshold · ‖u‖`` is proven
  with a rigorous rounding bound (or exactly).  Such a ``u`` is a new neuron that lowers ``L_β`` for small
  weights whatever the pool: a proof of suboptimality.

Examples
--------
docs/theory.md §I, I9: the width-1 optimum of I1 has residual ``ν = (1, 0.5)``; pattern ``10`` has dual value
``1 > β = 0.5`` and direction ``u = −1``.

>>> import numpy as np
>>> X, nu = np.array([[-1.0], [1.0]]), np.array([1.0, 0.5])
>>> pool = np.array([[False, True], [True, False]])
>>> b = dual_bound(X, np.array([1.0, 2.0]), 0.5, nu, pool, loss="squared")
>>> round(b.phi, 12), round(b.scale, 6)
(1.0, 0.5)
>>> esc = verify_escapes(X, nu, pool, b.values, 0.5)
>>> esc.patterns.astype(int).tolist(), esc.signs.tolist(), esc.values.tolist(), esc.directions.tolist()
([[1, 0]], [1], [1.0], [[-1.0]])
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from fractions import Fraction

import numpy as np

from ._validation import message
from .cones import DualValues, RegionIndex, dual_values
from .exact import to_fraction_rows
from .exceptions import InvalidInputError
from .losses import dual_objective, loss_value
from .tolerances import gamma, unit_roundoff

__all__ = ["pool_from_patterns", "network_objective", "fit_rounding", "objective_rounding", "dual_function",
           "dual_rounding", "DualBound", "dual_bound", "Escapes", "verify_escapes"]

#: ``ν`` is rescaled by a power of two (exactly) before its dual values are computed when ``max|ν|`` exceeds
#: this, so that ``‖Xᵀ D_k ν‖²`` cannot overflow; the values are 1-homogeneous in ``ν``.
_RESCALE_ABOVE = 2.0**64
#: At most this many escape candidates that the float filter leaves undecided are settled in exact rational
#: arithmetic per call (the others are not reported: unproven).
_MAX_EXACT_ESCAPES = 64


# ---- the pool ---------------------------------------------------------------------------------------------------

def _region_mask(Xa, P) -> np.ndarray:
    """Rows of ``P`` that are region patterns (``P.is_region``; for older objects: the witness has no exact zero
    on a nonzero row, docs/theory.md §B.1)."""
    region = getattr(P, "is_region", None)
    if region is not None:
        return np.asarray(region, dtype=bool)
    if P.ties == "regions":
        return np.ones(P.count, dtype=bool)
    W = np.asarray(P.witnesses, dtype=np.float64)
    S = W @ Xa.T
    nonzero_row = np.any(Xa != 0, axis=1)
    out = np.all((np.abs(S) > gamma(Xa.shape[1] + 2) * (np.abs(W) @ np.abs(Xa).T)) | ~nonzero_row[None, :], axis=1)
    if not out.all():  # undecided in float: exact zeros decide
        Xq = to_fraction_rows(Xa)
        for k in np.flatnonzero(~out):
            out[k] = all(_exact_dot(Xq[i], W[k]) != 0 for i in np.flatnonzero(nonzero_row))
    return out


def pool_from_patterns(P, Xa, bias: bool, func: str) -> tuple[np.ndarray, bool]:
    """``(pool, certified)``: the region rows of a :class:`~geom.arrangements.Patterns` made from ``Xa``.

    The caller vouches that ``P`` was enumerated from this data (``enumerate_patterns(X, bias=bias)``); what can
    be checked cheaply is: the number of samples, ``bias``, the witnesses' dimension, and every witness sign
    that float64 decides with certainty (Higham's bound) against its pattern.  Tie-only rows are dropped (their
    cones are faces of region cones, docs/theory.md §B.1).  ``certified`` is ``P.certified`` (complete and exactly
    verified).  Raises :class:`~geom.exceptions.InvalidInputError` naming ``patterns`` of ``func``.
    """
    n, p = Xa.shape
    if P.bias != bias or P.patterns.shape[1] != n or P.witnesses.shape[1] != p:
        raise InvalidInputError(message("patterns", func, f"the patterns of this X (n = {n}) with bias={bias}",
                                        f"Patterns of {P.patterns.shape[1]} samples with bias={P.bias}"))
    W = np.asarray(P.witnesses, dtype=np.float64)
    pats = np.asarray(P.patterns, dtype=bool)
    absX = np.abs(Xa).T
    step = max(1, _CHECK_CHUNK // max(1, n))
    for s in range(0, W.shape[0], step):  # in chunks: no (P, n) float array
        S = W[s:s + step] @ Xa.T
        sure = np.abs(S) > gamma(p + 2) * (np.abs(W[s:s + step]) @ absX)
        if np.any(sure & ((S > 0) != pats[s:s + step])):
            raise InvalidInputError(message("patterns", func, "the patterns of this X (as enumerate_patterns makes "
                                            "them)", "Patterns whose witnesses disagree with X"))
    region = _region_mask(Xa, P)
    return (pats if region.all() else pats[region]), bool(P.certified)


#: :func:`pool_from_patterns` checks the witnesses' signs this many (pattern, sample) entries at a time.
_CHECK_CHUNK = 4_000_000


# ---- L_β and D(ν) --------------------------------------------------------------------------------------------

def network_objective(net, X, y, beta: float, *, loss: str = "squared") -> float:
    """``L_β(θ) = L(f_θ(X)) + (β/2)(‖U‖_F² + ‖α‖²)`` of one network (docs/theory.md §A.1).

    Inputs are trusted (validated by the public caller).  Overflow gives ``inf`` (or ``nan``), never a warning:
    callers decide with comparisons that a non-finite value cannot pass.

    >>> from geom.nets import Net
    >>> float(network_objective(Net(np.array([[1.0]]), np.array([1.0])), np.array([[2.0]]), np.array([1.0]), 0.5))
    1.0
    """
    with np.errstate(over="ignore", invalid="ignore"):
        fit = np.asarray(net.output(X), dtype=np.float64) if net.width else np.zeros(len(y))
        penalty = float(np.sum(net.U * net.U) + np.sum(net.alpha * net.alpha))
        return loss_value(fit, y, loss) + 0.5 * beta * penalty


def fit_rounding(net, X) -> np.ndarray:
    """``e`` with ``|fl(f_θ(x_i)) − f_θ(x_i)| ≤ e_i``: ``γ_{p+m+2} Σ_j |α_j| |x̃_i|ᵀ|u_j|`` (Higham, §3.5).

    >>> from geom.nets import Net
    >>> float(fit_rounding(Net(np.array([[1.0]]), np.array([2.0])), np.array([[3.0]]))[0]) > 0
    True
    """
    from .nets import augment

    Xa = augment(X, net.bias)
    if not net.width:
        return np.zeros(Xa.shape[0])
    with np.errstate(over="ignore", invalid="ignore"):
        return gamma(Xa.shape[1] + net.width + 2) * ((np.abs(Xa) @ np.abs(net.U).T) @ np.abs(net.alpha))


def objective_rounding(net, X, y, beta: float, *, loss: str = "squared") -> float:
    """A bound on the float64 error of :func:`network_objective` (first order in the unit roundoff, plus the
    quadratic term of the fit error).

    With ``e`` from :func:`fit_rounding` and ``r = ŷ − y``: ``Σ|r_i| e_i + ½‖e‖² + γ_{n+2}‖r‖²`` for the squared
    loss, ``Σ e_i + γ_{n+8} L(ŷ)`` for the logistic loss (its derivative is bounded by 1), plus
    ``γ_{m(p+1)+2} (β/2)(‖U‖² + ‖α‖²)`` for the penalty.
    """
    n = len(y)
    e = fit_rounding(net, X)
    with np.errstate(over="ignore", invalid="ignore"):
        fit = np.asarray(net.output(X), dtype=np.float64) if net.width else np.zeros(n)
        pen = 0.5 * beta * float(np.sum(net.U * net.U) + np.sum(net.alpha * net.alpha))
        pen_err = gamma(net.U.size + net.width + 2) * pen
        if loss == "squared":
            r = np.abs(fit - y)
            return float(r @ e + 0.5 * e @ e + gamma(n + 2) * (r @ r)) + pen_err
        return float(np.sum(e)) + gamma(n + 8) * loss_value(fit, y, loss) + pen_err


def dual_function(nu, y, loss: str | None) -> float:
    """``D(ν) = −L*(−ν)`` (docs/theory.md §C.1); ``loss=None`` is the interpolation limit, ``D(ν) = νᵀy`` (§G.2).

    >>> float(dual_function(np.array([1.0, 2.0]), np.array([1.0, 2.0]), "squared"))
    2.5
    >>> float(dual_function(np.array([1.0, 2.0]), np.array([1.0, 2.0]), None))
    5.0
    """
    nu, y = np.asarray(nu, dtype=np.float64), np.asarray(y, dtype=np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        if loss is None:
            return float(nu @ y)
        return dual_objective(nu, y, loss)


def dual_rounding(nu, y, loss: str | None) -> float:
    """A bound on the float64 evaluation error of :func:`dual_function` (Higham, §3.1: ``γ_{n+4}`` relative to
    the sum of absolute terms; the logistic entropy terms are non-negative, each with a few roundings)."""
    nu, y = np.asarray(nu, dtype=np.float64), np.asarray(y, dtype=np.float64)
    n = nu.shape[0]
    with np.errstate(over="ignore", invalid="ignore"):
        if loss == "logistic":
            return gamma(n + 16) * (abs(dual_function(nu, y, loss)) + n)
        mag = float(np.abs(nu) @ np.abs(y)) + (float(nu @ nu) if loss == "squared" else 0.0)
    return 2.0 * gamma(n + 4) * mag


# ---- the §C.3 certificate -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class DualBound:
    """The scaled certificate of docs/theory.md §C.3 at a dual candidate ``ν`` over a pattern pool.

    Attributes
    ----------
    nu : ndarray (n,)
        The candidate ``ν`` (convention R, ``ν = −∇L(ŷ)``).
    phi : float
        ``φ(ν)`` over the pool as computed (an estimate; ``inf``/``nan`` if float64 could not represent it).
    phi_upper : float
        A rigorous upper bound of ``φ(ν)`` over the pool.
    scale : float
        ``t`` with ``ν̃ = t ν`` dual feasible for the pool: ``1`` when ``phi_upper ≤ β``, else slightly below
        ``β / phi_upper`` (the shrink covers the rounding of ``t ν``).
    lower_bound : float
        ``D(ν̃)`` less its rounding bound: a lower bound of the pool's ``p*``.
    values : DualValues
        The per-pattern dual values, at ``ν · 2^{-shift}``.
    shift : int
        ``ν`` was divided by ``2^shift`` (exactly) before the dual values were computed; ``0`` normally.
    """

    nu: np.ndarray = field(repr=False)
    phi: float
    phi_upper: float
    scale: float
    lower_bound: float
    values: DualValues = field(repr=False)
    shift: int = 0

    @property
    def nu_tilde(self) -> np.ndarray:
        """The dual-feasible ``ν̃ = t ν``."""
        return self.nu * self.scale

    def escapes(self, X, pool, threshold: float) -> Escapes:
        """:func:`verify_escapes` at this ``ν`` (in the units the dual values were computed in)."""
        if not math.isfinite(self.phi_upper):
            return verify_escapes(X, self.nu, pool, self.values, math.nan)
        nu_s = np.ldexp(self.nu, -self.shift) if self.shift else self.nu
        esc = verify_escapes(X, nu_s, pool, self.values, float(np.ldexp(threshold, -self.shift)))
        if self.shift:
            with np.errstate(over="ignore"):
                esc = replace(esc, values=np.ldexp(esc.values, self.shift))
        return esc


def _power_of_two_shift(nu: np.ndarray) -> int:
    """``e`` with ``ν / 2^e`` exact and ``max|ν / 2^e| < 1``, or ``0`` when no rescaling is needed/exact."""
    top = float(np.max(np.abs(nu), initial=0.0))
    if not (math.isfinite(top) and top > _RESCALE_ABOVE):
        return 0
    e = math.frexp(top)[1]
    scaled = np.ldexp(nu, -e)
    return e if np.array_equal(np.ldexp(scaled, e), nu) else 0


def dual_bound(X, y, beta: float, nu, pool, *, loss: str | None, index: RegionIndex | None = None,
               threshold: float | None = None, previous: tuple | None = None, limit: int | None = None,
               directions: bool = True) -> DualBound:
    """``D(ν̃)``, ``ν̃ = ν min(1, β/φ̄(ν))``, over the pattern pool (docs/theory.md §C.2–C.3).

    Parameters
    ----------
    X : ndarray (n, p)
        Data (with the ones column for a regularized bias).
    y : ndarray (n,)
    beta : float
        ``β`` (``1`` in the interpolation limit).
    nu : ndarray (n,)
        Dual candidate (convention R).
    pool : ndarray of bool (P, n)
    loss : {"squared", "logistic"} or None
        ``None``: interpolation limit, ``D(ν) = νᵀy``.
    index : RegionIndex, optional
        Facet rows of a complete region set (:func:`geom.cones.region_index`).
    threshold : float, optional
        Dual values certainly below it are not projected (:func:`geom.cones.dual_values`); ``phi_upper`` stays
        rigorous, and ``phi`` is exact whenever it is above the threshold.
    previous, limit
        Passed to :func:`geom.cones.dual_values` (only when no rescaling was needed).
    directions : bool
        Passed to :func:`geom.cones.dual_values`: ``False`` keeps no maximizing directions (a bound only).

    Returns
    -------
    DualBound
    """
    nu = np.asarray(nu, dtype=np.float64)
    X = np.asarray(X, dtype=np.float64)
    if not np.all(np.isfinite(nu)):
        empty = dual_values(X, np.zeros_like(nu), pool[:0])
        return DualBound(nu=nu, phi=math.nan, phi_upper=math.nan, scale=0.0, lower_bound=math.nan, values=empty)
    shift = _power_of_two_shift(nu)
    nu_s = np.ldexp(nu, -shift) if shift else nu
    thr = None if threshold is None else float(np.ldexp(threshold, -shift))
    with np.errstate(over="ignore", invalid="ignore"):
        try:
            dv = dual_values(X, nu_s, pool, threshold=thr, index=index, limit=limit,
                             previous=previous if shift == 0 else None, directions=directions)
        except ValueError:  # |X|²|ν| beyond float64: the active-set solver refuses non-finite input
            empty = dual_values(X, np.zeros_like(nu), pool[:0])
            return DualBound(nu=nu, phi=math.nan, phi_upper=math.nan, scale=math.nan, lower_bound=math.nan,
                             values=empty, shift=shift)
        phi_up_s = dv.phi_upper
        phi = float(np.ldexp(dv.phi, shift))
        phi_up = float(np.ldexp(phi_up_s, shift))
        beta_s = float(np.ldexp(beta, -shift))
        if not math.isfinite(phi_up_s):
            scale = 0.0 if phi_up_s == math.inf else math.nan  # ν̃ = 0 is always feasible: D(0) = 0 ≤ p*
        elif phi_up_s <= beta_s:
            scale = 1.0
        else:
            u = unit_roundoff()
            ratio = float(np.linalg.norm(X)) * float(np.linalg.norm(nu_s)) / phi_up_s
            scale = (beta_s / phi_up_s) * (1.0 - 4.0 * u * (1.0 + ratio))
            scale = max(scale, 0.0)
        if math.isfinite(scale):
            nu_t = nu * scale
            lower = dual_function(nu_t, y, loss) - dual_rounding(nu_t, y, loss)
        else:
            lower = math.nan
    return DualBound(nu=nu, phi=float(phi), phi_upper=float(phi_up), scale=float(scale), lower_bound=float(lower),
                     values=dv, shift=shift)


# ---- escape directions, verified --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Escapes:
    """Escape directions whose value was proven to exceed the threshold (docs/theory.md §C.3).

    Attributes
    ----------
    patterns : ndarray of bool (E, n)
        The activation pattern of each direction: the pool's pattern when ``u`` lies in its cone (checked
        exactly), else the pattern ``u`` really has (``1[Xu ≥ 0]``, exact signs).
    signs : ndarray of int (E,)
        ``+1`` (a new neuron with positive output weight lowers the objective) or ``−1``.
    values : ndarray (E,)
        ``±νᵀ(Xu)_+ / ‖u‖`` of the direction, as computed (proven ``> threshold``).
    directions : ndarray (E, p)
        ``u``, unit up to rounding: exactly the vectors that were verified.
    pool_index : ndarray of int (E,)
        Row of the pool the candidate came from.
    in_cone : ndarray of bool (E,)
        ``u`` lies in that pool pattern's cone exactly.
    n_candidates : int
        Entries whose computed dual value exceeded the threshold (each was checked).
    n_exact : int
        Candidates settled in rational arithmetic.
    """

    patterns: np.ndarray = field(repr=False)
    signs: np.ndarray = field(repr=False)
    values: np.ndarray = field(repr=False)
    directions: np.ndarray = field(repr=False)
    pool_index: np.ndarray = field(repr=False)
    in_cone: np.ndarray = field(repr=False)
    n_candidates: int
    n_exact: int

    @property
    def count(self) -> int:
        """Number of verified escape directions."""
        return int(self.values.size)


def _exact_dot(row_q, u) -> Fraction:
    return sum((a * Fraction(float(b)) for a, b in zip(row_q, u)), Fraction(0))


def verify_escapes(X, nu, pool, dv: DualValues, threshold: float) -> Escapes:
    """The candidates of ``dv`` above ``threshold`` whose escape direction provably beats it.

    For a candidate (pattern ``k``, sign ``s``) with float unit direction ``u`` (from the projection):

    1. exact signs of ``Xu``: the float products decide every entry with ``|x_iᵀu| > γ_p |x_i|ᵀ|u|`` (Higham,
       §3.1); the rest are computed in rational arithmetic (data and ``u`` are dyadic rationals);
    2. ``u ∈ C_k`` iff no row has a strict sign against ``D_k``; if not, the reported pattern is ``u``'s own;
    3. the value ``t = s Σ_{x_iᵀu > 0} ν_i x_iᵀu`` (``= s νᵀ(Xu)_+``, the first-order gain of a neuron along
       ``u``) must exceed ``threshold · ‖u‖``: decided in float with the bound
       ``2 γ_{n+p+4} Σ |ν_i| |x_i|ᵀ|u|`` on ``t`` and ``γ_{p+4}`` relative on ``‖u‖``, else exactly
       (``t > 0`` and ``t² > threshold² ‖u‖²``) for up to :data:`_MAX_EXACT_ESCAPES` candidates.

    Unproven candidates are dropped (``n_candidates`` counts them all).
    """
    X = np.asarray(X, dtype=np.float64)
    nu = np.asarray(nu, dtype=np.float64)
    pool = np.asarray(pool, dtype=bool)
    n, p = X.shape
    ks, cols = np.nonzero(dv.values > threshold)
    order = np.argsort(-dv.values[ks, cols], kind="stable")
    ks, cols = ks[order], cols[order]
    U = dv.directions[ks, cols]
    signs = np.where(cols == 0, 1, -1)
    E = ks.size
    none = Escapes(patterns=np.zeros((0, n), bool), signs=np.zeros(0, int), values=np.zeros(0),
                   directions=np.zeros((0, p)), pool_index=np.zeros(0, int), in_cone=np.zeros(0, bool),
                   n_candidates=int(E), n_exact=0)
    if E == 0 or not (math.isfinite(threshold) and np.all(np.isfinite(nu))):
        return none
    absX = np.abs(X)
    with np.errstate(over="ignore", invalid="ignore"):
        S = U @ X.T  # (E, n)
        Mx = np.abs(U) @ absX.T
        eS = gamma(p + 2) * Mx
    sure = np.abs(S) > eS
    sgn = np.where(sure, np.sign(S), 0).astype(np.int64)
    Xq = None
    n_exact = 0
    undecided = np.argwhere(~sure & (Mx > 0))
    if undecided.size:
        Xq = to_fraction_rows(X)
        for e, i in undecided:
            v = _exact_dot(Xq[i], U[e])
            sgn[e, i] = (v > 0) - (v < 0)
    in_cone = ~np.any(((sgn > 0) & ~pool[ks]) | ((sgn < 0) & pool[ks]), axis=1)
    active = sgn > 0
    pats = np.where(in_cone[:, None], pool[ks], sgn >= 0)
    with np.errstate(over="ignore", invalid="ignore"):
        t = signs * np.sum(np.where(active, nu[None, :] * S, 0.0), axis=1)
        t_err = 2.0 * gamma(n + p + 4) * np.sum(np.where(active, np.abs(nu)[None, :] * Mx, 0.0), axis=1)
        nrm = np.linalg.norm(U, axis=1)
        rhs = threshold * nrm * (1.0 + gamma(p + 4))
        proven = (t - t_err > rhs) & np.isfinite(t) & np.isfinite(t_err)
        maybe = ~proven & (t + t_err > threshold * nrm * (1.0 - gamma(p + 4))) & np.isfinite(t)
    for e in np.flatnonzero(maybe)[:_MAX_EXACT_ESCAPES]:
        if Xq is None:
            Xq = to_fraction_rows(X)
        n_exact += 1
        tq = sum((Fraction(float(nu[i])) * _exact_dot(Xq[i], U[e]) for i in np.flatnonzero(active[e])),
                 Fraction(0)) * int(signs[e])
        thr_q = Fraction(float(threshold))
        nrm2 = sum((Fraction(float(c)) ** 2 for c in U[e]), Fraction(0))
        proven[e] = bool(tq > 0 and tq * tq > thr_q * thr_q * nrm2)
    keep = np.flatnonzero(proven)
    with np.errstate(invalid="ignore", divide="ignore"):
        vals = t[keep] / nrm[keep]
    # the directions are reported exactly as verified (renormalizing would round them into other signs)
    return Escapes(patterns=pats[keep], signs=signs[keep], values=vals, directions=U[keep],
                   pool_index=ks[keep], in_cone=in_cone[keep], n_candidates=int(E), n_exact=n_exact)
