"""Streaming enumeration of region patterns: certified, distinct chunks in bounded memory (docs/theory.md §B.4, §B.7).

:func:`iter_patterns` runs the pipeline of :func:`~geom.arrangements.enumerate_patterns` (``ties="regions"``)
without ever holding the pattern set:

1. *Generate and certify, level batch by level batch.*  The top levels of the deletion–restriction recursion
   (:func:`~geom.arrangements.cell_witnesses` with ``levels``) are run a few at a time; their candidates are
   certified exactly, a block at a time (:func:`~geom.exact.exact_sign_keys`), one region of each opposite pair.
2. *Route by an exact key.*  A level may produce a region that another level also produces: the candidates of
   level ``k`` lie in regions whose facet of largest index is ``H_j`` for some ``j ≥ k+1``, and only ``j = k+1``
   makes it the region's canonical level (docs/theory.md §B.7).  Deciding ``j`` from a sign vector is a facet
   test (one LP per region and later hyperplane), so no cheap exact rule assigns a region to one batch.  Instead
   each certified sign vector goes to the bucket given by a hash *of the exact sign vector itself*, and the
   buckets are spilled to temporary files: equal regions always meet in the same bucket, so exact
   deduplication inside each bucket removes every duplicate, across batches too, with no global set in memory.
3. *Count, then emit.*  Each bucket is deduplicated in place and counted; the total is compared with Cover's
   count or the exact ``|χ(−1)|`` (the characteristic polynomial), with the same margin-free retry and exact
   fallback as :func:`~geom.arrangements.enumerate_patterns`.  Then the buckets are read back one at a time and
   their regions (and the opposite regions) are yielded in chunks of at most ``chunk`` rows.  The count
   certificate is known only once the stream is exhausted (:attr:`PatternStream.summary`).

Memory: one level batch of float candidates (``O(n^(d−2) d)``: ``O(n² d)`` for ``d = 4``, ``O(c + n²)`` for
``d = 3``, where the closed form takes a range of planes), one certification block and one bucket, each of about
``c = max(chunk, 16384)`` rows (the bucket count is sized from the expected number of regions): ``O(c · n/8 +
n² d)`` bytes for ``d ≤ 4``, never ``O(output)`` (up to ``1024 · c`` regions: beyond, the buckets, capped at 1024
files, hold ``output / 1024`` patterns each).  Disk: the certified candidates, bit-packed
with their witnesses (about twice the packed output).  The exact fallback (only when the float stage misses
regions, e.g. regions too thin for float64) reads every sign vector back: ``O(output · n)`` memory, as
:func:`~geom.arrangements.enumerate_patterns` uses.
"""

from __future__ import annotations

import math
import os
import tempfile
import time
from dataclasses import dataclass, field, replace

import numpy as np

from .._validation import check_int, check_matrix, message
from ..exact import scaled_float_rows
from ..exceptions import InvalidInputError, InvalidInputTypeError
from ..kernels import hashed_distinct, packed_hashes
from ..tolerances import DEFAULT_TOLERANCES, Tolerances
from ._cells import cell_witnesses
from ._charpoly import cover_count
from ._patterns import (_CHARPOLY_BUDGET, _blas_single_thread, _canonical_rows, _certified_candidates, _check_bias,
                        _exact_count, _float_rows, _hyperplanes, _missing_regions, _progress_bar, _remap_columns,
                        _repair_witnesses, _with_opposites)

__all__ = ["PatternChunk", "StreamSummary", "PatternStream", "iter_patterns", "count_patterns",
           "save_patterns_stream", "DEFAULT_CHUNK"]

DEFAULT_CHUNK = 65536
"""Default largest number of patterns per chunk."""
_MAX_BUCKETS = 1024
"""Most spill buckets (files); more buckets only make the chunks smaller."""
_MIX = np.uint64(0x9E3779B97F4A7C15)
_GEN_BLOCK = 1 << 14
"""Fewest candidates generated and certified at a time (then routed to the buckets in one pass): smaller
chunks make smaller buckets, not smaller generation steps, whose cost is mostly per step (file appends)."""


