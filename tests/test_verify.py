"""verify: status semantics (never HOLDS without a comparison), suites, deterministic reports, provenance."""

from __future__ import annotations

import dataclasses
import json
import os
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cases
import geom
import verify
from geom.exceptions import DataFileError, InvalidInputError
from geom.tolerances import DEFAULT_TOLERANCES
from verify import CheckResult, Measurement, Status, check_margin, compare
from verify._report import load_report, render_from_json, report_id, report_json
from verify.provenance import git_revision
from verify.suites.patterns import CHECK_ZASLAVSKY

FAST_CASES = ["spec-B2-antiparallel", "spec-I1", "spec-I5", "cross-2"]


# ---- statuses and results ------------------------------------------------------------------------------------

def test_status_vocabulary():
    assert [s.value for s in Status] == ["holds", "violated", "inconclusive", "not applicable", "error"]
    assert [s for s in Status if s.is_failure] == [Status.VIOLATED, Status.ERROR]


def test_compare_statuses():
    kw = dict(case="c", theorem="docs/theory.md §B.2")
    assert compare("x", 4, 4, **kw).status is Status.HOLDS
    r = compare("x", 3, 4, witness={"missing": ["110"]}, **kw)
    assert (r.status, r.margin, r.witness) == (Status.VIOLATED, -1, {"missing": ["110"]})
    assert compare("x", 4, None, **kw).status is Status.NOT_APPLICABLE
    assert compare("x", None, 4, **kw).status is Status.INCONCLUSIVE
    r = compare("x", 4, 4, certified=False, **kw)
    assert r.status is Status.INCONCLUSIVE and r.details["agrees"] is True
    assert compare("x", True, 1, **kw).status is Status.VIOLATED  # a bool is not the integer 1
    assert compare("x", "010", "010", **kw).status is Status.HOLDS
    assert compare("x", np.array([1, -2, 1]), [1, -2, 1], **kw).status is Status.HOLDS
    assert compare("x", [1, -2], [1, -2, 1], **kw).status is Status.VIOLATED
    assert compare("x", 1.0 + 1e-7, 1.0, tolerance=1e-9, **kw).status is Status.VIOLATED
    assert compare("x", [1.0, 2.0 + 1e-12], [1.0, 2.0], tolerance=1e-9, **kw).status is Status.HOLDS
    assert compare("x", [1.0, 2.0], [1.0, 2.0, 3.0], tolerance=1e-9, **kw).status is Status.VIOLATED


values = st.one_of(st.none(), st.integers(-3, 3), st.booleans(), st.lists(st.integers(-2, 2), max_size=3))


@settings(max_examples=300, deadline=None, derandomize=True)
@given(observed=values, expected=values, certified=st.booleans())
def test_never_holds_without_a_comparison(observed, expected, certified):
    """HOLDS iff something was observed, something was expected, the computation is certified, and the two
    are equal as JSON values of the same type."""
    r = compare("x", observed, expected, case="c", theorem="§", certified=certified)
    same = (observed is not None and expected is not None and type(observed) is type(expected)
            and observed == expected)
    assert (r.status is Status.HOLDS) == (certified and same)
    if expected is None:
        assert r.status is Status.NOT_APPLICABLE
    elif observed is None or not certified:
        assert r.status is Status.INCONCLUSIVE


def test_check_margin_bands():
    kw = dict(case="c", theorem="§")
    assert check_margin("m", 1e-3, 1e-6, **kw).status is Status.HOLDS
    assert check_margin("m", -1e-3, 1e-6, **kw).status is Status.VIOLATED
    assert check_margin("m", 1e-7, 1e-6, **kw).status is Status.INCONCLUSIVE
    assert check_margin("m", -1e-7, 1e-6, **kw).status is Status.INCONCLUSIVE
    assert check_margin("m", None, 1e-6, **kw).status is Status.INCONCLUSIVE
    assert check_margin("m", float("nan"), 1e-6, **kw).status is Status.INCONCLUSIVE


