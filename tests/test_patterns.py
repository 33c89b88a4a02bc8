"""Exact pattern enumeration against independent oracles (docs/theory.md §B, docs/theory.md §B.2).

Oracles: Cover's formula, Whitney's subset formula for χ (2^n terms, independent of the deletion–restriction
code), brute force over sign vectors with exact GMP LPs, and exact rational re-checks of every witness.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_array_equal

import geom
from cases.arrangements import braid_rows, resonance_rows


def exact_patterns_of(X, W):
    """Exact 1[X w ≥ 0] for float witnesses (read as the rationals they are)."""
    Xq = [[Fraction(v) if not isinstance(v, (int, np.integer)) else Fraction(int(v)) for v in row]
          for row in np.asarray(X).tolist()]
    out = []
    for w in np.asarray(W, dtype=np.float64):
        wq = [Fraction(float(v)) for v in w]
        out.append([sum(a * b for a, b in zip(r, wq)) >= 0 for r in Xq])
    return np.array(out, dtype=bool).reshape(len(out), len(Xq))


def whitney_charpoly(X):
    """χ(t) = Σ_{S ⊆ nonzero rows} (−1)^{|S|} t^{d − rank X_S} (Whitney; exponential, independent oracle)."""
    X = [r for r in np.asarray(X).tolist() if any(v != 0 for v in r)]
    d = np.asarray(X).shape[1] if X else 0
    t = sympy.Symbol("t")
    total = 0
    for k in range(len(X) + 1):
        for S in itertools.combinations(range(len(X)), k):
            r = sympy.Matrix([X[i] for i in S]).rank() if S else 0
            total += (-1) ** k * t ** (d - r)
    return sympy.Poly(total, t)


def gordan_extra(X):
    """1 if no u has Xu > 0 (then u = 0 gives the extra all-ones pattern), by an exact LP."""
    rows = [[Fraction(float(v)) for v in r] for r in np.asarray(X)]
    return int(bool(geom.implicit_equalities(rows)))


@pytest.mark.parametrize("n,d", [(5, 2), (10, 2), (12, 3), (20, 3), (9, 4), (15, 4), (8, 5), (12, 6)])
def test_cover_count_on_gaussian_data(n, d):
    X = np.random.default_rng(100 * n + d).standard_normal((n, d))
    P = geom.enumerate_patterns(X)
    assert P.certified and P.general_position and P.rank == d
    assert P.n_regions == geom.cover_count(n, d)
    assert P.count == geom.cover_count(n, d) + gordan_extra(X)
    assert_array_equal(exact_patterns_of(X, P.witnesses), P.patterns)


DEGENERATE = {
    "braid4": braid_rows(4),
    "braid4-pm": np.vstack([braid_rows(4), -braid_rows(4)]),
    "cross3": np.vstack([np.eye(3, dtype=int), -np.eye(3, dtype=int)]),
    "resonance3": resonance_rows(3),
    "rank-deficient": np.array([[1, 2, 3], [2, 4, 6], [1, 0, 1], [0, 2, 2], [-1, -2, -3], [1, 1, 2]]),
    "zero-and-duplicate-rows": np.array([[0, 0, 0], [1, 0, 0], [2, 0, 0], [0, 1, 1], [-1, 0, 0], [1, 1, 0]]),
    "coplanar-surrounding": np.array([[1, 0, 0], [-1, 1, 0], [0, -1, 0], [0, 0, 1], [1, 1, 1]]),
}


@pytest.mark.parametrize("name", sorted(DEGENERATE))
def test_sets_equal_brute_force_and_counts_equal_whitney(name):
    X = DEGENERATE[name]
    P = geom.enumerate_patterns(X)
    bf = geom.brute_force_patterns(X)
    assert P.certified
    assert [tuple(int(b) for b in p) for p in P.patterns] == bf
    assert_array_equal(exact_patterns_of(X, P.witnesses), P.patterns)
    chi = whitney_charpoly(X)
    assert geom.characteristic_polynomial(X).all_coeffs() == chi.all_coeffs()
    assert P.n_regions == abs(chi.eval(-1)) == geom.count_regions(X)
    R = geom.enumerate_patterns(X, ties="regions")
    assert R.count == P.n_regions


def test_float_data_with_exact_degeneracies():
    # 0.1 * 2 == 0.2 exactly in binary: rows 0 and 1 are parallel as floats; row 2 = -row 0 exactly.
    X = np.array([[0.1, 0.3], [0.2, 0.6], [-0.1, -0.3], [0.7, -0.25]])
    P = geom.enumerate_patterns(X)
    assert P.certified
    assert [tuple(int(b) for b in p) for p in P.patterns] == geom.brute_force_patterns(X)


def test_spec_b2_example_and_1d_examples():
    P = geom.enumerate_patterns([[1, 0], [-1, 0], [0, 1]])
    assert ["".join(str(int(b)) for b in p) for p in P.patterns] == ["010", "011", "100", "101", "110", "111"]
    assert (P.count, P.n_regions, P.n_tie_only) == (6, 4, 2)
    P = geom.enumerate_patterns([[-1.0], [1.0]])  # docs/theory.md §B.2: {01, 10, 11}, 00 not realizable
    assert ["".join(str(int(b)) for b in p) for p in P.patterns] == ["01", "10", "11"]
    P = geom.enumerate_patterns([[-1.0], [0.0], [1.0], [2.0]], bias=True)  # §B.3
    assert ["".join(str(int(b)) for b in p) for p in P.patterns] == [
        "0000", "0001", "0011", "0111", "1000", "1100", "1110", "1111"]
    assert P.witnesses.shape == (8, 2)


@pytest.mark.parametrize("n", [1, 2, 3, 7, 20])
def test_one_dimensional_with_bias_has_2n_patterns(n):
    x = np.random.default_rng(n).permutation(np.arange(n)) * 0.37 - 1.1
    x = np.concatenate([x, x[: n // 2]])  # repeated values do not add patterns
    for ties in ("geq", "regions"):
        P = geom.enumerate_patterns(x[:, None], bias=True, ties=ties)
        assert P.count == 2 * n and P.certified


def test_integer_float32_and_float64_agree():
    X = np.array([[1, -2, 0], [3, 1, 1], [0, 1, -1], [2, 2, 2], [-1, 0, 4]])
    ref = geom.enumerate_patterns(X)
    for arr in (X.astype(np.float32), X.astype(np.float64)):
        P = geom.enumerate_patterns(arr)
        assert_array_equal(P.patterns, ref.patterns)
        assert P.witnesses.dtype == np.float64


def test_torch_input_gives_same_patterns():
    torch = pytest.importorskip("torch")
    X = np.random.default_rng(5).standard_normal((9, 3))
    assert_array_equal(geom.enumerate_patterns(torch.asarray(X)).patterns, geom.enumerate_patterns(X).patterns)


def test_resonance_5_regions_and_charpoly():
    P = geom.enumerate_patterns(resonance_rows(5))
    assert P.count == P.n_regions == 11292 and P.certified and P.count_certificate == "charpoly"
    t = sympy.Symbol("t")
    assert geom.characteristic_polynomial(resonance_rows(5)).as_expr() == sympy.expand(
        t**5 - 31 * t**4 + 375 * t**3 - 2130 * t**2 + 5270 * t - 3485)


def test_sampling_is_a_subset_and_misses_tie_patterns():
    X = np.vstack([np.eye(3), -np.eye(3)])
    exact = geom.enumerate_patterns(X)
    S = geom.sample_patterns(X, 20000, seed=1)
    assert S.count == exact.n_regions == 8  # only the regions are ever hit
    assert geom.pattern_recall(S, exact) == pytest.approx(8 / 27)
    found = {tuple(p) for p in S.patterns.tolist()}
    assert found <= {tuple(p) for p in exact.patterns.tolist()}


small_int_matrices = st.integers(1, 3).flatmap(
    lambda d: st.integers(1, 6).flatmap(
        lambda n: st.lists(st.lists(st.integers(-2, 2), min_size=d, max_size=d), min_size=n, max_size=n)))


@settings(max_examples=60, deadline=None, derandomize=True)
@given(small_int_matrices)
def test_property_small_integer_matrices(rows):
    """Patterns = brute force; regions = |χ(−1)| (Zaslavsky); witnesses realize their patterns exactly."""
    X = np.array(rows, dtype=np.int64)
    P = geom.enumerate_patterns(X)
    assert P.certified
    assert [tuple(int(b) for b in p) for p in P.patterns] == geom.brute_force_patterns(X)
    assert P.n_regions == geom.count_regions(X)
    assert_array_equal(exact_patterns_of(X, P.witnesses), P.patterns)


@pytest.mark.slow
def test_resonance_6():
    P = geom.enumerate_patterns(resonance_rows(6), ties="regions")
    assert P.count == 1066044 and P.certified


def _without_last_region(W, Y):
    """Every candidate in the region of the last one (by its float signs) dropped: the float stage may propose
    a region several times (``cell_witnesses(..., dedup=False)``), so dropping one row may not lose it.  The
    enumeration asks for one of each pair of opposite candidates (``half=True``), so the opposite region goes
    with it."""
    S = W @ Y.T > 0
    return W[~np.all(S == S[-1], axis=1)]


def test_a_missing_region_is_repaired_exactly(monkeypatch):
    """Completeness is really checked: drop one region from the float stage and the exact level repair puts it
    back (and says so)."""
    from geom.arrangements import _patterns

    real = _patterns.cell_witnesses
    monkeypatch.setattr(_patterns, "cell_witnesses", lambda Y, **k: _without_last_region(real(Y, **k), Y))
    X = np.random.default_rng(0).standard_normal((8, 3))
    P = geom.enumerate_patterns(X, ties="regions")
    assert P.certified and P.exact_fallback and P.n_regions == P.exact_regions == geom.cover_count(8, 3)


def test_a_missing_region_is_reported_uncertified(monkeypatch):
    """With the float stage and the exact repair both broken, the result is uncertified, with a warning."""
    from geom.arrangements import _patterns

    real = _patterns.cell_witnesses
    monkeypatch.setattr(_patterns, "cell_witnesses", lambda Y, **k: _without_last_region(real(Y, **k), Y))
    monkeypatch.setattr(_patterns, "level_candidates", lambda *a, **k: [])
    X = np.random.default_rng(0).standard_normal((8, 3))
    with pytest.warns(geom.PrecisionWarning):
        P = geom.enumerate_patterns(X, ties="regions")
    # the dropped region and its opposite (the float stage proposes one of each opposite pair)
    assert not P.certified and P.count_certificate == "none" and P.n_regions == geom.cover_count(8, 3) - 2
    assert P.to_dict()["regions"] == geom.cover_count(8, 3) and P.to_dict()["regions_found"] == P.n_regions


def test_a_wrong_witness_is_dropped_and_repaired(monkeypatch):
    """Soundness is really checked: a witness moved onto a hyperplane is never counted; the exact repair
    supplies its region."""
    from geom.arrangements import _patterns

    real = _patterns.cell_witnesses

    def corrupt(Y, **k):
        W = real(Y, **k).copy()
        W[0] = W[0] - (W[0] @ Y[0]) / (Y[0] @ Y[0]) * Y[0]  # project onto y_0^⊥ (exactly or nearly)
        return W

    monkeypatch.setattr(_patterns, "cell_witnesses", corrupt)
    X = np.array([[1, 0], [0, 1], [1, 1]])
    P = geom.enumerate_patterns(X, ties="regions")
    assert P.certified and P.count == 6
    Xq = [[Fraction(int(v)) for v in r] for r in X]
    for p, w in zip(P.patterns, P.witnesses):
        assert [sum(a * Fraction(float(b)) for a, b in zip(r, w)) > 0 for r in Xq] == p.tolist()


def test_certify_signs_uses_exact_arithmetic_below_the_filter():
    from geom.exact import certify_signs

    X = np.array([[1.0, 1.0]])
    W = np.array([[1.0, -1.0 + 2.0**-52]])  # x·w = 2^-52 > 0, far below the float filter's bound
    ok, n_exact = certify_signs(X, W, np.array([[True]]))
    assert ok and n_exact == 1
    ok, _ = certify_signs(X, W, np.array([[False]]))
    assert not ok
    ok, _ = certify_signs(X, np.array([[1.0, -1.0]]), np.array([[True]]))  # exact zero fails
    assert not ok


def test_max_patterns_refuses_up_front_and_is_validated():
    """Work that cannot finish is refused before it starts, with the bound that decided it; a bad limit is an
    input error naming the parameter."""
    X = np.random.default_rng(0).standard_normal((3000, 6))
    with pytest.raises(geom.ProblemTooLargeError, match=r"max_patterns.*4,036,524,733,509,200 regions.*Cover"):
        geom.enumerate_patterns(X, max_patterns=5_000_000)
    small = np.random.default_rng(1).standard_normal((30, 3))  # Cover: 872 regions
    assert geom.enumerate_patterns(small, ties="regions", max_patterns=872).count == 872
    with pytest.raises(geom.ProblemTooLargeError, match="871"):
        geom.enumerate_patterns(small, ties="regions", max_patterns=871)
    for bad in (0, -5, 2.5, float("nan"), "10"):
        with pytest.raises((geom.InvalidInputError, geom.InvalidInputTypeError), match="'max_patterns' parameter"):
            geom.enumerate_patterns(small, max_patterns=bad)


@pytest.mark.parametrize("seed", range(6))
def test_recursive_level_repair_against_brute_force(monkeypatch, seed):
    """The recursive repair (float proposals, exact checks, exact work on deficient levels only) is what real
    data need in 4-D and above; the fuzzer's small inputs never reach it.  Force it: no direct exact path for
    small arrangements, and a float stage that loses every third witness at every depth.  The result must be
    the brute-force region set, certified, with exactly verified witnesses."""
    from geom.arrangements import _patterns

    real = _patterns.cell_witnesses
    monkeypatch.setattr(_patterns, "cell_witnesses", lambda *a, **k: real(*a, **k)[::3])
    monkeypatch.setattr(_patterns, "_SMALL_EXACT", 0)
    rng = np.random.default_rng(seed)
    d = 4 + seed % 2
    X = rng.integers(-3, 4, size=(9, d))
    X[-1] = X[0] + X[1]  # a dependent triple: a degenerate arrangement
    P = geom.enumerate_patterns(X, ties="regions")
    assert P.certified and P.exact_fallback
    bf = [p for p in geom.brute_force_patterns(X) if geom.pattern_feasible(
        [[Fraction(int(v)) for v in r] for r in X], p)]  # all ≥-patterns; regions are those with a strict cell
    assert P.count == P.exact_regions == geom.count_regions(X)
    assert {tuple(int(b) for b in p) for p in P.patterns} <= set(bf)
    Xq = [[Fraction(int(v)) for v in r] for r in X]
    exact_w = dict(P.integer_witnesses)  # witnesses whose float64 rounding would leave the region
    for i, (p, w) in enumerate(zip(P.patterns, P.witnesses)):
        u = [Fraction(v) for v in exact_w[i]] if i in exact_w else [Fraction(float(v)) for v in w]
        vals = [sum(a * b for a, b in zip(r, u)) for r in Xq]
        assert all(v != 0 for v in vals) and [v > 0 for v in vals] == p.tolist(), (i, i in exact_w)


def test_charpoly_memo_gives_the_unmemoized_count():
    """The characteristic polynomial memoizes repeated sub-arrangements (the resonance arrangement restricts to
    the same ones again and again): the coefficients equal the unmemoized deletion–restriction, and χ(−1) is
    the known region count of the resonance arrangement."""
    from geom.arrangements import _charpoly
    from geom.arrangements._exact_cells import canonical_hyperplanes
    from geom.exact import integer_rows

    for d, regions in [(4, 370), (5, 11292)]:
        rows = _charpoly._as_rows([list(t) for t in canonical_hyperplanes(integer_rows(resonance_rows(d)))])
        plain = _charpoly._chi(rows, d)
        assert _charpoly._chi(rows, d, {}) == plain == _charpoly.charpoly_coefficients(resonance_rows(d))
        assert sum(abs(c) for c in plain) == regions
    rows = np.random.default_rng(5).integers(-4, 5, size=(12, 5))
    canon = _charpoly._as_rows([list(t) for t in canonical_hyperplanes(integer_rows(rows))])
    assert _charpoly._chi(canon, 5, {}) == _charpoly._chi(canon, 5)
