"""The ``patterns`` suite: activation patterns and regions of every registered arrangement (docs/theory.md §B).

For each case tagged ``arrangement`` (with ``X̃ = [X, 1]`` when the case has ``bias=True``, docs/theory.md §A.6).  Every
check is a *theorem* check (against a theory value or an independent computation) or a *consistency* check
(``kind="consistency"``, counted apart in the reports: true by construction of the enumerator).

Theorem checks:

* ``patterns (ties=geq)``: ``|𝒟_≥|`` from :func:`geom.enumerate_patterns` against ``expected["patterns"]``, the
  pattern set itself against ``expected["pattern_set"]`` and ``|𝒟_≥| − |𝒟_reg|`` against
  ``expected["patterns_minus_regions"]`` when given (docs/theory.md §B.1–B.2);
* ``regions``: the number of regions the enumeration *found* against ``expected["regions"]`` (Cover, Zaslavsky,
  §B.2); ``patterns (ties=regions)``: the ``ties="regions"`` enumeration returns that many patterns (§B.1);
* ``witnesses realize their patterns (exact)`` and ``region witnesses are interior (exact)``: every witness
  ``w`` gives its pattern ``1[X̃w ≥ 0]``, and every region witness has ``X̃w ≠ 0`` on each nonzero row, decided
  here in exact rational arithmetic on the data's own values (a float product with Higham's bound first,
  :class:`fractions.Fraction` for the entries it leaves undecided), independently of :mod:`geom.exact`; a
  pattern listed in ``integer_witnesses`` (a region too thin for any float64 vector) is checked with its exact
  integer witness: soundness of the list;
* ``regions found = |χ(−1)|``: the regions found against Zaslavsky's count from the exact characteristic
  polynomial (deletion–restriction, :func:`geom.characteristic_polynomial`): completeness.  It is a theorem
  check when the enumerator certified its count by Cover's formula, and a *consistency* check when it
  certified it by this very polynomial (``count_certificate == "charpoly"``);
* ``rank``, ``general position`` (§B.2); ``characteristic polynomial`` against ``expected["charpoly"]``;
* ``Gordan``: in general position, ``|𝒟_≥| − |𝒟_reg| = 1[∄u: Xu > 0]`` (§B.2), the right side decided by two
  LPs (the cell LP of §B.4 and Gordan's alternative) whose answer is confirmed in exact arithmetic (``Xu > 0``
  for the LP's ``u``, or an exact positive dependency on the support of its ``y``), else ``inconclusive``;
* ``sampled ⊆ exact``: every pattern found by Gaussian sampling is in ``𝒟_≥`` (§B.4), and the *measurement*
  ``sampling recall`` (fraction of ``𝒟_≥`` found by 10 000 samples), which is not a pass or a fail.

Consistency check: ``regions ⊆ patterns`` (both enumerations share the region stage, so the region patterns are
in ``𝒟_≥`` by construction).

Checks whose expected value the case does not state are reported ``not applicable``.  Whatever depends on an
uncertified enumeration is ``inconclusive``, never ``holds`` (the exact witness checks are decided here and do
not depend on it).  Cases tagged ``large`` are enumerated once (``ties="geq"``) and not sampled.

Examples
--------
>>> import cases
>>> from verify._suite import RunContext
>>> out = list(patterns_checks(cases.get_case("spec-I1"), RunContext(seed=0)))
>>> [(r.check, r.status.value) for r in out if isinstance(r, CheckResult)][:2]
[('patterns (ties=geq)', 'holds'), ('pattern set (ties=geq)', 'holds')]
>>> sorted({(r.kind, r.status.value) for r in out if isinstance(r, CheckResult)})
[('consistency', 'holds'), ('theorem', 'holds'), ('theorem', 'not applicable')]
"""

from __future__ import annotations

import time
from dataclasses import replace
from fractions import Fraction

import numpy as np

import geom
from geom.tolerances import gamma

from .._result import CONSISTENCY, THEOREM, CheckResult, Measurement, Status, compare
from .._suite import register_suite
from ._data import case_data

__all__ = ["patterns_checks", "patterns_figure", "exact_signs", "N_SAMPLES", "CHECK_PATTERNS", "CHECK_REGIONS",
           "CHECK_ZASLAVSKY", "RECALL"]

