"""The relu-landscape command line: patterns, run, cases; one-line errors with exit status 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from verify.cli import main

B2 = np.array([[1, 0], [-1, 0], [0, 1]])  # docs/theory.md §B.2
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PREFIX = "relu-landscape: error: "


@pytest.fixture
def b2_npz(tmp_path):
    p = tmp_path / "b2.npz"
    np.savez(p, X=B2.astype(float), y=np.array([1.0, 0.0, 2.0]), beta=0.5)
    return str(p)


@pytest.fixture
def line_csv(tmp_path):
    p = tmp_path / "line.csv"
    p.write_text("x,y\n-1,0\n0,1\n1,0\n2,1\n")
    return str(p)


def test_patterns_json_npz(cli_json, capsys, b2_npz):
    d = cli_json(["patterns", b2_npz, "--json", "--quiet"])
    assert (d["n"], d["d"], d["rank"], d["ties"], d["bias"]) == (3, 2, 2, "geq", False)
    assert (d["count"], d["regions"], d["tie_only"]) == (6, 4, 2)
    assert d["general_position"] is False and d["certified"] is True
    assert d["count_certificate"] in ("cover", "charpoly")
    assert isinstance(d["seconds"], float) and d["saved"] is None


def test_patterns_json_csv_and_ties_regions(cli_json, capsys, tmp_path):
    p = tmp_path / "b2.csv"
    p.write_text("\n".join(f"{a},{b},1" for a, b in B2) + "\n")
    assert cli_json(["patterns", str(p), "--json"])["count"] == 6
    d = cli_json(["patterns", str(p), "--json", "--ties", "regions"])
    assert (d["count"], d["regions"], d["ties"]) == (4, 4, "regions")


def test_patterns_one_dimensional_with_bias(cli_json, capsys, line_csv):
    d = cli_json(["patterns", line_csv, "--bias", "--json"])  # docs/theory.md §B.3: 2n = 8
    assert (d["n"], d["d"], d["bias"], d["count"], d["regions"], d["rank"]) == (4, 1, True, 8, 8, 2)
    d = cli_json(["patterns", line_csv, "--json"])  # no bias: 0111, 1100, and 1111 from u = 0
    assert (d["count"], d["regions"]) == (3, 2)


def test_patterns_summary_and_save_round_trip(capsys, b2_npz, tmp_path):
    out_file = tmp_path / "pats.npz"
    assert main(["patterns", b2_npz, "--save", str(out_file)]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert "patterns (ties=geq): 6, regions: 4, tie-only: 2" in out
    assert f"saved: {out_file}" in out
    with np.load(out_file) as z:
        P, W = z["patterns"], z["witnesses"]
        assert (int(z["count"]), int(z["regions"]), str(z["ties"]), bool(z["certified"])) == (6, 4, "geq", True)
    assert P.dtype == bool and P.shape == (6, 3) and W.shape == (6, 2)
    assert ["".join(str(int(b)) for b in p) for p in P] == ["010", "011", "100", "101", "110", "111"]
    np.testing.assert_array_equal(B2 @ W.T >= 0, P.T)  # each witness realizes its pattern exactly
    assert sorted(os.listdir(tmp_path)) == ["b2.npz", "pats.npz"]  # no temporary left behind


def _bad_files(tmp_path):
    (tmp_path / "nan.csv").write_text("1,2,3\nnan,0,1\n")
    (tmp_path / "text.csv").write_text("1,2,3\n4,five,6\n")
    (tmp_path / "empty.csv").write_text("")
    (tmp_path / "corrupt.npz").write_bytes(b"not a zip")
    (tmp_path / "data.txt").write_text("1,2\n")
    np.savez(tmp_path / "noy.npz", X=np.eye(2))
    np.savez(tmp_path / "shape.npz", X=np.ones(3), y=np.ones(3))
    np.savez(tmp_path / "leny.npz", X=np.ones((3, 2)), y=np.ones(2))
    np.savez(tmp_path / "inf.npz", X=np.array([[1.0, np.inf]]), y=np.ones(1))


@pytest.mark.parametrize("argv, needle", [
    (["patterns", "{t}/missing.npz"], "missing.npz' does not exist"),
    (["patterns", "{t}/nan.csv"], "nan.csv' has a non-finite value at line 2, column 1"),
    (["patterns", "{t}/text.csv"], "text.csv' has a non-numeric field at line 2, column 2"),
    (["patterns", "{t}/empty.csv"], "empty.csv' has no data rows"),
    (["patterns", "{t}/corrupt.npz"], "corrupt.npz' is not a .npz archive"),
    (["patterns", "{t}/data.txt"], "data.txt' has an unsupported extension"),
    (["patterns", "{t}/noy.npz"], "noy.npz' lacks array 'y'"),
    (["patterns", "{t}/shape.npz"], "array 'X' of the wrong shape"),
    (["patterns", "{t}/leny.npz"], "array 'y' of the wrong shape"),
    (["patterns", "{t}/inf.npz"], "non-finite values in 'X'"),
    (["patterns", "{t}/noy.npz", "--ties", "gt"], "argument --ties: invalid choice: 'gt'"),
    (["patterns", "{t}/noy.npz", "--frobnicate"], "unrecognized arguments: --frobnicate"),
    (["patterns"], "the following arguments are required: DATA"),
    (["patterns", "{t}/noy.npz", "--save", "{t}/out.txt"], "argument --save: Cannot write '{t}/out.txt': expected a file name ending in .npz"),
    (["patterns", "{t}/noy.npz", "--save", "{t}/no/dir.npz"], "argument --save: Cannot write '{t}/no/dir.npz': expected an existing directory"),
    (["run", "--cases", "no-such-case"], "'no-such-case'"),
    (["run", "--suite", "no-such-suite"], "argument --suite: invalid choice: 'no-such-suite'"),
    (["run", "--out", "{t}/data.txt"], "The '--out' parameter of relu-landscape run must be a writable directory (created if missing). Got '{t}/data.txt' ('{t}/data.txt' is a file) instead."),
    (["cases", "--tag", "no-such-tag"], "The '--tag' option of relu-landscape cases must be one of"),
    (["frobnicate"], "argument COMMAND: invalid choice: 'frobnicate'"),
    ([], "the following arguments are required: COMMAND"),
])
def test_bad_input_exits_2_with_one_line(cli_error, tmp_path, argv, needle):
    _bad_files(tmp_path)
    err = cli_error([a.format(t=tmp_path) for a in argv])
    assert needle.format(t=tmp_path) in err


def test_run_writes_reports(capsys, tmp_path):
    out_dir = tmp_path / "reports"
    rc = main(["run", "--suite", "patterns", "--out", str(out_dir), "--quiet", "--cases", "spec-B2-antiparallel",
               "spec-I5", "cross-2"])
    out, err = capsys.readouterr()
    assert rc == 0 and err == ""
    assert sorted(os.listdir(out_dir)) == ["patterns.html", "patterns.json", "patterns.md", "patterns_figure.png"]
    assert out.splitlines()[0].startswith("patterns: PASS: ")
    assert f"json: {out_dir / 'patterns.json'}" in out
    data = json.loads((out_dir / "patterns.json").read_text())
    assert data["cases"] == ["spec-B2-antiparallel", "spec-I5", "cross-2"]
    assert data["counts"]["violated"] == data["counts"]["error"] == 0 and data["counts"]["holds"] > 0


def test_run_exit_status_1_on_violation(capsys, tmp_path):
    import verify
    from verify import compare

    @verify.register_suite("always-wrong-test", tags=("spec",))
    def _wrong(case, ctx):
        yield compare("rank", -1, case.expected.get("rank"), case=case.name, theorem="docs/theory.md §B.2")

    try:
        rc = main(["run", "--suite", "always-wrong-test", "--out", str(tmp_path), "--cases", "spec-I1"])
    finally:
        verify.SUITES.pop("always-wrong-test")
    out, _ = capsys.readouterr()
    assert rc == 1
    assert out.startswith("always-wrong-test: FAIL: 1 checks on 1 cases: 0 holds, 1 violated")


def test_cases_listing(cli_json, capsys):
    d = cli_json(["cases", "--tag", "spec", "--json"])
    names = [c["name"] for c in d]
    assert "spec-B2-antiparallel" in names and all("spec" in c["tags"] for c in d)
    assert main(["cases", "--tag", "bias", "--tag", "spec"]) == 0
    out = capsys.readouterr().out
    assert [line.split()[0] for line in out.splitlines()] == ["spec-I4", "spec-I5", "spec-I7"]


def test_python_dash_m_entry_points(b2_npz, tmp_path):
    env = {**os.environ, "PYTHONPATH": REPO + os.pathsep + os.environ.get("PYTHONPATH", "")}
    res = subprocess.run([sys.executable, "-m", "verify", "patterns", b2_npz, "--json"], capture_output=True,
                         text=True, cwd=REPO, env=env, timeout=120, check=False)
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["count"] == 6
    res = subprocess.run([sys.executable, "-m", "verify", "patterns", str(tmp_path / "nope.csv")],
                         capture_output=True, text=True, cwd=REPO, env=env, timeout=120, check=False)
    assert res.returncode == 2 and res.stdout == ""
    assert res.stderr.splitlines() == [f"{PREFIX}Data file '{tmp_path / 'nope.csv'}' does not exist: expected "
                                       "an existing .npz or .csv file; got no such file."]


def test_report_rerender_module(tmp_path, capsys):
    assert main(["run", "--suite", "patterns", "--out", str(tmp_path), "--quiet", "--cases", "spec-I1"]) == 0
    capsys.readouterr()
    from verify.report import main as report_main

    os.remove(tmp_path / "patterns.md")
    assert report_main([str(tmp_path / "patterns.json"), "--out", str(tmp_path / "again")]) == 0
    assert sorted(os.listdir(tmp_path / "again")) == ["patterns.html", "patterns.md", "patterns_figure.png"]
    assert report_main([str(tmp_path / "missing.json")]) == 2
    err = capsys.readouterr().err
    assert err.splitlines() == [f"{PREFIX}Report file '{tmp_path / 'missing.json'}' does not exist: expected a "
                                "<suite>.json report; got no such file."]


def test_run_cases_across_suites_skips_a_suite_without_them(capsys, tmp_path):
    """Each --cases name must belong to a selected suite; a suite holding none of them is skipped, unwritten."""
    import verify
    from verify import compare

    def checker(case, ctx):
        yield compare("rank", case.expected.get("rank"), case.expected.get("rank"), case=case.name,
                      theorem="docs/theory.md §B.2")

    verify.register_suite("toy-spec-test", tags=("spec",))(checker)
    verify.register_suite("toy-bias-test", tags=("bias",))(checker)
    try:
        rc = main(["run", "--suite", "toy-spec-test", "toy-bias-test", "--cases", "spec-I1", "--out", str(tmp_path),
                   "--quiet"])
        out, err = capsys.readouterr()
        assert (rc, err) == (0, "")
        assert out.splitlines()[0].startswith("toy-spec-test: PASS: 1 checks on 1 cases")
        assert "toy-bias-test: skipped: none of --cases belongs to it (no report written)" in out
        assert sorted(os.listdir(tmp_path)) == ["toy-spec-test.html", "toy-spec-test.json", "toy-spec-test.md",
                                                "toy-spec-test_figure.png"]
        err = main(["run", "--suite", "toy-bias-test", "--cases", "spec-I1", "--out", str(tmp_path / "x")])
        assert err == 2 and not (tmp_path / "x").exists()
        assert capsys.readouterr().err == (f"{PREFIX}argument --cases: expected cases of the selected suite "
                                           "('toy-bias-test': tagged bias); got 'spec-I1', in none of them (see "
                                           "`relu-landscape cases`)\n")
    finally:
        verify.SUITES.pop("toy-spec-test")
        verify.SUITES.pop("toy-bias-test")


def test_report_command_rerenders_and_refuses_an_unwritable_out(capsys, tmp_path):
    assert main(["run", "--suite", "patterns", "--out", str(tmp_path), "--quiet", "--case", "spec-I1"]) == 0
    n_checks = len(json.loads((tmp_path / "patterns.json").read_text())["results"])
    capsys.readouterr()
    assert main(["report", str(tmp_path / "patterns.json"), "--out", str(tmp_path / "again")]) == 0
    out, err = capsys.readouterr()
    assert err == "" and out.splitlines()[0] == f"patterns: PASS: {n_checks} checks"
    assert f"  html: {tmp_path / 'again' / 'patterns.html'}" in out.splitlines()
    assert sorted(os.listdir(tmp_path / "again")) == ["patterns.html", "patterns.md", "patterns_figure.png"]
    (tmp_path / "file").write_text("in the way")
    assert main(["report", str(tmp_path / "patterns.json"), "--out", str(tmp_path / "file" / "sub")]) == 2
    assert capsys.readouterr().err == (f"{PREFIX}The '--out' parameter of relu-landscape report must be a writable "
                                       f"directory (created if missing). Got '{tmp_path / 'file' / 'sub'}' "
                                       f"('{tmp_path / 'file'}' is a file) instead.\n")


def test_patterns_stream_counts_and_saves_the_regions(cli_json, capsys, b2_npz, tmp_path):
    """``patterns --stream`` (docs/theory.md §B.7): the regions of B2 (4 of them) counted without holding them,
    certified; with ``--save`` the same rows as the in-memory ``--ties regions`` run; refused with ``--ties geq``."""
    d = cli_json(["patterns", b2_npz, "--ties", "regions", "--stream", "--json", "--quiet"])
    assert (d["count"], d["exact_regions"], d["certified"], d["streamed"]) == (4, 4, True, True)
    out_file = tmp_path / "stream.npz"
    ref_file = tmp_path / "ref.npz"
    assert main(["patterns", b2_npz, "--ties", "regions", "--stream", "--save", str(out_file), "--quiet"]) == 0
    assert main(["patterns", b2_npz, "--ties", "regions", "--save", str(ref_file), "--quiet"]) == 0
    capsys.readouterr()
    with np.load(out_file) as z, np.load(ref_file) as r:
        got = sorted("".join(str(int(b)) for b in p) for p in z["patterns"])
        want = sorted("".join(str(int(b)) for b in p) for p in r["patterns"])
        assert got == want and bool(z["certified"])
    assert main(["patterns", b2_npz, "--stream", "--quiet"]) == 2
    assert "--stream" in capsys.readouterr().err
