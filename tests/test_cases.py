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
