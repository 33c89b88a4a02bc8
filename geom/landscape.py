"""The landscape experiment: train many nets per width and see which reach the global minimum (docs/theory.md
§A.3, §E, §F.4).

For each width ``m``, ``K`` nets (seeds × initialization scales) are trained by :func:`geom.train_nets`; each
trained net is then checked by :func:`geom.check_nets`: *reached p\\** means the §C.3 certificate says
``holds`` (a certified gap within ``tol.certificate``); *stationary but not global* means Clarke stationary
(§F.2) while the certificate refutes optimality (§F.4) — a saddle or a spurious valley floor that gradient descent
stopped at.  Next to the counts: ``p*`` and ``m*`` from the convex program and its optimal polytope, and the
smallest width at which every run reached ``p*`` (theory: ``p*_m = p*`` needs ``m ≥ m*``; reaching it by gradient
descent is another matter).

Examples
--------
>>> import numpy as np
>>> X, y = np.array([[-1.0], [1.0]]), np.array([1.0, 2.0])               # docs/theory.md §I, I1: m* = 2
>>> E = landscape_experiment(X, y, 0.5, widths=[1, 2], seeds=range(4), steps=2000, lr=0.05)
>>> E.m_star, [r.reached for r in E.rows][0]                               # width 1 < m*: never
(2, 0)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .checks import check_nets
from .convex import solve_convex
from .arrangements import enumerate_patterns
from .polytope import optimal_polytope
from .training import train_nets

__all__ = ["LandscapeRow", "LandscapeExperiment", "landscape_experiment"]


@dataclass(frozen=True)
class LandscapeRow:
    """Counts at one width."""

    width: int
    runs: int
    reached: int
    stationary_not_global: int
    inconclusive: int
    best_gap: float
    worst_gap: float

    @property
    def fraction(self) -> float:
        return self.reached / self.runs if self.runs else float("nan")

    def to_dict(self) -> dict:
        return {"width": self.width, "runs": self.runs, "reached": self.reached, "fraction": self.fraction,
                "stationary_not_global": self.stationary_not_global, "inconclusive": self.inconclusive,
                "best_gap": self.best_gap, "worst_gap": self.worst_gap}


@dataclass(frozen=True)
class LandscapeExperiment:
    """The per-width table, ``p*``, ``m*`` (``None`` when the polytope is not certified) and the smallest width at
    which every run reached ``p*`` (``None`` if none)."""

    rows: tuple
    p_star: float
    certified: bool
    m_star: int | None
    all_reach_width: int | None
    checks: list = field(repr=False, default_factory=list)

    def to_dict(self) -> dict:
        return {"p_star": self.p_star, "certified": self.certified, "m_star": self.m_star,
                "all_reach_width": self.all_reach_width, "rows": [r.to_dict() for r in self.rows]}


def landscape_experiment(X, y, beta, *, widths, seeds, init_scales=(1.0,), steps: int = 2000, lr: float = 1e-2,
                         optimizer: str = "gd", bias: bool = False, backend=None) -> LandscapeExperiment:
    """Run the experiment (module docstring); one exact pattern enumeration serves the solve and every check."""
    pool = enumerate_patterns(X, bias=bias, ties="regions")
    sol = solve_convex(X, y, beta, bias=bias, patterns=pool)
    P = optimal_polytope(sol)
    run = train_nets(X, y, beta, widths=widths, seeds=seeds, init_scales=init_scales, steps=steps, lr=lr,
                     optimizer=optimizer, bias=bias, backend=backend, p_star=sol.p_star)
    checks = [check_nets(run.net(b), X, y, beta, patterns=pool)[0] for b in range(len(run.U))]
    rows = []
    for m in sorted(set(int(w) for w in run.widths)):
        idx = np.flatnonzero(run.widths == m)
        cs = [checks[i] for i in idx]
        gaps = [c.gap for c in cs]
        rows.append(LandscapeRow(width=m, runs=len(cs), reached=sum(c.globally_optimal == "holds" for c in cs),
                                 stationary_not_global=sum(c.clarke_stationary == "holds"
                                                           and c.globally_optimal == "violated" for c in cs),
                                 inconclusive=sum(c.globally_optimal == "inconclusive" for c in cs),
                                 best_gap=float(np.min(gaps)), worst_gap=float(np.max(gaps))))
    all_reach = next((r.width for r in rows if r.reached == r.runs), None)
    return LandscapeExperiment(rows=tuple(rows), p_star=sol.p_star, certified=bool(sol.certified),
                               m_star=P.m_star if P.certified else None, all_reach_width=all_reach, checks=checks)


