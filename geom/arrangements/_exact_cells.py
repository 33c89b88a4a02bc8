"""Exact cell enumeration in integer arithmetic: the fallback that needs no certificate (docs/theory.md §B.4).

The same deletion–restriction recursion as :mod:`._cells`, carried out on primitive integer rows with Python
integers, so every step is exact:

* restriction to ``h^⊥`` in the fraction-free basis ``b_i = h_p e_i − h_i e_p`` keeps rows integral, and equal
  restricted hyperplanes are merged by comparing primitive integer rows;
* in the plane the ``2m`` rays ``±(−y_2, y_1)`` are sorted by angle with exact cross products, and the sum of two
  consecutive rays (an angle below ``π``) is an integer point inside the open sector between them;
* a restricted witness ``z`` (inside a region of ``A_k^H``, so ``y_j·z ≠ 0`` for every ``j ≤ k``) is lifted to the
  two children ``N z ± h`` with the integer ``N > max_j |y_j·h| / |y_j·z|``, which keeps every sign ``j ≤ k``.

Every witness is an integer vector and every sign is decided exactly, so the region list is complete by the
recursion's correctness alone; :mod:`._patterns` still counts it against the exact characteristic polynomial.
It is slower than the float recursion (Python integers) and is used where the float recursion could not be
certified, and for the small restrictions of tie-only patterns.

Examples
--------
>>> sorted(exact_region_signs([(1, 0), (0, 1), (1, 1)]))          # 6 sectors of three lines
[(False, False, False), (False, True, False), (False, True, True), (True, False, False), (True, False, True), (True, True, True)]
"""

from __future__ import annotations

import math
from functools import cmp_to_key

import numpy as np

from ..kernels import row_keys

__all__ = ["exact_cell_witnesses", "exact_region_signs", "canonical_hyperplanes", "level_candidates",
           "restricted_hyperplanes", "distinct_regions"]


