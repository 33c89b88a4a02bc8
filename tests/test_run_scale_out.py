"""Runs that scale out: cases in worker processes (--jobs) and on a Dask cluster (--scheduler) give the serial
results; Ctrl-C leaves no half-written report; exit statuses 0/1/2/3/130; bad input refused before running."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

import geom
import verify
from geom.exceptions import InvalidInputError
from verify import compare
from verify._cli_run import INTERRUPTED
from verify._result import Status, check_margin
from verify._suite import EXIT_STATUS, SUITES, default_suites, run_suites
from verify.cli import main

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PREFIX = "relu-landscape: error: "
PATTERN_CASES = ["spec-B2-antiparallel", "spec-I1", "spec-I5", "cross-2"]  # the sampling-recall measurement is seeded
SPEC_CASES = ["spec-I1", "spec-I2", "spec-I4", "spec-I5"]


def _seeded(case, ctx):
    """A toy checker whose values depend on the seed and the case (module level: it pickles by reference)."""
    rng = np.random.default_rng([ctx.seed, len(case.name), int(np.asarray(case.X).sum() * 1000) % 997])
    draw = rng.standard_normal(3)
    yield compare("draw", draw.tolist(), draw.tolist(), case=case.name, theorem="docs/theory.md §B.2")
    yield verify.Measurement(case.name, "first draw", float(draw[0]), theorem="docs/theory.md §B.2")
    yield verify.Figure(case.name, "series", {"x": [0, 1, 2], "y": draw.tolist()}, theorem="docs/theory.md §B.2")
    if case.name == "spec-I2":
        raise ValueError("a checker that fails on one case")


def _interrupted(case, ctx):
    yield compare("rank", 1, 1, case=case.name, theorem="docs/theory.md §B.2")
    if case.name == "spec-I2":
        raise KeyboardInterrupt


def _graded(case, ctx):
    """holds on spec-I1, inconclusive on spec-I2, violated on spec-I4 (for the exit statuses)."""
    margin = {"spec-I1": 1.0, "spec-I2": 0.0, "spec-I4": -1.0}.get(case.name, 1.0)
    yield check_margin("slack", margin, 1e-9, case=case.name, theorem="docs/theory.md §B.4")


@pytest.fixture
def toy_suites():
    names = {"seeded-test": _seeded, "interrupted-test": _interrupted, "graded-test": _graded}
    for name, checker in names.items():
        verify.register_suite(name, tags=("spec",), description=name)(checker)
    yield names
    for name in names:
        SUITES.pop(name, None)


def _timeless(value):
    """``value`` without timings (``elapsed_s``, ``elapsed_conic_s``, ``seconds``) and the provenance's timestamp
    and git commit (other work lands in the checkout while the tests run), recursively."""
    if isinstance(value, dict):
        return {k: _timeless(v) for k, v in value.items()
                if not k.startswith("elapsed") and k not in ("seconds", "timestamp_utc", "git")}
    if isinstance(value, list):
        return [_timeless(v) for v in value]
    return value


def _same_results(a, b):
    assert a.suite == b.suite and a.cases == b.cases
    da, db = _timeless(a.to_dict()), _timeless(b.to_dict())
    assert [r["check"] for r in da["results"]] == [r["check"] for r in db["results"]]  # order
    assert da == db


def test_jobs_give_the_serial_results_in_order(toy_suites):
    plan = {"patterns": PATTERN_CASES, "seeded-test": SPEC_CASES}
    serial = run_suites(plan, seed=5)
    parallel = run_suites(plan, seed=5, jobs=2)
    assert [r.suite for r in parallel] == ["patterns", "seeded-test"]
    for a, b in zip(serial, parallel):
        _same_results(a, b)
    seeded = parallel[1]
    assert [r.case for r in seeded.results] == ["spec-I1", "spec-I2", "spec-I2", "spec-I4", "spec-I5"]
    err = seeded.results[2]  # the exception of the checker in a worker is an ERROR result, the run goes on
    assert (err.status, err.details) == (Status.ERROR, {"exception": "ValueError",
                                                         "message": "a checker that fails on one case"})
    assert len(seeded.measurements) == len(seeded.figures) == 4 and seeded.verdict == "violated"
    other_seed = run_suites({"seeded-test": ["spec-I1"]}, seed=6, jobs=2)[0]
    assert other_seed.measurements[0].value != seeded.measurements[0].value  # the seed reaches the workers
    assert serial[0].measurements and serial[0].verdict == "holds"


def test_jobs_refuse_a_checker_that_cannot_reach_a_worker():
    verify.register_suite("closure-test", tags=("spec",))(lambda case, ctx: iter(()))
    try:
        with pytest.raises(InvalidInputError, match=r"The 'jobs' parameter of run_suite must be 1 for suite "
                                                    r"'closure-test', whose checker cannot be sent"):
            verify.run_suite("closure-test", cases=SPEC_CASES[:2], jobs=2)
        with pytest.raises(InvalidInputError, match=r"The 'jobs' parameter of run_suite must be an integer ≥ 1. "
                                                    r"Got 0 instead."):
            verify.run_suite("closure-test", jobs=0)
    finally:
        SUITES.pop("closure-test")


def test_cli_jobs_writes_the_serial_reports(tmp_path, capsys):
    argv = ["run", "--suite", "patterns", "--case", *PATTERN_CASES[:3], "--quiet", "--seed", "3", "--out"]
    assert main([*argv, str(tmp_path / "serial")]) == 0
    assert main([*argv, str(tmp_path / "jobs"), "--jobs", "2", "--json"]) == 0
    out = capsys.readouterr().out.splitlines()[-1]
    summary = json.loads(out)
    assert (summary["verdict"], summary["exit_status"], summary["jobs"], summary["seed"]) == ("holds", 0, 2, 3)
    assert summary["suites"][0]["files"]["json"] == str(tmp_path / "jobs" / "patterns.json")
    a, b = (json.loads((tmp_path / d / "patterns.json").read_text()) for d in ("serial", "jobs"))
    drop = ("run_id", "elapsed_s")  # the run id digests the timings and the timestamp
    assert _timeless({k: v for k, v in a.items() if k not in drop}) == \
        _timeless({k: v for k, v in b.items() if k not in drop})


# ---- Dask ------------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def dask_cluster():
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                       scheduler_port=0)
    try:
        yield cluster
    finally:
        cluster.close()


def test_dask_cluster_gives_the_serial_results(dask_cluster, toy_suites, tmp_path, capsys):
    distributed = pytest.importorskip("distributed")
    plan = {"patterns": PATTERN_CASES, "seeded-test": SPEC_CASES}
    serial = run_suites(plan, seed=2)
    with distributed.Client(dask_cluster.scheduler_address) as client:  # the Python API, a client
        on_client = run_suites(plan, seed=2, scheduler=client)
        assert client.status == "running"  # a given client is left open
    on_address = verify.run_suite("patterns", cases=PATTERN_CASES, seed=2, scheduler=dask_cluster.scheduler_address)
    for a, b in zip(serial, on_client):
        _same_results(a, b)
    _same_results(serial[0], on_address)
    # the command line
    rc = main(["run", "--suite", "patterns", "--case", *PATTERN_CASES, "--seed", "2", "--quiet", "--json",
               "--scheduler", dask_cluster.scheduler_address, "--out", str(tmp_path)])
    summary = json.loads(capsys.readouterr().out)
    assert (rc, summary["scheduler"], summary["suites"][0]["counts"]) == (0, dask_cluster.scheduler_address,
                                                                        serial[0].counts)
    written = json.loads((tmp_path / "patterns.json").read_text())
    assert _timeless(written["results"]) == _timeless(serial[0].to_dict()["results"])


def test_scheduler_usage_errors(capsys, tmp_path, monkeypatch):
    pytest.importorskip("distributed")
    import verify._suite as suite_module

    assert main(["run", "--jobs", "2", "--scheduler", "tcp://127.0.0.1:1", "--out", str(tmp_path / "a")]) == 2
    assert capsys.readouterr().err == (f"{PREFIX}argument --jobs: not allowed with --scheduler (the cluster decides "
                                       "the parallelism)\n")
    monkeypatch.setattr(suite_module, "SCHEDULER_TIMEOUT_S", 1)
    t0 = time.perf_counter()
    assert main(["run", "--suite", "patterns", "--scheduler", "tcp://127.0.0.1:1", "--out", str(tmp_path / "b")]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and time.perf_counter() - t0 < 30
    assert err.startswith(f"{PREFIX}The 'scheduler' parameter of relu-landscape run must be the address of a running "
                          "Dask scheduler. Got 'tcp://127.0.0.1:1' (")
    assert not (tmp_path / "b").exists()


def test_scheduler_without_dask_is_one_line(capsys, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)
    assert main(["run", "--suite", "patterns", "--scheduler", "tcp://127.0.0.1:1", "--out", str(tmp_path)]) == 2
    assert capsys.readouterr().err == (f"{PREFIX}Running on a Dask cluster (scheduler=, --scheduler) needs "
                                       "dask.distributed, which is not installed: pip install 'dask[distributed]'.\n")


# ---- exit statuses and the default suite -------------------------------------------------------------------------

@pytest.mark.parametrize("cases, status, word", [
    (["spec-I1"], 0, "PASS"), (["spec-I1", "spec-I2"], 3, "INCONCLUSIVE"), (["spec-I2", "spec-I4"], 1, "FAIL")])
def test_exit_status_follows_the_verdict(toy_suites, capsys, tmp_path, cases, status, word):
    assert main(["run", "--suite", "graded-test", "--case", *cases, "--out", str(tmp_path), "--quiet"]) == status
    out = capsys.readouterr().out
    assert out.startswith(f"graded-test: {word}: {len(cases)} checks on {len(cases)} cases")
    verdict = {0: "holds", 1: "violated", 3: "inconclusive"}[status]
    assert EXIT_STATUS[verdict] == status
    assert main(["report", str(tmp_path / "graded-test.json"), "--out", str(tmp_path / "again"), "--json"]) == status
    d = json.loads(capsys.readouterr().out)
    assert (d["verdict"], d["exit_status"], d["suite"]) == (verdict, status, "graded-test")
    assert sorted(d["files"]) == ["figure", "html", "md"]


def test_default_suite_is_quick_when_registered(monkeypatch):
    monkeypatch.delitem(SUITES, "quick", raising=False)
    assert default_suites() == list(SUITES)  # until a quick suite exists, every suite
    monkeypatch.setitem(SUITES, "quick", SUITES["patterns"])
    assert default_suites() == ["quick"]


def test_repeated_suite_and_case_options(toy_suites, capsys, tmp_path):
    rc = main(["run", "--suite", "graded-test", "--suite", "seeded-test", "--case", "spec-I1", "--cases", "spec-I5",
               "--out", str(tmp_path), "--json"])
    d = json.loads(capsys.readouterr().out)
    assert [s["suite"] for s in d["suites"]] == ["graded-test", "seeded-test"]
    assert [s["cases"] for s in d["suites"]] == [["spec-I1", "spec-I5"], ["spec-I1", "spec-I5"]]
    assert rc == d["exit_status"] == 0


# ---- Ctrl-C --------------------------------------------------------------------------------------------------

def _listing(directory):
    return {name: (directory / name).read_bytes() for name in sorted(os.listdir(directory))}


def test_interrupted_run_leaves_the_old_reports_and_a_rerun_starts_clean(toy_suites, capsys, tmp_path):
    out = tmp_path / "reports"
    assert main(["run", "--suite", "interrupted-test", "--case", "spec-I1", "--out", str(out), "--quiet"]) == 0
    before = _listing(out)
    capsys.readouterr()
    rc = main(["run", "--suite", "graded-test", "interrupted-test", "--case", "spec-I1", "spec-I2", "--out", str(out),
               "--quiet"])
    captured = capsys.readouterr()
    assert (rc, captured.out, captured.err) == (130, "", INTERRUPTED + "\n")
    assert _listing(out) == before  # graded-test ran whole before the interrupt: still nothing written
    assert main(["run", "--suite", "interrupted-test", "--case", "spec-I1", "spec-I4", "--out", str(out),
                 "--quiet"]) == 0
    assert sorted(os.listdir(out)) == sorted(before)  # no temporary file, no journal
    assert verify.check_report_set(str(out), "interrupted-test") == verify.load_report(
        str(out / "interrupted-test.json"))["run_id"]
    assert json.loads((out / "interrupted-test.json").read_text())["cases"] == ["spec-I1", "spec-I4"]


SLOW_SUITE = """
import os, sys, time
import verify

