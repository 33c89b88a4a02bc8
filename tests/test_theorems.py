"""The theorem generators of :mod:`verify.theorems` on the quick cases: no violated or error verdict, every
generator checks something somewhere, wrong theory values are caught, runs are deterministic given the seed."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import cases
from verify import CONSISTENCY, THEOREM, CheckResult, Figure, Measurement, Status, run_suite
from verify._suite import RunContext
from verify.theorems import GROUPS, THEOREMS, applicable, register_theorem, theorem_checks

QUICK = [c.name for c in cases.list_cases("quick")]
# grouped by case (the shared computations of a case are cached for the last few cases)
PAIRS = [(c, t.name) for c in QUICK for t in applicable(cases.get_case(c), groups=("theorem", "lesson"))]
_RESULTS: dict = {}


def _items(case_name, theorem):
    key = (case_name, theorem)
    if key not in _RESULTS:
        _RESULTS[key] = list(theorem_checks(cases.get_case(case_name), RunContext(seed=0), names=[theorem]))
    return _RESULTS[key]


@pytest.mark.parametrize(("case_name", "theorem"), PAIRS, ids=[f"{c}|{t}" for c, t in PAIRS])
def test_generator_on_quick_case(case_name, theorem):
    items = _items(case_name, theorem)
    assert all(isinstance(x, (CheckResult, Measurement, Figure)) for x in items)
    bad = [(r.check, r.status.value, r.details.get("message")) for r in items
           if isinstance(r, CheckResult) and r.status.is_failure]
    assert not bad, bad
    for r in items:
        if isinstance(r, CheckResult):
            assert r.kind in (THEOREM, CONSISTENCY)
            assert r.case == case_name and r.theorem


@pytest.mark.parametrize("theorem", [t.name for t in THEOREMS.values() if t.group in ("theorem", "lesson")])
def test_every_generator_checks_something_on_the_quick_cases(theorem):
    decided = []
    for c in QUICK:
        if THEOREMS[theorem].applies(cases.get_case(c)):
            decided += [r for r in _items(c, theorem) if isinstance(r, CheckResult)
                        and r.status in (Status.HOLDS, Status.VIOLATED)]
    assert decided, f"{theorem!r} decided no check on the quick cases"
    assert all(r.status is Status.HOLDS for r in decided)


def test_registry_shape():
    assert {t.group for t in THEOREMS.values()} <= set(GROUPS)
    names = set(THEOREMS)
    assert {"pattern counts", "convex program and its dual", "p*_m = p* for m ≥ m*", "optimal polytope",
            "optimal directions from ν*", "staircase of connectivity", "optimal set = splits of ψ",
            "Clarke stationary ⇒ nearly minimal", "decreasing path", "continuum of interpolators", "symmetries",
            "small initialization → minimum-norm interpolant", "active groups along the β path",
            "double descent", "landscape: fraction reaching p*", "pattern alignment"} <= names
    for t in THEOREMS.values():
        assert t.source and t.description, t.name


def test_not_applicable_generators_are_skipped():
    names = {t.name for t in applicable(cases.get_case("continuum-tail-sum-3-s0"))}
    assert "continuum of interpolators" in names and "staircase of connectivity" not in names
    assert "continuum of interpolators" not in {t.name for t in applicable(cases.get_case("spec-I1"))}
    assert {t.name for t in applicable(cases.get_case("pattern-alignment-100x10"))} >= {"pattern alignment"}
    assert "pattern counts" not in {t.name for t in applicable(cases.get_case("pattern-alignment-100x10"))}


def test_wrong_theory_p_star_is_caught():
    c = cases.get_case("spec-I2")
    wrong = dataclasses.replace(c, expected={**c.expected, "p_star": 0.75 + 1e-3})
    out = [r for r in theorem_checks(wrong, RunContext(), names=["p*_m = p* for m ≥ m*"])
           if isinstance(r, CheckResult) and r.kind == THEOREM]
    assert [r.status for r in out] == [Status.VIOLATED]
    np.testing.assert_allclose(out[0].observed, 1e-3, rtol=1e-6)  # every width's objective is 0.75, off by 1e-3


def test_wrong_theory_nu_star_is_caught():
    c = cases.get_case("spec-I2")  # ν* = (0.5, 0.5); a ν with φ > β and other tight directions
    wrong = dataclasses.replace(c, expected={**c.expected, "nu_star": [0.6, 0.4]})
    out = {r.check: r for r in theorem_checks(wrong, RunContext(), names=["optimal directions from ν*"])}
    assert out["φ(ν*) ≤ β for the theory ν*"].status is Status.VIOLATED
    np.testing.assert_allclose(out["φ(ν*) ≤ β for the theory ν*"].observed, 0.6, rtol=1e-9)  # pattern 10


def test_wrong_bound_is_caught():
    c = cases.get_case("teacher-gaussian-8x2-s0")
    wrong = dataclasses.replace(c, expected={**c.expected, "p_star_at_most": 1e-6})
    out = {r.check: r for r in theorem_checks(wrong, RunContext(), names=["convex program and its dual"])
           if isinstance(r, CheckResult)}
    assert out["p* ≤ theory bound"].status is Status.VIOLATED


def test_a_failing_generator_is_an_error_and_the_others_run():
    @register_theorem("test: raises", source="tests", applies=lambda c: c.name == "spec-I1", group="lesson")
    def _raises(data, ctx):
        yield from ()
        raise RuntimeError("boom")

    try:
        out = list(theorem_checks(cases.get_case("spec-I1"), RunContext(), groups=("lesson",)))
    finally:
        del THEOREMS["test: raises"]
    errors = [r for r in out if isinstance(r, CheckResult) and r.status is Status.ERROR]
    assert [(r.check, r.details["message"]) for r in errors] == [("test: raises generator", "boom")]
    assert any(r.check.startswith("rescaling") and r.status is Status.HOLDS for r in out)


def test_quick_suite_is_deterministic_and_passes():
    a = run_suite("quick", cases=["spec-I1", "orthogonal-3x4-s0"], seed=3)
    b = run_suite("quick", cases=["spec-I1", "orthogonal-3x4-s0"], seed=3)
    strip = lambda r: {k: v for k, v in r.to_dict().items() if k not in ("elapsed_s", "details")}  # noqa: E731
    assert [strip(x) for x in a.results] == [strip(x) for x in b.results]
    assert [f.to_dict() for f in a.figures] == [f.to_dict() for f in b.figures]
    assert a.ok and a.counts["holds"] > 50
    kinds = {f.kind for f in a.figures}
    assert {"staircase", "polytope", "trajectories", "series"} <= kinds
    assert any(r.kind == CONSISTENCY for r in a.results) and any(r.kind == THEOREM for r in a.results)


def test_closed_form_cases_are_checked_against_their_values():
    # orthogonal-3x4-s0: p*, m*, M* from the closed form, compared by the convex and polytope generators
    out = _items("orthogonal-3x4-s0", "convex program and its dual") + _items("orthogonal-3x4-s0",
                                                                               "optimal polytope")
    by = {r.check: r for r in out if isinstance(r, CheckResult)}
    assert by["p*"].status is Status.HOLDS and by["p*"].kind == THEOREM
    assert by["m_star"].status is Status.HOLDS and by["M_star"].status is Status.HOLDS
    np.testing.assert_allclose(by["p*"].observed, cases.get_case("orthogonal-3x4-s0").expected["p_star"],
                               rtol=1e-8)


def test_shared_computations_are_computed_once_per_case():
    from verify.suites._data import case_data

    c = cases.get_case("spec-I1")
    a = case_data(c, RunContext())
    assert case_data(c, RunContext()) is a
    other = dataclasses.replace(c, expected={**c.expected, "p_star": 0.0})  # same data, other expected values
    b = case_data(other, RunContext())
    assert b is a and b.case.expected["p_star"] == 0.0
    moved = dataclasses.replace(c, y=c.y + 1.0)  # other labels: other computations
    assert case_data(moved, RunContext()) is not a


def test_double_descent_on_real_data():
    out = list(theorem_checks(cases.get_case("diabetes-20x3"), RunContext(), names=["double descent"]))
    figs = [f for f in out if isinstance(f, Figure)]
    assert [f.kind for f in figs] == ["series"] and len(figs[0].data["series"]) == 2
    peaks = [m for m in out if isinstance(m, Measurement)]
    assert len(peaks) == 2 and all(1 <= m.value <= 40 for m in peaks)
    assert all(not r.status.is_failure for r in out if isinstance(r, CheckResult))


def test_pattern_alignment_experiment():
    out = list(theorem_checks(cases.get_case("pattern-alignment-100x10"), RunContext(), groups=("scale",)))
    fig = next(f for f in out if isinstance(f, Figure))
    assert fig.kind == "trajectories" and len(fig.data["series"]) == 3
    used = [m.value for m in out if isinstance(m, Measurement) and m.name.startswith("distinct patterns")]
    assert len(used) == 3 and all(1 <= u <= 20 for u in used)  # at most one pattern per neuron


def test_a_nan_objective_is_never_counted_as_holds(monkeypatch):
    """A NaN objective must not be dropped by a running maximum (the builtin ``max(0.0, nan)`` is ``0.0``)."""
    import geom

    monkeypatch.setattr(geom, "network_objective", lambda *a, **k: float("nan"))
    c = cases.get_case("spec-I2")
    out = {r.check: r for r in theorem_checks(c, RunContext(), names=["p*_m = p* for m ≥ m*", "optimal polytope"])
           if isinstance(r, CheckResult)}
    for name in ("L_β of width-m optimal nets = p* (m* ≤ m ≤ n + 1)", "every vertex network has objective p*"):
        assert out[name].status is not Status.HOLDS, (name, out[name].status)
        assert np.isnan(out[name].observed)
