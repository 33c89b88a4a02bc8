"""The convex program (C): closed forms of docs/theory.md §I, duality, cvxpy on the full pattern set, column generation."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from numpy.testing import assert_allclose

import geom
from geom.exceptions import InfeasibleError, InvalidInputError

from _cvx_reference import reference_problem

#: Closed forms of docs/theory.md §I are exact; the solver is accurate to ~1e-10 relative after polishing.
RTOL_CLOSED = 1e-8
#: docs/theory.md quotes I4 to 7 significant digits.
RTOL_7DIGITS = 5e-7

SQ3 = np.sqrt(3.0)


def _full_cvxpy(X, y, beta, bias=False):
    """Independent oracle: (C) over *all* regions, modelled in cvxpy and solved by Clarabel."""
    cp = pytest.importorskip("cvxpy")
    Xa = np.concatenate([X, np.ones((X.shape[0], 1))], axis=1) if bias else X
    prob = reference_problem(cp, Xa, y, beta, geom.enumerate_patterns(Xa, ties="regions").patterns)
    prob.solve(solver="CLARABEL", tol_gap_abs=1e-10, tol_gap_rel=1e-10, tol_feas=1e-10)
    return prob.value


@pytest.mark.parametrize("beta", [0.5, 0.2])
def test_I1_closed_form(beta):
    """I1: the two cones decouple, y*_i = sign(y_i)(|y_i| − β)_+ (docs/theory.md §I)."""
    X, y = np.array([[-1.0], [1.0]]), np.array([1.0, 2.0])
    s = geom.solve_convex(X, y, beta)
    ystar = np.sign(y) * np.maximum(np.abs(y) - beta, 0)
    assert s.certified and s.status == "optimal"
    assert_allclose(s.y_star, ystar, rtol=RTOL_CLOSED)
    assert_allclose(s.nu_star, y - ystar, rtol=RTOL_CLOSED)
    p = 0.5 * np.sum((ystar - y) ** 2) + beta * np.sum(np.abs(ystar))
    assert_allclose(s.p_star, p, rtol=RTOL_CLOSED)
    assert s.neurons == 2


def test_I1b_closed_form():
    s = geom.solve_convex(np.array([[-1.0], [1.0]]), np.array([1.0, 2.0]), 1.5)
    assert_allclose(s.y_star, [0.0, 0.5], atol=1e-9)
    assert_allclose(s.p_star, 2.375, rtol=RTOL_CLOSED)
    assert s.neurons == 1


@pytest.mark.parametrize("beta", [0.5, 0.3, 0.9])
def test_I2_closed_form(beta):
    """I2 (120°): y* = (1−β)(1,1), ν* = β(1,1), p* = 2β − β² for 0 < β < 1."""
    X = np.array([[1.0, 0.0], [-0.5, SQ3 / 2]])
    s = geom.solve_convex(X, np.array([1.0, 1.0]), beta)
    assert s.certified
    assert_allclose(s.y_star, [1 - beta] * 2, rtol=RTOL_CLOSED)
    assert_allclose(s.nu_star, [beta] * 2, rtol=RTOL_CLOSED)
    assert_allclose(s.p_star, 2 * beta - beta ** 2, rtol=RTOL_CLOSED)


def test_I3_group_soft_thresholding():
    beta = 0.5
    s = geom.solve_convex(np.eye(3), np.array([2.0, 1.0, -1.0]), beta)
    assert_allclose(s.y_star, [2 * (1 - beta / np.sqrt(5)), 1 - beta / np.sqrt(5), -(1 - beta)], rtol=RTOL_CLOSED)
    assert_allclose(s.p_star, beta * np.sqrt(5) + beta - beta ** 2, rtol=RTOL_CLOSED)


def test_I4_blog_instance():
    s = geom.solve_convex(np.array([[-0.2], [1.0]]), np.array([0.5, 1.0]), 0.1, bias=True)
    assert_allclose(s.y_star, [0.4787666, 0.9389398], rtol=RTOL_7DIGITS)
    assert_allclose(s.p_star, 0.06958725, rtol=RTOL_7DIGITS)
    net = s.to_net()
    assert net.width == 1 and net.bias
    assert_allclose(np.abs(net.U[0]), [0.466762, 0.676099], rtol=2e-6)
    assert_allclose(np.abs(net.alpha), [0.821570], rtol=2e-6)


@pytest.mark.parametrize("y, ystar, nustar, p", [
    ([0.0, 1.0, 0.0], [0.1, 0.7, 0.1], [-0.1, 0.3, -0.1], 0.245),   # I7
    ([1.0, 0.0, 1.0], [0.9, 0.1, 0.9], [0.1, -0.1, 0.1], 0.185),    # I7b
])
def test_I7_one_dimensional_with_bias(y, ystar, nustar, p):
    s = geom.solve_convex(np.array([[-1.0], [0.0], [1.0]]), np.array(y), 0.1, bias=True)
    assert s.certified
    assert_allclose(s.y_star, ystar, rtol=RTOL_CLOSED)
    assert_allclose(s.nu_star, nustar, rtol=1e-7)
    assert_allclose(s.p_star, p, rtol=RTOL_CLOSED)


def _random_instance(seed, n, d, teacher):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    if teacher:
        W = rng.standard_normal((2, d))
        y = np.maximum(X @ W.T, 0) @ np.array([1.0, -1.0])
    else:
        y = rng.standard_normal(n)
    return X, y


@pytest.mark.parametrize("seed, n, d, beta, teacher", [(0, 8, 2, 0.1, False), (1, 7, 3, 0.05, True),
                                                       (2, 9, 2, 0.02, True), (3, 6, 3, 0.3, False)])
def test_agrees_with_cvxpy_on_full_pattern_set(seed, n, d, beta, teacher):
    X, y = _random_instance(seed, n, d, teacher)
    s = geom.solve_convex(X, y, beta)
    ref = _full_cvxpy(X, y, beta)
    assert s.certified
    assert_allclose(s.p_star, ref, rtol=1e-7, atol=1e-8)  # cvxpy+Clarabel at 1e-10 tolerances
    # p* is attained by the network ψ(W) and matched by the dual bound (strong duality)
    assert_allclose(s.to_net().objective(X, y, beta), s.p_star, rtol=1e-12)
    assert s.lower_bound <= s.p_star + 1e-12
    assert_allclose(s.lower_bound, s.p_star, rtol=geom.DEFAULT_TOLERANCES.gap)


def test_bias_agrees_with_cvxpy():
    X, y = _random_instance(5, 7, 1, False)
    s = geom.solve_convex(X, y, 0.05, bias=True)
    assert_allclose(s.p_star, _full_cvxpy(X, y, 0.05, bias=True), rtol=1e-7)


def test_column_generation_matches_full_program():
    """Column generation from a small working set reaches the optimum of the program over every pattern."""
    X, y = _random_instance(7, 30, 2, False)
    full = geom.enumerate_patterns(X, ties="regions").patterns
    cg = geom.solve_convex(X, y, 0.01)
    assert cg.stats["working_set"] < cg.stats["pool"] or cg.stats["pool"] <= 30
    ref = _full_cvxpy(X, y, 0.01)
    assert_allclose(cg.p_star, ref, rtol=1e-7)
    given = geom.solve_convex(X, y, 0.01, patterns=full)
    assert given.pattern_source == "given" and not given.certified  # optimal over a given pool is not global
    assert_allclose(given.p_star, cg.p_star, rtol=1e-8)


def test_subset_pool_is_not_certified_and_can_be_worse():
    X, y = _random_instance(4, 12, 2, False)
    full = geom.enumerate_patterns(X, ties="regions").patterns
    sub = geom.solve_convex(X, y, 0.05, patterns=full[::3])
    opt = geom.solve_convex(X, y, 0.05)
    assert not sub.certified and opt.certified
    assert sub.p_star >= opt.p_star - 1e-10


def test_psi_preserves_objective_and_is_scaled():
    X, y = _random_instance(11, 10, 3, True)
    s = geom.solve_convex(X, y, 0.05)
    net = s.to_net()
    assert net.is_scaled()
    assert_allclose(net.output(X), s.y_star, atol=1e-10)
    assert_allclose(net.objective(X, y, 0.05), s.p_star, rtol=1e-12)


def test_interpolation_limit():
    """β → 0: minimum-norm exact fit (docs/theory.md §G.2); the certificate is the dual bound νᵀy with ν ∈ 𝒦_1."""
    X, y = np.array([[-1.0], [0.0], [1.0]]), np.array([0.0, 1.0, 0.0])
    s = geom.solve_convex(X, y, 0.0, bias=True, interpolate=True)
    assert s.certified
    assert_allclose(s.y_star, y, atol=1e-8)
    assert s.lower_bound <= s.p_star + 1e-9
    # the interpolation value is the limit of p*(β)/β as β → 0
    small = geom.solve_convex(X, y, 1e-5, bias=True)
    pen = small.p_star - 0.5 * np.sum((small.y_star - y) ** 2)
    assert_allclose(pen / 1e-5, s.p_star, rtol=1e-3)


def test_interpolation_infeasible_labels():
    """Without bias, f(2) = 2 f(1) for every net on positive data: y = (1, 5) cannot be fit exactly."""
    with pytest.raises(InfeasibleError, match="'y' parameter of solve_convex"):
        geom.solve_convex(np.array([[1.0], [2.0]]), np.array([1.0, 5.0]), 0, interpolate=True)


@pytest.mark.parametrize("beta", [0.0, -1.0, float("nan"), float("inf")])
def test_bad_beta(beta):
    with pytest.raises(InvalidInputError, match="'beta' parameter of solve_convex"):
        geom.solve_convex(np.eye(2), np.ones(2), beta)


def test_bad_inputs():
    with pytest.raises(InvalidInputError, match="'y' parameter"):
        geom.solve_convex(np.eye(2), np.ones(3), 0.1)
    with pytest.raises(InvalidInputError, match="'loss' parameter"):
        geom.solve_convex(np.eye(2), np.ones(2), 0.1, loss="hinge")
    with pytest.raises(InvalidInputError, match="'X' parameter"):
        geom.solve_convex(np.array([[np.nan, 1.0]]), np.ones(1), 0.1)
    with pytest.raises(InvalidInputError, match="'patterns' parameter"):
        geom.solve_convex(np.eye(2), np.ones(2), 0.1, patterns=np.ones((2, 3), bool))
    with pytest.raises(InvalidInputError, match="'beta' parameter"):
        geom.solve_convex(np.eye(2), np.ones(2), 0.1, interpolate=True)




@pytest.mark.parametrize("seed", [0, 1])
def test_logistic_loss_agrees_with_cvxpy(seed):
    """Logistic loss for ±1 labels (exponential cones + Newton polishing): certified and equal to cvxpy."""
    cp = pytest.importorskip("cvxpy")
    rng = np.random.default_rng(seed)
    X, y = rng.standard_normal((10, 2)), np.sign(rng.standard_normal(10))
    s = geom.solve_convex(X, y, 0.1, loss="logistic")
    assert s.certified and s.status == "optimal"
    P = geom.enumerate_patterns(X, ties="regions").patterns.astype(float)
    U, V = cp.Variable((P.shape[0], 2)), cp.Variable((P.shape[0], 2))
    fit = sum(cp.multiply(P[k], X @ (U[k] - V[k])) for k in range(P.shape[0]))
    cons = [c for k in range(P.shape[0]) for c in ((((2 * P[k] - 1)[:, None] * X) @ U[k] >= 0),
                                                   (((2 * P[k] - 1)[:, None] * X) @ V[k] >= 0))]
    obj = cp.sum(cp.logistic(-cp.multiply(y, fit))) + 0.1 * (cp.sum(cp.norm(U, 2, axis=1)) + cp.sum(cp.norm(V, 2, axis=1)))
    prob = cp.Problem(cp.Minimize(obj), cons)
    prob.solve(solver="CLARABEL")
    assert_allclose(s.p_star, prob.value, rtol=1e-6)   # cvxpy's exponential-cone solve is the less accurate one
    assert s.p_star <= prob.value + 1e-9
    c = geom.certify_net(s.to_net(), X, y, 0.1, loss="logistic")
    assert c.verdict == "holds"


def test_logistic_needs_pm1_labels():
    with pytest.raises(InvalidInputError, match=r"labels in \{-1, \+1\}"):
        geom.solve_convex(np.eye(2), np.array([1.0, 0.5]), 0.1, loss="logistic")


# ---- regression tests of the certification issue -------------------------------------------------------------

X_TIE, Y_TIE = np.array([[1.0], [1.0 + 2.0**-52]]), np.array([1.0, 2.0])


def _break_enumeration(monkeypatch):
    """Make the enumeration miss a region and its exact repair fail: the pool is then honestly uncertified."""
    from geom.arrangements import _patterns

    real = _patterns.cell_witnesses
    monkeypatch.setattr(_patterns, "cell_witnesses", lambda *a, **k: real(*a, **k)[:-1])
    monkeypatch.setattr(_patterns, "level_candidates", lambda *a, **k: [])


def _uncertified_patterns(monkeypatch):
    _break_enumeration(monkeypatch)
    with pytest.warns(geom.PrecisionWarning):
        P = geom.enumerate_patterns(X_TIE, bias=True, ties="regions")
    # the float stage proposes one of each pair of opposite regions: the dropped one takes its opposite along
    assert not P.certified and P.n_regions == 2 and P.exact_regions == 4
    return P


def test_uncertified_pool_is_never_certified(monkeypatch):
    """Certification is ignored downstream: an uncertified enumeration must not give ``certified=True``."""
    P = _uncertified_patterns(monkeypatch)
    s = geom.solve_convex(X_TIE, Y_TIE, 0.1, bias=True, patterns=P)
    assert (s.certified, s.pool_certified, s.status, s.pattern_source) == (False, False, "pool_optimal", "exact")
    assert s.to_dict()["pool_certified"] is False
    # enumerated inside: same answer (a zero second feature keeps the arrangement and the broken enumeration,
    # and keeps the solve off the 1-D sweep, which does not enumerate)
    with pytest.warns(geom.PrecisionWarning):
        s = geom.solve_convex(np.hstack([X_TIE, np.zeros((2, 1))]), Y_TIE, 0.1, bias=True)
    assert (s.certified, s.pool_certified, s.status) == (False, False, "pool_optimal")


def test_near_duplicate_rows_are_certified_now():
    """The instance of the defect (x = 1 and 1 + 2⁻⁵²): the enumeration finds all 4 regions, so the solve is
    certified."""
    P = geom.enumerate_patterns(X_TIE, bias=True, ties="regions")
    assert P.certified and P.count == P.exact_regions == 4
    s = geom.solve_convex(X_TIE, Y_TIE, 0.1, bias=True, patterns=P)
    assert s.certified and s.pool_certified and s.status == "optimal"


def test_patterns_object_is_used_as_given(monkeypatch):
    """A ``Patterns`` object is the pool: no re-enumeration, region rows only, certified with its enumeration."""
    X, y = _random_instance(8, 9, 2, False)
    P = geom.enumerate_patterns(X, ties="geq")
    ref = geom.solve_convex(X, y, 0.1)
    import geom.convex as gc

    def refuse(*args, **kwargs):
        raise AssertionError("re-enumerated")

    monkeypatch.setattr(gc, "enumerate_patterns", refuse)
    s = geom.solve_convex(X, y, 0.1, patterns=P)
    assert s.certified and s.pool_certified and s.status == "optimal"
    assert s.stats["pool"] == P.n_regions < P.count  # tie-only rows are redundant (docs/theory.md §B.1)
    assert_allclose(s.p_star, ref.p_star, rtol=RTOL_CLOSED)


def test_patterns_object_of_other_data_is_refused():
    X, y = _random_instance(8, 9, 2, False)
    with pytest.raises(InvalidInputError, match="'patterns' parameter of solve_convex.*bias=True"):
        geom.solve_convex(X, y, 0.1, patterns=geom.enumerate_patterns(X, bias=True))
    with pytest.raises(InvalidInputError, match="'patterns' parameter of solve_convex.*witnesses disagree"):
        geom.solve_convex(X, y, 0.1, patterns=geom.enumerate_patterns(X[::-1].copy()))
    with pytest.raises(InvalidInputError, match="'patterns' parameter of solve_convex"):
        geom.solve_convex(X, y, 0.1, patterns=np.full((2, 9), 0.5))
    with pytest.raises(InvalidInputError, match="'patterns' parameter of solve_convex"):
        geom.solve_convex(X, y, 0.1, patterns=np.full((2, 9), 2))
    given = geom.solve_convex(X, y, 0.1, patterns=np.ones((1, 9), dtype=np.int64))  # 0/1 integers are fine
    assert (given.pattern_source, given.pool_certified, given.status) == ("given", False, "pool_optimal")


def test_max_rounds_zero_is_an_input_error():
    """``max_rounds=0`` used to raise UnboundLocalError."""
    with pytest.raises(InvalidInputError, match=r"'max_rounds' parameter of solve_convex must be an integer ≥ 1\. "
                                                r"Got 0 instead\."):
        geom.solve_convex(np.eye(2), np.ones(2), 0.1, max_rounds=0)
    with pytest.raises(InvalidInputError, match="'polish_rounds' parameter"):
        geom.solve_convex(np.eye(2), np.ones(2), 0.1, polish_rounds=-1)


@pytest.mark.parametrize("name, value", [("bias", "no"), ("bias", 1), ("interpolate", "yes")])
def test_flags_must_be_bool(name, value):
    """``bias="no"`` used to raise a raw ValueError from deep inside."""
    with pytest.raises(geom.InvalidInputTypeError, match=f"'{name}' parameter of solve_convex must be a bool"):
        geom.solve_convex(np.eye(2), np.ones(2), 0.1, **{name: value})


@pytest.mark.parametrize("func", ["loss_value", "loss_gradient", "dual_objective"])
def test_unknown_loss_name_raises(func):
    """An unknown loss name used to be treated as logistic in geom.losses."""
    with pytest.raises(InvalidInputError, match=f"'loss' parameter of {func} must be one of"):
        getattr(geom, func)(np.zeros(2), np.ones(2), "hinge")


def test_neuron_count_ignores_solver_noise():
    """An unpolished interior point spreads ~1e-10-sized mass over every slot: ``card(W)`` used to count it
    (94 neurons on this 2-neuron teacher instance); slots below ``tol.support`` of the largest are now dropped
    and the rest refit."""
    X, y = _random_instance(6, 25, 2, True)
    polished = geom.solve_convex(X, y, 0.05)
    raw = geom.solve_convex(X, y, 0.05, polish_rounds=0)
    assert polished.certified and raw.certified
    assert raw.neurons == polished.neurons == raw.to_net().width == 2
    norms = np.concatenate([np.linalg.norm(raw.U, axis=1), np.linalg.norm(raw.V, axis=1)])
    assert norms[norms > 0].min() > geom.DEFAULT_TOLERANCES.support * norms.max()
    assert_allclose(raw.p_star, polished.p_star, rtol=geom.DEFAULT_TOLERANCES.gap)
    # ψ(W) is the reported solution: its objective is p* exactly
    assert_allclose(raw.to_net().objective(X, y, 0.05), raw.p_star, rtol=1e-13)


def test_all_zero_data():
    """Every network fits 0: p* = ½‖y‖² with the zero net, certified (used to fail in the facet index)."""
    y = np.array([1.0, -2.0, 3.0])
    s = geom.solve_convex(np.zeros((3, 2)), y, 0.1)
    assert s.certified and s.neurons == 0 and s.to_net().width == 0
    assert_allclose(s.p_star, 7.0, rtol=1e-15)
    assert_allclose(s.lower_bound, 7.0, rtol=1e-14)
    assert_allclose(s.nu_star, y, rtol=0, atol=0)


def test_one_zero_row_decouples():
    """A zero sample has fit 0 for every net: p* = ½y_0² + p*(the other samples)."""
    X, y = _random_instance(2, 7, 2, False)
    X0, y0 = np.vstack([np.zeros((1, 2)), X]), np.concatenate([[1.5], y])
    s, rest = geom.solve_convex(X0, y0, 0.1), geom.solve_convex(X, y, 0.1)
    assert s.certified
    assert_allclose(s.p_star, 0.5 * 1.5**2 + rest.p_star, rtol=RTOL_CLOSED)
    assert s.y_star[0] == 0.0


def test_solver_stopping_short_is_never_optimal():
    """A column generation cut off after one round reports its status, no certificate, and warns."""
    X, y = _random_instance(3, 40, 2, False)
    with pytest.warns(geom.ConvergenceWarning, match="max_rounds after 1 round"):
        s = geom.solve_convex(X, y, 0.01, max_rounds=1)
    assert (s.status, s.certified) == ("max_rounds", False)


def test_solver_failure(monkeypatch):
    """First round unusable: SolverError (nothing to report).  Later round: the last usable solution, with the
    solver's status, a ConvergenceWarning and no certificate."""
    import geom.convex.colgen as cg

    real = cg.solve_restricted
    calls = []

    def failing(after):
        def solve(*args, **kwargs):
            calls.append(1)
            res = real(*args, **kwargs)
            return res if len(calls) <= after else dataclasses.replace(res, status="NumericalError")
        return solve

    X, y = _random_instance(3, 40, 2, False)
    monkeypatch.setattr(cg, "solve_restricted", failing(0))
    with pytest.raises(geom.SolverError, match="status 'NumericalError' on the first restricted program"):
        geom.solve_convex(X, y, 0.01)
    calls.clear()
    monkeypatch.setattr(cg, "solve_restricted", failing(1))
    with pytest.warns(geom.ConvergenceWarning, match="NumericalError"):
        s = geom.solve_convex(X, y, 0.01)
    assert (s.status, s.certified, s.stats["rounds"]) == ("NumericalError", False, 2)
    assert np.isfinite(s.p_star) and s.lower_bound <= s.p_star