def slow(case, ctx):
    open(os.path.join({marker!r}, f"{{os.getpid()}}-{{case.name}}"), "w").close()
    time.sleep(120)
    yield verify.compare("never", 1, 1, case=case.name, theorem="docs/theory.md §B.2")

verify.register_suite("slow-test", tags=("spec",))(slow)
"""


def test_ctrl_c_on_a_run_with_workers(tmp_path):
    """SIGINT to the whole process group (what a terminal's Ctrl-C does): exit 130, one line, no report, no worker
    left running."""
    marker = tmp_path / "started"
    marker.mkdir()
    (tmp_path / "slow_suite.py").write_text(SLOW_SUITE.format(marker=str(marker)))
    code = (f"import sys; sys.path.insert(0, {str(tmp_path)!r}); import slow_suite; from verify.cli import main; "
            f"sys.exit(main(['run', '--suite', 'slow-test', '--case', 'spec-I1', 'spec-I2', 'spec-I4', '--jobs', '2', "
            f"'--out', {str(tmp_path / 'out')!r}]))")
    env = {**os.environ, "PYTHONPATH": REPO + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=REPO, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while len(os.listdir(marker)) < 2 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.2)
        assert len(os.listdir(marker)) == 2, proc.communicate(timeout=10)
        os.killpg(proc.pid, signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert (proc.returncode, out, err) == (130, "", INTERRUPTED + "\n")
    assert not (tmp_path / "out").exists()
    for name in os.listdir(marker):
        pid = int(name.split("-")[0])
        try:
            with open(f"/proc/{pid}/stat") as f:
                state = f.read().rsplit(")", 1)[1].split()[0]
        except FileNotFoundError:
            state = "gone"
        assert state in ("gone", "Z"), (pid, state)  # terminated (a zombie awaits its reaper at most)


# ---- bad input --------------------------------------------------------------------------------------------------

def _one_error(capsys, argv) -> str:
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and len(captured.err.splitlines()) == 1 and captured.err.startswith(PREFIX)
    return captured.err[len(PREFIX):].rstrip("\n")


def test_unknown_names_list_the_valid_ones(capsys, tmp_path):
    err = _one_error(capsys, ["run", "--suite", "patterns", "--case", "no-such-case", "--out", str(tmp_path / "o")])
    assert err.startswith("The '--case' parameter of relu-landscape run must be a case of the selected suite "
                          "(patterns): ")
    assert "spec-B2-antiparallel" in err and err.endswith("(see `relu-landscape cases`). Got 'no-such-case' instead.")
    err = _one_error(capsys, ["run", "--suite", "nope", "--out", str(tmp_path / "o")])
    assert err.startswith("argument --suite: invalid choice: 'nope' (choose from ") and "'patterns'" in err
    assert not (tmp_path / "o").exists()


def test_unwritable_output_directories_are_refused_before_running(capsys, tmp_path, monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("a suite ran")

    monkeypatch.setattr("verify._cli_run.run_suites", never)
    (tmp_path / "file").write_text("in the way")
    under_file = tmp_path / "file" / "sub"
    err = _one_error(capsys, ["run", "--suite", "patterns", "--out", str(under_file)])
    assert err == (f"The '--out' parameter of relu-landscape run must be a writable directory (created if missing). "
                   f"Got '{under_file}' ('{tmp_path / 'file'}' is a file) instead.")
    err = _one_error(capsys, ["run", "--suite", "patterns", "--out", "/proc/relu-landscape-reports"])
    assert err.startswith("The '--out' parameter of relu-landscape run must be a writable directory")
    if os.geteuid() != 0:  # root writes into read-only directories
        ro = tmp_path / "ro"
        ro.mkdir(mode=0o500)
        err = _one_error(capsys, ["run", "--suite", "patterns", "--out", str(ro / "reports")])
        assert f"Got '{ro / 'reports'}' (" in err
    assert (tmp_path / "file").read_text() == "in the way"


def test_report_refuses_results_of_another_version(capsys, tmp_path):
    old = {"schema": "relu-landscape/suite-report/0", "suite": "patterns", "results": [], "counts": {},
           "provenance": {"package": {"version": "0.0.9"}}}
    (tmp_path / "old.json").write_text(json.dumps(old))
    err = _one_error(capsys, ["report", str(tmp_path / "old.json")])
    assert err == ("The 'RESULTS.json' parameter of relu-landscape report must be a suite report of schema "
                   f"'relu-landscape/suite-report/1' (this version, relu-landscape {geom.__version__}). "
                   f"Got a report of schema 'relu-landscape/suite-report/0' written by relu-landscape 0.0.9 "
                   f"('{tmp_path / 'old.json'}') instead. Regenerate it with `relu-landscape run` of this version.")
    (tmp_path / "other.json").write_text(json.dumps({"name": "x"}))
    err = _one_error(capsys, ["report", str(tmp_path / "other.json")])
    assert "Got a JSON object without 'schema' (keys ['name']), not a relu-landscape suite report" in err
    (tmp_path / "bad.json").write_text("{")
    assert "is not readable JSON" in _one_error(capsys, ["report", str(tmp_path / "bad.json")])
    assert "does not exist" in _one_error(capsys, ["report", str(tmp_path / "missing.json")])
    assert sorted(os.listdir(tmp_path)) == ["bad.json", "old.json", "other.json"]


def test_cases_json_names_the_suites_of_each_case(capsys):
    assert main(["cases", "--tag", "spec", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    by = {r["name"]: r for r in rows}
    assert "patterns" in by["spec-B2-antiparallel"]["suites"]
    for r in rows:
        assert sorted(r["suites"]) == sorted(s.name for s in SUITES.values() if set(s.tags) <= set(r["tags"]))


@pytest.mark.slow
def test_default_suite_in_processes_gives_the_serial_results():
    """The default suite (quick, when registered), serial and in 2 processes: the same checks, values and figures;
    the measurements too, except those that are timings (unit 's')."""
    name = default_suites()[0]
    serial, parallel = (verify.run_suite(name, seed=0, jobs=j) for j in (1, 2))
    a, b = _timeless(serial.to_dict()), _timeless(parallel.to_dict())
    timing = [m["unit"] == "s" for m in a["measurements"]]
    assert timing == [m["unit"] == "s" for m in b["measurements"]]
    for key in ("measurements",):
        a[key] = [m for m, t in zip(a[key], timing) if not t]
        b[key] = [m for m, t in zip(b[key], timing) if not t]
    assert a == b
