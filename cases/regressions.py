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


@register("regression-near-equal-1d-bias", tags=_TAGS | {"bias"}, source=ORACLE, how="brute force")
def _near_equal_1d():
    return {"X": [[1e4], [1e4 + 1e-9]], "bias": True,
            "description": "two distinct 1-D points 1e-9 apart at 1e4, with bias (were merged: 2 patterns)",
            "expected": {"patterns": 4, "regions": 4, "rank": 2, "general_position": True,
                         "pattern_set": _all(2), "region_set": _all(2)}}


@register("regression-crash-3x3", tags=_TAGS, source=ORACLE, how="brute force")
def _crash_3x3():
    return {"X": [[0, -1, 1], [1, -1, 0], [1, 1, 1]],
            "description": "three independent integer rows in R^3 (raised 'need at least one array to concatenate')",
            "expected": {"patterns": 8, "regions": 8, "rank": 3, "general_position": True,
                         "pattern_set": _all(3), "region_set": _all(3)}}


@register("regression-tie-patterns-26", tags=_TAGS | {"degenerate", "ties"}, source=ORACLE, how="brute force")
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


@register("regression-ulp-1d-bias", tags=_TAGS | {"bias"}, source=ORACLE, how="brute force")
def _ulp_1d():
    return {"X": [[1.0], [1.0 + 2.0**-52]], "bias": True,
            "description": "1-D points 1 and 1 + 2^-52 (one ulp apart), with bias",
            "expected": {"patterns": 4, "regions": 4, "rank": 2, "general_position": True,
                         "pattern_set": _all(2), "region_set": _all(2)}}


@register("regression-big-int-2^53", tags=_TAGS, source=ORACLE, how="brute force")
def _big_int():
    return {"X": np.array([[2**53 + 1, 2**53], [2**53, 2**53 - 1], [1, -1], [3, 1]], dtype=np.int64),
            "description": "integers around 2^53 (not exact in float64): two nearly parallel big rows",
            "expected": {"patterns": 8, "regions": 8, "rank": 2, "general_position": True,
                         "pattern_set": ["0000", "0010", "0011", "0111", "1000", "1100", "1101", "1111"],
                         "region_set": ["0000", "0010", "0011", "0111", "1000", "1100", "1101", "1111"]}}


@register("regression-tiny-1e-20", tags=_TAGS | {"degenerate", "ties"}, source=ORACLE, how="brute force")
def _tiny():
    return {"X": [[1.0, 1e-20], [1.0, -1e-20], [-1.0, 1e-20], [1e-20, 1.0], [1.0, 0.0]],
            "description": "rows 1e-20 away from parallel to e_1 (rows 1 and 2 exactly antiparallel)",
            "expected": {"patterns": 10, "regions": 8, "rank": 2, "general_position": False,
                         "pattern_set": ["00100", "00110", "01000", "01001", "01100", "10110", "10111", "11001",
                                         "11011", "11111"],
                         "region_set": ["00100", "00110", "01000", "01001", "10110", "10111", "11001", "11011"]}}


@register("regression-gaussian-near-dup-1e-14-seed140", tags=_TAGS, source=ORACLE, how="brute force")
def _gauss_140():
    return {"X": near_duplicate_gaussian(140),
            "description": "6×2 Gaussian (seed 140), last row = previous + 1e-14 noise (certified 10 of 12)",
            "expected": {"patterns": 12, "regions": 12, "rank": 2, "general_position": True,
                         "pattern_set": ["000000", "000010", "000011", "000111", "001111", "010000", "101111",
                                         "110000", "111000", "111100", "111101", "111111"],
                         "region_set": ["000000", "000010", "000011", "000111", "001111", "010000", "101111",
                                        "110000", "111000", "111100", "111101", "111111"]}}


