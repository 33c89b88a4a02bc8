"""The ``convex`` suite and the docs/theory.md §I convex cases: theory values hold, wrong ones are caught, an unconverged
solver is never reported as ``holds``."""

from __future__ import annotations

import dataclasses
import sys

import numpy as np
import pytest

import cases
import geom
from cases.spec_instances import i2_closed_form, i3_closed_form, single_neuron_closed_form, soft_threshold_pair
from verify import CheckResult, Status, run_suite, write_report
from verify._suite import RunContext
from verify.suites.convex import CHECK_P, CONIC_ATOL, CONIC_MAX_PATTERNS, _slots, convex_checks, phi_conic

CONVEX = cases.list_cases("convex")


@pytest.fixture(scope="module")
def suite_result():
    return run_suite("convex")


def test_suite_passes_on_every_convex_case(suite_result):
    r = suite_result
    assert r.cases == tuple(c.name for c in CONVEX)
    assert r.counts["violated"] == r.counts["error"] == r.counts["inconclusive"] == 0, [
        (x.case, x.check, x.status.value) for x in r.results if x.status is not Status.HOLDS
        and x.status is not Status.NOT_APPLICABLE]
    assert r.ok
    p_checks = {x.case: x for x in r.results if x.check == CHECK_P}
    assert set(p_checks) == set(r.cases)
    assert all(x.status is Status.HOLDS and x.tolerance is not None for x in p_checks.values())
    # every net of every case was certified, with the docs/theory.md §I verdicts (I9: the saddle is rejected)
    verdicts = {(x.case, x.check): x.observed for x in r.results if x.check.startswith("certificate verdict")}
    assert verdicts[("spec-I9", "certificate verdict [stationary saddle (width 2)]")] == "violated"
    assert verdicts[("spec-I9", "certificate verdict [ψ(W*) of I1]")] == "holds"
    n_nets = sum(len(c.expected.get("nets", ())) for c in CONVEX)
    assert len(verdicts) == n_nets >= 4
    assert {m.case for m in r.measurements if m.name == "solve time"} == set(r.cases)


