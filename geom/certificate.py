"""Certificates of global optimality for any network of any width (SPEC.md §C.3).

For a network ``θ`` with fit ``ŷ = f_θ(X)``, the dual candidate is ``ν̂ = −∇L(ŷ)`` (``= y − ŷ`` for the squared
loss, convention R of SPEC.md §C.1).  With ``φ(ν̂) = max_k max_± ‖Π_{C_k}(±Xᵀ D_k ν̂)‖`` (SPEC.md §C.2), the
scaled ``ν̃ = ν̂ · min(1, β/φ(ν̂))`` is dual feasible, so

    gap(θ) = L_β(θ) − D(ν̃) ≥ L_β(θ) − p*,        D(ν) = −L*(−ν).

Verdicts (never ``holds`` without an exact pattern set):

* ``holds`` — the pool is the exact, certified pattern enumeration and ``gap ≤ tol.certificate · max(1, L_β)``;
* ``violated`` — the relative gap exceeds ``tol.certificate``, or some pattern has dual value above
  ``β(1 + tol.certificate)`` (an *escape direction*).  Either proves suboptimality with *any* pool of genuine
  patterns: at an optimum ``ν̂ = ν*`` (the optimal fit is unique for a strictly convex loss), every dual value
  is ``≤ β`` and the gap is ``0``;
* ``inconclusive`` — neither (for example a sampled pool and a small gap: sampled patterns can miss the escape).

Examples
--------
SPEC.md §I, I9: the width-1 optimum of I1 padded with a zero neuron is a Clarke-stationary saddle.

>>> import numpy as np
>>> from geom.nets import Net
>>> X, y = np.array([[-1.0], [1.0]]), np.array([1.0, 2.0])
>>> c = certify_net(Net(np.array([[1.5 ** 0.5], [0.0]]), np.array([1.5 ** 0.5, 0.0])), X, y, 0.5)
>>> c.verdict, round(c.objective, 6), round(c.gap, 6), c.escape_values.round(6).tolist()
('violated', 1.375, 0.53125, [1.0])
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from ._validation import check_matrix, check_option, check_positive, check_vector, message
from .arrangements import enumerate_patterns, sample_patterns
from .cones import dual_values, region_index
from .exceptions import InvalidInputError
from .losses import LOSSES, check_labels, dual_objective, loss_gradient, loss_value
from .nets import Net, augment
from .tolerances import DEFAULT_TOLERANCES, Tolerances

__all__ = ["Certificate", "certify_net", "PATTERN_SOURCES"]

PATTERN_SOURCES = ("exact", "sampled")


@dataclass(frozen=True)
class Certificate:
    """Global-optimality certificate of a network (SPEC.md §C.3).

    Attributes
    ----------
    objective : float
        ``L_β(θ)``.
    lower_bound : float
        ``D(ν̃)`` (a valid lower bound on ``p*`` only when ``pattern_source == "exact"``).
    gap, rel_gap : float
        ``objective − lower_bound`` and ``gap / max(1, |objective|)``.
    phi : float
        ``φ(ν̂)`` over the pool.
    verdict : str
        ``"holds"``, ``"violated"`` or ``"inconclusive"`` (see the module docstring).
    reason : str
        Why the verdict was reached.
    nu : ndarray (n,)
        ``ν̂ = −∇L(ŷ)``.
    escape_patterns : ndarray of bool (E, n)
        Patterns with dual value ``> β(1 + tol.certificate)``, most violated first.
    escape_signs : ndarray of int (E,)
        ``+1`` (a new neuron with positive output weight decreases the objective) or ``−1``.
    escape_values : ndarray (E,)
    escape_directions : ndarray (E, d)
        Unit ``u`` maximizing ``±ν̂ᵀ D_k X u`` over the cone: the direction of the new neuron.
    pattern_source : str
        ``"exact"`` (certified enumeration of all regions) or ``"sampled"`` (Gaussian directions: incomplete).
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
    phi: float
    verdict: str
    reason: str
    nu: np.ndarray = field(repr=False)
    escape_patterns: np.ndarray = field(repr=False)
    escape_signs: np.ndarray = field(repr=False)
    escape_values: np.ndarray = field(repr=False)
    escape_directions: np.ndarray = field(repr=False)
    pattern_source: str
    n_patterns: int
    loss: str
    tolerance: float
    seconds: float

    @property
    def globally_optimal(self) -> bool | None:
        """``True`` (holds), ``False`` (violated) or ``None`` (inconclusive)."""
        return {"holds": True, "violated": False}.get(self.verdict)

    def to_dict(self) -> dict:
        """JSON-ready summary."""
        return {"objective": self.objective, "lower_bound": self.lower_bound, "gap": self.gap,
                "rel_gap": self.rel_gap, "phi": self.phi, "verdict": self.verdict, "reason": self.reason,
                "globally_optimal": self.globally_optimal, "violating_patterns": int(self.escape_values.size),
                "escapes": [{"pattern": "".join("1" if b else "0" for b in p), "sign": int(s), "value": float(v),
                             "direction": d.tolist()}
                            for p, s, v, d in zip(self.escape_patterns[:20], self.escape_signs[:20],
                                                  self.escape_values[:20], self.escape_directions[:20])],
                "pattern_source": self.pattern_source, "n_patterns": self.n_patterns, "loss": self.loss,
                "tolerance": self.tolerance, "seconds": self.seconds}


