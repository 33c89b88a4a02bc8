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
(docs/theory.md §I, I7: ``s = 1/3``).

Examples
--------
>>> import numpy as np
>>> from geom.nets import Net
>>> X, y = np.array([[-1.0], [0.0], [1.0]]), np.array([0.0, 1.0, 0.0])        # docs/theory.md §I, I7
>>> a, b = np.sqrt(0.7), np.sqrt(0.6)
>>> net = Net(np.array([[0.0, a], [b, 0.0], [-b, 0.0]]), np.array([a, -b, -b]), bias=True)
>>> st = clarke_stationarity(net, X, y, 0.1)
>>> st.verdict, [round(float(s), 12) for s in st.multipliers[1]]
('holds', [0.333333333333])
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
from scipy.optimize import lsq_linear, nnls

from ._validation import check_positive, check_vector, message
from .exceptions import InvalidInputError, InvalidInputTypeError
from .nets import Net, augment

__all__ = ["Stationarity", "clarke_stationarity", "exact_clarke_stationarity", "exact_box_multipliers", "TIE_TOL",
           "STATIONARITY_TOL", "SEPARATION"]

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

    def _repr_html_(self) -> str:
        from .display import stationarity_html
        return stationarity_html(self)


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
    res = float(np.max([r_a.max(initial=0.0), r_u.max(initial=0.0)])) / scale  # np.max: a NaN propagates
    # the other reading of the grey-zone rows: ties widened to SEPARATION · tie_tol
    norms_x = np.linalg.norm(Xa, axis=1)
    z = np.abs(Xa @ U.T) if len(U) else np.zeros((len(Xa), 0))
    nu = np.linalg.norm(U, axis=1)
    thr = norms_x[:, None] * nu[None, :]
    grey = int(np.sum((z > tie_tol * thr) & (z <= SEPARATION * tie_tol * thr)))
    res_wide = res
    if grey:
        wa, wu, *_ = _residuals(Xa, y, U, alpha, beta, SEPARATION * tie_tol)
        res_wide = float(np.max([wa.max(initial=0.0), wu.max(initial=0.0)])) / scale
    lo, hi = float(np.min([res, res_wide])), float(np.max([res, res_wide]))  # NaN in either: inconclusive
    if hi <= tol:
        verdict = "holds"
    elif lo > SEPARATION * tol:
        verdict = "violated"
    else:
        verdict = "inconclusive"
    auto = float(np.max([r_a.max(initial=0.0), r_ad.max(initial=0.0)])) / scale
    return Stationarity(verdict=verdict, residual=res, residual_alpha=r_a, residual_u=r_u, ties=ties,
                        multipliers=mults, dependent_ties=dep, autodiff_residual=auto, ambiguous_ties=grey,
                        scale=scale, tolerance=tol)


# ---- exact mode: the rational LP of docs/theory.md §F.3 for small cases ----------------------------------------

def _rref_solution(M, rhs):
    """Exact solution set of ``M s = rhs`` (Fractions): ``(s0, N)`` with ``s = s0 + N z``, or ``None``."""
    rows, cols = len(M), (len(M[0]) if M else 0)
    A = [list(M[i]) + [rhs[i]] for i in range(rows)]
    piv, r = [], 0
    for c in range(cols):
        p = next((i for i in range(r, rows) if A[i][c] != 0), None)
        if p is None:
            continue
        A[r], A[p] = A[p], A[r]
        inv = 1 / A[r][c]
        A[r] = [v * inv for v in A[r]]
        for i in range(rows):
            if i != r and A[i][c] != 0:
                f = A[i][c]
                A[i] = [a - f * b for a, b in zip(A[i], A[r])]
        piv.append(c)
        r += 1
    if any(all(v == 0 for v in A[i][:cols]) and A[i][cols] != 0 for i in range(rows)):
        return None
    free = [c for c in range(cols) if c not in piv]
    s0 = [Fraction(0)] * cols
    N = [[Fraction(0)] * len(free) for _ in range(cols)]
    for i, c in enumerate(piv):
        s0[c] = A[i][cols]
        for k, f in enumerate(free):
            N[c][k] = -A[i][f]
    for k, f in enumerate(free):
        N[f][k] = Fraction(1)
    return s0, N


def _fm_feasible(ineqs, k):
    """A point ``z ∈ Q^k`` with ``a·z ≤ c`` for every ``(a, c)`` in ``ineqs`` (Fourier–Motzkin, exact), or ``None``."""
    if k == 0:
        return [] if all(c >= 0 for _, c in ineqs) else None
    pos = [(a, c) for a, c in ineqs if a[-1] > 0]
    neg = [(a, c) for a, c in ineqs if a[-1] < 0]
    zero = [(a[:-1], c) for a, c in ineqs if a[-1] == 0]
    reduced = zero + [([pa * (-n[-1]) + na * p[-1] for pa, na in zip(p[:-1], n[:-1])], pc * (-n[-1]) + nc * p[-1])
                      for p, pc in pos for n, nc in neg]
    z = _fm_feasible(reduced, k - 1)
    if z is None:
        return None
    lo = max(((c - sum(x * y for x, y in zip(a[:-1], z))) / a[-1] for a, c in neg), default=None)
    hi = min(((c - sum(x * y for x, y in zip(a[:-1], z))) / a[-1] for a, c in pos), default=None)
    last = lo if lo is not None else (hi if hi is not None else Fraction(0))
    return z + [last]


