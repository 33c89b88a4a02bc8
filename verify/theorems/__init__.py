"""The theorems of the seed documents as named check generators: :data:`THEOREMS`, :func:`theorem_checks`.

Each :class:`Theorem` has a name, a source (paper and docs/theory.md section), a *group* (``"theorem"``: a
statement checked against theory; ``"lesson"``: an empirical claim of the lesson, checked with figures;
``"landscape"`` and ``"scale"``: trained-net experiments), an applicability test on the case alone (no
computation), and a generator ``gen(data, ctx)`` over the shared, cached computations of the case
(:func:`verify.suites._data.case_data`) that yields :class:`~verify.CheckResult`, :class:`~verify.Measurement`
and :class:`~verify.Figure` items.  A generator yields only the checks that apply; one that raises becomes an
``ERROR`` result naming the theorem, and the others still run.

The suites ``quick``, ``theorems``, ``landscape`` and ``scale`` (:mod:`verify.suites.theorems`) and the tests
(``tests/test_theorems.py``) run the same generators.  The topic modules:

* :mod:`verify.theorems.optimal_set`: pattern counts, the convex program (Pilanci–Ergen), ``p*_m = p*`` for
  ``m ≥ m*``, the optimal polytope (Mishkin–Pilanci, Kim et al. Thm 1), the optimal directions from ``ν*``, the
  staircase (Kim et al. Thm 2);
* :mod:`verify.theorems.trained`: the optimal set as splits of ψ (Wang et al.), Clarke stationary ⇒ nearly
  minimal, the decreasing path, the continuum of interpolators (Kim et al. §3.3), the landscape experiments;
* :mod:`verify.theorems.lesson`: the symmetries, gradient descent from a small initialization, the β path and
  double descent.

Examples
--------
>>> import cases
>>> from verify._suite import RunContext
>>> len(THEOREMS) >= 16, THEOREMS["staircase of connectivity"].source
(True, 'Kim et al. 2025 Thm 2; docs/theory.md §E.2')
>>> names = [t.name for t in applicable(cases.get_case("spec-I2"), groups=("theorem",))]
>>> "staircase of connectivity" in names and "continuum of interpolators" not in names
True
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import Callable

from .._result import CheckResult, Measurement, error_result
from ..suites._data import case_data

__all__ = ["Theorem", "THEOREMS", "GROUPS", "register_theorem", "applicable", "theorem_checks", "enumerable",
           "labelled", "MAX_REGIONS"]

#: Groups of theorem generators (which suites run them: :mod:`verify.suites.theorems`).
GROUPS = ("theorem", "lesson", "landscape", "scale")
#: A case is enumerated exactly only when Cover's bound on its regions is at most this (docs/theory.md §B.2).
MAX_REGIONS = 20_000


@dataclass(frozen=True)
class Theorem:
    """A registered theorem check generator (see the module notes)."""

    name: str
    source: str
    group: str
    applies: Callable
    generator: Callable
    description: str = ""


#: Registered theorem generators by name, in registration order.
THEOREMS: dict[str, Theorem] = {}


def register_theorem(name: str, *, source: str, applies: Callable, group: str = "theorem", description: str = ""):
    """Register ``gen(data, ctx)`` as the theorem ``name`` (decorator); ``applies(case) -> bool``."""
    if group not in GROUPS:
        raise ValueError(f"group must be one of {GROUPS}; got {group!r}")

    def deco(gen):
        if name in THEOREMS:
            raise ValueError(f"theorem {name!r} registered twice")
        THEOREMS[name] = Theorem(name=name, source=source, group=group, applies=applies, generator=gen,
                                 description=description or (gen.__doc__ or "").strip().split("\n")[0])
        return gen

    return deco


def enumerable(case) -> bool:
    """Whether the exact enumeration of ``case`` is affordable: Cover's bound ``2Σ_{k<r} C(n−1, k)`` on its regions
    (``r = d``, ``+1`` with bias) is at most :data:`MAX_REGIONS`.

    >>> import cases
    >>> enumerable(cases.get_case("spec-I2")), enumerable(cases.get_case("pattern-alignment-100x10"))
    (True, False)
    """
    from math import comb

    n, d = case.X.shape
    r = min(n, d + int(case.bias))
    return 2 * sum(comb(n - 1, k) for k in range(r)) <= MAX_REGIONS


def labelled(case) -> bool:
    """Whether ``case`` has labels, a ``β`` and an affordable exact enumeration (what (C), the polytope and the
    trained-net theorems need)."""
    return case.y is not None and case.beta is not None and enumerable(case)


def applicable(case, groups=GROUPS) -> list:
    """The registered theorems of ``groups`` that apply to ``case``, in registration order."""
    return [t for t in THEOREMS.values() if t.group in groups and t.applies(case)]


def theorem_checks(case, ctx, *, groups=GROUPS, names=None):
    """Yield the items of every applicable theorem of ``groups`` (or of ``names``) on ``case``.

    Every check and measurement gets ``details["generator"]`` (the theorem's name) and ``details["source"]``.  A
    generator that raises yields an ``ERROR`` result (check ``"<theorem> generator"``, the theorem's source) and
    the next theorem runs.
    """
    data = case_data(case, ctx)
    chosen = applicable(case, groups) if names is None else [THEOREMS[n] for n in names if THEOREMS[n].applies(case)]
    for t in chosen:
        t0 = time.perf_counter()
        try:
            for item in t.generator(data, ctx):
                if isinstance(item, (CheckResult, Measurement)):  # which generator, for reports grouping by theorem
                    item = replace(item, details={**item.details, "generator": t.name, "source": t.source})
                yield item
        except Exception as exc:  # one broken generator does not hide the others
            yield error_result(case.name, f"{t.name} generator", t.source, exc, time.perf_counter() - t0)


from . import optimal_set  # noqa: E402,F401  (registers the theorems of docs/theory.md §A–§E)
from . import trained  # noqa: E402,F401  (registers the theorems of §F, §G and the landscape experiments)
from . import lesson  # noqa: E402,F401  (registers the lesson's empirical claims)