def certify_net(net: Net, X, y, beta, *, loss: str = "squared", patterns: str = "exact", n_samples: int = 100_000,
                seed: int | None = 0, tol: Tolerances = DEFAULT_TOLERANCES) -> Certificate:
    """Certify (or refute) the global optimality of ``net`` for ``L_β`` (SPEC.md §C.3).

    Parameters
    ----------
    net : Net
        Any width; with ``net.bias`` the regularized bias of SPEC.md §A.6.
    X : array_like (n, d)
    y : array_like (n,)
        Labels (``±1`` for ``loss="logistic"``).
    beta : float
        ``β > 0``.
    loss : {"squared", "logistic"}
    patterns : {"exact", "sampled"}
        ``"exact"``: the certified enumeration of all regions (can prove ``holds``); ``"sampled"``: the patterns
        of ``n_samples`` Gaussian directions (``seed``), what existing codes use — can only prove ``violated``.
    tol : Tolerances
        ``tol.certificate`` decides the verdict.

    Returns
    -------
    Certificate
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
    check_option(patterns, PATTERN_SOURCES, name="patterns", func=func)
    check_labels(y, loss, func)
    if net.U.ndim != 2:
        raise InvalidInputError(message("net", func, "a single network (U of shape (m, d))",
                                        f"a batch with U of shape {net.U.shape}"))
    Xa = augment(X, net.bias)
    yhat = net.output(X)
    objective = loss_value(yhat, y, loss) + 0.5 * beta * float(np.sum(net.U ** 2) + np.sum(net.alpha ** 2))
    nu = -loss_gradient(yhat, y, loss)
    if patterns == "exact":
        pool = enumerate_patterns(Xa, ties="regions").patterns
        index = region_index(Xa, pool)
    else:
        pool = sample_patterns(Xa, n_samples, seed=seed).patterns
        index = None
    exact_from = beta * (1.0 - tol.phi_exact)
    dv = dual_values(Xa, nu, pool, threshold=exact_from, index=index)
    if dv.phi <= exact_from:  # everything settled below the threshold: compute φ itself for the report
        dv = dual_values(Xa, nu, pool, index=index)
    phi = dv.phi
    nu_t = nu * min(1.0, beta / phi) if phi > 0 else nu
    lower = dual_objective(nu_t, y, loss)
    gap = objective - lower
    rel = gap / max(1.0, abs(objective))
    esc = beta * (1.0 + tol.certificate)
    ks, cols = np.nonzero(dv.values > esc)
    order = np.argsort(-dv.values[ks, cols], kind="stable")
    ks, cols = ks[order], cols[order]
    if rel > tol.certificate or ks.size:
        verdict = "violated"
        reason = (f"{ks.size} escape pattern(s) with dual value > β(1 + {tol.certificate:g})" if ks.size else
                  f"relative gap {rel:.3e} > {tol.certificate:g}")
    elif patterns == "exact":
        verdict, reason = "holds", f"relative gap {rel:.3e} ≤ {tol.certificate:g} over all {pool.shape[0]} regions"
    else:
        verdict, reason = "inconclusive", "small gap, but sampled patterns cannot exclude an escape direction"
    return Certificate(objective=float(objective), lower_bound=float(lower), gap=float(gap), rel_gap=float(rel),
                       phi=float(phi), verdict=verdict, reason=reason, nu=nu, escape_patterns=pool[ks],
                       escape_signs=np.where(cols == 0, 1, -1), escape_values=dv.values[ks, cols],
                       escape_directions=dv.directions[ks, cols], pattern_source=patterns,
                       n_patterns=int(pool.shape[0]), loss=loss, tolerance=tol.certificate,
                       seconds=time.perf_counter() - t0)
