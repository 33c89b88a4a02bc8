"""The convex reformulation (C) of SPEC.md §A.3, solved to certified global optimality.

    (C)   min_{u_k, v_k ∈ C_k}  ½‖Σ_k D_k X (u_k − v_k) − y‖² + β Σ_k (‖u_k‖ + ‖v_k‖)

and its interpolation limit ``β → 0`` (SPEC.md §G.2): ``min Σ_k ‖u_k‖ + ‖v_k‖`` s.t. ``Σ_k D_k X (u_k − v_k) = y``.

Method
------
1. *Interior point.*  The restricted problem over a working set of patterns is built directly as a sparse
   conic program (a quadratic objective on the residual ``r``, linear cone constraints ``B_k u_k ≥ 0``, one
   second-order cone ``(t_k, u_k)`` per slot) and solved by Clarabel.  Clarabel is a primal–dual interior-point
   solver with a native quadratic objective and second-order cones, reporting named statuses; building the
   matrices ourselves avoids a modelling layer's canonicalization (cvxpy) on the hot path.
2. *Column generation.*  The dual variable is the residual ``ν = y − ŷ`` (SPEC.md §C.1).  A pattern whose dual
   value ``‖Π_{C_k}(±Xᵀ D_k ν)‖`` exceeds ``β`` prices out (SPEC.md §C.2–C.3); the most violated ones are added
   and the problem re-solved, until none violates over the *whole* pool.  With the pool = the exact pattern
   enumeration this certifies the optimum over all patterns without building the full program.
3. *Polishing* (SPEC.md §C.4).  Fix the tight directions, solve the non-negative lasso
   ``min_{c≥0} ½‖A c − y‖² + β 1ᵀc`` by an active-set method, recompute the directions from the new ``ν`` as
   cone projections, and repeat: the active set is exact, so ``p*``, ``y*`` and ``ν*`` reach ~1e-12 relative.
4. *Certificate.*  ``ν̃ = ν · min(1, β/φ(ν))`` is dual feasible, so ``D(ν̃) = ν̃ᵀy − ½‖ν̃‖² ≤ p*``; the primal
   value is the objective of the network ``ψ(W)`` itself.  The gap is certified only when the pool is the exact
   pattern set.

Examples
--------
>>> import numpy as np
>>> sol = solve_convex(np.array([[-1.0], [1.0]]), np.array([1.0, 2.0]), 0.5)   # SPEC.md §I, I1
>>> round(sol.p_star, 10), sol.y_star.round(10).tolist(), sol.certified
(1.25, [0.5, 1.5], True)
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from ._validation import check_matrix, check_option, check_positive, check_vector, message
from .arrangements import enumerate_patterns
from .cones import dual_values, project_cone
from .exceptions import InfeasibleError, InvalidInputError, SolverError
from .nets import Net, augment, psi
from .tolerances import DEFAULT_TOLERANCES, Tolerances

__all__ = ["ConvexSolution", "solve_convex", "nonnegative_lasso"]

LOSSES = ("squared",)


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

def _solve_restricted(Xa, y, beta, pats, interpolate, tol):
    import clarabel

    K, n = pats.shape
    p = Xa.shape[1]
    Kp = K * p
    nr = 0 if interpolate else n
    nvar = 2 * Kp + 2 * K + nr
    F = (pats[:, :, None] * Xa[None, :, :]).transpose(1, 0, 2).reshape(n, Kp)  # [D_1 X, ..., D_K X]
    Fs = sp.csc_matrix(F)
    blocks = [Fs, -Fs, sp.csc_matrix((n, 2 * K))]
    if nr:
        blocks.append(-sp.identity(n, format="csc"))
    A_eq = sp.hstack(blocks, format="csc")
    Bk = [sp.csc_matrix(np.where(pats[k][:, None], Xa, -Xa)) for k in range(K)]
    Bd = sp.block_diag(Bk, format="csc")
    A_nn = sp.hstack([sp.block_diag([-Bd, -Bd], format="csc"), sp.csc_matrix((2 * K * n, 2 * K + nr))], format="csc")
    rows, cols = [], []
    for slot in range(2 * K):  # cone (t, u) for slot: t at 2Kp + slot, u at slot*p
        base = slot * (p + 1)
        rows.append(base)
        cols.append(2 * Kp + slot)
        rows.extend(base + 1 + np.arange(p))
        cols.extend(slot * p + np.arange(p))
    A_soc = sp.csc_matrix((-np.ones(len(rows)), (rows, cols)), shape=(2 * K * (p + 1), nvar))
    A = sp.vstack([A_eq, A_nn, A_soc], format="csc")
    b = np.concatenate([y, np.zeros(2 * K * n + 2 * K * (p + 1))])
    q = np.concatenate([np.zeros(2 * Kp), np.full(2 * K, 1.0 if interpolate else beta), np.zeros(nr)])
    P = sp.csc_matrix((nvar, nvar))
    if nr:
        P = sp.block_diag([sp.csc_matrix((nvar - nr, nvar - nr)), sp.identity(nr)], format="csc")
    cones = [clarabel.ZeroConeT(n), clarabel.NonnegativeConeT(2 * K * n)] + [clarabel.SecondOrderConeT(p + 1)] * (2 * K)
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
    if interpolate:
        z = np.asarray(sol.z)[:n]
        nu = z if float(z @ y) >= 0 else -z
    else:
        nu = -x[2 * Kp + 2 * K:]
    return U, V, nu, status, int(sol.iterations)


# ---- polishing -----------------------------------------------------------------------------------------------

def nonnegative_lasso(A, y, beta, *, max_iter: int | None = None):
    """``argmin_{c ≥ 0} ½‖A c − y‖² + β 1ᵀc`` by a Lawson–Hanson-type active-set method (exact active set).

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