def test_weak_duality_failure_raises_certification_error(monkeypatch):
    """A dual bound above the primal value cannot happen on a certified pool: it raises, never certifies."""
    import geom.convex as gc

    real = gc.dual_bound

    def inflated(*args, **kwargs):
        b = real(*args, **kwargs)
        return dataclasses.replace(b, lower_bound=b.lower_bound + 1.0)

    monkeypatch.setattr(gc, "dual_bound", inflated)
    with pytest.raises(geom.CertificationError, match="weak duality failed"):
        geom.solve_convex(X_TIE[:1], Y_TIE[:1], 0.1)


@pytest.mark.parametrize("seed", range(6))
def test_solutions_are_vertices_of_the_optimal_polytope(seed):
    """Sparse by default (docs/theory.md §D.4): the returned W has independent fit columns (a vertex of Q), hence
    at most n neurons; on the regular pentagon (10 tight directions, rank 5) at most 5."""
    rng = np.random.default_rng(seed)
    if seed == 0:
        t = 2 * np.pi * np.arange(5) / 5
        X, y, beta, bias = np.c_[np.cos(t), np.sin(t)], np.ones(5), 0.5, False
    else:
        X, y, beta, bias = rng.standard_normal((8, 2)), rng.standard_normal(8), 0.05, bool(seed % 2)
    sol = geom.solve_convex(X, y, beta, bias=bias)
    assert sol.certified
    Xa = np.c_[X, np.ones(len(X))] if bias else X
    Z = np.concatenate([sol.U[np.any(sol.U != 0, axis=1)], sol.V[np.any(sol.V != 0, axis=1)]])
    A = np.maximum(Xa @ (Z / np.linalg.norm(Z, axis=1, keepdims=True)).T, 0.0)
    s = np.linalg.svd(A, compute_uv=False)
    assert sol.neurons == len(Z) <= len(y)
    assert s[-1] > 1e-9 * s[0]  # independent columns: a vertex


