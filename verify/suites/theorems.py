"""The theorem suites: ``quick``, ``theorems``, ``landscape`` and ``scale`` (the generators of :mod:`verify.theorems`).

* ``quick`` (seconds; the default of ``make run``): the cases tagged ``quick``, every applicable theorem and
  lesson generator;
* ``theorems`` (minutes): the same generators on every case tagged ``theorems``;
* ``landscape``: the trained-net experiments (many seeds per case, the fraction reaching ``p*``, stationary
  points that are not global; double descent) on the cases tagged ``landscape``;
* ``scale``: the theorem generators and the large-instance experiments (pattern alignment) on the cases tagged
  ``scale``.

The cases of each are chosen in :mod:`cases.selection`; everything is deterministic given the run's seed.

Examples
--------
>>> from verify import SUITES
>>> [s for s in ("quick", "theorems", "landscape", "scale") if s in SUITES]
['quick', 'theorems', 'landscape', 'scale']
"""

from __future__ import annotations

from .._suite import register_suite
from ..theorems import theorem_checks

__all__ = ["quick_checks", "theorems_checks", "landscape_checks", "scale_checks"]


@register_suite("quick", tags=("quick",),
                description="Every theorem of the seeds on a handful of small cases, in seconds (docs/theory.md §A–§G)")
def quick_checks(case, ctx):
    """Every applicable theorem and lesson generator on one quick case."""
    yield from theorem_checks(case, ctx, groups=("theorem", "lesson"))


@register_suite("theorems", tags=("theorems",),
                description="Every theorem of the seeds on every small case (docs/theory.md §A–§G)")
def theorems_checks(case, ctx):
    """Every applicable theorem and lesson generator on one case."""
    yield from theorem_checks(case, ctx, groups=("theorem", "lesson"))


@register_suite("landscape", tags=("landscape",),
                description="Trained-net experiments: many seeds per width, the fraction reaching p*, stationary "
                            "points that are not global, double descent (docs/theory.md §F)")
def landscape_checks(case, ctx):
    """The landscape experiments on one case."""
    yield from theorem_checks(case, ctx, groups=("landscape",))


@register_suite("scale", tags=("scale",),
                description="The theorems on larger instances and the pattern-alignment experiment")
def scale_checks(case, ctx):
    """The theorem generators that apply, and the large-instance experiments, on one case."""
    yield from theorem_checks(case, ctx, groups=("theorem", "scale"))
