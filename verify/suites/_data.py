"""The expensive computations of one case, done once and shared by every check generator: :func:`case_data`.

The exact regions (docs/theory.md §B.1), the ``≥`` patterns, the solution of (C) (§A.3; the interpolation limit
of §G.2 when the case has no ``beta``), the optimal polytope (§D), the staircase (§E) and a batch of trained nets
with their checks (§F) are computed on first use and kept for the case being checked (the last few cases of a
run, keyed by case name, data, labels, β, bias, seed and tolerances), so that the ``patterns``, ``convex``, ``polytope`` and ``nets``
suites and the theorem generators of :mod:`verify.theorems` do not repeat them.

Examples
--------
>>> import cases
>>> from verify._suite import RunContext
>>> data = case_data(cases.get_case("spec-I2"), RunContext())
>>> data.polytope.m_star, data is case_data(cases.get_case("spec-I2"), RunContext())
(1, True)
"""

from __future__ import annotations

from collections import OrderedDict
from functools import cached_property

import numpy as np

import geom

__all__ = ["CaseData", "case_data", "CACHE_SIZE", "TRAIN_STEPS", "TRAIN_LR", "TRAIN_SEEDS", "TRAIN_SCALES",
           "LR_REFERENCE"]

#: How many cases' computations are kept (a run visits its cases one after the other).
CACHE_SIZE = 2
#: Gradient steps and step size of the shared training batch (deterministic given the seeds).
TRAIN_STEPS = 1500
TRAIN_LR = 0.05
#: ``‖X̃‖₂²`` up to which :data:`TRAIN_LR` is used as is (every docs/theory.md §I instance is below).
LR_REFERENCE = 3.0
#: Seeds (offset by the run's seed) and initialization scales of the shared training batch.
TRAIN_SEEDS = 4
TRAIN_SCALES = (0.1, 1.0)

_CACHE: OrderedDict = OrderedDict()


class CaseData:
    """Lazily computed, shared quantities of one case (see the module notes)."""

    def __init__(self, case, ctx):
        self.case, self.ctx = case, ctx
        self.X = np.asarray(case.X, float)
        self.y = None if case.y is None else np.asarray(case.y, float)
        self.beta = None if case.beta is None else float(case.beta)
        self.bias = bool(case.bias)
        self.Xa = geom.nets.augment(self.X, self.bias)

    @property
    def interpolate(self) -> bool:
        """No ``β``: the interpolation limit of docs/theory.md §G.2."""
        return self.beta is None

    @cached_property
    def regions(self):
        """The exact regions (``ties="regions"``)."""
        return geom.enumerate_patterns(self.case.X, bias=self.bias, ties="regions", tol=self.ctx.tol)

    @cached_property
    def geq(self):
        """The exact ``≥`` patterns ``𝒟_≥``."""
        return geom.enumerate_patterns(self.case.X, bias=self.bias, ties="geq", tol=self.ctx.tol)

    @cached_property
    def solution(self):
        """(C) solved on the exact regions (the minimum-norm interpolation when the case has no ``β``)."""
        if self.interpolate:
            return geom.solve_convex(self.X, self.y, 0.0, bias=self.bias, patterns=self.regions, interpolate=True,
                                     tol=self.ctx.tol)
        return geom.solve_convex(self.X, self.y, self.beta, bias=self.bias, patterns=self.regions, tol=self.ctx.tol)

    @cached_property
    def polytope(self):
        """The optimal polytope of :attr:`solution`."""
        return geom.optimal_polytope(self.solution, tol=self.ctx.tol)

    @cached_property
    def staircase(self):
        """The staircase of :attr:`polytope`."""
        return geom.staircase(self.polytope, tol=self.ctx.tol)

    @cached_property
    def widths(self) -> list:
        """Widths of the shared training batch: ``m*``, ``m* + 1`` and ``n + 1``."""
        m = self.polytope.m_star or 1
        return sorted({m, m + 1, len(self.y) + 1})

    @property
    def learning_rate(self) -> float:
        """:data:`TRAIN_LR`, scaled down by ``‖X̃‖₂² / LR_REFERENCE`` when that exceeds 1 (the curvature of the
        squared loss grows with ``‖X̃‖₂²``: a step that suits the docs/theory.md §I instances diverges on larger
        data)."""
        return TRAIN_LR * min(1.0, LR_REFERENCE / max(float(np.linalg.norm(self.Xa, 2)) ** 2, 1e-300))

    @cached_property
    def training(self):
        """``(run, checks)``: nets trained by :func:`geom.train_nets` and their :func:`geom.check_nets` verdicts."""
        seed0 = self.ctx.seed or 0
        run = geom.train_nets(self.X, self.y, self.beta, widths=self.widths, seeds=range(seed0, seed0 + TRAIN_SEEDS),
                              init_scales=TRAIN_SCALES, steps=TRAIN_STEPS, lr=self.learning_rate, bias=self.bias,
                              p_star=self.solution.p_star)
        checks = [geom.check_nets(run.net(b), self.X, self.y, self.beta, patterns=self.regions)[0]
                  for b in range(len(run.U))]
        return run, checks


def _fingerprint(case) -> tuple:
    """What the computations depend on: the data, labels, β and bias (not the expected values)."""
    X = np.ascontiguousarray(case.X)
    y = None if case.y is None else np.ascontiguousarray(case.y, dtype=float).tobytes()
    return (X.dtype.str, X.shape, X.tobytes(), y, case.beta, bool(case.bias))


def case_data(case, ctx) -> CaseData:
    """The :class:`CaseData` of ``case`` under ``ctx`` (created on first use, kept for :data:`CACHE_SIZE` cases)."""
    key = (case.name, _fingerprint(case), ctx.seed, ctx.tol, ctx.backend, ctx.dtype)
    if key in _CACHE:
        _CACHE.move_to_end(key)
        data = _CACHE[key]
        data.case = case  # same data, possibly other expected values (a test's modified case)
        return data
    data = CaseData(case, ctx)
    _CACHE[key] = data
    while len(_CACHE) > CACHE_SIZE:
        _CACHE.popitem(last=False)
    return data
