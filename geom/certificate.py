"""Certificates of global optimality for any network of any width (docs/theory.md §C.3).

For a network ``θ`` with fit ``ŷ = f_θ(X)``, the dual candidate is ``ν̂ = −∇L(ŷ)`` (``= y − ŷ`` for the squared
loss, convention R of docs/theory.md §C.1).  With a rigorous upper bound ``φ̄ ≥ φ(ν̂) = max_k max_± ‖Π_{C_k}(±Xᵀ D_k ν̂)‖``
(docs/theory.md §C.2), the scaled ``ν̃ = ν̂ · min(1, β/φ̄)`` is dual feasible, so

    gap(θ) = L_β(θ) − D(ν̃) ≥ L_β(θ) − p*,        D(ν) = −L*(−ν).

The numbers come from :mod:`geom.duality` (the same code bounds :func:`geom.solve_convex`).  Verdicts, each
decided by comparisons that a NaN cannot pass:

* ``holds`` — the pool is the *certified complete* region set and
  ``(gap + rounding) / max(1, L_β) ≤ tol.certificate``: ``L_β(θ) − p*`` is within the tolerance;
* ``violated`` — proven suboptimal, by one of
  (a) a *verified* escape direction: a ``u`` whose value ``±ν̂ᵀ(Xu)_+ / ‖u‖`` provably exceeds
  ``β(1 + tol.certificate)`` (:func:`geom.duality.verify_escapes`; a neuron along ``u`` lowers ``L_β``),
  (b) ``L_β(θ) − D(ν̂) > tol.certificate · max(1, L_β) +`` rounding: at an optimum the fit is ``y*`` (unique
  for a strictly convex loss), ``ν̂ = ν*`` and ``L_β(θ) = p* = D(ν*)``, so a positive pairing gap proves
  ``θ`` suboptimal whatever the pool,
  (c) the penalty alone exceeds ``L(0) ≥ p*`` (the zero network is better; decided without overflow);
* ``inconclusive`` — neither (a sampled or uncertified pool with a small gap, a gap between the two tests, or
  float64 could not evaluate the objective or the dual values).

Examples
--------
docs/theory.md §I, I9: the width-1 optimum of I1 padded with a zero neuron is a Clarke-stationary saddle.

>>> import numpy as np
>>> from geom.nets import Net
>>> X, y = np.array([[-1.0], [1.0]]), np.array([1.0, 2.0])
>>> c = certify_net(Net(np.array([[1.5 ** 0.5], [0.0]]), np.array([1.5 ** 0.5, 0.0])), X, y, 0.5)
>>> c.verdict, round(c.objective, 6), round(c.gap, 6), c.escape_values.round(6).tolist()
('violated', 1.375, 0.53125, [1.0])
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np

from ._validation import (
    check_int,
    check_matrix,
    check_option,
    check_positive,
    check_vector,
    message,
)
from .arrangements import Patterns, enumerate_patterns, sample_patterns
from .cones import region_index
from .duality import (
    dual_bound,
    dual_function,
    dual_rounding,
    fit_rounding,
    network_objective,
    objective_rounding,
    pool_from_patterns,
)
from .exceptions import CertificationError, InvalidInputError, InvalidInputTypeError
from .losses import LOSSES, check_labels, loss_gradient, loss_value
from .nets import Net, augment
from .tolerances import DEFAULT_TOLERANCES, Tolerances, gamma

__all__ = ["Certificate", "certify_net", "PATTERN_SOURCES", "VERDICTS"]

PATTERN_SOURCES = ("exact", "sampled")
VERDICTS = ("holds", "violated", "inconclusive")
#: Relative rounding allowance of the logarithms in the penalty test (``math.log`` is accurate to an ulp or two).
_LOG_ROUNDING = 1e-13


@dataclass(frozen=True)
class Certificate:
    """Global-optimality certificate of a network (docs/theory.md §C.3).

    Attributes
    ----------
    objective : float
        ``L_β(θ)`` (``inf``/``nan`` when float64 overflows).
    lower_bound : float
        ``D(ν̃)`` less its rounding: a lower bound of ``p*`` over the pool (of the true ``p*`` only when
        ``pool_certified``).
    gap, rel_gap : float
        ``objective − lower_bound`` and ``gap / max(1, |objective|)``.
    pairing_gap : float
        ``L_β(θ) − D(ν̂)`` at the unscaled ``ν̂``: ``0`` at every optimum (test (b) of the module docstring).
    rounding : float
        Bound on the float64 error of ``objective`` (and of ``D(ν̂)``).
    phi : float
        ``φ(ν̂)`` over the pool (computed).
    phi_upper : float
        A rigorous upper bound of ``φ(ν̂)`` over the pool.
    verdict : str
        ``"holds"``, ``"violated"`` or ``"inconclusive"`` (see the module docstring).
    reason : str
        Why the verdict was reached.
    nu : ndarray (n,)
        ``ν̂ = −∇L(ŷ)``.
    escape_patterns : ndarray of bool (E, n)
        Activation patterns of the *verified* escape directions, most violated first.
    escape_signs : ndarray of int (E,)
        ``+1`` (a new neuron with positive output weight decreases the objective) or ``−1``.
    escape_values : ndarray (E,)
        ``±ν̂ᵀ(Xu)_+ / ‖u‖`` of each direction (proven ``> β(1 + tol.certificate)``).
    escape_directions : ndarray (E, d)
        Unit ``u``: the direction of the new neuron.
    escape_candidates : int
        Pattern/sign pairs whose computed dual value exceeded ``β(1 + tol.certificate)`` (each one was checked;
        ``escape_values.size`` of them were proven).
    pattern_source : str
        ``"exact"`` (the exact enumeration, made here or passed in) or ``"sampled"`` (Gaussian directions).
    pool_certified : bool
        The pool is the certified complete region set (only then can the verdict be ``holds``).
    n_patterns : int
    loss : str
    tolerance : float
        ``tol.certificate``.
    seconds : float
    """

    objective: float
    lower_bound: float
    gap: float
    rel_gap: float
    pairing_gap: float
    rounding: float
    phi: float
    phi_upper: float
    verdict: str
    reason: str
    nu: np.ndarray = field(repr=False)
    escape_patterns: np.ndarray = field(repr=False)
    escape_signs: np.ndarray = field(repr=False)
    escape_values: np.ndarray = field(repr=False)
    escape_directions: np.ndarray = field(repr=False)
    escape_candidates: int
    pattern_source: str
    pool_certified: bool
    n_patterns: int
    loss: str
    tolerance: float
    seconds: float

    @property
    def globally_optimal(self) -> bool | None:
        """``True`` (holds), ``False`` (violated) or ``None`` (inconclusive); JSON carries :attr:`verdict`."""
        return {"holds": True, "violated": False}.get(self.verdict)

    def to_dict(self) -> dict:
        """JSON-ready summary; ``globally_optimal`` is the verdict string (never a bool folding two verdicts).

        Non-finite floats are given as ``None``.
        """
        num = lambda v: float(v) if math.isfinite(v) else None
        return {"objective": num(self.objective), "lower_bound": num(self.lower_bound), "gap": num(self.gap),
                "rel_gap": num(self.rel_gap), "pairing_gap": num(self.pairing_gap), "rounding": num(self.rounding),
                "phi": num(self.phi), "phi_upper": num(self.phi_upper), "verdict": self.verdict,
                "reason": self.reason, "globally_optimal": self.verdict,
                "violating_patterns": int(self.escape_values.size), "escape_candidates": self.escape_candidates,
                "escapes": [{"pattern": "".join("1" if b else "0" for b in p), "sign": int(s), "value": num(v),
                             "direction": d.tolist()}
                            for p, s, v, d in zip(self.escape_patterns[:20], self.escape_signs[:20],
                                                  self.escape_values[:20], self.escape_directions[:20])],
                "pattern_source": self.pattern_source, "pool_certified": self.pool_certified,
                "n_patterns": self.n_patterns, "loss": self.loss, "tolerance": self.tolerance,
                "seconds": self.seconds}

    def _repr_html_(self) -> str:
        from .display import certificate_html
        return certificate_html(self)


def _pool(X, Xa, net, patterns, n_samples, seed, func):
    """``(pool, index, source, certified)`` for the ``patterns`` argument of :func:`certify_net`."""
    if isinstance(patterns, Patterns):
        pool, certified = pool_from_patterns(patterns, Xa, net.bias, func)
        return pool, (region_index(Xa, pool) if certified else None), "exact", certified
    check_option(patterns, PATTERN_SOURCES, name="patterns", func=func)
    if patterns == "exact":
        P = enumerate_patterns(X, bias=net.bias, ties="regions")
        certified = bool(P.certified)
        return P.patterns, (region_index(Xa, P.patterns) if certified else None), "exact", certified
    return sample_patterns(Xa, n_samples, seed=seed).patterns, None, "sampled", False


def _penalty_exceeds(net: Net, beta: float, zero_loss: float, rtol: float) -> bool:
    """``(β/2)(‖U‖² + ‖α‖²) > L(0) + rtol · max(1, L(0))``, decided in logarithms (no overflow), rounding included.

    ``L(0) ≥ p*`` (the zero network), so a net whose penalty alone exceeds it is not optimal.
    """
    w = np.concatenate([net.U.ravel(), net.alpha.ravel()])
    top = float(np.max(np.abs(w), initial=0.0))
    bar = zero_loss + rtol * max(1.0, zero_loss)
    if top == 0.0 or not math.isfinite(bar):
        return False
    ssq = float(np.sum((w / top) ** 2)) * (1.0 - gamma(w.size + 4))  # ≤ ‖w/top‖² exactly, and ≥ 1 − γ
    log_pen = 2.0 * math.log(top) + math.log(beta / 2.0) + math.log(ssq)
    return log_pen - math.log(bar) > _LOG_ROUNDING * (1.0 + abs(log_pen))


def certify_net(net: Net, X, y, beta, *, loss: str = "squared", patterns="exact", n_samples: int = 100_000,
                seed: int | None = 0, tol: Tolerances = DEFAULT_TOLERANCES) -> Certificate:
    """Certify (or refute) the global optimality of ``net`` for ``L_β`` (docs/theory.md §C.3).

    Parameters
    ----------
    net : Net
        Any width; with ``net.bias`` the regularized bias of docs/theory.md §A.6.
    X : array_like (n, d)
    y : array_like (n,)
        Labels (``±1`` for ``loss="logistic"``).
    beta : float
        ``β > 0``.
    loss : {"squared", "logistic"}
    patterns : {"exact", "sampled"} or Patterns
        ``"exact"``: the exact enumeration of all regions (can prove ``holds`` when it is certified);
        ``"sampled"``: the patterns of ``n_samples`` Gaussian directions (``seed``), what existing codes use —
        can only prove ``violated``; a :class:`~geom.arrangements.Patterns` from
        :func:`geom.enumerate_patterns` on *this* ``X`` with ``bias=net.bias`` (computed once by the caller;
        the caller vouches for its origin, shape and ``bias`` are checked; its region rows are used).
    n_samples, seed
        For ``patterns="sampled"``.
    tol : Tolerances
        ``tol.certificate`` decides the verdict; ``tol.phi_exact`` how far below ``β`` dual values are computed
        exactly.

    Returns
    -------
    Certificate

    Raises
    ------
    InvalidInputError, InvalidInputTypeError
        Bad arguments (message names the parameter).
    CertificationError
        Weak duality failed beyond rounding on a certified pool (``D(ν̃) > L_β(θ)``): impossible unless a float
        filter was fooled.
    """
    t0 = time.perf_counter()
    func = "certify_net"
    if not isinstance(net, Net):
        raise InvalidInputError(message("net", func, "a geom.nets.Net", type(net).__name__))
    X = check_matrix(X, name="X", func=func).astype(np.float64)
    net.check_data(X, func)
    y = check_vector(y, length=X.shape[0], name="y", func=func).astype(np.float64)
    beta = check_positive(beta, name="beta", func=func)
    check_option(loss, LOSSES, name="loss", func=func)
    check_labels(y, loss, func)
    if not isinstance(tol, Tolerances):
        raise InvalidInputTypeError(message("tol", func, "a geom.tolerances.Tolerances", type(tol).__name__))
    if not isinstance(patterns, Patterns):
        check_option(patterns, PATTERN_SOURCES, name="patterns", func=func)
        if patterns == "sampled":
            n_samples = check_int(n_samples, name="n_samples", func=func, minimum=1)
    if net.U.ndim != 2:
        raise InvalidInputError(message("net", func, "a single network (U of shape (m, d))",
                                        f"a batch with U of shape {net.U.shape}"))
    Xa = augment(X, net.bias)
    pool, index, source, pool_certified = _pool(X, Xa, net, patterns, n_samples, seed, func)
    scale = lambda v: max(1.0, abs(v)) if math.isfinite(v) else math.inf
    objective = network_objective(net, X, y, beta, loss=loss)
    rounding = objective_rounding(net, X, y, beta, loss=loss)
    with np.errstate(over="ignore", invalid="ignore"):
        yhat = np.asarray(net.output(X), dtype=np.float64) if net.width else np.zeros_like(y)
        nu = -loss_gradient(yhat, y, loss)
    esc_thr = beta * (1.0 + tol.certificate)
    bound = dual_bound(Xa, y, beta, nu, pool, loss=loss, index=index, threshold=beta * (1.0 - tol.phi_exact))
    if not (bound.phi > beta * (1.0 - tol.phi_exact)) and math.isfinite(bound.phi):
        # everything settled below the threshold: compute φ itself for the report
        bound = dual_bound(Xa, y, beta, nu, pool, loss=loss, index=index)
    escapes = bound.escapes(Xa, pool, esc_thr)
    lower = bound.lower_bound
    gap = objective - lower
    rel = gap / scale(objective)
    with np.errstate(over="ignore", invalid="ignore"):
        pairing = objective - dual_function(nu, y, loss)
        # D at the float ν̂ differs from D at the exact residual by ≤ Σ |∂D/∂ν_i| e_i (|∂D/∂ν| = |ŷ| for the
        # squared loss; the logistic entropy's derivative is unbounded near the ends, so only its evaluation)
        e = fit_rounding(net, X)
        pairing_round = rounding + dual_rounding(nu, y, loss) + (float(np.abs(yhat) @ e + e @ e)
                                                                 if loss == "squared" else 0.0)
    zero_loss = loss_value(np.zeros_like(y), y, loss)
    if pool_certified and lower - objective > rounding:  # D(ν̃) ≤ p* ≤ L_β(θ) by construction
        raise CertificationError(f"certify_net: weak duality failed: the dual bound {lower!r} exceeds the objective "
                                 f"{objective!r} by more than its rounding {rounding:.3g} (a float filter was "
                                 "fooled; please report this instance)")
    if escapes.count:
        verdict = "violated"
        reason = (f"{escapes.count} verified escape direction(s): ±ν̂ᵀ(Xu)_+ > β(1 + {tol.certificate:g})‖u‖ "
                  f"(a new neuron lowers the objective)")
    elif math.isfinite(objective) and (pairing - pairing_round) / scale(objective) > tol.certificate:
        verdict = "violated"
        reason = (f"pairing gap L_β(θ) − D(ν̂) = {pairing:.3e} > {tol.certificate:g} (relative; it is 0 at every "
                  "optimum)")
    elif _penalty_exceeds(net, beta, zero_loss, tol.certificate):
        verdict = "violated"
        reason = f"the penalty alone exceeds L(0) = {zero_loss:.6g} ≥ p* (the zero network is better)"
    elif not (math.isfinite(objective) and math.isfinite(lower)):
        verdict = "inconclusive"
        reason = "float64 could not evaluate the objective or the dual bound (overflow)"
    elif not pool_certified:
        verdict = "inconclusive"
        reason = ("sampled patterns cannot exclude an escape direction" if source == "sampled" else
                  "the pattern enumeration is not certified complete")
    elif (gap + rounding) / scale(objective) <= tol.certificate:
        verdict = "holds"
        reason = f"relative gap {rel:.3e} ≤ {tol.certificate:g} over all {pool.shape[0]} regions"
    else:
        verdict = "inconclusive"
        reason = (f"relative gap {rel:.3e} > {tol.certificate:g}, but neither an escape direction "
                  f"({escapes.n_candidates} candidate(s)) nor the pairing gap proves suboptimality")
    return Certificate(objective=float(objective), lower_bound=float(lower), gap=float(gap), rel_gap=float(rel),
                       pairing_gap=float(pairing), rounding=float(rounding), phi=float(bound.phi),
                       phi_upper=float(bound.phi_upper), verdict=verdict, reason=reason, nu=nu,
                       escape_patterns=escapes.patterns, escape_signs=escapes.signs, escape_values=escapes.values,
                       escape_directions=escapes.directions, escape_candidates=escapes.n_candidates,
                       pattern_source=source, pool_certified=pool_certified, n_patterns=int(pool.shape[0]),
                       loss=loss, tolerance=tol.certificate, seconds=time.perf_counter() - t0)