def test_to_dict_is_json_safe_and_sorted():
    r = CheckResult(case="c", check="k", theorem="§", status=Status.VIOLATED, observed=np.array([1, 2]),
                    expected=np.float32(0.5), margin=np.int64(-1), tolerance=None,
                    witness={"u": np.array([0.0, -1.0])}, details={"t": float("inf"), 3: np.bool_(True)},
                    elapsed_s=0.123456789)
    d = r.to_dict()
    assert list(d) == sorted(d)
    assert d["status"] == "violated"
    assert d["observed"] == [1, 2] and d["expected"] == 0.5 and d["margin"] == -1
    assert d["details"] == {"t": "inf", "3": True}
    assert d["elapsed_s"] == 0.123457
    json.dumps(d, allow_nan=False)
    m = Measurement("c", "recall", np.float64(0.5), details={"n": np.int32(3)}).to_dict()
    assert m["value"] == 0.5 and m["details"] == {"n": 3}


# ---- suites --------------------------------------------------------------------------------------------------

@pytest.fixture
def toy_suite():
    """A suite with one holding, one violated, one measurement, and a checker that raises on spec-I1."""

    def checker(case, ctx):
        yield compare("rank", 1, case.expected.get("rank"), case=case.name, theorem="docs/theory.md §B.2",
                      witness={"rank": 1})
        yield Measurement(case.name, "seed", ctx.seed)
        if case.name == "spec-I1":
            raise geom.InvalidInputError("boom\non two lines")

    verify.register_suite("toy-test-suite", tags=("spec",), description="toy")(checker)
    yield "toy-test-suite"
    verify.SUITES.pop("toy-test-suite")


def test_run_suite_collects_errors_and_counts(toy_suite):
    r = verify.run_suite(toy_suite, cases=["spec-I1", "spec-I2", "coordinate-2"], seed=7)
    assert r.cases == ("spec-I1", "spec-I2")  # coordinate-2 lacks the tag "spec"
    assert [(x.case, x.check, x.status) for x in r.results] == [
        ("spec-I1", "rank", Status.HOLDS), ("spec-I1", "toy-test-suite checker", Status.ERROR),
        ("spec-I2", "rank", Status.VIOLATED)]
    assert r.results[1].details == {"exception": "InvalidInputError", "message": "boom on two lines"}
    assert r.counts == {"holds": 1, "violated": 1, "inconclusive": 0, "not applicable": 0, "error": 1}
    assert not r.ok
    assert [m.value for m in r.measurements] == [7, 7]
    assert r.provenance["seed"] == 7
    with pytest.raises(ValueError, match="registered twice"):
        verify.register_suite(toy_suite)(lambda case, ctx: iter(()))


def test_run_suite_bad_arguments():
    with pytest.raises(InvalidInputError, match="The 'name' parameter of run_suite must be one of"):
        verify.run_suite("no-such-suite")
    with pytest.raises(InvalidInputError, match="The 'name' parameter of get_case"):
        verify.run_suite("patterns", cases=["no-such-case"])
    with pytest.raises(InvalidInputError, match="The 'cases' parameter of run_suite must be a list"):
        verify.run_suite("patterns", cases="spec-I1")


@pytest.fixture(scope="module")
def patterns_result():
    return verify.run_suite("patterns", cases=FAST_CASES, seed=0)


