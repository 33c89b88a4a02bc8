"""Which signed patterns are tight at ``ν*``, decided safely, and their deduplicated directions (docs/theory.md §D.1,
§D.3).

The optimal polytope is built from the signed patterns whose dual value ``φ_k(ν*) = ‖Π_{C_k}(±Xᵀ D_k ν*)‖``
equals ``β``.  Equality of floats is not a decision, so the classification rests on a *rigorous radius*:

* **Radius.**  For the squared loss the dual ``D(ν) = ½‖y‖² − ½‖y − ν‖²`` is 1-strongly concave and
  ``ν* = Π_{𝒦_β}(y)``, so for any dual-feasible ``ν̃``: ``½‖ν̃ − ν*‖² ≤ D(ν*) − D(ν̃) ≤ p_up − D(ν̃)``, where
  ``p_up`` is the (rounding-inflated) objective of a network, an upper bound of ``p*``.  With ``ν̃`` the scaled
  certificate of ``ν̂`` (docs/theory.md §C.3), ``‖ν̂ − ν*‖ ≤ δ := ‖ν̂ − ν̃‖ + (2(p_up − D(ν̃)))^{1/2}``, and every
  dual value is ``‖X‖₂``-Lipschitz in ``ν`` (projection onto a cone is 1-Lipschitz), so
  ``|φ_k(ν̂) − φ_k(ν*)| ≤ ρ := ‖X‖₂ δ``.
* **Classification.**  With the band ``ε = ρ/β`` (at least the float64 error of a dual value): a signed pattern with ``φ_k(ν̂) < β(1 − ε)``
  is *certainly not* tight; those above are the tight candidates ``T``.
* **Values are proved.**  The dual values come from :func:`geom.cones.dual_values` with the region index (facet
  rows only); they are float estimates, and on a sliver region (two nearly antiparallel facet rows) the float
  projection can land on the wrong side of the sliver, a value ``β`` where the true one is ``0``.  So every
  candidate's value is established exactly at ``ν`` (Lawson–Hanson in rationals over *every* row of the cone,
  KKT checked), or dropped by a rigorous all-rows upper bound below ``β(1 − ε)``; a candidate that neither
  settles is not declared tight and the decision is ``decided=False``.
* **Per-pattern radius.**  Only pattern ``k``'s rows enter ``Xᵀ D_k ν``, so ``ρ_k = ‖D_k X‖₂ δ`` bounds its
  own change; a candidate not clearly at ``β`` is dropped when ``φ_k(ν̂) < β − ρ_k``.
* **Safety.**  A value outside ``T`` is certainly non-tight; a value in ``T`` could still belong to a pattern
  that is non-tight by less than ``ε``.  ``T`` is accepted when its members are *clearly* at ``β``: every value
  in ``T`` is within ``ε/separation`` of ``β`` (far better than the radius demands), and none exceeds
  ``β(1 + ε)`` (dual feasibility).  The *tightness margin* ``(min_T φ − max_{∉T} φ)/β`` is reported either
  way.  An empty ``T`` is a decision too when every value is below ``β(1 − ε)``: the zero network is then the
  unique optimum.  When ``T`` is not clearly at ``β`` the ``ν`` is polished
  (docs/theory.md §C.4: non-negative lasso on the candidate columns, ``ν = y − A c``) and the test repeated;
  if it stays ambiguous, the decision is ``decided=False`` and everything built on it is ``inconclusive``.
* **Interpolation limit** (``β → 0``, docs/theory.md §G.2): the dual ``max νᵀy`` is linear, not strongly concave,
  so there is no radius; the band is ``tol.tight`` and ``rigorous=False``.  (Any dual optimum gives the same
  optimal set, so the polytope is right whenever the band test is; it is just not proved.)

Deduplication (docs/theory.md §D.3): tight signed directions closer than ``tol.dedup`` are one column (the same
neuron, tight in several cones because it lies on their common wall); two directions in the grey zone between
``tol.dedup`` and ``separation · tol.dedup`` make the decision ambiguous.
"""

from __future__ import annotations

import math
from fractions import Fraction
from dataclasses import dataclass, field, replace

import numpy as np