def _polish(Xa, y, beta, pats, U, V, nu, rounds, interpolate):
    """SPEC.md §C.4: fix tight directions, solve for magnitudes exactly, recompute directions; repeat."""
    if interpolate:
        return U, V, nu
    K = pats.shape[0]
    for _ in range(rounds):
        slots, dirs = [], []
        for k in range(K):
            B = np.where(pats[k][:, None], Xa, -Xa)
            for sgn, M in ((1.0, U), (-1.0, V)):
                if np.linalg.norm(M[k]) <= 0:
                    continue
                g = project_cone(sgn * Xa.T @ (pats[k] * nu), B)
                ng = np.linalg.norm(g)
                if ng <= 0:
                    continue
                slots.append((k, sgn))
                dirs.append(g / ng)
        if not slots:
            break
        A = np.stack([s * pats[k] * (Xa @ u) for (k, s), u in zip(slots, dirs)], axis=1)
        c = nonnegative_lasso(A, y, beta)
        U2, V2 = np.zeros_like(U), np.zeros_like(V)
        for (k, s), u, ci in zip(slots, dirs, c):
            (U2 if s > 0 else V2)[k] += ci * u
        U, V = U2, V2
        nu = y - A @ c
    return U, V, nu


def _newton_refine(Xa, y, beta, pats, U, V, iters=30):
    """Newton's method on the fixed support, each slot confined to the linear span of its cone face.

    With the support and the active cone constraints known, (C) is smooth in the face coordinates ``w_k``:
    ``½‖Σ_k M_k w_k − y‖² + β Σ_k ‖w_k‖``; Newton converges quadratically from the interior-point solution.
    The step is kept only if it stays in the cones and does not increase the objective.
    """
    slots = []
    for k in range(pats.shape[0]):
        B = np.where(pats[k][:, None], Xa, -Xa)
        for sgn, M in ((1.0, U), (-1.0, V)):
            z = M[k]
            nz = np.linalg.norm(z)
            if nz <= 0:
                continue
            slack = B @ z
            act = slack <= 1e-7 * nz * np.linalg.norm(B, axis=1)
            if act.any():
                _, sv, vt = np.linalg.svd(B[act], full_matrices=True)
                rank = int(np.sum(sv > 1e-10 * max(1.0, sv.max())))
                N = vt[rank:].T
            else:
                N = np.eye(Xa.shape[1])
            if N.shape[1] == 0:
                continue
            slots.append((k, sgn, N, B))
    if not slots:
        return U, V
    cols = [sgn * (pats[k][:, None] * Xa) @ N for k, sgn, N, _ in slots]
    sizes = [c.shape[1] for c in cols]
    Mfull = np.concatenate(cols, axis=1)
    w = np.concatenate([N.T @ (U[k] if sgn > 0 else V[k]) for k, sgn, N, _ in slots])
    splits = np.cumsum(sizes)[:-1]

    def f(w):
        parts = np.split(w, splits)
        r = Mfull @ w - y
        return 0.5 * r @ r + beta * sum(np.linalg.norm(p) for p in parts)

    fw = f(w)
    for _ in range(iters):
        parts = np.split(w, splits)
        if any(np.linalg.norm(p) == 0 for p in parts):
            break
        r = Mfull @ w - y
        g = Mfull.T @ r + beta * np.concatenate([p / np.linalg.norm(p) for p in parts])
        H = Mfull.T @ Mfull
        off = 0
        for p in parts:
            npn = np.linalg.norm(p)
            e = p / npn
            H[off:off + p.size, off:off + p.size] += beta * (np.eye(p.size) - np.outer(e, e)) / npn
            off += p.size
        step = np.linalg.lstsq(H, -g, rcond=None)[0]
        t = 1.0
        while t > 1e-8:
            wn = w + t * step
            fn = f(wn)
            if fn <= fw:
                break
            t *= 0.5
        else:
            break
        done = fw - fn <= 1e-16 * max(1.0, abs(fw))
        w, fw = wn, fn
        if done:
            break
    U2, V2 = np.zeros_like(U), np.zeros_like(V)
    for (k, sgn, N, B), p in zip(slots, np.split(w, splits)):
        z = N @ p
        if np.any(B @ z < -1e-12 * np.linalg.norm(z) * np.linalg.norm(B, axis=1)):
            return U, V  # left the cone: keep the previous solution
        (U2 if sgn > 0 else V2)[k] = z
    return U2, V2


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
    loss : {"squared"}
        ``½‖z − y‖²``.
    patterns : array of bool (P, n), optional
        The pattern pool; default the exact enumeration (``ties="regions"``, SPEC.md §B.1), which is what makes
        the certificate global.
    interpolate : bool
        The ``β → 0`` limit: minimum-norm exact fit (SPEC.md §G.2).
    tol : Tolerances
        ``tol.solver`` (interior point), ``tol.gap`` (certified relative gap), ``tol.pricing`` (a pattern prices
        out when its dual value exceeds ``β(1 + tol.pricing)``).

    Returns
    -------
    ConvexSolution
    """
    t0 = time.perf_counter()
    func = "solve_convex"
    X = check_matrix(X, name="X", func=func).astype(np.float64)
    y = check_vector(y, length=X.shape[0], name="y", func=func).astype(np.float64)
    check_option(loss, LOSSES, name="loss", func=func)
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
    else:
        pool = np.asarray(patterns, dtype=bool)
        if pool.ndim != 2 or pool.shape[1] != n or pool.shape[0] == 0:
            raise InvalidInputError(message("patterns", func, f"a non-empty boolean array of shape (P, {n})",
                                            f"shape {pool.shape}"))
        source = "given"
    thr = beta_eff * (1.0 + tol.pricing)
    dv = dual_values(Xa, y, pool, threshold=0.0)
    order = np.argsort(-dv.values.max(axis=1))
    work = list(order[: min(len(order), max(4, n // 4))])
    in_work = np.zeros(pool.shape[0], dtype=bool)
    in_work[work] = True
    rounds, iters, status = 0, 0, "Solved"
    while True:
        rounds += 1
        U, V, nu, status, it = _solve_restricted(Xa, y, beta_eff, pool[work], interpolate, tol)
        iters += it
        if status not in ("Solved", "AlmostSolved"):
            if status == "PrimalInfeasible" and interpolate and source == "exact":
                raise InfeasibleError(message("y", func, "interpolable by a two-layer ReLU network on X "
                                              "(the exact-fit constraint of the β → 0 limit)",
                                              "labels with no exact fit (the conic program is primal infeasible)"))
            break
        dv = dual_values(Xa, nu, pool, threshold=thr)
        viol = np.flatnonzero((dv.values.max(axis=1) > thr) & ~in_work)
        if viol.size == 0 or rounds >= max_rounds:
            break
        add = viol[np.argsort(-dv.values[viol].max(axis=1))][: max(5, n // 10)]
        work.extend(add.tolist())
        in_work[add] = True
    pats = pool[work]
    solver_ok = status in ("Solved", "AlmostSolved")
    if solver_ok:
        U, V, nu = _polish(Xa, y, beta_eff, pats, U, V, nu, polish_rounds, interpolate)
        if not interpolate:
            U, V = _newton_refine(Xa, y, beta_eff, pats, U, V)
    # drop empty slots, keep the certificate honest: values are recomputed from the returned solution
    keep = (np.linalg.norm(U, axis=1) > 0) | (np.linalg.norm(V, axis=1) > 0)
    pats, U, V = pats[keep], U[keep], V[keep]
    yhat = _fit(Xa, pats, U, V)
    if not interpolate:
        nu = y - yhat
    penalty = float(np.sum(np.linalg.norm(U, axis=1)) + np.sum(np.linalg.norm(V, axis=1)))
    if interpolate:
        value = penalty
    else:
        net = psi(U, V, bias=bias)
        value = float(net.objective(X, y, beta_eff)) if net.width else 0.5 * float(y @ y)
    dv = dual_values(Xa, nu, pool, threshold=beta_eff * 0.5)
    phi = dv.phi
    nu_t = nu * min(1.0, beta_eff / phi) if phi > 0 else nu
    lower = float(nu_t @ y) if interpolate else float(nu_t @ y - 0.5 * nu_t @ nu_t)
    gap = value - lower
    rel = gap / max(1.0, abs(value))
    if not solver_ok:
        out_status = status
    else:
        out_status = "optimal" if rel <= tol.gap else "inaccurate"
    certified = bool(solver_ok and source == "exact" and rel <= tol.gap)
    if interpolate and solver_ok and np.max(np.abs(yhat - y)) > 1e-7 * max(1.0, np.max(np.abs(y))):
        certified, out_status = False, "inaccurate"
    stats = {"rounds": rounds, "working_set": int(len(work)), "pool": int(pool.shape[0]),
             "solver_iterations": iters, "solver_status": status, "seconds": time.perf_counter() - t0}
    return ConvexSolution(p_star=value, lower_bound=lower, gap=gap, rel_gap=rel, U=U, V=V, patterns=pats,
                          y_star=yhat, nu_star=nu, phi=phi, status=out_status, certified=certified,
                          pattern_source=source, beta=float(beta_eff if not interpolate else 0.0), bias=bias,
                          interpolate=interpolate, stats=stats)