def test_patterns_suite_on_spec_cases(patterns_result):
    r = patterns_result
    assert r.ok and r.counts["violated"] == r.counts["error"] == r.counts["inconclusive"] == 0, [
        (x.case, x.check, x.status.value) for x in r.results if x.status.is_failure]
    by = {(x.case, x.check): x for x in r.results}
    b2 = by[("spec-B2-antiparallel", "patterns (ties=geq)")]
    assert (b2.status, b2.observed, b2.expected) == (Status.HOLDS, 6, 6)
    assert by[("spec-B2-antiparallel", "regions")].observed == 4
    assert by[("spec-I5", "patterns (ties=geq)")].observed == 8
    assert by[("spec-I1", "Gordan: patterns − regions = 1[∄u: Xu > 0]")].status is Status.HOLDS
    assert by[("spec-B2-antiparallel", "characteristic polynomial")].status is Status.NOT_APPLICABLE
    recall = {m.case: m.value for m in r.measurements}
    assert recall["spec-B2-antiparallel"] == 4 / 6  # sampling never finds 110, 111
    assert recall["spec-I5"] == 1.0
    # kinds: the shared region stage makes "regions ⊆ patterns" a consistency check; Zaslavsky's count is a
    # theorem check when the enumerator certified its count by Cover's formula (all these cases)
    kinds = {(x.case, x.check): x.kind for x in r.results}
    assert kinds[("spec-I1", "regions ⊆ patterns")] == "consistency"
    assert by[("spec-I1", "regions found = |χ(−1)|")].details["count_certificate"] == "cover"
    assert kinds[("spec-I1", "regions found = |χ(−1)|")] == "theorem"
    assert by[("spec-B2-antiparallel", "regions found = |χ(−1)|")].observed == 4
    for check in ("witnesses realize their patterns (exact)", "region witnesses are interior (exact)"):
        assert all(by[(c, check)].status is Status.HOLDS and by[(c, check)].observed == 0 for c in FAST_CASES)


def test_patterns_suite_charpoly_certified_count_is_consistency():
    r = verify.run_suite("patterns", cases=["braid-4"])  # 24 regions, certified by the characteristic polynomial
    z = {x.check: x for x in r.results}["regions found = |χ(−1)|"]
    assert (z.kind, z.status, z.observed, z.expected) == ("consistency", Status.HOLDS, 24, 24)
    assert z.details["count_certificate"] == "charpoly"


def _lying_enumerator(monkeypatch, corrupt):
    """``geom.enumerate_patterns`` whose result is altered by ``corrupt`` but still claims ``certified=True``."""
    real = geom.enumerate_patterns
    monkeypatch.setattr(geom, "enumerate_patterns", lambda *a, **k: corrupt(real(*a, **k)))


def test_patterns_suite_catches_a_wrong_witness(monkeypatch):
    def flip(P):
        W = P.witnesses.copy()
        W[0] = -W[0]  # the first witness now realizes another pattern
        return dataclasses.replace(P, witnesses=W)

    _lying_enumerator(monkeypatch, flip)
    by = {x.check: x for x in verify.run_suite("patterns", cases=["spec-I2"]).results}
    bad = by["witnesses realize their patterns (exact)"]
    assert (bad.status, bad.observed) == (Status.VIOLATED, 1)
    assert bad.witness["pattern"] == "00" and bad.witness["failing"] == 1
    assert by["region witnesses are interior (exact)"].status is Status.VIOLATED


def test_patterns_suite_catches_a_falsely_certified_region_list(monkeypatch):
    """A region dropped from a list that still claims to be certified and complete: the exact count (Zaslavsky)
    and the theory value catch it, although the enumerator's own numbers agree with each other."""
    def drop_last(P):
        if P.ties != "regions":
            return P
        return dataclasses.replace(P, patterns=P.patterns[:-1], witnesses=P.witnesses[:-1], count=P.count - 1)

    _lying_enumerator(monkeypatch, drop_last)
    by = {x.check: x for x in verify.run_suite("patterns", cases=["spec-I3"]).results}
    for check in ("regions", CHECK_ZASLAVSKY, "patterns (ties=regions)"):
        assert by[check].status is Status.VIOLATED, check
    assert (by[CHECK_ZASLAVSKY].observed, by[CHECK_ZASLAVSKY].expected) == (7, 8)
    assert by[CHECK_ZASLAVSKY].kind == "theorem"  # spec-I3 (X = I₃) is certified by Cover's count


