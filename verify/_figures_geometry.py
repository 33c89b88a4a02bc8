"""Drawers of the geometric figures: ``arrangement2d``, ``polytope`` and ``ellipsoid``.

Each ``draw_<kind>(data, fig) -> list[str]`` draws a :class:`verify.Figure`'s ``data`` (a dictionary read from the
results JSON) onto an empty :class:`matplotlib.figure.Figure` and returns notes on what it skipped.  A missing
required key raises :class:`~geom.exceptions.InvalidInputError` (:mod:`verify._figures_data`).  The keys are
documented on each function and listed in :mod:`verify.figures`.  The drawers only compute what a picture needs
(angles of the cells of a planar arrangement, a PCA projection, the boundary of a planar set); every verdict is
decided elsewhere.
"""

from __future__ import annotations

import math

import numpy as np

from ._figures_data import bad_entry, finite_mask, floats, optional_floats

__all__ = ["draw_arrangement2d", "draw_polytope", "draw_ellipsoid", "arrangement_sectors", "support_abs",
           "pca_coordinates"]

#: Angular resolution (number of directions) of the boundaries drawn by :func:`draw_ellipsoid`.
_N_ANGLES = 721


def arrangement_sectors(X: np.ndarray) -> list[tuple[float, float, str]]:
    """The open cells of the central line arrangement ``{x_i^⊥}`` in ``R^2``: ``(angle from, angle to, pattern)``.

    Angles are in radians, increasing, covering ``[a_0, a_0 + 2π)``; the pattern is ``1[X u ≥ 0]`` at the middle
    direction of the sector (docs/theory.md §A.2), one character per row of ``X``.  Zero rows cut nothing (their
    bit is ``1``: ``0 ≥ 0``).

    >>> [p for _, _, p in arrangement_sectors(np.array([[1.0, 0.0], [0.0, 1.0]]))]
    ['11', '01', '00', '10']
    """
    cuts = []
    for x in X:
        if np.any(x != 0):
            base = math.atan2(x[1], x[0])
            cuts += [(base + math.pi / 2) % (2 * math.pi), (base - math.pi / 2) % (2 * math.pi)]
    cuts = sorted(cuts)
    uniq = [c for i, c in enumerate(cuts) if i == 0 or c - cuts[i - 1] > 1e-12]
    if len(uniq) > 1 and uniq[0] + 2 * math.pi - uniq[-1] <= 1e-12:
        uniq.pop()
    if not uniq:
        uniq = [0.0]
    out = []
    for i, a in enumerate(uniq):
        b = uniq[i + 1] if i + 1 < len(uniq) else uniq[0] + 2 * math.pi
        mid = (a + b) / 2
        pattern = "".join("1" if v >= 0 else "0" for v in X @ np.array([math.cos(mid), math.sin(mid)]))
        out.append((a, b, pattern))
    return out