@dataclass(frozen=True)
class PatternChunk:
    """One chunk of certified, distinct region patterns (no chunk repeats a pattern of another).

    Attributes
    ----------
    packed : ndarray of uint8, shape (c, ceil(n / 8))
        ``np.packbits(patterns, axis=1)``: the patterns ``1[X u ≥ 0]`` of the chunk (no particular order).
    witnesses : ndarray of float64, shape (c, d)
        One ``u`` per pattern with exactly that pattern, except for the rows in ``integer_witnesses``.
    n_data : int
        ``n``, the number of data rows.
    index : int
        Position of the chunk in the stream (0, 1, ...).
    integer_witnesses : tuple of (int, tuple of int)
        ``(row, u)`` for regions too thin for float64: ``u`` is an exact integer witness.
    """

    packed: np.ndarray = field(repr=False)
    witnesses: np.ndarray = field(repr=False)
    n_data: int
    index: int
    integer_witnesses: tuple = field(default=(), repr=False)

    @property
    def count(self) -> int:
        """Patterns in the chunk."""
        return int(self.packed.shape[0])

    @property
    def patterns(self) -> np.ndarray:
        """The chunk's patterns as booleans, shape ``(c, n)`` (unpacked on each access)."""
        return np.unpackbits(self.packed, axis=1, count=self.n_data).astype(bool)


@dataclass(frozen=True)
class StreamSummary:
    """What a finished stream proved.

    Attributes
    ----------
    count : int
        Patterns streamed (all distinct).
    exact_regions : int
        The exact number of regions: Cover's formula when the count reached it, else ``|χ(−1)|``.
    certified : bool
        Every streamed pattern was verified exactly and ``count == exact_regions``: the stream was complete.
    count_certificate : str
        ``"cover"``, ``"charpoly"`` or ``"none"``, as for :class:`~geom.arrangements.Patterns`.
    n_chunks, max_chunk, chunk : int
        Chunks yielded, the largest one, and the requested bound.
    rank : int
        Exact rank of the (augmented) data matrix.
    n_data : int
        ``n``.
    bias : bool
        Whether a ones column was appended.
    ties : str
        ``"regions"``.
    n_exact_checks : int
        Sign entries decided in rational arithmetic.
    exact_fallback : bool
        Whether the exact recursion completed the float stage.
    n_buckets : int
        Spill buckets (files) used.
    spilled_bytes : int
        Bytes written to the spill directory (candidates, before deduplication).
    seconds : float
        Wall-clock time from the first chunk request to exhaustion.
    """

    count: int
    exact_regions: int
    certified: bool
    count_certificate: str
    n_chunks: int
    max_chunk: int
    chunk: int
    rank: int
    n_data: int
    bias: bool
    ties: str
    n_exact_checks: int
    exact_fallback: bool
    n_buckets: int
    spilled_bytes: int
    seconds: float

    def to_dict(self) -> dict:
        """The fields, for JSON."""
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


