"""The ``convex`` suite: the convex program (C), its dual and the certificates, on the SPEC.md §I instances.

For each case tagged ``convex``, (C) is solved by :func:`geom.solve_convex` (exact pattern pool, ``X̃ = [X, 1]``
with ``bias``), and the following are checked (SPEC.md section in brackets):

* ``certified optimum`` — the solution is certified (exact pattern pool, relative gap ``≤ tol.gap``) [§C.3];
* ``p*``, ``y*``, ``ν*`` against the case's theory values [§I].  The tolerance is the case's stated precision
  plus what the certificate leaves open: ``|p − p*| ≤ gap`` (``p`` is the objective of a feasible point and the
  lower bound is ``≤ p*``), and ``‖ŷ − y*‖₂ ≤ √(2·gap)`` because the objective is 1-strongly convex in the fit
  (``½‖ŷ − y*‖² ≤ L(W) − p*``), likewise for ``ν = y − ŷ``.  The case's precision is ``expected["rtol"]``
  (relative), default :data:`SPEC_DIGITS_RTOL` for numbers typed in from SPEC.md;
* ``weak duality`` ``p − D(ν̃) ≥ 0`` up to rounding (:data:`ROUNDING_RTOL`) and ``strong duality`` ``rel gap ≤
  tol.gap`` [§C.1, §C.3];
* ``convention R`` ``ν* = y − y*``, and ``y*`` equals the fit ``Σ_k D_k X̃ (u_k − v_k)`` recomputed here [§C.1];
* ``primal feasibility`` ``u_k, v_k ∈ C_k``: the smallest ``(2D_k − I)_i x̃_iᵀu / (‖x̃_i‖·max‖u‖)``, decided
  against :data:`CONE_RTOL` [§A.2];
* ``dual feasibility`` ``φ(ν*) ≤ β + ‖X̃‖₂ √(2·gap)`` (``φ`` is ``‖X̃‖₂``-Lipschitz in ``ν``), with ``φ``
  recomputed here over all regions without screening, and the solver's reported ``φ`` against it [§C.2];
* ``complementary slackness (aggregate)`` ``β Σ_k(‖u_k‖ + ‖v_k‖) − ν*ᵀy*``, which is ``0`` at an optimum and lies
  in ``[min(0, (β − φ)·Σ‖u‖), max(gap, 0)]`` for any candidate [§C.1, §D.2];
* ``ψ`` [§A.4–A.5]: the convex objective of ``W`` equals ``L_β(ψ(W))`` and the fits agree (up to rounding
  plus the bound that the solver's residual cone infeasibility puts on the difference), ``p`` is
  ``L_β(ψ(W))``, ``ψ(W)`` is scaled and has width ``card(W) ≥ m*``;
* for every network of ``expected["nets"]``, :func:`geom.certify_net` (exact patterns) [§C.3]: the verdict, the
  objective, the certificate's lower bound and gap, the true gap ``L_β − p*``, the escape patterns with their
  signs and dual values (SPEC.md §I, I9: a Clarke-stationary saddle is rejected), and for an optimal network
  ``φ(ν̂) ≤ β(1 + tol.certificate)`` recomputed here.

A measurement records the solve time.  Nothing is ``holds`` without a comparison; when the solver did not reach
a certified optimum, every comparison that depends on it is ``inconclusive`` (never ``holds``, never
``violated``).

Examples
--------
>>> import cases
>>> from verify._suite import RunContext
>>> out = [r for r in convex_checks(cases.get_case("spec-I9"), RunContext()) if isinstance(r, CheckResult)]
>>> sorted({r.status.value for r in out})
['holds']
>>> [r.observed for r in out if r.check == "certificate verdict [stationary saddle (width 2)]"]
['violated']
"""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np

import geom

from .._result import CheckResult, Measurement, compare
from .._suite import register_suite

__all__ = ["convex_checks", "convex_figure", "SPEC_DIGITS_RTOL", "ROUNDING_RTOL", "CONE_RTOL", "CHECK_P",
           "SOLVE_TIME"]

