"""docs/theory.md §I instances for the convex program (C), with expected values computed from closed forms.

Each factory derives ``p*``, ``y*`` and ``ν*`` (convention R, ``ν* = y − y*``, docs/theory.md §C.1) from theory, never
from a solver's output:

* 1-D data ``x = (−1, 1)`` without bias (I1, I1b): the two cones decouple, so each label is soft-thresholded,
  ``y*_i = sign(y_i)(|y_i| − β)_+`` (:func:`soft_threshold_pair`);
* the 120° instance at any ``0 < β < 1`` (I2): ``y* = (1−β)(1, 1)``, ``p* = 2β − β²`` (:func:`i2_closed_form`);
* ``X = I₃`` (I3): group soft-thresholding, ``p* = β√5 + β − β²`` (:func:`i3_closed_form`);
* one neuron in the all-active pattern with ``X̃`` invertible (I4): ``y* = (I + (β/ρ)(X̃X̃ᵀ)⁻¹)⁻¹ y`` with
  ``ρ = ‖X̃⁻¹y*‖`` the root of a scalar equation (:func:`single_neuron_closed_form`);
* I7b and the I9 saddle: the exact numbers stated in docs/theory.md, cross-checked in the factory through the identity
  ``p* = ½‖ν*‖² + ν*ᵀy*`` (at an optimum the penalty equals ``ν*ᵀy*``, docs/theory.md §D.2).

Tolerances.  ``expected["rtol"]`` is the relative precision of the case's *stated* numbers: :data:`EXACT_RTOL`
for closed forms evaluated in float64.  Cases that state no ``rtol`` (those of :mod:`cases.arrangements`, whose
values are typed in from docs/theory.md, I4 to 7 significant digits) are compared at ``SPEC_DIGITS_RTOL`` by the
``convex`` suite (:mod:`verify.suites.convex`).

Networks to certify (docs/theory.md §C.3) live in ``expected["nets"]``: a list of ``{"name", "U", "alpha", "bias",
"verdict", "objective", ...}`` (the registry keeps only ``expected`` besides the data).

The instances of docs/theory.md §I already registered in :mod:`cases.arrangements` (``spec-I1``, ``spec-I2``,
``spec-I3``, ``spec-I4``, ``spec-I7``, tagged ``convex``) are not registered again; the ``…-closed-form``
variants below add the closed-form ``y*`` and ``ν*`` that those entries lack.

Examples
--------
>>> import cases
>>> c = cases.get_case("spec-I4-closed-form")
>>> round(c.expected["p_star"], 8), [round(v, 7) for v in c.expected["y_star"]]
(0.06958725, [0.4787666, 0.9389398])
>>> cases.get_case("spec-I9").expected["nets"][0]["verdict"]
'violated'
"""

from __future__ import annotations

import numpy as np

from ._registry import register

__all__ = ["EXACT_RTOL", "soft_threshold_pair", "i2_closed_form", "i3_closed_form", "single_neuron_closed_form"]

#: Relative precision of expected values computed here from closed forms in float64 (a root find included).
EXACT_RTOL = 1e-12

#: The critical widths of docs/theory.md §I are stated there (from the polytope worked by hand), not closed forms.
_PAPER_WIDTHS = {"m_star": "paper", "M_star": "paper"}

_I1_X = [[-1.0], [1.0]]
_I1_Y = [1.0, 2.0]
_I2_X = [[1.0, 0.0], [-0.5, np.sqrt(3.0) / 2.0]]


def _expected(y, y_star, beta, **extra) -> dict:
    """``y*``, ``ν* = y − y*`` and ``p* = ½‖ν*‖² + β·penalty`` given the optimal penalty ``Σ‖u‖ = ν*ᵀy*/β``."""
    y, y_star = np.asarray(y, float), np.asarray(y_star, float)
    nu = y - y_star
    p = 0.5 * float(nu @ nu) + float(nu @ y_star)
    return {"p_star": p, "y_star": y_star.tolist(), "nu_star": nu.tolist(), "rtol": EXACT_RTOL, **extra}


