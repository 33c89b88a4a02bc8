"""Certificates of global optimality (docs/theory.md §C.3), dual values on every backend (§C.2), weak duality."""

from __future__ import annotations

import dataclasses
import json
import warnings
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

import geom
from geom.cones import dual_values, project_cone, region_index
from geom.exceptions import InvalidInputError
from geom.nets import Net

X_I1, Y_I1 = np.array([[-1.0], [1.0]]), np.array([1.0, 2.0])


def test_I9_saddle_is_flagged_with_the_spec_numbers():
    """I9: (√1.5, √1.5) + a zero neuron: objective 1.375, scaled bound gap 0.53125, escape pattern 10 at 1 > β."""
    net = Net(np.array([[np.sqrt(1.5)], [0.0]]), np.array([np.sqrt(1.5), 0.0]))
    c = geom.certify_net(net, X_I1, Y_I1, 0.5)
    assert c.verdict == "violated" and c.globally_optimal is False
    assert_allclose(c.objective, 1.375, rtol=1e-14)
    assert_allclose(c.gap, 0.53125, rtol=1e-12)
    assert c.escape_patterns.astype(int).tolist() == [[1, 0]]
    assert c.escape_signs.tolist() == [1]
    assert_allclose(c.escape_values, [1.0], rtol=1e-12)
    assert_allclose(c.escape_directions, [[-1.0]], rtol=1e-12)
    # the true gap is 0.125 (p* = 1.25): the scaled bound is valid but loose (docs/theory.md §C.3)
    assert c.gap >= 1.375 - geom.solve_convex(X_I1, Y_I1, 0.5).p_star - 1e-12


def test_optimal_net_holds_and_sampling_is_inconclusive():
    s = geom.solve_convex(X_I1, Y_I1, 0.5)
    net = s.to_net()
    c = geom.certify_net(net, X_I1, Y_I1, 0.5)
    assert c.verdict == "holds" and c.pattern_source == "exact"
    assert c.rel_gap <= geom.DEFAULT_TOLERANCES.certificate
    sampled = geom.certify_net(net, X_I1, Y_I1, 0.5, patterns="sampled", n_samples=1000)
    assert sampled.verdict == "inconclusive"  # sampling can never prove "holds"


def test_sampled_patterns_can_prove_violated():
    net = Net(np.array([[np.sqrt(1.5)], [0.0]]), np.array([np.sqrt(1.5), 0.0]))
    c = geom.certify_net(net, X_I1, Y_I1, 0.5, patterns="sampled", n_samples=1000)
    assert c.verdict == "violated"


def test_unbalanced_optimal_direction_is_violated():
    """Rescaling a neuron off balance keeps the fit but raises the penalty: not optimal (docs/theory.md §A.4)."""
    net = geom.solve_convex(X_I1, Y_I1, 0.5).to_net()
    skew = Net(net.U * 2.0, net.alpha / 2.0)
    assert_allclose(skew.output(X_I1), net.output(X_I1), rtol=1e-14)
    assert geom.certify_net(skew, X_I1, Y_I1, 0.5).verdict == "violated"


def test_random_optimal_net_holds_with_bias():
    rng = np.random.default_rng(3)
    X, y = rng.standard_normal((8, 2)), rng.standard_normal(8)
    s = geom.solve_convex(X, y, 0.1, bias=True)
    c = geom.certify_net(s.to_net(), X, y, 0.1)
    assert c.verdict == "holds"
    assert_allclose(c.objective, s.p_star, rtol=1e-12)


@settings(max_examples=25, deadline=None, derandomize=True)
@given(st.integers(0, 10_000), st.integers(1, 4), st.floats(0.01, 1.0))
def test_weak_duality_on_random_nets(seed, m, beta):
    """For every net, D(ν̃) ≤ p* ≤ L_β(θ) (docs/theory.md §A.3 fact 1, §C.3)."""
    rng = np.random.default_rng(seed)
    X, y = rng.integers(-3, 4, size=(5, 2)).astype(float), rng.standard_normal(5)
    net = Net(rng.standard_normal((m, 2)), rng.standard_normal(m))
    c = geom.certify_net(net, X, y, beta)
    p = geom.solve_convex(X, y, beta)
    assert c.lower_bound <= p.p_star + 1e-9 * max(1.0, p.p_star)
    assert p.p_star <= c.objective + 1e-9 * max(1.0, c.objective)
    assert p.lower_bound <= p.p_star + 1e-12