N_SAMPLES = 10_000
CHECK_PATTERNS = "patterns (ties=geq)"
CHECK_REGIONS = "regions"
CHECK_ZASLAVSKY = "regions found = |χ(−1)|"
RECALL = "sampling recall"
#: HiGHS's default primal/dual feasibility tolerance, reported with the Gordan check's LP margins (its answer is
#: decided by the exact confirmation of the LP's certificate, not by this number).
LP_FEASIBILITY = 1e-7
#: Entries of the LP's ``y`` above this fraction of its largest entry form the support tried by the exact
#: positive-dependency confirmation (the answer is decided in rationals; this only picks the support).
DEPENDENCY_SUPPORT_RTOL = 1e-9


def _bits(P) -> list[str]:
    return ["".join("1" if b else "0" for b in row) for row in np.asarray(P, dtype=bool)]


def exact_signs(Xa, W, *, chunk: int = 65536):
    """Yield ``(start, ge, zero)`` per chunk of rows of ``W``: ``ge = 1[X̃w ≥ 0]`` and ``zero = 1[X̃w = 0]``, exact.

    The products are computed in float64 and decided where ``|fl(x̃·w)| > γ_{d+2} |x̃|·|w|`` (Higham's bound,
    which holds for any summation order; the extra term covers rounding integer data beyond 2^53 to float64);
    the entries left undecided are summed exactly in :class:`fractions.Fraction` from the data's own values
    (Python integers for an integer array) and the float64 witnesses (an entry whose bound is 0 has all terms 0).

    >>> X, w = np.array([[1.0, 1.0, 1.0], [1.0, -1.0, 1.0]]), np.array([[1e16, 1.0, -1e16]])
    >>> (w @ X.T).tolist()  # float64 loses the 1 and the sign
    [[0.0, 0.0]]
    >>> [(g.tolist(), z.tolist()) for _, g, z in exact_signs(X, w)]
    [([[True, False]], [[False, False]])]
    """
    Xa = np.asarray(Xa)
    exact_rows = Xa.tolist()  # Python ints for integer data, floats otherwise: both exact as Fractions
    Xf = Xa.astype(np.float64)
    W = np.asarray(W, dtype=np.float64)
    bound_factor = gamma(Xf.shape[1] + 2)
    for start in range(0, W.shape[0], chunk):
        Wc = W[start:start + chunk]
        S = Wc @ Xf.T
        bound = bound_factor * (np.abs(Wc) @ np.abs(Xf).T)
        ge, zero = S > bound, (bound == 0.0)
        undecided = ~ge & ~(S < -bound) & (bound > 0.0)
        for p, i in zip(*np.nonzero(undecided)):
            t = sum(Fraction(a) * Fraction(float(b)) for a, b in zip(exact_rows[i], Wc[p]))
            ge[p, i], zero[p, i] = t >= 0, t == 0
        ge |= zero
        yield start, ge, zero


def _witness_scan(Xa, P):
    """Per pattern of ``P``, exactly: does its witness realize it, and is the witness interior (``X̃w ≠ 0`` on
    every nonzero row)?  Returns ``(realizes, interior, seconds)`` (boolean arrays)."""
    t0 = time.perf_counter()
    nonzero_rows = np.any(np.asarray(Xa) != 0, axis=1)
    realizes = np.zeros(P.count, dtype=bool)
    interior = np.zeros(P.count, dtype=bool)
    for start, ge, zero in exact_signs(Xa, P.witnesses):
        stop = start + ge.shape[0]
        realizes[start:stop] = np.all(ge == P.patterns[start:stop], axis=1)
        interior[start:stop] = ~np.any(zero[:, nonzero_rows], axis=1)
    # regions too thin for any float64 vector carry an exact integer witness instead
    rows = np.asarray(Xa).tolist()
    for k, u in getattr(P, "integer_witnesses", ()):
        t = [sum(Fraction(a) * int(b) for a, b in zip(row, u)) for row in rows]
        realizes[k] = [v >= 0 for v in t] == P.patterns[k].tolist()
        interior[k] = not any(v == 0 for v, nz in zip(t, nonzero_rows) if nz)
    return realizes, interior, time.perf_counter() - t0


def _witness_check(name, P, ok, elapsed_s, *, case):
    """``compare(#failing witnesses, 0)``, with the first failing pattern and its witness."""
    bad = np.flatnonzero(~ok)
    first = None if not bad.size else {"pattern": _bits(P.patterns[bad[0]:bad[0] + 1])[0],
                                       "witness": P.witnesses[bad[0]].tolist(), "failing": int(bad.size)}
    return compare(name, int(bad.size), 0, case=case, theorem="docs/theory.md §A.2, §B.1", witness=first,
                   details={"witnesses": int(P.count), "arithmetic": "float64 with Higham's bound, "
                            "fractions.Fraction for the undecided entries"}, elapsed_s=elapsed_s)


