"""Which cases the theorem suites run on: the tags ``quick``, ``theorems``, ``landscape`` and ``scale``.

* ``quick`` (the default of ``make run``, seconds): a handful of small cases on which every theorem generator of
  :mod:`verify.theorems` has something to check;
* ``theorems`` (minutes): every small case with labels (the docs/theory.md §I instances, the seed documents'
  small instances, the small members of every family, the real data);
* ``landscape``: cases for trained-net experiments (many seeds per case);
* ``scale``: the larger instances.

Examples
--------
>>> import cases
>>> "spec-I2" in {c.name for c in cases.list_cases("quick")}
True
"""

from __future__ import annotations

from ._registry import add_tags

QUICK = ("spec-I1", "spec-I2", "spec-I4-closed-form", "spec-I7", "blog-2d-two-points", "orthogonal-3x4-s0",
         "degenerate-duplicate-row", "continuum-tail-sum-3-s0")
THEOREMS = QUICK + (
    "spec-I1b", "spec-I1-zero", "spec-I2-beta0.3", "spec-I3", "spec-I3-closed-form", "spec-I4", "spec-I7b", "spec-I9",
    "spec-pentagon", "blog-four-points-bias", "teacher-gaussian-8x2-s0", "teacher-gaussian-10x3-s1",
    "line-bias-fit-3", "line-bias-fit-5", "polygon-3", "polygon-4", "polygon-6", "orthogonal-4x4-s1",
    "orthogonal-5x7-s2", "continuum-tail-sum-4-s1", "diabetes-20x3", "iris-binary-12x2")
LANDSCAPE = ("spec-I1", "spec-I2", "spec-I7", "teacher-gaussian-8x2-s0", "line-bias-fit-5", "iris-binary-12x2",
             "teacher-gaussian-40x3-s3", "diabetes-20x3")
SCALE = ("pattern-alignment-100x10", "teacher-gaussian-40x3-s3", "teacher-gaussian-12x2-s2", "line-bias-fit-8",
         "polygon-7", "continuum-tail-sum-5-s2")

add_tags(QUICK, "quick")
add_tags(THEOREMS, "theorems")
add_tags(LANDSCAPE, "landscape")
add_tags(SCALE, "scale")
