"""The case registry: every case carries expected values from theory and a source, and they hold."""

from __future__ import annotations

import numpy as np
import pytest

import cases
import geom

FAST = [c.name for c in cases.list_cases("arrangement") if "large" not in c.tags]


def test_registry_integrity():
    names = cases.case_names()
    assert len(names) == len(set(names)) >= 30
    for c in cases.list_cases():
        assert c.expected, c.name
        assert c.source, c.name
        assert c.X.ndim == 2 and c.X.shape[0] >= 1
        if c.y is not None:
            assert c.y.shape == (c.X.shape[0],)


def test_unknown_case_name():
    with pytest.raises(geom.InvalidInputError, match="The 'name' parameter of get_case must be one of"):
        cases.get_case("no-such-case")


@pytest.mark.parametrize("name", FAST)
def test_expected_counts_hold(name):
    c = cases.get_case(name)
    P = geom.enumerate_patterns(c.X, bias=c.bias)
    e = c.expected
    assert P.certified
    assert P.n_regions == e["regions"]
    assert P.rank == e["rank"]
    assert P.general_position == e["general_position"]
    if isinstance(e.get("patterns"), int):
        assert P.count == e["patterns"]
    if "pattern_set" in e:
        assert ["".join(str(int(b)) for b in p) for p in P.patterns] == e["pattern_set"]
    if "charpoly" in e:
        Xa = np.c_[c.X, np.ones(len(c.X))] if c.bias else c.X
        assert [int(v) for v in geom.characteristic_polynomial(Xa).all_coeffs()] == e["charpoly"]


# ---- how each expected value is known; the families; the new instances against independent oracles -------------

def test_every_expected_value_carries_a_how_known_tag():
    from cases._registry import HOW, META_KEYS

    for c in cases.list_cases():
        assert set(c.expected_how) == set(c.expected) - META_KEYS, c.name
        assert set(c.expected_how.values()) <= set(HOW), c.name
    hows = {h for c in cases.list_cases() for h in c.expected_how.values()}
    assert hows == set(HOW)
    assert cases.get_case("regression-crash-3x3").how("patterns") == "brute force"
    assert cases.get_case("spec-I3-closed-form").how("p_star") == "closed form"
    assert cases.get_case("teacher-gaussian-8x2-s0").how("p_star_at_most") == "theory bound"


@pytest.mark.parametrize("name", ["teacher-gaussian-10x3-s1", "orthogonal-4x4-s1", "continuum-tail-sum-4-s1",
                                  "pattern-alignment-100x10", "diabetes-20x3"])
def test_families_are_deterministic_given_the_seed(name):
    a, b = cases.get_case(name), cases.get_case(name)
    np.testing.assert_array_equal(a.X, b.X)
    np.testing.assert_array_equal(a.y, b.y)
    assert a.expected == b.expected and a.seed == b.seed


def test_family_seeds_give_different_instances():
    from cases.families import orthonormal_rows

    A, B = orthonormal_rows(4, 4, 1), orthonormal_rows(4, 4, 2)
    np.testing.assert_allclose(A @ A.T, np.eye(4), rtol=0, atol=1e-12)
    assert np.max(np.abs(A - B)) > 0.1
    assert cases.get_case("orthogonal-4x4-s1").seed == 1


@pytest.mark.parametrize("name", ["polygon-3", "polygon-4", "polygon-6", "polygon-7", "degenerate-duplicate-row",
                                  "orthogonal-3x4-s0", "line-bias-fit-5", "blog-four-points-bias",
                                  "continuum-tail-sum-3-s0"])
def test_new_counts_against_the_independent_oracle(name):
    from tests._oracle_independent import oracle

    c = cases.get_case(name)
    o = oracle(c.X, bias=c.bias)
    assert len(o.geq) == c.expected["patterns"]
    if "regions" in c.expected:
        assert len(o.regions) == c.expected["regions"]


@pytest.mark.parametrize("name", ["orthogonal-3x4-s0", "orthogonal-5x7-s2", "degenerate-duplicate-row",
                                  "blog-2d-two-points", "teacher-gaussian-8x2-s0", "diabetes-20x3",
                                  "iris-binary-12x2"])
def test_new_convex_values_against_the_cvxpy_reference(name):
    cp = pytest.importorskip("cvxpy")
    from tests._cvx_reference import reference_problem
    from tests._oracle_independent import oracle

    c = cases.get_case(name)
    Xa = np.c_[c.X, np.ones(len(c.X))] if c.bias else np.asarray(c.X, float)
    pool = np.array(sorted(oracle(c.X, bias=c.bias).regions), dtype=bool)
    prob = reference_problem(cp, Xa, c.y, c.beta, pool)
    prob.solve(solver=cp.CLARABEL)
    e = c.expected
    if "p_star" in e:
        np.testing.assert_allclose(prob.value, e["p_star"], rtol=1e-6)  # Clarabel's default accuracy
    if "p_star_at_most" in e:
        assert prob.value <= e["p_star_at_most"] * (1 + 1e-9)
