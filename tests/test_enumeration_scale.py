"""Memory-bounded enumeration (issue 9): chunked exact certification, bit-packed patterns, hashed deduplication,
and the Dask scale-out of the recursion's top levels (docs/theory.md §B.4–B.6).

Oracles: the boolean reference implementations (``np.unique`` on rows, ``np.lexsort``), the unchunked run,
brute force over sign vectors with exact LPs, and exact rational re-checks of every witness.
"""

from __future__ import annotations

import dataclasses
from fractions import Fraction

import numpy as np
import pytest
from numpy.testing import assert_array_equal

import geom
from geom import kernels
from geom.arrangements import _patterns
from geom.exact import dyadic_integers, exact_sign_keys, exact_sign_matrix, integer_rows


def _exact_signs(X, W):
    """Exact ``[x·w > 0]`` and ``[x·w = 0]`` for float witnesses read as the rationals they are."""
    Xq = [[Fraction(float(v)) for v in r] for r in np.asarray(X, dtype=np.float64)]
    pos, zero = [], []
    for w in np.asarray(W, dtype=np.float64):
        wq = [Fraction(float(v)) for v in w]
        vals = [sum(a * b for a, b in zip(r, wq)) for r in Xq]
        pos.append([v > 0 for v in vals])
        zero.append([v == 0 for v in vals])
    return np.array(pos, bool), np.array(zero, bool)


def _random_patterns(rng, k, n, distinct):
    P = rng.random((distinct, n)) < 0.5
    return P[rng.integers(0, distinct, size=k)]


@pytest.mark.parametrize("n", [1, 7, 8, 9, 63, 64, 65, 130])
def test_packed_first_distinct_and_lex_order_match_the_boolean_oracles(n):
    rng = np.random.default_rng(n)
    P = _random_patterns(rng, 500, n, 40)
    K = np.packbits(P, axis=1)
    _, first = np.unique(P, axis=0, return_index=True)
    assert_array_equal(kernels.packed_first_distinct(K), np.sort(first))
    order = kernels.packed_lex_order(K)
    assert_array_equal(order, np.lexsort(P.T[::-1]))  # np.lexsort: last key primary, stable


def test_packed_first_distinct_survives_hash_collisions(monkeypatch):
    """Equal hashes are compared in full: with a hash that sends every row to one value the answer is still the
    exact first occurrences."""
    monkeypatch.setattr(kernels, "_MIX2", np.uint64(0))  # every hash becomes the same constant
    rng = np.random.default_rng(3)
    P = _random_patterns(rng, 300, 70, 25)
    _, first = np.unique(P, axis=0, return_index=True)
    assert_array_equal(kernels.packed_first_distinct(np.packbits(P, axis=1)), np.sort(first))


@pytest.mark.parametrize("chunk", [1, 3, 50, None])
def test_exact_sign_keys_is_the_packed_exact_sign_matrix(chunk):
    """Any chunk size gives the exact signs; a witness on a hyperplane (exactly) is invalid; a witness just off
    it (2^-52 away, below the float filter) gets its exact sign."""
    rng = np.random.default_rng(1)
    rows = rng.integers(-5, 6, size=(11, 3)).tolist()
    rows[0] = [1, 1, 0]
    W = rng.standard_normal((40, 3))
    W[5] = [1.0, -1.0, 0.3]  # on rows[0]'s hyperplane
    W[6] = [1.0, -1.0 + 2.0**-52, 0.3]  # just off it, positive
    keys, valid, _, n_exact = exact_sign_keys(rows, W, chunk=chunk)
    S, valid_m, _ = exact_sign_matrix(rows, W, chunk=chunk)
    pos, zero = _exact_signs(rows, W)
    assert_array_equal(np.unpackbits(keys, axis=1, count=len(rows)).astype(bool), pos)
    assert_array_equal(S, pos)
    assert_array_equal(valid, ~zero.any(axis=1))
    assert_array_equal(valid_m, valid)
    assert not valid[5] and valid[6] and pos[6, 0] and n_exact >= 2