def draw_arrangement2d(data: dict, fig) -> list[str]:
    """The arrangement of the lines ``x_i^⊥`` in the plane of directions ``u``, its cells coloured by pattern.

    Keys: ``X`` (required): the n×2 data matrix (or n×1 with ``"bias": true``, a column of ones is then
    appended: the directions are ``(w, b)``); ``labels`` (optional): n names of the samples; ``patterns``
    (optional): the patterns a computation found, as 0/1 strings of length n (``1[Xu ≥ 0]``, docs/theory.md §A.2):
    a cell whose pattern is not among them is hatched and noted; ``witnesses`` (optional): a list of
    ``{"u": [u1, u2], "label": str}`` directions drawn as arrows.  Left panel: the rows of X as points.

    >>> from matplotlib.figure import Figure
    >>> draw_arrangement2d({"X": [[1, 0], [1, 1]], "patterns": ["11", "01", "00"]}, Figure())
    ['1 cell(s) not among the given patterns (hatched): 10']
    """
    X = floats(data, "X", "arrangement2d", ndim=2)
    bias = data.get("bias") is True
    if bias and X.shape[1] != 1:
        raise bad_entry("arrangement2d", "X", "an n×1 array when 'bias' is true (directions (w, b) in the plane)",
                        f"shape {X.shape}")
    if bias:
        X = np.hstack([X, np.ones((X.shape[0], 1))])
    if X.shape[1] != 2:
        raise bad_entry("arrangement2d", "X", "an n×2 array (or n×1 with bias)", f"shape {X.shape}")
    if not np.isfinite(X).all():
        raise bad_entry("arrangement2d", "X", "finite", "non-finite entries")
    n = X.shape[0]
    labels = data.get("labels")
    labels = [str(v) for v in labels] if isinstance(labels, list) and len(labels) == n else [
        f"x{i + 1}" for i in range(n)]
    notes = []
    found = data.get("patterns")
    found = {str(p) for p in found} if isinstance(found, list) else None
    ax_data, ax = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.4]})
    ax_data.scatter(X[:, 0], X[:, 1], color="k", s=22, zorder=3)
    for i in range(n if n <= 30 else 0):
        ax_data.annotate(labels[i], X[i], xytext=(3, 3), textcoords="offset points", fontsize=8)
    ax_data.axhline(0, color="0.8", linewidth=0.8)
    ax_data.axvline(0, color="0.8", linewidth=0.8)
    ax_data.set_xlabel("x" if bias else r"$x_1$")
    ax_data.set_ylabel("bias input (1)" if bias else r"$x_2$")
    ax_data.set_title("data (rows of X)", fontsize=9)
    from matplotlib import colormaps  # matplotlib is optional: imported where a figure is drawn
    from matplotlib.patches import Wedge

    sectors = arrangement_sectors(X)
    distinct = list(dict.fromkeys(p for _, _, p in sectors))
    cmap = colormaps["tab20"]
    missing = []
    for a, b, p in sectors:
        absent = found is not None and p not in found
        if absent:
            missing.append(p)
        ax.add_patch(Wedge((0, 0), 1.0, math.degrees(a), math.degrees(b), facecolor=cmap(distinct.index(p) % 20),
                           alpha=0.55, hatch="///" if absent else None, edgecolor="k" if absent else "none"))
        if n <= 12 and b - a > 0.12:
            mid = (a + b) / 2
            ax.text(0.72 * math.cos(mid), 0.72 * math.sin(mid), p, ha="center", va="center", fontsize=7,
                    family="monospace")
    for i, x in enumerate(X):
        if not np.any(x != 0):
            notes.append(f"{labels[i]} is zero: its line x^⊥ is the whole plane and is not drawn")
            continue
        d = np.array([-x[1], x[0]]) / np.linalg.norm(x)
        ax.plot([-1.1 * d[0], 1.1 * d[0]], [-1.1 * d[1], 1.1 * d[1]], color="k", linewidth=0.9)
        if n <= 30:
            ax.annotate(labels[i] + "⊥", 1.12 * d, fontsize=7, ha="center", va="center")
    for w in data.get("witnesses") or []:
        u = np.asarray(w.get("u", []) if isinstance(w, dict) else [], dtype=object)
        try:
            u = u.astype(float)
        except (TypeError, ValueError):
            u = np.zeros(0)
        if u.shape != (2,) or not np.isfinite(u).all() or not np.any(u != 0):
            notes.append(f"skipped a witness without a nonzero finite 2-vector 'u': {str(w)[:60]}")
            continue
        u = u / np.linalg.norm(u)
        ax.annotate("", xy=0.95 * u, xytext=(0, 0), arrowprops={"arrowstyle": "->", "color": "tab:red"})
        ax.annotate(str(w.get("label", "witness")), 0.95 * u, color="tab:red", fontsize=8)
    ax.set_xlim(-1.3, 1.3)
    ax.set_ylim(-1.3, 1.3)
    ax.set_aspect("equal")
    ax.set_xlabel("w" if bias else r"$u_1$")
    ax.set_ylabel("b" if bias else r"$u_2$")
    ax.set_title(f"{len(sectors)} open cells, {len(distinct)} patterns 1[Xu ≥ 0]", fontsize=9)
    if missing:
        notes.append(f"{len(missing)} cell(s) not among the given patterns (hatched): {', '.join(missing[:8])}")
    return notes


