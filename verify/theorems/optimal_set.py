"""Theorems on the arrangement, the convex program and its optimal set (docs/theory.md §A–§E).

Each generator reuses the checks of the ``patterns``, ``convex``, ``polytope`` suites on the shared computations
of the case (:func:`verify.suites._data.case_data`), and adds what those suites lack:

* ``pattern counts`` (Cover 1965, Zaslavsky; §B.2): the ``patterns`` suite's checks, Cover's upper bound
  ``regions ≤ C(n, d)`` where the case states only the bound, and the arrangement figure for 2-D data;
* ``convex program and its dual`` (Pilanci–Ergen 2020; §A.3, §C): the ``convex`` suite's checks, and
  ``p* ≤ bound`` where the case states an upper bound (a planted teacher, the zero network);
* ``p*_m = p* for m ≥ m*`` (§A.3, §E.1): ψ of a vertex of least support, split to every width
  ``m* ≤ m ≤ n + 1`` (output and penalty unchanged), has objective ``p*`` — against the case's theory ``p*``;
* ``optimal polytope`` (Mishkin–Pilanci 2023, Kim et al. 2025 Thm 1; §D): the ``polytope`` suite's critical
  widths and vertex checks, ``M* ≤ bound``, and the polytope figure;
* ``optimal directions from ν*`` (§C.1, §D.1): the directions tight at the case's closed-form ``ν*`` are the
  polytope's directions (the optimal neurons' directions are fixed by any dual optimum), and that ``ν*`` is dual
  feasible;
* ``staircase of connectivity`` (Kim et al. 2025 Thm 2; §E.2): the five statements and the figure.

Examples
--------
>>> import cases
>>> from verify._suite import RunContext
>>> from verify.theorems import theorem_checks
>>> out = list(theorem_checks(cases.get_case("spec-I2"), RunContext(), names=["p*_m = p* for m ≥ m*"]))
>>> sorted({r.status.value for r in out if hasattr(r, "status")})
['holds']
"""

from __future__ import annotations

import numpy as np

import geom

from .._result import CONSISTENCY, THEOREM, Figure, Status, check_margin, compare
from ..suites.convex import SPEC_DIGITS_RTOL, convex_checks
from ..suites.patterns import patterns_checks
from ..suites.polytope import (OBJECTIVE_RTOL, critical_width_checks, polytope_summary, staircase_checks,
                               vertex_objective_checks)
from . import enumerable, labelled, register_theorem

__all__ = ["TIGHT_RTOL", "DIRECTION_TOL", "BOUND_RTOL", "MAX_FIGURE_WITNESSES", "MAX_FIT_CURVES", "FIT_GRID",
           "theory_tolerance"]

#: A direction is tight at ``ν*`` when its dual value is at least ``β(1 − TIGHT_RTOL)`` (the closed-form ``ν*`` is
#: exact to rounding; non-tight values of the §I instances are far below β).
TIGHT_RTOL = 1e-8
#: Two unit directions are the same when they differ by at most this in norm.
DIRECTION_TOL = 1e-6
#: Rounding allowance, relative to ``max(1, bound)``, when a computed value is compared with a theory bound.
BOUND_RTOL = 1e-9
#: Region witnesses drawn in the arrangement figure, at most.
MAX_FIGURE_WITNESSES = 48
#: Vertex nets drawn in the 1-D fits figure, at most, and the grid's size.
MAX_FIT_CURVES = 8
FIT_GRID = 201



def theory_tolerance(data) -> float:
    """Tolerance for comparing a certified ``p*``-level value with the case's theory ``p*``: the case's stated
    precision (``expected["rtol"]``, default the convex suite's ``SPEC_DIGITS_RTOL``) plus the solution's gap and
    rounding."""
    e, sol = data.case.expected, data.solution
    p = abs(float(e.get("p_star", sol.p_star)))
    rtol = float(e.get("rtol", SPEC_DIGITS_RTOL))
    return rtol * max(1.0, p) + max(float(sol.gap), 0.0) + OBJECTIVE_RTOL * max(1.0, p)


def _upper_bound_check(name, value, bound, *, case, theorem, certified, details=None):
    """``value ≤ bound`` (a theory bound), with a rounding allowance; ``inconclusive`` when not certified."""
    allow = BOUND_RTOL * max(1.0, abs(float(bound)))
    r = check_margin(name, float(bound) - float(value) + allow, 0.0, case=case, theorem=theorem, observed=value,
                     expected=bound, details={**(details or {}), "how": "theory bound", "allowance": allow})
    if not certified and r.status in (Status.HOLDS, Status.VIOLATED):
        return compare(name, value, bound, case=case, theorem=theorem, certified=False)
    return r


# ---- pattern counts ---------------------------------------------------------------------------------------------

@register_theorem("pattern counts", source="docs/theory.md §B.1–B.3 (Cover 1965; Zaslavsky 1975)",
                  applies=lambda c: enumerable(c) and any(k in c.expected for k in
                                                          ("patterns", "regions", "regions_at_most")))
