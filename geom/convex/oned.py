"""(C) for one-dimensional data with a regularized bias, priced by a sweep over the sorted data (docs/theory.md §B.3).

With rows ``x̃_i = (x_i, 1)`` and distinct values ``z_1 < … < z_m`` the region patterns are the half-lines
(docs/theory.md §B.3): the tails ``T_j = {i : x_i ≥ z_j}`` (``j = 1..m``; ``T_1`` is the full set), the heads
``H_j = {i : x_i ≤ z_j}`` (``j = 1..m−1``) and the empty set, ``2m`` patterns in all, complete and exact (sorting
and comparing floats is exact; equal values are one hyperplane).  Every cone is a planar sector whose boundary
rays are among ``±ρ_j``, ``ρ_j = (1, −z_j)/‖(1, −z_j)‖``:

* ``C(T_j) = cone(ρ_{j−1}, ρ_j)`` for ``j ≥ 2``; ``C(H_j) = cone(−ρ_j, −ρ_{j+1})``;
* the full set: ``cone(ρ_1, −ρ_m)`` (the half-plane ``{w z_1 + b ≥ 0}`` when ``m = 1``); the empty set has
  ``D_k X̃ = 0`` and dual value ``0``.

The pricing vector of a pattern, ``±X̃ᵀD_kν = ±(Σ_{i∈k} ν_i x_i, Σ_{i∈k} ν_i)``, is a prefix or suffix sum, and
``‖Π_C g‖`` on a sector is ``‖g‖`` when ``g ∈ C``, else ``max(0, gᵀr_1, gᵀr_2)`` over its boundary rays.  So
``φ(ν)`` over *all* patterns costs one sort and two cumulative sums: no pool is materialized, and
:func:`oned_dual_values` bounds every value rigorously (Higham's summation bound, the 1-Lipschitz projection and
a float filter on the sector test).

:func:`solve_oned` is column generation on this pricing: the restricted program of :mod:`.program` over a
small working set, the sweep over every pattern, polishing (:mod:`.polish`), the noise pruning and the vertex
reduction of :func:`geom.solve_convex` (the returned net is a vertex of the optimal polytope, at most ``n + 1``
neurons), and the certificate ``ν̃ = ν · min(1, β/φ̄)``, ``D(ν̃)`` less its rounding (docs/theory.md §C.3).

The pool (``2m × n`` booleans) is materialized in the solution only for ``n ≤`` :data:`POOL_MAX_SAMPLES`, so
that :func:`geom.optimal_polytope` works on small data; beyond that ``pool`` and ``pool_index`` are ``None``
(200 MB at ``n = 10⁴``) and :func:`geom.optimal_polytope` refuses the solution.

Examples
--------
docs/theory.md §I, I7b: ``x = (−1, 0, 1)``, ``y = (1, 0, 1)``, ``β = 0.1``: ``p* = 0.185``, ``y* = (0.9, 0.1, 0.9)``.

>>> import numpy as np
>>> sol = solve_oned(np.array([[-1.0], [0.0], [1.0]]), np.array([1.0, 0.0, 1.0]), 0.1)
>>> round(sol.p_star, 9), sol.y_star.round(9).tolist(), sol.certified, sol.neurons
(0.185, [0.9, 0.1, 0.9], True, 3)
"""

from __future__ import annotations

import math
import time
import warnings
from dataclasses import dataclass, field

import numpy as np

from .._validation import check_int, check_matrix, check_option, check_positive, check_vector, message
from ..cones import region_index
from ..duality import dual_function, dual_rounding, network_objective, objective_rounding
from ..exceptions import CertificationError, ConvergenceWarning, InvalidInputError, InvalidInputTypeError, SolverError
from ..losses import LOSSES, check_labels, loss_gradient
from ..nets import augment, psi
from ..tolerances import DEFAULT_TOLERANCES, Tolerances, gamma, unit_roundoff
from .colgen import WorkingSet
from .polish import newton_polish
from .program import SOLVED, Restricted, fit, solve_restricted

__all__ = ["HalfLines", "OnedDualValues", "oned_dual_values", "solve_oned", "POOL_MAX_SAMPLES"]

#: The solution carries the explicit pool (``2m × n`` booleans) and its facet index only up to this many
#: samples (``2 · 2000² = 8 MB``), so that :func:`geom.optimal_polytope` works on small data; beyond it
#: ``pool`` and ``pool_index`` are ``None`` (``2 · 10⁸`` booleans at ``n = 10⁴``).
POOL_MAX_SAMPLES = 2000
#: Patterns added per column-generation round: the largest local maxima (along the sweep) of the violation.
_PER_ROUND = 40
#: Initial working set: tails and heads at this many evenly spaced breakpoints (and the full set).
_INITIAL = 16
#: A working-set pattern with zero slots whose dual value stays below ``β(1 − _DROP_SLACK)`` is idle.
_DROP_SLACK = 0.05
#: Before the noise pruning, slots whose dual value at the interior point's ``ν`` is below ``β(1 − _TIGHT_SLACK)``
#: are zeroed (complementary slackness; the candidate is kept only if it certifies as well).
_TIGHT_SLACK = 0.05
#: Polishing stops early once its relative gap is below this times ``tol.gap``; a candidate also replaces the
#: current one when its gap is below it (as in :func:`geom.solve_convex`).
_POLISHED = 1e-2
#: Rounds of dropping noise slots and refitting.
_PRUNE_ROUNDS = 3
#: When the polished solution does not certify, patterns that price out at its (exact) ``ν`` join the working set
#: and column generation resumes, at most this many times.
_REPRICE = 3
#: Eigenvalues of a segment's ``Σ x̃_ix̃_iᵀ`` below this fraction of its largest are dropped (rank of the
#: segment's pseudo-rows in the compressed data; the certificate is always computed on the full data).
_EIG_FLOOR = 1e-14