def test_report_and_figure(suite_result, tmp_path):
    paths = write_report(suite_result, tmp_path)
    assert sorted(paths) == ["figure", "html", "json", "md"]
    with open(paths["figure"], "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"
    md = open(paths["md"], encoding="utf-8").read()
    assert "**PASS: no check violated, no error**" in md and "spec-I9" in md


def test_registry_convex_cases_state_theory_values():
    names = {c.name for c in CONVEX}
    assert {"spec-I1b", "spec-I2-beta0.3", "spec-I3-closed-form", "spec-I4-closed-form", "spec-I7b",
            "spec-I9"} <= names
    for c in CONVEX:
        e = c.expected
        assert c.source.startswith("docs/theory.md"), c.name
        assert isinstance(e.get("p_star"), float) and e["p_star"] > 0, c.name
        assert c.y is not None and c.beta > 0, c.name
        if "y_star" in e and "nu_star" in e:
            y_star, nu = np.asarray(e["y_star"]), np.asarray(e["nu_star"])
            np.testing.assert_allclose(nu, c.y - y_star, rtol=0, atol=1e-15)  # convention R
            # at an optimum the penalty is ν*ᵀy* (docs/theory.md §D.2), so p* = ½‖ν*‖² + ν*ᵀy*
            np.testing.assert_allclose(0.5 * nu @ nu + nu @ y_star, e["p_star"], rtol=1e-12)
        for net in e.get("nets", ()):
            assert net["verdict"] in ("holds", "violated") and "objective" in net, c.name


def test_closed_forms_against_spec_numbers():
    np.testing.assert_allclose(soft_threshold_pair([1.0, 2.0], 0.5), [0.5, 1.5], rtol=0, atol=0)
    np.testing.assert_allclose(soft_threshold_pair([1.0, 2.0], 1.5), [0.0, 0.5], rtol=0, atol=0)
    y2, nu2, p2 = i2_closed_form(0.5)
    np.testing.assert_allclose([*y2, *nu2, p2], [0.5, 0.5, 0.5, 0.5, 0.75], rtol=1e-15)
    y3, _, p3 = i3_closed_form(0.5)  # docs/theory.md prints (1.552786, 0.776393, −0.5), 1.3680340
    np.testing.assert_allclose(y3, [1.552786, 0.776393, -0.5], rtol=0, atol=5e-7)
    np.testing.assert_allclose(p3, 1.3680340, rtol=0, atol=5e-8)
    Xa, y, beta = np.array([[-0.2, 1.0], [1.0, 1.0]]), np.array([0.5, 1.0]), 0.1
    y4, nu4, p4, u = single_neuron_closed_form(Xa, y, beta)  # docs/theory.md prints 7 digits
    np.testing.assert_allclose(y4, [0.4787666, 0.9389398], rtol=0, atol=5e-8)
    np.testing.assert_allclose(p4, 0.06958725, rtol=0, atol=5e-9)
    np.testing.assert_allclose(u, [0.383478, 0.555462], rtol=0, atol=5e-7)
    # stationarity of ½‖Xa u − y‖² + β‖u‖ at u (independent of the root find)
    g = Xa.T @ (Xa @ u - y) + beta * u / np.linalg.norm(u)
    np.testing.assert_allclose(g, 0.0, rtol=0, atol=1e-14)


def _case(name, **changes):
    c = cases.get_case(name)
    return dataclasses.replace(c, expected={**c.expected, **changes})


def _by_check(results):
    return {r.check: r for r in results if isinstance(r, CheckResult)}


def test_wrong_expectations_are_violated():
    out = _by_check(convex_checks(_case("spec-I1b", p_star=2.375 * (1 + 1e-9)), RunContext()))
    assert out[CHECK_P].status is Status.VIOLATED  # tolerance 1e-12 relative + gap (0 here)
    # tolerance: case precision + √(2g) with the independent gap bound g ≈ 1e-12, i.e. about 1.5e-6
    out = _by_check(convex_checks(_case("spec-I2-beta0.3", y_star=[0.7, 0.7 + 1e-5]), RunContext()))
    assert out["y*"].status is Status.VIOLATED and out["ν*"].status is Status.HOLDS
    assert out["y*"].tolerance < 1e-5
    c = cases.get_case("spec-I9")
    saddle, optimal = c.expected["nets"]
    bad = [{**saddle, "verdict": "holds", "gap": 0.5, "escapes": [{"pattern": "01", "sign": 1, "value": 1.0}]},
           {**optimal, "objective": 1.3}]
    out = _by_check(convex_checks(dataclasses.replace(c, expected={**c.expected, "nets": bad}), RunContext()))
    label = "[stationary saddle (width 2)]"
    for check in (f"certificate verdict {label}", f"certificate gap {label}", f"escape patterns {label}",
                  "L_β [ψ(W*) of I1]"):
        assert out[check].status is Status.VIOLATED, check
    assert out[f"L_β {label}"].status is Status.HOLDS


def test_unconverged_solver_is_inconclusive(monkeypatch):
    real = geom.solve_convex

    def stopped(*args, **kwargs):
        sol = real(*args, **kwargs)
        return dataclasses.replace(sol, status="max_rounds", certified=False)

    monkeypatch.setattr(geom, "solve_convex", stopped)
    out = _by_check(convex_checks(cases.get_case("spec-I1"), RunContext()))
    for check in ("certified optimum", CHECK_P, "y*", "ν*", "strong duality: rel gap ≤ tol.gap",
                  "dual feasibility φ(ν*) ≤ β", "card(W) ≥ m*"):
        assert out[check].status is Status.INCONCLUSIVE, check
    assert out["certified optimum"].details["status"] == "max_rounds"


# ---- theorem checks are independent of the solver's own claims ----------------------------------------------

CONSISTENCY_CHECKS = {"certified optimum", "y* = Σ D_k X̃(u_k − v_k)", "convention R: ν* = y − y*",
                      "reported φ(ν*)", "p* = L_β(ψ(W))", "ψ(W) is scaled", "width of ψ(W) = card(W)"}


def test_kinds_of_the_convex_checks(suite_result):
    kinds = {}
    for x in suite_result.results:
        kinds.setdefault(x.check.split(" [")[0], set()).add(x.kind)
    assert {c for c, k in kinds.items() if k == {"consistency"}} == CONSISTENCY_CHECKS
    assert all(k == {"theorem"} for c, k in kinds.items() if c not in CONSISTENCY_CHECKS)
    n = len(suite_result.cases)
    assert sum(x.kind == "consistency" for x in suite_result.results) == len(CONSISTENCY_CHECKS) * n
    for x in suite_result.results:  # the independent φ was available: nothing fell back to the solver's gap
        if x.check in ("p*", "y*") and x.status is Status.HOLDS:
            assert x.details["gap_bound_from"] == "independent (conic φ)", x.case


def test_a_solver_that_lies_about_its_certificate_is_caught(monkeypatch):
    """The solver returns W scaled by 1.05 with the original (optimal) p*, y*, ν*, gap and ``certified=True``:
    the gap computed here from W catches it; the consistency checks flag the mismatch too.  The slot checks still
    hold: their tolerances follow from that (now large) gap, as they must for any point within it of p*."""
    real = geom.solve_convex

    def liar(*args, **kwargs):
        sol = real(*args, **kwargs)
        return dataclasses.replace(sol, U=1.05 * sol.U, V=1.05 * sol.V)

    monkeypatch.setattr(geom, "solve_convex", liar)
    out = _by_check(convex_checks(cases.get_case("spec-I3-closed-form"), RunContext()))
    for check in ("strong duality: rel gap ≤ tol.gap", "y* = Σ D_k X̃(u_k − v_k)", "p* = L_β(ψ(W))"):
        assert out[check].status is Status.VIOLATED, check
    for check in ("weak duality L_β(ψ(W)) ≥ D(ν̃)", "primal feasibility u_k, v_k ∈ C_k", "ψ preserves the fit",
                  "certified optimum", "complementary slackness ±νᵀD_k X̃ z_k = β‖z_k‖ (every slot)"):
        assert out[check].status is Status.HOLDS, check


def test_slot_checks_catch_a_rotated_direction():
    """With the gap bound of the optimum, a neuron direction rotated by 0.05 rad inside its cone violates
    complementary slackness (second order in the angle) and stationarity (first order)."""
    c = cases.get_case("spec-I4-closed-form")
    X, y, beta = np.asarray(c.X, float), np.asarray(c.y, float), float(c.beta)
    Xa = geom.nets.augment(X, c.bias)
    sol = geom.solve_convex(X, y, beta, bias=c.bias)
    nu = y - sol.y_star
    rows = _slots(Xa, beta, sol, nu, 1e-12, 1e-6)
    assert len(rows) == 1 and rows[0]["pattern"] == "11"
    assert abs(rows[0]["cs_residual"]) <= rows[0]["cs_tolerance"]
    assert rows[0]["stationarity_residual"] <= rows[0]["stationarity_tolerance"]
    t = 0.05
    rot = np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]])
    turned = dataclasses.replace(sol, U=sol.U @ rot.T)
    assert np.all(Xa @ turned.U[0] > 0)  # still in the cone of pattern 11
    (r,) = _slots(Xa, beta, turned, nu, 1e-12, 1e-6)
    norm = float(np.linalg.norm(sol.U[0]))
    np.testing.assert_allclose(r["cs_residual"], -beta * norm * (1 - np.cos(t)), rtol=1e-6)
    np.testing.assert_allclose(r["stationarity_residual"], beta * 2 * np.sin(t / 2), rtol=1e-6)
    assert abs(r["cs_residual"]) > 10 * r["cs_tolerance"]
    assert r["stationarity_residual"] > 3 * r["stationarity_tolerance"]