def _gordan(Xa):
    """The two LPs of Gordan's alternative on the rows of ``Xa`` scaled to unit length (the alternative does not
    change under positive row scaling): ``(t*, u)`` with ``t* = max t`` s.t. ``X̂u ≥ t``, ``|u| ≤ 1``,
    ``0 ≤ t ≤ 1`` (docs/theory.md §B.4), and ``(s*, y)`` with ``s* = min ‖X̂ᵀy‖_∞`` over ``y ≥ 0``, ``Σ y = 1``; ``None``
    for an LP that failed."""
    from scipy.optimize import linprog

    n, d = Xa.shape
    Xh = Xa / np.linalg.norm(Xa, axis=1, keepdims=True)
    c = np.zeros(d + 1)
    c[-1] = -1.0
    A = np.hstack([-Xh, np.ones((n, 1))])
    r1 = linprog(c, A_ub=A, b_ub=np.zeros(n), bounds=[(-1, 1)] * d + [(0, 1)], method="highs")
    # variables (y, s): min s, -s <= X̂^T y <= s
    c2 = np.zeros(n + 1)
    c2[-1] = 1.0
    A2 = np.vstack([np.hstack([Xh.T, -np.ones((d, 1))]), np.hstack([-Xh.T, -np.ones((d, 1))])])
    r2 = linprog(c2, A_ub=A2, b_ub=np.zeros(2 * d), A_eq=np.r_[np.ones(n), 0.0][None, :], b_eq=[1.0],
                 bounds=[(0, None)] * n + [(0, None)], method="highs")
    first = (-float(r1.fun), r1.x[:d]) if r1.status == 0 else (None, None)
    second = (float(r2.fun), r2.x[:n]) if r2.status == 0 else (None, None)
    return first, second


def _exact_positive_direction(rows, u) -> bool:
    """``x·u > 0`` for every row, in exact rational arithmetic."""
    return all(sum(Fraction(a) * Fraction(float(b)) for a, b in zip(r, u)) > 0 for r in rows)


def _exact_positive_dependency(rows, y) -> bool:
    """Whether the support of the LP's ``y`` carries an exact ``y' ≥ 0``, ``Σy' = 1``, ``Σ y'_i x_i = 0``: the
    unique solution of that linear system on the support, solved in rationals, is positive."""
    import sympy

    support = [i for i in np.flatnonzero(y > DEPENDENCY_SUPPORT_RTOL * max(float(np.max(y)), 1e-300))]
    if not support:
        return False
    M = sympy.Matrix([[sympy.Rational(Fraction(rows[i][j])) for i in support] for j in range(len(rows[0]))]
                     + [[1] * len(support)])
    b = sympy.Matrix([0] * len(rows[0]) + [1])
    try:
        sol, params = M.gauss_jordan_solve(b)
    except ValueError:  # no solution on this support
        return False
    return params.shape[0] == 0 and all(v > 0 for v in sol)


def _gordan_check(case, P, Xa, found, certified):
    """``|𝒟_≥| − |𝒟_reg| = 1[∄u: Xu > 0]`` in general position; the right side from the LPs, each answer
    confirmed exactly (the LP's ``u`` has ``Xu > 0`` in rationals, or its ``y`` support carries an exact positive
    dependency), else ``inconclusive``."""
    name, theorem = "Gordan: patterns − regions = 1[∄u: Xu > 0]", "docs/theory.md §B.2"
    observed = P.count - found
    if case.expected.get("general_position") is not True:
        return compare(name, observed, None, case=case.name, theorem=theorem,
                       details={"precondition": "rows in general position (not stated for this case)"})
    t0 = time.perf_counter()
    rows = np.asarray(Xa).tolist()  # exact values (Python ints for integer data)
    (t, u), (s, y) = _gordan(np.asarray(Xa, dtype=np.float64))
    details = {"t_star": t, "s_star": s, "lp": "scipy.optimize.linprog (HiGHS), answers confirmed exactly"}
    Xf = np.asarray(Xa, dtype=np.float64)
    Xh = Xf / np.linalg.norm(Xf, axis=1, keepdims=True)
    candidates = [u] if u is not None else []
    candidates.append(np.linalg.lstsq(Xh, np.ones(len(Xh)), rcond=None)[0])  # X̂u = 1 when the rows are independent
    if any(_exact_positive_direction(rows, c) for c in candidates):
        expected, margin, details["certificate"] = 0, t, "u with Xu > 0 (exact)"
    elif y is not None and _exact_positive_dependency(rows, y):
        expected, margin, details["certificate"] = 1, -s, "y ≥ 0, y ≠ 0 with Xᵀy = 0 (exact)"
    else:
        return CheckResult(case=case.name, check=name, theorem=theorem, status=Status.INCONCLUSIVE,
                           observed=observed, margin=t, tolerance=LP_FEASIBILITY, elapsed_s=time.perf_counter() - t0,
                           details={**details, "reason": "neither LP answer could be confirmed in exact arithmetic"})
    r = compare(name, observed, expected, case=case.name, theorem=theorem, certified=certified,
                details=details, elapsed_s=time.perf_counter() - t0)
    return replace(r, margin=margin, tolerance=LP_FEASIBILITY)