from ..cones import dual_values
from ..convex.polish import nonnegative_lasso
from ..duality import dual_bound, network_objective, objective_rounding
from ..nets import Net
from ..tolerances import Tolerances, gamma, unit_roundoff

__all__ = ["Tightness", "decide_tightness", "columns_from_pairs"]

#: Smallest band with a proved radius: the relative float64 error of a computed dual value (projection and
#: norms; cf. the Higham allowance of :func:`geom.cones.dual_values`).
_VALUE_ROUNDING = 1e-12
#: A cone row is in the face of a float maximizer ``ū`` (the guess handed to the exact KKT check) when
#: ``|b_iᵀū| ≤ FACE_TOL ‖b_i‖``; a wrong guess only makes the exact check fail (then the float bound is kept).
FACE_TOL = 1e-9
#: Pivots of the face rows' QR below ``RANK_QR_TOL`` times the largest are dependent rows (dropped before the
#: exact solve; a wrong drop only makes the exact check fail).
RANK_QR_TOL = 1e-12


@dataclass(frozen=True)
class Tightness:
    """The tight signed patterns at a dual point and how safely they were decided.

    Attributes
    ----------
    pairs : ndarray of int (T, 2)
        ``(pool row, sign slot)`` of each tight signed pattern (slot 0: ``+``, positive output; 1: ``−``).
    values : ndarray (T,)
        Their dual values relative to ``β`` (``φ_k/β``).
    directions : ndarray (T, p)
        Their maximizing unit directions ``Π/‖Π‖``.
    min_tight, max_nontight : float
        Smallest relative value in ``T`` and largest outside it (``max_nontight`` from rigorous upper bounds;
        ``0`` when every other pattern was settled by the screens far below).
    margin : float
        ``min_tight − max_nontight`` (the tightness margin).
    radius : float
        ``ρ/β`` (NaN in the interpolation limit): the proved bound on ``|φ_k(ν̂) − φ_k(ν*)|/β``.
    band : float
        ``ε``: the classification threshold ``1 − ε``.
    rigorous : bool
        ``radius`` is a proof (squared loss); ``False`` in the interpolation limit.
    decided : bool
        The cluster at ``β`` is isolated (see the module docstring); ``reason`` says why not otherwise.
    reason : str
    nu : ndarray (n,)
        The dual point the decision was taken at (the solution's ``ν*`` or its polished version).
    lower_bound : float
        ``D(ν̃)`` at that point.
    polish_rounds : int
        Polishing rounds that were needed (``0``: the solution's own ``ν*`` decided it).
    """

    pairs: np.ndarray = field(repr=False)
    values: np.ndarray = field(repr=False)
    directions: np.ndarray = field(repr=False)
    min_tight: float
    max_nontight: float
    margin: float
    radius: float
    band: float
    rigorous: bool
    decided: bool
    reason: str
    nu: np.ndarray = field(repr=False)
    lower_bound: float
    polish_rounds: int

    def to_dict(self) -> dict:
        num = lambda v: float(v) if math.isfinite(v) else None  # noqa: E731
        return {"tight_patterns": int(len(self.pairs)), "min_tight": num(self.min_tight),
                "max_nontight": num(self.max_nontight), "margin": num(self.margin), "radius": num(self.radius),
                "band": num(self.band), "rigorous": self.rigorous, "decided": self.decided, "reason": self.reason,
                "polish_rounds": self.polish_rounds}


