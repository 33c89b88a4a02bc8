"""Column generation for (C): pricing over the whole pool, a small working set for the conic program.

The dual candidate is ``ν = −∇L(ŷ)`` (``y − ŷ``, docs/theory.md §C.1).  A pattern whose dual value
``‖Π_{C_k}(±Xᵀ D_k ν)‖`` exceeds ``β(1 + tol.pricing)`` prices out (docs/theory.md §C.2–C.3); the most violated are
added to the working set, idle ones dropped, and the restricted program re-solved until none violates over the
*whole* pool.  Pricing uses the batched screens of :func:`geom.cones.dual_values`, warm-started from the previous
round (Lipschitz screen); the violators added in one round have distinct maximizing directions (neighbouring
cones that price out with the same direction add one pattern, not several).

Examples
--------
>>> import numpy as np
>>> from geom.tolerances import DEFAULT_TOLERANCES
>>> X = np.array([[-1.0], [1.0]])
>>> pool = np.array([[False, True], [True, False]])
>>> cg = column_generation(X, np.array([1.0, 2.0]), 0.5, pool, lambda ks: [np.array([0, 1])] * len(ks), None,
...                        "squared", DEFAULT_TOLERANCES, 10)
>>> cg.converged, cg.restricted.ok
(True, True)
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from types import SimpleNamespace

import numpy as np

from ..cones import DualValues, dual_values
from .program import Restricted, solve_restricted

__all__ = ["WorkingSet", "ColumnGeneration", "column_generation"]

#: Column generation drops a working-set pattern whose slots are zero and whose dual-value upper bound is below
#: ``β(1 − _DROP_SLACK)``: far from tight, so it is not part of the optimum's support near the current ``ν``.
#: Dropping never affects correctness (the final pricing runs over the whole pool), only the number of rounds.
_DROP_SLACK = 0.05
#: ... and only after it sat idle (zero slots, far from tight) for this many consecutive rounds.  Two rounds keep
#: the restricted program near 430 patterns on diabetes (100, 3), β = 1e-2 (three: near 570), and Clarabel's
#: time falls with it (13.5 → 8.2 CPU s over about as many rounds; 6.2 → 4.5 s on a Gaussian teacher (100, 3));
#: one round makes patterns cycle out and back in (more rounds, no faster overall).
_DROP_AGE = 2
#: Patterns added per round: the most violated ``max(10, _PER_ROUND_FRAC · n)``.
_PER_ROUND_FRAC = 1.0
#: Partial pricing: on a pool of more than ``_PARTIAL_MIN`` patterns a round prices windows of the pool
#: (``max(_WINDOW_MIN, P // _PARTIAL_PARTS)`` patterns of a fixed random order, continuing where the last round
#: stopped) until it has half a round's violators.  Convergence needs a whole cycle of windows at one ``ν`` with no
#: violator: every pattern priced, so this changes the path, never the answer.  (Pricing is linear in the pool: on
#: Gaussian (100, 5), 7.9 million patterns, a whole pricing costs about 25–35 s.)  Small windows make the early
#: rounds cheap, where any window has violators to spare: on Gaussian (100, 5), 40 windows of 200k instead of 8
#: of 981k took column generation from 287 to 145 s (34 rounds instead of 39); 80 windows of 98k, 161 s.
_PARTIAL_MIN = 200_000
_PARTIAL_PARTS = 40
_WINDOW_MIN = 200_000
#: Violators added in one round have maximizing directions at least this far apart (:func:`_diverse`).
_DIVERSE = 1e-3
#: A cone row left out of a pattern's facet description is added back (for the next solve) when a slot
#: of the solution violates it by more than ``_CUT_FACTOR · tol.solver · ‖b_i‖‖z‖``.  The facet rows describe
#: the cone exactly, but a very thin cone (nearly parallel hyperplanes) is not *numerically* held by them: the
#: solver's feasibility tolerance lets a slot slip along the thin direction, far outside the cone; the
#: redundant rows hold it.
_CUT_FACTOR = 10.0


class WorkingSet:
    """The patterns of the restricted program, their cone rows, and how long each sat idle.

    Parameters
    ----------
    n_pool : int
        Size of the pool.
    rows_of : callable
        ``rows_of(indices) -> list of row-index arrays``: the cone rows that describe each pattern's cone.
    """

    def __init__(self, n_pool: int, rows_of):
        self.rows_of = rows_of
        self.indices: list[int] = []
        self.rows: list[np.ndarray] = []
        self.member = np.zeros(n_pool, dtype=bool)
        self.age = np.zeros(n_pool, dtype=np.int64)

    def __len__(self) -> int:
        return len(self.indices)

    def add(self, ks) -> None:
        """Append the pool patterns ``ks`` (not yet members) with their cone rows (one batched lookup)."""
        ks = np.asarray(ks, dtype=np.int64)
        if ks.size == 0:
            return
        self.indices.extend(ks.tolist())
        self.rows.extend(self.rows_of(ks))
        self.member[ks] = True

    def cut(self, Xa, pool, U, V, slack: float, support: float) -> bool:
        """Add the cone rows that a nonzero slot of ``(U, V)`` violates by more than ``slack`` (relative to
        ``‖b_i‖‖z‖``; slots below ``support`` of the largest are ignored); ``True`` if any row was added."""
        nu_, nv_ = np.linalg.norm(U, axis=1), np.linalg.norm(V, axis=1)
        big = float(max(nu_.max(initial=0.0), nv_.max(initial=0.0)))
        bn = np.linalg.norm(Xa, axis=1)
        sign = np.where(pool[np.asarray(self.indices, dtype=np.int64)], 1.0, -1.0)  # rows of B_k = (2D_k − I)X
        bad = np.zeros(sign.shape, dtype=bool)
        for Z, nz in ((U, nu_), (V, nv_)):
            live = np.flatnonzero(nz > support * big)  # (a NaN norm is not live)
            if live.size:
                bad[live] |= sign[live] * (Z[live] @ Xa.T) < -slack * nz[live, None] * bn[None, :]
        added = False
        for j in np.flatnonzero(bad.any(axis=1)):
            new = np.setdiff1d(np.flatnonzero(bad[j]), self.rows[j])
            if new.size:
                self.rows[j] = np.union1d(self.rows[j], new).astype(np.int64)
                added = True
        return added

    def retire(self, idle) -> None:
        """Age the members flagged ``idle`` (aligned with ``indices``), reset the others, drop the old ones."""
        w = np.asarray(self.indices, dtype=np.int64)
        self.age[w] = np.where(idle, self.age[w] + 1, 0)
        old = self.age[w] >= _DROP_AGE
        if not old.any():
            return
        self.member[w[old]] = False
        self.age[w[old]] = 0
        self.indices = [k for k, o in zip(self.indices, old) if not o]
        self.rows = [r for r, o in zip(self.rows, old) if not o]


@dataclass(frozen=True)
class ColumnGeneration:
    """Outcome of :func:`column_generation`.

    Attributes
    ----------
    restricted : Restricted
        The last *usable* restricted solution (or the failed first one when none was usable).
    work, rows : list
        Its working set (pool indices) and their cone rows.
    status : str
        The last solver status (a failure status if the solver stopped short in a later round).
    converged : bool
        No pattern of the pool priced out at ``restricted``'s ``ν``.
    rounds, iterations : int
    previous : tuple or None
        ``(DualValues, ν)`` of the last complete pricing (a Lipschitz screen for the certificate).
    trace : list
        ``(working set, violators, φ over the computed entries)`` per round that added patterns.
    cuts : int
        Rounds whose solution violated cone rows left out of a facet description (:meth:`WorkingSet.cut`): the rows
        were added for the next solve, and the round could not end the run.
    partial : int
        Rounds whose new patterns came from a window of the pool (partial pricing; see ``_PARTIAL_MIN``).
    seconds_solver, seconds_pricing : float
    """

    restricted: Restricted
    work: list
    rows: list
    status: str
    converged: bool
    rounds: int
    iterations: int
    previous: tuple | None = field(repr=False)
    trace: list = field(repr=False)
    seconds_solver: float
    seconds_pricing: float
    cuts: int = 0
    partial: int = 0


def _diverse(dv, cand, count: int) -> np.ndarray:
    """The first ``count`` of the violators ``cand`` (in order) whose maximizing signed directions are at least
    ``_DIVERSE`` apart: neighbouring cones that share a face often price out with the same direction, and one
    of them is enough for the next restricted program (the others come back if they still price out)."""
    if _DIVERSE <= 0 or cand.size <= count:
        return cand[:count]
    col = np.argmax(dv.values[cand], axis=1)
    D = dv.directions[cand, col] * np.where(col == 0, 1.0, -1.0)[:, None]
    kept: list[int] = []
    K = np.zeros((0, D.shape[1]))
    for i in range(cand.size):
        if K.shape[0] and np.min(np.linalg.norm(K - D[i], axis=1)) < _DIVERSE:
            continue
        kept.append(i)
        K = D[kept]
        if len(kept) >= count:
            break
    return cand[np.array(kept, dtype=np.int64)]


def _violators(dv, member, thr: float) -> np.ndarray:
    """Rows of ``dv`` with a dual value above ``thr`` whose pattern is not in the working set (``member``,
    aligned with the rows of ``dv``)."""
    return np.flatnonzero((dv.values.max(axis=1) > thr) & ~member)


def _most_violated(dv, viol, count: int) -> np.ndarray:
    """The rows ``viol`` of ``dv`` to add: the most violated first, with distinct directions (:func:`_diverse`)."""
    return _diverse(dv, viol[np.argsort(-dv.values[viol].max(axis=1), kind="stable")], count)


def column_generation(Xa, y, beta, pool, rows_of, index, mode, tol, max_rounds: int,
                      initial=None) -> ColumnGeneration:
    """Solve (C) over ``pool`` by column generation (docs/theory.md §C.2–C.3); ``max_rounds ≥ 1`` restricted solves.

    ``rows_of`` gives the cone rows of pool patterns (facets from ``index`` on a certified region set, every
    hyperplane otherwise); ``mode`` is ``"squared"``, ``"logistic"`` or ``"interpolate"``.  ``initial``: pool
    indices of a first working set (a warm start, e.g. the last working set at a nearby ``β``); by default the
    patterns with the largest dual values at ``ν = y``.  Only the path depends on it: convergence is always
    decided by pricing over the whole pool.
    """
    n = Xa.shape[0]
    P = pool.shape[0]
    thr = beta * (1.0 + tol.pricing)
    per_round = max(10, int(_PER_ROUND_FRAC * n))
    ws = WorkingSet(P, rows_of)
    windows = _Windows(P)
    if initial is not None and len(initial):
        ws.add(np.unique(np.asarray(initial, dtype=np.int64)))
    else:  # (from one window of a large pool: the first rounds' violators are everywhere)
        first = windows.next() if P > _PARTIAL_MIN else np.arange(P)
        dv = dual_values(Xa, y, pool[first] if P > _PARTIAL_MIN else pool, threshold=0.0, index=index,
                         limit=per_round)
        ws.add(first[np.argsort(-dv.values.max(axis=1), kind="stable")[: min(P, per_round)]])
    rounds = iters = cuts = partial = 0
    upper_all = None  # partial pricing: the windows' upper bounds, stitched (a whole cycle gives every entry)
    win_nu: dict = {}  # ... and the ν at which each window was last priced
    refine = False  # once a round failed without Clarabel's iterative refinement, the next ones start with it
    strict = False  # intermediate rounds accept Clarabel's reduced accuracy; a round that may end the run is
    # re-solved with refinement first (``_settle``)
    converged = False
    trace: list = []
    prev = None
    t_solve = t_price = 0.0
    good: tuple | None = None  # (Restricted, work, rows) of the last usable solve
    status = "NotRun"
    res = None
    while rounds < max_rounds:
        rounds += 1
        ts = time.perf_counter()
        work, rows = list(ws.indices), list(ws.rows)
        res = solve_restricted(Xa, y, beta, pool[work], rows, mode, tol.solver, refine=refine or strict,
                               accept_almost=not strict)
        refine = refine or (res.refined and not strict)  # (a retry after a failure: the next programs are alike)
        strict = False
        t_solve += time.perf_counter() - ts
        iters += res.iterations
        status = res.status
        if not res.ok:
            break
        good = (res, work, rows)
        # a thin cone let a slot slip out: the violated rows are added, and the round still prices at this ν (a
        # dual candidate good enough to find violators: diabetes (100, 2) + bias, 14 → 7 solves); a slipped
        # solution never ends the run, the next solve (with the rows) does
        slipped = rounds < max_rounds and ws.cut(Xa, pool, res.U, res.V, _CUT_FACTOR * tol.solver, tol.support)
        cuts += int(slipped)
        ts = time.perf_counter()
        add, none_left = None, False
        if P > _PARTIAL_MIN:  # partial pricing: window after window, until enough violators or a whole cycle
            got, n_got, clean = [], 0, True
            if upper_all is None:
                upper_all = np.zeros((P, 2))
            for _ in range(windows.count):
                win = windows.next()
                seen = win_nu.get(windows.last)  # this window's last pricing: a Lipschitz screen at its ν
                dv = dual_values(Xa, res.nu, pool[win], threshold=thr, index=index, limit=per_round, exact=False,
                                 skip=ws.member[win],
                                 previous=None if seen is None else (DualValues.screen(upper_all[win]), seen))
                upper_all[win] = dv.upper  # rigorous for every entry, complete or not
                win_nu[windows.last] = res.nu
                clean &= dv.complete
                viol = _violators(dv, ws.member[win], thr)
                if viol.size:
                    got.append((win[viol], dv.values[viol], dv.directions[viol]))
                    n_got += viol.size
                if n_got >= per_round // 2:
                    break
            if not got and clean:  # every window priced completely at this ν, no violator anywhere
                none_left = True
                prev = (DualValues.screen(upper_all.copy()), res.nu)  # (one whole cycle, all at this ν)
            elif got:
                ks = np.concatenate([g[0] for g in got])
                merged = SimpleNamespace(values=np.concatenate([g[1] for g in got]),
                                         directions=np.concatenate([g[2] for g in got]))
                add = ks[_most_violated(merged, np.arange(ks.size), per_round)]
                n_viol, phi_round = ks.size, float(merged.values.max())
                partial += 1
        if add is None and not none_left:
            dv = dual_values(Xa, res.nu, pool, threshold=thr, index=index, limit=per_round, previous=prev,
                             exact=False, skip=ws.member)
            prev = (dv, res.nu)  # ``upper`` bounds every entry, complete or not
            viol = _violators(dv, ws.member, thr)
            if viol.size == 0 and not dv.complete:  # the early stop met only working-set patterns: price all
                dv = dual_values(Xa, res.nu, pool, threshold=thr, index=index, previous=prev, exact=False,
                                 skip=ws.member)
                prev = (dv, res.nu)
                viol = _violators(dv, ws.member, thr)
            none_left = viol.size == 0
            if not none_left:
                add = _most_violated(dv, viol, per_round)
                n_viol, phi_round = viol.size, float(dv.phi)
        t_price += time.perf_counter() - ts
        if none_left:  # no violator anywhere in the pool at this ν
            if slipped:  # ... but the point left its cone: re-solve with the added rows first
                continue
            if _settle(res):  # ... but at reduced accuracy: re-solve in full first
                strict = True
                continue
            converged = True
            break
        trace.append((len(ws), int(n_viol), phi_round))
        # keep the restricted program small: drop patterns unused by the last _DROP_AGE solutions and far from
        # tight (dropping sooner makes patterns cycle out and back in)
        # (dual values only of the members with zero slots: the others are not idle whatever their value)
        slot_norm = np.maximum(np.linalg.norm(res.U, axis=1), np.linalg.norm(res.V, axis=1))
        idle = slot_norm <= tol.support * float(slot_norm.max(initial=0.0))
        if idle.any():
            w_dv = dual_values(Xa, res.nu, pool[np.asarray(work)[idle]], threshold=beta * (1.0 - _DROP_SLACK),
                               index=index)
            idle[idle] = w_dv.values.max(axis=1) < beta * (1.0 - _DROP_SLACK)
        ws.retire(idle)
        ws.add(add)
    if good is None:
        good = (res, list(ws.indices), list(ws.rows))
    restricted, work, rows = good
    return ColumnGeneration(restricted=restricted, work=work, rows=rows, status=status, converged=converged,
                            rounds=rounds, iterations=iters, previous=prev, trace=trace, seconds_solver=t_solve,
                            seconds_pricing=t_price, cuts=cuts, partial=partial)


def _settle(res: Restricted) -> bool:
    """The restricted solve stopped at Clarabel's reduced accuracy (``AlmostSolved``, accepted in an intermediate
    round): before pricing may end the run, the program is solved again with refinement (docs/theory.md §C.4)."""
    return res.status == "AlmostSolved" and not res.refined


class _Windows:
    """Successive windows of a pool of ``P`` patterns for partial pricing: blocks of one fixed random permutation
    (seeded: the run is deterministic), each of ``max(_WINDOW_MIN, P // _PARTIAL_PARTS)`` patterns, cycling.
    ``last`` is the position in the cycle of the window ``next`` returned (its upper bounds and ``ν`` are kept by
    column generation: the Lipschitz screen of the window's next pricing)."""

    def __init__(self, P: int):
        self.P = P
        self.size = max(_WINDOW_MIN, P // _PARTIAL_PARTS)
        self.count = -(-P // self.size)  # windows in a cycle: any ``count`` consecutive ones cover the pool
        self.order = None
        self.pos = 0
        self.last = -1

    def next(self) -> np.ndarray:
        if self.order is None:
            self.order = np.random.default_rng(0).permutation(self.P)
        if self.pos >= self.P:
            self.pos = 0
        win = np.sort(self.order[self.pos:self.pos + self.size])
        self.last = self.pos // self.size  # which window of the cycle
        self.pos += self.size
        return win
