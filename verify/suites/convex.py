"""The ``convex`` suite: the convex program (C), its dual and the certificates, on the docs/theory.md §I instances.

For each case tagged ``convex``, the exact regions are enumerated once and (C) is solved on them by
:func:`geom.solve_convex` (``X̃ = [X, 1]`` with ``bias``); the same pool serves the certificates and ``φ``.  Every check is a *theorem* check, decided against theory values or against quantities
recomputed here independently of the solver, or a *consistency* check (``kind="consistency"``, counted apart in
the reports), which compares a quantity with something the solver computed from it.  docs/theory.md sections in
brackets.

Independent quantities.  ``φ(ν)`` is recomputed over the exact regions by one conic program (cvxpy/Clarabel,
:func:`phi_conic`): ``max_{u ∈ C_k, ‖u‖ ≤ 1} ±νᵀD_k X̃ u`` for every pattern and sign, with a rigorous upper bound
``‖g + B_kᵀλ‖`` from its multipliers ``λ ≥ 0`` (Lagrange duality); it is ``not applicable`` without cvxpy or
beyond :data:`CONIC_MAX_PATTERNS` regions.  From it, ``ν̃ = ν · min(1, β/φ̄)`` (``ν = y − fit(W)``) is dual
feasible and ``g = L_β(ψ(W)) − D(ν̃)`` is a gap bound obtained without the solver's own certificate.

Theorem checks:

* ``p*``, ``y*``, ``ν*`` against the case's theory values [§I].  The tolerance is the case's stated precision
  plus what the gap ``g`` leaves open: ``|p − p*| ≤ g`` and ``‖ŷ − y*‖₂ ≤ √(2g)`` (the objective is 1-strongly
  convex in the fit), likewise for ``ν = y − ŷ``.  The case's precision is ``expected["rtol"]`` (relative),
  default :data:`SPEC_DIGITS_RTOL`;
* ``weak duality`` ``L_β(ψ(W)) − D(ν̃) ≥ 0`` up to rounding (:data:`ROUNDING_RTOL`) and ``strong duality``
  ``g / max(1, |p|) ≤ tol.gap``, both with the independent ``φ`` [§C.1, §C.3];
* ``primal feasibility`` ``u_k, v_k ∈ C_k``: the smallest ``(2D_k − I)_i x̃_iᵀu / (‖x̃_i‖·max‖u‖)``, decided
  against :data:`CONE_RTOL` [§A.2];
* ``dual feasibility`` ``φ(ν) ≤ β + ‖X̃‖₂ √(2g)`` with the conic ``φ`` (``φ`` is ``‖X̃‖₂``-Lipschitz and
  ``φ(ν*) ≤ β``): ``holds`` when its upper bound is below, ``violated`` when its value is above [§C.2];
* ``φ: conic maximum = ‖Π_C(·)‖`` (Moreau, §C.2): the per-pattern values of :func:`geom.dual_values` (NNLS
  projections) equal the conic maxima, within the conic solve's own bracket plus :data:`CONIC_ATOL`;
* ``complementary slackness (every slot)`` [§C.1]: ``ν ᵀD_k X̃ u_k = β‖u_k‖`` and ``−νᵀD_k X̃ v_k = β‖v_k‖`` for
  every nonzero slot.  The residual is the derivative of the objective along the slot's scaling, a convex
  quadratic in the scale, so ``|r_k| ≤ ‖D_k X̃ z_k‖ √(2g) + 2g`` at any point within ``g`` of ``p*``;
* ``stationarity (every slot)`` [§C.1–C.2]: ``Π_{C_k}(±X̃ᵀD_k ν) = β z_k/‖z_k‖``, the projection computed here
  by NNLS on all ``n`` rows (docs/theory.md §C.2 recipe).  Since ``ẑᵀΠ(g) ≥ ẑᵀg`` on the cone,
  ``‖Π(g) − βẑ‖² ≤ φ_k² − β² − 2β r_k/‖z_k‖``, which gives the tolerance from the two above (loose by nature:
  of order ``g^{1/4}``; it catches a wrong cone, sign or direction);
* ``ψ preserves the objective`` and ``the fit``: the network's ReLU output against ``Σ_k D_k X̃ (u_k − v_k)``
  (up to rounding plus the bound that the residual cone infeasibility puts on the difference) [§A.5];
  ``card(W) ≥ m*`` [§A.3];
* for every network of ``expected["nets"]``, :func:`geom.certify_net` (exact patterns) [§C.3]: the verdict, the
  objective, the certificate's lower bound and gap, the true gap ``L_β − p*``, the escape patterns with their
  signs and dual values (docs/theory.md §I, I9: a Clarke-stationary saddle is rejected), and for an optimal network
  the dual feasibility ``φ(ν̂) ≤ β(1 + tol.certificate)`` with the conic ``φ``.

Consistency checks (true by construction of the solver's output): ``certified optimum`` (the solver's own flag,
from its own gap), ``y* = Σ D_k X̃(u_k − v_k)`` (``y*`` is that fit), ``convention R`` (``ν*`` is ``y − y*``),
``reported φ(ν*)`` (the solver's screened ``φ`` against an unscreened :func:`geom.dual_values`),
``p* = L_β(ψ(W))`` (``p*`` is evaluated so), ``ψ(W) is scaled`` and ``width of ψ(W) = card(W)`` (both by the
definition of ψ).

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
import warnings
from dataclasses import replace

import numpy as np
from scipy.optimize import nnls

import geom
from geom.tolerances import gamma

from .._result import CONSISTENCY, CheckResult, Measurement, Status, compare
from .._suite import register_suite
from ._data import case_data

__all__ = ["convex_checks", "convex_figure", "phi_conic", "SPEC_DIGITS_RTOL", "ROUNDING_RTOL", "CONE_RTOL",
           "CONIC_ATOL", "CONIC_MAX_PATTERNS", "CHECK_P", "SOLVE_TIME"]

#: Relative precision assumed for expected values typed in from docs/theory.md (printed to 7 significant digits,
#: e.g. I4's ``p* = 0.06958725``) when a case does not state its own ``expected["rtol"]``.
SPEC_DIGITS_RTOL = 1e-6
#: Float64 rounding allowance, relative to ``max(1, |p*|)``, for identities that are exact in real arithmetic
#: (weak duality, ψ preserving the objective, ``ν* = y − y*``).
ROUNDING_RTOL = 1e-12
#: Cone feasibility slack, relative to ``‖x̃_i‖·max‖u‖``: ten times Clarabel's feasibility tolerance ``tol.solver``.
CONE_RTOL = 1e-9
#: Allowance, relative to ``max(1, ‖g‖)``, for the value of the independent conic solve of ``φ`` (its maximizer
#: is feasible only up to Clarabel's tolerance, set to 1e-12, so its value may exceed the true maximum slightly).
CONIC_ATOL = 1e-8
#: The independent conic solve of ``φ`` runs when the exact region pool has at most this many patterns (one
#: second-order cone per pattern and sign); beyond, the checks that need it are ``not applicable``.
CONIC_MAX_PATTERNS = 512
_CLARABEL = {"tol_gap_abs": 1e-12, "tol_gap_rel": 1e-12, "tol_feas": 1e-12}

CHECK_P = "p*"
SOLVE_TIME = "solve time"
_T_I, _T_C = "docs/theory.md §I", "docs/theory.md §C.1"


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
                m = float(np.min(t / rows)) / big
                if not (m >= worst):  # a NaN slot makes the margin NaN (``min`` would skip it)
                    worst = m
                excess += float(np.max(-t, initial=0.0))
    return worst, max(excess, 0.0)


def phi_conic(Xa, nu, patterns):
    """``φ(ν)`` over ``patterns`` by one conic program, independent of :mod:`geom.cones` (docs/theory.md §C.2).

    For every pattern ``k`` and sign ``±``: ``max ±νᵀD_k X̃ u`` s.t. ``(2D_k − I) X̃ u ≥ 0``, ``‖u‖ ≤ 1`` (the blocks
    are independent, so one program maximizing their sum solves them all), by cvxpy with Clarabel.  The
    multipliers ``λ ≥ 0`` of the cone rows give a rigorous upper bound ``‖g + B_kᵀλ‖ ≥ max`` of each block
    (Lagrange duality; ``g = ±X̃ᵀD_kν``, ``B_k = (2D_k − I)X̃``).

    Parameters
    ----------
    Xa : ndarray (n, d)
        Data (with the ones column for a regularized bias).
    nu : ndarray (n,)
    patterns : ndarray of bool (P, n)

    Returns
    -------
    (dict or None, str or None)
        ``({"values", "upper"}`` of shape ``(P, 2)`` (columns ``+``, ``−``), ``"phi"``, ``"phi_upper"``,
        ``"n_patterns"``, ``"solver"``, ``"status"}, None)``, or ``(None, reason)`` when cvxpy is missing, the
        pool exceeds :data:`CONIC_MAX_PATTERNS`, the solve fails or its values are not finite.  Clarabel runs at 1e-12; an
        ``"optimal_inaccurate"`` end is accepted (the upper bound holds for any ``λ ≥ 0``; on 40 random small
        instances the values stayed within 4e-10 of the exact ones, well inside :data:`CONIC_ATOL`).

    Examples
    --------
    >>> out, why = phi_conic(np.array([[-1.0], [1.0]]), np.array([0.5, 0.5]), np.array([[0, 1], [1, 0]], bool))
    >>> (np.round(out["values"], 8) + 0.0).tolist(), out["phi_upper"] >= out["phi"] - 1e-12   # docs/theory.md §I, I1
    ([[0.5, 0.0], [0.5, 0.0]], True)
    """
    try:
        import cvxpy as cp
    except ImportError:
        return None, "the independent conic solve needs cvxpy (pip install 'relu-landscape[test]')"
    Xa, nu = np.asarray(Xa, float), np.asarray(nu, float)
    P = int(patterns.shape[0])
    if P > CONIC_MAX_PATTERNS:
        return None, f"{P} region patterns exceed CONIC_MAX_PATTERNS = {CONIC_MAX_PATTERNS}"
    D = np.vstack([patterns, patterns]).astype(float)  # (2P, n): + blocks, then − blocks
    sign = np.r_[np.ones(P), -np.ones(P)]
    G = sign[:, None] * ((D * nu) @ Xa)  # rows g = ±X̃ᵀD_kν
    S = 2.0 * D - 1.0
    U = cp.Variable((Xa.shape[1], 2 * P))
    cone = cp.multiply(S.T, Xa @ U) >= 0
    prob = cp.Problem(cp.Maximize(cp.sum(cp.multiply(G.T, U))), [cone, cp.norm(U, 2, axis=0) <= 1])
    try:
        with warnings.catch_warnings():  # "optimal_inaccurate" is handled: the upper bound stays rigorous
            warnings.simplefilter("ignore", UserWarning)
            prob.solve(solver=cp.CLARABEL, **_CLARABEL)
    except cp.error.SolverError as exc:
        return None, f"the conic solve failed: {' '.join(str(exc).split())}"
    if prob.status not in (cp.OPTIMAL, cp.OPTIMAL_INACCURATE) or U.value is None or cone.dual_value is None:
        return None, f"the conic solve ended with status {prob.status!r}"
    values = np.einsum("jd,dj->j", G, U.value)
    lam = np.maximum(np.asarray(cone.dual_value, float), 0.0)  # (n, 2P)
    # ‖g + B_kᵀλ‖ in float64, plus Higham's γ_{n+d+2} on the absolute sums: a rigorous upper bound
    upper = (np.linalg.norm(G + (S * lam.T) @ Xa, axis=1)
             + gamma(Xa.shape[0] + Xa.shape[1] + 2) * np.linalg.norm(np.abs(G) + lam.T @ np.abs(Xa), axis=1))
    if not (np.all(np.isfinite(values)) and np.all(np.isfinite(upper))):  # no bound to scale ν by
        return None, "the conic solve gave non-finite values or upper bounds of φ"
    return {"values": values.reshape(2, P).T, "upper": upper.reshape(2, P).T, "phi": float(values.max(initial=0.0)),
            "phi_upper": float(upper.max(initial=0.0)), "n_patterns": P, "solver": "cvxpy/CLARABEL",
            "status": prob.status}, None


def _dual_feasibility(name, conic, reason, bound, beta, *, case, theorem, trusted, details=None):
    """``φ(ν) ≤ bound`` with the conic ``φ``: ``holds`` when its upper bound is below, ``violated`` when its value
    (less :data:`CONIC_ATOL`) is above, else ``inconclusive``."""
    if conic is None:
        return compare(name, None, None, case=case, theorem=theorem, details={"precondition": reason})
    phi, up = conic["phi"], conic["phi_upper"]
    details = {**(details or {}), "phi_upper": up, "bound": bound, "n_regions": conic["n_patterns"],
               "phi_from": f"{conic['solver']} ({conic['status']})"}
    if up <= bound:
        status = Status.HOLDS if trusted else Status.INCONCLUSIVE
    elif phi - CONIC_ATOL * max(1.0, phi) > bound:
        status = Status.VIOLATED if trusted else Status.INCONCLUSIVE
    else:
        status = Status.INCONCLUSIVE
    if not trusted:
        details["reason"] = "computation not certified"
    return CheckResult(case=case, check=name, theorem=theorem, status=status, observed=phi, expected=beta,
                       margin=bound - up, tolerance=bound - beta, details=details,
                       witness=None if status is Status.HOLDS else {"phi": phi, "phi_upper": up, "bound": bound})


def _moreau_check(Xa, nu, pool, conic, reason, *, case):
    """The NNLS projections of :func:`geom.dual_values` against the conic maxima, pattern by pattern."""
    name, theorem = "φ: conic maximum = ‖Π_C(±X̃ᵀDν)‖ (every region)", "docs/theory.md §C.2"
    if conic is None:
        return compare(name, None, None, case=case, theorem=theorem, details={"precondition": reason})
    nnls_vals = np.asarray(geom.dual_values(Xa, nu, pool).values, float)
    G = np.linalg.norm((pool * nu) @ Xa, axis=1)[:, None]
    allow = (conic["upper"] - conic["values"]) + CONIC_ATOL * np.maximum(1.0, G)
    err = np.abs(nnls_vals - conic["values"]) - allow
    k = np.unravel_index(int(np.argmax(err)), err.shape)
    ok = bool(np.all(err <= 0))
    r = compare(name, ok, True, case=case, theorem=theorem,
                witness={"pattern": "".join("1" if b else "0" for b in pool[k[0]]), "sign": "+-"[k[1]],
                         "nnls": float(nnls_vals[k]), "conic": float(conic["values"][k]),
                         "conic_upper": float(conic["upper"][k])},
                details={"n_regions": int(pool.shape[0]), "max_abs_difference":
                         float(np.max(np.abs(nnls_vals - conic["values"]), initial=0.0))})
    return replace(r, observed=float(np.max(np.abs(nnls_vals - conic["values"]), initial=0.0)), expected=0.0,
                   margin=-float(err[k]), tolerance=float(allow[k]))


def _slots(Xa, beta, sol, nu, g, eps_phi):
    """Per nonzero slot ``z`` (``u_k``: sign +1, ``v_k``: −1): the complementary-slackness residual
    ``r = ±νᵀD_k X̃ z − β‖z‖`` and its tolerance, the stationarity residual ``‖Π_{C_k}(±X̃ᵀD_kν) − βz/‖z‖‖`` and its
    tolerance (see the module notes; ``g`` is the gap bound, ``eps_phi`` the allowance on ``φ(ν) − β``)."""
    rows = []
    xnorm = np.linalg.norm(Xa, axis=1)
    xnorm = np.where(xnorm > 0, xnorm, 1.0)
    for D, u, v in zip(sol.patterns, sol.U, sol.V):
        Dm = np.asarray(D, bool)
        B = np.where(Dm, 1.0, -1.0)[:, None] * Xa
        for sign, z in ((1.0, u), (-1.0, v)):
            nz = float(np.linalg.norm(z))
            if nz == 0.0:
                continue
            a = np.where(Dm, Xa @ z, 0.0)
            na = float(np.linalg.norm(a))
            rnd = ROUNDING_RTOL * max(1.0, float(np.linalg.norm(nu)) * na, beta * nz)
            r = sign * float(nu @ a) - beta * nz
            tol_cs = na * np.sqrt(2.0 * g) + 2.0 * g + rnd
            gk = sign * (Xa.T @ np.where(Dm, nu, 0.0))
            lam, _ = nnls(B.T, -gk, maxiter=50 * max(B.shape))
            proj = gk + B.T @ lam
            stat = float(np.linalg.norm(proj - beta * z / nz))
            outside = max(0.0, -float(np.min((B @ z) / (xnorm * nz), initial=0.0)))
            tol_st = float(np.sqrt(2.0 * beta * eps_phi + eps_phi ** 2 + 2.0 * beta * tol_cs / nz
                                   + 2.0 * beta * float(np.linalg.norm(gk)) * outside)) + rnd
            rows.append({"pattern": "".join("1" if b else "0" for b in Dm), "sign": "+" if sign > 0 else "-",
                         "norm": nz, "cs_residual": r, "cs_tolerance": tol_cs, "stationarity_residual": stat,
                         "stationarity_tolerance": tol_st})
    return rows


def _slot_check(name, rows, key, *, case, theorem, trusted, details):
    """One check over every slot: ``|residual| ≤ tolerance`` for each (``not applicable`` without a slot)."""
    if not rows:
        return compare(name, None, None, case=case, theorem=theorem, details={"precondition": "no nonzero slot"})
    res = [abs(r[f"{key}_residual"]) for r in rows]
    tols = [r[f"{key}_tolerance"] for r in rows]
    worst = int(np.argmax([x - t for x, t in zip(res, tols)]))
    ok = all(x <= t for x, t in zip(res, tols))
    r = compare(name, ok, True, case=case, theorem=theorem, certified=trusted, witness={"slot": rows[worst]},
                details={**details, "slots": rows})
    return replace(r, observed=max(res), expected=0.0, margin=tols[worst] - res[worst], tolerance=tols[worst])


def _bool_check(name, ok, *, case, theorem, trusted, margin=None, tolerance=None, observed=None, expected=None,
                details=None, elapsed_s=0.0):
    """A decided inequality: ``compare(ok, True)`` with the observed/expected/margin/tolerance kept."""
    r = compare(name, bool(ok), True, case=case, theorem=theorem, certified=trusted, details=details,
                elapsed_s=elapsed_s, witness={"observed": observed, "bound": expected})
    return replace(r, observed=observed if observed is not None else r.observed,
                   expected=expected if expected is not None else r.expected, margin=margin, tolerance=tolerance)


def _net_checks(case, spec, X, y, beta, sol, trusted, rtol, ctx, regions):
    label = f"[{spec['name']}]"
    net = geom.Net(np.asarray(spec["U"], float), np.asarray(spec["alpha"], float), bias=bool(spec["bias"]))
    t0 = time.perf_counter()
    same = net.bias == case.bias  # the case's exact regions serve the certificate too
    cert = geom.certify_net(net, X, y, beta, patterns=regions if same else "exact", tol=ctx.tol)
    dt = time.perf_counter() - t0
    cd = cert.to_dict()
    details = {"reason": cert.reason, "rel_gap": cert.rel_gap, "phi": cert.phi, "n_patterns": cert.n_patterns,
               "tolerance": cert.tolerance}
    name = case.name
    yield compare(f"certificate verdict {label}", cert.verdict, spec.get("verdict"), case=name,
                  theorem="docs/theory.md §C.3", certified=cert.verdict != "inconclusive", details=details, elapsed_s=dt,
                  witness={"escapes": cd["escapes"]})
    scale = max(1.0, abs(cert.objective))
    rnd = ROUNDING_RTOL * scale
    if spec.get("verdict") == "holds":  # an optimal net's residual is ν*, which is dual feasible
        Xa = geom.nets.augment(X, net.bias)
        net_pool = regions.patterns if same else geom.enumerate_patterns(Xa, ties="regions").patterns
        conic, why = phi_conic(Xa, np.asarray(cert.nu, float), net_pool)
        yield _dual_feasibility(f"dual feasibility φ(ν̂) ≤ β {label}", conic, why,
                                beta * (1.0 + ctx.tol.certificate), beta, case=name, theorem="docs/theory.md §C.2",
                                trusted=True)
    if "objective" in spec:
        yield compare(f"L_β {label}", cert.objective, spec["objective"], case=name, theorem="docs/theory.md §A.1",
                      tolerance=rtol * abs(spec["objective"]) + rnd)
    for key, title in (("lower_bound", "certificate lower bound D(ν̃)"), ("gap", "certificate gap")):
        if key in spec:
            yield compare(f"{title} {label}", getattr(cert, key), spec[key], case=name, theorem="docs/theory.md §C.3",
                          tolerance=rtol * abs(spec[key]) + rnd)
    if "true_gap" in spec:
        yield compare(f"true gap L_β − p* {label}", cert.objective - sol.p_star, spec["true_gap"], case=name,
                      theorem="docs/theory.md §C.3", certified=trusted,
                      tolerance=rtol * max(abs(spec["true_gap"]), abs(sol.p_star)) + max(sol.gap, 0.0) + rnd,
                      details={"p_star_computed": sol.p_star, "solver_gap": sol.gap})
    if "escapes" in spec:
        got = [{"pattern": e["pattern"], "sign": e["sign"]} for e in cd["escapes"]]
        want = [{"pattern": e["pattern"], "sign": e["sign"]} for e in spec["escapes"]]
        yield compare(f"escape patterns {label}", got, want, case=name, theorem="docs/theory.md §C.3",
                      witness={"escapes": cd["escapes"]})
        if want and [g["pattern"] for g in got] == [w["pattern"] for w in want]:
            vals = [e["value"] for e in spec["escapes"]]
            yield compare(f"escape dual values {label}", [e["value"] for e in cd["escapes"]], vals, case=name,
                          theorem="docs/theory.md §C.2–C.3", tolerance=rtol * max(map(abs, vals)) + rnd * beta)


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
                description="The convex program (C), its dual and global-optimality certificates on the docs/theory.md §I "
                            "instances (docs/theory.md §A.3–A.5, §C)",
                figure=convex_figure)
def convex_checks(case, ctx):
    """Yield the checks of the ``convex`` suite for one case (see the module notes)."""
    name, e = case.name, case.expected
    X, y, beta = np.asarray(case.X, float), np.asarray(case.y, float), float(case.beta)
    rtol = float(e.get("rtol", SPEC_DIGITS_RTOL))
    Xa = geom.nets.augment(X, case.bias)
    data = case_data(case, ctx)  # the exact regions and (C), once per case, shared with the other generators
    regions, sol = data.regions, data.solution
    pool = regions.patterns
    secs = float(sol.stats.get("seconds", 0.0))
    trusted = bool(sol.certified)
    info = {"status": sol.status, "rel_gap": sol.rel_gap, "gap": sol.gap, "case_rtol": rtol,
            "pattern_source": sol.pattern_source, "pool_certified": sol.pool_certified,
            "rounds": sol.stats.get("rounds"),
            "working_set": sol.stats.get("working_set"), "pool": sol.stats.get("pool")}
    yield Measurement(case=name, name=SOLVE_TIME, value=secs, theorem="docs/theory.md §A.3", unit="s",
                      details={**info, "neurons": sol.neurons}, elapsed_s=secs)
    yield compare("certified optimum", sol.certified, True, case=name, theorem="docs/theory.md §C.3",
                  certified=sol.status == "optimal", details=info, elapsed_s=secs, kind=CONSISTENCY)

    # the candidate W = (U, V), evaluated here: its fit, residual, convex objective and network ψ(W)
    fit = _fit(Xa, sol.patterns, sol.U, sol.V)
    nu = y - fit
    penalty = float(np.sum(np.linalg.norm(sol.U, axis=1)) + np.sum(np.linalg.norm(sol.V, axis=1)))
    convex_obj = 0.5 * float(np.sum((fit - y) ** 2)) + beta * penalty
    net = sol.to_net()
    net_obj = float(net.objective(X, y, beta)) if net.width else 0.5 * float(y @ y)
    scale = max(1.0, abs(net_obj))
    rnd = ROUNDING_RTOL * scale
    # the independent dual bound: ν̃ = ν min(1, β/φ̄) with φ̄ from the conic solve
    t0 = time.perf_counter()
    conic, why = phi_conic(Xa, nu, pool)
    t_conic = time.perf_counter() - t0
    if conic is not None:
        phi_up = conic["phi_upper"]
        nu_t = nu * min(1.0, beta / phi_up) if phi_up > 0 else nu
        lower = float(nu_t @ y - 0.5 * nu_t @ nu_t)
        gap_ind = net_obj - lower
        gap, gap_from = max(gap_ind, 0.0), "independent (conic φ)"
        gap_w = max(convex_obj - lower, 0.0)  # of the convex objective at W, for the slot checks
    else:
        lower = gap_ind = None
        gap, gap_from = max(float(sol.gap), 0.0), "the solver's certificate (no independent φ: " + why + ")"
        gap_w = gap
    info = {**info, "gap_bound": gap, "gap_bound_from": gap_from}
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
                      details={"bound": "‖ŷ − y*‖₂ ≤ √(2·gap) + case precision", "gap_bound": gap,
                               "gap_bound_from": gap_from})
    # duality, with the independent dual bound
    duality = {"lower_bound": lower, "phi_upper": None if conic is None else conic["phi_upper"],
               "solver_lower_bound": sol.lower_bound, "elapsed_conic_s": t_conic}
    if conic is None:
        yield compare("weak duality L_β(ψ(W)) ≥ D(ν̃)", None, None, case=name, theorem="docs/theory.md §C.3",
                      details={"precondition": why})
        yield compare("strong duality: rel gap ≤ tol.gap", None, None, case=name, theorem="docs/theory.md §C.1",
                      details={"precondition": why})
    else:
        yield _bool_check("weak duality L_β(ψ(W)) ≥ D(ν̃)", gap_ind >= -rnd, case=name, theorem="docs/theory.md §C.3",
                          trusted=True, margin=gap_ind, tolerance=rnd, observed=net_obj, expected=lower,
                          details=duality)
        rel = gap_ind / scale
        yield _bool_check("strong duality: rel gap ≤ tol.gap", rel <= ctx.tol.gap, case=name,
                          theorem="docs/theory.md §C.1", trusted=sol.status == "optimal", margin=ctx.tol.gap - rel,
                          tolerance=ctx.tol.gap, observed=rel, expected=ctx.tol.gap,
                          details={**duality, "solver_rel_gap": sol.rel_gap})
    margin, excess = _cone_slack(Xa, sol.patterns, sol.U, sol.V)
    yield _bool_check("primal feasibility u_k, v_k ∈ C_k", margin >= -CONE_RTOL, case=name,
                      theorem="docs/theory.md §A.2", trusted=True, margin=margin, tolerance=CONE_RTOL,
                      observed=margin if np.isfinite(margin) else None, expected=0.0,
                      details={"excess": excess, "margin": "min (2D−I)x̃ᵀz / (‖x̃‖ max‖z‖)"})
    x_norm = float(np.linalg.norm(Xa, 2))
    eps_phi = x_norm * np.sqrt(2.0 * gap_w)
    yield _dual_feasibility("dual feasibility φ(ν*) ≤ β", conic, why, beta + eps_phi + ROUNDING_RTOL * beta, beta,
                            case=name, theorem="docs/theory.md §C.2", trusted=trusted)
    yield _moreau_check(Xa, nu, pool, conic, why, case=name)
    # KKT slot by slot (docs/theory.md §C.1): complementary slackness and stationarity
    rows = _slots(Xa, beta, sol, nu, gap_w + rnd, eps_phi)
    slot_info = {"gap_bound": gap_w, "gap_bound_from": gap_from}
    yield _slot_check("complementary slackness ±νᵀD_k X̃ z_k = β‖z_k‖ (every slot)", rows, "cs", case=name,
                      theorem=_T_C, trusted=trusted, details=slot_info)
    yield _slot_check("stationarity Π_{C_k}(±X̃ᵀD_kν) = β z_k/‖z_k‖ (every slot)", rows, "stationarity",
                      case=name, theorem="docs/theory.md §C.1–C.2", trusted=trusted, details=slot_info)
    # ψ (docs/theory.md §A.4–A.5): exact on feasible W; the residual cone infeasibility (``excess``) enters the tolerances
    out = np.asarray(net.output(X)) if net.width else np.zeros_like(y)
    d_fit = excess * np.sqrt(len(y))  # ‖f_ψ − fit‖₂ bound
    psi_details = {"cone_excess": excess}
    yield compare("ψ preserves the objective", net_obj, convex_obj, case=name, theorem="docs/theory.md §A.5",
                  tolerance=rnd + d_fit * (float(np.linalg.norm(fit - y)) + d_fit), details=psi_details)
    yield compare("ψ preserves the fit", out.tolist(), fit.tolist(), case=name, theorem="docs/theory.md §A.5",
                  tolerance=rnd + excess, details=psi_details)
    if "m_star" in e:
        yield _bool_check("card(W) ≥ m*", sol.neurons >= e["m_star"], case=name, theorem="docs/theory.md §A.3",
                          trusted=trusted, observed=sol.neurons, expected=e["m_star"])
    # consistency: quantities the solver computed from one another
    yield compare("y* = Σ D_k X̃(u_k − v_k)", sol.y_star.tolist(), fit.tolist(), case=name, theorem="docs/theory.md §A.3",
                  tolerance=rnd, kind=CONSISTENCY)
    yield compare("convention R: ν* = y − y*", sol.nu_star.tolist(), (y - sol.y_star).tolist(), case=name,
                  theorem=_T_C, tolerance=rnd, kind=CONSISTENCY)
    phi_geom = float(geom.dual_values(Xa, sol.nu_star, pool).phi)  # every entry projected (no screening)
    yield compare("reported φ(ν*)", sol.phi, phi_geom, case=name, theorem="docs/theory.md §C.2",
                  tolerance=ROUNDING_RTOL * beta, details={"n_regions": int(pool.shape[0])}, kind=CONSISTENCY)
    yield compare("p* = L_β(ψ(W))", sol.p_star, net_obj, case=name, theorem="docs/theory.md §A.5", tolerance=rnd,
                  kind=CONSISTENCY)
    yield compare("ψ(W) is scaled", net.is_scaled(rtol=ROUNDING_RTOL), True, case=name, theorem="docs/theory.md §A.4",
                  kind=CONSISTENCY)
    yield compare("width of ψ(W) = card(W)", net.width, sol.neurons, case=name, theorem="docs/theory.md §A.5",
                  kind=CONSISTENCY)
    # certificates of given networks (docs/theory.md §C.3, §I I9)
    for spec in e.get("nets", ()):
        yield from _net_checks(case, spec, X, y, beta, sol, trusted, rtol, ctx, regions)