def test_logistic_certificate_weak_duality():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((6, 2))
    y = np.sign(rng.standard_normal(6))
    for seed in range(5):
        r = np.random.default_rng(seed)
        net = Net(r.standard_normal((3, 2)), r.standard_normal(3))
        c = geom.certify_net(net, X, y, 0.1, loss="logistic")
        assert c.gap >= -1e-12
        assert c.verdict in ("violated", "inconclusive", "holds")


def test_certificate_bad_input():
    net = Net(np.ones((2, 1)), np.ones(2))
    with pytest.raises(InvalidInputError, match="'X' parameter of certify_net"):
        geom.certify_net(net, np.ones((2, 3)), np.ones(2), 0.5)
    with pytest.raises(InvalidInputError, match="'beta' parameter of certify_net"):
        geom.certify_net(net, X_I1, Y_I1, -1.0)
    with pytest.raises(InvalidInputError, match="'y' parameter of certify_net"):
        geom.certify_net(net, X_I1, Y_I1, 0.5, loss="logistic")
    with pytest.raises(InvalidInputError, match="'patterns' parameter"):
        geom.certify_net(net, X_I1, Y_I1, 0.5, patterns="all")
    with pytest.raises(InvalidInputError, match="finite"):
        Net(np.array([[np.inf]]), np.ones(1))


# ---- dual values: projection oracle and every backend -------------------------------------------------------

def test_project_cone_against_cvxpy_and_moreau():
    """Π_C(g) by active set equals the QP solution; ‖Π_C g‖ = max_{u∈C,‖u‖≤1} gᵀu (Moreau, docs/theory.md §C.2)."""
    cp = pytest.importorskip("cvxpy")
    rng = np.random.default_rng(1)
    for _ in range(5):
        B, g = rng.standard_normal((6, 3)), rng.standard_normal(3)
        u = cp.Variable(3)
        cp.Problem(cp.Minimize(cp.sum_squares(u - g)), [B @ u >= 0]).solve(solver="CLARABEL")
        p = project_cone(g, B)
        assert_allclose(p, u.value, atol=1e-7)
        assert np.all(B @ p >= -1e-12)
        assert_allclose(g @ p, p @ p, atol=1e-12)  # gᵀΠg = ‖Πg‖²: the maximizer of gᵀu on C ∩ B is Πg/‖Πg‖


def test_dual_values_facets_and_screens_agree_with_plain_projection():
    rng = np.random.default_rng(2)
    X = rng.standard_normal((12, 3))
    P = geom.enumerate_patterns(X, ties="regions").patterns
    nu = rng.standard_normal(12)
    full = dual_values(X, nu, P)
    fast = dual_values(X, nu, P, index=region_index(X, P))
    assert_allclose(fast.values, full.values, atol=1e-12)
    for k in range(0, P.shape[0], 7):
        B = np.where(P[k][:, None], X, -X)
        for col, s in ((0, 1.0), (1, -1.0)):
            assert_allclose(full.values[k, col], np.linalg.norm(project_cone(s * X.T @ (P[k] * nu), B)), atol=1e-12)
    # thresholded and Lipschitz-warm results are exact above the threshold and bound everything
    thr = np.quantile(full.values, 0.8)
    warm = dual_values(X, nu + 1e-3 * rng.standard_normal(12), P, threshold=thr, previous=(full, nu))
    cold = dual_values(X, nu + 0 * nu, P, threshold=thr)
    assert np.all(cold.upper >= full.values - 1e-12)
    hi = full.values > thr
    assert_allclose(cold.values[hi], full.values[hi], atol=1e-12)
    assert np.all(warm.upper >= 0)


def test_facet_rows_are_irredundant_and_sufficient():
    """Facet rows read off the region list describe the same cone as all n rows (checked by exact LP)."""
    X = np.array([[1, 0], [0, 1], [1, 1], [1, -1], [-2, 0]], dtype=float)
    P = geom.enumerate_patterns(X, ties="regions").patterns
    idx = region_index(X, P)
    for p in P:
        rows = idx.facet_rows(p)
        assert len(rows) == 2  # every region of a central arrangement in R^2 is a wedge with two walls
        B = np.where(p[:, None], X, -X)
        # the two facet normals generate the cone's dual: each other row is a nonnegative combination of them
        coef = np.linalg.lstsq(B[rows].T, B.T, rcond=None)[0]
        assert np.all(coef >= -1e-12)


