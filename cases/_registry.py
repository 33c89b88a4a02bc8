"""The registry of named instances (``@register``, :func:`get_case`, :func:`list_cases`)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = ["Case", "register", "get_case", "list_cases", "case_names"]


@dataclass(frozen=True)
class Case:
    """A named instance whose expected values come from theory (closed forms, docs/theory.md §B and §I).

    Attributes
    ----------
    name : str
    X : ndarray (n, d)
        Data (without the bias column; see ``bias``).
    y : ndarray (n,) or None
    beta : float or None
    bias : bool
        Whether the theory is stated for ``X̃ = [X, 1]`` (regularized bias).
    expected : dict
        Expected values, e.g. ``patterns``, ``regions``, ``charpoly`` (coefficients high to low), ``rank``,
        ``general_position``; later issues add ``p_star``, ``y_star``, ``nu_star``, ``m_star``, ``M_star``.
    source : str
        Where the expected values come from.
    tags : frozenset of str
    description : str
    """

    name: str
    X: np.ndarray = field(repr=False)
    y: np.ndarray | None = field(repr=False)
    beta: float | None
    bias: bool
    expected: dict
    source: str
    tags: frozenset
    description: str = ""

    def to_dict(self) -> dict:
        """JSON-ready summary (data included, small by construction)."""
        return {"name": self.name, "description": self.description, "n": int(self.X.shape[0]),
                "d": int(self.X.shape[1]), "bias": self.bias, "beta": self.beta, "source": self.source,
                "tags": sorted(self.tags), "expected": self.expected}


_REGISTRY: dict[str, tuple] = {}


def register(name: str, *, tags=(), source: str):
    """Register a factory ``() -> Case`` under ``name`` (decorator)."""

    def deco(factory):
        if name in _REGISTRY:
            raise ValueError(f"case {name!r} registered twice")
        _REGISTRY[name] = (factory, frozenset(tags), source)
        return factory

    return deco


def case_names() -> list[str]:
    """All registered names, sorted."""
    return sorted(_REGISTRY)


def get_case(name: str) -> Case:
    """The case registered under ``name``.

    >>> get_case("spec-B2-antiparallel").expected["patterns"]
    6
    """
    from geom.exceptions import InvalidInputError

    if name not in _REGISTRY:
        raise InvalidInputError(f"The 'name' parameter of get_case must be one of the registered cases "
                                f"({', '.join(case_names())}). Got {name!r} instead.")
    factory, tags, source = _REGISTRY[name]
    case = factory()
    return Case(name=name, X=np.asarray(case["X"]), y=None if case.get("y") is None else np.asarray(case["y"], float),
                beta=case.get("beta"), bias=bool(case.get("bias", False)), expected=dict(case["expected"]),
                source=source, tags=tags, description=case.get("description", ""))


def list_cases(tags=None) -> list[Case]:
    """Cases having all of ``tags`` (all cases if ``None``), sorted by name."""
    want = frozenset([tags] if isinstance(tags, str) else (tags or ()))
    return [get_case(n) for n in case_names() if want <= _REGISTRY[n][1]]
