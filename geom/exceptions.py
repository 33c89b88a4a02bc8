"""Domain exceptions and warnings of relu-landscape (one module for all of them).

Every error raised at a public entry point is a subclass of :class:`GeomError`, so a caller can catch the
toolkit's own failures with one ``except``.  Input errors are also :class:`ValueError` (or :class:`TypeError`)
so that generic code keeps working, in the style of scikit-learn.

Examples
--------
>>> from geom.exceptions import InvalidInputError, GeomError
>>> issubclass(InvalidInputError, ValueError) and issubclass(InvalidInputError, GeomError)
True
"""

from __future__ import annotations

__all__ = [
    "GeomError",
    "InvalidInputError",
    "InvalidInputTypeError",
    "DataFileError",
    "CertificationError",
    "SolverError",
    "InfeasibleError",
    "BackendUnavailableError",
    "ProblemTooLargeError",
    "GeomWarning",
    "PrecisionWarning",
    "ConvergenceWarning",
]


class GeomError(Exception):
    """Base class of every error raised by the toolkit."""


class InvalidInputError(GeomError, ValueError):
    """A parameter has the wrong value, shape or content (NaN, inf, empty, unknown option, ...).

    The message names the parameter, the function, what was expected and what was received.
    """


class InvalidInputTypeError(GeomError, TypeError):
    """A parameter has the wrong type (for example a non-numeric array)."""


class DataFileError(GeomError, OSError):
    """A data file could not be read or does not hold what it should."""


class CertificationError(GeomError):
    """An exact certificate that should hold by construction failed (a float filter was fooled)."""


class SolverError(GeomError):
    """An external solver stopped short or reported an unusable status."""


class InfeasibleError(GeomError, ValueError):
    """A problem has no feasible point (for example labels that no network interpolates exactly)."""


class BackendUnavailableError(GeomError, ImportError):
    """An optional array backend or extra was requested but is not installed."""


class ProblemTooLargeError(GeomError, ValueError):
    """The requested work exceeds a stated limit (pattern count, memory) and was refused before it started.

    The message gives the exact count or the bound that decided it, and the option that raises the limit.
    """


class GeomWarning(UserWarning):
    """Base class of the toolkit's warnings."""


class PrecisionWarning(GeomWarning):
    """A floating-point computation could not be certified and a result is reported as uncertified."""


class ConvergenceWarning(GeomWarning):
    """An iterative method stopped before reaching its tolerance."""