# ---- the half-line patterns ------------------------------------------------------------------------------------

class HalfLines:
    """The ``2m`` region patterns of 1-D data with bias, indexed without materializing them.

    Pattern ids: ``0..m−1`` are the tails ``T_j = {x ≥ z_j}`` (id 0 is the full set), ``m..2m−2`` the heads
    ``H_j = {x ≤ z_j}`` (``j = id − m``, ``j ≤ m − 2``) and ``2m − 1`` the empty set.

    Parameters
    ----------
    x : ndarray (n,)
        The data (one feature).

    Examples
    --------
    >>> hl = HalfLines(np.array([2.0, -1.0, 0.0, 2.0]))
    >>> hl.m, hl.count, hl.masks(np.arange(hl.count)).astype(int).tolist()
    (3, 6, [[1, 1, 1, 1], [1, 0, 1, 1], [1, 0, 0, 1], [0, 1, 0, 0], [0, 1, 1, 0], [0, 0, 0, 0]])
    """

    def __init__(self, x):
        self.x = np.asarray(x, dtype=np.float64)
        self.z, first, self.group = np.unique(self.x, return_index=True, return_inverse=True)
        self.group = self.group.ravel()
        self.rep = first.astype(np.int64)  # one sample per distinct value: the facet row of its hyperplane
        self.m = int(self.z.size)
        nz = np.sqrt(1.0 + self.z * self.z)
        self.rho = np.stack([1.0 / nz, -self.z / nz], axis=1)  # ρ_j, unit up to rounding

    @property
    def count(self) -> int:
        """Number of patterns (``2m``; ``2`` for one distinct value)."""
        return 2 * self.m

    def masks(self, ids) -> np.ndarray:
        """Boolean patterns ``(len(ids), n)`` of the given ids."""
        ids = np.asarray(ids, dtype=np.int64)
        g = self.group[None, :]
        tail = ids[:, None] < self.m
        j = np.where(tail, ids[:, None], ids[:, None] - self.m)
        out = np.where(tail, g >= j, g <= j)
        out[ids == self.count - 1] = False
        return out

    def facet_rows(self, ids) -> list[np.ndarray]:
        """Row indices (one representative sample per hyperplane) of the facets of each pattern's cone."""
        m, rep = self.m, self.rep
        out = []
        for k in np.asarray(ids, dtype=np.int64).tolist():
            if k in (0, self.count - 1):  # full or empty set: the extreme values
                out.append(rep[[0, m - 1]] if m > 1 else rep[[0]])
            elif k < m:
                out.append(rep[[k - 1, k]])
            else:
                out.append(rep[[k - m, k - m + 1]])
        return out


@dataclass(frozen=True)
class OnedDualValues:
    """Dual values ``‖Π_{C_k}(±X̃ᵀD_kν)‖`` of every half-line pattern, by the sweep.

    Attributes
    ----------
    values : ndarray (2m, 2)
        Float values (column 0: ``+``, the ``u`` slot; column 1: ``−``, the ``v`` slot); row ``2m − 1`` (empty
        set) is ``0``.
    upper : ndarray (2m, 2)
        Rigorous upper bounds of the exact values (rounding of the sums, of the sector test and of the rays).
    directions : ndarray (2m, 2, 2)
        Unit maximizers ``u`` (zero where the value is ``0``).
    """

    values: np.ndarray = field(repr=False)
    upper: np.ndarray = field(repr=False)
    directions: np.ndarray = field(repr=False)

    @property
    def phi(self) -> float:
        """``φ(ν)`` as computed."""
        return float(self.values.max())

    @property
    def phi_upper(self) -> float:
        """A rigorous upper bound of ``φ(ν)`` over all ``2m`` patterns."""
        return float(self.upper.max())


