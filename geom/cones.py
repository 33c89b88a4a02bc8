"""Pattern cones and per-pattern dual values (SPEC.md §A.2, §C.2).

The cone of pattern ``D_k`` is ``C_k = {u : (2D_k − I) X u ≥ 0}``; on it the ReLU is linear,
``(Xu)_+ = D_k X u``.  For a closed convex cone, ``max_{u ∈ C, ‖u‖ ≤ 1} gᵀu = ‖Π_C(g)‖`` (Moreau), so the dual
constraint of the convex program reads ``‖Π_{C_k}(±Xᵀ D_k ν)‖ ≤ β`` for every pattern and sign, and

    φ(ν) = max_k max_± ‖Π_{C_k}(±Xᵀ D_k ν)‖.

The projection is ``Π_C(g) = g + B_kᵀλ*`` with ``λ* = argmin_{λ≥0} ‖g + B_kᵀλ‖`` (``B_k = (2D_k − I)X``), a
non-negative least-squares problem solved by the Lawson–Hanson active-set method (finite, no tolerance loop).

:func:`dual_values` is batched: the products ``Xᵀ D_k ν`` of all patterns are one matrix product on the caller's
array library (GPU when given GPU arrays), and the membership screen ``g ∈ C_k`` (then ``Π = g``) is one more;
only the patterns whose bound ``‖g‖`` can matter and that fail the screen go to the CPU active-set solver.

Examples
--------
>>> import numpy as np
>>> X = np.array([[-1.0], [1.0]])
>>> pats = np.array([[False, True], [True, False]])
>>> dual_values(X, np.array([0.5, 0.5]), pats).values.tolist()   # SPEC.md §I, I1: tight at β = 0.5
[[0.5, 0.0], [0.5, 0.0]]
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import nnls

from ._xp import array_namespace, asarray_like, to_numpy

__all__ = ["project_cone", "DualValues", "dual_values", "pattern_cone_contains"]


def project_cone(g, B):
    """Euclidean projection of ``g`` onto ``{u : B u ≥ 0}`` (NumPy, CPU, active set).

    >>> project_cone(np.array([1.0, -2.0]), np.array([[0.0, 1.0]])).tolist()
    [1.0, 0.0]
    """
    g = np.asarray(g, dtype=np.float64)
    B = np.asarray(B, dtype=np.float64)
    if B.shape[0] == 0 or np.all(B @ g >= 0):
        return g.copy()
    lam, _ = nnls(B.T, -g, maxiter=50 * max(B.shape))
    return g + B.T @ lam


def pattern_cone_contains(X, patterns, G):
    """Batched membership ``g_k ∈ C_k`` for rows ``G`` (one per pattern): ``X g ≥ 0`` on actives, ``≤ 0`` else."""
    xp = array_namespace(X, G)
    M = xp.matmul(G, X.T)
    ok = xp.where(patterns, M >= 0, M <= 0)
    return xp.all(ok, axis=1)


@dataclass(frozen=True)
class DualValues:
    """Per-pattern dual values ``‖Π_{C_k}(±Xᵀ D_k ν)‖`` and the maximizing unit directions.

    Attributes
    ----------
    values : ndarray (P, 2)
        Column 0 for ``+Xᵀ D_k ν`` (positive output weight, ``u`` slot), column 1 for ``−Xᵀ D_k ν`` (``v`` slot).
        Entries that cannot exceed ``threshold`` (their bound ``‖Xᵀ D_k ν‖`` is below it) hold that bound's
        lower estimate ``0`` unless computed; see ``exact_mask``.
    directions : ndarray (P, 2, d)
        ``Π/‖Π‖`` where computed (zeros otherwise).
    computed : ndarray of bool (P, 2)
        Which entries were actually projected (screen or active set).
    phi : float
        ``max`` of the computed values: ``φ(ν)`` whenever every entry that could exceed it was computed.
    argmax : tuple (k, s)
    n_active_set : int
        Projections that needed the active-set solver.
    """

    values: np.ndarray = field(repr=False)
    directions: np.ndarray = field(repr=False)
    computed: np.ndarray = field(repr=False)
    phi: float
    argmax: tuple
    n_active_set: int


def dual_values(X, nu, patterns, *, threshold: float | None = None, chunk: int = 32768) -> DualValues:
    """Dual values of every pattern and sign at ``ν`` (SPEC.md §C.2).

    Parameters
    ----------
    X : array (n, d)
        Data (augmented with the ones column for a regularized bias).
    nu : array (n,)
        Dual variable, residual convention ``ν = y − ŷ`` (SPEC.md §C.1).
    patterns : array of bool (P, n)
    threshold : float, optional
        Only entries whose upper bound ``‖Xᵀ D_k ν‖`` exceeds ``threshold`` are projected (the others are
        certainly ``≤ threshold``).  ``None`` projects everything.
    """
    Xn = to_numpy(X).astype(np.float64)
    nun = to_numpy(nu).astype(np.float64)
    Pn = to_numpy(patterns).astype(bool)
    P, d = Pn.shape[0], Xn.shape[1]
    values = np.zeros((P, 2))
    dirs = np.zeros((P, 2, d))
    computed = np.zeros((P, 2), dtype=bool)
    n_as = 0
    xp = array_namespace(X)
    on_host = isinstance(X, np.ndarray) or not hasattr(X, "shape")
    Xx = Xn if on_host else X
    nu_x = nun if on_host else asarray_like(nun, X)
    for s in range(0, P, chunk):
        pk = Pn[s:s + chunk]
        # the batched part runs on the caller's array library (and device)
        pk_x = pk if on_host else asarray_like(pk, X, dtype=xp.bool)
        G = xp.matmul(xp.astype(pk_x, Xx.dtype) * nu_x[None, :], Xx)  # rows Xᵀ D_k ν
        for col, sign in ((0, 1.0), (1, -1.0)):
            Gs = sign * G
            inside = to_numpy(pattern_cone_contains(Xx, pk_x, Gs))
            Gn = to_numpy(Gs).astype(np.float64)
            norms = np.linalg.norm(Gn, axis=1)
            need = norms > (threshold if threshold is not None else -1.0)
            idx = np.flatnonzero(need & inside)
            values[s + idx, col] = norms[idx]
            with np.errstate(invalid="ignore", divide="ignore"):
                dirs[s + idx, col] = np.where(norms[idx, None] > 0, Gn[idx] / norms[idx, None], 0.0)
            computed[s + idx, col] = True
            for i in np.flatnonzero(need & ~inside):
                B = np.where(pk[i][:, None], Xn, -Xn)
                p = project_cone(Gn[i], B)
                nv = float(np.linalg.norm(p))
                values[s + i, col] = nv
                if nv > 0:
                    dirs[s + i, col] = p / nv
                computed[s + i, col] = True
                n_as += 1
    flat = int(np.argmax(values)) if P else 0
    phi = float(values.max()) if P else 0.0
    return DualValues(values=values, directions=dirs, computed=computed, phi=phi,
                      argmax=(flat // 2, flat % 2), n_active_set=n_as)
