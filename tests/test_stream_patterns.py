"""Streaming region patterns (geom.iter_patterns, count_patterns, save_patterns_stream; docs/theory.md §B.7).

Oracles: ``enumerate_patterns(X, ties="regions")`` (set equality), Cover's formula and the exact characteristic
polynomial (counts), exact rational re-checks of every witness (soundness, independent of the code), and the
OEIS counts of the resonance arrangement.
"""

from __future__ import annotations

import os
import tracemalloc
from fractions import Fraction

import numpy as np
import pytest
from numpy.testing import assert_array_equal

import geom
from cases.arrangements import resonance_rows
from geom.arrangements import _patterns as _patterns_mod
from geom.arrangements import _stream
from geom.exceptions import DataFileError, InvalidInputError, InvalidInputTypeError


def collect(X, **kw):
    """All chunks of a stream, concatenated: ``(packed, witnesses, chunks, summary)``."""
    s = geom.iter_patterns(X, **kw)
    chunks = list(s)
    packed = np.concatenate([c.packed for c in chunks])
    wits = np.concatenate([c.witnesses for c in chunks])
    return packed, wits, chunks, s.summary


def rowset(K):
    return {r.tobytes() for r in np.asarray(K)}


def assert_same_as_enumerate(X, bias=False, chunk=97):
    P = geom.enumerate_patterns(X, ties="regions", bias=bias)
    K, W, chunks, S = collect(X, bias=bias, chunk=chunk)
    assert K.shape[0] == len(rowset(K)), "a pattern was streamed twice"
    assert rowset(K) == rowset(P.packed)
    assert S.certified and P.certified
    assert S.count == P.count == S.exact_regions
    assert S.max_chunk <= chunk and all(c.count <= chunk for c in chunks)
    assert [c.index for c in chunks] == list(range(len(chunks)))
    return K, W, S


def exact_region_check(X, K, W, bias=False):
    """Every witness has its pattern and lies on no hyperplane, in rational arithmetic."""
    Xa = np.asarray(X)
    if bias:
        Xa = np.concatenate([Xa, np.ones((Xa.shape[0], 1), dtype=Xa.dtype)], axis=1)
    rows = [[Fraction(v) if isinstance(v, float) else Fraction(int(v)) for v in r] for r in Xa.tolist()]
    nonzero = [any(r) for r in rows]
    pats = np.unpackbits(K, axis=1, count=len(rows)).astype(bool)
    for p, w in zip(pats, W):
        wq = [Fraction(float(v)) for v in w]
        vals = [sum(a * b for a, b in zip(r, wq)) for r in rows]
        assert [v >= 0 for v in vals] == p.tolist()
        assert all(v != 0 for v, nz in zip(vals, nonzero) if nz)