def oned_dual_values(hl: HalfLines, nu) -> OnedDualValues:
    """Dual values of all half-line patterns at ``ν`` in ``O(n)`` after the sort (module docstring).

    Rounding: each component of ``g = X̃ᵀD_kν`` is a float sum of at most ``n`` products, within
    ``γ_{n+1}`` of the exact one relative to the sum of absolute terms (Higham, §4.2, any summation order), so
    ``‖g − ĝ‖ ≤ e_k = γ_{n+4} ‖(Σ|ν_i x_i|, Σ|ν_i|)‖`` and, the projection being 1-Lipschitz, the exact value is
    at most the exact value at ``ĝ`` plus ``e_k``.  At ``ĝ``: a sector test decided outside the float error of its
    two products gives ``max(0, ĝᵀr_1, ĝᵀr_2)``, else ``‖ĝ‖ ≥ ‖Π ĝ‖`` bounds it; each product is off by at most
    ``γ_8 ‖ĝ‖`` (rays rounded to a few ulps).

    >>> hl = HalfLines(np.array([-1.0, 1.0]))
    >>> dv = oned_dual_values(hl, np.array([0.5, 0.5]))
    >>> dv.values.round(12).tolist()      # full set: g = (0, 1) in the sector; tails/heads of one point
    [[1.0, 0.0], [0.707106781187, 0.0], [0.707106781187, 0.0], [0.0, 0.0]]
    """
    nu = np.asarray(nu, dtype=np.float64)
    x, m, n = hl.x, hl.m, hl.x.size
    gw = np.bincount(hl.group, weights=nu * x, minlength=m)
    gb = np.bincount(hl.group, weights=nu, minlength=m)
    aw = np.bincount(hl.group, weights=np.abs(nu * x), minlength=m)
    ab = np.bincount(hl.group, weights=np.abs(nu), minlength=m)
    suf = lambda a: np.cumsum(a[::-1])[::-1]  # noqa: E731
    # rows: tails j = 0..m−1, heads j = 0..m−2, empty
    G = np.zeros((2 * m, 2))
    A = np.zeros((2 * m, 2))
    G[:m, 0], G[:m, 1], A[:m, 0], A[:m, 1] = suf(gw), suf(gb), suf(aw), suf(ab)
    G[m:2 * m - 1, 0], G[m:2 * m - 1, 1] = np.cumsum(gw)[:-1], np.cumsum(gb)[:-1]
    A[m:2 * m - 1, 0], A[m:2 * m - 1, 1] = np.cumsum(aw)[:-1], np.cumsum(ab)[:-1]
    err = gamma(n + 4) * np.linalg.norm(A, axis=1) * (1.0 + gamma(n + 4))
    # boundary rays r1, r2 and inward facet normals a1, a2 (a_iᵀu ≥ 0 on the cone) per pattern
    z, rho = hl.z, hl.rho
    R1, R2 = np.zeros((2 * m, 2)), np.zeros((2 * m, 2))
    N1, N2 = np.zeros((2 * m, 2)), np.zeros((2 * m, 2))
    ones = np.ones(m)
    xt = np.stack([z, ones], axis=1)  # x̃ of each distinct value
    # full set: cone(ρ_1, −ρ_m); normals x̃_1, x̃_m (one half-plane when m = 1)
    R1[0], R2[0], N1[0], N2[0] = rho[0], -rho[m - 1], xt[0], xt[m - 1]
    if m > 1:
        R1[1:m], R2[1:m] = rho[:-1], rho[1:]
        N1[1:m], N2[1:m] = xt[1:], -xt[:-1]
        R1[m:2 * m - 1], R2[m:2 * m - 1] = -rho[:-1], -rho[1:]
        N1[m:2 * m - 1], N2[m:2 * m - 1] = xt[:-1], -xt[1:]
    values = np.zeros((2 * m, 2))
    upper = np.zeros((2 * m, 2))
    dirs = np.zeros((2 * m, 2, 2))
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for col, s in ((0, 1.0), (1, -1.0)):
            g = s * G
            norm = np.linalg.norm(g, axis=1)
            c1, c2 = np.sum(N1 * g, axis=1), np.sum(N2 * g, axis=1)
            e1 = gamma(4) * np.sum(np.abs(N1 * g), axis=1)
            e2 = gamma(4) * np.sum(np.abs(N2 * g), axis=1)
            inside = (c1 >= 0) & (c2 >= 0)
            surely_out = (c1 < -e1) | (c2 < -e2)
            p1, p2 = np.sum(R1 * g, axis=1), np.sum(R2 * g, axis=1)
            ray = np.maximum(np.maximum(p1, p2), 0.0)
            val = np.where(inside, norm, ray)
            val[-1] = 0.0
            ub = np.where(surely_out, ray + gamma(8) * norm, norm * (1.0 + gamma(4))) + err
            ub[-1] = 0.0
            values[:, col], upper[:, col] = val, ub
            best = np.where((p1 >= p2)[:, None], R1, R2)
            d = np.where(inside[:, None], g / np.where(norm > 0, norm, 1.0)[:, None],
                         np.where((ray > 0)[:, None], best, 0.0))
            d[-1] = 0.0
            dirs[:, col] = d
    return OnedDualValues(values=values, upper=upper, directions=dirs)


# ---- the restricted program, compressed ---------------------------------------------------------------------

