"""Notebook display of the result objects (``_repr_html_``, :mod:`geom.display`, :mod:`verify.display`).

Each display is parsed as XML (it must be well-formed: closed tags, quoted attributes, numeric entities only) and
its key/value table read back; the figures it shows are compared with the values that docs/theory.md §I gives
in closed form for the instance, never with the object's own fields re-read (except where the display's job is to
mirror a count).  A hostile case name must come out escaped, and a large pattern set must stay small.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import numpy as np
import pytest

import cases
import geom
import verify
from geom.checks import check_nets
from geom.connectivity import staircase
from geom.connectivity.staircase import CLAIMS
from geom.display import (MAX_BARS, MAX_ROWS, THUMB_MAX, badge, bar_chart_svg, fmt, pattern_matrix_svg,
                          sparkline_svg, text)
from geom.minimality import decreasing_path, minimality
from geom.stationarity import clarke_stationarity
from verify.display import MAX_SUITE_ROWS

SVG = "{http://www.w3.org/2000/svg}"
EVIL = "<script>alert('x')</script> & \"q\" \x00\x1b"


def parse(frag: str) -> ET.Element:
    """The fragment as an XML tree (fails on any malformed markup), also accepted by the HTML parser."""
    HTMLParser().feed(frag)
    return ET.fromstring(frag)


def kv(frag: str) -> dict:
    """``{label: text}`` of every key/value table of the display."""
    out = {}
    for t in parse(frag).iter("table"):
        if t.get("class") != "rl-kv":
            continue
        for tr in t.iter("tr"):
            th, td = tr.find("th"), tr.find("td")
            out["".join(th.itertext())] = "".join(td.itertext())
    return out


def badges(frag: str) -> list:
    """``(text, tone)`` of every badge, in document order."""
    return [("".join(s.itertext()), s.get("class").split()[1].removeprefix("rl-")) for s in parse(frag).iter("span")
            if (s.get("class") or "").startswith("rl-badge")]


def header(frag: str) -> tuple:
    """The title-line badge ``(text, tone)`` and the reason shown next to it."""
    root = parse(frag)
    head = root.find("div")
    b = next(s for s in head.iter("span") if (s.get("class") or "").startswith("rl-badge"))
    r = next((s for s in head.iter("span") if s.get("class") == "rl-reason"), None)
    return ("".join(b.itertext()), b.get("class").split()[1].removeprefix("rl-")), ("" if r is None else "".join(r.itertext()))


def svgs(frag: str) -> list:
    return list(parse(frag).iter(SVG + "svg"))


def bar_values(svg: ET.Element) -> dict:
    """``{tooltip: height}`` of the bars of a bar chart (their tooltips carry the exact values)."""
    out = {}
    for r in svg.iter(SVG + "rect"):
        t = r.find(SVG + "title")
        if t is not None:
            out[t.text] = float(r.get("height"))
    return out


def _case(name):
    c = cases.get_case(name)
    return np.asarray(c.X, float), np.asarray(c.y, float), float(c.beta)


@pytest.fixture(scope="module")
def i1():
    """docs/theory.md §I, I1: x = (−1, 1), y = (1, 2), β = 0.5."""
    X, y, beta = _case("spec-I1")
    S = geom.solve_convex(X, y, beta)
    return X, y, beta, S


@pytest.fixture(scope="module")
def i2():
    """docs/theory.md §I, I2 (the 120° instance)."""
    X, y, beta = _case("spec-I2")
    Q = geom.optimal_polytope(geom.solve_convex(X, y, beta))
    return Q, staircase(Q)


# ---- geom objects --------------------------------------------------------------------------------------------

def test_patterns_i1_counts_certificate_and_thumbnail():
    """I1: 𝒟_≥ = {01, 10, 11}, 2 regions, rank 1 (docs/theory.md §I); the thumbnail has the 4 active entries,
    the tie-only pattern 11 in orange."""
    P = geom.enumerate_patterns([[-1.0], [1.0]])
    frag = P._repr_html_()
    t = kv(frag)
    assert t["patterns"] == "3"
    assert t["region patterns found"] == "2"
    assert t["exact region count"] == "2"
    assert t["tie-only patterns"] == "1"
    assert t["rank"] == "1"
    assert t["data rows n"] == "2"
    assert header(frag)[0] == ("certified", "good")
    assert "cover" in header(frag)[1]
    (svg,) = svgs(frag)
    paths = {p.get("fill"): p.get("d") for p in svg.iter(SVG + "path")}
    # 01 and 10 are one run each (dark); 11 is one run of length 2 (orange)
    assert paths["#333333"].count("M") == 2
    assert paths["#ff7f00"].count("M") == 1


def test_patterns_uncertified_badge():
    """A pattern set whose completeness is not proved shows an amber ``uncertified`` badge and says why."""
    from dataclasses import replace

    P = replace(geom.enumerate_patterns([[1.0, 0.0], [0.0, 1.0]]), certified=False, count_certificate="none")
    (word, tone), reason = header(P._repr_html_())
    assert (word, tone) == ("uncertified", "warn")
    assert "not proved complete" in reason


def test_patterns_large_is_summarized_under_a_size_cap():
    """About 2000 patterns: no thumbnail and no dump, a histogram by number of active rows whose bars sum to the
    count, and the whole display under 20 kB."""
    rng = np.random.default_rng(0)
    X = rng.integers(-9, 10, size=(48, 3)).astype(float)
    P = geom.enumerate_patterns(X, ties="regions")
    assert P.count > 1500
    frag = P._repr_html_()
    assert len(frag) < 20_000
    assert kv(frag)["patterns"] == str(P.count)
    (svg,) = svgs(frag)
    assert svg.find(SVG + "path") is None
    # 49 possible counts (0..48 active rows) binned by twos into at most MAX_BARS bars, against a direct count
    per_count = np.bincount(np.asarray(P.patterns, bool).sum(axis=1), minlength=49)
    bars = {}
    for tip in bar_values(svg):
        label, value = tip.removeprefix("patterns at ").rsplit(": ", 1)
        lo, hi = (int(label.split("–")[0]), int(label.split("–")[-1]))
        bars[(lo, hi)] = int(value)
    assert len(bars) <= MAX_BARS
    assert sum(bars.values()) == P.count
    assert bars == {(lo, hi): int(per_count[lo:hi + 1].sum()) for lo, hi in bars}


def test_patterns_bit_packed_histogram_without_unpacking():
    """A bit-packed pattern set (``packed``, ``n_data``) is histogrammed from its bytes; ``patterns`` is never
    read.  100 patterns over 11 rows, 10 with k active rows for each k = 0..9 (none with 10 or 11)."""
    from types import SimpleNamespace

    rows = np.array([[j < k for j in range(11)] for k in range(11) for _ in range(10)][:100], bool)

    class NoUnpack(SimpleNamespace):
        @property
        def patterns(self):
            raise AssertionError("the display unpacked the patterns")

    P = NoUnpack(packed=np.packbits(rows, axis=1), n_data=11, count=100, n_regions=100, exact_regions=None,
                 is_region=np.ones(100, bool), rank=3, general_position=True, certified=True, ties="regions",
                 bias=False, count_certificate="cover", n_exact_checks=0, integer_witnesses=(), exact_fallback=False,
                 seconds=0.0)
    frag = geom.display.patterns_html(P)
    bars = {tip.removeprefix("patterns at ").rsplit(": ", 1)[0]: int(tip.rsplit(": ", 1)[1])
            for tip in bar_values(svgs(frag)[0])}
    assert bars == {str(k): 10 for k in range(10)} | {"10": 0, "11": 0}
    assert kv(frag)["data rows n"] == "11"


def test_solution_i1_closed_form(i1):
    """I1: y* = (0.5, 1.5), ν* = (0.5, 0.5), p* = 1.25 (docs/theory.md §I); the chart has y and y* per sample."""
    X, y, beta, S = i1
    frag = S._repr_html_()
    t = kv(frag)
    assert t["p*"] == f"{1.25:.6g}"
    assert t["y*"] == "[0.5, 1.5]"
    assert t["ν*"] == "[0.5, 0.5]"
    assert t["β"] == "0.5"
    assert t["neurons card(W)"] == "2"
    assert header(frag)[0] == ("optimal", "good")
    assert ("certified", "good") in badges(frag)
    (svg,) = svgs(frag)
    bars = bar_values(svg)
    assert set(bars) == {"y at 1: 1", "y at 2: 2", "y* at 1: 0.5", "y* at 2: 1.5"}
    np.testing.assert_allclose(bars["y at 2: 2"] / bars["y at 1: 1"], 2.0, rtol=1e-2)


def test_solution_over_a_given_pool_is_not_certified(i1):
    """A pool passed as an array is not certified complete: the optimum over the pool only (amber, with why)."""
    X, y, beta, _ = i1
    S = geom.solve_convex(X, y, beta, patterns=np.array([[False, True], [True, False]]))
    (word, tone), reason = header(S._repr_html_())
    assert (word, tone) == ("pool_optimal", "warn")
    assert "not certified complete" in reason
    assert ("uncertified", "warn") in badges(S._repr_html_())


def test_solution_i3_p_star_to_six_digits():
    """I3: p* = β√5 + β − β² = 1.368034 (docs/theory.md §I), shown with 6 significant digits."""
    X, y, beta = _case("spec-I3")
    frag = geom.solve_convex(X, y, beta)._repr_html_()
    closed = beta * math.sqrt(5) + beta - beta**2
    assert kv(frag)["p*"] == "1.36803" == f"{closed:.6g}"


def test_certificate_i9_saddle_violated_with_escape():
    """I9: the width-1 stationary net padded with a zero neuron is not optimal; objective 1.375, certificate gap
    exactly 0.53125, escape pattern 10 (docs/theory.md §I, I9)."""
    X, y, beta = _case("spec-I1")
    net = geom.Net(np.array([[math.sqrt(1.5)], [0.0]]), np.array([math.sqrt(1.5), 0.0]))
    frag = geom.certify_net(net, X, y, beta)._repr_html_()
    t = kv(frag)
    assert header(frag)[0] == ("violated", "bad")
    assert "escape" in header(frag)[1]
    assert t["objective L_β(θ)"] == "1.375"
    assert t["gap"] == "0.53125"
    rows = [tr for tb in parse(frag).iter("table") if tb.get("class") == "rl-table" for tr in tb.iter("tr")]
    cells = ["".join(td.itertext()) for td in rows[1].iter("td")]
    assert cells[:2] == ["10", "+"]


def test_certificate_i1_optimum_holds(i1):
    X, y, beta, S = i1
    frag = geom.certify_net(S.to_net(), X, y, beta)._repr_html_()
    assert header(frag)[0] == ("holds", "good")
    assert kv(frag)["objective L_β(θ)"] == "1.25"
    assert kv(frag)["escape directions proven"].startswith("0 of")


def test_polytope_i2(i2):
    """I2: Q is a segment with vertices of support 1 and 2: m* = 1, M* = 2, p* = 0.75 (docs/theory.md §I)."""
    Q, _ = i2
    frag = Q._repr_html_()
    t = kv(frag)
    assert header(frag)[0] == ("certified", "good")
    assert (t["p*"], t["m*"], t["M*"], t["vertices"], t["edges"], t["dim Q"]) == ("0.75", "1", "2", "2", "1", "1")
    (svg,) = svgs(frag)
    bars = bar_values(svg)
    assert set(bars) == {"vertices at 1: 1", "vertices at 2: 1"}
    marks = {t.text for t in svg.iter(SVG + "text")}
    assert {"m*", "M*"} <= marks


def test_staircase_i2_bars_and_verdicts(i2):
    """I2: (m, components, isolated) = (1, 1, 1), (2, 3, 2), (3, 1, 0), (4, 1, 0) (docs/theory.md §I); every
    statement holds; the bars are log-scaled (height ∝ log10(1 + count))."""
    _, S = i2
    frag = S._repr_html_()
    assert header(frag)[0] == ("certified", "good")
    words = [w for w, _ in badges(frag)]
    assert words.count("holds") == len(CLAIMS)
    (svg,) = svgs(frag)
    bars = bar_values(svg)
    expected = {1: (1, 1), 2: (3, 2), 3: (1, 0), 4: (1, 0)}
    for m, (comp, iso) in expected.items():
        assert f"components at {m}: {comp}" in bars
        assert f"isolated at {m}: {iso}" in bars
    np.testing.assert_allclose(bars["components at 2: 3"] / bars["components at 1: 1"],
                               math.log10(4) / math.log10(2), rtol=0.05)
    marks = {t.text for t in svg.iter(SVG + "text")}
    assert {"m*", "M*", "n+1"} <= marks


def test_staircase_i1_case_expected(i1):
    """I1: Θ*₂ is 2 isolated points, Θ*₃ connected (the case's expected staircase); m* = M* = 2."""
    X, y, beta, S = i1
    exp = cases.get_case("spec-I1").expected
    frag = staircase(geom.optimal_polytope(S))._repr_html_()
    t = kv(frag)
    assert (t["m*"], t["M*"]) == (str(exp["m_star"]), str(exp["M_star"]))
    bars = bar_values(svgs(frag)[0])
    for m, (comp, iso) in exp["staircase"].items():
        assert f"components at {m}: {comp}" in bars and f"isolated at {m}: {iso}" in bars


def test_net_checks_i9_stationary_but_not_optimal(i1):
    """I9: at width 1, (√1.5, √1.5) is Clarke stationary with objective 1.375 but not globally optimal
    (docs/theory.md §I, I9); the optimum of I1 passes all five checks."""
    X, y, beta, S = i1
    net = geom.Net(np.array([[math.sqrt(1.5)]]), np.array([math.sqrt(1.5)]))
    frag = check_nets(net, X, y, beta)[0]._repr_html_()
    t = kv(frag)
    assert t["Clarke stationary"] == "holds"
    assert t["globally optimal"] == "violated"
    assert t["objective"] == "1.375"
    assert header(frag)[0] == ("violated", "bad")
    good = check_nets(S.to_net(), X, y, beta)[0]._repr_html_()
    assert [w for w, _ in badges(good)] == ["holds"] * 6


def test_stationarity_minimality_and_path(i1):
    X, y, beta, S = i1
    net = geom.Net(np.array([[math.sqrt(1.5)]]), np.array([math.sqrt(1.5)]))
    st = clarke_stationarity(net, X, y, beta)._repr_html_()
    assert header(st)[0] == ("holds", "good")
    assert kv(st)["neurons"] == "1"
    mi = minimality(S.to_net(), X)._repr_html_()
    assert [w for w, _ in badges(mi)] == ["holds"] * 4
    # an unbalanced net with two co-conic neurons: the path merges them and strictly decreases the objective
    wide = geom.Net(np.array([[1.0], [2.0], [-1.0]]), np.array([1.0, 0.5, 0.5]))
    D = decreasing_path(wide, X, y, beta)
    frag = D._repr_html_()
    t = kv(frag)
    assert header(frag)[0] == (("monotone", "good") if D.monotone else ("not monotone", "bad"))
    # f(−1) = 0.5·(1)₊ = 0.5, f(1) = 1 + 0.5·2 = 2: loss ½(0.5 − 1)² = 0.125, penalty (β/2)·7.5 = 1.875
    start = 0.125 + 1.875
    assert t["objective at start"] == f"{start:.6g}"
    assert float(t["objective at end"]) < start
    assert len(list(svgs(frag)[0].iter(SVG + "circle"))) == 2


# ---- verify objects ------------------------------------------------------------------------------------------

def test_suite_result_real_run():
    R = verify.run_suite("patterns", cases=["spec-I1"])
    frag = R._repr_html_()
    assert header(frag)[0] == (R.verdict, "good")
    t = kv(frag)
    assert t["checks"] == str(len(R.results))
    assert t["suite"] == "patterns"
    bar = svgs(frag)[0]
    tips = {r.find(SVG + "title").text for r in bar.iter(SVG + "rect")}
    assert tips == {f"{s}: {c}" for s, c in R.counts.items() if c}


def _result(case, status, i=0):
    return verify.CheckResult(case=case, check=f"check {i}", theorem="docs/theory.md §B.1", status=status,
                              observed=i, expected=0)


def test_suite_result_escapes_and_orders_and_caps():
    """A hostile case name is escaped everywhere; the violated check is listed first; 100 checks are cut to
    the display's row limit with the rest counted."""
    results = [_result("spec-I1", verify.Status.HOLDS, i) for i in range(99)]
    results.append(_result(EVIL, verify.Status.VIOLATED, 99))
    R = verify.SuiteResult(suite=EVIL, description=EVIL, results=tuple(results), measurements=(),
                           cases=("spec-I1", EVIL), provenance={"git": {"commit": EVIL}})
    frag = R._repr_html_()
    assert "<script>" not in frag and "\x00" not in frag
    assert "&lt;script&gt;" in frag
    assert header(frag)[0] == ("violated", "bad")
    root = parse(frag)
    checks = next(t for t in root.iter("table") if t.get("class") == "rl-table"
                  and "".join(t.find("caption").itertext()).startswith("checks ("))
    rows = checks.findall("tr")[1:]
    assert len(rows) == MAX_SUITE_ROWS
    first = ["".join(td.itertext()) for td in rows[0].findall("td")]
    assert first[0] == "<script>alert('x')</script> & \"q\" " and first[3] == "violated"
    assert f"{100 - MAX_SUITE_ROWS} more" in frag


def test_check_result_escaped():
    r = verify.compare("regions <b>", 3, 4, case=EVIL, theorem="docs/theory.md §B.2")
    frag = r._repr_html_()
    assert "<script>" not in frag and "<b>" not in frag
    t = kv(frag)
    assert t["case"] == "<script>alert('x')</script> & \"q\" "
    assert (t["observed"], t["expected"], t["status"]) == ("3", "4", "violated")
    assert header(frag)[0] == ("violated", "bad")


# ---- helpers -------------------------------------------------------------------------------------------------

def test_fmt_caps_large_and_odd_values():
    assert fmt(np.arange(10**6)) == "array (1000000,) int64, min 0, max 999999"
    assert fmt(np.array([1.0, np.nan, 3.0] * 5)) == "array (15,) float64, min 1, max 3, 5 non-finite"
    assert fmt(math.factorial(30)) == "2.65253e+32"
    assert len(fmt("x" * 10_000)) == 120
    assert len(fmt(list(range(10_000)))) < 60
    assert text("a\x00b<") == "ab&lt;"


def test_bar_chart_big_integers_nan_and_cap():
    """``m!·N_m`` beyond float range plots finite (log axis); a NaN draws no bar; at most MAX_BARS groups."""
    svg = parse(bar_chart_svg([1, 2, 3], [("c", [10**400, 10**200, float("nan")], "#000000")], log=True))
    bars = bar_values(svg)
    assert set(bars) == {"c at 1: 1.00000e+400", "c at 2: 1.00000e+200"}
    assert all(math.isfinite(h) and h > 0 for h in bars.values())
    np.testing.assert_allclose(bars["c at 1: 1.00000e+400"] / bars["c at 2: 1.00000e+200"], 2.0, rtol=1e-2)
    many = parse(bar_chart_svg(range(500), [("c", range(500), "#000000")]))
    assert len(bar_values(many)) == MAX_BARS
    assert f"c at {MAX_BARS - 1}: {MAX_BARS - 1}" in bar_values(many)


def test_pattern_thumbnail_bounds_and_sparkline():
    assert pattern_matrix_svg(np.ones((THUMB_MAX + 1, 3), bool)) is None
    worst = pattern_matrix_svg(np.tile([True, False], (THUMB_MAX, THUMB_MAX // 2)))
    assert len(worst) < 40_000
    parse(worst)
    s = parse(sparkline_svg([np.nan, 2.0, 1.0]))
    assert len(list(s.iter(SVG + "circle"))) == 2
    assert parse(sparkline_svg([])).find(SVG + "polyline") is None


def test_badge_tones():
    assert [badges(badge(w))[0][1] for w in ("holds", "violated", "inconclusive", "not applicable", "error",
                                             "max_rounds")] == ["good", "bad", "warn", "neutral", "error", "warn"]
    assert MAX_ROWS >= 5
