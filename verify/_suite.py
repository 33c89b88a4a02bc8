"""Suites: named generators of small checks over the registered cases, and the runner that scales out.

The checks verify statements of docs/theory.md (each :class:`~verify.CheckResult` names its section, e.g. the counts of
§B.2).  A suite is one function ``checker(case, ctx)`` that *yields* :class:`~verify.CheckResult` (and, optionally,
:class:`~verify.Measurement` and :class:`~verify.Figure`) objects for one case, registered with
:func:`register_suite`.  The runner :func:`run_suite` (:func:`run_suites` for several) selects the cases (by the
suite's tags, or by name), calls the checker on each, turns an exception into an ``ERROR`` result and carries on,
and returns a :class:`SuiteResult` with provenance.

The unit of work is one suite on one case (:func:`run_case`).  The cases are independent, so they run in this
process (``jobs=1``), in ``jobs`` worker processes (:class:`concurrent.futures.ProcessPoolExecutor`, *spawn*
start method), or on a Dask cluster (``scheduler=`` an address or a ``distributed.Client``; ``client.map``).  The
results are gathered back in case order, so every mode returns the same results in the same order (only the
timings differ): each checker sees the same :class:`RunContext` (seed included) wherever it runs.  Ctrl-C
(:class:`KeyboardInterrupt`) stops the workers (they ignore SIGINT themselves and are terminated by the parent)
and propagates; nothing is written by the runner.

Adding a suite is one decorated function in a module of :mod:`verify.suites`::

    @register_suite("convex", tags=("convex",), description="(C) and its dual, docs/theory.md §A.3, §C")
    def convex_checks(case, ctx):
        yield compare("p*", value, case.expected.get("p_star"), case=case.name, theorem="docs/theory.md §A.3",
                      tolerance=ctx.tol.gap)

A checker that runs in worker processes must be importable there (a module-level function of an importable
module; the :class:`Suite` is sent by reference).

Examples
--------
>>> from verify import run_suite
>>> r = run_suite("patterns", cases=["spec-B2-antiparallel"])
>>> r.counts["violated"], r.counts["error"], r.counts["holds"] > 0, r.ok, r.verdict
(0, 0, True, True, 'holds')
>>> results, measurements, figures = run_case("patterns", "spec-B2-antiparallel")
>>> [x.check for x in results] == [x.check for x in r.results]  # one case is the unit of work
True
"""

from __future__ import annotations

import contextlib
import math
import multiprocessing
import pickle
import signal
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import Callable, Iterable

import cases as case_registry
import geom
from geom._validation import check_int, check_option, message
from geom.exceptions import BackendUnavailableError, DataFileError, InvalidInputError, InvalidInputTypeError
from geom.tolerances import DEFAULT_TOLERANCES, Tolerances

from ._result import CheckResult, Figure, Measurement, Status, error_result, jsonable
from .provenance import provenance

__all__ = ["RunContext", "Suite", "SuiteResult", "SUITES", "register_suite", "run_suite", "run_suites", "run_case",
           "default_suites", "check_schema", "connect", "verdict_of", "REPORT_SCHEMA", "DEFAULT_SUITE", "EXIT_STATUS", "SCHEDULER_TIMEOUT_S"]

#: Schema of a suite's results (the report JSON); a file of another schema is refused (:func:`check_schema`).
REPORT_SCHEMA = "relu-landscape/suite-report/1"
#: The suite ``relu-landscape run`` (and ``make run``) runs by default, when it is registered.
DEFAULT_SUITE = "quick"
#: Exit status of ``relu-landscape run`` / ``report`` for a run's verdict (:attr:`SuiteResult.verdict`).
EXIT_STATUS = {"holds": 0, "violated": 1, "inconclusive": 3}
#: Seconds to wait for a Dask scheduler to answer before giving up (``scheduler=`` an address).
SCHEDULER_TIMEOUT_S = 20


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

    @property
    def verdict(self) -> str:
        """``"violated"`` if a check is violated or errors, else ``"inconclusive"`` if one is undecided, else
        ``"holds"`` (every check holds or does not apply); :data:`EXIT_STATUS` maps it to the exit status."""
        return verdict_of(self.counts)

    def to_frame(self, table: str = "checks"):
        """The checks (or ``table="measurements"``) as a :class:`pandas.DataFrame`, one row each (see
        :func:`verify.load_results`).

        >>> run_suite("patterns", cases=["spec-I1"]).to_frame()[["suite", "case", "status"]].iloc[0].tolist()
        ['patterns', 'spec-I1', 'holds']
        """
        from .frame import load_results

        return load_results(self, table=table)

    def to_dict(self) -> dict:
        """The report's JSON dictionary (schema :data:`REPORT_SCHEMA`)."""
        d = {"schema": REPORT_SCHEMA, "suite": self.suite, "description": self.description,
             "counts": self.counts, "ok": self.ok, "n_checks": len(self.results), "cases": list(self.cases),
             "elapsed_s": round(float(self.elapsed_s), 6), "provenance": self.provenance,
             "results": [r.to_dict() for r in self.results],
             "measurements": [m.to_dict() for m in self.measurements],
             "figures": [f.to_dict() for f in self.figures]}
        return jsonable(d)

    def _repr_html_(self) -> str:
        from .display import suite_result_html
        return suite_result_html(self)



