"""Validation at the public boundary, with uniform messages (scikit-learn style).

Messages read ``The 'X' parameter of enumerate_patterns must be <constraint>. Got <value> instead.``  Inner
helpers trust their inputs.

Examples
--------
>>> import numpy as np
>>> from geom._validation import check_matrix
>>> check_matrix([[1, 2], [3, 4]], name="X", func="f").dtype
dtype('int64')
>>> check_matrix([[np.nan, 1.0]], name="X", func="f")
Traceback (most recent call last):
...
geom.exceptions.InvalidInputError: The 'X' parameter of f must be finite (no NaN or inf). Got 1 non-finite entry at (0, 0) instead.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from ._xp import to_numpy
from .exceptions import InvalidInputError, InvalidInputTypeError

__all__ = ["check_matrix", "check_vector", "check_option", "check_positive", "check_int", "message"]


#: Longest received value quoted in full by :func:`message`; longer ones are shortened to their ends.
_MAX_GOT = 160


def message(name: str, func: str, constraint: str, got: str) -> str:
    """The uniform error message (a very long received value is shortened, keeping its ends and length).

    >>> message("k", "f", "an integer ≥ 1", repr(10**200))[-40:]
    '000…0000000000 (201 characters) instead.'
    """
    got = str(got)
    if len(got) > _MAX_GOT:
        got = f"{got[:_MAX_GOT - 40]}…{got[-10:]} ({len(got)} characters)"
    return f"The '{name}' parameter of {func} must be {constraint}. Got {got} instead."


def _numeric(a, name, func):
    try:
        arr = to_numpy(a)
    except Exception as exc:  # pragma: no cover - exotic containers
        raise InvalidInputTypeError(message(name, func, "an array-like of numbers", f"{type(a).__name__}")) from exc
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        raise InvalidInputTypeError(
            message(name, func, "a numeric array (integer or floating)", f"dtype {arr.dtype}")
        )
    if np.issubdtype(arr.dtype, np.complexfloating):
        raise InvalidInputTypeError(message(name, func, "a real array", f"dtype {arr.dtype}"))
    if arr.dtype == bool:
        arr = arr.astype(np.int64)
    return arr


def _check_finite(arr, name, func):
    if np.issubdtype(arr.dtype, np.floating):
        bad = ~np.isfinite(arr)
        if bad.any():
            first = tuple(int(i) for i in np.argwhere(bad)[0])
            nbad = int(bad.sum())
            where = first if len(first) > 1 else first[0]
            raise InvalidInputError(
                message(name, func, "finite (no NaN or inf)",
                        f"{nbad} non-finite entr{'y' if nbad == 1 else 'ies'} at {where}")
            )


def check_matrix(X, *, name: str = "X", func: str = "this function", min_rows: int = 1, min_cols: int = 1):
    """Return ``X`` as a finite 2-D NumPy array of a real dtype, or raise :class:`InvalidInputError`.

    Integer input keeps its integer dtype (exact code uses it as given); floating input keeps its dtype.
    """
    arr = _numeric(X, name, func)
    if arr.ndim != 2:
        raise InvalidInputError(message(name, func, "a 2-D array of shape (n, d)", f"an array of shape {arr.shape}"))
    if arr.shape[0] < min_rows or arr.shape[1] < min_cols:
        raise InvalidInputError(
            message(name, func, f"a non-empty 2-D array (n ≥ {min_rows}, d ≥ {min_cols})", f"shape {arr.shape}")
        )
    _check_finite(arr, name, func)
    return arr


def check_vector(y, *, length: int | None = None, name: str = "y", func: str = "this function"):
    """Return ``y`` as a finite 1-D float array (of the given length), or raise."""
    arr = _numeric(y, name, func)
    if arr.ndim != 1:
        raise InvalidInputError(message(name, func, "a 1-D array", f"an array of shape {arr.shape}"))
    if length is not None and arr.shape[0] != length:
        raise InvalidInputError(message(name, func, f"of length n = {length} (one label per row of X)",
                                        f"length {arr.shape[0]}"))
    _check_finite(arr, name, func)
    return arr


def check_option(value, options, *, name: str, func: str):
    """Return ``value`` if it is one of ``options``, else raise naming them all."""
    if not isinstance(value, str) or value not in options:
        opts = ", ".join(repr(o) for o in options)
        raise InvalidInputError(message(name, func, f"one of {{{opts}}}", repr(value)))
    return value


def check_positive(value, *, name: str, func: str, allow_zero: bool = False):
    """Return ``value`` as a float if it is a finite real number ``> 0`` (or ``≥ 0``), else raise."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InvalidInputTypeError(message(name, func, "a real number", repr(value)))
    try:
        v = float(value)
    except OverflowError:  # an int or Fraction beyond float64
        v = math.inf
    if not math.isfinite(v) or v < 0 or (v == 0 and not allow_zero):
        raise InvalidInputError(message(name, func, "a finite number ≥ 0" if allow_zero else "a finite number > 0",
                                        repr(value)))
    return v


def check_int(value, *, name: str, func: str, minimum: int = 0):
    """Return ``value`` as an int if it is an integer ``≥ minimum``, else raise."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise InvalidInputTypeError(message(name, func, f"an integer ≥ {minimum}", repr(value)))
    if int(value) < minimum:
        raise InvalidInputError(message(name, func, f"an integer ≥ {minimum}", repr(value)))
    return int(value)