def _restricted_segments(hl, Xa, y, beta, ids, rows_list, solver_tol) -> Restricted:
    """The squared-loss restricted program of :func:`geom.convex.program.solve_restricted` in segment form.

    On the working set the fit is linear, ``θ_s = (a_s, b_s)``, on each segment between consecutive breakpoints
    of its patterns, and ``θ_s − θ_{s−1}`` is the sum of ``w_k = u_k − v_k`` over the tails that start at the
    breakpoint minus the heads that end there (``θ_0``: the full set and every head).  The loss is
    ``Σ_s ½θ_sᵀM_sθ_s − m_sᵀθ_s + const`` with the segment's sums ``M_s = Σ x̃_ix̃_iᵀ``, ``m_s = Σ y_ix̃_i``.
    Same cones, same optimum as the sample form, but every constraint is sparse and the program has ``O(K)``
    variables whatever ``n``; ``ν = y − ŷ`` is recomputed on the full data.
    """
    import clarabel
    import scipy.sparse as sp

    ids = np.asarray(ids, dtype=np.int64)
    K, m, p = ids.size, hl.m, 2
    tail = ids < m
    j = np.where(tail, ids, ids - m)
    cut_of = np.where(tail, j, j + 1)  # first group of a tail; first group after a head
    cuts = np.unique(np.concatenate([[0, m], cut_of]))
    S = cuts.size - 1
    seg_of_group = np.searchsorted(cuts, np.arange(m), side="right") - 1
    seg = seg_of_group[hl.group]
    x = hl.x
    w1 = np.ones_like(x)
    M = np.zeros((S, 2, 2))
    M[:, 0, 0] = np.bincount(seg, weights=x * x, minlength=S)
    M[:, 0, 1] = M[:, 1, 0] = np.bincount(seg, weights=x, minlength=S)
    M[:, 1, 1] = np.bincount(seg, weights=w1, minlength=S)
    mv = np.stack([np.bincount(seg, weights=x * y, minlength=S), np.bincount(seg, weights=y, minlength=S)], axis=1)
    Kp = K * p
    nth = 2 * S
    nvar = 2 * Kp + 2 * K + 2 * nth  # u, v, t, θ, r
    th0 = 2 * Kp + 2 * K
    # equalities (θ_s − θ_{s−1}) − Σ_k ±(u_k − v_k) = 0, and θ_0 − Σ_{k active on segment 0}(u_k − v_k) = 0
    er, ec, ev = [], [], []
    for s_ in range(S):
        for c in range(p):
            r = s_ * p + c
            er.append(r), ec.append(th0 + r), ev.append(1.0)
            if s_ > 0:
                er.append(r), ec.append(th0 + r - p), ev.append(-1.0)
    for k in range(K):
        if tail[k]:
            s_k, sgn = int(np.searchsorted(cuts, cut_of[k])), 1.0  # enters at its first segment
        else:
            s_k = 0  # a head is active from segment 0 ...
        for c in range(p):
            for off, val in ((0, -1.0), (Kp, 1.0)):
                if tail[k]:
                    er.append(s_k * p + c), ec.append(off + k * p + c), ev.append(val * sgn)
                else:
                    er.append(c), ec.append(off + k * p + c), ev.append(val)
                    s_end = int(np.searchsorted(cuts, cut_of[k]))  # ... and leaves at the segment after its end
                    if s_end < S:
                        er.append(s_end * p + c), ec.append(off + k * p + c), ev.append(-val)
    # residual rows L_sθ_s − r_s = c_s with M_s = L_sᵀL_s, m_s = L_sᵀc_s: ½‖r‖² is the loss up to a constant
    # (the part of y no segment line fits), so the solver's relative gap is measured on the reducible part
    lam, E = np.linalg.eigh(M)
    top = np.maximum(lam[:, -1:], 0.0)
    lam = np.where(lam > _EIG_FLOOR * top, lam, 0.0)
    root = np.sqrt(lam)
    L = root[:, :, None] * np.transpose(E, (0, 2, 1))  # rows √λ_c e_cᵀ
    proj = np.einsum("sjc,sj->sc", E, mv)
    cvec = np.where(root > 0, proj / np.where(root > 0, root, 1.0), 0.0)
    r0 = th0 + nth
    for s_ in range(S):
        for c in range(p):
            row = nth + s_ * p + c
            for c2 in range(p):
                er.append(row), ec.append(th0 + s_ * p + c2), ev.append(float(L[s_, c, c2]))
            er.append(row), ec.append(r0 + s_ * p + c), ev.append(-1.0)
    A_eq = sp.csc_matrix((ev, (er, ec)), shape=(2 * nth, nvar))
    blocks = [_pattern_rows(hl, ids[k], rows_list[k]) for k in range(K)]
    nb = np.array([b_.shape[0] for b_ in blocks])
    first = np.concatenate([[0], np.cumsum(nb)[:-1]])
    bi = np.concatenate([np.repeat(first[k] + np.arange(nb[k]), p) for k in range(K)])
    bj = np.concatenate([np.tile(k * p + np.arange(p), nb[k]) for k in range(K)])
    Bd = sp.csc_matrix((np.concatenate([b_.ravel() for b_ in blocks]), (bi, bj)), shape=(int(nb.sum()), Kp))
    n_nn = Bd.shape[0]
    A_nn = sp.hstack([sp.block_diag([-Bd, -Bd], format="csc"), sp.csc_matrix((2 * n_nn, 2 * K + 2 * nth))],
                     format="csc")
    slot = np.arange(2 * K)
    r_idx = np.concatenate([slot * (p + 1), (slot[:, None] * (p + 1) + 1 + np.arange(p)).ravel()])
    c_idx = np.concatenate([2 * Kp + slot, (slot[:, None] * p + np.arange(p)).ravel()])
    A_soc = sp.csc_matrix((-np.ones(r_idx.size), (r_idx, c_idx)), shape=(2 * K * (p + 1), nvar))
    A = sp.vstack([A_eq, A_nn, A_soc], format="csc")
    b = np.concatenate([np.zeros(nth), cvec.ravel(), np.zeros(2 * n_nn + 2 * K * (p + 1))])
    qv = np.concatenate([np.zeros(2 * Kp), np.full(2 * K, beta), np.zeros(2 * nth)])
    P = sp.block_diag([sp.csc_matrix((r0, r0)), sp.identity(nth)], format="csc")
    cones = [clarabel.ZeroConeT(2 * nth), clarabel.NonnegativeConeT(2 * n_nn)]
    cones += [clarabel.SecondOrderConeT(p + 1)] * (2 * K)
    settings = clarabel.DefaultSettings()
    settings.verbose = False
    settings.tol_gap_abs = settings.tol_gap_rel = solver_tol
    settings.tol_feas = solver_tol
    settings.tol_ktratio = 1e-8
    settings.max_iter = 400
    sol = clarabel.DefaultSolver(sp.triu(P, format="csc"), qv, A, b, cones, settings).solve()
    status = str(sol.status).split(".")[-1]
    xs = np.asarray(sol.x)
    U, V = xs[:Kp].reshape(K, p), xs[Kp:2 * Kp].reshape(K, p)
    nu = y - fit(Xa, hl.masks(ids), U, V)
    return Restricted(U=U, V=V, nu=nu, nu_dual=None, status=status, iterations=int(sol.iterations))