def verdict_of(counts: dict) -> str:
    """The verdict of status counts: ``"violated"`` (a violated or erroring check), else ``"inconclusive"`` (an
    undecided one), else ``"holds"`` (every check holds or does not apply).

    >>> verdict_of({"holds": 3, "not applicable": 1}), verdict_of({"holds": 3, "inconclusive": 1})
    ('holds', 'inconclusive')
    >>> verdict_of({"inconclusive": 2, "error": 1})
    'violated'
    """
    if counts.get(Status.VIOLATED.value, 0) or counts.get(Status.ERROR.value, 0):
        return Status.VIOLATED.value
    if counts.get(Status.INCONCLUSIVE.value, 0):
        return Status.INCONCLUSIVE.value
    return Status.HOLDS.value


def default_suites() -> list[str]:
    """The suites a run without ``--suite`` runs: :data:`DEFAULT_SUITE` when registered, else all of them."""
    return [DEFAULT_SUITE] if DEFAULT_SUITE in SUITES else list(SUITES)


def check_schema(data, *, source: str = "a results dictionary", name: str = "results",
                 func: str = "verify.load_results") -> dict:
    """Return ``data`` if it is a suite's results (:data:`REPORT_SCHEMA`), else raise
    :class:`~geom.exceptions.DataFileError` saying what it is instead.

    A report of another schema (written by another version of the toolkit) is refused with the version that
    wrote it and how to regenerate it; the message has the shape of :func:`geom._validation.message` and names
    ``source`` (where the data came from: a quoted path, or words), ``name`` and ``func``.

    >>> check_schema({"schema": "relu-landscape/suite-report/0", "provenance": {"package": {"version": "0.1"}}},
    ...              source="'old.json'")
    Traceback (most recent call last):
    ...
    geom.exceptions.DataFileError: The 'results' parameter of verify.load_results must be a suite report of schema 'relu-landscape/suite-report/1' (this version...). Got a report of schema 'relu-landscape/suite-report/0' written by relu-landscape 0.1 ('old.json') instead. Regenerate it with `relu-landscape run` of this version.
    """
    constraint = f"a suite report of schema {REPORT_SCHEMA!r} (this version, relu-landscape {geom.__version__})"
    if not isinstance(data, dict):
        raise DataFileError(message(name, func, constraint, f"a JSON {type(data).__name__} ({source})"))
    schema = data.get("schema")
    if schema == REPORT_SCHEMA:
        missing = [k for k in ("suite", "results", "provenance") if k not in data]
        bad = [i for i, r in enumerate(data.get("results") or ()) if not (isinstance(r, dict) and "status" in r)]
        if missing or not isinstance(data["results"], list) or bad:
            got = (f"no {missing!r}" if missing else "'results' that is not a list of checks" if not bad else
                   f"a malformed check at results[{bad[0]}]")
            raise DataFileError(message(name, func, constraint, f"a report with {got} ({source})"))
        return data
    if isinstance(schema, str) and schema.startswith(REPORT_SCHEMA.rsplit("/", 1)[0] + "/"):
        prov = data.get("provenance")
        pkg = prov.get("package") if isinstance(prov, dict) else None
        version = pkg.get("version") if isinstance(pkg, dict) else None
        by = f" written by relu-landscape {version}" if version else ""
        raise DataFileError(message(name, func, constraint, f"a report of schema {schema!r}{by} ({source})")
                            + " Regenerate it with `relu-landscape run` of this version.")
    got = f"schema {schema!r}" if schema is not None else f"a JSON object without 'schema' (keys {sorted(data)[:6]})"
    raise DataFileError(message(name, func, constraint, f"{got}, not a relu-landscape suite report ({source})"))


