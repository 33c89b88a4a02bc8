"""Continuous paths of optimal networks inside ``Θ*_m`` (docs/theory.md §E.2–E.3, §A.5).

Optimal nets of width ``m`` are handled in *slot form* (docs/theory.md §E.3): ``w ∈ R^{m×K}_{≥0}`` with at most
one nonzero per slot (row) and ``Σ_{j,k} w_{jk} a_k = y*``, mapped to a network by
``θ_j = (√w_{jk} ū_k, σ_k √w_{jk})``.  Every such ``w`` is optimal (fit ``y*``, penalty ``β Σ w = ν*ᵀy*``), and
``w ↦ θ`` is continuous, so a straight segment between two slot forms whose union still has at most one
column per slot is a path in ``Θ*_m``.  Every path below is a chain of such segments:

* **transfer** — move slot ``j``'s mass to an empty slot (or one carrying the same column): splitting, §A.5;
* **Q-segment** — move along a segment of ``Q`` with the columns held in fixed slots (pruning, edges of ``Q``);
* **permutation** — a sequence of transfers through a free slot (a buffer).

A :class:`OptimalPath` is sampled densely and *checked*: the objective ``L_β`` of every sampled network is
evaluated from scratch (not from the slot form) and compared with ``p*``; widths never exceed ``m``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .._validation import message
from ..duality import network_objective
from ..exceptions import InvalidInputError
from ..nets import Net, augment
from ..polytope.vertices import prune_to_vertex
from ..tolerances import DEFAULT_TOLERANCES, Tolerances

__all__ = ["OptimalPath", "slots_from_net", "net_from_slots", "split_path", "permutation_path",
           "connecting_path", "vertex_slots"]

#: Relative distance between a neuron's direction and a tight direction under which they are the same column
#: when a network is read into slot form (a looser cousin of ``Tolerances.dedup``: user networks are trained,
#: not polished).
MATCH_TOL = 1e-6


@dataclass(frozen=True)
class OptimalPath:
    """A sampled continuous path of width-``m`` networks and its check.

    Attributes
    ----------
    U : ndarray (T, m, p)
    alpha : ndarray (T, m)
        The sampled networks (``T`` points; consecutive points on a straight segment in slot form).
    objective : ndarray (T,)
        ``L_β`` of each sampled network (the penalty alone in the interpolation limit), evaluated from scratch.
    max_deviation : float
        ``max_t |objective − p*| / max(1, |p*|)``.
    width : int
    segments : int
    verdict : str
        ``"holds"`` (every point within ``tol.path`` of ``p*``; in the interpolation limit also an exact fit),
        ``"violated"``, or ``"inconclusive"`` (built on an uncertified polytope).
    description : str
    """

    U: np.ndarray = field(repr=False)
    alpha: np.ndarray = field(repr=False)
    objective: np.ndarray = field(repr=False)
    max_deviation: float
    width: int
    segments: int
    verdict: str
    description: str
    bias: bool = False

    def nets(self) -> list[Net]:
        """The sampled networks."""
        return [Net(U, a, bias=self.bias) for U, a in zip(self.U, self.alpha)]

    def to_dict(self) -> dict:
        return {"description": self.description, "points": int(len(self.objective)), "segments": self.segments,
                "width": self.width,
                "max_deviation": float(self.max_deviation) if math.isfinite(self.max_deviation) else None,
                "verdict": self.verdict}


def net_from_slots(P, w) -> Net:
    """The network ``θ_j = (√w_{jk} ū_k, σ_k √w_{jk})`` of a slot form ``w`` (zero neuron for an empty slot)."""
    w = np.asarray(w, float)
    col = np.argmax(w, axis=1)
    mass = w[np.arange(len(w)), col]
    r = np.sqrt(np.maximum(mass, 0.0))
    return Net(P.directions[col] * r[:, None], P.signs[col] * r, bias=P.bias)


def slots_from_net(P, net: Net, *, match_tol: float = MATCH_TOL, zero_tol: float = 0.0) -> np.ndarray:
    """The slot form of an optimal network (inverse of :func:`net_from_slots`).

    Each nonzero neuron ``(u, α)`` must be scaled (``‖u‖ = |α|``) and point along a tight direction of its sign
    (both within ``match_tol``, default :data:`MATCH_TOL`); it then carries ``w = |α|‖u‖`` of that column.  A
    neuron with ``|α|‖u‖ ≤ zero_tol`` times the largest is an empty slot (trained nets: decayed dead neurons).
    Raises :class:`~geom.exceptions.InvalidInputError` otherwise (the network is not in ``Θ*``, or not of this
    polytope).
    """
    if not isinstance(net, Net) or net.U.shape[1] != P.directions.shape[1]:
        raise InvalidInputError(message("net", "slots_from_net", f"a geom.Net with {P.directions.shape[1]} input "
                                        "weights per neuron (bias included)", repr(net)))
    w = np.zeros((net.width, P.K))
    mass = np.linalg.norm(net.U, axis=1) * np.abs(net.alpha)
    floor = zero_tol * float(mass.max(initial=0.0))
    for j, (u, a) in enumerate(zip(net.U, net.alpha)):
        nu_, na = float(np.linalg.norm(u)), abs(float(a))
        if (nu_ == 0 and na == 0) or nu_ * na <= floor:
            continue
        if not (abs(nu_ - na) <= match_tol * max(nu_, na)):
            raise InvalidInputError(message("net", "slots_from_net", "an optimal (hence scaled) network",
                                            f"neuron {j} with ‖u‖ = {nu_:.6g} ≠ |α| = {na:.6g}"))
        d = u / nu_
        dist = np.linalg.norm(P.directions - d[None, :], axis=1) + np.where(P.signs == np.sign(a), 0.0, np.inf)
        k = int(np.argmin(dist)) if P.K else -1
        if k < 0 or not (dist[k] <= match_tol):
            raise InvalidInputError(message("net", "slots_from_net", "neurons along tight directions of ν*",
                                            f"neuron {j} at distance {float(dist.min(initial=np.inf)):.3g} from "
                                            "every tight direction of its sign"))
        w[j, k] = nu_ * na
    return w


def vertex_slots(P, i: int, m: int, slots=None) -> np.ndarray:
    """Slot form of vertex ``i`` placed in ``slots`` (default: the first ``|supp|`` slots)."""
    v = P.vertices[i]
    slots = list(range(len(v.support))) if slots is None else list(slots)
    w = np.zeros((m, P.K))
    for s, k in zip(slots, v.support):
        w[s, k] = v.coefficients[k]
    return w


# ---- moves (each returns the list of waypoints after the current one) --------------------------------------------

def _column_of(w):
    """``{slot: column}`` of the nonempty slots."""
    return {int(j): int(np.argmax(w[j])) for j in np.flatnonzero(w.max(axis=1) > 0)}


def _merge_same_columns(w):
    """Transfers that leave each column in one slot (its lowest)."""
    out, w = [], w.copy()
    cols = _column_of(w)
    first = {}
    for j in sorted(cols):
        k = cols[j]
        if k in first:
            w[first[k], k] += w[j, k]
            w[j, k] = 0.0
            out.append(w.copy())
        else:
            first[k] = j
    return out


def _prune(P, w, tol):
    """Q-segments from a canonical slot form to a vertex (pruning with fixed slots)."""
    cols = _column_of(w)
    slot_of = {k: j for j, k in cols.items()}
    c = w.sum(axis=0)
    _, path = prune_to_vertex(P.A, c, tol)
    out = []
    for cp in path[1:]:
        wn = np.zeros_like(w)
        for k, j in slot_of.items():
            wn[j, k] = cp[k]
        out.append(wn)
    return out


def _permute(w, target):
    """Transfers moving column ``k`` to slot ``target[k]`` through free slots (docs/theory.md §E.3)."""
    out, w = [], w.copy()
    m = len(w)
    for _ in range(3 * m + 3):
        cols = _column_of(w)
        pending = {j: k for j, k in cols.items() if target[k] != j}
        if not pending:
            return out
        occupied = set(cols)
        direct = [(j, k) for j, k in pending.items() if target[k] not in occupied]
        if direct:
            j, k = direct[0]
            dest = target[k]
        else:
            free = [s for s in range(m) if s not in occupied]
            if not free:
                raise InvalidInputError("permutation_path: no free slot to use as a buffer (width m must exceed "
                                        "the support)")
            j, k = next(iter(pending.items()))
            dest = free[0]
        w[dest, k], w[j, k] = w[j, k], 0.0
        out.append(w.copy())
    raise RuntimeError("permutation did not terminate")  # pragma: no cover


def _to_vertex(P, w, tol):
    """Waypoints from ``w`` to a vertex slot form (merge, prune) and that vertex's index."""
    pts = _merge_same_columns(w)
    cur = pts[-1] if pts else w
    pts += _prune(P, cur, tol)
    end = pts[-1] if pts else w
    S = tuple(int(k) for k in np.flatnonzero(end.sum(axis=0) > 0))
    idx = next((i for i, v in enumerate(P.vertices) if v.support == S), None)
    if idx is None:
        raise InvalidInputError("the pruned network does not reach a vertex of the polytope (inconclusive data)")
    return pts, idx