def pca_coordinates(V: np.ndarray, dim: int) -> tuple[np.ndarray, list[str]]:
    """Coordinates of the rows of ``V`` in their first ``dim`` principal directions, and axis labels (rows with at
    most ``dim`` coordinates are kept as they are, padded with zeros).

    >>> P, labels = pca_coordinates(np.array([[0.0, 0, 0], [2, 0, 0], [0, 1, 0]]), 2)
    >>> round(float(np.linalg.norm(P[1] - P[0])), 12), labels[0]
    (2.0, 'PC1 (86% of the spread)')
    """
    if V.shape[1] <= dim:
        P = np.zeros((V.shape[0], dim))
        P[:, :V.shape[1]] = V
        return P, [f"coordinate {i + 1}" for i in range(dim)]
    C = V - V.mean(axis=0)
    _, s, vt = np.linalg.svd(C, full_matrices=False)
    total = float(np.sum(s ** 2))
    k = min(dim, vt.shape[0])
    P = np.zeros((V.shape[0], dim))
    P[:, :k] = C @ vt[:k].T
    share = [float(s[i] ** 2) / total if total > 0 and i < s.size else 0.0 for i in range(dim)]
    return P, [f"PC{i + 1} ({100 * share[i]:.0f}% of the spread)" for i in range(dim)]


def draw_polytope(data: dict, fig) -> list[str]:
    """The vertices and edges of an optimal polytope (docs/theory.md §D.4), projected on 2 or 3 axes.

    Keys: ``vertices`` (required): a list of k coordinate lists (all of one length D); ``edges`` (optional): a
    list of ``[i, j]`` vertex index pairs; ``labels`` (optional): k vertex names (for example the support
    size); ``highlight`` (optional): vertex indices drawn in red (e.g. the vertices of support ``m*``); ``dim``
    (optional, 2 or 3, default 2).  Vertices with D > dim are projected on their principal directions (PCA of
    the centred vertex coordinates; the axis labels give each direction's share of the spread).

    >>> from matplotlib.figure import Figure
    >>> draw_polytope({"vertices": [[1, 0, 0], [0, 1, 0], [0, 0, 1]], "edges": [[0, 1], [1, 2], [2, 5]]}, Figure())
    ['skipped edge [2, 5]: not a pair of vertex indices below 3']
    """
    V = floats(data, "vertices", "polytope", ndim=2)
    if V.shape[0] == 0 or not np.isfinite(V).all():
        raise bad_entry("polytope", "vertices", "a non-empty list of finite coordinate lists", f"shape {V.shape}")
    dim = 3 if data.get("dim") == 3 else 2
    P, axis_labels = pca_coordinates(V, dim)
    notes = []
    ax = fig.add_subplot(projection="3d") if dim == 3 else fig.add_subplot()
    k = V.shape[0]
    for e in data.get("edges") or []:
        ok = (isinstance(e, (list, tuple)) and len(e) == 2
              and all(isinstance(i, int) and not isinstance(i, bool) and 0 <= i < k for i in e))
        if not ok:
            notes.append(f"skipped edge {e}: not a pair of vertex indices below {k}")
            continue
        ax.plot(*(P[list(e)].T), color="0.4", linewidth=1.0)
    hi = {i for i in (data.get("highlight") or []) if isinstance(i, int) and 0 <= i < k}
    colors = ["tab:red" if i in hi else "tab:blue" for i in range(k)]
    ax.scatter(*P.T, c=colors, s=30, zorder=3, depthshade=False) if dim == 3 else ax.scatter(
        *P.T, c=colors, s=30, zorder=3)
    labels = data.get("labels")
    if isinstance(labels, list) and len(labels) == k and k <= 40:
        for i in range(k):
            if dim == 3:
                ax.text(*P[i], str(labels[i]), fontsize=7)
            else:
                ax.annotate(str(labels[i]), P[i], xytext=(3, 3), textcoords="offset points", fontsize=7)
    ax.set_xlabel(axis_labels[0], fontsize=8)
    ax.set_ylabel(axis_labels[1], fontsize=8)
    if dim == 3:
        ax.set_zlabel(axis_labels[2], fontsize=8)
    n_edges = sum(1 for e in data.get("edges") or [])
    ax.set_title(f"{k} vertices, {n_edges} edges (in R^{V.shape[1]})", fontsize=9)
    return notes