def kkt_radius(Xa, y, beta, nu_t, dirs, signs, c) -> float:
    """A proved bound on ``‖ν̃ − ν*‖`` from a dual-feasible ``ν̃`` and any primal candidate (docs/theory.md §D.5).

    With ``a_k = σ_k (X ū_k)_+`` for unit ``ū_k`` and ``c ≥ 0``: ``ν* = Π_{𝒦_β}(y)`` gives
    ``(y − ν*)ᵀ(ν̃ − ν*) ≤ 0``, hence ``t² ≤ (y − ν̃)ᵀ(ν* − ν̃)`` for ``t = ‖ν̃ − ν*‖``; writing
    ``y − ν̃ = A c + e`` and using ``a_kᵀν* ≤ β‖ū_k‖`` (``ν* ∈ 𝒦_β``):
    ``t² ≤ S + ‖e‖ t`` with ``S = Σ_k c_k (β‖ū_k‖ − a_kᵀν̃)``, so ``t ≤ (‖e‖ + (‖e‖² + 4S)^{1/2})/2``.
    Near an optimum ``e`` and ``S`` are rounding-sized, so this bound is far sharper than the gap bound.
    Float64 rounding is bounded with Higham's ``γ`` and added; ``inf`` when nothing can be said.
    """
    c = np.asarray(c, float)
    keep = c > 0
    if not keep.any():
        e = y - nu_t
        return float(np.linalg.norm(e)) * (1.0 + 1e-12) + gamma(4) * float(np.linalg.norm(np.abs(y) + np.abs(nu_t)))
    dirs, signs, c = dirs[keep], signs[keep], c[keep]
    n, p = Xa.shape
    K = len(c)
    Z = Xa @ dirs.T
    errA = gamma(p + 2) * (np.abs(Xa) @ np.abs(dirs).T)  # |Δ a_k| entrywise (ReLU is 1-Lipschitz)
    Af = np.maximum(Z, 0.0) * signs[None, :]
    fit = Af @ c
    err_fit = errA @ c + gamma(K + 2) * (np.abs(Af) @ c)
    e = y - nu_t - fit
    E = float(np.linalg.norm(e)) + float(np.linalg.norm(err_fit)) + \
        gamma(4) * float(np.linalg.norm(np.abs(y) + np.abs(nu_t) + np.abs(fit)))
    norm_up = np.linalg.norm(dirs, axis=1) * (1.0 + gamma(p + 2))
    dots = Af.T @ nu_t
    err_dots = errA.T @ np.abs(nu_t) + gamma(n + 2) * (np.abs(Af).T @ np.abs(nu_t))
    terms = c * (beta * norm_up - dots + err_dots)
    S = max(0.0, float(np.sum(terms))) + gamma(K + 2) * float(np.sum(np.abs(terms)))
    t = 0.5 * (E + math.sqrt(E * E + 4.0 * S))
    return t * (1.0 + 1e-12) if math.isfinite(t) else math.inf


def _fmpq(v: float):
    """A float64 as an exact ``flint.fmpq``."""
    import flint

    f = Fraction(float(v))
    return flint.fmpq(f.numerator, f.denominator)