def _primitive(row) -> tuple[int, ...] | None:
    g = 0
    for v in row:
        g = math.gcd(g, v)
    if g == 0:
        return None
    row = [v // g for v in row]
    s = next(v for v in row if v != 0)
    return tuple(-v for v in row) if s < 0 else tuple(row)


def canonical_hyperplanes(rows) -> list[tuple[int, ...]]:
    """Distinct hyperplanes among integer rows: primitive, first nonzero entry positive, first-seen order;
    zero rows are dropped.

    >>> canonical_hyperplanes([(2, 4), (-1, -2), (0, 0), (1, 0)])
    [(1, 2), (1, 0)]
    """
    seen, out = set(), []
    for r in rows:
        p = _primitive(r)
        if p is not None and p not in seen:
            seen.add(p)
            out.append(p)
    return out


def _dot(a, b) -> int:
    return sum(x * y for x, y in zip(a, b))


def _cmp_angle(a, b) -> int:
    ha = 0 if (a[1] > 0 or (a[1] == 0 and a[0] > 0)) else 1
    hb = 0 if (b[1] > 0 or (b[1] == 0 and b[0] > 0)) else 1
    if ha != hb:
        return ha - hb
    c = a[0] * b[1] - a[1] * b[0]
    return -1 if c > 0 else (1 if c < 0 else 0)


def _cells_2d(rows):
    if len(rows) == 1:
        y = rows[0]
        return [tuple(y), tuple(-v for v in y)]
    rays = []
    for y in rows:
        rays.append((-y[1], y[0]))
        rays.append((y[1], -y[0]))
    rays.sort(key=cmp_to_key(_cmp_angle))
    out = []
    for i, a in enumerate(rays):
        b = rays[(i + 1) % len(rays)]
        out.append((a[0] + b[0], a[1] + b[1]))
    return out


def _restrict(prefix, h):
    D = len(h)
    p = min((i for i in range(D) if h[i] != 0), key=lambda i: abs(h[i]))
    idx = [i for i in range(D) if i != p]
    hp = h[p]
    restricted = [[hp * r[i] - h[i] * r[p] for i in idx] for r in prefix]
    return restricted, p, idx


def _lift(w, h, p, idx):
    z = [0] * len(h)
    hp = h[p]
    for c, i in enumerate(idx):
        z[i] = hp * w[c]
    z[p] = -sum(h[i] * w[c] for c, i in enumerate(idx))
    return z


def _obj(rows, width: int) -> np.ndarray:
    """Python integers in an object array (numpy loops over them in C, exactly)."""
    out = np.empty((len(rows), width), dtype=object)
    for i, r in enumerate(rows):
        out[i, :] = [int(v) for v in r]
    return out


def exact_cell_witnesses(rows, dim: int | None = None) -> list[tuple[int, ...]]:
    """Integer witnesses of the regions of the central arrangement of *distinct* primitive integer ``rows``.

    One witness per region (off every hyperplane).  With no rows the whole space is one region, witnessed by
    the origin.
    """
    rows = [tuple(int(v) for v in r) for r in rows]
    if dim is None:
        dim = len(rows[0]) if rows else 0
    m = len(rows)
    if m == 0:
        return [tuple([0] * dim)]
    if dim == 1:
        return [(1,), (-1,)]
    if dim == 2:
        return _cells_2d(rows)
    out = []
    for k in range(m):
        out.extend(level_candidates(rows, k, dim))
    return distinct_regions(rows, out)[0]


def restricted_hyperplanes(rows, k):
    """The distinct hyperplanes of ``rows[:k]`` restricted to ``rows[k]^⊥`` (fraction-free basis), with the
    data to lift a witness back: ``(reps, p, idx)``."""
    restricted, p, idx = _restrict(rows[:k], rows[k])
    return canonical_hyperplanes(restricted), p, idx


def level_candidates(rows, k: int, dim: int | None = None, regions_of=None) -> list[tuple[int, ...]]:
    """Integer witnesses of the regions of ``A_{k+1}`` on both sides of ``H_{k+1} = rows[k]^⊥`` that the
    restriction ``A_k^H`` creates: the regions of the whole arrangement whose facet of largest index is
    ``H_{k+1}`` are among their sign vectors (module docstring).

    ``regions_of(reps, dim)`` supplies integer witnesses of every region of the restriction (default: this
    module's exact recursion).
    """
    rows = [tuple(int(v) for v in r) for r in rows]
    dim = len(rows[0]) if dim is None else dim
    h = rows[k]
    if k == 0:
        return [h, tuple(-v for v in h)]
    reps, p, idx = restricted_hyperplanes(rows, k)
    Wr = (regions_of or exact_cell_witnesses)(reps, dim - 1)
    B = np.zeros((dim, dim - 1), dtype=object)  # z = B w lifts h^⊥'s coordinates back (exactly)
    B[:, :] = 0
    for c, i in enumerate(idx):
        B[i, c] = h[p]
        B[p, c] = -h[i]
    Z = _obj(Wr, dim - 1) @ B.T
    Yp = _obj(rows[:k], dim)
    hv = _obj([h], dim)[0]
    yz = np.abs(Z @ Yp.T)  # nonzero: z lies in a region of the restriction
    yh = np.abs(Yp @ hv)
    N = (yh[None, :] // yz).max(axis=1) + 1
    up = N[:, None] * Z + hv[None, :]
    down = N[:, None] * Z - hv[None, :]
    return [tuple(r) for r in up.tolist()] + [tuple(r) for r in down.tolist()]


def distinct_regions(rows, cands):
    """``(witnesses, signs)``: the candidates off every hyperplane, one per sign vector (first seen), and their
    sign vectors ``1[y·w > 0]`` (bool array, one row per witness)."""
    if not cands:
        return [], np.zeros((0, len(rows)), dtype=bool)
    dim = len(cands[0])
    V = _obj(cands, dim) @ _obj(rows, dim).T
    ok = np.all(V != 0, axis=1)
    S = np.asarray(V > 0, dtype=bool)
    idx = np.flatnonzero(ok)
    if idx.size == 0:
        return [], np.zeros((0, len(rows)), dtype=bool)
    _, first = np.unique(row_keys(np.packbits(S[idx], axis=1)), return_index=True)
    keep = idx[np.sort(first)]
    return [tuple(cands[i]) for i in keep], S[keep]


def exact_region_signs(rows, dim: int | None = None) -> dict[tuple[bool, ...], tuple[int, ...]]:
    """``{sign vector 1[y·u > 0] over rows: integer witness u}`` for every region of ``{y^⊥ : y ∈ rows}``.

    ``rows`` are integer rows, in any number and orientation (zero and parallel rows allowed: a zero row is
    never positive).
    """
    rows = [tuple(int(v) for v in r) for r in rows]
    if dim is None:
        dim = len(rows[0]) if rows else 0
    hyps = canonical_hyperplanes(rows)
    W = exact_cell_witnesses(hyps, dim)
    if not rows:
        return {(): tuple(W[0])}
    nonzero = [r for r in rows if any(r)]
    W, _ = distinct_regions(nonzero, W) if nonzero else (W, None)
    out: dict[tuple[bool, ...], tuple[int, ...]] = {}
    for w in W:
        out.setdefault(tuple(_dot(r, w) > 0 for r in rows), tuple(w))
    return out
