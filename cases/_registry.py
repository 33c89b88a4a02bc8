"""The registry of named instances (``@register``, :func:`get_case`, :func:`list_cases`)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = ["Case", "register", "get_case", "list_cases", "case_names", "HOW", "CLOSED_FORM", "PAPER", "BRUTE_FORCE",
           "THEORY_BOUND", "META_KEYS", "add_tags"]

#: An expected value derived by hand from a formula (evaluated here, independently of :mod:`geom`).
CLOSED_FORM = "closed form"
#: A number stated in the seed documents or a cited paper / reference (docs/theory.md, OEIS, Stanley).
PAPER = "paper"
#: An independent exhaustive computation (the tests' oracles, exact LPs), sharing no code with :mod:`geom`.
BRUTE_FORCE = "brute force"
#: An inequality that theory guarantees (``p* ≤ L_β(any net)``, ``M* ≤ n``): compared as a bound, not a value.
THEORY_BOUND = "theory bound"
#: How an expected value can be known (``Case.expected_how`` values).
HOW = (CLOSED_FORM, PAPER, BRUTE_FORCE, THEORY_BOUND)
#: Keys of ``expected`` that are settings of the comparison, not expected values (no how-known tag needed).
META_KEYS = frozenset({"rtol"})


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
    expected_how : dict
        ``{key: how}`` for every key of ``expected`` except :data:`META_KEYS`, ``how`` one of :data:`HOW`: how
        the value is known.  A value computed by the code it is compared with is not an expected value.
    seed : int or None
        The seed a parametric family drew the instance with (``None``: a fixed instance).
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
    expected_how: dict = field(default_factory=dict)
    seed: int | None = None

    def how(self, key: str) -> str:
        """How ``expected[key]`` is known (one of :data:`HOW`).

        >>> get_case("spec-I1").how("p_star")
        'paper'
        """
        return self.expected_how[key]

    def to_dict(self) -> dict:
        """JSON-ready summary (data included, small by construction)."""
        return {"name": self.name, "description": self.description, "n": int(self.X.shape[0]),
                "d": int(self.X.shape[1]), "bias": self.bias, "beta": self.beta, "source": self.source,
                "tags": sorted(self.tags), "expected": self.expected,
                "expected_how": self.expected_how, "seed": self.seed}


_REGISTRY: dict[str, tuple] = {}


def register(name: str, *, tags=(), source: str, how: str | None = None):
    """Register a factory ``() -> dict`` under ``name`` (decorator).

    The factory returns ``{"X", "y", "beta", "bias", "description", "expected", "how", "seed"}`` (all but ``X``
    and ``expected`` optional).  ``how`` (in the dictionary, ``{key: how}``, overriding this argument per key) says
    how each expected value is known; every expected key must get one of :data:`HOW` (checked by
    :func:`get_case`).
    """
    if how is not None and how not in HOW:
        raise ValueError(f"how must be one of {HOW}; got {how!r}")

    def deco(factory):
        if name in _REGISTRY:
            raise ValueError(f"case {name!r} registered twice")
        _REGISTRY[name] = (factory, frozenset(tags), source, how)
        return factory

    return deco


def add_tags(names, *tags) -> None:
    """Give the registered cases ``names`` the extra ``tags`` (suite membership, :mod:`cases.selection`)."""
    for n in names:
        if n not in _REGISTRY:
            raise ValueError(f"add_tags: no case {n!r}")
        factory, old, source, how = _REGISTRY[n]
        _REGISTRY[n] = (factory, old | frozenset(tags), source, how)


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
    factory, tags, source, default_how = _REGISTRY[name]
    case = factory()
    expected = dict(case["expected"])
    per_key = dict(case.get("how") or {})
    how = {}
    for key in expected:
        if key in META_KEYS:
            continue
        h = per_key.get(key, default_how)
        if h not in HOW:
            raise ValueError(f"case {name!r}: expected[{key!r}] has no how-known tag among {HOW} (got {h!r})")
        how[key] = h
    return Case(name=name, X=np.asarray(case["X"]), y=None if case.get("y") is None else np.asarray(case["y"], float),
                beta=case.get("beta"), bias=bool(case.get("bias", False)), expected=expected,
                source=source, tags=tags, description=case.get("description", ""), expected_how=how,
                seed=case.get("seed"))


def list_cases(tags=None) -> list[Case]:
    """Cases having all of ``tags`` (all cases if ``None``), sorted by name."""
    want = frozenset([tags] if isinstance(tags, str) else (tags or ()))
    return [get_case(n) for n in case_names() if want <= _REGISTRY[n][1]]