@pytest.mark.parametrize("scale", [1, 3, 10**6, 2**40])
def test_first_distinct_int_rows_against_row_unique(scale):
    """The packed-key distinct rows (and the row-wise fallback for entries too large to pack) are the first
    occurrences that ``np.unique(axis=0)`` finds, on rows with many repeats and negative entries."""
    rng = np.random.default_rng(scale % 97)
    Y = rng.integers(-scale, scale + 1, size=(300, 5))
    Y[100:200] = Y[rng.integers(0, 100, size=100)]  # repeats
    _, first = np.unique(Y, axis=0, return_index=True)
    assert_array_equal(kernels.first_distinct_int_rows(Y), np.sort(first))


def test_dyadic_integers_against_fractions():
    """``w = k / 2**E`` exactly, with one common ``E`` (the least): checked in :class:`fractions.Fraction` on floats
    of every scale (subnormal, 1e±300, integers, zero, mixed signs), and integer signs equal exact signs."""
    rng = np.random.default_rng(7)
    cases = [rng.standard_normal(4) * 10.0 ** rng.integers(-300, 300, size=4) for _ in range(50)]
    cases += [np.array([5e-324, -1.0, 0.0, 3.0]), np.array([0.0, 0.0, 0.0, 0.0]), np.array([2.0**60, -7.0, 1.5, 0.25])]
    for w in cases:
        k = dyadic_integers(w)
        fr = [Fraction(float(v)) for v in w]
        den = max(f.denominator for f in fr)
        assert all(isinstance(v, int) for v in k)
        assert [Fraction(v, den) for v in k] == fr
        row = rng.integers(-9, 10, size=4).tolist()
        exact = sum((r * f for r, f in zip(row, fr)), Fraction(0))
        val = sum(r * v for r, v in zip(row, k))
        assert (val > 0) == (exact > 0) and (val == 0) == (exact == 0)


@pytest.mark.parametrize("shape", [(9, 3), (8, 4)])
def test_tiny_chunks_give_the_identical_certified_result(monkeypatch, shape):
    """Chunk sizes are performance knobs only: forcing many tiny chunks everywhere (signs, float dedup, column
    remapping) gives the same patterns, witnesses and certificates, equal to brute force."""
    from geom import exact
    from geom.arrangements import _cells

    rng = np.random.default_rng(sum(shape))
    X = rng.integers(-3, 4, size=shape).astype(float)
    X[1] = -2 * X[0]  # antiparallel rows (flipped columns) and a repeated row (remapped columns)
    X[2] = X[3]
    X[4] = 0.0  # a zero row: always active
    ref = geom.enumerate_patterns(X, ties="geq")
    monkeypatch.setattr(exact, "_chunk_rows", lambda m, chunk: 3)
    monkeypatch.setattr(_patterns, "_REMAP_CHUNK", 2)
    real = _cells._dedup
    monkeypatch.setattr(_cells, "_dedup", lambda C, Y, tol, chunk=None, **k: real(C, Y, tol, chunk=5, **k))
    P = geom.enumerate_patterns(X, ties="geq")
    assert P.certified and ref.certified
    assert_array_equal(P.packed, ref.packed)
    assert_array_equal(P.is_region, ref.is_region)
    assert {tuple(int(b) for b in p) for p in P.patterns} == set(geom.brute_force_patterns(X))
    assert int(P.is_region.sum()) == P.n_regions == geom.count_regions(X)
    pos, zero = _exact_signs(X, P.witnesses)
    exact_w = dict(P.integer_witnesses)
    nonzero_rows = np.any(X != 0, axis=1)
    for i, p in enumerate(P.patterns):
        if i not in exact_w:
            assert_array_equal(pos[i] | zero[i], p)
            if P.is_region[i]:  # a region witness avoids every hyperplane
                assert not zero[i, nonzero_rows].any()


def test_packed_storage_and_lazy_booleans():
    """``packed`` is the stored form; ``patterns`` unpacks it (sorted lexicographically); a replaced boolean array
    wins over the old packed one."""
    X = np.random.default_rng(5).standard_normal((13, 3))
    P = geom.enumerate_patterns(X, ties="regions")
    assert "_patterns" not in P.__dict__ or P.__dict__["_patterns"] is None  # not unpacked yet
    assert P.packed.dtype == np.uint8 and P.packed.shape == (P.count, 2) and P.n_data == 13
    B = P.patterns
    assert B.dtype == bool and B.shape == (P.count, 13) and P.patterns is B  # cached
    assert_array_equal(np.packbits(B, axis=1), P.packed)
    assert_array_equal(np.lexsort(B.T[::-1]), np.arange(P.count))  # lexicographic, strictly increasing
    assert np.all(np.any(B[1:] != B[:-1], axis=1))
    Q = dataclasses.replace(P, patterns=B[:-1], witnesses=P.witnesses[:-1], count=P.count - 1)
    assert_array_equal(Q.packed, P.packed[:-1])
    assert Q.patterns.shape == (P.count - 1, 13)
    R = dataclasses.replace(P, witnesses=P.witnesses * 2.0)
    assert_array_equal(R.packed, P.packed)


