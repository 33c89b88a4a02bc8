"""Report figures (verify.figures): one drawer per Figure kind, drawn from JSON data; bad data give notes, never an
exception; the geometry the drawers compute (cells of a planar arrangement, PCA projection, the dual set 𝒦_β)
checked against independent oracles."""

from __future__ import annotations

import io
import itertools
import json
import math

import numpy as np
import pytest
from numpy.testing import assert_allclose

from verify import FIGURE_KINDS, Figure
from verify._figures_geometry import arrangement_sectors, pca_coordinates, support_abs
from verify.figures import _SIZES, FIGURE_DPI, FIGURE_DRAWERS, render_figure_item

matplotlib = pytest.importorskip("matplotlib")
Image = pytest.importorskip("PIL.Image")

_T = np.linspace(-2.0, 2.0, 21)
#: Valid data of every kind (as a suite would yield them: JSON values only).
GOOD = {
    "arrangement2d": {"X": [[1, 0], [1, 1], [-0.5, 1]], "patterns": ["111", "011", "001", "000", "100", "110"],
                      "witnesses": [{"u": [1, 0.2], "label": "u*"}]},
    "staircase": {"staircase": [{"m": 1, "components": 2, "isolated": 2}, {"m": 2, "components": 6, "isolated": 0}],
                  "m_star": 1, "M_star": 1, "n": 2},
    "polytope": {"vertices": [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]], "edges": [[0, 1], [1, 2]],
                 "labels": ["a", "b", "c"], "highlight": [0]},
    "fits1d": {"x": _T.tolist(), "curves": [{"label": "net", "y": np.maximum(_T, 0).tolist()}],
               "data_x": [-1, 1], "data_y": [0, 1]},
    "trajectories": {"steps": [0, 1, 2, 3], "p_star": 1.0,
                     "series": [{"label": "seed 0", "objective": [3, 2, 1.5, 1.1], "patterns": [4, 4, 3, 3]}]},
    "ellipsoid": {"X": [[1, 0.2], [-0.3, 1]], "beta": 0.5, "y": [1, 1], "nu_star": [0.3, 0.3]},
    "series": {"x": [1, 2, 4], "series": [{"label": "error", "y": [0.3, 0.1, 0.2]}], "logx": True},
}


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=float)


def test_registry_covers_every_kind():
    assert sorted(FIGURE_DRAWERS) == sorted(FIGURE_KINDS) == sorted(GOOD)


@pytest.mark.parametrize("kind", FIGURE_KINDS)
def test_every_kind_draws_from_json_data(kind):
    item = json.loads(json.dumps(Figure("c1", kind, GOOD[kind], theorem="§", title=f"a {kind}").to_dict()))
    png, notes = render_figure_item(item)
    assert notes == []
    px = _pixels(png)
    w, h = _SIZES.get(kind, (6.4, 4.0))
    assert px.shape == (round(h * FIGURE_DPI), round(w * FIGURE_DPI), 3)
    assert px.var() > 100.0 and (px.min(axis=2) < 128).mean() > 0.005  # axes, lines and text were drawn
    assert render_figure_item(item)[0] == png  # no timestamp: the bytes depend on the data only


@pytest.mark.parametrize("kind", FIGURE_KINDS)
def test_missing_required_keys_give_a_note_not_an_exception(kind):
    png, notes = render_figure_item({"kind": kind, "data": {}})
    assert png is None and len(notes) == 1
    assert notes[0].startswith("not drawn: The '") and f"of a '{kind}' figure's data must be" in notes[0]
    png, notes = render_figure_item({"kind": kind, "data": [1, 2]})
    assert png is None and notes == [f"not drawn: The data of a '{kind}' figure must be a dictionary. Got list "
                                     "instead."]


def test_unknown_kind_and_non_dict_item():
    assert render_figure_item({"kind": "histogram", "data": {}}) == (
        None, ["not drawn: unknown figure kind 'histogram' (known: " + ", ".join(FIGURE_KINDS) + ")"])
    assert render_figure_item("staircase")[0] is None


@pytest.mark.parametrize("kind, data, note", [
    ("fits1d", {"x": [0, 1, 2], "curves": [{"label": "ok", "y": [0, 1, 2]}, {"label": "short", "y": [0, 1]}]},
     "skipped curve 'short': 'y' has 2 values for 3 grid points"),
    ("polytope", {"vertices": [[0, 0], [1, 0], [0, 1]], "edges": [[0, 1], [0, 7], "x"]},
     "skipped edge [0, 7]: not a pair of vertex indices below 3"),
    ("trajectories", {"steps": [0, 1, 2], "p_star": 2.0, "series": [{"label": "s", "objective": [3, 2, 2]}]},
     "s: 2 point(s) with objective − p* ≤ 2e-15 (p* reached to rounding), drawn at 2e-15"),
    ("trajectories", {"steps": [0, 1, 2], "p_star": 2.0, "series": [{"label": "s", "objective": [3, 2, 1.5]}]},
     "s: objective below p* by 0.5 (p* or the objective is wrong)"),
    ("series", {"x": [1, 2, 3], "series": [{"label": "a", "y": [1, "nan", -1]}], "logy": True},
     "a: 1 non-positive value(s) left out of the log scale"),
    ("arrangement2d", {"X": [[1, 0], [0, 0]], "witnesses": [{"u": [0, 0]}]},
     "x2 is zero: its line x^⊥ is the whole plane and is not drawn"),
    ("ellipsoid", {"points": [[1, 0], [0, 1]], "beta": -1}, "'beta' is not a positive number (-1): K_β drawn for β = 1"),
])
def test_bad_optional_parts_are_skipped_with_a_note(kind, data, note):
    png, notes = render_figure_item({"kind": kind, "data": data})
    assert png is not None and png[:4] == b"\x89PNG"
    assert note in notes, notes


