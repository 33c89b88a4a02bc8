"""The ``polytope`` suite: the optimal polytope, the critical widths and the staircase (docs/theory.md §D, §E).

For each case tagged ``polytope`` the exact regions are enumerated, (C) is solved, and
:func:`geom.optimal_polytope` and :func:`geom.staircase` are built from the solution.  Checks:

Theorem checks

* ``m*`` and ``M*`` against the case's theory values (docs/theory.md §I), and the number of vertices where the case
  states it (docs/theory.md §D.4: 22 on the regular pentagon);
* ``m* ≤ M* ≤ rank A ≤ n`` (docs/theory.md §D.4: a vertex's support is independent);
* the components and isolated points of ``Θ*_m`` against the case's values (docs/theory.md §I) where stated;
* every vertex's network ψ is optimal: its objective ``L_β``, evaluated from scratch, equals the certified
  ``p*`` within the solution's gap plus rounding (docs/theory.md §D.1, §A.5);
* each of the five staircase statements of docs/theory.md §E.2 at every width it concerns, with the figures that decide
  it: the count statements on the lifted-graph brute force where it ran (on the reduced count alone they hold
  by construction and are counted as *consistency* checks), the path statements by constructing the path and
  evaluating every sampled network;
* the reduced count against the lifted-graph brute force (docs/theory.md §E.3), where the lifted graph is small.

Consistency checks: ``polytope certified`` (the polytope's own decision).

When the polytope is not certified, every check built on it is ``inconclusive``.

Examples
--------
>>> import cases
>>> from verify._suite import RunContext
>>> out = list(polytope_checks(cases.get_case("spec-I2"), RunContext()))
>>> sorted({r.status.value for r in out if isinstance(r, CheckResult)})
['holds']
"""

from __future__ import annotations

import time

import numpy as np

import geom

from .._result import CONSISTENCY, THEOREM, CheckResult, Measurement, Status, compare
from .._suite import register_suite
from ._data import case_data

__all__ = ["polytope_checks", "polytope_summary", "critical_width_checks", "vertex_objective_checks",
           "staircase_checks", "POLYTOPE_TIME", "OBJECTIVE_RTOL"]

POLYTOPE_TIME = "polytope + staircase time"
#: Rounding allowance (relative to ``max(1, p*)``) when a vertex network's objective is compared with ``p*``.
OBJECTIVE_RTOL = 1e-10
_STATUS = {"holds": Status.HOLDS, "violated": Status.VIOLATED, "inconclusive": Status.INCONCLUSIVE,
           "not applicable": Status.NOT_APPLICABLE}


def _claim_result(case, claim) -> CheckResult:
    return CheckResult(case=case, check=f"{claim.key} (m = {claim.m})", theorem="docs/theory.md §E.2 (Kim et al. Thm 2)",
                       status=_STATUS[claim.verdict], observed=claim.figures, expected=claim.statement,
                       details={"m": claim.m}, kind=CONSISTENCY if claim.kind == "consistency" else THEOREM)


def polytope_summary(data):
    """The polytope's measurement and its own ``certified`` decision (consistency)."""
    name = data.case.name
    t0 = time.perf_counter()  # ~0 when another generator computed them first (shared, cached)
    P, S = data.polytope, data.staircase
    secs = time.perf_counter() - t0
    info = {"status": P.status, "reason": P.reason, "K": P.K, "rank": P.rank, "vertices": len(P.vertices),
            "edges": len(P.edges), "tightness_margin": P.tightness_margin, "radius": P.tightness.radius,
            "staircase_steps": len(S.steps)}
    yield Measurement(case=name, name=POLYTOPE_TIME, value=secs, theorem="docs/theory.md §D–E", unit="s", details=info,
                      elapsed_s=secs)
    yield compare("polytope certified", P.certified, True, case=name, theorem="docs/theory.md §D.5", details=info,
                  kind=CONSISTENCY)


def critical_width_checks(data):
    """``m*``, ``M*``, the number of vertices against the case's values; ``m* ≤ M* ≤ rank A ≤ n``."""
    name, e, P = data.case.name, data.case.expected, data.polytope
    ok = P.certified
    for key in ("m_star", "M_star"):
        if key in e:
            yield compare(key, getattr(P, key), e[key], case=name, theorem="docs/theory.md §I, §E.1", certified=ok)
    if "vertices" in e:
        yield compare("number of vertices", len(P.vertices), e["vertices"], case=name, theorem="docs/theory.md §D.4",
                      certified=ok)
    if P.m_star is not None:
        chain = [P.m_star, P.M_star, P.rank, P.n]
        yield compare("m* ≤ M* ≤ rank A ≤ n", chain == sorted(chain), True, case=name, theorem="docs/theory.md §D.4",
                      certified=ok, details={"chain": chain})


def vertex_objective_checks(data):
    """Every vertex's network ψ has objective ``p*`` (evaluated from scratch)."""
    name, P, sol = data.case.name, data.polytope, data.solution
    worst = 0.0
    for i in range(len(P.vertices)):
        net = P.vertex_net(i)
        worst = float(np.max([worst, abs(geom.network_objective(net, data.X, data.y, data.beta) - sol.p_star)]))
    allowance = max(sol.gap, 0.0) + OBJECTIVE_RTOL * max(1.0, abs(sol.p_star))
    if P.vertices:
        yield compare("every vertex network has objective p*", worst, 0.0, case=name,
                      theorem="docs/theory.md §D.1, §A.5", certified=P.certified, tolerance=allowance,
                      details={"vertices": len(P.vertices)})


def staircase_checks(data):
    """The components and isolated points of ``Θ*_m`` against the case's values, and the five statements of
    docs/theory.md §E.2 (the claims of :func:`geom.staircase`)."""
    name, e, S = data.case.name, data.case.expected, data.staircase
    counts = {str(s.m): [s.components, s.isolated] for s in S.steps}
    for m, want in sorted(e.get("staircase", {}).items(), key=lambda kv: int(kv[0])):
        yield compare(f"components and isolated points of Θ*_{m}", counts.get(m), want, case=name,
                      theorem="docs/theory.md §I, §E.3", certified=data.polytope.certified)
    for claim in S.claims:
        yield _claim_result(name, claim)


@register_suite("polytope", tags=("polytope",),
                description="The optimal polytope, the critical widths m*, M* and the staircase of connectivity "
                            "(docs/theory.md §D, §E)")
def polytope_checks(case, ctx):
    """Yield the checks of the ``polytope`` suite for one case (see the module notes)."""
    data = case_data(case, ctx)
    yield from polytope_summary(data)
    yield from critical_width_checks(data)
    yield from vertex_objective_checks(data)
    yield from staircase_checks(data)