def test_a_wrong_phi_oracle_is_caught_by_the_moreau_check(monkeypatch):
    """A conic φ that reports half the true values: dual feasibility then 'holds' for the wrong reason, but the
    per-pattern comparison with the NNLS projections (two independent computations of §C.2) is violated."""
    import verify.suites.convex as suite

    real = suite.phi_conic

    def halved(*args):
        out, why = real(*args)
        return {**out, "values": out["values"] / 2, "upper": out["upper"] / 2, "phi": out["phi"] / 2,
                "phi_upper": out["phi_upper"] / 2}, why

    monkeypatch.setattr(suite, "phi_conic", halved)
    out = _by_check(convex_checks(cases.get_case("spec-I2"), RunContext()))
    moreau = out["φ: conic maximum = ‖Π_C(±X̃ᵀDν)‖ (every region)"]
    assert moreau.status is Status.VIOLATED
    np.testing.assert_allclose(moreau.witness["nnls"], 2 * moreau.witness["conic"], rtol=1e-6)


def test_a_wrong_dual_sign_is_caught(monkeypatch):
    """Convention G (ν = y* − y) reported instead of R: the duality and slot checks use W's own residual, computed
    here, so they are unaffected; ν* against theory and the convention check catch the report."""
    real = geom.solve_convex

    def convention_g(*args, **kwargs):
        sol = real(*args, **kwargs)
        return dataclasses.replace(sol, nu_star=-sol.nu_star)

    monkeypatch.setattr(geom, "solve_convex", convention_g)
    out = _by_check(convex_checks(cases.get_case("spec-I1"), RunContext()))
    assert out["ν*"].status is Status.VIOLATED and out["ν*"].kind == "theorem"
    assert out["convention R: ν* = y − y*"].status is Status.VIOLATED
    assert out["dual feasibility φ(ν*) ≤ β"].status is Status.HOLDS  # of W's own residual


