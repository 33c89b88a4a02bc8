"""Parametric families of instances of (C), each drawn from its seed, and real data shipped with scikit-learn.

Every family member is named ``<family>-<size>-s<seed>`` (or ``<family>-<k>`` when it has no randomness) and is
the same instance for the same name (``Case.seed`` records the seed).  Expected values and how they are known:

* ``teacher-gaussian``: Gaussian data, labels from a planted two-neuron teacher (output weights scaled to unit
  RMS labels); Cover's region count
  ``C(n, d)`` (closed form, general position almost surely) and ``p* ≤ β Σ|α_j|‖w_j‖`` (theory bound: the scaled
  teacher fits exactly, docs/theory.md §A.4);
* ``line-bias-fit``: ``n`` points on a line with bias and labels ``|x|``: ``2n`` patterns (closed form,
  docs/theory.md §B.3), ``p* ≤ ½‖y‖²`` and ``M* ≤ n`` (theory bounds, §D.4);
* ``polygon``: the vertices of the regular ``k``-gon, ``y = 1``: ``2k`` regions for odd ``k``, ``k`` for even
  ``k`` (one line per antipodal pair), and ``2k + 1`` patterns (the regions; for even ``k`` one tie pattern per
  ray of each line; the all-ones pattern, since no ``u`` has ``Xu > 0``; docs/theory.md §B.2);
* ``orthogonal``: rows orthonormal (``XXᵀ = I``): every fit ``z`` costs ``‖z‖``, so (C) splits into the positive
  and negative parts of ``y``, each shrunk by ``β`` in norm (group soft-thresholding, generalizing I3):
  :func:`orthogonal_closed_form` gives ``y*``, ``ν*``, ``p*`` and ``m* = M* =`` the number of parts with norm
  ``> β`` (the tight direction of each part is unique);
* ``degenerate-duplicate-row``: ``X = (e₁, e₁, e₂)``, ``y = (1, 1, −1)``: parallel rows; by hand ``t = 1 − β/2``
  on ``e₁``, ``s = 1 − β`` on ``e₂``, ``p* = 2β − ¾β²``, ``m* = M* = 2`` (closed form, see the factory);
* ``continuum-tail-sum``: the docs/theory.md §G.2 construction (:func:`geom.tail_sum_instance`), interpolation
  (``beta`` is ``None``): ``dim Q = 1`` (``n + 1`` tight columns of rank ``n``, stated in §G.2);
* ``diabetes`` and ``iris-binary``: a few standardized rows and features of scikit-learn's bundled data sets
  (no download); only bounds: ``regions ≤ C(n, d)`` (Cover's bound holds for any central arrangement),
  ``p* ≤ ½‖y‖²``, ``M* ≤ n``.

Examples
--------
>>> import cases
>>> c = cases.get_case("orthogonal-3x4-s0")
>>> c.expected["m_star"], c.how("p_star"), c.seed
(2, 'closed form', 0)
>>> cases.get_case("polygon-6").expected["patterns"]
13
"""

from __future__ import annotations

import numpy as np

from ._registry import CLOSED_FORM, PAPER, THEORY_BOUND, register
from .arrangements import cover
from .seeds import planted_teacher, teacher_objective
from .spec_instances import EXACT_RTOL

__all__ = ["orthogonal_closed_form", "orthonormal_rows", "standardized_rows"]


def orthonormal_rows(n: int, d: int, seed: int) -> np.ndarray:
    """An ``n × d`` matrix with orthonormal rows (``n ≤ d``), from the QR factorization of a Gaussian matrix.

    >>> X = orthonormal_rows(3, 4, 0)
    >>> bool(np.allclose(X @ X.T, np.eye(3), atol=1e-12))
    True
    """
    Q, _ = np.linalg.qr(np.random.default_rng(seed).standard_normal((d, n)))
    return Q.T.copy()