@pytest.mark.parametrize("n,d", [(12, 2), (40, 3), (25, 4), (14, 5), (9, 6)])
def test_gaussian_matches_enumerate_and_cover(n, d):
    X = np.random.default_rng(7 * n + d).standard_normal((n, d))
    K, W, S = assert_same_as_enumerate(X, chunk=max(5, geom.cover_count(n, d) // 7))
    assert S.count == geom.cover_count(n, d) and S.count_certificate == "cover"
    if n * d <= 60:
        exact_region_check(X, K, W)


@pytest.mark.parametrize("n,d,lo,hi", [(30, 3, -2, 2), (20, 4, -1, 1), (24, 4, -3, 3), (12, 5, -1, 1)])
def test_integer_tied_data_matches_enumerate_and_charpoly(n, d, lo, hi):
    X = np.random.default_rng(n + 100 * d).integers(lo, hi + 1, (n, d))
    K, W, S = assert_same_as_enumerate(X, chunk=53)
    assert S.exact_regions == geom.count_regions(X)
    exact_region_check(X, K[:200], W[:200])


def test_duplicate_zero_parallel_and_antiparallel_rows():
    B = np.random.default_rng(5).standard_normal((10, 4))
    X = np.vstack([B, B[:4], -B[2:6], 2.0 * B[:3], np.zeros((2, 4)), B[7:8]])  # 2.0 * B: exact
    K, W, S = assert_same_as_enumerate(X, chunk=61)
    assert S.count == geom.cover_count(10, 4)  # the hyperplanes are those of B, in general position
    pats = np.unpackbits(K, axis=1, count=X.shape[0]).astype(bool)
    assert pats[:, 10 + 4 + 4 + 3:10 + 4 + 4 + 3 + 2].all()  # zero rows are always active
    assert_array_equal(pats[:, 10:14], pats[:, :4])  # duplicates share their sign
    assert_array_equal(pats[:, 14:18], ~pats[:, 2:6])  # antiparallel rows: opposite signs on regions
    exact_region_check(X, K[::50], W[::50])


@pytest.mark.parametrize("d,expected", [(3, 32), (4, 370), (5, 11292)])  # OEIS A034997
def test_resonance_arrangement(d, expected):
    X = resonance_rows(d)
    K, W, S = assert_same_as_enumerate(X, chunk=101)
    assert S.count == expected and S.count_certificate == "charpoly"
    exact_region_check(X, K[::37], W[::37])


def test_bias_and_one_dimensional_closed_form():
    x = np.array([[-1.5], [0.0], [0.5], [2.0], [3.0]])
    K, W, S = assert_same_as_enumerate(x, bias=True, chunk=3)
    assert S.count == 2 * x.shape[0] and S.bias  # docs/theory.md §B.3: 2n region patterns
    assert W.shape[1] == 2
    exact_region_check(x, K, W, bias=True)


def test_only_zero_rows_give_the_all_active_region():
    K, W, chunks, S = collect(np.zeros((3, 2)))
    assert_array_equal(np.unpackbits(K, axis=1, count=3), [[1, 1, 1]])
    assert S.certified and S.count == 1 == S.exact_regions


def test_certificate_only_after_the_last_chunk():
    X = np.random.default_rng(1).standard_normal((30, 3))
    s = geom.iter_patterns(X, chunk=100)
    assert s.summary is None
    first = next(s)
    assert first.count <= 100 and s.summary is None
    rest = list(s)
    assert s.summary is not None and s.summary.certified
    assert s.summary.count == first.count + sum(c.count for c in rest) == geom.cover_count(30, 3)
    assert s.summary.n_chunks == 1 + len(rest)
    assert s.summary.to_dict()["count"] == s.summary.count


@pytest.mark.parametrize("chunk", [1, 7, 64])
def test_no_chunk_above_the_requested_size(chunk):
    X = np.random.default_rng(chunk).standard_normal((12, 4))
    sizes = [c.count for c in geom.iter_patterns(X, chunk=chunk)]
    assert max(sizes) <= chunk and sum(sizes) == geom.cover_count(12, 4)
    assert min(sizes) >= 1


def test_peak_memory_is_below_the_output_size():
    """The whole packed output with its witnesses is about 13.9 MiB: an implementation holding it cannot stay
    below half of it; the stream (chunk 4096, d = 4: O(chunk + n² d), about 3.5 MiB traced, most of it the
    exact sign test's working set) does."""
    n = 100
    X = np.random.default_rng(11).standard_normal((n, 4))
    geom.count_patterns([[1.0, 0.0], [0.0, 1.0]])  # lazy imports outside the measurement
    output_bytes = geom.cover_count(n, 4) * ((n + 7) // 8 + 8 * 4)
    tracemalloc.start()
    try:
        S = geom.count_patterns(X, chunk=4096)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert S.certified and S.count == geom.cover_count(n, 4)
    assert S.max_chunk <= 4096
    assert peak < 0.5 * output_bytes, (peak, output_bytes)


def test_spill_files_are_removed(tmp_path):
    X = np.random.default_rng(2).standard_normal((15, 4))
    s = geom.iter_patterns(X, chunk=50, spill_dir=tmp_path)
    next(s)
    assert len(os.listdir(tmp_path)) == 1  # the stream's temporary directory
    s.close()
    assert os.listdir(tmp_path) == [] and s.summary is None
    S = geom.count_patterns(X, spill_dir=tmp_path)
    assert S.certified and os.listdir(tmp_path) == []
    assert S.spilled_bytes > 0


def test_float_stage_misses_are_repaired_exactly(monkeypatch):
    """Drop a third of the float candidates: the exact fallback must restore a complete, certified stream."""
    real = _stream.cell_witnesses

    def lossy(*a, **kw):
        W = real(*a, **kw)
        return W[np.arange(W.shape[0]) % 3 != 0]

    monkeypatch.setattr(_stream, "cell_witnesses", lossy)
    X = np.random.default_rng(4).integers(-3, 4, (14, 4))
    P = geom.enumerate_patterns(X, ties="regions")
    K, W, chunks, S = collect(X, chunk=40)
    assert S.exact_fallback and S.certified
    assert K.shape[0] == len(rowset(K)) and rowset(K) == rowset(P.packed)
    exact_region_check(X, K, W)


def test_incomplete_stream_is_not_certified(monkeypatch):
    real = _stream.cell_witnesses
    monkeypatch.setattr(_stream, "cell_witnesses", lambda *a, **kw: real(*a, **kw)[::2])
    monkeypatch.setattr(_stream, "_missing_regions", lambda rows, S, dim, exact: ([], [], True))
    X = np.random.default_rng(6).standard_normal((10, 4))
    K, W, chunks, S = collect(X, chunk=40)
    assert not S.certified and S.count_certificate == "none"
    assert S.count < S.exact_regions == geom.cover_count(10, 4)
    assert rowset(K) < rowset(geom.enumerate_patterns(X, ties="regions").packed)


def test_save_patterns_stream_round_trip(tmp_path):
    X = np.random.default_rng(8).standard_normal((20, 3))
    path = tmp_path / "pat.npz"
    S = geom.save_patterns_stream(X, path, chunk=64)
    z = np.load(path)
    P = geom.enumerate_patterns(X, ties="regions")
    assert S.certified and bool(z["certified"]) and int(z["count"]) == P.count == int(z["regions"])
    assert z["patterns"].dtype == bool and z["patterns"].shape == (P.count, 20)
    assert_array_equal(np.packbits(z["patterns"], axis=1), z["packed"])
    assert rowset(z["packed"]) == rowset(P.packed)
    assert str(z["ties"]) == "regions" and int(z["n_data"]) == 20 and int(z["rank"]) == 3
    assert_array_equal(np.packbits(z["witnesses"] @ X.T >= 0, axis=1), z["packed"])
    assert sorted(os.listdir(tmp_path)) == ["pat.npz"]  # no temporary files left
    geom.save_patterns_stream(X, path, unpacked=False)
    assert "patterns" not in np.load(path).files


def test_save_is_atomic_on_failure(tmp_path, monkeypatch):
    path = tmp_path / "pat.npz"
    path.write_bytes(b"old")

    def boom(*a, **kw):
        raise RuntimeError("interrupted")

    monkeypatch.setattr(_stream, "_with_opposites", boom)
    with pytest.raises(RuntimeError, match="interrupted"):
        geom.save_patterns_stream(np.random.default_rng(0).standard_normal((10, 3)), path)
    assert path.read_bytes() == b"old" and sorted(os.listdir(tmp_path)) == ["pat.npz"]


@pytest.mark.parametrize("kw,exc,text", [
    ({"ties": "geq"}, InvalidInputError, "The 'ties' parameter of iter_patterns must be 'regions'"),
    ({"ties": 3}, InvalidInputTypeError, "'ties' parameter"),
    ({"chunk": 0}, InvalidInputError, "The 'chunk' parameter of iter_patterns must be an integer ≥ 1. Got 0"),
    ({"chunk": 2.5}, InvalidInputTypeError, "'chunk' parameter"),
    ({"chunk": True}, InvalidInputTypeError, "'chunk' parameter"),
    ({"bias": "yes"}, InvalidInputTypeError, "The 'bias' parameter of iter_patterns must be a bool"),
    ({"tol": 1e-9}, InvalidInputTypeError, "'tol' parameter"),
    ({"spill_dir": "/no/such/dir"}, InvalidInputError, "'spill_dir' parameter"),
])
def test_bad_arguments_raise_at_the_call(kw, exc, text):
    with pytest.raises(exc, match=text):
        geom.iter_patterns([[1.0, 0.0], [0.0, 1.0]], **kw)  # raised before any iteration


@pytest.mark.parametrize("X,text", [
    ([[np.nan, 1.0]], "finite"),
    ([1.0, 2.0], "'X' parameter of iter_patterns"),
    (np.zeros((0, 2)), "'X' parameter of iter_patterns"),
])
def test_bad_data_raise(X, text):
    with pytest.raises(InvalidInputError, match=text):
        geom.iter_patterns(X)


def test_bad_save_path_is_refused_before_work(tmp_path):
    with pytest.raises(DataFileError, match=r"\.npz"):
        geom.save_patterns_stream([[1.0, 0.0]], tmp_path / "p.txt")
    with pytest.raises(DataFileError, match="existing directory"):
        geom.save_patterns_stream([[1.0, 0.0]], tmp_path / "missing" / "p.npz")
    with pytest.raises(InvalidInputTypeError, match="'unpacked' parameter of save_patterns_stream"):
        geom.save_patterns_stream([[1.0, 0.0]], tmp_path / "p.npz", unpacked=1)
    with pytest.raises(InvalidInputError, match="The 'chunk' parameter of count_patterns"):
        geom.count_patterns([[1.0, 0.0]], chunk=-1)


def test_integer_witnesses_of_repaired_regions(monkeypatch):
    """Regions restored by the exact fallback without a float witness carry an exact integer witness, indexed
    within their chunk."""
    real = _stream.cell_witnesses
    monkeypatch.setattr(_stream, "cell_witnesses", lambda *a, **kw: real(*a, **kw)[1::2])
    monkeypatch.setattr(_patterns_mod, "_float_witness", lambda u, rows: None)  # via _repair_witnesses
    X = np.random.default_rng(9).integers(-2, 3, (12, 4))
    K, W, chunks, S = collect(X, chunk=16)
    assert S.exact_fallback and S.certified and rowset(K) == rowset(geom.enumerate_patterns(X, ties="regions").packed)
    pairs = [(c, i, u) for c in chunks for i, u in c.integer_witnesses]
    assert pairs
    for c, i, u in pairs:
        assert 0 <= i < c.count and len(u) == X.shape[1]
        vals = X.astype(object) @ np.array(u, dtype=object)  # exact Python integers
        assert_array_equal(vals >= 0, c.patterns[i])
        assert all(v != 0 for v, row in zip(vals, X) if row.any())  # a region: on no hyperplane