def test_bias_arrangement_needs_one_column():
    png, notes = render_figure_item({"kind": "arrangement2d", "data": {"X": [[1, 2], [3, 4]], "bias": True}})
    assert png is None and "an n×1 array when 'bias' is true" in notes[0]
    png, notes = render_figure_item({"kind": "arrangement2d", "data": {"X": [[-1], [0.5], [2]], "bias": True}})
    assert png is not None and notes == []


# ---- the geometry the drawers compute, against independent oracles ---------------------------------------------

@pytest.mark.parametrize("seed", range(6))
def test_arrangement_sectors_match_sampled_directions(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 7))
    X = rng.integers(-3, 4, size=(n, 2)).astype(float)
    X[rng.random(n) < 0.2] = 0.0  # zero rows cut nothing
    sectors = arrangement_sectors(X)
    # closed form: k distinct lines through the origin cut the plane into 2k sectors (one sector without lines)
    lines = {(round(math.atan2(x[1], x[0]) % math.pi, 12)) for x in X if np.any(x != 0)}
    assert len(sectors) == max(2 * len(lines), 1)
    assert_allclose(sum(b - a for a, b, _ in sectors), 2 * math.pi, rtol=0, atol=1e-12)
    # oracle: the patterns 1[Xu ≥ 0] of many random directions, off the lines, are exactly the sectors' patterns
    U = rng.normal(size=(20000, 2))
    G = U @ X.T
    generic = np.all((np.abs(G) > 1e-9) | np.all(X == 0, axis=1), axis=1)
    sampled = {"".join("1" if v >= 0 else "0" for v in row) for row in G[generic]}
    assert sampled == {p for _, _, p in sectors}


def test_pca_keeps_distances_of_planar_vertices():
    rng = np.random.default_rng(3)
    basis = np.linalg.qr(rng.normal(size=(6, 2)))[0].T  # an orthonormal 2-plane in R^6
    V = rng.normal(size=(7, 2)) @ basis + rng.normal(size=6)
    P, labels = pca_coordinates(V, 2)
    dist = lambda A: np.linalg.norm(A[:, None] - A[None], axis=-1)  # noqa: E731
    assert_allclose(dist(P), dist(V), rtol=0, atol=1e-12)  # a plane's PCA is an isometry
    assert labels[0].startswith("PC1 (") and labels[1].endswith("of the spread)")
    assert sum(int(s.split("(")[1].split("%")[0]) for s in labels) in (99, 100, 101)


@pytest.mark.parametrize("seed", range(6))
def test_dual_set_radius_matches_unit_vectors(seed):
    """The radius of 𝒦_β (docs/theory.md §C.1) in a direction ω is β / max_{‖u‖≤1} |ωᵀ(Xu)_+|: the drawer's support
    value (from the boundary of the rectified ellipse) against the maximum over unit vectors u ∈ R^d taken
    directly: a dense grid of the circle for d ≤ 2, a random sample of the sphere for d = 3."""
    rng = np.random.default_rng(seed)
    d = 1 + seed % 3
    X = rng.normal(size=(2, d))
    w, V = np.linalg.eigh(X @ X.T)
    S = V @ np.diag(np.sqrt(np.clip(w, 0, None))) @ V.T
    t = np.linspace(0.0, 2 * math.pi, 20001)
    R = np.maximum(S @ np.vstack([np.cos(t), np.sin(t)]), 0.0).T
    omega = rng.normal(size=(2, 9))
    omega /= np.linalg.norm(omega, axis=0)
    if d == 1:
        U = np.array([[-1.0, 0.0, 1.0]])
    elif d == 2:
        s = np.linspace(0.0, 2 * math.pi, 400001)
        U = np.vstack([np.cos(s), np.sin(s)])
    else:
        U = rng.normal(size=(3, 400000))
        U /= np.linalg.norm(U, axis=0)
    oracle = np.max(np.abs(omega.T @ np.maximum(X @ U, 0.0)), axis=1)
    drawn = support_abs(R, omega)
    assert np.all(drawn >= oracle * (1 - 1e-7) - 1e-12)  # the drawn set is never too large
    assert_allclose(drawn, oracle, rtol=1e-4 if d <= 2 else 1e-2, atol=1e-12)


def test_all_permutations_of_three_lines_give_six_sectors():
    for rows in itertools.permutations([[1, 0], [0, 1], [1, 1]]):
        assert len(arrangement_sectors(np.array(rows, float))) == 6


def test_without_matplotlib_the_report_still_renders(tmp_path, monkeypatch):
    """No matplotlib (the plot extra is optional): each figure becomes a note and the pages are still written."""
    import verify
    import verify._report as report_module
    import verify.figures as figures_module

    monkeypatch.setattr(figures_module, "_matplotlib_figure", lambda size: None)
    monkeypatch.setattr(report_module, "render_figure", lambda report: None)
    assert render_figure_item({"kind": "series", "data": GOOD["series"]}) == (
        None, ["not drawn: matplotlib is not installed"])
    res = verify.SuiteResult(suite="no-plot", description="", results=(), measurements=(), cases=(),
                             provenance=verify.provenance(seed=None),
                             figures=(Figure("c", "series", GOOD["series"], "docs/theory.md §A.3", "s"),))
    paths = verify.write_report(res, tmp_path)
    html = open(paths["html"], encoding="utf-8").read()
    assert sorted(paths) == ["html", "json", "md"] and "<img " not in html
    assert "not drawn: matplotlib is not installed" in html and "<h2>docs/theory.md §A.3</h2>" in html
