"""Verification of the theory (SPEC.md) on the registered cases: suites of checks, reports with provenance.

A suite (:data:`SUITES`, :func:`register_suite`) yields small named checks (:class:`CheckResult`) whose
:class:`Status` is ``holds`` only after an actual comparison.  :func:`run_suite` collects them with the run's
:func:`provenance`; :func:`write_report` writes ``<suite>.json`` and renders ``<suite>.md``, ``<suite>.html``
and a figure from that JSON.  Command line: ``relu-landscape`` or ``python -m verify`` (:mod:`verify.cli`).

Examples
--------
>>> import verify
>>> r = verify.run_suite("patterns", cases=["spec-I5"])
>>> r.ok, r.counts["violated"]
(True, 0)
"""

from . import suites  # noqa: F401  (registers the suites)
from ._report import render_html, render_markdown, write_report
from ._result import CheckResult, Measurement, Status, check_margin, compare, error_result
from ._suite import SUITES, RunContext, Suite, SuiteResult, register_suite, run_suite
from .provenance import provenance

__all__ = [
    "Status",
    "CheckResult",
    "Measurement",
    "compare",
    "check_margin",
    "error_result",
    "Suite",
    "SuiteResult",
    "RunContext",
    "SUITES",
    "register_suite",
    "run_suite",
    "write_report",
    "render_markdown",
    "render_html",
    "provenance",
]