def _exact_projection(Xq, nu_q, pattern, sign, direction, Xa, max_iter: int | None = None):
    """``(‖Π‖², Π)`` for ``Π = Π_{C_k}(σ Xᵀ D_k ν)`` exactly (``Fraction``), every row of the cone; ``None`` when
    the exact solve gives up (then the caller keeps its float bound).

    Lawson–Hanson on ``min_{λ≥0} ‖g + Bᵀλ‖`` in exact rationals (``Xq``: the data as an ``(n, p)``
    ``flint.fmpq_mat``, its entries row-major and their negatives; ``nu_q``: ``ν`` as ``flint.fmpq``), warm-started from the float direction's face
    (the rows with ``|b_iᵀū| ≤ FACE_TOL ‖b_i‖``, an independent subset by pivoted QR) when its multipliers are
    positive.  A row enters only with a negative exact residual, so the working rows stay independent; nearly
    antiparallel rows (sliver regions) are told apart exactly, which a float face guess cannot do.  The answer is
    checked against the KKT conditions of the projection on all ``n`` rows (``λ > 0`` and ``b_iᵀΠ = 0`` on the
    working rows, ``B Π ≥ 0`` on every row) before it is returned.
    """
    import flint
    from scipy.linalg import qr

    n, p = Xa.shape
    zero = flint.fmpq(0)
    Xmat, pos, neg = Xq  # the data as a matrix, and its entries and their negatives row by row
    flat = []
    for i in range(n):
        flat.extend((pos if pattern[i] else neg)[i * p:(i + 1) * p])
    B = flint.fmpq_mat(n, p, flat)
    dnu = flint.fmpq_mat(n, 1, [nu_q[i] if pattern[i] else zero for i in range(n)])
    g = (Xmat.transpose() * dnu) * flint.fmpq(sign)

    def rows(P):
        return flint.fmpq_mat(len(P), p, [B[i, j] for i in P for j in range(p)])

    def solve(P):
        """``z`` minimizing ``‖g + B_Pᵀz‖`` (``B_P`` independent rows), or ``None``."""
        if not P:
            return []
        BP = rows(P)
        try:
            sol = (BP * BP.transpose()).solve(-(BP * g))
        except ZeroDivisionError:
            return None
        return [sol[i, 0] for i in range(len(P))]

    def point(P, lam):
        return g + rows(P).transpose() * flint.fmpq_mat(len(P), 1, lam) if P else g

    P, lam = [], []
    direction = np.asarray(direction, float)
    if np.all(np.isfinite(direction)):
        Bf = np.where(pattern[:, None], Xa, -Xa)
        norms = np.linalg.norm(Xa, axis=1)
        face = np.flatnonzero(np.abs(Bf @ direction) <= FACE_TOL * np.maximum(norms, 1e-300))
        if len(face):
            _, R, piv = qr(Bf[face].T, pivoting=True, mode="economic")
            diag = np.abs(np.diag(R)) if R.size else np.zeros(0)
            r = int(np.sum(diag > RANK_QR_TOL * (diag[0] if diag.size else 1.0)))
            F = [int(face[i]) for i in piv[:r]]
            z = solve(F)
            if z is not None and all(v > 0 for v in z):
                P, lam = F, z
    for _ in range(max_iter or 4 * (n + p) + 10):
        res = (B * point(P, lam)).entries()
        for i in P:
            res[i] = zero
        j = min(range(n), key=res.__getitem__)
        if not res[j] < 0:
            break
        P, lam = P + [j], lam + [zero]
        for _ in range(len(P) + 1):
            z = solve(P)
            if z is None:
                return None
            if all(v > 0 for v in z):
                lam = z
                break
            # step back to the boundary of λ ≥ 0 and drop the rows that reach zero
            alpha = min(li / (li - zi) for li, zi in zip(lam, z) if zi <= 0)
            lam = [li + alpha * (zi - li) for li, zi in zip(lam, z)]
            keep = [j for j, li in enumerate(lam) if li > 0]
            P, lam = [P[j] for j in keep], [lam[j] for j in keep]
        else:
            return None
    else:
        return None
    proj = point(P, lam)
    res = (B * proj).entries()
    inP = set(P)
    if any(li <= 0 for li in lam) or any(res[i] != 0 if i in inP else res[i] < 0 for i in range(n)):
        return None
    frac = [Fraction(int(v.p), int(v.q)) for v in proj.entries()]
    return sum((v * v for v in frac), Fraction(0)), frac


class _ExactAt:
    """Exact projections of signed patterns at one ``ν`` (:func:`_exact_projection`), cached per
    ``(pool row, sign slot)``; the rational data are built on first use."""

    def __init__(self, Xa, nu, pool):
        self.Xa, self.nu, self.pool = Xa, np.asarray(nu, float), pool
        self.cache: dict = {}
        self._q = None

    def get(self, k, sl, guesses=()):
        """``(‖Π‖², Π)`` or ``None``: the first face guess (float directions) whose exact solve passes; a pair
        that failed before is retried only with new guesses."""
        key = (int(k), int(sl))
        if self.cache.get(key) is not None or (key in self.cache and not len(guesses)):
            return self.cache[key]
        if self._q is None:
            import flint

            pos = [_fmpq(v) for v in np.ravel(self.Xa)]
            self._q = ((flint.fmpq_mat(self.Xa.shape[0], self.Xa.shape[1], pos), pos, [-v for v in pos]),
                       [_fmpq(v) for v in self.nu])
        res = None
        for u in guesses:
            res = _exact_projection(*self._q, self.pool[key[0]], 1 if key[1] == 0 else -1, u, self.Xa)
            if res is not None:
                break
        self.cache[key] = res
        return res


