"""A regularization path of (C): a decreasing sequence of ``β``, each solve warm-started from the last.

The number of active neurons and groups along the path is the group-lasso picture of the optimal networks
(docs/theory.md §A.3, §C.1); every solution carries its own certificate (:func:`geom.solve_convex`).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np

from .._validation import check_matrix, check_vector, message
from ..exceptions import InvalidInputError, InvalidInputTypeError
from ..tolerances import DEFAULT_TOLERANCES, Tolerances

__all__ = ["PathSolution", "solve_path"]

@dataclass(frozen=True)
class PathSolution:
    """Solutions of (C) along a decreasing sequence of weight decays (:func:`solve_path`).

    Attributes
    ----------
    betas : ndarray (m,)
        The weight decays, in the (strictly decreasing) order solved.
    solutions : tuple of ConvexSolution
        One certified-or-not solution per ``β`` (each carries its own certificate).
    p_star, lower_bound, gap, rel_gap : ndarray (m,)
        Per ``β``: objective, dual bound and gaps (:class:`ConvexSolution`).
    certified : ndarray of bool (m,)
    neurons : ndarray of int (m,)
        ``card(W)`` per ``β``: the nonzero ``u_k`` and ``v_k`` (the width of the optimal network).
    groups : ndarray of int (m,)
        Patterns with a nonzero slot (the active groups of the group lasso, docs/theory.md §A.3).
    seconds : ndarray (m,)
        Wall-clock time of each solve (the first includes the enumeration when ``patterns`` was not given).
    """

    betas: np.ndarray = field(repr=False)
    solutions: tuple = field(repr=False)
    p_star: np.ndarray = field(repr=False)
    lower_bound: np.ndarray = field(repr=False)
    gap: np.ndarray = field(repr=False)
    rel_gap: np.ndarray = field(repr=False)
    certified: np.ndarray = field(repr=False)
    neurons: np.ndarray = field(repr=False)
    groups: np.ndarray = field(repr=False)
    seconds: np.ndarray = field(repr=False)

    @property
    def all_certified(self) -> bool:
        """Every solution on the path is certified."""
        return bool(np.all(self.certified))

    def to_dict(self) -> dict:
        """JSON-ready summary, one entry per ``β`` (non-finite floats are ``None``)."""
        num = lambda v: float(v) if math.isfinite(v) else None  # noqa: E731
        return {"path": [{"beta": float(b), "p_star": num(p), "lower_bound": num(lb), "gap": num(g),
                          "rel_gap": num(r), "certified": bool(c), "neurons": int(k), "groups": int(m),
                          "status": s.status, "seconds": float(t)}
                         for b, p, lb, g, r, c, k, m, s, t in zip(self.betas, self.p_star, self.lower_bound, self.gap,
                                                                  self.rel_gap, self.certified, self.neurons,
                                                                  self.groups, self.solutions, self.seconds)],
                "all_certified": self.all_certified}


def solve_path(X, y, betas, *, bias: bool = False, loss: str = "squared", patterns=None,
               tol: Tolerances = DEFAULT_TOLERANCES, max_rounds: int = 200, polish_rounds: int = 3) -> PathSolution:
    """Solve (C) (docs/theory.md §A.3) along a decreasing sequence of ``β``, each solve warm-started from the last.

    The pattern pool is enumerated once (or taken from ``patterns``) and shared by every solve; the first
    working set of column generation at each ``β`` is the support of the solution at the previous one
    (``warm_start`` of :func:`solve_convex`; the whole last working set would carry its idle patterns along).  Each solution is certified on its own, exactly as
    :func:`solve_convex` certifies it (the warm start changes the path, never the certificate).  The number of
    active neurons and groups along the path is the group-lasso picture of the optimal networks.

    Parameters
    ----------
    X : array_like (n, d)
    y : array_like (n,)
    betas : array_like (m,)
        Weight decays, positive, finite and strictly decreasing.
    bias, loss, patterns, tol, max_rounds, polish_rounds
        As in :func:`solve_convex`.

    Returns
    -------
    PathSolution

    Raises
    ------
    InvalidInputError, InvalidInputTypeError
        Bad arguments (message names the parameter), including ``betas`` not strictly decreasing.
    SolverError, CertificationError
        As in :func:`solve_convex`.

    Examples
    --------
    >>> import numpy as np
    >>> path = solve_path(np.array([[-1.0], [1.0]]), np.array([1.0, 2.0]), [1.0, 0.5])   # docs/theory.md §I, I1
    >>> path.p_star.round(10).tolist(), path.certified.tolist(), path.neurons.tolist()
    ([2.0, 1.25], [True, True], [1, 2])
    """
    from . import enumerate_patterns, solve_convex  # the package's (this module is imported at its end)

    func = "solve_path"
    X = check_matrix(X, name="X", func=func).astype(np.float64)
    y = check_vector(y, length=X.shape[0], name="y", func=func).astype(np.float64)
    try:
        b = np.asarray(betas, dtype=np.float64)
    except (TypeError, ValueError):
        raise InvalidInputError(message("betas", func, "a 1-D sequence of positive finite numbers",
                                        repr(betas))) from None
    if b.ndim != 1 or b.size == 0 or not np.all(np.isfinite(b)) or not np.all(b > 0):
        raise InvalidInputError(message("betas", func, "a non-empty 1-D sequence of positive finite numbers",
                                        repr(betas)))
    if not np.all(np.diff(b) < 0):
        raise InvalidInputError(message("betas", func, "strictly decreasing", repr(b.tolist())))
    if not isinstance(bias, (bool, np.bool_)):
        raise InvalidInputTypeError(message("bias", func, "a bool", repr(bias)))
    if patterns is None:
        patterns = enumerate_patterns(X, bias=bool(bias), ties="regions")
    sols, secs = [], []
    prev = None
    for beta in b:
        t = time.perf_counter()
        sol = solve_convex(X, y, float(beta), bias=bias, loss=loss, patterns=patterns, tol=tol,
                           max_rounds=max_rounds, polish_rounds=polish_rounds,
                           warm_start=None if prev is None else prev.support)
        secs.append(time.perf_counter() - t)
        sols.append(sol)
        prev = sol
    arr = lambda f, dt=np.float64: np.array([f(s) for s in sols], dtype=dt)  # noqa: E731
    return PathSolution(betas=b, solutions=tuple(sols), p_star=arr(lambda s: s.p_star),
                        lower_bound=arr(lambda s: s.lower_bound), gap=arr(lambda s: s.gap),
                        rel_gap=arr(lambda s: s.rel_gap), certified=arr(lambda s: s.certified, bool),
                        neurons=arr(lambda s: s.neurons, np.int64), groups=arr(lambda s: s.patterns.shape[0], np.int64),
                        seconds=np.array(secs))