def pattern_counts(data, ctx):
    """Patterns and regions against closed forms and bounds; the arrangement figure for 2-D data."""
    case = data.case
    yield from patterns_checks(case, ctx)
    R = data.regions
    if "regions_at_most" in case.expected:
        yield _upper_bound_check("regions ≤ Cover's bound C(n, d)", R.count, case.expected["regions_at_most"],
                                 case=case.name, theorem="docs/theory.md §B.2", certified=R.certified)
    d = data.Xa.shape[1]
    if d == 2:
        W = np.asarray(R.witnesses, float)[:MAX_FIGURE_WITNESSES]
        bits = ["".join("1" if b else "0" for b in row) for row in np.asarray(data.geq.patterns, bool)]
        yield Figure(case.name, "arrangement2d",
                     {"X": case.X.tolist(), "bias": data.bias, "patterns": bits,
                      "witnesses": [{"u": (w / max(np.linalg.norm(w), 1e-300)).tolist(),
                                     "label": "".join("1" if b else "0" for b in p)}
                                    for w, p in zip(W, np.asarray(R.patterns, bool))]},
                     theorem="docs/theory.md §B.2", title=f"{case.name}: the arrangement and its cells")


# ---- the convex program ----------------------------------------------------------------------------------------

@register_theorem("convex program and its dual", source="Pilanci–Ergen 2020; docs/theory.md §A.3, §C",
                  applies=lambda c: labelled(c) and ("p_star" in c.expected or "p_star_at_most" in c.expected))
def convex_program(data, ctx):
    """(C), its dual and the certificates (the ``convex`` suite), and ``p* ≤`` a theory bound."""
    case = data.case
    yield from convex_checks(case, ctx)
    sol = data.solution
    if "p_star_at_most" in case.expected:
        yield _upper_bound_check("p* ≤ theory bound", sol.p_star, case.expected["p_star_at_most"], case=case.name,
                                 theorem="docs/theory.md §A.3, §A.4", certified=bool(sol.certified))
    if len(data.y) == 2:  # the rectified ellipsoid {(X̃u)_+ : ‖u‖ ≤ 1} and the dual set, for n = 2
        yield Figure(case.name, "ellipsoid", {"X": data.Xa.tolist(), "beta": data.beta, "y": data.y.tolist(),
                                              "nu_star": np.asarray(sol.nu_star, float).tolist()},
                     theorem="docs/theory.md §C.1", title=f"{case.name}: rectified ellipsoid and ν*")


# ---- p*_m = p* for m ≥ m* -------------------------------------------------------------------------------------

@register_theorem("p*_m = p* for m ≥ m*", source="Pilanci–Ergen 2020; Kim et al. 2025 §E.1; docs/theory.md §A.3, §E.1",
                  applies=labelled)
def width_objective(data, ctx):
    """ψ of a least-support vertex, split to every width ``m* ≤ m ≤ n + 1`` (padded with dead neurons when the
    zero network is optimal), has objective ``p*``."""
    case, P, sol = data.case, data.polytope, data.solution
    if not P.vertices:
        return
    i = min(range(len(P.vertices)), key=lambda k: len(P.vertices[k].support))
    base = P.vertex_net(i)
    n = len(data.y)
    stated = "p_star" in case.expected
    target = float(case.expected["p_star"]) if stated else float(sol.p_star)
    tol = theory_tolerance(data)
    worst, rows = 0.0, []
    for m in range(base.width, n + 2):
        if m == base.width or base.width == 0:  # the zero optimum: pad with dead neurons
            net = geom.zero_pad(base, m)
        else:
            net = geom.split_neuron(base, 0, np.full(m - base.width + 1, 1.0 / (m - base.width + 1)))
        obj = float(geom.network_objective(net, data.X, data.y, data.beta))
        rows.append({"m": m, "objective": obj})
        worst = float(np.max([worst, abs(obj - target)]))  # a NaN objective propagates
    yield compare("L_β of width-m optimal nets = p* (m* ≤ m ≤ n + 1)", worst, 0.0, case=case.name,
                  theorem="docs/theory.md §A.3, §E.1", tolerance=tol, certified=P.certified,
                  kind=THEOREM if stated else CONSISTENCY,
                  details={"widths": rows, "p_star_from": "the case (" + case.how("p_star") + ")" if stated
                           else "the certified solution (no theory value)"})
    yield compare("least vertex support = m*", base.width, P.m_star, case=case.name, theorem="docs/theory.md §E.1",
                  kind=CONSISTENCY)


# ---- the optimal polytope --------------------------------------------------------------------------------------

@register_theorem("optimal polytope", source="Mishkin–Pilanci 2023; Kim et al. 2025 Thm 1; docs/theory.md §D",
                  applies=labelled)