#: Relative precision assumed for expected values typed in from SPEC.md (printed to 7 significant digits,
#: e.g. I4's ``p* = 0.06958725``) when a case does not state its own ``expected["rtol"]``.
SPEC_DIGITS_RTOL = 1e-6
#: Float64 rounding allowance, relative to ``max(1, |p*|)``, for identities that are exact in real arithmetic
#: (weak duality, ψ preserving the objective, ``ν* = y − y*``).
ROUNDING_RTOL = 1e-12
#: Cone feasibility slack, relative to ``‖x̃_i‖·max‖u‖``: ten times Clarabel's feasibility tolerance ``tol.solver``.
CONE_RTOL = 1e-9

CHECK_P = "p*"
SOLVE_TIME = "solve time"
_T_I, _T_C = "SPEC.md §I", "SPEC.md §C.1"


def _fit(Xa, patterns, U, V):
    """``Σ_k D_k X̃ (u_k − v_k)``."""
    return np.sum(patterns * ((U - V) @ Xa.T), axis=0) if len(U) else np.zeros(Xa.shape[0])


def _cone_slack(Xa, patterns, U, V):
    """``(margin, excess)`` of the cone constraints ``(2D_k − I) X̃ z ≥ 0`` over the nonzero slots ``z``.

    ``margin`` is the smallest ``(2D_k − I)_i x̃_iᵀ z / (‖x̃_i‖ · max_slots ‖z‖)`` (scale-relative, so that
    solver-noise slots of size 1e-11 are judged against the solution's scale, not their own); ``excess`` is
    ``Σ_z max_i max(0, −(2D_k − I)_i x̃_iᵀ z)``, which bounds ``|f_ψ(W)(X) − Σ_k D_k X̃(u_k − v_k)|`` entrywise
    (each slightly infeasible slot changes one ReLU output by at most its violation).
    """
    rows = np.linalg.norm(Xa, axis=1)
    rows = np.where(rows > 0, rows, 1.0)
    norms = np.concatenate([np.linalg.norm(U, axis=1), np.linalg.norm(V, axis=1)]) if len(U) else np.zeros(0)
    big = float(norms.max(initial=0.0))
    if big == 0.0:
        return np.inf, 0.0
    worst, excess = np.inf, 0.0
    for D, u, v in zip(patterns, U, V):
        S = np.where(D, 1.0, -1.0)[:, None] * Xa
        for z in (u, v):
            if np.any(z):
                t = S @ z
                worst = min(worst, float(np.min(t / rows)) / big)
                excess += float(np.max(-t, initial=0.0))
    return worst, max(excess, 0.0)


def _bool_check(name, ok, *, case, theorem, trusted, margin=None, tolerance=None, observed=None, expected=None,
                details=None, elapsed_s=0.0):
    """A decided inequality: ``compare(ok, True)`` with the observed/expected/margin/tolerance kept."""
    r = compare(name, bool(ok), True, case=case, theorem=theorem, certified=trusted, details=details,
                elapsed_s=elapsed_s, witness={"observed": observed, "bound": expected})
    return replace(r, observed=observed if observed is not None else r.observed,
                   expected=expected if expected is not None else r.expected, margin=margin, tolerance=tolerance)


