"""Verification of the theory (docs/theory.md) on the registered cases: suites of checks, reports with provenance.

A suite (:data:`SUITES`, :func:`register_suite`) yields small named checks (:class:`CheckResult`) whose
:class:`Status` is ``holds`` only after an actual comparison, and whose ``kind`` says whether it checks a theorem
against an independent value or only the consistency of quantities computed from one another (reports count the
two apart).  :func:`run_suite` collects them with the run's :func:`provenance`; :func:`write_report` writes
``<suite>.json`` and renders ``<suite>.md``, ``<suite>.html`` and a figure from that JSON, as one set carrying
one run id (:func:`check_report_set`).  The cases of a run are independent: ``run_suite(..., jobs=N)`` runs them
in worker processes and ``scheduler=`` on a Dask cluster, with the same results.  :func:`load_results` reads
results into a pandas DataFrame (one row per check).  Command line: ``relu-landscape`` or ``python -m verify``
(:mod:`verify.cli`).

Examples
--------
>>> import verify
>>> r = verify.run_suite("patterns", cases=["spec-I5"])
>>> r.ok, r.counts["violated"]
(True, 0)
"""

from . import suites  # noqa: F401  (registers the suites)
from ._report import check_report_set, load_report, render_html, render_markdown, write_report
from ._result import (CONSISTENCY, FIGURE_KINDS, KINDS, THEOREM, CheckResult, Figure, Measurement, Status, check_margin, compare,
                      count_by_kind, error_result)
from ._suite import SUITES, RunContext, Suite, SuiteResult, register_suite, run_case, run_suite, run_suites
from .frame import load_results
from .provenance import provenance

__all__ = [
    "Status",
    "KINDS",
    "THEOREM",
    "CONSISTENCY",
    "count_by_kind",
    "CheckResult",
    "Measurement",
    "Figure",
    "FIGURE_KINDS",
    "compare",
    "check_margin",
    "error_result",
    "Suite",
    "SuiteResult",
    "RunContext",
    "SUITES",
    "register_suite",
    "run_suite",
    "run_suites",
    "run_case",
    "load_results",
    "write_report",
    "load_report",
    "check_report_set",
    "render_markdown",
    "render_html",
    "provenance",
]