def optimal_polytope(data, ctx):
    """Critical widths, vertices, ``M* ≤ n``, every vertex optimal; the polytope figure (and the vertex nets'
    functions for 1-D data)."""
    case, P = data.case, data.polytope
    yield from polytope_summary(data)
    yield from critical_width_checks(data)
    yield from vertex_objective_checks(data)
    if "M_star_at_most" in case.expected and P.M_star is not None:
        yield _upper_bound_check("M* ≤ n", P.M_star, case.expected["M_star_at_most"], case=case.name,
                                 theorem="docs/theory.md §D.4", certified=P.certified)
    if P.vertices and data.X.shape[1] == 1:  # the optimal nets' functions (all optimal; the fit y* is shared)
        lo, hi = float(data.X.min()), float(data.X.max())
        x = np.linspace(lo - 0.5 * max(hi - lo, 1.0), hi + 0.5 * max(hi - lo, 1.0), FIT_GRID)
        curves = [{"label": "vertex " + "{" + ",".join(str(int(s)) for s in v.support) + "}",
                   "y": np.asarray(P.vertex_net(i).output(x[:, None]), float).tolist()}
                  for i, v in enumerate(P.vertices[:MAX_FIT_CURVES])]
        yield Figure(case.name, "fits1d", {"x": x.tolist(), "curves": curves, "data_x": data.X[:, 0].tolist(),
                                           "data_y": data.y.tolist(), "xlabel": "x", "ylabel": "f(x)"},
                     theorem="docs/theory.md §D.1, §A.5", title=f"{case.name}: optimal nets (vertices of Q)")
    if P.vertices:
        yield Figure(case.name, "polytope",
                     {"vertices": [np.asarray(v.coefficients, float).tolist() for v in P.vertices],
                      "edges": [list(map(int, e)) for e in P.edges],
                      "labels": ["{" + ",".join(str(int(s)) for s in v.support) + "}" for v in P.vertices]},
                     theorem="docs/theory.md §D.4", title=f"{case.name}: vertices and edges of Q")


# ---- the optimal directions from ν* ----------------------------------------------------------------------------

def _signed_dirs(dirs, signs):
    return [(int(s), np.asarray(d, float)) for d, s in zip(dirs, signs)]


def _matched(a, b) -> list:
    """Entries of ``a`` with no entry of ``b`` of the same sign within :data:`DIRECTION_TOL`."""
    return [(s, d.tolist()) for s, d in a if not any(s == t and np.linalg.norm(d - e) <= DIRECTION_TOL for t, e in b)]


@register_theorem("optimal directions from ν*", source="Pilanci–Ergen 2020; Mishkin–Pilanci 2023; docs/theory.md §C.1, §D.1",
                  applies=lambda c: labelled(c) and "nu_star" in c.expected)
def directions_from_dual(data, ctx):
    """The signed directions tight at the case's ``ν*`` are exactly the polytope's; ``φ(ν*) ≤ β``."""
    case, P = data.case, data.polytope
    nu = np.asarray(case.expected["nu_star"], float)
    beta = data.beta
    dv = geom.dual_values(data.Xa, nu, data.regions.patterns)
    how = case.how("nu_star")
    yield check_margin("φ(ν*) ≤ β for the theory ν*", beta * (1 + TIGHT_RTOL) - float(dv.phi), 0.0, case=case.name,
                       theorem="docs/theory.md §C.1", observed=float(dv.phi), expected=beta,
                       details={"nu_star_from": how})
    tight = np.argwhere(np.asarray(dv.values) >= beta * (1 - TIGHT_RTOL))
    found = []
    for k, s in tight:
        d = np.asarray(dv.directions[k, s], float)
        sign = 1 if s == 0 else -1
        if not any(sign == t and np.linalg.norm(d - e) <= DIRECTION_TOL for t, e in found):
            found.append((sign, d))
    poly = _signed_dirs(P.directions, P.signs)
    missing, extra = _matched(poly, found), _matched(found, poly)
    yield compare("tight directions at the theory ν* = the polytope's directions", len(missing) + len(extra), 0,
                  case=case.name, theorem="docs/theory.md §D.1", certified=P.certified,
                  witness={"polytope_only": missing, "nu_star_only": extra},
                  details={"K_polytope": len(poly), "K_from_nu_star": len(found), "nu_star_from": how})


# ---- the staircase ----------------------------------------------------------------------------------------------

@register_theorem("staircase of connectivity", source="Kim et al. 2025 Thm 2; docs/theory.md §E.2",
                  applies=labelled)
def staircase(data, ctx):
    """The five statements of the staircase, at every width they concern, and the staircase figure."""
    yield from staircase_checks(data)
    S, P = data.staircase, data.polytope
    if S.steps:
        yield Figure(data.case.name, "staircase",
                     {"staircase": [{"m": s.m, "components": s.components, "isolated": s.isolated} for s in S.steps],
                      "m_star": P.m_star, "M_star": P.M_star, "n": len(data.y)},
                     theorem="docs/theory.md §E.2 (Kim et al. Thm 2)", title=f"{data.case.name}: staircase")