def _net_checks(case, spec, X, y, beta, sol, trusted, rtol, ctx):
    label = f"[{spec['name']}]"
    net = geom.Net(np.asarray(spec["U"], float), np.asarray(spec["alpha"], float), bias=bool(spec["bias"]))
    t0 = time.perf_counter()
    cert = geom.certify_net(net, X, y, beta, patterns="exact", tol=ctx.tol)
    dt = time.perf_counter() - t0
    cd = cert.to_dict()
    details = {"reason": cert.reason, "rel_gap": cert.rel_gap, "phi": cert.phi, "n_patterns": cert.n_patterns,
               "tolerance": cert.tolerance}
    name = case.name
    yield compare(f"certificate verdict {label}", cert.verdict, spec.get("verdict"), case=name,
                  theorem="SPEC.md §C.3", certified=cert.verdict != "inconclusive", details=details, elapsed_s=dt,
                  witness={"escapes": cd["escapes"]})
    scale = max(1.0, abs(cert.objective))
    rnd = ROUNDING_RTOL * scale
    if spec.get("verdict") == "holds":  # an optimal net's residual is ν*, which is dual feasible
        Xa = geom.nets.augment(X, net.bias)
        phi = float(geom.dual_values(Xa, cert.nu, geom.enumerate_patterns(Xa, ties="regions").patterns).phi)
        bound = beta * (1.0 + ctx.tol.certificate)
        yield _bool_check(f"dual feasibility φ(ν̂) ≤ β {label}", phi <= bound, case=name, theorem="SPEC.md §C.2",
                          trusted=True, margin=bound - phi, tolerance=beta * ctx.tol.certificate, observed=phi,
                          expected=beta)
    if "objective" in spec:
        yield compare(f"L_β {label}", cert.objective, spec["objective"], case=name, theorem="SPEC.md §A.1",
                      tolerance=rtol * abs(spec["objective"]) + rnd)
    for key, title in (("lower_bound", "certificate lower bound D(ν̃)"), ("gap", "certificate gap")):
        if key in spec:
            yield compare(f"{title} {label}", getattr(cert, key), spec[key], case=name, theorem="SPEC.md §C.3",
                          tolerance=rtol * abs(spec[key]) + rnd)
    if "true_gap" in spec:
        yield compare(f"true gap L_β − p* {label}", cert.objective - sol.p_star, spec["true_gap"], case=name,
                      theorem="SPEC.md §C.3", certified=trusted,
                      tolerance=rtol * max(abs(spec["true_gap"]), abs(sol.p_star)) + max(sol.gap, 0.0) + rnd,
                      details={"p_star_computed": sol.p_star, "solver_gap": sol.gap})
    if "escapes" in spec:
        got = [{"pattern": e["pattern"], "sign": e["sign"]} for e in cd["escapes"]]
        want = [{"pattern": e["pattern"], "sign": e["sign"]} for e in spec["escapes"]]
        yield compare(f"escape patterns {label}", got, want, case=name, theorem="SPEC.md §C.3",
                      witness={"escapes": cd["escapes"]})
        if want and [g["pattern"] for g in got] == [w["pattern"] for w in want]:
            vals = [e["value"] for e in spec["escapes"]]
            yield compare(f"escape dual values {label}", [e["value"] for e in cd["escapes"]], vals, case=name,
                          theorem="SPEC.md §C.2–C.3", tolerance=rtol * max(map(abs, vals)) + rnd * beta)


def convex_figure(report: dict, fig) -> None:
    """From the report JSON: per case, the relative error of ``p*`` against theory, the certified relative
    duality gap and the tolerance used (log scale); below, the solve time."""
    rows = {}
    for r in report["results"]:
        if r["check"] == CHECK_P:
            obs, exp, tol = r["observed"], r["expected"], r["tolerance"]
            num = lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)  # noqa: E731
            err = abs(obs - exp) / max(abs(exp), 1e-300) if num(obs) and num(exp) else np.nan
            rel_tol = tol / max(abs(exp), 1e-300) if num(tol) and num(exp) else np.nan
            gap = r["details"].get("rel_gap")
            rows[r["case"]] = {"err": err, "gap": abs(gap) if num(gap) else np.nan, "tol": rel_tol,
                               "status": r["status"], "time": np.nan}
    for m in report.get("measurements", []):
        if m["name"] == SOLVE_TIME and m["case"] in rows:
            rows[m["case"]]["time"] = m["value"]
    names = list(rows)
    x = np.arange(len(names))
    floor = 1e-17  # exact agreement is drawn at the floor
    ax1, ax2 = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [2, 1]})
    w = 0.38
    err = np.array([max(rows[n]["err"], floor) for n in names]) if names else np.zeros(0)
    gap = np.array([max(rows[n]["gap"], floor) for n in names]) if names else np.zeros(0)
    colors = ["#1f77b4" if rows[n]["status"] == "holds" else "#e41a1c" for n in names]
    ax1.bar(x - w / 2, err, w, color=colors, label="|p* − p*_theory| / |p*_theory|  (red: check not 'holds')")
    ax1.bar(x + w / 2, gap, w, color="#ff7f0e", label="certified relative duality gap")
    ax1.scatter(x, [rows[n]["tol"] for n in names], marker="_", s=300, color="k", zorder=3,
                label="tolerance of the p* check (relative)")
    ax1.set_yscale("log")
    ax1.set_ylim(floor / 2, 1.0)
    ax1.set_ylabel("relative error (log; 1e-17 = exact)")
    ax1.set_title(f"Convex program (C): p* against theory (suite '{report['suite']}')")
    ax1.legend(fontsize=8, loc="upper right", frameon=False)
    ax1.grid(axis="y", alpha=0.3)
    ax2.bar(x, [1e3 * rows[n]["time"] for n in names], 0.6, color="#4daf4a")
    ax2.set_ylabel("solve time (ms)")
    ax2.grid(axis="y", alpha=0.3)
    ax2.set_xticks(x)
    ax2.set_xticklabels(names, rotation=70, ha="right", fontsize=7)


