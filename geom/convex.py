"""The convex reformulation (C) of SPEC.md §A.3, solved to certified global optimality.

    (C)   min_{u_k, v_k ∈ C_k}  ½‖Σ_k D_k X (u_k − v_k) − y‖² + β Σ_k (‖u_k‖ + ‖v_k‖)

and its interpolation limit ``β → 0`` (SPEC.md §G.2): ``min Σ_k ‖u_k‖ + ‖v_k‖`` s.t. ``Σ_k D_k X (u_k − v_k) = y``.

Method
------
1. *Facets.*  On the exact region list the walls of every cone ``C_k`` are read off combinatorially
   (:func:`geom.cones.region_index`), so each cone enters with its few facet rows instead of ``n`` rows.
2. *Interior point.*  The restricted problem over a working set of patterns is built directly as a sparse conic
   program (quadratic residual term, or exponential cones for the logistic loss; linear cone rows; one
   second-order cone per slot) and solved by Clarabel: a primal–dual interior-point solver with a native
   quadratic objective, second-order and exponential cones and named statuses; building the matrices ourselves
   avoids a modelling layer's canonicalization (cvxpy) on the hot path.
3. *Column generation.*  The dual candidate is ``ν = −∇L(ŷ)`` (``y − ŷ``, SPEC.md §C.1).  A pattern whose dual
   value ``‖Π_{C_k}(±Xᵀ D_k ν)‖`` exceeds ``β(1 + tol.pricing)`` prices out (SPEC.md §C.2–C.3); the most violated
   are added, idle ones dropped, and the problem re-solved until none violates over the *whole* pool.  Pricing
   uses the batched screens of :func:`geom.cones.dual_values`, warm-started from the previous round.
4. *Polishing* (SPEC.md §C.4).  The interior-point support is reduced to a vertex (a basic solution of an LP
   with the directions fixed), then Newton's method on the cone faces brings ``p*``, ``y*``, ``ν*`` to machine
   precision; the polished point is kept only if its own certificate is at least as good.
5. *Certificate.*  ``ν̃ = ν · min(1, β/φ(ν))`` is dual feasible, so ``D(ν̃) ≤ p*`` (the solver's multipliers
   give a second candidate; the better bound is kept); the primal value is the objective of the network
   ``ψ(W)`` itself.  The gap is certified only when the pool is the exact pattern set.

Examples
--------
>>> import numpy as np
>>> sol = solve_convex(np.array([[-1.0], [1.0]]), np.array([1.0, 2.0]), 0.5)   # SPEC.md §I, I1
>>> round(sol.p_star, 10), sol.y_star.round(10).tolist(), sol.certified
(1.25, [0.5, 1.5], True)
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace

import numpy as np
import scipy.sparse as sp

from ._validation import check_matrix, check_option, check_positive, check_vector, message
from .arrangements import enumerate_patterns
from .cones import cone_rows, dual_values, hyperplane_groups, region_index
from .exceptions import InfeasibleError, InvalidInputError
from .losses import LOSSES, check_labels, dual_objective, loss_gradient, loss_value
from .nets import Net, augment, psi
from .tolerances import DEFAULT_TOLERANCES, Tolerances

__all__ = ["ConvexSolution", "solve_convex", "nonnegative_lasso"]


#: Column generation drops a working-set pattern whose slots are zero and whose dual-value upper bound is below
#: ``β(1 − _DROP_SLACK)``: far from tight, so it is not part of the optimum's support near the current ``ν``.
#: Dropping never affects correctness (the final pricing runs over the whole pool), only the number of rounds.
_DROP_SLACK = 0.05
#: ... and only after it sat idle (zero slots, far from tight) for this many consecutive rounds.
_DROP_AGE = 3
#: Polishing stops early, and its result replaces a less accurate interior-point one, once its certified
#: relative gap is below ``_POLISHED * tol.gap``.
_POLISHED = 1e-2
#: Numerical floors of the polishing linear algebra (not decisions: every polished point is re-certified):
#: relative singular-value cut-off for the rank of active cone rows, the cone-violation slack (relative to
#: ``‖b‖‖u‖``) that sends a row into the face, the LP's allowed relative increase of ``Σc``, the smallest
#: line-search step and the relative decrease under which Newton has stalled.
_RANK_RTOL = 1e-10
_CONE_SLACK = 1e-12
_LP_SLACK = 1e-12
_MIN_STEP = 1e-10
_STALL = 1e-15


@dataclass(frozen=True)
class ConvexSolution:
    """Solution of (C) with its certificate.

    Attributes
    ----------
    p_star : float
        Objective of the returned solution (= ``L_β(ψ(W))``; the penalty alone in interpolation mode).
    lower_bound : float
        ``D(ν̃)`` at a dual-feasible ``ν̃`` (valid for all patterns only if ``pattern_source == "exact"``).
    gap, rel_gap : float
        ``p_star − lower_bound`` and ``gap / max(1, |p_star|)``.
    U, V : ndarray (K, p)
        ``u_k`` (positive output) and ``v_k`` (negative output) per pattern of ``patterns``.
    patterns : ndarray of bool (K, n)
        The working set.
    y_star, nu_star : ndarray (n,)
        Optimal fit and dual variable (``ν* = y − y*``, convention R of SPEC.md §C.1).
    phi : float
        ``φ(ν*)`` over the pool (``≤ β`` up to tolerance at an optimum).
    status : str
        ``"optimal"``, or ``"inaccurate"`` (the gap exceeds the tolerance), or the solver's status if it stopped.
    certified : bool
        Exact pattern pool and ``rel_gap ≤ tol.gap``.
    pattern_source : str
        ``"exact"`` (all patterns, enumerated and certified) or ``"given"``.
    beta : float
    bias : bool
    interpolate : bool
    stats : dict
        ``rounds``, ``working_set``, ``pool``, ``solver_iterations``, ``solver_status``, ``seconds``.
    """

    p_star: float
    lower_bound: float
    gap: float
    rel_gap: float
    U: np.ndarray = field(repr=False)
    V: np.ndarray = field(repr=False)
    patterns: np.ndarray = field(repr=False)
    y_star: np.ndarray = field(repr=False)
    nu_star: np.ndarray = field(repr=False)
    phi: float
    status: str
    certified: bool
    pattern_source: str
    beta: float
    bias: bool
    interpolate: bool
    stats: dict = field(repr=False)

    @property
    def neurons(self) -> int:
        """``card(W)``: nonzero ``u_k`` and ``v_k``."""
        return int(np.sum(np.linalg.norm(self.U, axis=1) > 0) + np.sum(np.linalg.norm(self.V, axis=1) > 0))

    def to_net(self) -> Net:
        """ψ of the solution: a scaled network of width ``card(W)`` (SPEC.md §A.5)."""
        return psi(self.U, self.V, bias=self.bias)

    def to_dict(self) -> dict:
        return {"p_star": self.p_star, "lower_bound": self.lower_bound, "gap": self.gap, "rel_gap": self.rel_gap,
                "y_star": self.y_star.tolist(), "nu_star": self.nu_star.tolist(), "phi": self.phi,
                "neurons": self.neurons, "status": self.status, "certified": self.certified,
                "pattern_source": self.pattern_source, "beta": self.beta, "bias": self.bias,
                "interpolate": self.interpolate, "stats": dict(self.stats)}


# ---- the restricted conic program --------------------------------------------------------------------------

def _solve_restricted(Xa, y, beta, pats, cone_rows_list, mode, tol):
    """Clarabel on (C) restricted to the patterns ``pats``; cone ``k`` carries the rows ``cone_rows_list[k]``.

    Variables ``[u_1..u_K, v_1..v_K, t_1..t_2K, extra]``, cones ``B_k u_k ≥ 0, B_k v_k ≥ 0`` and ``‖u‖ ≤ t`` per
    slot, penalty ``β Σ t``.  ``mode``:

    * ``"squared"``: ``extra = r`` with ``Σ D_k X (u_k − v_k) − r = y``, objective ``+ ½‖r‖²``;
    * ``"interpolate"``: no ``extra``, ``Σ D_k X (u_k − v_k) = y``, objective ``Σ t``;
    * ``"logistic"``: ``extra = (ℓ, s¹, s²)`` with ``ℓ_i ≥ log(1 + exp(−y_i ŷ_i))`` written as
      ``s¹_i + s²_i ≤ 1``, ``(−ℓ_i, 1, s¹_i) ∈ K_exp``, ``(−y_i ŷ_i − ℓ_i, 1, s²_i) ∈ K_exp``; objective ``+ Σ ℓ``.

    Returns ``U, V, ν (from the primal fit: −∇L(ŷ)), ν (from the solver's multipliers, or None), status, its``.
    """
    import clarabel

    K, n = pats.shape
    p = Xa.shape[1]
    Kp = K * p
    nx = {"squared": n, "interpolate": 0, "logistic": 3 * n}[mode]
    nvar = 2 * Kp + 2 * K + nx
    F = (pats[:, :, None] * Xa[None, :, :]).transpose(1, 0, 2).reshape(n, Kp)  # [D_1 X, ..., D_K X]
    Fs = sp.csc_matrix(F)
    Bd = sp.block_diag([sp.csr_matrix(cone_rows(Xa, pats[k], cone_rows_list[k]), shape=(len(cone_rows_list[k]), p))
                        for k in range(K)], format="csc")
    n_nn = Bd.shape[0]
    A_nn = sp.hstack([sp.block_diag([-Bd, -Bd], format="csc"), sp.csc_matrix((2 * n_nn, 2 * K + nx))], format="csc")
    slot = np.arange(2 * K)
    rows = np.concatenate([slot * (p + 1), (slot[:, None] * (p + 1) + 1 + np.arange(p)).ravel()])
    cols = np.concatenate([2 * Kp + slot, (slot[:, None] * p + np.arange(p)).ravel()])
    A_soc = sp.csc_matrix((-np.ones(rows.size), (rows, cols)), shape=(2 * K * (p + 1), nvar))
    q = np.concatenate([np.zeros(2 * Kp), np.full(2 * K, 1.0 if mode == "interpolate" else beta), np.zeros(nx)])
    P = sp.csc_matrix((nvar, nvar))
    soc = [clarabel.SecondOrderConeT(p + 1)] * (2 * K)
    if mode in ("squared", "interpolate"):
        blocks = [Fs, -Fs, sp.csc_matrix((n, 2 * K))] + ([-sp.identity(n, format="csc")] if nx else [])
        A = sp.vstack([sp.hstack(blocks, format="csc"), A_nn, A_soc], format="csc")
        b = np.concatenate([y, np.zeros(2 * n_nn + 2 * K * (p + 1))])
        cones = [clarabel.ZeroConeT(n), clarabel.NonnegativeConeT(2 * n_nn)] + soc
        if nx:
            P = sp.block_diag([sp.csc_matrix((nvar - n, nvar - n)), sp.identity(n)], format="csc")
    else:
        q[2 * Kp + 2 * K:2 * Kp + 2 * K + n] = 1.0
        eye = sp.identity(n, format="csc")
        Z = sp.csc_matrix
        # s¹ + s² ≤ 1
        A_sum = sp.hstack([Z((n, 2 * Kp + 2 * K + n)), eye, eye], format="csc")
        # exp-cone triples, rows 3i..3i+2: b − A x = (x₁, x₂, x₃)
        Yf = sp.diags(y) @ Fs
        r1 = sp.hstack([Z((n, 2 * Kp + 2 * K)), eye, Z((n, 2 * n))], format="csc")         # x₁ = −ℓ
        r3a = sp.hstack([Z((n, 2 * Kp + 2 * K + n)), -eye, Z((n, n))], format="csc")      # x₃ = s¹
        r1b = sp.hstack([Yf, -Yf, Z((n, 2 * K)), eye, Z((n, 2 * n))], format="csc")      # x₁ = −yŷ − ℓ
        r3b = sp.hstack([Z((n, 2 * Kp + 2 * K + 2 * n)), -eye], format="csc")             # x₃ = s²
        zero = Z((n, nvar))
        inter = lambda a, b_, c: sp.vstack([a, b_, c], format="csr")[  # noqa: E731
            np.arange(3 * n).reshape(3, n).T.ravel()]
        E1, E2 = inter(r1, zero, r3a), inter(r1b, zero, r3b)
        be = np.tile([0.0, 1.0, 0.0], n)
        A = sp.vstack([A_sum, A_nn, A_soc, E1, E2], format="csc")
        b = np.concatenate([np.ones(n), np.zeros(2 * n_nn + 2 * K * (p + 1)), be, be])
        cones = [clarabel.NonnegativeConeT(n + 2 * n_nn)] + soc + [clarabel.ExponentialConeT()] * (2 * n)
    settings = clarabel.DefaultSettings()
    settings.verbose = False
    settings.tol_gap_abs = settings.tol_gap_rel = tol.solver
    settings.tol_feas = tol.solver
    settings.tol_ktratio = 1e-8
    settings.max_iter = 400
    sol = clarabel.DefaultSolver(sp.triu(P, format="csc"), q, A, b, cones, settings).solve()
    status = str(sol.status).split(".")[-1]
    x = np.asarray(sol.x)
    U = x[:Kp].reshape(K, p)
    V = x[Kp:2 * Kp].reshape(K, p)
    if mode == "interpolate":
        z = np.asarray(sol.z)[:n]
        nu = nu_dual = z if float(z @ y) >= 0 else -z
    elif mode == "squared":
        nu = -x[2 * Kp + 2 * K:]
        nu_dual = -np.asarray(sol.z)[:n]  # stationarity in r: r = z_eq at the optimum, and ν = −r
    else:
        nu = -loss_gradient(F @ (x[:Kp] - x[Kp:2 * Kp]), y, "logistic")
        nu_dual = None
    return U, V, nu, nu_dual, status, int(sol.iterations)


# ---- polishing -----------------------------------------------------------------------------------------------

def nonnegative_lasso(A, y, beta, *, max_iter: int | None = None):
    """``argmin_{c ≥ 0} ½‖A c − y‖² + β 1ᵀc`` by a Lawson–Hanson-type active-set method (exact active set).

    The fit ``A c`` is unique (strictly convex loss); ``c`` is one minimizer.

    >>> nonnegative_lasso(np.eye(2), np.array([1.0, -1.0]), 0.25).tolist()
    [0.75, 0.0]
    """
    A = np.asarray(A, float)
    K = A.shape[1]
    c = np.zeros(K)
    active = np.zeros(K, dtype=bool)
    scale = max(1.0, float(np.max(np.abs(A.T @ y))) if K else 1.0)
    eps = 1e-13 * scale
    for _ in range(max_iter or 3 * K + 20):
        w = A.T @ (y - A @ c) - beta
        cand = ~active & (w > eps)
        if not cand.any():
            break
        active[np.argmax(np.where(cand, w, -np.inf))] = True
        for _ in range(3 * K + 20):
            z = np.zeros(K)
            AP = A[:, active]
            z[active] = np.linalg.lstsq(AP.T @ AP, AP.T @ y - beta, rcond=None)[0]
            if np.all(z[active] > 0):
                c = z
                break
            neg = active & (z <= 0)
            step = np.min(c[neg] / (c[neg] - z[neg]))
            c = c + step * (z - c)
            active &= c > 1e-15 * scale
            c[~active] = 0.0
    return c


def _fit(Xa, pats, U, V):
    return np.einsum("kn,kn->n", pats, (U @ Xa.T)) - np.einsum("kn,kn->n", pats, (V @ Xa.T))


def _vertex_support(Xa, pats, slots, U, V):
    """Reduce an interior-point support to a vertex (SPEC.md §D.4, optimal pruning).

    Interior points land in the relative interior of the optimal face, spreading mass over many slots with
    dependent fit columns, which makes Newton's system singular.  With the directions ``ū_j = z_j/‖z_j‖`` fixed,
    a basic solution of the LP ``min Σ c  s.t.  Σ_j c_j σ_j D_j X ū_j = ŷ, c ≥ 0`` (HiGHS, dual simplex) keeps
    the fit, does not raise the penalty, and has linearly independent columns.
    """
    from scipy.optimize import linprog

    dirs, cols, c0 = [], [], []
    for k, sgn, *_ in slots:
        z = U[k] if sgn > 0 else V[k]
        nz = float(np.linalg.norm(z))
        dirs.append(z / nz)
        cols.append(sgn * pats[k] * (Xa @ (z / nz)))
        c0.append(nz)
    A, c0 = np.stack(cols, axis=1), np.asarray(c0)
    if A.shape[1] <= np.linalg.matrix_rank(A):
        return slots, U, V
    res = linprog(np.ones(A.shape[1]), A_eq=A, b_eq=A @ c0, bounds=(0, None), method="highs-ds")
    if res.status != 0 or float(res.fun) > float(c0.sum()) * (1 + _LP_SLACK):
        return slots, U, V
    support = np.flatnonzero(res.x > 0)
    # the LP's equality residual is ~1e-9: recompute the magnitudes exactly on the (independent) support
    c = np.linalg.lstsq(A[:, support], A @ c0, rcond=None)[0]
    if np.any(c <= 0):
        return slots, U, V
    U2, V2 = np.zeros_like(U), np.zeros_like(V)
    keep = []
    for j, cj in zip(support, c):
        slot = slots[j]
        (U2 if slot[1] > 0 else V2)[slot[0]] = cj * dirs[j]
        keep.append(slot)
    return keep, U2, V2


def _face_basis(B, act, p):
    """Orthonormal basis of ``{u : B[act] u = 0}``."""
    if not act.any():
        return np.eye(p)
    _, sv, vt = np.linalg.svd(B[act], full_matrices=True)
    rank = int(np.sum(sv > _RANK_RTOL * max(1.0, sv.max())))
    return vt[rank:].T


def _newton_polish(Xa, y, beta, pats, cone_rows_list, U, V, tol, iters: int = 50, loss: str = "squared"):
    """SPEC.md §C.4 polishing: Newton's method on the support and cone faces identified by the interior point.

    With the nonzero slots and the active cone rows fixed, (C) is smooth in face coordinates ``z_k = N_k w_k``
    (``N_k`` an orthonormal basis of the face's span): ``L(Σ_k σ_k D_k X N_k w_k) + β Σ_k ‖w_k‖``.  Newton's
    method with backtracking converges quadratically, so ``p*``, ``y*`` and ``ν*`` reach machine precision.  The
    support is first reduced to a vertex (:func:`_vertex_support`); a cone row that the Newton point violates is
    added to its slot's face and Newton restarted (at most 4 times).  Returns ``None`` if no in-cone point results;
    the caller keeps whichever candidate certifies better.
    """
    p = Xa.shape[1]
    norms = np.concatenate([np.linalg.norm(U, axis=1), np.linalg.norm(V, axis=1)])
    big = float(norms.max(initial=0.0))
    if big <= 0:
        return None
    slots = []
    for k in range(pats.shape[0]):
        B = cone_rows(Xa, pats[k], cone_rows_list[k])
        Bn = np.linalg.norm(B, axis=1)
        for sgn, M in ((1.0, U), (-1.0, V)):
            z = M[k]
            nz = np.linalg.norm(z)
            if nz <= tol.support * big:
                continue
            act = B @ z <= tol.support * nz * Bn
            if act.sum() < p or np.linalg.matrix_rank(B[act]) < p:
                slots.append((k, sgn, act, B))
    if not slots:
        return None
    slots, U, V = _vertex_support(Xa, pats, slots, U, V)
    for _ in range(5):
        bases = [_face_basis(B, act, p) for _, _, act, B in slots]
        keep = [i for i, N in enumerate(bases) if N.shape[1]]
        slots, bases = [slots[i] for i in keep], [bases[i] for i in keep]
        if not slots:
            return None
        if sum(N.shape[1] for N in bases) > Xa.shape[0] * p:
            return None  # not reduced to a vertex (at most n slots): Newton's system would be large and singular
        cols = [sgn * (pats[k][:, None] * Xa) @ N for (k, sgn, _, _), N in zip(slots, bases)]
        splits = np.cumsum([c.shape[1] for c in cols])[:-1]
        Mfull = np.concatenate(cols, axis=1)
        w = np.concatenate([N.T @ (U[k] if sgn > 0 else V[k]) for (k, sgn, _, _), N in zip(slots, bases)])
        w = _newton(Mfull, splits, w, y, beta, loss, iters)
        U2, V2 = np.zeros_like(U), np.zeros_like(V)
        violated = False
        new_slots = []
        for (k, sgn, act, B), N, part in zip(slots, bases, np.split(w, splits)):
            z = N @ part
            bad = B @ z < -_CONE_SLACK * np.linalg.norm(z) * np.linalg.norm(B, axis=1)
            if bad.any():
                violated = True
                act = act | bad
            new_slots.append((k, sgn, act, B))
            (U2 if sgn > 0 else V2)[k] = z
        if not violated:
            return U2, V2
        slots = new_slots
    return None


def _newton(M, splits, w, y, beta, loss, iters):
    """Damped Newton on ``L(M w) + β Σ_k ‖w_k‖`` (blocks given by ``splits``)."""

    def f(w):
        return loss_value(M @ w, y, loss) + beta * sum(np.linalg.norm(q) for q in np.split(w, splits))

    fw = f(w)
    H0 = M.T @ M
    for _ in range(iters):
        if loss == "logistic":  # ∇²L = diag(σ(yz)σ(−yz))
            sg = 1.0 / (1.0 + np.exp(-y * (M @ w)))
            H0 = M.T @ ((sg * (1.0 - sg))[:, None] * M)
        parts = np.split(w, splits)
        pn = [np.linalg.norm(q) for q in parts]
        if min(pn) == 0:
            break
        g = M.T @ loss_gradient(M @ w, y, loss) + beta * np.concatenate([q / n_ for q, n_ in zip(parts, pn)])
        H = H0.copy()
        off = 0
        for q, n_ in zip(parts, pn):
            e = q / n_
            H[off:off + q.size, off:off + q.size] += beta * (np.eye(q.size) - np.outer(e, e)) / n_
            off += q.size
        step = np.linalg.lstsq(H, -g, rcond=None)[0]
        t = 1.0
        while t > _MIN_STEP:
            wn = w + t * step
            fn = f(wn)
            if fn <= fw:
                break
            t *= 0.5
        else:
            break
        done = fw - fn <= _STALL * max(1.0, abs(fw))
        w, fw = wn, fn
        if done:
            break
    return w


def _certificate(Xa, y, beta, pool, index, U, V, pats, mode, bias, X, tol, nu=None, extra=(), previous=None):
    """Primal value of ψ(W) (or the penalty), and the dual bound ``D(ν̃)`` from ``ν̃ = ν min(1, β/φ(ν))``.

    ``ν`` is ``−∇L(ŷ)`` of the candidate (the given ``nu`` in interpolation mode); any ``extra`` dual estimates
    (the solver's own multipliers) are scaled the same way and the best bound is kept — every scaled ``ν̃`` is
    dual feasible, so each bound is valid (SPEC.md §C.3).  ``previous`` (a pricing result and its ``ν``) only
    speeds up the dual values through the Lipschitz screen of :func:`~geom.cones.dual_values`.
    """
    yhat = _fit(Xa, pats, U, V)
    loss = "squared" if mode == "interpolate" else mode
    if mode != "interpolate":
        nu = -loss_gradient(yhat, y, loss)
    penalty = float(np.sum(np.linalg.norm(U, axis=1)) + np.sum(np.linalg.norm(V, axis=1)))
    if mode == "interpolate":
        value = penalty
    else:
        net = psi(U, V, bias=bias)
        fit = net.output(X) if net.width else np.zeros_like(y)
        value = loss_value(fit, y, loss) + 0.5 * beta * float(np.sum(net.U ** 2) + np.sum(net.alpha ** 2))
    lower, phi = -np.inf, None
    for cand in (nu, *[e for e in extra if e is not None]):
        # φ is exact from β(1 − phi_exact) up (the tight patterns of an optimum are included); below, ν̃ = ν
        dv = dual_values(Xa, cand, pool, threshold=beta * (1.0 - tol.phi_exact), index=index, previous=previous)
        nu_t = cand * min(1.0, beta / dv.phi) if dv.phi > 0 else cand
        bound = float(nu_t @ y) if mode == "interpolate" else dual_objective(nu_t, y, loss)
        if phi is None:
            phi = dv.phi  # φ at the reported ν*
        lower = max(lower, bound)
    return value, lower, phi, yhat, nu


# ---- public entry point --------------------------------------------------------------------------------------

def solve_convex(X, y, beta, *, bias: bool = False, loss: str = "squared", patterns=None,
                 interpolate: bool = False, tol: Tolerances = DEFAULT_TOLERANCES, max_rounds: int = 200,
                 polish_rounds: int = 3) -> ConvexSolution:
    """Solve (C) (SPEC.md §A.3) to a certified global optimum, by column generation over the patterns.

    Parameters
    ----------
    X : array_like (n, d)
    y : array_like (n,)
    beta : float
        Weight decay ``β > 0``; must be ``0`` (or ``None``) with ``interpolate=True``.
    bias : bool
        Regularized bias (SPEC.md §A.6): work with ``X̃ = [X, 1]``.
    loss : {"squared", "logistic"}
        ``½‖z − y‖²`` (default), or ``Σ log(1 + exp(−y_i z_i))`` for labels ``±1`` (exponential cones; values and
        certificates only: the polytope of SPEC.md §D assumes the squared loss).
    patterns : array of bool (P, n), optional
        The pattern pool; default the exact enumeration (``ties="regions"``, SPEC.md §B.1), which is what makes
        the certificate global.  A given pool certifies optimality over that pool only.
    interpolate : bool
        The ``β → 0`` limit: minimum-norm exact fit (SPEC.md §G.2).
    tol : Tolerances
        ``tol.solver`` (interior point), ``tol.gap`` (certified relative gap), ``tol.pricing`` (a pattern prices
        out when its dual value exceeds ``β(1 + tol.pricing)``), ``tol.tight`` and ``tol.dedup`` (polishing).
    max_rounds : int
        Column-generation rounds before giving up (the result is then ``inconclusive``, never ``optimal``).
    polish_rounds : int
        Attempts of Newton polishing (SPEC.md §C.4), each with a 100× looser support/face threshold than the last;
        ``0`` keeps the interior-point solution.

    Returns
    -------
    ConvexSolution

    Notes
    -----
    Each cone ``C_k`` is entered with its facet rows only (:class:`geom.cones.RegionIndex`, exact and LP-free on
    the complete region set), so the restricted program has a few cone rows per pattern instead of ``n``.
    """
    t0 = time.perf_counter()
    func = "solve_convex"
    X = check_matrix(X, name="X", func=func).astype(np.float64)
    y = check_vector(y, length=X.shape[0], name="y", func=func).astype(np.float64)
    check_option(loss, LOSSES, name="loss", func=func)
    check_labels(y, loss, func)
    if interpolate and loss != "squared":
        raise InvalidInputError(message("loss", func, "'squared' in interpolation mode", repr(loss)))
    mode = "interpolate" if interpolate else loss
    if interpolate:
        if beta not in (None, 0, 0.0):
            raise InvalidInputError(message("beta", func, "0 or None in interpolation mode", repr(beta)))
        beta_eff = 1.0
    else:
        beta_eff = check_positive(beta, name="beta", func=func)
    Xa = augment(X, bias)
    n = X.shape[0]
    if patterns is None:
        pool = enumerate_patterns(Xa, ties="regions").patterns
        source = "exact"
        index = region_index(Xa, pool)
        reps = index.representatives
        rows_of = lambda ks: [reps[m] for m in index.facet_mask(pool[ks])]  # noqa: E731  (one batched lookup)
    else:
        pool = np.asarray(patterns, dtype=bool)
        if pool.ndim != 2 or pool.shape[1] != n or pool.shape[0] == 0:
            raise InvalidInputError(message("patterns", func, f"a non-empty boolean array of shape (P, {n})",
                                            f"shape {pool.shape}"))
        source, index = "given", None
        reps = np.array([g[0] for g in hyperplane_groups(Xa)], dtype=np.int64)
        rows_of = lambda ks: [reps] * len(ks)  # noqa: E731
    t_enum = time.perf_counter() - t0
    thr = beta_eff * (1.0 + tol.pricing)
    per_round = max(10, n)
    dv = dual_values(Xa, y, pool, threshold=0.0, index=index, limit=per_round)
    work = list(np.argsort(-dv.values.max(axis=1))[: min(pool.shape[0], per_round)])
    in_work = np.zeros(pool.shape[0], dtype=bool)
    in_work[work] = True
    cone_rows_list = rows_of(np.asarray(work))
    rounds, iters, status, converged = 0, 0, "Solved", False
    age = np.zeros(pool.shape[0], dtype=np.int64)  # consecutive rounds a working-set pattern sat idle
    trace = []  # (working set, violators found, φ over the computed entries) per round
    prev = None  # (DualValues, ν) of the last complete pricing: Lipschitz screen of the next one
    t_solve = t_price = 0.0
    while rounds < max_rounds:
        rounds += 1
        ts = time.perf_counter()
        solved_work, solved_rows = list(work), list(cone_rows_list)
        U, V, nu, nu_dual, status, it = _solve_restricted(Xa, y, beta_eff, pool[work], cone_rows_list, mode, tol)
        t_solve += time.perf_counter() - ts
        iters += it
        if status not in ("Solved", "AlmostSolved"):
            if status == "PrimalInfeasible" and interpolate and source == "exact":
                raise InfeasibleError(message("y", func, "interpolable by a two-layer ReLU network on X "
                                              "(the exact-fit constraint of the β → 0 limit)",
                                              "labels with no exact fit (the conic program is primal infeasible)"))
            break
        ts = time.perf_counter()
        dv = dual_values(Xa, nu, pool, threshold=thr, index=index, limit=per_round + int(in_work.sum()),
                         previous=prev)
        t_price += time.perf_counter() - ts
        prev = (dv, nu)  # ``upper`` bounds every entry, complete or not
        viol = np.flatnonzero((dv.values.max(axis=1) > thr) & ~in_work)
        if viol.size == 0 and dv.complete:
            converged = True
            break
        if viol.size == 0:  # the early stop met only working-set patterns: price everything
            dv = dual_values(Xa, nu, pool, threshold=thr, index=index, previous=prev)
            prev = (dv, nu)
            viol = np.flatnonzero((dv.values.max(axis=1) > thr) & ~in_work)
            if viol.size == 0:
                converged = True
                break
        add = viol[np.argsort(-dv.values[viol].max(axis=1))][:per_round]
        trace.append((len(work), int(viol.size), float(dv.phi)))
        # keep the restricted program small: drop patterns unused by the last _DROP_AGE solutions and far from
        # tight (dropping sooner makes patterns cycle out and back in)
        w_idx = np.asarray(work)
        slot_norm = np.maximum(np.linalg.norm(U, axis=1), np.linalg.norm(V, axis=1))
        w_dv = dual_values(Xa, nu, pool[w_idx], threshold=beta_eff * (1.0 - _DROP_SLACK), index=index)
        idle = (slot_norm <= tol.support * float(slot_norm.max(initial=0.0))) & (
            w_dv.values.max(axis=1) < beta_eff * (1.0 - _DROP_SLACK))
        age[w_idx] = np.where(idle, age[w_idx] + 1, 0)
        unused = age[w_idx] >= _DROP_AGE
        if unused.any():
            keep = ~unused
            in_work[w_idx[unused]] = False
            age[w_idx[unused]] = 0
            work = [k for k, kp in zip(work, keep) if kp]
            cone_rows_list = [r for r, kp in zip(cone_rows_list, keep) if kp]
        work.extend(add.tolist())
        cone_rows_list.extend(rows_of(add))
        in_work[add] = True
    pats, cone_rows_list = pool[solved_work], solved_rows
    solver_ok = status in ("Solved", "AlmostSolved")
    # candidate 1: the interior-point solution, bounded with both its residual and its own multipliers
    value, lower, phi, yhat, nu = _certificate(Xa, y, beta_eff, pool, index, U, V, pats, mode, bias, X, tol,
                                               nu=nu, extra=(nu_dual,) if solver_ok else (), previous=prev)
    rel_ip = (value - lower) / max(1.0, abs(value))
    # candidate 2: Newton polishing on the support (SPEC.md §C.4): exact zeros off the support, y* and ν* to
    # machine precision; kept when its own certificate is at least as good (or below 1e-2 tol.gap)
    # (the support/face guess is retried with looser thresholds when the first one fails or does not certify)
    if solver_ok and mode != "interpolate" and polish_rounds > 0:
        U_ip, V_ip = U, V
        for attempt in range(polish_rounds):
            guess = replace(tol, support=tol.support * 100.0 ** attempt)
            polished = _newton_polish(Xa, y, beta_eff, pats, cone_rows_list, U_ip, V_ip, guess, loss=loss)
            if polished is None:
                continue
            cand = _certificate(Xa, y, beta_eff, pool, index, *polished, pats, mode, bias, X, tol, previous=prev)
            rel_c = (cand[0] - cand[1]) / max(1.0, abs(cand[0]))
            if rel_c <= max(rel_ip, _POLISHED * tol.gap):
                (value, lower, phi, yhat, nu), (U, V) = cand, polished
            if rel_c <= _POLISHED * tol.gap:
                break
    keep = (np.linalg.norm(U, axis=1) > 0) | (np.linalg.norm(V, axis=1) > 0)
    pats_out, U, V = pats[keep], U[keep], V[keep]
    gap = value - lower
    rel = gap / max(1.0, abs(value))
    if not solver_ok:
        out_status = status
    elif not converged:
        out_status = "max_rounds"
    else:
        out_status = "optimal" if rel <= tol.gap else "inaccurate"
    certified = bool(solver_ok and converged and source == "exact" and rel <= tol.gap)
    if interpolate and solver_ok and np.max(np.abs(yhat - y)) > 1e-7 * max(1.0, np.max(np.abs(y))):
        certified, out_status = False, "inaccurate"
    stats = {"rounds": rounds, "working_set": int(len(work)), "pool": int(pool.shape[0]),
             "solver_iterations": iters, "solver_status": status, "seconds": time.perf_counter() - t0,
             "seconds_patterns": t_enum, "seconds_solver": t_solve, "seconds_pricing": t_price,
             "cone_rows": int(sum(len(r) for r in cone_rows_list)), "trace": trace}
    return ConvexSolution(p_star=value, lower_bound=lower, gap=gap, rel_gap=rel, U=U, V=V, patterns=pats_out,
                          y_star=yhat, nu_star=nu, phi=phi, status=out_status, certified=certified,
                          pattern_source=source, beta=float(beta_eff if not interpolate else 0.0), bias=bias,
                          interpolate=interpolate, stats=stats)