@register("regression-gaussian-near-dup-1e-14-seed165", tags=_TAGS, source=ORACLE, how="brute force")
def _gauss_165():
    return {"X": near_duplicate_gaussian(165),
            "description": "6×2 Gaussian (seed 165), last row = previous + 1e-14 noise (certified 11 of 13)",
            "expected": {"patterns": 13, "regions": 12, "rank": 2, "general_position": True,
                         "pattern_set": ["000111", "010111", "011000", "011100", "011110", "011111", "100000",
                                         "100001", "100011", "100111", "101000", "111000", "111111"],
                         "region_set": ["000111", "010111", "011000", "011100", "011110", "011111", "100000",
                                        "100001", "100011", "100111", "101000", "111000"]}}


@register("regression-line-bias-repeated", tags=_TAGS | {"bias", "degenerate"}, source=f"{ORACLE}; docs/theory.md §B.3", how="brute force")
def _line_repeated():
    return {"X": [[0], [0], [1], [1], [2]], "bias": True,
            "description": "1-D x = (0, 0, 1, 1, 2) with bias: 2 × 3 distinct values = 6 patterns",
            "expected": {"patterns": 6, "regions": 6, "rank": 2, "general_position": False,
                         "pattern_set": ["00000", "00001", "00111", "11000", "11110", "11111"],
                         "region_set": ["00000", "00001", "00111", "11000", "11110", "11111"]}}


# ---- found by the differential fuzzer (tests/test_fuzz_patterns.py), shrunk by deleting rows ------------------

def _fuzz(name, X, bias, description, patterns, regions, rank, gp, pattern_set=None, region_set=None, tags=()):
    """Register a fuzz-found case; sets default to all ``2^n`` bit strings (``n ≤ rank``, general position)."""
    n = len(X)
    exp = {"patterns": patterns, "regions": regions, "rank": rank, "general_position": gp,
           "pattern_set": pattern_set or _all(n), "region_set": region_set or _all(n)}
    register(name, tags=(_TAGS if "abort" not in tags else {"regression"}) | set(tags), source=ORACLE, how="brute force")(
        lambda: {"X": X, "bias": bias, "description": description, "expected": exp})


_fuzz("fuzz-int2-777-112", np.array([[1, 1, 2], [-2, -2, 2], [1, -1, 2], [-1, 2, -2], [-1, -1, -2]]), False,
      "small integers, rows 1 and 5 antiparallel: tie-only 10111 (u = (2, 0, −1)) was missing, certified",
      18, 12, 3, False, tags={"degenerate", "ties"},
      pattern_set=["00001", "00011", "00101", "01001", "01011", "01101", "10010", "10011", "10100", "10101",
                   "10110", "10111", "11010", "11011", "11100", "11101", "11110", "11111"],
      region_set=["00001", "00011", "00101", "01001", "01011", "01101", "10010", "10100", "10110", "11010",
                  "11100", "11110"])
_fuzz("fuzz-int01-20261201-18", np.array([[0, -1], [1, -1], [0, 1], [-1, 0]]), True,
      "entries in {−1, 0, 1} with bias, general position: 11 of 14 patterns, uncertified",
      14, 14, 3, True,
      pattern_set=["0000", "0001", "0010", "0011", "0100", "0110", "0111", "1000", "1001", "1011", "1100", "1101",
                   "1110", "1111"],
      region_set=["0000", "0001", "0010", "0011", "0100", "0110", "0111", "1000", "1001", "1011", "1100", "1101",
                  "1110", "1111"])
_fuzz("fuzz-int2-20261201-1", np.array([[0, -2, -1], [0, -2, -2], [0, 2, 1], [0, 0, 2], [2, -1, 0]]), False,
      "small integers, rows 1 and 3 antiparallel: 15 of 18 patterns, uncertified", 18, 12, 3, False,
      tags={"degenerate", "ties"},
      pattern_set=["00100", "00101", "00110", "00111", "01100", "01101", "10010", "10011", "10110", "10111",
                   "11000", "11001", "11010", "11011", "11100", "11101", "11110", "11111"],
      region_set=["00100", "00101", "00110", "00111", "01100", "01101", "10010", "10011", "11000", "11001",
                  "11010", "11011"])
