"""Pattern cones and per-pattern dual values (docs/theory.md §A.2, §C.2).

The cone of pattern ``D_k`` is ``C_k = {u : (2D_k − I) X u ≥ 0}``; on it the ReLU is linear,
``(Xu)_+ = D_k X u``.  For a closed convex cone, ``max_{u ∈ C, ‖u‖ ≤ 1} gᵀu = ‖Π_C(g)‖`` (Moreau), so the dual
constraint of the convex program reads ``‖Π_{C_k}(±Xᵀ D_k ν)‖ ≤ β`` for every pattern and sign, and

    φ(ν) = max_k max_± ‖Π_{C_k}(±Xᵀ D_k ν)‖.

The projection is ``Π_C(g) = g + B_kᵀλ*`` with ``λ* = argmin_{λ≥0} ‖g + B_kᵀλ‖`` (``B_k = (2D_k − I)X``), a
non-negative least-squares problem solved by the Lawson–Hanson active-set method (finite, no tolerance loop).

:func:`dual_values` is batched: the products ``Xᵀ D_k ν`` of all patterns are one matrix product on the caller's
array library (GPU when given GPU arrays), and the membership screen ``g ∈ C_k`` (then ``Π = g``) is one more;
only the patterns whose bound ``‖g‖`` can matter and that fail the screen go on, in blocks: a batched
coordinate-descent (Hildreth) screen on their facet rows, whose every iterate ``λ ≥ 0`` gives a rigorous upper
bound ``‖g + Bᵀλ‖``, settles most of them; the rest go to the CPU active-set solver.

Examples
--------
>>> import numpy as np
>>> X = np.array([[-1.0], [1.0]])
>>> pats = np.array([[False, True], [True, False]])
>>> dual_values(X, np.array([0.5, 0.5]), pats).values.tolist()   # docs/theory.md §I, I1: tight at β = 0.5
[[0.5, 0.0], [0.5, 0.0]]
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import nnls

from ._xp import array_namespace, asarray_like, to_numpy
from .exact import integer_rows, primitive_direction
from .kernels import pack_patterns, row_keys
from .tolerances import gamma

#: Relative allowance for rounding in the Lipschitz screen ``‖Π_C g‖ ≤ ‖Π_C g₀‖ + ‖g − g₀‖`` of
#: :func:`dual_values` (the products behind ``‖g − g₀‖`` are computed in float64); an absolute Higham term
#: ``γ_{n+d+4} ‖|X|ᵀ D_k |ν − ν₀|‖`` is added to it.
_LIPSCHITZ_ROUNDING = 1e-12
#: A cone row enters the active set of :func:`_active_set_batch` only when its violation ``−b_iᵀp`` exceeds this
#: fraction of ``‖b_i‖‖g‖`` (rounding-level violations do not; the KKT test below decides acceptance).
_ENTER_RTOL = 1e-12
#: Singular values of the active rows below ``max(m, d) · _RANK_EPS`` times the largest count as zero in the
#: least-squares step of :func:`_active_set_batch` (NumPy's ``matrix_rank`` default).
_RANK_EPS = float(np.finfo(np.float64).eps)
#: Relative tolerance of the KKT test of an exact cone projection (:func:`_kkt_ok`): ``B p ≥ −_KKT_RTOL ‖b_i‖‖g‖``
#: and ``λ_i |(B p)_i| ≤ _KKT_RTOL ‖g‖²``.  Not a decision: a point failing it is re-solved, never trusted less.
_KKT_RTOL = 1e-9

__all__ = ["project_cone", "DualValues", "dual_values", "pattern_cone_contains", "hyperplane_groups",
           "RegionIndex", "region_index", "cone_rows"]


def _kkt_ok(g, B, lam, p) -> bool:
    """Whether ``p = g + Bᵀλ`` (``λ ≥ 0``) is the projection of ``g`` onto ``{u : B u ≥ 0}`` up to ``_KKT_RTOL``.

    The KKT conditions of ``min_{λ≥0} ½‖g + Bᵀλ‖²``: primal feasibility of ``p`` in the cone (``B p ≥ 0``, the
    dual feasibility of the least-squares problem), complementarity ``λ_i (B p)_i = 0`` and ``λ ≥ 0``, each relative
    to the scale ``‖g‖`` (and ``‖b_i‖`` per row).  A NaN fails every test.
    """
    s = float(np.linalg.norm(g))
    if not (s > 0 and np.all(np.isfinite(lam)) and np.all(lam >= 0)):
        return s == 0.0
    Bp = B @ p
    bn = np.linalg.norm(B, axis=1)
    feasible = np.all(Bp >= -_KKT_RTOL * bn * s)
    complementary = np.all(lam * np.abs(Bp) <= _KKT_RTOL * s * s)
    return bool(feasible and complementary)


def _nnls_active_set(A, b):
    """``argmin_{x≥0} ‖A x − b‖`` by the Lawson–Hanson method of :func:`_active_set_batch` on this one problem
    (cone rows ``Aᵀ``, ``g = −b``) with ``3m + 20`` steps: the fallback of :func:`_project` when
    :func:`scipy.optimize.nnls` returns a point that fails the KKT test (the caller checks the answer again)."""
    m = A.shape[1]
    return _active_set_batch(-np.asarray(b, float)[None, :], np.asarray(A, float).T[None, :, :], np.zeros((1, m)),
                             iters=3 * m + 20)[2][0]


def _project(g, B):
    """``(Π, λ)``: the projection ``Π = g + Bᵀλ`` onto ``{u : B u ≥ 0}`` and its multipliers ``λ ≥ 0``.

    Whatever ``λ ≥ 0`` the solver returns, ``‖g + Bᵀλ‖ ≥ max_{u∈C,‖u‖≤1} gᵀu = ‖Π_C g‖`` (``λᵀBu ≥ 0`` on the
    cone), so the norm of the returned point bounds the true value from above even when the active-set solver
    stops short.  :func:`scipy.optimize.nnls` can return a non-optimal ``λ`` (seen on thin cones: the norm then
    overestimates ``‖Π_C g‖``), so its answer is checked against the KKT conditions (:func:`_kkt_ok`); on failure
    the problem is re-solved by a written-out Lawson–Hanson method and by bounded-variable least squares
    (:func:`scipy.optimize.lsq_linear`), and the first candidate that passes is returned — else the one of
    smallest norm (the tightest upper bound available; ``λ = 0`` is always a candidate, ``‖g‖ ≥ ‖Π g‖``).
    """
    if B.shape[0] == 0 or np.all(B @ g >= 0):
        return g.copy(), np.zeros(B.shape[0])
    cands = []
    try:
        lam, _ = nnls(B.T, -g, maxiter=50 * max(B.shape))
        cands.append(np.maximum(lam, 0.0))
    except RuntimeError:
        pass
    for i, solver in enumerate((None, _nnls_active_set, _bvls)):
        if i:
            try:
                cands.append(np.maximum(solver(B.T, -g), 0.0))
            except (RuntimeError, ValueError, np.linalg.LinAlgError):
                continue
        if cands:
            lam = cands[-1]
            p = g + B.T @ lam
            if _kkt_ok(g, B, lam, p):
                return p, lam
    cands.append(np.zeros(B.shape[0]))
    points = [g + B.T @ lam for lam in cands]
    best = int(np.argmin([np.linalg.norm(p) if np.all(np.isfinite(p)) else np.inf for p in points]))
    return points[best], cands[best]


def _bvls(A, b):
    """``argmin_{x≥0} ‖A x − b‖`` by :func:`scipy.optimize.lsq_linear` (bounded-variable least squares)."""
    from scipy.optimize import lsq_linear

    return lsq_linear(A, b, bounds=(0.0, np.inf), method="bvls", tol=1e-15, max_iter=50 * max(A.shape) + 100).x


def project_cone(g, B):
    """Euclidean projection of ``g`` onto ``{u : B u ≥ 0}`` (NumPy, CPU, active set).

    >>> project_cone(np.array([1.0, -2.0]), np.array([[0.0, 1.0]])).tolist()
    [1.0, 0.0]
    """
    return _project(np.asarray(g, dtype=np.float64), np.asarray(B, dtype=np.float64))[0]


def pattern_cone_contains(X, patterns, G):
    """Batched membership ``g_k ∈ C_k`` for rows ``G`` (one per pattern): ``X g ≥ 0`` on actives, ``≤ 0`` else."""
    xp = array_namespace(X, G)
    M = xp.matmul(G, X.T)
    ok = xp.where(patterns, M >= 0, M <= 0)
    return xp.all(ok, axis=1)


# ---- facets of region cones (exact, combinatorial) -----------------------------------------------------------

def hyperplane_groups(X) -> list[np.ndarray]:
    """Rows of ``X`` grouped by the hyperplane ``x_i^⊥`` they define (zero rows left out), decided exactly.

    Rows are compared through their primitive integer directions (floats are dyadic rationals, so this is exact):
    positively and negatively parallel rows share a hyperplane (docs/theory.md §B.1).  Groups are in order of first row.

    >>> [g.tolist() for g in hyperplane_groups(np.array([[1.0, 0.0], [0.0, 0.0], [-2.0, 0.0], [0.0, 1.0]]))]
    [[0, 2], [3]]
    """
    groups: dict[tuple, list[int]] = {}
    for i, row in enumerate(integer_rows(to_numpy(X))):
        key, sign = primitive_direction(row)
        if sign:
            groups.setdefault(key, []).append(i)
    return [np.array(g, dtype=np.int64) for g in groups.values()]


def _row_keys(P: np.ndarray) -> np.ndarray:
    """One sortable scalar per pattern (:func:`geom.kernels.row_keys` of the packed words)."""
    return row_keys(pack_patterns(np.asarray(P, dtype=bool)))


@dataclass(frozen=True)
class RegionIndex:
    """The complete region set of an arrangement, indexed for exact facet queries.

    For a region with sign vector ``s``, the hyperplane ``H`` carries a facet iff flipping the signs of all rows
    on ``H`` gives another region (the neighbour across that facet).  So on the *complete* region list the
    irredundant description of every region cone ``C_k = {u : (2D_k − I)Xu ≥ 0}`` is read off combinatorially,
    with no LP and no tolerance: one representative row per facet hyperplane.  Convex programs then carry a
    handful of cone constraints per pattern instead of ``n``.

    Attributes
    ----------
    keys : ndarray or None
        Sorted packed keys of the regions, only when two regions share a 64-bit hash (else ``hashes``).
    groups : list of ndarray
        Rows per hyperplane (:func:`hyperplane_groups`).
    """

    keys: np.ndarray = field(repr=False)
    groups: list = field(repr=False)
    masks: np.ndarray = field(repr=False)
    #: 64-bit hashes of the packed regions, sorted, and the packed words in that order (``None`` when two regions
    #: share a hash: the lookups then search ``keys`` directly).  A hit is confirmed on the full words, so the
    #: hash only speeds up the search, it never decides.
    hashes: np.ndarray = field(repr=False, default=None)
    words: np.ndarray = field(repr=False, default=None)
    #: Open-addressing table over ``hashes`` (:func:`_hash_table`): a lookup is a few gathers, not a binary search.
    table: np.ndarray = field(repr=False, default=None)
    #: Facet masks of every region in ``words`` order, filled on the first query when the set is small enough
    #: (``_FACET_CACHE_MAX`` entries); a later query then costs one lookup per pattern instead of one per pattern
    #: and hyperplane.
    cache: dict = field(repr=False, default_factory=dict, compare=False)

    @property
    def facets_cached(self) -> bool:
        """The facet masks of every region fit in one table (``_FACET_CACHE_MAX`` entries): a query is then one
        hash lookup per pattern; above it (Gaussian (100, 5): 7.9 million regions) one per pattern and
        hyperplane."""
        return self.hashes is not None and self.hashes.size * self.masks.shape[0] <= _FACET_CACHE_MAX

    def facet_mask(self, patterns, *, chunk: int = 262144) -> np.ndarray:
        """Boolean ``(B, H)``: hyperplane ``h`` carries a facet of the cone of each pattern (rows of the set).

        >>> X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
        >>> idx = region_index(X, np.array([[1, 1, 1], [1, 0, 1], [0, 1, 1], [1, 0, 0], [0, 1, 0], [0, 0, 0]], bool))
        >>> idx.facet_mask(np.array([[1, 1, 1]], bool)).tolist()   # the quadrant u ≥ 0: facets u_1 = 0, u_2 = 0
        [[True, True, False]]
        """
        P = np.atleast_2d(np.asarray(patterns, dtype=bool))
        H = self.masks.shape[0]
        out = np.zeros((P.shape[0], H), dtype=bool)
        if H == 0 or P.shape[0] == 0:  # no hyperplane (all rows zero): every cone is the whole space
            return out
        # flipping the rows of hyperplane h is an XOR of the packed words with the packed mask of h (packing is
        # bitwise), so the neighbours' keys come without re-packing (P·H) boolean rows
        if self.facets_cached:
            if "facets" not in self.cache:
                self.cache["facets"] = self._flip_lookup(_unpack_words(self.words, P.shape[1]), chunk)
            w = pack_patterns(P)
            pos = _table_lookup(self.table, self.hashes, _hash_words(w))
            found = (pos >= 0) & np.all(self.words[np.maximum(pos, 0)] == w, axis=1)
            out[found] = self.cache["facets"][pos[found]]
            if not found.all():  # not a region of the set: its flips are looked up one by one
                out[~found] = self._flip_lookup(P[~found], chunk)
            return out
        if self.hashes is not None:  # too many regions to cache them all: remember the patterns asked for
            return self._memo_lookup(P, chunk)
        return self._flip_lookup(P, chunk)

    def _memo_lookup(self, P, chunk):
        """Facet masks through a memo of earlier answers (by hash, confirmed on the full words): pricing asks
        for the same near-tight patterns round after round."""
        memo = self.cache.setdefault("memo", {})
        w = pack_patterns(P)
        out = np.zeros((P.shape[0], self.masks.shape[0]), dtype=bool)
        miss = []
        hs = _hash_words(w).tolist()
        for i, (hv, row) in enumerate(zip(hs, w)):
            got = memo.get(hv)
            if got is not None and got[0] == row.tobytes():
                out[i] = got[1]
            else:
                miss.append(i)
        if miss:
            miss = np.asarray(miss, dtype=np.int64)
            out[miss] = self._flip_lookup(P[miss], chunk)
            if len(memo) < _FACET_MEMO_MAX:
                for i in miss.tolist():
                    memo[hs[i]] = (w[i].tobytes(), out[i].copy())
        return out

    def _flip_lookup(self, P, chunk):
        H = self.masks.shape[0]
        out = np.zeros((P.shape[0], H), dtype=bool)
        masks = pack_patterns(self.masks)
        step = max(1, chunk // max(1, H))
        for s in range(0, P.shape[0], step):
            flips = (pack_patterns(P[s:s + step])[:, None, :] ^ masks[None, :, :]).reshape(-1, masks.shape[1])
            if self.hashes is not None:  # look the hashes up, confirm on the full words
                pos = _table_lookup(self.table, self.hashes, _hash_words(flips))
                hit = (pos >= 0) & np.all(self.words[np.maximum(pos, 0)] == flips, axis=1)
            else:
                keys = row_keys(flips)
                pos = np.minimum(np.searchsorted(self.keys, keys), self.keys.shape[0] - 1)
                hit = self.keys[pos] == keys
            out[s:s + step] = hit.reshape(-1, H)
        return out

    def facet_rows(self, pattern) -> np.ndarray:
        """One row index per facet hyperplane of the region cone of ``pattern`` (a row of the region set).

        >>> X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
        >>> idx = region_index(X, np.array([[1, 1, 1], [1, 0, 1], [0, 1, 1], [1, 0, 0], [0, 1, 0], [0, 0, 0]], bool))
        >>> idx.facet_rows(np.array([1, 1, 1], bool)).tolist()
        [0, 1]
        """
        return self.representatives[self.facet_mask(pattern)[0]]

    @property
    def representatives(self) -> np.ndarray:
        """First row of each hyperplane group."""
        return np.array([int(g[0]) for g in self.groups], dtype=np.int64)


def region_index(X, patterns) -> RegionIndex:
    """Index the complete region set ``patterns`` of ``X`` for :meth:`RegionIndex.facet_rows`."""
    P = to_numpy(patterns).astype(bool)
    groups = hyperplane_groups(X)
    masks = np.zeros((len(groups), P.shape[1]), dtype=bool)
    for h, g in enumerate(groups):
        masks[h, g] = True
    words = pack_patterns(P)
    hashes = _hash_words(words)
    keys = None
    table = _hash_table(hashes)
    if table is None:  # two regions share a hash: search the sorted raw keys instead
        hashes, words, keys = None, None, np.sort(_row_keys(P))
    return RegionIndex(keys=keys, groups=groups, masks=masks, hashes=hashes, words=words, table=table)


def _hash_table(hashes: np.ndarray) -> np.ndarray | None:
    """Open-addressing table (linear probing, load ≤ 1/2) of 64-bit ``hashes``: slot → index, ``-1`` empty;
    ``None`` when two hashes are equal.  Built in vectorized passes: each pass writes every pending key into its
    free probe slot, keeps the one write that landed per slot, and moves the others (and keys whose slot is taken)
    one slot on."""
    T = 1 << max(4, int(np.ceil(np.log2(2 * max(1, hashes.size)))))
    itype = np.int32 if hashes.size < 2**31 - 1 else np.int64
    table = np.full(T, -1, dtype=itype)
    slot = (hashes & np.uint64(T - 1)).astype(np.int64)
    pending = np.arange(hashes.size, dtype=np.int64)
    while pending.size:
        s = slot[pending]
        occ = table[s].astype(np.int64)
        taken = occ >= 0
        if np.any(hashes[occ[taken]] == hashes[pending[taken]]):
            return None
        free = ~taken
        table[s[free]] = pending[free]  # duplicate slots: one write wins
        won = np.zeros(pending.size, dtype=bool)
        won[free] = table[s[free]] == pending[free]
        lost = free & ~won  # a loser of this pass must differ from the key that took its slot
        if np.any(hashes[table[s[lost]].astype(np.int64)] == hashes[pending[lost]]):
            return None
        pending, s = pending[~won], s[~won]
        slot[pending] = (s + 1) & (T - 1)
    return table


def _table_lookup(table: np.ndarray, hashes: np.ndarray, query: np.ndarray) -> np.ndarray:
    """Index of each ``query`` hash in ``hashes`` through ``table`` (:func:`_hash_table`), ``-1`` if absent."""
    T = table.shape[0]
    out = np.full(query.shape[0], -1, dtype=np.int64)
    s = (query & np.uint64(T - 1)).astype(np.int64)
    live = np.arange(query.shape[0], dtype=np.int64)
    while live.size:
        idx = table[s[live]].astype(np.int64)
        hit = idx >= 0
        match = np.zeros(live.size, dtype=bool)
        match[hit] = hashes[idx[hit]] == query[live[hit]]
        out[live[match]] = idx[match]
        go = hit & ~match  # an occupied slot of another key: probe the next one
        live = live[go]
        s[live] = (s[live] + 1) & (T - 1)
    return out


#: :class:`RegionIndex` caches the facet masks of all its regions when there are at most this many (region,
#: hyperplane) pairs (one byte each).
_FACET_CACHE_MAX = 50_000_000
#: ... else it remembers the facet masks of at most this many patterns asked for (about 200 bytes each).
_FACET_MEMO_MAX = 1_000_000


def _unpack_words(words: np.ndarray, n: int) -> np.ndarray:
    """Boolean patterns ``(k, n)`` back from the words of :func:`geom.kernels.pack_patterns` (63 bits a word,
    entry ``j`` at bit ``62 − (j mod 63)`` of word ``j // 63``)."""
    j = np.arange(n)
    bits = (np.int64(62) - (j % 63)).astype(np.int64)
    return ((words[:, j // 63] >> bits[None, :]) & 1).astype(bool)


def _hash_words(words: np.ndarray) -> np.ndarray:
    """A 64-bit hash per row of packed words (splitmix64 mixing, wrapping ``uint64`` arithmetic)."""
    w = np.ascontiguousarray(words).view(np.uint64)
    h = np.full(w.shape[0], 0x243F6A8885A308D3, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(w.shape[1]):  # splitmix64's finalizer on (h + word)
            z = h + w[:, j] + np.uint64(0x9E3779B97F4A7C15)
            z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
            z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
            h = z ^ (z >> np.uint64(31))
    return h


def cone_rows(X, pattern, rows=None) -> np.ndarray:
    """``B = (2D − I) X`` restricted to ``rows`` (all rows if ``None``): the cone is ``{u : B u ≥ 0}``."""
    X = np.asarray(X, dtype=np.float64)
    pattern = np.asarray(pattern, dtype=bool)
    if rows is not None:
        X, pattern = X[rows], pattern[rows]
    return np.where(pattern[:, None], X, -X)


@dataclass(frozen=True)
class DualValues:
    """Per-pattern dual values ``‖Π_{C_k}(±Xᵀ D_k ν)‖`` and the maximizing unit directions.

    Attributes
    ----------
    values : ndarray (P, 2)
        Column 0 for ``+Xᵀ D_k ν`` (positive output weight, ``u`` slot), column 1 for ``−Xᵀ D_k ν`` (``v`` slot).
        Float estimates; entries settled by the screens below ``threshold`` hold ``0`` (see ``computed`` and
        ``upper``).
    directions : ndarray (P, 2, d)
        ``Π/‖Π‖`` where computed (zeros otherwise).  Float vectors: a caller that builds a claim on one (an
        escape direction) must check it (:func:`geom.duality.verify_escapes`).
    computed : ndarray of bool (P, 2)
        Which entries were actually projected (screen or active set).
    phi : float
        ``max`` of the computed values: ``φ(ν)`` whenever every entry that could exceed it was computed.
    argmax : tuple (k, s)
    n_active_set : int
        Projections that needed the active-set solver.
    upper : ndarray (P, 2)
        Rigorous upper bounds of the exact values (float64 rounding included): the active-set value or the
        screens' bound, plus a Higham allowance for the rounding of ``Xᵀ D_k ν`` and of the projection.
    complete : bool
        Every entry that could exceed ``threshold`` was computed (``False`` only when ``limit`` stopped early).
    """

    values: np.ndarray = field(repr=False)
    directions: np.ndarray = field(repr=False)
    computed: np.ndarray = field(repr=False)
    phi: float
    argmax: tuple
    n_active_set: int
    upper: np.ndarray = field(repr=False, default=None)
    complete: bool = True

    @property
    def phi_upper(self) -> float:
        """A rigorous upper bound of ``φ(ν)`` over the patterns (``max`` of ``upper``; ``0`` for no pattern).

        Unlike ``phi`` it holds whatever ``threshold`` and ``limit`` settled, so ``ν · min(1, β/phi_upper)`` is
        dual feasible for the pool (docs/theory.md §C.3).
        """
        return float(self.upper.max()) if self.upper is not None and self.upper.size else 0.0

    @classmethod
    def screen(cls, upper) -> "DualValues":
        """Only rigorous upper bounds ``upper`` (P, 2), no values or directions: the ``previous`` of a later
        :func:`dual_values` call (its Lipschitz screen) at a fraction of the memory of a full result."""
        P = upper.shape[0]
        return cls(values=np.zeros((P, 2)), directions=np.zeros((P, 2, 0)), computed=np.zeros((P, 2), dtype=bool),
                   phi=float("nan"), argmax=(0, 0), n_active_set=0, upper=upper)


def dual_values(X, nu, patterns, *, threshold: float | None = None, index: RegionIndex | None = None,
                limit: int | None = None, previous: tuple | None = None, chunk: int = 32768,
                exact: bool = True, skip=None, directions: bool = True) -> DualValues:
    """Dual values of every pattern and sign at ``ν`` (docs/theory.md §C.2).

    Parameters
    ----------
    X : array (n, d)
        Data (augmented with the ones column for a regularized bias).
    nu : array (n,)
        Dual variable, residual convention ``ν = y − ŷ`` (docs/theory.md §C.1).
    patterns : array of bool (P, n)
    threshold : float, optional
        Only entries whose (rigorous) upper bound exceeds ``threshold`` are projected (the others are certainly
        ``≤ threshold``).  ``None`` projects everything.
    index : RegionIndex, optional
        When ``patterns`` are regions of a complete region set, the active-set projections use only the facet
        rows of each cone (same cone, fewer constraints).  On an incomplete region set facets can be missed and
        the cones come out too large: the values are then still upper bounds, but not exact.
    limit : int, optional
        Stop projecting once ``limit`` entries above ``threshold`` are found, taking candidates in decreasing
        order of their upper bound (column generation needs a few violators, not all); ``complete`` is then
        ``False`` and ``phi`` is a lower bound (``phi_upper`` stays an upper bound).
    previous : tuple (DualValues, ndarray), optional
        The result at an earlier ``ν₀`` on the same patterns.  Projection onto a convex cone is 1-Lipschitz, so
        ``‖Π_C g‖ ≤ ‖Π_C g₀‖ + ‖g − g₀‖`` with ``g − g₀ = ±Xᵀ D_k (ν − ν₀)``: a third batched screen that
        settles almost everything between nearby column-generation rounds.
    exact : bool
        ``False`` (pricing only): an entry that the batched coordinate-descent screen finds clearly above
        ``threshold`` (its point lies in the cone up to ``_NEARLY_INSIDE`` relative, and ``gᵀp/‖p‖`` there
        exceeds the threshold: an estimate, not a proof) is not projected exactly: ``values`` then holds that
        screen's estimate and ``computed`` stays ``False``.  ``upper`` is rigorous either way; every entry not so proved is
        settled below ``threshold`` or projected exactly, so "no entry above ``threshold``" means the same in
        both modes.  Certificates use the default ``True``.
    skip : array of bool (P,), optional
        Patterns left to the batched screens only (never projected, never counted against ``limit``): column
        generation skips its working set, whose dual values it does not need.  ``upper`` stays rigorous.
    directions : bool
        ``False``: the maximizing directions are not kept (``directions`` has shape ``(P, 2, 0)``); a
        certificate needs only values and bounds, and on Gaussian (100, 5) the directions of the whole pool take
        628 MB.

    Notes
    -----
    Two batched screens decide most entries without an active-set solve.  (1) ``g = ±Xᵀ D_k ν ∈ C_k`` gives
    ``Π = g``.  (2) For every row ``b_i`` of the cone with ``b_iᵀg < 0``, ``C_k`` lies in the half-space
    ``{b_iᵀu ≥ 0}``, and projecting onto a larger cone cannot shorten the projection
    (``‖Π_C g‖ = max_{u∈C,‖u‖≤1} gᵀu``), so ``‖Π_{C_k} g‖ ≤ (‖g‖² − (b_iᵀg)²/‖b_i‖²)^{1/2}``; an entry whose
    bound is ``≤ threshold`` is settled.  Both screens are two matrix products on the caller's array library.

    Rounding.  With ``A_k = ‖|X|ᵀ D_k |ν|‖`` (one more product) the computed ``g`` is within ``γ_n A_k`` of the
    exact one (Higham, §3.5) and every screen quantity within ``γ_{n+d+4}`` of its exact value relative to
    ``A_k``; the bound of screen (2) is enlarged by that amount before it settles anything, and ``upper``
    carries the allowance.  An active-set value ``‖g + Bᵀλ‖`` bounds the exact one from above for any
    ``λ ≥ 0`` (:func:`_project`), so ``upper`` is rigorous even where the solver is inaccurate.
    """
    Xn = to_numpy(X).astype(np.float64)
    nun = to_numpy(nu).astype(np.float64)
    Pn = np.asarray(to_numpy(patterns), dtype=bool)  # (no copy of a boolean pool: 785 MB at Gaussian (100, 5))
    P, d = Pn.shape[0], Xn.shape[1]
    n = Xn.shape[0]
    g_round = gamma(n + d + 4)
    values = np.zeros((P, 2))
    dirs = np.zeros((P, 2, d)) if directions else _Discard()
    computed = np.zeros((P, 2), dtype=bool)
    upper = np.zeros((P, 2))
    slack = np.zeros(P)
    xp = array_namespace(X)
    on_host = isinstance(X, np.ndarray) or not hasattr(X, "shape")
    Xx = Xn if on_host else X
    nu_x = nun if on_host else asarray_like(nun, X)
    row_norms = np.linalg.norm(Xn, axis=1)
    inv = np.where(row_norms > 0, 1.0 / np.where(row_norms > 0, row_norms, 1.0), 0.0)
    absX = np.abs(Xn)
    thr = -1.0 if threshold is None else float(threshold)
    if previous is not None:
        prev_dv, prev_nu = previous
        dnu = nun - to_numpy(prev_nu).astype(np.float64)
        prev_upper = prev_dv.upper
    # one host product per chunk gives g = Xᵀ D_k ν (host arrays), the rounding scale A_k = ‖|X|ᵀ D_k |ν|‖ and,
    # with ``previous``, ‖Xᵀ D_k (ν − ν₀)‖ and its rounding scale: D_k is 0/1, so D_k-weighted sums of the rows
    # of νX are Xᵀ D_k ν with the same rounding as the product itself
    nuX = nun[:, None] * Xn
    R = [np.abs(nun)[:, None] * absX]
    if previous is not None:
        R += [dnu[:, None] * Xn, np.abs(dnu)[:, None] * absX]
    R = np.concatenate(([nuX] if on_host else []) + R, axis=1)
    off = d if on_host else 0
    XTi = (Xn * inv[:, None]).T
    XTi_x = XTi if on_host else asarray_like(XTi, X)
    skip_n = None if skip is None else np.asarray(skip, dtype=bool)
    pend_ub, pend_k, pend_col, pend_sub = [], [], [], []
    use_sub = on_host and index is not None and thr >= 0 and n > 2 * _SUBSET_ROWS and not index.facets_cached
    for s in range(0, P, chunk):
        pk = Pn[s:s + chunk]
        e = s + pk.shape[0]
        Q = pk.astype(np.float64) @ R  # per chunk: no (P, n) float array is ever held
        sl = g_round * np.linalg.norm(Q[:, off:off + d], axis=1)
        slack[s:e] = sl
        if on_host:
            Gh = Q[:, :d]
        else:  # the batched part runs on the caller's array library (and device)
            pk_x = asarray_like(pk, X, dtype=xp.bool)
            G_x = xp.matmul(xp.astype(pk_x, Xx.dtype) * nu_x[None, :], Xx)  # rows Xᵀ D_k ν
            Gh = to_numpy(G_x).astype(np.float64)
        sq = np.sum(Gh * Gh, axis=1)
        norms = np.sqrt(sq)
        # screen (0): ‖Π_C g‖ ≤ ‖g‖, and with ``previous`` the Lipschitz bound; rows settled by it for both signs
        # (or skipped) need no (chunk, n) work at all
        ub0 = np.repeat((norms * (1.0 + g_round) + sl)[:, None], 2, axis=1)
        if previous is not None:
            dnorm = np.linalg.norm(Q[:, off + d:off + 2 * d], axis=1) * (1.0 + _LIPSCHITZ_ROUNDING) \
                + g_round * np.linalg.norm(Q[:, off + 2 * d:off + 3 * d], axis=1)
            ub0 = np.minimum(ub0, prev_upper[s:e] + dnorm[:, None])
        del Q
        upper[s:e] = ub0
        need = np.any(~(ub0 <= thr), axis=1)
        if skip_n is not None:
            need &= ~skip_n[s:e]
        rows_idx = np.flatnonzero(need)
        if rows_idx.size == 0:
            continue
        # screens (1)–(2) on the remaining rows: S_i = x_iᵀ g / ‖x_i‖ signed by the pattern is b_iᵀg/‖b_i‖ for
        # the cone rows b_i = ±x_i of +g; those of −g are −S
        if on_host:
            M = Gh[rows_idx] @ XTi
            Sg = np.where(pk[rows_idx], M, -M)
            worst_pair = (np.minimum(Sg, 0.0).min(axis=1), -np.maximum(Sg, 0.0).max(axis=1))
        else:
            sel_x = asarray_like(rows_idx, X, dtype=xp.int64)
            M = xp.matmul(xp.take(G_x, sel_x, axis=0), XTi_x)
            Sg = xp.where(xp.take(pk_x, sel_x, axis=0), M, -M)
            zero = xp.zeros_like(Sg)
            worst_pair = (to_numpy(xp.min(xp.where(Sg < 0, Sg, zero), axis=1)).astype(np.float64),
                          -to_numpy(xp.max(xp.where(Sg > 0, Sg, zero), axis=1)).astype(np.float64))
        del M
        Gr, slr, sqr, normsr = Gh[rows_idx], sl[rows_idx], sq[rows_idx], norms[rows_idx]
        for col, sign in ((0, 1.0), (1, -1.0)):
            worst = worst_pair[col]
            # screen (2) with its rounding allowance: |sq − worst²| is off by at most ~4 A_k (γ A_k)·2
            ub = np.sqrt(np.maximum(sqr - worst * worst, 0.0) + 8.0 * (normsr + slr) * slr) + slr
            ub = np.minimum(ub, ub0[rows_idx, col])
            kk = s + rows_idx
            upper[kk, col] = ub
            inside = (worst >= 0) & (normsr > thr)
            idx = np.flatnonzero(inside)
            values[kk[idx], col] = normsr[idx]
            upper[kk[idx], col] = normsr[idx] * (1.0 + g_round) + slr[idx]
            with np.errstate(invalid="ignore", divide="ignore"):
                dirs[kk[idx], col] = np.where(normsr[idx, None] > 0, sign * Gr[idx] / normsr[idx, None], 0.0)
            computed[kk[idx], col] = True
            rest = np.flatnonzero(~((worst >= 0) | (ub <= thr)))
            if rest.size:
                pend_ub.append(ub[rest])
                pend_k.append(kk[rest])
                pend_col.append(np.full(rest.size, col, dtype=np.int8))
                if use_sub:  # the most violated rows of the pending entries: a small superset cone of each
                    pend_sub.append(np.argpartition(Sg[rest] if col == 0 else -Sg[rest], _SUBSET_ROWS,
                                                    axis=1)[:, :_SUBSET_ROWS].astype(np.int32))
        del Sg
    above = values > thr
    found = int(np.sum(above if skip_n is None else above & ~skip_n[:, None]))
    n_as = 0
    complete = True
    if pend_ub:
        ub_all, k_all, col_all = np.concatenate(pend_ub), np.concatenate(pend_k), np.concatenate(pend_col)
    else:
        ub_all, k_all, col_all = np.zeros(0), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int8)
    sub_all = np.concatenate(pend_sub) if pend_sub else None
    del pend_ub, pend_k, pend_col, pend_sub
    order = np.argsort(-ub_all, kind="stable")
    reps = index.representatives if index is not None else None
    pos, block = 0, _FIRST_BLOCK
    while pos < order.size:
        if limit is not None and found >= limit:
            complete = False
            break
        sel = order[pos:pos + block]
        pos += sel.size
        block = min(2 * block, _MAX_BLOCK)
        ks, cols = k_all[sel], col_all[sel]
        Gb = np.where(cols == 0, 1.0, -1.0)[:, None] * (Pn[ks].astype(np.float64) @ nuX)  # ±Xᵀ D_k ν again
        if sub_all is not None:  # first the superset cone of the most violated rows: no facet lookup
            keep = ~_subset_stage(Xn, Pn, ks, cols, Gb, sub_all[sel], ub_all[sel], slack, thr, g_round, upper)
            sel, ks, cols, Gb = sel[keep], ks[keep], cols[keep], Gb[keep]
            if sel.size == 0:
                continue
        rows = _cone_rows_batch(Xn, Pn, ks, index, reps)
        B = np.where(Pn[ks[:, None], rows] , 1.0, -1.0)[:, :, None] * Xn[rows]  # (N, m, d), padded rows are 0
        B[rows == _PAD] = 0.0
        # batched screen: Hildreth's coordinate descent on min_{λ≥0} ‖g + Bᵀλ‖ gives, for any λ ≥ 0 it reaches,
        # the rigorous bound ‖g + Bᵀλ‖ ≥ ‖Π g‖ (see _project); entries it settles below the threshold are not
        # projected exactly (their value stays 0, ``computed`` False, ``upper`` the bound)
        if thr >= 0:
            pb, lam = _hildreth(Gb, B, max(3, min(_HILDRETH_SWEEPS, _HILDRETH_STEPS // B.shape[1])))
            nvb = np.linalg.norm(pb, axis=1)
            lam_scale = np.linalg.norm(np.einsum("nm,nmd->nd", lam, np.abs(B)), axis=1)
            ub_b = nvb * (1.0 + g_round) + slack[ks] + g_round * (np.linalg.norm(Gb, axis=1) + lam_scale)
            ub_b = np.minimum(ub_all[sel], ub_b)
            upper[ks, cols] = ub_b
            todo = ~(ub_b <= thr)  # a NaN bound (screen broke down) is projected exactly, never settled
            if not exact:  # clear violators: the screen's point is (nearly) in the cone and its value exceeds thr
                bn = np.sqrt(np.einsum("nmd,nmd->nm", B, B))
                slip = np.max(np.maximum(-np.einsum("nmd,nd->nm", B, pb), 0.0) / np.where(bn > 0, bn, 1.0), axis=1)
                inside = (nvb > 0) & (slip <= _NEARLY_INSIDE * nvb)
                with np.errstate(invalid="ignore", divide="ignore"):
                    low = np.einsum("nd,nd->n", Gb, pb) / nvb - slack[ks] - g_round * np.linalg.norm(Gb, axis=1)
                proved = todo & inside & (low > thr)
                pi = np.flatnonzero(proved)
                values[ks[pi], cols[pi]] = nvb[pi]
                dirs[ks[pi], cols[pi]] = pb[pi] / nvb[pi, None]
                found += int(pi.size)
                todo &= ~proved
            to_project = np.flatnonzero(todo)
        else:
            to_project = np.arange(sel.size)
            lam = _hildreth(Gb, B, 3)[1]
        all_rows = np.zeros(sel.size, dtype=bool)  # entries to project with every row of their cone
        if to_project.size:  # a batched active-set solve settles most of them (KKT-checked); the rest go to _project
            ok, pa, la, va = _active_set_batch(Gb[to_project], B[to_project], lam[to_project])
            if index is not None and ok.any():  # the facet rows hold the cone exactly, but not always in floats
                oi = np.flatnonzero(ok)
                out = _outside(Xn, Pn[ks[to_project[oi]]], va[oi], Gb[to_project[oi]], row_norms)
                ok[oi[out]] = False
                all_rows[to_project[oi[out]]] = True
            hit = to_project[ok]
            pa, la, va = pa[ok], la[ok], va[ok]
            nvp, nva = np.linalg.norm(pa, axis=1), np.linalg.norm(va, axis=1)
            kh, ch = ks[hit], cols[hit]
            values[kh, ch] = nva
            with np.errstate(invalid="ignore", divide="ignore"):
                dirs[kh, ch] = np.where(nva[:, None] > 0, va / np.where(nva > 0, nva, 1.0)[:, None], 0.0)
            computed[kh, ch] = True
            lam_scale = np.linalg.norm(np.einsum("nm,nmd->nd", la, np.abs(B[hit])), axis=1)
            upper[kh, ch] = np.minimum(ub_all[sel[hit]], nvp * (1.0 + g_round) + slack[kh]
                                       + g_round * (np.linalg.norm(Gb[hit], axis=1) + lam_scale))
            n_as += int(hit.size)
            found += int(np.sum(nva > thr))
            to_project = to_project[~ok]
        for i in to_project:
            k, col, g = int(ks[i]), int(cols[i]), Gb[i]
            Bk = cone_rows(Xn, Pn[k]) if all_rows[i] else B[i][rows[i] != _PAD]
            p, lam = _project(g, Bk)
            if index is not None and not all_rows[i] and _outside(Xn, Pn[k:k + 1], p[None], g[None], row_norms)[0]:
                Bk = cone_rows(Xn, Pn[k])
                p, lam = _project(g, Bk)
            nv = float(np.linalg.norm(p))
            values[k, col] = nv
            if nv > 0:
                dirs[k, col] = p / nv
            computed[k, col] = True
            # ‖g + Bᵀλ‖ ≥ ‖Π g‖ for λ ≥ 0; rounding of g, of Bᵀλ and of the norm on top
            lam_scale = float(np.linalg.norm(np.abs(Bk).T @ lam)) if lam.size else 0.0
            upper[k, col] = min(ub_all[sel[i]], nv * (1.0 + g_round) + slack[k]
                                + g_round * (float(np.linalg.norm(g)) + lam_scale))
            n_as += 1
            found += nv > thr
    flat = int(np.argmax(values)) if P else 0
    phi = float(values.max()) if P else 0.0
    if not directions:
        dirs = np.zeros((P, 2, 0))
    return DualValues(values=values, directions=dirs, computed=computed, phi=phi,
                      argmax=(flat // 2, flat % 2), n_active_set=n_as, upper=upper, complete=complete)


class _Discard:
    """Stands in for the directions array of :func:`dual_values` when they are not kept: writes are dropped."""

    def __setitem__(self, key, value) -> None:
        pass


#: ``exact=False`` of :func:`dual_values`: a screen point whose cone rows it violates by at most this fraction
#: of its norm counts as inside (the pricing estimate of a clear violator; never used by a certificate).
_NEARLY_INSIDE = 0.0
#: Pending entries are first bounded on the cone of this many of their most violated rows (a superset of the
#: pattern's cone: :func:`_subset_stage`), which settles most without looking up their facets.  The stage runs
#: only where facet lookups are dear: on a region index too large for the facet cache
#: (:attr:`RegionIndex.facets_cached`; Gaussian (100, 5), 7.9 million regions).  With the cache a lookup is one
#: hash probe per pattern, and the stage, run on every pending entry (violators included, which it can never
#: settle), costs more than it saves: column generation's pricing on diabetes (100, 3) 1.4 → 0.75 s, Gaussian
#: (60, 4) 2.6 → 1.8 s, diabetes (100, 2) + bias 0.15 → 0.07 s (same rounds).
_SUBSET_ROWS = 8
#: ... with this many coordinate-descent sweeps before the active set.
_SUBSET_SWEEPS = 12
#: Padding index of :func:`_cone_rows_batch` (a row of zeros in the batched cone matrices).
_PAD = -1
#: Pending entries of :func:`dual_values` are screened in blocks of growing size (the first block is small so
#: that a ``limit`` of a few violators stops early), at most ``_MAX_BLOCK`` at a time.
_FIRST_BLOCK = 256
_MAX_BLOCK = 16384
#: Sweeps of the batched coordinate-descent screen (any number gives a rigorous bound; more settle more).
_HILDRETH_SWEEPS = 3
#: ... and at most this many coordinate steps per sweep block (``sweeps · m``; cones with every row kept have
#: ``m = n``), at least three sweeps.
_HILDRETH_STEPS = 400
#: Steps of the batched active-set method (:func:`_active_set_batch`) before the entries it has not solved go to
#: the one-by-one solver :func:`_project` (each step is a batched SVD; started from the Hildreth point, most cones
#: settle in a few).
_ACTIVE_SET_ITERS = 12


def _subset_stage(X, P, ks, cols, G, sub, ub_prev, slack, thr, g_round, upper):
    """Pending entries of :func:`dual_values` against the cone of their ``_SUBSET_ROWS`` most violated rows (a
    superset of ``C_k``: any ``λ ≥ 0`` on those rows bounds ``‖Π_{C_k} g‖`` from above, docs/theory.md §C.2).
    Entries whose bound is ``≤ thr`` are settled (``upper`` written); returns which.  Nothing is claimed exact
    here: a superset projection that lands within rounding of ``C_k`` can still be far from ``Π_{C_k} g`` when
    ``C_k`` is a sliver (nearly parallel facet rows), so values come from the facet rows only.
    """
    B = np.where(P[ks[:, None], sub], 1.0, -1.0)[:, :, None] * X[sub]

    def bound(p, lam, G, B, ks):
        lam_scale = np.linalg.norm(np.einsum("nm,nmd->nd", lam, np.abs(B)), axis=1)
        return np.linalg.norm(p, axis=1) * (1.0 + g_round) + slack[ks] + g_round * (np.linalg.norm(G, axis=1)
                                                                                     + lam_scale)

    # coordinate descent alone settles most (cheap); the active set tightens the bound of the others
    ph, lh = _hildreth(G, B, _SUBSET_SWEEPS)
    ub = np.minimum(ub_prev, bound(ph, lh, G, B, ks))
    go = np.flatnonzero(~(ub <= thr))
    if go.size:
        _, p_g, lam_g, _ = _active_set_batch(G[go], B[go], lh[go])
        ub[go] = np.minimum(ub[go], bound(p_g, lam_g, G[go], B[go], ks[go]))
    settled = ub <= thr
    upper[ks[settled], cols[settled]] = ub[settled]
    return settled


def _outside(X, pats, V, G, row_norms) -> np.ndarray:
    """Which points ``V`` (one per pattern of ``pats``) violate a row of their *whole* cone ``(2D − I)X v ≥ 0``
    by more than ``_KKT_RTOL ‖x_i‖ ‖g‖``.

    The facet rows of a region (:class:`RegionIndex`) describe its cone exactly, so a projection onto them is the
    projection onto the cone; but a sliver cone between two nearly opposite facet rows is not held by them in
    floats, and the float projection can land on the wrong side, far outside.  A point inside every row (and KKT
    for the facet rows) is the projection onto the whole cone, which is contained in the facet cone.
    """
    S = np.where(pats, 1.0, -1.0) * (V @ X.T)
    scale = np.linalg.norm(G, axis=1)
    with np.errstate(invalid="ignore"):
        return ~np.all(S >= -_KKT_RTOL * row_norms[None, :] * scale[:, None], axis=1)


def _cone_rows_batch(X, P, ks, index, reps) -> np.ndarray:
    """``(N, m)`` row indices of the cones of patterns ``P[ks]`` (facet rows with ``index``, else every row),
    padded with ``_PAD``."""
    n = X.shape[0]
    if index is None:
        return np.broadcast_to(np.arange(n), (ks.size, n)).copy()
    uniq, inv = np.unique(ks, return_inverse=True)
    mask = index.facet_mask(P[uniq])[inv]
    m = max(1, int(mask.sum(axis=1).max(initial=0)))
    rank = np.cumsum(mask, axis=1) - 1
    out = np.full((ks.size, m), _PAD, dtype=np.int64)
    r, h = np.nonzero(mask)
    out[r, rank[r, h]] = reps[h]
    return out


def _active_set_batch(G, B, lam0, iters: int = _ACTIVE_SET_ITERS):
    """Batched Lawson–Hanson active-set method for ``min_{λ≥0} ½‖g + Bᵀλ‖²`` (``G`` (N, d), ``B`` (N, m, d) with
    zero rows as padding), started from the feasible point ``lam0 ≥ 0`` (e.g. a few Hildreth sweeps).

    Every step solves, for all entries at once, the least-squares problem ``min ‖g + B_Sᵀz‖`` on the active rows
    ``S`` (one batched SVD of the ``B_Sᵀ``: orthonormal factors, so the projection is accurate to rounding even on
    thin cones).  Where ``z_S > 0`` the entry moves to ``λ = z`` and adds its most violated row (``(Bp)_i < 0``);
    else it steps from ``λ`` towards ``z`` until a multiplier reaches zero and drops it (the primal step of
    Lawson–Hanson, which cannot cycle).  An entry is solved when ``z_S > 0`` and no row is violated: ``p`` is then
    the exact projection up to rounding.  Returns ``(ok, p, λ, v)``: ``λ ≥ 0``, ``p = g + Bᵀλ`` recomputed from
    ``λ``, ``ok`` where the pair also passes the KKT test of :func:`_project` (a NaN fails it), and the value point
    ``v`` (``p``, or exactly ``0`` where the active rows have full rank: ``g`` is then in the polar cone).
    Whatever ``ok`` says, ``‖p‖`` bounds ``‖Π_C g‖`` from above (``λ ≥ 0``).
    """
    N, m, d = B.shape
    bn = np.sqrt(np.einsum("nmd,nmd->nm", B, B))
    s = np.linalg.norm(G, axis=1)
    lam = np.where(bn > 0, np.maximum(np.nan_to_num(lam0), 0.0), 0.0)
    S = lam > 0
    ok = np.zeros(N, dtype=bool)
    full = np.zeros(N, dtype=bool)
    live = np.flatnonzero((s > 0) & np.all(np.isfinite(G), axis=1))
    ok[s == 0] = True
    for _ in range(iters):
        if live.size == 0:
            break
        Sl, Bl, Gl = S[live], B[live], G[live]
        with np.errstate(all="ignore"):
            Uf, sv, Vt = np.linalg.svd(np.swapaxes(Bl * Sl[:, :, None], 1, 2), full_matrices=False)
            keep = sv > sv[:, :1] * (max(m, d) * _RANK_EPS)
            coef = -np.einsum("ndr,nd->nr", Uf, Gl) / np.where(keep, sv, 1.0) * keep
            z = np.where(Sl, np.einsum("nrm,nr->nm", Vt, coef), 0.0)
        pos = np.all(~Sl | (z > 0), axis=1) & np.all(np.isfinite(z), axis=1)
        # entries with z_S > 0: accept z, then add the most violated row (or finish)
        lz = np.where(pos[:, None], z, lam[live])
        p = Gl + np.einsum("nm,nmd->nd", lz, Bl)
        w = -np.einsum("nmd,nd->nm", Bl, p)
        cand = ~Sl & (bn[live] > 0) & (w > _ENTER_RTOL * bn[live] * s[live][:, None])
        fin = pos & ~cand.any(axis=1)
        add = pos & ~fin
        top = np.argmax(np.where(cand, w, -np.inf), axis=1)
        Sl[add, top[add]] = True
        # entries with some z_i ≤ 0 on S: step towards z until a multiplier vanishes
        neg = ~pos & np.all(np.isfinite(z), axis=1)
        lo = lam[live]
        with np.errstate(all="ignore"):
            ratio = np.where(Sl & (z <= 0) & neg[:, None], lo / (lo - z), np.inf)
        alpha = np.clip(np.min(ratio, axis=1), 0.0, 1.0)
        stepped = lo + alpha[:, None] * (z - lo)
        lz = np.where(neg[:, None], stepped, lz)
        at = np.argmin(ratio, axis=1)
        drop = np.zeros_like(Sl)
        drop[np.flatnonzero(neg), at[neg]] = True
        Sl = np.where(neg[:, None], Sl & (lz > 0) & ~drop, Sl)
        lz = np.where(Sl, np.maximum(lz, 0.0), 0.0)
        lam[live], S[live] = lz, Sl
        full[live[fin]] = np.sum(keep[fin], axis=1) == d
        ok[live[fin]] = True
        live = live[~fin & np.all(np.isfinite(z), axis=1)]
    p = G + np.einsum("nm,nmd->nd", lam, B)
    Bp = np.einsum("nmd,nd->nm", B, p)
    with np.errstate(invalid="ignore"):
        ok &= np.all(Bp >= -_KKT_RTOL * bn * s[:, None], axis=1)
        ok &= np.all(lam * np.abs(Bp) <= _KKT_RTOL * (s * s)[:, None], axis=1)
        ok &= np.all(np.isfinite(p), axis=1)
    v = np.where((full & ok)[:, None], 0.0, p)
    return ok, p, lam, v


def _hildreth(G, B, sweeps: int):
    """``(g + Bᵀλ, λ)`` after ``sweeps`` sweeps of coordinate descent on ``min_{λ≥0} ½‖g + Bᵀλ‖²`` for a batch
    (``G`` (N, d), ``B`` (N, m, d) with zero rows as padding).  Every iterate has ``λ ≥ 0``; the returned point
    is recomputed from ``λ`` in one product (no accumulated rounding)."""
    N, m, _ = B.shape
    bb = np.einsum("nmd,nmd->nm", B, B)
    inv = np.where(bb > 0, 1.0 / np.where(bb > 0, bb, 1.0), 0.0)
    lam = np.zeros((N, m))
    p = G.copy()
    for _ in range(sweeps):
        for j in range(m):
            bj = B[:, j, :]
            new = np.maximum(lam[:, j] - np.einsum("nd,nd->n", bj, p) * inv[:, j], 0.0)
            p += bj * (new - lam[:, j])[:, None]
            lam[:, j] = new
    return G + np.einsum("nm,nmd->nd", lam, B), lam
