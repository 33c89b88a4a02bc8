"""The continuum of optimal interpolators with a regularized bias (docs/theory.md §G; Kim et al. 2025 §3.3).

In the interpolation limit (``β → 0``: minimum ``Σ‖u_k‖ + ‖v_k‖`` subject to an exact fit) the optimal set is
``Q = {c ≥ 0 : A c = y}`` over the directions tight at a dual optimum.  When ``dim Q = K − rank A ≥ 1`` two of its
vertices are two optimal interpolators, and they compute *different functions* on the input space whenever their
coefficient vectors differ (the output is linear in ``c``), so the whole segment between them is a continuum of
optimal interpolators computing distinct functions.

* :func:`tail_sum_instance` builds such data by the recipe of docs/theory.md §G.2 (1-D with bias: unit tail sums
  ``T_k = Σ_{i≥k} ν̂_i (x_i, 1)`` at decreasing angles ``90° = θ_1 > … > θ_n = 30°``, so ``n + 1`` signed
  patterns are tight at 1 in ``R^n``, and ``y = A c⁰`` with ``c⁰ > 0``).
* :func:`optimal_interpolators` returns two vertex interpolators of an interpolation-mode polytope and *checks*
  each: exact fit, and a penalty within the certified gap of the solution's dual lower bound — a proof that does
  not rely on the tight set being complete.

Examples
--------
>>> import geom
>>> X, y = tail_sum_instance(4, seed=0)
>>> P = geom.optimal_polytope(geom.solve_convex(X, y, 0.0, bias=True, interpolate=True))
>>> C = optimal_interpolators(P)
>>> C.dim >= 1, C.verdict
(True, 'holds')
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ._validation import message
from .cones import dual_values
from .exceptions import InvalidInputError
from .nets import augment

__all__ = ["tail_sum_instance", "Continuum", "optimal_interpolators"]

#: Two interpolators compute different functions when their outputs differ by more than this (relative to the
#: largest output) somewhere on the evaluation grid.
FUNCTION_TOL = 1e-6
#: An interpolator fits when ``max|f(x_i) − y_i| ≤ FIT_TOL · max(1, max|y|)``.
FIT_TOL = 1e-7


def tail_sum_instance(n: int, *, seed: int = 0, theta_last: float = 30.0):
    """1-D data with a continuum of optimal interpolators (docs/theory.md §G.2): ``(X (n, 1), y (n,))``.

    Angles ``θ_1 = 90° > θ_2 > … > θ_n = theta_last`` (the middle ones drawn with ``seed``) give
    ``x_i = −tan((θ_i + θ_{i+1})/2)`` (``i < n``), ``x_n = cot θ_n`` and ``ν̂_i = sin θ_i − sin θ_{i+1}``
    (``θ_{n+1} = 0``); the signed patterns tight at 1 for ``ν̂`` give the columns ``A``, and ``y = A c⁰`` with
    ``c⁰`` uniform in ``[1, 2]``.
    """
    if not isinstance(n, (int, np.integer)) or n < 2:
        raise InvalidInputError(message("n", "tail_sum_instance", "an integer ≥ 2", repr(n)))
    rng = np.random.default_rng(seed)
    mids = np.sort(rng.uniform(theta_last, 90.0, size=n - 2))[::-1] if n > 2 else np.zeros(0)
    th = np.radians(np.concatenate([[90.0], mids, [theta_last]]))
    x = np.empty(n)
    x[:-1] = -np.tan((th[:-1] + th[1:]) / 2.0)
    x[-1] = 1.0 / np.tan(th[-1])
    nu = np.sin(th) - np.sin(np.concatenate([th[1:], [0.0]]))
    X = x[:, None]
    Xa = augment(X, True)
    # every pattern of 1-D data with bias: thresholds between sorted points, both orientations
    order = np.argsort(x)
    pats = []
    for k in range(n + 1):
        left = np.zeros(n, bool)
        left[order[:k]] = True
        pats += [left, ~left]
    pats = np.array(pats)
    pats = np.unique(pats, axis=0)
    dv = dual_values(Xa, nu, pats)
    tight = np.argwhere(dv.values >= 1.0 - 1e-9)
    dirs = dv.directions[tight[:, 0], tight[:, 1]]
    signs = np.where(tight[:, 1] == 0, 1.0, -1.0)
    A = np.maximum(Xa @ dirs.T, 0.0) * signs
    c0 = rng.uniform(1.0, 2.0, size=A.shape[1])
    return X, A @ c0


@dataclass(frozen=True)
class Continuum:
    """Two optimal interpolators of a positive-dimensional ``Q`` and the evidence that they differ.

    Attributes
    ----------
    dim : int
        ``K − rank A``.
    nets : tuple of Net
        ψ of two vertices of ``Q`` (empty when ``dim = 0``).
    penalties : tuple of float
        ``½(‖U‖² + ‖α‖²)`` of each (equal to ``p*`` for an optimal interpolator).
    fit_errors : tuple of float
    difference : float
        ``max |f_a − f_b|`` over the evaluation points, relative to ``max(1, max|f|)``.
    verdict : str
        ``"holds"`` (``dim ≥ 1``, both nets fit and are optimal within the certified gap, and the functions
        differ), ``"violated"`` (a vertex net that does not fit or is not optimal: the polytope is wrong),
        ``"not applicable"`` (``dim = 0``: the optimal interpolator is unique, or not the interpolation limit),
        ``"inconclusive"`` otherwise.
    reason : str
    """

    dim: int
    nets: tuple = field(repr=False)
    penalties: tuple
    fit_errors: tuple
    difference: float
    verdict: str
    reason: str

    def to_dict(self) -> dict:
        return {"dim": self.dim, "penalties": list(self.penalties), "fit_errors": list(self.fit_errors),
                "difference": self.difference if math.isfinite(self.difference) else None,
                "verdict": self.verdict, "reason": self.reason,
                "nets": [{"U": net.U.tolist(), "alpha": net.alpha.tolist(), "bias": net.bias} for net in self.nets]}


def optimal_interpolators(P, *, lower_bound: float | None = None, gap_tol: float = 1e-8, points=None) -> Continuum:
    """Two optimal interpolators computing different functions, from an interpolation-mode polytope (§G).

    Parameters
    ----------
    P : OptimalPolytope
        Built from ``solve_convex(..., interpolate=True)``.
    lower_bound : float or None
        A lower bound of the minimum penalty; ``None`` (default) takes the solution's dual bound, carried in
        ``P.stats``.  The verdict is ``holds`` only when that solution was certified (its pool complete, its gap
        within tolerance): the bound is then a bound on the true minimum, not only on the pool's.
    gap_tol : float
        Relative gap allowed between each net's penalty and ``lower_bound``.
    points : array (N, d), optional
        Where the two functions are compared (default: a grid over the data's range, widened by half its span,
        in 1-D; the data plus 200 random points from their bounding box otherwise).
    """
    if not P.interpolate or P.m_star is None:
        reason = "not the interpolation limit" if not P.interpolate else "the polytope has no vertex"
        return Continuum(0, (), (), (), math.nan, "not applicable", reason)
    dim = P.dim
    if dim < 1 or len(P.vertices) < 2:
        return Continuum(dim, (), (), (), 0.0, "not applicable", "dim Q = 0: the optimal interpolator is unique")
    # the two vertices farthest apart in coefficient space
    C = np.array([v.coefficients for v in P.vertices])
    dists = np.linalg.norm(C[:, None, :] - C[None, :, :], axis=2)
    a, b = np.unravel_index(int(np.argmax(dists)), dists.shape)
    nets = (P.vertex_net(int(a)), P.vertex_net(int(b)))
    Xa = augment(P.X, P.bias)
    pens, fits = [], []
    for net in nets:
        pens.append(0.5 * float(np.sum(net.U ** 2) + np.sum(net.alpha ** 2)))
        out = np.maximum(Xa @ net.U.T, 0.0) @ net.alpha
        fits.append(float(np.max(np.abs(out - P.y))) / max(1.0, float(np.max(np.abs(P.y)))))
    if points is None:
        lo, hi = P.X.min(axis=0), P.X.max(axis=0)
        span = np.maximum(hi - lo, 1.0)
        if P.X.shape[1] == 1:
            points = np.linspace(lo[0] - span[0] / 2, hi[0] + span[0] / 2, 401)[:, None]
        else:
            rng = np.random.default_rng(0)
            points = np.vstack([P.X, rng.uniform(lo - span / 2, hi + span / 2, size=(200, P.X.shape[1]))])
    Z = augment(np.asarray(points, float), P.bias)
    fa = np.maximum(Z @ nets[0].U.T, 0.0) @ nets[0].alpha
    fb = np.maximum(Z @ nets[1].U.T, 0.0) @ nets[1].alpha
    diff = float(np.max(np.abs(fa - fb))) / max(1.0, float(np.max(np.abs(fa))), float(np.max(np.abs(fb))))
    lb = float(P.stats.get("lower_bound", math.nan)) if lower_bound is None else float(lower_bound)
    figures = [lb, diff, *pens, *fits]
    optimal = all(p - lb <= gap_tol * max(1.0, abs(lb)) for p in pens)
    fit = all(f <= FIT_TOL for f in fits)
    if not all(math.isfinite(v) for v in figures):
        verdict, reason = "inconclusive", "a figure of the check is not finite"
    elif not (fit and optimal):
        verdict, reason = "violated", f"a vertex net fails (fit errors {fits}, penalties {pens} vs bound {lb})"
    elif not P.stats.get("solution_certified", False):
        verdict, reason = "inconclusive", "the convex solution is not certified: its bound holds for its pool only"
    elif diff > FUNCTION_TOL:
        verdict, reason = "holds", ""
    else:
        verdict, reason = "inconclusive", f"the two vertex nets agree to {diff:.3g} on the evaluation points"
    return Continuum(dim, nets, tuple(pens), tuple(fits), diff, verdict, reason)