def exact_phi_upper(Xa, nu, pool, pairs, directions, upper=None, exact: _ExactAt | None = None) -> float:
    """A rigorous upper bound of ``max`` over ``pairs`` of the dual values at ``ν``, from exact projections
    (docs/theory.md §D.5); ``inf`` when an exact solve fails and no finite ``upper`` covers that pair.

    ``upper`` (optional, one rigorous float bound per pair): pairs are taken in decreasing ``upper`` and the scan
    stops once the next bound is below the maximum found so far (the rest cannot exceed it); a pair whose exact
    solve fails contributes its ``upper``.  ``exact`` keeps the projections for reuse.
    """
    if not len(pairs):
        return 0.0
    exact = exact if exact is not None else _ExactAt(Xa, nu, pool)
    order = range(len(pairs)) if upper is None else np.argsort(-np.asarray(upper, float), kind="stable")
    top, floor = Fraction(0), 0.0
    for i in order:
        bound = max(math.sqrt(float(top)) * (1.0 + 4.0 * unit_roundoff()), floor)
        if upper is not None and upper[i] <= bound:
            break
        res = exact.get(pairs[i][0], pairs[i][1], [directions[i]])
        if res is not None:
            top = max(top, res[0])
        elif upper is not None and math.isfinite(upper[i]):
            floor = max(floor, float(upper[i]))
        else:
            return math.inf
    return max(math.sqrt(float(top)) * (1.0 + 4.0 * unit_roundoff()), floor)


def _verify_candidates(Xa, nu, pool, pairs, dv, shift, exact: _ExactAt):
    """The candidates' dual values at ``ν`` proved, every cone row used (docs/theory.md §D.5).

    :func:`geom.cones.dual_values` with a region index projects onto the facet rows only: the same cone in exact
    arithmetic, but for a sliver region (two nearly antiparallel facet rows, e.g. the rounded vertices of a regular
    polygon) the float projection cannot tell the sliver from the whole hyperplane between them and may return a
    point on the wrong side, with a value ``β`` where the true value is ``0``.  Its ``values`` are estimates; only
    ``upper`` is a bound.  So a candidate's value is established here, exactly (:func:`_exact_projection`, warm
    started from the index direction's face, else from the face of an all-rows float projection).  Returns
    ``(values, upper_all, dirs)``: ``values[i]`` the exact ``(‖Π‖², Π)`` or ``None``; ``upper_all[i]`` the rigorous
    all-rows float upper bound (``inf`` where not needed); ``dirs[i]`` the float direction of the exact projection
    (the index direction where there is none).
    """
    T = len(pairs)
    values = [exact.get(k, sl, [dv.directions[k, sl]]) for k, sl in pairs]
    upper_all = np.full(T, math.inf)
    failed = [i for i, v in enumerate(values) if v is None]
    if failed:
        ks = np.unique(pairs[failed, 0])
        row = {int(k): r for r, k in enumerate(ks)}
        nu_s = np.ldexp(nu, -shift) if shift else nu
        with np.errstate(over="ignore", invalid="ignore"):
            full = dual_values(Xa, nu_s, pool[ks])  # every row of each cone, no screen settles anything
        for i in failed:
            k, sl = int(pairs[i, 0]), int(pairs[i, 1])
            upper_all[i] = float(np.ldexp(full.upper[row[k], sl], shift))
            values[i] = exact.get(k, sl, [full.directions[row[k], sl]])
    dirs = np.array(dv.directions[pairs[:, 0], pairs[:, 1]], float) if T else np.zeros((0, Xa.shape[1]))
    for i, res in enumerate(values):
        if res is not None and res[0] > 0:
            v = np.array([float(a) for a in res[1]])
            dirs[i] = v / np.linalg.norm(v)
    return values, upper_all, dirs


