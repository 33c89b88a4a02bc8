"""Named tolerances (docs/theory.md §J.5: every tolerance has a name, a default and a docstring).

Combinatorial answers (counts, patterns, signs) are decided exactly or by certified float filters and do not
depend on these numbers; they only steer *which* float computations are trusted before the exact check, so a
bad choice costs time, never correctness.

Examples
--------
>>> from geom.tolerances import DEFAULT_TOLERANCES
>>> DEFAULT_TOLERANCES.witness_margin
1e-12
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

__all__ = ["Tolerances", "DEFAULT_TOLERANCES", "unit_roundoff", "gamma"]


@dataclass(frozen=True)
class Tolerances:
    """Tolerances of the float stages of the exact pipelines.

    Attributes
    ----------
    witness_margin : float
        Relative margin ``|x·u| / (‖x‖‖u‖)`` below which a float sign computed inside the cell recursion is not
        trusted and the candidate witness is discarded (default ``1e-12``).  Discarding never produces a wrong
        answer: completeness is certified afterwards by an exact count.
    parallel : float
        Relative threshold ``1 − |cos∠(a, b)|`` under which two float normals are merged as the same hyperplane
        in the float restriction path (default ``1e-13``; integer data are compared exactly instead).
    solver : float
        Interior-point tolerances (gap and feasibility) of the conic solver for (C) (default ``1e-10``).
    gap : float
        A convex solution is *certified* when its relative duality gap ``(p − D(ν̃)) / max(1, |p|)`` is at most
        this (default ``1e-8``).
    pricing : float
        In column generation a pattern prices out when its dual value exceeds ``β(1 + pricing)``
        (default ``1e-9``).
    certificate : float
        A network is certified globally optimal when its relative gap is at most this, and declared
        suboptimal when an escape pattern has dual value above ``β(1 + certificate)`` (default ``1e-6``).
    phi_exact : float
        Dual values are computed exactly (projected) from ``β(1 − phi_exact)`` up; the screens may settle those
        below, which never weakens a bound (they are rigorous upper bounds) (default ``1e-3``).
    support : float
        A convex slot whose norm is at most this times the largest slot's is solver noise: it is left out of the
        polishing guess and dropped from the reported solution (and so from ``card(W)``) when the certificate
        stays as good; a cone row is active in the guess below this relative slack (default ``1e-6``).
    tight : float
        Relative tightness ``φ_k ≥ β(1 − tight)`` of a pattern's dual value (docs/theory.md §C.4) where no proved
        radius is available (the interpolation limit); with the squared loss the band is the proved radius of
        :mod:`geom.polytope.tightness` instead (default ``1e-6``).
    dedup : float
        Relative distance under which two tight unit directions are the same column (docs/theory.md §D.3)
        (default ``1e-7``).
    separation : float
        Safety factor of the float decisions of the optimal polytope (docs/theory.md §D): a decision taken with
        threshold ``τ`` (tightness band, ``dedup``, ``rank``, ``vertex``) is *safe* only when no quantity falls
        in the grey zone between ``τ`` and ``separation · τ``; otherwise the result is ``inconclusive``
        (default ``100``).
    rank : float
        Singular values of the fit matrix ``A`` below ``rank`` times the largest are zero (default ``1e-9``).
    vertex : float
        A vertex coefficient below ``vertex`` times the vertex's largest is zero (the float polytope is an
        ``O(u)`` perturbation of the exact one; its split vertices are merged back) (default ``1e-9``).
    path : float
        Points of a constructed optimal path must have ``|L_β(θ(t)) − p*| ≤ path · max(1, p*)`` (default
        ``1e-9``).
    """

    witness_margin: float = 1e-12
    parallel: float = 1e-13
    solver: float = 1e-10
    gap: float = 1e-8
    pricing: float = 1e-9
    certificate: float = 1e-6
    phi_exact: float = 1e-3
    support: float = 1e-6
    tight: float = 1e-6
    dedup: float = 1e-7
    separation: float = 100.0
    rank: float = 1e-9
    vertex: float = 1e-9
    path: float = 1e-9

    def to_dict(self) -> dict:
        """Plain dictionary, for JSON results."""
        return asdict(self)


DEFAULT_TOLERANCES = Tolerances()


def unit_roundoff(dtype=np.float64) -> float:
    """Unit roundoff ``u = eps/2`` of a floating dtype (``2**-53`` for float64).

    >>> unit_roundoff() == 2.0**-53
    True
    """
    return float(np.finfo(dtype).eps) / 2.0


def gamma(k: int, dtype=np.float64) -> float:
    """Higham's ``γ_k = k u / (1 − k u)``: a dot product of length ``k`` computed in floating point satisfies
    ``|fl(x·y) − x·y| ≤ γ_k |x|·|y|`` (Higham, *Accuracy and Stability*, §3.1).

    >>> gamma(3) > 3 * 2.0**-53
    True
    """
    u = unit_roundoff(dtype)
    return k * u / (1.0 - k * u)
