"""Batched numeric kernels of the GPU-optional core (Array API standard only).

Every kernel picks the array library from its inputs (NumPy, PyTorch, CuPy, array-api-strict) and returns
arrays of the same library, dtype and device.  Leading axes are batch axes: many directions ``u`` at once,
many networks at once.

Conventions (docs/theory.md §A.1–A.2): an activation pattern is ``1[Xu ≥ 0]`` (ties active); a network is
``θ = (U (m×d), α (m,))`` with output ``f_θ(X) = Σ_j (X u_j)_+ α_j`` and objective
``½‖f_θ(X) − y‖² + (β/2)(‖U‖_F² + ‖α‖²)``.

Examples
--------
>>> import numpy as np
>>> X = np.array([[1.0, 0.0], [-1.0, 0.0], [0.0, 1.0]])
>>> activation_patterns(X, np.array([[0.0, 1.0], [1.0, -1.0]])).astype(int).tolist()
[[1, 1, 1], [1, 0, 0]]
>>> keys = pack_patterns(np.array([[True, False], [True, False], [False, True]]))
>>> unique_pattern_indices(keys).tolist()
[2, 0]
"""

from __future__ import annotations

import math

import numpy as np

from ._xp import array_namespace, device_of

__all__ = [
    "activation_patterns",
    "pack_patterns",
    "unpack_patterns",
    "unique_pattern_indices",
    "row_keys",
    "packed_first_distinct",
    "first_distinct_int_rows",
    "packed_hashes",
    "hashed_distinct",
    "packed_lex_order",
    "relu_forward",
    "relu_objective",
    "relu_gradients",
    "BITS_PER_WORD",
]

#: Sign bits stored per int64 word of a packed pattern (the sign bit is left unused).
BITS_PER_WORD = 63


def activation_patterns(X, U):
    """Activation patterns ``1[X u ≥ 0]`` of many directions at once (docs/theory.md §A.2).

    Parameters
    ----------
    X : array (n, d)
    U : array (..., d)
        Directions; leading axes are batch axes.

    Returns
    -------
    array of bool, shape (..., n)
    """
    xp = array_namespace(X, U)
    return xp.matmul(U, xp.matrix_transpose(X) if hasattr(xp, "matrix_transpose") else X.T) >= 0


def pack_patterns(P, *, chunk: int = 65536):
    """Pack boolean patterns ``(k, n)`` into int64 keys ``(k, ceil(n/63))``.

    Entry ``j`` of a pattern is bit ``62 − (j mod 63)`` of word ``j // 63``: comparing keys word by word is the
    lexicographic order of the patterns (``True > False``), so sorting keys sorts patterns.  Rows are packed
    ``chunk`` at a time, so the int64 temporaries stay small.
    """
    xp = array_namespace(P)
    if P.shape[0] > chunk:
        return xp.concat([pack_patterns(P[s:s + chunk, ...], chunk=chunk) for s in range(0, P.shape[0], chunk)],
                         axis=0)
    dev = device_of(P)
    k, n = P.shape
    nw = max(1, math.ceil(n / BITS_PER_WORD))
    pad = nw * BITS_PER_WORD - n
    Pi = xp.astype(P, xp.int64)
    if pad:
        Pi = xp.concat([Pi, xp.zeros((k, pad), dtype=xp.int64, device=dev)], axis=1)
    Pi = xp.reshape(Pi, (k, nw, BITS_PER_WORD))
    shifts = xp.arange(BITS_PER_WORD - 1, -1, -1, dtype=xp.int64, device=dev)
    weights = xp.bitwise_left_shift(xp.ones(BITS_PER_WORD, dtype=xp.int64, device=dev), shifts)
    return xp.sum(Pi * weights, axis=-1)


def unpack_patterns(keys, n):
    """Inverse of :func:`pack_patterns`: keys ``(k, w)`` to booleans ``(k, n)``."""
    xp = array_namespace(keys)
    dev = device_of(keys)
    k, nw = keys.shape
    shifts = xp.arange(BITS_PER_WORD - 1, -1, -1, dtype=xp.int64, device=dev)
    bits = xp.bitwise_and(xp.bitwise_right_shift(keys[:, :, None], shifts), xp.asarray(1, dtype=xp.int64, device=dev))
    return xp.reshape(bits, (k, nw * BITS_PER_WORD))[:, :n] != 0


def unique_pattern_indices(keys):
    """Indices of the first occurrence of each distinct packed pattern, in lexicographic pattern order.

    A radix sort over the key words (stable ``argsort`` from the last word to the first), then one comparison
    of neighbours: only standard functions, so it runs on the device that holds the keys.
    """
    xp = array_namespace(keys)
    k, nw = keys.shape
    order = xp.arange(k, dtype=xp.int64, device=device_of(keys))
    for w in range(nw - 1, -1, -1):
        col = xp.take(keys[:, w], order)
        order = xp.take(order, xp.argsort(col, stable=True))
    if k <= 1:
        return order
    sk = xp.take(keys, order, axis=0)
    new = xp.any(sk[1:, :] != sk[:-1, :], axis=1)
    first = xp.concat([xp.ones(1, dtype=xp.bool, device=device_of(keys)), new])
    return order[first]