def _classify(Xa, y, beta, nu, pool, index, p_up, interpolate, tol: Tolerances, primal=None, widen: float = 1.0):
    """One classification at ``nu``: a :class:`Tightness` (``polish_rounds = 0``).

    ``primal = (dirs, signs, c)`` is a primal candidate for :func:`kkt_radius`; ``widen > 1`` lowers the
    candidate threshold to ``1 − widen · band`` (the polishing step wants the grey zone as candidates too).
    """
    loss = None if interpolate else "squared"
    db = dual_bound(Xa, y, beta, nu, pool, loss=loss, index=index, threshold=beta * (1.0 - tol.phi_exact))
    dv = db.values
    vals = np.ldexp(dv.values, db.shift) / beta
    upper = np.ldexp(dv.upper, db.shift) / beta
    exact = _ExactAt(Xa, nu, pool)  # exact projections at ν: the radius and the candidates' verification
    if interpolate:
        radius, rigorous = math.nan, False
        band = tol.tight
    else:
        gap = max(0.0, p_up - db.lower_bound) if math.isfinite(db.lower_bound) else math.inf
        t = math.sqrt(2.0 * gap)
        norm_x = float(np.linalg.norm(Xa, 2)) * (1.0 + 1e-10)
        delta = float(np.linalg.norm(nu - db.nu_tilde)) + t
        if primal is not None and math.isfinite(db.scale):
            t = min(t, kkt_radius(Xa, y, beta, db.nu_tilde, *primal))
            delta = float(np.linalg.norm(nu - db.nu_tilde)) + t
            # sharper: the candidates' dual values exactly, so that ν̃ needs no rounding shrink
            pre = dv.computed & (vals >= 1.0 - norm_x * delta / beta)
            phi_up = exact_phi_upper(Xa, nu, pool, np.argwhere(pre), dv.directions[pre], upper[pre] * beta, exact)
            others = float(np.max(np.where(pre, 0.0, np.maximum(upper, vals)), initial=0.0))
            if math.isfinite(phi_up):
                top_up = max(phi_up / beta, others)
                scale = min(1.0, 1.0 / top_up) * (1.0 - 8.0 * unit_roundoff()) if top_up > 0 else 1.0
                nu_t = nu * scale
                t2 = kkt_radius(Xa, y, beta, nu_t, *primal)
                delta2 = float(np.linalg.norm(nu - nu_t)) * (1.0 + 1e-12) + t2
                delta = min(delta, delta2)
        radius = norm_x * delta / beta
        rigorous = math.isfinite(radius)
        # the proved radius is the band (no floor: a non-tight value below β − ρ is certainly non-tight), plus
        # the rounding of the dual values themselves
        band = max(radius * (1.0 + 1e-9), _VALUE_ROUNDING) if rigorous else math.inf
    if widen != 1.0:
        band_c = min(0.5, band * widen)
        cand = dv.computed & (vals >= 1.0 - band_c)
        pairs = np.argwhere(cand)
        return pairs, dv.directions[cand]
    cand = dv.computed & (vals >= 1.0 - band)
    # the candidates' values are index estimates: prove them with every cone row (see _verify_candidates)
    # (not when the band alone already refuses the decision: nothing would be claimed from the values)
    cpairs = np.argwhere(cand) if math.isfinite(band) and band < 1.0 / tol.separation else np.zeros((0, 2), int)
    verified, upper_all, cdirs = _verify_candidates(Xa, nu, pool, cpairs, dv, db.shift, exact)
    vals = vals.copy()
    directions = np.array(dv.directions, float)
    unverified = []
    beta_q = Fraction(beta)
    for (k, sl), res, ub, u in zip(cpairs, verified, upper_all, cdirs):
        directions[k, sl] = u
        if res is not None:
            vals[k, sl] = math.sqrt(float(res[0])) / beta
            # exact, so below β(1 − ε) is a proof of non-tightness (compared in rationals)
            if band < 1.0 and res[0] < (beta_q * (1 - Fraction(band))) ** 2:
                cand[k, sl] = False
        elif ub / beta < 1.0 - band:  # a rigorous all-rows upper bound proves it non-tight
            cand[k, sl] = False
            vals[k, sl] = ub / beta
        else:
            unverified.append((int(k), int(sl), float(ub / beta)))
    if rigorous:
        # candidates not clearly at β: a sharper, per-pattern radius ‖D_k X‖₂ δ/β (only pattern k's rows enter
        # Xᵀ D_k ν) may prove them non-tight
        unclear = np.argwhere(cand & (vals < 1.0 - band / tol.separation))
        for k, sl in unclear:
            if any((int(k), int(sl)) == (a, b) for a, b, _ in unverified):
                continue  # its value is an estimate: nothing is proved from it
            rows = Xa[pool[k]]
            rk = (float(np.linalg.norm(rows, 2)) * (1.0 + 1e-10) if len(rows) else 0.0) * delta / beta
            if vals[k, sl] < 1.0 - max(rk * (1.0 + 1e-9), _VALUE_ROUNDING):
                cand[k, sl] = False
    unverified = [v for v in unverified if cand[v[0], v[1]]]
    pairs = np.argwhere(cand)
    tvals = vals[cand]
    dirs = directions[cand]
    rest = np.where(dv.computed, vals, upper)[~cand]
    min_t = float(tvals.min()) if tvals.size else math.nan
    max_n = float(rest.max()) if rest.size else 0.0
    margin = min_t - max_n if tvals.size else math.nan
    top = float(np.max(np.where(dv.computed, vals, upper), initial=0.0))
    if not (math.isfinite(band) and band < 1.0 / tol.separation):
        reason = f"the dual point is too inaccurate to decide tightness (radius {radius:.3g} of β)"
    elif not tvals.size:
        reason = "" if top < 1.0 - band else "no pattern is tight at ν* (the solution is not optimal)"
    elif not (top <= 1.0 + band):
        reason = f"ν* is not dual feasible: a dual value is {top:.12g}·β > β(1 + {band:.3g})"
    elif unverified:
        k, sl, ub = unverified[0]
        reason = (f"unverified tightness: the dual value of (pattern row {k}, sign {'+-'[sl]}) could not be "
                  f"established with every cone row (exact KKT check failed; upper bound {ub:.12g}·β, not below "
                  f"the band); {len(unverified)} candidate(s) not proved tight")
    elif not (min_t >= 1.0 - band / tol.separation):
        reason = (f"ambiguous tightness: a candidate's dual value {min_t:.12g}·β is within the band "
                  f"({band:.3g}) of β but not clearly at β (within band/{tol.separation:g})")
    else:
        reason = ""
    return Tightness(pairs=pairs, values=tvals, directions=dirs, min_tight=min_t, max_nontight=max_n,
                     margin=margin, radius=radius, band=band, rigorous=rigorous, decided=not reason, reason=reason,
                     nu=np.asarray(nu, float), lower_bound=float(db.lower_bound), polish_rounds=0)