def _segment_to(w, P, i):
    """A Q-segment from a vertex slot form ``w`` to vertex ``i``: shared columns stay, new ones take free slots."""
    cols = _column_of(w)
    slot_of = {k: j for j, k in cols.items()}
    v = P.vertices[i]
    free = [s for s in range(len(w)) if s not in cols]
    wn = np.zeros_like(w)
    for k in v.support:
        if k not in slot_of:
            if not free:
                raise InvalidInputError("connecting_path: the segment needs more slots than the width m")
            slot_of[k] = free.pop(0)
        wn[slot_of[k], k] = v.coefficients[k]
    return wn


# ---- sampling and checking -----------------------------------------------------------------------------------

def _sample(P, waypoints, samples, description, certified, tol):
    Us, As = [], []
    for a, b in zip(waypoints[:-1], waypoints[1:]):
        for t in np.linspace(0.0, 1.0, samples, endpoint=False):
            net = net_from_slots(P, (1.0 - t) * a + t * b)
            Us.append(net.U)
            As.append(net.alpha)
    last = net_from_slots(P, waypoints[-1])
    Us.append(last.U)
    As.append(last.alpha)
    U, alpha = np.array(Us), np.array(As)
    Xa = augment(P.X, P.bias)
    obj = np.empty(len(U))
    fit_err = 0.0
    for t in range(len(U)):
        net = Net(U[t], alpha[t], bias=P.bias)
        if P.interpolate:
            obj[t] = 0.5 * float(np.sum(U[t] ** 2) + np.sum(alpha[t] ** 2))
            fit = np.maximum(Xa @ U[t].T, 0.0) @ alpha[t]
            fit_err = max(fit_err, float(np.max(np.abs(fit - P.y))) / max(1.0, float(np.max(np.abs(P.y)))))
        else:
            obj[t] = network_objective(net, P.X, P.y, P.beta)
    dev = float(np.max(np.abs(obj - P.p_star))) / max(1.0, abs(P.p_star)) if len(obj) else math.nan
    ok = dev <= tol.path and (not P.interpolate or fit_err <= math.sqrt(tol.path))
    if not (certified and math.isfinite(dev) and math.isfinite(fit_err)):
        verdict = "inconclusive"  # built on an uncertified polytope, or a sampled objective overflowed
    else:
        verdict = "holds" if ok else "violated"
    return OptimalPath(U=U, alpha=alpha, objective=obj, max_deviation=dev, width=int(U.shape[1]),
                       segments=len(waypoints) - 1, verdict=verdict, description=description, bias=P.bias)


