"""Pattern cones and per-pattern dual values (docs/theory.md §A.2, §C.2).

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
>>> dual_values(X, np.array([0.5, 0.5]), pats).values.tolist()   # docs/theory.md §I, I1: tight at β = 0.5
[[0.5, 0.0], [0.5, 0.0]]
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import nnls

from ._xp import array_namespace, asarray_like, to_numpy
from .exact import integer_rows, primitive_direction
from .kernels import pack_patterns, row_keys
from .tolerances import gamma

#: Relative allowance for rounding in the Lipschitz screen ``‖Π_C g‖ ≤ ‖Π_C g₀‖ + ‖g − g₀‖`` of
#: :func:`dual_values` (the products behind ``‖g − g₀‖`` are computed in float64); an absolute Higham term
#: ``γ_{n+d+4} ‖|X|ᵀ D_k |ν − ν₀|‖`` is added to it.
_LIPSCHITZ_ROUNDING = 1e-12

__all__ = ["project_cone", "DualValues", "dual_values", "pattern_cone_contains", "hyperplane_groups",
           "RegionIndex", "region_index", "cone_rows"]


def _project(g, B):
    """``(Π, λ)``: the projection ``Π = g + Bᵀλ`` onto ``{u : B u ≥ 0}`` and its multipliers ``λ ≥ 0``.

    Whatever ``λ ≥ 0`` the solver returns, ``‖g + Bᵀλ‖ ≥ max_{u∈C,‖u‖≤1} gᵀu = ‖Π_C g‖`` (``λᵀBu ≥ 0`` on the
    cone), so the norm of the returned point bounds the true value from above even when the active-set solver
    stops short (it then falls back to ``λ = 0``).
    """
    if B.shape[0] == 0 or np.all(B @ g >= 0):
        return g.copy(), np.zeros(B.shape[0])
    try:
        lam, _ = nnls(B.T, -g, maxiter=50 * max(B.shape))
    except RuntimeError:  # iteration limit: λ = 0 keeps the bound valid (‖g‖ ≥ ‖Π g‖)
        lam = np.zeros(B.shape[0])
    lam = np.maximum(lam, 0.0)
    return g + B.T @ lam, lam


def project_cone(g, B):
    """Euclidean projection of ``g`` onto ``{u : B u ≥ 0}`` (NumPy, CPU, active set).

    >>> project_cone(np.array([1.0, -2.0]), np.array([[0.0, 1.0]])).tolist()
    [1.0, 0.0]
    """
    return _project(np.asarray(g, dtype=np.float64), np.asarray(B, dtype=np.float64))[0]


def pattern_cone_contains(X, patterns, G):
    """Batched membership ``g_k ∈ C_k`` for rows ``G`` (one per pattern): ``X g ≥ 0`` on actives, ``≤ 0`` else."""
    xp = array_namespace(X, G)
    M = xp.matmul(G, X.T)
    ok = xp.where(patterns, M >= 0, M <= 0)
    return xp.all(ok, axis=1)


# ---- facets of region cones (exact, combinatorial) -----------------------------------------------------------

def hyperplane_groups(X) -> list[np.ndarray]:
    """Rows of ``X`` grouped by the hyperplane ``x_i^⊥`` they define (zero rows left out), decided exactly.

    Rows are compared through their primitive integer directions (floats are dyadic rationals, so this is exact):
    positively and negatively parallel rows share a hyperplane (docs/theory.md §B.1).  Groups are in order of first row.

    >>> [g.tolist() for g in hyperplane_groups(np.array([[1.0, 0.0], [0.0, 0.0], [-2.0, 0.0], [0.0, 1.0]]))]
    [[0, 2], [3]]
    """
    groups: dict[tuple, list[int]] = {}
    for i, row in enumerate(integer_rows(to_numpy(X))):
        key, sign = primitive_direction(row)
        if sign:
            groups.setdefault(key, []).append(i)
    return [np.array(g, dtype=np.int64) for g in groups.values()]


def _row_keys(P: np.ndarray) -> np.ndarray:
    """One sortable scalar per pattern (:func:`geom.kernels.row_keys` of the packed words)."""
    return row_keys(pack_patterns(np.asarray(P, dtype=bool)))


@dataclass(frozen=True)
class RegionIndex:
    """The complete region set of an arrangement, indexed for exact facet queries.

    For a region with sign vector ``s``, the hyperplane ``H`` carries a facet iff flipping the signs of all rows
    on ``H`` gives another region (the neighbour across that facet).  So on the *complete* region list the
    irredundant description of every region cone ``C_k = {u : (2D_k − I)Xu ≥ 0}`` is read off combinatorially,
    with no LP and no tolerance: one representative row per facet hyperplane.  Convex programs then carry a
    handful of cone constraints per pattern instead of ``n``.

    Attributes
    ----------
    keys : ndarray
        Sorted packed keys of the regions.
    groups : list of ndarray
        Rows per hyperplane (:func:`hyperplane_groups`).
    """

    keys: np.ndarray = field(repr=False)
    groups: list = field(repr=False)
    masks: np.ndarray = field(repr=False)

    def facet_mask(self, patterns, *, chunk: int = 2048) -> np.ndarray:
        """Boolean ``(B, H)``: hyperplane ``h`` carries a facet of the cone of each pattern (rows of the set).

        >>> X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
        >>> idx = region_index(X, np.array([[1, 1, 1], [1, 0, 1], [0, 1, 1], [1, 0, 0], [0, 1, 0], [0, 0, 0]], bool))
        >>> idx.facet_mask(np.array([[1, 1, 1]], bool)).tolist()   # the quadrant u ≥ 0: facets u_1 = 0, u_2 = 0
        [[True, True, False]]
        """
        P = np.atleast_2d(np.asarray(patterns, dtype=bool))
        H = self.masks.shape[0]
        out = np.zeros((P.shape[0], H), dtype=bool)
        if H == 0 or P.shape[0] == 0:  # no hyperplane (all rows zero): every cone is the whole space
            return out
        step = max(1, chunk // max(1, H))
        for s in range(0, P.shape[0], step):
            flips = P[s:s + step, None, :] ^ self.masks[None, :, :]
            keys = _row_keys(flips.reshape(-1, P.shape[1]))
            pos = np.minimum(np.searchsorted(self.keys, keys), self.keys.shape[0] - 1)
            out[s:s + step] = (self.keys[pos] == keys).reshape(-1, H)
        return out

    def facet_rows(self, pattern) -> np.ndarray:
        """One row index per facet hyperplane of the region cone of ``pattern`` (a row of the region set).

        >>> X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
        >>> idx = region_index(X, np.array([[1, 1, 1], [1, 0, 1], [0, 1, 1], [1, 0, 0], [0, 1, 0], [0, 0, 0]], bool))
        >>> idx.facet_rows(np.array([1, 1, 1], bool)).tolist()
        [0, 1]
        """
        return self.representatives[self.facet_mask(pattern)[0]]

    @property
    def representatives(self) -> np.ndarray:
        """First row of each hyperplane group."""
        return np.array([int(g[0]) for g in self.groups], dtype=np.int64)


def region_index(X, patterns) -> RegionIndex:
    """Index the complete region set ``patterns`` of ``X`` for :meth:`RegionIndex.facet_rows`."""
    P = to_numpy(patterns).astype(bool)
    keys = np.sort(_row_keys(P))
    groups = hyperplane_groups(X)
    masks = np.zeros((len(groups), P.shape[1]), dtype=bool)
    for h, g in enumerate(groups):
        masks[h, g] = True
    return RegionIndex(keys=keys, groups=groups, masks=masks)


def cone_rows(X, pattern, rows=None) -> np.ndarray:
    """``B = (2D − I) X`` restricted to ``rows`` (all rows if ``None``): the cone is ``{u : B u ≥ 0}``."""
    X = np.asarray(X, dtype=np.float64)
    pattern = np.asarray(pattern, dtype=bool)
    if rows is not None:
        X, pattern = X[rows], pattern[rows]
    return np.where(pattern[:, None], X, -X)


@dataclass(frozen=True)
class DualValues:
    """Per-pattern dual values ``‖Π_{C_k}(±Xᵀ D_k ν)‖`` and the maximizing unit directions.

    Attributes
    ----------
    values : ndarray (P, 2)
        Column 0 for ``+Xᵀ D_k ν`` (positive output weight, ``u`` slot), column 1 for ``−Xᵀ D_k ν`` (``v`` slot).
        Float estimates; entries settled by the screens below ``threshold`` hold ``0`` (see ``computed`` and
        ``upper``).
    directions : ndarray (P, 2, d)
        ``Π/‖Π‖`` where computed (zeros otherwise).  Float vectors: a caller that builds a claim on one (an
        escape direction) must check it (:func:`geom.duality.verify_escapes`).
    computed : ndarray of bool (P, 2)
        Which entries were actually projected (screen or active set).
    phi : float
        ``max`` of the computed values: ``φ(ν)`` whenever every entry that could exceed it was computed.
    argmax : tuple (k, s)
    n_active_set : int
        Projections that needed the active-set solver.
    upper : ndarray (P, 2)
        Rigorous upper bounds of the exact values (float64 rounding included): the active-set value or the
        screens' bound, plus a Higham allowance for the rounding of ``Xᵀ D_k ν`` and of the projection.
    complete : bool
        Every entry that could exceed ``threshold`` was computed (``False`` only when ``limit`` stopped early).
    """

    values: np.ndarray = field(repr=False)
    directions: np.ndarray = field(repr=False)
    computed: np.ndarray = field(repr=False)
    phi: float
    argmax: tuple
    n_active_set: int
    upper: np.ndarray = field(repr=False, default=None)
    complete: bool = True

    @property
    def phi_upper(self) -> float:
        """A rigorous upper bound of ``φ(ν)`` over the patterns (``max`` of ``upper``; ``0`` for no pattern).

        Unlike ``phi`` it holds whatever ``threshold`` and ``limit`` settled, so ``ν · min(1, β/phi_upper)`` is
        dual feasible for the pool (docs/theory.md §C.3).
        """
        return float(self.upper.max()) if self.upper is not None and self.upper.size else 0.0


def dual_values(X, nu, patterns, *, threshold: float | None = None, index: RegionIndex | None = None,
                limit: int | None = None, previous: tuple | None = None, chunk: int = 32768) -> DualValues:
    """Dual values of every pattern and sign at ``ν`` (docs/theory.md §C.2).

    Parameters
    ----------
    X : array (n, d)
        Data (augmented with the ones column for a regularized bias).
    nu : array (n,)
        Dual variable, residual convention ``ν = y − ŷ`` (docs/theory.md §C.1).
    patterns : array of bool (P, n)
    threshold : float, optional
        Only entries whose (rigorous) upper bound exceeds ``threshold`` are projected (the others are certainly
        ``≤ threshold``).  ``None`` projects everything.
    index : RegionIndex, optional
        When ``patterns`` are regions of a complete region set, the active-set projections use only the facet
        rows of each cone (same cone, fewer constraints).  On an incomplete region set facets can be missed and
        the cones come out too large: the values are then still upper bounds, but not exact.
    limit : int, optional
        Stop projecting once ``limit`` entries above ``threshold`` are found, taking candidates in decreasing
        order of their upper bound (column generation needs a few violators, not all); ``complete`` is then
        ``False`` and ``phi`` is a lower bound (``phi_upper`` stays an upper bound).
    previous : tuple (DualValues, ndarray), optional
        The result at an earlier ``ν₀`` on the same patterns.  Projection onto a convex cone is 1-Lipschitz, so
        ``‖Π_C g‖ ≤ ‖Π_C g₀‖ + ‖g − g₀‖`` with ``g − g₀ = ±Xᵀ D_k (ν − ν₀)``: a third batched screen that
        settles almost everything between nearby column-generation rounds.

    Notes
    -----
    Two batched screens decide most entries without an active-set solve.  (1) ``g = ±Xᵀ D_k ν ∈ C_k`` gives
    ``Π = g``.  (2) For every row ``b_i`` of the cone with ``b_iᵀg < 0``, ``C_k`` lies in the half-space
    ``{b_iᵀu ≥ 0}``, and projecting onto a larger cone cannot shorten the projection
    (``‖Π_C g‖ = max_{u∈C,‖u‖≤1} gᵀu``), so ``‖Π_{C_k} g‖ ≤ (‖g‖² − (b_iᵀg)²/‖b_i‖²)^{1/2}``; an entry whose
    bound is ``≤ threshold`` is settled.  Both screens are two matrix products on the caller's array library.

    Rounding.  With ``A_k = ‖|X|ᵀ D_k |ν|‖`` (one more product) the computed ``g`` is within ``γ_n A_k`` of the
    exact one (Higham, §3.5) and every screen quantity within ``γ_{n+d+4}`` of its exact value relative to
    ``A_k``; the bound of screen (2) is enlarged by that amount before it settles anything, and ``upper``
    carries the allowance.  An active-set value ``‖g + Bᵀλ‖`` bounds the exact one from above for any
    ``λ ≥ 0`` (:func:`_project`), so ``upper`` is rigorous even where the solver is inaccurate.
    """
    Xn = to_numpy(X).astype(np.float64)
    nun = to_numpy(nu).astype(np.float64)
    Pn = to_numpy(patterns).astype(bool)
    P, d = Pn.shape[0], Xn.shape[1]
    n = Xn.shape[0]
    g_round = gamma(n + d + 4)
    values = np.zeros((P, 2))
    dirs = np.zeros((P, 2, d))
    computed = np.zeros((P, 2), dtype=bool)
    upper = np.zeros((P, 2))
    xp = array_namespace(X)
    on_host = isinstance(X, np.ndarray) or not hasattr(X, "shape")
    Xx = Xn if on_host else X
    nu_x = nun if on_host else asarray_like(nun, X)
    row_norms = np.linalg.norm(Xn, axis=1)
    inv = np.where(row_norms > 0, 1.0 / np.where(row_norms > 0, row_norms, 1.0), 0.0)
    inv_x = inv if on_host else asarray_like(inv, X)
    absX = np.abs(Xn)
    # A_k = ‖|X|ᵀ D_k |ν|‖: the scale of the rounding of everything computed from g = ±Xᵀ D_k ν
    scale = np.linalg.norm((Pn * np.abs(nun)[None, :]) @ absX, axis=1) if P else np.zeros(0)
    slack = g_round * scale
    thr = -1.0 if threshold is None else float(threshold)
    if previous is not None:
        prev_dv, prev_nu = previous
        dnu = nun - to_numpy(prev_nu).astype(np.float64)
        dnorm = np.linalg.norm((Pn * dnu[None, :]) @ Xn, axis=1)
        dnorm = dnorm * (1.0 + _LIPSCHITZ_ROUNDING) + g_round * np.linalg.norm(
            (Pn * np.abs(dnu)[None, :]) @ absX, axis=1)
        prev_upper = prev_dv.upper
    pending = []  # (upper bound, k, col, g)
    for s in range(0, P, chunk):
        pk = Pn[s:s + chunk]
        sl = slack[s:s + pk.shape[0]]
        # the batched part runs on the caller's array library (and device)
        pk_x = pk if on_host else asarray_like(pk, X, dtype=xp.bool)
        G = xp.matmul(xp.astype(pk_x, Xx.dtype) * nu_x[None, :], Xx)  # rows Xᵀ D_k ν
        M = xp.matmul(G, Xx.T) * inv_x[None, :]  # x_iᵀ g / ‖x_i‖
        for col, sign in ((0, 1.0), (1, -1.0)):
            S = xp.where(pk_x, sign * M, -sign * M)  # b_iᵀ g / ‖b_i‖ for the cone rows b_i = ±x_i
            worst = to_numpy(xp.min(xp.where(S < 0, S, xp.zeros_like(S)), axis=1)).astype(np.float64)
            Gn = sign * to_numpy(G).astype(np.float64)
            sq = np.sum(Gn * Gn, axis=1)
            norms = np.sqrt(sq)
            # screen (2) with its rounding allowance: |sq − worst²| is off by at most ~4 A_k (γ A_k)·2
            ub = np.sqrt(np.maximum(sq - worst * worst, 0.0) + 8.0 * (norms + sl) * sl) + sl
            if previous is not None:
                ub = np.minimum(ub, prev_upper[s:s + pk.shape[0], col] + dnorm[s:s + pk.shape[0]])
            upper[s:s + pk.shape[0], col] = ub
            inside = (worst >= 0) & (norms > thr)
            idx = np.flatnonzero(inside)
            values[s + idx, col] = norms[idx]
            upper[s + idx, col] = norms[idx] * (1.0 + g_round) + sl[idx]
            with np.errstate(invalid="ignore", divide="ignore"):
                dirs[s + idx, col] = np.where(norms[idx, None] > 0, Gn[idx] / norms[idx, None], 0.0)
            computed[s + idx, col] = True
            settled = (worst >= 0) | (ub <= thr)
            pending.extend((ub[i], s + i, col, Gn[i]) for i in np.flatnonzero(~settled))
    found = int(np.sum(values > thr))
    n_as = 0
    complete = True
    pending.sort(key=lambda t: -t[0])
    facet_cache: dict[int, np.ndarray] = {}
    reps = index.representatives if index is not None else None
    pos = 0
    while pos < len(pending):
        if limit is not None and found >= limit:
            complete = False
            break
        batch = pending[pos:pos + 256]
        pos += len(batch)
        if index is not None:
            todo = sorted({k for _, k, _, _ in batch if k not in facet_cache})
            if todo:
                for k, m in zip(todo, index.facet_mask(Pn[todo])):
                    facet_cache[k] = reps[m]
        for ub, k, col, g in batch:
            B = cone_rows(Xn, Pn[k], None if index is None else facet_cache[k])
            p, lam = _project(g, B)
            nv = float(np.linalg.norm(p))
            values[k, col] = nv
            if nv > 0:
                dirs[k, col] = p / nv
            computed[k, col] = True
            # ‖g + Bᵀλ‖ ≥ ‖Π g‖ for λ ≥ 0; rounding of g, of Bᵀλ and of the norm on top
            lam_scale = float(np.linalg.norm(np.abs(B).T @ lam)) if lam.size else 0.0
            upper[k, col] = min(ub, nv * (1.0 + g_round) + slack[k] + g_round * (float(np.linalg.norm(g))
                                                                                  + lam_scale))
            n_as += 1
            found += nv > thr
    flat = int(np.argmax(values)) if P else 0
    phi = float(values.max()) if P else 0.0
    return DualValues(values=values, directions=dirs, computed=computed, phi=phi,
                      argmax=(flat // 2, flat % 2), n_active_set=n_as, upper=upper, complete=complete)
