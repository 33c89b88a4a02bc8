"""Batched kernels on every installed backend: same values as NumPy, namespace and dtype preserved."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

import geom
from geom import kernels


def _np(a):
    return geom.to_numpy(a)


def test_activation_patterns_match_numpy_and_keep_namespace(backend):
    rng = np.random.default_rng(0)
    X, U = rng.standard_normal((7, 3)), rng.standard_normal((2, 5, 3))
    out = kernels.activation_patterns(backend.asarray(X), backend.asarray(U))
    assert geom.backend_name(out) == backend.library
    assert out.shape == (2, 5, 7)
    assert_array_equal(_np(out), (U @ X.T) >= 0)


def test_ties_count_as_active(backend):
    X = backend.asarray([[1.0, 0.0], [0.0, 1.0]])
    out = kernels.activation_patterns(X, backend.asarray([[0.0, -1.0]]))
    assert_array_equal(_np(out), [[True, False]])


@pytest.mark.parametrize("n", [1, 5, 63, 64, 130])
def test_pack_unpack_roundtrip_and_lexicographic_unique(backend, n):
    rng = np.random.default_rng(n)
    P = rng.random((40, n)) < 0.5
    P = np.concatenate([P, P[:7]])  # duplicates
    keys = kernels.pack_patterns(backend.asarray(P))
    assert keys.shape == (47, -(-n // 63))
    assert_array_equal(_np(kernels.unpack_patterns(keys, n)), P)
    idx = _np(kernels.unique_pattern_indices(keys))
    ref = sorted({tuple(r) for r in P.astype(int).tolist()})
    assert [tuple(r) for r in P[idx].astype(int).tolist()] == ref
    # first occurrences
    assert all(i < 40 for i in idx)


def _ref_forward(X, U, a):
    return np.maximum(U @ X.T, 0).T @ a


def test_relu_forward_objective_batched(backend):
    rng = np.random.default_rng(1)
    X, y = rng.standard_normal((6, 3)), rng.standard_normal(6)
    U, A = rng.standard_normal((4, 5, 3)), rng.standard_normal((4, 5))
    f = kernels.relu_forward(backend.asarray(X), backend.asarray(U), backend.asarray(A))
    assert geom.backend_name(f) == backend.library and f.shape == (4, 6)
    ref = np.stack([_ref_forward(X, U[b], A[b]) for b in range(4)])
    assert_allclose(_np(f), ref, rtol=1e-12, atol=1e-12)
    obj = kernels.relu_objective(backend.asarray(X), backend.asarray(y), backend.asarray(U), backend.asarray(A), 0.3)
    ref_obj = [0.5 * np.sum((ref[b] - y) ** 2) + 0.15 * (np.sum(U[b] ** 2) + np.sum(A[b] ** 2)) for b in range(4)]
    assert_allclose(_np(obj), ref_obj, rtol=1e-12)


def test_relu_gradients_match_finite_differences():
    rng = np.random.default_rng(2)
    X, y = rng.standard_normal((8, 3)), rng.standard_normal(8)
    U, a, beta = rng.standard_normal((4, 3)), rng.standard_normal(4), 0.2
    gU, ga = kernels.relu_gradients(X, y, U, a, beta)
    h = 1e-6
    fU = np.zeros_like(U)
    for idx in np.ndindex(U.shape):
        E = np.zeros_like(U)
        E[idx] = h
        fU[idx] = (kernels.relu_objective(X, y, U + E, a, beta) - kernels.relu_objective(X, y, U - E, a, beta)) / (2 * h)
    fa = np.array([(kernels.relu_objective(X, y, U, a + h * e, beta) - kernels.relu_objective(X, y, U, a - h * e, beta))
                   / (2 * h) for e in np.eye(4)])
    assert_allclose(gU, fU, rtol=1e-6, atol=1e-7)
    assert_allclose(ga, fa, rtol=1e-6, atol=1e-7)


def test_gradients_keep_dtype_float32(backend):
    rng = np.random.default_rng(3)
    X, y = backend.asarray(rng.standard_normal((5, 2)), "float32"), backend.asarray(rng.standard_normal(5), "float32")
    U, a = backend.asarray(rng.standard_normal((3, 3, 2)), "float32"), backend.asarray(rng.standard_normal((3, 3)), "float32")
    gU, ga = kernels.relu_gradients(X, y, U, a, 0.1)
    assert gU.dtype == U.dtype and ga.dtype == a.dtype
    assert gU.shape == (3, 3, 2) and ga.shape == (3, 3)


def test_sample_patterns_same_result_on_every_backend(backend):
    rng = np.random.default_rng(4)
    X = rng.standard_normal((12, 3))
    ref = geom.sample_patterns(X, 3000, seed=7)
    got = geom.sample_patterns(backend.asarray(X), 3000, seed=7, batch=1000)
    assert geom.backend_name(got.patterns) == backend.library
    assert got.count == ref.count
    assert_array_equal(_np(got.patterns), ref.patterns)
    # every sampled witness realizes its pattern
    assert_array_equal((X @ _np(got.witnesses).T).T >= 0, ref.patterns)
