"""Reports written as one set: run ids in every file, concurrent writers serialized, killed writers rolled
forward or back, mixed sets refused; theorem and consistency checks counted apart."""

from __future__ import annotations

import multiprocessing
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import verify
import verify._report as R
from geom.exceptions import DataFileError, InvalidInputError
from verify import CheckResult, Status
from verify._report import (
    check_report_set,
    load_report,
    read_run_id,
    recover_reports,
    render_from_json,
)

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SUITE = "toy-set"
FILES = [f"{SUITE}.json", f"{SUITE}.md", f"{SUITE}.html", f"{SUITE}_figure.png"]
# fixed commit and date, so that a subprocess builds the same results (the same run ids)
_PROVENANCE = {**verify.provenance(seed=None), "git": {"commit": "0" * 40, "dirty": False},
               "timestamp_utc": "2026-01-01T00:00:00Z"}


def _result(tag: str, *, consistency_status=Status.HOLDS) -> verify.SuiteResult:
    """A small suite result whose content (hence run id) depends on ``tag``."""
    checks = [CheckResult(case=f"case-{i}", check="value", theorem="docs/theory.md §B.2", status=Status.HOLDS,
                          observed=i, expected=i) for i in range(3)]
    checks += [CheckResult(case="case-0", check="not stated", theorem="docs/theory.md §B.2",
                           status=Status.NOT_APPLICABLE),
               CheckResult(case="case-0", check="p* = L(ψ(W))", theorem="docs/theory.md §A.5", status=consistency_status,
                           observed=1.0, expected=1.0, kind="consistency")]
    return verify.SuiteResult(suite=SUITE, description=f"run {tag}", results=tuple(checks), measurements=(),
                              cases=("case-0", "case-1", "case-2"), provenance=_PROVENANCE, elapsed_s=0.0)


def _ids(out) -> dict:
    """Run id of every present file, read directly (no recovery)."""
    return {n: read_run_id(os.path.join(out, n)) for n in FILES if os.path.exists(os.path.join(out, n))}


def _leftovers(out) -> list:
    return sorted(n for n in os.listdir(out) if n.startswith("."))


# ---- run ids -------------------------------------------------------------------------------------------------

def test_every_file_carries_the_run_id(tmp_path):
    paths = verify.write_report(_result("a"), tmp_path)
    rid = load_report(paths["json"])["run_id"]
    assert len(rid) == 16 and int(rid, 16) >= 0
    assert _ids(tmp_path) == dict.fromkeys(FILES, rid)
    assert check_report_set(tmp_path, SUITE) == rid
    assert _leftovers(tmp_path) == []  # no temporary directory, journal or lock file left
    # the id is a digest of the content: the same result gives the same bytes, another result another id
    again = verify.write_report(_result("a"), tmp_path / "again")
    assert Path(again["html"]).read_bytes() == Path(paths["html"]).read_bytes()
    other = verify.write_report(_result("b"), tmp_path / "other")
    assert load_report(other["json"])["run_id"] != rid


def test_mixed_set_is_refused(tmp_path):
    verify.write_report(_result("a"), tmp_path / "a")
    verify.write_report(_result("b"), tmp_path / "b")
    os.replace(tmp_path / "b" / f"{SUITE}.md", tmp_path / "a" / f"{SUITE}.md")
    with pytest.raises(DataFileError, match=f"Report files of suite '{SUITE}' in .* are not one set: expected the "
                                            "same run id in every file; got "):
        check_report_set(tmp_path / "a", SUITE)
    with pytest.raises(DataFileError, match="not one set"):
        load_report(tmp_path / "a" / f"{SUITE}.json")
    load_report(tmp_path / "a" / f"{SUITE}.json", check_set=False)  # what re-rendering reads
    render_from_json(tmp_path / "a" / f"{SUITE}.json", tmp_path / "a")  # re-rendering repairs the set
    assert check_report_set(tmp_path / "a", SUITE) == read_run_id(tmp_path / "a" / f"{SUITE}.json")


def test_legacy_files_without_ids_are_accepted(tmp_path):
    paths = verify.write_report(_result("a"), tmp_path)
    data = load_report(paths["json"])
    del data["run_id"]
    (tmp_path / f"{SUITE}.json").write_text(R.report_json(data))
    for n in FILES[1:]:
        os.remove(tmp_path / n)
    (tmp_path / f"{SUITE}.md").write_text("# an old report\n")
    assert check_report_set(tmp_path, SUITE) is None
    # a re-render from the legacy JSON stamps its digest, which is the JSON's id
    render_from_json(tmp_path / f"{SUITE}.json", tmp_path)
    assert check_report_set(tmp_path, SUITE) == R.report_id(data)


