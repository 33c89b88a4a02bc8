"""The ``solve`` and ``certify`` subcommands on docs/theory.md §I instances; one-line errors with exit status 2.

Expected numbers are docs/theory.md's closed forms: I1 (``x = (−1, 1)``, ``y = (1, 2)``, β = 0.5: ``p* = 1.25``,
``y* = (0.5, 1.5)``, ``ν* = (0.5, 0.5)``), I1b (β = 1.5: ``p* = 2.375``), I7 (1-D with bias: ``p* = 0.245``) and the
I9 saddle (objective 1.375, certificate gap 0.53125, escape pattern ``10``).
"""

from __future__ import annotations


import numpy as np
import pytest

import geom
from verify.cli import main

R15 = np.sqrt(1.5)


@pytest.fixture
def i1_npz(tmp_path):
    p = tmp_path / "i1.npz"
    np.savez(p, X=np.array([[-1.0], [1.0]]), y=np.array([1.0, 2.0]), beta=0.5)
    return str(p)


@pytest.fixture
def saddle_npz(tmp_path):
    p = tmp_path / "saddle.npz"  # docs/theory.md §I, I9: (√1.5, √1.5) plus a zero neuron
    np.savez(p, U=np.array([[R15], [0.0]]), alpha=np.array([R15, 0.0]))
    return str(p)


def test_solve_json_i1(cli_json, capsys, i1_npz):
    d = cli_json(["solve", i1_npz, "--json"])
    for key in ("p_star", "lower_bound", "gap", "rel_gap", "y_star", "nu_star", "neurons", "certified", "status",
                "seconds", "stats", "phi", "beta"):
        assert key in d, key
    np.testing.assert_allclose(d["p_star"], 1.25, rtol=1e-12)
    np.testing.assert_allclose(d["lower_bound"], 1.25, rtol=1e-9)
    np.testing.assert_allclose(d["y_star"], [0.5, 1.5], rtol=0, atol=1e-9)
    np.testing.assert_allclose(d["nu_star"], [0.5, 0.5], rtol=0, atol=1e-9)
    assert (d["neurons"], d["width"], d["certified"], d["status"]) == (2, 2, True, "optimal")
    assert (d["beta"], d["beta_source"], d["pattern_source"], d["n"], d["d"]) == (0.5, "DATA", "exact", 2, 1)
    assert d["gap"] >= -1e-12 and d["rel_gap"] <= 1e-8
    assert isinstance(d["seconds"], float) and d["saved_net"] is None


def test_solve_beta_option_overrides_file(cli_json, capsys, i1_npz):
    d = cli_json(["solve", i1_npz, "--beta", "1.5", "--json"])  # docs/theory.md §I, I1b
    np.testing.assert_allclose(d["p_star"], 2.375, rtol=1e-12)
    np.testing.assert_allclose(d["y_star"], [0.0, 0.5], rtol=0, atol=1e-9)
    assert (d["neurons"], d["beta"], d["beta_source"]) == (1, 1.5, "--beta")


def test_solve_bias_csv_without_beta_in_file(cli_json, capsys, tmp_path):
    p = tmp_path / "i7.csv"  # docs/theory.md §I, I7 (a .csv has no beta: --beta is required)
    p.write_text("x,y\n-1,0\n0,1\n1,0\n")
    d = cli_json(["solve", str(p), "--bias", "--beta", "0.1", "--json"])
    np.testing.assert_allclose(d["p_star"], 0.245, rtol=1e-10)
    np.testing.assert_allclose(d["y_star"], [0.1, 0.7, 0.1], rtol=0, atol=1e-7)
    np.testing.assert_allclose(d["nu_star"], [-0.1, 0.3, -0.1], rtol=0, atol=1e-7)
    assert d["bias"] is True and d["certified"] is True