def test_hopeless_candidates_skip_only_what_cannot_certify():
    """A polishing candidate is skipped without its certificate only when its own objective exceeds the current
    one (plus rounding) by more than the gap floor; equal, better, NaN and interpolation candidates are kept."""
    from geom.convex import _hopeless

    X = np.array([[-1.0], [1.0]])
    y = np.array([1.0, 2.0])
    U, V = np.array([[0.0], [1.5]]), np.zeros((2, 1))          # slot 2 fits x = 1 with 1.5
    own = geom.network_objective(geom.nets.psi(U, V), X, y, 0.5)
    assert not _hopeless(X, y, 0.5, U, V, "squared", False, own, 0.0, 1e-10)          # same objective
    assert _hopeless(X, y, 0.5, U, V, "squared", False, own - 1e-3, 0.0, 1e-10)       # 1e-3 worse
    assert not _hopeless(X, y, 0.5, U, V, "squared", False, own - 1e-3, 2e-3, 1e-10)  # within the rounding
    assert not _hopeless(X, y, 0.5, U, V, "squared", False, float("nan"), 0.0, 1e-10)
    assert not _hopeless(X, y, 0.5, U, V, "squared", False, float("inf"), 0.0, 1e-10)
    assert not _hopeless(X, y, 0.5, U, V, "interpolate", False, 0.0, 0.0, 1e-10)