def _check_width(P, m, need, func):
    if not isinstance(m, (int, np.integer)) or isinstance(m, bool):
        raise InvalidInputError(message("m", func, "an integer", repr(m)))
    if P.m_star is None:
        raise InvalidInputError(message("polytope", func, "a polytope with vertices", "an empty polytope"))
    if m < need:
        raise InvalidInputError(message("m", func, f"an integer ≥ {need}", str(m)))


def split_path(P, m: int, *, samples: int = 16, tol: Tolerances = DEFAULT_TOLERANCES) -> OptimalPath:
    """A path in ``Θ*_m`` between two distinct optimal nets, ``m ≥ m* + 1`` (docs/theory.md §E.2 (2)).

    From ψ of a minimum-support vertex in the first ``m*`` slots, half of the first neuron's mass moves into a
    free slot (splitting): every point is optimal and the end differs from the start.
    """
    _check_width(P, m, P.m_star + 1, "split_path")
    i = next(i for i, v in enumerate(P.vertices) if len(v.support) == P.m_star)
    w0 = vertex_slots(P, i, m)
    k = P.vertices[i].support[0]
    w1 = w0.copy()
    w1[P.m_star, k] = w1[0, k] / 2.0
    w1[0, k] /= 2.0
    return _sample(P, [w0, w1], samples, f"split of vertex {i}'s first neuron into slot {P.m_star}",
                   P.certified, tol)