def _pattern_rows(hl, k, rows):
    """``(2D − I)X̃`` on the facet rows ``rows`` of pattern ``k`` (without building the whole mask)."""
    rows = np.asarray(rows, dtype=np.int64)
    g = hl.group[rows]
    mask = (g >= k) if k < hl.m else (g <= k - hl.m) if k < hl.count - 1 else np.zeros(rows.size, bool)
    Xr = np.stack([hl.x[rows], np.ones(rows.size)], axis=1)
    return np.where(mask[:, None], Xr, -Xr)


def _restricted(hl, Xa, y, beta, ids, rows_list, loss, solver_tol) -> Restricted:
    """The segment form for the squared loss (falling back to the sample form if it fails), else
    :func:`solve_restricted`."""
    if loss == "squared":
        res = _restricted_segments(hl, Xa, y, beta, ids, rows_list, solver_tol)
        if res.status in SOLVED:
            return res
    return solve_restricted(Xa, y, beta, hl.masks(ids), rows_list, loss, solver_tol)


# ---- the certificate --------------------------------------------------------------------------------------------

def _lower_bound(Xa, y, beta, nu, dv: OnedDualValues, loss) -> tuple[float, float]:
    """``(D(ν̃) − rounding, φ̄)`` with ``ν̃ = t ν``, ``t = min(1, β/φ̄)`` shrunk for the rounding of ``tν`` (as in
    :func:`geom.duality.dual_bound`)."""
    phi_up = dv.phi_upper
    if not math.isfinite(phi_up):
        return math.nan, phi_up
    if phi_up <= beta:
        t = 1.0
    else:
        ratio = float(np.linalg.norm(Xa)) * float(np.linalg.norm(nu)) / phi_up
        t = max((beta / phi_up) * (1.0 - 4.0 * unit_roundoff() * (1.0 + ratio)), 0.0)
    nu_t = nu * t
    return dual_function(nu_t, y, loss) - dual_rounding(nu_t, y, loss), phi_up


def _certify(hl, X, Xa, y, beta, pats, U, V, loss, extra=()):
    """``(value, rounding, lower, phi, ŷ, ν)`` of the candidate ``(U, V)`` on ``pats`` (docs/theory.md §C.3)."""
    on = np.any(U != 0, axis=1) | np.any(V != 0, axis=1)
    yhat = fit(Xa, pats[on], U[on], V[on])
    nu = -loss_gradient(yhat, y, loss)
    net = psi(U, V, bias=True)
    value = network_objective(net, X, y, beta, loss=loss)
    rounding = objective_rounding(net, X, y, beta, loss=loss)
    lower, phi = -math.inf, math.nan
    for i, cand in enumerate((nu, *[e for e in extra if e is not None])):
        if not np.all(np.isfinite(cand)):
            continue
        dv = oned_dual_values(hl, cand)
        lb, _ = _lower_bound(Xa, y, beta, cand, dv, loss)
        if i == 0:
            phi = dv.phi
        if math.isfinite(lb) and lb > lower:
            lower = lb
    if not math.isfinite(lower):
        lower = math.nan
    return value, rounding, lower, phi, yhat, nu


@dataclass(frozen=True)
class _Compressed:
    """Data with the same squared loss as ``(X̃, y)`` on every fit of the working-set patterns, up to a constant.

    Between consecutive breakpoints of the working set every fit is one line ``x̃ᵀθ``, so the samples of a
    segment enter the loss only through ``Σ x̃_ix̃_iᵀ`` and ``Σ y_ix̃_i``: they are replaced by at most two
    pseudo-rows (``L_s`` with ``L_sᵀL_s`` and ``L_sᵀc_s`` equal to those sums) carrying the segment's membership
    in every pattern.  The facet rows of the patterns stay as they are (the cones are written on them), and
    are left out of the sums.  :func:`geom.convex.polish.newton_polish` and the noise pruning run on it
    unchanged, at a cost free of ``n``.
    """

    Xa: np.ndarray
    y: np.ndarray
    pats: np.ndarray
    rows: list


def _compress(hl, y, ids, rows_list) -> _Compressed:
    ids = np.asarray(ids, dtype=np.int64)
    m = hl.m
    tail = ids < m
    cut_of = np.where(tail, ids, ids - m + 1)
    cuts = np.unique(np.concatenate([[0, m], cut_of]))
    S = cuts.size - 1
    seg = (np.searchsorted(cuts, np.arange(m), side="right") - 1)[hl.group]
    real = np.unique(np.concatenate([np.asarray(r, dtype=np.int64) for r in rows_list]))
    rest = np.ones(hl.x.size, dtype=bool)
    rest[real] = False
    x, w = hl.x, rest.astype(np.float64)
    M = np.zeros((S, 2, 2))
    M[:, 0, 0] = np.bincount(seg, weights=w * x * x, minlength=S)
    M[:, 0, 1] = M[:, 1, 0] = np.bincount(seg, weights=w * x, minlength=S)
    M[:, 1, 1] = np.bincount(seg, weights=w, minlength=S)
    mv = np.stack([np.bincount(seg, weights=w * x * y, minlength=S), np.bincount(seg, weights=w * y, minlength=S)],
                  axis=1)
    lam, E = np.linalg.eigh(M)
    top = np.maximum(lam[:, -1:], 0.0)
    ok = lam > _EIG_FLOOR * top
    root = np.sqrt(np.where(ok, lam, 0.0))
    proj = np.einsum("sjc,sj->sc", E, mv)
    s_idx, c_idx = np.nonzero(ok)
    pseudo_X = root[s_idx, c_idx, None] * E[s_idx, :, c_idx]
    pseudo_y = proj[s_idx, c_idx] / root[s_idx, c_idx]
    # membership of a segment in a pattern: tails from their cut on, heads before it (cuts never straddle)
    start = cuts[s_idx]
    pseudo_P = np.where(tail[:, None], start[None, :] >= cut_of[:, None], start[None, :] < cut_of[:, None])
    pseudo_P[ids == hl.count - 1] = False
    real_P = HalfLines.masks(hl, ids)[:, real]
    Xc = np.concatenate([np.stack([x[real], np.ones(real.size)], axis=1), pseudo_X])
    yc = np.concatenate([y[real], pseudo_y])
    where = {int(r): i for i, r in enumerate(real)}
    rows_c = [np.array([where[int(r)] for r in rr], dtype=np.int64) for rr in rows_list]
    return _Compressed(Xa=Xc, y=yc, pats=np.concatenate([real_P, pseudo_P], axis=1), rows=rows_c)