def soft_threshold_pair(y, beta):
    """``y*`` for ``x = (−1, 1)`` without bias (docs/theory.md §I, I1): ``sign(y_i)(|y_i| − β)_+`` per sample.

    The patterns ``01`` and ``10`` act on one sample each with ``|x_i| = 1``, so (C) splits into two scalar
    problems ``min_z ½(z − y_i)² + β|z|``.

    >>> soft_threshold_pair([1.0, 2.0], 0.5).tolist(), soft_threshold_pair([1.0, 2.0], 1.5).tolist()
    ([0.5, 1.5], [0.0, 0.5])
    """
    y = np.asarray(y, float)
    return np.sign(y) * np.maximum(np.abs(y) - beta, 0.0)


def i2_closed_form(beta):
    """``(y*, ν*, p*)`` of the 120° instance (docs/theory.md §I, I2) for ``0 < β < 1``.

    >>> [v.tolist() if hasattr(v, "tolist") else round(v, 12) for v in i2_closed_form(0.3)]
    [[0.7, 0.7], [0.3, 0.3], 0.51]
    """
    if not 0 < beta < 1:
        raise ValueError(f"the I2 closed form needs 0 < beta < 1; got {beta!r}")
    return (1.0 - beta) * np.ones(2), beta * np.ones(2), float(2.0 * beta - beta ** 2)


def i3_closed_form(beta):
    """``(y*, ν*, p*)`` for ``X = I₃``, ``y = (2, 1, −1)`` (docs/theory.md §I, I3), ``0 < β < 1``.

    Positive part ``(2, 1, 0)`` shrunk by ``β`` in norm, negative part ``(0, 0, −1)`` by ``β``.

    >>> y, nu, p = i3_closed_form(0.5)
    >>> y.round(6).tolist(), round(p, 7)
    ([1.552786, 0.776393, -0.5], 1.368034)
    """
    if not 0 < beta < 1:
        raise ValueError(f"the I3 closed form needs 0 < beta < 1; got {beta!r}")
    s5 = np.sqrt(5.0)
    y_star = np.array([2.0 * (1 - beta / s5), 1.0 * (1 - beta / s5), -(1 - beta)])
    return y_star, np.array([2.0, 1.0, -1.0]) - y_star, float(beta * s5 + beta - beta ** 2)


def single_neuron_closed_form(Xa, y, beta):
    """``(y*, ν*, p*, u*)`` when one neuron in the all-active pattern is optimal and ``Xa`` is square, invertible.

    Stationarity of ``½‖Xa u − y‖² + β‖u‖`` gives ``(XaᵀXa + (β/ρ)I) u = Xaᵀy`` with ``ρ = ‖u‖``, i.e.
    ``y* = Xa u = (I + (β/ρ)(XaXaᵀ)⁻¹)⁻¹ y``; ``ρ`` is the root of ``g(ρ) = ‖Xa⁻¹ y*(ρ)‖ − ρ`` on
    ``(0, ‖Xa⁻¹y‖]`` (``g > 0`` near 0 when ``‖Xaᵀy‖ > β``, ``g < 0`` at the right end), found by
    :func:`scipy.optimize.brentq` to full precision (docs/theory.md §I, I4).  The caller's theory must guarantee that
    this neuron is optimal for (C) (for I4: docs/theory.md states it; the factory checks ``Xa u* > 0``).

    >>> Xa = np.array([[-0.2, 1.0], [1.0, 1.0]])
    >>> y_star, nu, p, u = single_neuron_closed_form(Xa, np.array([0.5, 1.0]), 0.1)
    >>> y_star.round(7).tolist(), round(p, 8), round(float(np.linalg.norm(u)), 7)
    ([0.4787666, 0.9389398], 0.06958725, 0.6749765)
    """
    from scipy.optimize import brentq

    Xa, y = np.asarray(Xa, float), np.asarray(y, float)
    Ginv = np.linalg.inv(Xa @ Xa.T)
    n = len(y)

    def fit(rho):
        return np.linalg.solve(np.eye(n) + (beta / rho) * Ginv, y)

    def g(rho):
        return float(np.linalg.norm(np.linalg.solve(Xa, fit(rho)))) - rho

    hi = float(np.linalg.norm(np.linalg.solve(Xa, y)))
    if np.linalg.norm(Xa.T @ y) <= beta:
        raise ValueError("‖Xaᵀy‖ ≤ β: the zero network is optimal, no neuron")
    rho = brentq(g, 1e-12 * hi, hi, xtol=1e-16, rtol=4 * np.finfo(float).eps, maxiter=200)
    y_star = fit(rho)
    u = np.linalg.solve(Xa, y_star)
    nu = y - y_star
    return y_star, nu, 0.5 * float(nu @ nu) + beta * float(np.linalg.norm(u)), u


