"""Clarke stationarity of a two-layer ReLU network with weight decay (docs/theory.md §F.2–F.3).

For ``L_β(θ) = ½‖f_θ(X) − y‖² + (β/2)Σ(‖u_j‖² + α_j²)`` and ``g = ŷ − y`` the Clarke subdifferential is a product
over neurons (docs/theory.md §F.2):

    ∂_{α_j} = (X u_j)_+ᵀ g + β α_j,
    ∂_{u_j} = { α_j Xᵀ diag(s) g + β u_j :  s_i = 1 (x_iᵀu_j > 0), 0 (x_iᵀu_j < 0), s_{T_j} ∈ Σ_j },

with ``T_j`` the rows tied at ``u_j`` (``x_iᵀu_j = 0``) and ``Σ_j`` the convex hull of the strict sign patterns of
the tied rows' own arrangement: the box ``[0, 1]^{T_j}`` when those rows are linearly independent, a smaller
polytope otherwise (duplicate rows force equal multipliers).  Per neuron:

* ``r_α = |(X u_j)_+ᵀ g + β α_j|``;
* ``r_u = min_{s ∈ Σ_j} ‖b + M s‖`` with ``b = α_j X_Pᵀ g_P + β u_j`` and ``M = α_j X_Tᵀ diag(g_T)``: a bounded
  least-squares problem on the box, or a least-squares problem over the simplex of the tied rows' cells.

A net is Clarke stationary iff every residual is zero.  Ties are decided with the named relative threshold
``tie_tol`` (``|x_iᵀu_j| ≤ tie_tol ‖x_i‖‖u_j‖``); a row between ``tie_tol`` and ``separation · tie_tol`` is
ambiguous, and the verdict is then ``inconclusive`` unless both readings give the same answer.  Autodiff's
``ReLU'(0) = 0`` is the single choice ``s_T = 0``; at a tie the Clarke set can hold a zero that autodiff misses
(SPEC.md §I, I7: ``s = 1/3``).

Examples
--------
>>> import numpy as np
>>> from geom.nets import Net
>>> X, y = np.array([[-1.0], [0.0], [1.0]]), np.array([0.0, 1.0, 0.0])        # SPEC.md §I, I7
>>> a, b = np.sqrt(0.7), np.sqrt(0.6)
>>> net = Net(np.array([[0.0, a], [b, 0.0], [-b, 0.0]]), np.array([a, -b, -b]), bias=True)
>>> st = clarke_stationarity(net, X, y, 0.1)
>>> st.verdict, [round(float(s), 12) for s in st.multipliers[1]]
('holds', [0.333333333333])
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import lsq_linear, nnls

from ._validation import check_positive, check_vector, message
from .exceptions import InvalidInputError, InvalidInputTypeError
from .nets import Net, augment

__all__ = ["Stationarity", "clarke_stationarity", "TIE_TOL", "STATIONARITY_TOL", "SEPARATION"]

#: Relative tie threshold: row ``i`` is tied at ``u`` when ``|x_iᵀu| ≤ TIE_TOL ‖x_i‖‖u‖``.
TIE_TOL = 1e-8
#: A residual below ``STATIONARITY_TOL · scale`` is zero, with ``scale = max(1, ‖Xᵀ‖‖g‖ max|α|, β max‖u‖)``.
STATIONARITY_TOL = 1e-7
#: Grey-zone factor for ties and residuals (between the threshold and ``SEPARATION`` times it: ambiguous).
SEPARATION = 100.0


@dataclass(frozen=True)
class Stationarity:
    """The Clarke stationarity check of one network.

    Attributes
    ----------
    verdict : str
        ``"holds"`` (every residual ``≤ tol · scale``), ``"violated"`` (some residual above
        ``SEPARATION · tol · scale`` under every reading of the ties), or ``"inconclusive"``.
    residual : float
        ``max_j max(r_α, r_u) / scale``.
    residual_alpha, residual_u : ndarray (m,)
        Per-neuron absolute residuals.
    ties : tuple of ndarray
        Tied rows of each neuron.
    multipliers : tuple of ndarray
        ``s_{T_j}`` achieving ``r_u`` (empty where there is no tie).
    dependent_ties : ndarray of bool (m,)
        The tied rows of the neuron are linearly dependent (the box is replaced by the cell hull).
    autodiff_residual : float
        The same residual with ``s_T = 0`` (what autodiff's ``ReLU'(0) = 0`` reports), relative to ``scale``.
    ambiguous_ties : int
        Rows in the tie grey zone.
    scale : float
    tolerance : float
    """

    verdict: str
    residual: float
    residual_alpha: np.ndarray = field(repr=False)
    residual_u: np.ndarray = field(repr=False)
    ties: tuple = field(repr=False)
    multipliers: tuple = field(repr=False)
    dependent_ties: np.ndarray = field(repr=False)
    autodiff_residual: float
    ambiguous_ties: int
    scale: float
    tolerance: float

    def to_dict(self) -> dict:
        num = lambda v: float(v) if math.isfinite(v) else None  # noqa: E731
        return {"verdict": self.verdict, "residual": num(self.residual), "autodiff_residual":
                num(self.autodiff_residual), "residual_alpha": self.residual_alpha.tolist(),
                "residual_u": self.residual_u.tolist(), "ties": [t.tolist() for t in self.ties],
                "multipliers": [s.tolist() for s in self.multipliers],
                "dependent_ties": self.dependent_ties.tolist(), "ambiguous_ties": self.ambiguous_ties,
                "scale": self.scale, "tolerance": self.tolerance}


def _strict_cells(XT) -> np.ndarray:
    """The strict sign patterns ``1[x_iᵀδ > 0]`` of the tied rows' arrangement (its regions, exactly)."""
    from .arrangements import enumerate_patterns

    return enumerate_patterns(XT, ties="regions").region_patterns.astype(float)


