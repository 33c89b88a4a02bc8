"""The ``polytope`` subcommand (docs/theory.md §D, §E, §G): JSON fields, the staircase figure, one-line errors.

Expected numbers: docs/theory.md §I, I2 (the 120° instance, β = ½): m* = 1, M* = 2, Θ*₁ one point, Θ*₂ 3 components of
which 2 isolated, Θ*₃ and Θ*₄ connected; the regular pentagon (y = 1, β = ½): 22 vertices (docs/theory.md §D.4).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import geom


@pytest.fixture
def i2_npz(tmp_path):
    p = tmp_path / "i2.npz"
    np.savez(p, X=np.array([[1.0, 0.0], [-0.5, math.sqrt(3) / 2]]), y=np.array([1.0, 1.0]), beta=0.5)
    return str(p)


def test_polytope_json_i2(cli_json, i2_npz):
    d = cli_json(["polytope", i2_npz, "--json", "--quiet"])
    for key in ("p_star", "certified", "directions", "tightness_margin", "vertices", "edges", "m_star", "M_star",
                "staircase", "claims"):
        assert key in d, key
    np.testing.assert_allclose(d["p_star"], 0.75, rtol=1e-12)  # SPEC §I, I2: p* = 2β − β²
    assert d["certified"] is True and (d["m_star"], d["M_star"]) == (1, 2)
    assert sorted(len(v["support"]) for v in d["vertices"]) == [1, 2] and len(d["edges"]) == 1
    assert [(s["m"], s["components"], s["isolated"], s["connected"]) for s in d["staircase"]] == [
        (1, 1, 1, True), (2, 3, 2, False), (3, 1, 0, True), (4, 1, 0, True)]
    assert {c["verdict"] for c in d["claims"]} == {"holds"}
    assert {c["key"] for c in d["claims"]} >= {"finite_at_m_star", "path_above_m_star", "isolated_at_M_star",
                                                "no_isolated_above_M_star", "connected_above"}
    assert 0 < d["tightness_margin"] <= 1


def test_polytope_figure_and_summary(capsys, tmp_path):
    from verify.cli import main

    t = 2 * np.pi * np.arange(5) / 5
    data = tmp_path / "g5.npz"
    np.savez(data, X=np.c_[np.cos(t), np.sin(t)], y=np.ones(5))
    fig = tmp_path / "s.png"
    assert main(["polytope", str(data), "--beta", "0.5", "--figure", str(fig)]) == 0
    out = capsys.readouterr().out
    assert "vertices: 22" in out and "m* = 4, M* = 5" in out
    assert fig.read_bytes()[:4] == b"\x89PNG"


def test_polytope_interpolate_continuum(cli_json, tmp_path):
    X, y = geom.tail_sum_instance(3, seed=1)
    data = tmp_path / "tail.npz"
    np.savez(data, X=X, y=y)
    d = cli_json(["polytope", str(data), "--interpolate", "--bias", "--json", "--quiet"])
    assert d["continuum"]["verdict"] == "holds" and d["continuum"]["dim"] == 1
    assert d["K"] == 4 and d["rank"] == 3  # SPEC §G.2: n + 1 tight columns in R^n


@pytest.mark.parametrize("extra,needle", [
    (["--interpolate", "--beta", "0.5"], "--interpolate"),
    (["--figure", "x.npz"], "--figure"),
    (["--m-max", "0"], "--m-max"),
    (["--beta", "-1"], "--beta"),
])
def test_polytope_bad_input(cli_error, i2_npz, tmp_path, extra, needle):
    extra = [str(tmp_path / e) if e.endswith(".npz") else e for e in extra]
    err = cli_error(["polytope", i2_npz, *extra, "--quiet"])
    assert needle in err