def orthogonal_closed_form(y, beta):
    """``(y*, ν*, p*, parts)`` of (C) when ``XXᵀ = I``: each sign part of ``y`` shrunk by ``β`` in norm.

    A positive neuron fits any ``p ≥ 0`` at cost ``‖p‖`` (the least-norm ``u`` with ``Xu = p``), so the positive
    fits add up to one vector ``P ≥ 0`` costing at least ``‖P‖`` (triangle inequality), the negative ones to
    ``N ≥ 0``; minimizing ``½‖y − P + N‖² + β(‖P‖ + ‖N‖)`` gives ``P = (1 − β/‖y₊‖)₊ y₊`` and likewise ``N``.
    ``parts`` counts the parts with ``‖y_±‖ > β`` (the neurons of the unique optimum).

    >>> y_star, nu, p, parts = orthogonal_closed_form([2.0, 1.0, -1.0], 0.5)   # docs/theory.md §I, I3
    >>> round(p, 7), parts
    (1.368034, 2)
    """
    y = np.asarray(y, float)
    y_star = np.zeros_like(y)
    p, parts = 0.0, 0
    for part in (np.maximum(y, 0.0), np.minimum(y, 0.0)):
        r = float(np.linalg.norm(part))
        if r > beta:
            y_star += (1.0 - beta / r) * part
            p += beta * r - 0.5 * beta ** 2
            parts += 1
        else:
            p += 0.5 * r ** 2
    return y_star, y - y_star, p, parts


def standardized_rows(X, y, rows, features):
    """Rows and columns of ``(X, y)``, each column and ``y`` centred and scaled to unit standard deviation."""
    X = np.asarray(X, float)[np.ix_(rows, features)]
    y = np.asarray(y, float)[rows]
    return (X - X.mean(0)) / X.std(0), (y - y.mean()) / y.std()


def _family(fmt, params, tags, source, how):
    def deco(fn):
        for args in params:
            register(fmt.format(*args), tags=tags, source=source, how=how)(lambda args=args: fn(*args))
        return fn
    return deco


@_family("teacher-gaussian-{0}x{1}-s{2}", [(8, 2, 0), (10, 3, 1), (12, 2, 2), (40, 3, 3)],
         {"family", "teacher"}, "a planted teacher; Cover (1965); docs/theory.md §A.4 (p* ≤ L_β(teacher))",
         THEORY_BOUND)
def _teacher(n, d, seed):
    X = np.random.default_rng(seed).standard_normal((n, d))
    W, alpha, y = planted_teacher(X, neurons=2, seed=seed + 1000)
    c = np.sqrt(n) / max(float(np.linalg.norm(y)), 1e-300)  # unit RMS labels: the zero net is far from optimal
    alpha, y = c * alpha, c * y
    beta = 0.1
    return {"X": X, "y": y, "beta": beta, "seed": seed, "description": f"{n} Gaussian points in R^{d}, 2-neuron teacher",
            "expected": {"regions": cover(n, d), "p_star_at_most": teacher_objective(W, alpha, beta),
                         "M_star_at_most": n},
            "how": {"regions": CLOSED_FORM}}


@_family("line-bias-fit-{0}", [(3,), (5,), (8,)], {"family", "bias"},
         "docs/theory.md §B.3 (2n patterns), §D.4 (M* ≤ rank A ≤ n)", THEORY_BOUND)
def _line_fit(n):
    x = np.linspace(-1.0, 1.0, n)
    y = np.abs(x) + 0.25 * x
    return {"X": x[:, None], "bias": True, "y": y, "beta": 0.05,
            "description": f"{n} points on [−1, 1] with bias, y = |x| + x/4",
            "expected": {"patterns": 2 * n, "regions": 2 * n, "p_star_at_most": 0.5 * float(y @ y),
                         "M_star_at_most": n},
            "how": {"patterns": CLOSED_FORM, "regions": CLOSED_FORM}}


@_family("polygon-{0}", [(3,), (4,), (6,), (7,)], {"family", "degenerate"},
         "docs/theory.md §B.2 (regions of distinct lines; Gordan's extra pattern)", CLOSED_FORM)