_fuzz("fuzz-zero-rows-20261201-5",
      np.array([[0, 0, 0], [0, 0, 0], [-2, 1, -2], [-2, 2, 0], [-2, -2, 1], [-2, 2, -1]]), False,
      "two zero rows and four small-integer rows: 11 of 14 patterns, uncertified", 14, 14, 3, False,
      tags={"degenerate"},
      pattern_set=["110000", "110001", "110010", "110100", "110101", "110110", "110111", "111000", "111001",
                   "111010", "111011", "111101", "111110", "111111"],
      region_set=["110000", "110001", "110010", "110100", "110101", "110110", "110111", "111000", "111001",
                  "111010", "111011", "111101", "111110", "111111"])
_fuzz("fuzz-parallel-777-3",
      np.array([[1.0575553586128021, -0.13231571859933855], [0.6345332151676812, -0.07938943115960313]]), False,
      "row 2 = 0.6 × row 1 rounded to float64: not parallel, merged (2 patterns, certified)", 4, 4, 2, True)
_fuzz("fuzz-rank-deficient-777-10",
      np.array([[0.7393597309635824, 0.5627526291643548], [-0.1231273314925634, -0.0937165315037208]]), False,
      "nearly antiparallel float rows (rank 1 numerically, 2 exactly): '00' was missing, certified", 4, 4, 2, True)
_fuzz("fuzz-tiny-huge-777-0", np.array([[-1e20], [1e20]]), True,
      "x = ±1e20 with bias: rows (∓1e20, 1) are not antiparallel; '00' was missing, certified", 4, 4, 2, True,
      tags={"bias"})
_fuzz("fuzz-tiny-huge-777-36",
      np.array([[-0.0, 1e-20, 1e-10], [8.673617379884035e-19, 1e20, -1e20], [-1.0, 8.673617379884035e-19, 1e-20]]),
      False, "entries from 1e-20 to 1e20 (and −0.0): raised 'need at least one array to concatenate'",
      8, 8, 3, True)
_fuzz("fuzz-big-int-777-34", np.array([[-4611686018427387902, -4611686018427387904],
                                       [-4611686018427387902, -4611686018427387907]]), True,
      "two nearly parallel rows near 2^62 with bias: merged (2 patterns, n_regions 2, certified)", 4, 4, 2, True,
      tags={"bias"})
_fuzz("fuzz-big-int-777-1", np.array([[-4611686018427387903, -4611686018427387906],
                                      [4611686018427387907, 4611686018427387906],
                                      [-4611686018427387903, 4611686018427387905]]), True,
      "integers near ±2^62 with bias: raised 'need at least one array to concatenate'", 8, 8, 3, True,
      tags={"bias"})
_fuzz("fuzz-big-int-777-0", np.array([[1152921504606846977, -1152921504606846973],
                                      [-1152921504606846977, 1152921504606846978],
                                      [-1152921504606846973, 1152921504606846974]]), True,
      "integers near ±2^60 with bias: 4 of 8 patterns, uncertified", 8, 8, 3, True, tags={"bias"})
# These two killed the interpreter (cddlib GMP, implicit_linearity_rows): tagged "abort" and not "arrangement",
# so the suites and tests/test_cases.py leave them alone; tests/test_regressions.py runs them in a subprocess.
_fuzz("fuzz-parallel-777-11-abort",
      np.array([[0.45103563087338594, 0.15816941020884837, 0.08815970938419355, 0.013492182257946041],
                [-0.45103563087338594, -0.15816941020884837, -0.08815970938419355, -0.013492182257946041]]), False,
      "x and −x in R^4 (floats): ties='geq' aborted the interpreter (munmap_chunk(): invalid pointer in cddlib)",
      3, 2, 1, True, pattern_set=["01", "10", "11"], region_set=["01", "10"], tags={"abort", "ties"})
_fuzz("fuzz-rank-deficient-777-77-segfault",
      np.array([[-0.1696354476306583, 0.3761596970297276, 0.36067863495308183],
                [0.011241682756747843, -0.024927973716257244, -0.023902049058210008],
                [-0.1349663065772898, 0.29928228858081657, 0.28696515911547116]]), False,
      "three nearly dependent float rows in R^3: ties='geq' segfaulted (cddlib implicit_linearity_rows)",
      8, 8, 3, True, tags={"abort"})
