"""Polishing of an interior-point solution of (C) (docs/theory.md §C.4): vertex reduction, then Newton on the faces.

Interior points land in the relative interior of the optimal face, with solver noise of order ``tol.solver``
in ``p*``, ``y*`` and ``ν*``.  :func:`vertex_support` reduces the support to a vertex (a basic solution of an
LP with the directions fixed, docs/theory.md §D.4), :func:`newton_polish` runs Newton's method on the support and the
active cone faces, so the fit and ``ν*`` reach machine precision.  Every polished point is re-certified by the
caller (:mod:`geom.duality`): these are heuristics that cannot make a result wrong, only more accurate.
:func:`nonnegative_lasso` is the small QP of the same recipe with the directions fixed.

Examples
--------
>>> import numpy as np
>>> nonnegative_lasso(np.eye(2), np.array([1.0, -1.0]), 0.25).tolist()
[0.75, 0.0]
"""

from __future__ import annotations

import numpy as np

from ..cones import cone_rows
from ..losses import loss_gradient, loss_value

__all__ = ["nonnegative_lasso", "vertex_support", "newton_polish"]

#: Numerical floors of the polishing linear algebra (not decisions: every polished point is re-certified):
#: relative singular-value cut-off for the rank of active cone rows, the cone-violation slack (relative to
#: ``‖b‖‖u‖``) that sends a row into the face, the LP's allowed relative increase of ``Σc``, the smallest
#: line-search step and the relative decrease under which Newton has stalled.
_RANK_RTOL = 1e-10
_CONE_SLACK = 1e-12
_LP_SLACK = 1e-12
_MIN_STEP = 1e-10
_STALL = 1e-15
#: Relative floors of :func:`nonnegative_lasso`: a coordinate enters when its reduced gradient exceeds
#: ``_NNL_ENTER · ‖Aᵀy‖_∞`` and leaves the active set below ``_NNL_LEAVE`` times the same scale.
_NNL_ENTER = 1e-13
_NNL_LEAVE = 1e-15


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
    top = float(np.max(np.abs(A.T @ y))) if K else 0.0
    scale = top if top > 0 and np.isfinite(top) else 1.0  # relative to the data (tiny scales included)
    eps = _NNL_ENTER * scale
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
            active &= c > _NNL_LEAVE * scale
            c[~active] = 0.0
    return c


def vertex_support(Xa, pats, slots, U, V):
    """Reduce an interior-point support to a vertex (docs/theory.md §D.4, optimal pruning).

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
    # the LP's equality residual is ~1e-9: recompute the magnitudes exactly on the (independent) support; on an
    # ill-conditioned basis that can turn a magnitude negative (diabetes (100, 3), β = 1e-3: −1.2 next to
    # magnitudes of about 2), and the LP's own nonnegative point is kept (Newton repairs the fit)
    c = np.linalg.lstsq(A[:, support], A @ c0, rcond=None)[0]
    if not np.all(c > 0):
        c = res.x[support]
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


def newton_polish(Xa, y, beta, pats, cone_rows_list, U, V, support: float, iters: int = 50,
                  loss: str = "squared"):
    """docs/theory.md §C.4 polishing: Newton's method on the support and cone faces identified by the interior point.

    With the nonzero slots and the active cone rows fixed, (C) is smooth in face coordinates ``z_k = N_k w_k``
    (``N_k`` an orthonormal basis of the face's span): ``L(Σ_k σ_k D_k X N_k w_k) + β Σ_k ‖w_k‖``.  Newton's
    method with backtracking converges quadratically, so ``p*``, ``y*`` and ``ν*`` reach machine precision.  The
    support is first reduced to a vertex (:func:`vertex_support`); a cone row that the Newton point violates is
    added to its slot's face and Newton restarted (at most 4 times).  Returns ``None`` if no in-cone point results;
    the caller keeps whichever candidate certifies better.

    ``support`` is the relative threshold (to the largest slot norm, and to ``‖b‖‖z‖`` for a cone row) under
    which a slot counts as zero and a cone row as active in the interior point's guess.
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
            if nz <= support * big:
                continue
            act = B @ z <= support * nz * Bn
            if act.sum() < p or np.linalg.matrix_rank(B[act]) < p:
                slots.append((k, sgn, act, B))
    if not slots:
        return None
    slots, U, V = vertex_support(Xa, pats, slots, U, V)
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
        parts = np.split(w, splits)
        top = max(float(np.linalg.norm(q)) for q in parts)
        for (k, sgn, act, B), N, part in zip(slots, bases, parts):
            z = N @ part
            if not (np.linalg.norm(z) > support * top):  # Newton drove the slot to zero (it cannot reach 0:
                violated = True                           # ‖·‖ is not smooth there): off the support, restart
                continue
            bad = B @ z < -_CONE_SLACK * np.linalg.norm(z) * np.linalg.norm(B, axis=1)
            if bad.any():
                violated = True
                act = act | bad
            new_slots.append((k, sgn, act, B))
            (U2 if sgn > 0 else V2)[k] = z
        if not violated:
            return U2, V2
        slots, U, V = new_slots, U2, V2  # (restart from Newton's point)
        if not slots:
            return None
    return None


def _newton(M, splits, w, y, beta, loss, iters):
    """Damped Newton on ``L(M w) + β Σ_k ‖w_k‖`` (blocks given by ``splits``)."""

    block = np.repeat(np.arange(len(splits) + 1), np.diff(np.concatenate(([0], splits, [w.size]))))

    def f(w):
        return loss_value(M @ w, y, loss) + beta * float(np.sum(np.sqrt(np.bincount(block, w * w))))

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
