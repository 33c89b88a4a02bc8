"""Scaled, minimal and nearly minimal networks; merging; the strictly decreasing path (docs/theory.md §A.4, §F.1,
§F.4).

* **Scaled** (§A.4): ``‖u_j‖ = |α_j|`` for every neuron; the *balance error* is ``max_j |‖u_j‖ − |α_j||``.
* **Co-conic** (§F.1, operational test): two same-sign neurons lie in a common closed cone iff no sample has
  strictly opposite pre-activation signs, ``∄ i : (x_iᵀu_1)(x_iᵀu_2) < 0``; exactly then
  ``(Xu_1)_+ + (Xu_2)_+ = (X(u_1 + u_2))_+`` and merging preserves the fit.  Signs are read with the relative
  tie threshold of :mod:`geom.stationarity`; a sign in the grey zone makes the pair ambiguous.
* **Minimal**: scaled, and no two nonzero same-sign neurons co-conic.  **Nearly minimal**: scaled, and every
  co-conic same-sign pair positively colinear.  The *offending pairs* are reported.
* **Merging** (§F.4): positively colinear same-sign neurons are replaced by ``ψ(Σ|α_j| u_j)``; the output and,
  for a scaled net, the penalty are unchanged.
* **Strictly decreasing path** (§F.4): rebalance every neuron along ``t ↦ (t u, α/t)``, then, for a co-conic
  non-colinear same-sign pair, move ``(z_i + s z_j, (1 − s) z_j)`` in convex coordinates ``z = |α| u``; repeat.
  The fit is constant along the second kind of move and the penalty strictly decreases.

Examples
--------
>>> import numpy as np
>>> from geom.nets import Net
>>> X = np.array([[1.0, 0.0], [0.0, 1.0]])
>>> split = Net(np.array([[0.6, 0.0], [0.8, 0.0]]), np.array([0.6, 0.8]))      # one neuron, split in two
>>> r = minimality(split, X)
>>> r.scaled, r.minimal, r.nearly_minimal, r.offending_pairs
('holds', 'violated', 'holds', [(0, 1)])
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ._validation import message
from .exceptions import InvalidInputError, InvalidInputTypeError
from .nets import Net, augment
from .stationarity import SEPARATION, TIE_TOL

__all__ = ["Minimality", "minimality", "merge_colinear", "decreasing_path", "BALANCE_TOL", "COLINEAR_TOL",
           "ZERO_NEURON_TOL", "MONOTONE_RTOL"]

#: A net is scaled when ``max_j |‖u_j‖ − |α_j|| ≤ BALANCE_TOL · max(1, max_j ‖u_j‖)``.
BALANCE_TOL = 1e-8
#: Two directions are positively colinear when ``‖u/‖u‖ − v/‖v‖‖ ≤ COLINEAR_TOL``.
COLINEAR_TOL = 1e-8
#: A neuron whose output size ``|α_j|‖u_j‖·‖X̃‖₂`` is at most ``ZERO_NEURON_TOL · max(1, largest output size)``
#: is a zero neuron (a trained net's dead neurons decay geometrically under weight decay and never reach an exact
#: zero).  The floor ``1`` (one output unit) makes a collapsed net, every neuron of size 1e-24, a zero net rather
#: than a net of tiny neurons compared with each other.
ZERO_NEURON_TOL = 1e-8
#: The decreasing path is monotone when no sampled objective exceeds the previous by more than
#: ``MONOTONE_RTOL · max(1, max objective)`` (float64 evaluation noise).
MONOTONE_RTOL = 1e-12


@dataclass(frozen=True)
class Minimality:
    """Verdicts of docs/theory.md §A.4 and §F.1 for one network, with the figures that decided them."""

    scaled: str
    minimal: str
    nearly_minimal: str
    balance_error: float
    offending_pairs: list = field(default_factory=list)
    colinear_pairs: list = field(default_factory=list)
    ambiguous_pairs: list = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"scaled": self.scaled, "minimal": self.minimal, "nearly_minimal": self.nearly_minimal,
                "balance_error": self.balance_error, "offending_pairs": [list(p) for p in self.offending_pairs],
                "colinear_pairs": [list(p) for p in self.colinear_pairs],
                "ambiguous_pairs": [list(p) for p in self.ambiguous_pairs]}

    def _repr_html_(self) -> str:
        from .display import minimality_html
        return minimality_html(self)


def _signs(Xa, U, tie_tol):
    """Signs of ``X u_j`` (``0`` for ties) and the grey-zone mask."""
    z = Xa @ U.T
    thr = np.linalg.norm(Xa, axis=1)[:, None] * np.linalg.norm(U, axis=1)[None, :]
    sgn = np.where(np.abs(z) <= tie_tol * thr, 0, np.sign(z)).astype(int)
    grey = (np.abs(z) > tie_tol * thr) & (np.abs(z) <= SEPARATION * tie_tol * thr)
    return sgn, grey


def _check(net, X, func):
    if not isinstance(net, Net):
        raise InvalidInputTypeError(message("net", func, "a geom.Net", type(net).__name__))
    if net.U.ndim != 2:
        raise InvalidInputError(message("net", func, "one network (U of shape (m, p))", f"U of shape {net.U.shape}"))
    return augment(np.asarray(net.check_data(X, func), float), net.bias)


def minimality(net: Net, X, *, tie_tol: float = TIE_TOL, balance_tol: float = BALANCE_TOL,
               colinear_tol: float = COLINEAR_TOL) -> Minimality:
    """Scaled / minimal / nearly minimal verdicts of ``net`` on data ``X`` (module docstring)."""
    Xa = _check(net, X, "minimality")
    U, a = net.U, net.alpha
    nu = np.linalg.norm(U, axis=1)
    bal = float(np.max(np.abs(nu - np.abs(a)), initial=0.0))
    top = max(1.0, float(nu.max(initial=0.0)))
    scaled = "holds" if bal <= balance_tol * top else ("violated" if bal > SEPARATION * balance_tol * top
                                                        else "inconclusive")
    mass = nu * np.abs(a) * float(np.linalg.norm(Xa, 2))
    live = np.flatnonzero(mass > ZERO_NEURON_TOL * max(1.0, float(mass.max(initial=0.0))))
    sgn, grey = _signs(Xa, U, tie_tol)
    offending, colinear, ambiguous = [], [], []
    for ii, i in enumerate(live):
        for j in live[ii + 1:]:
            if np.sign(a[i]) != np.sign(a[j]):
                continue
            opposite = sgn[:, i] * sgn[:, j] < 0
            if opposite.any():
                continue  # certainly in no common closed cone (strict opposite signs)
            if (grey[:, i] | grey[:, j]).any():
                ambiguous.append((int(i), int(j)))
            offending.append((int(i), int(j)))
            if np.linalg.norm(U[i] / nu[i] - U[j] / nu[j]) <= colinear_tol:
                colinear.append((int(i), int(j)))

    def verdict(ok):
        if scaled == "violated":
            return "violated"
        if ambiguous or scaled == "inconclusive":
            return "inconclusive"
        return "holds" if ok else "violated"

    return Minimality(scaled=scaled, minimal=verdict(not offending),
                      nearly_minimal=verdict(len(colinear) == len(offending)), balance_error=bal,
                      offending_pairs=offending, colinear_pairs=colinear, ambiguous_pairs=ambiguous)


def merge_colinear(net: Net, *, colinear_tol: float = COLINEAR_TOL) -> Net:
    """Merge positively colinear same-sign neurons into ``ψ(Σ|α_j| u_j)`` and drop zero neurons (§F.4).

    For an optimal (hence scaled and nearly minimal) net the result is minimal with the same objective.

    >>> n = merge_colinear(Net(np.array([[0.6, 0.0], [0.8, 0.0]]), np.array([0.6, 0.8])))
    >>> n.width, n.U.round(12).tolist(), n.alpha.round(12).tolist()
    (1, [[1.0, 0.0]], [1.0])
    """
    if not isinstance(net, Net) or net.U.ndim != 2:
        raise InvalidInputTypeError(message("net", "merge_colinear", "one geom.Net", repr(net)))
    U, a = net.U, net.alpha
    nu = np.linalg.norm(U, axis=1)
    groups = []  # (sign, unit direction, z sum)
    for j in np.flatnonzero((nu > 0) & (a != 0)):
        d = U[j] / nu[j]
        for g in groups:
            if g[0] == np.sign(a[j]) and np.linalg.norm(g[1] - d) <= colinear_tol:
                g[2] += abs(a[j]) * U[j]
                break
        else:
            groups.append([np.sign(a[j]), d, abs(a[j]) * U[j]])
    p = U.shape[1]
    rows, alphas = [], []
    for s, _, z in groups:
        r = math.sqrt(float(np.linalg.norm(z)))
        if not r > 0:  # |α|·u underflowed: a zero neuron
            continue
        rows.append(z / r)
        alphas.append(s * r)
    if not rows:
        return Net(np.zeros((0, p)), np.zeros(0), bias=net.bias)
    return Net(np.array(rows), np.array(alphas), bias=net.bias)


@dataclass(frozen=True)
class DecreasingPath:
    """A sampled path from a net to a nearly minimal one, with its objective values (docs/theory.md §F.4)."""

    nets: tuple = field(repr=False)
    objective: np.ndarray = field(repr=False)
    monotone: bool
    strictly_decreased: bool
    moves: int

    def _repr_html_(self) -> str:
        from .display import decreasing_path_html
        return decreasing_path_html(self)


def decreasing_path(net: Net, X, y, beta, *, samples: int = 8, max_moves: int = 100,
                    tie_tol: float = TIE_TOL) -> DecreasingPath:
    """The path of docs/theory.md §F.4 from ``net`` to a nearly minimal net with non-increasing objective
    (strictly decreasing unless ``net`` is already nearly minimal).  Every sampled objective is evaluated from
    scratch; ``monotone`` says whether consecutive values never increase (up to ``1e-12`` relative)."""
    Xa = _check(net, X, "decreasing_path")
    y = np.asarray(y, float)
    U, a = net.U.copy(), net.alpha.copy()
    pts = [(U.copy(), a.copy())]
    nu = np.linalg.norm(U, axis=1)
    live = (nu > 0) & (a != 0)
    # 1. rebalance: (t u, α/t), t from 1 to (|α|/‖u‖)^{1/2}
    t_end = np.where(live, np.sqrt(np.abs(a) / np.where(live, nu, 1.0)), 1.0)
    for s in np.linspace(0.0, 1.0, samples + 1)[1:]:
        t = 1.0 + s * (t_end - 1.0)
        pts.append((U * t[:, None], a / t))
    U, a = pts[-1][0].copy(), pts[-1][1].copy()
    moves = 0
    # 2. co-conic, non-colinear same-sign pairs: (z_i + s z_j, (1 − s) z_j), mapped back by ψ
    for _ in range(max_moves):
        r = minimality(Net(U, a, bias=net.bias), X, tie_tol=tie_tol)
        pairs = [p for p in r.offending_pairs if p not in r.colinear_pairs]
        if not pairs:
            break
        i, j = pairs[0]
        zi, zj = abs(a[i]) * U[i], abs(a[j]) * U[j]
        sg = np.sign(a[i])
        for s in np.linspace(0.0, 1.0, samples + 1)[1:]:
            Ui, Uj = U.copy(), a.copy()
            for k, z in ((i, zi + s * zj), (j, (1.0 - s) * zj)):
                nz = float(np.linalg.norm(z))
                Ui[k] = z / math.sqrt(nz) if nz > 0 else 0.0
                Uj[k] = sg * math.sqrt(nz)
            pts.append((Ui, Uj))
        U, a = pts[-1][0].copy(), pts[-1][1].copy()
        moves += 1
    nets = tuple(Net(Ut, at, bias=net.bias) for Ut, at in pts)
    obj = np.array([0.5 * float(np.sum((np.maximum(Xa @ Ut.T, 0.0) @ at - y) ** 2))
                    + 0.5 * beta * float(np.sum(Ut ** 2) + np.sum(at ** 2)) for Ut, at in pts])
    tol = MONOTONE_RTOL * max(1.0, float(np.abs(obj).max(initial=0.0)))
    monotone = bool(np.all(np.diff(obj) <= tol))
    return DecreasingPath(nets=nets, objective=obj, monotone=monotone,
                          strictly_decreased=bool(obj[-1] < obj[0] - tol), moves=moves)