def row_keys(packed: np.ndarray) -> np.ndarray:
    """One sortable NumPy scalar per row of a packed pattern matrix (``uint8`` from ``np.packbits`` or the words
    of :func:`pack_patterns`): a ``uint64`` when the row fits in 8 bytes, else the row's raw bytes.  Equal rows
    get equal keys, so ``np.unique`` / ``np.searchsorted`` on the keys work on whole patterns (host side).

    >>> row_keys(np.packbits(np.array([[1, 0, 1], [1, 0, 1], [0, 1, 1]], bool), axis=1)).tolist()
    [160, 160, 96]
    """
    kb = np.ascontiguousarray(packed)
    kb = kb.view(np.uint8).reshape(kb.shape[0], kb.shape[1] * kb.itemsize)
    if kb.shape[1] <= 8:
        pad = np.zeros((kb.shape[0], 8), dtype=np.uint8)
        pad[:, : kb.shape[1]] = kb
        return pad.view("<u8").ravel()
    return kb.view(np.dtype((np.void, kb.shape[1]))).ravel()


def _packed_words(packed: np.ndarray) -> np.ndarray:
    """Rows of ``np.packbits`` bytes as big-endian ``uint64`` words (zero padded), native byte order: comparing
    the words left to right is comparing the bytes left to right."""
    kb = np.ascontiguousarray(packed, dtype=np.uint8)
    nw = max(1, -(-kb.shape[1] // 8))
    if kb.shape[1] != 8 * nw:
        pad = np.zeros((kb.shape[0], 8 * nw), dtype=np.uint8)
        pad[:, : kb.shape[1]] = kb
        kb = pad
    return kb.view(">u8").astype(np.uint64)


def packed_lex_order(packed: np.ndarray) -> np.ndarray:
    """Stable order of the rows of a ``np.packbits(P, axis=1)`` matrix (default ``bitorder="big"``) that sorts
    the boolean rows ``P`` lexicographically (column 0 most significant, ``False < True``).

    A radix sort over 64-bit words (stable ``argsort`` from the last word to the first), without unpacking.

    >>> P = np.array([[1, 0, 1], [0, 1, 1], [0, 1, 0]], bool)
    >>> packed_lex_order(np.packbits(P, axis=1)).tolist()
    [2, 1, 0]
    """
    words = _packed_words(packed)
    order = np.arange(words.shape[0])
    for w in range(words.shape[1] - 1, -1, -1):
        order = order[np.argsort(words[order, w], kind="stable")]
    return order


_HASH_MUL = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)


def packed_hashes(packed: np.ndarray) -> np.ndarray:
    """One ``uint64`` per row of a packed bit matrix (``uint8``): equal rows get equal values.

    Rows of at most 8 bytes are their own value (:func:`row_keys`: injective); longer rows are hashed (a
    multiplicative hash over the 64-bit words, splitmix64's finalizer after each word), so different rows may
    collide: :func:`hashed_distinct` compares equal values in full.

    >>> h = packed_hashes(np.packbits(np.array([[1] * 70, [1] * 70, [0] * 70], bool), axis=1))
    >>> bool(h[0] == h[1]), bool(h[0] == h[2])
    (True, False)
    """
    N = packed.shape[0]
    if packed.shape[1] <= 8:
        return row_keys(packed).astype(np.uint64, copy=False)
    kb = np.ascontiguousarray(packed, dtype=np.uint8)
    if kb.shape[1] % 8:  # the hash needs whole words, not their byte order
        kb = np.concatenate([kb, np.zeros((N, 8 - kb.shape[1] % 8), np.uint8)], axis=1)
    words = kb.view(np.uint64)
    h = np.zeros(N, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for w in range(words.shape[1]):
            h ^= words[:, w]
            h += _HASH_MUL
            h ^= h >> np.uint64(30)
            h *= _MIX1
            h ^= h >> np.uint64(27)
            h *= _MIX2
            h ^= h >> np.uint64(31)
    return h


def hashed_distinct(packed: np.ndarray, hashes: np.ndarray, *, stable: bool = False) -> np.ndarray:
    """Indices of the first occurrence of each distinct row of a packed bit matrix, in increasing hash order.

    ``hashes`` are :func:`packed_hashes` of the rows.  Rows with equal hashes are compared in full: the answer
    is exact (a collision between different rows falls back to sorting the raw bytes).  With ``stable=True`` the
    hashes are sorted stably, which is linear when they are a concatenation of a few sorted runs (NumPy's
    timsort merges runs): the way to merge deduplicated batches kept in hash order.

    >>> P = np.array([[1, 0, 1], [0, 1, 1], [1, 0, 1]], bool)
    >>> K = np.packbits(P, axis=1)
    >>> sorted(hashed_distinct(K, packed_hashes(K)).tolist())
    [0, 1]
    """
    N = packed.shape[0]
    if N <= 1:
        return np.arange(N)
    order = np.argsort(hashes, kind="stable" if stable else None)
    hs = hashes[order]
    same = hs[1:] == hs[:-1]
    if not np.any(same):
        return order
    i = np.flatnonzero(same)
    if np.any(packed[order[i]] != packed[order[i + 1]]):  # a collision: decide on the bytes themselves
        _, first = np.unique(row_keys(packed), return_index=True)
        return first[np.argsort(hashes[first], kind="stable")]
    keep = np.concatenate([[True], ~same])
    if stable:  # ties in index order: the first of each run is its least index
        return order[keep]
    starts = np.flatnonzero(keep)
    return np.minimum.reduceat(order, starts)


def packed_first_distinct(packed: np.ndarray) -> np.ndarray:
    """Indices (increasing) of the first occurrence of each distinct row of a packed bit matrix (``uint8``).

    Rows are hashed to one ``uint64`` each (:func:`packed_hashes`), sorted by hash, and rows with equal hashes
    are compared in full (:func:`hashed_distinct`): the answer is exact, at the cost of one sort of ``uint64``
    instead of a sort of byte rows.

    >>> P = np.array([[1, 0, 1], [0, 1, 1], [1, 0, 1], [0, 1, 1], [1, 1, 1]], bool)
    >>> packed_first_distinct(np.packbits(P, axis=1)).tolist()
    [0, 1, 4]
    """
    N = packed.shape[0]
    if N <= 1:
        return np.arange(N)
    if packed.shape[1] <= 8:  # one uint64 per row already: exact, no hash needed
        _, first = np.unique(row_keys(packed), return_index=True)
        return np.sort(first)
    return np.sort(hashed_distinct(packed, packed_hashes(packed)))


def first_distinct_int_rows(Y: np.ndarray) -> np.ndarray:
    """Indices (increasing) of the first occurrence of each distinct row of an int64 matrix.

    Small entries (the usual case in the deletion–restriction recursion) are packed into one int64 key per row
    in the mixed radix ``2·max|y| + 2``, a bijection on those rows, so a 1-D ``np.unique`` replaces the much
    slower row-wise ``np.unique(axis=0)`` (the fallback for large entries).

    >>> first_distinct_int_rows(np.array([[1, -2], [0, 3], [1, -2], [-4, 0]])).tolist()
    [0, 1, 3]
    """
    if Y.shape[0] <= 1:
        return np.arange(Y.shape[0])
    B = int(np.max(np.abs(Y))) + 1
    if (2 * B) ** Y.shape[1] < 2**62:
        code = np.zeros(Y.shape[0], dtype=np.int64)
        for j in range(Y.shape[1]):
            code = code * (2 * B) + (Y[:, j] + B)
        _, idx = np.unique(code, return_index=True)
    else:
        _, idx = np.unique(Y, axis=0, return_index=True)
    return np.sort(idx)


def relu_forward(X, U, alpha):
    """Outputs ``f_θ(X) = Σ_j (X u_j)_+ α_j`` of many networks at once.

    Parameters
    ----------
    X : array (n, d)
    U : array (..., m, d)
    alpha : array (..., m)

    Returns
    -------
    array (..., n)
    """
    xp = array_namespace(X, U, alpha)
    H = xp.matmul(U, X.T)  # (..., m, n)
    H = xp.where(H > 0, H, xp.zeros_like(H))
    return xp.sum(alpha[..., :, None] * H, axis=-2)


def relu_objective(X, y, U, alpha, beta):
    """``½‖f_θ(X) − y‖² + (β/2)(‖U‖_F² + ‖α‖²)`` for a batch of networks (docs/theory.md §A.1)."""
    xp = array_namespace(X, y, U, alpha)
    r = relu_forward(X, U, alpha) - y
    return 0.5 * xp.sum(r * r, axis=-1) + 0.5 * beta * (xp.sum(U * U, axis=(-2, -1)) + xp.sum(alpha * alpha, axis=-1))


def relu_gradients(X, y, U, alpha, beta):
    """Gradients ``(∂U, ∂α)`` of :func:`relu_objective` for a batch of networks.

    Uses ``ReLU'(0) = 0`` (the autodiff convention).  At a kink exactly on a data point this is one element of
    the Clarke subdifferential, not all of it (docs/theory.md §F.2–F.3); Clarke stationarity needs the checker.
    """
    xp = array_namespace(X, y, U, alpha)
    Z = xp.matmul(U, X.T)  # (..., m, n)
    act = Z > 0
    H = xp.where(act, Z, xp.zeros_like(Z))
    g = xp.sum(alpha[..., :, None] * H, axis=-2) - y  # residual ŷ − y, (..., n)
    galpha = xp.sum(H * g[..., None, :], axis=-1) + beta * alpha
    S = xp.astype(act, Z.dtype) * g[..., None, :]  # (..., m, n)
    gU = alpha[..., :, None] * xp.matmul(S, X) + beta * U
    return gU, galpha