def test_large_three_dimensional_count_is_cover():
    """A 3-D instance big enough to need many chunks: Cover's count, certified, all witnesses valid."""
    X = np.random.default_rng(11).standard_normal((150, 3))
    P = geom.enumerate_patterns(X, ties="regions")
    assert P.certified and P.count == geom.cover_count(150, 3) == 22352
    S, valid, _ = exact_sign_matrix(integer_rows(X), P.witnesses)
    assert valid.all()
    assert_array_equal(np.packbits(S, axis=1), P.packed)


def test_dask_scale_out_gives_the_identical_pattern_set():
    """The top levels of the recursion as Dask tasks on a local cluster (started and stopped here): the same
    certified pattern set as the local run, through a client and through a scheduler address."""
    distributed = pytest.importorskip("distributed")
    X = np.random.default_rng(7).standard_normal((24, 4))
    ref = geom.enumerate_patterns(X, ties="regions")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        P = geom.enumerate_patterns(X, ties="regions", scheduler=client)
        Q = geom.enumerate_patterns(X, ties="regions", scheduler=cluster.scheduler_address)
    for R in (P, Q):
        assert R.certified and R.count_certificate == "cover" and R.count == ref.count == geom.cover_count(24, 4)
        assert_array_equal(R.packed, ref.packed)
        pos, zero = _exact_signs(X, R.witnesses)
        assert not zero.any()
        assert_array_equal(np.packbits(pos, axis=1), R.packed)


@pytest.mark.parametrize("n", [5, 64, 130])
@pytest.mark.parametrize("collide", [False, True])
def test_merging_hash_ordered_batches_keeps_the_first_occurrences(monkeypatch, n, collide):
    """Batches deduplicated in hash order and merged by a stable sort of their hashes give exactly the distinct
    rows of the concatenation, each from its earliest batch; also when every hash collides."""
    if collide:
        monkeypatch.setattr(kernels, "_MIX2", np.uint64(0))
    rng = np.random.default_rng(n)
    P = _random_patterns(rng, 600, n, 60)
    K = np.packbits(P, axis=1)
    _, first = np.unique(P, axis=0, return_index=True)
    batches = np.array_split(np.arange(600), 4)
    Ks, Ws, hs = [], [], []
    for b in batches:
        h = kernels.packed_hashes(K[b])
        keep = kernels.hashed_distinct(K[b], h)
        assert np.all(np.diff(h[keep].astype(np.float64)) >= 0) or collide  # hash order
        Ks.append(K[b][keep])
        Ws.append(b[keep].astype(np.float64)[:, None])  # the original row index rides along as the "witness"
        hs.append(h[keep])
    Km, Wm, hm = _patterns._merge_hashed(Ks, Ws, hs)
    assert_array_equal(np.sort(Wm[:, 0].astype(np.int64)), np.sort(first))
    assert_array_equal(Km, K[Wm[:, 0].astype(np.int64)])
    assert_array_equal(hm, kernels.packed_hashes(Km))


@pytest.mark.parametrize("shape", [(9, 2), (12, 3), (10, 4), (9, 5)])
def test_half_witnesses_and_their_negations_are_every_region_once(shape):
    """``cell_witnesses(half=True)`` gives one witness of each pair of opposite regions: with the negations,
    every region exactly once (the count is the exact characteristic-polynomial count, signs exact)."""
    X = np.random.default_rng(shape[0] * shape[1]).integers(-5, 6, size=shape).astype(float)
    Y, _ = geom.distinct_hyperplanes(X, False)
    H = geom.cell_witnesses(Y, half=True)
    pos, zero = _exact_signs(Y, np.concatenate([H, -H]))
    assert not zero.any()
    assert len({tuple(r) for r in pos}) == 2 * H.shape[0] == geom.count_regions(Y)
    full = geom.cell_witnesses(Y)
    assert full.shape[0] == 2 * H.shape[0]