def test_exact_signs_against_fractions():
    """Higham filter + exact fallback = exact signs (checked against Fraction sums on cancelling data)."""
    from fractions import Fraction

    from verify.suites.patterns import exact_signs

    rng = np.random.default_rng(0)
    X = np.vstack([rng.integers(-3, 4, size=(6, 3)).astype(float), [[1e16, 1.0, -1e16]], [[0.0, 0.0, 0.0]]])
    W = np.vstack([rng.normal(size=(20, 3)), rng.integers(-2, 3, size=(20, 3)), [[1.0, 1.0, 1.0], [1e-300, 0, 0]]])
    (_, ge, zero), = list(exact_signs(X, W))
    for p in range(W.shape[0]):
        for i in range(X.shape[0]):
            t = sum(Fraction(float(a)) * Fraction(float(b)) for a, b in zip(W[p], X[i]))
            assert (ge[p, i], zero[p, i]) == (t >= 0, t == 0), (p, i)
    # integer data beyond 2^53 are used exactly, not as their float64 roundings
    Xi = np.array([[2**62 + 1, -(2**62)], [3, -2]], dtype=np.int64)
    Wi = np.array([[1.0, 1.0], [2.0**62, 2.0**62 + 2**10]])
    (_, ge, zero), = list(exact_signs(Xi, Wi))
    assert ge.tolist() == [[True, True], [False, True]] and not zero.any()  # float64 gives 0 for the first


# ---- reports -------------------------------------------------------------------------------------------------

def _read(paths):
    return {k: open(p, "rb").read() for k, p in paths.items()}


def test_report_files_deterministic_and_atomic(patterns_result, tmp_path):
    a = verify.write_report(patterns_result, tmp_path / "a")
    b = verify.write_report(patterns_result, tmp_path / "b" / "nested")
    assert sorted(a) == ["figure", "html", "json", "md"]
    assert [os.path.basename(a[k]) for k in ("json", "md", "html", "figure")] == [
        "patterns.json", "patterns.md", "patterns.html", "patterns_figure.png"]
    ra, rb = _read(a), _read(b)
    for k in ra:
        assert ra[k] == rb[k], k
    again = render_from_json(a["json"], tmp_path / "c")
    assert _read(again) == {k: v for k, v in ra.items() if k != "json"}
    for d in ("a", "b/nested", "c"):
        assert not [f for f in os.listdir(tmp_path / d) if f.endswith(".tmp")]
    data = json.loads(ra["json"])
    assert ra["json"].decode() == report_json(data)  # sorted keys, fixed formatting: a fixed point
    assert data["schema"] == "relu-landscape/suite-report/1"
    assert data["counts"] == patterns_result.counts and data["ok"] is True
    md, html = ra["md"].decode(), ra["html"].decode()
    assert data["run_id"] == report_id({k: v for k, v in data.items() if k != "run_id"})
    assert md.startswith(f"<!-- relu-landscape report patterns run_id={data['run_id']} -->\n")
    assert f"run_id={data['run_id']} -->" in html.splitlines()[1]
    assert data["counts_by_kind"]["consistency"]["holds"] > 0
    assert sum(sum(c.values()) for c in data["counts_by_kind"].values()) == data["n_checks"]
    section = md.split("## docs/theory.md §B.1–B.2\n", 1)[1].split("\n## ", 1)[0]  # one section per theorem
    assert "| holds | spec-B2-antiparallel | patterns (ties=geq) | theorem | 6 | 6 | — | 0 |" in section
    assert "**PASS: no check violated, no error**" in md and "![figure](patterns_figure.png)" in md
    assert data["provenance"]["git"]["commit"] in md and data["provenance"]["git"]["commit"] in html
    assert 'src="data:image/png;base64,' in html
    assert ra["figure"].startswith(b"\x89PNG")


def test_report_shows_violation_witness(tmp_path):
    bad = CheckResult(case="c1", check="pattern set", theorem="docs/theory.md §B.2", status=Status.VIOLATED,
                      observed=["010"], expected=["010", "110"], witness={"missing": ["110"]},
                      details={"why": "a | pipe"})
    res = verify.SuiteResult(suite="toy", description="", results=(bad,), measurements=(), cases=("c1",),
                             provenance=verify.provenance(seed=None), elapsed_s=0.0)
    paths = verify.write_report(res, tmp_path)
    md = open(paths["md"], encoding="utf-8").read()
    html = open(paths["html"], encoding="utf-8").read()
    assert "**FAIL: 1 violated, 0 error(s)**" in md
    assert "### c1: pattern set (violated)" in md
    assert '"missing": [\n  "110"\n ]' in md
    assert '<td class="violated">violated</td>' in html and "&quot;110&quot;" in html


