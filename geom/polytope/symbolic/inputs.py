"""Exact input of :func:`~geom.polytope.symbolic.symbolic_polytope`: ``X``, ``y``, ``β`` (and ``nu_guess``) read as
sympy expressions of real algebraic numbers, floats refused (docs/theory.md §D, exact data for the instances of §I).

Examples
--------
>>> _exact_vector(["sqrt(3)/2", 1], 2, "y")
[sqrt(3)/2, 1]
"""

from __future__ import annotations

import math
import numbers
from fractions import Fraction

import numpy as np

from ..._validation import message
from ...exceptions import InvalidInputError, InvalidInputTypeError
from .number_field import _FUNC

_EXACT_HINT = "an exact real number (int, Fraction, sympy expression, or a string such as 'sqrt(3)/2')"

def _exact_scalar(v, name, where=""):
    """One exact real algebraic number as a sympy expression, or raise naming the parameter."""
    import sympy as sp
    got = f"{v!r}{where}"
    if isinstance(v, (bool, np.bool_)):
        raise InvalidInputTypeError(message(name, _FUNC, _EXACT_HINT, got))
    if isinstance(v, (float, np.floating, sp.Float)):
        raise InvalidInputTypeError(message(name, _FUNC, _EXACT_HINT + " (a float is not exact)", got))
    if isinstance(v, (numbers.Integral, np.integer)):
        e = sp.Integer(int(v))
    elif isinstance(v, Fraction):
        e = sp.Rational(v.numerator, v.denominator)
    elif isinstance(v, str):
        try:
            e = sp.sympify(v, rational=True)
        except (sp.SympifyError, SyntaxError, TypeError, ValueError, AttributeError) as exc:
            raise InvalidInputError(message(name, _FUNC, _EXACT_HINT, got)) from exc
    elif isinstance(v, sp.Basic):
        e = v
    else:
        raise InvalidInputTypeError(message(name, _FUNC, _EXACT_HINT, f"{type(v).__name__} {got}"))
    if (not isinstance(e, sp.Expr) or e.free_symbols or e.has(sp.nan, sp.zoo, sp.oo, -sp.oo)
            or e.has(sp.Float) or not e.is_number):
        raise InvalidInputError(message(name, _FUNC, "a finite real algebraic number", got))
    if e.is_real is False or e.is_finite is False or e.is_algebraic is False:
        raise InvalidInputError(message(name, _FUNC, "a finite real algebraic number", got))
    z = complex(sp.N(e, 30))
    if not (math.isfinite(z.real) and abs(z.imag) <= 1e-25 * max(1.0, abs(z.real))):
        raise InvalidInputError(message(name, _FUNC, "a finite real algebraic number", got))
    return e


def _rows_of(a, name):
    import sympy as sp
    if isinstance(a, sp.MatrixBase):
        return a.tolist()
    if isinstance(a, np.ndarray):
        if np.issubdtype(a.dtype, np.floating):
            raise InvalidInputTypeError(message(name, _FUNC, "exact entries (a float array is not exact)",
                                                f"dtype {a.dtype}"))
        return a.tolist()
    if isinstance(a, (str, bytes)) or not hasattr(a, "__len__"):
        raise InvalidInputTypeError(message(name, _FUNC, "a sequence", type(a).__name__))
    return list(a)


def _exact_matrix(X):
    rows = _rows_of(X, "X")
    if not rows or any(isinstance(r, (str, bytes)) or not hasattr(r, "__len__") for r in rows):
        raise InvalidInputError(message("X", _FUNC, "a non-empty 2-D array of shape (n, d)", repr(X)))
    d = len(rows[0])
    if d == 0 or any(len(r) != d for r in rows):
        raise InvalidInputError(message("X", _FUNC, "a non-empty rectangular 2-D array (n ≥ 1, d ≥ 1)",
                                        f"row lengths {[len(r) for r in rows]}"))
    return [[_exact_scalar(v, "X", f" at ({i}, {j})") for j, v in enumerate(r)] for i, r in enumerate(rows)]


def _exact_vector(y, n, name):
    import sympy as sp
    if isinstance(y, sp.MatrixBase):
        if min(y.shape) != 1 and y.shape != (0, 0):
            raise InvalidInputError(message(name, _FUNC, "a 1-D array", f"a matrix of shape {y.shape}"))
        vals = list(y)
    else:
        vals = _rows_of(y, name)
        if isinstance(y, np.ndarray) and y.ndim != 1:
            raise InvalidInputError(message(name, _FUNC, "a 1-D array", f"an array of shape {y.shape}"))
        if any(hasattr(v, "__len__") and not isinstance(v, str) for v in vals):
            raise InvalidInputError(message(name, _FUNC, "a 1-D array", repr(y)))
    if len(vals) != n:
        raise InvalidInputError(message(name, _FUNC, f"of length n = {n} (one entry per row of X)",
                                        f"length {len(vals)}"))
    return [_exact_scalar(v, name, f" at {i}") for i, v in enumerate(vals)]