def test_solve_summary_save_net_and_certify_round_trip(cli_json, capsys, i1_npz, tmp_path):
    net_path = tmp_path / "psi.npz"
    assert main(["solve", i1_npz, "--save-net", str(net_path)]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert "p* = 1.25, lower bound = 1.25" in out and "status: optimal; certified: yes" in out
    assert f"saved net ψ(W) (width 2): {net_path}" in out
    net = geom.load_net(net_path)
    assert net.width == 2 and net.is_scaled(rtol=1e-12) and net.bias is False
    # ψ(W*) of I1 is (√1.5, √1.5) and (−√0.5, √0.5), in some order (docs/theory.md §I, I1)
    order = np.argsort(net.U[:, 0])
    np.testing.assert_allclose(net.U[order, 0], [-np.sqrt(0.5), R15], rtol=1e-9)
    np.testing.assert_allclose(net.alpha[order], [np.sqrt(0.5), R15], rtol=1e-9)
    d = cli_json(["certify", str(net_path), i1_npz, "--json"])
    assert (d["verdict"], d["globally_optimal"], d["violating_patterns"], d["width"]) == ("holds", "holds", 0, 2)
    np.testing.assert_allclose(d["objective"], 1.25, rtol=1e-12)
    np.testing.assert_allclose(d["lower_bound"], 1.25, rtol=1e-9)
    assert abs(d["gap"]) <= 1e-9


def test_solve_quiet_and_patterns_file(cli_json, capsys, i1_npz, tmp_path):
    assert main(["solve", i1_npz, "--quiet"]) == 0
    assert capsys.readouterr() == ("", "")
    pats = tmp_path / "pats.npz"
    assert main(["patterns", i1_npz, "--save", str(pats), "--quiet"]) == 0
    capsys.readouterr()
    d = cli_json(["solve", i1_npz, "--patterns-file", str(pats), "--json"])
    np.testing.assert_allclose(d["p_star"], 1.25, rtol=1e-12)
    # a given pool certifies that pool only: never "certified" globally
    assert (d["pattern_source"], d["certified"], d["stats"]["pool"]) == ("given", False, 3)


def test_solve_interpolate(cli_json, capsys, i1_npz):
    d = cli_json(["solve", i1_npz, "--interpolate", "--json"])  # min |z_1| + |z_2| with z = y: 3
    np.testing.assert_allclose(d["p_star"], 3.0, rtol=1e-9)
    np.testing.assert_allclose(d["y_star"], [1.0, 2.0], rtol=1e-9)
    assert (d["interpolate"], d["beta_source"]) == (True, "interpolate")


def test_certify_saddle_is_violated(cli_json, capsys, i1_npz, saddle_npz):
    d = cli_json(["certify", saddle_npz, i1_npz, "--json"])  # docs/theory.md §I, I9
    assert (d["verdict"], d["globally_optimal"], d["violating_patterns"]) == ("violated", "violated", 1)
    np.testing.assert_allclose([d["objective"], d["lower_bound"], d["gap"]], [1.375, 0.84375, 0.53125],
                               rtol=1e-12)
    assert [(e["pattern"], e["sign"]) for e in d["escapes"]] == [("10", 1)]
    np.testing.assert_allclose(d["escapes"][0]["value"], 1.0, rtol=1e-12)
    np.testing.assert_allclose(d["escapes"][0]["direction"], [-1.0], rtol=1e-12)
    assert main(["certify", saddle_npz, i1_npz, "--beta", "0.5"]) == 0  # exit 0: the computation completed
    out = capsys.readouterr().out
    assert "verdict: violated" in out and "globally optimal: no" in out
    assert "10  sign +  dual value 1 > β" in out


def test_certify_sampled_patterns_find_the_escape(cli_json, capsys, i1_npz, saddle_npz):
    d = cli_json(["certify", saddle_npz, i1_npz, "--patterns", "sampled", "--n-samples", "64", "--seed", "3",
                       "--json"])
    assert (d["verdict"], d["pattern_source"]) == ("violated", "sampled")


def test_certify_bias_net(cli_json, capsys, tmp_path):
    data = tmp_path / "i7.npz"  # docs/theory.md §I, I7: the optimal net (0, √0.7)·√0.7 and (±√0.6, 0)·(−√0.6)
    np.savez(data, X=np.array([[-1.0], [0.0], [1.0]]), y=np.array([0.0, 1.0, 0.0]), beta=0.1)
    net = tmp_path / "i7_net.npz"
    s7, s6 = np.sqrt(0.7), np.sqrt(0.6)
    np.savez(net, U=np.array([[0.0, s7], [s6, 0.0], [-s6, 0.0]]), alpha=np.array([s7, -s6, -s6]))
    d = cli_json(["certify", str(net), str(data), "--bias", "--json"])
    assert (d["verdict"], d["bias"]) == ("holds", True)
    np.testing.assert_allclose(d["objective"], 0.245, rtol=1e-12)


def _bad_files(tmp_path):
    np.savez(tmp_path / "nobeta.npz", X=np.array([[-1.0], [1.0]]), y=np.array([1.0, 2.0]))
    np.savez(tmp_path / "i1.npz", X=np.array([[-1.0], [1.0]]), y=np.array([1.0, 2.0]), beta=0.5)
    np.savez(tmp_path / "wide.npz", U=np.ones((2, 2)), alpha=np.ones(2))
    np.savez(tmp_path / "nan.npz", U=np.array([[np.nan], [1.0]]), alpha=np.ones(2))
    np.savez(tmp_path / "alpha.npz", U=np.ones((2, 1)), alpha=np.ones(3))
    np.savez(tmp_path / "pshape.npz", patterns=np.ones((2, 5), dtype=bool))
    np.savez(tmp_path / "pnone.npz", other=np.ones(2))
    (tmp_path / "corrupt.npz").write_bytes(b"not a zip")


@pytest.mark.parametrize("argv, needle", [
    (["solve", "{t}/nobeta.npz"], "argument --beta: required because DATA '{t}/nobeta.npz' has no 'beta'"),
    (["solve", "{t}/i1.npz", "--beta", "0"], "argument --beta: expected a finite number > 0; got '0'"),
    (["solve", "{t}/i1.npz", "--beta", "-1"], "argument --beta: expected a finite number > 0; got '-1'"),
    (["solve", "{t}/i1.npz", "--beta", "nan"], "argument --beta: expected a finite number > 0; got 'nan'"),
    (["solve", "{t}/i1.npz", "--beta", "inf"], "argument --beta: expected a finite number > 0; got 'inf'"),
    (["solve", "{t}/i1.npz", "--beta", "half"], "argument --beta: expected a finite number > 0; got 'half'"),
    (["solve", "{t}/i1.npz", "--interpolate", "--beta", "1"], "argument --interpolate: not allowed with --beta"),
    (["solve", "{t}/i1.npz", "--save-net", "{t}/net.txt"], "argument --save-net: Cannot write '{t}/net.txt': expected a file name"),
    (["solve", "{t}/i1.npz", "--save-net", "{t}/no/net.npz"], "argument --save-net: Cannot write '{t}/no/net.npz': expected an "),
    (["solve", "{t}/i1.npz", "--patterns-file", "{t}/missing.npz"], "argument --patterns-file: Patterns file '{t}/missing.npz' does not exist"),
    (["solve", "{t}/i1.npz", "--patterns-file", "{t}/pshape.npz"], "got shape (2, 5)"),
    (["solve", "{t}/i1.npz", "--patterns-file", "{t}/pnone.npz"], "got arrays ['other']"),
    (["solve", "{t}/missing.npz", "--beta", "1"], "missing.npz' does not exist"),
    (["solve"], "the following arguments are required: DATA"),
    (["certify", "{t}/wide.npz", "{t}/i1.npz"], "argument NET: expected U of shape (m, 1) to match DATA"),
    (["certify", "{t}/wide.npz", "{t}/i1.npz"], "(a bias column? pass --bias)"),
    (["certify", "{t}/nan.npz", "{t}/i1.npz"], "Net file '{t}/nan.npz' has non-finite weights in 'U'"),
    (["certify", "{t}/alpha.npz", "{t}/i1.npz"], "alpha.npz' has arrays of the wrong shapes: expected U (m, d) with d ≥ 1 and alpha (m,)"),
    (["certify", "{t}/corrupt.npz", "{t}/i1.npz"], "Net file '{t}/corrupt.npz' is not a .npz archive"),
    (["certify", "{t}/missing.npz", "{t}/i1.npz"], "Net file '{t}/missing.npz' does not exist: expected an existing .npz file"),
    (["certify", "{t}/wide.npz", "{t}/nobeta.npz"], "argument --beta: required because DATA"),
    (["certify", "{t}/wide.npz", "{t}/i1.npz", "--beta", "nan"], "argument --beta: expected a finite number > 0"),
    (["certify", "{t}/wide.npz", "{t}/i1.npz", "--patterns", "all"], "argument --patterns: invalid choice: 'all'"),
    (["certify", "{t}/wide.npz", "{t}/i1.npz", "--n-samples", "0"], "argument --n-samples: expected an integer ≥ 1"),
    (["certify", "{t}/wide.npz"], "the following arguments are required: DATA"),
])
def test_bad_input_exits_2_with_one_line(cli_error, tmp_path, argv, needle):
    _bad_files(tmp_path)
    err = cli_error([a.format(t=tmp_path) for a in argv])
    assert needle.format(t=tmp_path) in err
    assert not (tmp_path / "net.txt").exists()


def _i1_p_star(beta):
    """docs/theory.md §I, I1: each point has its own neuron, ½(y−t)² + βt at t = (y − β)₊."""
    return sum(beta * v - beta ** 2 / 2 if v > beta else v ** 2 / 2 for v in (1.0, 2.0))


def test_solve_beta_path_i1_closed_form(cli_json, capsys, i1_npz):
    d = cli_json(["solve", i1_npz, "--beta-path", "0.5", "3", "1.5", "--json"])
    path = d["path"]
    assert [e["beta"] for e in path] == [3.0, 1.5, 0.5]  # largest first
    for e in path:
        np.testing.assert_allclose(e["p_star"], _i1_p_star(e["beta"]), rtol=1e-9)
        assert e["certified"] is True and e["rel_gap"] <= 1e-8
    assert [e["neurons"] for e in path[1:]] == [1, 2]  # β = 1.5 < y₂ only; β = 0.5 below both


def test_solve_beta_path_table_and_usage_errors(cli_error, capsys, i1_npz):
    assert main(["solve", i1_npz, "--beta-path", "1.5", "0.5"]) == 0
    out = capsys.readouterr().out
    assert "certified" in out and f"{_i1_p_star(0.5):.10g}" in out and f"{_i1_p_star(1.5):.10g}" in out
    assert "not allowed with --beta" in cli_error(["solve", i1_npz, "--beta-path", "1", "--beta", "1"])
    assert "not allowed with --interpolate" in cli_error(["solve", i1_npz, "--beta-path", "1", "--interpolate"])
    assert "--beta-path" in cli_error(["solve", i1_npz, "--beta-path", "-1"])