def support_abs(points: np.ndarray, omega: np.ndarray) -> np.ndarray:
    """``max_z |ωᵀz|`` over the rows z of ``points`` and the origin, for each column ω of ``omega`` (2×k).

    ``β / support_abs(R, ω)`` is the radius of ``𝒦_β`` in the direction ω when R holds the boundary of the
    rectified ellipsoid (docs/theory.md §C.1).

    >>> support_abs(np.array([[1.0, 0.0], [0.0, 2.0]]), np.array([[1.0, 0.0], [0.0, -1.0]]))
    array([1., 2.])
    """
    Z = np.vstack([points, np.zeros((1, points.shape[1]))])
    return np.max(np.abs(Z @ omega), axis=0)


def _rectified_boundary(data: dict) -> tuple[np.ndarray | None, np.ndarray]:
    """``(boundary of {Xu : ‖u‖ ≤ 1} or None, points of the boundary of its rectification)``, both m×2."""
    X = optional_floats(data, "X", "ellipsoid", ndim=2)
    if X is not None:
        if X.shape[0] != 2 or not np.isfinite(X).all():
            raise bad_entry("ellipsoid", "X", "a finite 2×d matrix (n = 2 samples)", f"shape {X.shape}")
        w, V = np.linalg.eigh(X @ X.T)
        S = V @ np.diag(np.sqrt(np.clip(w, 0.0, None))) @ V.T  # {Xu : ‖u‖ ≤ 1} = S·(unit disc)
        t = np.linspace(0.0, 2 * math.pi, _N_ANGLES)
        E = (S @ np.vstack([np.cos(t), np.sin(t)])).T
        return E, np.maximum(E, 0.0)
    pts = floats(data, "points", "ellipsoid", ndim=2, columns=2)
    pts = pts[finite_mask(pts)]
    if pts.shape[0] == 0:
        raise bad_entry("ellipsoid", "points", "at least one finite point", "none")
    return None, pts


