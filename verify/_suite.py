"""Suites: named generators of small checks over the registered cases, and the runner .

The checks verify statements of docs/theory.md (each :class:`~verify.CheckResult` names its section, e.g. the counts of
§B.2).  A suite is one function ``checker(case, ctx)`` that *yields* :class:`~verify.CheckResult` (and, optionally,
:class:`~verify.Measurement`) objects for one case, registered with :func:`register_suite`.  The runner
:func:`run_suite` selects the cases (by the suite's tags, or by name), calls the checker on each, turns an
exception into an ``ERROR`` result and carries on, and returns a :class:`SuiteResult` with provenance.

Adding a suite is one decorated function in a module of :mod:`verify.suites`::

    @register_suite("convex", tags=("convex",), description="(C) and its dual, docs/theory.md §A.3, §C")
    def convex_checks(case, ctx):
        yield compare("p*", value, case.expected.get("p_star"), case=case.name, theorem="docs/theory.md §A.3",
                      tolerance=ctx.tol.gap)

Examples
--------
>>> from verify import run_suite
>>> r = run_suite("patterns", cases=["spec-B2-antiparallel"])
>>> r.counts["violated"], r.counts["error"], r.counts["holds"] > 0, r.ok
(0, 0, True, True)
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from typing import Callable, Iterable

import cases as case_registry
from geom._validation import check_int, check_option, message
from geom.exceptions import InvalidInputError
from geom.tolerances import DEFAULT_TOLERANCES, Tolerances

from ._result import CheckResult, Figure, Measurement, Status, error_result, jsonable
from .provenance import provenance

__all__ = ["RunContext", "Suite", "SuiteResult", "SUITES", "register_suite", "run_suite", "REPORT_SCHEMA"]

REPORT_SCHEMA = "relu-landscape/suite-report/1"


@dataclass(frozen=True)
class RunContext:
    """What a checker may depend on besides the case: seed, tolerances, array backend and dtype."""

    seed: int | None = 0
    tol: Tolerances = DEFAULT_TOLERANCES
    backend: str = "numpy"
    dtype: str = "float64"


@dataclass(frozen=True)
class Suite:
    """A registered suite (see :func:`register_suite`); calling it runs its checker on one case."""

    name: str
    checker: Callable
    tags: tuple = ()
    description: str = ""
    figure: Callable | None = None

    def has_case(self, name: str) -> bool:
        """The registered case ``name`` carries every tag of this suite (unknown names raise)."""
        return set(self.tags) <= case_registry.get_case(name).tags

    def select(self, names=None) -> list:
        """The cases this suite runs on: all cases carrying its tags, or those of ``names`` that do.

        Raises :class:`~geom.exceptions.InvalidInputError` for an unknown name, and when ``names`` is given but
        none of them belongs to the suite (which would be a run of zero checks that looks like a pass).
        """
        if names is None:
            return case_registry.list_cases(self.tags)
        chosen = [case_registry.get_case(n) for n in dict.fromkeys(names)]
        kept = [c for c in chosen if set(self.tags) <= c.tags]
        if not kept:
            raise InvalidInputError(message("cases", "run_suite", f"a list naming at least one case of suite "
                                            f"{self.name!r} (cases tagged {', '.join(self.tags) or 'anything'})",
                                            f"{[c.name for c in chosen]} (none of them in the suite)"))
        return kept

    def __call__(self, case, ctx: RunContext | None = None) -> Iterable:
        return self.checker(case, ctx or RunContext())


#: Registered suites by name, in registration order.
SUITES: dict[str, Suite] = {}


def register_suite(name: str, *, tags=(), description: str = "", figure: Callable | None = None):
    """Register ``checker(case, ctx) -> Iterator[CheckResult | Measurement]`` as the suite ``name`` (decorator).

    Parameters
    ----------
    name : str
        Suite name (``relu-landscape run --suite NAME``; report files ``NAME.json`` ...).
    tags : iterable of str
        The suite runs on the registered cases having all these tags (``cases.list_cases(tags)``).
    description : str
        One line for the report header.
    figure : callable, optional
        ``figure(report: dict, fig: matplotlib.figure.Figure) -> None`` draws the report figure from the
        report's JSON dictionary (never from live objects); default: status counts per case.
    """

    def deco(checker):
        if name in SUITES:
            raise ValueError(f"suite {name!r} registered twice")
        SUITES[name] = Suite(name=name, checker=checker, tags=tuple(sorted(tags)), description=description,
                             figure=figure)
        return checker

    return deco


@dataclass(frozen=True)
class SuiteResult:
    """Results of one suite run.

    Attributes
    ----------
    suite, description : str
    results : tuple of CheckResult
    measurements : tuple of Measurement
    figures : tuple of Figure
        Figure data yielded by the checkers (drawn by the report from the JSON).
    cases : tuple of str
        Names of the cases the suite ran on.
    provenance : dict
        See :func:`verify.provenance`.
    elapsed_s : float
    """

    suite: str
    description: str
    results: tuple
    measurements: tuple
    cases: tuple
    provenance: dict = field(repr=False)
    elapsed_s: float = 0.0
    figures: tuple = ()

    @property
    def counts(self) -> dict:
        """``{status value: count}`` over all five statuses (zeros included)."""
        out = {s.value: 0 for s in Status}
        for r in self.results:
            out[r.status.value] += 1
        return out

    @property
    def ok(self) -> bool:
        """No check is ``VIOLATED`` or ``ERROR``."""
        return not any(r.status.is_failure for r in self.results)

    def to_dict(self) -> dict:
        """The report's JSON dictionary (schema :data:`REPORT_SCHEMA`)."""
        d = {"schema": REPORT_SCHEMA, "suite": self.suite, "description": self.description,
             "counts": self.counts, "ok": self.ok, "n_checks": len(self.results), "cases": list(self.cases),
             "elapsed_s": round(float(self.elapsed_s), 6), "provenance": self.provenance,
             "results": [r.to_dict() for r in self.results],
             "measurements": [m.to_dict() for m in self.measurements],
             "figures": [f.to_dict() for f in self.figures]}
        return jsonable(d)


