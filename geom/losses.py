"""Losses, their gradients and the dual objective ``D(ν) = −L*(−ν)`` (docs/theory.md §A.1, §C.1).

* ``"squared"``: ``L(z) = ½‖z − y‖²``, ``ν = −∇L(z) = y − z`` (convention R), ``D(ν) = νᵀy − ½‖ν‖²``.
* ``"logistic"`` (labels ``y ∈ {−1, +1}``): ``L(z) = Σ_i log(1 + exp(−y_i z_i))``,
  ``ν_i = −∂L/∂z_i = y_i σ(−y_i z_i)``, so ``q_i := y_i ν_i ∈ [0, 1]``, and
  ``D(ν) = Σ_i H(q_i)`` with the binary entropy ``H(q) = −q log q − (1 − q) log(1 − q)``
  (``D = −∞`` outside ``q ∈ [0, 1]``).  Scaling ``ν`` by ``t ∈ [0, 1]`` keeps ``q`` in ``[0, 1]``, so the scaled
  certificate of docs/theory.md §C.3 applies unchanged.

Weak duality ``L(z) + β·penalty ≥ D(ν̃)`` for every dual-feasible ``ν̃`` is the Fenchel–Young inequality
``L(z) + L*(−ν) ≥ −νᵀz`` plus ``νᵀz ≤ β·penalty`` on the feasible set (docs/theory.md §C.1).

Examples
--------
>>> import numpy as np
>>> y = np.array([1.0, -1.0])
>>> z = np.array([0.5, 0.5])
>>> nu = -loss_gradient(z, y, "logistic")
>>> bool(loss_value(z, y, "logistic") >= dual_objective(nu, y, "logistic") - nu @ z)   # Fenchel–Young
True
>>> float(dual_objective(np.array([1.0, 2.0]), np.array([1.0, 2.0]), "squared"))
2.5
"""

from __future__ import annotations

import numpy as np

from ._validation import check_option, message
from .exceptions import InvalidInputError

__all__ = ["LOSSES", "loss_value", "loss_gradient", "dual_objective", "check_labels"]

LOSSES = ("squared", "logistic")


def _known(loss: str, func: str) -> str:
    """The loss name, or :class:`InvalidInputError` naming the known ones (never a silent default)."""
    return check_option(loss, LOSSES, name="loss", func=func)


def loss_value(z, y, loss: str = "squared") -> float:
    """``L(z)``.

    >>> loss_value(np.zeros(2), np.ones(2), "hinge")
    Traceback (most recent call last):
    ...
    geom.exceptions.InvalidInputError: The 'loss' parameter of loss_value must be one of ... Got 'hinge' instead.
    """
    _known(loss, "loss_value")
    z, y = np.asarray(z, float), np.asarray(y, float)
    if loss == "squared":
        r = z - y
        return 0.5 * float(r @ r)
    return float(np.sum(np.logaddexp(0.0, -y * z)))


def loss_gradient(z, y, loss: str = "squared") -> np.ndarray:
    """``∇L(z)`` (so ``ν = −∇L(ŷ)`` is the dual candidate of docs/theory.md §C.3)."""
    _known(loss, "loss_gradient")
    z, y = np.asarray(z, float), np.asarray(y, float)
    if loss == "squared":
        return z - y
    return -y / (1.0 + np.exp(y * z))  # −y σ(−y z), computed without overflow for large |z|


def dual_objective(nu, y, loss: str = "squared") -> float:
    """``D(ν) = −L*(−ν)``; ``−inf`` outside the domain (logistic: ``y_i ν_i ∉ [0, 1]``)."""
    _known(loss, "dual_objective")
    nu, y = np.asarray(nu, float), np.asarray(y, float)
    if loss == "squared":
        return float(nu @ y - 0.5 * nu @ nu)
    q = y * nu
    if np.any(q < 0) or np.any(q > 1):
        return -np.inf
    with np.errstate(divide="ignore", invalid="ignore"):
        h = -np.where(q > 0, q * np.log(q), 0.0) - np.where(q < 1, (1 - q) * np.log1p(-q), 0.0)
    return float(np.sum(h))


def check_labels(y, loss: str, func: str) -> None:
    """Logistic loss needs labels in ``{−1, +1}``."""
    _known(loss, func)
    if loss == "logistic":
        bad = ~np.isin(np.asarray(y), (-1.0, 1.0))
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise InvalidInputError(message("y", func, "labels in {-1, +1} for loss='logistic'",
                                            f"y[{i}] = {np.asarray(y)[i]!r}"))