def columns_from_pairs(Xa, pairs, directions, tol: Tolerances):
    """Deduplicate tight signed directions into columns (docs/theory.md §D.3).

    Returns ``(dirs (K, p), signs (K,), groups, ambiguous)``: ``groups[j]`` lists the ``(pool row, sign slot)``
    pairs merged into column ``j``; ``ambiguous`` is a reason string (empty when every pair of directions is
    either within ``tol.dedup`` or beyond ``tol.separation · tol.dedup``).  A pair without a direction (zero
    projection, which an undecided tightness can list when its band is wider than ``β``) gives no column and is
    reported in ``ambiguous``.
    """
    import networkx as nx

    ambiguous = ""
    if len(pairs):
        norms = np.linalg.norm(directions, axis=1)
        usable = np.isfinite(norms) & (norms > 0)
        if not usable.all():
            ambiguous = (f"{int(np.sum(~usable))} tight candidate(s) without a direction (zero projection at ν): "
                         f"no column can be formed for them")
            pairs, directions = pairs[usable], directions[usable]
    T = len(pairs)
    close_graph = nx.Graph()
    close_graph.add_nodes_from(range(T))
    for s in (0, 1):
        idx = np.flatnonzero(pairs[:, 1] == s) if T else np.zeros(0, int)
        if len(idx) < 2:
            continue
        D = directions[idx]
        dist = np.sqrt(np.maximum(0.0, 2.0 - 2.0 * np.clip(D @ D.T, -1.0, 1.0)))
        grey = (dist > tol.dedup) & (dist <= tol.separation * tol.dedup)
        if grey.any() and not ambiguous:
            i, j = np.argwhere(np.triu(grey, 1))[0]
            ambiguous = (f"ambiguous deduplication: two tight directions are {dist[i, j]:.3g} apart, neither "
                         f"clearly equal (≤ {tol.dedup:g}) nor clearly distinct")
        close_graph.add_edges_from((int(idx[i]), int(idx[j])) for i, j in np.argwhere(np.triu(dist <= tol.dedup, 1)))
    roots = {min(c): sorted(c) for c in nx.connected_components(close_graph)}
    groups, dirs, signs = [], [], []
    # deterministic order: positive columns first, then by first pool row
    for members in sorted(roots.values(), key=lambda g: (int(pairs[g[0], 1]), int(pairs[g[0], 0]))):
        v = directions[members].mean(axis=0)
        dirs.append(v / np.linalg.norm(v))
        signs.append(1.0 if pairs[members[0], 1] == 0 else -1.0)
        groups.append(tuple((int(pairs[i, 0]), int(pairs[i, 1])) for i in members))
    p = Xa.shape[1]
    return (np.array(dirs).reshape(len(dirs), p), np.array(signs), tuple(groups), ambiguous)


