"""Polishing (geom.convex.polish, docs/theory.md §C.4): Newton's method on the support drops the slots it drives to
zero, and the vertex reduction keeps the LP's own point when the exact refit of its magnitudes fails."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.optimize import linprog

import geom
import geom.convex.polish as polish
from geom.cones import cone_rows
from geom.convex.program import fit, solve_restricted

from _cvx_reference import reference_problem

#: Newton reaches the optimum of the restricted program to about this (relative), the reference solve to about
#: RTOL_REFERENCE (cvxpy + Clarabel at 1e-10).
RTOL_NEWTON = 1e-12
RTOL_REFERENCE = 1e-8
#: HiGHS' equality tolerance leaves the LP point's fit this close to the original one (relative).
RTOL_LP_FIT = 1e-6
#: The LP's penalty ``Σ c`` may exceed the original by this (relative): the LP's own slack, ``polish._LP_SLACK``,
#: plus rounding.
RTOL_PENALTY = 1e-9


def _objective(X, y, beta, pats, U, V):
    return 0.5 * float(np.sum((fit(X, pats, U, V) - y) ** 2)) + beta * float(
        np.linalg.norm(U, axis=1).sum() + np.linalg.norm(V, axis=1).sum())


def _instance_with_a_zero_slot():
    """Two patterns of a (6, 3) arrangement whose restricted optimum uses three of its four slots, and a unit
    direction strictly inside the cone of the unused one (found by an LP)."""
    rng = np.random.default_rng(0)
    for _ in range(200):
        X, y = rng.standard_normal((6, 3)), rng.standard_normal(6)
        P = geom.enumerate_patterns(X, ties="regions").patterns
        pats = P[rng.choice(P.shape[0], 2, replace=False)]
        r = solve_restricted(X, y, 0.1, pats, [np.arange(6)] * 2, "squared", 1e-12)
        norms = np.stack([np.linalg.norm(r.U, axis=1), np.linalg.norm(r.V, axis=1)], axis=1)
        big = float(norms.max())
        if np.sum(norms < 1e-8 * big) != 1 or np.sum(norms > 1e-3 * big) != 3:
            continue
        k, s = (int(i) for i in np.argwhere(norms < 1e-8 * big)[0])
        B = cone_rows(X, pats[k])  # max t s.t. B u ≥ t, |u| ≤ 1: a strictly interior direction
        lp = linprog([0, 0, 0, -1], A_ub=np.hstack([-B, np.ones((6, 1))]), b_ub=np.zeros(6),
                     bounds=[(-1, 1)] * 3 + [(0, 1)], method="highs")
        if lp.status == 0 and lp.x[3] > 1e-3:
            return X, y, pats, r, k, s, lp.x[:3] / np.linalg.norm(lp.x[:3]), big
    raise AssertionError("no instance found")


def test_newton_drops_a_slot_it_drives_to_zero():
    """Started with mass on a slot that is zero at the optimum (independent fit columns, so the vertex LP does not
    remove it), Newton drives it towards zero, where ‖·‖ is not smooth and it stalls; the slot is then dropped and
    Newton restarted: the slot comes back exactly zero and the objective is the optimum (cvxpy reference).
    Before the drop it stalled at a slot norm of 1e-9 and an objective 2e-5 above the optimum."""
    import cvxpy as cp

    X, y, pats, r, k, s, u, big = _instance_with_a_zero_slot()
    U, V = r.U.copy(), r.V.copy()
    (U if s == 0 else V)[k] = 1e-2 * big * u
    out = polish.newton_polish(X, y, 0.1, pats, [np.arange(6)] * 2, U, V, 1e-6)
    assert out is not None
    U2, V2 = out
    assert np.all((U2 if s == 0 else V2)[k] == 0.0)
    prob = reference_problem(cp, X, y, 0.1, pats)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        prob.solve(solver="CLARABEL", tol_gap_abs=1e-10, tol_gap_rel=1e-10, tol_feas=1e-10)
    assert_allclose(_objective(X, y, 0.1, pats, U2, V2), prob.value, rtol=RTOL_REFERENCE)
    assert_allclose(_objective(X, y, 0.1, pats, U2, V2), _objective(X, y, 0.1, pats, r.U, r.V), rtol=RTOL_NEWTON)


@pytest.mark.parametrize("refit_fails", [False, True])
def test_vertex_support_reaches_independent_columns_without_raising_the_penalty(refit_fails, monkeypatch):
    """The vertex LP on dependent slots: at most rank-many slots come back, every magnitude positive, the penalty
    ``Σ c`` not raised and the fit kept.  With ``refit_fails`` the exact refit of the magnitudes on the LP's
    support is made to return a negative entry (as on an ill-conditioned basis, diabetes (100, 3), β = 1e-3):
    the LP's own nonnegative point is kept instead of giving up."""
    rng = np.random.default_rng(3)
    X = rng.standard_normal((8, 2))
    pats = geom.enumerate_patterns(X, ties="regions").patterns[:12]
    U, V = np.zeros((12, 2)), np.zeros((12, 2))
    slots = []
    for k in range(12):  # one slot per pattern, strictly inside its cone
        B = cone_rows(X, pats[k])
        lp = linprog([0, 0, -1], A_ub=np.hstack([-B, np.ones((8, 1))]), b_ub=np.zeros(8),
                     bounds=[(-1, 1)] * 2 + [(0, 1)], method="highs")
        U[k] = rng.uniform(0.5, 2.0) * lp.x[:2] / np.linalg.norm(lp.x[:2])
        slots.append((k, 1.0, None, B))
    if refit_fails:
        real = np.linalg.lstsq
        monkeypatch.setattr(np.linalg, "lstsq", lambda A, b, rcond=None: (-np.ones(A.shape[1]),)
                            + tuple(real(A, b, rcond=rcond)[1:]))
    kept, U2, V2 = polish.vertex_support(X, pats, slots, U, V)
    rank = np.linalg.matrix_rank(np.stack([pats[k] * (X @ U[k]) for k in range(12)], axis=1))
    assert len(kept) <= rank < 12
    mags = np.linalg.norm(U2, axis=1)
    assert np.all(mags[[k for k, *_ in kept]] > 0) and not np.any(V2)
    assert mags.sum() <= np.linalg.norm(U, axis=1).sum() * (1 + RTOL_PENALTY)
    before, after = fit(X, pats, U, V), fit(X, pats, U2, V2)
    assert_allclose(after, before, rtol=RTOL_LP_FIT, atol=RTOL_LP_FIT * float(np.abs(before).max()))