def test_dual_values_every_backend(backend):
    rng = np.random.default_rng(4)
    X = rng.standard_normal((9, 3))
    P = geom.enumerate_patterns(X, ties="regions").patterns
    nu = rng.standard_normal(9)
    ref = dual_values(X, nu, P)
    got = dual_values(backend.asarray(X, np.float64), backend.asarray(nu, np.float64), P)
    assert_allclose(got.values, ref.values, atol=1e-12)
    assert got.phi == pytest.approx(ref.phi, abs=1e-12)


# ---- regression tests of the certification issue -------------------------------------------------------------

def _exact_gain(X, nu, u, sign):
    """Independent oracle: ``sign · νᵀ(Xu)_+`` and ``‖u‖²`` in rational arithmetic."""
    from fractions import Fraction

    t = Fraction(0)
    for x, v in zip(X, nu):
        s = sum((Fraction(float(a)) * Fraction(float(b)) for a, b in zip(x, u)), Fraction(0))
        if s > 0:
            t += Fraction(float(v)) * s
    return sign * t, sum((Fraction(float(c)) ** 2 for c in u), Fraction(0))


def test_uncertified_pool_never_holds(monkeypatch):
    """Certification is ignored downstream: ψ(W*) over an uncertified enumeration used to be ``holds``."""
    from geom.arrangements import _patterns

    X, y = np.array([[1.0], [1.0 + 2.0**-52]]), np.array([1.0, 2.0])
    real = _patterns.cell_witnesses  # make the enumeration miss a region and its repair fail
    monkeypatch.setattr(_patterns, "cell_witnesses", lambda *a, **k: real(*a, **k)[:-1])
    monkeypatch.setattr(_patterns, "level_candidates", lambda *a, **k: [])
    with pytest.warns(geom.PrecisionWarning):
        P = geom.enumerate_patterns(X, bias=True, ties="regions")
    s = geom.solve_convex(X, y, 0.1, bias=True, patterns=P)
    net = s.to_net()
    for pats in (P, "exact"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", geom.PrecisionWarning)
            c = geom.certify_net(net, X, y, 0.1, patterns=pats)
        assert (c.verdict, c.pool_certified, c.pattern_source) == ("inconclusive", False, "exact")
        assert "not certified complete" in c.reason


def test_patterns_object_is_the_pool(monkeypatch):
    """A Patterns object is used as is (no re-enumeration) and certifies like the default."""
    rng = np.random.default_rng(3)
    X, y = rng.standard_normal((8, 2)), rng.standard_normal(8)
    P = geom.enumerate_patterns(X, bias=True)
    net = geom.solve_convex(X, y, 0.1, bias=True, patterns=P).to_net()
    import geom.certificate as gc

    monkeypatch.setattr(gc, "enumerate_patterns", None)  # calling it would fail
    c = geom.certify_net(net, X, y, 0.1, patterns=P)
    assert (c.verdict, c.pool_certified, c.n_patterns) == ("holds", True, P.n_regions)
    with pytest.raises(InvalidInputError, match="'patterns' parameter of certify_net.*bias=True"):
        geom.certify_net(net, X, y, 0.1, patterns=geom.enumerate_patterns(X))


@pytest.mark.parametrize("big", [1e154, 1e155, 1e300])
def test_huge_nets_get_a_verdict(big):
    """Entries ≥ 1e155 made the objective inf and the gap NaN, and a NaN gap fell through to ``holds``; 1e154
    raised from scipy's nnls.  Violated: the penalty alone exceeds L(0) ≥ p*, or (where ν̂ is finite) a verified
    escape direction."""
    for net in (Net(np.array([[big]]), np.array([big])), Net(np.array([[big], [-big]]), np.array([big, big]))):
        c = geom.certify_net(net, np.array([[1.0]]), np.array([1.0]), 0.1)
        assert c.verdict == "violated", c.reason
        assert "penalty alone exceeds L(0)" in c.reason or "verified escape" in c.reason
        json.dumps(c.to_dict(), allow_nan=False)  # non-finite numbers are null in JSON


def test_nan_gap_is_never_holds(monkeypatch):
    """A NaN in the gap gives ``inconclusive`` (every verdict is decided by a test NaN cannot pass)."""
    import geom.certificate as gc

    real = gc.dual_bound
    monkeypatch.setattr(gc, "dual_bound", lambda *a, **k: dataclasses.replace(real(*a, **k), lower_bound=np.nan))
    net = geom.solve_convex(X_I1, Y_I1, 0.5).to_net()
    c = geom.certify_net(net, X_I1, Y_I1, 0.5)
    assert c.verdict == "inconclusive" and np.isnan(c.gap)


def test_json_globally_optimal_is_the_verdict_string():
    """``certify --json`` printed ``globally_optimal: false`` for both violated and inconclusive."""
    net = geom.solve_convex(X_I1, Y_I1, 0.5).to_net()
    saddle = Net(np.array([[np.sqrt(1.5)], [0.0]]), np.array([np.sqrt(1.5), 0.0]))
    got = {geom.certify_net(n, X_I1, Y_I1, 0.5, patterns=p).to_dict()["globally_optimal"]
           for n, p in ((net, "exact"), (saddle, "exact"), (net, "sampled"))}
    assert got == {"holds", "violated", "inconclusive"}


def test_escape_directions_are_verified_independently():
    """Every reported escape direction lies in its pattern's cone and beats β(1 + tol) in exact arithmetic."""
    rng = np.random.default_rng(5)
    X, y = rng.integers(-3, 4, size=(7, 2)).astype(float), rng.standard_normal(7)
    tol = geom.DEFAULT_TOLERANCES.certificate
    n_checked = 0
    for seed in range(6):
        r = np.random.default_rng(seed)
        net = Net(r.standard_normal((2, 2)), r.standard_normal(2))
        c = geom.certify_net(net, X, y, 0.3)
        for pat, s, u in zip(c.escape_patterns, c.escape_signs, c.escape_directions):
            dots = [sum((Fraction(float(a)) * Fraction(float(b)) for a, b in zip(x, u)), Fraction(0)) for x in X]
            # u ∈ C_pat exactly: x_iᵀu ≥ 0 on the active rows, ≤ 0 on the others
            assert all((d >= 0) if active else (d <= 0) for d, active in zip(dots, pat))
            t, nrm2 = _exact_gain(X, c.nu, u, int(s))
            thr = 0.3 * (1 + tol)
            assert t > 0 and t * t > Fraction(thr) ** 2 * nrm2
            n_checked += 1
    assert n_checked > 0


def test_unprovable_escape_candidates_are_dropped():
    """A candidate whose direction does not beat the threshold is not reported (dual values are estimates)."""
    X, nu = np.array([[-1.0], [1.0]]), np.array([1.0, 0.5])
    pool = np.array([[False, True], [True, False]])
    dv = dual_values(X, nu, pool)
    fake = dataclasses.replace(dv, values=dv.values + 10.0)  # pretend every entry exceeds β
    esc = geom.verify_escapes(X, nu, pool, fake, 0.5)
    assert esc.n_candidates == 4 and esc.count == 1  # only 10 with u = −1 has value 1 > 0.5
    assert esc.patterns.astype(int).tolist() == [[1, 0]] and esc.in_cone.tolist() == [True]
    # a direction outside its pattern's cone is reported with the pattern it really has
    bad = dataclasses.replace(fake, directions=np.array([[[-1.0], [1.0]], [[-1.0], [1.0]]]))
    esc = geom.verify_escapes(X, nu, pool, bad, 0.5)
    assert esc.count == 2 and esc.patterns.astype(int).tolist() == [[1, 0], [1, 0]]
    assert esc.in_cone.tolist() == [True, False]


def test_pairing_gap_proves_an_unbalanced_net_suboptimal():
    net = geom.solve_convex(X_I1, Y_I1, 0.5).to_net()
    c = geom.certify_net(Net(net.U * 2.0, net.alpha / 2.0), X_I1, Y_I1, 0.5)
    assert c.verdict == "violated" and "pairing gap" in c.reason and c.escape_values.size == 0
    assert_allclose(c.pairing_gap, c.objective - 1.25, rtol=1e-12)  # ν̂ = ν*: D(ν̂) = p*


@settings(max_examples=30, deadline=None, derandomize=True)
@given(st.integers(0, 10_000), st.sampled_from([1e-8, 1.0, 1e8]), st.sampled_from([1e-6, 1.0, 1e6]))
def test_dual_value_upper_bounds_are_rigorous(seed, x_scale, nu_scale):
    """``upper`` dominates the exact dual values whatever the threshold, warm start and scale (the screens carry
    a rounding allowance); the oracle is the projection onto all n rows of the cone."""
    rng = np.random.default_rng(seed)
    X = rng.integers(-3, 4, size=(6, 2)).astype(float) * x_scale
    P = geom.enumerate_patterns(X, ties="regions").patterns
    nu = rng.standard_normal(6) * nu_scale
    full = dual_values(X, nu, P)
    for k in range(P.shape[0]):
        B = np.where(P[k][:, None], X, -X)
        for col, s in ((0, 1.0), (1, -1.0)):
            exact = np.linalg.norm(project_cone(s * X.T @ (P[k] * nu), B))
            assert full.upper[k, col] >= exact
    thr = float(np.quantile(full.values, 0.7))
    for warm in (None, (full, nu * (1 - 1e-9))):
        dv = dual_values(X, nu, P, threshold=thr, index=region_index(X, P), previous=warm)
        assert np.all(dv.upper >= full.values * (1 - 1e-15))
        assert dv.phi_upper >= full.phi


@pytest.mark.parametrize("scale", [1e160, 1e300])
def test_data_beyond_float64_squares_is_inconclusive(scale):
    """``|X|²|ν|`` overflowing float64 made scipy's nnls raise; the certificate is now inconclusive."""
    X, y = np.array([[1.0], [-2.0], [0.5]]) * scale, np.array([1.0, 2.0, 3.0])
    c = geom.certify_net(Net(np.array([[1.0]]), np.array([1.0])), X, y, 0.1)
    assert c.verdict == "inconclusive"
    json.dumps(c.to_dict(), allow_nan=False)


# ---- the batched active set and the hashed region index (issue 9) ------------------------------------------------

def _thin_cones(rng, N, m, d):
    """Cone row batches aimed at the weak spots: generic rows, nearly parallel rows (thin cones), duplicated rows,
    huge/tiny scales, integers; zero rows as padding."""
    B = rng.standard_normal((N, m, d))
    kind = np.arange(N) % 5
    B[kind == 1, 1] = B[kind == 1, 0] + 1e-7 * rng.standard_normal((int(np.sum(kind == 1)), d))
    B[kind == 2, 2] = B[kind == 2, 0]
    B[kind == 3] *= 10.0 ** rng.integers(-6, 7, size=(int(np.sum(kind == 3)), 1, 1))
    B[kind == 4] = rng.integers(-2, 3, size=(int(np.sum(kind == 4)), m, d)).astype(float)
    B[:, m - 1][rng.random(N) < 0.3] = 0.0
    return B


def _projection_by_faces(g, rows):
    """Independent oracle: ``Π_C g`` for ``C = {u : rows u ≥ 0}`` by brute force over the faces.  The projection
    is the projection of ``g`` onto the span of the face it lies in, ``{u : rows_S u = 0}``, so it is the point
    nearest ``g`` among the feasible ``g − Π_{span rows_S}(g)`` over every subset ``S`` of rows."""
    from itertools import combinations

    best, dist = None, np.inf
    scale = float(np.linalg.norm(g))
    for r in range(rows.shape[0] + 1):
        for S in combinations(range(rows.shape[0]), r):
            if r:
                Q, sv, _ = np.linalg.svd(rows[list(S)].T, full_matrices=False)
                Q = Q[:, sv > 1e-12 * sv.max()]
                p = g - Q @ (Q.T @ g)
            else:
                p = g.copy()
            if np.all(rows @ p >= -1e-10 * scale * np.linalg.norm(rows, axis=1)):
                dd = float(np.linalg.norm(g - p))
                if dd < dist:
                    best, dist = p, dd
    return best


@pytest.mark.parametrize("d", [2, 3, 5])
def test_batched_active_set_matches_brute_force_over_faces(d):
    """Every entry the batched Lawson–Hanson method marks solved has the value of the projection found by brute
    force over the cone's faces (an oracle sharing no code with geom.cones), and every returned point bounds
    ‖Π_C g‖ from above; thin, duplicated, integer and badly scaled cones included."""
    from geom.cones import _active_set_batch, _hildreth

    rng = np.random.default_rng(40 + d)
    N, m = 60, 6
    B = _thin_cones(rng, N, m, d)
    G = rng.standard_normal((N, d)) * 10.0 ** rng.integers(-3, 4, size=(N, 1))
    lam0 = _hildreth(G, B, 3)[1]
    ok, p, lam, v = _active_set_batch(G, B, lam0)
    assert ok.mean() > 0.8  # most entries are solved in the batch (the rest go to the one-by-one solver)
    assert np.all(lam >= 0)
    for i in range(N):
        rows = B[i][np.any(B[i] != 0, axis=1)]
        ref = float(np.linalg.norm(_projection_by_faces(G[i], rows)))
        scale = float(np.linalg.norm(G[i]))
        assert np.linalg.norm(p[i]) >= ref - 1e-9 * scale  # λ ≥ 0: an upper bound
        if ok[i]:
            assert_allclose(np.linalg.norm(v[i]), ref, atol=1e-9 * scale)


def test_batched_active_set_is_exact_on_the_polar_cone():
    """g in the polar cone (g = −Bᵀλ with λ > 0 on d independent rows): the value is exactly 0."""
    from geom.cones import _active_set_batch

    rng = np.random.default_rng(7)
    B = rng.standard_normal((20, 4, 3))
    G = -np.einsum("nm,nmd->nd", rng.random((20, 4)) + 0.1, B)
    ok, _, _, v = _active_set_batch(G, B, np.ones((20, 4)))
    assert ok.all()
    assert np.all(v == 0.0)


def test_hashed_region_index_agrees_with_raw_key_search():
    """The hash lookup of RegionIndex (confirmed on the full words) and the raw sorted-key search give the same
    facet masks, for regions of the set and for patterns outside it; a forced collision falls back to the keys."""
    from dataclasses import replace

    from geom.cones import _row_keys

    rng = np.random.default_rng(5)
    X = rng.standard_normal((70, 3))  # n > 63: two packed words per pattern
    P = geom.enumerate_patterns(X, ties="regions").patterns
    idx = region_index(X, P)
    assert idx.hashes is not None and idx.keys is None
    raw = replace(idx, hashes=None, words=None, keys=np.sort(_row_keys(P)), cache={})
    queries = np.concatenate([P[::3], rng.random((50, 70)) < 0.5])
    assert_array_equal(idx.facet_mask(queries), raw.facet_mask(queries))
    assert_array_equal(idx.facet_mask(queries), idx.facet_mask(queries))  # from the cache the second time
    # every region of a generic arrangement in R^3 has at least 3 facets; a non-region pattern none
    assert np.all(idx.facet_mask(P).sum(axis=1) >= 3)
    # a set too large for the full cache remembers the patterns asked for: same answers, twice
    import geom.cones as cones

    big = region_index(X, P)
    try:
        cones._FACET_CACHE_MAX, saved = 0, cones._FACET_CACHE_MAX
        assert_array_equal(big.facet_mask(queries), raw.facet_mask(queries))
        assert len(big.cache["memo"]) > 0 and "facets" not in big.cache
        assert_array_equal(big.facet_mask(queries[::-1]), raw.facet_mask(queries[::-1]))
    finally:
        cones._FACET_CACHE_MAX = saved


def test_facet_projection_on_sliver_cones_matches_every_row():
    """Regression (fuzz stream 1396565009, instance 21): in the float hexagon, opposite rows are not exactly
    opposite, so half the regions are slivers ~1e-16 wide between two nearly opposite facet rows.  The float
    projection onto the two facet rows landed on the wrong side (value β instead of 0); the values with the facet
    index must equal those with every row."""
    from test_polytope import _HEX_NU

    t = 2 * np.pi * np.arange(6) / 6
    X = np.c_[np.cos(t), np.sin(t)]
    pool = geom.enumerate_patterns(X, ties="regions").patterns
    fast = dual_values(X, _HEX_NU, pool, index=region_index(X, pool))
    full = dual_values(X, _HEX_NU, pool)
    assert_allclose(fast.values, full.values, atol=1e-15)
    k = int(np.flatnonzero((pool == np.array([0, 0, 0, 1, 1, 0], bool)).all(axis=1))[0])
    assert fast.values[k, 1] <= 1e-15


def test_hash_table_finds_every_key_and_refuses_equal_hashes():
    """The open-addressing table of RegionIndex: every key is found at its own index, absent keys are not, and
    two equal hashes (wherever they sit) make it refuse (the index then searches raw keys)."""
    from geom.cones import _hash_table, _table_lookup

    rng = np.random.default_rng(0)
    h = rng.integers(0, 2**63, size=50_000, dtype=np.int64).astype(np.uint64)
    t = _hash_table(h)
    assert_array_equal(_table_lookup(t, h, h), np.arange(h.size))
    q = rng.integers(0, 2**63, size=1000, dtype=np.int64).astype(np.uint64)
    assert np.all(_table_lookup(t, h, q[~np.isin(q, h)]) == -1)
    for a, b in ((5, 77), (0, h.size - 1), (123, 124)):
        h2 = h.copy()
        h2[a] = h2[b]
        assert _hash_table(h2) is None


@pytest.mark.parametrize("seed,scale", [(0, 1.0), (1, 1e-4), (2, 1e4)])
def test_subset_stage_values_and_bounds_match_every_row(seed, scale, monkeypatch):
    """With n > 2·_SUBSET_ROWS and a region index too large for the facet cache (_FACET_CACHE_MAX lowered here to
    0) the pending entries are first projected onto their most violated rows (a superset cone): values above
    the threshold must equal the all-rows projections, every bound must hold, near-duplicate and integer rows
    included."""
    from geom.cones import _SUBSET_ROWS

    monkeypatch.setattr(geom.cones, "_FACET_CACHE_MAX", 0)

    rng = np.random.default_rng(300 + seed)
    n = 3 * _SUBSET_ROWS
    X = rng.standard_normal((n, 3)) * scale
    X[1] = X[0] + 1e-9 * scale * rng.standard_normal(3)
    X[2:6] = rng.integers(-3, 4, size=(4, 3)) * scale
    P = geom.enumerate_patterns(X, ties="regions").patterns
    nu = rng.standard_normal(n)
    full = dual_values(X, nu, P)
    thr = float(np.quantile(full.values, 0.7))
    fast = dual_values(X, nu, P, threshold=thr, index=region_index(X, P))
    hi = full.values > thr * (1 + 1e-9)
    assert_allclose(fast.values[hi], full.values[hi], rtol=1e-9, atol=1e-12 * float(full.values.max()))
    assert np.all(fast.upper >= full.values * (1 - 1e-12))
    assert np.all(~fast.computed | (np.abs(fast.values - full.values) <= 1e-9 * full.values.max()))


def test_fallback_active_set_matches_brute_force_over_faces():
    """The one-problem fallback of _project (the batched Lawson–Hanson method run to 3m + 20 steps) returns
    λ ≥ 0 whose point is the projection found by brute force over the cone's faces."""
    from geom.cones import _nnls_active_set

    rng = np.random.default_rng(77)
    B = _thin_cones(rng, 25, 5, 3)
    for i in range(25):
        rows = B[i][np.any(B[i] != 0, axis=1)]
        g = rng.standard_normal(3)
        lam = _nnls_active_set(rows.T, -g)
        assert np.all(lam >= 0)
        ref = float(np.linalg.norm(_projection_by_faces(g, rows)))
        assert_allclose(np.linalg.norm(g + rows.T @ lam), ref, atol=1e-9 * np.linalg.norm(g))


def test_dual_values_without_directions_are_the_same_values_and_bounds():
    """``directions=False`` (certificates) changes nothing but the directions it does not keep: the same values,
    computed flags, rigorous bounds and φ, whatever the threshold, screen and index; and the bound-only
    ``DualValues.screen`` of a result screens the next ν exactly as the full result does."""
    rng = np.random.default_rng(12)
    X = rng.standard_normal((40, 3))
    P = geom.enumerate_patterns(X, ties="regions").patterns
    index = region_index(X, P)
    nu = rng.standard_normal(40)
    base = dual_values(X, nu, P, index=index)
    for thr in (None, float(np.quantile(base.values, 0.9))):
        for warm in (None, (base, nu * (1 + 1e-6)), (geom.cones.DualValues.screen(base.upper), nu * (1 + 1e-6))):
            a = dual_values(X, nu * (1 + 1e-6), P, threshold=thr, index=index, previous=warm)
            b = dual_values(X, nu * (1 + 1e-6), P, threshold=thr, index=index, previous=warm, directions=False)
            assert b.directions.shape == (P.shape[0], 2, 0) and a.directions.shape == (P.shape[0], 2, 3)
            assert_array_equal(a.values, b.values)
            assert_array_equal(a.upper, b.upper)
            assert_array_equal(a.computed, b.computed)
            assert a.phi == b.phi