class _Spill:
    """Bit-packed sign keys (one region of each opposite pair) and witnesses, in files by exact-key bucket."""

    def __init__(self, directory: str, n_buckets: int, width: int, D: int):
        self.dir, self.B, self.width, self.D = directory, n_buckets, width, D
        self.record = width + 8 * D  # bytes of one row: the key, then the witness
        self.sizes = np.zeros(n_buckets, dtype=np.int64)  # rows written (repeats included)
        self.bytes = 0

    def _path(self, b):
        return os.path.join(self.dir, f"b{b}.bin")

    def bucket_of(self, h: np.ndarray) -> np.ndarray:
        """Bucket of each key from its :func:`~geom.kernels.packed_hashes` value (mixed again: short rows are
        their own value, not hashed)."""
        with np.errstate(over="ignore"):
            x = (h ^ (h >> np.uint64(31))) * _MIX
            x ^= x >> np.uint64(29)
        return (x % np.uint64(self.B)).astype(np.int64)

    def add(self, K: np.ndarray, W: np.ndarray, h: np.ndarray) -> None:
        """Append rows, each to the bucket of its exact key (one write per bucket)."""
        if K.shape[0] == 0:
            return
        b = self.bucket_of(h)
        order = np.argsort(b, kind="stable")
        bs = b[order]
        rec = np.concatenate([K[order], np.ascontiguousarray(W[order], dtype=np.float64).view(np.uint8)], axis=1)
        cuts = np.flatnonzero(np.diff(bs)) + 1
        for lo, hi in zip(np.r_[0, cuts], np.r_[cuts, bs.size]):
            with open(self._path(int(bs[lo])), "ab") as f:
                f.write(rec[lo:hi].tobytes())
            self.sizes[bs[lo]] += hi - lo
        self.bytes += rec.nbytes

    def load(self, b: int, remove: bool = False):
        """``(K, W)``: the distinct keys of bucket ``b`` (the first written of equal keys wins) and witnesses."""
        if not self.sizes[b]:
            return np.zeros((0, self.width), np.uint8), np.zeros((0, self.D))
        rec = np.fromfile(self._path(b), dtype=np.uint8).reshape(-1, self.record)
        if remove:
            os.unlink(self._path(b))
            self.sizes[b] = 0
        K = np.ascontiguousarray(rec[:, :self.width])
        keep = np.sort(hashed_distinct(K, packed_hashes(K), stable=True))
        W = np.ascontiguousarray(rec[keep, self.width:]).view(np.float64)
        return K[keep], W

    def count(self) -> int:
        """Distinct keys over all buckets (equal keys share a bucket)."""
        return sum(int(self.load(b)[0].shape[0]) for b in range(self.B) if self.sizes[b])


def _stream_batches(m: int, D: int, chunk: int) -> list:
    """Consecutive top levels grouped so that each group has at most about ``chunk`` candidates (level ``k``
    has at most ``cover_count(k, D − 1)`` of each sign); one level may exceed it alone.  ``[None]`` below 3-D
    (``O(n)`` candidates)."""
    if D <= 2 or m <= 1:
        return [None]
    out, start, load = [], 0, 0
    for k in range(m):
        c = 1 if k == 0 else cover_count(k, D - 1)
        if k > start and load + c > chunk:
            out.append(range(start, k))
            start, load = k, 0
        load += c
    out.append(range(start, m))
    return out


