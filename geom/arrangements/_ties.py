"""Tie-only activation patterns (SPEC.md §B.1–B.2; ARRANGEMENTS.md §1, §2.1).

The ``≥``-pattern of ``u`` is ``1[Xu ≥ 0]``.  Let ``Z`` be the rows vanishing on the linear hull ``L`` of the
set of ``u`` having a given pattern.  The pattern is *not* the pattern of any region iff ``X_Z`` has a positive
dependency (``y ≥ 0, y ≠ 0, X_Zᵀ y = 0``; otherwise Gordan gives ``v`` with ``X_Z v > 0`` and ``u + εv`` lies in a
region with the same pattern).  Conversely, if ``X_{Z(L)}`` is positively dependent for a flat ``L`` then every
``u ∈ L`` has a tie-only pattern, namely ``1`` on ``Z(L)`` and the ``≥``-pattern of the restricted arrangement
elsewhere.  Hence

    tie-only patterns = ⋃_{flats L with X_{Z(L)} positively dependent}  1_{Z(L)} ⊕ patterns_≥(A^L),

and it suffices to visit the *maximal* such flats.  Every positive dependency is supported on the implicit
equalities ``T`` of ``{Xu ≥ 0}``, so the flats to visit are spanned by rows of ``T``: a depth-first search over
intersections of ``T``-hyperplanes, memoized on the zero set, stopping at the first positively dependent flat
(the recursive pattern enumeration of ``A^L`` covers everything below it).  All of it is exact (python-flint
null spaces, cdd GMP LPs).
"""

from __future__ import annotations

from fractions import Fraction

import flint

from ._oracle import implicit_equalities

__all__ = ["positively_dependent_flats"]


def _nullspace(rows, d):
    """Integer basis (d × k) of the null space of integer ``rows`` (list of lists)."""
    if not rows:
        return [[int(i == j) for j in range(d)] for i in range(d)], d
    M = flint.fmpz_mat(rows)
    N, nullity = M.nullspace()
    basis = [[int(N[i, j]) for j in range(nullity)] for i in range(d)]
    return basis, nullity


def positively_dependent_flats(rows: list[list[int]]):
    """Maximal flats whose zero set is positively dependent.

    Parameters
    ----------
    rows : list of integer rows (nonzero, pairwise not positively parallel)

    Returns
    -------
    list of (Z, N)
        ``Z`` the sorted tuple of rows vanishing on the flat, ``N`` an integer basis (``d × k`` list of lists,
        ``k = dim L``) of the flat.
    """
    if not rows:
        return []
    d = len(rows[0])
    T = implicit_equalities([[Fraction(v) for v in r] for r in rows])
    if not T:
        return []
    found, seen = [], set()
    stack = [()]
    while stack:
        Z = stack.pop()
        for i in sorted(T):
            if i in Z:
                continue
            seed = list(Z) + [i]
            N, k = _nullspace([rows[j] for j in seed], d)
            Znew = tuple(j for j, r in enumerate(rows)
                         if all(sum(r[a] * N[a][c] for a in range(d)) == 0 for c in range(k)))
            if Znew in seen:
                continue
            seen.add(Znew)
            sub = [[Fraction(v) for v in rows[j]] for j in Znew]
            if implicit_equalities(sub):
                found.append((Znew, N))
            else:
                stack.append(Znew)
    # keep only maximal flats (zero sets minimal under inclusion); the others lie inside them
    zs = [set(z) for z, _ in found]
    keep = [f for f, z in zip(found, zs) if not any(o < z for o in zs)]
    return keep