# ---- the unit of work: one suite on one case -------------------------------------------------------------------

def _collect(suite: Suite, case, ctx: RunContext) -> tuple:
    """``(results, measurements, figures, seconds)`` of ``suite`` on ``case`` (a :class:`cases.Case` or a name);
    an exception of the checker becomes an ``ERROR`` result after what it yielded.  KeyboardInterrupt propagates."""
    results, measurements, figures = [], [], []
    t0 = time.perf_counter()
    name = getattr(case, "name", case)
    try:
        if isinstance(case, str):
            case = case_registry.get_case(case)
        for item in suite(case, ctx):
            if isinstance(item, Figure):
                figures.append(item)
            elif isinstance(item, Measurement):
                measurements.append(item)
            elif isinstance(item, CheckResult):
                results.append(item)
            else:
                raise TypeError(f"suite {suite.name!r} yielded a {type(item).__name__}, not a CheckResult")
    except Exception as exc:  # a failing checker is reported, the run goes on
        results.append(error_result(name, f"{suite.name} checker", "—", exc, time.perf_counter() - t0))
    return tuple(results), tuple(measurements), tuple(figures), time.perf_counter() - t0


def _suite_arg(suite, func: str) -> Suite:
    if isinstance(suite, Suite):
        return suite
    check_option(suite, tuple(SUITES), name="suite", func=func)
    return SUITES[suite]


def run_case(suite, case, seed: int | None = 0, tol: Tolerances = DEFAULT_TOLERANCES) -> tuple:
    """Run one suite on one case: the unit of work that :func:`run_suite` runs here, in a worker process or on a
    Dask worker.

    Parameters
    ----------
    suite : str or Suite
        A registered suite's name (:data:`SUITES`) or the :class:`Suite` itself (what the runner sends to
        workers, so that a worker needs only to import the checker's module).
    case : str or cases.Case
        A registered case's name or the case.
    seed : int or None
    tol : Tolerances
        The :class:`RunContext` the checker sees.

    Returns
    -------
    (results, measurements, figures) : tuple of tuples
        :class:`~verify.CheckResult`, :class:`~verify.Measurement` and :class:`~verify.Figure` objects, in the
        order yielded; an exception of the checker is an ``ERROR`` result at the end.

    Examples
    --------
    >>> results, measurements, figures = run_case("patterns", "spec-I1")
    >>> sorted({r.status.value for r in results}), {r.case for r in results}
    (['holds', 'not applicable'], {'spec-I1'})
    """
    results, measurements, figures, _ = _collect(_suite_arg(suite, "run_case"), case, RunContext(seed=seed, tol=tol))
    return results, measurements, figures


def _work(suite: Suite, case, seed, tol) -> tuple:
    """The task sent to workers (module level, so that it pickles by reference)."""
    return _collect(suite, case, RunContext(seed=seed, tol=tol))


@contextlib.contextmanager
def _sigint_ignored():
    """SIGINT ignored in this process (main thread only) while worker processes are started: a process started
    with SIGINT ignored keeps ignoring it (Python installs its KeyboardInterrupt handler only where the parent
    did not change it), so a Ctrl-C while a worker is still importing prints no traceback there.  A Ctrl-C in
    that short window is lost; the next one stops the run."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old)


def _ignore_sigint() -> None:
    """Worker initializer: Ctrl-C reaches the whole process group; the parent alone handles it and ends us."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _lost(task, exc: BaseException) -> tuple:
    """The outcome of a task whose worker failed (died, could not unpickle the checker, ...): one ERROR result."""
    suite, case = task[0], task[1]
    err = error_result(getattr(case, "name", case), f"{suite.name} checker", "—", exc)
    err.details["message"] = f"the task could not run in a worker: {err.details['message']}"
    return (err,), (), (), 0.0


# ---- executors: here, in processes, on Dask ----------------------------------------------------------------------

def _map_here(tasks, done) -> list:
    out = []
    for i, task in enumerate(tasks):
        out.append(_work(*task))
        done(i, task)
    return out