class PatternStream:
    """Iterator over :class:`PatternChunk` objects; made by :func:`iter_patterns`.

    :attr:`summary` is ``None`` until the last chunk has been taken, then a :class:`StreamSummary` (certified or
    not).  Spill files live in a temporary directory removed at exhaustion, on :meth:`close`, or when the
    stream is garbage collected; the stream is also a context manager.
    """

    def __init__(self, n, d, zero, oriented_idx, rows, float_rows, *, bias, chunk, tol, progress, spill_dir):
        self._args = (n, d, zero, oriented_idx, rows, float_rows)
        self._bias, self._chunk, self._tol, self._progress = bias, chunk, tol, progress
        self._spill_dir = spill_dir
        self._tmp = None
        self._gen = None
        self.summary: StreamSummary | None = None

    def __iter__(self):
        return self

    def __next__(self) -> PatternChunk:
        if self._gen is None:
            self._gen = self._run()
        return next(self._gen)

    def close(self) -> None:
        """Stop early and remove the spill files (``summary`` stays ``None``)."""
        if self._gen is not None:
            self._gen.close()
        self._cleanup()

    def _cleanup(self):
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def __del__(self):  # pragma: no cover - depends on the collector
        try:
            self._cleanup()
        except Exception:
            pass

    def _run(self):
        t0 = time.perf_counter()
        n, d, zero, oriented_idx, rows, float_rows = self._args
        chunk, tol = self._chunk, self._tol
        data_cols = np.where(zero, -1, oriented_idx)
        state = {"n_chunks": 0, "max_chunk": 0, "count": 0}

        def emit(Kd, U, integer=()):
            for s in range(0, Kd.shape[0], chunk):
                c = PatternChunk(packed=Kd[s:s + chunk], witnesses=U[s:s + chunk], n_data=n,
                                 index=state["n_chunks"],
                                 integer_witnesses=tuple((i - s, u) for i, u in integer if s <= i < s + chunk))
                state["n_chunks"] += 1
                state["max_chunk"] = max(state["max_chunk"], c.count)
                state["count"] += c.count
                yield c

        def finish(exact, certified, how, rank, n_exact, fallback, n_buckets, spilled):
            self.summary = StreamSummary(
                count=state["count"], exact_regions=int(exact), certified=bool(certified and state["count"] == exact),
                count_certificate=how if certified and state["count"] == exact else "none",
                n_chunks=state["n_chunks"], max_chunk=state["max_chunk"], chunk=chunk, rank=rank, n_data=n,
                bias=self._bias, ties="regions", n_exact_checks=int(n_exact), exact_fallback=bool(fallback),
                n_buckets=n_buckets, spilled_bytes=int(spilled), seconds=time.perf_counter() - t0)
            self._cleanup()

        if not rows:  # only zero rows: one region, everything active
            yield from emit(np.packbits(np.ones((1, n), bool), axis=1), np.zeros((1, d)))
            finish(1, True, "cover", 0, 0, False, 0, 0)
            return
        hyp_idx, orient, hyp_rows, hyp_first, r, J, mh, max_int, exact_rows_J = _hyperplanes(rows)
        D = len(J)
        cover = cover_count(mh, r)
        exact = None
        if max_int < 2**30 and sum(math.comb(mh, j) for j in range(r)) <= _CHARPOLY_BUDGET:
            exact = _exact_count(exact_rows_J, r, max_int)  # cheap: sizes the buckets of degenerate data
        Y, integral = _float_rows(hyp_rows, exact_rows_J, float_rows, hyp_first, orient, J, max_int)
        # float rows for the exact sign test, computed once (exact_sign_keys would rescale them every block)
        Yf = Y if (max_int < 2**52 or integral) else scaled_float_rows(exact_rows_J)
        expected = exact if exact is not None else cover
        n_buckets = int(min(_MAX_BUCKETS, max(1, math.ceil(expected / max(chunk, _GEN_BLOCK)))))
        self._tmp = tempfile.TemporaryDirectory(prefix="geom-patterns-", dir=self._spill_dir)
        spill = _Spill(self._tmp.name, n_buckets, (mh + 7) // 8, D)
        block = max(chunk, _GEN_BLOCK)  # candidates generated and certified at a time
        n_exact, half_total = 0, 0
        bar, upd = _progress_bar(mh, self._progress)
        try:
            with _blas_single_thread():
                for attempt in (tol, replace(tol, witness_margin=0.0)):
                    for batch in _stream_batches(mh, D, block):
                        with np.errstate(all="ignore"):  # the float stage only proposes
                            W = cell_witnesses(Y, integral=integral, tol=attempt, progress=upd, dedup=False,
                                               levels=batch, half=True)
                        for s in range(0, W.shape[0], block):
                            K, Wc, h, ne = _certified_candidates(exact_rows_J, W[s:s + block], Yf,
                                                                 tol.witness_margin)
                            spill.add(K, Wc, h)
                            n_exact += ne
                        del W
                    upd = None
                    half_total = spill.count()
                    if 2 * half_total == cover:
                        exact = cover
                        break
                    if exact is None:
                        exact = _exact_count(exact_rows_J, r, max_int)
                    if 2 * half_total >= exact or D <= 3:
                        break
        finally:
            if bar is not None:
                bar.close()
        # the exact fallback (docs/theory.md §B.6): reads every sign vector back, O(output) memory, rare
        missing_K, missing_W, inexact, consistent, fallback = None, None, {}, True, False
        if 2 * half_total < exact:
            fallback = True
            halves = [spill.load(b)[0] for b in range(n_buckets)]
            K_all, _ = _with_opposites(np.concatenate(halves), np.zeros((half_total, D)), mh)
            del halves
            S_all = np.unpackbits(K_all, axis=1, count=mh).astype(bool)
            del K_all
            us, keys, consistent = _missing_regions(exact_rows_J, S_all, D, exact)
            del S_all
            wits = _repair_witnesses(us, exact_rows_J, 0, inexact)
            missing_K = np.packbits(np.array(keys, dtype=bool).reshape(-1, mh), axis=1)
            missing_W = np.array(wits, dtype=np.float64).reshape(-1, D)
        certified = consistent and 2 * half_total + (0 if missing_K is None else missing_K.shape[0]) == exact
        how = "cover" if exact == cover else "charpoly"
        flip = np.array(orient) < 0

        def to_data(K_h, W_h):
            K = _remap_columns(K_h, mh, np.array(hyp_idx), flip)
            K = _remap_columns(K, len(rows), data_cols, np.zeros(n, bool))
            U = np.zeros((K.shape[0], d))
            U[:, J] = W_h
            return K, U

        for b in range(n_buckets):
            if not spill.sizes[b]:
                continue
            K_h, W_h = spill.load(b, remove=True)
            K_h, W_h = _with_opposites(K_h, W_h, mh)
            yield from emit(*to_data(K_h, W_h))
        if missing_K is not None and missing_K.shape[0]:
            Kd, U = to_data(missing_K, missing_W)
            integer = []
            for i, wJ in sorted(inexact.items()):
                u = [0] * d
                for c, j in enumerate(J):
                    u[j] = int(wJ[c])
                integer.append((i, tuple(u)))
            yield from emit(Kd, U, integer)
        finish(exact, certified, how, r, n_exact, fallback, n_buckets, spill.bytes)


def _validated(X, bias, chunk, ties, tol, spill_dir, func):
    X = check_matrix(X, name="X", func=func)
    if ties != "regions":
        raise (InvalidInputTypeError if not isinstance(ties, str) else InvalidInputError)(message(
            "ties", func, "'regions' (streaming yields the region patterns 𝒟_reg only; enumerate_patterns gives "
            "ties='geq')", repr(ties)))
    _check_bias(bias, func)
    chunk = check_int(chunk, name="chunk", func=func, minimum=1)
    if spill_dir is not None and not (isinstance(spill_dir, (str, os.PathLike)) and os.path.isdir(spill_dir)):
        raise InvalidInputError(message("spill_dir", func, "an existing directory or None", repr(spill_dir)))
    if not isinstance(tol, Tolerances):
        raise InvalidInputTypeError(message("tol", func, "a Tolerances", repr(tol)))
    return X, chunk


def iter_patterns(X, *, bias: bool = False, chunk: int = DEFAULT_CHUNK, ties: str = "regions",
                  tol: Tolerances = DEFAULT_TOLERANCES, progress: bool = False, spill_dir=None) -> PatternStream:
    """Stream the region patterns ``1[Xu ≥ 0]`` of ``X`` in certified, distinct chunks (docs/theory.md §B.7).

    Parameters
    ----------
    X : array_like (n, d)
        Data, integer or floating (validated like :func:`~geom.arrangements.enumerate_patterns`).
    bias : bool, default False
        Append a ones column (docs/theory.md §A.6); witnesses then have ``d + 1`` coordinates.
    chunk : int, default 65536
        Largest number of patterns per chunk; also sets the memory (about ``max(chunk, 16384)`` patterns are
        held at once).
    ties : {"regions"}
        Only the full-dimensional cells ``𝒟_reg`` are streamed (they suffice for the convex program,
        docs/theory.md §B.1); use :func:`~geom.arrangements.enumerate_patterns` for ``ties="geq"``.
    tol : Tolerances
        Float-stage tolerances (they never change a certified answer).
    progress : bool
        Show a progress bar on a terminal (generation stage).
    spill_dir : path, optional
        Directory for the temporary spill files (default: the system's temporary directory).

    Returns
    -------
    PatternStream
        An iterator of :class:`PatternChunk`; after the last chunk, ``stream.summary`` states the exact region
        count and whether the streamed total matched it (``certified``).

    Notes
    -----
    The union of the chunks is ``enumerate_patterns(X, ties="regions").packed`` as a set, and no pattern
    appears twice.  Generation runs on the first ``next``; chunks come once every candidate is certified and
    counted.  Memory ``O(max(chunk, 16384) · n/8 + n² d)`` for ``d ≤ 4`` plus about twice the packed output on
    disk; see :mod:`geom.arrangements._stream` for the design and why regions are routed by a hash of their exact
    sign vector rather than by their level.

    Examples
    --------
    >>> s = iter_patterns([[1, 0], [-1, 0], [0, 1]], chunk=3)
    >>> sizes = [c.count for c in s]
    >>> sum(sizes), max(sizes) <= 3, s.summary.max_chunk == max(sizes)
    (4, True, True)
    >>> s.summary.count, s.summary.exact_regions, s.summary.certified
    (4, 4, True)
    """
    return _stream(X, bias, chunk, ties, tol, progress, spill_dir, "iter_patterns")


def _stream(X, bias, chunk, ties, tol, progress, spill_dir, func) -> PatternStream:
    X, chunk = _validated(X, bias, chunk, ties, tol, spill_dir, func)
    return PatternStream(*_canonical_rows(X, bias), bias=bool(bias), chunk=chunk, tol=tol, progress=progress,
                         spill_dir=spill_dir)


def count_patterns(X, *, bias: bool = False, chunk: int = DEFAULT_CHUNK, tol: Tolerances = DEFAULT_TOLERANCES,
                   progress: bool = False, spill_dir=None) -> StreamSummary:
    """Count the region patterns of ``X`` by streaming them (no pattern set is held): the summary of
    :func:`iter_patterns`, whose ``count`` is the number of distinct certified patterns and ``certified`` says
    it equals the exact region count (docs/theory.md §B.7).

    Examples
    --------
    >>> S = count_patterns([[1, 0], [0, 1], [1, 1]])
    >>> S.count, S.certified, S.count_certificate
    (6, True, 'cover')
    """
    stream = _stream(X, bias, chunk, "regions", tol, progress, spill_dir, "count_patterns")
    for _ in stream:
        pass
    return stream.summary


def save_patterns_stream(X, path, *, bias: bool = False, chunk: int = DEFAULT_CHUNK,
                         tol: Tolerances = DEFAULT_TOLERANCES, progress: bool = False, unpacked: bool = True,
                         spill_dir=None) -> StreamSummary:
    """Stream the region patterns of ``X`` into an ``.npz`` at ``path``, atomically, in bounded memory.

    The file has the arrays of ``relu-landscape patterns --save`` (``patterns`` (P, n) bool, ``witnesses``,
    ``count``, ``rank``, ``ties``, ``bias``, ``certified``, ``regions``) plus ``packed`` (P, ceil(n/8)) uint8 and
    ``n_data``; with ``unpacked=False`` the ``patterns`` array (8× larger) is left out.  Rows are in stream
    order.  ``path`` is checked before any work; it is replaced only when the stream is complete.

    Returns
    -------
    StreamSummary

    Examples
    --------
    >>> import os, tempfile
    >>> p = os.path.join(tempfile.mkdtemp(), "pat.npz")
    >>> save_patterns_stream([[1, 0], [-1, 0], [0, 1]], p).certified
    True
    >>> z = np.load(p)
    >>> z["patterns"].shape, int(z["count"]), bool(z["certified"])
    ((4, 3), 4, True)
    """
    from ..datafiles import NpzStreamWriter

    func = "save_patterns_stream"
    if not isinstance(unpacked, (bool, np.bool_)):
        raise InvalidInputTypeError(message("unpacked", func, "a bool", repr(unpacked)))
    if not isinstance(path, (str, os.PathLike)):
        raise InvalidInputTypeError(message("path", func, "a path (str or os.PathLike)", repr(path)))
    writer = NpzStreamWriter(path)  # checks the path before any work
    stream = _stream(X, bias, chunk, "regions", tol, progress, spill_dir, func)
    with writer as w, stream:
        for c in stream:
            w.append("packed", c.packed)
            w.append("witnesses", c.witnesses)
            if unpacked:
                w.append("patterns", c.patterns)
        S = stream.summary
        for k, v in {"count": S.count, "rank": S.rank, "ties": np.str_(S.ties), "bias": S.bias,
                     "certified": S.certified, "regions": S.exact_regions, "n_data": S.n_data}.items():
            w.put(k, v)
    return S