def _merge_equal_directions(Xa, U, V, tol):
    """``(U, V)`` with the slots of equal signed unit direction (within ``tol.dedup``) merged into the first.

    Adjacent half-lines share a boundary ray, and an interior point puts mass on both slots of a neuron whose
    kink sits on a sample: their fit columns are equal, which stalls an active-set refit.  The merged direction
    lies in both cones, so the fit and the penalty are unchanged (the grouping is the polytope's own,
    :func:`geom.polytope.tightness.columns_from_pairs`, docs/theory.md §D.3).
    """
    from ..polytope.tightness import columns_from_pairs

    slots = [(k, 0) for k in np.flatnonzero(np.any(U != 0, axis=1))]
    slots += [(k, 1) for k in np.flatnonzero(np.any(V != 0, axis=1))]
    if len(slots) < 2:
        return None
    Z = np.array([(U if s == 0 else V)[k] for k, s in slots])
    mags = np.linalg.norm(Z, axis=1)
    dirs = Z / mags[:, None]
    pairs = np.array([[i, s] for i, (_, s) in enumerate(slots)])
    _, _, groups, _ = columns_from_pairs(Xa, pairs, dirs, tol)
    if len(groups) == len(slots):
        return None
    U2, V2 = np.zeros_like(U), np.zeros_like(V)
    for g in groups:
        i0 = g[0][0]
        k, s = slots[i0]
        (U2 if s == 0 else V2)[k] = float(sum(mags[i] for i, _ in g)) * dirs[i0]
    return U2, V2


def _kink_rows(hl, Xa, pats, U, V):
    """``(X̃_S, pats[:, S])`` on a subset ``S`` of samples with the same column dependencies as all of them.

    Every fit column ``(X̃ū_j)_+`` is linear between consecutive kinks ``−b_j/w_j`` of the slots, so on the
    samples of such an interval the fit matrix has rank ``≤ 2`` and two samples with distinct ``x`` span its
    rows: keeping the smallest and largest sample of each interval keeps the null space of the fit matrix
    (what :func:`geom.polytope.vertices.prune_to_vertex` works with) at a size free of ``n``.
    """
    Z = np.concatenate([U[np.any(U != 0, axis=1)], V[np.any(V != 0, axis=1)]])
    with np.errstate(divide="ignore", invalid="ignore"):
        kinks = np.unique(-Z[Z[:, 0] != 0, 1] / Z[Z[:, 0] != 0, 0])
    order = np.argsort(hl.x, kind="stable")
    xs = hl.x[order]
    cell = np.searchsorted(kinks, xs, side="left") * 2 + np.isin(xs, kinks)  # a kink at a sample: own cell
    change = np.flatnonzero(np.diff(cell)) + 1
    starts = np.concatenate([[0], change])
    ends = np.concatenate([change - 1, [xs.size - 1]])
    keep = np.unique(np.concatenate([order[starts], order[ends]]))
    return Xa[keep], pats[:, keep]


def _peaks(values: np.ndarray, m: int) -> np.ndarray:
    """Ids (rows of ``values``, flattened with the sign column) of the local maxima along tails and heads."""
    out = []
    for col in (0, 1):
        for lo, hi in ((0, m), (m, 2 * m - 1)):
            v = values[lo:hi, col]
            if v.size == 0:
                continue
            left = np.concatenate([[-np.inf], v[:-1]])
            right = np.concatenate([v[1:], [-np.inf]])
            out.append(lo + np.flatnonzero((v >= left) & (v > right)))
    return np.unique(np.concatenate(out)) if out else np.zeros(0, dtype=np.int64)


# ---- public entry point -----------------------------------------------------------------------------------------