def patterns_figure(report: dict, fig) -> None:
    """Bars per case from the report JSON: exact ``|𝒟_≥|``, expected, and patterns found by sampling (log
    scale); below, the sampling recall."""
    rows = {}
    for r in report["results"]:
        if r["check"] == CHECK_PATTERNS:
            obs = r["observed"] if isinstance(r["observed"], int) else None
            exp = r["expected"] if isinstance(r["expected"], int) else None
            rows[r["case"]] = {"exact": obs, "expected": exp, "sampled": None, "recall": None}
    for m in report.get("measurements", []):
        if m["name"] == RECALL and m["case"] in rows:
            rows[m["case"]]["sampled"] = m["details"].get("sampled")
            rows[m["case"]]["recall"] = m["value"]
    names = list(rows)
    x = np.arange(len(names))
    ax1, ax2 = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [2, 1]})
    w = 0.27
    for k, (key, color) in enumerate([("exact", "#1f77b4"), ("expected", "#7f7f7f"), ("sampled", "#ff7f0e")]):
        vals = [rows[n][key] if rows[n][key] is not None else np.nan for n in names]
        ax1.bar(x + (k - 1) * w, vals, w, label={"exact": r"exact $|\mathcal{D}_{\geq}|$ (enumerate_patterns)",
                                                 "expected": "expected (theory)",
                                                 "sampled": f"found by sampling ({N_SAMPLES} draws)"}[key],
                color=color)
    ax1.set_yscale("log")
    ax1.set_ylim(bottom=1)
    ax1.set_ylabel("patterns (log scale)")
    ax1.set_title(f"Activation patterns per case (suite '{report['suite']}')", pad=28)
    ax1.legend(fontsize=8, loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=3, frameon=False)
    ax1.grid(axis="y", alpha=0.3)
    rec = [rows[n]["recall"] if rows[n]["recall"] is not None else np.nan for n in names]
    ax2.bar(x, rec, 0.6, color="#ff7f0e")
    for xi, v in zip(x, rec):
        if np.isnan(v):
            ax2.text(xi, 0.05, "not sampled", rotation=90, ha="center", va="bottom", fontsize=7, color="#555")
    ax2.axhline(1.0, color="#1f77b4", lw=1, ls="--")
    ax2.set_ylim(0, 1.05)
    ax2.set_ylabel("sampling recall")
    ax2.set_title(f"fraction of the exact patterns found by {N_SAMPLES} Gaussian draws (dashed: exact "
                  "enumeration, recall 1)", fontsize=9)
    ax2.grid(axis="y", alpha=0.3)
    ax2.set_xticks(x)
    ax2.set_xticklabels(names, rotation=70, ha="right", fontsize=7)


@register_suite("patterns", tags=("arrangement",),
                description="Exact activation patterns, regions and characteristic polynomials of the registered "
                            "arrangements (docs/theory.md §B)",
                figure=patterns_figure)