def draw_ellipsoid(data: dict, fig) -> list[str]:
    """For n = 2 samples: the rectified ellipsoid ``{(Xu)_+ : ‖u‖ ≤ 1}`` and the dual feasible set ``𝒦_β``.

    ``𝒦_β = {ν : |νᵀ(Xu)_+| ≤ β for all ‖u‖ ≤ 1}`` (docs/theory.md §C.1) is β times the polar of the rectified
    ellipsoid; for the squared loss ``ν* = Π_{𝒦_β}(y)`` and ``y* = y − ν*``.  Keys: ``X`` (a 2×d matrix) or
    ``points`` (an m×2 list of points of the rectified ellipsoid's boundary) — one is required, ``X`` wins;
    ``beta`` (optional, default 1); ``y`` and ``nu_star`` (optional 2-vectors): the labels and the dual optimum,
    drawn with the projection segment from y to ν*.  The boundary of ``𝒦_β`` is drawn from its radial function
    ``β / max_z |ωᵀz|`` over the rectified boundary points z and the origin (the maximum of the piecewise-linear
    ``|ωᵀ(z)_+|`` over the ellipse is attained there).

    >>> from matplotlib.figure import Figure
    >>> draw_ellipsoid({"X": [[1, 0], [0.5, 1]], "beta": 0.5, "y": [1, 1], "nu_star": [0.3, 0.2]}, Figure())
    []
    """
    E, R = _rectified_boundary(data)
    notes = []
    beta = data.get("beta", 1.0)
    if not (isinstance(beta, (int, float)) and not isinstance(beta, bool) and math.isfinite(beta) and beta > 0):
        notes.append(f"'beta' is not a positive number ({beta!r}): K_β drawn for β = 1")
        beta = 1.0
    ax_r, ax_k = fig.subplots(1, 2)
    if E is not None:
        ax_r.plot(E[:, 0], E[:, 1], "--", color="0.5", linewidth=1.0, label=r"$\{Xu : \|u\| \leq 1\}$")
        ax_r.fill(R[:, 0], R[:, 1], color="tab:blue", alpha=0.35, label=r"$\{(Xu)_+ : \|u\| \leq 1\}$")
        ax_r.plot(R[:, 0], R[:, 1], color="tab:blue", linewidth=1.4)
    else:
        ax_r.scatter(R[:, 0], R[:, 1], s=6, color="tab:blue", label=r"boundary points of $\{(Xu)_+\}$")
    ax_r.axhline(0, color="0.8", linewidth=0.8)
    ax_r.axvline(0, color="0.8", linewidth=0.8)
    ax_r.set_aspect("equal", adjustable="datalim")
    ax_r.set_title("rectified ellipsoid", fontsize=9)
    ax_r.set_xlabel(r"$z_1$")
    ax_r.set_ylabel(r"$z_2$")
    ax_r.legend(fontsize=7, loc="lower left")

    phi = np.linspace(0.0, 2 * math.pi, _N_ANGLES)
    omega = np.vstack([np.cos(phi), np.sin(phi)])
    h = support_abs(R, omega)
    marks = [np.asarray(v, dtype=float) for v in (data.get("y"), data.get("nu_star"))
             if isinstance(v, list) and len(v) == 2 and all(isinstance(c, (int, float)) for c in v)]
    finite_r = beta / h[h > 1e-12 * max(float(h.max()), 1e-300)] if h.max() > 0 else np.zeros(0)
    scale = max([float(np.percentile(finite_r, 50)) if finite_r.size else 1.0] + [float(np.linalg.norm(m))
                                                                               for m in marks])
    lim = 1.6 * scale
    r = np.where(h > beta / (3 * lim), beta / np.maximum(h, 1e-300), 3 * lim)
    if np.any(h <= beta / (3 * lim)):
        notes.append("K_β is unbounded in some directions (no data direction there): cut at the frame")
    K = (omega * r).T
    ax_k.fill(K[:, 0], K[:, 1], color="tab:orange", alpha=0.3, label=rf"$\mathcal{{K}}_\beta$ ($\beta$ = {beta:g})")
    ax_k.plot(K[:, 0], K[:, 1], color="tab:orange", linewidth=1.4)
    y = data.get("y")
    nu = data.get("nu_star")
    drawn = (("y", "y", y, {"marker": "o", "color": "k"}),
             ("nu_star", r"$\nu^*$", nu, {"marker": "*", "color": "tab:red"}))
    for key, label, value, style in drawn:
        if value is None:
            continue
        try:
            v = np.asarray(value, dtype=float)
        except (TypeError, ValueError):
            v = np.zeros(0)
        if v.shape != (2,) or not np.isfinite(v).all():
            notes.append(f"'{key}' is not a finite 2-vector: not drawn")
            continue
        ax_k.plot(v[0], v[1], linestyle="none", markersize=9, label=label, **style)
    try:
        yv, nv = np.asarray(y, dtype=float), np.asarray(nu, dtype=float)
        if yv.shape == nv.shape == (2,) and np.isfinite(yv).all() and np.isfinite(nv).all():
            ax_k.annotate("", xy=nv, xytext=yv, arrowprops={"arrowstyle": "->", "color": "0.3"})
            ax_k.annotate(r"$y^* = y - \nu^*$", (yv + nv) / 2, fontsize=7, color="0.3")
    except (TypeError, ValueError):
        pass
    ax_k.set_xlim(-lim, lim)
    ax_k.set_ylim(-lim, lim)
    ax_k.set_aspect("equal")
    ax_k.axhline(0, color="0.8", linewidth=0.8)
    ax_k.axvline(0, color="0.8", linewidth=0.8)
    ax_k.set_title(r"dual feasible set $\mathcal{K}_\beta$ (§C.1)", fontsize=9)
    ax_k.set_xlabel(r"$\nu_1$")
    ax_k.set_ylabel(r"$\nu_2$")
    ax_k.legend(fontsize=7, loc="lower left")
    return notes
