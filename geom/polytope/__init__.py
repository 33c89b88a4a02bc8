"""The optimal polytope of the convex program (docs/theory.md §D; Mishkin–Pilanci 2023, Kim et al. 2025 Thm 1).

For the squared loss every optimum of (C) is ``(c_k ū_k)_k`` with ``c ≥ 0`` on the tight signed directions
``ū_k`` of ``ν*`` and ``A c = y*``:

    𝒫* ≅ Q = { c ∈ R^K_{≥0} : A c = y* },   A = [σ_k (X ū_k)_+]   (tight directions, deduplicated).

Pipeline (one module per step, each handing the next its object):

1. :mod:`.tightness` — the tight signed patterns at ``ν*``, decided with a proved radius and an isolation test;
   deduplication of equal signed directions.
2. ``A``, a point ``c̄ ∈ Q`` (non-negative lasso on the columns, docs/theory.md §C.4), its objective compared
   with the certified ``p*`` (a column set that cannot reproduce ``p*`` is not the optimal set), pruned to a vertex.
3. :mod:`.vertices` — vertices (supports and coefficients) and edges by cddlib in exact rationals, split
   vertices of the float perturbation merged back; ``m* = min |supp|``, ``M* = max |supp|`` (docs/theory.md §E.1).

``status`` is ``"certified"`` only when the convex solution is certified, tightness was decided rigorously and
every float decision (dedup, rank, vertex coefficients) cleared its grey zone; ``"inconclusive"`` (with
``reason``) otherwise — the numbers are still reported, never as facts; ``"not applicable"`` for a loss the
theorem does not cover here.

Examples
--------
>>> import numpy as np, geom
>>> X = np.array([[1.0, 0.0], [-0.5, np.sqrt(3) / 2]])          # docs/theory.md §I, I2 (120°)
>>> P = geom.optimal_polytope(geom.solve_convex(X, np.array([1.0, 1.0]), 0.5))
>>> P.status, P.m_star, P.M_star, sorted(len(v.support) for v in P.vertices), len(P.edges)
('certified', 1, 2, [1, 2], 1)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np

from .._validation import message
from ..convex import ConvexSolution
from ..convex.polish import nonnegative_lasso
from ..exceptions import InvalidInputError, InvalidInputTypeError
from ..nets import Net, augment
from ..tolerances import DEFAULT_TOLERANCES, Tolerances
from .symbolic import SymbolicPolytope, symbolic_polytope
from .tightness import Tightness, column_net, columns_from_pairs, decide_tightness, fit_columns
from .vertices import (
    Vertex,
    VertexSet,
    brute_force_vertices,
    exact_vertices,
    numerical_rank,
    prune_to_vertex,
    rank_adjacent,
)

__all__ = ["OptimalPolytope", "optimal_polytope", "SymbolicPolytope", "symbolic_polytope", "Vertex", "Tightness", "brute_force_vertices", "prune_to_vertex",
           "rank_adjacent", "POLYTOPE_STATUSES"]

#: :meth:`OptimalPolytope.to_net` accepts ``c`` with ``‖A c − y*‖ ≤ TO_NET_RTOL · max(1, ‖y*‖)`` (points of ``Q`` up
#: to the rounding of user arithmetic, e.g. convex combinations of vertices).
TO_NET_RTOL = 1e-6
#: ``status`` values of :class:`OptimalPolytope`.
POLYTOPE_STATUSES = ("certified", "inconclusive", "not applicable")


@dataclass(frozen=True)
class OptimalPolytope:
    """The optimal set of (C) as the polytope ``Q`` (docs/theory.md §D), with its vertices and edges.

    Attributes
    ----------
    status : str
        ``"certified"``, ``"inconclusive"`` or ``"not applicable"`` (:data:`POLYTOPE_STATUSES`).
    reason : str
        Why the status is not ``"certified"`` (empty otherwise).
    p_star : float
        The objective of the points of ``Q`` (evaluated at ``c̄``); it equals the convex solution's certified
        ``p*`` within that solution's gap (checked; otherwise the polytope is ``inconclusive``), and the paths of
        :mod:`geom.connectivity` are measured against it.
    directions : ndarray (K, p)
        Tight unit directions ``ū_k`` (one per column, deduplicated), ``p = d (+1 with bias)``.
    signs : ndarray (K,)
        ``σ_k = ±1`` (the sign of the output weight).
    groups : tuple of tuple
        ``groups[k]``: the ``(pool row, sign slot)`` pairs merged into column ``k`` (several when ``ū_k`` is
        tight in several cones, docs/theory.md §D.3).
    A : ndarray (n, K)
        Fit columns ``σ_k (X ū_k)_+``.
    y_star : ndarray (n,)
        ``A c̄``: the optimal fit.
    c_bar : ndarray (K,)
        The point of ``Q`` computed from the solution (non-negative lasso), before pruning.
    rank : int
        ``rank A`` (``dim``, the dimension of ``Q``, is computed from the vertices).
    vertices : tuple of Vertex
    edges : tuple of (int, int)
        Pairs of vertex indices.
    m_star, M_star : int or None
        Smallest and largest vertex support (docs/theory.md §E.1); ``None`` when there are no vertices.
    support_counts : dict
        ``{s: number of vertices with |supp| = s}``.
    tightness : Tightness
    tightness_margin : float
        ``(min tight φ − max non-tight φ)/β``.
    vertex_margin : float
        Smallest ratio between a kept vertex coefficient and a zeroed one (``inf`` when nothing was zeroed).
    X, y : ndarray
        The data (``X`` without the bias column).
    beta : float
    bias, interpolate, certified : bool
    stats : dict
    """

    status: str
    reason: str
    p_star: float
    directions: np.ndarray = field(repr=False)
    signs: np.ndarray = field(repr=False)
    groups: tuple = field(repr=False)
    A: np.ndarray = field(repr=False)
    y_star: np.ndarray = field(repr=False)
    c_bar: np.ndarray = field(repr=False)
    rank: int
    vertices: tuple = field(repr=False)
    edges: tuple = field(repr=False)
    m_star: int | None
    M_star: int | None
    support_counts: dict
    tightness: Tightness = field(repr=False)
    tightness_margin: float
    vertex_margin: float
    X: np.ndarray = field(repr=False)
    y: np.ndarray = field(repr=False)
    beta: float
    bias: bool
    interpolate: bool
    certified: bool
    stats: dict = field(repr=False)

    @property
    def K(self) -> int:
        """Number of (deduplicated) tight directions."""
        return int(self.A.shape[1])

    @property
    def n(self) -> int:
        return int(self.y.shape[0])

    @property
    def dim(self) -> int:
        """Dimension of ``Q``: ``|U| − rank A_U`` with ``U`` the union of the vertex supports (the support of a
        relative-interior point; tight columns that no optimum uses are not in ``U``)."""
        U = sorted({k for v in self.vertices for k in v.support})
        if not U:
            return 0
        return len(U) - numerical_rank(self.A[:, U], DEFAULT_TOLERANCES)[0]

    def to_net(self, c) -> Net:
        """The optimal network ψ of ``c ∈ Q``: one neuron ``(√c_k ū_k, σ_k √c_k)`` per ``c_k > 0``.

        Raises :class:`~geom.exceptions.InvalidInputError` for a ``c`` of the wrong length, with a negative or
        non-finite entry, or with ``A c`` away from ``y*`` (beyond :data:`TO_NET_RTOL`).
        """
        c = np.asarray(c, dtype=float)
        if c.shape != (self.K,) or not np.all(np.isfinite(c)) or np.any(c < 0):
            raise InvalidInputError(message("c", "OptimalPolytope.to_net",
                                            f"a finite non-negative vector of length K = {self.K}",
                                            f"shape {c.shape}"))
        res = float(np.linalg.norm(self.A @ c - self.y_star)) / max(1.0, float(np.linalg.norm(self.y_star)))
        if not (res <= TO_NET_RTOL):
            raise InvalidInputError(message("c", "OptimalPolytope.to_net", "a point of Q (A c = y*)",
                                            f"a vector with relative residual {res:.3g}"))
        return column_net(self.directions, self.signs, c, bias=self.bias)

    def vertex_net(self, i: int) -> Net:
        """ψ of vertex ``i``: an optimal and minimal network of width ``|supp|`` (docs/theory.md §F.1)."""
        return self.to_net(self.vertices[i].coefficients)

    def prune(self, c):
        """Optimal pruning from ``c ∈ Q`` to a vertex (docs/theory.md §D.4): ``(index of the vertex, waypoints)``.

        The vertex index is ``None`` if the reached support is not one of :attr:`vertices` (inconclusive data).
        """
        v, path = prune_to_vertex(self.A, c, DEFAULT_TOLERANCES)
        S = tuple(int(k) for k in np.flatnonzero(v > 0))
        idx = next((i for i, w in enumerate(self.vertices) if w.support == S), None)
        return idx, path

    def to_dict(self) -> dict:
        """JSON-ready summary."""
        num = lambda v: float(v) if v is not None and math.isfinite(v) else None  # noqa: E731
        return {"status": self.status, "reason": self.reason, "certified": self.certified,
                "p_star": num(self.p_star), "beta": self.beta, "bias": self.bias, "interpolate": self.interpolate,
                "n": self.n, "K": self.K, "rank": self.rank, "dim": self.dim,
                "directions": [{"index": k, "sign": int(self.signs[k]), "direction": self.directions[k].tolist(),
                                "patterns": [list(p) for p in self.groups[k]]} for k in range(self.K)],
                "y_star": self.y_star.tolist(), "tightness_margin": num(self.tightness_margin),
                "tightness": self.tightness.to_dict(), "vertex_margin": num(self.vertex_margin),
                "vertices": [v.to_dict() for v in self.vertices], "edges": [list(e) for e in self.edges],
                "m_star": self.m_star, "M_star": self.M_star,
                "support_counts": {str(k): v for k, v in sorted(self.support_counts.items())},
                "stats": dict(self.stats)}

    def _repr_html_(self) -> str:
        from ..display import polytope_html
        return polytope_html(self)


def _empty(solution, status, reason, tightness=None):
    n = len(solution.y)
    p = solution.X.shape[1] + int(solution.bias)
    tight = tightness or Tightness(pairs=np.zeros((0, 2), int), values=np.zeros(0), directions=np.zeros((0, p)),
                                   min_tight=math.nan, max_nontight=math.nan, margin=math.nan, radius=math.nan,
                                   band=math.nan, rigorous=False, decided=False, reason=reason,
                                   nu=solution.nu_star, lower_bound=solution.lower_bound, polish_rounds=0)
    return OptimalPolytope(status=status, reason=reason, p_star=solution.p_star, directions=np.zeros((0, p)),
                           signs=np.zeros(0), groups=(), A=np.zeros((n, 0)), y_star=solution.y_star, c_bar=np.zeros(0),
                           rank=0, vertices=(), edges=(), m_star=None, M_star=None, support_counts={},
                           tightness=tight, tightness_margin=tight.margin, vertex_margin=math.nan, X=solution.X,
                           y=solution.y, beta=solution.beta, bias=solution.bias, interpolate=solution.interpolate,
                           certified=False, stats={})


def _interpolation_point(A, y):
    """``argmin 1ᵀc`` s.t. ``A c = y``, ``c ≥ 0`` (HiGHS dual simplex: a basic point, i.e. a vertex)."""
    from scipy.optimize import linprog

    res = linprog(np.ones(A.shape[1]), A_eq=A, b_eq=y, bounds=(0, None), method="highs-ds")
    return np.maximum(res.x, 0.0) if res.status == 0 else None


def optimal_polytope(solution: ConvexSolution, *, tol: Tolerances = DEFAULT_TOLERANCES, max_vertices: int = 10**5,
                     polish_rounds: int = 3) -> OptimalPolytope:
    """The optimal polytope ``Q`` of a convex solution, with vertices, edges, ``m*`` and ``M*`` (docs/theory.md §D).

    Parameters
    ----------
    solution : ConvexSolution
        From :func:`geom.solve_convex` (it carries its data and pattern pool).
    tol : Tolerances
        ``tight``, ``dedup``, ``rank``, ``vertex`` and their safety factor ``separation`` (see
        :class:`~geom.tolerances.Tolerances`).
    max_vertices : int
        Refuse (:class:`~geom.exceptions.ProblemTooLargeError`) polytopes with more vertices.
    polish_rounds : int
        Polishing rounds of ``ν*`` when the tight cluster is not isolated (docs/theory.md §C.4).

    Returns
    -------
    OptimalPolytope
        ``status`` says how far to trust it (module docstring).
    """
    func = "optimal_polytope"
    if not isinstance(solution, ConvexSolution):
        raise InvalidInputTypeError(message("solution", func, "a geom.ConvexSolution", type(solution).__name__))
    if not isinstance(tol, Tolerances):
        raise InvalidInputTypeError(message("tol", func, "a geom.tolerances.Tolerances", type(tol).__name__))
    if not isinstance(max_vertices, (int, np.integer)) or max_vertices < 1:
        raise InvalidInputError(message("max_vertices", func, "a positive integer", repr(max_vertices)))
    if solution.X is None or solution.pool is None:
        raise InvalidInputError(message("solution", func, "a ConvexSolution from solve_convex (with its data)",
                                        "a solution without data"))
    if solution.loss != "squared":
        return _empty(solution, "not applicable", f"the polytope is built for the squared loss (strictly convex, "
                      f"with a strongly concave dual); the solution uses the {solution.loss!r} loss")
    Xa = augment(solution.X, solution.bias)
    tight = decide_tightness(solution, Xa, tol, polish_rounds=polish_rounds)
    P = _build(solution, Xa, tight, tol, max_vertices)
    if P.status == "inconclusive" and solution.certified and tight.rigorous and polish_rounds > 0 \
            and tight.polish_rounds == 0:
        # a decision downstream of tightness (dedup, rank, vertices) was ambiguous: the directions may be too
        # coarse; polish ν* (docs/theory.md §C.4) and rebuild once, keeping the better-decided result
        polished = decide_tightness(solution, Xa, tol, polish_rounds=polish_rounds, force=True)
        if polished.polish_rounds > 0 and polished.decided:
            again = _build(solution, Xa, polished, tol, max_vertices)
            if again.status == "certified":
                return again
    return P


def _build(solution, Xa, tight, tol, max_vertices):
    """The polytope from a tightness decision (steps 2–3 of the module docstring)."""
    beta = 1.0 if solution.interpolate else solution.beta
    reasons = []
    if not solution.certified:
        reasons.append(f"the convex solution is not certified (status {solution.status!r})")
    if not tight.rigorous:
        reasons.append("tightness was decided by the band test only (no proved radius in the interpolation limit)")
    if not tight.decided:
        reasons.append(tight.reason)
    dirs, signs, groups, dedup_issue = columns_from_pairs(Xa, tight.pairs, tight.directions, tol)
    if dedup_issue:
        reasons.append(dedup_issue)
    if not len(dirs):
        if not reasons and tight.decided:
            # no tight direction, proved: the zero network is the unique optimum, Q = {()} (one vertex, m* = 0)
            zero = _empty(solution, "certified", "", tight)
            return replace(zero, vertices=(Vertex(support=(), coefficients=np.zeros(0)),), m_star=0, M_star=0,
                           support_counts={0: 1}, certified=True, y_star=np.zeros(len(solution.y)))
        return _empty(solution, "inconclusive", "; ".join(reasons) or "no tight direction", tight)
    A = fit_columns(Xa, dirs, signs)
    y = solution.y
    c_bar = _interpolation_point(A, y) if solution.interpolate else nonnegative_lasso(A, y, beta)
    if c_bar is None:
        return _empty(solution, "inconclusive", "; ".join(reasons + ["the tight columns cannot fit y exactly"]),
                      tight)
    value = (float(np.sum(c_bar)) if solution.interpolate
             else 0.5 * float(np.sum((A @ c_bar - y) ** 2)) + beta * float(np.sum(c_bar)))
    value_err = abs(value - solution.p_star) / max(1.0, abs(solution.p_star))
    if not (value_err <= max(tol.gap, 10.0 * solution.rel_gap)):
        reasons.append(f"the tight columns reproduce p* only to {value_err:.3g} (relative)")
    rank, rank_gap = numerical_rank(A, tol)
    if not (rank_gap >= tol.separation):
        reasons.append(f"ambiguous rank of A: singular value ratio {rank_gap:.3g} at the cut")
    vertex0, _ = prune_to_vertex(A, c_bar, tol)
    if not tight.decided:
        # the columns themselves are in doubt: enumerating the vertices of a polytope over them would present
        # numbers as facts (and a grey zone of near-tight columns can make Q huge); report the columns only
        vs = VertexSet((), (), math.nan, "", 0, "skipped (tightness undecided)")
    else:
        vs = exact_vertices(A, vertex0, tol, rank=rank, max_vertices=max_vertices)
    if vs.ambiguous:
        reasons.append(vs.ambiguous)
    sizes = [len(v.support) for v in vs.vertices]
    counts = {}
    for s in sizes:
        counts[s] = counts.get(s, 0) + 1
    certified = not reasons
    stats = {"solution_certified": bool(solution.certified), "lower_bound": float(solution.lower_bound),
             "tight_patterns": int(len(tight.pairs)), "columns": int(A.shape[1]), "raw_vertices": vs.raw_vertices,
             "vertex_method": vs.method, "value_check": value_err, "rank_gap": rank_gap,
             "polish_rounds": tight.polish_rounds}
    return OptimalPolytope(status="certified" if certified else "inconclusive", reason="; ".join(reasons),
                           p_star=value, directions=dirs, signs=signs, groups=groups, A=A, y_star=A @ vertex0,
                           c_bar=c_bar, rank=rank, vertices=vs.vertices, edges=vs.edges,
                           m_star=min(sizes) if sizes else None, M_star=max(sizes) if sizes else None,
                           support_counts=counts, tightness=tight, tightness_margin=tight.margin,
                           vertex_margin=vs.margin, X=solution.X, y=y, beta=solution.beta, bias=solution.bias,
                           interpolate=solution.interpolate, certified=certified, stats=stats)
