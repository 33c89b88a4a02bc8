"""The convex reformulation (C) of docs/theory.md §A.3, solved to certified global optimality.

    (C)   min_{u_k, v_k ∈ C_k}  ½‖Σ_k D_k X (u_k − v_k) − y‖² + β Σ_k (‖u_k‖ + ‖v_k‖)

and its interpolation limit ``β → 0`` (docs/theory.md §G.2): ``min Σ_k ‖u_k‖ + ‖v_k‖`` s.t. ``Σ_k D_k X (u_k − v_k) = y``.

Method (one module per step)
----------------------------
1. *Pool and facets.*  The pattern pool is the exact region enumeration (:func:`geom.enumerate_patterns`), made
   here or handed over by the caller as a :class:`~geom.arrangements.Patterns`.  On a *certified complete*
   region list the walls of every cone ``C_k`` are read off combinatorially (:func:`geom.cones.region_index`),
   so each cone enters with its few facet rows; on any other pool every hyperplane is kept (facets read off an
   incomplete list could be missing, and the cones would be too large).
2. *Interior point* (:mod:`.program`): the restricted problem over a working set, as sparse conic data for
   Clarabel.
3. *Column generation* (:mod:`.colgen`): pricing over the whole pool, working set grown and pruned.
4. *Polishing* (:mod:`.polish`, docs/theory.md §C.4): vertex reduction, then Newton on the cone faces; a polished
   point is kept only if its own certificate is at least as good.
5. *Certificate* (:mod:`geom.duality`, shared with :func:`geom.certify_net`): ``ν̃ = ν · min(1, β/φ̄(ν))`` with
   a rigorous upper bound ``φ̄`` is dual feasible for the pool, so ``D(ν̃) ≤ p*_pool`` (the solver's
   multipliers give a second candidate; the better bound is kept); the primal value is ``L_β(ψ(W))`` of the
   network itself.  ``certified`` needs the pool to be certified complete: only then is ``p*_pool = p*``.

Examples
--------
>>> import numpy as np
>>> sol = solve_convex(np.array([[-1.0], [1.0]]), np.array([1.0, 2.0]), 0.5)   # docs/theory.md §I, I1
>>> round(sol.p_star, 10), sol.y_star.round(10).tolist(), sol.certified, sol.pool_certified
(1.25, [0.5, 1.5], True, True)
"""

from __future__ import annotations

import math
import time
import warnings
from dataclasses import dataclass, field

import numpy as np

from .._validation import (
    check_int,
    check_matrix,
    check_option,
    check_positive,
    check_vector,
    message,
)
from ..arrangements import Patterns, enumerate_patterns
from ..cones import DualValues, dual_values, hyperplane_groups, region_index
from ..duality import (
    dual_bound,
    network_objective,
    objective_rounding,
    pool_from_patterns,
)
from ..exceptions import (
    CertificationError,
    ConvergenceWarning,
    InfeasibleError,
    InvalidInputError,
    InvalidInputTypeError,
    SolverError,
)
from ..losses import LOSSES, check_labels, loss_gradient
from ..nets import Net, augment, psi
from ..tolerances import DEFAULT_TOLERANCES, Tolerances, gamma
from .colgen import column_generation
from .polish import newton_polish, nonnegative_lasso
from .program import fit, solve_restricted

__all__ = ["ConvexSolution", "solve_convex", "PathSolution", "solve_path", "nonnegative_lasso", "STATUSES",
           "NEURON_RTOL"]

#: Statuses of :class:`ConvexSolution` (besides a solver's own failure status, e.g. ``"MaxIterations"``).
STATUSES = ("optimal", "pool_optimal", "inaccurate", "max_rounds")
#: Polishing stops early, and its result replaces a less accurate interior-point one, once its certified
#: relative gap is below ``_POLISHED * tol.gap``.
_POLISHED = 1e-2
#: Rounds of dropping noise slots and refitting (a refit on dependent columns can leave a new small slot).
_PRUNE_ROUNDS = 3
#: A result whose certified gap still exceeds ``tol.gap`` after polishing (or whose own ``ν̂`` is not
#: :func:`_stationary`) is solved once more on its working set at ``_RETRY_TIGHTER · tol.solver`` (with iterative
#: refinement): with polishing off, the interior point's gap is about ``0.3–1 × tol.solver``.
_RETRY_TIGHTER = 1e-2
#: Interpolation mode: the returned fit must reproduce ``y`` to this relative accuracy (``max|ŷ − y| ≤
#: _INTERP_FIT · max(1, max|y|)``), else the solution is reported ``inaccurate`` (the constraint is an equality
#: the interior point meets to about ``tol.solver``).
_INTERP_FIT = 1e-7
#: :func:`_exact_phi` projects every entry at once on pools of at most this many patterns.
_EXACT_PHI_ALL = 256
#: A slot ``u_k`` or ``v_k`` is a neuron (counted by :attr:`ConvexSolution.neurons`, kept by ``to_net``) only when
#: its norm exceeds ``NEURON_RTOL`` times the *slot scale* ``max(largest slot norm, ‖y‖ / ‖X̃‖₂)`` (``‖y‖/‖X̃‖₂``
#: is the smallest norm of a slot whose fit can reach the size of the labels; slots below it move the fit by less
#: than ``NEURON_RTOL ‖y‖``).  :func:`solve_convex` also drops such slots (and the ``tol.support`` noise) from ``U``
#: and ``V`` whenever its certificate stays as good, so that a zero optimum (``β ≥ φ(y)``, docs/theory.md §C.1)
#: comes back as the empty network.
NEURON_RTOL = 1e-9