def test_rerender_elsewhere_keeps_that_directory_one_set(tmp_path):
    a = verify.write_report(_result("a"), tmp_path / "a")
    verify.write_report(_result("b"), tmp_path / "b")
    paths = render_from_json(a["json"], tmp_path / "b")  # b holds another toy-set.json: it is replaced too
    assert sorted(paths) == ["figure", "html", "json", "md"]
    assert check_report_set(tmp_path / "b", SUITE) == read_run_id(a["json"])
    paths = render_from_json(a["json"], tmp_path / "c")  # no JSON there: only the renders
    assert sorted(paths) == ["figure", "html", "md"]
    assert check_report_set(tmp_path / "c", SUITE) == read_run_id(a["json"])


def test_a_set_without_figure_removes_the_old_figure(tmp_path, monkeypatch):
    verify.write_report(_result("a"), tmp_path)
    monkeypatch.setattr(R, "render_figure", lambda report: None)
    paths = verify.write_report(_result("b"), tmp_path)
    assert sorted(paths) == ["html", "json", "md"]
    assert not os.path.exists(tmp_path / f"{SUITE}_figure.png")
    assert "![figure]" not in Path(paths["md"]).read_text(encoding="utf-8")
    assert check_report_set(tmp_path, SUITE) == read_run_id(paths["json"])


# ---- interrupted writers -------------------------------------------------------------------------------------

def test_exception_mid_commit_completes_the_new_set(tmp_path, monkeypatch):
    old = read_run_id(verify.write_report(_result("old"), tmp_path)["json"])
    real, calls = R._move, []

    def flaky(src, dst):  # the second move fails once
        calls.append(dst)
        if len(calls) == 2:
            raise OSError(5, "Input/output error")
        real(src, dst)

    monkeypatch.setattr(R, "_move", flaky)
    with pytest.raises(DataFileError, match="Cannot write the report of suite 'toy-set'"):
        verify.write_report(_result("new"), tmp_path)
    new = R.report_id(R._report_dict(_result("new")))
    assert new != old
    assert _ids(tmp_path) == dict.fromkeys(FILES, new)  # completed by the writer itself after the failure
    assert _leftovers(tmp_path) == []


def test_persistent_failure_mid_commit_is_rolled_forward_by_the_next_reader(tmp_path, monkeypatch):
    old = read_run_id(verify.write_report(_result("old"), tmp_path)["json"])
    real, calls = R._move, []

    def broken(src, dst):  # every move after the first fails
        calls.append(dst)
        if len(calls) > 1:
            raise OSError(28, "No space left on device")
        real(src, dst)

    monkeypatch.setattr(R, "_move", broken)
    with pytest.raises(DataFileError):
        verify.write_report(_result("new"), tmp_path)
    raw = _ids(tmp_path)
    new = raw[f"{SUITE}_figure.png"]
    assert new != old and raw[f"{SUITE}.json"] == old  # mixed on disk, journal left
    assert os.path.exists(tmp_path / f".{SUITE}.commit.tmp")
    monkeypatch.setattr(R, "_move", real)
    assert check_report_set(tmp_path, SUITE) == new
    assert _ids(tmp_path) == dict.fromkeys(FILES, new) and _leftovers(tmp_path) == []


