"""A deterministic fuzz of the command line, and regressions of the defects it found, each named after it.

Every input, good or bad, gets an answer or one line: the exit status is 0, 1 or 2; with 2, stdout is empty and
stderr is exactly one line ``relu-landscape: error: ...``; stderr never holds a traceback; a command that fails
leaves no file in its output directory (no half-written files); a JSON output gives verdict strings, never
booleans, for the properties a verdict decides.  The inputs are generated below (files of every kind and flaw,
options at and beyond their limits) and each one also states which exit statuses it may give, so a wrong answer
(0 for an input that must be refused) fails too.  In-process runs of :func:`verify.cli.main` keep it fast; a few
subprocess runs cover what only a real process shows (FIFOs that would block, ``python -m`` entry points).
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys

import numpy as np
import pytest

import geom
from verify.cli import main

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PREFIX = "relu-landscape: error: "
VERDICTS = {"holds", "violated", "inconclusive", "not applicable"}
VERDICT_KEYS = {"verdict", "globally_optimal"}


# ---- the inputs ------------------------------------------------------------------------------------------------

def _npz(path, **arrays):
    with open(path, "wb") as f:  # np.savez(path) would append .npz to names such as 'd.csv'
        np.savez(f, **arrays)


def _data_files(d):
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((5, 2)), rng.standard_normal(5)
    f = {}

    def npz(name, **arrays):
        f[name] = str(d / f"{name}.npz")
        _npz(f[name], **arrays)

    def raw(name, suffix, content):
        f[name] = str(d / f"{name}{suffix}")
        with open(f[name], "wb" if isinstance(content, bytes) else "w") as fh:
            fh.write(content)

    npz("base", X=X, y=y, beta=0.5)
    npz("b2int", X=np.array([[1, 0], [-1, 0], [0, 1]]), y=np.array([1.0, 0.0, 2.0]), beta=0.5)
    npz("i1", X=np.array([[-1.0], [1.0]]), y=np.array([1.0, 2.0]), beta=0.5)
    npz("zeroX", X=np.zeros((3, 2)), y=np.array([1.0, 2.0, 3.0]), beta=0.5)
    npz("zerorow", X=np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]]), y=np.array([1.0, 2.0, 3.0]), beta=0.5)
    npz("big200", X=X * 1e200, y=y, beta=0.5)
    npz("tiny200", X=X * 1e-200, y=y, beta=0.5)
    npz("boolX", X=np.array([[True, False], [False, True]]), y=np.ones(2), beta=1.0)
    npz("int8X", X=np.array([[1, -2], [3, 4]], dtype=np.int8), y=np.ones(2), beta=1.0)
    npz("f16X", X=X.astype(np.float16), y=y, beta=0.5)
    npz("nobeta", X=X, y=y)
    npz("u64ok", X=np.array([[2**63 - 1, 1], [1, 2]], dtype=np.uint64), y=np.ones(2), beta=1.0)
    # flawed
    npz("u64big", X=np.array([[2**63, 1], [1, 2**64 - 1], [3, 1]], dtype=np.uint64), y=np.ones(3), beta=0.5)
    npz("complexX", X=X + 0j, y=y, beta=0.5)
    npz("strX", X=X.astype(str), y=y, beta=0.5)
    npz("objX", X=np.array([[1, None]], dtype=object), y=np.ones(1))
    npz("dateX", X=np.zeros((2, 2), dtype="datetime64[s]"), y=np.ones(2))
    npz("nanX", X=np.array([[np.nan, 1.0]]), y=np.ones(1), beta=1.0)
    npz("infy", X=np.ones((2, 1)), y=np.array([np.inf, 0.0]), beta=1.0)
    npz("X1d", X=np.ones(3), y=np.ones(3), beta=1.0)
    npz("X3d", X=np.ones((2, 2, 2)), y=np.ones(2), beta=1.0)
    npz("y2d", X=np.ones((3, 2)), y=np.ones((3, 1)), beta=1.0)
    npz("yshort", X=np.ones((3, 2)), y=np.ones(2), beta=1.0)
    npz("X0rows", X=np.ones((0, 2)), y=np.ones(0), beta=1.0)
    npz("X0cols", X=np.ones((3, 0)), y=np.ones(3), beta=1.0)
    npz("betaneg", X=X, y=y, beta=-1.0)
    npz("betanan", X=X, y=y, beta=np.nan)
    npz("betazero", X=X, y=y, beta=0.0)
    npz("betavec", X=X, y=y, beta=np.ones(2))
    npz("betastr", X=X, y=y, beta="half")
    npz("noy", X=X)
    npz("noX", y=y)
    npz("nothing")
    npz("g3000", X=rng.standard_normal((3000, 6)), y=np.ones(3000), beta=0.5)  # about 4·10¹⁵ regions
    npz("wide", X=rng.standard_normal((2, 199_999)), y=np.ones(2), beta=0.5)  # dense d × d: 298 GiB
    with open(d / "npy_as_npz.npz", "wb") as fh:
        np.save(fh, X)
    f["npy_as_npz"] = str(d / "npy_as_npz.npz")
    raw("empty_npz", ".npz", b"")
    raw("pickle_npz", ".npz", pickle.dumps({"X": X, "y": y}))
    raw("garbage_npz", ".npz", b"not a zip at all")
    full = open(f["base"], "rb").read()
    raw("trunc_npz", ".npz", full[: len(full) // 2])
    raw("trunc_tail_npz", ".npz", full[:-30])
    # CSV
    raw("csv", ".csv", "x1,x2,y\n1,0,1\n-1,0,0\n0,1,2\n")
    raw("csv_noheader", ".csv", "1,0,1\n-1,0,0\n0,1,2\n")
    raw("csv_crlf_bom", ".csv", "\ufeffx,y\r\n-1,0\r\n0,1\r\n1,0\r\n")
    raw("csv_hex", ".csv", "0x10,0,1\n1,2,3\n-1,1,0\n")
    raw("csv_underscore", ".csv", "1_000,2,3\n")
    raw("csv_bigint", ".csv", f"{2**53 + 1},1,0\n1,1,1\n")
    raw("csv_header_only", ".csv", "x,y\n")
    raw("csv_empty", ".csv", "")
    raw("csv_blank", ".csv", "\n\n   \n# only a comment\n")
    raw("csv_ragged", ".csv", "1,2,3\n4,5\n")
    raw("csv_nan", ".csv", "1,2\nnan,3\n")
    raw("csv_inf", ".csv", "1,inf\n")
    raw("csv_text", ".csv", "1,2\n3,four\n")
    raw("csv_onecol", ".csv", "1\n2\n")
    raw("csv_semicolon", ".csv", "1;2;3\n4;5;6\n")
    raw("csv_binary", ".csv", b"\xff\xfe\x00\x81garbage")
    raw("csv_huge_values", ".csv", "1e308,1e308,1\n-1e308,1e308,0\n")
    raw("csv_two_headers", ".csv", "x,y\nu,v\n1,2\n")
    f["zip_as_csv"] = str(d / "zip_as_csv.csv")
    _npz(f["zip_as_csv"], X=X, y=y)
    # not files
    os.mkdir(d / "dir.npz")
    f["dir"] = str(d / "dir.npz")
    os.symlink("/dev/zero", d / "devzero.npz")
    f["devzero"] = str(d / "devzero.npz")
    os.symlink("/dev/zero", d / "devzero.csv")
    f["devzero_csv"] = str(d / "devzero.csv")
    f["missing"] = str(d / "missing.npz")
    raw("txt", ".txt", "1,2\n")
    raw("noext", "", "1,2\n")
    return f


def _net_files(d):
    f = {}

    def npz(name, **arrays):
        f[name] = str(d / f"{name}.npz")
        _npz(f[name], **arrays)

    npz("net", U=np.array([[1.0, 0.5], [-0.3, 1.0]]), alpha=np.array([1.0, -0.5]))
    npz("net_bias", U=np.array([[1.0, 0.5, 0.1]]), alpha=np.array([0.7]), bias=np.array(True))
    npz("net6", U=np.ones((2, 6)), alpha=np.array([1.0, -1.0]))
    npz("net_bias_d1", U=np.array([[1.0, 0.5], [-1.0, 0.2]]), alpha=np.array([0.7, 0.3]), bias=np.array(True))
    npz("net_zero", U=np.zeros((2, 2)), alpha=np.zeros(2))
    npz("net_int", U=np.array([[1, 0], [0, 1]]), alpha=np.array([1, -1]))
    npz("net_str", U=np.array([["a", "b"]]), alpha=np.array(["c"]))
    npz("net_complex", U=np.ones((1, 2)) * (1 + 1j), alpha=np.ones(1))
    npz("net_huge", U=np.full((2, 2), 1e154), alpha=np.full(2, 1e154))
    npz("net_nan", U=np.array([[np.nan, 1.0]]), alpha=np.ones(1))
    npz("net_keys", W=np.ones((2, 2)), a=np.ones(2))
    npz("net_alpha", U=np.ones((2, 2)), alpha=np.ones(3))
    npz("net_U3d", U=np.ones((2, 2, 2)), alpha=np.ones((2, 2)))
    npz("net_U1d", U=np.ones(2), alpha=np.ones(2))
    npz("net_wide", U=np.ones((2, 3)), alpha=np.ones(2))
    npz("net_biasvec", U=np.ones((2, 2)), alpha=np.ones(2), bias=np.ones(2))
    npz("net_bias2", U=np.ones((2, 2)), alpha=np.ones(2), bias=np.array(2))
    npz("net_obj", U=np.array([[1.0, None]], dtype=object), alpha=np.ones(1))
    npz("net_empty_m", U=np.zeros((0, 2)), alpha=np.zeros(0))
    for name, content in (("net_empty", b""), ("net_garbage", b"garbage")):
        f[name] = str(d / f"{name}.npz")
        (d / f"{name}.npz").write_bytes(content)
    good = open(f["net"], "rb").read()
    f["net_trunc"] = str(d / "net_trunc.npz")
    (d / "net_trunc.npz").write_bytes(good[: len(good) // 2])
    f["net_npy"] = str(d / "net_npy.npz")
    with open(f["net_npy"], "wb") as fh:
        np.save(fh, np.ones((2, 2)))
    # pattern files for solve --patterns-file (base has n = 5)
    npz("pats", patterns=geom.enumerate_patterns(np.random.default_rng(0).standard_normal((5, 2)),
                                                 ties="regions").patterns)
    npz("pats_shape", patterns=np.ones((2, 4), dtype=bool))
    npz("pats_values", patterns=np.full((2, 5), 2))
    npz("pats_float", patterns=np.full((2, 5), 0.5))
    npz("pats_complex", patterns=np.ones((2, 5), dtype=complex))
    npz("pats_empty", patterns=np.zeros((0, 5), dtype=bool))
    npz("pats_none", other=np.ones(2))
    return f


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("fuzz_inputs")
    return {**_data_files(d), **_net_files(d), "root": str(d)}


OK, BAD, ANY = {0}, {2}, {0, 1, 2}

GOOD_DATA = ["base", "b2int", "i1", "zeroX", "zerorow", "big200", "tiny200", "boolX", "int8X", "f16X", "u64ok",
             "csv", "csv_noheader", "csv_crlf_bom", "csv_huge_values"]
BAD_DATA = ["u64big", "complexX", "strX", "objX", "dateX", "nanX", "infy", "X1d", "X3d", "y2d", "yshort", "X0rows",
            "X0cols", "betaneg", "betanan", "betazero", "betavec", "betastr", "noy", "noX", "nothing", "npy_as_npz",
            "empty_npz", "pickle_npz", "garbage_npz", "trunc_npz", "trunc_tail_npz", "csv_hex", "csv_underscore",
            "csv_bigint", "csv_header_only", "csv_empty", "csv_blank", "csv_ragged", "csv_nan", "csv_inf",
            "csv_text", "csv_onecol", "csv_semicolon", "csv_binary", "csv_two_headers", "zip_as_csv", "dir",
            "devzero", "devzero_csv", "missing", "txt", "noext"]
GOOD_NETS = ["net", "net_zero", "net_int", "net_huge"]
BAD_NETS = ["net_str", "net_complex", "net_nan", "net_keys", "net_alpha", "net_U3d", "net_U1d",
            "net_wide", "net_biasvec", "net_bias2", "net_obj", "net_empty", "net_garbage", "net_trunc", "net_npy"]


def _cases():
    """``(id, argv template, allowed exit statuses, output directory or None)``."""
    c = []
    for name in GOOD_DATA:
        c.append((f"patterns-{name}", ["patterns", "{%s}" % name, "--json", "--quiet"], OK, None))
        c.append((f"patterns-bias-regions-{name}", ["patterns", "{%s}" % name, "--bias", "--ties", "regions",
                                                    "--save", "{out}/p.npz"], OK, "out"))
    for name in BAD_DATA:
        c.append((f"patterns-{name}", ["patterns", "{%s}" % name, "--save", "{out}/p.npz"], BAD, "out"))
        c.append((f"patterns-json-{name}", ["patterns", "{%s}" % name, "--json", "--ties", "regions"], BAD, None))
    for name in ["base", "b2int", "i1", "zeroX", "zerorow", "tiny200", "csv_noheader"]:
        beta = ["--beta", "0.5"] if name.startswith("csv") else []
        c.append((f"solve-{name}", ["solve", "{%s}" % name, *beta, "--json", "--save-net", "{out}/n.npz"], OK,
                  None))
    for name in ["u64big", "complexX", "nanX", "yshort", "betaneg", "betavec", "npy_as_npz", "trunc_npz", "csv_hex",
                 "dir", "devzero", "missing", "nobeta", "g3000", "wide"]:
        c.append((f"solve-{name}", ["solve", "{%s}" % name, "--save-net", "{out}/n.npz"], BAD, "out"))
    for net in GOOD_NETS:
        c.append((f"certify-{net}", ["certify", "{%s}" % net, "{base}", "--json"], OK, None))
        c.append((f"certify-sampled-{net}", ["certify", "{%s}" % net, "{base}", "--patterns", "sampled",
                                             "--n-samples", "500", "--seed", "7", "--json"], OK, None))
    for name in ["b2int", "zeroX", "zerorow", "big200", "tiny200", "boolX", "int8X", "f16X", "u64ok"]:
        c.append((f"certify-data-{name}", ["certify", "{net}", "{%s}" % name, "--json"], OK, None))
    for name in ["csv", "csv_noheader", "csv_crlf_bom"]:
        c.append((f"certify-data-{name}", ["certify", "{net}" if name != "csv_crlf_bom" else "{net_bias_d1}",
                                           "{%s}" % name, "--beta", "0.25", "--json"], OK, None))
    c.append(("certify-bias-net", ["certify", "{net_bias}", "{base}", "--json"], OK, None))
    c.append(("certify-bias-flag-on-bias-net", ["certify", "{net_bias}", "{base}", "--bias"], OK, None))
    c.append(("certify-zeroX", ["certify", "{net}", "{zeroX}", "--json"], OK, None))
    c.append(("certify-empty-width", ["certify", "{net_empty_m}", "{base}", "--json"], {0, 2}, None))
    for net in BAD_NETS:
        c.append((f"certify-{net}", ["certify", "{%s}" % net, "{base}"], BAD, None))
    for name in ["u64big", "missing", "devzero", "csv_hex", "nobeta", "g3000"]:
        c.append((f"certify-data-{name}", ["certify", "{net6}" if name == "g3000" else "{net}", "{%s}" % name], BAD,
                  None))
    options = {
        "beta": ["0", "-1", "nan", "inf", "-inf", "1e400", "", "half", "0x1"],
        "n-samples": ["0", "-5", "1.5", "abc", "1e12", "1000000000000"],
        "seed": ["-1", "abc", "1.5", ""],
        "max-patterns": ["0", "-1", "many"],
    }
    for opt, values in options.items():
        for v in values:
            base = (["certify", "{net}", "{base}", "--patterns", "sampled"] if opt in ("n-samples", "seed") else
                    ["solve", "{base}"])
            c.append((f"option-{opt}={v!r}", [*base, f"--{opt}", v], BAD, None))
    c += [
        ("patterns-max-patterns-small", ["patterns", "{base}", "--max-patterns", "3"], BAD, None),
        ("patterns-max-patterns-1e6", ["patterns", "{base}", "--max-patterns", "1e6", "--json"], OK, None),
        ("patterns-g3000", ["patterns", "{g3000}", "--save", "{out}/p.npz"], BAD, "out"),
        ("certify-seed-huge", ["certify", "{net}", "{base}", "--patterns", "sampled", "--n-samples", "50",
                               "--seed", str(2**70), "--json"], OK, None),
        # the zero net is optimal for any β ≥ φ(y); today the conic solver may stop with a numerical error (one line)
        ("solve-beta-huge", ["solve", "{base}", "--beta", "1e300", "--json"], {0, 2}, None),
        ("solve-interpolate", ["solve", "{i1}", "--interpolate", "--json"], OK, None),
        ("solve-bias", ["solve", "{i1}", "--bias", "--json"], OK, None),
        ("solve-beta-tiny", ["solve", "{i1}", "--beta", "1e-300", "--json"], ANY, None),
        ("solve-interpolate-beta", ["solve", "{base}", "--interpolate", "--beta", "1"], BAD, None),
        ("solve-save-net-txt", ["solve", "{base}", "--save-net", "{out}/n.txt"], BAD, "out"),
        ("solve-save-net-dir", ["solve", "{base}", "--save-net", "{root}"], BAD, None),
        ("solve-save-net-nodir", ["solve", "{base}", "--save-net", "{out}/no/n.npz"], BAD, "out"),
        ("solve-save-net-proc", ["solve", "{base}", "--save-net", "/proc/self/n.npz"], BAD, None),
        ("patterns-save-devnull", ["patterns", "{base}", "--save", "/dev/null"], BAD, None),
        ("solve-patterns-file", ["solve", "{base}", "--patterns-file", "{pats}", "--json"], OK, None),
        ("run-unknown-case", ["run", "--cases", "no-such-case", "--out", "{out}"], BAD, "out"),
        ("run-foreign-case", ["run", "--suite", "convex", "--cases", "cross-2", "--out", "{out}"], BAD, "out"),
        ("run-seed-negative", ["run", "--seed", "-1", "--out", "{out}"], BAD, "out"),
        ("run-unknown-suite", ["run", "--suite", "nope", "--out", "{out}"], BAD, "out"),
        ("run-out-is-file", ["run", "--out", "{base}"], BAD, None),
        ("cases-unknown-tag", ["cases", "--tag", "nope"], BAD, None),
        ("cases-json", ["cases", "--json"], OK, None),
        ("no-command", [], BAD, None),
        ("unknown-command", ["frobnicate"], BAD, None),
        ("unknown-option", ["patterns", "{base}", "--frobnicate"], BAD, None),
        ("ties-unknown", ["patterns", "{base}", "--ties", "gt"], BAD, None),
        ("missing-data", ["solve"], BAD, None),
        ("certify-missing-data", ["certify", "{net}"], BAD, None),
        ("patterns-sampled-unknown", ["certify", "{net}", "{base}", "--patterns", "all"], BAD, None),
    ]
    for pats in ["pats_shape", "pats_values", "pats_float", "pats_complex", "pats_empty", "pats_none", "net_empty",
                 "devzero", "dir", "missing"]:
        c.append((f"solve-patterns-file-{pats}", ["solve", "{base}", "--patterns-file", "{%s}" % pats], BAD, None))
    return c


CASES = _cases()



def _verdict_values(obj):
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k in VERDICT_KEYS:
                yield k, v
            yield from _verdict_values(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _verdict_values(v)


def check_invariants(rc, out, err, argv, allowed, out_dir=None):
    """The fuzz invariants (module notes)."""
    assert "Traceback" not in err, err
    assert rc in allowed, (rc, err[-2000:])
    if rc == 2:
        assert out == "", out
        assert len(err.splitlines()) == 1, err
        assert err.startswith(PREFIX) and err.endswith("\n"), err
    if rc == 0 and "--json" in argv:
        obj = json.loads(out)
        for key, value in _verdict_values(obj):
            assert value in VERDICTS, (key, value)
    if rc != 0 and out_dir is not None and os.path.isdir(out_dir):
        assert os.listdir(out_dir) == [], os.listdir(out_dir)  # nothing half-written


@pytest.mark.parametrize("argv, allowed, out_key", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_cli_fuzz(files, tmp_path, capsys, argv, allowed, out_key):
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    argv = [a.format(out=out_dir, **files) for a in argv]
    rc = main(argv)
    out, err = capsys.readouterr()
    check_invariants(rc, out, err, argv, allowed, str(out_dir) if out_key else None)


def test_fuzz_is_large_and_covers_every_command():
    assert len(CASES) >= 200
    assert {c[1][0] for c in CASES if c[1]} == {"patterns", "solve", "certify", "run", "cases", "frobnicate"}


# ---- subprocess runs: what only a real process shows --------------------------------------------------------------

def _run(args, timeout=120):
    env = {**os.environ, "PYTHONPATH": REPO + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=REPO, env=env,
                          timeout=timeout, check=False)


_FIFO_SCRIPT = """
import contextlib, io, json, sys
from verify.cli import main
from verify.report import main as report_main
out = []
for entry, argv in json.loads(sys.argv[1]):
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        rc = (report_main if entry == "report" else main)(argv)
    out.append([rc, err.getvalue()])
