"""Named regression cases of exact pattern enumeration: inputs on which ``enumerate_patterns`` once failed.

Each case is an input that crashed, or returned ``certified=True`` with a wrong set, or could not certify exact
integer data.  The expected values (``patterns`` = ``|𝒟_≥|``, ``regions``, ``rank``, ``general_position`` and the
sets themselves, as bit strings in lexicographic order) come from the independent brute-force oracle of the test
suite (``tests/_oracle_independent.py``: exact rationals, every sign vector decided by an exact LP, no code
shared with :mod:`geom`); ``tests/test_regressions.py`` recomputes them with that oracle.  Cases named
``fuzz-<generator>-…`` were found by the differential fuzzer (``tests/test_fuzz_patterns.py``) and shrunk by
deleting rows.

Examples
--------
>>> import cases
>>> c = cases.get_case("regression-tie-patterns-26")
>>> c.expected["patterns"], c.expected["regions"], c.source.startswith("independent brute force")
(26, 12, True)
>>> len(cases.list_cases("regression")) >= 9
True
"""

from __future__ import annotations

import numpy as np

from ._registry import register

__all__ = ["near_duplicate_gaussian"]

ORACLE = "independent brute force (tests/_oracle_independent.py)"
_TAGS = {"arrangement", "regression"}


def near_duplicate_gaussian(seed: int) -> np.ndarray:
    """A 6×2 Gaussian matrix whose last row is the previous one plus ``1e-14`` Gaussian noise."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((6, 2))
    X[5] = X[4] + 1e-14 * rng.standard_normal(2)
    return X


def _all(n):
    """All ``2^n`` bit strings (general position with ``n ≤ rank``)."""
    return [format(k, f"0{n}b") for k in range(2**n)]


@register("regression-near-equal-1d-bias", tags=_TAGS | {"bias"}, source=ORACLE)
def _near_equal_1d():
    return {"X": [[1e4], [1e4 + 1e-9]], "bias": True,
            "description": "two distinct 1-D points 1e-9 apart at 1e4, with bias (were merged: 2 patterns)",
            "expected": {"patterns": 4, "regions": 4, "rank": 2, "general_position": True,
                         "pattern_set": _all(2), "region_set": _all(2)}}


@register("regression-crash-3x3", tags=_TAGS, source=ORACLE)
def _crash_3x3():
    return {"X": [[0, -1, 1], [1, -1, 0], [1, 1, 1]],
            "description": "three independent integer rows in R^3 (raised 'need at least one array to concatenate')",
            "expected": {"patterns": 8, "regions": 8, "rank": 3, "general_position": True,
                         "pattern_set": _all(3), "region_set": _all(3)}}


@register("regression-tie-patterns-26", tags=_TAGS | {"degenerate", "ties"}, source=ORACLE)
def _tie_26():
    return {"X": [[0, 0, 1], [-1, 0, 1], [0, 1, 1], [1, 0, 1], [-1, 0, -1], [0, 0, -1], [1, 0, -1]],
            "description": "7 integer rows in R^3 with antiparallel pairs: 12 regions and 14 tie-only patterns",
            "expected": {"patterns": 26, "regions": 12, "rank": 3, "general_position": False,
                         "pattern_set": ["0000111", "0001011", "0001111", "0010111", "0011011", "0011111",
                                         "0100110", "0100111", "0110110", "0110111", "1001001", "1001011",
                                         "1011001", "1011011", "1100100", "1100110", "1101000", "1101001",
                                         "1101100", "1101111", "1110100", "1110110", "1111000", "1111001",
                                         "1111100", "1111111"],
                         "region_set": ["0000111", "0001011", "0010111", "0011011", "0100110", "0110110",
                                        "1001001", "1011001", "1100100", "1101000", "1110100", "1111000"]}}


@register("regression-ulp-1d-bias", tags=_TAGS | {"bias"}, source=ORACLE)
def _ulp_1d():
    return {"X": [[1.0], [1.0 + 2.0**-52]], "bias": True,
            "description": "1-D points 1 and 1 + 2^-52 (one ulp apart), with bias",
            "expected": {"patterns": 4, "regions": 4, "rank": 2, "general_position": True,
                         "pattern_set": _all(2), "region_set": _all(2)}}


@register("regression-big-int-2^53", tags=_TAGS, source=ORACLE)
def _big_int():
    return {"X": np.array([[2**53 + 1, 2**53], [2**53, 2**53 - 1], [1, -1], [3, 1]], dtype=np.int64),
            "description": "integers around 2^53 (not exact in float64): two nearly parallel big rows",
            "expected": {"patterns": 8, "regions": 8, "rank": 2, "general_position": True,
                         "pattern_set": ["0000", "0010", "0011", "0111", "1000", "1100", "1101", "1111"],
                         "region_set": ["0000", "0010", "0011", "0111", "1000", "1100", "1101", "1111"]}}


@register("regression-tiny-1e-20", tags=_TAGS | {"degenerate", "ties"}, source=ORACLE)
def _tiny():
    return {"X": [[1.0, 1e-20], [1.0, -1e-20], [-1.0, 1e-20], [1e-20, 1.0], [1.0, 0.0]],
            "description": "rows 1e-20 away from parallel to e_1 (rows 1 and 2 exactly antiparallel)",
            "expected": {"patterns": 10, "regions": 8, "rank": 2, "general_position": False,
                         "pattern_set": ["00100", "00110", "01000", "01001", "01100", "10110", "10111", "11001",
                                         "11011", "11111"],
                         "region_set": ["00100", "00110", "01000", "01001", "10110", "10111", "11001", "11011"]}}


@register("regression-gaussian-near-dup-1e-14-seed140", tags=_TAGS, source=ORACLE)
def _gauss_140():
    return {"X": near_duplicate_gaussian(140),
            "description": "6×2 Gaussian (seed 140), last row = previous + 1e-14 noise (certified 10 of 12)",
            "expected": {"patterns": 12, "regions": 12, "rank": 2, "general_position": True,
                         "pattern_set": ["000000", "000010", "000011", "000111", "001111", "010000", "101111",
                                         "110000", "111000", "111100", "111101", "111111"],
                         "region_set": ["000000", "000010", "000011", "000111", "001111", "010000", "101111",
                                        "110000", "111000", "111100", "111101", "111111"]}}


@register("regression-gaussian-near-dup-1e-14-seed165", tags=_TAGS, source=ORACLE)
def _gauss_165():
    return {"X": near_duplicate_gaussian(165),
            "description": "6×2 Gaussian (seed 165), last row = previous + 1e-14 noise (certified 11 of 13)",
            "expected": {"patterns": 13, "regions": 12, "rank": 2, "general_position": True,
                         "pattern_set": ["000111", "010111", "011000", "011100", "011110", "011111", "100000",
                                         "100001", "100011", "100111", "101000", "111000", "111111"],
                         "region_set": ["000111", "010111", "011000", "011100", "011110", "011111", "100000",
                                        "100001", "100011", "100111", "101000", "111000"]}}


@register("regression-line-bias-repeated", tags=_TAGS | {"bias", "degenerate"}, source=f"{ORACLE}; SPEC.md §B.3")
def _line_repeated():
    return {"X": [[0], [0], [1], [1], [2]], "bias": True,
            "description": "1-D x = (0, 0, 1, 1, 2) with bias: 2 × 3 distinct values = 6 patterns",
            "expected": {"patterns": 6, "regions": 6, "rank": 2, "general_position": False,
                         "pattern_set": ["00000", "00001", "00111", "11000", "11110", "11111"],
                         "region_set": ["00000", "00001", "00111", "11000", "11110", "11111"]}}