def test_failure_before_commit_leaves_the_old_set(tmp_path, monkeypatch):
    old = read_run_id(verify.write_report(_result("old"), tmp_path)["json"])

    def no_journal(path, data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(R, "atomic_write", no_journal)
    with pytest.raises(DataFileError):
        verify.write_report(_result("new"), tmp_path)
    assert _ids(tmp_path) == dict.fromkeys(FILES, old) and _leftovers(tmp_path) == []


_KILLER = textwrap.dedent("""
    import os, signal, sys
    sys.path.insert(0, {repo!r})
    import verify
    import verify._report as R
    sys.path.insert(0, {tests!r})
    from test_report_set import _result
    where, k = sys.argv[1], int(sys.argv[2])
    calls = []
    real = getattr(R, where)

    def killer(*args):
        calls.append(args)
        if len(calls) == k:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(*args)

    setattr(R, where, killer)
    verify.write_report(_result("new"), sys.argv[3])
""")


def _killed_writer(tmp_path, where, k):
    script = tmp_path / "killer.py"
    script.write_text(_KILLER.format(repo=REPO, tests=os.path.join(REPO, "tests")))
    out = tmp_path / "out"
    res = subprocess.run([sys.executable, str(script), where, str(k), str(out)], capture_output=True, text=True,
                         timeout=300, check=False)
    assert res.returncode == -signal.SIGKILL, res.stderr
    return out


@pytest.mark.parametrize("k", [1, 3])
def test_sigkill_between_moves_is_rolled_forward(tmp_path, k):
    """A writer killed (SIGKILL) before its k-th move: the next reader completes its set."""
    old = read_run_id(verify.write_report(_result("old"), tmp_path / "out")["json"])
    out = _killed_writer(tmp_path, "_move", k)
    new = R.report_id(R._report_dict(_result("new")))
    raw = _ids(out)
    assert sorted(raw.values()).count(new) == k - 1 and sorted(raw.values()).count(old) == 5 - k
    assert check_report_set(out, SUITE) == new  # recovery, then the check
    assert _ids(out) == dict.fromkeys(FILES, new) and _leftovers(out) == []


def test_sigkill_before_the_journal_leaves_the_old_set(tmp_path):
    old = read_run_id(verify.write_report(_result("old"), tmp_path / "out")["json"])
    out = _killed_writer(tmp_path, "atomic_write", 1)  # the set is in its temporary directory, no journal
    assert any(".pending-" in n for n in os.listdir(out))
    assert recover_reports(out) == []
    assert _ids(out) == dict.fromkeys(FILES, old) and _leftovers(out) == []
    # and the next writer is not disturbed by the leftovers of a killed one
    assert read_run_id(verify.write_report(_result("b"), out)["json"]) != old


# ---- concurrent writers --------------------------------------------------------------------------------------

def _writer(out, tag, n, seed):
    for i in range(n):
        time.sleep(0.002 * ((seed * 7 + i) % 5))
        verify.write_report(_result(tag), out)


def test_concurrent_writers_never_mix(tmp_path):
    """Two processes write different results into one directory, 8 times each, while this process checks the
    set over and over: every check sees one complete set of either run, never a mix.  (Writing the files one
    after the other, as before run ids, gave a mixed set in about 8% of such reads; without the lock the two
    writers remove each other's temporary files.)"""
    out = str(tmp_path)
    ids = {R.report_id(R._report_dict(_result(t))) for t in ("p", "q")}
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_writer, args=(out, t, 8, s)) for s, t in enumerate(("p", "q"))]
    for p in procs:
        p.start()
    seen = []
    while any(p.is_alive() for p in procs):
        if os.path.exists(os.path.join(out, f"{SUITE}.json")):
            seen.append(check_report_set(out, SUITE))  # raises on a mixed set
        time.sleep(0.001)
    for p in procs:
        p.join(timeout=300)
        assert p.exitcode == 0
    seen.append(check_report_set(out, SUITE))
    assert set(seen) <= ids and len(seen) > 1
    assert set(_ids(out).values()) <= ids and len(set(_ids(out).values())) == 1
    assert _leftovers(out) == []


# ---- theorem and consistency checks counted apart ------------------------------------------------------------

def test_summary_counts_kinds_apart(tmp_path):
    paths = verify.write_report(_result("a"), tmp_path)
    data = load_report(paths["json"])
    assert data["counts_by_kind"]["theorem"] == {"holds": 3, "violated": 0, "inconclusive": 0,
                                                 "not applicable": 1, "error": 0}
    assert data["counts_by_kind"]["consistency"]["holds"] == 1
    assert [r["kind"] for r in data["results"]] == ["theorem"] * 4 + ["consistency"]
    md = Path(paths["md"]).read_text(encoding="utf-8")
    assert "| theorem checks | 3 | 0 | 0 | 1 | 0 | 4 |" in md
    assert "| consistency checks | 1 | 0 | 0 | 0 | 0 | 1 |" in md
    assert "| all | 4 | 0 | 0 | 1 | 0 | 5 |" in md
    # the summary by theorem: one row per theorem and kind, linking to its section
    assert "| [docs/theory.md §A.5](#sec-1) | consistency | 1 | 0 | 0 | 0 | 0 | 1 | 0 |" in md
    assert "| [docs/theory.md §B.2](#sec-2) | theorem | 3 | 0 | 0 | 1 | 0 | 4 | 0 |" in md
    _, a5, b2 = md.split('<a id="sec-')
    assert "## docs/theory.md §A.5" in a5 and "consistency checks: 1 holds." in a5
    assert "| holds | case-0 | p* = L(ψ(W)) | consistency |" in a5 and "p* = L(ψ(W))" not in b2
    assert "theorem checks: 3 holds, 1 not applicable." in b2
    assert "**PASS: no check violated, no error**" in md
    html = Path(paths["html"]).read_text(encoding="utf-8")
    assert '<tr><th>consistency checks</th><td class="n">1</td>' in html
    assert '<section id="sec-1"><h2>docs/theory.md §A.5<span class="badge ok">holds</span></h2>' in html