print(json.dumps(out))
"""


def test_fifo_data_net_pattern_and_report_files_are_refused_without_blocking(files, tmp_path):
    """Regression: a FIFO as a data file hung (open() blocks until a writer appears); /dev/zero read forever."""
    fifo, report_fifo = tmp_path / "pipe.npz", tmp_path / "r.json"
    os.mkfifo(fifo)
    os.mkfifo(report_fifo)
    runs = [("cli", ["patterns", str(fifo)]), ("cli", ["certify", str(fifo), files["base"]]),
            ("cli", ["certify", files["net"], str(fifo)]),
            ("cli", ["solve", files["base"], "--patterns-file", str(fifo)]),
            ("cli", ["patterns", files["devzero"]]), ("report", [str(report_fifo)])]
    res = _run(["-c", _FIFO_SCRIPT, json.dumps(runs)], timeout=60)
    assert res.returncode == 0, res.stderr
    for (_, argv), (rc, err) in zip(runs, json.loads(res.stdout), strict=True):
        check_invariants(rc, "", err, argv, BAD)
        assert "got a FIFO (named pipe)" in err or "got a character device" in err, err


def test_python_dash_m_refusal_of_a_hopeless_enumeration(files):
    """Regression: n = 3000, d = 6 (about 4·10¹⁵ regions) started anyway and ran until memory ran out."""
    res = _run(["-m", "verify", "patterns", files["g3000"]], timeout=60)
    check_invariants(res.returncode, res.stdout, res.stderr, [], BAD)
    assert ("is 5,000,000, but the arrangement has up to 4,036,524,733,509,200 regions (Cover's bound for 3000 "
            "hyperplanes of rank 6)") in res.stderr


# ---- regressions, each named after the defect ------------------------------------------------------------------

def _json(capsys, argv):
    rc = main(argv)
    out, err = capsys.readouterr()
    assert (rc, err) == (0, ""), err
    return json.loads(out)


def _error_line(capsys, argv):
    rc = main(argv)
    out, err = capsys.readouterr()
    check_invariants(rc, out, err, argv, BAD)
    return err


SCALES = [1e200, 1e-200, 1e300, 1e-300]


@pytest.fixture(scope="module")
def scale_data(tmp_path_factory):
    """A degenerate 6 × 2 data set (rows 0 and 1 antiparallel: tie-only patterns) and copies scaled by 1e±200,
    1e±300, with the counts of the unscaled set."""
    d = tmp_path_factory.mktemp("scales")
    X = np.random.default_rng(1).standard_normal((6, 2))
    X[1] = -2.0 * X[0]
    paths = {}
    for s in [1.0, *SCALES]:
        paths[s] = str(d / f"x{s:g}.npz")
        _npz(paths[s], X=X * s, y=np.ones(6), beta=0.5)
    return paths


@pytest.mark.parametrize("scale, bias, ties", [(s, b, t) for s in SCALES for b in (False, True)
                                                 for t in ("geq", "regions")])
def test_data_scaled_by_1e200_keeps_its_counts(scale_data, capsys, scale, bias, ties):
    """Regression: data scaled by 1e±200, 1e±300 gave tracebacks (and an abort in cddlib); counts are scale
    invariant."""
    flags = ["--json", "--quiet", "--ties", ties] + (["--bias"] if bias else [])

    def counts(path):
        rc = main(["patterns", path, *flags])
        out, err = capsys.readouterr()
        check_invariants(rc, out, err, flags, OK)
        return json.loads(out)

    ref, got = counts(scale_data[1.0]), counts(scale_data[scale])
    # the patterns are exactly invariant: rows of sX span the hyperplanes of X, and [sX, 1] = s·[X, 1]·diag(I, 1/s)
    # is a row scaling times a positive change of variable u ↦ diag(I, 1/s)u
    assert (got["count"], got["regions"], got["rank"], got["certified"]) == \
        (ref["count"], ref["regions"], ref["rank"], True)
    assert ref["count"] == (13 if ties == "geq" else 10) if not bias else ref["count"] == 32


def test_subnormal_rows_with_ones_under_ties_geq(tmp_path, capsys):
    """Regression: rows mixing subnormals with 1.0 raised OverflowError under --ties geq."""
    X = np.array([[5e-324, 1.0], [-5e-324, -1.0], [1.0, 0.0]])
    p = tmp_path / "s.npz"
    _npz(p, X=X, y=np.ones(3), beta=0.5)
    d = _json(capsys, ["patterns", str(p), "--json"])
    assert d["count"] == len(geom.brute_force_patterns(X))  # the exact LP oracle


def test_solve_all_zero_X_gives_the_zero_net(capsys, tmp_path):
    """Regression: all-zero X failed in solve; p* = ½‖y‖² with the zero net (every fit is 0)."""
    p = tmp_path / "z.npz"
    y = np.array([1.0, -2.0, 3.0])
    _npz(p, X=np.zeros((3, 2)), y=y, beta=0.5)
    d = _json(capsys, ["solve", str(p), "--json"])
    np.testing.assert_allclose(d["p_star"], 0.5 * float(y @ y), rtol=1e-12)
    assert (d["neurons"], d["width"], d["certified"]) == (0, 0, True)
    np.testing.assert_allclose(d["y_star"], 0.0, atol=0)


def test_solve_with_one_zero_row_adds_half_its_label_squared(capsys, tmp_path):
    """A zero row has fit 0 whatever the net: p*(X with it) = ½ y_0² + p*(X without it)."""
    X, y = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.5]]), np.array([1.0, 2.0, -0.5])
    _npz(tmp_path / "a.npz", X=np.vstack([np.zeros((1, 2)), X]), y=np.concatenate([[1.5], y]), beta=0.3)
    _npz(tmp_path / "b.npz", X=X, y=y, beta=0.3)
    with_zero = _json(capsys, ["solve", str(tmp_path / "a.npz"), "--json"])
    without = _json(capsys, ["solve", str(tmp_path / "b.npz"), "--json"])
    assert with_zero["certified"] and without["certified"]
    np.testing.assert_allclose(with_zero["p_star"], 0.5 * 1.5 ** 2 + without["p_star"], rtol=1e-9)
    np.testing.assert_allclose(with_zero["y_star"][0], 0.0, atol=1e-12)


def test_npy_file_named_npz(capsys, files):
    err = _error_line(capsys, ["patterns", files["npy_as_npz"]])
    assert "is not a .npz archive" in err and "got a single NumPy .npy array (write the arrays with numpy.savez)" in err


def test_empty_or_truncated_net_file(capsys, files):
    assert "got an empty file (0 bytes)" in _error_line(capsys, ["certify", files["net_empty"], files["base"]])
    assert "is not a readable .npz archive" in _error_line(capsys, ["certify", files["net_trunc"], files["base"]])


def test_net_with_string_or_complex_entries(capsys, files):
    """Regression: complex weights were accepted with the imaginary part dropped; strings gave a traceback."""
    assert "got dtype <U1 (text)" in _error_line(capsys, ["certify", files["net_str"], files["base"]])
    assert "got dtype complex128 (complex numbers)" in _error_line(capsys, ["certify", files["net_complex"],
                                                                            files["base"]])


def test_net_entries_1e154(capsys, files):
    """Regression: weights 1e154 overflow ‖U‖² + ‖α‖² and scipy's nnls failed with a traceback; such a net is
    refuted (its penalty alone exceeds L(0) ≥ p*)."""
    d = _json(capsys, ["certify", files["net_huge"], files["base"], "--json"])
    assert (d["verdict"], d["globally_optimal"], d["objective"]) == ("violated", "violated", None)
    assert "the zero network is better" in d["reason"]


def test_sizes_that_cannot_be_allocated_are_refused_up_front(capsys, files, monkeypatch):
    """Regression: --n-samples 1e12 and n = 2, d = 199999 allocated until MemoryError (after 80 s)."""
    def never(*args, **kwargs):
        raise AssertionError("the work started before the size check")

    monkeypatch.setattr(geom, "certify_net", never)
    monkeypatch.setattr(geom, "solve_convex", never)
    err = _error_line(capsys, ["certify", files["net"], files["base"], "--patterns", "sampled", "--n-samples", "1e12"])
    assert "--n-samples 1,000,000,000,000 directions in dimension 2 would need about" in err
    assert "refused before starting; lower --n-samples" in err
    err = _error_line(capsys, ["solve", files["wide"]])
    assert "Solving in dimension d = 199999 (dense 199999 × 199999 face bases" in err
    for argv in (["solve", files["g3000"]], ["certify", files["net6"], files["g3000"]]):
        err = _error_line(capsys, argv)
        assert "up to 4,036,524,733,509,200 regions (Cover's bound for 3000 hyperplanes of rank 6)" in err
        assert "--max-patterns" in err


def test_max_patterns_refusal_gives_the_count(capsys, files):
    err = _error_line(capsys, ["patterns", files["base"], "--max-patterns", "9"])
    assert "is 9, but the arrangement has exactly 10 regions" in err and "--max-patterns" in err
    assert _json(capsys, ["patterns", files["base"], "--max-patterns", "10", "--json"])["regions_bound"] == 10


def test_large_bound_is_announced_before_enumerating(capsys, files, monkeypatch):
    import verify.cli as cli

    monkeypatch.setattr(cli, "ANNOUNCE_PATTERNS", 10)
    assert main(["patterns", files["base"], "--json"]) == 0
    out, err = capsys.readouterr()
    assert err == ("relu-landscape: note: up to 10 regions (Cover's bound C(5, 2)); enumerating them exactly "
                   "(progress on a terminal)\n")
    assert json.loads(out)["regions"] == 10
    assert main(["patterns", files["base"], "--json", "--quiet"]) == 0
    assert capsys.readouterr().err == ""


def test_save_net_into_an_unwritable_place_fails_before_the_solve(capsys, files, monkeypatch):
    """Regression: it failed only after the solve, naming a temporary file instead of the option."""
    def never(*args, **kwargs):
        raise AssertionError("solve ran before the output was checked")

    monkeypatch.setattr(geom, "solve_convex", never)
    err = _error_line(capsys, ["solve", files["base"], "--save-net", "/proc/self/net.npz"])
    assert err.startswith(f"{PREFIX}argument --save-net: Cannot write '/proc/self/net.npz': expected a writable "
                          "directory")
    assert ".tmp" not in err


def test_csv_first_row_0x10_is_not_taken_as_a_header(capsys, files):
    err = _error_line(capsys, ["patterns", files["csv_hex"]])
    assert "non-numeric field at line 1, column 1" in err and "got '0x10'" in err


@pytest.mark.parametrize("argv", [
    ["certify", "{net}", "{base}", "--patterns", "sampled", "--seed", "-1"],
    ["run", "--seed", "-1", "--out", "{root}/never"],
])
def test_negative_seed_is_a_usage_error(capsys, files, argv):
    """Regression: certify --seed -1 printed a traceback; run --seed -1 reported FAIL."""
    err = _error_line(capsys, [a.format(**files) for a in argv])
    assert err == f"{PREFIX}argument --seed: expected an integer ≥ 0; got '-1'\n"
    assert not os.path.exists(os.path.join(files["root"], "never"))


def test_run_suite_refuses_a_negative_seed_up_front():
    import verify

    with pytest.raises(geom.InvalidInputError, match=r"The 'seed' parameter of run_suite must be an integer ≥ 0. "
                                                     r"Got -1 instead."):
        verify.run_suite("patterns", cases=["spec-I1"], seed=-1)


def test_uint64_at_least_2_63_is_refused_not_wrapped(capsys, files):
    """Regression: 2**63 was wrapped to −2**63 and the arrangement of other data was certified."""
    err = _error_line(capsys, ["patterns", files["u64big"]])
    assert "integers in 'X' that int64 cannot hold" in err and "got 9223372036854775808 at (0, 0)" in err
    d = _json(capsys, ["patterns", files["u64ok"], "--json"])  # below 2**63: read exactly
    assert (d["count"], d["rank"], d["certified"]) == (len(geom.brute_force_patterns([[2**63 - 1, 1], [1, 2]])), 2,
                                                        True)


def test_run_with_a_case_the_suite_does_not_have_keeps_the_old_report(capsys, tmp_path):
    """Regression: `run --suite convex --cases NAME` printed 'PASS: 0 checks' and overwrote the report."""
    (tmp_path / "convex.json").write_text("old report")
    err = _error_line(capsys, ["run", "--suite", "convex", "--cases", "cross-2", "--out", str(tmp_path)])
    assert "argument --cases: expected cases of the selected suite ('convex': tagged convex); got 'cross-2'" in err
    assert sorted(os.listdir(tmp_path)) == ["convex.json"] and (tmp_path / "convex.json").read_text() == "old report"


def test_certify_json_globally_optimal_is_a_verdict_string(capsys, files):
    """Regression: certify --json printed globally_optimal: false for both 'violated' and 'inconclusive'."""
    for argv in (["certify", files["net"], files["base"], "--json"],
                 ["certify", files["net"], files["base"], "--patterns", "sampled", "--n-samples", "50", "--json"]):
        d = _json(capsys, argv)
        assert d["globally_optimal"] == d["verdict"] and d["verdict"] in VERDICTS


def test_pickles_are_never_loaded(capsys, files, monkeypatch):
    """No reader unpickles: a pickle named .npz and object arrays are refused without calling pickle.load."""
    def boom(*args, **kwargs):
        raise AssertionError("pickle.load called")

    monkeypatch.setattr(pickle, "load", boom)
    monkeypatch.setattr(pickle, "loads", boom)
    assert "a Python pickle (never loaded)" in _error_line(capsys, ["patterns", files["pickle_npz"]])
    assert "pickles are never loaded" in _error_line(capsys, ["patterns", files["objX"]])
    assert "pickles are never loaded" in _error_line(capsys, ["certify", files["net_obj"], files["base"]])