@dataclass(frozen=True)
class ConvexSolution:
    """Solution of (C) with its certificate.

    Attributes
    ----------
    p_star : float
        Objective of the returned solution (= ``L_β(ψ(W))``; the penalty alone in interpolation mode).
    lower_bound : float
        ``D(ν̃)`` at a dual-feasible ``ν̃``, rounding included: a lower bound of the optimum over the pool, and of
        the true ``p*`` when ``pool_certified``.
    gap, rel_gap : float
        ``p_star − lower_bound`` and ``gap / max(1, |p_star|)``.
    U, V : ndarray (K, p)
        ``u_k`` (positive output) and ``v_k`` (negative output) per pattern of ``patterns``; slots below
        ``tol.support`` times the largest are zeroed when that keeps the certificate (exact zeros are dropped).
    patterns : ndarray of bool (K, n)
        The patterns of the nonzero slots.
    y_star, nu_star : ndarray (n,)
        Optimal fit and dual variable (``ν* = y − y*``, convention R of docs/theory.md §C.1).
    phi : float
        ``φ(ν*)`` over the pool (``≤ β`` up to tolerance at an optimum).
    status : str
        ``"optimal"`` (certified: see ``certified``); ``"pool_optimal"`` (the gap is within ``tol.gap`` but the
        pool is not certified complete, so this is the optimum over the pool only); ``"inaccurate"`` (the gap
        exceeds the tolerance or is not finite); ``"max_rounds"`` (column generation did not converge); or the
        solver's own status when it stopped short in a later round (the last usable solution is returned).
    certified : bool
        ``pool_certified``, converged, and ``(p_star + rounding − lower_bound) / max(1, |p_star|) ≤ tol.gap``.
    pool_certified : bool
        The pool is the certified complete region set (exact enumeration with ``certified=True``).
    pattern_source : str
        ``"exact"`` (a :class:`~geom.arrangements.Patterns` from the exact enumeration, made here or passed in;
        see ``pool_certified``) or ``"given"`` (a boolean array).
    beta : float
    bias : bool
    interpolate : bool
    stats : dict
        ``rounds``, ``working_set``, ``pool``, ``solver_iterations``, ``solver_status``, ``seconds``, ...
    X, y : ndarray
        The data the solution was computed from (``X`` without the bias column; see ``bias``), kept so that the
        next step (:func:`geom.optimal_polytope`) works from the same numbers and never recomputes the pool.
    pool : ndarray of bool (P, n)
        The pattern pool priced over (the certified region set when ``pool_certified``).
    pool_index : RegionIndex or None
        Facet index of the pool (``None`` for a pool that is not certified complete).
    loss : str
        ``"squared"`` or ``"logistic"`` (``"squared"`` in interpolation mode).
    work : ndarray of int
        Pool indices of the last working set of column generation.
    support : ndarray of int
        Pool indices of ``patterns`` (the returned support: a warm start for a nearby ``β``, ``warm_start`` of
        :func:`solve_convex`).
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
    pool_certified: bool
    pattern_source: str
    beta: float
    bias: bool
    interpolate: bool
    stats: dict = field(repr=False)
    X: np.ndarray = field(repr=False, default=None)
    y: np.ndarray = field(repr=False, default=None)
    pool: np.ndarray = field(repr=False, default=None)
    pool_index: object = field(repr=False, default=None)
    loss: str = "squared"
    work: np.ndarray = field(repr=False, default=None)
    support: np.ndarray = field(repr=False, default=None)

    @property
    def neuron_cut(self) -> float:
        """Slot norm at or below which a slot is not a neuron: ``NEURON_RTOL`` times the slot scale."""
        scale = float(max(np.linalg.norm(self.U, axis=1).max(initial=0.0),
                          np.linalg.norm(self.V, axis=1).max(initial=0.0)))
        if self.X is not None and self.y is not None and self.X.size:
            scale = max(scale, _label_scale(augment(self.X, self.bias), self.y))
        return NEURON_RTOL * scale

    @property
    def neurons(self) -> int:
        """``card(W)``: the ``u_k`` and ``v_k`` of norm above :attr:`neuron_cut` (the width of :meth:`to_net`)."""
        cut = self.neuron_cut
        return int(np.sum(np.linalg.norm(self.U, axis=1) > cut) + np.sum(np.linalg.norm(self.V, axis=1) > cut))

    def to_net(self) -> Net:
        """ψ of the solution: a scaled network of width ``card(W)`` (docs/theory.md §A.5)."""
        return psi(self.U, self.V, bias=self.bias, zero_tol=self.neuron_cut)

    def to_dict(self) -> dict:
        """JSON-ready summary (non-finite floats are ``None``)."""
        num = lambda v: float(v) if math.isfinite(v) else None  # noqa: E731
        return {"p_star": num(self.p_star), "lower_bound": num(self.lower_bound), "gap": num(self.gap),
                "rel_gap": num(self.rel_gap), "y_star": self.y_star.tolist(), "nu_star": self.nu_star.tolist(),
                "phi": num(self.phi),
                "neurons": self.neurons, "status": self.status, "certified": self.certified,
                "pool_certified": self.pool_certified, "pattern_source": self.pattern_source, "beta": self.beta,
                "bias": self.bias, "interpolate": self.interpolate, "stats": dict(self.stats)}

    def _repr_html_(self) -> str:
        from ..display import solution_html
        return solution_html(self)


# ---- the pattern pool ----------------------------------------------------------------------------------------

def _pool(X, Xa, bias, patterns, func):
    """``(pool, index, source, pool_certified, rows_of)`` for the ``patterns`` argument of :func:`solve_convex`."""
    n = X.shape[0]
    if patterns is None or isinstance(patterns, Patterns):
        P = enumerate_patterns(X, bias=bias, ties="regions") if patterns is None else patterns
        pool, certified = pool_from_patterns(P, Xa, bias, func)
        source = "exact"
    else:
        pool = np.asarray(patterns)
        ok = pool.dtype == bool or (np.issubdtype(pool.dtype, np.integer) and np.isin(pool, (0, 1)).all())
        if not ok or pool.ndim != 2 or pool.shape[1] != n or pool.shape[0] == 0:
            raise InvalidInputError(message("patterns", func, f"a Patterns object or a non-empty boolean (0/1) "
                                            f"array of shape (P, {n})", f"{pool.dtype} array of shape {pool.shape}"))
        pool, certified, source = pool.astype(bool), False, "given"
    if certified:
        index = region_index(Xa, pool)
        reps = index.representatives
        rows_of = lambda ks: [reps[m] for m in index.facet_mask(pool[ks])]
    else:  # facets read off an incomplete list can be missing: keep one row per hyperplane
        index = None
        reps = np.array([g[0] for g in hyperplane_groups(Xa)], dtype=np.int64)
        rows_of = lambda ks: [reps] * len(ks)
    return pool, index, source, certified, rows_of


# ---- certificate of a candidate (through geom.duality) --------------------------------------------------------

def _certify(Xa, X, y, beta, pool, index, pats, U, V, mode, bias, tol, nu=None, extra=(), previous=None,
             cache=None):
    """``(value, rounding, lower, phi, ŷ, ν, ν_lb)`` of the candidate ``W = (U, V)`` on ``pats`` (docs/theory.md §C.3).

    ``value`` is ``L_β(ψ(W))`` (the penalty in interpolation mode) and ``rounding`` a bound on its evaluation
    error; ``lower`` the best :func:`geom.duality.dual_bound` over ``ν = −∇L(ŷ)`` (the given ``nu`` in
    interpolation mode) and the ``extra`` candidates, ``ν_lb`` the candidate that gave it (a dual point does not
    depend on the primal one: it is offered again to the next candidates).  ``phi`` is ``φ`` at the reported ``ν``.
    ``cache`` (a dict) keeps ``(φ, D(ν̃))`` per dual candidate across calls (the candidate offered again is not
    priced again over the pool), and under ``_SCREEN`` the rigorous bounds of the last whole-pool pass with its
    ``ν`` (the Lipschitz screen of the next candidate).  Candidates after the first are priced only while the
    best bound leaves a relative gap above ``_ENOUGH · tol.gap`` (a NaN gap never stops them).
    """
    yhat = fit(Xa, pats, U, V)
    loss = None if mode == "interpolate" else mode
    if loss is not None:
        nu = -loss_gradient(yhat, y, loss)
    if loss is None:
        value = float(np.sum(np.linalg.norm(U, axis=1)) + np.sum(np.linalg.norm(V, axis=1)))
        rounding = gamma(Xa.shape[1] + 2 * len(U) + 2) * value
    else:
        net = psi(U, V, bias=bias)
        value = network_objective(net, X, y, beta, loss=loss)
        rounding = objective_rounding(net, X, y, beta, loss=loss)
    best, phi, nu_lb = None, math.nan, nu
    cache = {} if cache is None else cache
    for i, cand in enumerate((nu, *[e for e in extra if e is not None])):
        if i > 0 and best is not None and _rel(value, rounding, best) <= _ENOUGH * tol.gap:
            break  # (already far below the tolerance: the other candidates are not priced over the pool)
        key = np.asarray(cand, dtype=np.float64).tobytes()
        if key not in cache:
            # φ is exact from β(1 − phi_exact) up (the tight patterns of an optimum are included); below, ν̃ = ν.
            # The screen of the last priced candidate (or column generation's last pricing) settles most of the
            # pool by the Lipschitz bound: dual candidates of one solve are close (docs/theory.md §C.2).
            b = dual_bound(Xa, y, beta, cand, pool, loss=loss, index=index, threshold=beta * (1.0 - tol.phi_exact),
                           previous=cache.get(_SCREEN, previous), directions=False)
            cache[key] = (b.phi, b.lower_bound)
            if b.shift == 0 and b.values.upper.shape[0] == pool.shape[0]:  # (not a rescaled or non-finite ν)
                cache[_SCREEN] = (DualValues.screen(b.values.upper), np.asarray(cand, dtype=np.float64))
        b_phi, b_lower = cache[key]
        if i == 0:
            phi = b_phi
        if best is None or (math.isfinite(b_lower) and not (best >= b_lower)):
            best, nu_lb = b_lower, cand
    return value, rounding, best, phi, yhat, nu, nu_lb


#: ``_certify`` prices further dual candidates only while the best bound so far leaves a relative gap above
#: ``_ENOUGH · tol.gap`` (each candidate is a pass over the whole pool: 75 s on Gaussian (100, 5)).
_ENOUGH = 1e-2
#: Key of ``_certify``'s cache under which the last certificate pass keeps its rigorous upper bounds (a screen).
_SCREEN = "screen"


def _label_scale(Xa, y) -> float:
    """``‖y‖ / ‖X̃‖₂``: the smallest slot norm whose fit can reach ``‖y‖`` (``0`` for zero data)."""
    xn = float(np.linalg.norm(Xa, 2)) if Xa.size else 0.0
    return float(np.linalg.norm(y)) / xn if xn > 0 and math.isfinite(xn) else 0.0


def _prune(Xa, y, beta, pats, U, V, support, mode):
    """``(U, V)`` without the slots of norm ``≤ support · max`` or ``≤ NEURON_RTOL`` times the slot scale
    (:data:`NEURON_RTOL`), magnitudes refit; ``None`` if nothing to drop.

    For the squared loss the kept directions ``ū_j`` are fixed and their magnitudes re-solved by the
    non-negative lasso ``min_{c ≥ 0} ½‖A c − y‖² + β 1ᵀc``, ``A = [σ_j D_j X ū_j]`` (docs/theory.md §C.4): ``c ≥ 0``
    keeps every slot in its cone.  Other modes only drop the slots.
    """
    nu_, nv_ = np.linalg.norm(U, axis=1), np.linalg.norm(V, axis=1)
    big = float(max(nu_.max(initial=0.0), nv_.max(initial=0.0)))
    cut = max(support * big, NEURON_RTOL * max(big, _label_scale(Xa, y)))
    drop_u, drop_v = (nu_ <= cut) & (nu_ > 0), (nv_ <= cut) & (nv_ > 0)
    if not (drop_u.any() or drop_v.any()):
        return None
    U2, V2 = np.where(drop_u[:, None], 0.0, U), np.where(drop_v[:, None], 0.0, V)
    if mode != "squared":
        return U2, V2
    slots = [(k, 1.0) for k in np.flatnonzero(nu_ > cut)] + [(k, -1.0) for k in np.flatnonzero(nv_ > cut)]
    if not slots:
        return U2, V2
    dirs = np.array([(U[k] if s > 0 else V[k]) / (nu_[k] if s > 0 else nv_[k]) for k, s in slots])
    A = np.stack([s * pats[k] * (Xa @ u) for (k, s), u in zip(slots, dirs)], axis=1)
    c = nonnegative_lasso(A, y, beta)
    for (k, s), u, cj in zip(slots, dirs, c):
        (U2 if s > 0 else V2)[k] = cj * u
    return U2, V2


def _vertex_reduce(Xa, pats, U, V, tol):
    """``(U, V)`` at a vertex of the optimal polytope through the current point, or ``None`` if it already is one.

    Slots with the same signed unit direction (within ``tol.dedup``) are merged into the first (the direction
    lies in both cones), by the polytope's own deduplication; then :func:`geom.polytope.vertices.prune_to_vertex` removes dependent fit columns
    ``(X ū)_+`` along null vectors, choosing at each step the direction that does not increase ``Σ c``.
    """
    from ..polytope.tightness import columns_from_pairs
    from ..polytope.vertices import prune_to_vertex

    slots = [(k, 1.0, U[k]) for k in np.flatnonzero(np.any(U != 0, axis=1))]
    slots += [(k, -1.0, V[k]) for k in np.flatnonzero(np.any(V != 0, axis=1))]
    if len(slots) < 2:
        return None
    mags = np.array([np.linalg.norm(z) for _, _, z in slots])
    with np.errstate(all="ignore"):
        dirs = np.array([z / m for (_, _, z), m in zip(slots, mags)])
    if not (np.all(np.isfinite(dirs)) and np.all(mags > 0)):  # subnormal slots: no usable direction, no reduction
        return None
    signs = np.array([s for _, s, _ in slots])
    # equal signed directions: the deduplication of the polytope (docs/theory.md §D.3), one column per group
    pairs = np.array([[i, 0 if s > 0 else 1] for i, (_, s, _) in enumerate(slots)])
    _, _, groups, _ = columns_from_pairs(Xa, pairs, dirs, tol)
    if not groups:
        return None
    keep = np.array([g[0][0] for g in groups], dtype=np.int64)
    c = np.array([float(sum(mags[i] for i, _ in g)) for g in groups])
    A = np.maximum(Xa @ dirs[keep].T, 0.0) * signs[keep]
    v, _ = prune_to_vertex(A, c, tol)
    if len(keep) == len(slots) and np.count_nonzero(v) == len(c):
        return None
    U2, V2 = np.zeros_like(U), np.zeros_like(V)
    for j, i in enumerate(keep):
        if v[j] > 0:
            k, sgn, _ = slots[i]
            (U2 if sgn > 0 else V2)[k] = v[j] * dirs[i]
    return U2, V2


def _exact_phi(Xa, nu, pool, index) -> float:
    """``φ(ν)`` over ``pool``, every entry that could be the maximum projected exactly (:func:`geom.dual_values`).

    On a large pool a first pass projects nothing (``φ̄`` from the screens); the threshold is then halved from
    ``φ̄/2`` until the largest projected value reaches it: entries settled below the threshold cannot exceed it.
    """
    dv = dual_values(Xa, nu, pool, index=index, threshold=None if pool.shape[0] <= _EXACT_PHI_ALL else math.inf,
                     directions=False)
    thr = 0.5 * dv.phi_upper
    for _ in range(60):
        if dv.phi >= thr or not (thr > 0):
            return float(dv.phi)
        dv = dual_values(Xa, nu, pool, index=index, threshold=thr, directions=False)
        thr *= 0.5
    return float(dual_values(Xa, nu, pool, index=index, directions=False).phi)


def _offered(nu_lb, nu, mode) -> tuple:
    """The dual candidate of the current best bound, offered to the next certificate (unless it is the ``ν``
    that the interpolation mode passes on anyway)."""
    return () if mode == "interpolate" and nu_lb is nu else (nu_lb,)


def _rel(value, rounding, lower) -> float:
    """Relative gap with the rounding allowance: ``(value + rounding − lower) / max(1, |value|)`` (NaN-prone by
    design: callers test ``not (rel <= tol)``)."""
    return (value + rounding - lower) / max(1.0, abs(value)) if math.isfinite(value) else math.nan


def _floor(rel: float, tol: Tolerances) -> float:
    """The relative gap a replacement candidate must not exceed: the current one, or ``_POLISHED · tol.gap``."""
    return max(rel, _POLISHED * tol.gap) if math.isfinite(rel) else rel


def _hopeless(X, y, beta, U, V, mode, bias, value, rounding, floor) -> bool:
    """A candidate ``(U, V)`` whose certificate cannot reach the relative gap ``floor`` (its own objective alone
    exceeds the current ``value + rounding`` by more): on a complete pool every dual bound is at most
    ``p* ≤ value + rounding``, so its gap is at least that excess, and the pricing pass of its certificate is
    skipped.  (On a given, possibly incomplete pool the skip can only forgo a candidate; it never claims anything:
    the reported certificate is always the one computed.)  Never in interpolation
    mode (the objective there is the penalty of a point that meets the fit only to the solver's accuracy)."""
    if mode == "interpolate" or not (math.isfinite(value) and math.isfinite(floor)):
        return False
    own = network_objective(psi(U, V, bias=bias), X, y, beta, loss=mode)
    return bool((own - value - rounding) / max(1.0, abs(own)) > floor)


def _stationary(phi: float, beta: float, tol: Tolerances) -> bool:
    """``φ(ν̂) ≤ β(1 + tol.certificate)`` at a candidate's own ``ν̂``: no pattern prices out by more than
    :func:`geom.certify_net` allows, so that the returned network passes the library's own certificate (a NaN
    fails)."""
    return bool(phi <= beta * (1.0 + tol.certificate))


def _demotes(phi_new: float, phi_cur: float, beta: float, tol: Tolerances) -> bool:
    """A replacement whose own ``ν̂`` is not :func:`_stationary` where the current one is.  Newton polishing on a
    wrong face can lower the objective below the interior point's and so tighten the gap, while its fit is off by
    about √gap and its residual prices out (Gaussian fuzz instance 2087781039, antiparallel rows: gap 1e-11, but
    ``φ(ν̂) = β(1 + 5e-5)`` and :func:`geom.certify_net` found verified escape directions); such a point is
    never taken over a stationary one."""
    return _stationary(phi_cur, beta, tol) and not _stationary(phi_new, beta, tol)


def _no_worse(a: float, b: float) -> bool:
    """``a ≤ b`` for relative gaps, where a NaN ``a`` is worse than anything and a NaN ``b`` better than nothing."""
    return math.isfinite(a) and (not math.isfinite(b) or a <= b)


# ---- public entry point --------------------------------------------------------------------------------------

def solve_convex(X, y, beta, *, bias: bool = False, loss: str = "squared", patterns=None,
                 interpolate: bool = False, tol: Tolerances = DEFAULT_TOLERANCES, max_rounds: int = 200,
                 polish_rounds: int = 3, warm_start=None) -> ConvexSolution:
    """Solve (C) (docs/theory.md §A.3) to a certified global optimum, by column generation over the patterns.

    Parameters
    ----------
    X : array_like (n, d)
    y : array_like (n,)
    beta : float
        Weight decay ``β > 0``; must be ``0`` (or ``None``) with ``interpolate=True``.
    bias : bool
        Regularized bias (docs/theory.md §A.6): work with ``X̃ = [X, 1]``.
    loss : {"squared", "logistic"}
        ``½‖z − y‖²`` (default), or ``Σ log(1 + exp(−y_i z_i))`` for labels ``±1`` (exponential cones; values and
        certificates only: the polytope of docs/theory.md §D assumes the squared loss).
    patterns : None, Patterns or array of bool (P, n)
        The pattern pool.  ``None`` (default): the exact enumeration of this ``X`` (``ties="regions"``, docs/theory.md
        §B.1).  A :class:`~geom.arrangements.Patterns` from :func:`geom.enumerate_patterns` on *this* ``X`` with
        the same ``bias`` — computed once by the caller and passed along; the caller vouches that it was made
        from this ``X`` (shape, ``bias`` and the witnesses' certain signs are checked); only its region rows are
        used (tie-only patterns are redundant, docs/theory.md §B.1).  A boolean array: that pool, never certified.
        The solution is ``certified`` only when the pool is certified complete (``pool_certified``).
    interpolate : bool
        The ``β → 0`` limit: minimum-norm exact fit (docs/theory.md §G.2).
    tol : Tolerances
        ``tol.solver`` (interior point), ``tol.gap`` (certified relative gap), ``tol.pricing`` (a pattern prices
        out when its dual value exceeds ``β(1 + tol.pricing)``), ``tol.support`` (slots below it relative to
        the largest are zero: polishing guess and the neuron count), ``tol.phi_exact``.
    max_rounds : int
        Column-generation rounds (``≥ 1``) before giving up (the result is then ``max_rounds``, never
        ``optimal``, with a :class:`~geom.exceptions.ConvergenceWarning`).
    polish_rounds : int
        Attempts of Newton polishing (docs/theory.md §C.4), each with a 100× looser support/face threshold than the last;
        ``0`` keeps the interior-point solution.
    warm_start : array_like of int, optional
        Pool indices of the first working set of column generation, e.g. the ``work`` of a solution at a nearby
        ``β`` on the same pool (:func:`solve_path`).  It changes the path only: optimality is always decided by
        pricing over the whole pool.

    Returns
    -------
    ConvexSolution

    Raises
    ------
    InvalidInputError, InvalidInputTypeError
        Bad arguments (message names the parameter).
    InfeasibleError
        ``interpolate=True`` and no network (using the pool's patterns) fits ``y`` exactly.
    SolverError
        The conic solver returned no usable point in the first round (nothing to report).
    CertificationError
        Weak duality failed beyond rounding on a certified pool (``D(ν̃) > L_β(ψ(W))``): impossible unless a
        float filter was fooled.

    Notes
    -----
    1-D data with bias (``d = 1``, ``bias=True``, no ``patterns``, ``warm_start`` or ``interpolate``): solved by
    the sweep of :func:`geom.convex.oned.solve_oned`, no enumeration (docs/theory.md §B.3); same problem and
    certificate.

    Warns :class:`~geom.exceptions.ConvergenceWarning` when column generation stops short (``max_rounds``, or
    the solver failing in a later round); an uncertified enumeration warns
    :class:`~geom.exceptions.PrecisionWarning` (from :func:`geom.enumerate_patterns`).
    """
    t0 = time.perf_counter()
    func = "solve_convex"
    X = check_matrix(X, name="X", func=func).astype(np.float64)
    y = check_vector(y, length=X.shape[0], name="y", func=func).astype(np.float64)
    check_option(loss, LOSSES, name="loss", func=func)
    for name, flag in (("bias", bias), ("interpolate", interpolate)):
        if not isinstance(flag, (bool, np.bool_)):
            raise InvalidInputTypeError(message(name, func, "a bool", repr(flag)))
    bias, interpolate = bool(bias), bool(interpolate)
    check_labels(y, loss, func)
    max_rounds = check_int(max_rounds, name="max_rounds", func=func, minimum=1)
    polish_rounds = check_int(polish_rounds, name="polish_rounds", func=func, minimum=0)
    if not isinstance(tol, Tolerances):
        raise InvalidInputTypeError(message("tol", func, "a geom.tolerances.Tolerances", type(tol).__name__))
    if interpolate and loss != "squared":
        raise InvalidInputError(message("loss", func, "'squared' in interpolation mode", repr(loss)))
    mode = "interpolate" if interpolate else loss
    if interpolate:
        if beta not in (None, 0, 0.0):
            raise InvalidInputError(message("beta", func, "0 or None in interpolation mode", repr(beta)))
        beta_eff = 1.0
    else:
        beta_eff = check_positive(beta, name="beta", func=func)
    if bias and X.shape[1] == 1 and patterns is None and not interpolate and warm_start is None:
        from .oned import solve_oned  # inside the function: no import cycle
        return solve_oned(X, y, beta_eff, loss=loss, tol=tol, max_rounds=max_rounds, polish_rounds=polish_rounds)
    Xa = augment(X, bias)
    pool, index, source, pool_certified, rows_of = _pool(X, Xa, bias, patterns, func)
    t_enum = time.perf_counter() - t0

    if warm_start is not None:
        ws0 = np.asarray(warm_start)
        if ws0.ndim != 1 or (ws0.size and (not np.issubdtype(ws0.dtype, np.integer) or ws0.min() < 0
                                           or ws0.max() >= pool.shape[0])):
            raise InvalidInputError(message("warm_start", func, f"a 1-D array of pool indices in [0, "
                                            f"{pool.shape[0]})", f"{ws0.dtype} array of shape {ws0.shape}"))
        warm_start = ws0.astype(np.int64)
    cg = column_generation(Xa, y, beta_eff, pool, rows_of, index, mode, tol, max_rounds, initial=warm_start)
    res = cg.restricted
    if not res.ok:
        if res.status == "PrimalInfeasible" and interpolate:
            where = "" if pool_certified else " with the patterns of the given pool (which may be incomplete)"
            raise InfeasibleError(message("y", func, f"interpolable by a two-layer ReLU network on X{where} (the "
                                          "exact-fit constraint of the β → 0 limit)",
                                          "labels with no exact fit (the conic program is primal infeasible)"))
        raise SolverError(f"solve_convex: the conic solver (Clarabel) stopped with status '{res.status}' on the "
                          f"first restricted program ({len(cg.work)} patterns); there is no solution to report")
    pats, rows = pool[cg.work], cg.rows
    U, V = res.U, res.V
    # candidate 1: the interior-point solution, bounded with both its residual and its own multipliers
    bounds: dict = {}  # (φ, D(ν̃)) per dual candidate priced so far (_certify)
    value, rnd, lower, phi, yhat, nu, nu_lb = _certify(Xa, X, y, beta_eff, pool, index, pats, U, V, mode, bias,
                                                       tol, nu=res.nu, extra=(res.nu_dual,), previous=cg.previous,
                                                       cache=bounds)
    rel = _rel(value, rnd, lower)
    # candidate 2: Newton polishing on the support (docs/theory.md §C.4): exact zeros off the support, y* and ν* to
    # machine precision; kept when its own certificate is at least as good (or below 1e-2 tol.gap)
    # (the support/face guess is retried with looser thresholds when the first one fails or does not certify)
    polish = polish_rounds > 0 and mode != "interpolate"
    polished_ok = False
    if polish:
        U_ip, V_ip = U, V
        for attempt in range(polish_rounds):
            polished = newton_polish(Xa, y, beta_eff, pats, rows, U_ip, V_ip, tol.support * 100.0 ** attempt,
                                     loss=loss)
            if polished is None or _hopeless(X, y, beta_eff, *polished, mode, bias, value, rnd, _floor(rel, tol)):
                continue
            cand = _certify(Xa, X, y, beta_eff, pool, index, pats, *polished, mode, bias, tol,
                            extra=(nu_lb,), previous=cg.previous, cache=bounds)
            rel_c = _rel(*cand[:3])
            if _no_worse(rel_c, _floor(rel, tol)) and not _demotes(cand[3], phi, beta_eff, tol):
                (value, rnd, lower, phi, yhat, nu, nu_lb), (U, V), rel = cand, polished, rel_c
                polished_ok = True
                if _no_worse(rel_c, _POLISHED * tol.gap):
                    break
    def best_of(point):
        """``(certificate, (U, V), rel. gap)`` of the better of ``point`` and its Newton-polished version: a
        :func:`_stationary` one first, then the smaller gap (the first on a tie)."""
        cands = [point]
        if polish:
            again = newton_polish(Xa, y, beta_eff, pats, rows, *point, tol.support, loss=loss)
            cands += [again] if again is not None else []
        best = None
        for W in cands:
            cand = _certify(Xa, X, y, beta_eff, pool, index, pats, *W, mode, bias, tol, nu=nu,
                            extra=_offered(nu_lb, nu, mode), previous=cg.previous, cache=bounds)
            rel_c = _rel(*cand[:3])
            if best is None or (_demotes(best[0][3], cand[3], beta_eff, tol)
                                or (_no_worse(rel_c, best[2]) and not _no_worse(best[2], rel_c)
                                    and not _demotes(cand[3], best[0][3], beta_eff, tol))):
                best = (cand, W, rel_c)
        return best

    def vertex_of(cert, W, rel_w):
        """The vertex reduction of ``W`` (docs/theory.md §D.4), as ``best_of`` gives it, when its certificate is no
        worse than ``W``'s floor or within ``tol.gap``; else ``(cert, W, rel_w)`` unchanged."""
        reduced = _vertex_reduce(Xa, pats, *W, tol)
        if reduced is not None:
            cand, W2, rel_2 = best_of(reduced)
            if (_no_worse(rel_2, _floor(rel_w, tol)) or _no_worse(rel_2, tol.gap)) and not _demotes(
                    cand[3], cert[3], beta_eff, tol):
                return cand, W2, rel_2
        return cert, W, rel_w

    # slots below tol.support of the largest are solver noise (an interior point spreads mass over every
    # slot, a vertex of a degenerate face keeps near-zero magnitudes): drop them, refit the others and polish
    # again, so that card(W) counts neurons, not noise.  Kept when the certificate is at least as good, or, for
    # an unpolished point, when it stays within tol.gap.
    for _ in range(_PRUNE_ROUNDS):
        pruned = _prune(Xa, y, beta_eff, pats, U, V, tol.support, mode)
        if pruned is None:
            break
        cand, W, rel_c = best_of(pruned)
        if not (_no_worse(rel_c, _floor(rel, tol)) or (not polished_ok and _no_worse(rel_c, tol.gap))) or _demotes(
                cand[3], phi, beta_eff, tol):
            break
        (value, rnd, lower, phi, yhat, nu, nu_lb), (U, V), rel = cand, W, rel_c
    # sparse by default: prune to a vertex of the optimal polytope (docs/theory.md §D.4): equal signed directions
    # are one slot, and a dependent support is pruned along null vectors of its fit columns (objective unchanged
    # up to rounding); kept when its own certificate is within tol.gap
    n_before = int(np.sum(np.any(U != 0, axis=1)) + np.sum(np.any(V != 0, axis=1)))
    # The reduced point's own residual is a worse dual candidate than the current ν (its fit moved by up to
    # √(gap)), so the current ν is offered as a second candidate (weak duality holds for any dual-feasible ν̃);
    # Newton polishing of the reduced support (independent columns) brings its fit back to machine precision.
    (value, rnd, lower, phi, yhat, nu, nu_lb), (U, V), rel = vertex_of((value, rnd, lower, phi, yhat, nu, nu_lb),
                                                                       (U, V), rel)
    # polishing failed and the interior point's accuracy limits the gap (a reduced-accuracy last solve, or a
    # degenerate optimum that Newton cannot reach), or the point's own ν̂ prices out: the converged working set is
    # solved once more at a tighter tolerance, with refinement, and that point (with its polished and
    # vertex-reduced versions) replaces the current one when its own certificate is better, or when it is
    # stationary where the current one is not and still within tol.gap
    if (not _no_worse(rel, tol.gap) or not _stationary(phi, beta_eff, tol)) and cg.converged and not interpolate:
        tight = solve_restricted(Xa, y, beta_eff, pats, rows, mode, tol.solver * _RETRY_TIGHTER, refine=True)
        if tight.ok:
            cand, W, rel_c = vertex_of(*best_of((tight.U, tight.V)))
            better = _no_worse(rel_c, rel) and not _no_worse(rel, rel_c) and not _demotes(cand[3], phi, beta_eff,
                                                                                          tol)
            if better or (_demotes(phi, cand[3], beta_eff, tol) and _no_worse(rel_c, tol.gap)):
                (value, rnd, lower, phi, yhat, nu, nu_lb), (U, V), rel = cand, W, rel_c
    # weak duality: ψ(W) is a network, so L_β(ψ(W)) ≥ p* ≥ D(ν̃) (not in interpolation mode, where W meets the
    # equality only to the solver's accuracy); a NaN never raises here, it fails `within` below
    if pool_certified and not interpolate and lower - value > rnd:
        raise CertificationError(f"solve_convex: weak duality failed: the dual bound {lower!r} exceeds the "
                                 f"objective {value!r} of the network ψ(W) by more than its rounding {rnd:.3g} "
                                 "(a float filter was fooled; please report this instance)")
    # φ(ν*) is exact only from β(1 − phi_exact) up (the screens settle lower values): below (a zero optimum,
    # β > φ(y)) it is computed exactly here, so that ``phi`` is φ(ν*), never a screen's 0
    if math.isfinite(phi) and not (phi >= beta_eff * (1.0 - tol.phi_exact)) and np.all(np.isfinite(nu)):
        phi = _exact_phi(Xa, nu, pool, index)
    keep = np.any(U != 0, axis=1) | np.any(V != 0, axis=1)
    pats_out, U, V = pats[keep], U[keep], V[keep]
    gap = value - lower
    rel_gap = gap / max(1.0, abs(value)) if math.isfinite(value) else math.nan
    within = math.isfinite(rel) and rel <= tol.gap
    fits = True
    if interpolate and not (np.max(np.abs(yhat - y)) <= _INTERP_FIT * max(1.0, float(np.max(np.abs(y))))):
        fits = False
    if cg.status not in ("Solved", "AlmostSolved"):
        out_status = cg.status
    elif not cg.converged:
        out_status = "max_rounds"
    elif within and fits:
        out_status = "optimal" if pool_certified else "pool_optimal"
    else:
        out_status = "inaccurate"
    certified = bool(out_status == "optimal")
    if not cg.converged:
        warnings.warn(f"solve_convex: column generation stopped short ({out_status} after {cg.rounds} round(s)); "
                      "the solution is not certified", ConvergenceWarning, stacklevel=2)
    stats = {"rounds": cg.rounds, "working_set": len(cg.work), "pool": int(pool.shape[0]),
             "solver_iterations": cg.iterations, "solver_status": cg.status, "seconds": time.perf_counter() - t0,
             "seconds_patterns": t_enum, "seconds_solver": cg.seconds_solver, "seconds_pricing": cg.seconds_pricing,
             "cone_rows": int(sum(len(r) for r in rows)), "cuts": cg.cuts, "partial_rounds": cg.partial, "trace": cg.trace,
             "rounding": rnd, "neurons_before_vertex": n_before}
    return ConvexSolution(p_star=value, lower_bound=lower, gap=gap, rel_gap=rel_gap, U=U, V=V, patterns=pats_out,
                          y_star=yhat, nu_star=nu, phi=phi, status=out_status, certified=certified,
                          pool_certified=pool_certified, pattern_source=source,
                          beta=float(beta_eff if not interpolate else 0.0), bias=bias, interpolate=interpolate,
                          stats=stats, X=X, y=y, pool=pool, pool_index=index, loss=loss,
                          work=np.asarray(cg.work, dtype=np.int64),
                          support=np.asarray(cg.work, dtype=np.int64)[keep])


from .path import PathSolution, solve_path  # noqa: E402  (uses solve_convex)