def _net(name, U, alpha, *, bias=False, **expected) -> dict:
    return {"name": name, "U": np.asarray(U, float).tolist(), "alpha": np.asarray(alpha, float).tolist(),
            "bias": bias, **expected}


# ---- I1b: I1 at β = 1.5 ----------------------------------------------------------------------------------------

@register("spec-I1b", tags={"spec", "convex", "polytope"}, source="docs/theory.md §I, I1b", how="closed form")
def _i1b():
    beta = 1.5
    return {"X": _I1_X, "y": _I1_Y, "beta": beta, "description": "I1 with β = 1.5: one neuron survives", "how": _PAPER_WIDTHS,
            "expected": _expected(_I1_Y, soft_threshold_pair(_I1_Y, beta), beta, m_star=1, M_star=1)}


# ---- I1 at β = 2.5 > φ(y) = 2: the zero network is optimal ----------------------------------------------------

@register("spec-I1-zero", tags={"spec"}, source="docs/theory.md §I, I1 (closed form at β = 2.5)",
          how="closed form")
def _i1_zero():
    beta = 2.5  # soft-thresholding kills both labels: y* = 0, ν* = y, p* = ½‖y‖² (φ(y) = max|y_i| = 2 < β)
    return {"X": _I1_X, "y": _I1_Y, "beta": beta, "description": "I1 with β = 2.5: the zero network is optimal",
            "expected": _expected(_I1_Y, soft_threshold_pair(_I1_Y, beta), beta, m_star=0, M_star=0)}


# ---- I2 at β = 0.3 (general-β closed form) ---------------------------------------------------------------------

@register("spec-I2-beta0.3", tags={"spec", "convex", "polytope"}, source="docs/theory.md §I, I2 (general 0 < β < 1)", how="closed form")
def _i2_beta():
    beta = 0.3
    y_star, nu, p = i2_closed_form(beta)
    return {"X": _I2_X, "y": [1.0, 1.0], "beta": beta, "description": "120° instance at β = 0.3", "how": _PAPER_WIDTHS,
            "expected": {"p_star": p, "y_star": y_star.tolist(), "nu_star": nu.tolist(), "rtol": EXACT_RTOL,
                         "m_star": 1, "M_star": 2}}


# ---- I3 with the closed-form y*, ν* ----------------------------------------------------------------------------

@register("spec-I3-closed-form", tags={"spec", "convex", "polytope"}, source="docs/theory.md §I, I3", how="closed form")
def _i3():
    beta = 0.5
    y_star, nu, p = i3_closed_form(beta)
    return {"X": np.eye(3), "y": [2.0, 1.0, -1.0], "beta": beta,
            "description": "X = I₃: group soft-thresholding, y* and ν* in closed form", "how": _PAPER_WIDTHS,
            "expected": {"p_star": p, "y_star": y_star.tolist(), "nu_star": nu.tolist(), "rtol": EXACT_RTOL,
                         "m_star": 2, "M_star": 2}}


# ---- I4 by the closed form (root find) -------------------------------------------------------------------------

@register("spec-I4-closed-form", tags={"spec", "convex", "polytope"}, source="docs/theory.md §I, I4 (closed form with a 1-D root find)", how="closed form")
def _i4():
    X, y, beta = np.array([[-0.2], [1.0]]), np.array([0.5, 1.0]), 0.1
    Xa = np.c_[X, np.ones(2)]
    y_star, nu, p, u = single_neuron_closed_form(Xa, y, beta)
    if not np.all(Xa @ u > 0):  # the neuron must lie inside the all-active cone (pattern 11)
        raise ValueError("I4: the closed-form neuron is not in the open all-active cone")
    rho = float(np.linalg.norm(u))
    net = _net("ψ(closed form)", [u / np.sqrt(rho)], [np.sqrt(rho)], bias=True, verdict="holds", objective=p)
    return {"X": X, "bias": True, "y": y, "beta": beta,
            "description": "blog data, 1-D with bias: one neuron in pattern 11", "how": _PAPER_WIDTHS,
            "expected": {"p_star": p, "y_star": y_star.tolist(), "nu_star": nu.tolist(), "rtol": EXACT_RTOL,
                         "m_star": 1, "M_star": 1, "nets": [net]}}


