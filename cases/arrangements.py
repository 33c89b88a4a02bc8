"""Named arrangements with closed-form pattern and region counts.

Sources: docs/theory.md §B.2–B.3 and §I; Stanley, *An introduction to hyperplane arrangements* (2007), Lect. 1–2
(coordinate, braid: ``χ = t(t−1)⋯(t−d+1)``, ``d!`` regions; faces of the braid arrangement = ordered set
partitions, the Fubini numbers); OEIS A034997 (resonance arrangement regions: 2, 6, 32, 370, 11292, 1066044);
Cover (1965) for points in general position.
"""

from __future__ import annotations

import itertools
from math import comb, factorial

import numpy as np

from ._registry import register

__all__ = ["braid_rows", "resonance_rows", "fubini", "cover"]


def braid_rows(d: int) -> np.ndarray:
    """Rows ``e_i − e_j`` (``i < j``) of the braid arrangement in R^d."""
    rows = []
    for i in range(d):
        for j in range(i + 1, d):
            r = [0] * d
            r[i], r[j] = 1, -1
            rows.append(r)
    return np.array(rows, dtype=np.int64)


def resonance_rows(d: int) -> np.ndarray:
    """All nonzero 0/1 vectors of length d."""
    return np.array([v for v in itertools.product([0, 1], repeat=d) if any(v)], dtype=np.int64)


def fubini(d: int) -> int:
    """Ordered set partitions of a d-set (1, 1, 3, 13, 75, 541, ...)."""
    a = [1]
    for m in range(1, d + 1):
        a.append(sum(comb(m, k) * a[m - k] for k in range(1, m + 1)))
    return a[d]


def cover(n: int, r: int) -> int:
    """``2 Σ_{k<r} binom(n−1, k)``."""
    return 2 * sum(comb(n - 1, k) for k in range(r))


def _falling(d):
    """Coefficients (high to low) of ``t(t−1)⋯(t−d+1)``."""
    import sympy

    t = sympy.Symbol("t")
    return [int(c) for c in sympy.Poly(sympy.prod([t - i for i in range(d)]), t).all_coeffs()]


# ---- docs/theory.md instances -----------------------------------------------------------------------------------

@register("spec-B2-antiparallel", tags={"arrangement", "spec", "degenerate", "ties"}, source="docs/theory.md §B.2", how="paper")
def _b2():
    return {"X": [[1, 0], [-1, 0], [0, 1]], "description": "antiparallel pair plus an axis: tie-only 110, 111",
            "expected": {"patterns": 6, "regions": 4, "rank": 2, "general_position": False,
                         "pattern_set": ["010", "011", "100", "101", "110", "111"]}}


@register("spec-I1", tags={"arrangement", "spec", "convex", "polytope", "ties"}, source="docs/theory.md §I (I1), §B.2", how="paper")
def _i1():
    return {"X": [[-1.0], [1.0]], "y": [1.0, 2.0], "beta": 0.5,
            "description": "d = 1, no bias, x = (−1, 1)",
            "expected": {"patterns": 3, "regions": 2, "rank": 1, "general_position": True,
                         "pattern_set": ["01", "10", "11"], "p_star": 1.25, "y_star": [0.5, 1.5],
                         "nu_star": [0.5, 0.5], "m_star": 2, "M_star": 2,
                         "staircase": {"2": [2, 2], "3": [1, 0]}}}


@register("spec-I2", tags={"arrangement", "spec", "convex", "polytope"}, source="docs/theory.md §I (I2)", how="paper")
def _i2():
    return {"X": [[1.0, 0.0], [-0.5, np.sqrt(3) / 2]], "y": [1.0, 1.0], "beta": 0.5,
            "description": "two points at 120°",
            "expected": {"patterns": 4, "regions": 4, "rank": 2, "general_position": True, "p_star": 0.75,
                         "y_star": [0.5, 0.5], "nu_star": [0.5, 0.5], "m_star": 1, "M_star": 2,
                         "staircase": {"1": [1, 1], "2": [3, 2], "3": [1, 0], "4": [1, 0]}}}


@register("spec-I3", tags={"arrangement", "spec", "convex", "polytope"}, source="docs/theory.md §I (I3)", how="paper")
def _i3():
    return {"X": np.eye(3), "y": [2.0, 1.0, -1.0], "beta": 0.5, "description": "X = I₃ (group soft-thresholding)",
            "expected": {"patterns": 8, "regions": 8, "rank": 3, "general_position": True,
                         "charpoly": [1, -3, 3, -1], "p_star": 0.5 * 5 ** 0.5 + 0.5 - 0.25, "m_star": 2,
                         "M_star": 2, "staircase": {"2": [2, 2], "3": [1, 0]}}}


@register("spec-I4", tags={"arrangement", "spec", "convex", "polytope", "bias"}, source="docs/theory.md §I (I4)", how="paper")
def _i4():
    return {"X": [[-0.2], [1.0]], "bias": True, "y": [0.5, 1.0], "beta": 0.1,
            "description": "the blog's two points, 1-D with bias",
            "expected": {"patterns": 4, "regions": 4, "rank": 2, "general_position": True,
                         "p_star": 0.06958725, "m_star": 1, "M_star": 1}}


@register("spec-I5", tags={"arrangement", "spec", "bias"}, source="docs/theory.md §B.3, §I (I5)", how="paper")
def _i5():
    return {"X": [[-1.0], [0.0], [1.0], [2.0]], "bias": True, "description": "1-D with bias, 4 points",
            "expected": {"patterns": 8, "regions": 8, "rank": 2, "general_position": True,
                         "pattern_set": ["0000", "0001", "0011", "0111", "1000", "1100", "1110", "1111"]}}