def test_load_report_errors(tmp_path):
    with pytest.raises(DataFileError, match="does not exist"):
        load_report(tmp_path / "none.json")
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(DataFileError, match="is not readable JSON"):
        load_report(tmp_path / "bad.json")
    (tmp_path / "other.json").write_text('{"a": 1}')
    with pytest.raises(DataFileError, match="is not a suite report"):
        load_report(tmp_path / "other.json")


# ---- provenance ----------------------------------------------------------------------------------------------

def test_provenance_keys_and_values():
    p = verify.provenance(seed=3, backend="torch", dtype="float32")
    assert set(p) == {"package", "git", "python", "implementation", "platform", "machine", "versions",
                      "timestamp_utc", "backend", "dtype", "seed", "tolerances"}
    assert p["package"]["version"] == geom.__version__
    assert (p["backend"], p["dtype"], p["seed"]) == ("torch", "float32", 3)
    assert p["tolerances"] == DEFAULT_TOLERANCES.to_dict()
    assert p["versions"]["numpy"] == np.__version__
    assert {"scipy", "sympy", "networkx", "pycddlib"} <= set(p["versions"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", p["timestamp_utc"])
    assert p["git"]["commit"] == "unknown" or re.fullmatch(r"[0-9a-f]{40}", p["git"]["commit"])
    json.dumps(p, allow_nan=False)


def test_git_revision_outside_a_checkout(tmp_path):
    assert git_revision(str(tmp_path)) == {"commit": "unknown", "dirty": None}


@pytest.mark.parametrize("X, side, certificate", [
    ([[1.0, 0.0], [-1.0, 1e-15]], 0, "u with Xu > 0 (exact)"),  # nearly antiparallel: both LP margins ≈ 1e-16
    ([[1.0, 0.0], [-1.0, 0.0]], 1, "y ≥ 0, y ≠ 0 with Xᵀy = 0 (exact)"),  # antiparallel: no u with Xu > 0
])
def test_gordan_side_is_confirmed_exactly(X, side, certificate):
    """The LP margins cannot tell these two apart (both ≈ 0); the exact confirmation of the LP's answer does."""
    from verify.suites.patterns import _gordan, patterns_checks

    (t, _), (s, _) = _gordan(np.array(X))
    assert t < 1e-7 and s < 1e-7
    case = dataclasses.replace(cases.get_case("coordinate-2"), X=np.array(X), expected={"general_position": True})
    g = {r.check: r for r in patterns_checks(case, verify.RunContext()) if isinstance(r, CheckResult)}[
        "Gordan: patterns − regions = 1[∄u: Xu > 0]"]
    assert (g.status, g.observed, g.expected, g.details["certificate"]) == (Status.HOLDS, side, side, certificate)


def test_nan_never_compares_equal():
    """Regression: jsonable turns NaN into the string "nan", which used to compare equal to itself (HOLDS)."""
    kw = dict(case="c", theorem="§")
    nan = float("nan")
    for observed, expected, tol in ((nan, nan, None), (nan, nan, 1e-9), (np.float64(nan), nan, None),
                                    ([1.0, nan], [1.0, nan], None), (np.array([nan]), [nan], 1e-9),
                                    (nan, 1.0, None), ([[nan]], [[nan]], None)):
        r = compare("x", observed, expected, tolerance=tol, **kw)
        assert r.status is Status.VIOLATED, (observed, expected, tol)
        assert compare("x", observed, expected, tolerance=tol, certified=False, **kw).details["agrees"] is False
    assert compare("x", float("inf"), float("inf"), **kw).status is Status.HOLDS  # ±inf are values, NaN is not
