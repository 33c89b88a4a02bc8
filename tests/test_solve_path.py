"""The regularization path ``geom.solve_path`` (docs/theory.md §A.3) and the batched pricing screens behind it."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.optimize import nnls

import geom
from geom.cones import _hildreth, dual_values, region_index
from geom.exceptions import InvalidInputError

#: Two certified solutions of the same instance agree to about twice the certified relative gap (1e-8 each).
RTOL_TWO_CERTIFIED = 5e-8


def _teacher(n, d, seed):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    W = rng.standard_normal((2, d))
    return X, np.maximum(X @ W[0], 0) - np.maximum(X @ W[1], 0) + 0.05 * rng.standard_normal(n)


def test_path_is_certified_and_matches_cold_solves():
    """Each warm-started solve reaches the optimum of an independent cold solve (same p* within the gaps)."""
    X, y = _teacher(14, 2, 3)
    betas = [0.3, 0.1, 0.03, 0.01]
    path = geom.solve_path(X, y, betas)
    assert path.all_certified and path.certified.tolist() == [True] * 4
    cold = [geom.solve_convex(X, y, b) for b in betas]
    assert_allclose(path.p_star, [s.p_star for s in cold], rtol=RTOL_TWO_CERTIFIED)
    assert_allclose(path.betas, betas, rtol=0)
    # p*(β) is increasing in β (the objective is), strictly here (y is not fit exactly by the zero net)
    assert np.all(np.diff(path.p_star) < 0)
    assert np.all(path.rel_gap <= 1e-8)
    assert np.all(path.lower_bound <= path.p_star + 1e-12)


def test_path_counts_neurons_and_groups():
    X, y = _teacher(12, 2, 5)
    path = geom.solve_path(X, y, [0.5, 0.05, 0.005])
    for s, k, g in zip(path.solutions, path.neurons, path.groups):
        assert k == s.neurons == int(np.sum(np.linalg.norm(s.U, axis=1) > 0) + np.sum(np.linalg.norm(s.V, axis=1) > 0))
        assert g == s.patterns.shape[0]
        assert g <= k <= 2 * g
    d = path.to_dict()
    assert [e["beta"] for e in d["path"]] == [0.5, 0.05, 0.005]
    assert d["all_certified"] is True
    assert [e["neurons"] for e in d["path"]] == path.neurons.tolist()


def test_path_uses_a_given_pattern_object_once(monkeypatch):
    """The pool is enumerated once and shared: no solve enumerates again."""
    X, y = _teacher(10, 2, 7)
    calls = []
    real = geom.convex.enumerate_patterns

    def counting(*a, **k):
        calls.append(1)
        return real(*a, **k)

    monkeypatch.setattr(geom.convex, "enumerate_patterns", counting)
    path = geom.solve_path(X, y, [0.2, 0.02])
    assert len(calls) == 1 and path.all_certified


@pytest.mark.parametrize("betas", [[0.1, 0.1], [0.01, 0.1], [], [0.1, -0.01], [[0.1, 0.01]], [0.1, float("nan")],
                                   "abc"])
def test_path_bad_betas(betas):
    X, y = _teacher(6, 2, 1)
    with pytest.raises(InvalidInputError, match="'betas' parameter of solve_path"):
        geom.solve_path(X, y, betas)


@pytest.mark.parametrize("warm", [[0, 10 ** 6], [-1], [[0, 1]], [0.5]])
def test_bad_warm_start(warm):
    X, y = _teacher(6, 2, 1)
    with pytest.raises(InvalidInputError, match="'warm_start' parameter of solve_convex"):
        geom.solve_convex(X, y, 0.1, warm_start=warm)


def test_warm_start_changes_the_path_not_the_optimum():
    X, y = _teacher(12, 2, 11)
    cold = geom.solve_convex(X, y, 0.02)
    warm = geom.solve_convex(X, y, 0.02, warm_start=cold.work)
    assert cold.certified and warm.certified
    assert_allclose(warm.p_star, cold.p_star, rtol=RTOL_TWO_CERTIFIED)
    assert warm.stats["rounds"] <= cold.stats["rounds"]


def test_hildreth_bound_is_above_the_projection():
    """Any λ ≥ 0 of the coordinate-descent screen bounds the projection norm from above (Moreau), and many
    sweeps reach it (NNLS oracle)."""
    rng = np.random.default_rng(0)
    N, m, d = 200, 6, 3
    G = rng.standard_normal((N, d))
    B = rng.standard_normal((N, m, d))
    B[:, -1] = 0.0  # a padding row
    exact = np.array([np.linalg.norm(G[i] + B[i].T @ nnls(B[i].T, -G[i])[0]) for i in range(N)])
    for sweeps in (1, 3, 10):
        p, lam = _hildreth(G, B, sweeps)
        assert np.all(lam >= 0)
        assert np.all(np.linalg.norm(p, axis=1) >= exact * (1 - 1e-12) - 1e-14)
    # on well-conditioned simplicial cones (three rows near an orthonormal basis) the sweeps converge to the
    # projection (ill-conditioned cones are left to the exact active-set solver)
    B3 = np.eye(3)[None] + 0.3 * B[:, :3]
    exact3 = np.array([np.linalg.norm(G[i] + B3[i].T @ nnls(B3[i].T, -G[i])[0]) for i in range(N)])
    p, _ = _hildreth(G, B3, 3000)
    assert_allclose(np.linalg.norm(p, axis=1), exact3, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("seed", [0, 1])
def test_dual_values_screens_are_rigorous_and_exact_where_computed(seed):
    """Against a brute-force NNLS projection on every row: ``upper`` bounds every value, computed values are
    exact, and every value above the threshold is computed."""
    X, y = _teacher(25, 3, seed)
    pool = geom.enumerate_patterns(X, ties="regions").patterns
    nu = np.random.default_rng(seed + 9).standard_normal(25) * 0.3
    exact = np.zeros((pool.shape[0], 2))
    for k, pat in enumerate(pool):
        B = np.where(pat[:, None], X, -X)
        for col, s in ((0, 1.0), (1, -1.0)):
            g = s * (X.T @ (pat * nu))
            exact[k, col] = np.linalg.norm(g + B.T @ nnls(B.T, -g)[0])
    thr = float(np.quantile(exact, 0.9))
    for index in (None, region_index(X, pool)):
        dv = dual_values(X, nu, pool, threshold=thr, index=index)
        assert np.all(dv.upper >= exact * (1 - 1e-9) - 1e-12)
        assert_allclose(dv.values[dv.computed], exact[dv.computed], rtol=1e-7, atol=1e-10)
        assert np.all(dv.computed[exact > thr * (1 + 1e-9)])
        assert_allclose(dv.phi, exact.max(), rtol=1e-7)
        # pricing mode: the same entries are found above the threshold, upper stays rigorous
        fast = dual_values(X, nu, pool, threshold=thr, index=index, exact=False)
        assert np.all(fast.upper >= exact * (1 - 1e-9) - 1e-12)
        clear = (exact > thr * (1 + 1e-9)) | (exact < thr * (1 - 1e-9))
        assert np.array_equal((fast.values > thr)[clear], (exact > thr)[clear])
        assert_allclose(fast.values[fast.computed], exact[fast.computed], rtol=1e-7, atol=1e-10)
