"""The regression cases of exact enumeration (``cases/regressions.py``) against the independent oracle.

For every case tagged ``regression``: the stored expected values equal what the oracle computes now (so a typo
in the registry cannot hide a bug), and :func:`geom.enumerate_patterns` (both ``ties``) raises nothing, is
certified, returns exactly the oracle's set with exact witnesses, and the right region count, rank and general
position; :func:`geom.count_regions` agrees.
"""

from __future__ import annotations

import numpy as np
import pytest
from _oracle_independent import oracle, realizes

import cases
import geom

REGRESSIONS = [c.name for c in cases.list_cases("regression")]


def _bits(ps) -> list[str]:
    return sorted("".join(str(int(b)) for b in p) for p in ps)


def test_regression_cases_are_registered():
    assert len(REGRESSIONS) >= 9
    for name in REGRESSIONS:
        c = cases.get_case(name)
        assert c.source.startswith("independent brute force (tests/_oracle_independent.py)"), name
        assert {"patterns", "regions", "rank", "general_position", "pattern_set", "region_set"} <= set(c.expected)


@pytest.mark.parametrize("name", REGRESSIONS)
def test_stored_expectations_equal_the_oracle(name):
    c = cases.get_case(name)
    ref = oracle(c.X, c.bias)
    e = c.expected
    assert _bits(ref.geq) == e["pattern_set"] and ref.n_geq == e["patterns"]
    assert _bits(ref.regions) == e["region_set"] and ref.n_regions == e["regions"]
    assert (ref.rank, ref.general_position) == (e["rank"], e["general_position"])


@pytest.mark.parametrize("ties", ["geq", "regions"])
@pytest.mark.parametrize("name", REGRESSIONS)
def test_enumerate_patterns_on_regression_case(name, ties):
    c = cases.get_case(name)
    e = c.expected
    want = e["pattern_set"] if ties == "geq" else e["region_set"]
    P = geom.enumerate_patterns(c.X, bias=c.bias, ties=ties)
    got = _bits(P.patterns)
    assert got == want, (f"{name} (ties={ties}, certified={P.certified}): missing "
                         f"{sorted(set(want) - set(got))}, extra {sorted(set(got) - set(want))}")
    assert P.certified, f"{name} (ties={ties}): right set but certified=False"
    assert P.count == len(want) and P.n_regions == e["regions"]
    assert (P.rank, P.general_position) == (e["rank"], e["general_position"])
    Xq = oracle(c.X, c.bias).Xq
    W = np.asarray(P.witnesses, dtype=np.float64)
    assert W.shape == (len(want), len(Xq[0]))
    for p, w in zip(np.asarray(P.patterns, dtype=bool), W):
        assert realizes(Xq, w.tolist(), tuple(int(b) for b in p), strict=ties == "regions"), (name, ties, p, w)


@pytest.mark.parametrize("name", REGRESSIONS)
def test_count_regions_on_regression_case(name):
    c = cases.get_case(name)
    Xa = np.c_[c.X, np.ones(len(c.X), dtype=c.X.dtype)] if c.bias else c.X
    assert geom.count_regions(Xa) == c.expected["regions"]