def test_a_violated_consistency_check_fails_the_run(tmp_path):
    res = _result("bad", consistency_status=Status.VIOLATED)
    assert not res.ok
    paths = verify.write_report(res, tmp_path)
    md = Path(paths["md"]).read_text(encoding="utf-8")
    assert "**FAIL: 1 violated, 0 error(s)**" in md
    assert "### case-0: p* = L(ψ(W)) (violated; consistency check)" in md
    assert "| consistency checks | 0 | 1 | 0 | 0 | 0 | 1 |" in md


def test_check_kind_is_validated():
    with pytest.raises(InvalidInputError, match=r"The 'kind' parameter of CheckResult must be one of "
                                                r"\{'theorem', 'consistency'\}. Got 'tautology' instead."):
        CheckResult(case="c", check="k", theorem="§", status=Status.HOLDS, kind="tautology")
    with pytest.raises(TypeError, match="The 'status' parameter of CheckResult must be a verify.Status"):
        CheckResult(case="c", check="k", theorem="§", status="holds")


# ---- one section per theorem, figures, folding, foreign schemas ----------------------------------------------

def _sectioned_result() -> verify.SuiteResult:
    """20 passing checks and a violated one under §B.2, an inconclusive one under §A.3, figures for both (one
    with bad data), a figure-only section (§E.2) and a checker error without a theorem."""
    from verify import Figure, Measurement

    checks = [CheckResult(case=f"case-{i % 2}", check=f"count {i}", theorem="docs/theory.md §B.2",
                          status=Status.HOLDS, observed=i, expected=i) for i in range(20)]
    checks += [CheckResult(case="case-1", check="pattern set", theorem="docs/theory.md §B.2", status=Status.VIOLATED,
                           observed=["01"], expected=["01", "11"], witness={"missing": ["11"]}),
               CheckResult(case="case-0", check="gap", theorem="docs/theory.md §A.3", status=Status.INCONCLUSIVE,
                           observed=1.0, expected=1.0, margin=1e-12, tolerance=1e-9),
               CheckResult(case="case-0", check="suite checker", theorem="—", status=Status.ERROR,
                           details={"exception": "ValueError", "message": "bad"})]
    figs = (Figure("case-1", "arrangement2d", {"X": [[1, 0], [0, 1]]}, "docs/theory.md §B.2", "case-1: cells"),
            Figure("case-0", "series", {"x": [1, 2], "series": [{"label": "gap", "y": [1, 2]}]},
                   "docs/theory.md §A.3", "gap curve"),
            Figure("case-0", "fits1d", {"curves": []}, "docs/theory.md §A.3", "broken fit"),
            Figure("case-0", "staircase", {"staircase": [{"m": 1, "components": 1, "isolated": 1}]},
                   "docs/theory.md §E.2", "staircase"))
    return verify.SuiteResult(suite=SUITE, description="sections", results=tuple(checks),
                              measurements=(Measurement("case-0", "recall", 0.5, theorem="docs/theory.md §B.2"),),
                              cases=("case-0", "case-1"), provenance=_PROVENANCE, elapsed_s=0.0, figures=figs)


def _between(text: str, start: str, end: str) -> str:
    return text.split(start, 1)[1].split(end, 1)[0]