def _simplex_lsq(b, MS):
    """``min_{λ ∈ Δ} ‖b + MS λ‖``: non-negative least squares with the row ``w·(1ᵀλ − 1)`` appended (weight
    ``w`` large), then renormalized; returns ``(residual, λ)``."""
    w = 1e6 * max(1.0, float(np.abs(MS).max(initial=0.0)), float(np.abs(b).max(initial=0.0)))
    A = np.vstack([MS, w * np.ones((1, MS.shape[1]))])
    rhs = np.concatenate([-b, [w]])
    lam, _ = nnls(A, rhs, maxiter=50 * A.shape[1] + 100)
    lam = lam / lam.sum() if lam.sum() > 0 else np.full(MS.shape[1], 1.0 / MS.shape[1])
    return float(np.linalg.norm(b + MS @ lam)), lam


def _neuron_residual(Xa, g, u, a, beta, tied, pos):
    """``(r_u, s, dependent)`` for one neuron with tied rows ``tied`` and strictly positive rows ``pos``."""
    b = a * (Xa[pos].T @ g[pos]) + beta * u
    if not tied.any():
        return float(np.linalg.norm(b)), np.zeros(0), False
    XT = Xa[tied]
    M = a * (XT.T * g[tied][None, :])
    dependent = np.linalg.matrix_rank(XT) < XT.shape[0]
    if not dependent:
        res = lsq_linear(M, -b, bounds=(0.0, 1.0), method="bvls", tol=1e-14)
        s = np.clip(res.x, 0.0, 1.0)
        return float(np.linalg.norm(b + M @ s)), s, False
    S = _strict_cells(XT)  # (cells, |T|)
    r, lam = _simplex_lsq(b, M @ S.T)
    return r, S.T @ lam, True