def _terminate(executor) -> None:
    """Stop a process pool now: cancel what has not started, terminate the workers (they ignore SIGINT)."""
    stop = getattr(executor, "terminate_workers", None)  # Python ≥ 3.14
    if stop is not None:
        stop()
        return
    for proc in list((getattr(executor, "_processes", None) or {}).values()):
        proc.terminate()
    executor.shutdown(wait=True, cancel_futures=True)


def _map_processes(tasks, jobs: int, done) -> list:
    for suite in dict.fromkeys(t[0] for t in tasks):
        try:
            pickle.dumps(suite)
        except Exception as exc:  # a closure or a lambda: not importable in a worker
            raise InvalidInputError(message("jobs", "run_suite", f"1 for suite {suite.name!r}, whose checker cannot "
                                            "be sent to a worker process (define it at module level of an "
                                            "importable module)", f"{jobs} ({type(exc).__name__}: {exc})")) from exc
    out = [None] * len(tasks)
    executor = ProcessPoolExecutor(max_workers=min(jobs, len(tasks)), mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_ignore_sigint)
    try:
        with _sigint_ignored():  # the workers start now: they inherit SIGINT ignored, even while importing
            index = {executor.submit(_work, *task): i for i, task in enumerate(tasks)}
        for future in as_completed(index):
            i = index[future]
            try:
                out[i] = future.result()
            except Exception as exc:  # the worker died or could not load the task
                out[i] = _lost(tasks[i], exc)
            done(i, tasks[i])
    except BaseException:  # KeyboardInterrupt included: no worker outlives the run
        _terminate(executor)
        raise
    executor.shutdown(wait=True)
    return out


def _distributed():
    try:
        import distributed
    except ImportError as exc:
        raise BackendUnavailableError("Running on a Dask cluster (scheduler=, --scheduler) needs dask.distributed, "
                                      "which is not installed: pip install 'dask[distributed]'.") from exc
    return distributed


def connect(scheduler, *, func: str = "run_suite"):
    """``(client, owned)``: a :class:`distributed.Client` for ``scheduler`` (an address such as
    ``"tcp://host:8786"``, or a client, returned as is with ``owned=False``).

    Raises
    ------
    BackendUnavailableError
        dask.distributed is not installed.
    InvalidInputError
        No scheduler answers at the address within :data:`SCHEDULER_TIMEOUT_S` seconds.
    """
    distributed = _distributed()
    if isinstance(scheduler, distributed.Client):
        return scheduler, False
    if not isinstance(scheduler, str) or not scheduler.strip():
        raise InvalidInputTypeError(message("scheduler", func, "a Dask scheduler address (e.g. 'tcp://host:8786') "
                                            "or a distributed.Client", repr(scheduler)))
    try:
        return distributed.Client(scheduler, timeout=SCHEDULER_TIMEOUT_S, set_as_default=False), True
    except (OSError, TimeoutError, ValueError) as exc:
        raise InvalidInputError(message("scheduler", func, "the address of a running Dask scheduler",
                                        f"{scheduler!r} ({type(exc).__name__}: {' '.join(str(exc).split())})")) from exc


def _map_dask(tasks, client, done) -> list:
    distributed = _distributed()
    suites, cases, seeds, tols = (list(x) for x in zip(*tasks))
    futures = client.map(_work, suites, cases, seeds, tols, pure=False)
    index = {f.key: i for i, f in enumerate(futures)}
    out = [None] * len(tasks)
    try:
        for future in distributed.as_completed(futures, loop=client.loop):
            i = index[future.key]
            try:
                out[i] = future.result()
            except Exception as exc:  # a worker lost, a checker that does not unpickle there
                out[i] = _lost(tasks[i], exc)
            done(i, tasks[i])
    except BaseException:
        client.cancel(futures)
        raise
    return out


def _progress(total, desc, enabled):
    if not enabled or not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit="case", file=sys.stderr, leave=False, dynamic_ncols=True)


# ---- the runner ------------------------------------------------------------------------------------------------

def _check_jobs(jobs, scheduler, func):
    jobs = check_int(jobs, name="jobs", func=func, minimum=1)
    if scheduler is not None and jobs != 1:
        raise InvalidInputError(message("jobs", func, "1 when a Dask scheduler is given (the cluster decides the "
                                        "parallelism)", repr(jobs)))
    return jobs