def test_one_section_per_theorem_with_its_figures(tmp_path):
    pytest.importorskip("matplotlib")
    paths = verify.write_report(_sectioned_result(), tmp_path)
    html = Path(paths["html"]).read_text(encoding="utf-8")
    md = Path(paths["md"]).read_text(encoding="utf-8")
    # sections in the order of docs/theory.md, the one without a theorem last; the summary links to each
    heads = [h.split("<", 1)[0] for h in html.split('"><h2>')[1:]]
    assert heads == ["docs/theory.md §A.3", "docs/theory.md §B.2", "docs/theory.md §E.2",
                     "(no theorem: checker errors and unassigned items)"]
    assert [f'<a href="#sec-{i}">' in html for i in range(1, 5)] == [True] * 4
    assert ('<tr class="attention"><td><a href="#sec-2">docs/theory.md §B.2</a></td><td>theorem</td>'
            '<td class="n">20</td><td class="n violated">1</td><td class="n zero">0</td>') in html
    assert "| [docs/theory.md §B.2](#sec-2) ⚠ | theorem | 20 | 1 | 0 | 0 | 0 | 21 | 1 |" in md
    assert "| [docs/theory.md §E.2](#sec-3) | — | 0 | 0 | 0 | 0 | 0 | 0 | 1 |" in md
    # each figure in its theorem's section: an image, or the reason it could not be drawn
    a3, b2, e2, none = (_between(html, f'<section id="sec-{i}">', "</section>") for i in range(1, 5))
    assert a3.count("<img ") == 1 and "not drawn: The &#x27;x&#x27; entry of a &#x27;fits1d&#x27; figure" in a3
    assert b2.count("<img ") == 1 and "<figcaption>case-1: cells" in b2
    assert e2.count("<img ") == 1 and "no checks" in e2
    assert html.count("<img ") == 4  # and the suite's summary figure
    # self-contained: every src and href is embedded data or an anchor on the page, no stylesheet link, no url()
    assert re.findall(r'(?:src|href)="(?!data:image/png;base64,|#)', html) == []
    assert "<link" not in html and "url(" not in html and "@import" not in html
    assert "<img " not in none and '<td class="error">error</td>' in none
    # the violated check first, its witness in full; the 20 passing ones folded
    assert b2.index('<td class="violated">violated</td>') < b2.index("<details><summary>20 more checks")
    assert '&quot;missing&quot;: [\n  &quot;11&quot;\n ]' in b2
    assert "recall" in b2 and '<span class="badge fail">1 violated, 0 error(s)</span>' in b2
    assert '<span class="badge warn">1 inconclusive</span>' in a3
    md_b2 = _between(md, "## docs/theory.md §B.2\n", '<a id="sec-3">')
    assert md_b2.index("| **VIOLATED** | case-1 | pattern set |") < md_b2.index("<details><summary>20 more checks")
    assert "#### case-1: pattern set (violated)" in md_b2
    assert "Figures (drawn in the HTML report): case-1: cells." in md_b2


def test_a_short_section_is_not_folded(tmp_path):
    paths = verify.write_report(_result("a"), tmp_path)
    md = Path(paths["md"]).read_text(encoding="utf-8")
    assert "<details>" not in md and "| not applicable | case-0 | not stated | theorem |" in md


def test_a_report_of_another_schema_is_refused(tmp_path):
    paths = verify.write_report(_result("a"), tmp_path / "a")
    data = load_report(paths["json"])
    old = tmp_path / "old"
    old.mkdir()
    data["schema"] = "relu-landscape/suite-report/0"
    (old / f"{SUITE}.json").write_text(R.report_json(data), encoding="utf-8")
    expected = (r"The 'path' parameter of verify.load_report must be a suite report of schema "
                r"'relu-landscape/suite-report/1' .*Got a report of schema 'relu-landscape/suite-report/0' written by "
                r"relu-landscape .* instead. Regenerate it with `relu-landscape run` of this version.")
    with pytest.raises(DataFileError, match=expected):
        load_report(old / f"{SUITE}.json")
    with pytest.raises(DataFileError, match=expected):
        render_from_json(old / f"{SUITE}.json", tmp_path / "out")
    assert not (tmp_path / "out").exists() or os.listdir(tmp_path / "out") == []
    proc = subprocess.run([sys.executable, "-m", "verify.report", str(old / f"{SUITE}.json")], cwd=REPO,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "schema 'relu-landscape/suite-report/0'" in proc.stderr
    assert sorted(os.listdir(old)) == [f"{SUITE}.json"]  # nothing rendered next to it


def test_a_report_without_figures_renders(tmp_path):
    """A results file of this schema written before figures existed (no "figures" key) still renders."""
    paths = verify.write_report(_result("a"), tmp_path / "a")
    data = load_report(paths["json"])
    del data["figures"]
    data.pop("run_id")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / f"{SUITE}.json").write_text(R.report_json(data), encoding="utf-8")
    out = render_from_json(tmp_path / "b" / f"{SUITE}.json", tmp_path / "b")
    assert "<section id=\"sec-1\">" in Path(out["html"]).read_text(encoding="utf-8")