# ---- I7b ---------------------------------------------------------------------------------------------------------

@register("spec-I7b", tags={"spec", "convex", "polytope"}, source="docs/theory.md §I, I7b", how="closed form")
def _i7b():
    y = [1.0, 0.0, 1.0]
    exp = _expected(y, [0.9, 0.1, 0.9], 0.1, m_star=3, M_star=3)
    # 0.1·[bias-only] + 0.8(x)_+ + 0.8(−x)_+, all positive, scaled: u/√‖u‖, α = √‖u‖ (rows (w, b))
    s1, s8 = np.sqrt(0.1), np.sqrt(0.8)
    exp["nets"] = [_net("SPEC optimal net", [[0.0, s1], [s8, 0.0], [-s8, 0.0]], [s1, s8, s8], bias=True,
                        verdict="holds", objective=exp["p_star"])]
    return {"X": [[-1.0], [0.0], [1.0]], "bias": True, "y": y, "beta": 0.1,
            "description": "1-D with bias, y = (1, 0, 1): three positive neurons, kinks at x = 0",
            "how": {**_PAPER_WIDTHS, "nets": "paper"},
            "expected": exp}


# ---- I9: a Clarke-stationary saddle of I1 and the optimal net -------------------------------------------------

@register("spec-I9", tags={"spec", "convex", "polytope", "certificate"}, source="docs/theory.md §I, I9 (and I1 for ψ(W*))", how="closed form")
def _i9():
    beta = 0.5
    exp = _expected(_I1_Y, soft_threshold_pair(_I1_Y, beta), beta, m_star=2, M_star=2)
    r = np.sqrt(1.5)
    # Saddle: (√1.5, √1.5) plus a zero neuron; ŷ = (0, 1.5), ν̂ = (1, 0.5).  Pattern 10 (the x = −1 side) has
    # dual value |ν̂_1 x_1| = 1 > β (sign +: a new positive neuron pointing left), so ν̃ = ν̂ β/φ = ν̂/2 and
    # D(ν̃) = ν̃ᵀy − ½‖ν̃‖² = 1 − 0.15625 = 0.84375; L_β = ½(1 + 0.25) + 0.5·1.5 = 1.375.
    nu_t = np.array([1.0, 0.5]) * beta / 1.0
    lower = float(nu_t @ np.array(_I1_Y) - 0.5 * nu_t @ nu_t)
    saddle = _net("stationary saddle (width 2)", [[r], [0.0]], [r, 0.0], verdict="violated", objective=1.375,
                  lower_bound=lower, gap=1.375 - lower, true_gap=1.375 - exp["p_star"],
                  escapes=[{"pattern": "10", "sign": 1, "value": 1.0}])
    # ψ(W*) of I1: (√1.5, √1.5) and (−√0.5, √0.5) (docs/theory.md §I, I1)
    optimal = _net("ψ(W*) of I1", [[r], [-np.sqrt(0.5)]], [r, np.sqrt(0.5)], verdict="holds",
                   objective=exp["p_star"], true_gap=0.0, escapes=[])
    exp["nets"] = [saddle, optimal]
    return {"X": _I1_X, "y": _I1_Y, "beta": beta,
            "description": "I1 data: a Clarke-stationary saddle (rejected) and the optimum (certified)",
            "how": {**_PAPER_WIDTHS, "nets": "paper"},
            "expected": exp}

# ---- the regular pentagon (docs/theory.md §D.4: 22 vertices, checked there by brute force) -------------------------------

@register("spec-pentagon", tags={"spec", "polytope"}, source="docs/theory.md §D.4 (22 vertices on the regular "
          "pentagon instance, verified there by brute force against pycddlib)", how="brute force")
def _pentagon():
    t = 2 * np.pi * np.arange(5) / 5
    return {"X": np.c_[np.cos(t), np.sin(t)], "y": [1.0] * 5, "beta": 0.5,
            "description": "vertices of the regular pentagon, y = 1, β = ½: a degenerate optimal polytope",
            "expected": {"vertices": 22}}