def _progress(total, name, enabled):
    if not enabled or not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    return tqdm(total=total, desc=name, unit="case", file=sys.stderr, leave=False, dynamic_ncols=True)


def run_suite(name: str, *, cases=None, progress: bool = False, seed: int | None = 0,
              tol: Tolerances = DEFAULT_TOLERANCES) -> SuiteResult:
    """Run the registered suite ``name`` and collect its results.

    Parameters
    ----------
    name : str
        A key of :data:`SUITES`.
    cases : iterable of str, optional
        Case names; those lacking the suite's tags are skipped, but at least one must have them (a run of no
        checks is an error, not a pass).  Default: every case with the suite's tags.
    progress : bool
        A progress bar on stderr (only when stderr is a terminal).
    seed : int or None
        Seed (an integer ``≥ 0``) of the random parts (recorded in the provenance).
    tol : Tolerances

    Returns
    -------
    SuiteResult

    Raises
    ------
    InvalidInputError
        Unknown suite or case name, ``cases`` with no case of this suite, or a negative ``seed`` (raised before
        anything runs).
    """
    check_option(name, tuple(SUITES), name="name", func="run_suite")
    if seed is not None:  # a negative seed would fail inside every checker and read as violated checks
        seed = check_int(seed, name="seed", func="run_suite", minimum=0)
    if isinstance(cases, str):
        raise InvalidInputError(f"The 'cases' parameter of run_suite must be a list of case names. "
                                f"Got the string {cases!r} instead.")
    suite = SUITES[name]
    ctx = RunContext(seed=seed, tol=tol)
    chosen = suite.select(None if cases is None else list(cases))
    t0 = time.perf_counter()
    results, measurements, figures = [], [], []
    bar = _progress(len(chosen), name, progress)
    try:
        for case in chosen:
            if bar is not None:
                bar.set_postfix_str(case.name, refresh=True)
            tc = time.perf_counter()
            try:
                for item in suite(case, ctx):
                    if isinstance(item, Figure):
                        figures.append(item)
                    elif isinstance(item, (CheckResult, Measurement)):
                        (measurements if isinstance(item, Measurement) else results).append(item)
                    else:
                        raise TypeError(f"suite {name!r} yielded a {type(item).__name__}, not a CheckResult")
            except Exception as exc:  # a failing checker is reported, the run goes on
                results.append(error_result(case.name, f"{name} checker", "—", exc, time.perf_counter() - tc))
            if bar is not None:
                bar.update(1)
    finally:
        if bar is not None:
            bar.close()
    return SuiteResult(suite=name, description=suite.description, results=tuple(results),
                       measurements=tuple(measurements), cases=tuple(c.name for c in chosen),
                       provenance=provenance(seed=seed, backend=ctx.backend, dtype=ctx.dtype, tolerances=tol),
                       elapsed_s=time.perf_counter() - t0, figures=tuple(figures))