def _residuals(Xa, y, U, alpha, beta, tie_tol):
    fit = np.maximum(Xa @ U.T, 0.0) @ alpha
    g = fit - y
    norms_x = np.linalg.norm(Xa, axis=1)
    m = len(alpha)
    r_a, r_u, r_ad = np.zeros(m), np.zeros(m), np.zeros(m)
    ties, mults, dep = [], [], np.zeros(m, bool)
    for j in range(m):
        u, a = U[j], float(alpha[j])
        nu = float(np.linalg.norm(u))
        z = Xa @ u
        r_a[j] = abs(float(np.maximum(z, 0.0) @ g) + beta * a)
        tied = np.abs(z) <= tie_tol * norms_x * nu
        pos = (z > 0) & ~tied
        r_u[j], s, dep[j] = _neuron_residual(Xa, g, u, a, beta, tied, pos)
        r_ad[j] = float(np.linalg.norm(a * (Xa[pos].T @ g[pos]) + beta * u))
        ties.append(np.flatnonzero(tied))
        mults.append(s)
    scale = max(1.0, float(np.linalg.norm(Xa, 2) * np.linalg.norm(g) * np.abs(alpha).max(initial=0.0)),
                beta * float(np.linalg.norm(U, axis=1).max(initial=0.0)))
    return r_a, r_u, r_ad, tuple(ties), tuple(mults), dep, scale


def clarke_stationarity(net: Net, X, y, beta, *, tie_tol: float = TIE_TOL,
                        tol: float = STATIONARITY_TOL) -> Stationarity:
    """Clarke stationarity of ``net`` for ``L_β`` on ``(X, y)`` (docs/theory.md §F.2–F.3; module docstring).

    Parameters
    ----------
    net : Net
        One network (no batch axis; see :mod:`geom.checks` for batches).
    X : array (n, d)
    y : array (n,)
    beta : float
        ``β > 0``.
    tie_tol, tol : float
        See :data:`TIE_TOL`, :data:`STATIONARITY_TOL`.

    Returns
    -------
    Stationarity
    """
    func = "clarke_stationarity"
    if not isinstance(net, Net):
        raise InvalidInputTypeError(message("net", func, "a geom.Net", type(net).__name__))
    if net.U.ndim != 2:
        raise InvalidInputError(message("net", func, "one network (U of shape (m, p))", f"U of shape {net.U.shape}"))
    X = net.check_data(X, func)
    y = check_vector(y, length=X.shape[0], name="y", func=func)
    beta = check_positive(beta, name="beta", func=func)
    Xa = augment(np.asarray(X, float), net.bias)
    U, alpha = net.U, net.alpha
    r_a, r_u, r_ad, ties, mults, dep, scale = _residuals(Xa, y, U, alpha, beta, tie_tol)
    res = float(max(r_a.max(initial=0.0), r_u.max(initial=0.0))) / scale
    # the other reading of the grey-zone rows: ties widened to SEPARATION · tie_tol
    norms_x = np.linalg.norm(Xa, axis=1)
    z = np.abs(Xa @ U.T) if len(U) else np.zeros((len(Xa), 0))
    nu = np.linalg.norm(U, axis=1)
    thr = norms_x[:, None] * nu[None, :]
    grey = int(np.sum((z > tie_tol * thr) & (z <= SEPARATION * tie_tol * thr)))
    res_wide = res
    if grey:
        wa, wu, *_ = _residuals(Xa, y, U, alpha, beta, SEPARATION * tie_tol)
        res_wide = float(max(wa.max(initial=0.0), wu.max(initial=0.0))) / scale
    lo, hi = min(res, res_wide), max(res, res_wide)
    if hi <= tol:
        verdict = "holds"
    elif lo > SEPARATION * tol:
        verdict = "violated"
    else:
        verdict = "inconclusive"
    auto = float(max(r_a.max(initial=0.0), r_ad.max(initial=0.0))) / scale
    return Stationarity(verdict=verdict, residual=res, residual_alpha=r_a, residual_u=r_u, ties=ties,
                        multipliers=mults, dependent_ties=dep, autodiff_residual=auto, ambiguous_ties=grey,
                        scale=scale, tolerance=tol)
