"""Cardinality-constrained connectivity of the optimal set: ``G_m``, the reduced count, the lifted brute force and
the five staircase statements (docs/theory.md §E; Kim et al. 2025, Thm 2).

* ``G_m`` (networkx): vertices of ``Q`` with ``|supp| ≤ m``, joined by the edges of ``Q`` whose union support
  has size ``≤ m`` (:func:`connectivity_graph`).  Its components are those of ``Q_m = 𝒫*_m`` (convex side).
* **Reduced count** (docs/theory.md §E.3): with ``N_m`` vertices of support exactly ``m`` and ``G_m^<`` the
  subgraph on the vertices of smaller support, ``Θ*_m`` has ``m!·N_m + #comp(G_m^<)`` components, of which
  ``m!·N_m`` are isolated points (exact Python integers: ``m!`` grows fast) (:func:`component_counts`).
* **Lifted brute force** (:func:`lifted_counts`): the graph on (vertex, injective placement of its support into
  the ``m`` slots), with a move of one column into a free slot and the ``Q``-edges realized with shared
  columns in shared slots; components by union-find.  Used as the cross-check for small ``m``.
* :func:`staircase` evaluates, for every ``m`` from ``m*`` to ``n + 2``, the counts and the five statements of
  §E.2, each a verdict with the figures that decide it, and builds and checks the promised paths
  (:mod:`.paths`).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

import networkx as nx

from .._validation import message
from ..exceptions import InvalidInputError, InvalidInputTypeError
from ..tolerances import DEFAULT_TOLERANCES, Tolerances
from .paths import connecting_path, permutation_path, split_path

__all__ = ["connectivity_graph", "component_counts", "lifted_counts", "StaircaseStep", "Claim", "Staircase",
           "staircase", "CLAIMS"]

#: The five statements of docs/theory.md §E.2 and the exact criterion of §E.3, by key.
CLAIMS = {
    "finite_at_m_star": "m = m*: Θ*_m is a finite set of isolated points, m*!·N_{m*} of them",
    "path_above_m_star": "m ≥ m* + 1: a continuous path joins two distinct optimal nets",
    "isolated_at_M_star": "m = M*: Θ*_m has an isolated point",
    "no_isolated_above_M_star": "m ≥ M* + 1: no isolated point; every optimal net is joined to its permutations",
    "connected_above": "m ≥ min(M* + m*, n + 1): Θ*_m is connected",
    "reduced_equals_lifted": "the reduced count m!·N_m + #comp(G_m^<) equals the lifted-graph brute force",
}

#: The lifted brute force runs only while it has at most this many nodes.
LIFTED_MAX_NODES = 20000


def _sizes(P):
    return [len(v.support) for v in P.vertices]


def connectivity_graph(P, m: int, *, strict: bool = False) -> nx.Graph:
    """``G_m`` (or ``G_m^<`` with ``strict=True``): docs/theory.md §E.3, Lemma 2.

    >>> import numpy as np, geom
    >>> X = np.array([[1.0, 0.0], [-0.5, np.sqrt(3) / 2]])       # docs/theory.md §I, I2
    >>> P = geom.optimal_polytope(geom.solve_convex(X, np.array([1.0, 1.0]), 0.5))
    >>> [nx.number_connected_components(connectivity_graph(P, m)) for m in (1, 2, 3)]
    [1, 2, 1]
    """
    G = nx.Graph()
    keep = [i for i, s in enumerate(_sizes(P)) if (s < m if strict else s <= m)]
    G.add_nodes_from(keep)
    ok = set(keep)
    for i, j in P.edges:
        if i in ok and j in ok and len(set(P.vertices[i].support) | set(P.vertices[j].support)) <= m:
            G.add_edge(i, j)
    return G


def component_counts(P, m: int) -> tuple[int, int]:
    """``(components, isolated points)`` of ``Θ*_m`` by the reduced count (docs/theory.md §E.3), ``m ≥ m*``.

    >>> import numpy as np, geom
    >>> X = np.array([[1.0, 0.0], [-0.5, np.sqrt(3) / 2]])       # I2: Θ*₂ has 3 components, 2 isolated
    >>> P = geom.optimal_polytope(geom.solve_convex(X, np.array([1.0, 1.0]), 0.5))
    >>> component_counts(P, 2)
    (3, 2)
    """
    N_m = sum(1 for s in _sizes(P) if s == m)
    isolated = math.factorial(m) * N_m
    return isolated + nx.number_connected_components(connectivity_graph(P, m, strict=True)), isolated


def lifted_counts(P, m: int, *, max_nodes: int = LIFTED_MAX_NODES) -> tuple[int, int] | None:
    """``(components, isolated points)`` of ``Θ*_m`` from the lifted graph (docs/theory.md §E.3); ``None`` when
    it would have more than ``max_nodes`` nodes.

    Nodes: (vertex ``v``, injective placement of ``supp v`` into ``m`` slots).  Edges: (a) the same vertex with
    one column moved into a free slot; (b) a ``Q``-edge ``[v, w]`` with ``|supp v ∪ supp w| ≤ m``, the shared
    columns in the same slots and ``w``'s other columns in slots free in ``v``'s placement.
    """
    sizes = _sizes(P)
    total = sum(math.perm(m, s) for s in sizes if s <= m)
    if total > max_nodes:
        return None
    nodes = {}
    for i, v in enumerate(P.vertices):
        if len(v.support) > m:
            continue
        for pl in itertools.permutations(range(m), len(v.support)):
            nodes[(i, tuple(zip(v.support, pl)))] = len(nodes)
    parent = list(range(len(nodes)))
    degree = [0] * len(nodes)

    def find(a):
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    def join(a, b):
        degree[a] += 1
        degree[b] += 1
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[rb] = ra

    for (i, place), a in nodes.items():
        used = {s for _, s in place}
        free = [s for s in range(m) if s not in used]
        for idx, (k, _slot) in enumerate(place):  # (a) one column into a free slot
            for f in free:
                new = tuple(sorted(place[:idx] + ((k, f),) + place[idx + 1:]))
                b = nodes[(i, new)]
                if a < b:
                    join(a, b)
    for i, j in P.edges:  # (b) Q-edges realized in the slots
        S, T = P.vertices[i].support, P.vertices[j].support
        if len(set(S) | set(T)) > m:
            continue
        for (ii, place), a in list(nodes.items()):
            if ii != i:
                continue
            slot_of = dict(place)
            used = set(slot_of.values())
            free = [s for s in range(m) if s not in used]
            new_cols = [k for k in T if k not in slot_of]
            for pl in itertools.permutations(free, len(new_cols)):
                full = {k: slot_of[k] for k in T if k in slot_of}
                full.update(zip(new_cols, pl))
                b = nodes[(j, tuple((k, full[k]) for k in T))]
                join(a, b)
    comps = len({find(a) for a in range(len(nodes))})
    isolated = sum(1 for a in range(len(nodes)) if degree[a] == 0)
    return comps, isolated


@dataclass(frozen=True)
class StaircaseStep:
    """The counts of ``Θ*_m`` at one width ``m``."""

    m: int
    components: int
    isolated: int
    connected: bool
    N_m: int
    below_components: int
    convex_components: int
    lifted: tuple | None

    def to_dict(self) -> dict:
        return {"m": self.m, "components": self.components, "isolated": self.isolated, "connected": self.connected,
                "N_m": self.N_m, "below_components": self.below_components,
                "convex_components": self.convex_components,
                "lifted": None if self.lifted is None else {"components": self.lifted[0], "isolated": self.lifted[1]}}


@dataclass(frozen=True)
class Claim:
    """One staircase statement at one width: a verdict, the figures that decided it, and its kind (``"theorem"``:
    decided by an independent computation — the lifted graph, a constructed and evaluated path; ``"consistency"``:
    by the reduced count alone, where the statement holds by construction of the formula)."""

    key: str
    m: int
    verdict: str
    figures: dict
    statement: str
    kind: str = "theorem"

    def to_dict(self) -> dict:
        return {"key": self.key, "m": self.m, "statement": self.statement, "verdict": self.verdict,
                "figures": self.figures, "kind": self.kind}


@dataclass(frozen=True)
class Staircase:
    """Counts and staircase claims for ``m`` from ``m*`` to ``m_max`` (default ``n + 2``).

    ``status`` is the polytope's (``certified``: the verdicts are proofs up to the named tolerances;
    ``inconclusive``: every claim is ``inconclusive``; ``not applicable``: likewise ``not applicable``).
    """

    status: str
    reason: str
    m_star: int | None
    M_star: int | None
    n: int
    steps: tuple = field(repr=False)
    claims: tuple = field(repr=False)
    paths: dict = field(repr=False)

    def verdicts(self) -> dict:
        """``{key: overall verdict}``: ``violated`` if any width violates, else ``inconclusive`` if any, else
        ``holds``; ``not applicable`` when the key never applied."""
        out = {}
        if not self.claims:  # nothing was checked: inconclusive data, or a theorem that does not apply
            fill = "inconclusive" if self.status == "inconclusive" else "not applicable"
            return {key: fill for key in CLAIMS}
        for key in CLAIMS:
            vs = [c.verdict for c in self.claims if c.key == key]
            if not vs:
                out[key] = "not applicable"
            elif "violated" in vs:
                out[key] = "violated"
            elif "inconclusive" in vs:
                out[key] = "inconclusive"
            elif all(v == "not applicable" for v in vs):
                out[key] = "not applicable"
            else:
                out[key] = "holds"
        return out

    def to_dict(self) -> dict:
        return {"status": self.status, "reason": self.reason, "m_star": self.m_star, "M_star": self.M_star,
                "n": self.n, "staircase": [s.to_dict() for s in self.steps],
                "claims": [c.to_dict() for c in self.claims], "verdicts": self.verdicts(),
                "paths": {k: p.to_dict() for k, p in self.paths.items()}}

    def _repr_html_(self) -> str:
        from ..display import staircase_html
        return staircase_html(self)


def _verdict(ok: bool, certified: bool) -> str:
    if not certified:
        return "inconclusive"
    return "holds" if ok else "violated"


def staircase(P, *, m_max: int | None = None, paths: bool = True, lifted_max_nodes: int = LIFTED_MAX_NODES,
              samples: int = 16, tol: Tolerances = DEFAULT_TOLERANCES) -> Staircase:
    """The staircase of connectivity of an :class:`~geom.OptimalPolytope` (docs/theory.md §E.2–E.3).

    Parameters
    ----------
    P : OptimalPolytope
    m_max : int, optional
        Largest width (default ``n + 2``); must be ``≥ m*``.
    paths : bool
        Build and check the paths of statements 2, 4 and 5 (once per statement, at its smallest width).
    lifted_max_nodes : int
        Run the lifted brute force where it has at most this many nodes.
    samples : int
        Points per straight segment of each path.

    Returns
    -------
    Staircase

    Examples
    --------
    >>> import numpy as np, geom
    >>> X = np.array([[1.0, 0.0], [-0.5, np.sqrt(3) / 2]])       # docs/theory.md §I, I2
    >>> S = staircase(geom.optimal_polytope(geom.solve_convex(X, np.array([1.0, 1.0]), 0.5)))
    >>> [(s.m, s.components, s.isolated) for s in S.steps]
    [(1, 1, 1), (2, 3, 2), (3, 1, 0), (4, 1, 0)]
    >>> sorted(set(S.verdicts().values()))
    ['holds']
    """
    from ..polytope import OptimalPolytope

    func = "staircase"
    if not isinstance(P, OptimalPolytope):
        raise InvalidInputTypeError(message("P", func, "a geom.OptimalPolytope", type(P).__name__))
    n = P.n
    if P.status == "not applicable" or P.m_star is None:
        status = P.status if P.status == "not applicable" else "inconclusive"
        return Staircase(status=status, reason=P.reason or "no vertex", m_star=None, M_star=None, n=n, steps=(),
                         claims=(), paths={})
    if P.m_star == 0:
        return Staircase(status="not applicable", reason="the optimum is the zero network (y* = 0): the staircase "
                         "theorem concerns a nonzero optimal fit", m_star=0, M_star=0, n=n, steps=(), claims=(),
                         paths={})
    m_lo = P.m_star
    m_hi = n + 2 if m_max is None else m_max
    if not isinstance(m_hi, (int,)) or isinstance(m_hi, bool) or m_hi < m_lo:
        raise InvalidInputError(message("m_max", func, f"an integer ≥ m* = {m_lo}", repr(m_max)))
    cert = P.certified
    ms, Ms = P.m_star, P.M_star
    steps, claims = [], []
    for m in range(m_lo, m_hi + 1):
        comps, iso = component_counts(P, m)
        N_m = sum(1 for s in _sizes(P) if s == m)
        below = comps - iso
        convex = nx.number_connected_components(connectivity_graph(P, m))
        lifted = lifted_counts(P, m, max_nodes=lifted_max_nodes)
        steps.append(StaircaseStep(m=m, components=comps, isolated=iso, connected=comps == 1, N_m=N_m,
                                   below_components=below, convex_components=convex, lifted=lifted))
        # the count statements are decided on the lifted graph (an independent brute force) where it ran — a
        # theorem check; on the reduced count alone they hold by construction of the formula (m!·N_m isolated
        # points, N_m = 0 beyond M*): a consistency check
        c_dec, i_dec = lifted if lifted is not None else (comps, iso)
        kind = "theorem" if lifted is not None else "consistency"
        fig = {"components": comps, "isolated": iso, "N_m": N_m, "m_star": ms, "M_star": Ms,
               "decided_on": "lifted graph" if lifted is not None else "reduced count"}
        if m == ms:
            claims.append(Claim("finite_at_m_star", m,
                                _verdict(c_dec == i_dec == math.factorial(ms) * N_m, cert),
                                {**fig, "m_factorial_N": math.factorial(ms) * N_m}, CLAIMS["finite_at_m_star"], kind))
        if m == Ms:
            claims.append(Claim("isolated_at_M_star", m, _verdict(i_dec > 0, cert), fig, CLAIMS["isolated_at_M_star"],
                                kind))
        if m >= Ms + 1:
            claims.append(Claim("no_isolated_above_M_star", m, _verdict(i_dec == 0, cert), fig,
                                CLAIMS["no_isolated_above_M_star"], kind))
        if m >= min(Ms + ms, n + 1):
            claims.append(Claim("connected_above", m, _verdict(c_dec == 1, cert),
                                {**fig, "threshold": min(Ms + ms, n + 1)}, CLAIMS["connected_above"], kind))
        if lifted is not None:
            claims.append(Claim("reduced_equals_lifted", m, _verdict(lifted == (comps, iso), cert),
                                {"reduced": [comps, iso], "lifted": list(lifted)}, CLAIMS["reduced_equals_lifted"]))
    built = {}
    if not paths:
        for key, m in (("path_above_m_star", ms + 1), ("no_isolated_above_M_star", Ms + 1),
                       ("connected_above", min(Ms + ms, n + 1))):
            if m <= m_hi:
                claims.append(Claim(key, m, "inconclusive", {"kind": "path", "reason": "paths were not built"},
                                    CLAIMS[key]))
    else:
        builders = (("path_above_m_star", ms + 1, split_path), ("no_isolated_above_M_star", Ms + 1, permutation_path),
                    ("connected_above", min(Ms + ms, n + 1), connecting_path))
        for key, m, build in builders:
            if m > m_hi:
                continue
            path = build(P, m, samples=samples, tol=tol)
            built[key] = path
            claims.append(Claim(key, m, path.verdict if cert else "inconclusive",
                                {**path.to_dict(), "kind": "path"}, CLAIMS[key]))
    claims.sort(key=lambda c: (list(CLAIMS).index(c.key), c.m))
    return Staircase(status="certified" if cert else "inconclusive", reason=P.reason, m_star=ms, M_star=Ms, n=n,
                     steps=tuple(steps), claims=tuple(claims), paths=built)