def test_without_cvxpy_the_independent_checks_are_not_applicable(monkeypatch):
    monkeypatch.setitem(sys.modules, "cvxpy", None)  # import cvxpy raises ImportError
    out = _by_check(convex_checks(cases.get_case("spec-I1"), RunContext()))
    for check in ("dual feasibility φ(ν*) ≤ β", "weak duality L_β(ψ(W)) ≥ D(ν̃)", "strong duality: rel gap ≤ tol.gap",
                  "φ: conic maximum = ‖Π_C(±X̃ᵀDν)‖ (every region)"):
        assert out[check].status is Status.NOT_APPLICABLE, check
        assert "cvxpy" in out[check].details["precondition"]
    assert out[CHECK_P].status is Status.HOLDS
    assert out[CHECK_P].details["gap_bound_from"].startswith("the solver's certificate")


def test_phi_conic_brackets_the_exact_dual_values():
    """On random small data: the conic maxima agree with the NNLS projections of geom.dual_values, and the
    multiplier bound is a true upper bound (≥ the exact value, up to float64 rounding)."""
    rng = np.random.default_rng(3)
    for n, d in ((5, 2), (6, 3), (4, 4)):
        Xa = rng.normal(size=(n, d))
        nu = rng.normal(size=n)
        pool = geom.enumerate_patterns(Xa, ties="regions").patterns
        out, why = phi_conic(Xa, nu, pool)
        assert why is None
        exact = np.asarray(geom.dual_values(Xa, nu, pool).values)
        np.testing.assert_allclose(out["values"], exact, rtol=0, atol=CONIC_ATOL)
        assert np.all(out["upper"] >= exact - 1e-14), float(np.min(out["upper"] - exact))
        assert np.all(out["upper"] - exact <= 1e-8)
        np.testing.assert_allclose(out["phi"], exact.max(), rtol=0, atol=CONIC_ATOL)


def test_phi_conic_guards():
    Xa = np.eye(2)
    assert phi_conic(Xa, np.ones(2), np.zeros((CONIC_MAX_PATTERNS + 1, 2), bool)) == (
        None, f"{CONIC_MAX_PATTERNS + 1} region patterns exceed CONIC_MAX_PATTERNS = {CONIC_MAX_PATTERNS}")


def test_cone_slack_does_not_skip_a_nan_slot():
    """Regression: ``min(worst, nan)`` kept ``worst``, so a NaN slot read as feasible (margin ``inf``)."""
    from verify.suites.convex import _cone_slack

    Xa = np.array([[1.0], [-1.0]])
    pats = np.array([[True, False], [True, False]])
    for U in (np.array([[np.nan], [0.0]]), np.array([[1.0], [np.nan]]), np.array([[np.nan], [1.0]])):
        margin, _ = _cone_slack(Xa, pats, U, np.zeros((2, 1)))
        assert np.isnan(margin), U.tolist()
    margin, excess = _cone_slack(Xa, pats, np.array([[1.0], [0.5]]), np.zeros((2, 1)))
    assert (margin, excess) == (0.5, 0.0)  # min over slots of (2D−I)x̃ᵀz / (‖x̃‖ max‖z‖) = 0.5 / 1


def test_phi_conic_refuses_a_non_finite_upper_bound(monkeypatch):
    """Regression: a NaN ``phi_upper`` failed ``phi_up > 0`` and left ν unscaled (an unproven lower bound)."""
    import verify.suites.convex as mod

    monkeypatch.setattr(mod, "gamma", lambda k: float("nan"))
    out, why = phi_conic(np.array([[-1.0], [1.0]]), np.array([0.5, 0.5]), np.array([[0, 1], [1, 0]], bool))
    assert out is None and "non-finite" in why