def fit_columns(Xa, dirs, signs) -> np.ndarray:
    """``A = [σ_k (X ū_k)_+]`` (docs/theory.md §D.3)."""
    return (np.maximum(Xa @ dirs.T, 0.0) * signs[None, :]) if len(dirs) else np.zeros((Xa.shape[0], 0))


def column_net(dirs, signs, c, *, bias: bool) -> Net:
    """ψ of ``Σ_k c_k ū_k`` placed one column per neuron: ``(√c_k ū_k, σ_k √c_k)`` for ``c_k > 0``."""
    c = np.asarray(c, float)
    keep = c > 0
    r = np.sqrt(c[keep])
    return Net(dirs[keep] * r[:, None], signs[keep] * r, bias=bias)


def _upper_objective(Xa, X, y, beta, dirs, signs, c, bias):
    """``L_β`` of ψ(c) plus its rounding bound: an upper bound of ``p*``."""
    net = column_net(dirs, signs, c, bias=bias)
    return network_objective(net, X, y, beta) + objective_rounding(net, X, y, beta)


def _solution_primal(solution):
    """``(dirs, signs, c)`` of the solution's own slots (unit directions, magnitudes)."""
    nu_, nv_ = np.linalg.norm(solution.U, axis=1), np.linalg.norm(solution.V, axis=1)
    ku, kv = nu_ > 0, nv_ > 0
    dirs = np.concatenate([solution.U[ku] / nu_[ku, None], solution.V[kv] / nv_[kv, None]])
    signs = np.concatenate([np.ones(int(ku.sum())), -np.ones(int(kv.sum()))])
    return dirs, signs, np.concatenate([nu_[ku], nv_[kv]])


def decide_tightness(solution, Xa, tol: Tolerances, *, polish_rounds: int = 3, force: bool = False) -> Tightness:
    """Tight signed patterns of a :class:`~geom.ConvexSolution`, decided safely (module docstring).

    The solution's ``ν*`` is tried first (its radius from the gap and from :func:`kkt_radius` with the solution's
    own slots); if the candidates are not clearly at ``β``, up to ``polish_rounds`` rounds of docs/theory.md §C.4
    polishing (fix the candidate directions and the grey zone, non-negative lasso, ``ν = y − A c``) are tried.
    ``force`` polishes even a decided result (the caller found a downstream decision ambiguous) and returns the
    first decided polished one.
    """
    X, y, beta = solution.X, solution.y, (1.0 if solution.interpolate else solution.beta)
    pool, index = solution.pool, solution.pool_index
    interp = solution.interpolate
    p_up = solution.p_star + float(solution.stats.get("rounding", 0.0))
    best = _classify(Xa, y, beta, solution.nu_star, pool, index, p_up, interp, tol,
                     primal=_solution_primal(solution))
    if (best.decided and not force) or interp:
        return best
    cur = best
    for r in range(1, polish_rounds + 1):
        pairs, directions = _classify(Xa, y, beta, cur.nu, pool, index, p_up, interp, tol, widen=tol.separation)
        dirs, signs, _, _ = columns_from_pairs(Xa, pairs, directions, tol)
        if not len(dirs):
            break
        A = fit_columns(Xa, dirs, signs)
        c = nonnegative_lasso(A, y, beta)
        nu = y - A @ c
        p_up_r = min(p_up, _upper_objective(Xa, X, y, beta, dirs, signs, c, solution.bias))
        cand = replace(_classify(Xa, y, beta, nu, pool, index, p_up_r, interp, tol, primal=(dirs, signs, c)),
                       polish_rounds=r)
        if cand.decided:
            return cand
        cur = cand
    return replace(best, polish_rounds=polish_rounds)
