"""The convex program (C) of docs/theory.md §A.3 modelled directly in cvxpy: an independent reference for the
solver tests (it shares no code with ``geom.convex``; every cone enters with all its rows)."""

from __future__ import annotations

import numpy as np


def reference_problem(cp, Xa, y, beta, pool):
    """``cvxpy.Problem`` of (C) over the patterns ``pool`` (bool, P × n) for data ``Xa`` (n × p)."""
    P = np.asarray(pool, dtype=float)
    K, p = P.shape[0], Xa.shape[1]
    U, V = cp.Variable((K, p)), cp.Variable((K, p))
    fit = sum(cp.multiply(P[k], Xa @ (U[k] - V[k])) for k in range(K))
    cons = []
    for k in range(K):
        B = (2 * P[k] - 1)[:, None] * Xa
        cons += [B @ U[k] >= 0, B @ V[k] >= 0]
    obj = 0.5 * cp.sum_squares(fit - y) + beta * (cp.sum(cp.norm(U, 2, axis=1)) + cp.sum(cp.norm(V, 2, axis=1)))
    return cp.Problem(cp.Minimize(obj), cons)
