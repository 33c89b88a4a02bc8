"""Instances of the seed documents (the lesson and the blog on Wang et al.) not among the docs/theory.md §I cases.

* ``blog-2d-two-points``: the blog's two points ``(−0.2, 1)`` and ``(1, 1)`` as 2-D data *without* bias.  Its
  ``X`` equals I4's ``X̃ = [x, 1]``, so (C) is the same program and the one-neuron closed form of I4 applies
  (:func:`cases.spec_instances.single_neuron_closed_form`); two independent rows: 4 regions = 4 patterns.
* ``blog-four-points-bias``: the blog's four points ``x = (−1, 0, 1, 2)`` with bias (docs/theory.md §B.3: 8
  patterns, "the blog's 10 is 2(n+1)") with labels, for the theorem suites; its ``p*`` is only bounded
  (``p* ≤ ½‖y‖²``, the zero network) and ``M* ≤ n`` (docs/theory.md §D.4).
* ``pattern-alignment-100x10``: the blog's pattern-alignment experiment, 100 Gaussian points in R^10 fitted by
  nets of width 20 (``expected["train_width"]``), labels from a planted teacher of three neurons.  Too large to
  enumerate (Cover: ``C(100, 10)`` regions); its expected values are Cover's count and the teacher's objective as
  an upper bound on ``p*`` (a scaled exact-fit net: ``L_β = β Σ_j |α_j| ‖w_j‖``).

Examples
--------
>>> import cases
>>> c = cases.get_case("blog-2d-two-points")
>>> round(c.expected["p_star"], 8), c.how("p_star")
(0.06958725, 'closed form')
>>> cases.get_case("pattern-alignment-100x10").expected["train_width"]
20
"""

from __future__ import annotations

import numpy as np

from ._registry import CLOSED_FORM, PAPER, THEORY_BOUND, register
from .arrangements import cover
from .spec_instances import EXACT_RTOL, single_neuron_closed_form

__all__ = ["planted_teacher", "teacher_objective"]


def planted_teacher(X, *, neurons: int, seed: int, bias: bool = False):
    """``(W, α, y)``: a teacher net of ``neurons`` Gaussian neurons (signs alternating) and its outputs on ``X``.

    >>> W, a, y = planted_teacher(np.eye(2), neurons=2, seed=0)
    >>> W.shape, a.tolist(), y.shape
    ((2, 2), [1.0, -1.0], (2,))
    """
    X = np.asarray(X, float)
    rng = np.random.default_rng(seed)
    Xa = np.c_[X, np.ones(len(X))] if bias else X
    W = rng.standard_normal((neurons, Xa.shape[1]))
    alpha = np.array([1.0 if j % 2 == 0 else -1.0 for j in range(neurons)])
    return W, alpha, np.maximum(Xa @ W.T, 0.0) @ alpha


def teacher_objective(W, alpha, beta):
    """``L_β`` of the teacher after rescaling every neuron to balance (exact fit): ``β Σ_j |α_j| ‖w_j‖``.

    An upper bound on ``p*`` (docs/theory.md §A.4: rescaling keeps the function and minimizes the penalty).

    >>> teacher_objective(np.array([[3.0, 4.0]]), np.array([2.0]), 0.1)
    1.0
    """
    return float(beta * np.sum(np.abs(alpha) * np.linalg.norm(W, axis=1)))


_BLOG_X = np.array([[-0.2, 1.0], [1.0, 1.0]])


@register("blog-2d-two-points", tags={"seed", "convex", "arrangement"},
          source="docs/theory.md §I, I4 (the blog's two points as 2-D data: same X̃, same program)", how=CLOSED_FORM)
def _blog_2d():
    y, beta = np.array([0.5, 1.0]), 0.1
    y_star, nu, p, u = single_neuron_closed_form(_BLOG_X, y, beta)
    if not np.all(_BLOG_X @ u > 0):
        raise ValueError("blog-2d: the closed-form neuron is not in the open all-active cone")
    return {"X": _BLOG_X, "y": y, "beta": beta,
            "description": "the blog's two points (−0.2, 1), (1, 1) in R², no bias: one optimal neuron",
            "expected": {"p_star": p, "y_star": y_star.tolist(), "nu_star": nu.tolist(), "rtol": EXACT_RTOL,
                         "m_star": 1, "M_star": 1, "patterns": 4, "regions": 4, "rank": 2,
                         "general_position": True},
            "how": {"m_star": PAPER, "M_star": PAPER}}


@register("blog-four-points-bias", tags={"seed", "bias", "arrangement"}, source="docs/theory.md §B.3 (the blog's four points)",
          how=THEORY_BOUND)
def _blog_four():
    y = np.array([1.0, 0.0, 1.0, 0.5])
    return {"X": [[-1.0], [0.0], [1.0], [2.0]], "bias": True, "y": y, "beta": 0.1,
            "description": "x = (−1, 0, 1, 2) with bias and labels: 8 patterns, p* and M* bounded",
            "expected": {"patterns": 8, "regions": 8, "rank": 2, "general_position": True,
                         "p_star_at_most": 0.5 * float(y @ y), "M_star_at_most": 4},
            "how": {"patterns": PAPER, "regions": PAPER, "rank": CLOSED_FORM, "general_position": CLOSED_FORM}}


@register("pattern-alignment-100x10", tags={"seed", "trained"},
          source="the blog's pattern-alignment experiment (100 points in R^10, 20 neurons); Cover (1965)",
          how=THEORY_BOUND)
def _alignment():
    seed = 10
    X = np.random.default_rng(seed).standard_normal((100, 10))
    W, alpha, y = planted_teacher(X, neurons=3, seed=seed + 1)
    beta = 0.1
    return {"X": X, "y": y, "beta": beta, "seed": seed,
            "description": "100 Gaussian points in R^10, a 3-neuron teacher, nets of width 20",
            "expected": {"regions": cover(100, 10), "p_star_at_most": teacher_objective(W, alpha, beta),
                         "train_width": 20},
            "how": {"regions": CLOSED_FORM, "train_width": PAPER}}

