"""Gaussian sampling of activation patterns: what the existing convex-NN codes do (docs/theory.md §B.4).

Draw ``u ~ N(0, I)`` and keep the distinct ``1[Xu ≥ 0]``.  Every sampled pattern is genuine, but the set is
**incomplete**: a cell is hit with probability equal to its normalized solid angle, so small cells are missed
and lower-dimensional (tie-only) cells, including ``u = 0``, are never found.  Use :func:`pattern_recall`
against :func:`~geom.enumerate_patterns` to measure what is missed.  Runs on the array library of ``X``
(NumPy, PyTorch, CuPy: one matrix product, a comparison and a bit-packed deduplication per batch).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .._validation import check_int, check_matrix
from .._xp import array_namespace, device_of, random_normal, to_numpy
from ..kernels import activation_patterns, pack_patterns, unique_pattern_indices

__all__ = ["SampledPatterns", "sample_patterns", "pattern_recall"]


@dataclass(frozen=True)
class SampledPatterns:
    """Distinct patterns found by sampling (arrays in the namespace and on the device of ``X``).

    Attributes
    ----------
    patterns : array of bool (P, n)
        Lexicographic order, like :class:`~geom.Patterns`.
    witnesses : array (P, d)
        The first sample that produced each pattern.
    count : int
    n_samples : int
    seed : int or None
    complete : bool
        Always ``False``: sampling certifies nothing about the patterns it did not find.
    """

    patterns: object = field(repr=False)
    witnesses: object = field(repr=False)
    count: int
    n_samples: int
    seed: int | None
    complete: bool = False


def sample_patterns(X, k: int, seed: int | None = 0, *, bias: bool = False, batch: int = 65536) -> SampledPatterns:
    """Distinct patterns ``1[Xu ≥ 0]`` of ``k`` Gaussian directions (incomplete; see module notes).

    Examples
    --------
    >>> S = sample_patterns([[1.0, 0.0], [0.0, 1.0]], 200, seed=0)
    >>> S.count, S.complete
    (4, False)
    """
    func = "sample_patterns"
    xp = array_namespace(X)
    check_matrix(to_numpy(X), name="X", func=func)
    k = check_int(k, name="k", func=func, minimum=1)
    batch = check_int(batch, name="batch", func=func, minimum=1)
    if not hasattr(X, "shape") or isinstance(X, np.ndarray) and X.dtype.kind in "iub":
        X = np.asarray(X, dtype=np.float64)
    if not xp.isdtype(X.dtype, "real floating"):
        X = xp.astype(X, xp.float64)
    if bias:
        X = xp.concat([X, xp.ones((X.shape[0], 1), dtype=X.dtype, device=device_of(X))], axis=1)
    d = X.shape[1]
    U_all = random_normal(xp, (k, d), seed=seed, dtype=X.dtype, device=device_of(X))
    keys, wits = None, None
    for s in range(0, k, batch):
        U = U_all[s:s + batch, :]
        kk = pack_patterns(activation_patterns(X, U))
        if keys is not None:
            kk = xp.concat([keys, kk], axis=0)
            U = xp.concat([wits, U], axis=0)
        idx = unique_pattern_indices(kk)
        keys, wits = xp.take(kk, idx, axis=0), xp.take(U, idx, axis=0)
    P = activation_patterns(X, wits)
    return SampledPatterns(patterns=P, witnesses=wits, count=int(P.shape[0]), n_samples=k, seed=seed)


def pattern_recall(found, exact) -> float:
    """Fraction of the exact patterns that ``found`` contains (both boolean ``(·, n)`` arrays or results).

    >>> pattern_recall(np.array([[True, False]]), np.array([[True, False], [False, True]]))
    0.5
    """
    f = to_numpy(getattr(found, "patterns", found))
    e = to_numpy(getattr(exact, "patterns", exact))
    if e.shape[0] == 0:
        return 1.0
    fk = {bytes(np.packbits(r)) for r in np.asarray(f, dtype=bool)}
    hit = sum(bytes(np.packbits(r)) in fk for r in np.asarray(e, dtype=bool))
    return hit / e.shape[0]