def run_suites(plan, *, progress: bool = False, seed: int | None = 0, tol: Tolerances = DEFAULT_TOLERANCES,
               jobs: int = 1, scheduler=None) -> list[SuiteResult]:
    """Run several suites as one batch of independent (suite, case) tasks; one :class:`SuiteResult` per suite.

    Parameters
    ----------
    plan : list of str or dict
        Suite names (each on all its cases), or ``{suite name: case names or None}``.
    progress, seed, tol
        As in :func:`run_suite` (one progress bar over every task).
    jobs : int
        Worker processes (``1``: in this process).
    scheduler : str or distributed.Client, optional
        Run the tasks on this Dask cluster instead (``jobs`` must then be 1); a client made from an address is
        closed at the end, a given client is left open.

    Returns
    -------
    list of SuiteResult
        In the order of ``plan``; the results of each in case order, whatever ran where.

    Raises
    ------
    InvalidInputError
        As :func:`run_suite`, all before anything runs; also a bad ``jobs`` or an unreachable ``scheduler``.
    """
    func = "run_suite"
    if isinstance(plan, str):
        plan = [plan]
    plan = dict(plan) if isinstance(plan, dict) else {name: None for name in plan}
    for name, cases in plan.items():
        check_option(name, tuple(SUITES), name="name", func=func)
        if isinstance(cases, str):
            raise InvalidInputError(message("cases", func, "a list of case names", f"the string {cases!r}"))
    if seed is not None:  # a negative seed would fail inside every checker and read as violated checks
        seed = check_int(seed, name="seed", func=func, minimum=0)
    jobs = _check_jobs(jobs, scheduler, func)
    chosen = {name: SUITES[name].select(None if cases is None else list(cases)) for name, cases in plan.items()}
    tasks = [(SUITES[name], case, seed, tol) for name, cs in chosen.items() for case in cs]
    client, owned = connect(scheduler, func=func) if scheduler is not None else (None, False)
    desc = ", ".join(plan)
    bar = _progress(len(tasks), desc, progress)

    def done(i, task):
        if bar is not None:
            bar.set_postfix_str(f"{task[0].name}: {task[1].name}", refresh=False)
            bar.update(1)

    try:
        if client is not None:
            outcomes = _map_dask(tasks, client, done)
        elif jobs > 1 and len(tasks) > 1:
            outcomes = _map_processes(tasks, jobs, done)
        else:
            outcomes = _map_here(tasks, done)
    finally:
        if bar is not None:
            bar.close()
        if owned:
            client.close()
    out, k = [], 0
    for name, cs in chosen.items():
        mine = outcomes[k:k + len(cs)]
        k += len(cs)
        suite = SUITES[name]
        out.append(SuiteResult(suite=name, description=suite.description,
                               results=tuple(r for o in mine for r in o[0]),
                               measurements=tuple(m for o in mine for m in o[1]), cases=tuple(c.name for c in cs),
                               provenance=provenance(seed=seed, backend="numpy", dtype="float64", tolerances=tol),
                               elapsed_s=math.fsum(o[3] for o in mine), figures=tuple(f for o in mine for f in o[2])))
    return out


def run_suite(name: str, *, cases=None, progress: bool = False, seed: int | None = 0,
              tol: Tolerances = DEFAULT_TOLERANCES, jobs: int = 1, scheduler=None) -> SuiteResult:
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
        Seed (an integer ``≥ 0``) of the random parts (recorded in the provenance); every case sees it, so the
        results do not depend on where or in which order the cases run.
    tol : Tolerances
    jobs : int
        Run the cases in this many worker processes (default 1: in this process).
    scheduler : str or distributed.Client, optional
        Run the cases on a Dask cluster: a scheduler address (``"tcp://host:8786"``) or a client.

    Returns
    -------
    SuiteResult
        The same results in the same order whatever ``jobs`` and ``scheduler`` (only timings differ);
        ``elapsed_s`` is the sum of the cases' times.

    Raises
    ------
    InvalidInputError
        Unknown suite or case name, ``cases`` with no case of this suite, a negative ``seed``, ``jobs < 1``, or a
        scheduler that does not answer (raised before anything runs).
    BackendUnavailableError
        ``scheduler`` given without dask.distributed installed.
    """
    return run_suites({name: cases}, progress=progress, seed=seed, tol=tol, jobs=jobs, scheduler=scheduler)[0]
