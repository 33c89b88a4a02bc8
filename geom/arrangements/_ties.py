"""Tie-only activation patterns: the closed flats of the data (docs/theory.md §B.1–B.2; docs/theory.md §B.5).

The ``≥``-pattern of ``u`` is ``1[Xu ≥ 0]``; its *zero set* is ``Z(u) = {i : x_i·u = 0}``.  For a flat ``L`` (an
intersection of data hyperplanes) write ``Z(L)`` for the rows vanishing on ``L`` and ``A^L`` for the other rows
restricted to ``L``.  Every ``u`` lies in exactly one region of ``A^L`` for ``L = ⋂_{i∈Z(u)} x_i^⊥``, so

    𝒟_≥ = ⋃_{flats L}  { 1_{Z(L)} ⊕ pattern of ρ : ρ a region of A^L }.

Call ``Z ⊆ [n]`` *closed* when ``Z = Z(L)`` for a flat ``L`` and every row of ``Z`` lies in the support of a positive
dependency of ``X_Z`` (``y ≥ 0``, ``X_Zᵀ y = 0``; equivalently ``cone(X_Z)`` is a linear space).  Two facts,
proved in docs/theory.md §B.5, make the union small and exact:

1. *Only closed flats are needed.*  If ``Z(u)`` is not closed, let ``T ⊊ Z(u)`` be the implicit equalities of
   ``{v : X_{Z(u)} v ≥ 0}`` and ``v`` a relative-interior point of that cone; then ``u + εv`` has the same
   ``≥``-pattern and zero set ``T``, which is closed.
2. *Closed flats give disjoint pattern sets.*  The closed zero set of a pattern ``p`` is the set of implicit
   equalities of ``{u : 1[Xu ≥ 0] = p}``, hence unique.

So ``|𝒟_≥| = Σ_{closed L} r(A^L)`` exactly, which :func:`geom.enumerate_patterns` checks at run time.  Every
closed ``Z`` lies inside ``T(X)``, the implicit equalities of ``{u : Xu ≥ 0}`` (Goldman–Tucker), and a flat whose
zero set contains a row outside ``T(X)`` has no closed flat below it, so the search visits only the flats of
the ``T(X)``-hyperplanes whose zero sets stay inside ``T(X)``.  Everything is exact (python-flint null spaces,
cdd GMP LPs).
"""

from __future__ import annotations

from fractions import Fraction

import flint
import numpy as np

from ._oracle import implicit_equalities

__all__ = ["closed_flats", "MAX_FLATS"]

MAX_FLATS = 20_000
"""Flats visited by :func:`closed_flats` before it gives up (the result is then reported as incomplete)."""


def _nullspace(rows, d):
    """Integer basis (d × k, list of lists) of the null space of integer ``rows``."""
    if not rows:
        return [[int(i == j) for j in range(d)] for i in range(d)], d
    N, nullity = flint.fmpz_mat(rows).nullspace()
    return [[int(N[i, j]) for j in range(nullity)] for i in range(d)], int(nullity)


def _zero_set(R, N, k, d):
    """Rows of the object array ``R`` vanishing on the span of the basis ``N`` (exact integer products)."""
    if k == 0:
        return tuple(range(R.shape[0]))
    Nm = np.empty((d, k), dtype=object)
    for a in range(d):
        Nm[a, :] = N[a]
    return tuple(int(j) for j in np.flatnonzero(np.all(R.dot(Nm) == 0, axis=1)))


def closed_flats(rows: list[list[int]], *, max_flats: int = MAX_FLATS):
    """Every nonempty closed zero set of the integer ``rows`` with an integer basis of its flat.

    Parameters
    ----------
    rows : list of integer rows (nonzero)
    max_flats : int
        Budget of flats to visit.

    Returns
    -------
    (flats, complete) : (list of (Z, N, k), bool)
        ``Z`` the sorted tuple of rows vanishing on the flat, ``N`` an integer basis (``d × k`` list of lists)
        of the flat, ``k`` its dimension; ``complete`` is ``False`` when the budget ran out.

    Examples
    --------
    >>> flats, complete = closed_flats([[1, 0], [-1, 0], [0, 1]])      # docs/theory.md §B.2
    >>> [(Z, k) for Z, _, k in flats], complete
    ([((0, 1), 1)], True)
    """
    if not rows:
        return [], True
    d = len(rows[0])
    T = implicit_equalities([[Fraction(v) for v in r] for r in rows])
    if not T:
        return [], True
    Tset = frozenset(T)
    R = np.empty((len(rows), d), dtype=object)
    for j, r in enumerate(rows):
        R[j, :] = [int(v) for v in r]
    out, seen = [], {()}
    stack = [((), [])]  # (zero set, generating rows)
    visited = 0
    while stack:
        Z, gens = stack.pop()
        for i in sorted(Tset.difference(Z)):
            N, k = _nullspace([rows[j] for j in gens + [i]], d)
            Znew = _zero_set(R, N, k, d)
            if Znew in seen:
                continue
            seen.add(Znew)
            visited += 1
            if visited > max_flats:
                return out, False
            if not Tset.issuperset(Znew):
                continue  # a row outside T(X) vanishes here and on every flat below: nothing closed below
            # a positive dependency with full support needs more rows than their rank (d − k): skip the LP
            # for the (usual) flats whose zero set is independent
            if len(Znew) > d - k and (set(implicit_equalities([[Fraction(v) for v in rows[j]] for j in Znew]))
                                      == set(range(len(Znew)))):
                out.append((Znew, N, k))
            if k > 0:
                stack.append((Znew, gens + [i]))
    out.sort(key=lambda f: f[0])
    return out, True