@register_suite("convex", tags=("convex",),
                description="The convex program (C), its dual and global-optimality certificates on the SPEC.md §I "
                            "instances (SPEC.md §A.3–A.5, §C)",
                figure=convex_figure)
def convex_checks(case, ctx):
    """Yield the checks of the ``convex`` suite for one case (see the module notes)."""
    name, e = case.name, case.expected
    X, y, beta = np.asarray(case.X, float), np.asarray(case.y, float), float(case.beta)
    rtol = float(e.get("rtol", SPEC_DIGITS_RTOL))
    sol = geom.solve_convex(X, y, beta, bias=case.bias, tol=ctx.tol)
    secs = float(sol.stats.get("seconds", 0.0))
    trusted = bool(sol.certified)
    gap = max(float(sol.gap), 0.0)
    scale = max(1.0, abs(sol.p_star))
    rnd = ROUNDING_RTOL * scale
    Xa = geom.nets.augment(X, case.bias)
    info = {"status": sol.status, "rel_gap": sol.rel_gap, "gap": sol.gap, "case_rtol": rtol,
            "pattern_source": sol.pattern_source, "rounds": sol.stats.get("rounds"),
            "working_set": sol.stats.get("working_set"), "pool": sol.stats.get("pool")}
    yield Measurement(case=name, name=SOLVE_TIME, value=secs, theorem="SPEC.md §A.3", unit="s",
                      details={**info, "neurons": sol.neurons}, elapsed_s=secs)

    yield compare("certified optimum", sol.certified, True, case=name, theorem="SPEC.md §C.3",
                  certified=sol.status == "optimal", details=info, elapsed_s=secs)
    # values against theory
    if "p_star" in e:
        yield compare(CHECK_P, sol.p_star, e["p_star"], case=name, theorem=_T_I, certified=trusted,
                      tolerance=rtol * abs(e["p_star"]) + gap + rnd, details=info)
    else:
        yield compare(CHECK_P, sol.p_star, None, case=name, theorem=_T_I)
    fit_tol = np.sqrt(2.0 * gap)
    for key, value in (("y_star", sol.y_star), ("nu_star", sol.nu_star)):
        want = e.get(key)
        tol = None if want is None else rtol * float(np.max(np.abs(want), initial=0.0)) + fit_tol + rnd
        yield compare({"y_star": "y*", "nu_star": "ν*"}[key], np.asarray(value).tolist(), want, case=name,
                      theorem=_T_I, certified=trusted, tolerance=tol,
                      details={"bound": "‖ŷ − y*‖₂ ≤ √(2·gap) + case precision", "gap": sol.gap})
    # duality
    yield _bool_check("weak duality p ≥ D(ν̃)", sol.gap >= -rnd, case=name, theorem="SPEC.md §C.3",
                      trusted=True, margin=sol.gap, tolerance=rnd, observed=sol.p_star, expected=sol.lower_bound)
    yield _bool_check("strong duality: rel gap ≤ tol.gap", sol.rel_gap <= ctx.tol.gap, case=name,
                      theorem="SPEC.md §C.1", trusted=sol.status == "optimal", margin=ctx.tol.gap - sol.rel_gap,
                      tolerance=ctx.tol.gap, observed=sol.rel_gap, expected=ctx.tol.gap)
    fit = _fit(Xa, sol.patterns, sol.U, sol.V)
    yield compare("y* = Σ D_k X̃(u_k − v_k)", sol.y_star.tolist(), fit.tolist(), case=name, theorem="SPEC.md §A.3",
                  tolerance=rnd)
    yield compare("convention R: ν* = y − y*", sol.nu_star.tolist(), (y - sol.y_star).tolist(), case=name,
                  theorem=_T_C, tolerance=rnd)
    margin, excess = _cone_slack(Xa, sol.patterns, sol.U, sol.V)
    yield _bool_check("primal feasibility u_k, v_k ∈ C_k", margin >= -CONE_RTOL, case=name,
                      theorem="SPEC.md §A.2", trusted=True, margin=margin, tolerance=CONE_RTOL,
                      observed=margin if np.isfinite(margin) else None, expected=0.0,
                      details={"excess": excess, "margin": "min (2D−I)x̃ᵀz / (‖x̃‖ max‖z‖)"})
    # φ(ν*) recomputed here over the exact regions, every entry projected (no screening threshold)
    pool = geom.enumerate_patterns(Xa, ties="regions").patterns
    phi = float(geom.dual_values(Xa, sol.nu_star, pool).phi)
    yield compare("reported φ(ν*)", sol.phi, phi, case=name, theorem="SPEC.md §C.2", tolerance=ROUNDING_RTOL * beta,
                  details={"n_regions": int(pool.shape[0])})
    x_norm = float(np.linalg.norm(Xa, 2))
    bound = beta + x_norm * fit_tol + ROUNDING_RTOL * beta
    yield _bool_check("dual feasibility φ(ν*) ≤ β", phi <= bound, case=name, theorem="SPEC.md §C.2",
                      trusted=trusted, margin=bound - phi, tolerance=bound - beta, observed=phi, expected=beta)
    penalty = float(np.sum(np.linalg.norm(sol.U, axis=1)) + np.sum(np.linalg.norm(sol.V, axis=1)))
    cs = beta * penalty - float(sol.nu_star @ sol.y_star)
    lo, hi = min(0.0, (beta - phi) * penalty) - rnd, gap + rnd
    yield _bool_check("complementary slackness: βΣ‖u‖ = ν*ᵀy*", lo <= cs <= hi, case=name,
                      theorem="SPEC.md §C.1, §D.2", trusted=trusted, margin=cs, tolerance=max(hi, -lo),
                      observed=cs, expected=[lo, hi])
    # ψ (SPEC.md §A.4–A.5)
    # ψ is exact on feasible W; the solver's residual cone infeasibility (``excess``) enters the tolerances
    net = sol.to_net()
    convex_obj = 0.5 * float(np.sum((fit - y) ** 2)) + beta * penalty
    net_obj = float(net.objective(X, y, beta)) if net.width else 0.5 * float(y @ y)
    out = np.asarray(net.output(X)) if net.width else np.zeros_like(y)
    d_fit = excess * np.sqrt(len(y))  # ‖f_ψ − fit‖₂ bound
    psi_details = {"cone_excess": excess}
    yield compare("ψ preserves the objective", net_obj, convex_obj, case=name, theorem="SPEC.md §A.5",
                  tolerance=rnd + d_fit * (float(np.linalg.norm(fit - y)) + d_fit), details=psi_details)
    yield compare("ψ preserves the fit", out.tolist(), fit.tolist(), case=name, theorem="SPEC.md §A.5",
                  tolerance=rnd + excess, details=psi_details)
    yield compare("p* = L_β(ψ(W))", sol.p_star, net_obj, case=name, theorem="SPEC.md §A.5", tolerance=rnd)
    yield compare("ψ(W) is scaled", net.is_scaled(rtol=ROUNDING_RTOL), True, case=name, theorem="SPEC.md §A.4")
    yield compare("width of ψ(W) = card(W)", net.width, sol.neurons, case=name, theorem="SPEC.md §A.5")
    if "m_star" in e:
        yield _bool_check("card(W) ≥ m*", sol.neurons >= e["m_star"], case=name, theorem="SPEC.md §A.3",
                          trusted=trusted, observed=sol.neurons, expected=e["m_star"])
    # certificates of given networks (SPEC.md §C.3, §I I9)
    for spec in e.get("nets", ()):
        yield from _net_checks(case, spec, X, y, beta, sol, trusted, rtol, ctx)