@register("spec-I7", tags={"arrangement", "spec", "convex", "polytope", "bias"}, source="docs/theory.md §I (I7)", how="paper")
def _i7():
    return {"X": [[-1.0], [0.0], [1.0]], "bias": True, "y": [0.0, 1.0, 0.0], "beta": 0.1,
            "description": "1-D with bias, kinks at a data point",
            "expected": {"patterns": 6, "regions": 6, "rank": 2, "general_position": True, "p_star": 0.245,
                         "y_star": [0.1, 0.7, 0.1], "nu_star": [-0.1, 0.3, -0.1], "m_star": 3, "M_star": 3,
                         "staircase": {"3": [6, 6], "4": [1, 0]}}}


# ---- families ------------------------------------------------------------------------------------------------

def _family(name, tags, source, ds, how="closed form"):
    def deco(fn):
        for d in ds:
            register(f"{name}-{d}", tags=tags, source=source, how=how)(lambda d=d: fn(d))
        return fn
    return deco


@_family("coordinate", {"arrangement", "family"}, "Stanley 2007, Lect. 1: 2^d regions", [2, 3, 4, 5])
def _coordinate(d):
    return {"X": np.eye(d, dtype=np.int64), "description": f"X = I_{d}",
            "expected": {"patterns": 2**d, "regions": 2**d, "rank": d, "general_position": True,
                         "charpoly": [int(c) for c in np.poly1d([1, -1]) ** d]}}


@_family("cross", {"arrangement", "family", "degenerate", "ties"}, "docs/theory.md §B.2: [I; −I] has 3^d patterns",
         [2, 3, 4])
def _cross(d):
    I = np.eye(d, dtype=np.int64)
    return {"X": np.vstack([I, -I]), "description": f"[I_{d}; −I_{d}]",
            "expected": {"patterns": 3**d, "regions": 2**d, "rank": d, "general_position": False}}


@_family("braid", {"arrangement", "family", "degenerate"}, "Stanley 2007, Lect. 1: χ = t(t−1)⋯(t−d+1)", [3, 4, 5])
def _braid(d):
    return {"X": braid_rows(d), "description": f"braid arrangement e_i − e_j in R^{d}",
            "expected": {"patterns": factorial(d), "regions": factorial(d), "rank": d - 1,
                         "general_position": d == 3, "charpoly": _falling(d)}}


@_family("braid-pm", {"arrangement", "family", "degenerate", "ties"},
         "docs/theory.md §B.2: patterns of [Y; −Y] = faces of braid(d) = Fubini(d)", [3, 4, 5])
def _braid_pm(d):
    Y = braid_rows(d)
    return {"X": np.vstack([Y, -Y]), "description": f"[braid; −braid] in R^{d}",
            "expected": {"patterns": fubini(d), "regions": factorial(d), "rank": d - 1, "general_position": False,
                         "charpoly": _falling(d)}}


_RES_CHARPOLY = {3: [1, -7, 15, -9], 4: [1, -15, 80, -170, 104], 5: [1, -31, 375, -2130, 5270, -3485]}
_RES_REGIONS = {3: 32, 4: 370, 5: 11292, 6: 1066044}


@_family("resonance", {"arrangement", "family", "degenerate"},
         "OEIS A034997; χ for d ≤ 5 from SageMath (docs/theory.md §B.2)", [3, 4, 5], how="paper")
def _resonance(d):
    exp = {"patterns": _RES_REGIONS[d], "regions": _RES_REGIONS[d], "rank": d, "general_position": False}
    if d in _RES_CHARPOLY:
        exp["charpoly"] = _RES_CHARPOLY[d]
    return {"X": resonance_rows(d), "description": f"all nonzero 0/1 vectors of length {d}", "expected": exp}


register("resonance-6", tags={"arrangement", "family", "degenerate", "large"},
         source="OEIS A034997: 1,066,044 regions", how="paper")(
    lambda: {"X": resonance_rows(6), "description": "all nonzero 0/1 vectors of length 6",
             "expected": {"patterns": 1066044, "regions": 1066044, "rank": 6, "general_position": False}})


@_family("line-bias", {"arrangement", "family", "bias"}, "docs/theory.md §B.3: exactly 2n patterns", [1, 2, 5, 10, 25])
def _line_bias(n):
    x = np.linspace(-1.0, 1.0, n) if n > 1 else np.array([0.3])
    return {"X": x[:, None], "bias": True, "description": f"{n} distinct points on a line, with bias",
            "expected": {"patterns": 2 * n, "regions": 2 * n, "rank": min(n, 2),
                         "general_position": True}}


@register("duplicates-zeros", tags={"arrangement", "degenerate", "ties", "bad"},
          source="docs/theory.md §B.1 (zero rows active), docs/theory.md §B.2 (parallel rows)", how="closed form")
def _dups():
    return {"X": [[1, 2], [2, 4], [0, 0], [-1, -2], [1, 0]],
            "description": "positively parallel, zero and antiparallel rows",
            "expected": {"patterns": 6, "regions": 4, "rank": 2, "general_position": False}}


@_family("gaussian", {"arrangement", "family", "generic"},
         "Cover (1965): C(n, d) regions; + the u = 0 pattern iff {Xu > 0} = ∅ (docs/theory.md §B.2)",
         ["20x3", "30x4", "12x5"])
def _gaussian(tag):
    n, d = map(int, tag.split("x"))
    X = np.random.default_rng(2026 + n * 10 + d).standard_normal((n, d))
    return {"X": X, "description": f"Gaussian data, seed {2026 + n * 10 + d}",
            "expected": {"regions": cover(n, d), "rank": d, "general_position": True,
                         "patterns_minus_regions": "1[{Xu > 0} = ∅] (Gordan, exact LP)"}}