def exact_box_multipliers(M, b, *, simplex: bool = False):
    """``s`` with ``M s = −b`` and ``s ∈ [0, 1]^t`` (``simplex``: ``s ≥ 0, Σ s = 1``), exactly, or ``None``.

    >>> from fractions import Fraction as F
    >>> exact_box_multipliers([[F(0)], [F(3)]], [F(0), F(-1)])     # the tie of docs/theory.md §F.3: s = 1/3
    [Fraction(1, 3)]
    """
    t = len(M[0]) if M else 0
    rows = [list(r) for r in M] + ([[Fraction(1)] * t] if simplex else [])
    rhs = [-v for v in b] + ([Fraction(1)] if simplex else [])
    sol = _rref_solution(rows, rhs)
    if sol is None:
        return None
    s0, N = sol
    k = len(N[0]) if N else 0
    ineqs = []
    for i in range(t):  # 0 ≤ s0_i + N_i z (≤ 1 unless simplex)
        ineqs.append(([-v for v in N[i]], s0[i]))
        if not simplex:
            ineqs.append((list(N[i]), 1 - s0[i]))
    z = _fm_feasible(ineqs, k)
    if z is None:
        return None
    return [s0[i] + sum(N[i][j] * z[j] for j in range(k)) for i in range(t)]


def exact_clarke_stationarity(net: Net, X, y, beta) -> tuple:
    """Decide ``0 ∈ ∂_C L_β(θ)`` exactly for the given (float, hence rational) numbers: ``(verdict, multipliers)``.

    Everything is computed in ``Fraction``s: the ties are exact zeros of ``x_iᵀu_j``, ``r_α`` must vanish, and the
    multipliers come from the exact LP ``M s = −b`` over the box (independent tied rows) or over the simplex of
    the tied rows' cells (dependent ones).  Meant for small hand-made cases (dyadic weights); a float net that is
    stationary only up to rounding is ``violated`` here.

    >>> import numpy as np
    >>> X, y = np.array([[-1.0], [0.0], [1.0]]), np.array([0.0, -3.0, 2.0])
    >>> exact_clarke_stationarity(Net(np.array([[1.0, 0.0]]), np.array([1.0]), bias=True), X, y, 1.0)
    ('holds', [[Fraction(1, 3)]])
    """
    Xa = augment(np.asarray(net.check_data(X, "exact_clarke_stationarity"), float), net.bias)
    F = Fraction
    Xq = [[F(float(v)) for v in row] for row in Xa]
    yq = [F(float(v)) for v in np.asarray(y, float)]
    bq = F(float(beta))
    Uq = [[F(float(v)) for v in row] for row in net.U]
    aq = [F(float(v)) for v in net.alpha]
    n, p = len(Xq), len(Xq[0])
    Z = [[sum(x * u for x, u in zip(Xq[i], Uq[j])) for i in range(n)] for j in range(len(aq))]
    fit = [sum(aq[j] * max(Z[j][i], F(0)) for j in range(len(aq))) for i in range(n)]
    g = [fit[i] - yq[i] for i in range(n)]
    mults = []
    for j in range(len(aq)):
        if sum(max(Z[j][i], F(0)) * g[i] for i in range(n)) + bq * aq[j] != 0:
            return "violated", mults
        P = [i for i in range(n) if Z[j][i] > 0]
        T = [i for i in range(n) if Z[j][i] == 0]
        b = [aq[j] * sum(Xq[i][c] * g[i] for i in P) + bq * Uq[j][c] for c in range(p)]
        if not T:
            if any(v != 0 for v in b):
                return "violated", mults
            mults.append([])
            continue
        M = [[aq[j] * Xq[i][c] * g[i] for i in T] for c in range(p)]
        dependent = np.linalg.matrix_rank(Xa[T]) < len(T)
        if dependent:
            S = _strict_cells(Xa[T])
            MS = [[sum(M[c][t] * F(int(S[k][t])) for t in range(len(T))) for k in range(len(S))] for c in range(p)]
            lam = exact_box_multipliers(MS, b, simplex=True)
            s = None if lam is None else [sum(lam[k] * F(int(S[k][t])) for k in range(len(S))) for t in range(len(T))]
        else:
            s = exact_box_multipliers(M, b)
        if s is None:
            return "violated", mults
        mults.append(s)
    return "holds", mults
