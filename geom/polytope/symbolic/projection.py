"""Cone projections for :func:`~geom.polytope.symbolic.symbolic_polytope`: the float guide (NNLS projections,
guessed active faces, the float tight structure at ``ν̂``) and the exact projection proved by its KKT conditions
(docs/theory.md §C.2, §D.1, §D.3; step 5 of :mod:`geom.polytope.symbolic`).

Examples
--------
The nonnegative quadrant ``{u : u ≥ 0}`` projects ``(1, −2)`` to ``(1, 0)``, found exactly:

>>> from geom.polytope.symbolic.number_field import _Field
>>> F = _Field([])
>>> B = [[F.convert(1), F.convert(0)], [F.convert(0), F.convert(1)]]
>>> [F.to_sympy(v) for v in _project_exact(F, B, [F.convert(1), F.convert(-2)], [])]
[1, 0]
"""

from __future__ import annotations

import itertools

import numpy as np

from ...exceptions import CertificationError, ProblemTooLargeError
from ...tolerances import DEFAULT_TOLERANCES
from .number_field import _FUNC, _dot, _rank, _rref, _solve_columns

#: Most faces tried by the exact active-set search of one cone projection when the float guess fails.
MAX_FACE_SUBSETS = 20000

def _float_projection(B, g):
    from scipy.optimize import nnls

    if B.shape[0] == 0:
        return g.copy(), np.zeros(0)
    lam, _ = nnls(-B.T, g)
    return g + B.T @ lam, lam


def _face_rows(B, lam):
    """Rows with a positive NNLS multiplier, reduced greedily to a linearly independent set (float guess)."""
    tol = DEFAULT_TOLERANCES.support
    if lam.size == 0:
        return []
    big = lam > tol * max(1.0, float(lam.max()))
    chosen = []
    for i in np.flatnonzero(big):
        trial = B[chosen + [int(i)]]
        tol_rank = DEFAULT_TOLERANCES.rank * max(1.0, float(np.abs(trial).max()))
        if np.linalg.matrix_rank(trial, tol=tol_rank) == len(chosen) + 1:
            chosen.append(int(i))
    return chosen


def _float_structure(Xf, nu, beta, pool):
    """Float guess of the tight signed patterns at ``ν`` with their active faces, grouped by float direction:
    a list of ``(σ, unit direction, [(k, σ, face rows), ...])``."""
    groups = []
    for k, D in enumerate(pool):
        B = np.where(D, 1.0, -1.0)[:, None] * Xf
        for sigma in (1, -1):
            g = sigma * (Xf.T @ (D * nu))
            Pi, lam = _float_projection(B, g)
            nrm = float(np.linalg.norm(Pi))
            if not (nrm >= beta * (1 - 100 * DEFAULT_TOLERANCES.tight)):
                continue
            u = Pi / nrm
            for gsig, gu, members in groups:
                if gsig == sigma and np.linalg.norm(gu - u) <= 100 * DEFAULT_TOLERANCES.dedup:
                    members.append((k, sigma, _face_rows(B, lam)))
                    break
            else:
                groups.append((sigma, u, [(k, sigma, _face_rows(B, lam))]))
    return groups


def _project_exact(F, B, g, face_guess):
    """``Π_C(g)`` for ``C = {u : Bu ≥ 0}``, proved by its KKT conditions (:mod:`geom.polytope.symbolic`, step 5)."""
    neg = F.K.zero

    def attempt(face):
        if face:
            BF = [B[i] for i in face]
            G = [[_dot(F, r1, r2) for r2 in BF] for r1 in BF]
            lam = _solve_columns(F, G, [neg - _dot(F, r, g) for r in BF])
            if lam is None or any(F.sign(v) < 0 for v in lam):
                return None
            Pi = [g[j] + _dot(F, lam, [r[j] for r in BF]) for j in range(len(g))]
        else:
            Pi = list(g)
        if any(F.sign(_dot(F, r, Pi)) < 0 for r in B):
            return None
        return Pi

    if face_guess:  # an exactly independent subset of the guessed rows
        _, piv = _rref(F, [[B[i][j] for i in face_guess] for j in range(len(g))])
        face_guess = [face_guess[p] for p in piv]
    Pi = attempt(face_guess)
    if Pi is not None:
        return Pi
    rank = _rank(F, B)
    tried = 0
    for size in range(rank + 1):
        for face in itertools.combinations(range(len(B)), size):
            tried += 1
            if tried > MAX_FACE_SUBSETS:
                raise ProblemTooLargeError(f"The exact active-set search of a cone projection in {_FUNC} exceeded "
                                           f"MAX_FACE_SUBSETS = {MAX_FACE_SUBSETS} faces.")
            Pi = attempt(list(face))
            if Pi is not None:
                return Pi
    raise CertificationError("No face of the cone satisfied the exact KKT conditions of the projection "
                             "(impossible for exact arithmetic: please report).")
