"""Reading the ``data`` of a report figure (:class:`verify.Figure`): JSON values → float arrays, with checks.

A figure's data come from a results JSON, where :func:`verify._result.jsonable` wrote non-finite floats as the
strings ``"nan"``, ``"inf"`` and ``"-inf"``; :func:`floats` turns them back into floats.  Missing or malformed keys
raise :class:`~geom.exceptions.InvalidInputError` naming the figure kind and the key, which
:func:`verify.figures.render_figure_item` turns into a note next to the figure's title (a bad figure never
stops a report).

>>> floats({"y": [1, "nan", "inf"]}, "y", "series").tolist()
[1.0, nan, inf]
>>> floats({"X": [[1, 2]]}, "X", "arrangement2d", ndim=2).shape
(1, 2)
"""

from __future__ import annotations

import math

import numpy as np

from geom.exceptions import InvalidInputError

__all__ = ["bad_entry", "require", "floats", "optional_floats", "finite_mask"]

_NONFINITE = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf, "+inf": math.inf}


def bad_entry(kind: str, key: str, expected: str, got) -> InvalidInputError:
    """The error for a figure's ``data[key]`` that is not what the drawer of ``kind`` expects.

    >>> str(bad_entry("series", "x", "a 1-D array of numbers", "'a'"))
    "The 'x' entry of a 'series' figure's data must be a 1-D array of numbers. Got 'a' instead."
    """
    return InvalidInputError(f"The '{key}' entry of a '{kind}' figure's data must be {expected}. Got {got} "
                             "instead.")


def require(data: dict, key: str, kind: str):
    """``data[key]``, or raise :class:`InvalidInputError` (``data`` must be a dictionary holding ``key``)."""
    if not isinstance(data, dict):
        raise InvalidInputError(f"The data of a '{kind}' figure must be a dictionary. Got "
                                f"{type(data).__name__} instead.")
    if data.get(key) is None:
        raise bad_entry(kind, key, "present", "no such key" if key not in data else "null")
    return data[key]


def _restore(value):
    """Nested lists with ``"nan"``/``"inf"`` strings turned back into floats (other strings kept, to fail later)."""
    if isinstance(value, str):
        return _NONFINITE.get(value.strip().lower(), value)
    if isinstance(value, (list, tuple)):
        return [_restore(v) for v in value]
    return value


def floats(data: dict, key: str, kind: str, *, ndim: int = 1, columns: int | None = None,
           length: int | None = None) -> np.ndarray:
    """``data[key]`` as a float array of ``ndim`` dimensions (a scalar: ``ndim=0``), or raise
    :class:`InvalidInputError`.

    ``columns`` fixes the second dimension of a 2-D array and ``length`` the first dimension.  Non-finite
    entries are kept (drawers mask them with :func:`finite_mask`).
    """
    raw = require(data, key, kind)
    if isinstance(raw, bool):
        raise bad_entry(kind, key, "numeric", "a boolean")
    try:
        arr = np.asarray(_restore(raw), dtype=float)
    except (TypeError, ValueError):
        raise bad_entry(kind, key, f"a {ndim}-D array of numbers", _short(raw)) from None
    if arr.ndim != ndim:
        raise bad_entry(kind, key, f"a {ndim}-D array of numbers", f"an array of shape {arr.shape}")
    if columns is not None and arr.shape[1] != columns:
        raise bad_entry(kind, key, f"an array with {columns} columns", f"shape {arr.shape}")
    if length is not None and arr.shape[0] != length:
        raise bad_entry(kind, key, f"of length {length} (as its x values)", f"length {arr.shape[0]}")
    return arr


def optional_floats(data: dict, key: str, kind: str, **kw) -> np.ndarray | None:
    """:func:`floats` of ``data[key]``, or ``None`` when the key is missing or null."""
    if not isinstance(data, dict) or data.get(key) is None:
        return None
    return floats(data, key, kind, **kw)


def finite_mask(*arrays) -> np.ndarray:
    """Rows where every given array (same first dimension) is finite.

    >>> finite_mask(np.array([1.0, np.nan, 2.0]), np.array([[0, 1], [1, 1], [np.inf, 0]])).tolist()
    [True, False, False]
    """
    mask = None
    for a in arrays:
        m = np.isfinite(a).reshape(a.shape[0], -1).all(axis=1) if a.ndim > 1 else np.isfinite(a)
        mask = m if mask is None else mask & m
    return mask


def _short(v, limit: int = 60) -> str:
    s = repr(v)
    return s if len(s) <= limit else s[:limit - 1] + "…"