def solve_oned(X, y, beta, *, loss: str = "squared", tol: Tolerances = DEFAULT_TOLERANCES, max_rounds: int = 100,
               polish_rounds: int = 3):
    """Solve (C) for 1-D data with a regularized bias (docs/theory.md §A.6, §B.3) to a certified optimum.

    The same problem and result as ``geom.solve_convex(X, y, beta, bias=True)``, with the pricing done by the
    sweep of :func:`oned_dual_values` over all ``2m`` half-line patterns instead of an enumerated pool.

    Parameters
    ----------
    X : array_like (n, 1) or (n,)
        One feature.
    y : array_like (n,)
        Targets (labels ``±1`` for ``loss="logistic"``).
    beta : float
        ``β > 0``.
    loss : {"squared", "logistic"}
    tol : Tolerances
        ``tol.solver``, ``tol.gap``, ``tol.pricing``, ``tol.support`` as in :func:`geom.solve_convex`.
    max_rounds : int
        Column-generation rounds (``≥ 1``); stopping short gives ``status="max_rounds"`` and a
        :class:`~geom.exceptions.ConvergenceWarning`.
    polish_rounds : int
        Attempts of Newton polishing (docs/theory.md §C.4); ``0`` keeps the interior point.

    Returns
    -------
    ConvexSolution
        ``bias=True``, ``pattern_source="exact"``, ``pool_certified=True`` (the half-lines are the complete
        region set, docs/theory.md §B.3); ``pool``/``pool_index`` only for ``n ≤`` :data:`POOL_MAX_SAMPLES`.

    Raises
    ------
    InvalidInputError, InvalidInputTypeError
        Bad arguments (the message names the parameter).
    SolverError
        The conic solver returned no usable point in the first round.
    CertificationError
        Weak duality failed beyond rounding (impossible unless a float bound was fooled).
    """
    from . import ConvexSolution, _floor, _no_worse, _prune, _rel, _vertex_reduce

    t0 = time.perf_counter()
    func = "solve_oned"
    Xarr = np.asarray(X) if not hasattr(X, "ndim") else X
    if getattr(Xarr, "ndim", 2) == 1:
        Xarr = np.reshape(Xarr, (-1, 1))
    X = check_matrix(Xarr, name="X", func=func).astype(np.float64)
    if X.shape[1] != 1:
        raise InvalidInputError(message("X", func, "one-dimensional data (shape (n, 1) or (n,))",
                                        f"shape {X.shape}"))
    y = check_vector(y, length=X.shape[0], name="y", func=func).astype(np.float64)
    beta = check_positive(beta, name="beta", func=func)
    check_option(loss, LOSSES, name="loss", func=func)
    check_labels(y, loss, func)
    max_rounds = check_int(max_rounds, name="max_rounds", func=func, minimum=1)
    polish_rounds = check_int(polish_rounds, name="polish_rounds", func=func, minimum=0)
    if not isinstance(tol, Tolerances):
        raise InvalidInputTypeError(message("tol", func, "a geom.tolerances.Tolerances", type(tol).__name__))
    n = X.shape[0]
    Xa = augment(X, True)
    hl = HalfLines(X[:, 0])
    thr = beta * (1.0 + tol.pricing)

    # ---- column generation on the sweep -------------------------------------------------------------------
    ws = WorkingSet(hl.count, hl.facet_rows)
    dv0 = oned_dual_values(hl, -loss_gradient(np.zeros(n), y, loss))
    grid = np.unique(np.linspace(0, hl.m - 1, min(hl.m, _INITIAL)).round().astype(np.int64))
    init = np.concatenate([grid, hl.m + grid[grid < hl.m - 1]])
    peaks = _peaks(dv0.values, hl.m)
    peaks = peaks[np.argsort(-dv0.values[peaks].max(axis=1), kind="stable")][:_PER_ROUND]
    ws.add(np.unique(np.concatenate([init, peaks])))
    rounds = iters = 0
    converged = False
    status = "NotRun"
    good = None
    trace: list = []
    t_solve = t_price = 0.0
    best_lower = -math.inf
    reprices = 0
    while True:
        while rounds < max_rounds:
            rounds += 1
            ts = time.perf_counter()
            work, rows = list(ws.indices), list(ws.rows)
            res = _restricted(hl, Xa, y, beta, work, rows, loss, tol.solver)
            t_solve += time.perf_counter() - ts
            iters += res.iterations
            status = res.status
            if not res.ok:
                break
            good = (res, work, rows)
            ts = time.perf_counter()
            dv = oned_dual_values(hl, res.nu)
            best = dv.values.max(axis=1)
            viol = (best > thr) & ~ws.member
            viol[-1] = False
            t_price += time.perf_counter() - ts
            if not viol.any():
                converged = True
                break
            cand = _peaks(np.where(viol[:, None], dv.values, -np.inf), hl.m)
            cand = cand[viol[cand]]
            if cand.size == 0:
                cand = np.flatnonzero(viol)
            add = cand[np.argsort(-best[cand], kind="stable")][:_PER_ROUND]
            trace.append((len(ws), int(viol.sum()), float(dv.phi)))
            slot = np.maximum(np.linalg.norm(res.U, axis=1), np.linalg.norm(res.V, axis=1))
            w = np.asarray(work, dtype=np.int64)
            ws.retire((slot <= tol.support * float(slot.max(initial=0.0))) & (best[w] < beta * (1.0 - _DROP_SLACK)))
            ws.add(add)
        if good is None:
            raise SolverError(f"{func}: the conic solver (Clarabel) stopped with status '{status}' on the first "
                              f"restricted program ({len(ws)} patterns); there is no solution to report")
        res, work, rows = good
        pats = hl.masks(work)
        cd = _compress(hl, y, work, rows) if loss == "squared" else _Compressed(Xa, y, pats, rows)
        U, V = res.U, res.V

        # ---- certificate, polishing, pruning, vertex ------------------------------------------------------------
        value, rnd, lower, phi, yhat, nu = _certify(hl, X, Xa, y, beta, pats, U, V, loss, extra=(res.nu_dual,))
        best_lower = max(lower, best_lower) if math.isfinite(lower) else best_lower
        rel = _rel(value, rnd, lower)

        def consider(W, accept_within: bool = True, pats=pats):
            """Certify the candidate ``W``; keep it when its gap is no worse (or within ``tol.gap``)."""
            nonlocal value, rnd, lower, phi, yhat, nu, U, V, rel, best_lower
            if W is None:
                return False
            cand = _certify(hl, X, Xa, y, beta, pats, *W, loss)
            # any dual-feasible ν̃ bounds p* from below: the best bound seen is reported at the end (candidates
            # are compared by their own bound, which also measures how exact their ν̂ is)
            if math.isfinite(cand[2]) and not (best_lower >= cand[2]):
                best_lower = cand[2]
            rel_c = _rel(*cand[:3])
            if _no_worse(rel_c, _floor(rel, tol)) or (accept_within and _no_worse(rel_c, tol.gap)):
                (value, rnd, lower, phi, yhat, nu), (U, V), rel = cand, W, rel_c
                return True
            return False

        # slots below tol.support of the largest are interior-point noise: drop them and refit the magnitudes
        # (the non-negative lasso on the segment-compressed data, _Compressed), then prune to a vertex of the
        # optimal polytope (docs/theory.md §D.4), then Newton-polish the remaining slots (docs/theory.md §C.4)
        # complementary slackness: at the optimum only slots whose dual value is β carry mass; slots far from
        # tight at the interior point's ν (below β(1 − _TIGHT_SLACK)) go first, so the refit sees few columns
        w_ids = np.asarray(work, dtype=np.int64)
        tight = oned_dual_values(hl, nu).values[w_ids] >= beta * (1.0 - _TIGHT_SLACK)
        first = (np.where(tight[:, :1], U, 0.0), np.where(tight[:, 1:], V, 0.0))
        first = _merge_equal_directions(Xa, *first, tol) or first
        for i in range(_PRUNE_ROUNDS):
            W = _prune(cd.Xa, cd.y, beta, cd.pats, *(first if i == 0 else (U, V)), tol.support, loss)
            if not consider(W if W is not None or i else first):
                break
        n_before = int(np.sum(np.any(U != 0, axis=1)) + np.sum(np.any(V != 0, axis=1)))
        consider(_vertex_reduce(*_kink_rows(hl, Xa, pats, U, V), U, V, tol))
        polished = False
        for attempt in range(polish_rounds):
            # a looser support/face guess per attempt, until the gap is far below the tolerance
            if consider(newton_polish(cd.Xa, cd.y, beta, cd.pats, cd.rows, U, V, tol.support * 100.0 ** attempt,
                                      loss=loss), accept_within=False):
                polished = True
                if _no_worse(rel, _POLISHED * tol.gap):
                    break
        if polished:
            consider(_vertex_reduce(*_kink_rows(hl, Xa, pats, U, V), U, V, tol))
        if math.isfinite(best_lower) and not (lower >= best_lower):
            lower = best_lower
            rel = _rel(value, rnd, lower)
        within = math.isfinite(rel) and rel <= tol.gap
        if within or not converged or reprices >= _REPRICE or rounds >= max_rounds:
            break
        # the interior point's ν judged convergence; the polished ν is exact for the working set: patterns
        # outside it that price out at the polished ν join, and column generation resumes
        dv = oned_dual_values(hl, nu)
        best = dv.values.max(axis=1)
        viol = (best > thr) & ~ws.member
        viol[-1] = False
        if not viol.any():
            break
        cand = _peaks(np.where(viol[:, None], dv.values, -np.inf), hl.m)
        cand = cand[viol[cand]] if cand.size else np.flatnonzero(viol)
        ws.add(cand[np.argsort(-best[cand], kind="stable")][:_PER_ROUND])
        reprices += 1
        converged = False
    if lower - value > rnd:
        raise CertificationError(f"{func}: weak duality failed: the dual bound {lower!r} exceeds the objective "
                                 f"{value!r} of the network ψ(W) by more than its rounding {rnd:.3g} (a float "
                                 "bound was fooled; please report this instance)")
    keep = np.any(U != 0, axis=1) | np.any(V != 0, axis=1)
    pats_out, U, V = pats[keep], U[keep], V[keep]
    gap = value - lower
    rel_gap = gap / max(1.0, abs(value)) if math.isfinite(value) else math.nan
    within = math.isfinite(rel) and rel <= tol.gap
    if status not in ("Solved", "AlmostSolved"):
        out_status = status
    elif not converged:
        out_status = "max_rounds"
    else:
        out_status = "optimal" if within else "inaccurate"
    if not converged:
        warnings.warn(f"{func}: column generation stopped short ({out_status} after {rounds} round(s)); the "
                      "solution is not certified", ConvergenceWarning, stacklevel=2)
    pool = index = None
    if n <= POOL_MAX_SAMPLES:
        pool = hl.masks(np.arange(hl.count))
        index = region_index(Xa, pool)
    stats = {"rounds": rounds, "working_set": len(work), "pool": hl.count, "solver_iterations": iters,
             "solver_status": status, "seconds": time.perf_counter() - t0, "seconds_patterns": 0.0,
             "seconds_solver": t_solve, "seconds_pricing": t_price, "cone_rows": int(sum(len(r) for r in rows)),
             "cuts": 0, "trace": trace, "rounding": rnd, "neurons_before_vertex": n_before, "method": "oned-sweep",
             "pool_materialized": pool is not None, "reprices": reprices}
    return ConvexSolution(p_star=value, lower_bound=lower, gap=gap, rel_gap=rel_gap, U=U, V=V, patterns=pats_out,
                          y_star=yhat, nu_star=nu, phi=phi, status=out_status, certified=out_status == "optimal",
                          pool_certified=True, pattern_source="exact", beta=beta, bias=True, interpolate=False,
                          stats=stats, X=X, y=y, pool=pool, pool_index=index, loss=loss)