def permutation_path(P, m: int, net: Net | None = None, perm=None, *, samples: int = 16,
                     tol: Tolerances = DEFAULT_TOLERANCES) -> OptimalPath:
    """A path in ``Θ*_m`` from an optimal net to a permutation of it, ``m ≥ M* + 1`` (docs/theory.md §E.2 (4)).

    The net (default: ψ of a maximum-support vertex) is merged and pruned to a vertex, its columns are permuted
    through a free slot, and the pruning is undone in the permuted slots.  ``perm`` (default: the cyclic shift
    ``j ↦ j + 1 mod m``) maps slot ``j`` of the start to slot ``perm[j]`` of the end.
    """
    _check_width(P, m, P.M_star + 1, "permutation_path")
    if net is None:
        i = next(i for i, v in enumerate(P.vertices) if len(v.support) == P.M_star)
        w_start = vertex_slots(P, i, m)
    else:
        w_start = slots_from_net(P, net)
        if len(w_start) != m:
            raise InvalidInputError(message("net", "permutation_path", f"a network of width m = {m}",
                                            f"width {len(w_start)}"))
    perm = np.roll(np.arange(m), 1) if perm is None else np.asarray(perm, int)
    if sorted(perm.tolist()) != list(range(m)):
        raise InvalidInputError(message("perm", "permutation_path", f"a permutation of range({m})", repr(perm)))
    down, _ = _to_vertex(P, w_start, tol)
    w_v = down[-1] if down else w_start
    w_end = np.zeros_like(w_start)
    w_end[perm] = w_start
    back, _ = _to_vertex(P, w_end, tol)
    v_end = back[-1] if back else w_end
    target = {k: j for j, k in _column_of(v_end).items()}
    mid = _permute(w_v, target)
    pts = [w_start] + down + mid + back[::-1][1:] + [w_end]
    return _sample(P, _dedupe(pts), samples, f"permutation {perm.tolist()} of a width-{m} optimal net",
                   P.certified, tol)


def connecting_path(P, m: int, net_a: Net | None = None, net_b: Net | None = None, *, samples: int = 16,
                    tol: Tolerances = DEFAULT_TOLERANCES) -> OptimalPath:
    """A path in ``Θ*_m`` between two optimal nets, ``m ≥ min(M* + m*, n + 1)`` (docs/theory.md §E.2 (5)).

    Each net is merged and pruned to a vertex; the two vertices are joined through a minimum-support vertex
    (``m ≥ M* + m*``) or along the edges of ``Q`` (``m ≥ n + 1``: every edge has support ``≤ rank + 1``); the
    slots are permuted through a free slot; the second net's pruning is undone.  Defaults: ψ of the first and of
    the last vertex, the latter placed in the *last* slots.
    """
    need = min(P.M_star + P.m_star, P.n + 1)
    _check_width(P, m, need, "connecting_path")
    if net_a is None:
        w_a = vertex_slots(P, 0, m)
    else:
        w_a = slots_from_net(P, net_a)
    if net_b is None:
        last = len(P.vertices) - 1
        s = len(P.vertices[last].support)
        w_b = vertex_slots(P, last, m, slots=range(m - s, m))
    else:
        w_b = slots_from_net(P, net_b)
    for name, w in (("net_a", w_a), ("net_b", w_b)):
        if len(w) != m:
            raise InvalidInputError(message(name, "connecting_path", f"a network of width m = {m}",
                                            f"width {len(w)}"))
    down_a, ia = _to_vertex(P, w_a, tol)
    down_b, ib = _to_vertex(P, w_b, tol)
    cur = down_a[-1] if down_a else w_a
    mid = []
    if m >= P.M_star + P.m_star:
        i0 = next(i for i, v in enumerate(P.vertices) if len(v.support) == P.m_star)
        route = [i0, ib] if ia != i0 else [ib]
    else:
        import networkx as nx

        G = nx.Graph()
        G.add_nodes_from(range(len(P.vertices)))
        G.add_edges_from(P.edges)
        route = nx.shortest_path(G, ia, ib)[1:]
    for i in route:
        if i == _vertex_index(P, cur):
            continue
        cur = _segment_to(cur, P, i)
        mid.append(cur)
    v_end = down_b[-1] if down_b else w_b
    target = {k: j for j, k in _column_of(v_end).items()}
    mid += _permute(cur, target)
    pts = [w_a] + down_a + mid + down_b[::-1][1:] + [w_b]
    return _sample(P, _dedupe(pts), samples, f"between two width-{m} optimal nets (vertices {ia} → {ib})",
                   P.certified, tol)


def _vertex_index(P, w):
    S = tuple(int(k) for k in np.flatnonzero(w.sum(axis=0) > 0))
    return next((i for i, v in enumerate(P.vertices) if v.support == S), None)


def _dedupe(pts):
    out = [pts[0]]
    for p in pts[1:]:
        if not np.array_equal(p, out[-1]):
            out.append(p)
    if len(out) == 1:
        out.append(out[0])
    return out
