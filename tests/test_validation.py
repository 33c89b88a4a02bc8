"""Bad input gets a domain error naming the parameter, what was expected and what was received."""

from __future__ import annotations

import numpy as np
import pytest

import geom
from geom.exceptions import GeomError, InvalidInputError, InvalidInputTypeError

X_TAKERS = [
    ("enumerate_patterns", lambda X: geom.enumerate_patterns(X)),
    ("count_regions", lambda X: geom.count_regions(X)),
    ("characteristic_polynomial", lambda X: geom.characteristic_polynomial(X)),
    ("sample_patterns", lambda X: geom.sample_patterns(X, 10)),
]

BAD_X = [
    ([[1.0, np.nan]], InvalidInputError, r"must be finite .*Got 1 non-finite entry at \(0, 1\)"),
    ([[1.0, np.inf], [0.0, -np.inf]], InvalidInputError, r"must be finite .*Got 2 non-finite entries"),
    ([1.0, 2.0], InvalidInputError, r"must be a 2-D array .*Got an array of shape \(2,\)"),
    (np.zeros((0, 3)), InvalidInputError, r"must be a non-empty .*Got shape \(0, 3\)"),
    (np.zeros((3, 0)), InvalidInputError, r"must be a non-empty .*Got shape \(3, 0\)"),
    ([["a", "b"]], InvalidInputTypeError, r"must be a numeric array .*Got dtype <U1"),
    (np.array([[1 + 1j, 0]]), InvalidInputTypeError, r"must be a real array"),
]


@pytest.mark.parametrize("fname,call", X_TAKERS, ids=[f for f, _ in X_TAKERS])
@pytest.mark.parametrize("X,exc,pattern", BAD_X)
def test_bad_X_is_rejected_at_every_entry_point(fname, call, X, exc, pattern):
    with pytest.raises(exc, match=r"The 'X' parameter of " + fname + " " + pattern) as info:
        call(X)
    assert isinstance(info.value, GeomError)


def test_unknown_ties_option():
    with pytest.raises(InvalidInputError, match=r"The 'ties' parameter of enumerate_patterns must be one of "
                                                r"\{'geq', 'regions'\}. Got 'strict' instead."):
        geom.enumerate_patterns([[1.0]], ties="strict")


def test_bias_must_be_bool():
    with pytest.raises(InvalidInputTypeError, match="The 'bias' parameter of enumerate_patterns must be a bool"):
        geom.enumerate_patterns([[1.0]], bias="yes")


def test_sample_count_must_be_positive_int():
    with pytest.raises(InvalidInputError, match=r"The 'k' parameter of sample_patterns must be an integer ≥ 1. Got 0"):
        geom.sample_patterns([[1.0]], 0)
    with pytest.raises(InvalidInputTypeError, match=r"'k' parameter of sample_patterns"):
        geom.sample_patterns([[1.0]], 2.5)


def test_bool_data_is_numeric_and_zero_matrix_has_one_pattern():
    P = geom.enumerate_patterns(np.array([[True, False], [False, True]]))
    assert P.count == 4
    Z = geom.enumerate_patterns(np.zeros((3, 2)))
    assert Z.count == 1 and Z.patterns.tolist() == [[True, True, True]] and Z.rank == 0 and Z.certified


def test_check_positive_huge_integer_is_a_domain_error_not_overflow():
    """Regression: float(10**400) raised OverflowError (a traceback) instead of the uniform message."""
    from geom._validation import check_positive

    with pytest.raises(InvalidInputError, match=r"The 'beta' parameter of f must be a finite number > 0. Got 1000"):
        check_positive(10**400, name="beta", func="f")
    with pytest.raises(InvalidInputError, match="must be a finite number > 0. Got nan"):
        check_positive(float("nan"), name="beta", func="f")
    assert check_positive(2**70, name="beta", func="f") == float(2**70)