def patterns_checks(case, ctx):
    """Yield the checks of the ``patterns`` suite for one case (see the module notes)."""
    e, name = case.expected, case.name
    large = "large" in case.tags
    Xa = np.c_[case.X, np.ones(len(case.X), dtype=case.X.dtype)] if case.bias else case.X
    data = case_data(case, ctx)  # shared with the other generators of this case
    P = data.geq
    cert = {"certified": P.certified, "count_certificate": P.count_certificate, "bias": case.bias,
            "source": case.source, "enumerator_regions_found": P.n_regions,
            "enumerator_exact_regions": getattr(P, "exact_regions", None)}
    exp_patterns = e.get("patterns") if isinstance(e.get("patterns"), int) else None
    yield compare(CHECK_PATTERNS, P.count, exp_patterns, case=name, theorem="docs/theory.md §B.1–B.2",
                  certified=P.certified, details=cert, elapsed_s=P.seconds)
    if "pattern_set" in e:
        got, want = _bits(P.patterns), list(e["pattern_set"])
        witness = {"missing": sorted(set(want) - set(got)), "extra": sorted(set(got) - set(want))}
        yield compare("pattern set (ties=geq)", got, want, case=name, theorem="docs/theory.md §B.2",
                      certified=P.certified, witness=witness, details=cert)
    realizes, interior, dt = _witness_scan(Xa, P)
    yield _witness_check("witnesses realize their patterns (exact)", P, realizes, dt, case=name)
    R = None if large else data.regions
    if R is not None:
        r_realizes, r_interior, dt = _witness_scan(Xa, R)
        regions_ok = r_realizes & r_interior
        yield _witness_check("region witnesses are interior (exact)", R, regions_ok, dt, case=name)
        found = int(regions_ok.sum())  # distinct region patterns with an exactly verified interior witness
    else:
        found = int((realizes & interior).sum())
    certified = P.certified and (R is None or R.certified)
    cert = {**cert, "regions_found": found, "regions_found_how": "distinct patterns with an exactly verified "
            "interior witness (" + ("ties='regions' enumeration" if R is not None else "of ties='geq'") + ")"}
    yield compare(CHECK_REGIONS, found, e.get("regions"), case=name, theorem="docs/theory.md §B.2", certified=certified,
                  details=cert)
    if isinstance(e.get("patterns_minus_regions"), int):
        yield compare("patterns − regions", P.count - found, e["patterns_minus_regions"], case=name,
                      theorem="docs/theory.md §B.2", certified=certified, details=cert)
    if R is not None:
        yield compare("patterns (ties=regions)", R.count, e.get("regions"), case=name, theorem="docs/theory.md §B.1",
                      certified=R.certified, details={"certified": R.certified}, elapsed_s=R.seconds)
        geq = set(_bits(P.patterns))
        outside = [b for b in _bits(R.patterns) if b not in geq]
        yield compare("regions ⊆ patterns", not outside, True, case=name, theorem="docs/theory.md §B.1",
                      certified=P.certified and R.certified, witness={"not_in_geq": outside[:10]},
                      kind=CONSISTENCY, details={"why": "both enumerations share the region stage"})
    yield compare("rank", P.rank, e.get("rank"), case=name, theorem="docs/theory.md §B.2")
    yield compare("general position", P.general_position, e.get("general_position"), case=name,
                  theorem="docs/theory.md §B.2", certified=P.certified)
    t0 = time.perf_counter()
    chi = [int(c) for c in geom.characteristic_polynomial(Xa).all_coeffs()]
    dt = time.perf_counter() - t0
    yield compare("characteristic polynomial", chi, e.get("charpoly"), case=name, theorem="docs/theory.md §B.2",
                  details={"high_to_low": True}, elapsed_s=dt)
    deg = len(chi) - 1
    zaslavsky = abs(sum(c * (-1) ** (deg - i) for i, c in enumerate(chi)))
    by_charpoly = P.count_certificate == "charpoly"
    yield compare(CHECK_ZASLAVSKY, found, zaslavsky, case=name, theorem="docs/theory.md §B.2", certified=certified,
                  kind=CONSISTENCY if by_charpoly else THEOREM, elapsed_s=dt,
                  details={**cert, "zaslavsky": zaslavsky,
                           "independent": "no: the enumerator certified its count by this polynomial"
                           if by_charpoly else "yes: the enumerator's count certificate is "
                           f"{P.count_certificate!r}"})
    yield _gordan_check(case, P, Xa, found, certified)
    if not large:
        t0 = time.perf_counter()
        S = geom.sample_patterns(case.X, N_SAMPLES, seed=ctx.seed, bias=case.bias)
        recall = geom.pattern_recall(S, P)
        dt = time.perf_counter() - t0
        exact, sampled = set(_bits(P.patterns)), set(_bits(geom.to_numpy(S.patterns)))
        bogus = sorted(sampled - exact)
        yield compare("sampled ⊆ exact", not bogus, True, case=name, theorem="docs/theory.md §B.4",
                      certified=P.certified, witness={"not_in_exact": bogus[:10]}, elapsed_s=dt)
        yield Measurement(case=name, name=RECALL, value=recall, theorem="docs/theory.md §B.4", unit="fraction",
                          details={"n_samples": N_SAMPLES, "seed": ctx.seed, "sampled": S.count, "exact": P.count,
                                   "missed": len(exact - sampled), "tie_only": P.n_tie_only},
                          elapsed_s=dt)