def _polygon(k):
    t = 2 * np.pi * np.arange(k) / k
    X = np.c_[np.cos(t), np.sin(t)]
    if k % 2 == 0:  # antipodal vertices exactly antiparallel (cos, sin of t + π differ from −cos, −sin by rounding)
        X[k // 2:] = -X[:k // 2]
    y = np.ones(k)
    return {"X": X, "y": y, "beta": 0.5, "description": f"vertices of the regular {k}-gon, y = 1",
            "expected": {"regions": 2 * k if k % 2 else k, "patterns": 2 * k + 1,
                         "p_star_at_most": 0.5 * k, "M_star_at_most": k},
            "how": {"p_star_at_most": THEORY_BOUND, "M_star_at_most": THEORY_BOUND}}


@_family("orthogonal-{0}x{1}-s{2}", [(3, 4, 0), (4, 4, 1), (5, 7, 2)], {"family", "orthogonal"},
         "group soft-thresholding for XXᵀ = I (docs/theory.md §I, I3, generalized)", CLOSED_FORM)
def _orthogonal(n, d, seed):
    X = orthonormal_rows(n, d, seed)
    y = np.random.default_rng(seed + 500).standard_normal(n)
    beta = 0.2
    y_star, nu, p, parts = orthogonal_closed_form(y, beta)
    return {"X": X, "y": y, "beta": beta, "seed": seed, "description": f"{n} orthonormal rows in R^{d}",
            "expected": {"p_star": p, "y_star": y_star.tolist(), "nu_star": nu.tolist(), "rtol": EXACT_RTOL,
                         "m_star": parts, "M_star": parts, "regions": 2 ** n, "patterns": 2 ** n}}


@register("degenerate-duplicate-row", tags={"family", "degenerate"},
          source="closed form by hand (module notes): parallel rows e₁, e₁ and e₂", how=CLOSED_FORM)
def _duplicate_row():
    beta = 0.2
    # positive neuron t·e₁ fits t(1, 1, 0) at cost t: min (1 − t)² + βt at t = 1 − β/2; negative s·e₂ fits
    # (0, 0, −s): min ½(1 − s)² + βs at s = 1 − β.  The dual ν* = (β/2, β/2, −β) has φ = β, tight only at e₁ (+)
    # and e₂ (−), so the optimum is unique.
    t, s = 1.0 - beta / 2, 1.0 - beta
    y = np.array([1.0, 1.0, -1.0])
    y_star = np.array([t, t, -s])
    return {"X": [[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]], "y": y, "beta": beta,
            "description": "X = (e₁, e₁, e₂), y = (1, 1, −1): duplicated row",
            "expected": {"p_star": 2 * beta - 0.75 * beta ** 2, "y_star": y_star.tolist(),
                         "nu_star": (y - y_star).tolist(), "rtol": EXACT_RTOL, "m_star": 2, "M_star": 2,
                         "regions": 4, "patterns": 4}}


@_family("continuum-tail-sum-{0}-s{1}", [(3, 0), (4, 1), (5, 2)], {"family", "continuum", "bias"},
         "docs/theory.md §G.2 (tail-sum construction: n + 1 tight columns in R^n)", PAPER)
def _continuum(n, seed):
    import geom

    X, y = geom.tail_sum_instance(n, seed=seed)
    return {"X": X, "y": y, "bias": True, "beta": None, "seed": seed,
            "description": f"§G.2 tail-sum instance, n = {n}: a segment of optimal interpolators",
            "expected": {"continuum_dim": 1, "patterns": 2 * n, "M_star_at_most": n},
            "how": {"patterns": CLOSED_FORM, "M_star_at_most": THEORY_BOUND}}


def _real(loader, rows, features, y_map=None):
    data = loader()
    y = data.target if y_map is None else y_map(data.target)
    return standardized_rows(data.data, y, rows, features)


@register("diabetes-20x3", tags={"real"}, how=THEORY_BOUND,
          source="scikit-learn load_diabetes (bundled): rows 0–19, features bmi, bp, s5, standardized")
def _diabetes():
    from sklearn.datasets import load_diabetes

    X, y = _real(load_diabetes, np.arange(20), [2, 3, 8])
    return {"X": X, "y": y, "beta": 0.2, "description": "diabetes: 20 rows, 3 standardized features",
            "expected": {"regions_at_most": cover(20, 3), "p_star_at_most": 0.5 * float(y @ y), "M_star_at_most": 20}}


@register("iris-binary-12x2", tags={"real"}, how=THEORY_BOUND,
          source="scikit-learn load_iris (bundled): setosa vs versicolor, 6 rows each, sepal features, standardized")
def _iris():
    from sklearn.datasets import load_iris

    rows = np.r_[np.arange(6), 50 + np.arange(6)]
    X, _ = _real(load_iris, rows, [0, 1])
    y = np.where(load_iris().target[rows] == 0, -1.0, 1.0)
    return {"X": X, "y": y, "beta": 0.2, "description": "iris, two classes (±1), 12 rows, 2 standardized features",
            "expected": {"regions_at_most": cover(12, 2), "p_star_at_most": 0.5 * float(y @ y), "M_star_at_most": 12}}