def test_certify_prices_further_dual_candidates_only_while_needed(monkeypatch):
    """``_certify`` prices an offered dual candidate over the pool only while the best bound so far leaves a gap
    above ``_ENOUGH · tol.gap``; each priced candidate leaves its upper bounds as the next one's screen."""
    import geom.convex as gc

    rng = np.random.default_rng(4)
    X = rng.standard_normal((20, 2))
    y = rng.standard_normal(20)
    sol = geom.solve_convex(X, y, 0.05)
    assert sol.certified
    calls = []
    real = gc.dual_bound

    def counting(*args, previous=None, **kw):
        calls.append(previous)
        return real(*args, previous=previous, **kw)

    monkeypatch.setattr(gc, "dual_bound", counting)
    tol = geom.DEFAULT_TOLERANCES
    args = (X, X, y, 0.05, sol.pool, sol.pool_index, sol.patterns, sol.U, sol.V, "squared", False, tol)
    other = sol.nu_star * 0.5
    cache: dict = {}
    out = gc._certify(*args, extra=(other,), cache=cache)
    assert len(calls) == 1                                      # certified by ν̂ itself: `other` never priced
    assert (out[0] + out[1] - out[2]) / max(1.0, abs(out[0])) <= gc._ENOUGH * tol.gap
    assert gc._SCREEN in cache
    calls.clear()
    bad = np.zeros(2 * len(sol.U)).reshape(len(sol.U), 2)       # the zero network: a poor ν̂ = y
    out = gc._certify(*args[:7], bad, bad, *args[9:], extra=(sol.nu_star,), cache=cache)
    assert len(calls) == 1 and calls[0] is not None             # y priced with the screen; ν* is cached
    assert_allclose(out[2], sol.lower_bound, rtol=1e-12)        # the better bound (ν*) is the one reported
